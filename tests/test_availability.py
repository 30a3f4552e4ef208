"""Availability over a week (issue 23, item 3): `auditcli probe` against local servers, and the official
rule (7 days before --as-of, 20+ probes each day, failures at or over 5 %) deciding the unreachable veto."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from auditcli.app.config import site_from_url
from auditcli.core.availability import CHINA_TIME, ProbeRule, judge, probe_day, window
from auditcli.stores.history import HistoryStore, ProbeRecord, probe_counts, record_probes
from reports.scoring import load_profile, score_site
from spiders.availability import outcome_of
from tests.conftest import local_server, run_cli

AS_OF = date(2026, 11, 20)
RULE = ProbeRule()
HOME = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>示例县人民政府</title>
<meta name="SiteName" content="示例县人民政府"></head><body>
<div class="header"><h1>示例县人民政府</h1></div>
<div class="news"><h2>政务动态</h2><ul><li><a href="/art/1.html">县政府召开常务会议</a><span>2026-11-18</span></li></ul></div>
<div class="footer">主办：示例县人民政府办公室 网站标识码：3301000001 ICP备案：浙ICP备05000001号</div>
</body></html>"""


def week(failures: int, per_day: int = 20, days: int = 7) -> list[tuple[datetime, bool]]:
    """A week of hourly probes (China time) before AS_OF, the first `failures` of them failed."""
    first, _ = window(AS_OF, RULE)
    start = datetime(first.year, first.month, first.day, tzinfo=CHINA_TIME)
    moments = [start + timedelta(days=d, minutes=5 + i * (1430 // per_day)) for d in range(days) for i in range(per_day)]
    return [(moment, i >= failures) for i, moment in enumerate(moments)]


def write_week(store: HistoryStore, url: str, probes: list[tuple[datetime, bool]]) -> None:
    site_id = site_from_url(url).id
    record_probes(store, [ProbeRecord(site_id, url, moment, ok, 200 if ok else 503, 0.2,
                                      "ok" if ok else "http-error") for moment, ok in probes])


def counts_for(store: HistoryStore, url: str) -> dict[str, tuple[int, int]]:
    first, last = window(AS_OF, RULE)
    return probe_counts(store, [site_from_url(url).id], first.isoformat(), last.isoformat()).get(
        site_from_url(url).id, {})


# -- the rule ----------------------------------------------------------------------------------------

def test_six_failures_in_140_probes_is_under_5_percent_and_seven_is_at_it(tmp_path):
    store = HistoryStore(tmp_path / "h.sqlite")
    write_week(store, "http://a.example.gov.cn/", week(6))
    write_week(store, "http://b.example.gov.cn/", week(7))
    under = judge(counts_for(store, "http://a.example.gov.cn/"), AS_OF, False, RULE)
    at = judge(counts_for(store, "http://b.example.gov.cn/"), AS_OF, False, RULE)
    assert (under["rule"], under["probes"], under["failures"], under["unreachable"]) == ("probes", 140, 6, False)
    assert (at["rule"], at["probes"], at["failures"], at["unreachable"]) == ("probes", 140, 7, True)


def test_a_day_with_19_probes_means_the_single_visit_rule_decides_however_many_the_week_has(tmp_path):
    store = HistoryStore(tmp_path / "h.sqlite")
    probes = week(0, per_day=30)
    first, _ = window(AS_OF, RULE)
    third_day = (first + timedelta(days=2)).isoformat()
    kept = [p for p in probes if probe_day(p[0]) != third_day] + [p for p in probes if probe_day(p[0]) == third_day][:19]
    write_week(store, "http://a.example.gov.cn/", kept)
    block = judge(counts_for(store, "http://a.example.gov.cn/"), AS_OF, True, RULE)
    assert block["probes"] == 6 * 30 + 19 and block["days"] == 6
    assert (block["rule"], block["unreachable"]) == ("single-visit", True)
    assert block["reason"] == "1 of the 7 days have fewer than 20 probes"


def test_the_week_is_the_seven_china_days_before_the_audit_day(tmp_path):
    store = HistoryStore(tmp_path / "h.sqlite")
    url = "http://a.example.gov.cn/"
    inside = week(0)
    edge_in = datetime(2026, 11, 12, 16, 30, tzinfo=UTC)    # 2026-11-13 00:30 in China: counted
    edge_out = datetime(2026, 11, 12, 15, 30, tzinfo=UTC)   # 2026-11-12 23:30 in China: before the week
    audit_day = datetime(2026, 11, 20, 2, 0, tzinfo=CHINA_TIME)  # the audit day itself: not counted
    write_week(store, url, [*inside, (edge_in, False), (edge_out, False), (audit_day, False)])
    block = judge(counts_for(store, url), AS_OF, False, RULE)
    assert block["window"] == {"from": "2026-11-13", "to": "2026-11-19"}
    assert (block["probes"], block["failures"]) == (141, 1)


def test_a_probe_as_long_as_the_limit_or_a_5xx_fails_and_a_waf_403_is_an_answer():
    assert outcome_of(200, 15.0, 15.0) == (False, "too-slow")
    assert outcome_of(200, 14.9, 15.0) == (True, "ok")
    assert outcome_of(503, 0.1, 15.0) == (False, "http-error")
    assert outcome_of(403, 0.1, 15.0) == (True, "ok")


def test_scoring_reads_the_recorded_decision_not_the_visit():
    profile = load_profile("cn-gov-2019")
    up_today_down_all_week = {"id": "a", "status": "ok", "findings": [], "columns": [],
                              "availability": judge({d: (20, 1) for d in _days()}, AS_OF, False, RULE)}
    down_today_up_all_week = {"id": "b", "status": "unreachable", "findings": [], "columns": [],
                              "availability": judge({d: (20, 0) for d in _days()}, AS_OF, True, RULE)}
    before_the_block = {"id": "c", "status": "unreachable", "findings": [], "columns": []}
    for site in (up_today_down_all_week, down_today_up_all_week, before_the_block):
        score_site(site, profile)
    assert [v["rule"] for v in up_today_down_all_week["vetoes"]] == ["cn-gov-2019.unreachable"]
    assert "140 次访问，7 次无法访问（5.0%" in up_today_down_all_week["vetoes"][0]["message"]
    assert down_today_up_all_week["vetoes"] == []
    assert [v["rule"] for v in before_the_block["vetoes"]] == ["cn-gov-2019.unreachable"]


def _days() -> list[str]:
    first, _ = window(AS_OF, RULE)
    return [(first + timedelta(days=i)).isoformat() for i in range(7)]


def test_an_existing_history_store_gains_the_probes_table_and_keeps_its_runs(tmp_path):
    path = tmp_path / "h.sqlite"
    store = HistoryStore(path)
    store.record({"run": {"id": "r1", "started_at": "2026-11-01T00:00:00+00:00"},
                  "sites": [{"id": "a", "score": 80, "findings": []}]})
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'probes'").fetchone() is None
    write_week(store, "http://a.example.gov.cn/", week(0, per_day=1, days=1))
    assert store.sites() == ["a"] and len(store.trend("a")) == 1
    assert sum(n for n, _ in counts_for(store, "http://a.example.gov.cn/").values()) == 1


# -- `auditcli probe` against local servers ------------------------------------------------------------

class Logged(BaseHTTPRequestHandler):
    """A portal whose requests are logged (path, start, end, User-Agent); /slow/ answers late,
    /down/ 503, /waf/ 403; robots.txt disallows /private/."""

    log: list[tuple[str, float, float, str]] = []
    lock = threading.Lock()
    delay = 0.2

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        begun = time.monotonic()
        if self.path == "/robots.txt":
            body, status = b"User-agent: *\nDisallow: /private/\n", 200
        else:
            time.sleep(1.5 if self.path.startswith("/slow/") else self.delay)
            status = 503 if self.path.startswith("/down/") else 403 if self.path.startswith("/waf/") else 200
            body = HOME.encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "text/plain" if self.path == "/robots.txt" else "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass
        with self.lock:
            self.log.append((self.path, begun, time.monotonic(), self.headers.get("User-Agent", "")))

    def log_message(self, *args) -> None:
        pass


def _handler() -> type[Logged]:
    return type("Portal", (Logged,), {"log": []})


def rows(path: Path) -> dict[str, sqlite3.Row]:
    with sqlite3.connect(path) as conn:
        conn.row_factory = sqlite3.Row
        return {r["url"]: r for r in conn.execute("SELECT * FROM probes")}


def test_probe_makes_one_request_per_site_and_never_two_at_once_to_one_host(tmp_path):
    one, other = _handler(), _handler()
    with local_server(one) as port, local_server(other) as port2:
        urls = [f"http://127.0.0.1:{port}/{name}/" for name in ("a", "b", "c", "d")] + [f"http://127.0.0.1:{port2}/"]
        done = run_cli("probe", *urls, "--history", str(tmp_path / "h.sqlite"), "--jitter", "0.5",
                       "--contact", "audit@example.org")
    assert done.returncode == 0, done.stderr
    assert "probed 5 site(s): 5 answered, 0 failed" in done.stdout
    pages = [entry for entry in one.log if entry[0] != "/robots.txt"]
    assert sorted(path for path, *_ in pages) == ["/a/", "/b/", "/c/", "/d/"]   # one request per site
    assert [path for path, *_ in other.log if path != "/robots.txt"] == ["/"]
    spans = sorted((begun, ended) for _, begun, ended, _ in one.log)
    assert all(later[0] >= earlier[1] - 0.01 for earlier, later in zip(spans, spans[1:], strict=False))  # never two in flight
    assert all("auditcli/" in ua and "audit@example.org" in ua for *_, ua in one.log)
    recorded = rows(tmp_path / "h.sqlite")
    assert set(recorded) == set(urls) and all(r["ok"] == 1 and r["status"] == 200 for r in recorded.values())


def test_probe_records_timeouts_5xx_and_refusals_as_failures_a_403_as_an_answer_and_robots_as_not_counted(tmp_path):
    portal = _handler()
    with local_server(portal) as port:
        base = f"http://127.0.0.1:{port}"
        urls = [f"{base}/ok/", f"{base}/slow/", f"{base}/down/", f"{base}/waf/", f"{base}/private/", "http://127.0.0.1:9/"]
        done = run_cli("probe", *urls, "--history", str(tmp_path / "h.sqlite"), "--jitter", "0",
                       "--probe-timeout", "0.8")
    assert done.returncode == 0, done.stderr
    recorded = rows(tmp_path / "h.sqlite")
    outcome = {url.removeprefix(base): (r["ok"], r["outcome"], r["status"]) for url, r in recorded.items()}
    assert outcome == {"/ok/": (1, "ok", 200), "/slow/": (0, "timeout", None), "/down/": (0, "http-error", 503),
                       "/waf/": (1, "ok", 403), "/private/": (None, "robots", None),
                       "http://127.0.0.1:9/": (0, "connection-refused", None)}
    assert "/private/" not in [path for path, *_ in portal.log], portal.log
    assert "probed 6 site(s): 2 answered, 3 failed, 1 not counted" in done.stdout


def test_probe_refuses_a_bad_sites_file_with_exit_2_and_names_it(tmp_path):
    bad = tmp_path / "sites.yaml"
    bad.write_text("sites:\n  - id: a\n    url: not-a-url\n", "utf-8")
    done = run_cli("probe", str(bad), "--history", str(tmp_path / "h.sqlite"))
    assert done.returncode == 2 and "sites.yaml" in done.stderr and "url" in done.stderr
    assert "Traceback" not in done.stderr
    missing = run_cli("probe", str(tmp_path / "none.yaml"), "--history", str(tmp_path / "h.sqlite"))
    assert missing.returncode == 2 and "no such file" in missing.stderr


# -- audit with a week of probes -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    """One audit of four sites on a local portal, with a history store holding a week of probes: 6/140
    failed, 7/140 failed, 19 probes on one day, none at all; and one site refused today but up all week."""
    tmp = tmp_path_factory.mktemp("week")
    store = HistoryStore(tmp / "h.sqlite")
    with local_server(_handler()) as port:
        base = f"http://127.0.0.1:{port}"
        sites = {"under": f"{base}/under/", "at": f"{base}/at/", "short": f"{base}/short/", "none": f"{base}/none/",
                 "down-today": "http://127.0.0.1:9/"}
        write_week(store, sites["under"], week(6))
        write_week(store, sites["at"], week(7))
        write_week(store, sites["short"], week(0)[:-1])  # the last day has 19
        write_week(store, sites["down-today"], week(0))
        done = run_cli("audit", *sites.values(), "--history", str(tmp / "h.sqlite"), "--as-of", AS_OF.isoformat(),
                       "--out", str(tmp / "out"), "--max-depth", "0", "--delay", "0", "--timeout", "2",
                       "--check-workers", "0", "--quiet")
    assert done.returncode == 0, done.stderr
    results = json.loads((tmp / "out" / "results.json").read_text("utf-8"))
    by_url = {s["url"]: s for s in results["sites"]}
    return {name: by_url[url] for name, url in sites.items()}, (tmp / "out" / "report.html").read_text("utf-8")


def vetoes(site: dict) -> list[str]:
    return [v["rule"] for v in site["vetoes"]]


@pytest.mark.slow
def test_audit_a_week_under_5_percent_failed_is_no_veto_and_at_5_percent_is(audited):
    sites, _ = audited
    assert sites["under"]["availability"]["rule"] == "probes" and sites["under"]["availability"]["failures"] == 6
    assert "cn-gov-2019.unreachable" not in vetoes(sites["under"])
    assert sites["at"]["status"] == "ok" and sites["at"]["availability"]["unreachable"] is True
    assert "cn-gov-2019.unreachable" in vetoes(sites["at"]) and sites["at"]["verdict"] == "fail"


@pytest.mark.slow
def test_audit_without_enough_probes_falls_back_to_this_visit_and_the_report_says_so(audited):
    sites, report = audited
    short, none = sites["short"]["availability"], sites["none"]["availability"]
    assert (short["rule"], short["probes"], short["days"]) == ("single-visit", 139, 6)
    assert (none["rule"], none["probes"], none["reason"]) == ("single-visit", 0, "no probes recorded in the week")
    assert "cn-gov-2019.unreachable" not in vetoes(sites["short"])
    assert "可用性：仅按本次访问判断（2026-11-13 至 2026-11-19 探测 139 次" in report
    assert "可用性：7 天 140 次探测，失败 7 次（5.0 %）" in report


@pytest.mark.slow
def test_a_site_down_at_the_audit_but_up_all_week_is_not_vetoed(audited):
    sites, _ = audited
    down = sites["down-today"]
    assert down["status"] == "unreachable" and down["availability"]["rule"] == "probes"
    assert vetoes(down) == [] and down["verdict"] == "not-assessed"
