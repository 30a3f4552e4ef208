"""示例县人民政府 — the county portal (TRS WCM style), host root of the "county" server.

Planted problems (see the answer key for exact URLs/dates): stale news and notice columns, two
empty columns (placeholder / empty <ul> with pager), an oldest-first list, a pinned old item, a
yearless [MM-DD] list, a list whose dates are only on the detail pages, an undated column, a
header clock and copyright year (not content dates), a stale English version, no Mongolian
version, no 无障碍 entry, an HTTP password login, images without alt, broken links (404 page,
404 attachment, 502 page), a 403 page, a 429 page, a 5 s slow page, a redirect loop, a 3 MB
page, a robots.txt-disallowed page, and a 县长信箱 with one unanswered and one late reply. The hubs
新闻中心 and 政府信息公开 carry ColumnName as TRS channel pages do (navigation, not empty columns); 统计公报
writes yearless [MM-DD] dates, its newest item's year comes from its neighbours' URL dates (last year).
Personal data (内容安全): a 低保 公示 list in 通知公告 with one unmasked ID number and one masked, linking an
XLSX of names and mobile numbers and a PDF 审批表 with an ID number in its text; the office's own 咨询电话
(a mobile) and 监督电话 beside them are no finding.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from .. import assets
from .. import templates as T
from ..builder import Item, SiteBuilder
from ..expected import expected_finding
from ..model import Ctx, PageSpec, SiteBuild
from . import branches
from .common import (
    BADGE_COLOURS,
    NEWS_TOPICS,
    NO_SECURITY_HEADERS,
    NOTICE_TOPICS,
    POLICY_TOPICS,
    add_images,
    footer,
    items,
    site_metas,
    undated,
)

SITE_ID = "county"
SERVER = "county"
NAME = "示例县人民政府"
SITE_CODE = "1504000001"
SLOW_DELAY = 5.0  # seconds; tests use --timeout 2
BIG_SIZE = 3 * 1024 * 1024  # bytes of /big.html; tests use a smaller download cap
# personal data planted in the 低保 公示 (valid GB 11643 check digits; the people are invented)
DIBAO_ID = "150425197803150023"         # unmasked on the 公示 page: privacy.id-number
DIBAO_ID_MASKED = "1504**********0034"  # masked as the rules ask: no finding
RELIEF_ID = "150425196805120018"        # in the PDF 审批表's text: privacy.id-number
DIBAO_XLSX = "/uploads/2026/dbdx_lxb.xlsx"
RELIEF_PDF = "/uploads/2026/lsjz_spb.pdf"
DIBAO_PHONES = ["13847601234", "15904762345", "18247603456"]  # the XLSX's 联系电话 column: privacy.mobile-number

NAV = [
    ("/index.html", "首页"),
    ("/xwzx/index.html", "新闻中心"),
    ("/zfxxgk/index.html", "政府信息公开"),
    ("/hdjl/index.html", "互动交流"),
    ("/bmfw/index.html", "便民服务"),
    ("/zwfw/index.html", "政务服务"),
    ("/zjsl/index.html", "走进示例县"),
]

HOME = ("/", "首页")
GK = [HOME, ("/zfxxgk/index.html", "政府信息公开")]
FD = "/zfxxgk/fdzdgknr/"  # 法定主动公开内容
FDK = [*GK, (FD + "index.html", "法定主动公开内容")]
DISCLOSURE_NAV = [
    ("/zfxxgk/zn/index.html", "政府信息公开指南"),
    (FD + "index.html", "法定主动公开内容"),
    (FD + "jgzn/index.html", "机构职能"),
    (FD + "zcwj/index.html", "政策文件"), (FD + "zcjd/index.html", "政策解读"),
    (FD + "ghjh/index.html", "规划计划"), (FD + "czxx/index.html", "财政信息"),
    (FD + "rsxx/index.html", "人事信息"), (FD + "tjxx/index.html", "统计信息"),
    (FD + "tjgb/index.html", "统计公报"),
    ("/zfxxgk/ndbg/index.html", "政府信息公开年报"),
    ("/xxgk/restricted.html", "依申请公开办理系统"),
]
HOME_TOPICS = ('<div class="block"><h2>专题专栏</h2><ul>'  # each links a planted route
               '<li><a href="/slow.html">视频专题</a></li>'
               '<li><a href="/big.html">示例县年鉴（全文）</a></li>'
               '<li><a href="/loop/a">历史专题</a></li>'
               '<li><a href="/private/internal.html">内部办公</a></li>'
               '<li><a href="/xwzx/old.html">旧版网站</a></li>'
               '<li><a href="/xxgk/restricted.html">依申请公开办理系统</a></li>'
               '<li><a href="/search/index.html">站内搜索</a></li>'
               '</ul></div>')
EN_TITLES = ["Shili County holds Naadam Fair", "County signs agricultural cooperation agreement",
             "New bus routes open in the county seat", "Shili County promotes grassland protection",
             "Investment promotion conference held", "Winter heating season begins"]

# The 低保 公示 as county 民政 offices publish it (a TRS article body): a table of people, one ID written out
# whole (the leak), one masked; the office's 监督电话 (a landline) and 咨询电话 (a mobile) are its own contacts.
DIBAO_LIST = (
    '<table class="gs-table" border="1" cellspacing="0" width="100%">'
    "<tr><th>序号</th><th>姓名</th><th>身份证号码</th><th>家庭住址</th><th>保障人数</th><th>月保障金额（元）</th></tr>"
    f"<tr><td>1</td><td>张某某</td><td>{DIBAO_ID}</td><td>示例县甲镇幸福村</td><td>2</td><td>1260</td></tr>"
    f"<tr><td>2</td><td>李某某</td><td>{DIBAO_ID_MASKED}</td><td>示例县乙镇团结村</td><td>1</td><td>630</td></tr>"
    "</table>"
    f'<p>附件：<a href="{DIBAO_XLSX}">低保对象联系表.xlsx</a>　<a href="{RELIEF_PDF}">临时救助审批表.pdf</a></p>'
    "<p>公示期内如有异议，请向示例县民政局反映。监督电话：0476-8888888　咨询电话：13904760001（社会救助股）</p>"
)

A11Y_GUIDE_FORM = ('<form class="ysq-query" action="/zfxxgk/zn/index.html" method="get"><span>申请查询码</span>'
                   '<input type="text" name="code"><button type="submit">查询</button></form>'
                   '<p class="tools"><a href="/zfxxgk/zn/index.html" class="print"><i class="icon-print"></i></a></p>')


def county_footer(ctx: Ctx) -> str:
    return footer(org=NAME, site_code=SITE_CODE, icp="蒙ICP备05001234号",
                  police="蒙公网安备 15040202000123号", conac_id="1504000001000000001",
                  jiucuo_code=SITE_CODE, year=ctx.as_of.year, address="内蒙古自治区示例县政府路1号")


def county_header(ctx: Ctx, site_name: str = NAME, nav: list[tuple[str, str]] = NAV,
                  language_links: bool = True) -> str:
    langs = ('<a href="/en/index.html">English</a> | ' if language_links else "")
    return (
        f'<div class="topbar"><span class="clock">{T.clock(ctx.as_of)}</span>'
        f'<span class="tools">{langs}<a href="/hdjl/login.html">用户登录</a></span></div>'
        f'<div class="header"><img src="/images/logo.png" class="logo">'  # planted: no alt
        f"<h1>{site_name}</h1>"
        # planted (browser mode): a light-grey welcome line on white, contrast 1.9:1
        '<p class="welcome" style="color:#bbbbbb;background:#ffffff">欢迎访问</p>'
        '<form action="/search/index.html" method="get" class="search">'
        '<input type="text" name="q" title="站内搜索"><button type="submit">搜索</button></form></div>'
        + T.nav(nav)
    )


def make_layout(ctx: Ctx, header: str, foot: str, every_page_metas: dict[str, str] | None = None):
    def layout(title: str, content: str, *, metas: dict[str, str] | None = None,
               lang: str | None = "zh-CN", charset: str = "utf-8") -> str:
        body = f'{header}\n<div class="main">\n{content}\n</div>\n{foot}'
        return T.document(f"{title}_{NAME}" if title != NAME else title, body,
                          metas={**(every_page_metas or {}), **(metas or {})}, lang=lang, charset=charset)

    return layout


def build(ctx: Ctx) -> SiteBuild:
    """The portal, part by part; the order fixes the article ids in the URLs and the routes' order."""
    sb = SiteBuilder(ctx, SITE_ID, SERVER, source=NAME + "办公室")
    sb.layout = make_layout(ctx, county_header(ctx), county_footer(ctx))
    news = _news_centre(sb)
    policy = _disclosure(sb)
    _services(sb)
    letters = _interaction(sb)
    en_latest = _english_version(sb)
    _planted_routes(sb)
    _home_page(sb, news)
    planted = _Planted(news_article=sb_items(sb, news["政务要闻"])[0],
                       dibao_list=sb_items(sb, news["通知公告"])[1],
                       policy_article=sb_items(sb, policy)[0],
                       broken_column=news["公示公告"], letters=letters, en_latest=en_latest)
    return sb.finish(
        config={"id": SITE_ID, "name": NAME, "level": "county", "url": ctx.base(SERVER) + "/",
                "languages": ["en", "mn"]},
        key=_answer_key(sb, planted),
    )


