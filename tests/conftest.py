"""Shared fixtures: the CLI run as a real subprocess (the Twisted reactor runs once per process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEMO_AS_OF = date(2026, 11, 20)
# Polite defaults are for real servers; the demo farm is ours, on loopback.
FAST = ["--as-of", DEMO_AS_OF.isoformat(), "--delay", "0", "--per-ip", "16", "--per-host", "4", "--timeout", "2",
        "--max-size", "1000000", "--quiet"]


def run_cli(*args: str, timeout: float = 300, cwd: Path | None = None,
            env: dict[str, str] | None = None, offline: bool = False) -> subprocess.CompletedProcess:
    """Run `python -m auditcli ARGS`; `offline` runs it in a network namespace with no network at all."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200", **(env or {})}
    prefix = ["unshare", "--net"] if offline else []
    return subprocess.run([*prefix, sys.executable, "-m", "auditcli", *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=cwd or ROOT)


@contextmanager
def local_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[int]:
    """Serve `handler` on 127.0.0.1 (a free port, yielded) for the length of the block."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


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


@pytest.fixture(scope="session")
def demo_farm():
    """The bundled demo portal farm, served on 127.0.0.1 for the whole test session."""
    from auditcli.demo import DemoFarm

    with DemoFarm(as_of=DEMO_AS_OF) as farm:
        yield farm


@dataclass
class DemoAudit:
    results: dict[str, Any]
    sites: dict[str, dict[str, Any]]   # results' sites by id
    key: dict[str, Any]                # the farm's answer key, sites by id
    out: Path

    @property
    def store(self):
        from auditcli.stores.pagestore import PageStore

        return PageStore.open_existing(self.out / "crawl")


@pytest.fixture(scope="session")
def demo_audit(demo_farm, tmp_path_factory) -> DemoAudit:
    """One full `auditcli audit` of the demo farm through the CLI, shared by the end-to-end tests."""
    out = tmp_path_factory.mktemp("demo-audit")
    result = run_cli("audit", str(demo_farm.sites_file), "--out", str(out), "--format", "html,csv,junit,sarif", *FAST)
    assert result.returncode == 0, result.stderr[-3000:]
    results = json.loads((out / "results.json").read_text("utf-8"))
    return DemoAudit(results, {site["id"]: site for site in results["sites"]},
                     demo_farm.load_answer_key()["sites"], out)
