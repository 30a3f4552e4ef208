"""Machine formats (CSV, JUnit XML, SARIF 2.1.0, JSON) and `write_formats`, all from results.json.

Every file is written atomically (temp file in the same directory, then os.replace).

A finding about a link target (`data.referrers`: `links.broken`) is placed where it can be fixed: on
each referring page recorded (one CSV row, one SARIF location per referrer), with the link's selector
where the check found it; the target is the CSV's `target` column and SARIF's related location. A web
page has no source line: SARIF locations carry no `startLine`, the selector is a logical location.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from auditcli.core.vocabulary import COUNTED_SEVERITIES, SEVERITIES, SEVERITY, Severity, dimensions_of
from auditcli.stores.history import HistoryStore
from reports import (
    atomic_write,
    finding_fix,
    finding_message,
    finding_refs,
    finding_title,
    json_pieces,
    localized,
)
from reports.diff import finding_key

FORMATS = ("html", "csv", "junit", "sarif", "json")
SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "auditcliFingerprint/v1"

SEVERITIES_WORST_FIRST = tuple(reversed(SEVERITIES))


def _severity(name: str | None) -> Severity:
    """The vocabulary's entry; an unknown severity is treated as medium."""
    return SEVERITY.get(name or "", SEVERITY["medium"])


FINDING_COLUMNS = ["site_id", "site_name", "check", "dimension", "severity", "url", "title",
                   "message", "selector", "evidence", "refs", "fix", "fingerprint", "target"]


class FormatError(ValueError):
    """An unknown output format."""


def parse_formats(value: str | list[str]) -> list[str]:
    items = value.split(",") if isinstance(value, str) else list(value)
    formats = [f.strip().lower() for f in items if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise FormatError(f"unknown format {unknown[0]!r} (expected: {', '.join(FORMATS)})")
    if not formats:
        raise FormatError(f"no format given (expected: {', '.join(FORMATS)})")
    return list(dict.fromkeys(formats))


# ---------------------------------------------------------------- CSV


def _cell(value: Any) -> str:
    """A CSV cell that spreadsheet programs will not run as a formula."""
    if value is None:
        return ""
    if isinstance(value, float):
        text = f"{value:g}"
    elif isinstance(value, (list, tuple)):
        text = "; ".join(str(v) for v in value)
    else:
        text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text):
        text = "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _csv(rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()


def referring_places(f: dict) -> list[tuple[str, str | None]]:
    """Where a finding is fixed: (page URL, selector or None). A finding about a link target is fixed on
    each referring page recorded (the selector only where the check found the link); any other finding
    on its own page."""
    data = f.get("data") if isinstance(f.get("data"), dict) else {}
    referrers = [str(r) for r in data.get("referrers") or [] if r]
    if not referrers:
        return [(str(f.get("url") or ""), f.get("selector"))]
    located = data.get("referrer_selector_page")
    return [(r, f.get("selector") if r == located else None) for r in referrers]


def _target(f: dict) -> str | None:
    """The broken target a referred finding is about (None for a finding on its own page)."""
    data = f.get("data") if isinstance(f.get("data"), dict) else {}
    return f.get("url") if data.get("referrers") else None


def findings_csv(results: dict, lang: str = "zh") -> str:
    """One row per finding, and per referring page for a finding about a link target."""
    rows: list[list[Any]] = [FINDING_COLUMNS]
    for site in results.get("sites") or []:
        for f in site.get("findings") or []:
            for page, selector in referring_places(f):
                rows.append([site.get("id"), site.get("name"), f.get("check"), f.get("dimension"),
                             f.get("severity"), page, finding_title(results, f, lang),
                             finding_message(results, f, lang), selector,
                             f.get("evidence"), finding_refs(results, f),
                             finding_fix(results, f, lang), f.get("fingerprint"), _target(f)])
    return _csv(rows)


