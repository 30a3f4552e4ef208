"""甲镇人民政府 — a township site on the Hanweb (大汉) CMS, its own server.

Column lists live in ``<script type="text/xml"><datastore>`` CDATA records: they are FULL
columns (the classic false "empty column" alarm). One stale 乡镇动态 column (with a sites-file
override of 30 days). Footer identity complete except 公安备案 (its ICP written 蒙ICP备：05001234-3, with a
colon and no 号). 美丽甲镇 is an image carousel whose dots are class="pagination": no pager, no column.

Content safety (issue 22): the template was tampered with — a block of casino links positioned
off-screen after the footer, on every page (暗链: one critical content.hidden-link per target); the
footer's 政府网站 drop-down (a <select>) and its hover list of 友情链接 (display:none, commercial hosts)
are legitimate and no finding. A 镇内要闻 story on a gambling crackdown names 百家乐/澳门新葡京 and links
off-site, visibly: no finding. One study-session article writes 筑牢中华民族共同体意识 for 铸牢…
(content.term-typo).
"""

from __future__ import annotations

from typing import Any

from .. import templates as T
from ..builder import Layout, SiteBuilder
from ..expected import expected_finding
from ..model import Ctx, SiteBuild
from .common import (
    BADGE_COLOURS,
    NO_SECURITY_HEADERS,
    add_images,
    footer,
    items,
    quiet_sub_site,
    site_metas,
)

SITE_ID = "town-a"
SERVER = "town-a"
NAME = "甲镇人民政府"
SITE_CODE = "1504000101"

TOWN_NEWS = [
    "甲镇召开冬季防火工作部署会",
    "甲镇开展“送政策下乡”活动",
    "甲镇党委理论学习中心组专题学习",
    "甲镇推进肉牛养殖产业园建设",
    "甲镇组织开展应急演练",
    "甲镇举办农牧民技能培训班",
]

NAV = [("/index.html", "首页"), ("/col/col1001/index.html", "镇内要闻"),
       ("/col/col1002/index.html", "通知公告"), ("/col/col1003/index.html", "乡镇动态"),
       ("/col/col1004/index.html", "政策文件"), ("/col/col1005/index.html", "财政预决算"),
       ("/col/col1006/index.html", "镇情概况"), ("/col/col1007/index.html", "领导信息")]
HOME = [("/index.html", "首页")]


# The Hanweb footer's site groups: a <select> of government sites and a 友情链接 list shown on hover
FOOTER_LINKS = (
    '<div class="yqlj"><select aria-label="政府网站" onchange="if(this.value!=\'\')window.open(this.value)">'
    '<option value="">—— 政府网站 ——</option><option value="http://www.nmg.gov.cn/">内蒙古自治区人民政府</option>'
    '<option value="http://www.gov.cn/">中国政府网</option></select>'
    '<div class="yqlj-more" onmouseover="this.lastChild.style.display=\'block\'"><span>友情链接</span>'
    '<ul style="display:none"><li><a href="https://www.nmgnews.com.cn/" target="_blank">内蒙古新闻网</a></li>'
    '<li><a href="http://www.10086.cn/nm/" target="_blank">中国移动内蒙古公司</a></li></ul></div></div>')
# What a tampered template carries after its footer: casino links no reader sees (暗链)
CASINO = "http://www.amxpj6688.com/"
SPORTS_BETTING = "http://www.hg0088-tiyu.com/"
INJECTED = (f'<div style="position:absolute;top:-999px;left:-999px;overflow:hidden">'
            f'<a href="{CASINO}" target="_blank">澳门新葡京</a>|'
            f'<a href="{SPORTS_BETTING}" target="_blank">皇冠体育投注</a></div>')
CRACKDOWN = "甲镇开展打击网络赌博专项宣传活动"
CRACKDOWN_STORY = [
    "近日，甲镇联合派出所深入各嘎查村开展打击网络赌博专项宣传活动，发放宣传资料1200余份。",
    "民警结合典型案例提醒群众：“百家乐”“澳门新葡京”“注册送彩金”等网站均为赌博网站，切勿参与。",
]
CRACKDOWN_LINK = ('<p>相关报道：<a href="https://www.nmgnews.com.cn/system/2026/11/10/031234567.shtml" '
                  'target="_blank">自治区严厉打击网络赌博违法犯罪</a></p>')
