"""Where links hide on Chinese government CMS pages, beyond plain <a href>.

- Hanweb (大汉) column lists arrive as CDATA records inside <script type="text/xml"><datastore>.
- TRS (拓尔思) lists paginate with a script call createPageHTML(total, current, "index", "html")
  that writes index_1.html … index_{total-1}.html at view time.
- Many portal home pages are a stub that sends the browser on with a script
  (window.location.href = "/col/col1/index.html", location.replace(…)), and menus open pages with
  onclick="window.open('…')". A crawler that ignores them sees a one-page site.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from urllib.parse import urljoin, urlsplit, urlunsplit

from parsel import Selector

ATTACHMENT_EXTENSIONS = (
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".et", ".dps", ".ppt", ".pptx",
    ".ofd", ".zip", ".rar", ".7z", ".txt", ".csv",
)
SKIPPED_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "#", "about:")
FOLLOWED_TAGS = ("a", "area", "frame", "iframe")
HREF_IN_MARKUP = re.compile(r"""href\s*=\s*["']([^"'<>\s]+)["']""", re.I)
SCRIPT_NAVIGATION = re.compile(
    r"""(?:(?:window|document|top|self|parent)\.)?location(?:\.href)?\s*=\s*["']([^"'\s]+)["']"""
    r"""|location\.(?:replace|assign)\(\s*["']([^"'\s]+)["']\s*\)"""
    r"""|window\.open\(\s*["']([^"'\s]+)["']""",
    re.I,
)
TRS_PAGER = re.compile(r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]")


@dataclass(frozen=True)
class FoundLink:
    url: str
    text: str
    tag: str
    hreflang: str | None = None


def clean_url(url: str) -> str:
    """Drop the fragment; keep everything else as the site wrote it."""
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def is_attachment(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(ATTACHMENT_EXTENSIONS)


def extract_links(html: Selector, base_url: str) -> Iterator[FoundLink]:
    base = html.css("base::attr(href)").get()
    base_url = urljoin(base_url, base) if base else base_url

    def absolute(raw: str | None) -> str | None:
        if not raw:
            return None
        raw = raw.strip()
        if not raw or raw.lower().startswith(SKIPPED_SCHEMES):
            return None
        url = urljoin(base_url, raw)
        return clean_url(url) if url.startswith(("http://", "https://")) else None

    for node in html.xpath("//a[@href] | //area[@href]"):
        url = absolute(node.attrib.get("href"))
        if url:
            text = " ".join(node.xpath("string()").get("").split()) or node.attrib.get("title", "")
            if not text:
                text = " ".join(node.css("img::attr(alt)").getall())
            yield FoundLink(url, text[:200], node.root.tag if isinstance(node.root.tag, str) else "a",
                            node.attrib.get("hreflang"))
    for node in html.xpath("//frame[@src] | //iframe[@src]"):
        url = absolute(node.attrib.get("src"))
        if url:
            yield FoundLink(url, node.attrib.get("title", ""), node.root.tag)
    for node in html.xpath("//link[@rel='alternate'][@hreflang]"):
        url = absolute(node.attrib.get("href"))
        if url:
            yield FoundLink(url, "", "link-alternate", node.attrib.get("hreflang"))
    for tag, attr in (("img", "src"), ("script", "src"), ("link", "href"), ("form", "action")):
        for value in html.xpath(f"//{tag}/@{attr}").getall():
            url = absolute(value)
            if url and not (tag == "link" and url == base_url):
                yield FoundLink(url, "", tag)
    yield from _hanweb_datastore_links(html, absolute)
    yield from _trs_pager_links(html, base_url)
    yield from _script_navigation_links(html, absolute)


STUB_TEXT_LIMIT = 200  # visible characters: more than this is a page of its own, not a doorway


def stub_targets(html: str, base_url: str) -> list[str]:
    """Where a doorway page sends the browser: frames of a <frameset>, or a script/meta redirect.

    Many county portals answer / with such a stub; the real home page (with the footer, the dates and
    the navigation an inspector judges) is its target. Empty when the page is a page of its own.
    """
    page = Selector(text=html)
    visible = "".join(page.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]").getall())
    if len("".join(visible.split())) > STUB_TEXT_LIMIT:
        return []
    targets = [urljoin(base_url, src) for src in page.xpath("//frameset//frame/@src").getall()]
    for script in page.xpath("//script[not(@src)][not(@type='text/xml')]/text()").getall():
        for match in SCRIPT_NAVIGATION.finditer(script):
            if not match.group(3):  # window.open is a menu, not a redirect
                targets.append(urljoin(base_url, match.group(1) or match.group(2)))
    for refresh in page.xpath("//meta[translate(@http-equiv, 'REFSH', 'refsh')='refresh']/@content").getall():
        if "url=" in refresh.lower():
            targets.append(urljoin(base_url, refresh[refresh.lower().index("url=") + 4:].strip(" '\"")))
    return [clean_url(t) for t in dict.fromkeys(targets) if t.startswith(("http://", "https://"))]


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


def _trs_pager_links(html: Selector, base_url: str) -> Iterator[FoundLink]:
    for script in html.xpath("//script[not(@src)]/text()").getall():
        match = TRS_PAGER.search(script)
        if not match:
            continue
        total, name, ext = int(match.group(1)), match.group(3), match.group(4)
        for number in range(1, min(total, 1000)):
            yield FoundLink(clean_url(urljoin(base_url, f"{name}_{number}.{ext}")), f"第{number + 1}页", "a")
