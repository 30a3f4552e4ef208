"""乙镇人民政府 — an old township site in GBK (zombie site), its own server.

Served as ``text/html; charset=gbk`` with ``<meta ... charset=gb2312>`` (the meta lies: the
pages use GBK-only characters such as 喆 and 镕). Newest item as_of-200 days; dates written as
2026年3月5日, 二〇二六年三月五日, [03-05], 2026.03.05 and 2026/03/05. No 网站标识码, no 党政机关
标识, no 找错 entry, no <html lang>, no interaction channel. Its "English" link leads to a Chinese
page (wrong-language); its Mongolian link leads to a traditional-script (U+1800–U+18AF) page
with recent dates. Five empty columns, each with a different placeholder. A 党政机关 mark sits in the
footer's source inside display:none: identity.conac-missing says it is hidden.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .. import assets
from .. import templates as T
from ..builder import Layout, SiteBuilder
from ..expected import expected_finding
from ..model import Ctx, SiteBuild
from .common import NEW_WINDOW_REVIEW, NO_SECURITY_HEADERS, footer, items

SITE_ID = "town-b"
SERVER = "town-b"
NAME = "乙镇人民政府"
ENCODING = "gbk"

B_NEWS = ["乙镇召开春季植树造林动员会", "乙镇开展春耕备耕督导检查", "乙镇组织收看全县经济工作会议",
          "乙镇召开脱贫成果巩固推进会", "乙镇开展“三八”妇女节慰问活动"]
B_NOTICE = ["关于开展春季动物防疫工作的通知", "关于农机购置补贴申报的通知", "关于征兵工作的通告"]

COLUMNS = [  # (name, dir, category, ColumnType)
    ("工作动态", "/gzdt/", "news", "新闻动态"),
    ("通知公告", "/tzgg/", "notice", "通知公告"),
    ("政策文件", "/zcwj/", "policy", "政策文件"),
    ("规划计划", "/ghjh/", "planning", "规划计划"),
    ("党建工作", "/djgz/", "other", "党建工作"),
]
EMPTY = [  # (name, dir, category, placeholder)
    ("政务公开", "/zwgk/", "other", "正在建设中"),
    ("民生服务", "/msfw/", "other", "栏目建设中"),
    ("财政信息", "/czxx/", "finance", "暂无数据"),
    ("人事任免", "/rsrm/", "personnel", "无相关信息"),
    ("统计数据", "/tjsj/", "statistics", "No records"),
]
# each dated column writes its dates its own way
FORMATS = {"/gzdt/": T.fmt_cn, "/tzgg/": T.fmt_yearless, "/zcwj/": T.fmt_dot,
           "/ghjh/": T.fmt_slash, "/djgz/": T.fmt_cn_numeral}
HOME = [("/index.html", "首页")]

MONGOL = {
    "gov": "ᠶᠢ ᠪᠠᠯᠭᠠᠰᠤᠨ ᠤ ᠠᠷᠠᠳ ᠤᠨ ᠵᠠᠰᠠᠭ ᠤᠨ ᠭᠠᠵᠠᠷ",
    "news": "ᠰᠢᠨ᠎ᠡ ᠮᠡᠳᠡᠭᠡ",
    "lang": "ᠮᠣᠩᠭᠣᠯ ᠬᠡᠯᠡ",
    "items": ["ᠪᠠᠯᠭᠠᠰᠤᠨ ᠤ ᠬᠤᠷᠠᠯ ᠬᠢᠭᠰᠡᠨ ᠪᠠᠶᠢᠨ᠎ᠠ", "ᠮᠠᠯᠵᠢᠯ ᠤᠨ ᠠᠵᠤ ᠠᠬᠤᠢ ᠶᠢᠨ ᠰᠤᠷᠭᠠᠯᠲᠠ",
              "ᠡᠪᠦᠯ ᠦᠨ ᠳᠤᠯᠠᠭᠠᠴᠠ ᠬᠠᠩᠭᠠᠯᠲᠠ", "ᠨᠠᠭᠠᠳᠤᠮ ᠤᠨ ᠪᠡᠯᠡᠳᠬᠡᠯ"],
}


def build(ctx: Ctx) -> SiteBuild:
    """The site, part by part; the order fixes the article ids in the URLs and the routes' order."""
    sb = SiteBuilder(ctx, SITE_ID, SERVER, encoding=ENCODING, source="乙镇党政综合办公室")
    sb.layout = _layout(ctx)
    columns = _columns(sb)
    _home_page(sb, columns)
    _english_in_chinese(sb)
    mn_latest = _mongolian_version(sb)
    return sb.finish(
        config={"id": SITE_ID, "name": NAME, "level": "township", "parent": "county",
                "url": sb.url("/"), "languages": ["en", "mn"]},
        key=_answer_key(sb, mn_latest),
    )


