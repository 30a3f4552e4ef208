"""Fleet scale on the demo farm. One machine: sites judged in worker processes as their crawls end give
the results of judging after the crawl. Distributed: a real redis-server on 127.0.0.1, `audit --redis`
and `auditcli worker`s; two workers must give the results of a single-process audit, and so must two
workers one of which is killed (SIGKILL) in the middle of the crawl: its leased requests come back.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from auditcli.demo.redis_server import local_redis, redis_server_binary
from tests.conftest import DEMO_AS_OF, FAST, ROOT, run_cli

REDIS = redis_server_binary()
needs_redis = pytest.mark.skipif(REDIS is None, reason="redis-server is not installed")
# a longer timeout than FAST's 2 s (the slow demo page still times out at 5 s): two crawls compared under load
OPTIONS = [*FAST, "--timeout", "3.5", "--no-history", "--format", "json", "--check-workers", "1"]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    if REDIS is None:
        pytest.skip("redis-server is not installed")
    with local_redis(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(scope="module")
def farm():
    from auditcli.demo import DemoFarm

    with DemoFarm(as_of=DEMO_AS_OF) as running:
        yield running


@pytest.fixture(scope="module")
def single(farm, tmp_path_factory):
    out = tmp_path_factory.mktemp("single")
    result = run_cli("audit", str(farm.sites_file), "--out", str(out), *OPTIONS, "--check-workers", "0")
    assert result.returncode == 0, result.stderr
    return comparable(out / "results.json")


def comparable(path: Path) -> dict:
    """What must not depend on who fetched what: per site its status, pages, score, findings, columns
    and skipped URLs (not the order things were found in, nor timings)."""
    results = json.loads(path.read_text("utf-8"))
    return {site["id"]: {
        "status": site["status"], "pages": site["pages"], "score": site["score"], "verdict": site["verdict"],
        "findings": sorted((f["check"], f["url"], f.get("locator") or "", f["severity"]) for f in site["findings"]),
        "columns": sorted((c["name"], c["url"], c["status"], c.get("latest_date") or "") for c in site["columns"]),
        "not_scanned": sorted((n["url"], n["reason"]) for n in site["not_scanned"]),
        "errors": sorted(e["check"] for e in site["errors"]),
    } for site in results["sites"]}


def start(*args: str, ignoring_ctrl_c: bool = False) -> subprocess.Popen:
    """`auditcli ARGS` in the background; `ignoring_ctrl_c`: with SIGINT ignored, as a script's background
    job (`cmd &`) starts it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    ignore = (lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if ignoring_ctrl_c else None
    return subprocess.Popen([sys.executable, "-m", "auditcli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT, preexec_fn=ignore)


def finish(process: subprocess.Popen, timeout: float = 120) -> tuple[int, str]:
    _, stderr = process.communicate(timeout=timeout)
    return process.returncode, stderr


def test_sites_judged_while_others_crawl_give_the_same_results(farm, single, tmp_path):
    result = run_cli("audit", str(farm.sites_file), "--out", str(tmp_path), *OPTIONS,
                     "--check-workers", "2", "--active-sites", "1")
    assert result.returncode == 0, result.stderr
    assert comparable(tmp_path / "results.json") == single
    # the first sites were finished (and handed to the check workers) before the last ones were fetched
    from auditcli.stores.pagestore import PageStore

    store = PageStore.open_existing(tmp_path / "crawl")
    finished = dict(store.db.execute("SELECT id, finished_at FROM sites"))
    last_fetch = store.db.execute("SELECT MAX(fetched_at) FROM pages").fetchone()[0]
    store.close()
    assert min(finished.values()) < last_fetch, finished


@needs_redis
def test_two_workers_give_the_single_process_results(farm, single, redis_url, tmp_path):
    coordinator = start("audit", str(farm.sites_file), "--out", str(tmp_path), *OPTIONS,
                        "--redis", redis_url, "--job", "two")
    workers = [start("worker", "--redis", redis_url, "--job", "two", "--quiet") for _ in range(2)]
    code, stderr = finish(coordinator)
    assert code == 0, stderr
    for worker in workers:
        code, stderr = finish(worker, 30)
        assert code == 0, stderr
    assert comparable(tmp_path / "results.json") == single
    import redis

    client = redis.Redis.from_url(redis_url)
    assert client.get("auditcli:two:state") == b"done"
    assert client.llen("auditcli:two:items") == 0 and client.zcard("auditcli:two:leases") == 0
    handled = len(client.smembers("auditcli:two:done"))
    assert handled > 300  # every request of the farm answered once (robots.txt aside)
    # each audited server's robots.txt, shared (the farm also serves dept-lyj, which no sites file lists)
    assert client.hlen("auditcli:two:robots") >= len(farm.base_urls) - 1


@needs_redis
def test_a_worker_killed_mid_crawl_loses_nothing(farm, single, redis_url, tmp_path):
    import redis

    client = redis.Redis.from_url(redis_url)
    coordinator = start("audit", str(farm.sites_file), "--out", str(tmp_path), *OPTIONS,
                        "--redis", redis_url, "--job", "kill", "--lease", "3")
    doomed = start("worker", "--redis", redis_url, "--job", "kill", "--quiet")
    deadline = time.monotonic() + 60
    while client.scard("auditcli:kill:done") < 40:  # the crawl is well under way
        assert time.monotonic() < deadline, "the first worker never got going"
        time.sleep(0.05)
    survivor = start("worker", "--redis", redis_url, "--job", "kill", "--quiet")
    time.sleep(0.5)
    held = client.hgetall("auditcli:kill:owners")
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(10)
    code, stderr = finish(coordinator)
    assert code == 0, stderr
    code, stderr = finish(survivor, 30)
    assert code == 0, stderr
    assert comparable(tmp_path / "results.json") == single
    # what the killed worker held was fetched again by the survivor
    assert held, "the killed worker held no request: kill it earlier"
    assert all(client.sismember("auditcli:kill:done", lease) for lease in held)


@needs_redis
def test_a_stopped_coordinator_resumes_the_job(farm, single, redis_url, tmp_path):
    import redis

    client = redis.Redis.from_url(redis_url)
    args = ["audit", str(farm.sites_file), "--out", str(tmp_path), *OPTIONS, "--redis", redis_url, "--job", "resume"]
    coordinator = start(*args, ignoring_ctrl_c=True)  # stopped all the same, as a single-machine crawl is
    worker = start("worker", "--redis", redis_url, "--job", "resume", "--quiet")
    deadline = time.monotonic() + 60
    while client.scard("auditcli:resume:done") < 40:
        assert time.monotonic() < deadline, "the worker never got going"
        time.sleep(0.05)
    coordinator.send_signal(signal.SIGINT)  # Ctrl-C: the job stays in Redis, the worker goes on
    code, stderr = finish(coordinator, 60)
    assert code == 130, stderr
    assert client.get("auditcli:resume:state") == b"crawling"
    code, stderr = finish(start(*args, "--resume"))
    assert code == 0, stderr
    code, stderr = finish(worker, 30)
    assert code == 0, stderr
    assert comparable(tmp_path / "results.json") == single
