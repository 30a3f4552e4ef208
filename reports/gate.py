"""The CI gate: pass or fail a results.json on score and on new findings.

- ``fail_under``: every site must score at least N; a site that could not be assessed at all
  (score null, e.g. unreachable) fails this condition too.
- ``max_new``: at most N findings whose fingerprint is not in the baseline (only-new mode).
  With a baseline and no ``max_new``, the budget is 0: any new finding fails the gate.
  Without a baseline every finding is new. Info findings never count.
- ``fail_on_veto``: fail when any site has a veto (off by default).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from auditcli.core.vocabulary import COUNTED_SEVERITIES  # info never counts
from reports.diff import new_fingerprints


@dataclass
class GateResult:
    passed: bool
    reasons: list[str] = field(default_factory=list)
    new_findings: list = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1


def evaluate(results: dict, fail_under: float | None = None, max_new: int | None = None,
             baseline: dict | None = None, fail_on_veto: bool = False) -> GateResult:
    reasons: list[str] = []
    sites = results.get("sites") or []
    if fail_under is not None:
        for site in sites:
            score = site.get("score")
            label = site.get("id")
            if score is None:
                reasons.append(f"{label}: not assessed (no score), needs {fail_under:g}")
            elif score < fail_under:
                reasons.append(f"{label}: score {score:g} < {fail_under:g}")
    if fail_on_veto:
        for site in sites:
            for veto in site.get("vetoes") or []:
                reasons.append(f"{site.get('id')}: veto {veto.get('rule')}")

    new = [f for f in new_fingerprints(results, baseline)
           if f.get("severity", "medium") in COUNTED_SEVERITIES]
    if baseline is not None and max_new is None:
        max_new = 0
    if max_new is not None and len(new) > max_new:
        what = "new findings since the baseline" if baseline is not None else "findings"
        reasons.append(f"{len(new)} {what} (allowed {max_new})")
    return GateResult(passed=not reasons, reasons=reasons,
                      new_findings=new if (baseline is not None or max_new is not None) else [])