STUDY = "甲镇党委理论学习中心组专题学习"
STUDY_TEXT = ["会议强调，要深入学习贯彻党的民族理论和政策，筑牢中华民族共同体意识，推动民族团结进步事业。",
              "会议要求，全镇党员干部要坚持全面从严治党，把学习成果转化为推动乡村振兴的实际行动。"]


def build(ctx: Ctx) -> SiteBuild:
    """The site, part by part; the order fixes the article ids in the URLs and the routes' order."""
    sb = SiteBuilder(ctx, SITE_ID, SERVER, source=NAME + "党政办")
    sb.layout = _layout(ctx)
    news = _columns(sb)
    _static_pages(sb)
    _home_page(sb, news)
    study = next(i.path for i in sb.column_items[news["url"]] if i.paragraphs == STUDY_TEXT)
    return sb.finish(
        config={"id": SITE_ID, "name": NAME, "level": "township", "parent": "county",
                "url": sb.url("/"), "columns": [{"match": "乡镇动态", "max_age_days": 30}]},
        key=_answer_key(sb, study),
    )


def _layout(ctx: Ctx) -> Layout:
    """The Hanweb template: a 无障碍 link on top; a footer complete but for 公安备案 (ICP with a colon)."""
    header = (f'<div class="topbar">{T.clock(ctx.as_of)}　<a href="/wza/index.html">无障碍浏览</a>'
              f'　<a href="{ctx.base("county")}/">示例县人民政府</a></div>'
              f'<div class="header"><img src="/images/logo.png" alt="{NAME}"><h1>{NAME}</h1></div>'
              + T.nav(NAV))
    foot = footer(org=NAME, site_code=SITE_CODE, icp="蒙ICP备：05001234-3", police=None,
                  conac_id="1504000101000000001", jiucuo_code=SITE_CODE, year=ctx.as_of.year,
                  address="示例县甲镇人民路8号") + FOOTER_LINKS + INJECTED

    def layout(title, content, *, metas=None, lang="zh-CN", charset="utf-8"):
        return T.document(title if title == NAME else f"{title} {NAME}",
                          f"{header}<div class=\"main\">{content}</div>{foot}",
                          metas=metas, lang=lang, charset=charset)

    return layout


def _columns(sb: SiteBuilder) -> dict[str, Any]:
    """Five Hanweb datastore columns (full, though their HTML lists look empty), one of them stale;
    returns 镇内要闻, whose newest items the home page shows."""
    A = sb.ctx.ago
    hw = {"style": "hanweb", "url_style": "hanweb", "crumbs": HOME}
    news_items = items(TOWN_NEWS, A(1), 2, 30)
    news_items[2].paragraphs = STUDY_TEXT  # the 铸牢 typo
    news_items[4].title, news_items[4].paragraphs = CRACKDOWN, CRACKDOWN_STORY
    news_items[4].extra_html = CRACKDOWN_LINK
    news = sb.column("镇内要闻", "/col/col1001/", "news", news_items,
                     column_type="新闻动态", key_extra={"note": "Hanweb datastore records: a full column"},
                     **hw)
    sb.column("通知公告", "/col/col1002/", "notice",
              items(["关于开展冬季取暖安全检查的通知", "关于2026年度耕地地力保护补贴发放的公告",
                     "关于开展农村集体经济组织成员确认的公告"], A(20), 15, 10),
              column_type="通知公告", **hw)
    sb.column("乡镇动态", "/col/col1003/", "news", items(TOWN_NEWS[2:], A(45), 10, 8),
              column_type="新闻动态", max_age_days=30,
              key_extra={"note": "sites-file override max_age_days 30 (default 14): stale either way"},
              **hw)
    sb.column("政策文件", "/col/col1004/", "policy",
              items(["甲镇人民政府关于印发《甲镇人居环境整治实施方案》的通知",
                     "甲镇人民政府关于加强草原保护的通告"], A(60), 40, 6),
              column_type="政策文件", **hw)
    sb.column("财政预决算", "/col/col1005/", "finance",
              items(["甲镇2026年部门预算公开", "甲镇2025年部门决算公开"], A(150), 120, 4,
                    suffix=False),
              column_type="财政信息", **hw)
    return news


