"""Dimension `identity`: the identity items a government portal must show, and its page tags.

Judged on the home page (for a column-tree site, its host portal's home page, `site.host_home`,
docs/SPEC.md §3). Each item is looked for in the footer region first — elements whose class or id says
footer/foot/bottom/copyright, else the last part of <body> — and then anywhere on the page, since
the codes carry their own label (网站标识码…, …ICP备…号, …公网安备…号), and last in the markup inline
scripts write (document.write of a footer or a badge). Filing numbers are read as footers write them:
every province's short name, with or without 号, a colon after 备, the number in its own link or split
over elements. A mark found only inside elements hidden by display:none is reported as hidden (a visitor
never sees it), not counted present. All patterns live in auditcli/core/knowledge/identity.yaml; the
detectors below are pure functions of a parsed page, tested on snippets.

Severity: the five footer/home items are medium. 国办秘函〔2019〕19号 scores them as deductions of
the "网站标识" part, not as vetoes, and a missing one is a compliance gap with no user harm; the
page tags, the domain and IPv6 are info (guidance, not graded by the checklist).

Page types for `identity.page-tags-missing`: home = the site's home page; article = a detail URL
(TRS t20261120_N.html, Hanweb /art/2026/…, content_N.html) or a page carrying ArticleTitle/PubDate;
list = a page carrying ColumnName, or an index.html/index_N.html under a column directory that links
to a few articles (hubs and static 概况 pages are not lists). Other pages (letters, forms, static
pages), language versions (<html lang> not zh) and sub-site home pages (carrying SiteName) inside the
scope are not judged.

`identity.domain-not-gov-cn` treats IP-literal and localhost hosts as test deployments: not
applicable, no finding. IPv6 reachability (`network.no-ipv6`) is checks/network's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import unquote, urlsplit

from auditcli.core import knowledge
from auditcli.core.models import Finding
from auditcli.core.soupcompat import (
    soup_body,
    soup_markup,
    soup_reparsed,
    soup_text_of,
)
from auditcli.core.tree import (
    Element,
    ancestors,
    classes,
    cut,
    elements,
    is_cut,
    is_empty,
    meta_content,
    parse,
    visible_text,
    written_markup,
)
from auditcli.core.urls import ip_literal, normalise_url, url_path
from checks.engine.registry import check, page_analysis
from checks.engine.siteview import Page, SiteView

REFS_47 = "《政府网站发展指引》（国办发〔2017〕47号）"
REFS_19 = "国办秘函〔2019〕19号 《政府网站与政务新媒体检查指标》"


def _data() -> dict:
    return knowledge.load("identity")


# ------------------------------------------------------------------------------------- regions
@dataclass
class Region:
    """A part of a page: its visible text (plus image alt/title texts) and its elements."""

    name: str            # "footer" | "page" | "script" (markup that inline scripts write)
    text: str
    elements: list[Element]
    selector: str | None
    roots: list[Element] = field(default_factory=list)  # the subtrees the text was read from
    source: str | None = None  # the markup its elements were parsed from: evidence prints them as written

    def hides(self) -> bool:
        """Does some element of the region hide itself from visitors (display:none, hidden)?"""
        return any(is_hidden(r) or any(_hides(e) for e in _within(r)) for r in self.roots)

    def shown_text(self) -> str:
        return " ".join(_shown_text(r) for r in self.roots)


def _within(root: Element) -> list[Element]:
    """The elements below a region's root. A root <html> stands for the whole document of a page without
    <body> (BeautifulSoup's `soup.body or soup`, see `soup_body`), whose elements include <html> itself."""
    if root.tag != "html":
        return list(elements(root))
    return [] if is_empty(root) else [root, *elements(root)]


def _marked(tag: Element, markers: list[str]) -> bool:
    if tag.tag in ("html", "body", "head"):
        return False
    joined = " ".join([tag.get("id") or "", *classes(tag)]).lower()
    return any(marker in joined for marker in markers)


def _selector(tag: Element) -> str:
    if tag.get("id"):
        return f"{tag.tag}#{tag.get('id')}"
    names = classes(tag)
    return f"{tag.tag}.{names[0]}" if names else tag.tag


def footer_region(root: Element, source: str | None = None) -> Region:
    """The footer: outermost elements marked footer/foot/bottom/copyright, else the tail of <body>.
    `source` is the page's HTML `root` was parsed from."""
    config = _data()["footer"]
    markers = [m.lower() for m in config["markers"]]
    body = soup_body(root)
    every = _within(body)
    outermost = [tag for tag in every
                 if _marked(tag, markers) and not any(_marked(p, markers) for p in ancestors(tag))]
    if outermost:
        found: list[Element] = []
        for tag in outermost:
            found.append(tag)
            found.extend(elements(tag))
        text = " ".join(visible_text(tag, alt_text=True) for tag in outermost)
        return Region("footer", text, found, ", ".join(dict.fromkeys(_selector(t) for t in outermost)),
                      outermost, source)
    tail = every[int(len(every) * (1 - config["tail_share"])):]
    text = visible_text(body, alt_text=True)[-int(config["tail_chars"]):]
    return Region("footer", text, tail, None, [body], source)


def page_region(root: Element, source: str | None = None) -> Region:
    body = soup_body(root)
    return Region("page", visible_text(body, alt_text=True), _within(body), None, [body], source)


def script_region(root: Element) -> Region | None:
    """What the page's inline scripts write (document.write of a footer or a badge), parsed as markup."""
    markup = written_markup(root)
    if not markup:
        return None
    body = soup_body(parse(markup))
    return Region("script", visible_text(body, alt_text=True), _within(body), None, [body], markup)


def regions(root: Element, source: str | None = None) -> list[Region]:
    written = script_region(root)
    return [footer_region(root, source), page_region(root, source), *([written] if written else [])]


# ------------------------------------------------------------------------------------- detectors
@dataclass
class Found:
    where: str           # footer | page | meta | script (written by document.write)
    evidence: str
    hidden: bool = False  # in the page source, but hidden from visitors (display:none)


@cache
def _site_code_pattern() -> re.Pattern[str]:
    config = _data()["site_code"]
    labels = "|".join(config["labels"])
    return re.compile(rf"(?:{labels})[^0-9A-Za-z]{{0,{int(config['max_gap'])}}}({config['code']})", re.I)


@cache
def _pattern(item: str) -> re.Pattern[str]:
    data = _data()
    pattern = data[item]["pattern"]
    for name in ("provinces", "digits6", "digits14"):
        pattern = pattern.replace("{" + name + "}", data[name])
    return re.compile(pattern, re.I)


@cache
def _hidden_style() -> re.Pattern[str]:
    return re.compile("|".join(_data()["hidden_styles"]), re.I)


def _hides(tag: Element) -> bool:
    style = tag.get("style")
    return tag.get("hidden") is not None or (style is not None and _hidden_style().search(style) is not None)


def is_hidden(tag: Element) -> bool:
    """Hidden from visitors by its own or an ancestor's inline style (display:none) or `hidden` attribute."""
    for node in [tag, *ancestors(tag)]:
        if node.tag in ("body", "html"):
            break
        if _hides(node):
            return True
    return False


def _shown_text(root: Element) -> str:
    """visible_text of `root` without the elements hidden by display:none (a copy: the shared tree stays
    whole).

    Read as the copy BeautifulSoup re-parsed from `str(root)` read (`soup_reparsed`): a hidden root shows
    nothing, no ancestor above the root hides it, and an <img>/<input> root's own alt and title are read."""
    shown = soup_reparsed(root)
    if _hides(shown):
        return ""
    if shown.tag in ("img", "input"):
        return " ".join(" ".join(value for attr in ("alt", "title")
                                 if (value := shown.get(attr)) and value.strip()).split())
    for tag in list(elements(shown)):
        if _hides(tag) and not is_cut(tag, shown):
            cut(tag)
    return visible_text(shown, alt_text=True)


def _host_matches(url: str | None, domains: list[str]) -> bool:
    if not url:
        return False
    try:
        host = (urlsplit(url.strip() if "//" in url else "//" + url.strip()).hostname or "").lower()
    except ValueError:  # a malformed href (http://[broken) is simply no match
        return False
    return any(host == d or host.endswith("." + d) for d in domains)


def _text_search(root: Element, pattern: re.Pattern[str]) -> Found | None:
    """The first match in the footer, the page, then what inline scripts write. A match found only inside
    hidden elements is returned marked `hidden`, when no region shows one."""
    hidden: Found | None = None
    for region in regions(root):
        match = pattern.search(region.text)
        if not match:
            continue
        if region.hides() and not pattern.search(region.shown_text()):
            hidden = hidden or Found(region.name, match.group(0), hidden=True)
            continue
        return Found(region.name, match.group(0))
    return hidden


def find_site_code(root: Element) -> Found | None:
    """网站标识码: a 10/12-digit or bm+8 code next to its label, or <meta name="SiteIDCode">."""
    found = _text_search(root, _site_code_pattern())
    if found and not found.hidden:
        return found
    meta = meta_content(root, _data()["site_code"]["meta"])
    if meta and re.fullmatch(_data()["site_code"]["code"], meta, re.I):
        return Found("meta", f'<meta name="SiteIDCode" content="{meta}">')
    return found  # hidden in the footer, or None


def find_icp(root: Element) -> Found | None:
    """ICP备案编号, e.g. 蒙ICP备05001234号 or 京ICP备12345678号-1."""
    return _text_search(root, _pattern("icp"))


def find_police(root: Element) -> Found | None:
    """公安机关备案号, e.g. 蒙公网安备 15040202000123号."""
    return _text_search(root, _pattern("police"))


def _first_shown(hits: Iterator[tuple[Region, Element, str]]) -> Found | None:
    """The first hit a visitor sees; else the first hidden one (display:none), marked so."""
    hidden: Found | None = None
    for region, element, evidence in hits:
        if not is_hidden(element):
            return Found(region.name, evidence)
        hidden = hidden or Found(region.name, evidence, hidden=True)
    return hidden


def find_conac(root: Element, source: str | None = None) -> Found | None:
    """党政机关网站标识: a link/image on conac.cn, or the dcs.conac.cn script that draws it. `source`, the
    page's HTML, prints an element found as written (its evidence)."""
    return _first_shown(_conac_hits(root, source))


def _conac_hits(root: Element, source: str | None) -> Iterator[tuple[Region, Element, str]]:
    config = _data()["conac"]
    for region in regions(root, source):
        for element in region.elements:
            attr, domains = {"a": ("href", "domains"), "img": ("src", "domains"),
                             "script": ("src", "script_domains")}.get(element.tag, ("", ""))
            if attr and _host_matches(element.get(attr), config[domains]):
                yield region, element, soup_markup(element, 200, source=region.source)  # str(tag)'s
            elif element.tag == "script" and any(d in _inline_script(element)
                                                 for d in config["script_domains"]):
                yield region, element, _inline_script(element)[:200]


def _inline_script(element: Element) -> str:
    """An inline script's text, %-unescaped: official badges are written with document.write(unescape(…))."""
    return unquote(element.text or "") if not element.get("src") else ""


def find_jiucuo(root: Element, source: str | None = None) -> Found | None:
    """我为政府网站找错: a link or image labelled so, a link to the platform, or its jiucuo.js.

    The label must be the link's own (short) text or an image alt: a news headline that mentions
    the campaign (关于开展“我为政府网站找错”活动的通知) is no entry. `source` as for `find_conac`.
    """
    return _first_shown(_jiucuo_hits(root, source))


def _jiucuo_hits(root: Element, source: str | None) -> Iterator[tuple[Region, Element, str]]:
    config = _data()["jiucuo"]
    slack = int(config["max_extra_chars"])
    for region in regions(root, source):
        for element in region.elements:
            if element.tag in ("a", "area", "img"):
                label = (element.get("alt") or "") if element.tag == "img" else soup_text_of(element)
                if any(t in label and len(label) <= len(t) + slack for t in config["texts"]):
                    yield region, element, label
                    continue
            href = element.get("href") if element.tag in ("a", "area") else None
            src = element.get("src") if element.tag == "script" else None
            links_platform = href is not None and (_host_matches(href, config["domains"])
                                                   or any(w in href.lower() for w in config["href_words"]))
            loads_script = src is not None and (any(s in src.lower() for s in config["scripts"])
                                                or _host_matches(src, config["domains"]))
            if links_platform or loads_script:
                yield region, element, soup_markup(element, 200, source=region.source)  # str(tag)'s
            elif element.tag == "script" and any(s in _inline_script(element) for s in config["scripts"]):
                yield region, element, _inline_script(element)[:200]


# ------------------------------------------------------------------------------------- findings
def _missing(site: SiteView, detector: Callable[[Page], Found | None], item_zh: str, item_en: str,
             example: str) -> Iterator[Finding]:
    page = site.host_home
    if page is None:  # home page not fetched: the site is unreachable, nothing to judge
        return
    found = detector(page)
    footer = footer_region(page.tree)
    on_host = not site.config.is_host_root
    where_zh = "所在门户网站首页" if on_host else "首页"
    where_en = "the host portal's home page" if on_host else "the home page"
    if found is not None and found.hidden:  # in the source, but a visitor never sees it
        yield Finding(
            url=page.final_url,
            message=f"{where_zh}的{item_zh}写在页面源码中，但被隐藏（display:none），访问者看不到",
            message_en=f"The {item_en} is in the source of {where_en} but hidden (display:none): "
                       "visitors do not see it",
            selector=footer.selector or "body",
            evidence=f"隐藏（display:none）：{found.evidence}"[:200],
            locator="footer",
            data={"judged_on": page.final_url, "host_portal": on_host, "hidden": True,
                  "found_in": found.where, "footer_marked": footer.selector is not None},
        )
        return
    if found is not None:
        return
    yield Finding(
        url=page.final_url,
        message=f"{where_zh}底部及页面中未找到{item_zh}（如“{example}”）",
        message_en=f"No {item_en} found in the footer or elsewhere on {where_en} (e.g. “{example}”)",
        selector=footer.selector or "body",
        evidence=footer.text[:200] or None,
        locator="footer",
        data={"judged_on": page.final_url, "host_portal": on_host,
              "footer_marked": footer.selector is not None},
    )


@check(
    id="identity.site-code-missing", dimension="identity", severity="medium",
    refs=[f"{REFS_47} 网站标识码", f"{REFS_19} 网站标识"],
    title={"zh": "未标注网站标识码", "en": "Site identification code (网站标识码) missing"},
    fix={"zh": "在首页底部功能区标注“网站标识码：”及本网站的标识码（10位、12位数字或bm加8位数字），"
               "并在首页<head>中加入<meta name=\"SiteIDCode\">。",
         "en": "Show “网站标识码：” and the site's code (10 or 12 digits, or bm + 8 digits) in the "
               "home page footer, and add <meta name=\"SiteIDCode\"> to the home page."},
)
def site_code_missing(site: SiteView) -> Iterator[Finding]:
    yield from _missing(site, lambda page: find_site_code(page.tree), "网站标识码",
                        "site identification code (网站标识码)", "网站标识码：1504000001")


@check(
    id="identity.icp-missing", dimension="identity", severity="medium",
    refs=[f"{REFS_47} 网站底部功能区", "《非经营性互联网信息服务备案管理办法》（信息产业部令第33号）第十三条",
          f"{REFS_19} 网站标识"],
    title={"zh": "未标注ICP备案编号", "en": "ICP filing number missing"},
    fix={"zh": "在首页底部中间位置标明ICP备案编号（如“蒙ICP备05001234号”），并链接至工业和信息化部备案管理系统。",
         "en": "Show the ICP filing number (e.g. 蒙ICP备05001234号) at the bottom centre of the home page, "
               "linked to the MIIT filing system (beian.miit.gov.cn)."},
)
def icp_missing(site: SiteView) -> Iterator[Finding]:
    yield from _missing(site, lambda page: find_icp(page.tree), "ICP备案编号", "ICP filing number (ICP备案)",
                        "蒙ICP备05001234号")


@check(
    id="identity.police-record-missing", dimension="identity", severity="medium",
    refs=[f"{REFS_47} 网站底部功能区", "《计算机信息网络国际联网安全保护管理办法》（公安部令第33号）",
          f"{REFS_19} 网站标识"],
    title={"zh": "未标注公安机关备案号", "en": "Public security filing number missing"},
    fix={"zh": "在首页底部标注公安机关备案标识及备案号（如“蒙公网安备 15040202000123号”），链接至全国互联网安全管理平台。",
         "en": "Show the public security filing mark and number (e.g. 蒙公网安备 15040202000123号) in the "
               "home page footer, linked to www.beian.gov.cn."},
)
def police_record_missing(site: SiteView) -> Iterator[Finding]:
    yield from _missing(site, lambda page: find_police(page.tree), "公安机关备案号",
                        "public security filing number (公网安备)", "蒙公网安备 15040202000123号")


@check(
    id="identity.conac-missing", dimension="identity", severity="medium",
    refs=[f"{REFS_47} 网站底部功能区", "党政机关网站标识管理（中央机构编制委员会办公室，党政机关网站开办主体标识）",
          f"{REFS_19} 网站标识"],
    title={"zh": "未标注党政机关网站标识", "en": "Party and government website mark (党政机关标识) missing"},
    fix={"zh": "在首页底部中间位置放置党政机关网站标识（红色“党政机关”图标，链接至 bszs.conac.cn 的开办主体信息，"
               "或使用 dcs.conac.cn 提供的标识脚本）。",
         "en": "Place the red 党政机关 website mark at the bottom centre of the home page, linked to the "
               "registration record on bszs.conac.cn (or embed the dcs.conac.cn script)."},
)
def conac_missing(site: SiteView) -> Iterator[Finding]:
    yield from _missing(site, lambda page: find_conac(page.tree, page.text), "党政机关网站标识",
                        "党政机关 website mark (conac.cn)", "链接至 bszs.conac.cn 的“党政机关”图标")


@check(
    id="identity.jiucuo-entry-missing", dimension="identity", severity="medium",
    refs=[f"{REFS_19} “我为政府网站找错”", f"{REFS_47} 互动交流"],
    title={"zh": "首页无“我为政府网站找错”入口", "en": "No “我为政府网站找错” (report a site error) entry"},
    fix={"zh": "在首页底部功能区放置“我为政府网站找错”入口（国务院办公厅政府网站找错平台提供的图标和链接）。",
         "en": "Add the “我为政府网站找错” entry (icon and link from the State Council's site-error "
               "platform) to the home page footer."},
)
def jiucuo_missing(site: SiteView) -> Iterator[Finding]:
    yield from _missing(site, lambda page: find_jiucuo(page.tree, page.text), "“我为政府网站找错”入口",
                        "“我为政府网站找错” entry", "我为政府网站找错")


# ------------------------------------------------------------------------------------- page tags
def head_metas(root: Element) -> dict[str, str]:
    """<meta name=… content=…> of the page, lower-cased names, the first of each name."""
    metas: dict[str, str] = {}
    for tag in root.iter("meta"):
        name = (tag.get("name") or "").lower()
        if name and name not in metas:
            content = tag.get("content")
            metas[name] = content.strip() if content is not None else ""
    return metas


def is_chinese_page(root: Element) -> bool:
    """No declared language, or a zh one: the page tags of 国办发〔2017〕47号 apply."""
    lang = "" if is_empty(root) else (root.get("lang") or "").strip().lower()
    return not lang or lang.startswith("zh")


def page_type(url: str, metas: dict[str, str], root: Element | None = None) -> str | None:
    """article | list | None (the home page is told apart by the caller).

    A page known only by its index.html URL is a list when it links to a few articles; hubs that
    only link to columns and static 概况 pages are not lists.
    """
    config = _data()["page_tags"]
    path = urlsplit(url).path
    if _is_article_path(path) or metas.get("articletitle") or metas.get("pubdate"):
        return "article"
    if "columnname" in metas:
        return "list"
    if any(re.search(p, path, re.I) for p in config["list_url"]):
        anchors = root.iter("a") if root is not None else ()
        hrefs = [href for a in anchors if (href := a.get("href")) is not None]
        items = {href for href in hrefs if _is_article_path(url_path(href))}
        if len(items) >= int(config["list_min_items"]):
            return "list"
    return None


def _is_article_path(path: str) -> bool:
    return any(re.search(p, path, re.I) for p in _data()["page_tags"]["article_url"])


def missing_tags(kind: str, metas: dict[str, str]) -> list[str]:
    return [tag for tag in _data()["page_tags"][kind] if not metas.get(tag.lower())]


@dataclass
class _TagTally:
    checked: int = 0
    missing_pages: int = 0
    examples: list[str] | None = None
    counts: dict[str, int] | None = None


@page_analysis(dimensions=("identity",))
def page_tag_facts(page: Page, site: SiteView) -> tuple[str, str, str, list[str]] | None:
    """(page kind, URL, final URL, missing tags) of a Chinese list or article page. Which page is the home
    page is the site's to say (`page_tags_missing`): a page analysis reads its page alone."""
    metas = head_metas(page.tree)
    if "sitename" in metas or not is_chinese_page(page.tree):
        return None  # the home page of a sub-site, or a language version (the languages dimension's)
    kind = page_type(page.final_url, metas, page.tree)
    return (kind, page.url, page.final_url, missing_tags(kind, metas)) if kind else None


def _is_home_url(site: SiteView, url: str) -> bool:
    home = site.homepage
    return home is not None and normalise_url(url) in {normalise_url(home.url), normalise_url(home.final_url)}


@check(
    id="identity.page-tags-missing", dimension="identity", severity="info",
    refs=[f"{REFS_47} 附件 政府网站网页设计规范：网页标签（元数据）"],
    title={"zh": "网页标签（元数据）不全", "en": "Page metadata tags missing"},
    fix={"zh": "按《政府网站发展指引》在页面<head>中加入网页标签：首页 SiteName/SiteDomain/SiteIDCode，"
               "栏目页 ColumnName/ColumnType，文章页 ArticleTitle/PubDate/ContentSource（通常在CMS模板中统一配置）。",
         "en": "Add the page tags of the 47号 guideline to <head>: SiteName/SiteDomain/SiteIDCode on the "
               "home page, ColumnName/ColumnType on list pages, ArticleTitle/PubDate/ContentSource on "
               "articles (usually once, in the CMS templates)."},
)
def page_tags_missing(site: SiteView) -> Iterator[Finding]:
    config = _data()["page_tags"]
    names = {"home": ("首页", "home page"), "list": ("栏目页", "list page"), "article": ("文章页", "article page")}
    tallies = {kind: _TagTally(examples=[], counts={}) for kind in names}
    home = site.homepage
    if home is not None:
        _tally(tallies["home"], home.final_url, missing_tags("home", head_metas(home.tree)), config)
    for kind, url, final_url, missing in site.page_results(page_tag_facts):
        if not (_is_home_url(site, url) or _is_home_url(site, final_url)):
            _tally(tallies[kind], final_url, missing, config)
    for kind, tally in tallies.items():
        if not tally.missing_pages:
            continue
        zh, en = names[kind]
        counts = ", ".join(f"{tag}（{n}）" for tag, n in tally.counts.items())
        counts_en = ", ".join(f"{tag} ({n})" for tag, n in tally.counts.items())
        yield Finding(
            url=site.config.url,
            message=f"{tally.missing_pages}/{tally.checked} 个{zh}缺少网页标签：{counts}",
            message_en=f"{tally.missing_pages} of {tally.checked} {en}s lack page tags: {counts_en}",
            selector="head",
            evidence="; ".join(tally.examples[:3]),
            locator=f"page-tags:{kind}",
            data={"page_type": kind, "pages_checked": tally.checked, "pages_missing": tally.missing_pages,
                  "missing": dict(tally.counts), "required": list(config[kind]), "examples": tally.examples},
        )


def _tally(tally: _TagTally, url: str, missing: list[str], config: dict) -> None:
    tally.checked += 1
    if not missing:
        return
    tally.missing_pages += 1
    for tag in missing:
        tally.counts[tag] = tally.counts.get(tag, 0) + 1
    if len(tally.examples) < int(config["examples"]):
        tally.examples.append(url)


# ------------------------------------------------------------------------------------- domain
def is_test_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    locals_ = [h.lower() for h in _data()["local_hosts"]]
    return ip_literal(host) is not None or host in locals_ or any(host.endswith("." + h) for h in locals_)


def is_gov_domain(host: str) -> bool:
    host = host.lower().rstrip(".")
    try:
        unicode_host = host.encode("ascii").decode("idna") if host.isascii() else host
    except UnicodeError:
        unicode_host = host
    suffixes = [s.lower() for s in _data()["gov_domains"]]
    return any(h == s or h.endswith("." + s) for h in (host, unicode_host) for s in suffixes)


@check(
    id="identity.domain-not-gov-cn", dimension="identity", severity="info",
    refs=[f"{REFS_47} 域名：政府网站应使用以“.gov.cn”为后缀的英文域名和符合要求的中文域名（.政务）"],
    title={"zh": "网站域名不是 .gov.cn / .政务", "en": "Portal domain is not .gov.cn / .政务"},
    fix={"zh": "使用以 .gov.cn 结尾的英文域名（或 .政务 中文域名）开办政府网站，原域名做跳转。",
         "en": "Serve the portal on a .gov.cn (or .政务) domain and redirect the old one."},
)
def domain_not_gov_cn(site: SiteView) -> Iterator[Finding]:
    host = urlsplit(site.config.url).hostname or ""
    if not host or is_test_host(host) or is_gov_domain(host):
        return
    yield Finding(
        url=site.config.host_root,
        message=f"网站域名 {host} 不是以 .gov.cn 或 .政务 结尾的政府网站域名",
        message_en=f"The portal host {host} is outside .gov.cn / .政务",
        evidence=host,
        locator=f"domain:{host}",
        data={"host": host},
    )
