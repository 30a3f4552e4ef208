"""Accessibility on the demo farm: planted barriers found (static and browser mode), nothing else;
browser mode (Playwright + Debian's chromium + axe-core) finds the contrast barrier, lists the hanging
page as not scanned within its timeout, and its selectors match in a real browser; the ACT colour
contrast cases in browser mode beat axe-core's published results and match the README table; and
browser mode is as polite as the crawl (per host and per IP tabs, a delay between page loads)."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import shutil
import statistics
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler
from itertools import pairwise

import pytest

from auditcli.demo.compare import compare
from spiders.render import NavigationGate, RenderOptions, chromium_path, host_key, render_pages
from tests.conftest import DEMO_AS_OF, local_server, run_cli

A11Y = ("a11y", "assistive", "browser")


def _a11y_mismatches(results, key) -> list[str]:
    return [line for line in compare(results, {"sites": key}) if any(w in line for w in A11Y)]


def test_static_rules_find_exactly_the_planted_barriers(demo_audit):
    assert _a11y_mismatches(demo_audit.results, demo_audit.key) == []
    town_a = demo_audit.sites["town-a"]  # the clean site: no barrier; only the review-level new-window links
    # (its lists and footer open links in a new window without saying so: info, data.review, never scored)
    assert {(f["check"], f["severity"], f["data"].get("review")) for f in town_a["findings"]
            if f["dimension"] == "accessibility"} == {("a11y.link-new-window", "info", True)}
    assert town_a["accessibility"]["barriers"] == []
    assert {b["check"] for b in town_a["accessibility"]["review"]} == {"a11y.link-new-window"}
    county = demo_audit.sites["county"]
    logo = next(b for b in county["accessibility"]["barriers"] if "logo" in b["template"])
    assert logo["pages"] > 100 and logo["instances"] == logo["pages"] and len(logo["examples"]) == 3
    # one template repeated on every page is one barrier: it costs at most its points
    deduction = next(d for d in county["deductions"] if d["rule"] == "cn-gov-2019.a11y-barrier-high")
    assert deduction["points"] <= 6 * 6 and "barrier" in deduction["message_en"]
    # the static mode cannot judge contrast: not judged, not passed
    assert county["outcomes"]["a11y.color-contrast"]["status"] == "not-judged"


needs_chromium = pytest.mark.skipif(chromium_path() is None, reason="no chromium binary on this machine")


@pytest.fixture(scope="module")
def rendered(demo_audit, tmp_path_factory):
    """The demo audit's crawl, copied, rendered in browser mode (sample), then checked by the CLI."""
    from auditcli.app.browser import render_store
    from spiders.render import RenderOptions

    crawl = tmp_path_factory.mktemp("browser") / "crawl"
    shutil.copytree(demo_audit.out / "crawl", crawl)
    begun = time.perf_counter()
    # roomy for a loaded CI box; the demo farm is ours, on loopback: the demo's fast flags (FAST)
    run = render_store(crawl, "sample", RenderOptions(workers=4, timeout=10, delay=0, per_host=4, per_ip=16))
    seconds = time.perf_counter() - begun
    out = crawl.parent / "out"
    result = run_cli("check", str(crawl), "--out", str(out), "--no-history", "--quiet")
    assert result.returncode == 0, result.stderr[-2000:]
    results = json.loads((out / "results.json").read_text("utf-8"))
    return run, seconds, results


