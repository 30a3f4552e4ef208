"""`content.sensitive-word` and `content.term-typo`: the user's word lists and the fixed terms, in the text a
reader sees (`visible_text`: no scripts, styles or head).

- `content.sensitive-word` (medium, needs review): each word of `--sensitive-words FILE` (format and the
  whole-word rule: auditcli/core/wordlists.py) found on a page; one finding per page and word, with the
  count and 20 characters either side of the first hits. auditcli ships no word list (an example:
  docs/examples/sensitive-words.txt). Without the option the check is not applicable.
- `content.term-typo` (low, needs review, never a veto): a known mis-writing of a fixed political or
  administrative term (auditcli/core/knowledge/content.yaml `term_typos`: 中国共产觉, 全面从严冶党, 筑牢
  中华民族共同体意识…), and with `--exact-names FILE` a mis-writing of a name that must be written exactly.
  A name of N ≥ 3 characters is mis-written where the text holds N characters that differ from it in
  exactly one Chinese character while the other N-1 stand exactly in place, and the window stands between
  name boundaries: punctuation, a space, a digit or Latin letter, the text's ends, or a title or function
  word (书记, 县长, 同志, 主持, 强调, 在, 的…: content.yaml `exact_names`); a name ending as a place or an
  office (县, 镇, 人民政府, 委员会…) ends a word by itself and needs no boundary after it. Never flagged: a
  changed place ending (示例镇 is another place than 示例县), a one-character place before its ending (乙镇
  for 甲镇), a window that is another name of the file or a real word the file allows (`!示范县`); of
  overlapping windows the longest is reported. Limits: two-character and Latin names are matched exactly
  only (one character left is no evidence); a mis-writing in running text without a boundary word is
  missed; an added or dropped character is not a substitution and is missed too.
The page pass reads the raw page first: a page whose source holds none of the words skips the text walk.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from auditcli.core import knowledge
from auditcli.core.models import Finding
from auditcli.core.tree import visible_text
from auditcli.core.wordlists import CJK, ExactNames, SensitiveWords, trie_pattern
from checks.engine.registry import NotApplicable, check, page_analysis
from checks.engine.siteview import Page, SiteView

CONTEXT = 20      # characters of context either side of a hit
CONTEXTS = 3      # contexts kept per finding
IS_CJK = re.compile(f"[{CJK}]")
LATIN_WORD = re.compile(r"\w", re.ASCII)


@dataclass
class Hit:
    word: str           # what the page shows
    key: str            # what it is reported under (the list's word, or the typo)
    count: int = 0
    contexts: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class WordHits:
    page: str
    sensitive: list[Hit]
    typos: list[Hit]


def context(text: str, start: int, end: int) -> str:
    """The hit with CONTEXT characters either side, … where cut."""
    left, right = max(start - CONTEXT, 0), min(end + CONTEXT, len(text))
    return ("…" if left else "") + text[left:right] + ("…" if right < len(text) else "")


def _add(hits: dict[str, Hit], key: str, word: str, text: str, start: int, end: int, **extra: Any) -> None:
    hit = hits.setdefault(key, Hit(word, key, extra=extra))
    hit.count += 1
    if len(hit.contexts) < CONTEXTS:
        hit.contexts.append(context(text, start, end))


def _inside(text: str, start: int, end: int, word: str, longer: tuple[str, ...]) -> bool:
    """Is text[start:end] (an occurrence of `word`) part of an occurrence of one of `longer`?"""
    lowered = word.lower()
    for other in longer:
        low = other.lower()
        offset = low.find(lowered)
        while offset >= 0:
            begin = start - offset
            if begin >= 0 and text[begin:begin + len(other)].lower() == low:
                return True
            offset = low.find(lowered, offset + 1)
    return False


def _stands_alone(text: str, start: int, end: int, cjk: bool) -> bool:
    """Whole-word: no Chinese character (a Chinese word) or no letter/digit (a Latin word) on either side."""
    edge = IS_CJK if cjk else LATIN_WORD
    return not ((start > 0 and edge.match(text[start - 1])) or (end < len(text) and edge.match(text[end])))


def sensitive_hits(text: str, words: SensitiveWords) -> list[Hit]:
    hits: dict[str, Hit] = {}
    for m in words.pattern.finditer(text):
        entry = words.by_word.get(m.group(0).lower())
        if entry is None:
            continue
        if entry.whole and not _stands_alone(text, m.start(), m.end(), entry.cjk):
            continue
        if entry.longer and _inside(text, m.start(), m.end(), entry.word, entry.longer):
            continue
        _add(hits, entry.word, m.group(0), text, m.start(), m.end(), category=entry.category,
             whole_word=entry.whole)
    return list(hits.values())


# ------------------------------------------------------------------------------------------ fixed terms
@cache
def _terms() -> tuple[re.Pattern[str], dict[str, tuple[str, tuple[str, ...]]]]:
    """One pattern of every known mis-writing, and typo -> (term, longer correct strings holding it)."""
    typos: dict[str, tuple[str, tuple[str, ...]]] = {}
    for entry in knowledge.load("content")["term_typos"]:
        for typo in entry["typos"]:
            typos[typo] = (entry["term"], tuple(entry.get("except") or ()))
    pattern = re.compile(trie_pattern(typos))
    return pattern, typos


@cache
def _name_policy() -> dict[str, Any]:
    policy = knowledge.load("content")["exact_names"]
    return {"min_length": int(policy["min_length"]), "place_suffixes": tuple(policy["place_suffixes"]),
            "name_endings": tuple(policy["name_endings"]), "before": tuple(policy["before"]),
            "after": tuple(policy["after"])}


@dataclass(frozen=True)
class NameMatcher:
    """Finds one-character mis-writings of the exact names (rule in the module docstring)."""

    names: tuple[str, ...]
    allowed: tuple[str, ...]
    patterns: tuple[tuple[str, bool, re.Pattern[str]], ...]  # (name, ends a word itself, its windows)
    prefilter: re.Pattern[str] | None

    @classmethod
    def of(cls, names: ExactNames) -> NameMatcher:
        policy = _name_policy()
        patterns = []
        for name in names.names:
            if len(name) < policy["min_length"] or not all(IS_CJK.match(c) for c in name):
                continue
            fixed: set[int] = set()
            for suffix in policy["place_suffixes"]:
                for k in _positions(name, suffix):
                    if k >= 1:  # an ending; a place of one character before it (甲镇) is kept whole
                        fixed.update(range(k + 1) if k < 2 else (k,))
            variants = [re.escape(name[:k]) + f"[{CJK}]" + re.escape(name[k + 1:])
                        for k in range(len(name)) if k not in fixed]
            ends_word = name.endswith((*policy["place_suffixes"], *policy["name_endings"]))
            patterns.append((name, ends_word, re.compile("(?=(" + "|".join(variants) + "))")))  # overlapping
        if not patterns:
            return cls(names.names, names.allowed, (), None)
        prefilter = re.compile("|".join(p.pattern for _, _, p in patterns))
        return cls(names.names, names.allowed, tuple(patterns), prefilter)

    def hits(self, text: str) -> Iterator[tuple[str, str, int, int]]:
        """(name, mis-writing, start, end) in `text`; of overlapping ones the longest."""
        policy = _name_policy()
        found: list[tuple[str, str, int, int]] = []
        for name, ends_word, pattern in self.patterns:
            for m in pattern.finditer(text):
                window = m.group(1)
                start, end = m.start(1), m.start(1) + len(window)
                if window == name or window in self.names:
                    continue
                if any(_inside(text, start, end, window, (word,)) for word in (*self.allowed, *self.names)
                       if window in word):
                    continue
                left_ok = (start == 0 or not IS_CJK.match(text[start - 1])
                           or text[:start].endswith(policy["before"]))
                right_ok = (ends_word or end == len(text) or not IS_CJK.match(text[end])
                            or text.startswith(policy["after"], end))
                if left_ok and right_ok:
                    found.append((name, window, start, end))
        found.sort(key=lambda h: (h[2], -(h[3] - h[2])))
        last_end = -1
        for hit in found:
            if hit[2] >= last_end:
                yield hit
                last_end = hit[3]


def _positions(name: str, part: str) -> Iterator[int]:
    """The character positions `part` covers wherever it stands in `name`."""
    at = name.find(part)
    while at >= 0:
        yield from range(at, at + len(part))
        at = name.find(part, at + 1)


_matchers: dict[int, tuple[ExactNames, NameMatcher]] = {}


def name_matcher(names: ExactNames) -> NameMatcher:
    """The matcher of a names file, built once per process (the options reach each worker once)."""
    kept = _matchers.get(id(names))
    if kept is None or kept[0] is not names:
        kept = _matchers[id(names)] = (names, NameMatcher.of(names))
    return kept[1]


def typo_hits(text: str, names: ExactNames | None) -> list[Hit]:
    hits: dict[str, Hit] = {}
    pattern, typos = _terms()
    for m in pattern.finditer(text):
        term, longer = typos[m.group(0)]
        if longer and _inside(text, m.start(), m.end(), m.group(0), longer):
            continue
        _add(hits, m.group(0), m.group(0), text, m.start(), m.end(), term=term, source="terms")
    if names is not None:
        for name, window, start, end in name_matcher(names).hits(text):
            _add(hits, window, window, text, start, end, term=name, source="exact-names")
    return list(hits.values())


# ------------------------------------------------------------------------------------------ the page pass
def _options(site: SiteView) -> tuple[SensitiveWords | None, ExactNames | None]:
    words, names = site.options.get("sensitive_words"), site.options.get("exact_names")
    return (words if isinstance(words, SensitiveWords) else None,
            names if isinstance(names, ExactNames) else None)


@page_analysis(dimensions=("content",))
def word_hits(page: Page, site: SiteView) -> WordHits | None:
    """The page's sensitive words and term typos; the page source is searched first, so most pages are
    never walked for their text."""
    words, names = _options(site)
    source = page.text
    want_words = words is not None and words.pattern.search(source) is not None
    matcher = name_matcher(names) if names is not None else None
    want_typos = _terms()[0].search(source) is not None or (
        matcher is not None and matcher.prefilter is not None and matcher.prefilter.search(source) is not None)
    if not (want_words or want_typos):
        return None
    text = visible_text(page.tree)
    sensitive = sensitive_hits(text, words) if want_words and words is not None else []
    typos = typo_hits(text, names) if want_typos else []
    return WordHits(page.final_url, sensitive, typos) if sensitive or typos else None


@check(
    id="content.sensitive-word",
    dimension="content",
    severity="medium",
    refs=["《网络信息内容生态治理规定》 第六条、第七条",
          "国办秘函〔2019〕19号 《政府网站与政务新媒体检查指标》 严重表述错误"],
    title={"zh": "页面含敏感词（需人工复核）", "en": "Sensitive word on a page (needs review)"},
    fix={"zh": "核实该词在上下文中的用法；确属不当内容的，修改或撤下该信息并排查发布审核流程。",
         "en": "Check how the word is used in its context; if the content is improper, correct or withdraw it "
               "and review how it passed the publishing review."},
    needs=("analysis:word_hits",),
)
def sensitive_word(site: SiteView) -> Iterator[Finding]:
    words, _ = _options(site)
    if words is None:
        raise NotApplicable("未提供敏感词表（--sensitive-words）", "no word list given (--sensitive-words)")
    for record in site.page_results(word_hits):
        for hit in record.sensitive:
            category = hit.extra.get("category") or ""
            label = f"（{category}）" if category else ""
            yield Finding(
                url=record.page,
                message=f"需人工复核：敏感词“{hit.key}”{label}出现 {hit.count} 次",
                message_en=f"needs review: sensitive word “{hit.key}”"
                           + (f" ({category})" if category else "") + f" appears {hit.count} time(s)",
                evidence=hit.contexts[0],
                locator=f"word:{hit.key}",
                data={"word": hit.key, "category": category, "count": hit.count, "contexts": hit.contexts,
                      "whole_word": hit.extra.get("whole_word", False), "review": True,
                      "source": words.source},
            )


@check(
    id="content.term-typo",
    dimension="content",
    severity="low",
    refs=["国办秘函〔2019〕19号 《政府网站与政务新媒体检查指标》 严重表述错误",
          "《党政机关公文格式》（GB/T 9704-2012）"],
    title={"zh": "疑似固定表述或姓名写错（需人工复核）", "en": "Suspected typo in a fixed term or name (needs review)"},
    fix={"zh": "核对原文，更正错写的固定表述或姓名，并在发布审核中加入规范表述校对。",
         "en": "Check the text and correct the mis-written term or name; add the fixed terms to the "
               "publishing review's proofreading."},
    needs=("analysis:word_hits",),
)
def term_typo(site: SiteView) -> Iterator[Finding]:
    for record in site.page_results(word_hits):
        for hit in record.typos:
            term, source = hit.extra["term"], hit.extra["source"]
            what_zh, what_en = ("姓名/名称", "name") if source == "exact-names" else ("规范表述", "term")
            yield Finding(
                url=record.page,
                message=f"需人工复核：疑似错写“{hit.word}”，{what_zh}应为“{term}”（{hit.count} 处）",
                message_en=f"needs review: “{hit.word}” looks like a mis-writing of the {what_en} “{term}” "
                           f"({hit.count} time(s))",
                evidence=hit.contexts[0],
                locator=f"typo:{hit.word}",
                data={"found": hit.word, "term": term, "source": source, "count": hit.count,
                      "contexts": hit.contexts, "review": True},
            )
