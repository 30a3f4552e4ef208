"""The county tree's dead branches (coverage.*): four small sub-sites the county portal lists in its 乡镇街道
select menu, each on a server of its own.

- 丙镇 (town-c, in the sites file): dead, every request answers 503 — `coverage.subsite-dead` on the county.
- 丁镇 (town-d, in the sites file): parked, a 宝塔 panel's "没有找到站点" page — `coverage.parked` on itself,
  `coverage.subsite-parked` on the county.
- 戊镇 (town-e, in the sites file): a zombie, its newest item 500 days old — `coverage.zombie` on the county
  (and its own stale home page and columns).
- 示例县林业和草原局 (dept-lyj, NOT in the sites file): linked, fresh — `coverage.unlisted` (info) on the county.
"""

from __future__ import annotations

from typing import Any

from .. import templates as T
from ..builder import SiteBuilder
from ..expected import expected_finding
from ..model import Ctx, PageSpec, SiteBuild
from .common import NEW_WINDOW_REVIEW, NEWS_TOPICS, NO_SECURITY_HEADERS, footer, items, quiet_sub_site

PARKED_PAGE = """<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>没有找到站点</title>
<style>.container{width:60%;margin:10% auto 0;background-color:#f0f0f0;padding:2% 5%;border-radius:10px}
ul{padding-left:20px}ul li{line-height:2.3}a{color:#20a53a}</style>
</head>
<body>
<div class="container">
<h1>没有找到站点</h1>
<h3>您的请求在Web服务器中没有找到对应的站点！</h3>
<ul>
<li>您没有将此域名或IP绑定到对应站点!</li>
<li>配置文件未生效!</li>
</ul>
<h3>如何解决:</h3>
<ul>
<li>检查是否已经绑定到对应站点，若确认已绑定，请尝试重载Web服务；</li>
<li>检查端口是否正确；</li>
<li>若您使用了CDN产品，请尝试清除CDN缓存；</li>
<li>普通网站访客，请联系网站管理员；</li>
</ul>
</div>
</body>
</html>
"""
DEAD_PAGE = ("<html><head><title>503 Service Temporarily Unavailable</title></head><body>"
             "<center><h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center></body></html>")

# (site id, server, name, level, in the sites file)
BRANCHES = [("town-c", "town-c", "丙镇人民政府", "township", True),
            ("town-d", "town-d", "丁镇人民政府", "township", True),
            ("town-e", "town-e", "戊镇人民政府", "township", True),
            ("dept-lyj", "dept-lyj", "示例县林业和草原局", "department", False)]
ZOMBIE_AGE = 500  # days: over cn-gov-2019's zombie_max_age_days (365)


def menu(ctx: Ctx) -> str:
    """The county footer's 乡镇街道 select menu: every branch, as Hanweb/TRS footers write it."""
    options = "".join(f'<option value="{ctx.base(server)}/">{name}</option>'
                      for _, server, name, _, _ in BRANCHES)
    return ('<div class="zfwz"><select title="乡镇街道" onchange="if(this.value!=\'\')window.open(this.value)">'
            f'<option value="">--乡镇街道--</option>{options}</select></div>')


def _config(site_id: str, name: str, level: str, url: str, listed: bool) -> dict[str, Any]:
    config = {"id": site_id, "name": name, "level": level, "parent": "county", "url": url}
    return config if listed else {**config, "unlisted": True}


class _Branch:
    """One branch as a site module (SITE_ID, SERVER, build)."""

    def __init__(self, index: int, build) -> None:
        self.SITE_ID, self.SERVER, self.NAME, self.LEVEL, self.LISTED = BRANCHES[index]
        self._build = build

    def build(self, ctx: Ctx) -> SiteBuild:
        return self._build(self, ctx)


def _bare_key(url: str) -> dict[str, Any]:
    """The answer-key facts of a site with no pages of its own: no home page date, no columns, nothing else."""
    return {"homepage": {"url": url, "latest_date": None, "age_days": None, "stale": None}, "columns": [],
            "not_columns": [], "identity": {}, "languages": {}, "not_scanned": {},
            "broken_links": {"confirmed": [], "suspected": []}, "letters": []}


def _dead(b: _Branch, ctx: Ctx) -> SiteBuild:
    pages = {path: PageSpec(body=DEAD_PAGE, status=503) for path in ("/", "/index.html")}
    return SiteBuild(server=b.SERVER, pages=pages, config=_config(b.SITE_ID, b.NAME, b.LEVEL, ctx.base(b.SERVER) + "/",
                                                                 b.LISTED),
                     key={**_bare_key(ctx.base(b.SERVER) + "/"), "unreachable": True, "note": "every request answers 503: the site is dead",
                          "findings": []})


