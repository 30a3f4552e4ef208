"""Real crawls of the demo farm: pages, not_scanned reasons, GBK, robots, scope, depth and page limits."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from auditcli.stores.pagestore import PageStore
from auditcli.stores.results import validate
from tests.conftest import DEMO_AS_OF, FAST, local_server

AS_OF = DEMO_AS_OF.isoformat()


@pytest.fixture(scope="module")
def farm(demo_farm):
    return demo_farm


@pytest.fixture(scope="module")
def audited(demo_audit):
    """(results, store, answer key, out dir) of the session's demo audit."""
    return demo_audit.results, demo_audit.store, {"sites": demo_audit.key}, demo_audit.out


def sites_by_id(results):
    return {site["id"]: site for site in results["sites"]}


def test_results_validate_against_the_shipped_schema(audited):
    results, _, _, out = audited
    validate(results)
    assert results["schema"] == "auditcli.results/v1" and results["run"]["as_of"] == AS_OF
    assert {s["id"] for s in results["sites"]} == {"county", "dept-edu", "town-a", "town-b", "dept-fgw", "dept-wjw",
                                                   "town-c", "town-d", "town-e"}  # the last three: the county tree's branches
    assert not list(out.glob(".results.json.*")), "no temp files left behind by the atomic write"


def test_every_planted_unscannable_page_has_its_reason(audited):
    results, _, key, _ = audited
    for site_id, site in sites_by_id(results).items():
        recorded = {entry["url"]: entry["reason"] for entry in site["not_scanned"]}
        for url, reason in (key["sites"][site_id].get("not_scanned") or {}).items():
            assert recorded.get(url) == reason, f"{site_id}: {url} expected {reason}, got {recorded.get(url)}"


def test_blocked_is_not_unreachable(audited):
    results, _, _, _ = audited
    sites = sites_by_id(results)
    assert sites["county"]["status"] == "partial"  # 403/429/timeouts inside an otherwise working site
    assert all(sites[s]["status"] == "ok" for s in ("town-a", "town-b", "dept-fgw", "dept-edu"))


def test_robots_txt_is_obeyed(audited):
    _, store, _, _ = audited
    fetched = {url for url, *_ in store.fetch_statuses("county")}
    assert not any("/private/" in url for url in fetched)


def test_gbk_site_is_decoded(audited):
    _, store, key, _ = audited
    home = store.page("town-b", key["sites"]["town-b"]["url"])
    assert home is not None and home.status == 200
    with pytest.raises(UnicodeDecodeError):
        home.body.decode("utf-8")
    assert "乙镇人民政府" in home.text
    assert "\ufffd" not in home.text


def test_column_tree_site_stays_in_its_path_prefix(audited):
    results, store, _, _ = audited
    site = sites_by_id(results)["dept-edu"]
    prefix = site["url"]
    pages = [url for url, final, status, kind in store.fetch_statuses("dept-edu") if kind == "page"]
    assert pages and all(url.startswith(prefix) for url in pages)
    out_of_scope = [e for e in site["not_scanned"] if e["reason"] == "out-of-scope"]
    assert out_of_scope and not any(e["url"].startswith(prefix) for e in out_of_scope)


def test_attachments_are_checked_with_head(audited):
    _, store, key, _ = audited
    attachments = {url: status for url, final, status, kind in store.fetch_statuses("county") if kind == "attachment"}
    for url in key["sites"]["county"]["broken_links"]["ok_attachments"]:
        assert attachments.get(url) == 200
    pdf = next(u for u in attachments if u.endswith("report.pdf"))
    assert attachments[pdf] == 404


def test_hanweb_datastore_items_are_crawled(audited):
    _, store, _, _ = audited
    articles = [url for url, *_ in store.fetch_statuses("town-a") if "/art/" in url]
    assert len(articles) >= 5, "links inside <script type=text/xml> CDATA records must be followed"


def test_pages_carry_timing_headers_and_referrer(audited):
    _, store, _, _ = audited
    page = next(p for p in store.pages("county") if p.depth == 1 and p.status == 200)
    assert page.elapsed is not None and page.elapsed >= 0
    assert page.referrer and page.headers.get("server")


def test_check_store_reproduces_audit_offline(audited, tmp_path):
    from tests.conftest import can_run_offline, run_cli

    results, _, _, out = audited
    if not can_run_offline():
        pytest.skip("`unshare --net` is not permitted here, so offline cannot be proven")
    # In a network namespace of its own there is no network at all, not even loopback.
    rerun = run_cli("check", str(out / "crawl"), "--out", str(tmp_path), "--format", "json", "--quiet", offline=True)
    assert rerun.returncode == 0, rerun.stderr
    again = json.loads((tmp_path / "results.json").read_text("utf-8"))

    def essence(res):
        return {s["id"]: (s["status"], s["pages"], s["score"], sorted(f["fingerprint"] for f in s["findings"]),
                          s["columns"], s["not_scanned"]) for s in res["sites"]}

    assert essence(again) == essence(results)


