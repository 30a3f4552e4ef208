"""Accuracy on real portals (issue 14): the classes of false veto and false "missing" claim, each guarded
on pages written as TRS (拓尔思) and Hanweb (大汉) portals write them."""

from __future__ import annotations

from datetime import date

import pytest

from auditcli.core.tree import Element, parse
from checks import identity as ident
from checks.engine.columnmodel import columns_block, columns_model, homepage_block
from checks.engine.listparse import PAGER_SCRIPT
from checks.engine.registry import all_checks, select
from checks.engine.runner import run_site
from tests.test_columns import AS_OF, article, column_page, doc, li, make_site

assert date(2026, 11, 20) == AS_OF  # the dates below are written for it


def trs_home(*blocks: str) -> str:
    """A TRS county home page: several boxes, each a title with 更多 and a list."""
    return doc("".join(blocks), metas={"SiteName": "示例县人民政府", "SiteDomain": "www.sl.gov.cn",
                                        "SiteIDCode": "1504000001"})


def box(title: str, more: str, lis: str, cls: str = "list") -> str:
    return (f'<div class="index-box"><div class="box-title"><h3>{title}</h3><a href="{more}" class="more">更多&gt;&gt;</a>'
            f'</div><ul class="{cls}">{lis}</ul></div>')


def plain_li(href: str, title: str) -> str:
    return f'<li><a href="{href}" target="_blank" title="{title}">{title}</a></li>'


def homepage_stale(site) -> list:
    return run_site(site, select(all_checks(), ["freshness.homepage-stale"], None)).findings


# ----------------------------------------------------------------------------------- class 1
@pytest.mark.parametrize("href", [
    "./xwzx/tpxw/202611/t20261112_5501.html",      # TRS: ./YYYYMM/tYYYYMMDD_N.html
    "/art/2026/11/12/art_1229_5501.html",          # Hanweb: /art/Y/m/d/
    "/xwzx/tpxw/2026/11/12/5501.shtml",            # /YYYY/MM/DD/
    "/xwzx/tpxw/2026-11/12/c_5501.htm",            # /YYYY-MM/DD/
])
def test_home_items_without_a_visible_date_are_dated_by_their_urls(tmp_path, href) -> None:
    # 图片新闻 shows no dates; 通知公告 shows older ones. Judging by the shown dates alone is a false veto.
    home = trs_home(
        box("通知公告", "/xwzx/tzgg/", li("/xwzx/tzgg/202610/t20261020_1.html", "关于冬季供暖的通知", "2026-10-20")
            + li("/xwzx/tzgg/202610/t20261008_2.html", "关于调整公交线路的公告", "2026-10-08")),
        box("图片新闻", "/xwzx/tpxw/", plain_li(href, "县领导调研冬季供暖保障工作")
            + plain_li("./xwzx/tpxw/202610/t20261030_5500.html", "全县森林草原防火检查")),
    )
    site = make_site(tmp_path, {"/index.html": home})
    block = homepage_block(site)
    assert (block["latest_date"], block["age_days"], block["judged_by"]) == ("2026-11-12", 8, "homepage")
    assert homepage_stale(site) == []


def test_home_month_directory_counts_as_its_month(tmp_path) -> None:
    home = trs_home(
        box("要闻", "/xwzx/zwyw/", li("/xwzx/zwyw/202609/t20260920_1.html", "要闻", "2026-09-20")),
        box("专题", "/zt/", plain_li("/zt/202611/W020261105_3.html", "专题报道")),
    )
    block = homepage_block(make_site(tmp_path, {"/index.html": home}))
    # /202611/ names the month only: a range, counted by its first day (never its end, nor after as_of)
    assert block["latest_date"] == "2026-11-01"


