"""The CI gate: pass or fail a results.json on score, on new findings and on chosen checks.

- ``fail_under``: every site must score at least N; a site that could not be assessed at all
  (score null, e.g. unreachable) fails this condition too.
- ``max_new``: at most N findings whose fingerprint is not in the baseline (only-new mode).
  With a baseline and no ``max_new``, the budget is 0: any new finding fails the gate.
  Without a baseline every finding is new. Info findings never count.
- ``fail_on_veto``: fail when any site has a veto (off by default).
- ``fail_on``: fail when any finding of these checks exists: a check id, an id prefix (``links.``,
  ``a11y.*``) or a dimension, as ``--only`` takes them. Info findings never count.

`GateResult.blamed` names the findings that made the gate fail and `blamed_sites` the sites failed on
score or veto, so a JUnit report can fail exactly those and leave what a passing gate tolerates green.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from auditcli.core.vocabulary import COUNTED_SEVERITIES  # info never counts
from reports.diff import finding_key, new_fingerprints


@dataclass
class GateResult:
    passed: bool
    reasons: list[str] = field(default_factory=list)
    new_findings: list = field(default_factory=list)
    blamed: set[tuple[str, str]] = field(default_factory=set)  # (site id, fingerprint) the gate failed on
    blamed_sites: set[str] = field(default_factory=set)  # sites failed on score or veto

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1


def has_condition(fail_under: float | None = None, max_new: int | None = None, baseline: dict | None = None,
                  fail_on_veto: bool = False, fail_on: list[str] | None = None) -> bool:
    """Whether any gate condition is set: without one a gate always passes."""
    return fail_under is not None or max_new is not None or baseline is not None or fail_on_veto or bool(fail_on)


def matches(finding: dict, patterns: list[str]) -> bool:
    """A finding of a check the patterns name: its id, its dimension, or an id prefix ending in `.` or `*`."""
    check, dimension = str(finding.get("check") or ""), finding.get("dimension")
    if not dimension and "." in check:
        dimension = check.split(".", 1)[0]
    return any(p in (check, dimension) or (p.endswith(".") and check.startswith(p))
               or (p.endswith("*") and check.startswith(p[:-1])) for p in patterns)


def evaluate(results: dict, fail_under: float | None = None, max_new: int | None = None,
             baseline: dict | None = None, fail_on_veto: bool = False,
             fail_on: list[str] | None = None) -> GateResult:
    reasons: list[str] = []
    blamed: set[tuple[str, str]] = set()
    blamed_sites: set[str] = set()
    sites = results.get("sites") or []
    if fail_under is not None:
        for site in sites:
            score = site.get("score")
            label = site.get("id")
            if score is None:
                reasons.append(f"{label}: not assessed (no score), needs {fail_under:g}")
                blamed_sites.add(str(label))
            elif score < fail_under:
                reasons.append(f"{label}: score {score:g} < {fail_under:g}")
                blamed_sites.add(str(label))
    if fail_on_veto:
        for site in sites:
            for veto in site.get("vetoes") or []:
                reasons.append(f"{site.get('id')}: veto {veto.get('rule')}")
                blamed_sites.add(str(site.get("id")))
    if fail_on:
        hits = [(site, f) for site in sites for f in site.get("findings") or []
                if f.get("severity", "medium") in COUNTED_SEVERITIES and matches(f, fail_on)]
        if hits:
            reasons.append(f"{len(hits)} finding(s) of --fail-on {', '.join(fail_on)}")
            blamed |= {(str(site.get("id")), finding_key(f)) for site, f in hits}

    new = [f for f in new_fingerprints(results, baseline)
           if f.get("severity", "medium") in COUNTED_SEVERITIES]
    if baseline is not None and max_new is None:
        max_new = 0
    if max_new is not None and len(new) > max_new:
        what = "new findings since the baseline" if baseline is not None else "findings"
        reasons.append(f"{len(new)} {what} (allowed {max_new})")
        blamed |= {(str(f["site_id"]), finding_key(f)) for f in new}
    return GateResult(passed=not reasons, reasons=reasons,
                      new_findings=new if (baseline is not None or max_new is not None) else [],
                      blamed=blamed, blamed_sites=blamed_sites)
