"""Availability over a week, as inspectors measure it (国办秘函〔2019〕19号, 单项否决 站点无法访问):

    "监测1周，每天间隔一定时间访问20次以上，超过（含）5%的次数无法访问"

Read faithfully: a week of monitoring is the 7 calendar days before the audit day (`--as-of`), China
Standard Time (UTC+8, where the checklist's days are); *each* of those days needs at least 20 probes
("每天…20次以上": 以上 includes the number); the share is taken over the whole week, and a week whose
failures reach 5 % ("超过（含）": at or over) is unreachable. A week that does not meet the day counts
cannot be judged this way: the audit's own visit decides, as it did before probes existed (the
"single-visit" rule), and the site's `availability` block says which rule decided and why.

Pure functions over counts: the history store counts the probes (auditcli.stores.history), the
orchestrator decides here once per site, scoring reads the recorded decision.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

CHINA_TIME = timezone(timedelta(hours=8), "CST")  # the checklist's calendar days; no daylight saving


@dataclass(frozen=True)
class ProbeRule:
    """The official rule's numbers (the profile's `vetoes.unreachable` settings may change them)."""

    days: int = 7
    per_day: int = 20
    failure_percent: int = 5

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None) -> ProbeRule:
        s = settings or {}
        return cls(days=int(s.get("probe_days", cls.days)), per_day=int(s.get("probes_per_day", cls.per_day)),
                    failure_percent=int(s.get("failure_percent", cls.failure_percent)))


def probe_day(moment: datetime) -> str:
    """The calendar day (China time) a probe made at `moment` counts for."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CHINA_TIME).date().isoformat()


def window(as_of: date, rule: ProbeRule) -> tuple[date, date]:
    """The monitored week: the `rule.days` whole days before the audit day (the audit day itself is
    still under way, so it could never have its 20 probes when the audit runs)."""
    return as_of - timedelta(days=rule.days), as_of - timedelta(days=1)


def judge(days: Mapping[str, tuple[int, int]] | None, as_of: date, crawl_unreachable: bool,
          rule: ProbeRule) -> dict[str, Any]:
    """The site's `availability` block: {rule, probes, failures, days, unreachable, window, reason}.

    `days` maps each day (YYYY-MM-DD) to (probes, failures) counted over the window; None when the run
    has no history store to read. `crawl_unreachable`: the audit's own visit found the site unreachable."""
    first, last = window(as_of, rule)
    wanted = [(first + timedelta(days=i)).isoformat() for i in range(rule.days)]
    counts = {day: tuple((days or {}).get(day, (0, 0))) for day in wanted}
    probes = sum(n for n, _ in counts.values())
    failures = sum(f for _, f in counts.values())
    full_days = sum(1 for n, _ in counts.values() if n >= rule.per_day)
    block: dict[str, Any] = {
        "probes": probes, "failures": failures, "days": full_days,
        "window": {"from": first.isoformat(), "to": last.isoformat()},
        "needed": {"days": rule.days, "per_day": rule.per_day, "failure_percent": rule.failure_percent},
    }
    if days is not None and full_days == rule.days and probes > 0:
        # failures / probes >= percent / 100, in whole numbers (no float edge at exactly 5 %)
        block.update(rule="probes", unreachable=failures * 100 >= rule.failure_percent * probes)
        return block
    if probes == 0:  # with --no-history as with a store that has none: the same results either way
        reason = "no probes recorded in the week"
    else:
        short = rule.days - full_days
        reason = f"{short} of the {rule.days} days have fewer than {rule.per_day} probes"
    block.update(rule="single-visit", unreachable=crawl_unreachable, reason=reason)
    return block


def share(block: Mapping[str, Any]) -> float | None:
    """The week's failure share in percent, or None without probes."""
    probes = block.get("probes") or 0
    return 100.0 * (block.get("failures") or 0) / probes if probes else None
