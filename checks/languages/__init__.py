"""Dimension `languages`: English and ethnic-language versions that exist, work, are really in that
language, and are kept up (docs/SPEC.md §6 `language.*`; the `languages` block of results.json).

Gathering is separate from judging, as in Lighthouse: `find_versions(site)` lists the language
versions the crawl found (link texts and image alts, hreflang alternates, /en/ and en. URLs; the
words are in data/languages.yaml and shared with the spider), `judge(...)` gives each its status,
and the checks only turn statuses into findings.

Status of a version, first that applies:
- broken          the link fails (HTTP 4xx/5xx, timeout, refused, DNS, TLS, redirect loop)
- wrong-language  too little of its visible text is in the language's script (Latin for en,
                  traditional Mongolian or Cyrillic for mn, Tibetan, Arabic-script Uyghur, Hangul);
                  the page's `lang` attribute decides only when there is too little text to measure
- stale           its newest dated item lags the main site's newest by more than `lag_days` (90)
- ok
A required language (sites file `languages`) with no version at all is `missing`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from auditcli.core import tree
from auditcli.core.language_links import classify_link, knowledge, language_of_tag, version_root
from auditcli.core.models import Finding
from auditcli.core.soupcompat import has_no_own_text, soup_text
from auditcli.core.urls import join_url
from auditcli.core.vocabulary import NOT_FETCHED_REASONS
from checks.engine import dates
from checks.engine.columnmodel import homepage_block
from checks.engine.registry import check, result_block, site_analysis
from checks.engine.siteview import SiteView

FOUND_BY_RANK = {"link-text": 0, "hreflang": 1, "url": 2}
LINK_TAGS = ("a", "area", "link-alternate")
# not_scanned reasons that say nothing about the target: the crawl chose not to fetch it.
NOT_ASSESSED_REASONS = {"robots", "max-pages", "max-depth", "out-of-scope", "ignored", "too-large"}
ALTERNATE_SOURCES = 5     # pages re-read for <link rel=alternate hreflang> (the store keeps no hreflang)
VERSION_PAGES = 40        # pages of one version read to date it
FALLBACK_PAGES = 300      # pages read for the main site's newest date when its home page has none

REFS = [
    "auditcli policy: language versions",
    "国办发〔2017〕47号《政府网站发展指引》 外文版、少数民族文字版本",
]
SCRIPT_NAMES = {
    "latin": ("拉丁字母", "Latin"), "mongolian": ("传统蒙古文", "traditional Mongolian"),
    "cyrillic": ("西里尔字母", "Cyrillic"), "tibetan": ("藏文", "Tibetan"), "arabic": ("阿拉伯字母", "Arabic"),
    "hangul": ("朝鲜文字母", "Hangul"), "yi": ("彝文", "Yi"), "han": ("汉字", "Han"), "kana": ("假名", "Kana"),
}


# ------------------------------------------------------------------------------------ knowledge
def names(lang: str) -> tuple[str, str]:
    spec = knowledge()["languages"].get(lang, {})
    given = spec.get("names", {})
    return given.get("zh", f"{lang} 版"), given.get("en", lang)


def required_languages(site: SiteView) -> list[str]:
    out: list[str] = []
    for tag in site.config.languages:
        lang = language_of_tag(tag) or tag.split("-")[0].lower()
        if lang not in out:
            out.append(lang)
    return out


AUTH_OR_RATE_LIMITED = {401, 407, 429}  # the auditor was kept out; 403 and other 4xx count as broken (docs/SPEC.md §6)


def lag_limit(site: SiteView) -> int:
    """Sites file `language_lag_days`, else the data file's (90: an auditcli policy, no national rule)."""
    return int(site.config.language_lag_days or site.options.get("language_lag_days")
               or knowledge().get("lag_days", 90))


@cache
def _script_table() -> tuple[tuple[int, int, str], ...]:
    table = [(lo, hi, name) for name, ranges in knowledge()["scripts"].items() for lo, hi in ranges]
    return tuple(sorted(table))


@cache
def _script_of(char: str) -> str | None:
    code = ord(char)
    for lo, hi, name in _script_table():
        if lo <= code <= hi:
            return name
        if code < lo:
            return None
    return None