def sites_csv(results: dict, lang: str = "zh") -> str:
    dimensions = dimensions_of(results)
    header = ["id", "name", "level", "parent", "url", "status", "pages", "score", "verdict",
              "vetoes", *[f"score_{d}" for d in dimensions], "findings", *SEVERITIES_WORST_FIRST,
              "not_scanned", "homepage_latest_date", "homepage_age_days",
              "stale_columns", "empty_columns"]
    rows: list[list[Any]] = [header]
    for site in results.get("sites") or []:
        findings = site.get("findings") or []
        by_sev = defaultdict(int)
        for f in findings:
            by_sev[f.get("severity")] += 1
        dims = site.get("dimensions") or {}
        vetoes = [f"{v.get('rule')}: {v.get('message_en') if lang == 'en' else v.get('message')}"
                  for v in site.get("vetoes") or []]
        columns = site.get("columns") or []
        homepage = site.get("homepage") or {}
        rows.append([
            site.get("id"), site.get("name"), site.get("level"), site.get("parent"),
            site.get("url"), site.get("status"), site.get("pages"), site.get("score"),
            site.get("verdict"), vetoes,
            *[(dims.get(d) or {}).get("score") if (dims.get(d) or {}).get("status", "assessed")
              == "assessed" else "not-assessed" for d in dimensions],
            len(findings), *[by_sev[s] for s in SEVERITIES_WORST_FIRST],
            len(site.get("not_scanned") or []), homepage.get("latest_date"),
            homepage.get("age_days"),
            sum(1 for c in columns if c.get("status") == "stale"),
            sum(1 for c in columns if c.get("status") == "empty"),
        ])
    return _csv(rows)


# ---------------------------------------------------------------- JUnit


def _catalogue(results: dict) -> dict[str, dict]:
    """Check catalogue, completed with any check that only appears in findings."""
    catalogue = dict(results.get("checks") or {})
    for site in results.get("sites") or []:
        for f in site.get("findings") or []:
            catalogue.setdefault(str(f.get("check")), {"dimension": f.get("dimension"),
                                                        "severity": f.get("severity")})
    return catalogue


def junit_xml(results: dict, lang: str = "zh", gate: Any = None) -> str:
    """A testsuite per site, a testcase per check; not-assessed dimensions are skipped.

    Without a gate every counted finding fails its check's testcase (the JUnit report is the gate).
    With one (`reports.gate.GateResult`) a first `gate` testsuite carries its verdict, and only what
    it failed on fails: the findings it blames and the verdicts of the sites it failed on score or
    veto; what it tolerates is written as system-out, so a passing gate leaves a green report."""
    catalogue = _catalogue(results)
    root = ET.Element("testsuites", name="auditcli")
    total = failures_total = 0
    if gate is not None:
        total, failures_total = 1, _junit_gate_suite(root, gate)
    for site in results.get("sites") or []:
        tests, failures = _junit_suite(root, results, site, catalogue, lang, gate)
        total += tests
        failures_total += failures
    root.set("tests", str(total))
    root.set("failures", str(failures_total))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _junit_gate_suite(root: ET.Element, gate: Any) -> int:
    """The gate's own verdict as one testcase (its reasons when it failed); returns its failures."""
    suite = ET.SubElement(root, "testsuite", name="gate", tests="1", errors="0", skipped="0",
                          failures="0" if gate.passed else "1")
    case = ET.SubElement(suite, "testcase", name="gate", classname="auditcli.gate")
    if gate.passed:
        return 0
    ET.SubElement(case, "failure", message="; ".join(gate.reasons), type="gate").text = "\n".join(gate.reasons)
    return 1