def test_home_items_with_neither_date_take_the_date_of_the_article_they_open(tmp_path) -> None:
    home = trs_home(
        box("政务要闻", "/xwzx/zwyw/", li("/xwzx/zwyw/202609/t20260910_1.html", "要闻一", "2026-09-10")),
        box("部门动态", "/xwzx/bmdt/", plain_li("/xwzx/bmdt/content_88.html", "县教育局召开会议")
            + plain_li("/xwzx/bmdt/content_87.html", "县卫健委开展义诊")),
    )
    labelled = doc('<div class="article"><h1>县卫健委开展义诊</h1><div class="info">发布时间：2026-11-16 10:20'
                   '　来源：县卫健委</div><div class="TRS_Editor"><p>正文。</p></div></div>', title="县卫健委开展义诊")
    site = make_site(tmp_path, {
        "/index.html": home,
        "/xwzx/bmdt/content_88.html": article("县教育局召开会议", "2026-11-09 08:00"),  # PubDate meta
        "/xwzx/bmdt/content_87.html": labelled,                                         # 发布时间 label only
    })
    assert homepage_block(site)["latest_date"] == "2026-11-16"
    assert homepage_stale(site) == []


def test_home_shown_dates_still_judge_when_the_undated_items_are_older(tmp_path) -> None:
    home = trs_home(
        box("要闻", "/xwzx/zwyw/", li("/xwzx/zwyw/content_1.html", "要闻", "2026-09-01")),
        box("图片", "/xwzx/tpxw/", plain_li("/xwzx/tpxw/202608/t20260801_2.html", "图片新闻")),
    )
    site = make_site(tmp_path, {"/index.html": home})
    assert homepage_block(site)["latest_date"] == "2026-09-01"
    assert [f.check for f in homepage_stale(site)] == ["freshness.homepage-stale"]


# ----------------------------------------------------------------------------------- class 2
def yl(href: str, title: str, md: str) -> str:
    return li(href, title, f"[{md}]")


def test_a_lone_yearless_date_takes_the_year_of_its_url_dated_neighbours(tmp_path) -> None:
    # 政策法规 (other, 365 days): the items are from 2023 by their URLs; one item has a plain URL.
    lis = (yl("./content_7712.html", "关于印发农村公路养护办法的通知", "10-09")
           + yl("./202309/t20230920_7711.html", "关于加强耕地保护的实施意见", "09-20")
           + yl("./202308/t20230816_7710.html", "关于促进民营经济发展的若干意见", "08-16"))
    site = make_site(tmp_path, {"/index.html": trs_home(), "/zcfg/index.html": column_page("政策法规", lis)})
    col = {c["name"]: c for c in columns_block(site)}["政策法规"]
    assert (col["latest_date"], col["status"]) == ("2023-10-09", "stale")


def test_a_lone_yearless_date_takes_the_year_of_full_dates_in_the_same_list(tmp_path) -> None:
    lis = (yl("./content_3.html", "关于开展冬季消防检查的通知", "11-05")
           + li("./content_2.html", "关于公开招聘社区工作者的公告", "2024-10-15")
           + li("./content_1.html", "关于调整部分公交线路的公告", "2024-09-02"))
    site = make_site(tmp_path, {"/index.html": trs_home(), "/tzgg/index.html": column_page("通知公告", lis)})
    col = {c["name"]: c for c in columns_block(site)}["通知公告"]
    assert (col["latest_date"], col["status"]) == ("2024-11-05", "stale")


def test_context_never_places_a_yearless_date_after_as_of(tmp_path) -> None:
    lis = (li("./202611/t20261118_2.html", "全县冬季供暖保障工作会议召开", "2026-11-18")
           + yl("./content_1.html", "去年同期工作回顾", "11-25"))
    lis += lis.replace("_2.", "_3.").replace("content_1", "content_0")
    site = make_site(tmp_path, {"/index.html": trs_home(), "/gzdt/index.html": column_page("工作动态", lis)})
    col = {c["name"]: c for c in columns_block(site)}["工作动态"]
    assert col["latest_date"] == "2026-11-18"
    rows = [r for r in columns_model(site).columns[0].items if r.yearless]
    assert rows and all(r.date == date(2025, 11, 25) for r in rows)


def test_yearless_list_without_neighbours_takes_the_pages_own_date(tmp_path) -> None:
    lis = "".join(yl(f"./content_{n}.html", f"统计月报{n}", md) for n, md in enumerate(("12-28", "11-30", "10-31")))
    page = column_page("统计数据", lis, extra='<p class="update">更新时间：2024-12-30</p>')
    site = make_site(tmp_path, {"/index.html": trs_home(), "/tjsj/index.html": page})
    col = {c["name"]: c for c in columns_block(site)}["统计数据"]
    assert (col["latest_date"], col["status"]) == ("2024-12-28", "stale")


