"""A time limit on each check call, so a check stuck on a pathological page cannot hang an audit.

The limit is a SIGALRM timer (POSIX, main thread only; elsewhere the call simply runs unbounded):
a check still running when it fires raises CheckTimeout, which the runner records in the site's
`errors` like any other crash, and the audit goes on. Pure-Python loops are always interrupted;
a single call into C (one huge regex match, one lxml parse) is interrupted when it returns.
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


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    if (seconds <= 0 or not hasattr(signal, "setitimer")
            or threading.current_thread() is not threading.main_thread()):
        yield
        return

    def expired(signum, frame):
        raise CheckTimeout(f"stopped after {seconds:g} s (time limit per check)")

    outer, _ = signal.getitimer(signal.ITIMER_REAL)  # a site check's limit around a page analysis's
    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, min(seconds, outer) if outer > 0 else seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer > 0:  # the enclosing limit goes on with what is left of it
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 0.001))
