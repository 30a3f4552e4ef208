"""content.future-date and content.date-mismatch on TRS/Hanweb-style portal pages, in a synthetic page store."""

from __future__ import annotations

import re
import time
from datetime import date
from urllib.parse import urljoin

from auditcli.core.models import SiteConfig
from auditcli.stores.pagestore import Link, PageStore, StoredPage
from checks.engine import dates as D
from checks.engine.columnmodel import columns_block, homepage_block
from checks.engine.registry import all_checks, select
from checks.engine.runner import run_site
from checks.engine.siteview import SiteView

AS_OF = date(2026, 11, 20)
BASE = "http://www.sl.gov.cn"
HEADER = ('<div class="topbar"><span class="clock">今天是2026年11月20日 星期五</span></div>'
          '<div class="header"><h1>示例县人民政府</h1></div>'
          '<ul class="nav"><li><a href="/index.html">首页</a></li><li><a href="/xwzx/zwyw/index.html">政务要闻</a></li>'
          '<li><a href="/zfxxgk/tzgg/index.html">通知公告</a></li></ul>')
FOOTER = '<div class="footer"><p>© 2005-2026 示例县人民政府 版权所有</p><p>网站标识码：1504000001</p></div>'


def doc(body: str, *, title: str = "示例县人民政府", metas: dict[str, str] | None = None) -> str:
    m = "".join(f'<meta name="{k}" content="{v}">' for k, v in (metas or {}).items())
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>{m}</head>'
            f'<body>{HEADER}<div class="main">{body}</div>{FOOTER}</body></html>')


def column_page(name: str, rows: list[tuple[str, str, str | None]]) -> str:
    lis = "".join(f'<li><a href="{href}" target="_blank" title="{title}">{title}</a>'
                  + (f"<span>{when}</span>" if when else "") + "</li>" for href, title, when in rows)
    return doc(f'<div class="location">当前位置：<a href="/">首页</a> &gt; {name}</div>'
               f'<div class="list-box"><h2 class="column-title">{name}</h2><ul class="list">{lis}</ul></div>',
               title=f"{name}_示例县人民政府", metas={"ColumnName": name, "ColumnType": name})


def article(title: str, *, pubdate: str | None, info: str, body: str = "<p>正文。</p>") -> str:
    metas = {"ArticleTitle": title, "ContentSource": "县政府办", **({"PubDate": pubdate} if pubdate else {})}
    return doc(f'<div class="article"><h1>{title}</h1><div class="info">{info}</div>'
               f'<div class="TRS_Editor">{body}</div></div>', title=f"{title}_示例县人民政府", metas=metas)


HOME = doc('<div class="block"><h2>政务要闻<a href="/xwzx/zwyw/index.html">更多</a></h2><ul class="list">'
           '<li><a href="/xwzx/zwyw/202611/t20261118_1.html">县政府召开常务会议</a><span>2026-11-18</span></li>'
           '</ul></div>', metas={"SiteName": "示例县人民政府"})


def make_site(tmp_path, pages: dict[str, str]) -> SiteView:
    store = PageStore(tmp_path / "store")
    config = SiteConfig(id="s", name="示例县人民政府", url=BASE + "/")
    store.register_site("s", config.to_dict())
    for path, html in {"/index.html": HOME, **pages}.items():
        url = config.url if path == "/index.html" else BASE + path
        depth = 0 if path == "/index.html" else 1 if path.count("/") <= 3 else 2
        store.add_page(StoredPage("s", url, url, 200, {"content-type": "text/html; charset=utf-8"},
                                  html.encode("utf-8"), "utf-8", "text/html", "page", depth, None, 0.1, time.time()))
        store.add_links("s", [Link(url, urljoin(url, h), re.sub(r"<[^>]+>", "", t), "a", True, "page")
                              for h, t in re.findall(r'<a[^>]*href="([^"]+)"[^>]*>(.*?)</a>', html)])
    store.commit()
    return SiteView(config, store, AS_OF)


def findings(site: SiteView, check_id: str) -> list:
    out = run_site(site, select(all_checks(), [check_id, "freshness", "columns"], None))
    assert not out.errors, out.errors
    return [f for f in out.findings if f.check == check_id]


