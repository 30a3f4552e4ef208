"""Three dating errors seen on real portals, each reproduced on pages written as TRS, Hanweb and 开普云 templates
write them: a month directory in a URL read as the month's last day, an article page listed as a one-item
column, and a header clock read as an item's date."""

from __future__ import annotations

import re
import time
from datetime import date
from pathlib import Path
from urllib.parse import urljoin

import pytest

from auditcli.core.models import SiteConfig
from auditcli.stores.pagestore import Link, PageStore, StoredPage
from checks.engine import dates as D
from checks.engine.columnmodel import columns_block, homepage_block
from checks.engine.siteview import SiteView
from tests.test_accuracy import box, homepage_stale, plain_li, trs_home
from tests.test_columns import AS_OF, BASE, article, column_page, li, make_site

PORTALS = Path(__file__).parent / "data" / "portals"


def stored_site(tmp_path, pages: dict[str, tuple[bytes, str]], home: str = "/index.html") -> SiteView:
    """A site whose pages are stored as the crawler stores them: raw bytes in their own charset (GBK for TRS)."""
    store = PageStore(tmp_path / "store")
    config = SiteConfig(id="s", name="某某县人民政府", url=BASE + "/")
    store.register_site("s", config.to_dict())
    for path, (body, charset) in pages.items():
        url = BASE + "/" if path == home else BASE + path
        depth = 0 if path == home else path.count("/") - 1
        store.add_page(StoredPage("s", url, url, 200, {"content-type": f"text/html; charset={charset}"}, body,
                                  charset, "text/html", "page", depth, None, 0.1, time.time()))
        html = body.decode(charset)
        store.add_links("s", [Link(url, urljoin(url, h), re.sub(r"<[^>]+>", "", t), "a", True, "page")
                              for h, t in re.findall(r'<a[^>]*href="([^"]+)"[^>]*>(.*?)</a>', html)])
    store.commit()
    return SiteView(config, store, AS_OF)


def portal(name: str) -> bytes:
    return (PORTALS / name).read_bytes()


# ----------------------------------------------------------------------------------- 1. month-only URL dates
@pytest.mark.parametrize(("url", "expected"), [
    ("http://x.gov.cn/zwgk/tzgg/202310/t4823710.shtml", date(2023, 10, 1)),
    ("http://x.gov.cn/xwzx/202310/abc.html", date(2023, 10, 1)),
    ("http://x.gov.cn/xwzx/202611/abc.html", date(2026, 11, 1)),  # this month: its first day, never the future
])
def test_a_month_directory_dates_an_item_by_the_months_first_day_and_says_so(url, expected) -> None:
    got = D.date_in_url(url)
    assert got == expected and D.is_month_only(got)
    assert not D.is_month_only(D.date_in_url("http://x.gov.cn/xwzx/202310/t20231011_1.shtml"))


def test_a_month_only_url_never_outranks_a_full_date_of_that_month() -> None:
    month = D.date_in_url("http://x.gov.cn/xwzx/202310/abc.html")
    assert D.newest([month, date(2023, 10, 11)], AS_OF) == date(2023, 10, 11)


def article_page(title: str, pubdate: str) -> str:
    return article(title, pubdate)


def month_column(hrefs: list[str]) -> str:
    return column_page("工作动态", "".join(plain_li(h, f"动态{k}") for k, h in enumerate(hrefs)))


def test_a_column_of_month_only_urls_takes_its_articles_own_pubdate(tmp_path) -> None:
    # a page generated on 2023-10-11 in /202310/ is not "updated 2023-10-31"
    hrefs = [f"/xwzx/gzdt/202310/{name}.html" for name in ("abc", "abd", "abe")]
    pages = {"/index.html": trs_home(), "/xwzx/gzdt/index.html": month_column(hrefs)}
    pages |= {h: article_page(f"动态{k}", f"2023-10-{11 - k:02d}") for k, h in enumerate(hrefs)}
    [col] = columns_block(make_site(tmp_path, pages))
    assert (col["latest_date"], col["status"]) == ("2023-10-11", "stale")