def _layout(ctx: Ctx) -> Layout:
    """The old table template: a banner without alt, no <html lang>, a gb2312 meta, a footer without
    网站标识码 or 找错 and with a hidden 党政机关 mark."""
    nav = ([("/index.html", "首页")] + [(d + "index.html", n) for n, d, _, _ in COLUMNS]
           + [(d + "index.html", n) for n, d, _, _ in EMPTY] + [("/xzjj/index.html", "乡镇简介")])
    header = ('<table width="1000" align="center"><tr><td><img src="/images/top.png" width="1000">'
              f'</td></tr><tr><td class="date">{T.clock(ctx.as_of)}　'
              '<a href="/en/index.html">English</a>　<a href="/mgl/index.html">蒙古文版</a></td></tr>'
              f"<tr><td>{T.nav(nav)}</td></tr></table>")
    foot = footer(org=NAME, site_code=None, icp="蒙ICP备05001299号", police="蒙公网安备 15040202000456号",
                  conac_id=None, jiucuo_code=None, year=ctx.as_of.year, address="示例县乙镇政府街2号",
                  copyright_sign=False)
    # a 党政机关 mark left in the template but hidden: no visitor sees it (identity.conac-missing says so)
    foot = foot.removesuffix("</div>") + (
        '<div class="dzjg" style="display:none"><a href="http://bszs.conac.cn/sitename?method=show&amp;'
        'id=1504000102000000001"><img src="/images/red.png" alt="党政机关"></a></div></div>')

    def layout(title, content, *, metas=None, lang=None, charset="gb2312"):
        return T.document(f"{title}--{NAME}" if title != NAME else title,
                          f'{header}<table width="1000" align="center"><tr><td>{content}</td></tr>'
                          f"</table>{foot}", metas=metas, lang=None, charset="gb2312",
                          old_style=True)

    return layout


def _columns(sb: SiteBuilder) -> dict[str, dict[str, Any]]:
    """Five dated columns, all over 200 days old, each in its own date format; five empty columns,
    each with its own placeholder; 乡镇简介 with GBK-only characters. Returns the dated ones by dir."""
    A = sb.ctx.ago
    col_items = {
        "/gzdt/": items(B_NEWS, A(200), 12, 8),
        "/tzgg/": items(B_NOTICE, A(210), 20, 6),
        "/zcwj/": items(["乙镇人民政府关于加强农村宅基地管理的通知", "乙镇人民政府关于禁牧休牧的通告"],
                        A(220), 30, 5),
        "/ghjh/": items(["乙镇2026年工作计划", "乙镇国土空间规划（2021—2035年）"], A(230), 100, 3,
                        suffix=False),
        "/djgz/": items(["乙镇党委召开专题民主生活会", "乙镇开展主题党日活动"], A(240), 30, 4),
    }
    dated = {d: sb.column(name, d, cat, col_items[d], column_type=ctype, style="plain",
                          list_date=FORMATS[d], url_style="plain", crumbs=HOME,
                          key_extra={"date_format": FORMATS[d].__name__})
             for name, d, cat, ctype in COLUMNS}
    for name, d, cat, ph in EMPTY:
        sb.column(name, d, cat, [], placeholder=ph, style="plain", crumbs=HOME)
    sb.static_page("/xzjj/index.html", "乡镇简介",
                   ["乙镇位于示例县西部，辖9个行政村。", "镇长：王喆　副镇长：李镕"],
                   crumbs=[*HOME, (None, "乡镇简介")])
    sb.raw("/images/top.png", assets.png(8, 2, (30, 90, 160)), "image/png")
    return dated


def _home_page(sb: SiteBuilder, dated: dict[str, dict[str, Any]]) -> None:
    """The home page: one block per dated column, each in its own date format."""
    blocks = []
    for name, d, _, _ in COLUMNS:
        shown = sb.column_items[dated[d]["url"]][:3]
        sb.homepage_dates.extend(i.date for i in shown)
        lis = "".join(T.list_item(i.path, i.title, FORMATS[d](i.date)) for i in shown)
        blocks.append(f'<div class="block"><h2><a href="{d}index.html">{name}</a></h2>'
                      f'<ul class="list">{lis}</ul></div>')
    # planted (accessibility): the old template's scrolling welcome line, a <marquee> with <font>
    welcome = ('<div class="gg"><marquee scrollamount="3" onmouseover="this.stop()" onmouseout="this.start()">'
               '<font color="#cc0000">欢迎访问乙镇人民政府网站！</font></marquee></div>')
    sb.html("/index.html", NAME,
            welcome + "".join(blocks) + '<div class="leaders">镇长：王喆　副镇长：李镕</div>'
            f'<div class="links">友情链接：<a href="{sb.ctx.base("county")}/">示例县人民政府</a> '
            '<a href="http://www.gov.cn/">中国政府网</a></div>')
    sb.not_column("/index.html", "首页", "home")


