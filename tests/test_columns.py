"""Column discovery, items, dates and statuses on real-looking portal HTML, in a synthetic page store."""

from __future__ import annotations

import re
import time
from datetime import date
from urllib.parse import urljoin

import pytest

from auditcli.core.models import ColumnOverride, SiteConfig
from auditcli.stores.pagestore import Link, PageStore, StoredPage
from checks.engine.columnmodel import columns_block, columns_model, homepage_block
from checks.engine.registry import all_checks, select
from checks.engine.runner import run_site
from checks.engine.siteview import SiteView
from reports.scoring import column_counts, load_profile

AS_OF = date(2026, 11, 20)
BASE = "http://www.sl.gov.cn"
HEADER = ('<div class="topbar"><span class="clock">今天是2026年11月20日 星期五</span></div>'
          '<div class="header"><h1>示例县人民政府</h1></div>'
          '<ul class="nav"><li><a href="/index.html">首页</a></li><li><a href="/xwzx/index.html">新闻中心</a></li>'
          '<li><a href="/zfxxgk/index.html">政府信息公开</a></li><li><a href="/hdjl/index.html">互动交流</a></li></ul>')
FOOTER = '<div class="footer"><p>© 2005-2026 示例县人民政府 版权所有</p><p>网站标识码：1504000001</p></div>'


def doc(body: str, *, title: str = "示例县人民政府", metas: dict[str, str] | None = None,
        charset: str = "utf-8") -> str:
    m = "".join(f'<meta name="{k}" content="{v}">' for k, v in (metas or {}).items())
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="{charset}"><title>{title}</title>{m}</head>'
            f'<body>{HEADER}<div class="main">{body}</div>{FOOTER}</body></html>')


def column_page(name: str, lis: str, *, ctype: str | None = None, extra: str = "") -> str:
    return doc(f'<div class="location">当前位置：<a href="/">首页</a> &gt; {name}</div>'
               f'<div class="list-box"><h2 class="column-title">{name}</h2><ul class="list">{lis}</ul>{extra}</div>',
               title=name, metas={"ColumnName": name, "ColumnType": ctype or name})


def li(href: str, title: str, when: str | None = None, pinned: bool = False) -> str:
    span = f"<span>{when}</span>" if when else ""
    cls = ' class="top"' if pinned else ""
    mark = '<b class="top">[置顶]</b>' if pinned else ""
    return f'<li{cls}><a href="{href}" target="_blank">{mark}{title}</a>{span}</li>'


def article(title: str, when: str | None) -> str:
    metas = {"ArticleTitle": title, **({"PubDate": when} if when else {})}
    info = f"发布日期：{when}" if when else "来源：县政府办"
    return doc(f'<div class="article"><h1>{title}</h1><div class="info">{info}</div><p>正文。</p></div>',
               title=title, metas=metas)


def make_site(tmp_path, pages: dict[str, str | tuple[int, str]], *, overrides=(), home: str = "/index.html",
              config_url: str = BASE + "/") -> SiteView:
    store = PageStore(tmp_path / "store")
    config = SiteConfig(id="s", name="示例县人民政府", url=config_url, columns=tuple(overrides))
    store.register_site("s", config.to_dict())
    for path, spec in pages.items():
        status, html = spec if isinstance(spec, tuple) else (200, spec)
        url = BASE + path
        if path == home:
            url = config_url
        depth = 0 if path == home else (1 if path.count("/") <= 2 else 2)
        store.add_page(StoredPage("s", url, url, status, {"content-type": "text/html; charset=utf-8"},
                                  html.encode("utf-8"), "utf-8", "text/html", "page", depth, None, 0.1,
                                  time.time()))
        links = [Link(url, urljoin(url, h), re.sub(r"<[^>]+>", "", text), "a", True, "page")
                 for h, text in re.findall(r'<a[^>]*href="([^"]+)"[^>]*>(.*?)</a>', html)]
        store.add_links("s", links)
    store.commit()
    return SiteView(config, store, AS_OF)


def columns_of(site: SiteView) -> dict[str, dict]:
    return {c["name"]: c for c in columns_block(site)}


HOME = doc('<div class="block"><h2>要闻<a href="/xwzx/zwyw/index.html">更多</a></h2><ul class="list">'
           + li("/xwzx/zwyw/202611/t20261118_1.html", "县政府召开常务会议", "2026-11-18")
           + '</ul></div><div class="block"><h2>公告<a href="/xwzx/tzgg/index.html">更多</a></h2></div>',
           metas={"SiteName": "示例县人民政府"})


def test_fresh_news_column_with_meta_category(tmp_path) -> None:
    site = make_site(tmp_path, {
        "/index.html": HOME,
        "/xwzx/zwyw/index.html": column_page("政务要闻", "".join(
            li(f"./202611/t202611{d:02d}_{d}.html", f"要闻{d}", f"2026-11-{d:02d}") for d in (18, 15, 10)),
            ctype="新闻动态"),
    })
    col = columns_of(site)["政务要闻"]
    assert col["status"] == "fresh"
    assert col["category"] == "news" and col["top_level"]
    assert col["latest_date"] == "2026-11-18" and col["age_days"] == 2 and col["item_count"] == 3


