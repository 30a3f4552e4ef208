"""示例县发展和改革委员会 — a well-kept department site on its own server.

Fresh columns, every identity item (site code in the ``bm`` + 8 digits form), security headers,
a login with an SMS code (second factor). Languages: English only as an hreflang alternate (no
visible link), a Cyrillic Mongolian version at /mn/, and a broken 蒙古文 link (404).
Forms that tools misread (issue 14): the footer and the 党政机关 mark are written by document.write
(ICP without 号, 公网安备号 then the number in its own link); the home page shows dates only on a
month-old block, its fresh items are dated by their URLs or their articles' PubDate; 工作动态 pages
with a jQuery pager (var totalPage = 3, index_2.html, no index_1.html); 通知公告 is .shtml with TRS
pager variables and no createPageHTML call on the page.
Forged dates (issue 22, content dimension): 通知公告 lists a notice dated six weeks after the as-of day (its
article's PubDate too: one content.future-date finding, on the list); 工作动态 holds an item posted this
month (its TRS URL says so) that shows a date two and a half months earlier, in its list and on its page
(one content.date-mismatch finding, on the article).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from .. import templates as T
from ..builder import Item, Layout, SiteBuilder
from ..expected import expected_finding
from ..model import Ctx, SiteBuild
from .common import BADGE_COLOURS, NOTICE_TOPICS, add_images, footer, items, site_metas

SITE_ID = "dept-fgw"
SERVER = "dept-fgw"
NAME = "示例县发展和改革委员会"
SITE_CODE = "bm15040002"

FGW_NEWS = ["县发改委召开重点项目调度会", "县发改委开展价格监督检查", "县发改委组织学习新修订的招标投标法",
            "县发改委调研新能源项目建设", "县发改委召开节能降碳工作推进会"]

NAV = [("/index.html", "首页"), ("/gzdt/index.html", "工作动态"), ("/tzgg/index.shtml", "通知公告"),
       ("/zcwj/index.html", "政策文件"), ("/fzgh/index.html", "发展规划"),
       ("/jgjc/index.html", "价格监测"), ("/jgzn/index.html", "机构职能")]
HOME = [("/index.html", "首页")]


@dataclass(frozen=True)
class LanguageVersion:
    """One language version of the site: a few dated news articles and a home page listing them."""

    lang: str
    dir: str
    ages: tuple[int, ...]  # each article's age in days
    titles: tuple[str, ...]
    date_label: str
    source: str  # the articles' ContentSource
    home_title: str
    heading: str  # the home page's HTML above the news list
    home_name: str  # its name among the key's not_columns


CYRILLIC_TITLE = "Шили хошууны Хөгжил, шинэчлэлийн хороо"
ENGLISH = LanguageVersion(
    "en", "/english/", (5, 20, 35),
    ("Key projects scheduling meeting held", "Price inspection carried out", "Energy saving campaign launched"),
    "Date", "Shili County DRC", "Shili County Development and Reform Commission",
    "<h1>Development and Reform Commission</h1><h2>News</h2>", "English home")
CYRILLIC = LanguageVersion(
    "mn", "/mn/", (12, 30, 60),
    ("Хөрөнгө оруулалтын төслийн хурал боллоо", "Үнийн хяналт шалгалт хийлээ",
     "Сэргээгдэх эрчим хүчний төсөл хэрэгжиж байна"),
    "Огноо", CYRILLIC_TITLE, CYRILLIC_TITLE,
    f"<h1>{CYRILLIC_TITLE}</h1><p>Монгол хэл</p><h2>Мэдээ</h2>", "Mongolian (Cyrillic) home")


def build(ctx: Ctx) -> SiteBuild:
    """The site, part by part; the order fixes the article ids in the URLs and the routes' order."""
    sb = SiteBuilder(ctx, SITE_ID, SERVER, source=NAME)
    sb.layout = _layout(ctx)
    columns = _columns(sb)
    _static_pages(sb)
    en_latest = _language_version(sb, ENGLISH)
    mn_latest = _language_version(sb, CYRILLIC)
    _home_page(sb, columns)
    return sb.finish(
        config={"id": SITE_ID, "name": NAME, "level": "department", "parent": "county",
                "url": ctx.base(SERVER) + "/", "languages": ["en", "mn"]},
        key=_answer_key(sb, en_latest, mn_latest),
    )


