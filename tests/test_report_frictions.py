"""The report's everyday frictions (issue 25, item 6): partial and unreachable sites and each site's change in
the overview, a worst-first order, status details in the report's language, trend rows with their time,
static review results never shown as axe-core's, the newest home item named, the IIS fix."""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from reports.html import render_html
from reports.scoring import load_profile, score_results

DATA = Path(__file__).parent / "data"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def results() -> dict:
    data = json.loads((DATA / "results_county.json").read_text(encoding="utf-8"))
    scored = score_results(data, load_profile("cn-gov-2019"))
    scored["run"]["id"] = "run-now"
    return scored


def site(results: dict, site_id: str) -> dict:
    return next(s for s in results["sites"] if s["id"] == site_id)


def ranking_rows(html: str) -> dict[str, object]:
    soup = BeautifulSoup(html, "lxml")
    return {row.select_one("td:nth-of-type(2)").get_text(strip=True): row for row in soup.select("#ranking tbody tr")}


def test_overview_shows_partial_and_unreachable_sites_with_why(results):
    data = copy.deepcopy(results)
    town = site(data, "town-a")
    town["status"], town["status_detail"] = "partial", "12 pages could not be scanned"
    soup = BeautifulSoup(render_html(data, "zh"), "lxml")
    cards = [li.get_text(" ", strip=True) for li in soup.select("ul.cards li")]
    partial = sum(1 for s in data["sites"] if s["status"] == "partial")
    unreachable = sum(1 for s in data["sites"] if s["status"] == "unreachable")
    assert f"{partial} 部分可访问" in cards and f"{unreachable} 无法访问" in cards and unreachable >= 1
    row = ranking_rows(str(soup))[town["name"]]
    assert "部分可访问" in row.get_text() and "12 个页面未能检查" in row.get_text()
    assert "could not be scanned" not in str(soup)


def test_overview_shows_each_sites_change_since_its_last_run(results):
    county = site(results, "county")
    trends = {
        "county": [{"run_id": "run-before", "started_at": "2026-11-20T09:30:00+08:00", "as_of": "2026-11-20",
                    "score": county["score"] - 6.5, "verdict": "fail", "findings": 30, "new": None, "fixed": None},
                   {"run_id": "run-now", "started_at": "2026-12-06T10:00:00+08:00", "as_of": "2026-12-06",
                    "score": county["score"], "verdict": county["verdict"], "findings": 24, "new": 2, "fixed": 8}],
        "town-a": [{"run_id": "run-now", "started_at": "2026-12-06T10:00:00+08:00", "as_of": "2026-12-06",
                    "score": site(results, "town-a")["score"], "verdict": "pass", "findings": 3}],
    }
    html = render_html(results, "zh", trends)
    soup = BeautifulSoup(html, "lxml")
    assert "较上次" in soup.select_one("#ranking thead").get_text()
    rows = ranking_rows(html)
    change = rows[county["name"]].select_one("td.change")
    assert "+6.5" in change.get_text() and "新增 2" in change.get_text() and "已整改 8" in change.get_text()
    assert "2026-11-20 09:30" in change.select_one("span")["title"]  # against which run
    assert "首次审计" in rows[site(results, "town-a")["name"]].select_one("td.change").get_text()
    # a report without history has no such column
    assert "较上次" not in BeautifulSoup(render_html(results, "zh"), "lxml").select_one("#ranking thead").get_text()


def test_worst_first_order_puts_unassessed_then_lowest_scores_on_top(results):
    rows = BeautifulSoup(render_html(results, "zh"), "lxml").select("#ranking tbody tr")
    by_worst = sorted(rows, key=lambda r: int(r["data-worst"]))
    scores = [r.select("td")[4].get("data-value") for r in by_worst]
    assessed = [float(s) for s in scores if s]
    assert scores[:scores.count("")] == [""] * scores.count("")  # not assessed first
    assert assessed == sorted(assessed)
    assert [int(r["data-rank"]) for r in rows] == list(range(1, len(rows) + 1))  # as written: by rank


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs chromium")
def test_report_opened_with_worst_orders_the_ranking_worst_first(results, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(render_html(results, "zh"), encoding="utf-8")
    dom = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                          page.as_uri() + "#worst"], capture_output=True, text=True, timeout=60).stdout
    soup = BeautifulSoup(dom, "lxml")
    shown = [int(r["data-worst"]) for r in soup.select("#ranking tbody tr")]
    assert shown == list(range(1, len(shown) + 1))
    assert soup.select_one("#order option[value=worst]") is not None


def test_status_details_are_said_in_chinese_in_the_chinese_report(results):
    data = copy.deepcopy(results)
    town = site(data, "town-a")
    town["status"] = "partial"
    town["status_detail"] = "site-budget: site budget of 600 s used up; 40 pages not fetched, audited on what was"
    town["not_scanned"] = [
        {"url": "http://www.a.gov.cn/hdjl/login.html", "reason": "out-of-scope", "detail": "outside the site's path prefix"},
        {"url": "http://www.a.gov.cn/big.pdf", "reason": "too-large",
         "detail": "Expected to receive 3145746 bytes which is larger than download max size (2097152) in request "
                   "<GET http://www.a.gov.cn/big.pdf>."},
        {"url": "http://www.a.gov.cn/slow.html", "reason": "timeout",
         "detail": "DownloadTimeoutError: Getting http://www.a.gov.cn/slow.html took longer than 3.0 seconds."},
        {"url": "http://www.a.gov.cn/gone.html", "reason": "http-502", "detail": "HTTP 502"},
        {"url": "http://www.a.gov.cn/busy.html", "reason": "http-429",
         "detail": "HTTP 429; Retry-After 3600 s is over the cap of 60 s"},
    ]
    html = render_html(data, "zh")
    section = next(a for a in BeautifulSoup(html, "lxml").select("article.site") if town["name"] in a.h3.get_text())
    text = section.get_text(" ", strip=True)
    assert "超出单站时间预算（600 秒的单站时间预算已用完）：40 个页面未抓取" in text
    assert "不在站点的路径前缀之内" in text and "超出站点范围" in text
    assert "文件 3145746 字节，超过下载上限 2097152 字节" in text
    assert "超过 3.0 秒未下载完成" in text
    assert "HTTP 429；Retry-After 要求等待 3600 秒，超过上限 60 秒" in text
    assert "HTTP 502 (HTTP 502)" not in text  # said once
    for english in ("used up", "path prefix", "larger than", "took longer", "over the cap"):
        assert english not in text
    english_report = render_html(data, "en")
    assert "path prefix" in english_report and "used up" in english_report