def test_stale_news_column_is_flagged_with_its_newest_item(tmp_path) -> None:
    site = make_site(tmp_path, {
        "/index.html": HOME,
        "/xwzx/bmdt/index.html": column_page("部门动态", li("./a.html", "部门动态一", "2026-09-21")
                                            + li("./b.html", "部门动态二", "2026-09-14")),
    })
    col = columns_of(site)["部门动态"]
    assert (col["status"], col["latest_date"], col["max_age_days"]) == ("stale", "2026-09-21", 14)
    out = run_site(site, select(all_checks(), ["freshness.column-stale"], None))
    [finding] = out.findings
    assert finding.data["column"] == "部门动态" and "部门动态一" in finding.evidence
    assert finding.selector and "li" in finding.selector


def test_oldest_first_list_is_judged_by_its_newest_item(tmp_path) -> None:
    lis = "".join(li(f"./t{n}.html", f"图片新闻{n}", f"2026-{m:02d}-01") for n, m in enumerate((3, 6, 9, 11)))
    site = make_site(tmp_path, {"/index.html": HOME, "/xwzx/tpxw/index.html": column_page("图片新闻", lis)})
    assert columns_of(site)["图片新闻"]["latest_date"] == "2026-11-01"


def test_old_pinned_item_on_top_does_not_make_a_fresh_list_stale(tmp_path) -> None:
    lis = li("./old.html", "关于网站集约化的说明", "2024-12-01", pinned=True) + li("./new.html", "工作动态", "2026-11-19")
    site = make_site(tmp_path, {"/index.html": HOME, "/xwzx/gzdt/index.html": column_page("工作动态", lis)})
    assert columns_of(site)["工作动态"]["status"] == "fresh"


def test_yearless_dates_take_the_year_that_is_not_in_the_future(tmp_path) -> None:
    lis = li("./content_1.html", "媒体聚焦一", "[11-17]") + li("./content_2.html", "媒体聚焦二", "[12-30]")
    site = make_site(tmp_path, {"/index.html": HOME, "/xwzx/mtjj/index.html": column_page("媒体聚焦", lis)})
    assert columns_of(site)["媒体聚焦"]["latest_date"] == "2026-11-17"


def test_list_without_dates_is_dated_from_detail_pages(tmp_path) -> None:
    site = make_site(tmp_path, {
        "/index.html": HOME,
        "/zcjd/index.html": column_page("政策解读", li("./content_1.html", "图解一") + li("./content_2.html", "图解二")),
        "/zcjd/content_1.html": article("图解一", "2026-10-31 09:30"),
        "/zcjd/content_2.html": article("图解二", "2026-10-16 09:30"),
    })
    col = columns_of(site)["政策解读"]
    assert (col["status"], col["latest_date"], col["category"]) == ("fresh", "2026-10-31", "policy")


def test_undated_column_is_reported_not_dropped(tmp_path) -> None:
    site = make_site(tmp_path, {
        "/index.html": HOME,
        "/bszn/index.html": column_page("办事指南", li("./content_1.html", "身份证办理") + li("./content_2.html", "社保登记")),
        "/bszn/content_1.html": article("身份证办理", None),
    })
    assert columns_of(site)["办事指南"]["status"] == "undated"
    out = run_site(site, select(all_checks(), ["freshness.undated-column"], None))
    assert [f.severity for f in out.findings] == ["info"]


@pytest.mark.parametrize("placeholder", ["暂无信息", "暂无数据", "正在建设中", "栏目建设中", "No records"])
def test_placeholder_column_is_empty(tmp_path, placeholder: str) -> None:
    site = make_site(tmp_path, {"/index.html": HOME, "/rsxx/index.html": column_page(
        "人事信息", "", extra=f'<div class="no-data"><p>{placeholder}</p></div>')})
    col = columns_of(site)["人事信息"]
    assert col["status"] == "empty" and placeholder in col["evidence"]
    out = run_site(site, select(all_checks(), ["columns.empty"], None))
    [finding] = out.findings
    assert finding.severity == "high" and "no-data" in (finding.selector or "")


def test_empty_list_with_a_pager_is_still_empty(tmp_path) -> None:
    pager = ('<div class="page">共 0 条记录 第 1/1 页 <a href="index.html">首页</a> <a href="index.html">上一页</a>'
             ' <a href="index.html">下一页</a> <a href="index.html">尾页</a></div>')
    site = make_site(tmp_path, {"/index.html": HOME, "/tjxx/index.html": column_page("统计信息", "", extra=pager)})
    assert columns_of(site)["统计信息"]["status"] == "empty"


def test_word_zanwu_elsewhere_on_a_real_list_is_not_emptiness(tmp_path) -> None:
    side = '<div class="side"><h3>热点专题</h3><p>暂无</p></div>'
    site = make_site(tmp_path, {"/index.html": HOME, "/tzgg/index.html": column_page(
        "通知公告", li("./t20261101_1.html", "关于供暖的通知", "2026-11-01"), extra=side)})
    assert columns_of(site)["通知公告"]["status"] == "fresh"


def test_list_whose_every_item_is_broken_is_empty(tmp_path) -> None:
    site = make_site(tmp_path, {
        "/index.html": HOME,
        "/gsgg/index.html": column_page("公示公告", li("./t20261101_1.html", "公示一", "2026-11-01")
                                        + li("./t20261102_2.html", "公示二", "2026-11-02")),
        "/gsgg/t20261101_1.html": (404, "<h1>404</h1>"),
        "/gsgg/t20261102_2.html": (404, "<h1>404</h1>"),
    })
    col = columns_of(site)["公示公告"]
    assert col["status"] == "empty" and "失效" in col["evidence"]


