"""Which links point at a language version of a site (English, Mongolian, Tibetan, Uyghur, Korean, …).

The spider crawls such links a little way even when they leave the site's scope (en.example.gov.cn),
so the language checks can date the version; the checks use the same classifier to list the versions.
Link words, hreflang values, URL hints and scripts live in auditcli/core/knowledge/languages.yaml.

A link is a language link when, in this order:
- its `hreflang` names a known non-Chinese language (found_by "hreflang");
- its text or image alt is a language switch: "English", "EN", "英文版", "蒙古文", "ᠮᠣᠩᠭᠣᠯ", "Монгол",
  "བོད་ཡིག", "ئۇيغۇرچە", "한국어" … (found_by "link-text"); long texts are headlines, never switches;
- its URL is a version root on the site's host or a sibling host: /en/, /english/, /mgl/, /mn/,
  en.example.gov.cn (found_by "url").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from auditcli.core.knowledge import load
from auditcli.core.models import SiteConfig
from auditcli.core.urls import ip_literal, registered_domain

_SEPARATORS = re.compile(r"^[\s\[\]【】()（）<>《》|/\\·•»«>:：\-–—]+|[\s\[\]【】()（）<>《》|/\\·•»«>:：\-–—]+$")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_PAGE_SUFFIXES = (".html", ".htm", ".shtml", ".jsp", ".php", ".aspx", ".asp")


@dataclass(frozen=True)
class LanguageLink:
    lang: str
    found_by: str  # "hreflang" | "link-text" | "url"


@dataclass(frozen=True)
class _Language:
    code: str
    exact: frozenset[str]
    words: tuple[str, ...]          # non-Latin words, matched as substrings
    latin: re.Pattern | None        # Latin words, matched on word boundaries
    paths: frozenset[str]
    subdomains: frozenset[str]


@dataclass(frozen=True)
class _Knowledge:
    languages: tuple[_Language, ...]
    aliases: dict[str, str]          # hreflang/lang primary tag -> language code
    max_link_text: int
    exclude_hosts: frozenset[str]
    filler: re.Pattern


def knowledge() -> dict[str, Any]:
    return load("languages")


@cache
def _compiled() -> _Knowledge:
    data = knowledge()
    languages = []
    aliases: dict[str, str] = {}
    for code, spec in data["languages"].items():
        words = [str(w).casefold() for w in spec.get("link_words", [])]
        latin = [w for w in words if w.isascii()]
        pattern = None
        if latin:
            alternatives = "|".join(re.escape(w) for w in sorted(latin, key=len, reverse=True))
            pattern = re.compile(rf"(?<![a-z])(?:{alternatives})(?![a-z])")
        exact = {str(w).casefold() for w in spec.get("exact_words", [])} | set(words)
        languages.append(_Language(
            code=code,
            exact=frozenset(exact),
            words=tuple(w for w in words if not w.isascii()),
            latin=pattern,
            paths=frozenset(str(p).lower() for p in spec.get("paths", [])),
            subdomains=frozenset(str(s).lower() for s in spec.get("subdomains", [])),
        ))
        for tag in spec.get("hreflang", [code]):
            aliases[str(tag).lower()] = code
    return _Knowledge(
        languages=tuple(languages),
        aliases=aliases,
        max_link_text=int(data.get("max_link_text", 20)),
        exclude_hosts=frozenset(h.lower() for h in data.get("exclude_hosts", [])),
        filler=re.compile("|".join(re.escape(w) for w in sorted(data.get("filler_words", []), key=len, reverse=True))
                          or r"(?!)"),
    )


def language_of_tag(tag: str | None) -> str | None:
    """The known language an hreflang/lang value names ("mn-Mong" -> "mn", "en-US" -> "en"), else None."""
    if not tag:
        return None
    primary = tag.strip().replace("_", "-").split("-")[0].lower()
    return _compiled().aliases.get(primary)


def normalise_text(text: str) -> str:
    return _SEPARATORS.sub("", " ".join((text or "").split())).casefold()


@lru_cache(maxsize=1 << 13)  # link texts repeat on every page (navigation, footer)
def language_of_text(text: str) -> str | None:
    """The language a link text announces, or None. Headlines that merely mention a language are not switches."""
    norm = normalise_text(text)
    if not norm:
        return None
    known = _compiled()
    for language in known.languages:
        if norm in language.exact:
            return language.code
    if len(norm) > known.max_link_text:
        return None
    for language in known.languages:
        rest = norm
        if language.latin is not None:
            rest = language.latin.sub(" ", rest)
        for word in language.words:
            rest = rest.replace(word, " ")
        if rest == norm:
            continue
        if not _HAN.search(known.filler.sub(" ", rest)):
            return language.code
    return None


def language_of_url(url: str, site: SiteConfig) -> str | None:
    """The language whose version root the URL is on: /en/… below the site's scope, or en.<site domain>."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    site_host = (urlsplit(site.url).hostname or "").lower()
    known = _compiled()
    if host == site_host:
        segment = _first_segment(parts.path, urlsplit(site.scope_prefix).path)
        if not segment:
            return None
        for language in known.languages:
            if segment in language.paths:
                return language.code
        return None
    label, _, rest = host.partition(".")
    if not rest or ip_literal(host) is not None or rest not in {site_host, registered_domain(site_host)}:
        return None
    for language in known.languages:
        if label in language.subdomains:
            return language.code
    return None


def classify_link(url: str, text: str, hreflang: str | None, site: SiteConfig) -> LanguageLink | None:
    """The language version a link leads to, and how that was recognised; None for ordinary links."""
    host = (urlsplit(url).hostname or "").lower()
    if host in _compiled().exclude_hosts:
        return None
    lang = language_of_tag(hreflang)
    if lang:
        return LanguageLink(lang, "hreflang")
    lang = language_of_text(text)
    if lang:
        return LanguageLink(lang, "link-text")
    lang = language_of_url(url, site)
    if lang:
        return LanguageLink(lang, "url")
    return None


def is_language_link(url: str, text: str, hreflang: str | None, site: SiteConfig) -> bool:
    return classify_link(url, text, hreflang, site) is not None


def version_root(url: str, site: SiteConfig) -> str:
    """Where a language version lives: http://host/en/ for /en/…, the host root for en.host, else the URL's directory."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    site_host = (urlsplit(site.url).hostname or "").lower()
    if host != site_host:
        if language_of_url(url, site):
            return urlunsplit((parts.scheme, parts.netloc, "/", "", ""))
    else:
        scope_path = urlsplit(site.scope_prefix).path
        segment = _first_segment(parts.path, scope_path)
        if segment and language_of_url(url, site):
            base = scope_path if parts.path.startswith(scope_path) else "/"
            raw = parts.path[len(base):].split("/")[0]
            if not raw.lower().endswith(_PAGE_SUFFIXES):
                return urlunsplit((parts.scheme, parts.netloc, base + raw + "/", "", ""))
    path = parts.path or "/"
    directory = path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"
    return urlunsplit((parts.scheme, parts.netloc, directory, "", ""))


def _first_segment(path: str, scope_path: str) -> str | None:
    path = path or "/"
    rel = path[len(scope_path):] if path.startswith(scope_path) else path.lstrip("/")
    segment = rel.split("/")[0].lower()
    if "/" not in rel:  # a file directly below: /english.html counts, /index.html does not
        for suffix in _PAGE_SUFFIXES:
            if segment.endswith(suffix):
                segment = segment[: -len(suffix)]
                break
    return segment or None