@dataclass
class _Planted:
    """Where the planted problems sit, for the answer key."""

    news_article: Item  # 政务要闻's newest: an image without alt, a link to a 404 page
    dibao_list: Item  # 通知公告's second: the 低保 公示 with personal data, and its two attachments
    policy_article: Item  # 政策文件's newest: a 404 attachment, a script that never ends
    broken_column: dict[str, Any]  # 公示公告: every item link is 404
    letters: list[dict[str, Any]]  # 县长信箱, one unanswered and one late
    en_latest: date  # the stale English version's newest item


# ---------------------------------------------------------------- 新闻中心
def _news_centre(sb: SiteBuilder) -> dict[str, dict[str, Any]]:
    """新闻中心: seven news and notice columns, each with its planted trait, under a TRS channel page."""
    A = sb.ctx.ago
    xw = [HOME, ("/xwzx/index.html", "新闻中心")]
    zwyw_items = items(NEWS_TOPICS, A(2), 3, 28)
    zwyw_items[0].extra_html = ('<p><img src="/images/news1.jpg"></p>'  # planted: no alt
                                '<p>相关阅读：<a href="/xwzx/old.html">往期回顾</a></p>')
    gzdt_items = [Item(title="示例县人民政府关于政府网站集约化建设的说明", date=A(700), pinned=True),
                  *items(NEWS_TOPICS[1:], A(1), 4, 15)]
    gsgg_items = items(["关于2026年度政府集中采购目录的公示", "关于拟命名县级文明村镇的公示"], A(5), 4, 2,
                       suffix=False)
    tzgg_items = items(NOTICE_TOPICS, A(300), 20, 9)
    tzgg_items[1] = Item(title="示例县2025年第四季度城乡最低生活保障对象名单公示", date=tzgg_items[1].date,
                         paragraphs=["根据《社会救助暂行办法》，经个人申请、入户调查、民主评议，现将2025年第四季度"
                                     "新增城乡最低生活保障对象名单予以公示，公示期7天。"],
                         extra_html=DIBAO_LIST)
    columns = [
        sb.column("政务要闻", "/xwzx/zwyw/", "news", zwyw_items, column_type="新闻动态", crumbs=xw),
        sb.column("部门动态", "/xwzx/bmdt/", "news", items(NEWS_TOPICS[5:], A(60), 7, 12),
                  column_type="新闻动态", crumbs=xw),
        sb.column("通知公告", "/xwzx/tzgg/", "notice", tzgg_items, column_type="通知公告", crumbs=xw),
        sb.column("图片新闻", "/xwzx/tpxw/", "news", items(NEWS_TOPICS[3:], A(4), 6, 10),
                  column_type="新闻动态", order="asc", crumbs=xw,
                  key_extra={"note": "listed oldest-first: the newest item is at the bottom"}),
        sb.column("工作动态", "/xwzx/gzdt/", "news", gzdt_items, column_type="新闻动态",
                  crumbs=xw, key_extra={"note": "an old pinned (置顶) item sits on top"}),
        sb.column("媒体聚焦", "/xwzx/mtjj/", "news", items(NEWS_TOPICS[7:], A(3), 3, 15),
                  column_type="新闻动态", list_date=T.fmt_yearless, url_style="plain",
                  detail_dates=False, crumbs=xw,
                  key_extra={"note": "yearless [MM-DD] dates; year from context"}),
        sb.column("公示公告", "/xwzx/gsgg/", "notice", gsgg_items, column_type="通知公告", crumbs=xw,
                  broken_items=True,
                  key_extra={"note": "every item link is 404: an empty column (columns.empty)"}),
    ]
    # a TRS channel page: ColumnName, no list
    sb.hub_page("/xwzx/index.html", "新闻中心", sb.links_to(columns), crumbs=[HOME],
                metas={"ColumnName": "新闻中心", "ColumnType": "新闻中心"})
    return {c["name"]: c for c in columns}