def test_hanweb_datastore_records_are_items_not_emptiness(tmp_path) -> None:
    records = "".join(
        f'<record><![CDATA[\n<li><a href="/art/2026/11/{d}/art_1001_{d}.html" target="_blank">镇内要闻{d}</a>'
        f"<span>2026-11-{d:02d}</span></li>\n]]></record>" for d in (19, 17, 15))
    body = ('<div id="3927"><script type="text/xml">\n<datastore>\n<nextgroup><![CDATA[<a href="/module/web/jpage/'
            f'dataproxy.jsp?page=1">下一页</a>]]></nextgroup>\n<recordset>\n{records}\n</recordset>\n</datastore>\n'
            '</script><script>$(function(){ $("#3927").jpage({totalRecord: 3, perPage: 25}); });</script></div>')
    site = make_site(tmp_path, {"/index.html": HOME, "/col/col1001/index.html": doc(
        f'<div class="list-box"><h2 class="column-title">镇内要闻</h2>{body}</div>',
        metas={"ColumnName": "镇内要闻", "ColumnType": "新闻动态"})})
    col = columns_of(site)["镇内要闻"]
    assert (col["status"], col["latest_date"], col["item_count"]) == ("fresh", "2026-11-19", 3)


def test_pagination_pages_are_one_column(tmp_path) -> None:
    pager = '<script>createPageHTML(2, 0, "index", "html");</script>'
    site = make_site(tmp_path, {
        "/index.html": HOME,
        "/tzgg/index.html": column_page("通知公告", li("./t20260601_1.html", "通知一", "2026-06-01"), extra=pager),
        "/tzgg/index_1.html": column_page("通知公告", li("./t20260101_2.html", "通知二", "2026-01-01"), extra=pager),
    })
    cols = columns_block(site)
    assert len(cols) == 1 and cols[0]["item_count"] == 2 and cols[0]["url"].endswith("/tzgg/index.html")


def test_static_pages_and_hubs_are_not_columns(tmp_path) -> None:
    static = doc('<div class="article"><h1>机构职能</h1><p>示例县人民政府是县级国家行政机关。</p></div>',
                 metas={"ColumnName": "机构职能"})
    hub = doc('<ul class="sub-nav"><li><a href="/tzgg/index.html">通知公告</a></li>'
              '<li><a href="/jgzn/index.html">机构职能</a></li></ul>', title="政府信息公开")
    site = make_site(tmp_path, {
        "/index.html": HOME, "/jgzn/index.html": static, "/zfxxgk/index.html": hub,
        "/tzgg/index.html": column_page("通知公告", li("./t20261101_1.html", "通知", "2026-11-01")),
    })
    assert set(columns_of(site)) == {"通知公告"}


def test_gbk_page_with_chinese_numeral_dates(tmp_path) -> None:
    html = column_page("党建工作", li("./content_1.html", "党建一", "二〇二六年三月二十五日"), ctype="党建")
    site = make_site(tmp_path, {"/index.html": HOME})
    url = BASE + "/djgz/index.html"
    site.store.add_page(StoredPage("s", url, url, 200, {"content-type": "text/html; charset=gbk"},
                                   html.replace('charset="utf-8"', 'charset="gbk"').replace("©", "(C)").encode("gbk"), "gbk",
                                   "text/html", "page", 1, None, 0.1, time.time()))
    site.store.commit()
    col = columns_of(site)["党建工作"]
    assert (col["latest_date"], col["status"], col["category"]) == ("2026-03-25", "fresh", "other")


def test_sites_file_override_sets_the_limit(tmp_path) -> None:
    site = make_site(tmp_path, {"/index.html": HOME, "/xzdt/index.html": column_page(
        "乡镇动态", li("./t20261101_1.html", "动态", "2026-11-01"), ctype="新闻动态")},
        overrides=[ColumnOverride(match="乡镇动态", max_age_days=30)])
    col = columns_of(site)["乡镇动态"]
    assert (col["max_age_days"], col["status"]) == (30, "fresh")


def test_homepage_clock_and_copyright_are_not_content_dates(tmp_path) -> None:
    home = doc('<div class="block"><h2>要闻</h2><ul class="list">'
               + li("/a/t20260901_1.html", "要闻", "2026-09-01") + "</ul></div>")
    site = make_site(tmp_path, {"/index.html": home})
    block = homepage_block(site)
    assert (block["latest_date"], block["age_days"], block["judged_by"]) == ("2026-09-01", 80, "homepage")
    out = run_site(site, select(all_checks(), ["freshness.homepage-stale"], None))
    assert [f.check for f in out.findings] == ["freshness.homepage-stale"]


def test_navigation_only_homepage_is_judged_by_second_level_pages(tmp_path) -> None:
    home = doc('<div class="entries"><a href="/xwzx/index.html"><img src="/i/xw.png" alt="新闻中心"></a>'
               '<a href="/zfxxgk/index.html"><img src="/i/gk.png" alt="政府信息公开"></a></div>')
    site = make_site(tmp_path, {
        "/index.html": home,
        "/xwzx/index.html": column_page("新闻中心", li("./t20261112_1.html", "要闻", "2026-11-12")
                                        + li("./t20261110_2.html", "要闻二", "2026-11-10")),
    })
    block = homepage_block(site)
    assert (block["judged_by"], block["latest_date"]) == ("second-level", "2026-11-12")


