"""`links.broken-anchor` (with --check-anchors): a link to `page.html#sec2` between the site's own pages
whose target page was fetched and has no element with id="sec2" (nor <a name="sec2">): the reader lands
at the top of the page instead of the section, as LinkChecker's --check-anchors reports it.

Not judged: `#` alone and `#top` (HTML scrolls to the top for them), script routes (`#/path`, `#!/path`)
and fragments carrying state (`#page=2`, `#a&b`), links to pages the crawl did not fetch or that are not
HTML, and pages that build their sections with a script (an id written by script is not in the source):
a target page that writes ids from script (`.id =`, `setAttribute('id'`, `attr('id'`) is left alone.
Ids compare exactly (HTML ids are case-sensitive); the fragment is percent-decoded first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

from auditcli.core.models import Finding
from auditcli.core.tree import css_string
from auditcli.core.urls import clean_url, normalise_url
from checks.engine.registry import NotApplicable, check, page_analysis, site_analysis
from checks.engine.siteview import Page, SiteView

SKIPPED_FRAGMENTS = frozenset({"", "top"})
SCRIPT_ROUTE = re.compile(r"^[/!]|[=&?]")
SCRIPT_IDS = re.compile(r"""\.id\s*=[^=]|setAttribute\(\s*['"](?:id|name)['"]|\.attr\(\s*['"]id['"]\s*,""")
MAX_PER_PAGE = 200  # fragment links kept per page (a long 目录 page has a few dozen)


@dataclass(frozen=True)
class FragmentLink:
    target: str     # the target page, normalised
    fragment: str   # decoded
    href: str       # as written
    selector: str


@dataclass(frozen=True)
class AnchorFacts:
    page: str                # the page's final URL as fetched (the finding's URL)
    url: str                 # the page's own URL, normalised (and its final URL's)
    final_url: str
    ids: frozenset[str]      # ids anywhere and <a name>
    scripted_ids: bool       # the page sets ids from script: absence proves nothing
    links: tuple[FragmentLink, ...]


def enabled(site: SiteView) -> bool:
    return bool(site.options.get("check_anchors"))


@page_analysis(dimensions=("links",))
def anchor_facts(page: Page, site: SiteView) -> AnchorFacts | None:
    """The page's ids and its links with a #fragment (only with --check-anchors)."""
    if not enabled(site):
        return None
    root = page.tree
    ids = {value for element in root.iter() if isinstance(element.tag, str)
           for value in (element.get("id"),) if value}
    ids |= {name for a in root.iter("a") if (name := a.get("name"))}
    base = page.final_url
    base_tag = next((b.get("href") for b in root.iter("base") if b.get("href")), None)
    if base_tag:
        base = urljoin(base, base_tag.strip())
    links: list[FragmentLink] = []
    for a in root.iter("a", "area"):
        href = (a.get("href") or "").strip()
        if "#" not in href or href.lower().startswith(("javascript:", "mailto:", "tel:")):
            continue
        absolute = urljoin(base, href)
        parts = urlsplit(absolute)
        fragment = unquote(parts.fragment)
        if parts.scheme not in ("http", "https") or fragment.lower() in SKIPPED_FRAGMENTS \
                or SCRIPT_ROUTE.search(fragment):
            continue
        selector = f"{a.tag}[href={css_string(a.get('href') or '')}]"
        links.append(FragmentLink(normalise_url(clean_url(absolute)), fragment, href, selector))
        if len(links) >= MAX_PER_PAGE:
            break
    scripted = any(SCRIPT_IDS.search(script.text or "") for script in root.iter("script"))
    return AnchorFacts(page.final_url, normalise_url(page.url), normalise_url(page.final_url), frozenset(ids), scripted,
                       tuple(links))


@dataclass(frozen=True)
class MissingAnchor:
    source: str
    link: FragmentLink


@site_analysis
def missing_anchors(site: SiteView) -> list[MissingAnchor]:
    facts = [f for f in site.page_results(anchor_facts) if f is not None]
    pages: dict[str, AnchorFacts] = {}
    for f in facts:
        pages.setdefault(f.final_url, f)
        pages.setdefault(f.url, f)
    missing = []
    for f in facts:
        for link in f.links:
            target = pages.get(link.target)
            if target is None or target.scripted_ids or not site.in_scope(link.target):
                continue
            if link.fragment not in target.ids:
                missing.append(MissingAnchor(f.page, link))
    return missing


@check(
    id="links.broken-anchor",
    dimension="links",
    severity="low",
    refs=["国办秘函〔2019〕19号 《政府网站与政务新媒体检查指标》 链接不可用（错链、断链）"],
    title={"zh": "页内锚点链接指向不存在的位置", "en": "Link to a #fragment that is not on the target page"},
    fix={"zh": "在目标页面的相应位置加上 id（如 <h2 id=\"sec2\">），或把链接改为页面上实际存在的锚点。",
         "en": "Give the target section the id the link names (e.g. <h2 id=\"sec2\">), or point the link "
               "at an anchor the page has."},
)
def broken_anchors(site: SiteView) -> Iterator[Finding]:
    if not enabled(site):
        raise NotApplicable("未启用锚点检查（--check-anchors）", "anchor checking not enabled (--check-anchors)")
    for missing in missing_anchors(site):
        link = missing.link
        yield Finding(
            url=missing.source,
            message=f"链接 {link.href} 指向的锚点“#{link.fragment}”在目标页面上不存在",
            message_en=f"Link {link.href} points at #{link.fragment}, which the target page does not have",
            selector=link.selector,
            evidence=link.href,
            locator=f"{link.target}#{link.fragment}",
            data={"target": link.target, "fragment": link.fragment},
        )