def test_a_lone_yearless_date_on_the_home_page_takes_its_blocks_year(tmp_path) -> None:
    home = trs_home(box("历史沿革", "/lsyg/", yl("/lsyg/content_9.html", "县志编纂工作回顾", "10-09")
                        + plain_li("/lsyg/202310/t20231002_8.html", "建县七十周年纪念活动")
                        + plain_li("/lsyg/202309/t20230915_7.html", "地方志资料征集")))
    block = homepage_block(make_site(tmp_path, {"/index.html": home}))
    assert block["latest_date"] == "2023-10-09"


# ----------------------------------------------------------------------------------- class 3
GK_COLUMNS = [("/zfxxgk/zcwj/index.html", "政策文件"), ("/zfxxgk/ghjh/index.html", "规划计划"),
              ("/zfxxgk/czxx/index.html", "财政信息"), ("/zfxxgk/rsxx/index.html", "人事信息")]


def gk_left_nav(current: str) -> str:
    """The left menu of a TRS 政府信息公开 channel: every sub-column, the current one marked."""
    lis = "".join(f'<li{" class=on" if n == current else ""}><a href="{h}">{n}</a></li>' for h, n in GK_COLUMNS)
    return f'<div class="left-nav"><h3>政府信息公开</h3><ul class="lmdh">{lis}</ul></div>'


def gk_column(name: str, lis: str, empty: str = "") -> str:
    body = (f'<div class="location">当前位置：<a href="/">首页</a> &gt; <a href="/zfxxgk/">政府信息公开</a> &gt; {name}</div>'
            + gk_left_nav(name) + f'<div class="list-box"><h2 class="column-title">{name}</h2><ul class="list">{lis}</ul>'
            + empty + "</div>")
    return doc(body, title=name, metas={"ColumnName": name, "ColumnType": name})


def gk_site(tmp_path, hub: str):
    lis = li("./202611/t20261101_1.html", "关于印发优化营商环境若干措施的通知", "2026-11-01")
    return make_site(tmp_path, {
        "/index.html": trs_home(), "/zfxxgk/index.html": hub,
        "/zfxxgk/zcwj/index.html": gk_column("政策文件", lis),
        "/zfxxgk/ghjh/index.html": gk_column("规划计划", lis.replace("1101_1", "1102_2")),
        "/zfxxgk/czxx/index.html": gk_column("财政信息", lis.replace("1101_1", "1103_3")),
        "/zfxxgk/rsxx/index.html": gk_column("人事信息", "", '<div class="no-data">暂无信息</div>'),
    })


@pytest.mark.parametrize("hub", [
    # TRS channel page: ColumnName meta, the sub-columns only in the left menu (page furniture)
    doc('<div class="location">当前位置：<a href="/">首页</a> &gt; 政府信息公开</div>' + gk_left_nav("")
        + '<div class="right-box"><h2 class="column-title">政府信息公开</h2></div>',
        title="政府信息公开", metas={"ColumnName": "政府信息公开", "ColumnType": "政府信息公开"}),
    # the same hub with an empty-looking wrapper round its menu
    doc('<div class="xxgk-list">' + gk_left_nav("") + "</div>", title="政府信息公开",
        metas={"ColumnName": "政府信息公开"}),
])
def test_a_hub_linking_only_to_its_sub_columns_is_navigation_not_an_empty_column(tmp_path, hub) -> None:
    site = gk_site(tmp_path, hub)
    cols = {c["name"]: c["status"] for c in columns_block(site)}
    assert cols == {"政策文件": "fresh", "规划计划": "fresh", "财政信息": "fresh", "人事信息": "empty"}
    empty = run_site(site, select(all_checks(), ["columns.empty"], None)).findings
    assert [f.data["column"] for f in empty] == ["人事信息"]


