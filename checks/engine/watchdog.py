"""A time limit on each check call, so a check stuck on a pathological page cannot hang an audit.

The limit is watched by a ticking SIGALRM timer (POSIX, main thread only; elsewhere the call simply
runs unbounded): a check still running past its deadline at a tick raises CheckTimeout, which the
runner records in the site's `errors` like any other crash, and the audit goes on. Pure-Python loops
are always interrupted; a single call into C (one huge regex match, one lxml parse) is interrupted
when it returns.
`AUDITCLI_CHECK_TIME_LIMIT` (seconds, per page-check call; site checks get ten times as much)
overrides the default.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

PAGE_LIMIT = 30.0   # seconds one check may spend on one page
SITE_FACTOR = 10    # a site check (or a site analysis) may take this many times as long


class CheckTimeout(Exception):
    """A check ran past its time limit and was stopped."""


def page_limit() -> float:
    try:
        return float(os.environ.get("AUDITCLI_CHECK_TIME_LIMIT", PAGE_LIMIT))
    except ValueError:
        return PAGE_LIMIT


def site_limit() -> float:
    return page_limit() * SITE_FACTOR


TICK = 0.1  # seconds between the watchdog's looks at the clock while a site is being checked


@dataclass
class _Limit:
    deadline: float  # on the monotonic clock
    seconds: float
    fired: bool = False  # each limit fires once, as a one-shot timer would


_limits: list[_Limit] = []  # the limits in force, innermost last
_watching = False


def _can_watch() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _look(signum, frame) -> None:
    now = time.monotonic()
    for limit in _limits:
        if not limit.fired and now >= limit.deadline:
            limit.fired = True
            raise CheckTimeout(f"stopped after {limit.seconds:g} s (time limit per check)")


@contextmanager
def watching() -> Iterator[None]:
    """Keep a ticking watchdog for the duration of a site's checks. Inside it a `time_limit` costs a list
    append: checks run some fifty calls a page, and arming a timer for each took a tenth of the check time."""
    global _watching
    if _watching or not _can_watch():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _look)
    signal.setitimer(signal.ITIMER_REAL, TICK, TICK)
    _watching = True
    try:
        yield
    finally:
        _watching = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Stop the enclosed call after `seconds` (within one TICK). Outside `watching()` the watchdog ticks
    for this call alone."""
    if seconds <= 0 or not _can_watch():
        yield
        return
    depth = len(_limits)
    with watching():
        _limits.append(_Limit(time.monotonic() + seconds, seconds))
        try:
            yield
        finally:
            del _limits[depth:]  # this limit, and any an interrupted inner one left behind