def test_counts_for_the_veto_rules(tmp_path) -> None:
    pages = {"/index.html": doc('<a href="/tzgg/index.html">通知公告</a>')}
    pages["/tzgg/index.html"] = column_page("通知公告", li("./t20260101_1.html", "通知", "2026-01-01"))
    pages["/zcwj/index.html"] = column_page("政策文件", li("./t20260101_2.html", "文件", "2026-01-01"))
    pages["/gzdt/index.html"] = column_page("工作动态", li("./t20261001_3.html", "动态", "2026-10-01"))
    pages["/rsxx/index.html"] = column_page("人事信息", "", extra="<p>暂无信息</p>")
    site = make_site(tmp_path, pages)
    counts = column_counts({"columns": columns_block(site)}, load_profile())
    # news (any level) + top-level notice; the policy column is not linked from the home page
    assert counts == {"stale_key_columns": 2, "stale_columns": 3, "empty_columns": 1, "undated_columns": 0}


def test_letter_list_overdue_and_timely_replies(tmp_path) -> None:
    rows = [("供暖问题", "2026-11-16", "2026-11-16", "已回复"), ("工资拖欠", "2026-07-23", "", "未回复"),
            ("饮水工程", "2026-03-15", "2026-07-13", "已回复"), ("公交站点", "2026-10-06", "", "办理中"),
            ("草原补奖", "2025-07-08", "2025-11-05", "已回复")]
    table = ('<table class="letters"><tr><th>标题</th><th>来信时间</th><th>回复时间</th><th>状态</th></tr>'
             + "".join(f'<tr><td><a href="/hdjl/xzxx/letter_{n}.html">{t}</a></td><td>{a}</td><td>{r}</td><td>{s}</td></tr>'
                       for n, (t, a, r, s) in enumerate(rows)) + "</table>")
    site = make_site(tmp_path, {"/index.html": HOME, "/hdjl/xzxx/index.html": doc(
        table, title="县长信箱", metas={"ColumnName": "县长信箱", "ColumnType": "互动交流"})})
    out = run_site(site, select(all_checks(), ["interaction"], None))
    overdue = sorted(f.data["letter"].rsplit("/", 1)[1] for f in out.findings if f.check == "interaction.reply-overdue")
    assert overdue == ["letter_1.html", "letter_2.html"]
    assert not [f for f in out.findings if f.check == "interaction.no-channel"]


def test_no_channel_without_any_consultation_link(tmp_path) -> None:
    site = make_site(tmp_path, {"/index.html": doc("<p>欢迎访问</p>").replace("互动交流", "便民服务")})
    out = run_site(site, select(all_checks(), ["interaction.no-channel"], None))
    assert [f.check for f in out.findings] == ["interaction.no-channel"]


def test_table_list_without_column_metas_is_found(tmp_path) -> None:
    rows = "".join(f'<tr><td><a href="/xxgk/2026/11/{d:02d}/art_{d}.html">公开信息{d}</a></td><td>2026/11/{d:02d}</td></tr>'
                   for d in (3, 9, 12))
    page = doc(f'<div class="location">当前位置：首页 &gt; 政务信息</div><table class="tab">{rows}</table>', title="政务信息")
    site = make_site(tmp_path, {"/index.html": HOME, "/zwxx/index.html": page})
    col = columns_of(site)["政务信息"]
    assert (col["status"], col["latest_date"], col["category"]) == ("fresh", "2026-11-12", "news")


def test_article_of_an_older_cms_without_metas_is_not_a_column(tmp_path) -> None:
    related = "".join(li(f"/a/t202611{d:02d}_{d}.html", f"相关{d}", f"2026-11-{d:02d}") for d in (1, 2, 3))
    page = doc('<div class="content"><h1>关于冬季供暖的通知</h1><p>发布时间：2026-11-05</p><p>正文。</p></div>'
               f'<div class="related"><ul>{related}</ul></div>', title="关于冬季供暖的通知")
    site = make_site(tmp_path, {"/index.html": HOME, "/tzgg/t20261105_9.html": page})
    assert columns_of(site) == {}


def test_search_page_saying_nothing_found_is_not_an_empty_column(tmp_path) -> None:
    page = doc('<ul class="list"></ul><p>没有找到相关结果</p><div class="page">共 0 条</div>', title="站内搜索")
    site = make_site(tmp_path, {"/index.html": HOME, "/search/index.html": page})
    assert columns_of(site) == {}


def test_yearless_date_in_its_own_cell_of_a_long_row(tmp_path) -> None:
    lis = "".join(f'<li><a href="./content_{d}.html">媒体聚焦{d}</a><span class="src">来源：内蒙古日报社融媒体中心新闻客户端</span>'
                  f"<span>[11-{d:02d}]</span></li>" for d in (10, 12))
    site = make_site(tmp_path, {"/index.html": HOME, "/mtjj/index.html": column_page("媒体聚焦", lis)})
    assert columns_of(site)["媒体聚焦"]["latest_date"] == "2026-11-12"


def test_letter_pages_alone_give_question_and_reply_dates(tmp_path) -> None:
    late = doc('<div class="letter"><h1>反映供水问题</h1><p>来信时间：2026-05-01</p><p>状态：办理中</p></div>',
               title="反映供水问题")
    answered = doc('<div class="letter"><h1>咨询医保</h1><p>来信时间：2026-05-01</p>'
                   '<p>答复时间：2026年5月20日</p><p>已回复</p></div>', title="咨询医保")
    site = make_site(tmp_path, {"/index.html": HOME, "/hdjl/l1.html": late, "/hdjl/l2.html": answered})
    out = run_site(site, select(all_checks(), ["interaction.reply-overdue"], None))
    assert [f.data["letter"] for f in out.findings] == [BASE + "/hdjl/l1.html"]