def _layout(ctx: Ctx) -> Layout:
    """The site's template: language and 无障碍 links on top, hreflang alternates, the written footer."""
    header = (f'<div class="topbar">{T.clock(ctx.as_of)}　<a href="/mn/">Монгол хэл</a>'
              '　<a href="/mgl/index.html">蒙古文</a>　<a href="/wza/index.html">无障碍</a>'
              '　<a href="/login.html">登录</a></div>'
              f'<div class="header"><img src="/images/logo.png" alt="{NAME}"><h1>{NAME}</h1></div>'
              + T.nav(NAV))
    foot = written_footer(ctx)
    alt = ('<link rel="alternate" hreflang="zh-CN" href="/">\n'
           '<link rel="alternate" hreflang="en" href="/english/">\n'
           '<link rel="alternate" hreflang="mn" href="/mn/">\n'
           # planted (accessibility): zoom disabled on every page of the site's template
           '<meta name="viewport" content="width=device-width, maximum-scale=1.0, user-scalable=no">\n')

    def layout(title, content, *, metas=None, lang="zh-CN", charset="utf-8"):
        return T.document(title if title == NAME else f"{title}-{NAME}",
                          f'{header}<div class="main">{content}</div>{foot}', metas=metas,
                          lang=lang, charset=charset, head_extra=alt)

    return layout


def _columns(sb: SiteBuilder) -> dict[str, dict[str, Any]]:
    """Five fresh columns in the forms tools misread: a jQuery pager, .shtml with TRS pager variables,
    a category given only by ColumnType."""
    A = sb.ctx.ago
    backdated = Item(BACKDATED_TITLE, A(78))  # planted (content.date-mismatch): really posted three days ago
    future = Item(FUTURE_TITLE, A(-42))  # planted (content.future-date): dated six weeks ahead
    columns = [
        sb.column("工作动态", "/gzdt/", "news", [*items(FGW_NEWS, A(1), 3, 15), backdated], column_type="新闻动态",
                  crumbs=HOME, style="jquery", page_size=6,
                  key_extra={"note": "jQuery pagination: var totalPage = 3, index_2.html and index_3.html, "
                                     "no index_1.html"}),
        sb.column("通知公告", "/tzgg/", "notice", [future, *items(NOTICE_TOPICS[2:], A(10), 20, 8)],
                  column_type="通知公告", crumbs=HOME, style="trs-vars", ext="shtml", page_size=5,
                  key_extra={"note": ".shtml pages; TRS pager variables (countPage) without a createPageHTML call"}),
    ]
    sb.raw("/js/trs_page.js", "if (typeof countPage != 'undefined') createPageHTML(countPage, currentPage, "
           "prefixName, suffixName);\n", "application/javascript")
    columns += [
        sb.column("政策文件", "/zcwj/", "policy",
                  items(["示例县发展和改革委员会关于做好2026年冬季能源保供工作的通知",
                         "示例县发展和改革委员会关于规范政府定价行为的通知"], A(30), 30, 6),
                  column_type="政策文件", crumbs=HOME),
        sb.column("发展规划", "/fzgh/", "planning",
                  items(["示例县“十五五”能源发展规划", "示例县现代物流业发展规划"], A(90), 200, 4),
                  column_type="规划计划", crumbs=HOME),
        sb.column("价格监测", "/jgjc/", "statistics",
                  items(["示例县主要农产品价格监测周报", "示例县居民消费价格监测"], A(7), 7, 10),
                  column_type="统计信息", crumbs=HOME, url_style="plain",
                  key_extra={"note": "category from <meta name=ColumnType content=统计信息>, not the name"}),
    ]
    _keep_out_of_freshness(sb, columns[1], future)
    _repost(sb, backdated, A(3))
    return {c["name"]: c for c in columns}


BACKDATED_TITLE = "县发改委召开第三季度重点项目推进会"
FUTURE_TITLE = "关于做好2027年元旦春节期间价格监管工作的通知"


def _keep_out_of_freshness(sb: SiteBuilder, column: dict[str, Any], future: Item) -> None:
    """A future date never counts as a column's newest: the key's latest date is the newest of the others."""
    latest = max(i.date for i in sb.column_items[column["url"]] if i is not future and i.date)
    column.update(latest_date=latest.isoformat(), age_days=(sb.ctx.as_of - latest).days, status="fresh")
    column["note"] = (column.get("note", "") + f"; the notice “{future.title}” is dated {future.date} (future): "
                      "a content.future-date finding, not the column's newest item").lstrip("; ")


def _repost(sb: SiteBuilder, item: Item, posted: date) -> None:
    """Move the item's article to the address TRS gives an item published on `posted` (t{posted}_N.html)
    while it still shows its earlier date, in its list and on its page: a back-dated item."""
    old = item.path
    folder, leaf = old.rsplit("/", 2)[0], old.rsplit("_", 1)[1]
    item.path = f"{folder}/{posted:%Y%m}/t{posted:%Y%m%d}_{leaf}"
    sb.pages[item.path] = sb.pages.pop(old)
    relative_old, relative_new = "./" + old.removeprefix("/gzdt/"), "./" + item.path.removeprefix("/gzdt/")
    for spec in sb.pages.values():
        if isinstance(spec.body, str) and relative_old in spec.body:
            spec.body = spec.body.replace(relative_old, relative_new)