def test_an_empty_column_beside_its_siblings_menu_is_still_empty(tmp_path) -> None:
    bare = gk_column("人事信息", "")  # no placeholder, just the empty list box, with the siblings' menu
    site = gk_site(tmp_path, doc(gk_left_nav(""), title="政府信息公开"))
    site.store.add_page(type(site.store.page("s", "http://www.sl.gov.cn/zfxxgk/rsxx/index.html"))(
        "s", "http://www.sl.gov.cn/zfxxgk/tjxx/index.html", "http://www.sl.gov.cn/zfxxgk/tjxx/index.html", 200,
        {"content-type": "text/html; charset=utf-8"}, bare.replace("人事信息", "统计信息").encode(), "utf-8",
        "text/html", "page", 2, None, 0.1, 0.0))
    site.store.commit()
    cols = {c["name"]: c["status"] for c in columns_block(site)}
    assert cols["统计信息"] == "empty" and cols["人事信息"] == "empty"


def test_a_flat_hanweb_hub_linking_to_columns_elsewhere_is_navigation(tmp_path) -> None:
    cols = [(f"/col/col{1001 + n}/index.html", name) for n, name in enumerate(("政策文件", "规划计划", "财政信息"))]
    menu = '<div class="lmdh"><ul>' + "".join(f'<li><a href="{h}">{n}</a></li>' for h, n in cols) + "</ul></div>"
    pages = {"/index.html": trs_home(),
             "/col/col1000/index.html": doc(menu + '<div class="con"><h2>信息公开目录</h2></div>', title="信息公开目录",
                                            metas={"ColumnName": "信息公开目录"})}
    for n, (href, name) in enumerate(cols):
        art = f"/art/2026/11/{n + 1}/art_{1001 + n}_{n}.html"
        pages[href] = doc(menu + f'<div class="list-box"><h2>{name}</h2><ul class="list">'
                          + li(art, f"{name}一", f"2026-11-0{n + 1}") + "</ul></div>",
                          title=name, metas={"ColumnName": name})
        for k in range(3):  # articles: most pages of a site, without the column menu
            pages[art.replace(f"_{n}.html", f"_{n}{k}.html")] = article(f"{name}{k}", f"2026-11-0{n + 1}")
    site = make_site(tmp_path, pages)
    assert {c["name"]: c["status"] for c in columns_block(site)} == {
        "政策文件": "fresh", "规划计划": "fresh", "财政信息": "fresh"}


# ----------------------------------------------------------------------------------- class 4
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
OTHER_SHORT_NAMES = "黔滇陇蜀"  # 贵州, 云南, 甘肃, 四川 as their filings are also written
ICP_FORMS = {  # how real footers write the ICP number; {p} = the province
    "plain": '<a href="https://beian.miit.gov.cn/">{p}ICP备05001234号</a>',
    "no-hao": '<a href="https://beian.miit.gov.cn/">{p}ICP备05001234</a>',
    "suffix": "备案号：{p}ICP备05001234号-2",
    "no-hao-suffix": "{p}ICP备05001234-1",
    "colon": "{p}ICP备：05001234号",
    "spaces": "{p} ICP 备 05001234 号",
    "label-number": "{p}ICP备案号：05001234",
    "split": '<span>{p}ICP备</span><span>0500</span><span>1234</span><span>号</span>',
    "link-number": '{p}ICP备<a href="https://beian.miit.gov.cn/">05001234</a>号',
    "fullwidth": "{p}ＩＣＰ备05001234号",
}
POLICE_FORMS = {
    "plain": '<a href="http://www.beian.gov.cn/"><img src="/images/gongan.png">{p}公网安备 15040202000123号</a>',
    "no-hao": "{p}公网安备15040202000123",
    "colon": "{p}公网安备：15040202000123号",
    "hao-link": '{p}公网安备号：<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=15040202000123">'
                "15040202000123</a>",
    "hao-no-colon": '{p}公网安备号<a href="http://www.beian.gov.cn/">15040202000123</a>',
    "split": "<span>{p}公网安备</span> <b>1504</b><b>0202000123</b>号",
    "older-11": "{p}公网安备 15040202001号",
    "older-wording": "{p}公安网备150401000005号",
}