def test_interview_and_petition_columns_are_not_letter_lists(tmp_path) -> None:
    table = ('<table><tr><th>主题</th><th>提问时间</th><th>回复时间</th></tr>'
             '<tr><td><a href="/ft/1.html">在线访谈提问</a></td><td>2026-03-01</td><td></td></tr></table>')
    site = make_site(tmp_path, {"/index.html": HOME, "/ft/index.html": doc(table, title="在线访谈")})
    out = run_site(site, select(all_checks(), ["interaction.reply-overdue"], None))
    assert out.findings == []


def test_link_to_the_parent_portals_mailbox_is_a_channel(tmp_path) -> None:
    home = doc('<div class="block"><h2>互动</h2><a href="http://www.county.gov.cn/hdjl/xzxx/">县长信箱</a></div>')
    site = make_site(tmp_path, {"/index.html": home.replace("互动交流", "便民服务")})
    out = run_site(site, select(all_checks(), ["interaction.no-channel"], None))
    assert out.findings == []


def test_definition_list_rows_take_their_date_from_the_dd(tmp_path) -> None:
    dl = "".join(f'<dl><dt><a href="./content_{d}.html">公告{d}</a></dt><dd>2026-10-{d:02d}</dd></dl>' for d in (1, 9))
    page = doc(f'<div class="list-box"><h2>公示公告</h2><div class="list">{dl}</div></div>',
               metas={"ColumnName": "公示公告"})
    site = make_site(tmp_path, {"/index.html": HOME, "/gsgg/index.html": page})
    assert columns_of(site)["公示公告"]["latest_date"] == "2026-10-09"


def test_home_page_without_visible_dates_is_dated_by_its_items(tmp_path) -> None:
    home = doc('<div class="block"><h2>要闻</h2><ul><li><a href="/xw/202611/t20261103_1.html">要闻一</a></li>'
               '<li><a href="/xw/content_2.html">要闻二</a></li></ul></div>')
    site = make_site(tmp_path, {"/index.html": home, "/xw/content_2.html": article("要闻二", "2026-11-10 08:00")})
    block = homepage_block(site)
    assert (block["latest_date"], block["judged_by"]) == ("2026-11-10", "homepage")


def test_single_page_column_with_text_is_not_empty(tmp_path) -> None:
    text = "示例县2025年国民经济和社会发展统计公报全文如下。" * 8
    page = doc(f'<h2 class="column-title">统计公报</h2><div class="text"><p>{text}</p></div>',
               metas={"ColumnName": "统计公报"})
    site = make_site(tmp_path, {"/index.html": HOME, "/tjgb/index.html": page})
    assert columns_of(site) == {}


def test_static_page_that_only_says_under_construction_is_empty(tmp_path) -> None:
    page = doc('<h2 class="column-title">机构职能</h2><p>栏目建设中</p>', metas={"ColumnName": "机构职能"})
    site = make_site(tmp_path, {"/index.html": HOME, "/jgzn/index.html": page})
    assert columns_of(site)["机构职能"]["status"] == "empty"


def test_a_fresh_sidebar_does_not_hide_a_stale_column(tmp_path) -> None:
    hot = "".join(li(f"/xw/t202611{d:02d}_{d}.html", f"热点{d}", f"2026-11-{d:02d}") for d in range(1, 9))
    page = column_page("通知公告", li("./t20260102_1.html", "通知一", "2026-01-02") + li("./t20260101_2.html", "通知二", "2026-01-01"),
                       extra=f'<div class="side-hot"><h3>热点排行</h3><ul>{hot}</ul></div>')
    site = make_site(tmp_path, {"/index.html": HOME, "/tzgg/index.html": page})
    col = columns_of(site)["通知公告"]
    assert (col["status"], col["latest_date"], col["item_count"]) == ("stale", "2026-01-02", 2)


def test_a_column_menu_beside_an_undated_list_is_not_the_list(tmp_path) -> None:
    menu = "".join(f'<li><a href="/bmfw/c{n}/index.html">子栏目{n}</a></li>' for n in range(6))
    items = li("./content_1.html", "身份证办理指南") + li("./content_2.html", "社保登记指南")
    page = doc(f'<div class="left"><ul>{menu}</ul></div><div class="list-box"><h2 class="column-title">办事指南</h2>'
               f'<ul class="list">{items}</ul></div>', metas={"ColumnName": "办事指南"})
    site = make_site(tmp_path, {"/index.html": HOME, "/bmfw/bszn/index.html": page})
    col = columns_of(site)["办事指南"]
    assert (col["status"], col["item_count"]) == ("undated", 2)


def test_undated_news_column_is_counted_as_an_undated_key_column(tmp_path) -> None:
    items = "".join(li(f"./content_{i}.html", f"乡镇工作动态{i}") for i in range(4))
    site = make_site(tmp_path, {"/index.html": doc('<a href="/gzdt/index.html">工作动态</a>'),
                                "/gzdt/index.html": column_page("工作动态", items)})
    profile = load_profile()
    counts = column_counts({"columns": columns_block(site)}, profile)
    # 未注明发布时间的视为不更新: the undated news column is a key column not updated under cn-gov-2019
    assert (counts["undated_columns"], counts["stale_key_columns"]) == (1, 1)


@pytest.mark.parametrize("beside", ['<div class="sidebar"><div class="hot"><h3>热点信息</h3><ul>{}</ul></div></div>',
                                    '<div class="r"><div class="box"><h3>最新信息</h3><ul>{}</ul></div></div>'])