# ---------------------------------------------------------------- 政府信息公开
def _disclosure(sb: SiteBuilder) -> dict[str, Any]:
    """政府信息公开: the 指南, the statutory columns and the annual reports, under two hubs.
    Returns the 政策文件 column (its newest article carries planted problems)."""
    statutory = [*_policy_columns(sb), *_figures_columns(sb)]
    # planted (accessibility): an 依申请公开 query field with no label, and an icon-only print link
    sb.html("/zfxxgk/zn/index.html", "政府信息公开指南",
            T.breadcrumb([*GK, (None, "政府信息公开指南")])
            + T.article_body("政府信息公开指南", ["公民、法人或者其他组织可以通过本网站获取政府信息。",
                                             "依申请公开：申请人可以通过信函、当面或网上提交申请。"], info="",
                             extra_html=A11Y_GUIDE_FORM))
    sb.not_column("/zfxxgk/zn/index.html", "政府信息公开指南", "static")
    sb.hub_page(FD + "index.html", "法定主动公开内容",
                [(FD + "jgzn/index.html", "机构职能"), *sb.links_to(statutory)], crumbs=GK)
    sb.hub_page("/zfxxgk/index.html", "政府信息公开", DISCLOSURE_NAV, crumbs=[HOME],
                metas={"ColumnName": "政府信息公开", "ColumnType": "政府信息公开"})
    return statutory[0]


