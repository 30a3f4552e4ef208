"""Duplicated columns, thin disclosure and shared content across sites (issue 23 items 4 and 5), and the
confirmed deductions of cn-gov-2019 (item 7): on TRS and Hanweb list pages in a synthetic page store."""

from __future__ import annotations

from datetime import timedelta

from checks.columns.duplicates import duplicate_columns
from checks.columns.shared import column_items_block, note_shared_content
from checks.columns.thin import column_volumes
from checks.engine.registry import all_checks, select
from checks.engine.runner import run_site
from checks.engine.siteview import SiteView
from reports.scoring import load_profile, score_site
from tests.test_columns import AS_OF, BASE, column_page, doc, li, make_site

NEWS = ["县委常委会召开会议研究部署秋冬季安全生产工作", "县政府召开常务会议 研究部署近期重点工作",
        "我县召开优化营商环境推进会", "全县秋冬季森林草原防火工作会议召开", "县领导调研重点项目建设情况",
        "我县举办2026年农民丰收节庆祝活动", "县人大常委会召开第二十次会议", "县政协召开专题协商会"]
NOTICES = ["关于开展2026年度城乡居民医疗保险集中征缴工作的通知", "关于公开招聘社区工作者的公告",
           "关于做好冬季供暖期间安全用气的通知", "关于2026年第四季度重点工作督查情况的通报",
           "关于开展冬季取暖安全检查的通知"]


def day(n: int) -> str:
    return (AS_OF - timedelta(days=n)).isoformat()


def trs_rows(prefix: str, titles: list[str], ages: list[int]) -> str:
    """A TRS list: ./YYYYMM/tYYYYMMDD_N.html items with their dates."""
    out = []
    for n, (title, age) in enumerate(zip(titles, ages, strict=True)):
        d = AS_OF - timedelta(days=age)
        out.append(li(f"{prefix}{d:%Y%m}/t{d:%Y%m%d}_{4800 + n}.html", title, d.isoformat()))
    return "".join(out)


def hanweb_page(name: str, titles: list[str], ages: list[int], col: int) -> str:
    """A Hanweb (大汉) list: /art/Y/m/d/art_C_N.html items in a table, dates in their own cell."""
    rows = []
    for n, (title, age) in enumerate(zip(titles, ages, strict=True)):
        d = AS_OF - timedelta(days=age)
        rows.append(f'<tr><td><a href="/art/{d.year}/{d.month}/{d.day}/art_{col}_{900 + n}.html" target="_blank" '
                    f'title="{title}">{title}</a></td><td class="bt_time">{d:%Y-%m-%d}</td></tr>')
    return doc(f'<div class="location">当前位置：<a href="/">首页</a> &gt; {name}</div>'
               f'<div class="list-box"><h2>{name}</h2><table class="list" width="100%">{"".join(rows)}</table></div>',
               title=name, metas={"ColumnName": name, "ColumnType": name})


def home(*links: tuple[str, str]) -> str:
    nav = "".join(f'<li><a href="{h}">{t}</a></li>' for h, t in links)
    return doc(f'<div class="block"><h2>栏目导航</h2><ul class="sub-nav">{nav}</ul></div>'
               f'<div class="block"><ul class="list">{li("/xwzx/zwyw/202611/t20261118_1.html", NEWS[0], day(2))}</ul></div>')


NEWS_AGES = [1, 4, 7, 10, 13, 16, 19, 22]


# ------------------------------------------------------------------------- columns.duplicate
def test_a_column_copying_anothers_items_is_a_duplicate(tmp_path) -> None:
    """TRS 复制: the same items (titles, dates) published again under another column, with new URLs."""
    site = make_site(tmp_path, {
        "/index.html": home(("/xwzx/zwyw/index.html", "政务要闻"), ("/xwzx/gzdt/index.html", "工作动态")),
        "/xwzx/zwyw/index.html": column_page("政务要闻", trs_rows("./", NEWS, NEWS_AGES)),
        "/xwzx/gzdt/index.html": column_page("工作动态", trs_rows("./", NEWS, NEWS_AGES)),
    })
    found = duplicate_columns(site)
    assert [(d.kind, d.column.name, d.other.name, d.shared) for d in found] == [("same-items", "政务要闻", "工作动态", 8)]
    findings = [f for f in run_site(site, select(all_checks(), ["columns.duplicate"], None)).findings]
    assert len(findings) == 1 and "8 条信息相同" in findings[0].message
    assert findings[0].data["other_url"] == BASE + "/xwzx/gzdt/index.html"