def test_placeholder_in_the_main_list_is_empty_though_another_box_has_dated_rows(tmp_path, beside: str) -> None:
    hot = "".join(li(f"/xwzx/t202611{d:02d}_{d}.html", f"热点新闻{d}", f"2026-11-{d:02d}") for d in (18, 16, 12))
    page = doc('<div class="location">当前位置：首页 &gt; 乡镇动态</div><div class="list-box"><h2 class="column-title">'
               '乡镇动态</h2><ul class="list"><li class="nodata">暂无信息</li></ul></div>' + beside.format(hot),
               title="乡镇动态", metas={"ColumnName": "乡镇动态"})
    site = make_site(tmp_path, {"/index.html": HOME, "/xzdt/index.html": page})
    col = columns_of(site)["乡镇动态"]
    assert (col["status"], col["latest_date"], col["evidence"]) == ("empty", None, "暂无信息")
    [finding] = run_site(site, select(all_checks(), ["columns.empty"], None)).findings
    assert finding.selector and finding.selector.endswith("ul.list > li.nodata")


def test_empty_findings_speak_english(tmp_path) -> None:
    pager = '<div class="page">共 0 条记录 第 1/1 页 <a href="index.html">首页</a> <a href="index.html">尾页</a></div>'
    site = make_site(tmp_path, {
        "/index.html": HOME,
        "/tjxx/index.html": column_page("统计信息", "", extra=pager),
        "/rsxx/index.html": column_page("人事信息", "", extra='<div class="no-data"><p>暂无信息</p></div>'),
        "/gsgg/index.html": column_page("公示公告", li("./t20261101_1.html", "公示一", "2026-11-01")
                                        + li("./t20261102_2.html", "公示二", "2026-11-02")),
        "/gsgg/t20261101_1.html": (404, "<h1>404</h1>"),
        "/gsgg/t20261102_2.html": (404, "<h1>404</h1>"),
    })
    out = run_site(site, select(all_checks(), ["columns.empty"], None))
    english = {f.data["column"]: f.message_en for f in out.findings}
    assert english == {
        "统计信息": "Column “统计信息” has no content (the list declares 0 records)",
        "人事信息": "Column “人事信息” has no content (the list says “暂无信息”)",
        "公示公告": "Column “公示公告” has no content (all 2 item links are broken, e.g. “公示一”)",
    }


def test_yearless_newest_first_list_takes_its_years_together(tmp_path) -> None:
    lis = "".join(li(f"./content_{n}.html", f"工作动态{n}", f"[{md}]") for n, md in enumerate(("12-15", "11-28", "10-03", "09-01")))
    site = make_site(tmp_path, {"/index.html": HOME, "/gzdt/index.html": column_page("工作动态", lis)})
    col = columns_of(site)["工作动态"]
    assert (col["status"], col["latest_date"], col["age_days"]) == ("stale", "2025-12-15", 340)


def test_yearless_oldest_first_list_takes_its_years_together(tmp_path) -> None:
    lis = "".join(li(f"./content_{n}.html", f"图片新闻{n}", f"{md}") for n, md in enumerate(("09-01", "10-03", "11-28", "12-15")))
    site = make_site(tmp_path, {"/index.html": HOME, "/tpxw/index.html": column_page("图片新闻", lis)})
    assert columns_of(site)["图片新闻"]["latest_date"] == "2025-12-15"


@pytest.mark.parametrize("path", ["/xzdt/index.html", "/col/col3012/index.html", "/zwgk/xzdt.html"])
def test_list_of_one_or_two_dated_items_is_still_a_column(tmp_path, path: str) -> None:
    items = li("./202611/t20261112_2.html", "乡镇动态二", "2026-11-12") + li("./202610/t20261030_1.html", "乡镇动态一", "2026-10-30")
    page = doc(f'<div class="location">当前位置：首页 &gt; 乡镇动态</div><ul class="list">{items}</ul>', title="乡镇动态")
    home = HOME.replace('<div class="block"><h2>公告', '<a href="/zwgk/xzdt.html">乡镇动态</a><div class="block"><h2>公告')
    site = make_site(tmp_path, {"/index.html": home, path: page})
    col = columns_of(site)["乡镇动态"]
    assert (col["status"], col["latest_date"], col["item_count"]) == ("fresh", "2026-11-12", 2)


def test_small_lists_on_articles_and_static_pages_are_not_columns(tmp_path) -> None:
    related = '<ul class="list">' + li("/xw/t20261101_1.html", "相关一", "2026-11-01") + "</ul>"
    detail = doc(f'<div class="con"><h1>我县召开秋季防火会议</h1><p>正文。</p></div>{related}', title="我县召开秋季防火会议")
    static = doc(f'<div class="location">当前位置：首页 &gt; 乡镇概况</div><p>乡镇概况全文。</p>{related}', title="乡镇概况")
    home = HOME.replace('<div class="block"><h2>公告', '<a href="/xw/content_9.html">我县召开秋季防火会议</a>'
                        '<div class="block"><h2>公告')
    site = make_site(tmp_path, {"/index.html": home, "/xw/content_9.html": detail, "/xzgk/index.html": static,
                                "/xw/list.html": column_page("新闻", li("/xw/content_9.html", "防火会议", "2026-11-02"))})
    assert set(columns_of(site)) == {"新闻"}


def test_dates_written_into_the_link_text_or_its_title(tmp_path) -> None:
    lis = ('<li><a href="./content_3.html">乡党委召开专题会议（2026-11-10）</a></li>'
           '<li><a href="./content_2.html" title="关于秋季防火的通知 2026-11-08">关于秋季防火的通知</a></li>'
           '<li><a href="./content_1.html">关于2026年1月1日起施行新规定的公告[11-03]</a></li>')
    site = make_site(tmp_path, {"/index.html": HOME, "/xzdt/index.html": column_page("乡镇动态", lis)})
    model = columns_model(site)
    [col] = model.columns
    assert [(r.title, r.date and r.date.isoformat()) for r in col.items] == [
        ("乡党委召开专题会议", "2026-11-10"), ("关于秋季防火的通知", "2026-11-08"),
        ("关于2026年1月1日起施行新规定的公告", "2026-11-03")]