def _policy_columns(sb: SiteBuilder) -> list[dict[str, Any]]:
    """机构职能, then 政策文件 (a 暂无 box beside the list), 政策解读 (dates only on the articles), 规划计划."""
    A = sb.ctx.ago
    sb.static_page(FD + "jgzn/index.html", "机构职能",
                   ["示例县人民政府是县级国家行政机关，负责执行县人民代表大会及其常务委员会的决议。",
                    "主要职责：执行国民经济和社会发展计划、预算，管理本县行政区域内的经济、教育、科学、文化、卫生等行政工作。"],
                   crumbs=[*FDK, (None, "机构职能")])
    zcwj_items = items(POLICY_TOPICS, A(25), 30, 12)
    zcwj_items[0].extra_html = '<p>附件：<a href="/uploads/2025/report.pdf">2025年度工作报告.pdf</a></p>'
    # planted (browser mode): the newest 政策文件 also draws a chart with a script that never ends; a
    # browser hangs on it, so browser mode must list it as not scanned and go on
    zcwj_items[0].extra_html += '<div class="chart"></div><script>for (;;) {}</script>'
    ghjh_items = items(["示例县国民经济和社会发展第十五个五年规划纲要",
                        "示例县2026年政府工作要点", "示例县国土空间总体规划（2021—2035年）"],
                       A(100), 90, 5)
    ghjh_items[0].extra_html = '<p>附件：<a href="/uploads/2026/plan.doc">规划纲要全文.doc</a></p>'
    return [
        sb.column("政策文件", FD + "zcwj/", "policy", zcwj_items, column_type="政策文件",
                  crumbs=FDK, list_extra='<div class="side"><h3>相关解读</h3><p>暂无</p></div>',
                  key_extra={"note": "a 暂无 box beside a real list is not emptiness"}),
        sb.column("政策解读", FD + "zcjd/", "policy",
                  items([f"图解：{t[5:]}" for t in POLICY_TOPICS], A(20), 15, 8),
                  column_type="政策解读", list_date=None, url_style="plain", crumbs=FDK,
                  key_extra={"note": "no dates on the list; PubDate meta on detail pages"}),
        sb.column("规划计划", FD + "ghjh/", "planning", ghjh_items, column_type="规划计划",
                  crumbs=FDK),
    ]


def _figures_columns(sb: SiteBuilder) -> list[dict[str, Any]]:
    """财政信息 (200 days old, fresh for finance), two empty columns (placeholder / empty list with a
    pager), the annual reports (政府信息公开年报, outside the statutory list) and the yearless 统计公报."""
    A = sb.ctx.ago
    czxx = sb.column("财政信息", FD + "czxx/", "finance",
                     items(["示例县2026年部门预算公开", "示例县2025年财政决算公开",
                            "示例县2026年政府债务情况说明"], A(200), 30, 6),
                     column_type="财政信息", crumbs=FDK,
                     key_extra={"note": "200 days old is fresh for finance (365); stale if misread as notice"})
    rsxx = sb.column("人事信息", FD + "rsxx/", "personnel", [], column_type="人事信息",
                     placeholder="暂无信息", crumbs=FDK)
    tjxx = sb.column("统计信息", FD + "tjxx/", "statistics", [], column_type="统计信息",
                     empty_pager=True, crumbs=FDK,
                     key_extra={"note": "empty <ul> that still carries a pager"})
    sb.column("政府信息公开年报", "/zfxxgk/ndbg/", "other",
              items([f"示例县人民政府{y}年政府信息公开工作年度报告" for y in (2025, 2024, 2023)],
                    A(290), 365, 3, suffix=False),
              column_type="政府信息公开年报", crumbs=GK)
    tjgb_items = items([f"示例县{y}年国民经济和社会发展统计公报" for y in (2025, 2024, 2023)]
                       + ["示例县农牧业统计年报", "示例县人口抽样调查主要数据公报"], A(400), 30, 6)
    tjgb_items[0].url_style = "plain"  # the newest item: no date in its URL, only [MM-DD] on the list
    tjgb = sb.column("统计公报", FD + "tjgb/", "statistics", tjgb_items, column_type="统计信息",
                     list_date=T.fmt_yearless, crumbs=FDK,
                     key_extra={"note": "yearless [MM-DD] list; the newest item's year comes from its "
                                        "neighbours' URL dates (last year), not from as_of"})
    return [czxx, rsxx, tjxx, tjgb]


# ---------------------------------------------------------------- 便民服务, 走进示例县, 互动交流
def _services(sb: SiteBuilder) -> None:
    """便民服务 with its undated 办事指南 column (no dates anywhere), and the static 走进示例县."""
    sb.column("办事指南", "/bmfw/bszn/", "other",
              undated(["居民身份证办理指南", "城乡居民养老保险参保登记", "不动产登记办理流程",
                       "个体工商户设立登记", "残疾人证办理", "老年人优待证办理",
                       "机动车驾驶证换证", "最低生活保障申请"]),
              column_type="办事指南", list_date=None, url_style="plain", detail_dates=False,
              crumbs=[HOME, ("/bmfw/index.html", "便民服务")],
              key_extra={"note": "no dates anywhere (list, URL, detail)"})
    sb.hub_page("/bmfw/index.html", "便民服务",
                [("/bmfw/bszn/index.html", "办事指南"), ("http://www.gov.cn/fuwu/", "国务院客户端服务")],
                crumbs=[HOME])
    sb.static_page("/zjsl/index.html", "走进示例县",
                   ["示例县位于内蒙古自治区中部，总面积3200平方公里，辖4镇2苏木，总人口12万人。",
                    "示例县是国家重要的农畜产品生产基地。"], kind="static")