@needs_chromium
def test_browser_mode_finds_contrast_and_skips_the_hanging_page_in_bounded_time(rendered, demo_audit):
    run, seconds, results = rendered
    assert run.pages >= 40 and run.ok == run.pages - 1
    [hung] = run.not_scanned
    assert hung["reason"] == "timeout" and "/zcwj/" in hung["url"]
    assert seconds < 150  # one hanging page costs its 10 s timeout, never the run
    assert _a11y_mismatches(results, demo_audit.key) == []
    sites = {s["id"]: s for s in results["sites"]}
    county = sites["county"]
    contrast = [f for f in county["findings"] if f["check"] == "a11y.color-contrast"]
    assert contrast and all("welcome" in (f["evidence"] or "") for f in contrast)
    assert contrast[0]["data"]["contrast"]["contrastRatio"] < 4.5
    assert county["outcomes"]["a11y.color-contrast"]["status"] == "failed"
    assert county["accessibility"]["browser"]["not_scanned"][0]["reason"] == "timeout"
    barrier = next(b for b in county["accessibility"]["barriers"] if b["check"] == "a11y.color-contrast")
    assert barrier["share"] == 1.0  # on every rendered page of the sample
    # axe's results on the elements the static rules reported are not reported twice
    logo = [f for f in county["findings"] if f["check"] == "a11y.image-alt" and "logo" in (f["selector"] or "")]
    assert len(logo) == len({f["url"] for f in logo})
    assert all(f["severity"] == "info" for f in county["findings"] if (f.get("data") or {}).get("review"))


@needs_chromium
def test_browser_mode_judges_script_filled_columns_from_the_rendered_list(rendered, demo_audit):
    """The 集约化 department site: every script-filled column rendered and judged from the list it shows
    (dated as shown or by its JSON, 暂无信息 after rendering is empty), and the whole answer key holds in
    browser mode: columns, findings (mode: browser entries), barriers, not-scanned pages."""
    _, _, results = rendered
    assert compare(results, {"sites": demo_audit.key}) == []
    wjw = {s["id"]: s for s in results["sites"]}["dept-wjw"]
    columns = {c["name"]: c for c in wjw["columns"]}
    assert {n: (c["status"], c.get("rendered", False)) for n, c in columns.items()} == {
        "卫健要闻": ("fresh", True), "通知公告": ("fresh", True), "政策文件": ("fresh", True),
        "人事信息": ("fresh", True), "专项工作": ("empty", True), "规划计划": ("stale", True),
        "健康科普": ("fresh", False), "办事指南": ("fresh", False)}  # the guides (service), a static list
    assert columns["专项工作"]["evidence"] == "暂无信息（浏览器渲染后）"
    assert columns["规划计划"]["latest_date"] and columns["规划计划"]["item_count"] == 2  # dated by the JSON only
    assert columns["卫健要闻"]["item_count"] == 12 and columns["通知公告"]["item_count"] == 5
    assert not any(f["check"] == "columns.needs-browser" for f in wjw["findings"])
    assert wjw["vetoes"] == []


@needs_chromium
def test_demo_browser_matches_the_answer_key(tmp_path):
    """`auditcli demo --browser`: the farm crawled, rendered and checked; every entry of the key, the
    browser-mode ones included, and nothing else."""
    result = run_cli("demo", "--browser", "--out", str(tmp_path), "--as-of", DEMO_AS_OF.isoformat(), "--quiet",
                     "--format", "html", timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "answer key: 0 mismatches" in result.stdout, result.stdout[-3000:]
    results = json.loads((tmp_path / "results.json").read_text("utf-8"))
    wjw = {s["id"]: s for s in results["sites"]}["dept-wjw"]
    assert all(c["status"] != "needs-browser" for c in wjw["columns"])
    assert (tmp_path / "report.html").exists()


@needs_chromium
def test_static_findings_selectors_match_in_a_browser(demo_audit):
    from playwright.sync_api import sync_playwright

    county = demo_audit.sites["county"]
    by_page: dict[str, list[str]] = {}
    for finding in county["findings"]:
        if finding["check"].startswith("a11y.") and finding["selector"]:
            by_page.setdefault(finding["url"], []).append(finding["selector"])
    chosen = sorted(by_page.items(), key=lambda kv: -len(kv[1]))[:4]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), headless=True, args=["--no-sandbox"])
        page = browser.new_page()
        for url, selectors in chosen:
            page.goto(url, wait_until="domcontentloaded", timeout=10000)
            for selector in selectors:
                assert page.evaluate("s => document.querySelectorAll(s).length", selector) >= 1, (url, selector)
        browser.close()