def crawl(cli, tmp_path: Path, *args: str) -> PageStore:
    result = cli("crawl", *args, "--out", str(tmp_path), *FAST)
    assert result.returncode == 0, result.stderr
    return PageStore.open_existing(tmp_path)


def test_max_depth_zero_audits_exactly_the_given_urls(farm, cli, tmp_path):
    county = farm.urls["county"]
    second = farm.urls["town-a"]
    store = crawl(cli, tmp_path, county, second, "--max-depth", "0")
    fetched = [(site["id"], [u for u, *_ in store.fetch_statuses(site["id"])]) for site in store.sites()]
    assert [urls for _, urls in fetched] == [[county], [second]]
    reasons = {e.reason for e in store.not_scanned(fetched[0][0])}
    assert reasons == {"max-depth"}


def test_max_pages_limits_each_site(farm, cli, tmp_path):
    store = crawl(cli, tmp_path, str(farm.sites_file), "--max-pages", "5")
    for site in store.sites():
        assert store.count_pages(site["id"], kind="page") <= 5
    assert any(e.reason == "max-pages" for e in store.not_scanned("county"))


def test_ignore_robots_fetches_disallowed_pages(farm, cli, tmp_path):
    store = crawl(cli, tmp_path, farm.urls["county"], "--ignore-robots", "--max-depth", "1")
    assert any("/private/" in url for url, *_ in store.fetch_statuses(store.sites()[0]["id"]))


def test_unreachable_site_exits_3(cli, tmp_path):
    result = cli("audit", "http://127.0.0.1:9/", "--out", str(tmp_path), *FAST)
    assert result.returncode == 3
    results = json.loads((tmp_path / "results.json").read_text("utf-8"))
    site = results["sites"][0]
    assert site["status"] == "unreachable" and site["score"] is None
    assert site["not_scanned"][0]["reason"] == "connection-refused"