def _static_pages(sb: SiteBuilder) -> None:
    """机构职能, the 无障碍 entry, a login with an SMS code (second factor), the badge images."""
    sb.static_page("/jgzn/index.html", "机构职能",
                   ["拟订并组织实施全县国民经济和社会发展战略、中长期规划和年度计划。"],
                   crumbs=[*HOME, (None, "机构职能")])
    sb.static_page("/wza/index.html", "无障碍服务", ["本网站支持读屏软件、大字幕和高对比度模式。"],
                   crumbs=[*HOME, (None, "无障碍服务")])
    sb.html("/login.html", "用户登录",
            T.breadcrumb([*HOME, (None, "用户登录")])
            + '<form action="/login" method="post" class="login">'
            '<label for="u">用户名</label><input id="u" type="text" name="username" autocomplete="username">'
            '<label for="p">密码</label><input id="p" type="password" name="password" autocomplete="current-password">'
            '<label for="sms">短信验证码</label><input id="sms" type="text" name="smscode" autocomplete="one-time-code">'
            '<button type="button">获取验证码</button><button type="submit">登录</button></form>')
    sb.not_column("/login.html", "用户登录", "form")
    add_images(sb, BADGE_COLOURS)


def _language_version(sb: SiteBuilder, version: LanguageVersion) -> date:
    """A language version's articles and home page; returns its newest date."""
    dates = [sb.ctx.ago(age) for age in version.ages]
    lis = ""
    for n, (d, t) in enumerate(zip(dates, version.titles, strict=True)):
        path = f"{version.dir}news_{n}.html"
        sb.html(path, t, f"<h1>{t}</h1><p>{version.date_label}: {d:%Y-%m-%d}</p><p>{t}.</p>",
                lang=version.lang, layout=_plain, metas=_article_metas(t, d, version.source))
        lis += T.list_item(path, t, f"{d:%Y-%m-%d}")
    sb.html(version.dir + "index.html", version.home_title, f'{version.heading}<ul class="list">{lis}</ul>',
            lang=version.lang, layout=_plain, metas=site_metas(sb, NAME, SITE_CODE))
    sb.not_column(version.dir + "index.html", version.home_name, "language-home")
    return max(dates)


def _home_page(sb: SiteBuilder, columns: dict[str, dict[str, Any]]) -> None:
    """The home page shows dates only on 政策文件 (a month old). 工作动态 shows none, but its TRS URLs carry
    them (t20261119_…); 价格监测 shows none and has plain URLs, its articles carry PubDate. An inspector
    opens them: the home page is fresh."""
    county = sb.ctx.base("county")
    newest = sb.column_items[columns["工作动态"]["url"]][:6]
    policy = sb.column_items[columns["政策文件"]["url"]][:3]
    prices = sb.column_items[columns["价格监测"]["url"]][:4]
    sb.homepage_dates.extend(i.date for i in [*newest, *policy, *prices])
    undated = "".join(T.list_item(i.path, i.title, None) for i in newest)
    dated = "".join(T.list_item(i.path, i.title, f"{i.date:%Y-%m-%d}") for i in policy)
    price_lis = "".join(T.list_item(i.path, i.title, None) for i in prices)
    sb.html("/index.html", NAME,
            f'<div class="block"><h2>工作动态<a href="/gzdt/index.html">更多</a></h2>'
            f'<ul class="list">{undated}</ul></div>'
            f'<div class="block"><h2>政策文件<a href="/zcwj/index.html">更多</a></h2>'
            f'<ul class="list">{dated}</ul></div>'
            f'<div class="block"><h2>价格监测<a href="/jgjc/index.html">更多</a></h2>'
            f'<ul class="list">{price_lis}</ul></div>'
            f'<div class="block"><h2>互动交流</h2><a href="{county}/hdjl/xzxx/index.html">县长信箱</a>'
            f'</div><div class="links"><a href="{county}/">示例县人民政府</a></div>',
            metas=site_metas(sb, NAME, SITE_CODE),
            headers={"Set-Cookie": "JSESSIONID=8C21D07A; Path=/; HttpOnly; SameSite=Lax"})
    sb.not_column("/index.html", "首页", "home")


