"""Scoring profiles: turn a site's findings into a score, vetoes and a verdict.

A profile is a YAML file (see ``profiles/cn-gov-2019.yaml``, the default). Scoring is a pure
function of one results.json site dict and the profile; every deduction and veto it records names
the profile rule that caused it (``<profile>.<rule>``), so a report can always say why.
"""

from __future__ import annotations

import copy
import fnmatch
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from auditcli.core.barriers import barrier_key, site_barriers, worst_first
from auditcli.core.knowledge import load
from auditcli.core.vocabulary import (
    DIMENSION_TABLE,
    DIMENSIONS,
    LEVELS,
    SEVERITIES,
    THIN_DEFAULTS,
    VETO_DEFAULTS,
    VETO_KINDS,
    VETO_SETTINGS,
)

PROFILES_DIR = Path(__file__).parent / "profiles"
DEFAULT_PROFILE = "cn-gov-2019"
PROFILE_SCHEMA = "auditcli.profile/v1"

CHECK_HOMEPAGE_STALE = "freshness.homepage-stale"
BARRIER_DIMENSION = "accessibility"  # the dimension whose findings results.json groups into barriers


class ProfileError(ValueError):
    """A scoring profile that cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class DeductionRule:
    rule: str
    checks: tuple[str, ...]
    points: float
    severity: tuple[str, ...] = ()
    max: float | None = None
    per: str = "finding"  # or "barrier": one deduction per rule + template element, by share of pages
    min_share: float = 0.1  # a barrier on a few pages still weighs this share of its points
    # a finding about a column: its category (as the check recorded it) and whether it is top-level (as
    # the site's `columns` block records it), for the points an inspection states for one kind of column
    category: tuple[str, ...] = ()
    top_level: bool | None = None
    ref: str | None = None  # where the points come from

    def matches(self, finding: dict, column: dict | None = None) -> bool:
        check_id = str(finding.get("check", ""))
        if self.severity and finding.get("severity") not in self.severity:
            return False
        if not any(fnmatch.fnmatchcase(check_id, pattern) for pattern in self.checks):
            return False
        if self.category and (finding.get("data") or {}).get("category") not in self.category:
            return False
        return self.top_level is None or bool((column or {}).get("top_level")) is self.top_level


@dataclass(frozen=True)
class Profile:
    name: str
    source: str
    pass_mark: float
    caps: dict[str, float]
    vetoes: dict[str, dict[str, Any]]
    deductions: tuple[DeductionRule, ...]
    undated_counts_as_stale: bool = True
    thin_columns: dict[str, dict[str, int]] = field(default_factory=dict)
    zombie_max_age_days: int | None = None  # coverage.zombie's threshold; None: the knowledge file's default
    key_any_level: tuple[str, ...] = ("news",)
    key_top_level: tuple[str, ...] = ("notice", "policy")
    title: dict[str, str] = field(default_factory=dict)

    def rule_id(self, name: str) -> str:
        return f"{self.name}.{name}"

    def cap(self, dimension: str) -> float:
        """Points the dimension may take off; one the profile does not know (a plugin's) takes its own."""
        if dimension in self.caps:
            return self.caps[dimension]
        known = DIMENSION_TABLE.get(dimension)
        return known.cap if known else 0.0

    def check_settings(self) -> dict[str, Any]:
        """The thresholds the checks judge by (handed to them as `SiteView.options`), so a decision the
        profile tunes is made once, by its check, and scoring only reads it."""
        spec = self.vetoes.get("homepage-stale") or {}
        reach = self.vetoes.get("unreachable") or {}
        return {"homepage_max_age_days": spec.get("max_age_days", VETO_DEFAULTS["homepage-stale"]["max_age_days"]),
                "availability_rule": {k: reach.get(k, v) for k, v in VETO_DEFAULTS["unreachable"].items()},
                "thin_columns": {cat: dict(rule) for cat, rule in (self.thin_columns or THIN_DEFAULTS).items()},
                "zombie_max_age_days": self.zombie_max_age_days or load("coverage")["zombie_max_age_days"]}

    def rule_for(self, finding: dict, column: dict | None = None) -> DeductionRule | None:
        for rule in self.deductions:
            if rule.matches(finding, column):
                return rule
        return None


# ---------------------------------------------------------------- loading


def load_profile(name_or_path: str | Path | None = None) -> Profile:
    """Load a built-in profile by name, or a YAML file by path. Raises ProfileError."""
    name_or_path = str(name_or_path or DEFAULT_PROFILE)
    data, source = _read_profile(name_or_path, seen=())
    return _build_profile(data, source)


def builtin_profiles() -> list[str]:
    return sorted(p.stem for p in PROFILES_DIR.glob("*.yaml"))


def _resolve(name_or_path: str) -> Path:
    builtin = PROFILES_DIR / f"{name_or_path}.yaml"
    if "/" not in name_or_path and "\\" not in name_or_path and builtin.is_file():
        return builtin
    path = Path(name_or_path).expanduser()
    if path.is_file():
        return path
    raise ProfileError(
        f"profile {name_or_path!r}: no such file and not a built-in profile "
        f"(built-in: {', '.join(builtin_profiles())})"
    )


def _read_profile(name_or_path: str, seen: tuple[str, ...]) -> tuple[dict, str]:
    path = _resolve(name_or_path)
    source = str(path)
    if source in seen:
        raise ProfileError(f"{source}: extends: circular reference")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ProfileError(f"{source}:{where}: invalid YAML: {problem}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{source}: cannot read profile: {exc}") from None
    if not isinstance(data, dict):
        raise ProfileError(f"{source}: a profile must be a YAML mapping")
    parent = data.pop("extends", None)
    if parent is not None:
        if not isinstance(parent, str):
            raise ProfileError(f"{source}: extends: must be a profile name or path")
        if "/" not in parent and not (PROFILES_DIR / f"{parent}.yaml").is_file():
            parent = str(path.parent / parent)
        base, _ = _read_profile(parent, seen + (source,))
        data = _merge(base, data)
    return data, source


def _merge(base: dict, override: dict) -> dict:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _number(source: str, where: str, value: Any, minimum: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        raise ProfileError(f"{source}: {where}: must be a number >= {minimum:g}, got {value!r}")
    return float(value)


def _str_list(source: str, where: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ProfileError(f"{source}: {where}: must be a list of strings, got {value!r}")
    return tuple(value)


PROFILE_FIELDS = {"schema", "name", "title", "description", "pass_mark", "undated_counts_as_stale",
                  "key_columns", "thin_columns", "coverage", "vetoes", "dimensions", "deductions"}
RULE_SETTINGS = {"rule", "checks", "severity", "points", "max", "per", "min_share", "category", "top_level", "ref"}


def _build_profile(data: dict, source: str) -> Profile:
    """The Profile of a (merged) profile mapping, each field checked in turn; an error names the field."""
    _check_header(data, source)
    name = data.get("name")
    if not isinstance(name, str) or not name.strip() or any(c.isspace() for c in name):
        raise ProfileError(f"{source}: name: required, a word without spaces, got {name!r}")
    pass_mark = _number(source, "pass_mark", data.get("pass_mark", 60))
    if pass_mark > 100:
        raise ProfileError(f"{source}: pass_mark: must be at most 100, got {pass_mark:g}")
    undated = data.get("undated_counts_as_stale", True)
    if not isinstance(undated, bool):
        raise ProfileError(f"{source}: undated_counts_as_stale: must be true or false")
    key_any, key_top = _read_key_columns(data, source)
    caps = _read_caps(data, source)
    vetoes = _read_vetoes(data, source)
    rules = _read_deductions(data, source)
    thin = _read_thin_columns(data, source)
    zombie = _read_coverage(data, source)
    title = data.get("title") or {}
    if isinstance(title, str):
        title = {"zh": title, "en": title}
    return Profile(
        name=name, source=source, pass_mark=pass_mark, caps=caps, vetoes=vetoes,
        deductions=rules, undated_counts_as_stale=undated, thin_columns=thin,
        zombie_max_age_days=zombie,
        key_any_level=key_any, key_top_level=key_top,
        title={k: str(v) for k, v in title.items()} if isinstance(title, dict) else {},
    )


def _check_header(data: dict, source: str) -> None:
    """No field the schema does not know (a typo would silently score by the defaults), the right schema."""
    unknown = sorted(set(data) - PROFILE_FIELDS)
    if unknown:
        raise ProfileError(f"{source}: {unknown[0]}: unknown field (expected one of "
                           f"{', '.join(sorted(PROFILE_FIELDS))})")
    schema = data.get("schema", PROFILE_SCHEMA)
    if schema != PROFILE_SCHEMA:
        raise ProfileError(f"{source}: schema: expected {PROFILE_SCHEMA!r}, got {schema!r}")


def _read_key_columns(data: dict, source: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The column categories that are key at any level and at the top level only."""
    key_columns = data.get("key_columns") or {}
    if not isinstance(key_columns, dict):
        raise ProfileError(f"{source}: key_columns: must be a mapping")
    key_any = _str_list(source, "key_columns.any_level", key_columns.get("any_level", ["news"]))
    key_top = _str_list(source, "key_columns.top_level",
                        key_columns.get("top_level", ["notice", "policy"]))
    return key_any, key_top


def _read_coverage(data: dict, source: str) -> int | None:
    """`coverage: {zombie_max_age_days: N}`: how old a sub-site's newest item may be (coverage.zombie)."""
    coverage = data.get("coverage")
    if coverage is None:
        return None
    if not isinstance(coverage, dict) or set(coverage) - {"zombie_max_age_days"}:
        raise ProfileError(f"{source}: coverage: must be a mapping with zombie_max_age_days")
    value = coverage.get("zombie_max_age_days")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ProfileError(f"{source}: coverage.zombie_max_age_days: must be a whole number >= 1, got {value!r}")
    return value


def _read_thin_columns(data: dict, source: str) -> dict[str, dict[str, int]]:
    """The busy column categories and their minimum dated items per window (a check setting of
    `columns.thin`); none given: the knowledge file's defaults (THIN_DEFAULTS)."""
    thin = data.get("thin_columns")
    if thin is None:
        return {}
    if not isinstance(thin, dict):
        raise ProfileError(f"{source}: thin_columns: must be a mapping of category -> {{min_items, window_days}}")
    out: dict[str, dict[str, int]] = {}
    for category, spec in thin.items():
        where = f"thin_columns.{category}"
        if not isinstance(spec, dict) or set(spec) != {"min_items", "window_days"}:
            raise ProfileError(f"{source}: {where}: must be a mapping with min_items and window_days")
        for key in ("min_items", "window_days"):
            value = spec[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ProfileError(f"{source}: {where}.{key}: must be a whole number >= 1, got {value!r}")
        out[str(category)] = {"min_items": spec["min_items"], "window_days": spec["window_days"]}
    return out


def _read_caps(data: dict, source: str) -> dict[str, float]:
    """Each dimension's cap; a dimension the profile does not name takes the vocabulary's default."""
    dims = data.get("dimensions")
    if not isinstance(dims, dict):
        raise ProfileError(f"{source}: dimensions: required mapping of dimension -> {{cap: N}}")
    caps: dict[str, float] = {}
    for dim, spec in dims.items():
        if dim not in DIMENSIONS:
            raise ProfileError(f"{source}: dimensions.{dim}: unknown dimension "
                               f"(expected one of {', '.join(DIMENSIONS)})")
        if not isinstance(spec, dict) or "cap" not in spec:
            raise ProfileError(f"{source}: dimensions.{dim}: must be a mapping with 'cap'")
        caps[dim] = _number(source, f"dimensions.{dim}.cap", spec["cap"])
    for dim in DIMENSIONS:
        caps.setdefault(dim, DIMENSION_TABLE[dim].cap)
    return caps


def _read_vetoes(data: dict, source: str) -> dict[str, dict[str, Any]]:
    """The enabled vetoes with their settings, each setting checked against the vocabulary."""
    vetoes_in = data.get("vetoes") or {}
    if not isinstance(vetoes_in, dict):
        raise ProfileError(f"{source}: vetoes: must be a mapping")
    vetoes: dict[str, dict[str, Any]] = {}
    for kind, spec in vetoes_in.items():
        if kind not in VETO_KINDS:
            raise ProfileError(f"{source}: vetoes.{kind}: unknown veto "
                               f"(expected one of {', '.join(VETO_KINDS)})")
        if spec is None:
            spec = {}
        if not isinstance(spec, dict):
            raise ProfileError(f"{source}: vetoes.{kind}: must be a mapping")
        for key, value in spec.items():
            _check_veto_setting(source, kind, key, value)
        if spec.get("enabled", True):
            vetoes[kind] = dict(spec)
    return vetoes


def _check_veto_setting(source: str, kind: str, key: str, value: Any) -> None:
    """One setting of a veto: `enabled`, `ref`, or one the vocabulary gives that veto, of its type."""
    where = f"vetoes.{kind}.{key}"
    allowed = {"enabled", "ref", *VETO_SETTINGS[kind]}
    if key not in allowed:
        raise ProfileError(f"{source}: {where}: unknown setting "
                           f"(expected one of {', '.join(sorted(allowed))})")
    if key == "enabled" and not isinstance(value, bool):
        raise ProfileError(f"{source}: {where}: must be true or false")
    if key == "ref" and not isinstance(value, str):
        raise ProfileError(f"{source}: {where}: must be a string")
    expected = VETO_SETTINGS[kind].get(key)
    if expected is int and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise ProfileError(f"{source}: {where}: must be a whole number >= 0, got {value!r}")
    if expected is list:
        _str_list(source, where, value)
        if key == "severity" and (unknown := [x for x in value if x not in SEVERITIES]):
            raise ProfileError(f"{source}: {where}: unknown severity {unknown[0]!r} "
                               f"(expected some of {', '.join(SEVERITIES)})")
        if key.endswith("_levels") and (unknown := [x for x in value if x not in LEVELS]):
            raise ProfileError(f"{source}: {where}: unknown level {unknown[0]!r} "
                               f"(expected some of {', '.join(LEVELS)})")


def _read_deductions(data: dict, source: str) -> tuple[DeductionRule, ...]:
    """The deduction rules in the profile's order (the first that matches a finding applies)."""
    rules_in = data.get("deductions") or []
    if not isinstance(rules_in, list):
        raise ProfileError(f"{source}: deductions: must be a list of rules")
    rules: list[DeductionRule] = []
    seen_rules: set[str] = set()
    for index, spec in enumerate(rules_in):
        rule = _read_deduction_rule(source, f"deductions[{index}]", spec, seen_rules)
        seen_rules.add(rule.rule)
        rules.append(rule)
    return tuple(rules)


def _read_deduction_rule(source: str, where: str, spec: Any, seen_rules: set[str]) -> DeductionRule:
    """One deduction rule: a unique name, the checks it matches, its points and limits."""
    if not isinstance(spec, dict):
        raise ProfileError(f"{source}: {where}: must be a mapping")
    extra = sorted(set(spec) - RULE_SETTINGS)
    if extra:
        raise ProfileError(f"{source}: {where}.{extra[0]}: unknown setting")
    rule = spec.get("rule")
    if not isinstance(rule, str) or not rule:
        raise ProfileError(f"{source}: {where}.rule: required rule name")
    if rule in seen_rules:
        raise ProfileError(f"{source}: {where}.rule: duplicate rule {rule!r}")
    severity = _str_list(source, f"{where}.severity", spec.get("severity", []))
    bad = [s for s in severity if s not in SEVERITIES]
    if bad:
        raise ProfileError(f"{source}: {where}.severity: unknown severity {bad[0]!r}")
    if "checks" not in spec:
        raise ProfileError(f"{source}: {where}.checks: required list of check ids or globs")
    return DeductionRule(
        rule=rule,
        checks=_str_list(source, f"{where}.checks", spec["checks"]),
        points=_number(source, f"{where}.points", spec.get("points")),
        severity=severity,
        max=_number(source, f"{where}.max", spec["max"]) if spec.get("max") is not None else None,
        per=_per(source, where, spec.get("per", "finding")),
        min_share=_number(source, f"{where}.min_share", spec.get("min_share", 0.1)),
        category=_str_list(source, f"{where}.category", spec.get("category", [])),
        top_level=_optional_bool(source, f"{where}.top_level", spec.get("top_level")),
        ref=_optional_str(source, f"{where}.ref", spec.get("ref")),
    )


def _optional_bool(source: str, where: str, value: Any) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise ProfileError(f"{source}: {where}: must be true or false, got {value!r}")
    return value


def _optional_str(source: str, where: str, value: Any) -> str | None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ProfileError(f"{source}: {where}: must be a non-empty string, got {value!r}")
    return value


# ---------------------------------------------------------------- scoring


def _per(source: str, where: str, value: Any) -> str:
    if value not in ("finding", "barrier"):
        raise ProfileError(f"{source}: {where}.per: must be 'finding' or 'barrier', not {value!r}")
    return value


def _fmt(points: float) -> str:
    return f"{points:g}"


def column_counts(site: dict, profile: Profile) -> dict[str, int]:
    """The counts the column vetoes read, from the site's `columns` block (every column with its status,
    category and level) judged by the profile: it decides which columns are key and whether undated
    ones count as not updated. A site whose columns were not assessed counts none."""
    columns = site.get("columns") or []

    def with_status(*statuses: str) -> list[dict]:
        return [c for c in columns if c.get("status") in statuses]

    not_updated = ("stale", "undated") if profile.undated_counts_as_stale else ("stale",)
    return {"stale_key_columns": sum(1 for c in with_status(*not_updated) if _is_key_column(c, profile)),
            "stale_columns": len(with_status("stale")), "empty_columns": len(with_status("empty")),
            "undated_columns": len(with_status("undated"))}


def _is_key_column(column: dict, profile: Profile) -> bool:
    """Key columns are the profile's to define: news at any level, notice/policy when top-level."""
    category = column.get("category")
    if category in profile.key_any_level:
        return True
    return category in profile.key_top_level and bool(column.get("top_level"))


def _setting(vetoes: dict[str, dict[str, Any]], kind: str, name: str) -> Any:
    """A veto's setting from the profile, else the national checklist's value (the vocabulary's)."""
    return vetoes[kind].get(name, VETO_DEFAULTS[kind][name])


def _homepage_stale_message(site: dict) -> tuple[str, str]:
    """The veto's words, from what the check recorded: the age and the limit it judged by (the homepage
    block's `max_age_days`), never the profile's number, which need not be the one the check used.
    A results.json written before the block carried its limit was judged at the checklist's 14 days."""
    home = site.get("homepage") or {}
    age = home.get("age_days")
    limit = home.get("max_age_days", VETO_DEFAULTS["homepage-stale"]["max_age_days"])
    if isinstance(age, (int, float)):
        return (f"首页最新信息已 {age:g} 天未更新（上限 {limit} 天）",
                f"home page not updated for {age:g} days (limit {limit})")
    return f"首页超过 {limit} 天未更新", f"home page not updated for over {limit} days"


def _unreachable(site: dict) -> bool:
    """The availability decision the audit recorded (the `availability` block: by the week's probes or
    this visit); a results.json from before the block: the visit's status."""
    block = site.get("availability")
    if isinstance(block, dict) and "unreachable" in block:
        return bool(block["unreachable"])
    return site.get("status") == "unreachable"


def _unreachable_message(site: dict) -> tuple[str, str]:
    block = site.get("availability") or {}
    if block.get("rule") != "probes":
        return "审计期间网站无法访问", "site unreachable during the audit"
    probes, failures = block.get("probes") or 0, block.get("failures") or 0
    limit = (block.get("needed") or {}).get("failure_percent", VETO_DEFAULTS["unreachable"]["failure_percent"])
    pct = 100.0 * failures / probes if probes else 0.0
    return (f"监测 {block.get('days')} 天共 {probes} 次访问，{failures} 次无法访问（{pct:.1f}%，{limit}% 及以上否决）",
            f"{failures} of {probes} probes over {block.get('days')} days failed ({pct:.1f} %; veto at {limit} %)")


def _vetoes(site: dict, profile: Profile, counts: dict[str, int]) -> list[dict]:
    out: list[dict] = []

    def veto(kind: str, zh: str, en: str) -> None:
        spec = profile.vetoes[kind]
        entry = {"rule": profile.rule_id(kind), "message": zh, "message_en": en}
        if spec.get("ref"):
            entry["ref"] = spec["ref"]
        out.append(entry)

    v = profile.vetoes
    if "unreachable" in v and _unreachable(site):
        veto("unreachable", *_unreachable_message(site))
    if site.get("status") == "unreachable":
        return out

    findings = site.get("findings") or []
    checks_present = {f.get("check") for f in findings}
    if "homepage-stale" in v and CHECK_HOMEPAGE_STALE in checks_present:
        zh, en = _homepage_stale_message(site)
        veto("homepage-stale", zh, en)

    undated = counts["undated_columns"] if profile.undated_counts_as_stale else 0
    if "stale-key-columns" in v:
        limit = _setting(v, "stale-key-columns", "threshold")
        n = counts["stale_key_columns"]
        if n >= limit:
            veto("stale-key-columns",
                 f"动态要闻类及通知公告、政策文件类重点栏目不更新 {n} 个（{limit} 个及以上否决）",
                 f"{n} key columns (news, top-level notices/policies) not updated (veto at {limit})")
    if "stale-columns" in v:
        limit = _setting(v, "stale-columns", "threshold")
        n = counts["stale_columns"] + undated
        note_zh = f"，含未注明日期 {undated} 个" if undated else ""
        note_en = f", {undated} of them undated" if undated else ""
        if n >= limit:
            veto("stale-columns", f"栏目不更新 {n} 个{note_zh}（{limit} 个及以上否决）",
                 f"{n} columns not updated{note_en} (veto at {limit})")
    if "empty-columns" in v:
        limit = _setting(v, "empty-columns", "threshold")
        n = counts["empty_columns"]
        if n >= limit:
            veto("empty-columns", f"空白栏目 {n} 个（{limit} 个及以上否决）",
                 f"{n} empty columns (veto at {limit})")
    if "service" in v and (words := _service_veto(site, v)):
        veto("service", *words)
    for kind, zh, en in (("interaction", "互动回应差", "poor interaction response"),
                         ("serious-error", "严重错误", "serious error"),
                         ("privacy-leak", "泄露个人信息", "personal data exposed")):
        if kind in v and (hit := _veto_findings(findings, v, kind)):
            veto(kind, zh + "：" + "；".join(f"{title}（{n} 处）" for title, _, n in hit),
                 en + ": " + "; ".join(f"{title_en} ({n})" for _, title_en, n in hit))
    return out


def _service_veto(site: dict, vetoes: dict[str, dict[str, Any]]) -> tuple[str, str] | None:
    """服务不实用, read from the `service` block the check wrote (never judged again): incomplete guides at
    or over the threshold, or no service at all (no guide, no entry, no platform link) on a site of a level
    the profile names. A results.json without the block (service not checked): no veto."""
    block = site.get("service")
    if not isinstance(block, dict):
        return None
    limit = _setting(vetoes, "service", "threshold")
    n = int(block.get("incomplete") or 0)
    if n >= limit:
        return (f"服务不实用：办事指南要素缺失 {n} 个（{limit} 个及以上否决）",
                f"services unusable: {n} service guides lack key elements (veto at {limit})")
    if block.get("no_service") and site.get("level") in _setting(vetoes, "service", "no_service_levels"):
        return ("服务不实用：网站未提供办事服务（无办事指南、无办事入口、未链接政务服务网）",
                "services unusable: the site offers no service (no guide, no service entry, no link to a "
                "service platform)")
    return None


def _veto_findings(findings: list[dict], vetoes: dict[str, dict[str, Any]], kind: str) -> list[tuple[str, str, int]]:
    """(title, English title, count) of each check whose findings the veto names: its `checks` (ids or
    patterns such as `privacy.*`) and, where it has the setting, its `severity`."""
    patterns = _setting(vetoes, kind, "checks")
    severities = _setting(vetoes, kind, "severity") if "severity" in VETO_SETTINGS[kind] else None
    counted: dict[str, list[dict]] = {}
    for f in findings:
        check_id = f.get("check") or ""
        if (any(fnmatch.fnmatchcase(check_id, p) for p in patterns)
                and (severities is None or f.get("severity") in severities)):
            counted.setdefault(check_id, []).append(f)
    order = {p: i for i, p in enumerate(patterns)}
    return [(next((f["title"] for f in found if f.get("title")), c),
             next((f["title_en"] for f in found if f.get("title_en")), c), len(found))
            for c, found in sorted(counted.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))]


def _site_dimensions(site: dict) -> list[str]:
    """The vocabulary's dimensions, then any other the site's results name (a plugin's)."""
    names = list(DIMENSIONS)
    names += [d for d in (site.get("dimensions") or {}) if d not in names]
    return names


def _dimension_status(site: dict, dim: str) -> str:
    block = (site.get("dimensions") or {}).get(dim)
    if site.get("status") == "unreachable":
        return "not-assessed"
    if not isinstance(block, dict):
        return "not-assessed"
    return block.get("status") or "assessed"


def score_site(site: dict, profile: Profile) -> None:
    """Score one results.json site dict in place (see the module docstring)."""
    findings = site.get("findings") or []
    dimensions = _site_dimensions(site)
    assessed = {d for d in dimensions if _dimension_status(site, d) == "assessed"}
    raw = _group_deductible(findings, assessed, profile, _barrier_rules(site, profile), _columns_by_url(site))
    deductions, taken = _take_deductions(site, profile, dimensions, raw)
    _fill_dimensions(site, profile, dimensions, assessed, taken)
    score = _overall_score(profile, assessed, taken)
    vetoes = _vetoes(site, profile, column_counts(site, profile))
    site["score"] = score
    site["verdict"] = _verdict(profile, score, vetoes)
    site["vetoes"] = vetoes
    site["deductions"] = deductions


def _barrier_rules(site: dict, profile: Profile) -> dict[tuple[bool, str, str], DeductionRule | None]:
    """The rule each barrier of the site's `accessibility` block is charged by (the first that matches its
    check and worst severity), by (needs review, check, template): a barrier's findings go with it."""
    block = site_barriers(site) or {}
    return {(part == "review", b["check"], b["template"]): profile.rule_for(b)
            for part in ("barriers", "review") for b in block.get(part) or []}


def _columns_by_url(site: dict) -> dict[str, dict]:
    """The site's `columns` block by column URL: a column finding's entry (its level) for the rules that ask."""
    return {c["url"]: c for c in site.get("columns") or [] if isinstance(c, dict) and c.get("url")}


def _rule_of(finding: dict, profile: Profile,
             barrier_rules: dict[tuple[bool, str, str], DeductionRule | None],
             columns: dict[str, dict] | None = None) -> DeductionRule | None:
    """A finding's rule; an accessibility finding under a per-barrier rule takes its barrier's rule, so a
    barrier whose pages differ in severity is charged once, by its worst."""
    rule = profile.rule_for(finding, (columns or {}).get(str(finding.get("url"))))
    if rule is None or rule.per != "barrier" or finding.get("dimension") != BARRIER_DIMENSION:
        return rule
    check_id, template = barrier_key(finding)
    return barrier_rules.get((finding.get("severity") == "info", check_id, template), rule)


def _group_deductible(findings: list[dict], assessed: set[str], profile: Profile,
                      barrier_rules: dict[tuple[bool, str, str], DeductionRule | None],
                      columns: dict[str, dict] | None = None) -> dict[tuple[str, str], dict]:
    """Deductible findings by (dimension, rule): only assessed dimensions and rules that cost points."""
    raw: dict[tuple[str, str], dict] = {}
    for finding in findings:
        dim = finding.get("dimension")
        if dim not in assessed:
            continue
        rule = _rule_of(finding, profile, barrier_rules, columns)
        if rule is None or rule.points <= 0:
            continue
        entry = raw.setdefault((dim, rule.rule), {"rule": rule, "count": 0, "checks": {}, "findings": []})
        entry["count"] += 1
        entry["findings"].append(finding)
        check_id = str(finding.get("check"))
        entry["checks"][check_id] = entry["checks"].get(check_id, 0) + 1
    return raw


def _take_deductions(site: dict, profile: Profile, dimensions: list[str],
                     raw: dict[tuple[str, str], dict]) -> tuple[list[dict], dict[str, float]]:
    """Deductions in dimension then profile rule order, so the caps bite the same rules every run;
    also the points taken per dimension."""
    order = {r.rule: i for i, r in enumerate(profile.deductions)}
    deductions: list[dict] = []
    taken: dict[str, float] = {d: 0.0 for d in dimensions}
    for (dim, _name), entry in sorted(raw.items(), key=lambda kv: (dimensions.index(kv[0][0]),
                                                                    order[kv[0][1]])):
        deductions.append(_deduction(site, profile, dim, entry, taken))
    return deductions, taken


def _deduction(site: dict, profile: Profile, dim: str, entry: dict, taken: dict[str, float]) -> dict:
    """One rule's deduction, capped by the rule and by what is left of the dimension's cap (adds to
    `taken`); its messages say which caps applied so the reader can follow the arithmetic."""
    rule: DeductionRule = entry["rule"]
    notes_zh, notes_en = [], []
    per_barrier = rule.per == "barrier" and dim == BARRIER_DIMENSION
    if per_barrier:
        wanted, barrier_zh, barrier_en = _barrier_points(site, profile, rule, entry)
    else:
        wanted = rule.points * entry["count"]
    if rule.max is not None and wanted > rule.max:
        wanted = rule.max
        notes_zh.append(f"本规则上限 {_fmt(rule.max)} 分")
        notes_en.append(f"rule capped at {_fmt(rule.max)}")
    cap = profile.cap(dim)
    room = max(0.0, cap - taken[dim])
    points = min(wanted, room)
    if points < wanted:
        notes_zh.append(f"维度上限 {_fmt(cap)} 分")
        notes_en.append(f"dimension capped at {_fmt(cap)}")
    taken[dim] += points
    checks = ", ".join(f"{c} ×{n}" for c, n in sorted(entry["checks"].items()))
    zh_note = f"（{'；'.join(notes_zh)}）" if notes_zh else ""
    en_note = f" ({'; '.join(notes_en)})" if notes_en else ""
    deduction = {
        "rule": profile.rule_id(rule.rule),
        "dimension": dim,
        "points": round(points, 2),
        "count": entry["count"],
        "message": (f"{barrier_zh}{zh_note}" if per_barrier
                    else f"{checks}，每项扣 {_fmt(rule.points)} 分{zh_note}"),
        "message_en": (f"{barrier_en}{en_note}" if per_barrier
                       else f"{checks}, {_fmt(rule.points)} points each{en_note}"),
    }
    if rule.ref:
        deduction["ref"] = rule.ref
    return deduction


def _barrier_points(site: dict, profile: Profile, rule: DeductionRule, entry: dict) -> tuple[float, str, str]:
    """Points wanted for a per-barrier rule and its zh/en messages: a barrier costs by the share of
    pages it affects, so one template fault is not charged once per page. The barriers are the site's
    `accessibility` block, grouped when the site was checked; each is charged once, by the first rule
    that matches its check and (worst) severity."""
    block = site_barriers(site) or {}
    barriers = worst_first([b for b in [*(block.get("barriers") or []), *(block.get("review") or [])]
                            if profile.rule_for(b) is rule])
    wanted = sum(rule.points * max(rule.min_share, b["share"]) for b in barriers)
    listed = barriers[:5]
    more = len(barriers) - len(listed)
    entry["checks"] = {}
    zh_list = "；".join(f"{b['check']} {b['template']} {b['pages']} 页" for b in listed)
    en_list = "; ".join(f"{b['check']} {b['template']} on {b['pages']} page(s)" for b in listed)
    zh_more = f" 等 {len(barriers)} 个" if more else ""
    en_more = f" and {more} more" if more else ""
    barrier_zh = (f"{len(barriers)} 个障碍（{zh_list}{zh_more}），每个障碍按受影响页面比例扣分，"
                  f"最多 {_fmt(rule.points)} 分")
    barrier_en = (f"{len(barriers)} barrier(s) ({en_list}{en_more}), each up to {_fmt(rule.points)} "
                  f"points by the share of pages it affects")
    return wanted, barrier_zh, barrier_en


def _fill_dimensions(site: dict, profile: Profile, dimensions: list[str], assessed: set[str],
                     taken: dict[str, float]) -> None:
    """Each dimension's block: its score out of 100 when assessed, else an explicit not-assessed
    (a dimension that could not be checked must not read as a perfect one)."""
    dims = site.setdefault("dimensions", {})
    findings = site.get("findings") or []
    for dim in dimensions:
        block = dims.setdefault(dim, {})
        if not isinstance(block, dict):
            block = dims[dim] = {}
        block.setdefault("findings", sum(1 for f in findings if f.get("dimension") == dim))
        if dim in assessed:
            block["status"] = "assessed"
            cap = profile.cap(dim)
            block["score"] = round(100.0 * (1 - taken[dim] / cap), 1) if cap > 0 else 100.0
            block["deducted"] = round(taken[dim], 2)
            block["cap"] = cap
        else:
            block["status"] = "not-assessed"
            block["score"] = None
            block.pop("deducted", None)


def _overall_score(profile: Profile, assessed: set[str], taken: dict[str, float]) -> float | None:
    """The site score over the assessed dimensions' caps only; None when nothing was assessed."""
    total_cap = sum(profile.cap(d) for d in assessed)
    if not assessed or total_cap <= 0:
        return None
    lost = sum(taken[d] for d in assessed)
    return round(100.0 * (1 - lost / total_cap), 1)


def _verdict(profile: Profile, score: float | None, vetoes: list[dict]) -> str:
    """A veto fails the site whatever its score; no score is not-assessed rather than a pass."""
    if vetoes:
        return "fail"
    if score is None:
        return "not-assessed"
    return "pass" if score >= profile.pass_mark else "fail"


def unrejudged_settings(results: dict, profile: Profile) -> list[str]:
    """What re-scoring a results.json with `profile` cannot change: thresholds the checks judged by when
    they ran that differ from the profile's. Scoring reads the checks' decisions and never re-judges, so
    a different home-page limit needs `auditcli check STORE --profile …` on the stored crawl."""
    wanted = profile.check_settings()["homepage_max_age_days"]
    used = sorted({home["max_age_days"] for site in results.get("sites") or []
                   if isinstance(home := site.get("homepage"), dict) and isinstance(home.get("max_age_days"), int)})
    if used and used != [wanted]:
        recorded = ", ".join(str(u) for u in used)
        return [f"profile {profile.name}: the home page was judged at {recorded} days when checked, not at the "
                f"profile's {wanted}; the homepage-stale veto reads that decision (run `auditcli check STORE "
                f"--profile {profile.name}` to judge again)"]
    return []


def score_results(results: dict, profile: Profile) -> dict:
    """Score every site of a results dict in place and record the profile in `run`."""
    for site in results.get("sites") or []:
        score_site(site, profile)
    run = results.setdefault("run", {})
    run["profile"] = profile.name
    run["pass_mark"] = profile.pass_mark
    return results