def _interaction(sb: SiteBuilder) -> list[dict[str, Any]]:
    """互动交流: the 县长信箱 (returns its letters' key) and a password login over HTTP."""
    letters = _letters(sb.ctx, sb)
    sb.hub_page("/hdjl/index.html", "互动交流",
                [("/hdjl/xzxx/index.html", "县长信箱"), ("/hdjl/login.html", "用户登录")], crumbs=[HOME])
    sb.html("/hdjl/login.html", "用户登录",
            T.breadcrumb([HOME, ("/hdjl/index.html", "互动交流"), (None, "用户登录")])
            + f'<form action="{sb.ctx.base(SERVER)}/hdjl/login" method="post" class="login">'
            '<input type="text" name="username" placeholder="用户名">'
            '<input type="password" name="pwd" placeholder="密码">'
            '<input type="text" name="captcha" placeholder="图形验证码"><img src="/images/captcha.png">'
            '<button type="submit">登录</button></form>')
    sb.not_column("/hdjl/login.html", "用户登录", "form")
    sb.add("/hdjl/login", PageSpec(redirect="/hdjl/login.html"))
    return letters


# ---------------------------------------------------------------- English version (stale)
def _english_version(sb: SiteBuilder) -> date:
    """A stale English version (its newest item over a year old); returns that newest date."""
    A = sb.ctx.ago
    en_items = list(zip([A(400 + 30 * i) for i in range(6)], EN_TITLES, strict=True))
    en_lis = []
    for n, (d, t) in enumerate(en_items):
        p = f"/en/news/{d:%Y%m}/t{d:%Y%m%d}_{9000 + n}.html"
        sb.html(p, t, f'<div class="article"><h1>{t}</h1><p class="info">Date: {d:%Y-%m-%d}</p>'
                f"<p>{t}. Shili County, Inner Mongolia.</p></div>", lang="en",
                metas={"ArticleTitle": t, "PubDate": f"{d:%Y-%m-%d} 10:00",
                       "ContentSource": "Shili County Information Office"},
                layout=_en_layout)
        en_lis.append(T.list_item(p, t, f"{d:%Y-%m-%d}"))
    sb.html("/en/index.html", "Shili County People's Government",
            '<h2>Latest News</h2><ul class="list">' + "".join(en_lis) + "</ul>"
            '<p><a href="/en/about.html">About Shili</a> | <a href="/index.html">中文</a></p>',
            lang="en", layout=_en_layout,
            metas=site_metas(sb, "Shili County People's Government", SITE_CODE))
    sb.not_column("/en/index.html", "English home", "language-home")
    sb.html("/en/about.html", "About Shili County",
            "<h2>About Shili County</h2><p>Shili County lies in central Inner Mongolia.</p>",
            lang="en", layout=_en_layout)
    sb.not_column("/en/about.html", "About Shili County", "static")
    return max(d for d, _ in en_items)