def test_cut_titles_and_a_hanweb_copy_still_match(tmp_path) -> None:
    """A list template that cuts long titles with an ellipsis, beside a Hanweb table of the full titles."""
    cut = "".join(li(f"./202611/t2026111{n}_{n}.html", t[:12] + "...", day(a))
                  for n, (t, a) in enumerate(zip(NOTICES, [1, 5, 9, 20, 30], strict=True)))
    site = make_site(tmp_path, {
        "/index.html": home(("/tzgg/index.html", "通知公告"), ("/col/col31/index.html", "公示公告")),
        "/tzgg/index.html": column_page("通知公告", cut),
        "/col/col31/index.html": hanweb_page("公示公告", NOTICES, [1, 5, 9, 20, 30], 31),
    })
    assert [(d.kind, d.shared) for d in duplicate_columns(site)] == [("same-items", 5)]


def test_recurring_titles_on_other_dates_are_not_a_duplicate(tmp_path) -> None:
    """价格监测周报: one title every week, in two columns on different days, is no copy."""
    weekly = ["示例县主要农产品价格监测周报"] * 6
    site = make_site(tmp_path, {
        "/index.html": home(("/jgjc/index.html", "价格监测"), ("/sjfb/index.html", "数据发布")),
        "/jgjc/index.html": column_page("价格监测", trs_rows("./", weekly, [1, 8, 15, 22, 29, 36])),
        "/sjfb/index.html": column_page("数据发布", trs_rows("./", weekly, [4, 11, 18, 25, 32, 39])),
    })
    assert duplicate_columns(site) == []


def test_legitimate_repeats_are_not_duplicates(tmp_path) -> None:
    """A parent aggregate (信息公开 listing 通知公告's items), a 最新信息 box, 图片新闻 within 要闻, pagination
    pages of one column, and one column reachable by two URLs (政务公开 and 信息公开目录, the same documents)."""
    items_page1 = trs_rows("/xwzx/zwyw/", NEWS, NEWS_AGES)
    site = make_site(tmp_path, {
        "/index.html": home(("/zwgk/index.html", "政务公开"), ("/zwgk/tzgg/index.html", "通知公告"),
                            ("/zxxx/index.html", "最新信息"), ("/xwzx/zwyw/index.html", "政务要闻"),
                            ("/xwzx/tpxw/index.html", "图片新闻"), ("/xxgk/tzgg/index.html", "通知公告")),
        "/zwgk/index.html": column_page("政务公开", trs_rows("/zwgk/tzgg/", NOTICES, [1, 5, 9, 20, 30])),
        "/zwgk/tzgg/index.html": column_page("通知公告", trs_rows("./", NOTICES, [1, 5, 9, 20, 30])),
        "/xxgk/tzgg/index.html": column_page("通知公告", trs_rows("/zwgk/tzgg/", NOTICES, [1, 5, 9, 20, 30])),
        "/zxxx/index.html": column_page("最新信息", trs_rows("/zwgk/tzgg/", NOTICES, [1, 5, 9, 20, 30])),
        "/xwzx/zwyw/index.html": column_page("政务要闻", items_page1),
        "/xwzx/zwyw/index_1.html": column_page("政务要闻", trs_rows("./", [t + "（2）" for t in NEWS],
                                                               [a + 24 for a in NEWS_AGES])),
        "/xwzx/tpxw/index.html": column_page("图片新闻", trs_rows("/xwzx/zwyw/", NEWS[:3], NEWS_AGES[:3])),
    })
    assert duplicate_columns(site) == []


def test_one_name_on_two_top_level_columns_with_other_items(tmp_path) -> None:
    site = make_site(tmp_path, {
        "/index.html": home(("/xwzx/tzgg/index.html", "通知公告"), ("/zwgk/tzgg/index.html", "通知公告")),
        "/xwzx/tzgg/index.html": column_page("通知公告", trs_rows("./", NOTICES, [1, 5, 9, 20, 30])),
        "/zwgk/tzgg/index.html": column_page("通知公告", trs_rows("./", NEWS[:4], [3, 30, 60, 90])),
    })
    found = duplicate_columns(site)
    assert [(d.kind, d.column.url) for d in found] == [("same-name", BASE + "/zwgk/tzgg/index.html")]


