"""Run the selected checks over one site; a check that raises is recorded, never fatal (as in sslyze)."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from auditcli.models import DIMENSIONS, Finding
from checks.registry import CheckOutcome, CheckSpec, get_analyzer
from checks.siteview import SiteView

log = logging.getLogger("auditcli.checks")
RESULT_BLOCKS = {"homepage": dict, "columns": list, "languages": list, "counts": dict}


@dataclass
class SiteChecks:
    findings: list[Finding] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    ran: set[str] = field(default_factory=set)
    blocks: dict[str, Any] = field(default_factory=dict)
    outcomes: dict[str, dict[str, str]] = field(default_factory=dict)  # check id -> status, reason


def _collect(spec: CheckSpec, produced: Iterable[Finding], out: SiteChecks, seen: set[str]) -> None:
    for finding in produced:
        if not (isinstance(finding.url, str) and finding.url.startswith(("http://", "https://")) and finding.message):
            raise ValueError(f"{spec.id} produced a finding without an absolute URL or message: {finding!r}"[:300])
        finding.check = spec.id
        finding.dimension = spec.dimension
        finding.severity = finding.severity or spec.severity
        finding.title = finding.title or spec.title.get("zh", spec.id)
        finding.title_en = finding.title_en or spec.title.get("en", spec.id)
        finding.refs = finding.refs or list(spec.refs)
        finding.fix = finding.fix or spec.fix.get("zh", "")
        finding.fingerprint = finding.compute_fingerprint()
        if finding.fingerprint in seen:
            continue
        seen.add(finding.fingerprint)
        out.findings.append(finding)


def _error(out: SiteChecks, check_id: str, url: str | None, exc: BaseException) -> None:
    log.warning("check %s failed on %s: %s", check_id, url, exc)
    out.errors.append({
        "check": check_id,
        "url": url,
        "error": f"{type(exc).__name__}: {exc}",
        "trace": "".join(traceback.format_exception(exc)[-3:])[-800:],
    })


def run_site(site: SiteView, specs: list[CheckSpec]) -> SiteChecks:
    out = SiteChecks()
    seen: set[str] = set()
    page_specs = [s for s in specs if s.scope == "page"]
    if page_specs:
        for page in site.pages():
            for spec in page_specs:
                try:
                    _collect(spec, list(spec.function(page, site) or ()), out, seen)
                except CheckOutcome:
                    pass  # not applicable to this page; the check still ran on the others
                except Exception as exc:  # crash isolation: one page, one check
                    _error(out, spec.id, page.final_url, exc)
            page.release()
        out.ran.update(s.id for s in page_specs)
    for spec in (s for s in specs if s.scope == "site"):
        try:
            _collect(spec, list(spec.function(site) or ()), out, seen)
            out.ran.add(spec.id)
        except CheckOutcome as outcome:
            out.outcomes[spec.id] = {"status": outcome.status, "reason": outcome.reason,
                                     "reason_en": outcome.reason_en}
        except Exception as exc:
            _error(out, spec.id, site.config.url, exc)
    dimensions_run = {s.dimension for s in specs}
    for name, kind in RESULT_BLOCKS.items():
        function = get_analyzer(name)
        if function is None:
            continue
        try:
            value = site.analysis(name)
        except Exception as exc:
            _error(out, f"analysis.{name}", site.config.url, exc)
            continue
        if isinstance(value, kind) and _block_wanted(name, dimensions_run):
            out.blocks[name] = value
    return out


def _block_wanted(name: str, dimensions_run: set[str]) -> bool:
    needs = {"homepage": {"freshness"}, "columns": {"freshness", "columns"}, "languages": {"languages"},
             "counts": {"freshness", "columns"}}
    return bool(needs[name] & dimensions_run)


def dimension_status(specs: list[CheckSpec], out: SiteChecks) -> dict[str, dict[str, Any]]:
    dimensions: dict[str, dict[str, Any]] = {}
    for dimension in DIMENSIONS:
        ran = [s for s in specs if s.dimension == dimension and s.id in out.ran]
        findings = sum(1 for f in out.findings if f.dimension == dimension)
        dimensions[dimension] = {
            "score": None,
            "findings": findings,
            "status": "assessed" if ran else "not-assessed",
            "checks": len(ran),
        }
    return dimensions
