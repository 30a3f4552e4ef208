"""A child process of an audit (a check worker, a TLS scan) ends when the audit's process dies.

`kill -9` of an audit (the OOM killer, `timeout -s KILL` around a cron job) gives its children no
chance to be told: a check worker would wait forever on a queue nobody fills, orphaned to init, and a
nightly job killed every night would pile them up. A direct child asks the kernel for SIGKILL when
its parent dies (Linux, prctl PR_SET_PDEATHSIG); a check worker's parent is multiprocessing's
forkserver, which outlives the audit while workers hold its pipe, so a worker watches the audit's
own process instead.
"""

from __future__ import annotations

import ctypes
import os
import signal
import threading
import time

PR_SET_PDEATHSIG = 1
WATCH_INTERVAL = 1.0  # seconds between two looks at the audit's process


def die_with(audit_pid: int | None = None) -> None:
    """Called first thing in a child process: end it when `audit_pid` (default: its parent) ends."""
    parent = os.getppid()
    if audit_pid is None or audit_pid == parent:
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0:
                if os.getppid() != parent:  # the parent died before the kernel was asked
                    os._exit(1)
                return
        except (OSError, AttributeError):  # not Linux: watch instead
            pass
    threading.Thread(target=_watch, args=(audit_pid or parent,), daemon=True, name="audit-watch").start()


def _watch(pid: int) -> None:
    while _running(pid):
        time.sleep(WATCH_INTERVAL)
    os._exit(1)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's (a reused number): not ours to judge
        return True
    return True