# ---------------------------------------------------------------- planted routes
def _planted_routes(sb: SiteBuilder) -> None:
    """Routes a crawler must survive: robots, 403, 429, 502, a slow page, a redirect loop, a 3 MB page;
    then the attachment and the images."""
    sb.raw("/robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain")
    sb.html("/private/internal.html", "内部办公", "<p>内部办公系统入口（仅限内网访问）。</p>")
    sb.html("/xxgk/restricted.html", "403 Forbidden", "<h1>403 Forbidden</h1><p>您无权访问该页面。</p>",
            status=403, layout=_bare)
    sb.html("/search/index.html", "请求过于频繁", "<h1>429 Too Many Requests</h1><p>访问过于频繁，请稍后再试。</p>",
            status=429, headers={"Retry-After": "3600"}, layout=_bare)
    sb.html("/zwfw/index.html", "502 Bad Gateway", "<h1>502 Bad Gateway</h1>", status=502, layout=_bare)
    sb.html("/slow.html", "视频专题", "<p>视频点播专题（服务器响应缓慢）。</p>", delay=SLOW_DELAY)
    sb.add("/loop/a", PageSpec(redirect="/loop/b"))
    sb.add("/loop/b", PageSpec(redirect="/loop/a"))
    sb.raw("/big.html", assets.filler_html(BIG_SIZE), "text/html")
    sb.raw("/uploads/2026/plan.doc", assets.doc("规划纲要"), "application/msword")
    sb.raw(DIBAO_XLSX, assets.xlsx("低保对象", [["序号", "姓名", "所在嘎查村", "联系电话"]] + [
        [n, name, village, phone] for n, (name, village, phone) in enumerate(zip(
            ["张某某", "王某某", "赵某某"], ["幸福村", "团结村", "红旗嘎查"], DIBAO_PHONES, strict=True), 1)]),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    sb.raw(RELIEF_PDF, assets.pdf(["示例县临时救助审批表", f"申请人：王某某　性别：男　身份证号：{RELIEF_ID}",
                                   "家庭住址：示例县甲镇幸福村", "救助事由：因病致困　救助金额：2000元",
                                   "审批单位：示例县民政局　监督电话：0476-8888888"], "临时救助审批表"),
           "application/pdf")
    add_images(sb, {**BADGE_COLOURS, "captcha": (90, 90, 90), "banner": (30, 90, 160)})
    sb.raw("/images/news1.jpg", assets.png(2, 2), "image/png")


# ---------------------------------------------------------------- home page
def _home_page(sb: SiteBuilder, news: dict[str, dict[str, Any]]) -> None:
    """The home page: three news blocks (their items date the home page), the links to the planted
    routes, the sub-sites, and a session cookie without HttpOnly."""
    home_html = (
        '<div class="banner"><img src="/images/banner.png"></div>'  # planted: no alt
        + _home_block(sb, "政务要闻", news["政务要闻"], 6)
        + _home_block(sb, "通知公告", news["通知公告"], 4)
        + _home_block(sb, "部门动态", news["部门动态"], 4)
        + HOME_TOPICS
        + '<div class="block"><h2>部门乡镇</h2><ul>'
        '<li><a href="/bm/jyj/">示例县教育局</a></li>'
        f'<li><a href="{sb.ctx.base("dept-fgw")}/">示例县发展和改革委员会</a></li>'
        f'<li><a href="{sb.ctx.base("town-a")}/">甲镇人民政府</a></li>'
        f'<li><a href="{sb.ctx.base("town-b")}/">乙镇人民政府</a></li>'
        f'<li><a href="{sb.ctx.base("dept-wjw")}/">示例县卫生健康委员会</a></li>'
        "</ul>" + branches.menu(sb.ctx) + "</div>"
        '<div class="block"><h2>互动交流</h2><ul><li><a href="/hdjl/xzxx/index.html">县长信箱</a></li>'
        "</ul></div>"
        '<div class="links"><h2>相关链接</h2><a href="http://www.gov.cn/">中国政府网</a> '
        '<a href="http://www.nmg.gov.cn/">内蒙古自治区人民政府</a></div>'
    )
    sb.html("/index.html", NAME, home_html, metas=site_metas(sb, NAME, SITE_CODE),
            headers={"Set-Cookie": "JSESSIONID=5F3A1C0D9B2E4F60; Path=/"})
    sb.not_column("/index.html", "首页", "home")


def _home_block(sb: SiteBuilder, title: str, col: dict[str, Any], n: int) -> str:
    """A home-page block: the column's ``n`` newest unpinned items (they date the home page)."""
    newest = sorted((i for i in sb_items(sb, col) if not i.pinned), key=lambda i: i.date,
                    reverse=True)[:n]
    sb.homepage_dates.extend(i.date for i in newest)
    lis = "".join(T.list_item(i.path, i.title, f"{i.date:%Y-%m-%d}") for i in newest)
    more = col["url"].replace(sb.ctx.base(SERVER), "")
    return (f'<div class="block"><h2>{title}<a href="{more}" class="more">更多&gt;&gt;</a></h2>'
            f'<ul class="list">{lis}</ul></div>')


# ---------------------------------------------------------------- answer key
def _answer_key(sb: SiteBuilder, p: _Planted) -> dict[str, Any]:
    """Every planted fact, by dimension (columns and not_columns are added by ``finish``)."""
    base = sb.ctx.base(SERVER)
    main_latest = max(sb.homepage_dates)
    return {
        "homepage": sb.homepage_key("/index.html"),
        "identity": {"site_code": True, "icp": True, "police": True, "conac": True,
                     "jiucuo": True, "page_tags": False,
                     "page_tags_note": "home and lists complete; the undated detail pages of "
                                       "媒体聚焦 and 办事指南 have no PubDate (by design)",
                     "page_tags_missing": {"article": ["PubDate"]}},
        "languages": {
            "en": {"required": True, "status": "stale", "url": base + "/en/index.html",
                   "latest_date": p.en_latest.isoformat(),
                   "lag_days": (main_latest - p.en_latest).days},
            "mn": {"required": True, "status": "missing", "url": None},
        },
        "broken_links": _broken_links_key(sb, p),
        **_not_scanned_key(base),
        "letters": p.letters,
        "interaction": {"channel": True, "reply_overdue": True},
        "login": [{"url": base + "/hdjl/login.html", "password_over_http": True,
                   "form_action_insecure": True, "single_factor": True, "captcha": True}],
        "accessibility": _accessibility_key(sb, p),
        "findings": _privacy_key(sb, p) + _coverage_key(sb),
        "security": {"https": False, "server_version_disclosure": "nginx/1.12.2",
                     "insecure_cookie": "JSESSIONID (no HttpOnly)",
                     "missing_security_headers": list(NO_SECURITY_HEADERS)},
    }


def _privacy_key(sb: SiteBuilder, p: _Planted) -> list[dict[str, Any]]:
    """Personal data in the 低保 公示 and its attachments; the masked ID and the office's 咨询电话 are not findings."""
    return [
        expected_finding("privacy.id-number", sb.url(p.dibao_list.path), count=1,
                         data={"source": "page", "count": 1}, evidence="1504**********0023",
                         note="one ID written out whole in the 公示 table (the masked one is no finding)"),
        expected_finding("privacy.mobile-number", sb.url(DIBAO_XLSX), count=1,
                         data={"source": "attachment", "type": "xlsx", "count": len(DIBAO_PHONES)},
                         evidence="138****1234", note="names and mobile numbers in the XLSX linked from the 公示"),
        expected_finding("privacy.id-number", sb.url(RELIEF_PDF), count=1,
                         data={"source": "attachment", "type": "pdf", "count": 1}, evidence="1504**********0018",
                         note="an ID number in the PDF 审批表's text"),
    ]


def _coverage_key(sb: SiteBuilder) -> list[dict[str, Any]]:
    """The county tree (sites/branches.py): one dead, one parked, one zombie and one unlisted sub-site."""
    e = expected_finding
    url = sb.ctx.base
    return [
        e("coverage.subsite-dead", url("town-c") + "/", count=1, data={"site": "town-c", "state": "dead"},
          note="丙镇 is linked from the 乡镇街道 menu and answers 503"),
        e("coverage.subsite-parked", url("town-d") + "/", count=1, data={"site": "town-d", "state": "parked"},
          note="丁镇 is linked and shows a 宝塔 没有找到站点 page"),
        e("coverage.zombie", url("town-e") + "/", count=1, data={"site": "town-e", "state": "zombie"},
          note=f"戊镇's newest item is {branches.ZOMBIE_AGE} days old"),
        e("coverage.unlisted", url("dept-lyj") + "/", count=1, data={"site": None, "state": "not-audited"},
          note="示例县林业和草原局 is linked, not in the sites file"),
    ]


def _broken_links_key(sb: SiteBuilder, p: _Planted) -> dict[str, Any]:
    """404/403 links are confirmed, other failures suspected (docs/SPEC.md §6)."""
    base = sb.ctx.base(SERVER)
    return {
        "confirmed": [
            {"url": base + "/xwzx/old.html", "status": 404,
             "referrers": [base + "/index.html", sb.url(p.news_article.path)]},
            {"url": base + "/uploads/2025/report.pdf", "status": 404,
             "referrers": [sb.url(p.policy_article.path)]},
            {"url": base + "/xxgk/restricted.html", "status": 403,
             "referrers": [base + "/index.html", base + "/zfxxgk/index.html"],
             "note": "also not_scanned http-403 (docs/SPEC.md §6 counts 403 as confirmed)"},
            *({"url": sb.url(i.path), "status": 404, "referrers": [p.broken_column["url"]],
               "note": "items of the all-broken 公示公告 column"} for i in sb_items(sb, p.broken_column)),
        ],
        "suspected": [
            {"url": base + "/zwfw/index.html", "status": 502,
             "referrers": [base + "/index.html"]},
            {"url": base + "/slow.html", "status": None, "reason": "timeout",
             "referrers": [base + "/index.html"],
             "note": f"only when --timeout < {SLOW_DELAY:g} s"},
            {"url": base + "/loop/a", "status": None, "reason": "redirect-loop",
             "referrers": [base + "/index.html"]},
        ],
        "ok_attachments": [base + "/uploads/2026/plan.doc"],
    }


def _not_scanned_key(base: str) -> dict[str, Any]:
    """The planted routes a crawl reports as not scanned, and the run conditions some depend on."""
    return {
        "not_scanned": {
            base + "/xxgk/restricted.html": "http-403",
            base + "/search/index.html": "http-429",
            base + "/slow.html": "timeout",
            base + "/loop/a": "redirect-loop",
            base + "/big.html": "too-large",
            base + "/private/internal.html": "robots",
            base + "/zwfw/index.html": "http-502",
        },
        "not_scanned_conditions": {
            base + "/slow.html": f"only when --timeout < {SLOW_DELAY:g} s (the page sleeps {SLOW_DELAY:g} s)",
            base + "/big.html": f"only when the download cap < {BIG_SIZE} bytes",
            base + "/private/internal.html": "only with --obey-robots (the default)",
        },
    }


def _accessibility_key(sb: SiteBuilder, p: _Planted) -> dict[str, Any]:
    """No 无障碍 entry; images without alt, an unlabelled field, an icon-only link, low contrast."""
    base = sb.ctx.base(SERVER)
    news_page = sb.url(p.news_article.path)
    return {
        "assistive_tool": False,
        "image_alt_missing": {  # image -> pages showing it without alt
            base + "/images/logo.png": "every page with the county header (also dept-edu)",
            base + "/images/banner.png": [base + "/index.html"],
            base + "/images/news1.jpg": [news_page],
            base + "/images/captcha.png": [base + "/hdjl/login.html"],
        },
        # the login form's fields are named by their placeholders (as browsers and ACT e086e5
        # count), so its planted form-label barrier is the 依申请公开 query field instead
        "form_label_missing": [base + "/zfxxgk/zn/index.html"],
        # every accessibility finding expected (exhaustive): check, a piece of the element's
        # outer HTML, and the pages ("many": the site-wide template, on most pages)
        "barriers": [
            {"check": "a11y.image-alt", "element": 'src="/images/logo.png"', "pages": "many"},
            {"check": "a11y.image-alt", "element": 'src="/images/banner.png"', "pages": [base + "/index.html"]},
            {"check": "a11y.image-alt", "element": 'src="/images/news1.jpg"', "pages": [news_page]},
            {"check": "a11y.image-alt", "element": 'src="/images/captcha.png"',
             "pages": [base + "/hdjl/login.html"]},
            {"check": "a11y.form-label", "element": 'name="code"',
             "pages": [base + "/zfxxgk/zn/index.html"]},
            {"check": "a11y.link-name", "element": '<a class="print"',
             "pages": [base + "/zfxxgk/zn/index.html"]},
        ],
        # found only in browser mode (--browser): rendered colours, and a page that hangs
        "browser_barriers": [{"check": "a11y.color-contrast", "element": 'class="welcome"',
                              "pages": "many"}],
        "browser_not_scanned": {sb.url(p.policy_article.path): "timeout"},
        "review": [{"check": "a11y.link-new-window", "element": 'target="_blank"', "pages": "many"}],  # review-level (info): list and footer links open a new window unannounced
        # axe-core's best practice (browser mode, review): the header's search box is named by its title only
        "browser_review": [{"check": "axe.label-title-only", "element": 'title="站内搜索"', "pages": "many"},
                           # and the footer's 乡镇街道 menu of the county tree (branches.py), on the home page
                           {"check": "axe.label-title-only", "element": 'title="乡镇街道"', "pages": [sb.url("/")]}],
    }


def sb_items(sb: SiteBuilder, col: dict[str, Any]) -> list[Item]:
    """Re-read a column's items from the builder (dates from its detail page paths)."""
    return sb.column_items[col["url"]]


def _bare(title: str, content: str, *, metas=None, lang="zh-CN", charset="utf-8") -> str:
    return T.document(title, content, metas=metas, lang=lang, charset=charset)


def _en_layout(title: str, content: str, *, metas=None, lang="en", charset="utf-8") -> str:
    body = ('<div class="header"><h1>Shili County People\'s Government</h1>'
            '<a href="/en/index.html">Home</a> | <a href="/en/about.html">About</a></div>'
            f'<div class="main">{content}</div><div class="footer">Copyright Shili County</div>')
    return T.document(title, body, metas=metas, lang=lang, charset=charset)


def _letters(ctx: Ctx, sb: SiteBuilder) -> list[dict[str, Any]]:
    """县长信箱: a public letter list with 来信时间 / 回复时间 / 状态."""
    A = ctx.ago
    one_year_ago = ctx.as_of.toordinal() - 365
    spec: list[tuple[str, date, date | None]] = [
        ("关于小区冬季供暖温度不达标的反映", A(4), A(4)),
        ("咨询城乡居民医保缴费时间", A(30), A(25)),
        ("建议增设县城区公交站点", A(45), None),  # unanswered, but < 90 days: not overdue
        ("反映村道路面破损问题", A(60), A(50)),
        ("反映农民工工资拖欠问题", A(120), None),  # planted: unanswered > 90 days
        ("关于牧区饮水工程的建议", A(250), A(130)),  # planted: answered 120 days late
        ("咨询草原补奖政策", A(500), A(380)),  # late, but outside the one-year window
    ]
    rows, out = [], []
    for n, (title, asked, replied) in enumerate(spec):
        path = f"/hdjl/xzxx/letter_{4001 + n}.html"
        state = "已回复" if replied else "未回复"
        rtext = f"{replied:%Y-%m-%d}" if replied else ""
        rows.append(f'<tr><td><a href="{path}">{title}</a></td><td>{asked:%Y-%m-%d}</td>'
                    f"<td>{rtext}</td><td>{state}</td></tr>")
        reply = (f"<p>回复单位：示例县人民政府办公室</p><p>回复时间：{replied:%Y-%m-%d}</p>"
                 "<p>回复内容：您反映的问题已转交相关部门办理，感谢您的关注。</p>") if replied else \
            "<p>状态：未回复（办理中）</p>"
        sb.html(path, title,
                f'<div class="letter"><h1>{title}</h1><p>来信时间：{asked:%Y-%m-%d}</p>'
                f"<p>来信内容：{title}，请予答复。</p>{reply}</div>")
        sb.not_column(path, title, "letter")
        in_window = asked.toordinal() >= one_year_ago
        late = ((replied or ctx.as_of) - asked).days > 90
        out.append({"title": title, "url": sb.url(path), "asked": asked.isoformat(),
                    "replied": replied.isoformat() if replied else None,
                    "overdue": bool(in_window and late),
                    **({"note": "late reply outside the one-year window"} if late and not in_window
                       else {})})
    table = ('<table class="letters"><tr><th>标题</th><th>来信时间</th><th>回复时间</th><th>状态</th></tr>'
             + "".join(rows) + "</table>")
    sb.html("/hdjl/xzxx/index.html", "县长信箱",
            T.breadcrumb([("/", "首页"), ("/hdjl/index.html", "互动交流"), (None, "县长信箱")])
            + f'<div class="list-box"><h2 class="column-title">县长信箱</h2>{table}</div>',
            metas={"ColumnName": "县长信箱", "ColumnType": "互动交流"})
    # a letter list is judged by the interaction checks (reply times), never as an information column
    sb.not_columns.append({"name": "县长信箱", "url": sb.url("/hdjl/xzxx/index.html"), "kind": "letters"})
    return out