@needs_chromium
def test_act_contrast_cases_in_browser_mode_beat_axe_and_match_the_readme():
    from benchmarks.act_table import (
        BROWSER_RULES,
        README,
        axe_correct,
        axe_outcomes,
        cases,
        correct,
        replace_block,
        run_browser,
        serve,
        table,
    )

    chosen = cases(BROWSER_RULES)
    with serve() as base:
        ours = run_browser(base, chosen)
    assert all(v is not None for v in ours.values()), "every contrast case rendered"
    axe = axe_outcomes()
    for rule_id in BROWSER_RULES:
        group = [c for c in chosen if c["ruleId"] == rule_id]
        good = sum(correct(c["expected"], bool(ours[c["testcaseId"]])) for c in group)
        axe_good = sum(axe_correct(c["expected"], axe.get(c["testcaseId"], [])) for c in group)
        assert good >= axe_good, f"{rule_id}: {good} < axe's {axe_good}"
    text = README.read_text("utf-8")
    assert text == replace_block(text, "browser", table(chosen, ours, "browser mode")), \
        "README's browser-mode ACT table is stale: run python benchmarks/act_table.py --write-readme"


@needs_chromium
def test_a_tab_that_crashes_is_listed_and_the_next_page_still_rendered():
    from spiders.render import RenderOptions, render_pages

    begun = time.perf_counter()
    results = render_pages(["chrome://crash", "chrome://version"], RenderOptions(workers=1, timeout=8))
    assert results["chrome://crash"]["status"] == "crashed"
    assert results["chrome://version"]["status"] == "ok"  # same worker, a fresh tab
    assert time.perf_counter() - begun < 30


def test_browser_options_are_checked_before_any_crawl(tmp_path):
    result = run_cli("audit", "http://127.0.0.1:9/", "--out", str(tmp_path), "--browser",
                     "--browser-pages", "some", "--no-history")
    assert result.returncode == 2
    assert "--browser-pages" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "crawl").exists()


# -- politeness: browser mode obeys the crawl's per-host, per-IP and delay limits ---------------------------

SERVE_SECONDS = 0.1  # each page answers after this: enough for page loads of one host to overlap if let
GAP = 0.3  # --delay in these tests: more than a page takes to load and scan here, so the delay decides
JITTER = 0.03  # a navigation's start reaches the server a few ms late, not always by the same few ms
# ... and now and then, on a loaded machine, one reaches it a few hundred ms late (the browser's own
# scheduling): the gate's gaps are asserted exactly, the server's by their median


