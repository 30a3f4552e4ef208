"""示例县教育局 — a department column tree on the county portal (path-prefix scope /bm/jyj/).

Identity is judged on the host portal's footer (the county footer is reused). One empty column; two
duplicated columns (教育资讯 copies 教育动态's items; a second 通知公告 under 信息公开 with other items) and a
thin one (学校动态: three items in 90 days).
"""

from __future__ import annotations

from typing import Any

from .. import templates as T
from ..builder import Item, SiteBuilder
from ..expected import expected_finding
from ..model import Ctx, SiteBuild
from . import county
from .common import NEW_WINDOW_REVIEW, NO_SECURITY_HEADERS, NOTICE_TOPICS, items, quiet_sub_site, site_metas

SITE_ID = "dept-edu"
SERVER = "county"
NAME = "示例县教育局"
ROOT = "/bm/jyj/"

EDU_NEWS = [
    "县教育局召开秋季学期开学工作部署会",
    "我县开展中小学校园安全专项检查",
    "全县教师信息技术能力提升培训启动",
    "县第一中学举办科技创新节",
    "我县推进义务教育优质均衡发展",
]
SCHOOL_NEWS = ["县实验小学开展冬季长跑活动", "县第二中学举行家长开放日", "城关幼儿园开展消防安全演练"]
XXGK_NOTICES = ["关于公布2026年度县级骨干教师名单的通知", "关于开展2026年教育系统安全隐患排查的通知",
                "关于做好2027年义务教育招生入学工作的通知", "关于组织中小学生参加全国青少年科技创新大赛的通知",
                "关于公布2026年度民办学校年检结果的公告"]


def build(ctx: Ctx) -> SiteBuild:
    """The column tree under the county's template: three columns, 机构概况, a navigation home page."""
    A = ctx.ago
    sb = SiteBuilder(ctx, SITE_ID, SERVER, source=NAME)
    nav = [(ROOT + "index.html", "首页"), (ROOT + "jydt/index.html", "教育动态"),
           (ROOT + "tzgg/index.html", "通知公告"), (ROOT + "zsks/index.html", "招生考试"),
           (ROOT + "jggk/index.html", "机构概况"), (ROOT + "jyzx/index.html", "教育资讯"),
           (ROOT + "xxgk/tzgg/index.html", "通知公告"), (ROOT + "xxdt/index.html", "学校动态"),
           ("/index.html", "示例县人民政府")]
    sb.layout = county.make_layout(ctx, county.county_header(ctx, NAME, nav, language_links=False),
                                   county.county_footer(ctx))
    home = (ROOT + "index.html", "首页")
    jydt_items = items(EDU_NEWS, A(6), 5, 10)
    sb.column("教育动态", ROOT + "jydt/", "news", jydt_items, column_type="新闻动态",
              crumbs=[home])
    sb.column("通知公告", ROOT + "tzgg/", "notice",
              items(["关于做好2026年秋季学期学生资助工作的通知", *NOTICE_TOPICS[:3]], A(40), 25, 6),
              column_type="通知公告", crumbs=[home])
    sb.column("招生考试", ROOT + "zsks/", "notice", [], column_type="通知公告",
              placeholder="暂无信息", crumbs=[home])
    # planted for columns.duplicate: the same ten items (title and date) copied into a second news column,
    # and a second top-level column named 通知公告 (under 信息公开) carrying other notices
    sb.column("教育资讯", ROOT + "jyzx/", "news", [Item(i.title, i.date) for i in jydt_items],
              column_type="新闻动态", crumbs=[home])
    sb.column("通知公告", ROOT + "xxgk/tzgg/", "notice", items(XXGK_NOTICES, A(30), 30, 5),
              column_type="通知公告", crumbs=[home, (None, "信息公开")])
    # planted for columns.thin: a fresh news column with three items in 90 days (the profile wants six)
    school = items(SCHOOL_NEWS, A(5), 30, 3)
    sb.column("学校动态", ROOT + "xxdt/", "news", school, column_type="新闻动态", crumbs=[home])
    sb.homepage_dates.append(school[0].date)  # the newest of the second-level pages the home page is judged by
    sb.static_page(ROOT + "jggk/index.html", "机构概况",
                   ["示例县教育局是县人民政府工作部门，主管全县教育工作。",
                    "内设机构：办公室、基础教育股、人事股、计划财务股。"], crumbs=[home, (None, "机构概况")])
    _home_page(sb, nav, jydt_items)
    return sb.finish(
        config={"id": SITE_ID, "name": NAME, "level": "department", "parent": "county",
                "url": sb.url(ROOT)},
        key=_answer_key(sb),
    )


