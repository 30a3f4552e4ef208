"""Where links hide on Chinese government CMS pages, beyond plain <a href>.

- Hanweb (大汉) column lists arrive as CDATA records inside <script type="text/xml"><datastore>.
- TRS (拓尔思) lists paginate with a script call createPageHTML(total, current, "index", "html")
  that writes index_1.html … index_{total-1}.html at view time, or only set its variables
  (var countPage = 3; prefixName; suffixName) for a shared script to call it. jQuery pagination
  plugins count from 1: var totalPage = 3 means index.html, index_2.html, index_3.html.
- Many portal home pages are a stub that sends the browser on with a script
  (window.location.href = "/col/col1/index.html", location.replace(…)), and menus open pages with
  onclick="window.open('…')". A crawler that ignores them sees a one-page site.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from html import unescape
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from auditcli.core.html import CSS_URL, RESOURCE_TAGS, SCRIPT_NAVIGATION  # noqa: F401 (RESOURCE_TAGS: the crawl's)
from auditcli.core.knowledge import load
from auditcli.core.urls import clean_url, join_url

ATTACHMENT_EXTENSIONS = (
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".et", ".dps", ".ppt", ".pptx",
    ".ofd", ".zip", ".rar", ".7z", ".txt", ".csv",
)
SKIPPED_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "#", "about:")
FOLLOWED_TAGS = ("a", "area", "frame", "iframe")
HREF_IN_MARKUP = re.compile(r"""href\s*=\s*["']([^"'<>\s]+)["']""", re.I)
# TRS templates that set the pager's variables and leave the call to a shared script
# (var countPage = 5; var currentPage = 0; var prefixName = "index"; var suffixName = "html"): 0-based, index_1 is page 2.
TRS_PAGE_COUNT = re.compile(r"\bvar\s+countPage\s*=\s*['\"]?(\d+)")
TRS_PAGE_NAME = re.compile(r"\bvar\s+prefixName\s*=\s*['\"]([\w-]+)['\"]")
TRS_PAGE_EXT = re.compile(r"\bvar\s+suffixName\s*=\s*['\"](\w+)['\"]")
# jQuery pagination plugins on static lists (var totalPage = 3; a jump to "index_" + p + ".html"): 1-based,
# index.html is page 1 and index_2.html page 2 (there is no index_1.html). A page count alone, without the
# page name it builds, may count pages of an AJAX list (?page=2): no pages are guessed from it.
JQ_TOTAL_PAGES = re.compile(r"\btotalPages?\s*[:=]\s*['\"]?(\d+)")
LIST_LEAF = re.compile(r"^([\w-]+?)(?:_\d+)?\.(s?html?)$", re.I)
TRS_PAGER = re.compile(r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]")


@dataclass(frozen=True)
class FoundLink:
    url: str
    text: str
    tag: str
    hreflang: str | None = None


def is_attachment(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(ATTACHMENT_EXTENSIONS)


def extract_links(html: Selector, base_url: str) -> Iterator[FoundLink]:
    base = html.css("base::attr(href)").get()
    base_url = (join_url(base_url, base) or base_url) if base else base_url

    def absolute(raw: str | None) -> str | None:
        if not raw:
            return None
        raw = raw.strip()
        if not raw or raw.lower().startswith(SKIPPED_SCHEMES):
            return None
        return join_url(base_url, raw)

    # One walk over lxml's tree (a parsel selector per node costs more than the rest of the crawl's parse).
    tops = _top_level(html.root)
    for node in _iter(tops, "a", "area"):
        url = absolute(node.get("href"))
        if url:
            text = " ".join(node.xpath("string()").split()) or node.get("title", "")
            if not text:
                text = " ".join(alt for img in node.iter("img") if (alt := img.get("alt")) is not None)
            yield FoundLink(url, text[:200], node.tag, node.get("hreflang"))
    for node in _iter(tops, "frame", "iframe"):
        url = absolute(node.get("src"))
        if url:
            yield FoundLink(url, node.get("title", ""), node.tag)
    for node in _iter(tops, "link"):
        if node.get("rel") == "alternate" and node.get("hreflang") is not None:
            url = absolute(node.get("href"))
            if url:
                yield FoundLink(url, "", "link-alternate", node.get("hreflang"))
    for tag, attr in (("img", "src"), ("script", "src"), ("link", "href"), ("form", "action"),
                      ("video", "src"), ("video", "poster"), ("audio", "src"), ("source", "src")):
        for node in _iter(tops, tag):
            url = absolute(node.get(attr))
            if url and not (tag == "link" and url == base_url):
                yield FoundLink(url, "", _link_tag(node) if tag == "link" else tag)
    yield from _css_links(tops, absolute)
    yield from _hanweb_datastore_links(html, absolute)
    yield from _trs_pager_links(html, base_url)
    yield from _script_navigation_links(html, absolute)


def _link_tag(node) -> str:
    """A <link>'s tag as recorded: "stylesheet" for a style sheet the page needs, "link" for the rest
    (canonical, icon, preload, alternate…)."""
    rel = (node.get("rel") or "").lower().split()
    return "stylesheet" if "stylesheet" in rel else "link"


def _css_links(tops: list, absolute) -> Iterator[FoundLink]:
    """url(…) and @import in the page's <style> blocks and style="…" attributes (background images,
    banners, fonts): a 404 there is as visible as a broken <img>. data: URLs are skipped."""
    sources = [node.text or "" for node in _iter(tops, "style")]
    sources += [value for top in tops for value in top.xpath(".//@style|self::*/@style")]
    for source in sources:
        if "url" not in source.lower() and "@import" not in source.lower():
            continue
        for match in CSS_URL.finditer(source):
            url = absolute(next((group for group in match.groups() if group), None))
            if url:
                yield FoundLink(url, "", "css")


def _top_level(root) -> list:
    """The document's top-level elements: markup after </html> can end up beside the root, not in it."""
    return [*reversed(list(root.itersiblings(preceding=True))), root, *root.itersiblings()]