def _english_in_chinese(sb: SiteBuilder) -> None:
    """The "English" version: a Chinese page (wrong-language)."""
    sb.html("/en/index.html", "English",
            "<h2>乙镇简介</h2><p>乙镇位于示例县西部，欢迎各界人士来乙镇投资兴业。</p>"
            "<p>乙镇人民政府英文版正在翻译中，以下为中文内容。</p>")
    sb.not_column("/en/index.html", "English (actually Chinese)", "language-home")


def _mongolian_version(sb: SiteBuilder) -> date:
    """The traditional Mongolian version, UTF-8, with recent dates; returns its newest date."""
    mn_dates = [sb.ctx.ago(age) for age in (10, 25, 40, 55)]
    lis = []
    for n, (d, t) in enumerate(zip(mn_dates, MONGOL["items"], strict=True)):
        p = f"/mgl/content_{7001 + n}.html"
        sb.html(p, t, f"<h1>{t}</h1><p>{d:%Y-%m-%d}</p><p>{t} {MONGOL['gov']}</p>",
                encoding="utf-8", layout=_mgl_layout, lang="mn-Mong")
        lis.append(T.list_item(p, t, f"{d:%Y-%m-%d}"))
    sb.html("/mgl/index.html", MONGOL["gov"],
            f"<h2>{MONGOL['news']}</h2><ul class=\"list\">{''.join(lis)}</ul>",
            encoding="utf-8", layout=_mgl_layout, lang="mn-Mong")
    sb.not_column("/mgl/index.html", "Mongolian home", "language-home")
    return max(mn_dates)


def _answer_key(sb: SiteBuilder, mn_latest: date) -> dict[str, Any]:
    """A zombie site: every dated column stale, five empty, identity items missing, a wrong-language
    English version, and the old template's accessibility barriers."""
    main_latest = max(sb.homepage_dates)
    return {
        "homepage": sb.homepage_key("/index.html"),
        "encoding": "gbk (header charset=gbk, meta gb2312; contains GBK-only 喆 镕)",
        "findings": [expected_finding("identity.conac-missing", data={"hidden": True},
                                      note="the 党政机关 mark is in the footer's source but display:none"),
                     # the old template's footer embeds two badge images the site never uploaded: 404 on
                     # every page (links.broken-resource, one finding per image, every page a referrer)
                     *(expected_finding("links.broken-resource", sb.url(f"/images/{name}.png"), count=1,
                                        data={"status": 404, "confidence": "confirmed", "tag": "img"},
                                        note=f"footer badge /images/{name}.png is not served")
                       for name in ("red", "gongan"))],
        "identity": {"site_code": False, "icp": True, "police": True, "conac": False,
                     "jiucuo": False, "page_tags": False,
                     "page_tags_missing": {"home": ["SiteName", "SiteDomain", "SiteIDCode"]}},
        "languages": {
            "en": {"required": True, "status": "wrong-language", "url": sb.url("/en/index.html"),
                   "note": "linked as English, content is Chinese"},
            "mn": {"required": True, "status": "ok", "url": sb.url("/mgl/index.html"),
                   "script": "Mong", "latest_date": mn_latest.isoformat(),
                   "lag_days": max(0, (main_latest - mn_latest).days)},
        },
        "broken_links": {"confirmed": [], "suspected": []},
        "not_scanned": {},
        "letters": [],
        "interaction": {"channel": False, "reply_overdue": False},
        "login": [],
        "accessibility": {"assistive_tool": False, "html_lang_missing": True,
                          # planted: the old table layout's banner image has no alt, <html> no lang
                          "barriers": [{"check": "a11y.image-alt", "element": 'src="/images/top.png"',
                                        "pages": "many"},
                                       {"check": "a11y.html-lang", "element": "<html", "pages": "many"},
                                       # the old template heads its home and list pages with <h2> only
                                       {"check": "a11y.page-heading-missing", "element": "<html", "pages": "many"},
                                       {"check": "a11y.blink-marquee", "element": "<marquee",
                                        "pages": [sb.url("/index.html")]},
                                       {"check": "a11y.presentational-markup", "element": '<font color="#cc0000">',
                                        "pages": [sb.url("/index.html")]}],
                          # review-level: the page is laid out in tables (banner, then content)
                          "review": [NEW_WINDOW_REVIEW,
                                     {"check": "a11y.layout-table", "element": '<table align="center" width="1000">',
                                      "pages": "many"}]},
        "security": {"https": False, "server_version_disclosure": "Microsoft-IIS/6.0, X-Powered-By ASP.NET",
                     "insecure_cookie": None, "missing_security_headers": list(NO_SECURITY_HEADERS)},
    }


def _mgl_layout(title, content, *, metas=None, lang="mn-Mong", charset="utf-8"):
    body = (f'<div class="header" style="writing-mode: vertical-lr"><h1>{MONGOL["gov"]}</h1>'
            f'<a href="/mgl/index.html">{MONGOL["lang"]}</a> <a href="/index.html">中文</a></div>'
            f'<div class="main" style="writing-mode: vertical-lr">{content}</div>')
    return T.document(title, body, metas=metas, lang=lang, charset=charset)