def _answer_key(sb: SiteBuilder, en_latest: date, mn_latest: date) -> dict[str, Any]:
    """A well-kept site: its only planted problems are the broken 蒙古文 link and the disabled zoom."""
    base = sb.ctx.base(SERVER)
    main_latest = max(sb.homepage_dates)
    notices = sb.column_items[sb.url("/tzgg/index.shtml")]
    future = next(i for i in notices if i.title == FUTURE_TITLE)
    backdated = next(i for i in sb.column_items[sb.url("/gzdt/index.html")] if i.title == BACKDATED_TITLE)
    return {
        "findings": [
            expected_finding("content.future-date", base + "/tzgg/index.shtml", count=1,
                             data={"date": future.date.isoformat(), "as_of": sb.ctx.as_of.isoformat(),
                                   "source": "list"},
                             note="a notice dated six weeks after the as-of day, in the list and its PubDate"),
            expected_finding("content.date-mismatch", base + backdated.path, count=1,
                             data={"date": backdated.date.isoformat(), "source": "article", "review": True},
                             note="posted three days ago (its TRS URL), showing a date 75 days earlier"),
        ],
        "homepage": sb.homepage_key("/index.html"),
        "identity": {"site_code": True, "icp": True, "police": True, "conac": True,
                     "jiucuo": True, "page_tags": True},
        "languages": {
            "en": {"required": True, "status": "ok", "url": base + "/english/",
                   "via": "hreflang only (no visible link)",
                   "latest_date": en_latest.isoformat(),
                   "lag_days": max(0, (main_latest - en_latest).days)},
            "mn": {"required": True, "status": "ok", "url": base + "/mn/", "script": "Cyrl",
                   "latest_date": mn_latest.isoformat(),
                   "lag_days": max(0, (main_latest - mn_latest).days),
                   "links": [{"url": base + "/mn/", "text": "Монгол хэл", "status": "ok"},
                             {"url": base + "/mgl/index.html", "text": "蒙古文",
                              "status": "broken", "http_status": 404}],
                   "note": "a working Cyrillic version exists; the 蒙古文 link is broken "
                           "(expect a language.broken / links.broken finding for it)"},
        },
        "broken_links": {"confirmed": [{"url": base + "/mgl/index.html", "status": 404,
                                        "referrers": [base + "/index.html"]}],
                         "suspected": []},
        "not_scanned": {},
        "letters": [],
        "interaction": {"channel": True, "reply_overdue": False,
                        "note": "links to the parent portal's 县长信箱"},
        "login": [{"url": base + "/login.html", "password_over_http": True,
                   "form_action_insecure": False, "single_factor": False,
                   "second_factor": "短信验证码"}],
        "accessibility": {"assistive_tool": True,
                          "barriers": [{"check": "a11y.meta-viewport", "element": 'name="viewport"',
                                        "pages": "many"}],
                          "review": [{"check": "a11y.link-new-window", "element": 'target="_blank"', "pages": "many"}]},
        "security": {"https": False, "server_version_disclosure": None, "missing_security_headers": [],
                     "insecure_cookie": None},
    }


def _article_metas(title: str, d, source: str) -> dict[str, str]:
    return {"ArticleTitle": title, "PubDate": f"{d:%Y-%m-%d} 10:00", "ContentSource": source}


def _plain(title, content, *, metas=None, lang="en", charset="utf-8"):
    return T.document(title, f'<div class="main">{content}</div>', metas=metas, lang=lang,
                      charset=charset)


def written_footer(ctx: Ctx) -> str:
    """The footer as this site's CMS writes it: by document.write, the filing numbers as real footers put
    them (ICP without 号, 公网安备号 followed by the number in its own link), the 党政机关 mark in the script."""
    html = footer(org=NAME, site_code=SITE_CODE, icp=None, police=None, conac_id="1504000002000000001",
                  jiucuo_code=SITE_CODE, year=ctx.as_of.year, address="示例县政府路1号综合楼")
    filings = ('<p>网站标识码：' + SITE_CODE + '　<a href="https://beian.miit.gov.cn/" target="_blank">'
               '蒙ICP备05001234-5</a>　<img src="/images/gongan.png" alt="公安备案图标">蒙公网安备号：'
               '<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=15040202000789" '
               'target="_blank">15040202000789</a></p>')
    html = html.replace(f"<p>网站标识码：{SITE_CODE}</p>", filings)
    lines = [html[i:i + 120] for i in range(0, len(html), 120)]
    calls = "\n".join("document.write('" + line.replace("\\", "\\\\").replace("'", "\\'").replace("</", "<\\/")
                      + "');" for line in lines)
    return f'<div id="bottom-box"><script type="text/javascript">\n{calls}\n</script></div>'
