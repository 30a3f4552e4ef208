"""The HTML report: structure, escaping, accessibility, languages, and a real-browser render."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from reports.html import render_html
from reports.scoring import load_profile, score_results

DATA = Path(__file__).parent / "data"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--no-first-run"]
TRENDS = {"county": [
    {"run_id": "r1", "as_of": "2026-05-20", "score": 58.0, "verdict": "fail", "findings": 31},
    {"run_id": "r2", "as_of": "2026-08-20", "score": 66.5, "verdict": "pass", "findings": 24},
    {"run_id": "r3", "as_of": "2026-11-20", "score": 72.5, "verdict": "pass", "findings": 17},
]}


@pytest.fixture(scope="module")
def results() -> dict:
    data = json.loads((DATA / "results_county.json").read_text(encoding="utf-8"))
    return score_results(data, load_profile("cn-gov-2019"))


@pytest.fixture(scope="module")
def html_zh(results) -> str:
    return render_html(results, "zh", TRENDS)


@pytest.fixture(scope="module")
def soup(html_zh) -> BeautifulSoup:
    return BeautifulSoup(html_zh, "lxml")


def site_section(soup: BeautifulSoup, name: str):
    for article in soup.select("article.site"):
        if name in article.h3.get_text():
            return article
    raise AssertionError(f"no site section for {name}")


def test_report_is_chinese_by_default_with_one_h1(soup):
    assert soup.html["lang"] == "zh-CN"
    assert len(soup.find_all("h1")) == 1
    assert "示例县政府网站季度检查" in soup.h1.get_text()


def test_headings_do_not_skip_levels(soup):
    levels = [int(h.name[1]) for h in soup.find_all(re.compile(r"^h[1-6]$"))]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))


def test_overview_ranks_every_site_by_score_with_verdict_and_vetoes(soup):
    rows = soup.select("#ranking tbody tr")
    names = [row.select("td")[1].get_text(strip=True) for row in rows]
    assert names == ["县教育局", "甲镇人民政府", "示例县人民政府", "县卫生健康局", "乙镇人民政府"]
    unreachable = rows[-1]
    assert unreachable["data-verdict"] == "fail"
    assert "cn-gov-2019.unreachable" in unreachable.get_text()
    assert "cn-gov-2019.empty-columns" in rows[1].get_text()
    assert rows[0].select_one(".badge").get_text() == "合格"


def test_overview_has_distribution_and_dimension_charts(soup):
    overview = soup.select_one("#overview")
    assert overview.select_one("svg.hist title").get_text().startswith("各分数段网站数量")
    bars = overview.select_one("svg.bars")
    assert bars["role"] == "img" and "无障碍" in bars.title.get_text()
    sparks = soup.select("#ranking svg.spark")
    assert len(sparks) == 5
    assert "未评估" in sparks[-1]["aria-label"]


def test_rollup_nests_townships_and_departments_under_the_county(soup):
    tree = soup.select_one("ul.tree")
    top = tree.find("li", recursive=False)
    assert "示例县人民政府" in top.a.get_text()
    children = [li.a.get_text() for li in top.select("ul.tree li")]
    assert set(children) == {"甲镇人民政府", "县教育局", "乙镇人民政府", "县卫生健康局"}


def test_worst_columns_across_the_fleet(soup):
    worst = soup.find("h3", id="worst-h").find_next("table")
    first = worst.select("tbody tr")[0].get_text(" ", strip=True)
    assert "甲镇人民政府" in first and "统计数据" in first and "508" in first


def test_site_page_for_webmasters(soup):
    county = site_section(soup, "示例县人民政府")
    headings = [h.get_text(strip=True) for h in county.find_all("h4")]
    for expected in ["否决项", "维度得分", "得分趋势", "扣分明细", "栏目", "语言版本", "TLS 主机评级",
                     "问题（按规则、页面分组）", "未检查的地址"]:
        assert expected in headings
    columns = county.find("h4", string="栏目").find_next("table")
    header = [th.get_text() for th in columns.select("thead th")]
    assert header == ["栏目", "类别", "最新日期", "距今天数", "更新期限（天）", "状态"]
    assert "通知公告" in columns.get_text() and "超期未更新" in columns.get_text()
    languages = county.find("h4", string="语言版本").find_next("table").get_text()
    assert "mn" in languages and "缺失" in languages
    not_scanned = county.find("h4", string="未检查的地址").find_next("table").get_text()
    assert "robots.txt 禁止" in not_scanned and "HTTP 403" in not_scanned


def test_findings_grouped_by_rule_then_page_with_selector_evidence_ref_and_fix(soup):
    county = site_section(soup, "示例县人民政府")
    groups = county.select("details.group")
    stale = next(g for g in groups if "freshness.column-stale" in g.summary.get_text())
    assert "× 3" in stale.summary.get_text()
    assert len(stale.select("div.page")) == 3
    assert "国办秘函〔2019〕19号" in stale.get_text() and "整改建议" in stale.get_text()
    # Worst severity first.
    assert groups[0].select_one(".sev").get_text() == "高"
    # accessibility findings are shown once per barrier, in their own section, not again here
    assert not any("a11y." in g.summary.get_text() for g in groups)


def test_accessibility_barriers_show_element_pages_why_fix_and_refs(soup):
    county = site_section(soup, "示例县人民政府")
    table = county.find("h4", string="无障碍障碍（按规则和模板元素合并）").find_next("table")
    rows = [row for row in table.select("tbody tr") if row.select("code")[0].get_text() == "a11y.image-alt"]
    assert len(rows) == 2  # two templates: the banner link and the article image
    image_alt = next(row for row in rows if "#banner" in row.get_text())
    text = image_alt.get_text()
    assert "#banner > a > img" in text  # the template element: positions dropped
    assert "WCAG 2.1 1.1.1" in text and "为图片添加 alt 属性" in text
    assert '<img src="/images/banner2.jpg">' in text  # shown as text, not an element
    assert "1 / 212" in text  # pages affected, of the pages checked
    assert len(image_alt.select("td.url a")) == 1  # example pages
    review = county.select_one("details.review")
    assert "a11y.assistive-tool-missing" in review.get_text()  # info results apart, not scored


def test_deductions_and_vetoes_name_their_rule(soup):
    health = site_section(soup, "县卫生健康局")
    vetoes = health.select("ul.vetoes li")
    assert {v.code.get_text() for v in vetoes} == {"cn-gov-2019.homepage-stale",
                                                   "cn-gov-2019.stale-key-columns",
                                                   "cn-gov-2019.interaction"}
    deductions = health.find("h4", string="扣分明细").find_next("table")
    assert all(code.get_text().startswith("cn-gov-2019.") for code in deductions.select("code"))


def test_not_assessed_is_shown_as_such(soup):
    town = site_section(soup, "甲镇人民政府")
    bars = town.select_one("svg.bars")
    assert "安全: 未评估" in bars.title.get_text()
    unreachable = site_section(soup, "乙镇人民政府")
    assert "无法访问" in unreachable.get_text()
    assert unreachable.h3.select_one(".score").get_text() == "得分 —"


def test_tls_table_only_where_results_have_it(soup):
    assert "TLS 主机评级" in site_section(soup, "示例县人民政府").get_text()
    assert "TLS 主机评级" not in site_section(soup, "县教育局").get_text()


def test_audited_markup_is_escaped(html_zh, soup):
    scripts = soup.find_all("script")
    assert len(scripts) == 1 and "alert" not in scripts[0].get_text()
    assert "<script>alert(1)</script>" not in html_zh
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_zh
    assert "<script>alert(1)</script>" in soup.get_text()
    assert not soup.find(attrs={"onfocus": True})


def test_only_http_urls_become_links(results):
    hostile = copy.deepcopy(results)
    county = hostile["sites"][0]
    county["findings"][0]["url"] = "javascript:alert(document.cookie)"
    county["columns"][0]["url"] = "data:text/html,<script>alert(2)</script>"
    county["name"] = '示例县"><img src=x onerror=alert(3)>'
    soup = BeautifulSoup(render_html(hostile, "zh"), "lxml")
    for a in soup.find_all("a", href=True):
        assert a["href"].startswith(("#", "http://", "https://")), a["href"]
    assert "javascript:alert(document.cookie)" in soup.get_text()  # shown, never linked
    assert not soup.find_all("img") and not soup.find(attrs={"onerror": True})


def test_self_contained_with_csp_pinning_the_report_script(soup):
    assert not soup.find_all(["link", "img", "iframe", "object", "embed"])
    assert not soup.find_all("script", src=True)
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert "default-src 'none'" in csp
    script = soup.find("script").string
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    assert f"'sha256-{digest}'" in csp


def test_without_javascript_the_ranking_is_static_and_controls_stay_hidden(soup):
    assert soup.select_one("#ranking-controls").has_attr("hidden")
    assert "启用 JavaScript 后可排序和筛选" in soup.select_one("#ranking-nojs").get_text()
    assert not soup.select("#ranking button")  # sort buttons are added by the script


def test_controls_are_labelled(soup):
    for control in soup.find_all(["input", "select"]):
        assert soup.find("label", attrs={"for": control["id"]}), control
    for table in soup.select("#ranking"):
        assert table.caption and all(th.get("scope") == "col" for th in table.select("thead th"))


def _luminance(hex_color: str) -> float:
    channels = [int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_text_colours_meet_wcag_aa_contrast():
    css = (Path(__file__).parents[1] / "reports/templates/report.css").read_text("utf-8")
    var = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", css))
    pairs = [("fg", "bg"), ("muted", "bg"), ("link", "bg"), ("pass", "pass-bg"),
             ("fail", "fail-bg"), ("na", "na-bg"), ("warn", "warn-bg")]
    for fg, bg in pairs:
        hi, lo = sorted((_luminance(var[fg]), _luminance(var[bg])), reverse=True)
        assert (hi + 0.05) / (lo + 0.05) >= 4.5, (fg, bg)


def test_english_report_uses_the_catalogue(results):
    soup = BeautifulSoup(render_html(results, "en"), "lxml")
    assert soup.html["lang"] == "en"
    text = soup.get_text()
    assert "Sites ranked by score" in text and "Image has no accessible name" in text
    assert "Add an alt attribute describing the image" in text
    assert "Not assessed" in text
    assert "Score trend" not in text  # no history given
    # Chinese names and evidence inside the English report are marked as Chinese (WCAG 3.1.2).
    marked = [span.get_text() for span in soup.select('span[lang="zh-CN"]')]
    names = [s["name"] for s in results["sites"] if any("\u4e00" <= ch <= "\u9fff" for ch in s["name"])]
    assert names and all(name in marked for name in names)
    assert "，" not in soup.select_one("ul.tree").get_text()


def test_trend_shown_only_with_history(soup):
    county = site_section(soup, "示例县人民政府")
    assert county.select_one(".trend polyline")
    assert "2026-05-20" in county.select_one(".trend table").get_text()
    assert not site_section(soup, "县教育局").select_one(".trend")


def test_bad_lang_is_refused(results):
    with pytest.raises(ValueError):
        render_html(results, "fr")


def _playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    return sync_playwright


@pytest.mark.skipif(not Path(CHROMIUM).exists(),
                    reason="chromium is not installed at /usr/bin/chromium "
                           "(apt-get install -y chromium)")
def test_report_renders_in_headless_chromium(tmp_path, html_zh):
    page_path = tmp_path / "report.html"
    page_path.write_text(html_zh, encoding="utf-8")
    shot = tmp_path / "report.png"
    sync_playwright = _playwright()
    if sync_playwright is None:
        _chromium_cli(page_path, shot)
        return
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1600})
            page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
                    if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
            page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
            page.on("request", lambda r: problems.append(f"request: {r.url}")
                    if not r.url.startswith(("file:", "data:")) else None)
            page.goto(page_path.as_uri())
            page.screenshot(path=str(shot), full_page=False)
            assert page.is_visible("#ranking-controls")
            assert page.locator("#ranking thead button.sort").count() >= 5
            page.fill("#filter-text", "镇")
            assert page.locator("#ranking tbody tr:visible").count() == 2
            page.fill("#filter-text", "")
            page.select_option("#filter-verdict", "pass")
            assert page.locator("#ranking tbody tr:visible").count() == 2
            page.select_option("#filter-verdict", "")
            page.click("#ranking thead th:nth-child(5) button")  # score, ascending
            first = page.locator("#ranking tbody tr").first.inner_text()
            assert "乙镇人民政府" in first  # no score sorts first ascending
        finally:
            browser.close()
    assert problems == []
    assert shot.stat().st_size > 10_000
    keep = os.environ.get("AUDITCLI_SCREENSHOT_DIR")
    if keep:
        shutil.copy(shot, Path(keep) / "report.png")


def _chromium_cli(page_path: Path, shot: Path) -> None:
    import subprocess
    base = [CHROMIUM, *CHROMIUM_ARGS, "--enable-logging=stderr", "--v=0"]
    run = subprocess.run([*base, f"--screenshot={shot}", "--window-size=1280,1600",
                          page_path.as_uri()], capture_output=True, text=True, timeout=60)
    assert shot.exists() and shot.stat().st_size > 10_000
    assert "Uncaught" not in run.stderr and "CONSOLE" not in run.stderr.upper().split("ERROR")[0]
    dom = subprocess.run([*base, "--dump-dom", page_path.as_uri()], capture_output=True,
                         text=True, timeout=60).stdout
    soup = BeautifulSoup(dom, "lxml")
    assert soup.select_one("#ranking-controls").get("hidden") is None  # the script ran


def test_the_county_page_shows_its_sub_site_tree_and_shared_content(results):
    """The `coverage` block (county sites) and `shared_content` notes reach the webmaster's and the
    evaluator's page: the roll-up line, one row per branch with its state, the shared columns."""
    data = copy.deepcopy(results)
    county = next(s for s in data["sites"] if s["id"] == "county")
    county["coverage"] = {"zombie_max_age_days": 365, "rollup": {"expected": 3, "linked": 3, "reachable": 2,
                                                                   "kept_up": 1, "unlisted": 1}, "tree": [
        {"site": "town-a", "name": "甲镇人民政府", "url": "http://127.0.0.1:8102/", "level": "township",
         "listed": True, "linked": True, "state": "zombie", "newest": "2025-07-24", "age_days": 500, "detail": None},
        {"site": "town-b", "name": "乙镇人民政府", "url": "http://127.0.0.1:8103/", "level": "township",
         "listed": True, "linked": True, "state": "dead", "newest": None, "age_days": None, "detail": "HTTP 503"},
        {"site": None, "name": "示例县林业和草原局", "url": "http://127.0.0.1:8109/", "level": "department",
         "listed": False, "linked": True, "state": "not-audited", "newest": None, "age_days": None, "detail": None}]}
    county["shared_content"] = [{"column": "部门动态", "url": "http://127.0.0.1:8101/bmdt/", "shared_with": [
        {"site": "dept-edu", "column": "教育动态", "url": "http://127.0.0.1:8104/jydt/", "shared_items": 9}]}]
    page = site_section(BeautifulSoup(render_html(data, "zh", {}), "lxml"), "示例县")
    text = page.get_text(" ", strip=True)
    assert "下级网站：应有 3 个，门户链接 3 个，可访问 2 个，保持更新 1 个；门户链接但未列入检查 1 个" in text
    rows = [r.get_text(" ", strip=True) for r in page.select("p.coverage + div table tbody tr")]
    assert len(rows) == 3
    assert "僵尸网站" in rows[0] and "500" in rows[0]
    assert "无法访问" in rows[1] and "HTTP 503" in rows[1]
    assert "未检查" in rows[2] and "✗" in rows[2]
    assert "部门动态" in text and "教育动态" in text and "转载，非问题" in text
