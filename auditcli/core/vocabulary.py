"""The one vocabulary every stage reads: severities, dimensions, check outcomes and veto kinds.

Adding a severity or a dimension is a change here (or one `register_dimension` call in a plugin)
plus its checks: the registry, the runner, results.json, scoring, the HTML report, CSV, JUnit and
SARIF all read these tables. Reports re-rendered from a results.json also read the `dimensions`
catalogue written into it, so a plugin's dimension survives a `report` run without the plugin.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from auditcli.core.knowledge import load


@dataclass(frozen=True)
class Severity:
    name: str
    rank: int                   # 0 is the worst: reports sort by it
    sarif_level: str            # SARIF result.level
    security_severity: str      # GitHub code scanning's CVSS-like ranking of security alerts
    counts: bool                # counts for the gate's new-finding budget, JUnit failures and deductions
    label: dict[str, str] = field(default_factory=dict)


SEVERITY_TABLE: tuple[Severity, ...] = (
    Severity("critical", 0, "error", "9.0", True, {"zh": "严重", "en": "Critical"}),
    Severity("high", 1, "error", "7.5", True, {"zh": "高", "en": "High"}),
    Severity("medium", 2, "warning", "5.0", True, {"zh": "中", "en": "Medium"}),
    Severity("low", 3, "note", "3.0", True, {"zh": "低", "en": "Low"}),
    Severity("info", 4, "note", "0.0", False, {"zh": "提示", "en": "Info"}),
)
SEVERITY = {s.name: s for s in SEVERITY_TABLE}
SEVERITIES = tuple(s.name for s in sorted(SEVERITY_TABLE, key=lambda s: -s.rank))  # info … critical
COUNTED_SEVERITIES = tuple(s.name for s in SEVERITY_TABLE if s.counts)


def severity_rank(name: str | None) -> int:
    """Sort key, worst first; an unknown severity sorts last."""
    found = SEVERITY.get(name or "")
    return found.rank if found else len(SEVERITY_TABLE)


@dataclass(frozen=True)
class Dimension:
    name: str
    title: dict[str, str]
    cap: float = 0.0  # points a profile that does not name the dimension lets it take off the score


DIMENSION_TABLE: dict[str, Dimension] = {d.name: d for d in (
    Dimension("freshness", {"zh": "更新", "en": "Freshness"}),
    Dimension("columns", {"zh": "栏目", "en": "Columns"}),
    Dimension("languages", {"zh": "语言版本", "en": "Languages"}),
    Dimension("accessibility", {"zh": "无障碍", "en": "Accessibility"}),
    Dimension("security", {"zh": "安全", "en": "Security"}),
    Dimension("content", {"zh": "内容安全", "en": "Content safety"}),
    Dimension("links", {"zh": "链接", "en": "Links"}),
    Dimension("identity", {"zh": "标识", "en": "Identity"}),
    Dimension("interaction", {"zh": "互动", "en": "Interaction"}),
    Dimension("service", {"zh": "办事服务", "en": "Services"}),
)}
# The names in report order. A list, not a tuple: `register_dimension` extends it in place, so every
# module that imported it sees a plugin's dimension.
DIMENSIONS: list[str] = list(DIMENSION_TABLE)


def register_dimension(name: str, title: dict[str, str], cap: float = 0.0) -> Dimension:
    """Add a dimension (from a check plugin). Registering the same dimension again is a no-op."""
    if not name or not name.replace("-", "").replace("_", "").isalnum() or name != name.lower():
        raise ValueError(f"dimension name {name!r}: lower-case letters, digits, - and _ only")
    if name in DIMENSION_TABLE:
        return DIMENSION_TABLE[name]
    dimension = Dimension(name, {"zh": title.get("zh") or name, "en": title.get("en") or name}, float(cap))
    DIMENSION_TABLE[name] = dimension
    DIMENSIONS.append(name)
    return dimension


def dimension_catalogue() -> dict[str, dict[str, Any]]:
    """What results.json records of the dimensions, so renderers need no plugin to show them."""
    return {d.name: {"title": dict(d.title), "cap": d.cap} for d in DIMENSION_TABLE.values()}


def dimensions_of(results: dict[str, Any]) -> list[str]:
    """The dimensions a results.json speaks of: the vocabulary's, then any only its catalogue knows."""
    names = list(DIMENSIONS)
    for name in (results.get("dimensions") or {}):
        if name not in names:
            names.append(name)
    return names