@cache
def _digit_map() -> dict[int, str]:
    """Mongolian ᠒᠐᠒᠖, Tibetan ༢༠༢༦ and Arabic-Indic digits as ASCII, so dates in them can be read."""
    table: dict[int, str] = {}
    for zero in knowledge().get("digits", {}).values():
        for n in range(10):
            table[zero + n] = str(n)
    return table


# ------------------------------------------------------------------------------------ measuring
def script_counts(text: str) -> dict[str, int]:
    """Letters per script in `text`; digits, punctuation and symbols are not counted."""
    counts: dict[str, int] = {}
    for char in text:
        if char.isspace() or char.isascii() and not char.isalpha():
            continue
        script = _script_of(char)
        if script:
            counts[script] = counts.get(script, 0) + 1
    return counts


def script_share(text: str, lang: str) -> tuple[float, int]:
    """(share of counted letters in the scripts of `lang`, number of letters counted)."""
    counts = script_counts(text)
    total = sum(counts.values())
    wanted = knowledge()["languages"].get(lang, {}).get("scripts", [])
    hits = sum(counts.get(s, 0) for s in wanted)
    return (hits / total if total else 0.0), total


def visible_text(document: HtmlElement) -> str:
    """Title plus the body's visible text: what decides which language a page is in (`document`: the
    page's <html>, auditcli.core.tree.parse)."""
    title = next(_elements(document, "title"), None)
    body = next(_elements(document, "body"), None)
    text = tree.visible_text(body) if body is not None else _whole_text(document)
    title_text = tree.text_of(title) if title is not None and not has_no_own_text(title) else ""
    return " ".join(f"{title_text} {text}".split())


def _elements(document: HtmlElement, *names: str) -> Iterator[HtmlElement]:
    """The elements of these names in the page, in document order (BeautifulSoup: `soup.find_all`); none
    for a text without markup."""
    return document.iter(*names) if document.tag == "html" else iter(())


def _whole_text(document: HtmlElement) -> str:
    """What a visitor can read of the whole page (BeautifulSoup: visible_text of the soup)."""
    return " ".join(tree.visible_text(document).split()) if document.tag == "html" else ""


def dominant_script(text: str) -> str | None:
    counts = script_counts(text)
    return max(counts, key=counts.get) if counts else None


ENGLISH_DATE = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(\d{1,2}),?\s+((?:19|20)\d{2})\b"
    r"|\b(\d{1,2})\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+((?:19|20)\d{2})\b",
    re.I,
)
MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                      "nov", "dec"), start=1)}


def page_dates(url: str, text: str, as_of: date, document: HtmlElement | None = None) -> list[date]:
    """Dates of one language-version page: its text (any script's digits), English month names, its URL, metas."""
    text = text.translate(_digit_map())
    found = list(dates.dates_in_text(text, as_of))
    for m in ENGLISH_DATE.finditer(text):
        month, day, year = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(5), m.group(4), m.group(6))
        try:
            found.append(date(int(year), MONTHS[month[:3].lower()], int(day)))
        except ValueError:
            continue
    in_url = dates.date_in_url(url)
    if in_url:
        found.append(in_url)
    if document is not None:
        metas = {str(t.get("name")): str(t.get("content")) for t in _elements(document, "meta")
                 if t.get("name") and t.get("content")}
        pub = dates.meta_pubdate(metas)
        if pub:
            found.append(pub)
    return [d for d in found if d <= as_of]


# ------------------------------------------------------------------------------------ gathering
@dataclass
class LinkCandidate:
    lang: str
    url: str
    found_by: str
    text: str
    source: str          # page the link is on
    tag: str             # a | area | link-alternate
    order: int           # crawl order of the source page (lower = shallower)