def _parked(b: _Branch, ctx: Ctx) -> SiteBuild:
    pages = {"/": PageSpec(body=PARKED_PAGE)}
    url = ctx.base(b.SERVER) + "/"
    e = expected_finding
    return SiteBuild(server=b.SERVER, pages=pages, config=_config(b.SITE_ID, b.NAME, b.LEVEL, url, b.LISTED), key={
        **_bare_key(url), "parked": "宝塔 panel default page (没有找到站点)",
        "findings": [e("coverage.parked", url, count=1, data={"kind": "default-server"},
                       note="a 宝塔 panel's 没有找到站点 page where the town's site should be")]
        + [e(check, note="a parked page carries nothing of a government site") for check in PARKED_NOISE]
        + [e(check, url, mode="browser", note="a parked page has no landmarks (axe best practice, review)")
           for check in ("axe.region", "axe.landmark-one-main")],
        "security": {"https": False, "missing_security_headers": list(NO_SECURITY_HEADERS)},
    })


# What the other checks say of a parked page: it is no government site at all.
PARKED_NOISE = ["identity.site-code-missing", "identity.icp-missing", "identity.police-record-missing",
                "identity.conac-missing", "identity.jiucuo-entry-missing", "identity.page-tags-missing",
                "a11y.assistive-tool-missing", "freshness.homepage-stale", "interaction.no-channel",
                "a11y.html-lang", "a11y.heading-order"]


def _site(b: _Branch, ctx: Ctx, newest_days: int) -> SiteBuild:
    """A small Hanweb-style township or department site: a news column and a notice column."""
    sb = SiteBuilder(ctx, b.SITE_ID, b.SERVER, source=b.NAME)
    foot = footer(org=b.NAME, site_code=None, icp=None, police=None, conac_id=None, jiucuo_code=None,
                  year=ctx.as_of.year, address="示例县")
    header = f'<div class="header"><h1>{b.NAME}</h1><a href="{ctx.base("county")}/">示例县人民政府</a></div>'
    sb.layout = lambda title, content, *, metas=None, lang="zh-CN", charset="utf-8": T.document(
        title, f"{header}<div class=\"main\">{content}</div>{foot}", metas=metas, lang=lang, charset=charset)
    home = [("/", "首页")]
    news = sb.column("工作动态", "/gzdt/", "news", items(NEWS_TOPICS, ctx.ago(newest_days), 20, 6),
                     column_type="新闻动态", crumbs=home)
    sb.column("通知公告", "/tzgg/", "notice", items(["关于做好冬春季防火工作的通知", "关于开展人口普查登记的公告"],
                                                 ctx.ago(newest_days + 10), 40, 2), column_type="通知公告", crumbs=home)
    newest = sb.column_items[news["url"]][:4]
    sb.homepage_dates.extend(i.date for i in newest)
    lis = "".join(T.list_item(i.path, i.title, f"{i.date:%Y-%m-%d}") for i in newest)
    sb.html("/index.html", b.NAME, f'<div class="block"><h2>工作动态<a href="/gzdt/index.html">更多</a></h2>'
                                   f'<ul class="list">{lis}</ul></div>'
                                   '<div class="block"><h2>通知公告</h2><a href="/tzgg/index.html">更多</a></div>')
    sb.not_column("/index.html", "首页", "home")
    return sb.finish(config=_config(b.SITE_ID, b.NAME, b.LEVEL, sb.url("/"), b.LISTED),
                     key={"homepage": sb.homepage_key("/index.html"),
                          "identity": {"site_code": False, "icp": False, "police": False, "conac": False,
                                       "jiucuo": False,  # a small site without page tags either
                                       "page_tags_missing": {"home": ["SiteDomain", "SiteIDCode", "SiteName"]}},
                          **quiet_sub_site("links to the parent portal only"),
                          "interaction": {"channel": False},
                          "accessibility": {"assistive_tool": False, "review": [NEW_WINDOW_REVIEW]},
                          "security": {"https": False, "missing_security_headers": list(NO_SECURITY_HEADERS)},
                          "findings": []})


town_c = _Branch(0, _dead)
town_d = _Branch(1, _parked)
town_e = _Branch(2, lambda b, ctx: _site(b, ctx, ZOMBIE_AGE))
dept_lyj = _Branch(3, lambda b, ctx: _site(b, ctx, 3))
