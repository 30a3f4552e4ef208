"""The user's word files: `--sensitive-words FILE` and `--exact-names FILE`, read once before any crawling.

A bad line is bad input (exit 2) named by file, line and field (`WordFileError`), never a traceback.
Both files are UTF-8 (a BOM is allowed), one entry a line; blank lines and lines starting with `#`
are skipped, and so is what follows ` #` on a line.

Sensitive words (`content.sensitive-word`): `[=]WORD[<sep>CATEGORY[<sep>LONGER…]]`, the separator a
tab or a comma (a word holding a comma is written in a tab-separated line).
- WORD is matched in the page's visible text; Latin letters match in any case.
- `=` before the word asks for whole-word matching. A word of Latin letters or digits then matches only
  where no letter, digit or `_` stands right before or after it (`=AV` does not hit `AVG`). A word
  holding Chinese characters matches only where it stands alone: no Chinese character right before or
  after it (a list item `张三、李四`, a heading), so `=江青` does not hit 浙江青年 — nor 江青同志: whole-word
  matching trades running-text hits for no false ones; list the longer words instead to keep both.
- LONGER… (third field on): longer, legitimate words that hold WORD; a hit inside one of them is not a
  hit (`江青,人名,浙江青年,江青山`). This works with or without `=`.

Exact names (`content.term-typo`): `NAME` (a leader's name, the county's own name) that must be written
exactly, or `!WORD`: a real word that looks like a mis-writing of a name and must never be flagged
(`!示范县` beside `示例县`). How a mis-writing is detected: checks/content/words.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAS_CJK = re.compile(f"[{CJK}]")
MAX_WORD = 50  # a longer "word" is a line that lost its separator


def trie_pattern(words: Iterable[str]) -> str:
    """A regex matching any of `words`, longest first, written as a trie (`中国(?:共产觉|特色社会注意)`): at each
    position the engine tries one branch per next character, not every word, so a page is scanned in about
    the time of a single word however long the list."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here

    def build(node: dict[str, dict]) -> str:
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie) or "(?!)"


class WordFileError(ValueError):
    """A word file that cannot be used: its option, path, line and field in the message."""


@dataclass(frozen=True)
class SensitiveWord:
    word: str
    category: str = ""
    whole: bool = False
    longer: tuple[str, ...] = ()  # legitimate longer words holding `word`
    line: int = 0

    @property
    def cjk(self) -> bool:
        return bool(HAS_CJK.search(self.word))


@dataclass(frozen=True)
class SensitiveWords:
    """The parsed --sensitive-words file; `pattern` finds every word in one scan (longest first)."""

    source: str
    entries: tuple[SensitiveWord, ...]

    @cached_property
    def by_word(self) -> dict[str, SensitiveWord]:
        return {e.word.lower(): e for e in self.entries}

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(trie_pattern(self.by_word), re.IGNORECASE)


@dataclass(frozen=True)
class ExactNames:
    """The parsed --exact-names file: names written exactly, and real words never taken for their typos."""

    source: str
    names: tuple[str, ...]
    allowed: tuple[str, ...] = ()


def _lines(path: Path, option: str) -> list[tuple[int, str]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise WordFileError(f"{option}: {path}: cannot read it ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[:exc.start].count(b"\n") + 1
        raise WordFileError(f"{option}: {path}, line {line}: not UTF-8 text (save the file as UTF-8)") from None
    out = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split(" #", 1)[0].split("\t#", 1)[0].strip()
        if line and not line.startswith("#"):
            out.append((number, line))
    return out


def _check_word(word: str, option: str, path: Path, number: int, field: str) -> str:
    where = f"{option}: {path}, line {number}, {field}"
    if not word:
        raise WordFileError(f"{where}: empty")
    if len(word) > MAX_WORD:
        raise WordFileError(f"{where}: {len(word)} characters (at most {MAX_WORD}; a missing separator?)")
    if "\x00" in word or any(ord(c) < 32 for c in word):
        raise WordFileError(f"{where}: a control character")
    return word


def read_sensitive_words(path: Path, option: str = "--sensitive-words") -> SensitiveWords:
    """Parse the sensitive-word file (format in the module docstring); at least one word."""
    entries: dict[str, SensitiveWord] = {}
    for number, line in _lines(path, option):
        fields = [f.strip() for f in (line.split("\t") if "\t" in line else line.split(","))]
        word, whole = fields[0], False
        if word.startswith("="):
            word, whole = word[1:].strip(), True
        _check_word(word, option, path, number, "word")
        category = fields[1] if len(fields) > 1 else ""
        if len(category) > MAX_WORD:
            raise WordFileError(f"{option}: {path}, line {number}, category: {len(category)} characters "
                                f"(at most {MAX_WORD})")
        longer = tuple(f for f in fields[2:] if f)
        for other in longer:
            _check_word(other, option, path, number, "longer word")
            if word.lower() not in other.lower():
                raise WordFileError(f"{option}: {path}, line {number}, longer word: {other!r} does not hold "
                                    f"the word {word!r}")
        key = word.lower()
        if key in entries:
            raise WordFileError(f"{option}: {path}, line {number}, word: {word!r} is listed twice "
                                f"(first on line {entries[key].line})")
        entries[key] = SensitiveWord(word, category, whole, longer, number)
    if not entries:
        raise WordFileError(f"{option}: {path}: no word in it (one word a line; # starts a comment)")
    return SensitiveWords(str(path), tuple(entries.values()))


def read_exact_names(path: Path, option: str = "--exact-names") -> ExactNames:
    """Parse the exact-names file: one name a line, `!WORD` for a real word never to flag."""
    names: dict[str, int] = {}
    allowed: list[str] = []
    for number, line in _lines(path, option):
        if line.startswith("!"):
            allowed.append(_check_word(line[1:].strip(), option, path, number, "allowed word"))
            continue
        if "\t" in line or "," in line or "，" in line:
            raise WordFileError(f"{option}: {path}, line {number}, name: one name a line ({line!r} holds a "
                                "separator)")
        _check_word(line, option, path, number, "name")
        if line in names:
            raise WordFileError(f"{option}: {path}, line {number}, name: {line!r} is listed twice "
                                f"(first on line {names[line]})")
        names[line] = number
    if not names:
        raise WordFileError(f"{option}: {path}: no name in it (one name a line; # starts a comment)")
    return ExactNames(str(path), tuple(names), tuple(allowed))