def test_one_name_in_two_sections_not_both_top_level_is_not_reported(tmp_path) -> None:
    """Each department section of a 站群 has its own 通知公告: not linked from the home page, not a repeat."""
    site = make_site(tmp_path, {
        "/index.html": home(("/bm/index.html", "部门")),
        "/bm/jyj/tzgg/index.html": column_page("通知公告", trs_rows("./", NOTICES, [1, 5, 9, 20, 30])),
        "/bm/fgw/tzgg/index.html": column_page("通知公告", trs_rows("./", NEWS[:4], [3, 30, 60, 90])),
    })
    assert duplicate_columns(site) == []


# ------------------------------------------------------------------------- columns.thin
def _with_settings(site: SiteView, **options) -> SiteView:
    return SiteView(site.config, site.store, AS_OF, options)


def test_a_fresh_news_column_with_few_items_is_thin(tmp_path) -> None:
    site = make_site(tmp_path, {
        "/index.html": home(("/xwzx/gzdt/index.html", "工作动态"), ("/xwzx/zwyw/index.html", "政务要闻")),
        "/xwzx/gzdt/index.html": column_page("工作动态", trs_rows("./", NEWS[:4], [3, 40, 80, 200])),
        "/xwzx/zwyw/index.html": column_page("政务要闻", trs_rows("./", NEWS, NEWS_AGES)),
    })
    verdicts = {v.column.name: (v.verdict, v.recent) for v in column_volumes(site)}
    assert verdicts == {"工作动态": ("thin", 3), "政务要闻": ("enough", 8)}
    findings = run_site(site, select(all_checks(), ["columns.thin"], None)).findings
    assert [f.data["column"] for f in findings] == ["工作动态"]
    assert findings[0].severity == "low" and "近 90 天仅发布 3 条" in findings[0].message


def test_the_profiles_numbers_decide(tmp_path) -> None:
    """thin_columns is a check setting: a profile asking for 3 news items in 90 days finds none thin."""
    site = make_site(tmp_path, {
        "/index.html": home(("/xwzx/gzdt/index.html", "工作动态")),
        "/xwzx/gzdt/index.html": column_page("工作动态", trs_rows("./", NEWS[:4], [3, 40, 80, 200])),
    })
    relaxed = _with_settings(site, thin_columns={"news": {"min_items": 3, "window_days": 90}})
    assert [v.verdict for v in column_volumes(relaxed)] == ["enough"]
    assert load_profile().check_settings()["thin_columns"]["news"] == {"min_items": 6, "window_days": 90}


def test_a_stale_column_is_not_also_thin(tmp_path) -> None:
    site = make_site(tmp_path, {
        "/index.html": home(("/xwzx/gzdt/index.html", "工作动态")),
        "/xwzx/gzdt/index.html": column_page("工作动态", trs_rows("./", NEWS[:2], [30, 60])),
    })
    assert column_volumes(site) == []
    checks = select(all_checks(), ["columns.thin", "freshness.column-stale"], None)
    assert [f.check for f in run_site(site, checks).findings] == ["freshness.column-stale"]


def test_a_list_cut_by_max_pages_is_not_judged(tmp_path) -> None:
    """Its first page holds 3 items, all within the window; index_1.html was not fetched (--max-pages)."""
    pager = '<div class="page">共 3 页 <a href="index_1.html">下一页</a></div>'
    site = make_site(tmp_path, {
        "/index.html": home(("/xwzx/gzdt/index.html", "工作动态")),
        "/xwzx/gzdt/index.html": column_page("工作动态", trs_rows("./", NEWS[:3], [2, 5, 8]), extra=pager),
    })
    site.store.add_not_scanned("s", BASE + "/xwzx/gzdt/index_1.html", "max-pages", "over --max-pages 3",
                               BASE + "/xwzx/gzdt/index.html")
    site.store.commit()
    [volume] = column_volumes(site)
    assert (volume.verdict, volume.recent) == ("not-judged", 3)
    assert run_site(site, select(all_checks(), ["columns.thin"], None)).findings == []


