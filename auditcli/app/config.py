"""Load and validate targets (sites files in YAML or CSV, or plain URLs) before any network access."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from auditcli.core.models import AuditConfig, ColumnOverride, SiteConfig, exclude_nested_sites
from auditcli.core.urls import bad_url_pattern
from auditcli.core.vocabulary import LEVELS

DEFAULT_PROFILE = "cn-gov-2019"
SITE_FIELDS = {"id", "name", "level", "url", "parent", "languages", "columns", "language_lag_days", "ignore_urls",
               "no_follow"}
PATTERN_FIELDS = ("ignore_urls", "no_follow")  # URL regexes, per site and in the audit block (for every site)
COLUMN_FIELDS = {"match", "max_age_days", "category"}
AUDIT_FIELDS = {"name", "profile", *PATTERN_FIELDS}
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
LANG_PATTERN = re.compile(r"^[a-z]{2,3}$")


class ConfigError(Exception):
    """A bad input file, reported as `file:line: field: message` and exit code 2."""

    def __init__(self, file: str, line: int | None, field: str | None, message: str):
        self.file, self.line, self.field, self.message = file, line, field, message
        where = file if line is None else f"{file}:{line}"
        super().__init__(f"{where}: {field + ': ' if field else ''}{message}")


class _LineDict(dict):
    """A mapping that remembers the line of itself and of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]


class _LineLoader(yaml.SafeLoader):
    """SafeLoader whose mappings are _LineDicts, so errors can name the line."""


def _construct_line_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _LineDict:
    loader.flatten_mapping(node)
    mapping = _LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {str(key.value): key.start_mark.line + 1 for key, _ in node.value}
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_line_mapping)


def is_url(target: str) -> bool:
    return target.lower().startswith(("http://", "https://"))


def site_from_url(url: str) -> SiteConfig:
    parts = urlsplit(url)
    slug = re.sub(r"[^A-Za-z0-9]+", "-", (parts.netloc + parts.path).strip("/")).strip("-").lower()
    return SiteConfig(id=slug or "site", name=parts.netloc, url=url if parts.path else url + "/")


def load_targets(targets: list[str], profile: str | None = None) -> AuditConfig:
    """Turn CLI targets into one AuditConfig; sites files and URLs may be mixed."""
    if not targets:
        raise ConfigError("<command line>", None, "TARGET", "give a sites file (YAML/CSV) or at least one URL")
    sites: list[SiteConfig] = []
    name, chosen_profile, source = "auditcli", profile, None
    for target in targets:
        if is_url(target):
            _check_url("<command line>", None, "url", target)
            sites.append(site_from_url(target))
            continue
        config = load_sites_file(Path(target))
        sites.extend(config.sites)
        name, source = config.name, config.source
        chosen_profile = chosen_profile or config.profile
    _check_ids_and_parents(source or "<command line>", sites, lines={})
    return AuditConfig(name=name, profile=chosen_profile or DEFAULT_PROFILE, sites=exclude_nested_sites(sites),
                       source=source)


FILE_SUFFIXES = (".yaml", ".yml", ".csv", ".json", ".txt", ".sqlite")  # a file named, not a host
HOST_PORT = re.compile(r"^(?:localhost|\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]|(?:[\w-]+\.)+[A-Za-z]{2,})(?::\d{1,5})?(?:/\S*)?$")


def load_sites_file(path: Path) -> AuditConfig:
    file = str(path)
    if not path.exists():
        if HOST_PORT.match(file) and path.suffix.lower() not in FILE_SUFFIXES:
            raise ConfigError(file, None, None, f"no such file; a URL needs its scheme: http://{file}"
                              f"{'' if '/' in file else '/'} (or https://)")
        raise ConfigError(file, None, None, "no such file")
    if not path.is_file():
        raise ConfigError(file, None, None, "not a file (give a sites file in YAML or CSV, or URLs)")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(file, None, None, f"not UTF-8 text ({exc.reason})") from None
    if path.suffix.lower() == ".csv":
        return _load_csv(file, text)
    return _load_yaml(file, text)