def _page_server(visits: list[tuple[str, float, float]]) -> type[BaseHTTPRequestHandler]:
    """A portal: a home page linking six pages /p-N.html; a browser's navigations to a page record
    (path, arrival, answered) on the monotonic clock (the crawl's fetches are not navigations)."""
    lock = threading.Lock()
    links = "".join(f'<li><a href="/p-{i}.html">通知公告{i}</a>' for i in range(6))

    class Pages(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/":
                self._answer(f"<!doctype html><html lang=zh-CN><title>某县人民政府</title><ul>{links}</ul></html>")
                return
            if not self.path.startswith("/p-"):
                self.send_error(404)  # the favicon: a subresource, counted against nothing
                return
            arrived = time.monotonic()
            time.sleep(SERVE_SECONDS)
            self._answer(f"<!doctype html><html lang=zh-CN><title>第{self.path}页</title><h1>政务公开</h1></html>")
            if self.headers.get("Sec-Fetch-Mode") == "navigate":
                with lock:
                    visits.append((self.path, arrived, time.monotonic()))

        def _answer(self, html: str) -> None:
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()

        def log_message(self, *args):
            pass

    return Pages


@pytest.fixture
def navigation_starts(monkeypatch) -> dict[str, list[float]]:
    """host:port -> when each navigation to it started (the moment the gate let it go)."""
    starts: dict[str, list[float]] = {}
    original = NavigationGate.started

    async def started(self, url):
        await original(self, url)
        starts.setdefault(host_key(url), []).append(time.monotonic())

    monkeypatch.setattr(NavigationGate, "started", started)
    return starts


def _polite(per_host: int = 1, delay: float = GAP, per_ip: int = 4) -> RenderOptions:
    return RenderOptions(workers=4, timeout=10, rules=("document-title",), per_host=per_host, delay=delay,
                         per_ip=per_ip)


def _overlaps(visits) -> int:
    ordered = sorted(visits, key=lambda v: v[1])
    return sum(1 for before, after in pairwise(ordered) if after[1] < before[2])


def _gaps(visits) -> list[float]:
    return _apart(v[1] for v in visits)


def _median_gap(visits) -> float:
    return statistics.median(_gaps(visits))


def _apart(times) -> list[float]:
    ordered = sorted(times)
    return [b - a for a, b in pairwise(ordered)]


@needs_chromium
def test_four_tabs_load_one_hosts_pages_one_at_a_time_and_a_delay_apart(navigation_starts):
    visits: list = []
    with local_server(_page_server(visits)) as port:
        urls = [f"http://127.0.0.1:{port}/p-{i}.html" for i in range(6)]
        results = render_pages(urls, _polite(per_host=1, delay=GAP))
        assert all(results[url]["status"] == "ok" for url in urls)
        assert len(visits) == 6 and _overlaps(visits) == 0
        assert min(_apart(navigation_starts[f"127.0.0.1:{port}"])) >= GAP - 0.001
        assert _median_gap(visits) >= GAP - JITTER, _gaps(visits)  # as the server saw them
        visits.clear()  # the same pages with --per-host 4 and no delay: page loads of the host overlap
        render_pages(urls, _polite(per_host=4, delay=0))
        assert len(visits) == 6 and _overlaps(visits) > 0  # (the floor's 1/20 s gap: the gate's test below)


@needs_chromium
def test_tabs_render_another_hosts_pages_while_one_host_waits_out_its_delay(navigation_starts):
    first: list = []
    second: list = []
    with local_server(_page_server(first)) as a, local_server(_page_server(second)) as b:
        urls = [f"http://127.0.0.1:{a}/p-{i}.html" for i in range(6)] + \
               [f"http://127.0.0.1:{b}/p-{i}.html" for i in range(6)]  # the second host's pages come last
        results = render_pages(urls, _polite(per_host=1, delay=GAP))
    assert all(result["status"] == "ok" for result in results.values())
    for visits, port in ((first, a), (second, b)):
        assert len(visits) == 6 and _overlaps(visits) == 0 and _median_gap(visits) >= GAP - JITTER
        assert min(_apart(navigation_starts[f"127.0.0.1:{port}"])) >= GAP - 0.001
    starts_a = sorted(v[1] for v in first)
    assert min(v[1] for v in second) < starts_a[1]  # a free tab took the other host's page at once
    # the hosts were rendered side by side, not one after the other: most of the second host's pages
    # were loaded while the first host's were still waiting out their delays
    assert sum(1 for v in second if v[1] < starts_a[-1]) >= 4, (first, second)


def test_the_gate_holds_the_per_ip_limit_and_the_floor_whatever_the_options():
    """Two hosts on one IP address with --per-ip 1 take turns; --per-host 100 and --delay 0 are capped by
    crawling.yaml's floor (8 at once, 20 a second)."""

    async def run(urls, ips, options, hold: float):
        gate = NavigationGate(urls, ips, options)
        spans: list[tuple[str, float, float]] = []

        async def tab():
            while (url := await gate.take()) is not None:
                await gate.started(url)
                begun = time.monotonic()
                await asyncio.sleep(hold)
                spans.append((url, begun, time.monotonic()))
                gate.release(url)

        await asyncio.gather(*(tab() for _ in range(gate.useful_tabs(options.workers))))
        return gate, spans

    urls = [f"http://{host}/p-{i}.html" for host in ("county.example", "town.example") for i in range(3)]
    ips = {"county.example": "10.0.0.7", "town.example": "10.0.0.7"}
    gate, spans = asyncio.run(run(urls, ips, RenderOptions(workers=4, per_host=2, per_ip=1, delay=0), 0.02))
    assert gate.useful_tabs(4) == 1 and len(spans) == 6 and _overlaps(spans) == 0

    many = [f"http://county.example/p-{i}.html" for i in range(12)]
    gate, spans = asyncio.run(run(many, {}, RenderOptions(workers=12, per_host=100, per_ip=100, delay=0), 0.5))
    assert (gate.per_host, gate.delay) == (8, 1 / 20)
    in_flight = max(sum(1 for _, b, e in spans if b <= t < e) for _, t, _ in spans)
    assert in_flight == 8 and min(_gaps(spans)) >= 1 / 20 - 0.005


@needs_chromium
def test_the_crawls_politeness_flags_govern_browser_mode(tmp_path):
    from auditcli.stores.pagestore import PageStore

    visits: list = []
    with local_server(_page_server(visits)) as port:
        result = run_cli("crawl", f"http://127.0.0.1:{port}/", "--out", str(tmp_path), "--browser",
                         "--browser-pages", "all", "--delay", str(GAP), "--per-host", "1", "--per-ip", "3",
                         "--max-depth", "1", "--timeout", "5", "--quiet")
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(visits) == 6 and _overlaps(visits) == 0 and _median_gap(visits) >= GAP - JITTER
    store = PageStore.open_existing(tmp_path / PageStore.FILENAME)
    meta = store.get_meta("browser")
    store.close()
    assert (meta["ok"], meta["delay"], meta["per_host"], meta["per_ip"]) == (7, GAP, 1, 3)


# -- rendering time bounded by the page: dead sub-resources, settle window --------------------------------

@pytest.fixture
def dead_host():
    """A host:port that accepts connections and never answers (a CDN or video host that hangs)."""
    from benchmarks.browser_bench import dead_server

    with dead_server() as port:
        yield f"http://127.0.0.1:{port}"


def _portal_with_dead_refs(dead: str) -> type[BaseHTTPRequestHandler]:
    """A county page whose head loads jQuery from a dead CDN (parser-blocking), with a banner and a video
    frame on it too; the list after them has an image without alt."""
    page = (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>某县人民政府</title>'
            f'<script src="{dead}/cdn/jquery.min.js"></script></head><body>'
            f'<img src="{dead}/upload/banner.jpg" alt="某县人民政府">'
            f'<iframe src="{dead}/video/player.html" title="宣传片"></iframe>'
            f'<ul class="list"><li><a href="/a.html"><img src="/icon.png">关于冬季供暖的通知</a></li></ul>'
            f'</body></html>').encode()

    class Portal(BaseHTTPRequestHandler):
        def do_GET(self):
            body = page if self.path == "/" else b""
            self.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                             b"Content-Length: %d\r\n\r\n%s" % (len(body), body))

        def log_message(self, *args):
            pass

    return Portal


