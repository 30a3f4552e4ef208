"""URLs, host names and IP literals: one implementation of each, on maintained libraries.

- `clean_url` is the URL as the site wrote it, without its fragment: what the crawler fetches and
  stores. Nothing else is changed, because a server may treat `/A` and `/a` differently.
- `normalise_url` is the identity of a page (w3lib's canonical form, as Scrapy's duplicate filter
  uses it, plus default index names dropped): findings are fingerprinted and pages matched on it,
  so fingerprints survive cosmetic URL changes.
- `registered_domain` uses tldextract's bundled public-suffix snapshot (never a download at run
  time), so `www.example.gov.cn` and `en.example.gov.cn` are known to be one registrant.
- `ip_literal` uses the standard library's `ipaddress`.
"""

from __future__ import annotations

import ipaddress
import re
from functools import cache, lru_cache
from urllib.parse import urljoin, urlsplit, urlunsplit

import tldextract
from w3lib.url import canonicalize_url

INDEX_NAMES = ("index.html", "index.htm", "index.shtml", "index.jsp", "index.php")


def clean_url(url: str) -> str:
    """Drop the fragment; keep everything else as the site wrote it (an empty path becomes `/`)."""
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def join_url(base: str, raw: str) -> str | None:
    """`raw` (an href as written) made absolute against `base`, fragment dropped; None when it is no
    http(s) URL or cannot be parsed at all (`http://[::1`, a port out of range)."""
    try:
        url = urljoin(base, raw.strip())
        if not url.startswith(("http://", "https://")):
            return None
        cleaned = clean_url(url)
        urlsplit(cleaned).port  # noqa: B018 - raises on a port out of range
    except ValueError:
        return None
    return cleaned


def redact(url: str) -> str:
    """The URL with its password, if any, shown as *** (a redis://:secret@host URL in messages and tables)."""
    password = urlsplit(url).password
    return url.replace(password, "***") if password else url


def url_path(url: str) -> str:
    """The path of a URL or href as written; "" when it cannot be parsed (`http://[::1`)."""
    try:
        return urlsplit(url).path
    except ValueError:
        return ""


@lru_cache(maxsize=1 << 15)  # pages are matched on it over and over (home page, nav links): 32k URLs, ~6 MB
def normalise_url(url: str) -> str:
    """The page's identity: canonical (lower-case host, sorted query, percent-encoded), index names dropped."""
    canonical = canonicalize_url(clean_url(url), keep_fragments=False)
    parts = urlsplit(canonical)
    path = parts.path or "/"
    for index in INDEX_NAMES:
        if path.endswith("/" + index):
            path = path[: -len(index)]
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address when `host` is an IP literal (`127.0.0.1`, `[::1]`), else None (`cafe` is a name)."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


@cache
def _extractor() -> tldextract.TLDExtract:
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)  # the bundled snapshot only


def registered_domain(host: str) -> str | None:
    """`example.gov.cn` for `www.example.gov.cn`; None for IP literals and bare suffixes."""
    host = host.lower().rstrip(".")
    if not host or ip_literal(host) is not None:
        return None
    parts = _extractor()(host)
    return f"{parts.domain}.{parts.suffix}" if parts.domain and parts.suffix else None


def public_suffix(host: str) -> str:
    """The public suffix of a host name (`gov.cn`, `政务`, `com.cn`); empty for IP literals."""
    host = host.lower().rstrip(".")
    return "" if ip_literal(host) is not None else _extractor()(host).suffix


def bad_url_pattern(pattern: str) -> str | None:
    """Why `pattern` is no usable URL pattern (--ignore-url, --no-follow: Python regexes, searched
    anywhere in the absolute URL as LinkChecker's --ignore-url and lychee's --exclude are), or None."""
    if not pattern.strip():
        return "empty pattern"
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"not a regular expression ({exc})"
    return None


@lru_cache(maxsize=64)
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)  # each alone: (?i) is only allowed at a pattern's start


def url_matches(patterns: tuple[str, ...], url: str) -> bool:
    """`url` matches one of `patterns` (regexes, re.search); the crawl asks this of every link."""
    return any(p.search(url) for p in _compiled(patterns))
