"""Barriers: findings of one rule on one template element, however many pages repeat it.

A broken header logo on 500 pages is one barrier with 500 instances. Findings are grouped by check
and *template selector* (the CSS selector with element positions dropped, or the check's own
`data.template`); the barrier carries the number and share of the site's pages it affects and a few
example pages. The barriers are grouped once, when the site is checked, into results.json's
`accessibility` block (`accessibility_block`); scoring (per-barrier deductions, by severity and share
of pages) and the HTML report read that block (`site_barriers`) and never group again.
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
    return worst_first(out)


def worst_first(barriers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Barriers by severity, then share of pages, then rule and template (a stable order for reports)."""
    return sorted(barriers, key=lambda b: (_rank(b["severity"]), -b["share"], b["check"], b["template"]))


def accessibility_block(findings: list[dict[str, Any]], pages: int, rendered: int = 0) -> dict[str, Any]:
    """The site's accessibility barriers (rule + template element, with page counts and example pages);
    info results (axe's "needs review", the 适老化 entry) are listed apart under `review`."""
    mine = [f for f in findings if f.get("dimension") == "accessibility"]
    return {
        "pages": pages,
        "barriers": group_barriers([f for f in mine if f.get("severity") != "info"], pages, rendered),
        "review": group_barriers([f for f in mine if f.get("severity") == "info"], pages, rendered),
    }


def site_barriers(site: dict[str, Any]) -> dict[str, Any] | None:
    """The results.json site's `accessibility` block, the one grouping its readers use. A results file
    written without it (none of this version's runs) gets it built here once, by the same function,
    from its findings; None when the site has no accessibility findings and no block."""
    block = site.get("accessibility")
    if isinstance(block, dict):
        return block
    findings = site.get("findings") or []
    if not any(f.get("dimension") == "accessibility" for f in findings):
        return None
    return accessibility_block(findings, int(site.get("pages") or 0))


def _rank(severity: Any) -> int:
    """Smaller is worse (SEVERITIES runs from info up to critical)."""
    return -SEVERITIES.index(severity) if severity in SEVERITIES else 1