NEWS = [("./202611/t20261118_1.html", "县政府召开常务会议", "2026-11-18"),
        ("./202611/t20261112_2.html", "县长调研冬季供暖保障工作", "2026-11-12"),
        ("./202611/t20261105_3.html", "全县安全生产工作会议召开", "2026-11-05"),
        ("./202610/t20261028_4.html", "县政府与高校签订合作协议", "2026-10-28")]


# ---------------------------------------------------------------------------------------- future dates
def test_a_list_row_dated_after_the_as_of_day_is_reported_and_freshness_ignores_it(tmp_path) -> None:
    rows = [("./202701/t20270105_9.html", "关于2027年春节期间值班安排的通知", "2027-01-05"), *NEWS]
    site = make_site(tmp_path, {"/xwzx/zwyw/index.html": column_page("政务要闻", rows)})
    found = findings(site, "content.future-date")
    assert len(found) == 1
    f = found[0]
    assert f.url == BASE + "/xwzx/zwyw/index.html"
    assert f.data["date"] == "2027-01-05" and f.data["as_of"] == "2026-11-20" and f.data["days_ahead"] == 46
    assert f.data["item"] == BASE + "/xwzx/zwyw/202701/t20270105_9.html"
    assert f.selector.endswith("li:nth-of-type(1)")
    column = next(c for c in columns_block(site) if c["name"] == "政务要闻")
    assert column["latest_date"] == "2026-11-18"  # the future row still does not count as the newest


def test_an_article_whose_pubdate_is_in_the_future_is_reported_once_with_its_list_row(tmp_path) -> None:
    future = "/xwzx/zwyw/202612/t20261230_9.html"
    site = make_site(tmp_path, {
        "/xwzx/zwyw/index.html": column_page("政务要闻", [("./202612/t20261230_9.html", "县领导走访慰问困难群众",
                                                       "2026-12-30"), *NEWS]),
        future: article("县领导走访慰问困难群众", pubdate="2026-12-30 09:30",
                        info="发布时间：2026-12-30 09:30　来源：县政府办")})
    found = findings(site, "content.future-date")
    assert [(f.url, f.data["source"]) for f in found] == [(BASE + "/xwzx/zwyw/index.html", "list")]


def test_an_article_alone_is_reported_from_its_pubdate(tmp_path) -> None:
    path = "/xwzx/zwyw/content_77.html"
    site = make_site(tmp_path, {path: article("示例县2026年度民生实事完成情况", pubdate="2027-02-01 10:00",
                                              info="发布时间：2027-02-01　来源：县政府办")})
    found = findings(site, "content.future-date")
    assert [(f.url, f.data["date"], f.data["source"]) for f in found] == [(BASE + path, "2027-02-01", "article")]
    assert homepage_block(site)["latest_date"] == "2026-11-18"


def test_event_dates_yearless_dates_and_the_grace_day_are_not_future(tmp_path) -> None:
    rows = [("./202611/t20261120_8.html", "关于2027年元旦假期安排的通知", "2026-11-20"),  # an event date in a title
            ("./202611/t20261121_7.html", "县政府常务会议研究冬春农田水利建设", "2026-11-21"),  # one day: grace
            ("./202512/t20251225_6.html", "县委召开年终工作总结会议", "[12-25]"), *NEWS]  # yearless: last year
    site = make_site(tmp_path, {
        "/xwzx/zwyw/index.html": column_page("政务要闻", rows),
        "/xwzx/zwyw/202611/t20261118_1.html": article(
            "县政府召开常务会议", pubdate="2026-11-18 09:30", info="发布时间：2026-11-18 09:30",
            body="<p>会议时间：2027年1月5日。会议研究部署2027年度重点工作，活动日期：2027年3月1日。</p>")})
    assert findings(site, "content.future-date") == []