def _static_pages(sb: SiteBuilder) -> None:
    """镇情概况, 领导信息, the 无障碍 entry, the 美丽甲镇 carousel (not a column), images and the jpage script."""
    sb.static_page("/col/col1006/index.html", "镇情概况",
                   ["甲镇位于示例县东部，辖12个嘎查村，总人口1.8万人。"], crumbs=[*HOME, (None, "镇情概况")])
    sb.static_page("/col/col1007/index.html", "领导信息",
                   ["党委书记：张明　负责党委全面工作。", "镇长：刘强　负责政府全面工作。"],
                   crumbs=[*HOME, (None, "领导信息")])
    sb.static_page("/wza/index.html", "无障碍浏览", ["本网站提供无障碍浏览服务：大字幕、高对比度、语音朗读。"],
                   crumbs=[*HOME, (None, "无障碍浏览")])
    sb.html("/col/col1008/index.html", "美丽甲镇",
            T.breadcrumb([*HOME, (None, "美丽甲镇")]) + '<h2 class="column-title">美丽甲镇</h2>'
            + T.carousel([("/images/photo1.png", "草原风光"), ("/images/photo2.png", "那达慕大会"),
                          ("/images/photo3.png", "冬季雪景")]))
    sb.not_column("/col/col1008/index.html", "美丽甲镇", "photos")  # an image carousel, not a paged list
    add_images(sb, {name: BADGE_COLOURS[name] for name in ("logo", "red", "jiucuo")}
               | {"photo1": (60, 140, 60), "photo2": (200, 160, 40), "photo3": (230, 230, 240)})
    sb.raw("/module/jslib/jquery/jpage/dataproxy.js",
           "/* Hanweb jpage: renders <datastore> records client-side */\n", "application/javascript")


def _home_page(sb: SiteBuilder, news: dict[str, Any]) -> None:
    """The home page: 镇内要闻's six newest items (they date it), the county's 县长信箱, the carousel."""
    newest = sb.column_items[news["url"]][:6]
    sb.homepage_dates.extend(i.date for i in newest)
    lis = "".join(T.list_item(i.path, i.title, f"{i.date:%Y-%m-%d}") for i in newest)
    sb.html("/index.html", NAME,
            f'<div class="block"><h2>镇内要闻<a href="/col/col1001/index.html">更多</a></h2>'
            f'<ul class="list">{lis}</ul></div>'
            f'<div class="block"><h2>互动交流</h2><a href="{sb.ctx.base("county")}/hdjl/xzxx/index.html">县长信箱</a>'
            '</div><div class="block"><h2>美丽甲镇</h2><a href="/col/col1008/index.html">'
            '<img src="/images/photo1.png" alt="美丽甲镇"></a></div>',
            metas=site_metas(sb, NAME, SITE_CODE))
    sb.not_column("/index.html", "首页", "home")


def _answer_key(sb: SiteBuilder, study: str) -> dict[str, Any]:
    """A clean site but for one stale column, the missing 公安备案, the casino links hidden in the template
    and one mis-written term."""
    e = expected_finding
    return {
        "findings": [
            *(e("content.hidden-link", data={"target": target, "confidence": "certain", "method": "off-screen",
                                             "matched": matched}, count=1,
                note="a casino link positioned off-screen after the footer of every page (暗链)")
              for target, matched in ((CASINO, ["澳门新葡京", "amxpj"]), (SPORTS_BETTING, ["皇冠体育", "hg0088"]))),
            e("content.term-typo", sb.url(study), data={"found": "筑牢中华民族共同体意识",
                                                        "term": "铸牢中华民族共同体意识", "count": 1}, count=1,
              note="筑牢 for 铸牢 in a study-session article"),
        ],
        "homepage": sb.homepage_key("/index.html"),
        "identity": {"site_code": True, "icp": True, "police": False, "conac": True,
                     "jiucuo": True, "page_tags": True},
        **quiet_sub_site("links to the parent portal's 县长信箱"),
        # clean: no barrier; review-level only (list and footer links open a new window unannounced)
        "accessibility": {"assistive_tool": True, "barriers": [], "review": [{"check": "a11y.link-new-window", "element": 'target="_blank"', "pages": "many"}]},
        "security": {"https": False, "server_version_disclosure": None, "insecure_cookie": None,
                     "missing_security_headers": list(NO_SECURITY_HEADERS)},
    }
