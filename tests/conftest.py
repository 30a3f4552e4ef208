"""Shared fixtures: the CLI run as a real subprocess (the Twisted reactor runs once per process)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str, timeout: float = 300, cwd: Path | None = None,
            env: dict[str, str] | None = None, offline: bool = False) -> subprocess.CompletedProcess:
    """Run `python -m auditcli ARGS`; `offline` runs it in a network namespace with no network at all."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200", **(env or {})}
    prefix = ["unshare", "--net"] if offline else []
    return subprocess.run([*prefix, sys.executable, "-m", "auditcli", *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=cwd or ROOT)


def can_run_offline() -> bool:
    """True where `unshare --net` works (root, or user namespaces allowed)."""
    try:
        return subprocess.run(["unshare", "--net", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture(autouse=True, scope="session")
def private_history_store(tmp_path_factory):
    """Audits record history by default: keep the tests' runs out of the user's own store."""
    path = tmp_path_factory.mktemp("history") / "history.sqlite"
    previous = os.environ.get("AUDITCLI_HISTORY")
    os.environ["AUDITCLI_HISTORY"] = str(path)
    yield path
    if previous is None:
        os.environ.pop("AUDITCLI_HISTORY", None)
    else:
        os.environ["AUDITCLI_HISTORY"] = previous