def test_a_column_of_month_only_urls_without_its_articles_counts_the_months_first_day(tmp_path) -> None:
    hrefs = ["/xwzx/gzdt/202310/abc.html", "/xwzx/gzdt/202309/abd.html", "/xwzx/gzdt/202309/abe.html"]
    [col] = columns_block(make_site(tmp_path, {"/index.html": trs_home(), "/xwzx/gzdt/index.html": month_column(hrefs)}))
    assert col["latest_date"] == "2023-10-01"


def test_a_full_url_date_still_wins_over_the_articles_pubdate(tmp_path) -> None:
    hrefs = ["/xwzx/gzdt/202310/t20231011_1.html", "/xwzx/gzdt/202310/abc.html", "/xwzx/gzdt/202309/t20230920_2.html"]
    pages = {"/index.html": trs_home(), "/xwzx/gzdt/index.html": month_column(hrefs),
             hrefs[0]: article_page("动态0", "2023-10-25")}  # a republished article: its URL's day is the list's
    [col] = columns_block(make_site(tmp_path, pages))
    assert col["latest_date"] == "2023-10-11"  # the month-only item (2023-10-01) does not outrank it either


def test_a_home_page_of_month_only_urls_is_dated_by_its_articles_not_the_months_end(tmp_path) -> None:
    pages = {"/index.html": (portal("trs_home_month_dirs.html"), "utf-8")}
    pubdates = {"t4823710": "2026-11-03 09:12", "t4823655": "2026-11-02 17:40", "t4823601": "2026-10-30 10:05"}
    for name, when in pubdates.items():
        pages[f"/xwzx/xnyw/202611/{name}.shtml"] = (article_page(name, when).encode("utf-8"), "utf-8")
    site = stored_site(tmp_path, pages)
    block = homepage_block(site)
    assert (block["latest_date"], block["age_days"]) == ("2026-11-03", 17)
    assert [f.check for f in homepage_stale(site)] == ["freshness.homepage-stale"]


def test_a_home_page_of_month_only_urls_alone_counts_the_months_first_day(tmp_path) -> None:
    site = stored_site(tmp_path, {"/index.html": (portal("trs_home_month_dirs.html"), "utf-8")})
    assert homepage_block(site)["latest_date"] == "2026-11-01"


# ----------------------------------------------------------------------------------- 2. an article is never a column
def article_site(tmp_path, body: bytes, charset: str = "gbk") -> SiteView:
    return stored_site(tmp_path, {"/index.html": (trs_home().encode("utf-8"), "utf-8"),
                                  "/zwgk/gsgg/202609/t20260918_4800123.html": (body, charset)})


def test_a_trs_article_page_with_column_metas_is_not_a_column(tmp_path) -> None:
    site = article_site(tmp_path, portal("trs_article_gsgg.html"))
    assert columns_block(site) == []


@pytest.mark.parametrize("drop", [
    '<meta name="ArticleTitle" content="关于2026年度农村低保新增对象名单的公示" />',  # PubDate, ContentSource, 正文
    '<meta name="ContentSource" content="县民政局" />',
])
def test_an_article_page_is_not_a_column_without_all_its_metas(tmp_path, drop) -> None:
    html = portal("trs_article_gsgg.html").decode("gbk").replace(drop, "")
    assert columns_block(article_site(tmp_path, html.encode("gbk"))) == []