def _junit_suite(root: ET.Element, results: dict, site: dict, catalogue: dict[str, dict],
                 lang: str, gate: Any = None) -> tuple[int, int]:
    """One site's testsuite: its properties, the verdict, then every check of the catalogue (so a CI
    sees the same test names on every site); returns its tests and failures."""
    suite = ET.SubElement(root, "testsuite", name=str(site.get("id")))
    props = ET.SubElement(suite, "properties")
    for key in ("name", "url", "level", "parent", "status", "score", "verdict"):
        if site.get(key) is not None:
            ET.SubElement(props, "property", name=key, value=str(site.get(key)))
    by_check: dict[str, list[dict]] = defaultdict(list)
    for f in site.get("findings") or []:
        by_check[str(f.get("check"))].append(f)
    outcomes = [_junit_verdict_case(suite, site, lang, gate)]
    outcomes += [_junit_check_case(suite, results, site, check_id, catalogue[check_id], by_check.get(check_id, []),
                                   lang, gate) for check_id in sorted(catalogue)]
    failures = outcomes.count("failure")
    suite.set("tests", str(len(outcomes)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", str(outcomes.count("skipped")))
    return len(outcomes), failures


def _junit_verdict_case(suite: ET.Element, site: dict, lang: str, gate: Any = None) -> str:
    """The profile's verdict as a testcase: a fail names its vetoes and the score (with a gate, only
    when the gate failed on this site's score or veto). Returns the outcome."""
    case = ET.SubElement(suite, "testcase", name="verdict", classname=f"{site.get('id')}.profile")
    if site.get("verdict") == "fail":
        reasons = [f"{v.get('rule')}: {v.get('message_en') if lang == 'en' else v.get('message')}"
                   for v in site.get("vetoes") or []]
        reasons.append(f"score {site.get('score')}")
        if gate is not None and str(site.get("id")) not in gate.blamed_sites:
            ET.SubElement(case, "system-out").text = "\n".join(["verdict fail, tolerated by the gate", *reasons])
            return "pass"
        ET.SubElement(case, "failure", message="; ".join(reasons), type="verdict").text = \
            "\n".join(reasons)
        return "failure"
    if site.get("verdict") == "not-assessed":
        ET.SubElement(case, "skipped", message="not assessed")
        return "skipped"
    return "pass"


def _junit_check_case(suite: ET.Element, results: dict, site: dict, check_id: str, info: dict,
                      found: list[dict], lang: str, gate: Any = None) -> str:
    """One check as a testcase: skipped when nothing was judged (never a pass), failed by counted
    findings (with a gate: by those it blames), passed with the others (info, or tolerated by the
    gate) as system-out. Returns the outcome."""
    dim = info.get("dimension") or "other"
    case = ET.SubElement(suite, "testcase", name=check_id, classname=f"{site.get('id')}.{dim}")
    block = (site.get("dimensions") or {}).get(dim) or {}
    outcome = (site.get("outcomes") or {}).get(check_id) or {}
    if site.get("status") == "unreachable" or (block.get("status") == "not-assessed" and not found):
        ET.SubElement(case, "skipped", message="not assessed")
        return "skipped"
    if outcome.get("status") in ("not-applicable", "not-judged", "error") and not found:
        reason = outcome.get("reason_en" if lang == "en" else "reason") or ""
        ET.SubElement(case, "skipped", message=f"{outcome['status']}: {reason}".rstrip(": "))
        return "skipped"
    failing = [f for f in found if f.get("severity") in COUNTED_SEVERITIES]
    if gate is not None:
        failing = [f for f in failing if (str(site.get("id")), finding_key(f)) in gate.blamed]
    if failing:
        title = finding_title(results, failing[0], lang)
        lines = [f"{f.get('url')}: {finding_message(results, f, lang)}"
                 + (f" [{f.get('selector')}]" if f.get("selector") else "")
                 for f in failing]
        fix = finding_fix(results, failing[0], lang)
        if fix:
            lines.append(_fix_line(fix, lang))
        ET.SubElement(case, "failure", message=f"{title} ({len(failing)})",
                      type=str(failing[0].get("severity"))).text = "\n".join(lines)
        return "failure"
    if found:
        tolerated = gate is not None and any(f.get("severity") in COUNTED_SEVERITIES for f in found)
        ET.SubElement(case, "system-out").text = "\n".join(
            (["tolerated by the gate:"] if tolerated else [])
            + [f"{f.get('url')}: {finding_message(results, f, lang)}" for f in found])
    return "pass"


def _fix_line(fix: str, lang: str) -> str:
    """The how-to-fix line that JUnit failures and SARIF rule help both end with."""
    return ("How to fix: " if lang == "en" else "整改建议：") + fix


# ---------------------------------------------------------------- SARIF


def sarif_log(results: dict, lang: str = "zh") -> dict:
    """One SARIF 2.1.0 run: the check catalogue as rules, every finding as a result of its rule."""
    catalogue = _catalogue(results)
    rule_ids = sorted(catalogue)
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    rules = [_sarif_rule(rule_id, catalogue[rule_id], lang) for rule_id in rule_ids]
    origins = _SarifOrigins()
    out = [_sarif_result(results, site, f, index[str(f.get("check"))], lang, origins)
           for site in results.get("sites") or [] for f in site.get("findings") or []]
    run = results.get("run") or {}
    tool = results.get("tool") or {}
    sarif_run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "auditcli",
            "version": str(tool.get("version") or "0.1.0"),
            "informationUri": "https://github.com/auditcli/auditcli",
            "rules": rules,
        }},
        "results": out,
        "originalUriBaseIds": origins.bases,
        "columnKind": "unicodeCodePoints",
        "properties": {"profile": run.get("profile"), "as_of": run.get("as_of")},
    }
    if run.get("id"):
        sarif_run["automationDetails"] = {"id": f"auditcli/{run['id']}"}
    return {"$schema": SARIF_SCHEMA_URI, "version": "2.1.0", "runs": [sarif_run]}


