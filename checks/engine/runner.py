"""Run the selected checks over one site; a check that raises is recorded, never fatal (as in sslyze)."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from auditcli.core.models import Finding
from auditcli.core.vocabulary import DIMENSIONS, JUDGED_OUTCOMES
from auditcli.stores.results import finding_problem
from checks.engine.judged import MISSING, Judgements
from checks.engine.registry import (
    CheckOutcome,
    CheckSpec,
    page_analyses_for,
    page_findings_passes_for,
    result_blocks,
)
from checks.engine.siteview import SiteView
from checks.engine.watchdog import page_limit, site_limit, time_limit, watching

log = logging.getLogger("auditcli.checks")


@dataclass
class SiteChecks:
    findings: list[Finding] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    blocks: dict[str, Any] = field(default_factory=dict)
    outcomes: dict[str, dict[str, str]] = field(default_factory=dict)  # check id -> status (and reason)


class BadFinding(ValueError):
    """A finding that breaks the results contract: dropped, and recorded as an error of its check."""


def _prepared(spec: CheckSpec, produced: Iterable[Finding], site_out: SiteChecks) -> list[Finding]:
    """The check's findings completed from its declaration (id, dimension, severity, title, refs, fix).

    Each is held to the results contract (docs/SPEC.md §5) as it is made: one that breaks it is left out
    and recorded in `site_out.errors` as an error of its check, so one bad finding never costs the run
    its results.json."""
    kept = []
    for finding in produced:
        if not (isinstance(finding.url, str) and finding.url.startswith(("http://", "https://")) and finding.message):
            raise ValueError(f"{spec.id} produced a finding without an absolute URL or message: {finding!r}"[:300])
        if not _of_family(finding.check, spec.id):
            finding.check = spec.id  # a check family (`axe.*`) keeps each finding's own id
        finding.dimension = spec.dimension
        finding.severity = finding.severity or spec.severity
        finding.title = finding.title or spec.title.get("zh", spec.id)
        finding.title_en = finding.title_en or spec.title.get("en", spec.id)
        finding.refs = finding.refs or list(spec.refs)
        finding.fix = finding.fix or spec.fix.get("zh", "")
        finding.fingerprint = finding.compute_fingerprint()
        problem = finding_problem(finding.to_dict())
        if problem is not None:
            _error(site_out, spec.id, finding.url,
                   BadFinding(f"finding {finding.check!r} dropped, it breaks the results contract: {problem}"))
            continue
        kept.append(finding)
    return kept


def _error(out: SiteChecks, check_id: str, url: str | None, exc: BaseException) -> None:
    log.warning("check %s failed on %s: %s", check_id, url, exc)
    out.errors.append({
        "check": check_id,
        "url": url,
        "error": f"{type(exc).__name__}: {exc}",
        "trace": "".join(traceback.format_exception(exc)[-3:])[-800:],
    })


def run_site(site: SiteView, specs: list[CheckSpec]) -> SiteChecks:
    """Every selected check over one site: one page pass (page checks and page analyses on one parsed
    tree per page), then the site checks, then the results blocks. Each check ends with an outcome."""
    with watching():
        run = SiteRun(site, specs)
        run.feed(site.pages())
        return run.finish()


class SiteRun:
    """One site's checks in two steps: the page pass, fed page by page (as the crawl stores them, in the
    streaming check workers), then `finish`: the site checks and the results blocks once the crawl is done."""

    def __init__(self, site: SiteView, specs: list[CheckSpec], keep_judgements: bool = False):
        self.site = site
        self.specs = specs
        self.out = SiteChecks()
        self.page_specs = [s for s in specs if s.scope == "page"]
        self.page_findings: list[tuple[str, Finding]] = []  # (check id, finding) in page order
        self.applicable = {s.id: 0 for s in self.page_specs}
        self.failed: set[str] = set()
        self.dimensions = {s.dimension for s in specs}
        self.page_limit = page_limit()
        self.judgements = Judgements(site, keep_judgements)
        self.pass_ = site.begin_pass(page_analyses_for(self.dimensions),
                                     self._on_page if self.page_specs else None, self.judgements)

    def _on_page(self, page) -> None:
        """The page checks of one page: each taken from the page's judgement when it still holds
        (checks.engine.judged), else run with a site that notes what the check reads of it."""
        memory = self.judgements
        for spec in self.page_specs:
            found = memory.recall(spec.id)
            if found is MISSING:
                site = memory.watched()
                errors = len(self.out.errors)
                try:
                    with time_limit(self.page_limit):
                        found = _prepared(spec, spec.function(page, site) or (), self.out)
                except CheckOutcome:
                    found = None  # not applicable to this page; the check still runs on the others
                except Exception as exc:  # crash isolation: one page, one check
                    _error(self.out, spec.id, page.final_url, exc)
                    self.failed.add(spec.id)
                    memory.failed(spec.id)
                    continue
                if len(self.out.errors) == errors:
                    memory.keep(spec.id, found, site)
                else:  # a finding dropped for breaking the results contract: dropped again next time
                    memory.failed(spec.id)
            if found is not None:
                self.page_findings += [(spec.id, finding) for finding in found]
                self.applicable[spec.id] += 1

    def feed(self, pages: Iterable[Any]) -> None:
        with watching():
            for page in pages:
                self.pass_.feed(page)

    def finish(self) -> SiteChecks:
        with watching():
            return self._finish()

    def _finish(self) -> SiteChecks:
        site, out = self.site, self.out
        self.pass_.close()
        seen: set[str] = set()

        def add(findings: Iterable[Finding]) -> None:
            for finding in findings:
                if finding.fingerprint not in seen:
                    seen.add(finding.fingerprint)
                    out.findings.append(finding)

        runnable = []
        for spec in self.specs:
            missing = site.lacks(spec.needs)
            if missing:
                out.outcomes[spec.id] = _outcome("not-judged", *missing)
            else:
                runnable.append(spec)
        judged_pages = {s.id for s in runnable if s.scope == "page"}
        page_found = [finding for check_id, finding in self.page_findings if check_id in judged_pages]
        for finding_pass in page_findings_passes_for(self.dimensions):
            try:
                with time_limit(site_limit()):
                    page_found = list(finding_pass(site, page_found))
            except Exception as exc:  # the page findings stand as the pages gave them
                _error(out, f"analysis.{finding_pass.__name__}", site.config.url, exc)
        add(page_found)
        for spec in self.page_specs:
            if spec.id not in judged_pages:
                continue
            if self.applicable[spec.id]:
                out.outcomes[spec.id] = _judged(spec, out)
            elif spec.id in self.failed:
                out.outcomes[spec.id] = _outcome("error", "检查出错", "the check failed")
            else:
                out.outcomes[spec.id] = _outcome("not-applicable", "没有适用的页面", "no page it applies to")
        per_site = site_limit()
        for spec in (s for s in runnable if s.scope == "site"):
            try:
                with time_limit(per_site):
                    found = _prepared(spec, spec.function(site) or (), out)
                add(found)
                out.outcomes[spec.id] = _judged(spec, out)
            except CheckOutcome as outcome:
                out.outcomes[spec.id] = _outcome(outcome.status, outcome.reason, outcome.reason_en)
            except Exception as exc:
                _error(out, spec.id, site.config.url, exc)
                out.outcomes[spec.id] = _outcome("error", "检查出错", "the check failed")
        for name, (function, wanted_by) in result_blocks().items():
            if not set(wanted_by) & self.dimensions:
                continue
            try:
                with time_limit(per_site):
                    out.blocks[name] = function(site)
            except Exception as exc:
                _error(out, f"analysis.{name}", site.config.url, exc)
        for name, url, exc in site.analysis_errors:  # a page an analysis could not read is recorded, not hidden
            _error(out, f"analysis.{name}", url, exc)
        return out


def _outcome(status: str, reason: str, reason_en: str) -> dict[str, str]:
    return {"status": status, "reason": reason, "reason_en": reason_en}


def _of_family(check_id: str, spec_id: str) -> bool:
    """A finding id under a check family's id (`axe.region` under `axe.*`)."""
    return spec_id.endswith(".*") and check_id.startswith(spec_id[:-1])


def _judged(spec: CheckSpec, out: SiteChecks) -> dict[str, str]:
    """Failed when the check (or, for a family, any of its members) found something."""
    found = any(f.check == spec.id or _of_family(f.check, spec.id) for f in out.findings)
    return {"status": "failed" if found else "passed"}


def dimension_status(specs: list[CheckSpec], out: SiteChecks) -> dict[str, dict[str, Any]]:
    """A dimension is assessed when at least one of its checks judged the site (passed or failed)."""
    dimensions: dict[str, dict[str, Any]] = {}
    for dimension in DIMENSIONS:
        judged = [s for s in specs if s.dimension == dimension
                  and out.outcomes.get(s.id, {}).get("status") in JUDGED_OUTCOMES]
        findings = sum(1 for f in out.findings if f.dimension == dimension)
        dimensions[dimension] = {
            "score": None,
            "findings": findings,
            "status": "assessed" if judged else "not-assessed",
            "checks": len(judged),
        }
    return dimensions