@needs_chromium
def test_a_dead_sub_resource_costs_its_bound_not_the_pages_timeout(dead_host):
    """A head script, an image and a frame on a host that never answers: the page is rendered and scanned
    whole (the image after the script is judged) within the sub-resource bound and the settle window; a
    page whose own document never answers still ends as `timeout` within its timeout."""
    options = RenderOptions(workers=2, timeout=12, resource_timeout=2, settle=1, delay=0, per_host=2,
                            rules=("image-alt",))
    with local_server(_portal_with_dead_refs(dead_host)) as port:
        home = f"http://127.0.0.1:{port}/"
        hung = f"{dead_host}/index.html"
        begun = time.perf_counter()
        results = render_pages([home, hung], options)
        seconds = time.perf_counter() - begun
        assert results[home]["status"] == "ok", results[home]
        assert results[home]["elapsed"] < 2 + 1 + 2.5  # bound + settle + axe, never the 12 s
        [alt] = results[home]["violations"]
        assert alt["id"] == "image-alt" and "icon.png" in alt["nodes"][0]["html"]
        assert results[hung]["status"] == "timeout" and 12 <= results[hung]["elapsed"] < 16
        assert seconds < 25
        # tests abort every other host at once (local_only): nothing to wait for at all
        local = render_pages([home], dataclasses.replace(options, local_only=True))
    assert local[home]["status"] == "ok" and local[home]["elapsed"] < 2 + 1
    assert local[home]["violations"][0]["id"] == "image-alt"