@dataclass
class LanguageVersion:
    lang: str
    url: str | None
    required: bool
    found_by: str | None = None
    link_text: str = ""
    source: str | None = None
    selector: str | None = None
    root: str | None = None
    status: str = "ok"
    assessed: bool = True
    http_status: int | None = None
    failure: str | None = None            # not_scanned reason when no answer arrived
    final_url: str | None = None
    script_share: float | None = None
    letters: int = 0
    dominant: str | None = None
    lang_attr: str | None = None
    latest_date: date | None = None
    main_latest: date | None = None
    lag_days: int | None = None
    pages_dated: int = 0
    evidence: str = ""
    other_links: list[str] = field(default_factory=list)

    def block(self) -> dict[str, Any]:
        return {
            "lang": self.lang,
            "url": self.url,
            # a version found but not fetched (robots, limits) is not judged: never a fake "ok"
            "status": self.status if self.assessed else "not-assessed",
            "latest_date": self.latest_date.isoformat() if self.latest_date else None,
            "lag_days": self.lag_days,
            "found_by": self.found_by,
            "required": self.required,
            "script_share": round(self.script_share, 3) if self.script_share is not None else None,
            "evidence": self.evidence,
            "link_text": self.link_text or None,
            "source": self.source,
            "selector": self.selector,
            "http_status": self.http_status,
            "lang_attr": self.lang_attr,
            "main_latest_date": self.main_latest.isoformat() if self.main_latest else None,
            "assessed": self.assessed,
        }


def _site_page_order(site: SiteView) -> dict[str, int]:
    """Crawl order of the site's own HTML pages (final URLs), shallowest first; language pages excluded."""
    order: dict[str, int] = {}
    for n, (url, final_url, status, kind) in enumerate(site.fetch_statuses()):
        if kind == "page" and 200 <= status < 400:
            order.setdefault(final_url, n)
            order.setdefault(url, n)
    return order


def candidates(site: SiteView) -> list[LinkCandidate]:
    """Every link on the site's own pages that leads to a language version."""
    order = _site_page_order(site)
    found: list[LinkCandidate] = []
    alternate_sources: list[str] = []
    classified: dict[tuple[str, str], Any] = {}  # the same menu links stand on every page: classify each once
    for link in site.links():
        if link.tag not in LINK_TAGS or link.src not in order:
            continue
        if link.tag == "link-alternate":
            if link.src not in alternate_sources:
                alternate_sources.append(link.src)
            continue
        key = (link.dst, link.text)
        if key not in classified:
            classified[key] = classify_link(link.dst, link.text, None, site.config)
        hit = classified[key]
        if hit:
            found.append(LinkCandidate(hit.lang, link.dst, hit.found_by, link.text, link.src, link.tag, order[link.src]))
    # hreflang is not in the link table: read it from the home page and the first pages with alternates.
    sources = [site.config.url] + sorted(alternate_sources, key=order.get)[:ALTERNATE_SOURCES]
    for source in dict.fromkeys(sources):
        page = site.page(source)
        if page is None or not page.is_html or not 200 <= page.status < 300:
            continue
        for node in _elements(page.tree, "a", "area", "link"):
            if node.get("hreflang") is None:
                continue
            if node.tag == "link" and "alternate" not in (node.get("rel") or "").split():
                continue
            href = (node.get("href") or "").strip()
            if not href:
                continue
            url = join_url(page.final_url, href)
            if url is None:
                continue
            text = soup_text(node, " ", strip=True)  # get_text(" ", strip=True)
            hit = classify_link(url, text, node.get("hreflang"), site.config)
            if hit:
                tag = "link-alternate" if node.tag == "link" else node.tag
                found.append(LinkCandidate(hit.lang, url, hit.found_by, text, page.final_url,
                                           tag, order.get(page.final_url, 0)))
    return found


def _same_site_root(root: str, site: SiteView) -> bool:
    return root.rstrip("/") in (site.config.scope_prefix.rstrip("/"), site.config.host_root.rstrip("/"))