def _iter(tops: list, *tags: str) -> Iterator:
    for top in tops:
        yield from top.iter(*tags)


def _script_navigation_links(html: Selector, absolute) -> Iterator[FoundLink]:
    sources = html.xpath("//script[not(@src)][not(@type='text/xml')]/text()").getall()
    sources += html.xpath("//@onclick").getall()
    for source in sources:
        for match in SCRIPT_NAVIGATION.finditer(source):
            url = absolute(next(group for group in match.groups() if group))
            if url:
                yield FoundLink(url, "", "a")


def _hanweb_datastore_links(html: Selector, absolute) -> Iterator[FoundLink]:
    for script in html.xpath("//script[@type='text/xml']/text()").getall():
        for raw in HREF_IN_MARKUP.findall(script):
            url = absolute(unescape(raw))  # records are HTML fragments: &amp; in an href is &
            if url:
                yield FoundLink(url, "", "a")


@cache
def _list_page_names() -> frozenset[str]:
    return frozenset(n.lower() for n in load("columns")["page_names"])


def _trs_pager_links(html: Selector, base_url: str) -> Iterator[FoundLink]:
    name = urlsplit(base_url).path.rsplit("/", 1)[-1]
    leaf = LIST_LEAF.match(name)
    stem, own_ext = (leaf.group(1), leaf.group(2)) if leaf else ("index", "html")
    # pager variables alone are expanded on list pages only (index.html, list_2.shtml, a directory URL):
    # an article's script may count pages of something else
    list_page = name == "" or (leaf is not None and stem.lower() in _list_page_names())
    for script in html.xpath("//script[not(@src)]/text()").getall():
        match = TRS_PAGER.search(script)
        if match:
            total, name, ext = int(match.group(1)), match.group(3), match.group(4)
            pages = range(1, min(total, 1000))
        elif not list_page:
            continue
        elif (count := TRS_PAGE_COUNT.search(script)) is not None and "currentPage" in script:
            name_var, ext_var = TRS_PAGE_NAME.search(script), TRS_PAGE_EXT.search(script)
            total, name = int(count.group(1)), name_var.group(1) if name_var else stem
            ext = ext_var.group(1) if ext_var else own_ext
            pages = range(1, min(total, 1000))
        elif (jq := JQ_TOTAL_PAGES.search(script)) is not None and f"{stem}_" in script:  # builds index_N.html
            name, ext = stem, own_ext
            pages = range(2, min(int(jq.group(1)), 1000) + 1)
        else:
            continue
        for number in pages:
            page = number + 1 if pages.start == 1 else number
            yield FoundLink(clean_url(urljoin(base_url, f"{name}_{number}.{ext}")), f"第{page}页", "a")