# -- snapshots: the rendered DOM (frames inlined) and the JSON a page fetched, for chosen pages ------------

NOTICES = {"total": 3, "list": [{"title": "关于冬季供暖的通知", "url": "/art/2026/11/20/art_1229_1.html"},
                                {"title": "森林防火工作会议召开", "url": "/art/2026/11/18/art_1229_2.html"},
                                {"title": "关于调整公交线路的公告", "url": "/art/2026/11/16/art_1229_3.html"}]}
FILLED_BY_FETCH = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>通知公告</title>
<script src="/api/count.js?callback=showCount"></script></head><body>
<div class="lm_tit">通知公告</div><ul class="list"></ul>
<script>
function showCount(data) { document.title = '通知公告 (' + data.total + ')'; }
fetch('/api/list.json').then(r => r.json()).then(data => {
  document.querySelector('ul.list').innerHTML =
    data.list.map(n => '<li><a href="' + n.url + '">' + n.title + '</a></li>').join('');
});
</script></body></html>"""
FRAMED = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>政务公开</title></head><body>
<div class="nav"><a href="/">首页</a></div><iframe src="list.html" title="信息公开目录" width="700"></iframe>
</body></html>"""
FRAME_LIST = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><ul>
<li><a href="../../art/2026/11/20/art_1229_1.html" target="_blank">关于冬季供暖的通知</a></li>
<li><a href="art_1229_2.html" target="_blank">森林防火工作会议召开</a></li></ul></body></html>"""


def _snapshot_site() -> type[BaseHTTPRequestHandler]:
    """A Hanweb-like column: /col/ fills its list from JSON (and counts by JSONP); /zwgk/ frames a list
    that lives elsewhere (list.html redirects to /col/col1229/list.jsp, as column modules do)."""
    routes = {
        "/col/index.html": ("text/html; charset=utf-8", FILLED_BY_FETCH),
        "/api/list.json": ("application/json; charset=utf-8", json.dumps(NOTICES, ensure_ascii=False)),
        "/api/count.js?callback=showCount": ("application/javascript", 'showCount({"total": 3})'),
        "/zwgk/index.html": ("text/html; charset=utf-8", FRAMED),
        "/col/col1229/list.jsp": ("text/html; charset=utf-8", FRAME_LIST),
    }

    class Site(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/zwgk/list.html":
                self.wfile.write(b"HTTP/1.0 302 Found\r\nLocation: /col/col1229/list.jsp\r\nContent-Length: 0\r\n\r\n")
                return
            content_type, text = routes.get(self.path) or routes.get(self.path.split("?")[0], ("text/html", ""))
            body = text.encode()
            self.wfile.write(f"HTTP/1.0 {200 if text else 404} OK\r\nContent-Type: {content_type}\r\n"
                             f"Content-Length: {len(body)}\r\n\r\n".encode() + body)

        def log_message(self, *args):
            pass

    return Site


@needs_chromium
def test_snapshot_pages_get_their_rendered_dom_with_frames_inlined_and_their_json():
    with local_server(_snapshot_site()) as port:
        base = f"http://127.0.0.1:{port}"
        filled, framed, plain = f"{base}/col/index.html", f"{base}/zwgk/index.html", f"{base}/col/index.html?p=2"
        results = render_pages([filled, framed, plain],
                               RenderOptions(workers=2, timeout=15, delay=0, per_host=2, rules=("list",),
                                             snapshot=frozenset({filled, framed})))
    assert all(result["status"] == "ok" for result in results.values()), results
    page = results[filled]
    assert page["dom"].startswith("<!DOCTYPE html><html")
    assert all(f'<a href="{n["url"]}">{n["title"]}</a>' in page["dom"] for n in NOTICES["list"])
    by_url = {entry["url"]: entry for entry in page["responses"]}
    assert json.loads(by_url[f"{base}/api/list.json"]["body"]) == NOTICES
    assert by_url[f"{base}/api/list.json"]["status"] == 200
    assert by_url[f"{base}/api/count.js?callback=showCount"]["body"] == 'showCount({"total": 3})'  # JSONP
    assert len(page["responses"]) == 2

    dom = results[framed]["dom"]
    assert "<iframe" not in dom
    inlined = dom.split(f'<div data-auditcli-frame="{base}/col/col1229/list.jsp">', 1)[1]
    assert f'href="{base}/art/2026/11/20/art_1229_1.html"' in inlined  # as the frame resolved them
    assert f'href="{base}/col/col1229/art_1229_2.html"' in inlined
    assert results[framed]["responses"] == []

    assert "dom" not in results[plain] and "responses" not in results[plain]


@needs_chromium
def test_a_templates_scripts_and_images_are_fetched_once_per_run():
    """Playwright turns Chromium's cache off while it routes requests: the tabs' asset cache keeps the
    site's script, stylesheet and logo, so six pages fetch each once (and the page documents each once)."""
    hits: Counter[str] = Counter()
    lock = threading.Lock()
    assets = {"/js/common.js": ("application/javascript", b"document.documentElement.lang = 'zh-CN';"),
              "/css/index.css": ("text/css", b"body { color: #333 }"),
              "/images/logo.png": ("image/png", bytes.fromhex("89504e470d0a1a0a"))}

    class Site(BaseHTTPRequestHandler):
        def do_GET(self):
            with lock:
                hits[self.path] += 1
            content_type, body = assets.get(self.path) or ("text/html; charset=utf-8", (
                '<!DOCTYPE html><html><head><title>某县</title><link rel="stylesheet" href="/css/index.css">'
                '<script src="/js/common.js"></script></head><body><img src="/images/logo.png" alt="某县人民政府">'
                '</body></html>').encode())
            self.wfile.write(f"HTTP/1.0 200 OK\r\nContent-Type: {content_type}\r\n"
                             f"Content-Length: {len(body)}\r\n\r\n".encode() + body)

        def log_message(self, *args):
            pass

    with local_server(Site) as port:
        urls = [f"http://127.0.0.1:{port}/p-{i}.html" for i in range(6)]
        results = render_pages(urls, RenderOptions(workers=1, timeout=10, delay=0, rules=("html-has-lang",)))
    assert all(r["status"] == "ok" and r["violations"] == [] for r in results.values()), results  # script ran
    assert {path: hits[path] for path in assets} == dict.fromkeys(assets, 1), hits
    assert all(hits[f"/p-{i}.html"] == 1 for i in range(6))


class _Hanging(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - never answers within the page's timeout
        time.sleep(3)

    def log_message(self, *args) -> None:
        pass


@needs_chromium
def test_a_navigation_playwright_times_out_is_a_timeout_not_an_error():
    """The navigation's own timeout equals the page's, so Playwright may report it a moment before the
    run's clock runs out: the page is then not scanned for a timeout (as the answer key says), not an error."""
    from playwright.async_api import async_playwright

    from spiders.render import _failed

    async def navigate(port: int) -> BaseException | None:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
            try:
                await (await browser.new_page()).goto(f"http://127.0.0.1:{port}/", timeout=500)
            except Exception as exc:  # noqa: BLE001 - the one Playwright raised is the point
                return exc
            finally:
                await browser.close()
        return None

    with local_server(_Hanging) as port:
        raised = asyncio.run(navigate(port))
    assert raised is not None
    assert _failed(raised)["status"] == "timeout" and "Timeout" in _failed(raised)["detail"]
    assert _failed(RuntimeError("net::ERR_CONNECTION_REFUSED"))["status"] == "error"
