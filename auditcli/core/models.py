"""The data model shared by every stage: site configuration and findings."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any
from urllib.parse import SplitResult, urlsplit, urlunsplit

from auditcli.core.urls import normalise_url, url_matches


@dataclass(frozen=True)
class ColumnOverride:
    """Per-column policy from the sites file, matched by column name or URL prefix."""

    match: str
    max_age_days: int | None = None
    category: str | None = None

    def applies_to(self, name: str, url: str) -> bool:
        if self.match.startswith(("http://", "https://", "/")):
            return url.startswith(self.match) or urlsplit(url).path.startswith(self.match)
        return self.match == name or self.match in name


@dataclass(frozen=True)
class SiteConfig:
    id: str
    name: str
    url: str
    level: str = "county"
    parent: str | None = None
    languages: tuple[str, ...] = ()
    columns: tuple[ColumnOverride, ...] = ()
    exclude: tuple[str, ...] = ()  # scope prefixes of other audited sites nested inside this one
    aliases: tuple[str, ...] = ()  # other host[:port]s the start page redirected to (x.gov.cn -> www.x.gov.cn)
    language_lag_days: int | None = None  # how far a language version may lag the main site (default 90)
    ignore_urls: tuple[str, ...] = ()  # regexes (re.search): such URLs are neither fetched nor reported
    no_follow: tuple[str, ...] = ()    # regexes: such pages are fetched and checked, their links not followed

    @property
    def host_root(self) -> str:
        parts = urlsplit(self.url)
        return urlunsplit((parts.scheme, parts.netloc, "/", "", ""))

    @property
    def is_host_root(self) -> bool:
        return urlsplit(self.url).path in ("", "/")

    @cached_property
    def scope_prefix(self) -> str:
        """Host root for portal sites; the directory of `url` for column-tree sites (国办发〔2017〕47号).
        Cached (as `_scope`, its parts): the crawl asks it of every link of every page."""
        parts = urlsplit(self.url)
        path = parts.path or "/"
        if not path.endswith("/"):
            directory, last = path.rsplit("/", 1)
            # /xxgk/jiazhen is the 甲镇 tree itself; /xxgk/jiazhen/index.html is a page in it
            path = f"{directory}/" if "." in last else f"{path}/"
        return urlunsplit((parts.scheme, parts.netloc.lower(), path, "", ""))

    @cached_property
    def _scope(self) -> SplitResult:
        return urlsplit(self.scope_prefix)

    def on_host(self, url: str) -> bool:
        """On the site's host (or a host its start page redirected to), in scope or not."""
        netloc = urlsplit(url).netloc.lower()
        return netloc == self._scope.netloc or netloc in self.aliases

    def in_scope(self, url: str) -> bool:
        parts = urlsplit(url)
        scope = self._scope
        if parts.netloc.lower() != scope.netloc and parts.netloc.lower() not in self.aliases:
            return False
        path = parts.path or "/"
        if any(path.startswith(urlsplit(prefix).path) for prefix in self.exclude):
            return False  # a department/township column tree audited as a site of its own
        return path.startswith(scope.path) or path + "/" == scope.path

    def ignored(self, url: str) -> bool:
        """`url` matches an ignore pattern (--ignore-url, `ignore_urls`): not fetched, not reported."""
        return bool(self.ignore_urls) and url_matches(self.ignore_urls, url)

    def not_followed(self, url: str) -> bool:
        """`url` matches a no-follow pattern (--no-follow, `no_follow`): checked, its links not followed."""
        return bool(self.no_follow) and url_matches(self.no_follow, url)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "level": self.level,
            "parent": self.parent,
            "url": self.url,
            "languages": list(self.languages),
            "columns": [
                {"match": c.match, "max_age_days": c.max_age_days, "category": c.category}
                for c in self.columns
            ],
            "exclude": list(self.exclude),
            "aliases": list(self.aliases),
            "language_lag_days": self.language_lag_days,
            **({"ignore_urls": list(self.ignore_urls)} if self.ignore_urls else {}),
            **({"no_follow": list(self.no_follow)} if self.no_follow else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SiteConfig:
        return cls(
            id=data["id"],
            name=data["name"],
            url=data["url"],
            level=data.get("level", "county"),
            parent=data.get("parent"),
            languages=tuple(data.get("languages") or ()),
            columns=tuple(ColumnOverride(**c) for c in data.get("columns") or ()),
            exclude=tuple(data.get("exclude") or ()),
            aliases=tuple(data.get("aliases") or ()),
            language_lag_days=data.get("language_lag_days"),
            ignore_urls=tuple(data.get("ignore_urls") or ()),
            no_follow=tuple(data.get("no_follow") or ()),
        )


def exclude_nested_sites(sites: list[SiteConfig]) -> list[SiteConfig]:
    """A county portal hosting a department's column tree (/bm/jyj/) that is audited as its own site
    leaves that tree to it, so one empty column is not counted against both sites."""
    result = []
    for site in sites:
        nested = tuple(
            other.scope_prefix for other in sites
            if other.id != site.id and other.scope_prefix != site.scope_prefix
            and other.scope_prefix.startswith(site.scope_prefix)
        )
        result.append(replace(site, exclude=nested))
    return result


@dataclass
class AuditConfig:
    name: str
    profile: str
    sites: list[SiteConfig]
    source: str | None = None


@dataclass
class Finding:
    """One problem on one page. Checks fill the page-specific fields; the runner fills the check metadata."""

    url: str
    message: str
    message_en: str | None = None
    selector: str | None = None
    evidence: str | None = None
    locator: str | None = None
    severity: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    check: str = ""
    dimension: str = ""
    title: str = ""
    title_en: str = ""
    refs: list[str] = field(default_factory=list)
    fix: str = ""
    fingerprint: str = ""

    def compute_fingerprint(self) -> str:
        key = "\x1f".join((self.check, normalise_url(self.url), self.locator or self.selector or ""))
        return hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]

    def to_dict(self) -> dict[str, Any]:
        evidence = self.evidence
        if evidence is not None and len(evidence) > 300:
            evidence = evidence[:297] + "..."
        return {
            "fingerprint": self.fingerprint,
            "check": self.check,
            "dimension": self.dimension,
            "severity": self.severity,
            "title": self.title,
            "title_en": self.title_en,
            "url": self.url,
            "message": self.message,
            "message_en": self.message_en,
            "selector": self.selector,
            "evidence": evidence,
            "refs": list(self.refs),
            "fix": self.fix,
            "data": self.data,
        }
