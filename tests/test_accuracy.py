"""Accuracy on real portals (issue 14): the classes of false veto and false "missing" claim, each guarded
on pages written as TRS (拓尔思) and Hanweb (大汉) portals write them."""

from __future__ import annotations

from datetime import date

import pytest

from checks.columns import columns_block, homepage_block
from checks.registry import all_checks, select
from checks.runner import run_site
from tests.test_columns import AS_OF, article, column_page, doc, li, make_site

assert AS_OF == date(2026, 11, 20)


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
    assert block["latest_date"] == "2026-11-20"  # /202611/: the month, never after as_of


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