def footer_markup(inner: str, style: str = "") -> str:
    return (f'<html><body><div class="main"><p>正文</p></div><div class="footer"{style}><p>主办单位：'
            f"示例县人民政府　电话：0471-1234567</p><p>{inner}</p></div></body></html>")


def footer_page(inner: str, style: str = "") -> Element:
    return parse(footer_markup(inner, style))


@pytest.mark.parametrize("form", sorted(ICP_FORMS))
@pytest.mark.parametrize("province", list(PROVINCES + OTHER_SHORT_NAMES))
def test_icp_numbers_as_footers_write_them(province, form) -> None:
    found = ident.find_icp(footer_page(ICP_FORMS[form].format(p=province)))
    assert found is not None and not found.hidden and found.evidence.startswith(province)
    assert "0500" in found.evidence


@pytest.mark.parametrize("form", sorted(POLICE_FORMS))
@pytest.mark.parametrize("province", list(PROVINCES + OTHER_SHORT_NAMES))
def test_police_records_as_footers_write_them(province, form) -> None:
    found = ident.find_police(footer_page(POLICE_FORMS[form].format(p=province)))
    assert found is not None and found.evidence.startswith(province) and "1504" in found.evidence


@pytest.mark.parametrize("text", ["ICP备案查询", "京ICP备（申请中）", "公网安备", "电话：0471-15040202000123",
                                  "京公网安备（待审核）", "邮编：015400 传真：0471-12345678"])
def test_labels_without_a_number_are_no_filing(text) -> None:
    assert ident.find_icp(footer_page(text)) is None and ident.find_police(footer_page(text)) is None


def test_footer_written_by_document_write_is_read() -> None:
    script = ("<script type=\"text/javascript\">document.write('<div class=\"footer\"><p>网站标识码：1504000001　"
              "<a href=\"https://beian.miit.gov.cn/\">蒙ICP备05001234号<\\/a>　蒙公网安备 15040202000123号<\\/p>');"
              "document.write('<a href=\"http://bszs.conac.cn/sitename?method=show&id=150\"><img src=\"/images/red.png\">"
              "<\\/a><\\/div>');</script>")
    root = parse(f'<html><body><div class="main"><p>正文</p></div>{script}</body></html>')
    for finder in (ident.find_site_code, ident.find_icp, ident.find_police, ident.find_conac):
        found = finder(root)
        assert found is not None and found.where == "script" and not found.hidden, finder


@pytest.mark.parametrize("style", [' style="display:none"', ' style="DISPLAY: none;"', " hidden"])
def test_marks_hidden_from_visitors_are_reported_as_hidden(style) -> None:
    hidden = footer_page('蒙ICP备05001234号 蒙公网安备 15040202000123号 <a href="http://bszs.conac.cn/s?id=1">'
                         '<img src="/red.png" alt="党政机关"></a>', style)
    for finder in (ident.find_icp, ident.find_police, ident.find_conac):
        found = finder(hidden)
        assert found is not None and found.hidden, finder
    shown = footer_page('<span style="display:none">x</span>蒙ICP备05001234号')
    assert not ident.find_icp(shown).hidden


def test_a_hidden_icp_number_is_a_finding_that_says_hidden(tmp_path) -> None:
    home = trs_home(box("要闻", "/xwzx/", li("/xwzx/202611/t20261118_1.html", "要闻", "2026-11-18"))).replace(
        "</body>", '<div class="beian" style="display:none">蒙ICP备05001234号</div></body>')
    site = make_site(tmp_path, {"/index.html": home})
    [finding] = run_site(site, select(all_checks(), ["identity.icp-missing"], None)).findings
    assert finding.data["hidden"] is True and "display:none" in finding.evidence and "蒙ICP备05001234号" in finding.evidence
    assert "hidden" in finding.message_en and "隐藏" in finding.message


# ----------------------------------------------------------------------------------- class 5
def tzgg_lis(newest: str, older: str) -> str:
    return (li(f"./{newest[:7].replace('-', '')}/t{newest.replace('-', '')}_3.html", "关于冬季供暖的通知", newest)
            + li(f"./{older[:7].replace('-', '')}/t{older.replace('-', '')}_2.html", "关于调整公交线路的公告", older)
            + li("./202601/t20260105_1.html", "关于元旦假期安排的通知", "2026-01-05"))