def dimension_title(results: dict[str, Any], name: str, lang: str) -> str:
    entry = (results.get("dimensions") or {}).get(name) or {}
    title = entry.get("title") or (DIMENSION_TABLE[name].title if name in DIMENSION_TABLE else {})
    return title.get(lang) or title.get("zh") or name


# How a check ended on a site. `failed` has findings; the last three judged nothing.
OUTCOMES = ("passed", "failed", "not-applicable", "not-judged", "error")
JUDGED_OUTCOMES = ("passed", "failed")

# Veto kinds of a scoring profile (国办秘函〔2019〕19号 单项否决), with the settings each takes beyond
# `enabled` and `ref`, and the national checklist's value of each when a profile leaves it out.
VETO_SETTINGS: dict[str, dict[str, type]] = {
    "unreachable": {"probe_days": int, "probes_per_day": int, "failure_percent": int},
    "homepage-stale": {"max_age_days": int},
    "stale-key-columns": {"threshold": int},
    "stale-columns": {"threshold": int},
    "empty-columns": {"threshold": int},
    "interaction": {"checks": list},
    "serious-error": {"checks": list, "severity": list},
    "privacy-leak": {"checks": list, "severity": list},
    "service": {"threshold": int, "no_service_levels": list},
}
VETO_DEFAULTS: dict[str, dict[str, Any]] = {
    # 站点无法访问: "监测1周，每天间隔一定时间访问20次以上，超过（含）5%的次数无法访问" (auditcli.core.availability)
    "unreachable": {"probe_days": 7, "probes_per_day": 20, "failure_percent": 5},
    "homepage-stale": {"max_age_days": load("columns")["homepage_max_age_days"]},
    "stale-key-columns": {"threshold": 5},
    "stale-columns": {"threshold": 10},
    "empty-columns": {"threshold": 5},
    "interaction": {"checks": ["interaction.no-channel", "interaction.reply-overdue"]},
    # 严重错误: links to gambling/porn sites hidden in the page (暗链: a hijacked or tampered site)
    "serious-error": {"checks": ["content.hidden-link"], "severity": ["critical"]},
    # 泄密: personal data published unmasked; the checklist names it among 严重问题, a profile decides
    "privacy-leak": {"checks": ["privacy.*"], "severity": ["critical", "high"]},
    # 服务不实用: 办事指南要素缺失 counted over the site's guides (the official count could not be confirmed:
    # five, as the 2015 普查 counted), or no service at all on a site of a level that should offer it (the
    # `service` block's `no_service`: no guide, no service entry, no link to a 政务服务网)
    "service": {"threshold": 5, "no_service_levels": ["county"]},
}
VETO_KINDS = tuple(VETO_SETTINGS)
# columns.thin without a profile's `thin_columns`: category -> {min_items, window_days} (auditcli defaults)
THIN_DEFAULTS: dict[str, dict[str, int]] = load("columns")["thin_columns"]

LEVELS = ("county", "township", "department")

# Why a URL was not fetched (the crawl's `not_scanned` reasons), as the checks and reports say it (zh, en).
NOT_FETCHED_REASONS = {
    "timeout": ("请求超时", "timed out"),
    "connection-refused": ("连接被拒绝", "connection refused"),
    "connection-error": ("连接错误", "connection error"),
    "dns-error": ("域名解析失败", "DNS lookup failed"),
    "tls-error": ("TLS握手失败", "TLS handshake failed"),
    "redirect-loop": ("重定向循环", "redirect loop"),
    "too-many-redirects": ("重定向次数过多", "too many redirects"),
    "soft-404": ("软404：页面不存在却返回200", "soft 404: a not-found page answered with 200"),
}
