"""Shared fixtures: the CLI run as a real subprocess (the Twisted reactor runs once per process)."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import CodeType
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


# -- markers: what a test starts ----------------------------------------------------------------------
# A test is marked by what its code starts: the names (and string constants) in the test function, in
# the fixtures it uses and in the tests' own helpers they call, followed through this package (never into
# auditcli). Every service marker implies `slow`, so `-m "not slow"` needs no chromium, nginx or redis.
STARTS: dict[str, frozenset[str]] = {
    "browser": frozenset({"render_pages", "render_store", "sync_playwright", "async_playwright", "--browser"}),
    "tls": frozenset({"TLSLab"}),             # nginx, one server block per lab case (tests/tlslab.py)
    "redis": frozenset({"local_redis", "--redis"}),
    "hostile": frozenset({"HostileFarm"}),
    "slow": frozenset({"run_cli", "subprocess", "DemoFarm"}),  # a process of its own, or the demo farm crawled
}
SERVICES = ("browser", "tls", "redis", "hostile")
# A test skipped without a service needs it, whatever starts it (e.g. benchmarks/act_table.run_browser).
NEEDS = {"chromium": "browser", "nginx": "tls", "redis": "redis"}
# Over 1 s by measurement (`pytest --durations=0`, two cores) while starting none of the above: the
# largest hypothesis budget (150 sites files, ~2.8 s) and the navigation gate's real-time waits (~1.3 s).
MEASURED_SLOW = frozenset({
    "tests/test_fuzz.py::test_sites_file_structures_load_or_fail_clearly",
    "tests/test_accessibility_browser.py::test_the_gate_holds_the_per_ip_limit_and_the_floor_whatever_the_options",
})


def _code_names(code: CodeType) -> set[str]:
    """The global/attribute names and string constants of `code` and of the functions nested in it."""
    names = set(code.co_names) | {const for const in code.co_consts if isinstance(const, str)}
    for const in code.co_consts:
        if isinstance(const, CodeType):
            names |= _code_names(const)
    return names


def _own(target: object) -> list[Callable]:
    """`target`'s functions if it is a function or class of the tests package, else nothing."""
    module = getattr(target, "__module__", None) or ""
    if module != "tests" and not module.startswith("tests."):
        return []
    if inspect.isclass(target):
        return [member for member in vars(target).values() if inspect.isfunction(member)]
    return [target] if inspect.isfunction(target) else []


def _reached_names(func: Callable, seen: set[Callable]) -> set[str]:
    """The names `func` (a function of the tests package) and the tests' helpers it calls use."""
    func = inspect.unwrap(getattr(func, "__func__", func))
    if func in seen or not _own(func):
        return set()
    seen.add(func)
    names = _code_names(func.__code__)
    for name in list(names):
        for helper in _own(func.__globals__.get(name)):
            names |= _reached_names(helper, seen)
    return names


def markers_for(item: pytest.Item) -> set[str]:
    """The markers `item` earns by what it starts (and by measurement)."""
    functions = [getattr(item, "obj", None)]
    for name in getattr(item, "fixturenames", ()):
        functions += [fixturedef.func for fixturedef in item._fixtureinfo.name2fixturedefs.get(name, ())]
    seen: set[Callable] = set()
    names = set().union(*(_reached_names(func, seen) for func in functions if func is not None))
    marks = {mark for mark, starters in STARTS.items() if names & starters}
    reasons = " ".join(str(skip.kwargs.get("reason", "")) for skip in item.iter_markers("skipif"))
    marks |= {mark for binary, mark in NEEDS.items() if binary in reasons}
    if marks & set(SERVICES) or item.nodeid.split("[")[0] in MEASURED_SLOW:
        marks.add("slow")
    return marks


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for mark in sorted(markers_for(item)):
            item.add_marker(mark)


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