def _load_yaml(file: str, text: str) -> AuditConfig:
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(file, line, None, f"invalid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise ConfigError(file, 1, None, "expected a mapping with a `sites:` list")
    unknown = set(data) - {"audit", "sites"}
    if unknown:
        key = sorted(unknown)[0]
        raise ConfigError(file, data.key_lines.get(key), key, "unknown top-level key (expected `audit` and `sites`)")
    audit = data.get("audit") or {}
    if not isinstance(audit, dict):
        raise ConfigError(file, data.key_lines.get("audit"), "audit", "must be a mapping")
    for key in set(audit) - AUDIT_FIELDS:
        raise ConfigError(file, audit.key_lines.get(key), f"audit.{key}",
                          "unknown field (expected name, profile, ignore_urls, no_follow)")
    shared = {field: url_patterns(file, getattr(audit, "key_lines", {}).get(field), f"audit.{field}", audit.get(field))
              for field in PATTERN_FIELDS}
    raw_sites = data.get("sites")
    if not isinstance(raw_sites, list) or not raw_sites:
        raise ConfigError(file, data.key_lines.get("sites", 1), "sites", "must be a non-empty list of sites")
    sites, lines = [], {}
    for index, raw in enumerate(raw_sites):
        if not isinstance(raw, dict):
            raise ConfigError(file, data.key_lines.get("sites"), f"sites[{index}]", "each site must be a mapping")
        site = with_url_patterns(_site_from_mapping(file, index, raw), **shared)
        lines.setdefault(site.id, []).append(_SiteLines(index, raw.key_lines.get("id", raw.line),
                                                        raw.key_lines.get("parent", raw.line)))
        sites.append(site)
    _check_ids_and_parents(file, sites, lines)
    return AuditConfig(
        name=str(audit.get("name") or Path(file).stem),
        profile=str(audit.get("profile") or DEFAULT_PROFILE),
        sites=sites,
        source=file,
    )


def _site_from_mapping(file: str, index: int, raw: _LineDict) -> SiteConfig:
    def line_of(key: str) -> int:
        return raw.key_lines.get(key, raw.line)

    for key in raw:
        if key not in SITE_FIELDS:
            raise ConfigError(file, line_of(key), f"sites[{index}].{key}", f"unknown field (expected one of {', '.join(sorted(SITE_FIELDS))})")
    url = raw.get("url")
    if not url:
        raise ConfigError(file, raw.line, f"sites[{index}].url", "missing url")
    _check_url(file, line_of("url"), f"sites[{index}].url", str(url))
    site_id = str(raw.get("id") or site_from_url(str(url)).id)
    if not ID_PATTERN.match(site_id):
        raise ConfigError(file, line_of("id"), f"sites[{index}].id", f"invalid id {site_id!r} (letters, digits, - _ . only)")
    level = raw.get("level", "county")
    if level not in LEVELS:
        raise ConfigError(file, line_of("level"), f"sites[{index}].level", f"unknown level {level!r} (expected {' | '.join(LEVELS)})")
    languages = raw.get("languages") or []
    if isinstance(languages, str):
        languages = re.split(r"[;,\s]+", languages.strip())
    if not isinstance(languages, list):
        raise ConfigError(file, line_of("languages"), f"sites[{index}].languages", "must be a list like [en, mn]")
    for lang in languages:
        if not isinstance(lang, str) or not LANG_PATTERN.match(lang):
            raise ConfigError(file, line_of("languages"), f"sites[{index}].languages", f"{lang!r} is not a BCP 47 primary language tag such as en or mn")
    columns = _columns(file, index, raw.get("columns") or [], line_of("columns"))
    lag = raw.get("language_lag_days")
    if isinstance(lag, str) and lag.isdigit():  # CSV cells are text
        lag = int(lag)
    if lag is not None and (not isinstance(lag, int) or isinstance(lag, bool) or lag <= 0):
        raise ConfigError(file, line_of("language_lag_days"), f"sites[{index}].language_lag_days",
                          f"must be a positive whole number of days, got {lag!r}")
    parent = raw.get("parent")
    patterns = {field: url_patterns(file, line_of(field), f"sites[{index}].{field}", raw.get(field))
                for field in PATTERN_FIELDS}
    return SiteConfig(
        id=site_id,
        name=str(raw.get("name") or urlsplit(str(url)).netloc),
        url=str(url),
        level=level,
        parent=str(parent) if parent else None,
        languages=tuple(languages),
        columns=columns,
        language_lag_days=lag,
        **patterns,
    )


def url_patterns(file: str, line: int | None, field: str, raw: Any) -> tuple[str, ...]:
    """A list of URL regexes (a CSV cell: separated by whitespace), each one compiled to find a bad one
    before any network access."""
    if raw is None or raw == "":
        return ()
    if isinstance(raw, str):
        raw = raw.split()
    if not isinstance(raw, list):
        raise ConfigError(file, line, field, "must be a list of regular expressions like ['/old/', '\\?print=1']")
    for pattern in raw:
        why = bad_url_pattern(pattern) if isinstance(pattern, str) else "not a string"
        if why:
            raise ConfigError(file, line, field, f"{pattern!r}: {why}")
    return tuple(raw)


def with_url_patterns(site: SiteConfig, ignore_urls: tuple[str, ...] = (),
                      no_follow: tuple[str, ...] = ()) -> SiteConfig:
    """The site with more ignore / no-follow patterns (the audit block's, the flags'), its own kept first."""
    if not ignore_urls and not no_follow:
        return site
    merged = {"ignore_urls": tuple(dict.fromkeys((*site.ignore_urls, *ignore_urls))),
              "no_follow": tuple(dict.fromkeys((*site.no_follow, *no_follow)))}
    return replace(site, **merged)


def _columns(file: str, index: int, raw_columns: Any, line: int) -> tuple[ColumnOverride, ...]:
    if not isinstance(raw_columns, list):
        raise ConfigError(file, line, f"sites[{index}].columns", "must be a list of {match, max_age_days}")
    overrides = []
    for col_index, raw in enumerate(raw_columns):
        field = f"sites[{index}].columns[{col_index}]"
        if not isinstance(raw, dict) or not raw.get("match"):
            raise ConfigError(file, getattr(raw, "line", line), field + ".match", "each column override needs `match`")
        for key in raw:
            if key not in COLUMN_FIELDS:
                raise ConfigError(file, raw.key_lines.get(key, raw.line), f"{field}.{key}", "unknown field (expected match, max_age_days, category)")
        max_age = raw.get("max_age_days")
        if max_age is not None and (not isinstance(max_age, int) or isinstance(max_age, bool) or max_age <= 0):
            raise ConfigError(file, raw.key_lines.get("max_age_days", raw.line), f"{field}.max_age_days", f"must be a positive whole number of days, got {max_age!r}")
        overrides.append(ColumnOverride(match=str(raw["match"]), max_age_days=max_age, category=raw.get("category")))
    return tuple(overrides)


def _check_url(file: str, line: int | None, field: str, url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ConfigError(file, line, field, f"not an http(s) URL: {url!r}")
    try:
        parts.port  # noqa: B018 - raises on a port out of range
    except ValueError:
        raise ConfigError(file, line, field, f"bad port in {url!r}") from None


@dataclass(frozen=True)
class _SiteLines:
    index: int
    id_line: int | None
    parent_line: int | None


def _check_ids_and_parents(file: str, sites: list[SiteConfig], lines: dict[str, list[_SiteLines]]) -> None:
    """Ids unique, parents known. `lines` maps an id to where each site with it was written."""
    seen: set[str] = set()
    for position, site in enumerate(sites):
        where = lines.get(site.id, [])
        if site.id in seen:
            again = where[1] if len(where) > 1 else None
            raise ConfigError(file, again.id_line if again else None,
                              f"sites[{again.index if again else position}].id", f"duplicate site id {site.id!r}")
        seen.add(site.id)
    for site in sites:
        if site.parent is None:
            continue
        where = lines.get(site.id, [None])[0]
        line, field = (where.parent_line, f"sites[{where.index}].parent") if where else (None, f"{site.id}.parent")
        if site.parent == site.id:
            raise ConfigError(file, line, field, "a site cannot be its own parent")
        if site.parent not in seen:
            raise ConfigError(file, line, field, f"unknown parent {site.parent!r}")


def _load_csv(file: str, text: str) -> AuditConfig:
    reader = csv.DictReader(text.splitlines())
    header = reader.fieldnames or []
    if "url" not in header:
        raise ConfigError(file, 1, "url", "CSV header must have a `url` column (and optionally id,name,level,parent,languages)")
    for column in header:
        if column not in SITE_FIELDS - {"columns"}:
            raise ConfigError(file, 1, column,
                              "unknown CSV column (expected id,name,level,url,parent,languages,language_lag_days,ignore_urls,no_follow)")
    sites, lines = [], {}
    for row_number, row in enumerate(reader, start=2):
        if None in row:  # more cells than the header has columns
            raise ConfigError(file, row_number, None, f"{len(header) + len(row[None])} cells but the header has {len(header)}")
        raw = _LineDict({k: v.strip() for k, v in row.items() if k and v is not None and v.strip()})
        raw.line, raw.key_lines = row_number, {}
        if not raw:
            continue
        site = _site_from_mapping(file, row_number - 2, raw)
        lines.setdefault(site.id, []).append(_SiteLines(row_number - 2, row_number, row_number))
        sites.append(site)
    if not sites:
        raise ConfigError(file, 1, "sites", "the CSV lists no sites")
    _check_ids_and_parents(file, sites, lines)
    return AuditConfig(name=Path(file).stem, profile=DEFAULT_PROFILE, sites=sites, source=file)