def group_versions(site: SiteView, found: Iterable[LinkCandidate]) -> list[LanguageVersion]:
    """One version per (language, version root); links from inside a version to itself are dropped."""
    found = list(found)
    roots = {(c.lang, c.url): version_root(c.url, site.config) for c in found}
    own_roots = {r for r in roots.values() if not _same_site_root(r, site)}
    groups: dict[tuple[str, str], list[LinkCandidate]] = {}
    for c in found:
        root = roots[(c.lang, c.url)]
        if any(c.source.startswith(r) for r in own_roots):
            continue  # a version's own navigation (the English home linking /en/about.html)
        key = (c.lang, root if not _same_site_root(root, site) else c.url)
        groups.setdefault(key, []).append(c)
    required = required_languages(site)
    versions = []
    for (lang, root), group in groups.items():
        group.sort(key=lambda c: (c.order, FOUND_BY_RANK[c.found_by], len(c.url)))
        best = group[0]
        found_by = min((c.found_by for c in group), key=FOUND_BY_RANK.get)
        text = next((c.text for c in group if c.found_by == "link-text" and c.text), best.text)
        entry = min((c.url for c in group), key=lambda u: (_depth_below(u, root), len(u)))
        version = LanguageVersion(lang=lang, url=entry, required=lang in required, found_by=found_by,
                                  link_text=text, source=best.source, root=root)
        version.other_links = sorted({c.url for c in group} - {entry})[:10]
        version.selector = _selector(site, best.source, best.tag, entry, lang)
        versions.append(version)
    versions.sort(key=lambda v: (v.lang, v.url or ""))
    return versions


def _depth_below(url: str, root: str) -> int:
    rest = url[len(root):] if url.startswith(root) else urlsplit(url).path
    rest = re.sub(r"(^|/)index\.\w+$", "", rest)
    return rest.count("/") + bool(rest)


def _selector(site: SiteView, source: str, tag: str, url: str, lang: str) -> str | None:
    """A CSS selector for the link on its source page: `div.topbar a[href="/en/index.html"]`."""
    page = site.page(source)
    if page is None or not page.is_html:
        return None
    names = ("link",) if tag == "link-alternate" else ("a", "area")
    for node in _elements(page.tree, *names):
        href = node.get("href")
        if href is None or join_url(page.final_url, href) != url:
            continue
        if tag == "link-alternate":
            hreflang = node.get("hreflang")
            if hreflang and language_of_tag(hreflang) != lang:
                continue
            if hreflang:
                return f'link[rel="alternate"][hreflang={tree.css_string(hreflang)}]'
            return f'link[href={tree.css_string(href)}]'
        own = f'{node.tag}[href={tree.css_string(href)}]'
        for parent in tree.ancestors(node):
            if parent.tag in ("html", "body"):
                break
            if parent.get("id"):
                return f"#{parent.get('id')} {own}"
            if tree.classes(parent):
                return f"{parent.tag}.{tree.classes(parent)[0]} {own}"
        return own
    return None


# ------------------------------------------------------------------------------------ judging
def main_latest_date(site: SiteView, roots: list[str]) -> date | None:
    """The main site's newest item: the home page's date, else the newest date on the site's own pages."""
    try:
        block = homepage_block(site) or {}
    except Exception:  # the home page analysis' failure is reported by the runner
        block = {}
    value = block.get("latest_date")
    if value:
        return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    newest: date | None = None
    for n, page in enumerate(site.pages()):
        if n >= FALLBACK_PAGES:
            break
        if any(page.final_url.startswith(r) for r in roots):
            continue
        text = dates.strip_noise(_whole_text(page.tree))
        found = [dates.date_in_url(page.final_url), dates.labelled_date(text)]
        found += dates.dates_in_text(text, site.as_of)[:50]
        newest = dates.newest([newest, *found], site.as_of)
        page.release()
    return newest


def _fetch_result(site: SiteView, url: str) -> tuple[Any, str | None]:
    """(stored page or None, not_scanned reason when nothing was stored)."""
    stored = site.store.page(site.id, url)
    if stored is not None:
        return stored, None
    for entry in site.not_scanned():
        if entry.url == url:
            return None, entry.reason
    return None, None


