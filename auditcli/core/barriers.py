"""Barriers: findings of one rule on one template element, however many pages repeat it.

A broken header logo on 500 pages is one barrier with 500 instances. Findings are grouped by check
and *template selector* (the CSS selector with element positions dropped, or the check's own
`data.template`); the barrier carries the number and share of the site's pages it affects and a few
example pages. results.json keeps the barriers of the accessibility dimension in the site's
`accessibility` block; scoring deducts per barrier, by severity and share of pages (reports/scoring.py).
"""

from __future__ import annotations

import re
from typing import Any

from auditcli.core.vocabulary import SEVERITIES

POSITIONS = re.compile(r":nth-(?:of-type|child)\(\d+\)")
EXAMPLES = 3


def template_of(finding: dict[str, Any]) -> str:
    data = finding.get("data") or {}
    if isinstance(data, dict) and data.get("template"):
        return str(data["template"])
    selector = finding.get("selector") or finding.get("locator") or ""
    return POSITIONS.sub("", str(selector))


def barrier_key(finding: dict[str, Any]) -> tuple[str, str]:
    return str(finding.get("check", "")), template_of(finding)


def from_browser(finding: dict[str, Any]) -> bool:
    data = finding.get("data") or {}
    return isinstance(data, dict) and data.get("source") == "axe-core"


def group_barriers(findings: list[dict[str, Any]], pages: int, rendered: int = 0) -> list[dict[str, Any]]:
    """Barriers of `findings` (dicts as in results.json), worst first: severity, then share of pages.

    A barrier seen only in browser mode is measured against the pages rendered (`rendered`, a sample
    covering every template), not against every page crawled."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for finding in findings:
        key = barrier_key(finding)
        entry = groups.get(key)
        if entry is None:
            entry = groups[key] = {
                "check": key[0], "template": key[1], "severity": finding.get("severity"),
                "title": finding.get("title"), "title_en": finding.get("title_en"),
                "selector": finding.get("selector"), "evidence": finding.get("evidence"),
                "instances": 0, "urls": [], "refs": list(finding.get("refs") or []), "browser_only": True,
            }
            data = finding.get("data") or {}
            for part in ("why", "fix"):
                if isinstance(data, dict) and isinstance(data.get(part), dict):
                    entry[part] = dict(data[part])  # {"zh": ..., "en": ...}
        entry["instances"] += 1
        entry["browser_only"] = entry["browser_only"] and from_browser(finding)
        url = finding.get("url")
        if url and url not in entry["urls"]:
            entry["urls"].append(url)
        if _rank(finding.get("severity")) < _rank(entry["severity"]):
            entry["severity"] = finding.get("severity")
    out = []
    for entry in groups.values():
        urls = entry.pop("urls")
        affected = len(urls)
        entry["pages"] = affected
        base = rendered if entry.pop("browser_only") and rendered > 0 else pages
        entry["share"] = round(min(1.0, affected / base), 4) if base > 0 else 1.0
        entry["of_pages"] = base
        entry["examples"] = urls[:EXAMPLES]
        out.append(entry)
    out.sort(key=lambda b: (_rank(b["severity"]), -b["share"], b["check"], b["template"]))
    return out


def _rank(severity: Any) -> int:
    """Smaller is worse (SEVERITIES runs from info up to critical)."""
    return -SEVERITIES.index(severity) if severity in SEVERITIES else 1