def test_browser_not_scanned_reasons_are_translated(results):
    data = copy.deepcopy(results)
    town = site(data, "town-a")
    town.setdefault("accessibility", {"pages": 10, "barriers": [], "review": []})
    town["accessibility"]["browser"] = {"scanned": 8, "not_scanned": [
        {"url": "http://www.a.gov.cn/a.html", "reason": "timeout", "detail": "not rendered and scanned within 10 s"},
        {"url": "http://www.a.gov.cn/b.html", "reason": "crashed", "detail": "the tab crashed while rendering"}]}
    section = next(a for a in BeautifulSoup(render_html(data, "zh"), "lxml").select("article.site")
                   if town["name"] in a.h3.get_text())
    note = next(p for p in section.select("p.note") if "浏览器模式" in p.get_text()).get_text(" ", strip=True)
    assert "超时：10 秒内未完成渲染和扫描" in note and "渲染时崩溃：渲染时浏览器标签页崩溃" in note
    assert "rendered" not in note and "crashed" not in note


def test_trend_rows_carry_the_time_of_each_audit(results):
    trends = {"county": [
        {"run_id": "r1", "started_at": "2026-12-06T08:05:00+08:00", "as_of": "2026-12-06", "score": 60.0,
         "verdict": "pass", "findings": 30},
        {"run_id": "run-now", "started_at": "2026-12-06T14:15:00+08:00", "as_of": "2026-12-06", "score": 64.0,
         "verdict": "pass", "findings": 24}]}
    soup = BeautifulSoup(render_html(results, "zh", trends), "lxml")
    table = next(a for a in soup.select("article.site") if site(results, "county")["name"] in a.h3.get_text())
    cells = [tr.td.get_text() for tr in table.select("div.trend tbody tr")]
    assert cells == ["2026-12-06 08:05", "2026-12-06 14:15"]  # two audits on one day, told apart


def test_static_review_results_are_never_labelled_as_axe_core(results):
    data = copy.deepcopy(results)
    town = site(data, "town-a")
    url = "http://www.a.gov.cn/"
    static = {"check": "a11y.link-new-window", "dimension": "accessibility", "severity": "info", "url": url,
              "selector": "div.footer > a", "message": "链接在新窗口打开且未提示", "title": "链接在新窗口打开未提示"}
    layout = {**static, "check": "a11y.layout-table", "selector": "body > table", "message": "用表格排版"}
    axe = {**static, "check": "a11y.color-contrast-review", "selector": "div.nav > a",
           "data": {"source": "axe-core"}, "message": "axe-core：需人工确认对比度"}
    town["findings"] = [*town.get("findings", []), static, layout, axe]
    town.pop("accessibility", None)  # built from the findings, as for a results file without the block
    section = next(a for a in BeautifulSoup(render_html(data, "zh"), "lxml").select("article.site")
                   if town["name"] in a.h3.get_text())
    reviews = {d.summary.get_text(): d.get_text(" ") for d in section.select("details.review")}
    axe_lists = [text for summary, text in reviews.items() if "axe-core" in summary]
    static_lists = [text for summary, text in reviews.items() if "静态检查" in summary]
    assert len(axe_lists) == 1 and len(static_lists) == 1
    assert "a11y.color-contrast-review" in axe_lists[0]
    assert "a11y.link-new-window" not in axe_lists[0] and "a11y.layout-table" not in axe_lists[0]
    assert "a11y.link-new-window" in static_lists[0] and "a11y.layout-table" in static_lists[0]


def test_demo_farm_home_stale_names_its_newest_item_and_the_iis_fix(demo_audit):
    """Township B (demo farm): an IIS 6.0 server, and a home page last updated in spring."""
    town_b = demo_audit.sites["town-b"]
    stale = next(f for f in town_b["findings"] if f["check"] == "freshness.homepage-stale")
    assert "“乙镇召开春季植树造林动员会”" in stale["message"]
    assert stale["selector"] == "tr > td > div.block > ul.list > li:nth-of-type(1)"
    assert stale["data"]["latest_item"]["href"].endswith("/gzdt/content_1001.html")
    server = next(f for f in town_b["findings"] if f["check"] == "http.server-version-disclosure"
                  and "IIS" in f["evidence"])
    fix = demo_audit.results["checks"]["http.server-version-disclosure"]["fix"]
    assert "IIS" in fix["zh"] and "removeServerHeader" in fix["zh"] and "X-Powered-By" in fix["en"]
    assert server["fix"] == fix["zh"]
    report = (demo_audit.out / "report.html").read_text("utf-8")
    assert "removeServerHeader" in report and "乙镇召开春季植树造林动员会" in report