@pytest.mark.parametrize("start", ["/xwzx/tzgg/index.html", "/xwzx/tzgg/"])
def test_a_column_audited_by_its_own_url_reports_that_column(tmp_path, start) -> None:
    page = column_page("通知公告", tzgg_lis("2026-03-01", "2026-02-10"), ctype="通知公告")
    site = make_site(tmp_path, {"/xwzx/tzgg/index.html": page}, home="/xwzx/tzgg/index.html",
                     config_url="http://www.sl.gov.cn" + start)
    [col] = columns_block(site)
    assert (col["name"], col["status"], col["latest_date"], col["item_count"]) == ("通知公告", "stale", "2026-03-01", 3)
    assert col["top_level"] and col["url"] == "http://www.sl.gov.cn" + start
    out = run_site(site, select(all_checks(), ["freshness.column-stale", "freshness.homepage-stale"], None))
    assert [(f.check, f.data["column"]) for f in out.findings] == [("freshness.column-stale", "通知公告")]
    assert homepage_block(site)["judged_by"] == "column"  # no 14-day home-page veto for a notice column


def test_a_url_prefix_site_whose_start_page_is_a_list_without_metas(tmp_path) -> None:
    page = doc('<div class="list-box"><h2 class="column-title">乡镇动态</h2><ul class="list">'
               + tzgg_lis("2026-11-16", "2026-11-02") + "</ul></div>", title="乡镇动态_甲镇人民政府")
    site = make_site(tmp_path, {"/xzdt/jz/index.html": page}, home="/xzdt/jz/index.html",
                     config_url="http://www.sl.gov.cn/xzdt/jz/")
    [col] = columns_block(site)
    assert (col["name"], col["status"], col["latest_date"]) == ("乡镇动态", "fresh", "2026-11-16")


def test_a_portal_home_is_never_its_own_column(tmp_path) -> None:
    home = trs_home(box("要闻", "/xwzx/zwyw/", tzgg_lis("2026-11-16", "2026-11-02")),
                    box("公告", "/xwzx/tzgg/", tzgg_lis("2026-11-10", "2026-11-01")))
    assert columns_block(make_site(tmp_path, {"/index.html": home})) == []


def test_columns_audited_by_their_own_urls_on_the_demo_farm(demo_farm, tmp_path) -> None:
    import json

    from tests.conftest import FAST, run_cli

    county, fgw = demo_farm.base_urls["county"], demo_farm.base_urls["dept-fgw"]
    targets = [county + "xwzx/tzgg/index.html", fgw + "tzgg/index.shtml"]
    result = run_cli("audit", *targets, "--out", str(tmp_path), "--max-depth", "2", "--only", "freshness,columns", *FAST)
    assert result.returncode in (0, 1), result.stderr[-2000:]
    sites = json.loads((tmp_path / "results.json").read_text("utf-8"))["sites"]
    got = {s["url"]: [(c["name"], c["status"], c["latest_date"], c["item_count"]) for c in s["columns"]] for s in sites}
    key = demo_farm.load_answer_key()["sites"]
    want = {t: [(c["name"], c["status"], c["latest_date"], c["item_count"])
                for site in key.values() for c in site["columns"] if c["url"] == t] for t in targets}
    assert got == want and all(len(v) == 1 for v in want.values())
    stale = [f["check"] for s in sites for f in s["findings"]]
    assert stale == ["freshness.column-stale"]  # the county's 通知公告, 300 days old: no home-page veto
    assert [[v["rule"] for v in s["vetoes"]] for s in sites] == [[], []]


def test_a_hidden_site_code_is_hidden_unless_the_meta_declares_it() -> None:
    hidden = footer_markup("网站标识码：1504000001", ' style="display:none"')
    assert ident.find_site_code(parse(hidden)).hidden
    meta = parse(hidden.replace("<html>", '<html><head><meta name="SiteIDCode" content="1504000001"></head>'))
    found = ident.find_site_code(meta)
    assert found.where == "meta" and not found.hidden


