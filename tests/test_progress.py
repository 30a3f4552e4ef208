"""The run's progress as a user watches it (issue 25, item 6): each site queued, crawling (pages found),
judged with its score, its clock stopped when done; "checked" lines as sites are judged; a summary line;
Ctrl-C acknowledged at once; without a terminal, one line per site judged."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler

from rich.console import Console

from auditcli.app.progress import SiteDisplay, summary_line
from tests.conftest import DEMO_AS_OF, FAST, ROOT, local_server, run_cli

LOUD = [arg for arg in FAST if arg != "--quiet"]


def state(display: SiteDisplay, site_id: str):
    assert display.progress is not None
    return display.progress.tasks[display.tasks[site_id]]


def test_each_site_line_goes_queued_crawling_judged_and_its_clock_stops():
    screen = io.StringIO()
    with SiteDisplay(["county", "town-a"], console=Console(file=screen, force_terminal=True, width=120),
                     live=True) as display:
        assert state(display, "county").fields["state"] == "queued" and not state(display, "county").started
        for n in range(3):
            display.page("county", f"http://www.example.gov.cn/{n}.html", 200)
        county = state(display, "county")
        assert county.fields["state"] == "crawling: 3 pages found"  # what was found, not the --max-pages cap
        assert county.started and state(display, "town-a").fields["state"] == "queued"
        display.crawl_done("county")
        stopped = state(display, "county").elapsed
        time.sleep(0.05)
        assert state(display, "county").elapsed == stopped  # a finished site's clock stands still
        assert state(display, "county").fields["state"] == "crawled 3 pages, judging…"
        site = {"status": "ok", "pages": 3, "findings": [{}, {}], "score": 72.5, "verdict": "pass"}
        display.site_judged("county", site, 0.4)
        display.site_judged("county", site, 0.4)  # reported again by the end of the run: shown once
        assert state(display, "county").fields["state"] == "judged: score 72.5 (pass), 3 pages"
        display.site_judged("town-a", {"status": "unreachable", "pages": 0, "findings": [], "score": None,
                                       "verdict": "not-assessed"})
        assert state(display, "town-a").finished_time is None and state(display, "town-a").stop_time is not None
    printed = screen.getvalue()
    assert printed.count("checked county: ok, 3 pages, 2 findings, score 72.5 (pass)") == 1
    assert "checked town-a: unreachable, 0 pages, 0 findings, score not assessed" in printed


def test_summary_line_counts_failing_vetoed_and_says_where_the_report_is(tmp_path):
    results = {"sites": [{"verdict": "fail", "vetoes": [{"rule": "x"}]}, {"verdict": "fail", "vetoes": []},
                         {"verdict": "pass", "vetoes": []}, {"verdict": "not-assessed", "vetoes": []}]}
    assert summary_line(results, tmp_path / "report.html") == (
        f"audited 4 sites: 2 failing, 1 with a veto, 1 not assessed; report: {tmp_path / 'report.html'}")


def test_without_a_terminal_one_line_per_site_judged_as_judged_and_a_summary(demo_farm, tmp_path):
    out = tmp_path / "out"
    run = run_cli("audit", str(demo_farm.sites_file), "--out", str(out), "--format", "html", *LOUD)
    assert run.returncode == 0, run.stderr[-2000:]
    lines = run.stderr.splitlines()
    checked = [line for line in lines if line.startswith("checked ")]
    site_ids = [line.split()[1].rstrip(":") for line in checked]
    assert sorted(site_ids) == sorted(demo_farm.load_answer_key()["sites"])  # each site once
    assert not any("responses so far" in line or "crawling:" in line for line in lines)
    # streaming check workers: the sites crawled first are judged (and said so) while the others crawl
    crawl_end = next(k for k, line in enumerate(lines) if re.search(r"crawled \d+ sites", line))
    assert lines.index(checked[0]) < crawl_end
    summary = run.stdout.strip().splitlines()[-1]
    # the six sites and the county tree's three branches (dead, parked, zombie: each vetoed)
    assert summary == f"audited 9 sites: 6 failing, 6 with a veto; report: {out / 'report.html'}"


class SlowPortal(BaseHTTPRequestHandler):
    """A portal whose every page takes half a second and links to the next one: a crawl that lasts."""

    def do_GET(self) -> None:  # noqa: N802
        time.sleep(0.5)
        n = int(re.sub(r"\D", "", self.path) or 0)
        body = (f"<html><head><title>第{n}页</title></head><body><ul class='list'>"
                + "".join(f"<li><a href='/info/{n * 5 + k + 1}.html'>信息 {n * 5 + k + 1}</a>"
                          f"<span>2026-11-{(k % 9) + 10}</span></li>" for k in range(5))
                + "</ul></body></html>").encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def test_ctrl_c_is_acknowledged_at_once(tmp_path):
    with local_server(SlowPortal) as port:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        audit = subprocess.Popen(
            [sys.executable, "-m", "auditcli", "audit", f"http://127.0.0.1:{port}/", "--out", str(tmp_path / "out"),
             "--as-of", DEMO_AS_OF.isoformat(), "--delay", "0", "--max-pages", "500", "--no-history"],
            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)
        try:
            store = tmp_path / "out" / "crawl" / "pages.sqlite"
            deadline = time.monotonic() + 60
            while not store.exists() and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(2.0)  # pages are being fetched
            audit.send_signal(signal.SIGINT)
            sent = time.monotonic()
            assert audit.stderr is not None
            line = ""
            while "stopping" not in line and time.monotonic() - sent < 10:
                line = audit.stderr.readline()
                if not line:
                    break
            acknowledged = time.monotonic() - sent
            rest = audit.stderr.read()
            audit.wait(timeout=60)
        finally:
            if audit.poll() is None:
                audit.kill()
    assert "stopping…" in line, rest[-2000:]
    assert acknowledged < 1.5
    assert audit.returncode != 0 and "stopped:" in rest