def test_table_row_selector_selects_the_item_row_in_a_browser_tree(tmp_path) -> None:
    from bs4 import BeautifulSoup

    rows = "".join(f'<tr><td><a href="/xxgk/t202611{d:02d}_{d}.html">公开信息{d}</a></td><td>2026-11-{d:02d}</td></tr>'
                   for d in (12, 9, 3))
    html = doc('<div class="location">当前位置：首页 &gt; 政务信息</div><table class="tab"><tr><th>标题</th>'
               f'<th>日期</th></tr>{rows}</table>', title="政务信息")
    site = make_site(tmp_path, {"/index.html": HOME, "/zwxx/index.html": html})
    [col] = columns_model(site).columns
    assert col.status == "fresh" and col.selector
    for tree in (html, html.replace("<tr><th>", "<tbody><tr><th>").replace("</table>", "</tbody></table>")):
        [hit] = BeautifulSoup(tree, "html.parser").select(col.selector)  # without and with the browser's <tbody>
        assert hit.name == "tr" and "公开信息12" in hit.get_text()


# ------------------------------------------------------------------------------------------ review fixes
def test_static_pages_are_never_columns_though_their_links_carry_dates(tmp_path) -> None:
    units = "".join(f'<li><a href="./202101/t2021010{n}_2{n}.html">{u}</a></li>'
                    for n, u in enumerate(("党政综合办公室", "经济发展办公室", "社会事务办公室", "综合执法局"), 1))
    leaders = "".join(f'<li><a href="./201906/t2019061{n}_1{n}.html">{who}</a><span>{duty}</span></li>'
                      for n, (who, duty) in enumerate((("张三", "党委书记"), ("李四", "镇长"), ("王五", "副镇长"),
                                                       ("赵六", "纪委书记")), 1))
    home = HOME.replace('<div class="block"><h2>公告', '<a href="/jgzn/">机构职能</a><a href="/ldzc/">领导之窗</a>'
                        '<div class="block"><h2>公告')
    site = make_site(tmp_path, {
        "/index.html": home,
        "/jgzn/index.html": doc(f'<div class="location">当前位置：首页 &gt; 机构职能</div><ul class="list">{units}</ul>',
                                title="机构职能_示例县人民政府"),
        "/ldzc/index.html": doc(f'<div class="location">当前位置：首页 &gt; 领导之窗</div><ul class="list">{leaders}</ul>',
                                title="领导之窗_示例县人民政府"),
    })
    assert columns_of(site) == {}
    assert run_site(site, select(all_checks(), ["freshness.column-stale"], None)).findings == []


LETTER_ROWS = [("反映村道破损", "2025-01-06", "2025-01-20", "已回复"), ("咨询医保缴费", "2024-12-02", "2024-12-10", "已回复"),
               ("建议增设路灯", "2024-11-11", "2024-11-30", "已回复")]


@pytest.mark.parametrize(("name", "heads"), [("书记信箱", ("标题", "来信时间", "回复时间", "状态")),
                                             ("群众之声", ("主题", "留言时间", "答复时间", "办理状态"))])
def test_a_quiet_letter_list_is_not_a_stale_column(tmp_path, name: str, heads: tuple[str, ...]) -> None:
    table = ('<table class="tab">' + "<tr>" + "".join(f"<th>{h}</th>" for h in heads) + "</tr>"
             + "".join(f'<tr><td><a href="/hdjl/sjxx/letter_{n}.html">{t}</a></td><td>{a}</td><td>{r}</td><td>{s}</td></tr>'
                       for n, (t, a, r, s) in enumerate(LETTER_ROWS)) + "</table>")
    page = doc(f'<div class="location">当前位置：首页 &gt; 互动 &gt; {name}</div>'
               f'<div class="list-box"><h2 class="column-title">{name}</h2>{table}</div>', title=name)
    site = make_site(tmp_path, {"/index.html": HOME.replace("公告<a", f'公告<a href="/hdjl/sjxx/">{name}</a><a'),
                                "/hdjl/sjxx/index.html": page})
    assert name not in columns_of(site)
    assert run_site(site, select(all_checks(), ["freshness.column-stale"], None)).findings == []


@pytest.mark.parametrize(("crumb", "title", "want"), [
    ('<div class="place"><strong>当前位置:</strong> <a href="/">主页</a> &gt; <a href="/czyjs/">财政预决算</a> &gt; </div>',
     "财政预决算_某某县新闻出版局", ("财政预决算", "finance")),
    ('<div class="crumbs"><a href="/">首页</a> &gt; <a href="/ghjh/">规划计划</a></div>',
     "规划计划 - 某某县青少年活动中心", ("规划计划", "planning")),
    ("", "规划计划 - 某某县青少年活动中心", ("规划计划", "planning")),
    ("", "示例县人民政府 | 财政预决算", ("财政预决算", "finance")),
])
def test_the_site_name_never_changes_a_columns_category(tmp_path, crumb: str, title: str, want: tuple[str, str]) -> None:
    rows = "".join(f'<li><a href="/ghjh/{m}.html">文件{m}</a><span>2026-{m:02d}-01</span></li>' for m in (3, 4, 5))
    site = make_site(tmp_path, {"/index.html": HOME, "/ghjh/index.html": doc(
        f'{crumb}<div class="listbox"><ul class="e2">{rows}</ul></div>', title=title)})
    [col] = columns_block(site)
    assert (col["name"], col["category"], col["status"]) == (*want, "fresh")