def _sarif_rule(rule_id: str, info: dict, lang: str) -> dict:
    """A check as a SARIF rule: title, help with the fix and the rule references, a level, and a
    security-severity for security checks (GitHub code scanning ranks those by it)."""
    title = localized(info.get("title"), lang, rule_id)
    fix = localized(info.get("fix"), lang)
    refs = [str(r) for r in info.get("refs") or []]
    help_lines = [title]
    if fix:
        help_lines.append(_fix_line(fix, lang))
    if refs:
        help_lines.append(("References: " if lang == "en" else "依据：") + "; ".join(refs))
    severity = info.get("severity") or "medium"
    properties: dict[str, Any] = {"tags": [str(info.get("dimension") or "other")],
                                  "auditcli-dimension": info.get("dimension"),
                                  "auditcli-severity": severity}
    if info.get("dimension") == "security":
        properties["tags"] = ["security"]
        properties["security-severity"] = _severity(severity).security_severity
    return {
        "id": rule_id,
        "name": "".join(p.capitalize() for p in rule_id.replace(".", "-").split("-")),
        "shortDescription": {"text": title},
        "fullDescription": {"text": title + (f" ({'; '.join(refs)})" if refs else "")},
        "help": {"text": "\n".join(help_lines),
                 "markdown": "\n\n".join(help_lines)},
        "defaultConfiguration": {"level": _severity(severity).sarif_level},
        "properties": properties,
    }


class _SarifOrigins:
    """Page URLs as SARIF wants them: a path relative to a base id per origin (`SITE1` →
    `http://www.x.gov.cn/`, in the run's `originalUriBaseIds`). A SARIF reader resolves the full URL;
    GitHub code scanning, which accepts only paths (an `http:` location fails the upload), sees a path."""

    def __init__(self) -> None:
        self.bases: dict[str, dict[str, str]] = {}
        self._ids: dict[str, str] = {}

    def location(self, url: str) -> dict[str, str]:
        parts = urlsplit(url)
        if not parts.scheme or not parts.netloc:
            return {"uri": url}
        origin = f"{parts.scheme}://{parts.netloc}/"
        if origin not in self._ids:
            self._ids[origin] = f"SITE{len(self._ids) + 1}"
            self.bases[self._ids[origin]] = {"uri": origin}
        relative = parts.path.lstrip("/") + (f"?{parts.query}" if parts.query else "")
        return {"uri": relative or "./", "uriBaseId": self._ids[origin]}