# ---------------------------------------------------------------------------------------- URL dates
def test_an_article_showing_a_date_months_from_its_url_date_is_one_finding_with_its_row(tmp_path) -> None:
    path = "/xwzx/zwyw/202611/t20261117_5.html"
    site = make_site(tmp_path, {
        "/xwzx/zwyw/index.html": column_page("政务要闻", [*NEWS, ("./202611/t20261117_5.html", "县政府召开三季度经济运行分析会",
                                                              "2026-08-30")]),
        path: article("县政府召开三季度经济运行分析会", pubdate="2026-08-30 10:00",
                      info="发布时间：2026-08-30 10:00　来源：县发改委")})
    found = findings(site, "content.date-mismatch")
    assert len(found) == 1
    f = found[0]
    assert (f.url, f.data["source"], f.data["url_date"], f.data["date"]) == (BASE + path, "article", "2026-11-17",
                                                                          "2026-08-30")
    assert f.data["gap_days"] == 79 and f.data["review"] is True
    assert f.message.startswith("需人工复核") and "三季度经济运行分析会" in f.message


def test_a_list_row_far_from_its_url_date_is_reported_when_its_article_was_not_fetched(tmp_path) -> None:
    rows = [*NEWS, ("/art/2026/11/6/art_1562_4410.html", "县委理论学习中心组专题学习", "2026-06-06")]  # Hanweb URL
    site = make_site(tmp_path, {"/xwzx/zwyw/index.html": column_page("政务要闻", rows)})
    found = findings(site, "content.date-mismatch")
    assert [(f.url, f.data["source"], f.data["gap_days"]) for f in found] == [
        (BASE + "/xwzx/zwyw/index.html", "list", 153)]


def test_a_month_only_url_is_compared_with_its_whole_month(tmp_path) -> None:
    site = make_site(tmp_path, {
        "/zfxxgk/tzgg/202611/a1.html": article("关于开展冬季消防检查的通知", pubdate="2026-11-29",
                                               info="发布日期：2026-11-29"),
        "/zfxxgk/tzgg/202611/a2.html": article("关于征集民生实事项目的公告", pubdate="2026-09-20",
                                               info="发布日期：2026-09-20")})
    found = findings(site, "content.date-mismatch")
    assert [(f.url, f.data["url_date"], f.data["gap_days"]) for f in found] == [
        (BASE + "/zfxxgk/tzgg/202611/a2.html", "2026-11", 42)]


def test_signing_dates_attachments_reposts_and_a_migration_batch_are_not_mismatches(tmp_path) -> None:
    policy = article("示例县人民政府关于印发示例县冬春季森林防火工作方案的通知", pubdate=None,
                     info="索引号：11150400MB1234567X/2026-00123　成文日期：2026-03-01　发布日期：2026-11-18")
    migrated = {f"/xwzx/zwyw/202611/t20261102_{n}.html": article(f"县政府召开第{n}次常务会议", pubdate=f"2019-0{n}-10",
                                                                  info=f"发布时间：2019-0{n}-10")
                for n in range(1, 7)}
    rows = [*NEWS, ("/uploadfiles/202301/P020230105123.pdf", "示例县2026年政府工作报告（全文）", "2026-11-10"),
            ("http://www.gov.cn/zhengce/content/2025-05/12/content_7000001.htm", "国务院关于进一步优化营商环境的意见",
             "2026-11-09")]
    site = make_site(tmp_path, {"/zfxxgk/tzgg/202611/t20261118_5.html": policy,
                                "/xwzx/zwyw/index.html": column_page("政务要闻", rows), **migrated})
    assert findings(site, "content.date-mismatch") == []


# ---------------------------------------------------------------------------------------- the date rules
def test_publication_labels_start_a_phrase_and_signing_dates_are_not_publication_dates() -> None:
    text = "索引号：2026-001 成文日期：2026-03-01 发布日期：2026-11-18 会议时间：2027-01-05 日期：2026-11-19"
    assert D.publication_dates({}, text) == [date(2026, 11, 18), date(2026, 11, 19)]
    assert D.publication_dates({"PubDate": "2026-11-17 08:00"}, "信息发布时间：2026年11月18日") == [
        date(2026, 11, 17), date(2026, 11, 18)]


def test_gap_to_a_month_only_url_date_counts_from_the_month_edges() -> None:
    month = D.date_in_url("http://x.gov.cn/tzgg/202611/a.html")
    assert D.is_month_only(month)
    assert [D.gap_days(date(2026, 11, d), month) for d in (1, 30)] == [0, 0]
    assert D.gap_days(date(2026, 10, 31), month) == 1 and D.gap_days(date(2026, 12, 3), month) == 3
    assert D.gap_days(date(2026, 11, 1), date(2026, 11, 18)) == 17
