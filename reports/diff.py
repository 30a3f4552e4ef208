"""Compare two results: new, persisting, fixed and regressed findings, and score changes.

A finding is identified by its fingerprint within its site. "Regressed" needs history: a
fingerprint absent from OLD that was present in a run recorded before OLD was fixed once and has
come back in NEW.

A site of OLD that NEW did not audit (a re-check of some sites, `audit --site ID`) is left out of the
comparison and named in `left_out`: nothing was looked at there, so none of its findings is "fixed".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from auditcli.stores.history import HistoryError, run_key


@dataclass
class SiteDiff:
    site_id: str
    name: str
    old_score: float | None
    new_score: float | None
    old_verdict: str | None
    new_verdict: str | None
    new: list[dict] = field(default_factory=list)
    persisting: list[dict] = field(default_factory=list)
    fixed: list[dict] = field(default_factory=list)
    regressed: list[dict] = field(default_factory=list)
    status: str = "both"  # both | added (not in OLD); sites not in NEW are DiffResult.left_out

    @property
    def score_delta(self) -> float | None:
        if self.old_score is None or self.new_score is None:
            return None
        return round(self.new_score - self.old_score, 1)

    def to_dict(self) -> dict:
        def brief(items: list[dict]) -> list[dict]:
            return [{k: f.get(k) for k in ("fingerprint", "check", "severity", "url", "message")}
                    for f in items]
        return {
            "site_id": self.site_id, "name": self.name, "status": self.status,
            "old_score": self.old_score, "new_score": self.new_score,
            "score_delta": self.score_delta,
            "old_verdict": self.old_verdict, "new_verdict": self.new_verdict,
            "counts": {"new": len(self.new), "regressed": len(self.regressed),
                       "persisting": len(self.persisting), "fixed": len(self.fixed)},
            "new": brief(self.new), "regressed": brief(self.regressed),
            "persisting": brief(self.persisting), "fixed": brief(self.fixed),
        }


@dataclass
class DiffResult:
    old_run: str | None
    new_run: str | None
    sites: list[SiteDiff]
    history_used: bool = False
    left_out: list[str] = field(default_factory=list)  # sites of OLD that NEW did not audit

    def totals(self) -> dict[str, int]:
        keys = ("new", "regressed", "persisting", "fixed")
        return {k: sum(len(getattr(s, k)) for s in self.sites) for k in keys}

    def to_dict(self) -> dict:
        return {"old_run": self.old_run, "new_run": self.new_run,
                "history_used": self.history_used, "totals": self.totals(), "left_out": self.left_out,
                "sites": [s.to_dict() for s in self.sites]}


def finding_key(finding: dict) -> str:
    """A finding's identity within its site: its fingerprint (older results: check, url and selector)."""
    return str(finding.get("fingerprint") or f"{finding.get('check')}|{finding.get('url')}|{finding.get('selector')}")


def _by_fingerprint(site: dict | None) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for f in (site or {}).get("findings") or []:
        out.setdefault(finding_key(f), f)
    return out


def _earlier_fingerprints(history: Any, site_id: str, old_results: dict,
                          new_results: dict) -> set[str]:
    """Fingerprints seen in recorded runs older than OLD (the runs of OLD and NEW excluded)."""
    old_run, new_run = run_key(old_results), run_key(new_results)
    old_at = (old_results.get("run") or {}).get("started_at")
    try:
        runs = history.fingerprint_history(site_id)
    except HistoryError:
        return set()
    seen: set[str] = set()
    for run in runs:
        if run.run_id in (old_run, new_run):
            if run.run_id == old_run:
                break  # runs are oldest first: anything after OLD is not "earlier"
            continue
        if old_at and run.started_at and run.started_at >= old_at:
            continue
        seen |= run.fingerprints
    return seen


def diff_results(old: dict, new: dict, history: Any = None) -> DiffResult:
    """Diff two results dicts; `history` (a HistoryStore) enables "regressed"."""
    old_sites = {s["id"]: s for s in old.get("sites") or []}
    new_sites = {s["id"]: s for s in new.get("sites") or []}
    out: list[SiteDiff] = []
    for site_id in new_sites:
        o, n = old_sites.get(site_id), new_sites.get(site_id)
        before, after = _by_fingerprint(o), _by_fingerprint(n)
        earlier = _earlier_fingerprints(history, site_id, old, new) if history is not None \
            else set()
        entry = SiteDiff(
            site_id=site_id, name=str((n or o or {}).get("name") or site_id),
            old_score=(o or {}).get("score"), new_score=(n or {}).get("score"),
            old_verdict=(o or {}).get("verdict"), new_verdict=(n or {}).get("verdict"),
            status="both" if o else "added",
        )
        for fp, finding in after.items():
            if fp in before:
                entry.persisting.append(finding)
            elif fp in earlier:
                entry.regressed.append(finding)
            else:
                entry.new.append(finding)
        entry.fixed = [f for fp, f in before.items() if fp not in after]
        out.append(entry)
    return DiffResult(old_run=(old.get("run") or {}).get("id"),
                      new_run=(new.get("run") or {}).get("id"), sites=out,
                      history_used=history is not None,
                      left_out=[site_id for site_id in old_sites if site_id not in new_sites])


def new_fingerprints(results: dict, baseline: dict | None) -> list[dict]:
    """Findings of `results` whose fingerprint the baseline does not have (per site)."""
    base = {s["id"]: _by_fingerprint(s) for s in (baseline or {}).get("sites") or []}
    out = []
    for site in results.get("sites") or []:
        known = base.get(site["id"], {})
        for fp, finding in _by_fingerprint(site).items():
            if fp not in known:
                out.append({**finding, "site_id": site["id"]})
    return out