def test_empty_named_list_box_without_placeholder_or_pager_is_empty(tmp_path) -> None:
    box = '<div class="list_box"><h2>政策文件</h2><ul class="list"></ul></div>'
    site = make_site(tmp_path, {
        "/index.html": HOME.replace("公告<a", '公告<a href="/zcwj/index.html">政策文件</a><a'),
        "/zcwj/index.html": doc(box, title="政策文件_示例县人民政府"),
        "/xw/gk.shtml": doc(box, title="政策文件"),  # nothing leads here: no evidence it is a column
    })
    assert list(columns_of(site)) == ["政策文件"]
    col = columns_of(site)["政策文件"]
    assert (col["status"], col["url"]) == ("empty", BASE + "/zcwj/index.html")
    [finding] = run_site(site, select(all_checks(), ["columns.empty"], None)).findings
    assert finding.selector and finding.selector.endswith("ul.list")


def test_dedecms_empty_pager_declares_zero_records(tmp_path) -> None:
    page = doc('<div class="place">当前位置: <a href="/">主页</a> &gt; <a href="/a/xzdt/">乡镇动态</a> &gt;</div>'
               '<div class="news_list"><ul class="e2"></ul></div><div class="dede_pages"><ul class="pagelist">'
               '<span class="pageinfo">共 <strong>0</strong>页<strong>0</strong>条记录</span></ul></div>',
               title="乡镇动态_某某镇人民政府")
    site = make_site(tmp_path, {"/index.html": HOME, "/a/xzdt/index.html": page})
    col = columns_of(site)["乡镇动态"]
    assert (col["status"], col["evidence"], col["category"]) == ("empty", "共 0 条记录", "news")


def test_list_box_words_are_list_words_and_menus_are_not() -> None:
    from checks.engine.listparse import is_list_word

    assert all(map(is_list_word, ["list", "news_list", "listbox", "list_box", "lb", "newslist", "news-list", "xxgk_list"]))
    assert not any(map(is_list_word, ["nav", "navlist", "menu_list", "sidebar", "side_list", "pagelist", "links", "main"]))


LAWS = ("中华人民共和国土地管理法", "中华人民共和国城乡规划法", "中华人民共和国森林法", "中华人民共和国草原法")


def _laws_page() -> str:
    items = "".join(f'<li><a href="/zcfg/{n}.html">{t}</a></li>' for n, t in enumerate(LAWS))
    return doc(f'<div class="news_list"><h2>政策法规</h2><ul>{items}</ul></div>', title="政策法规_示例县人民政府")


def test_undated_list_box_without_metas_is_an_undated_column(tmp_path) -> None:
    site = make_site(tmp_path, {"/index.html": HOME, "/zcfg/index.html": _laws_page()})
    col = columns_of(site)["政策法规"]
    assert (col["status"], col["item_count"]) == ("undated", 4)
    assert [f.check for f in run_site(site, select(all_checks(), ["freshness.undated-column"], None)).findings] == [
        "freshness.undated-column"]


def test_undated_list_box_is_dated_from_its_detail_pages(tmp_path) -> None:
    pages = {"/index.html": HOME, "/zcfg/index.html": _laws_page()}
    for n, t in enumerate(LAWS):
        pages[f"/zcfg/{n}.html"] = doc(f'<div class="content"><h1>{t}</h1><p>发布时间：2024-0{9 - n}-01</p>'
                                       "<p>第一条 为了加强管理，制定本法。</p></div>", title=t)
    site = make_site(tmp_path, pages)
    col = columns_of(site)["政策法规"]
    assert (col["status"], col["latest_date"], col["category"]) == ("stale", "2024-09-01", "policy")


def test_hubs_link_lists_and_sitemaps_in_list_boxes_are_not_columns(tmp_path) -> None:
    hub = "".join(f'<li><a href="/{p}/index.html">{t}</a></li>' for p, t in
                  (("zcwj", "政策文件"), ("tzgg", "通知公告"), ("ghjh", "规划计划"), ("rsxx", "人事信息"), ("czyjs", "财政预决算")))
    links = "".join(f'<li><a href="http://www.{d}.gov.cn/">{t}</a></li>' for d, t in
                    (("gov", "中国政府网"), ("nmg", "内蒙古自治区人民政府"), ("cf", "赤峰市人民政府")))
    sitemap = "".join(f'<li><a href="/{p}.html">{t}</a></li>' for p, t in
                      (("about", "本站介绍"), ("help", "使用说明"), ("contact", "信息反馈"), ("rss", "订阅")))
    home = HOME.replace("公告<a", '公告<a href="/zfxxgk/ml/index.html">政府信息公开目录</a><a href="/yqlj/">友情链接</a>'
                        '<a href="/wzdt/">网站地图</a><a')
    site = make_site(tmp_path, {
        "/index.html": home,
        "/zfxxgk/ml/index.html": doc(f'<div class="news_list"><h2>政府信息公开目录</h2><ul>{hub}</ul></div>',
                                     title="政府信息公开目录_示例县人民政府"),
        "/yqlj/index.html": doc(f'<div class="list"><h2>友情链接</h2><ul>{links}</ul></div>', title="友情链接"),
        "/wzdt/index.html": doc(f'<div class="list_box"><h2>网站地图</h2><ul>{sitemap}</ul></div>', title="网站地图"),
    })
    assert columns_of(site) == {}