def judge(site: SiteView, version: LanguageVersion, main_latest: date | None) -> None:
    """Give one version its status and evidence, in place."""
    name_zh, name_en = names(version.lang)
    stored, reason = _fetch_result(site, version.url or "")
    if stored is None:
        if reason and reason not in NOT_ASSESSED_REASONS:
            version.status, version.failure = "broken", reason
            version.evidence = f"{version.url}: {NOT_FETCHED_REASONS.get(reason, (reason, reason))[1]}"
        else:
            version.assessed = False
            version.evidence = f"{version.url}: not fetched ({reason or 'not crawled'})"
        return
    version.http_status = stored.status
    version.final_url = stored.final_url
    if stored.status in AUTH_OR_RATE_LIMITED:  # blocked is not broken: the version could not be judged
        version.assessed = False
        version.evidence = f"{version.url}: HTTP {stored.status} (blocked, not judged)"
        return
    if stored.status >= 400:
        version.status = "broken"
        version.evidence = f"{version.url}: HTTP {stored.status}"
        return
    if not stored.is_html or not (200 <= stored.status < 300):
        version.assessed = False
        version.evidence = f"{version.url}: HTTP {stored.status}, {stored.content_type or 'no content type'}"
        return
    document = tree.parse(stored.text)
    text = visible_text(document)
    version.script_share, version.letters = script_share(text, version.lang)
    version.dominant = dominant_script(text)
    html = document if document.tag == "html" else None
    version.lang_attr = (html.get("lang") or html.get("xml:lang") or None) if html is not None else None
    data = knowledge()
    min_share = data["languages"].get(version.lang, {}).get("min_share", 0.5)
    attr_lang = language_of_tag(version.lang_attr) if version.lang_attr else None
    if version.letters >= data.get("min_letters", 20):
        in_language = version.script_share >= min_share
    else:  # too little text to measure: the lang attribute decides, and its absence does not condemn
        in_language = attr_lang == version.lang if version.lang_attr else True
    share_text = f"{version.script_share:.0%} of {version.letters} letters in {_scripts_en(version.lang)}"
    attr_text = f'lang="{version.lang_attr}"' if version.lang_attr else "no lang attribute"
    if not in_language:
        version.status = "wrong-language"
        main = SCRIPT_NAMES.get(version.dominant or "", (version.dominant, version.dominant))[1]
        version.evidence = f"{share_text} (mostly {main}); {attr_text}; {_snippet(text)}"
        return
    version.evidence = f"{share_text}; {attr_text}"
    _date_version(site, version, stored, document)
    version.main_latest = main_latest
    reference = main_latest or site.as_of
    limit = lag_limit(site)
    if version.latest_date is None:
        if data.get("undated_is_stale", True):
            version.status = "stale"
        version.evidence += f"; no dated item on {version.pages_dated} pages"
        return
    version.lag_days = max(0, (reference - version.latest_date).days)
    ref_text = f"main site newest {reference}" if main_latest else f"as of {reference} (main site undated)"
    version.evidence += f"; newest {version.latest_date} vs {ref_text}: {version.lag_days} days behind"
    if version.lag_days > limit:
        version.status = "stale"


def _date_version(site: SiteView, version: LanguageVersion, entry: Any, entry_document: HtmlElement) -> None:
    """The newest dated item of the version: its entry page and the pages crawled below its root."""
    found = page_dates(entry.final_url, visible_text(entry_document), site.as_of, entry_document)
    pages = 1
    root = version.root or ""
    whole_site = _same_site_root(root, site) or not root
    for url, final_url, status, kind in list(site.fetch_statuses()):
        if pages >= VERSION_PAGES:
            break
        if final_url == entry.final_url or not 200 <= status < 300:
            continue
        if whole_site:
            if kind != "language":
                continue
        elif not final_url.startswith(root):
            continue
        stored = site.store.page(site.id, url)
        if stored is None or not stored.is_html:
            continue
        if whole_site and stored.referrer != entry.final_url:
            continue
        document = tree.parse(stored.text)
        found += page_dates(stored.final_url, visible_text(document), site.as_of, document)
        pages += 1
    version.pages_dated = pages
    version.latest_date = dates.newest(found, site.as_of)


def _scripts_en(lang: str) -> str:
    scripts = knowledge()["languages"].get(lang, {}).get("scripts", [])
    return " or ".join(SCRIPT_NAMES.get(s, (s, s))[1] for s in scripts) or "its script"