@pytest.mark.parametrize(("script", "pager"), [
    ('$("#page").pagination({pageCount: 4, current: 1});', True),
    ("$('#Pagination').pagination(120, {items_per_page: 20});", True),
    ("laypage.render({elem: 'page', count: 58});", True),
    ("var countPage = 3; var currentPage = 0;", True),
    ('new Swiper(".banner", {loop: true, pagination: {el: ".pagination", clickable: true}});', False),
    ('jQuery(".slide").slide({titCell: ".pagination span", mainCell: ".pics", autoPlay: true});', False),
])
def test_pager_scripts_and_carousels_that_name_their_dots_pagination(script, pager) -> None:
    assert bool(PAGER_SCRIPT.search(script)) is pager


def test_hanweb_home_records_without_dates_are_dated_by_their_urls(tmp_path) -> None:
    records = "".join(f'<record><![CDATA[<li><a href="/art/2026/11/{d}/art_1229_{d}.html" title="镇内要闻{d}">镇内要闻{d}'
                      "</a></li>]]></record>" for d in (18, 12))
    home = trs_home(box("通知公告", "/col/col1002/", li("/col/col1002/content_1.html", "通知", "2026-09-30")),
                    f'<div id="3927"><script type="text/xml"><datastore><recordset>{records}</recordset>'
                    "</datastore></script></div>")
    assert homepage_block(make_site(tmp_path, {"/index.html": home}))["latest_date"] == "2026-11-18"


def test_a_hub_whose_sub_columns_the_crawl_did_not_reach_is_still_navigation(tmp_path) -> None:
    hub = doc('<div class="location">当前位置：<a href="/">首页</a> &gt; 政府信息公开</div>' + gk_left_nav(""),
              title="政府信息公开", metas={"ColumnName": "政府信息公开"})
    site = make_site(tmp_path, {"/index.html": trs_home(), "/zfxxgk/index.html": hub})  # --max-pages stopped here
    assert columns_block(site) == []


# ----------------------------------------------------------------------------------- a whole TRS home page
def test_a_saved_trs_county_home_page_is_judged_as_an_inspector_would(tmp_path) -> None:
    """tests/data/portals/trs_county_home.html: classes 1, 2 and 4 on one page as a TRS template writes it."""
    from pathlib import Path

    html = (Path(__file__).parent / "data" / "portals" / "trs_county_home.html").read_text("utf-8")
    site = make_site(tmp_path, {"/index.html": html})
    block = homepage_block(site)
    assert (block["latest_date"], block["judged_by"]) == ("2026-11-17", "homepage")  # the carousel's URL dates
    dates = columns_model(site).home.content_dates
    assert date(2023, 10, 9) in dates and date(2026, 10, 9) not in dates  # [10-09] among 2023 items
    checks = ["freshness.homepage-stale", "identity.site-code-missing", "identity.icp-missing",
              "identity.police-record-missing", "identity.conac-missing", "identity.jiucuo-entry-missing"]
    findings = run_site(site, select(all_checks(), checks, None)).findings
    assert [(f.check, f.data.get("hidden")) for f in findings] == [("identity.jiucuo-entry-missing", True)]
    assert columns_block(site) == []


def test_a_saved_hanweb_column_audited_by_its_own_url(tmp_path) -> None:
    """tests/data/portals/hanweb_column.html, audited as its own site (classes 2, 4, 5): the newest record has a
    plain URL and [11-02]; its neighbours' /art/2025/ URLs make it 2025-11-02, not 2026-11-02 (fresh)."""
    from pathlib import Path

    html = (Path(__file__).parent / "data" / "portals" / "hanweb_column.html").read_text("utf-8")
    site = make_site(tmp_path, {"/col/col1229/index.html": html}, home="/col/col1229/index.html",
                     config_url="http://www.sl.gov.cn/col/col1229/index.html")
    [col] = columns_block(site)
    assert (col["name"], col["status"], col["latest_date"], col["item_count"]) == ("通知公告", "stale", "2025-11-02", 46)
    checks = ["freshness.homepage-stale", "freshness.column-stale", "identity.icp-missing",
              "identity.police-record-missing", "identity.site-code-missing"]
    findings = run_site(site, select(all_checks(), checks, None)).findings
    assert [f.check for f in findings] == ["freshness.column-stale"]