def _home_page(sb: SiteBuilder, nav: list[tuple[str, str]], news: list[Item]) -> None:
    """A navigation-only home page (no dated items): judged by its second-level pages (docs/SPEC.md §6)."""
    newest = news[:5]
    sb.homepage_dates.extend(i.date for i in newest)
    entries = "".join(f'<a href="{h}" class="entry"><img src="/images/banner.png" alt="{t}"><span>{t}</span></a>'
                      for h, t in nav[1:-1])
    sb.html(ROOT + "index.html", NAME,
            f'<div class="entries">{entries}</div>'
            f'<div class="block"><h2>栏目导航</h2>{T.nav(nav[1:-1], cls="sub-nav")}</div>'
            '<div class="block"><h2>互动交流</h2><a href="/hdjl/xzxx/index.html">县长信箱</a></div>',
            metas=site_metas(sb, NAME, county.SITE_CODE, ROOT))
    sb.not_column(ROOT + "index.html", "首页", "home")


def _answer_key(sb: SiteBuilder) -> dict[str, Any]:
    """One empty column, two duplicated columns, a thin one; identity and security are the county host's."""
    e = expected_finding
    return {
        "findings": [
            e("columns.duplicate", sb.url(ROOT + "jyzx/index.html"), count=1,
              data={"kind": "same-items", "other_column": "教育动态", "shared_items": 10},
              note="教育资讯 carries 教育动态's ten items (same titles and dates): a copied column"),
            e("columns.duplicate", sb.url(ROOT + "xxgk/tzgg/index.html"), count=1,
              data={"kind": "same-name", "other_column": "通知公告"},
              note="two top-level columns named 通知公告 (/tzgg/ and /xxgk/tzgg/) with different items"),
            e("columns.thin", sb.url(ROOT + "xxdt/index.html"), count=1,
              data={"items_in_window": 3, "min_items": 6, "window_days": 90},
              note="学校动态 is fresh but carries three items in 90 days (cn-gov-2019 thin_columns.news: 6)"),
        ],
        "homepage": {**sb.homepage_key(ROOT + "index.html"), "judged_by": "second-level",
                     "note": "navigation-only home page: newest item of its second-level pages"},
        "scope": "path-prefix " + ROOT,
        "identity": {"site_code": True, "icp": True, "police": True, "conac": True,
                     "jiucuo": True, "page_tags": True,
                     "note": "judged on the host portal footer (shared county footer)"},
        **quiet_sub_site("links to the parent portal's 县长信箱 (out of scope)"),
        "accessibility": {"assistive_tool": False,
                          "image_alt_missing": {sb.url("/images/logo.png"): "every page (county header)"},
                          "barriers": [{"check": "a11y.image-alt", "element": 'src="/images/logo.png"',
                                        "pages": "many"}],
                          "browser_barriers": [{"check": "a11y.color-contrast",
                                                "element": 'class="welcome"', "pages": "many"}],
                          "review": [NEW_WINDOW_REVIEW],
                          # axe's best practice (browser mode, review): the search box named by its title
                          # only; column banners whose alt repeats the column name beside them
                          "browser_review": [{"check": "axe.label-title-only", "element": 'title="站内搜索"',
                                              "pages": "many"},
                                             {"check": "axe.image-redundant-alt", "element": 'src="/images/banner.png"',
                                              "pages": "many"}]},
        # a column tree on the county host: the county server's headers and cookie are its own
        "security": {"https": False, "server_version_disclosure": "nginx/1.12.2",
                     "insecure_cookie": "JSESSIONID (no HttpOnly)",
                     "missing_security_headers": list(NO_SECURITY_HEADERS)},
        "out_of_scope_examples": [sb.url("/index.html"), sb.url("/hdjl/xzxx/index.html")],
    }