# ------------------------------------------------------------------------- shared content
def test_shared_content_across_sites_is_a_note_not_a_finding(tmp_path) -> None:
    """A department's 通知公告 carried by the county's 部门动态 (same titles and dates, other URLs)."""
    county = make_site(tmp_path / "county", {
        "/index.html": home(("/xwzx/bmdt/index.html", "部门动态")),
        "/xwzx/bmdt/index.html": column_page("部门动态", trs_rows("./", NOTICES + NEWS[:3], [1, 5, 9, 20, 30, 2, 3, 4])),
    })
    dept = make_site(tmp_path / "dept", {
        "/index.html": home(("/bm/jyj/tzgg/index.html", "通知公告"), ("/bm/jyj/jydt/index.html", "教育动态")),
        "/bm/jyj/tzgg/index.html": column_page("通知公告", trs_rows("./", NOTICES, [1, 5, 9, 20, 30])),
        "/bm/jyj/jydt/index.html": column_page("教育动态", trs_rows("./", NEWS[3:], [1, 2, 3, 4, 5])),
    })
    sites = [{"id": "county", "_column_items": column_items_block(county)},
             {"id": "dept-edu", "_column_items": column_items_block(dept)}, {"id": "down"}]
    note_shared_content(sites)
    assert sites[0]["shared_content"] == [{"column": "部门动态", "url": BASE + "/xwzx/bmdt/index.html", "shared_with": [
        {"site": "dept-edu", "column": "通知公告", "url": BASE + "/bm/jyj/tzgg/index.html", "shared_items": 5}]}]
    assert [n["column"] for n in sites[1]["shared_content"]] == ["通知公告"]
    assert "_column_items" not in sites[0] and "shared_content" not in sites[2]


# ------------------------------------------------------------------------- confirmed deductions
def _site_with(column: dict, finding_check: str = "freshness.column-stale") -> dict:
    return {"id": "s", "status": "ok", "columns": [column], "dimensions": {"freshness": {"status": "assessed"}},
            "findings": [{"check": finding_check, "dimension": "freshness", "severity": "medium",
                          "url": column["url"], "data": {"category": column["category"], "column": column["name"]}}]}


def test_a_top_level_policy_column_six_months_stale_costs_five_points() -> None:
    profile = load_profile()
    site = _site_with({"name": "政策文件", "url": BASE + "/zcwj/index.html", "category": "policy",
                       "top_level": True, "status": "stale"})
    score_site(site, profile)
    [deduction] = site["deductions"]
    assert (deduction["rule"], deduction["points"]) == ("cn-gov-2019.policy-column-stale", 5)
    assert "政策文件一级栏目超过6个月未更新" in deduction["ref"]


def test_a_lower_level_policy_column_keeps_the_default_points() -> None:
    site = _site_with({"name": "政策文件", "url": BASE + "/zfxxgk/zcwj/index.html", "category": "policy",
                       "top_level": False, "status": "stale"})
    score_site(site, load_profile())
    assert [(d["rule"], d["points"], "ref" in d) for d in site["deductions"]] == [("cn-gov-2019.column-stale", 2, False)]


def test_service_statistics_columns_are_judged_at_three_months_and_cost_two_points(tmp_path) -> None:
    """办件统计 is its own category (not 统计, not 公示): stale after 92 days, charged by the confirmed rule."""
    site = make_site(tmp_path, {
        "/index.html": home(("/zwfw/bjtj/index.html", "办件统计")),
        "/zwfw/bjtj/index.html": column_page("办件统计", trs_rows("./", [f"2026年{m}月政务服务办件统计" for m in (8, 7, 6)],
                                                             [100, 130, 160])),
    })
    [finding] = run_site(site, select(all_checks(), ["freshness.column-stale"], None)).findings
    assert finding.data["category"] == "service-stats" and finding.data["max_age_days"] == 92
    result = _site_with({"name": "办件统计", "url": finding.url, "category": "service-stats", "top_level": True,
                         "status": "stale"})
    score_site(result, load_profile())
    assert [(d["rule"], d["points"]) for d in result["deductions"]] == [("cn-gov-2019.service-stats-stale", 2)]


def test_a_profile_rule_with_a_bad_column_filter_is_rejected(tmp_path) -> None:
    import pytest

    from reports.scoring import ProfileError
    bad = tmp_path / "p.yaml"
    bad.write_text("extends: cn-gov-2019\nname: p\ndeductions:\n"
                   "  - {rule: x, checks: [freshness.column-stale], top_level: yes-please, points: 5}\n", "utf-8")
    with pytest.raises(ProfileError, match=r"deductions\[0\]\.top_level: must be true or false"):
        load_profile(bad)
    bad.write_text("extends: cn-gov-2019\nname: p\nthin_columns:\n  news: {min_items: 0, window_days: 90}\n", "utf-8")
    with pytest.raises(ProfileError, match=r"thin_columns\.news\.min_items: must be a whole number >= 1"):
        load_profile(bad)
