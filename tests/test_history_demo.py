"""The diff lifecycle over three audits of a demo farm whose pages change between runs."""

from __future__ import annotations

import json

import yaml

from auditcli.demo import DemoFarm
from tests.conftest import DEMO_AS_OF, FAST, run_cli

PLACEHOLDER = '<ul class="list"></ul><div class="no-data"><p>暂无信息</p></div>'
REAL_LIST = ('<ul class="list"><li><a href="./202611/t20261110_9001.html">关于人事任免的通知</a>'
             "<span>2026-11-10</span></li></ul>")
ARTICLE = ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>关于人事任免的通知</title>'
           '<meta name="PubDate" content="2026-11-10 09:00"></head><body><p>任免事项。</p></body></html>')


def test_new_fixed_persisting_and_regressed_over_three_changing_runs(tmp_path):
    history = tmp_path / "history.sqlite"
    with DemoFarm(as_of=DEMO_AS_OF, root=tmp_path / "farm") as farm:
        config = yaml.safe_load(farm.sites_file.read_text("utf-8"))
        config["sites"] = [site for site in config["sites"] if site["id"] == "county"]
        sites_file = tmp_path / "county.yaml"
        sites_file.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
        docroot = farm.root / "county"
        column = docroot / "zfxxgk/fdzdgknr/rsxx/index.html"
        home = docroot / "index.html"
        original_column, original_home = column.read_text("utf-8"), home.read_text("utf-8")
        assert PLACEHOLDER in original_column

        def audit(run: int):
            out = tmp_path / f"run{run}"
            # to the column's depth (2): the lifecycle is under test, not the crawl (half the county's pages)
            result = run_cli("audit", str(sites_file), "--out", str(out), "--only", "links,columns",
                             "--max-depth", "2",
                             "--format", "html", "--history", str(history), *FAST)
            assert result.returncode == 0, result.stderr
            return out / "results.json"

        first = audit(1)
        # Run 2: the webmaster fills the empty column; a new page links to a page that is gone.
        column.write_text(original_column.replace(PLACEHOLDER, REAL_LIST), "utf-8")
        (column.parent / "202611").mkdir()
        (column.parent / "202611" / "t20261110_9001.html").write_text(ARTICLE, "utf-8")
        home.write_text(original_home.replace("</body>", '<a href="/xwzx/gone.html">往期回顾</a></body>'), "utf-8")
        second = audit(2)
        # Run 3: the column is emptied again (a regression); the dead link is still there.
        column.write_text(original_column, "utf-8")
        third = audit(3)

    def diff(old, new):
        result = run_cli("diff", str(old), str(new), "--json", "--history", str(history))
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    def about(entries, text):
        return [f for f in entries if text in f.get("url", "") or text in json.dumps(f, ensure_ascii=False)]

    def site_diff(report):
        (county,) = [s for s in report["sites"] if s["site_id"] == "county"]
        return county

    one_two = site_diff(diff(first, second))
    assert about(one_two["fixed"], "rsxx") and not about(one_two["new"], "rsxx")
    assert about(one_two["new"], "gone.html")
    two_three = site_diff(diff(second, third))
    assert about(two_three["regressed"], "rsxx"), "fixed in run 2, back in run 3: regressed, not new"
    assert about(two_three["persisting"], "gone.html")
    trend = run_cli("history", "county", "--history", str(history), "--json")
    assert trend.returncode == 0, trend.stderr
    assert [run["findings"] is not None for run in json.loads(trend.stdout)] == [True, True, True]

    # The report of run 3 shows the same lifecycle to the webmaster.
    from bs4 import BeautifulSoup

    html = BeautifulSoup((third.parent / "report.html").read_text("utf-8"), "lxml")
    changes = html.select_one("p.changes").get_text(" ", strip=True)
    assert "复现 1" in changes and "已整改 0" in changes
    regressed = [li for li in html.select("li") if li.select_one(".st-regressed")]
    assert len(regressed) == 1 and "人事信息" in regressed[0].get_text()
    second_html = BeautifulSoup((second.parent / "report.html").read_text("utf-8"), "lxml")
    assert "rsxx" in second_html.select_one("details.fixed").get_text()