class _CountingHandler(BaseHTTPRequestHandler):
    """Answers slowly and records the most requests it ever had in flight."""

    lock = threading.Lock()
    in_flight = 0
    peak = 0

    def do_GET(self):
        cls = type(self)
        with cls.lock:
            cls.in_flight += 1
            cls.peak = max(cls.peak, cls.in_flight)
        try:
            time.sleep(0.15)
            links = "".join(f'<a href="/p{i}.html">p{i}</a>' for i in range(12)) if self.path in ("/", "/index.html") else ""
            body = f"<html><body>{links}</body></html>".encode()
            self.send_response(404 if self.path == "/robots.txt" else 200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        finally:
            with cls.lock:
                cls.in_flight -= 1

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("per_ip,bound", [(2, 2), (8, None)])
def test_per_ip_limit_spans_hosts_on_one_server(cli, tmp_path, per_ip, bound):
    """127.0.0.1 and localhost are two hosts on one IP: --per-ip caps them together."""
    _CountingHandler.peak = 0
    with local_server(_CountingHandler) as port:
        args = [f"http://127.0.0.1:{port}/", f"http://localhost:{port}/", "--per-host", "4", "--per-ip", str(per_ip),
                "--delay", "0", "--quiet", "--out", str(tmp_path)]
        result = cli("crawl", *args)
        assert result.returncode == 0, result.stderr
    if bound is not None:
        assert _CountingHandler.peak <= bound
    else:
        assert _CountingHandler.peak > 2, "without a tight per-IP limit both hosts' slots run in parallel"


def test_a_check_that_raises_loses_no_other_findings(audited, tmp_path):
    from tests.conftest import run_cli

    results, _, _, out = audited
    rerun = run_cli("check", str(out / "crawl"), "--out", str(tmp_path), "--format", "json", "--quiet",
                    env={"AUDITCLI_PLUGINS": "tests.plugins.crashing_checks"})
    assert rerun.returncode == 0, rerun.stderr
    again = sites_by_id(json.loads((tmp_path / "results.json").read_text("utf-8")))
    for site_id, before in sites_by_id(results).items():
        if before["status"] == "unreachable":
            continue  # the dead township: no check ran, none could raise
        after = again[site_id]
        old = {f["fingerprint"] for f in before["findings"]}
        new = {f["fingerprint"] for f in after["findings"] if not f["check"].startswith("plugin.")}
        assert new == old, f"{site_id}: findings changed when a plugin check crashed"
        assert any(f["check"] == "plugin.reports-home" for f in after["findings"])
        failed = {e["check"] for e in after["errors"]}
        assert {"plugin.always-raises", "plugin.site-raises", "plugin.bad-finding"} <= failed
        assert all("planted" in e["error"] or "without an absolute URL" in e["error"]
                   or "breaks the results contract" in e["error"]
                   for e in after["errors"] if e["check"].startswith("plugin."))


def test_interrupted_crawl_resumes_where_it_stopped(farm, cli, tmp_path):
    """Kill a crawl mid-way (as a power cut would), resume it, and get the same pages as an unbroken crawl."""
    import os
    import signal
    import sqlite3
    import subprocess
    import sys

    from tests.conftest import ROOT

    full = crawl(cli, tmp_path / "full", farm.urls["county"])
    expected = {url for url, *_ in full.fetch_statuses(full.sites()[0]["id"])}

    out = tmp_path / "interrupted"
    slow = [a if a != "16" else "1" for a in FAST]  # --per-ip 1: slow enough to interrupt
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "auditcli", "crawl", farm.urls["county"], "--out", str(out),
                                *slow, "--per-host", "1", "--delay", "0.02"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    database = out / "pages.sqlite"
    deadline = time.time() + 60
    fetched_before = 0
    while time.time() < deadline and process.poll() is None:
        time.sleep(0.2)
        if database.exists():
            try:
                with sqlite3.connect(database) as db:
                    fetched_before = db.execute("SELECT COUNT(*) FROM pages").fetchone()[0]
            except sqlite3.OperationalError:
                continue
            if fetched_before >= 50:
                process.send_signal(signal.SIGKILL)
                killed_at = time.time()
                break
    process.wait(timeout=30)
    assert 50 <= fetched_before < len(expected), "the crawl must be interrupted part-way"

    resumed = crawl(cli, out, farm.urls["county"], "--resume")
    site_id = resumed.sites()[0]["id"]
    got = [url for url, *_ in resumed.fetch_statuses(site_id)]
    assert len(got) == len(set(got))
    assert set(got) == expected
    kept = resumed.db.execute("SELECT COUNT(*) FROM pages WHERE fetched_at < ?", (killed_at,)).fetchone()[0]
    assert kept >= fetched_before, "pages fetched before the interruption are kept, not fetched again"


def test_a_site_whose_checking_fails_as_a_whole_loses_no_other_site(audited, tmp_path, monkeypatch):
    from auditcli.app.orchestrate import CheckOptions, check_store
    from reports import scoring

    results, _, _, out = audited
    real = scoring.score_site

    def score_or_fail(site, profile):
        if site["id"] == "town-b":
            raise RuntimeError("planted scoring failure")
        real(site, profile)

    monkeypatch.setattr(scoring, "score_site", score_or_fail)
    again = check_store(out / "crawl", CheckOptions(as_of=DEMO_AS_OF))
    validate(again)
    sites = sites_by_id(again)
    assert sites["town-b"]["errors"][0]["check"] == "auditcli.site" and sites["town-b"]["score"] is None
    before = sites_by_id(results)
    for site_id in ("county", "town-a", "dept-fgw", "dept-edu"):
        assert sites[site_id]["score"] == before[site_id]["score"]


class _RedirectingPortal(BaseHTTPRequestHandler):
    """http://localhost:P/ answers 301 to http://127.0.0.1:P/ (as x.gov.cn -> www.x.gov.cn does)."""

    def do_GET(self):
        port = self.server.server_address[1]
        if self.headers.get("Host", "").startswith("localhost"):
            self.send_response(301)
            self.send_header("Location", f"http://127.0.0.1:{port}{self.path}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        links = "".join(f'<a href="/tzgg/t2026111{i}_{i}.html">通知{i}</a>' for i in range(3))
        known = self.path == "/" or self.path.startswith("/tzgg/")  # anything else is a real 404 (no soft 404)
        body = (f"<html><body>{links}</body></html>" if self.path in ("/", "/robots.txt") else
                f"<html><body>正文 {self.path}</body></html>").encode()
        self.send_response(200 if known else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_start_page_redirecting_to_another_host_brings_that_host_into_scope(cli, tmp_path):
    with local_server(_RedirectingPortal) as port:
        result = cli("audit", f"http://localhost:{port}/", "--out", str(tmp_path), "--only", "links",
                     "--format", "json", "--no-history", *FAST)
    assert result.returncode == 0, result.stderr
    (site,) = json.loads((tmp_path / "results.json").read_text("utf-8"))["sites"]
    assert site["status"] == "ok" and site["pages"] == 4
    assert not [e for e in site["not_scanned"] if e["reason"] == "out-of-scope"]


class _Closed(BaseHTTPRequestHandler):
    """A portal that refuses the auditor: 403 on the home page, or robots.txt disallowing everything."""

    robots = "User-agent: *\nDisallow:\n"

    def do_GET(self):
        if self.path == "/robots.txt":
            body, status = self.robots.encode(), 200
        else:
            body, status = "<html><body>禁止访问</body></html>".encode(), 403
        self.send_response(status)
        self.send_header("Content-Type", "text/plain" if self.path == "/robots.txt" else "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("robots", ["User-agent: *\nDisallow:\n", "User-agent: *\nDisallow: /\n"])
def test_a_site_whose_start_page_is_blocked_is_not_assessed_never_a_perfect_score(cli, tmp_path, robots):
    with local_server(type("Closed", (_Closed,), {"robots": robots})) as port:
        result = cli("audit", f"http://127.0.0.1:{port}/", "--out", str(tmp_path),
                     "--format", "json", "--no-history", *FAST)
    assert result.returncode == 3, result.stderr
    (site,) = json.loads((tmp_path / "results.json").read_text("utf-8"))["sites"]
    assert site["score"] is None and site["verdict"] == "not-assessed"
    assert all(d["status"] == "not-assessed" for d in site["dimensions"].values())
    assert site["not_scanned"][0]["reason"] == ("robots" if "Disallow: /" in robots else "http-403")


def test_ctrl_c_stops_the_audit_without_results_and_resume_finishes_it(farm, cli, tmp_path):
    """An interrupted crawl must not be judged as if it were the whole site (exit 130, nothing written)."""
    import os
    import signal
    import sqlite3
    import subprocess
    import sys

    from tests.conftest import ROOT

    out = tmp_path / "audit"
    slow = [a if a != "16" else "1" for a in FAST]
    args = ["audit", farm.urls["county"], "--out", str(out), "--format", "json", "--no-history",
            *slow, "--per-host", "1", "--delay", "0.02"]
    process = subprocess.Popen([sys.executable, "-m", "auditcli", *args], env={**os.environ, "PYTHONPATH": str(ROOT)},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    database = out / "crawl" / "pages.sqlite"
    deadline = time.time() + 60
    while time.time() < deadline and process.poll() is None:
        time.sleep(0.2)
        try:
            with sqlite3.connect(database) as db:
                if db.execute("SELECT COUNT(*) FROM pages").fetchone()[0] >= 50:
                    process.send_signal(signal.SIGINT)
                    break
        except sqlite3.OperationalError:
            continue
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "--resume" in stderr and not (out / "results.json").exists()
    refused = cli("check", str(out / "crawl"), "--out", str(tmp_path / "check"), "--no-history")
    assert refused.returncode == 2 and "did not finish" in refused.stderr
    finished = cli(*args, "--resume")
    assert finished.returncode == 0, finished.stderr
    (site,) = json.loads((out / "results.json").read_text("utf-8"))["sites"]
    assert site["status"] == "partial" and site["pages"] > 100


def _descendants(pid: int) -> set[int]:
    """Every process below `pid` now (from /proc)."""
    found, stack = set(), [pid]
    while stack:
        current = stack.pop()
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                children = [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
            found.update(children)
            stack += children
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its exit status waits to be read


def test_a_killed_audit_leaves_no_process_running(farm, tmp_path):
    """kill -9 of an audit's main process mid-crawl (the OOM killer, timeout -s KILL): its forkserver, check
    workers and TLS scans end within seconds instead of waiting forever, orphaned, on their queues."""
    import os
    import signal
    import sqlite3
    import subprocess
    import sys

    from tests.conftest import ROOT

    out = tmp_path / "audit"
    slow = [a if a != "16" else "1" for a in FAST]
    process = subprocess.Popen([sys.executable, "-m", "auditcli", "audit", farm.urls["county"], "--out", str(out),
                                "--format", "json", "--no-history", *slow, "--per-host", "1", "--delay", "0.05",
                                "--check-workers", "2"],
                               env={**os.environ, "PYTHONPATH": str(ROOT)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    children: set[int] = set()
    deadline = time.time() + 60
    while time.time() < deadline and process.poll() is None:
        time.sleep(0.2)
        children |= _descendants(process.pid)
        try:
            with sqlite3.connect(out / "crawl" / "pages.sqlite") as db:
                stored = db.execute("SELECT COUNT(*) FROM pages").fetchone()[0]
        except sqlite3.OperationalError:
            continue
        if stored >= 30 and len(children) >= 3:  # the forkserver and its two check workers at least
            break
    assert process.poll() is None, "the audit ended before it could be killed"
    children |= _descendants(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait()
    survivors = children
    for _ in range(50):
        survivors = {pid for pid in survivors if _alive(pid)}
        if not survivors:
            break
        time.sleep(0.2)
    assert not survivors, f"processes of the killed audit still running: {sorted(survivors)}"