def _sarif_result(results: dict, site: dict, f: dict, rule_index: int, lang: str, origins: _SarifOrigins) -> dict:
    """A finding as a SARIF result where it is fixed (its page, or each page referring to its broken
    target), with a fingerprint so code scanning tracks it across runs. A web page has no source line,
    so no `startLine` is made up: the element is a logical location (its CSS selector). The evidence
    (an HTML fragment, a header) is a property: a SARIF region needs a line or an offset, and a page
    fetched over HTTP has neither that means anything to its editor."""
    rule_id = str(f.get("check"))
    text = finding_message(results, f, lang) or rule_id
    if f.get("selector"):
        text += f" [{f['selector']}]"
    places = referring_places(f)
    result: dict[str, Any] = {
        "ruleId": rule_id,
        "ruleIndex": rule_index,
        "level": _severity(f.get("severity")).sarif_level,
        "message": {"text": f"{site.get('name') or site.get('id')}: {text}"},
        "locations": [_sarif_location(site, origins.location(page or str(site.get("url") or "")), selector)
                      for page, selector in places],
        "properties": {"site": site.get("id"), "dimension": f.get("dimension"),
                       "severity": f.get("severity")},
    }
    target = _target(f)
    if target:
        result["relatedLocations"] = [{"id": 1, "physicalLocation": {"artifactLocation": origins.location(str(target))},
                                       "message": {"text": "broken target" if lang == "en" else "失效目标"}}]
        result["properties"]["target"] = target
    if f.get("selector"):
        result["properties"]["selector"] = f["selector"]
    if f.get("evidence"):
        result["properties"]["evidence"] = str(f["evidence"])[:1000]
    if f.get("fingerprint"):
        result["partialFingerprints"] = {FINGERPRINT_KEY: str(f["fingerprint"])}
    return result


def _sarif_location(site: dict, page: dict[str, str], selector: str | None) -> dict:
    """A page as a SARIF location (no region: a page has no line): the site as a module and the
    element's selector, where known, as logical locations."""
    logical: list[dict[str, Any]] = [{"name": str(site.get("id")), "kind": "module"}]
    if selector:
        logical.append({"name": str(selector), "fullyQualifiedName": f"{site.get('id')}::{selector}",
                        "kind": "element"})
    return {"physicalLocation": {"artifactLocation": page}, "logicalLocations": logical}


# ---------------------------------------------------------------- all formats


def write_formats(results: dict, out_dir: Path, formats: list[str], lang: str = "zh",
                  history: Any = None, gate: Any = None) -> list[Path]:
    """Write the requested formats into out_dir; returns the files written.

    `history` is a HistoryStore, a path to one, or a {site_id: trend} dict (for the HTML trends);
    `gate` the run's `reports.gate.GateResult`, when a gate was asked for (for the JUnit report).
    """
    out_dir = Path(out_dir)
    written: list[Path] = []
    for fmt in parse_formats(formats):
        if fmt == "html":
            from reports.html import render_html
            trends, lifecycle = _history_views(results, history)
            written.append(atomic_write(out_dir / "report.html",
                                        render_html(results, lang, trends, lifecycle)))
        elif fmt == "csv":
            written.append(atomic_write(out_dir / "findings.csv",
                                        findings_csv(results, lang), encoding="utf-8-sig"))
            written.append(atomic_write(out_dir / "sites.csv",
                                        sites_csv(results, lang), encoding="utf-8-sig"))
        elif fmt == "junit":
            written.append(atomic_write(out_dir / "junit.xml", junit_xml(results, lang, gate)))
        elif fmt == "sarif":
            written.append(atomic_write(out_dir / "results.sarif", json_pieces(sarif_log(results, lang), indent=1)))
        elif fmt == "json":
            written.append(atomic_write(out_dir / "results.json", json_pieces(results, indent=1)))
    return written


def _history_views(results: dict, history: Any) -> tuple[dict[str, list[dict]] | None, dict[str, dict] | None]:
    """Score trends and finding lifecycles (new / regressed / persisting / fixed) from the history store."""
    if history is None:
        return None, None
    if isinstance(history, dict):
        return history, None
    store = history if isinstance(history, HistoryStore) else HistoryStore(history)
    return {site["id"]: store.trend(site["id"]) for site in results.get("sites") or []}, store.lifecycle(results)