def _scripts_zh(lang: str) -> str:
    scripts = knowledge()["languages"].get(lang, {}).get("scripts", [])
    return "或".join(SCRIPT_NAMES.get(s, (s, s))[0] for s in scripts) or "该语言文字"


def _snippet(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ------------------------------------------------------------------------------------ analyzer
def find_versions(site: SiteView) -> list[LanguageVersion]:
    """Every language version found or required, judged once per site (the checks and the block share it)."""
    return _judged_versions(site)


@site_analysis
def _judged_versions(site: SiteView) -> list[LanguageVersion]:
    versions = group_versions(site, candidates(site))
    roots = [v.root for v in versions if v.root and not _same_site_root(v.root, site)]
    main_latest = main_latest_date(site, roots) if versions else None
    for version in versions:
        judge(site, version, main_latest)
    present = {v.lang for v in versions}
    crawled = site.homepage is not None or next(iter(site.pages()), None) is not None
    for lang in required_languages(site) if crawled else ():  # an unreachable site is not judged here
        if lang not in present:
            versions.append(LanguageVersion(lang=lang, url=None, required=True, status="missing",
                                            evidence="no link text, image alt, hreflang or /lang/ URL found"))
    versions.sort(key=lambda v: (not v.required, v.lang, v.url or ""))
    return versions


STATUS_RANK = {"ok": 0, "stale": 1, "wrong-language": 2, "broken": 3, "missing": 4}


@result_block("languages", dimensions=("languages",))
def languages_block(site: SiteView) -> list[dict[str, Any]]:
    """One entry per language (docs/SPEC.md §5): its best version; every link to the language under `links`."""
    by_lang: dict[str, list[LanguageVersion]] = {}
    for version in find_versions(site):
        by_lang.setdefault(version.lang, []).append(version)
    block = []
    for group in by_lang.values():
        best = min(group, key=lambda v: (not v.assessed, STATUS_RANK[v.status]))
        entry = best.block()
        if best.url:
            entry["links"] = [
                {"url": v.url, "text": v.link_text or None, "found_by": v.found_by, "status": v.status,
                 "http_status": v.http_status, "selector": v.selector}
                for v in group
            ]
        block.append(entry)
    return block


# ------------------------------------------------------------------------------------ checks
def _severity(version: LanguageVersion) -> str | None:
    """Required versions take the check's severity; versions nobody asked for are reported as info."""
    return None if version.required else "info"


def _data(version: LanguageVersion) -> dict[str, Any]:
    return {k: v for k, v in version.block().items() if v is not None and k != "evidence"}


@check(
    id="language.missing", dimension="languages", severity="medium", refs=REFS,
    title={"zh": "缺少要求的语言版本", "en": "Required language version missing"},
    fix={"zh": "建设该语言版本，并在首页显著位置提供文字链接（如“English”“ᠮᠣᠩᠭᠣᠯ 蒙古文”）和 hreflang 声明",
         "en": "Provide the language version and link it from the home page with a visible text link "
               "(\"English\", \"ᠮᠣᠩᠭᠣᠯ 蒙古文\") and an hreflang alternate"},
)
def language_missing(site: SiteView) -> Iterator[Finding]:
    for version in find_versions(site):
        if version.status != "missing":
            continue
        zh, en = names(version.lang)
        yield Finding(
            url=site.config.url,
            message=f"要求的{zh}（{version.lang}）未找到：页面中没有指向它的链接文字、图片说明、hreflang 或 /{version.lang}/ 类网址",
            message_en=f"Required {en} version ({version.lang}) not found: no link text, image alt, hreflang "
                       f"or /{version.lang}/-style URL leads to it",
            evidence=version.evidence, locator=version.lang, data={"lang": version.lang, "required": True},
        )


@check(
    id="language.broken", dimension="languages", severity="medium", refs=REFS,
    title={"zh": "语言版本链接无法访问", "en": "Language version link is broken"},
    fix={"zh": "修复语言版本链接的目标地址，或恢复该语言版本的服务；已停办的版本应撤下链接",
         "en": "Point the language link at a working address or restore the version; remove links to "
               "versions that were closed"},
)
def language_broken(site: SiteView) -> Iterator[Finding]:
    versions = find_versions(site)
    available = {v.lang for v in versions if v.assessed and v.status in ("ok", "stale", "wrong-language")}
    for version in versions:
        # a dead link beside a working version of the same language is a broken link, not a broken version
        if version.status != "broken" or not version.url or version.lang in available:
            continue
        zh, en = names(version.lang)
        if version.http_status is not None:
            why_zh = why_en = f"HTTP {version.http_status}"
        else:
            why_zh, why_en = NOT_FETCHED_REASONS.get(version.failure or "", (version.failure, version.failure))
        label = f"“{version.link_text}”" if version.link_text else ""
        yield Finding(
            url=version.url, severity=_severity(version),
            message=f"{zh}链接{label}无法访问（{why_zh}）：{version.url}",
            message_en=f"The {en} version link {version.link_text!r} fails ({why_en}): {version.url}"
            if version.link_text else f"The {en} version link fails ({why_en}): {version.url}",
            selector=version.selector, evidence=version.evidence, locator=version.lang, data=_data(version),
        )


@check(
    id="language.wrong-language", dimension="languages", severity="medium", refs=REFS,
    title={"zh": "语言版本内容不是该语言", "en": "Language version is not in that language"},
    fix={"zh": "让该链接指向真正的该语言版本，或用该语言撰写页面内容，并正确设置 <html lang>",
         "en": "Link to a version really written in that language, or translate the page, and set <html lang> accordingly"},
)
def language_wrong(site: SiteView) -> Iterator[Finding]:
    for version in find_versions(site):
        if version.status != "wrong-language" or not version.url:
            continue
        zh, en = names(version.lang)
        share = version.script_share or 0.0
        label = f"“{version.link_text}”" if version.link_text else ""
        attr = f"，页面 lang=\"{version.lang_attr}\"" if version.lang_attr else "，页面未声明 lang"
        yield Finding(
            url=version.url, severity=None,  # a link that says English and leads to Chinese misleads, required or not
            message=f"标为{zh}的链接{label}指向的页面不是该语言：{_scripts_zh(version.lang)}仅占可见文字的 {share:.0%}{attr}",
            message_en=f"The page behind the {en} link {version.link_text!r} is not in {en}: only {share:.0%} "
                       f"of its visible letters are {_scripts_en(version.lang)}",
            selector=version.selector, evidence=version.evidence, locator=version.lang, data=_data(version),
        )


@check(
    id="language.stale", dimension="languages", severity="low",
    refs=[*REFS, "auditcli policy: a language version lags the main site by at most 90 days (configurable; no national rule)"],
    title={"zh": "语言版本更新滞后", "en": "Language version lags behind the main site"},
    fix={"zh": "与中文主站同步更新该语言版本（至少每季度），无力维护的版本应明确停办并撤下链接",
         "en": "Update the version in step with the Chinese site (at least quarterly), or close it and remove the link"},
)
def language_stale(site: SiteView) -> Iterator[Finding]:
    limit = lag_limit(site)
    for version in find_versions(site):
        if version.status != "stale" or not version.url:
            continue
        zh, en = names(version.lang)
        if version.latest_date is None:
            message = f"{zh}未找到任何注明日期的信息（未注明发布时间的视为不更新）：{version.url}"
            message_en = f"The {en} version has no dated item (undated counts as not updated): {version.url}"
        else:
            ref = f"主站最新 {version.main_latest}" if version.main_latest else f"检查日 {site.as_of}"
            ref_en = f"the main site's newest {version.main_latest}" if version.main_latest else f"as-of {site.as_of}"
            message = f"{zh}最新信息 {version.latest_date}，比{ref}滞后 {version.lag_days} 天（上限 {limit} 天）"
            message_en = (f"The {en} version's newest item is {version.latest_date}, {version.lag_days} days behind "
                          f"{ref_en} (limit {limit} days)")
        yield Finding(url=version.url, severity=_severity(version), message=message, message_en=message_en,
                      selector=version.selector, evidence=version.evidence, locator=version.lang, data=_data(version))