HANWEB_ARTICLE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>关于2026年秋季学期学生资助名单的公示</title>
<meta name="SiteName" content="某某区人民政府"><meta name="SiteDomain" content="www.mmq.gov.cn">
<meta name="SiteIDCode" content="3301100001"><meta name="ColumnName" content="公示公告">
<meta name="ColumnType" content="公示公告">{title_meta}<meta name="PubDate" content="2026-09-18 16:42">
<meta name="ContentSource" content="区教育局"></head><body>
<div class="header"><div class="wrap"><img src="/picture/0/logo.png" alt="某某区人民政府"></div></div>
<div class="wrap"><div class="position">您当前的位置：<a href="/">首页</a> &gt; 公示公告</div>
<table class="article-info"><tr><td>发布日期：2026-09-18</td><td>信息来源：区教育局</td><td>2026年11月20日 星期五</td></tr></table>
<div id="zoom"><p>根据有关规定，现将2026年秋季学期学生资助名单予以公示，公示期为5个工作日。</p></div>
<div class="fujian"><ul><li><a href="/module/download/downfile.jsp?classid=0&filename=2609181.xlsx">附件：学生资助名单.xlsx</a></li></ul></div>
</div></body></html>"""


@pytest.mark.parametrize("title_meta", ['<meta name="ArticleTitle" content="关于2026年秋季学期学生资助名单的公示">', ""])
def test_a_hanweb_article_page_is_not_a_column(tmp_path, title_meta) -> None:
    html = HANWEB_ARTICLE.format(title_meta=title_meta)
    assert columns_block(article_site(tmp_path, html.encode("utf-8"), "utf-8")) == []


def test_the_article_is_still_an_item_of_its_real_column(tmp_path) -> None:
    lis = li("./202609/t20260918_4800123.html", "关于2026年度农村低保新增对象名单的公示", "2026-09-18") + "".join(
        li(f"./2026{m:02d}/t2026{m:02d}10_{m}.html", f"公示{m}", f"2026-{m:02d}-10") for m in (8, 7, 6))
    site = stored_site(tmp_path, {
        "/index.html": (trs_home().encode("utf-8"), "utf-8"),
        "/zwgk/gsgg/index.html": (column_page("公示公告", lis).encode("utf-8"), "utf-8"),
        "/zwgk/gsgg/202609/t20260918_4800123.html": (portal("trs_article_gsgg.html"), "gbk"),
    })
    [col] = columns_block(site)
    assert (col["name"], col["latest_date"], col["item_count"]) == ("公示公告", "2026-09-18", 4)


@pytest.mark.parametrize("metas", ["all", "PubDate only"])
def test_a_list_page_stamped_with_a_pubdate_stays_a_column(tmp_path, metas) -> None:
    html = portal("kpy_list_pubdate.html").decode("utf-8")
    if metas == "PubDate only":  # a CMS without the national metas that still stamps its pages
        html = re.sub(r'<meta name="(Column|Site)\w+" content="[^"]*">\n', "", html)
    site = stored_site(tmp_path, {"/index.html": (trs_home().encode("utf-8"), "utf-8"),
                                  "/xwzx/bmdt/index.html": (html.encode("utf-8"), "utf-8")})
    [col] = columns_block(site)
    assert (col["name"], col["item_count"], col["latest_date"], col["status"]) == ("部门动态", 15, "2026-11-02", "stale")


# ----------------------------------------------------------------------------------- 3. a clock is never a date
CLOCKS = {
    "today-is": '<div class="tbar-l">今天是2026年11月20日 星期五</div>',
    "current-time": '<div class="sj"><span>当前时间：2026-11-20 10:31</span></div>',
    "next-to-weather": '<div class="tq"><span>2026年11月20日</span> <span>星期五</span> <span>晴 3~12℃</span></div>',
    "li-with-links": ('<ul class="tools"><li><span>2026年11月20日 星期五</span> <a href="/wza/">无障碍</a>'
                      ' <a href="/login.html">登录</a></li><li><a href="/ghb/">关怀版</a></li></ul>'),
    "table-cell": ('<table class="tb" width="100%"><tr><td>今天是<span id="d">2026年11月20日</span></td>'
                   '<td><a href="/wza/">无障碍</a></td><td><a href="/login.html">登录</a></td></tr></table>'),
    "long-line": ('<div class="w1200">2026年11月20日 星期五 欢迎访问某某县人民政府门户网站！本网站支持IPv6访问，'
                  '建议使用谷歌、火狐、360浏览器极速模式浏览，推荐分辨率1920×1080。 <a href="/wza/">无障碍浏览</a> '
                  '<a href="/ghb/">长者关怀版</a> <a href="/login.html">用户登录</a> <a href="/register.html">注册</a> '
                  '<a href="/en/">English</a> <a href="/mobile/">手机版</a> <a href="/wx/">微信公众号</a></div>'),
    "chinese-numerals": '<p class="rq">二〇二六年十一月二十日　星期五</p>',
    "yearless": '<div class="rq"><span>11月20日</span><span>周五</span></div>',
}


@pytest.mark.parametrize("clock", CLOCKS.values(), ids=CLOCKS.keys())
def test_a_header_clock_never_dates_the_home_page(tmp_path, clock) -> None:
    home = trs_home(box("通知公告", "/zwgk/tzgg/", li("/zwgk/tzgg/202610/t20261020_1.html", "关于冬季供暖的通知", "2026-10-20")
                        + li("/zwgk/tzgg/202610/t20261008_2.html", "关于调整公交线路的公告", "2026-10-08")))
    home = home.replace('<div class="main">', clock + '<div class="main">', 1)
    site = make_site(tmp_path, {"/index.html": home})
    assert homepage_block(site)["latest_date"] == "2026-10-20"
    assert [f.check for f in homepage_stale(site)] == ["freshness.homepage-stale"]


def test_the_phantom_column_of_the_article_is_not_dated_by_its_clock(tmp_path) -> None:
    from checks.engine.listparse import summarise
    from checks.engine.siteview import Page

    site = article_site(tmp_path, portal("trs_article_gsgg.html"))
    stored = site.store.page("s", BASE + "/zwgk/gsgg/202609/t20260918_4800123.html")
    s = summarise(Page(stored), AS_OF)
    assert s.is_article and s.pub_date == date(2026, 9, 18)
    assert date(2026, 11, 20) not in s.content_dates and all(r.date is None for r in s.rows)


@pytest.mark.parametrize(("text", "expected"), [
    ("关于冬季供暖的通知 2026-11-18 今天是2026年11月20日 星期五", [date(2026, 11, 18)]),
    ("今天是2026年11月20日 星期五 关于冬季供暖的通知 2026-11-18", [date(2026, 11, 18)]),
    ("发布时间：2026-11-18 来源：县政府办", [date(2026, 11, 18)]),
    ("今日起施行的新规 2026-11-18", [date(2026, 11, 18)]),  # 今日 not before a date: no clock
    ("当前时间为：2026-11-20 10:31", []),
    ("北京时间 2026/11/20 10:31:05 星期五", []),
    ("星期五 2026年11月20日", []),
    ("2026-11-20 10:31 礼拜五", []),
    # an explicit publication label introduces the article's own date, weekday or not
    ("发布时间：2026年11月18日 星期三　来源：县卫健委", [date(2026, 11, 18)]),
    ("日期：2026年11月20日 星期五", []),  # a bare 日期 with a weekday: the header clock of many templates
])
def test_clock_expressions_in_running_text(text, expected) -> None:
    assert D.dates_in_text(text, AS_OF) == expected


def test_a_clock_in_a_top_bar_row_dates_none_of_its_links_and_a_real_row_keeps_its_date(tmp_path) -> None:
    from auditcli.core.tree import parse
    from checks.engine.listparse import _drop_clocks, best_list

    root = parse('<body><ul class="tools"><li>今天是<span>2026年11月20日</span> <a href="/wza/">无障碍</a></li>'
                 '<li><span>2026-11-20</span><span>周五</span><a href="/login.html">登录</a></li></ul>'
                 '<ul class="list"><li><a href="/tzgg/t20261118_1.html">关于冬季供暖的通知</a><span>2026-11-18</span></li>'
                 '</ul></body>')
    root = _drop_clocks(root)
    _, _, every, _ = best_list(root.find("body"), BASE + "/", AS_OF)
    assert {r.title: r.date for r in every} == {"无障碍": None, "登录": None, "关于冬季供暖的通知": date(2026, 11, 18)}
