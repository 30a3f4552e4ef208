"""Helpers shared by the demo site modules: headline generators and identity footers."""

from __future__ import annotations

from datetime import date
from typing import Any

from .. import assets
from ..builder import Item, SiteBuilder

# the identity badges' placeholder images (logo, 党政机关, 公安备案, 找错) and their colours
BADGE_COLOURS = {"logo": (180, 20, 20), "red": (200, 16, 46), "gongan": (20, 60, 160),
                 "jiucuo": (200, 120, 0)}
# the review-level accessibility result every farm site carries (checks/a11y/beyond.py): the shared list
# template (templates.list_item) and footer (footer below) open links in a new window without saying so
NEW_WINDOW_REVIEW = {"check": "a11y.link-new-window", "element": 'target="_blank"', "pages": "many"}
# the security headers a site without any lacks (a fresh list each time: YAML would alias a shared one)
NO_SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options")

NEWS_TOPICS = [
    "县委常委会召开会议研究部署秋冬季安全生产工作",
    "县政府召开常务会议 研究部署近期重点工作",
    "我县召开优化营商环境推进会",
    "县领导深入乡镇调研农牧业产业发展",
    "全县冬季供暖保障工作会议召开",
    "我县开展森林草原防火专项检查",
    "县人大常委会视察民生实事项目推进情况",
    "示例县举办“乡村振兴”主题宣讲活动",
    "我县重点项目建设观摩会召开",
    "县政府与自治区农牧科学院签署合作协议",
    "全县安全生产暨消防工作会议召开",
    "我县开展民族团结进步宣传月活动",
    "县领导督导检查冬季道路交通安全工作",
    "全县就业服务专项行动启动",
    "示例县第十届那达慕大会圆满落幕",
]

NOTICE_TOPICS = [
    "关于开展2026年度城乡居民医疗保险集中征缴工作的通知",
    "关于公开招聘社区工作者的公告",
    "关于做好冬季供暖期间安全用气的通知",
    "关于开展全县农村人居环境整治检查的通知",
    "关于调整部分公交线路的公告",
    "关于征集民生实事项目建议的公告",
    "关于开展防范电信网络诈骗宣传的通知",
    "关于县城区临时交通管制的通告",
]

POLICY_TOPICS = [
    "示例县人民政府关于印发《示例县优化营商环境若干措施》的通知",
    "示例县人民政府办公室关于加强耕地保护的实施意见",
    "示例县人民政府关于促进民营经济发展的若干意见",
    "示例县人民政府办公室关于印发《示例县突发事件总体应急预案》的通知",
    "示例县人民政府关于进一步做好稳就业工作的通知",
    "示例县人民政府办公室关于规范行政规范性文件管理的通知",
]


def items(topics: list[str], newest: date, step_days: int, count: int, *,
          suffix: bool = True) -> list[Item]:
    """``count`` dated items, newest first, every ``step_days`` days, titles cycled from topics."""
    out = []
    for i in range(count):
        title = topics[i % len(topics)]
        if suffix and i >= len(topics):
            title += f"（{i // len(topics) + 1}）"
        d = date.fromordinal(newest.toordinal() - i * step_days)
        out.append(Item(title=title, date=d))
    return out


def undated(titles: list[str]) -> list[Item]:
    return [Item(title=t) for t in titles]


def footer(*, org: str, site_code: str | None, icp: str | None, police: str | None,
           conac_id: str | None, jiucuo_code: str | None, year: int, address: str,
           copyright_sign: bool = True) -> str:
    """A portal footer with whichever identity items the site has."""
    parts = [f'<p>主办单位：{org}　地址：{address}</p>']
    line = []
    if site_code:
        line.append(f"网站标识码：{site_code}")
    if icp:
        line.append(f'<a href="https://beian.miit.gov.cn/" target="_blank">{icp}</a>')
    if police:
        num = "".join(c for c in police if c.isdigit())
        line.append(f'<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode={num}" '
                    f'target="_blank"><img src="/images/gongan.png" alt="公安备案图标">{police}</a>')
    if line:
        parts.append("<p>" + "　".join(line) + "</p>")
    sign = "©" if copyright_sign else "Copyright"
    parts.append(f"<p>{sign} 2005-{year} {org} 版权所有　建议使用1280×800分辨率浏览</p>")
    badges = []
    if conac_id:
        badges.append(f'<a href="http://bszs.conac.cn/sitename?method=show&id={conac_id}" '
                      'target="_blank"><img src="/images/red.png" alt="党政机关"></a>')
    if jiucuo_code:
        badges.append('<a href="https://zfwzzc.www.gov.cn/check_web/errorInfo_querySiteInfo.action?'
                      f'sitecode={jiucuo_code}" target="_blank"><img src="/images/jiucuo.png" '
                      'alt="政府网站找错">我为政府网站找错</a>')
    if badges:
        parts.append('<div class="badges">' + "".join(badges) + "</div>")
    return '<div class="footer">' + "".join(parts) + "</div>"


def add_images(sb: SiteBuilder, colours: dict[str, tuple[int, int, int]]) -> None:
    """A small PNG at /images/<name>.png for each name, in its colour."""
    for name, rgb in colours.items():
        sb.raw(f"/images/{name}.png", assets.png(4, 2, rgb), "image/png")


def site_metas(sb: SiteBuilder, name: str, site_code: str, root: str = "") -> dict[str, str]:
    """The site-level page tags (SiteName, SiteDomain, SiteIDCode) a home page carries."""
    return {"SiteName": name, "SiteDomain": sb.ctx.base(sb.server).split("://")[1] + root,
            "SiteIDCode": site_code}


def quiet_sub_site(interaction_note: str) -> dict[str, Any]:
    """The answer-key facts of a sub-site that plants nothing in these dimensions: no language version
    required, no broken link, nothing left unscanned, no letters or login; its interaction channel is
    the parent portal's 县长信箱."""
    return {
        "languages": {"en": {"required": False, "status": "missing", "url": None},
                      "mn": {"required": False, "status": "missing", "url": None}},
        "broken_links": {"confirmed": [], "suspected": []},
        "not_scanned": {},
        "letters": [],
        "interaction": {"channel": True, "reply_overdue": False, "note": interaction_note},
        "login": [],
    }
