"""Same-site iframe documents are audited as part of the page that embeds them (issue 24 item 1).

A portal page often shows its list in an <iframe src="list_frame.html"> (开普云 集约化 templates,
TRS 栏目 pages): the frame's document is a followed link, crawled and stored as a page of its own, but
a visitor meets it inside the embedding page. Its barriers (a missing `lang`, an empty <title>, an
image without alt in the list) are reported once, on the page that embeds it:
- `url` is the embedding page (the first in URL order when several embed it; `data.embedded_in`
  lists them, at most EMBEDDERS_SHOWN), `selector` is the frame path as axe-core writes it
  (`div.main > iframe.list-frame >>> html`), `data.frame_url` is the frame document, where the fix is made;
- the frame document, as a page of its own, carries no accessibility finding (the same barrier twice);
- page-level rules (PAGE_LEVEL: a page's <h1>) are judged on the embedding page, never on the
  frame document: its headings are part of the embedding page's outline;
- a frame in a frame is followed up to the top page (FRAME_DEPTH levels).
It is done once the site's pages are all in (a page findings pass, checks.engine.registry): while the
crawl streams pages to the checks, a frame's document may come before the page that embeds it.
In browser mode the embedding page's render tests the frame in place: the frame document's own axe
results are dropped when the embedding page was rendered, and an element both axe (in the frame) and
the static rule report is reported once.
Only <iframe> counts: a <frameset>'s frames are the pages themselves (the home page's doorway is
followed by SiteView.homepage), and a cross-site frame is not stored (browser mode's axe tests it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from urllib.parse import urljoin

from lxml.html import HtmlElement

from auditcli.core.models import Finding
from auditcli.core.soupcompat import select
from auditcli.core.tree import css_path
from auditcli.core.urls import clean_url
from checks.a11y.dom import Dom, dom_of
from checks.a11y.ruleset import template
from checks.engine.registry import page_findings_pass, site_analysis
from checks.engine.rendered import rendered_result
from checks.engine.siteview import SiteView

PAGE_LEVEL = frozenset({"a11y.page-heading-missing"})
EMBEDDERS_SHOWN = 5
FRAME_DEPTH = 3


@dataclass(frozen=True)
class FrameHost:
    """Where a stored frame document is shown: the top page, the frame path to it, every embedder."""

    url: str  # the embedding top page (its final URL)
    selector: str  # the frame path: "iframe.list-frame" or "iframe.a >>> iframe.b" for a frame in a frame
    embedded_in: tuple[str, ...]  # the pages that embed the document directly, in URL order


def frame_host(site: SiteView, *urls: str) -> FrameHost | None:
    """The embedding page of a stored same-site frame document (by any of its URLs), else None."""
    hosts = frame_hosts(site)
    return next((hosts[u] for u in urls if u in hosts), None)


@site_analysis
def frame_hosts(site: SiteView) -> dict[str, FrameHost]:
    """Every stored page some stored page of the site embeds in an <iframe>, by its URL."""
    embedders: dict[str, set[str]] = {}
    for link in site.links():
        if link.tag == "iframe" and link.in_scope and link.src != link.dst:
            embedders.setdefault(link.dst, set()).add(link.src)
    if not embedders:
        return {}
    direct: dict[str, tuple[str, str, tuple[str, ...]]] = {}  # frame URL -> (embedder, iframe selector, all)
    for dst, srcs in embedders.items():
        frame = site.page(dst)
        if frame is None or not site.is_checked(frame.stored):
            continue
        for src in sorted(srcs):
            host = site.page(src)
            if host is None or not site.is_checked(host.stored):
                continue
            selector = _iframe_selector(host, {dst, frame.final_url})
            if selector is not None:
                direct[dst] = (host.final_url, selector, tuple(sorted(srcs)))
                direct.setdefault(frame.final_url, direct[dst])
                break
    out: dict[str, FrameHost] = {}
    for url, (host_url, selector, all_srcs) in direct.items():
        path = [selector]
        for _ in range(FRAME_DEPTH - 1):  # a frame in a frame: up to the page a visitor opens
            if host_url not in direct or host_url == url:
                break
            host_url, outer, _ = direct[host_url]
            path.insert(0, outer)
        out[url] = FrameHost(host_url, " >>> ".join(path), all_srcs[:EMBEDDERS_SHOWN])
    return out


def _iframe_selector(host, targets: set[str]) -> str | None:
    """The selector of the host page's <iframe> whose src is one of `targets`, None if none is."""
    base = host.tree.find(".//base")
    base_url = urljoin(host.final_url, base.get("href")) if base is not None and base.get("href") else host.final_url
    for iframe in host.tree.iter("iframe"):
        src = (iframe.get("src") or "").strip()
        if src and (clean_url(urljoin(base_url, src)) in targets or urljoin(base_url, src) in targets):
            return css_path(iframe, depth=5) or "iframe"
    return None


def in_frame(finding: Finding, host: FrameHost, frame_url: str) -> Finding:
    """A finding of a frame document, reported on the page that embeds it."""
    selector = f"{host.selector} >>> {finding.selector or 'html'}"
    data = {**finding.data, "template": template(selector), "frame_url": frame_url,
            "embedded_in": list(host.embedded_in)}
    moved = replace(finding, url=host.url, selector=selector, data=data,
                    message=f"{finding.message}（页面内嵌框架 {frame_url} 中）",
                    message_en=f"{finding.message_en or finding.message} (inside the frame {frame_url})")
    if finding.fingerprint:
        moved.fingerprint = moved.compute_fingerprint()
    return moved


def resolve(dom: Dom | None, selector: str) -> HtmlElement | None:
    """The element of the page's tree that a selector names (the first match, as soupsieve's
    select_one), None for a selector of a frame or shadow root, or one this port does not read."""
    if dom is None or dom.html is None or ">>>" in selector:
        return None
    try:
        found = select(dom.root, selector, dom.control_spaces, dom.bare)
    except Exception:  # a selector soupcompat.select does not read
        return None
    return found[0] if found else None


@page_findings_pass(dimensions=("accessibility",))
def frames_in_their_pages(site: SiteView, findings: Iterable[Finding]) -> list[Finding]:
    """The accessibility findings of stored frame documents, moved onto the pages that embed them."""
    findings = list(findings)
    hosts = frame_hosts(site)
    if not hosts:
        return findings
    out: list[Finding] = []
    for finding in findings:
        host = hosts.get(finding.url) if finding.check.startswith(("a11y.", "axe.")) else None
        if host is None:
            out.append(finding)
        elif finding.check in PAGE_LEVEL:
            continue
        elif finding.data.get("source") == "axe-core" and rendered_result(site, host.url, host.url) is not None:
            continue  # axe tested the document in its frame, on the embedding page
        else:
            out.append(in_frame(finding, host, finding.url))
    return _once(site, out, hosts)


def _once(site: SiteView, findings: list[Finding], hosts: dict[str, FrameHost]) -> list[Finding]:
    """Drop axe's result in a stored frame (not a review) on an element the static rule reported there."""
    framed = [f for f in findings if f.data.get("frame_url") in hosts]
    if not any(f.data.get("source") == "axe-core" for f in framed):
        return findings
    doms: dict[str, Dom | None] = {}

    def element(finding: Finding) -> HtmlElement | None:
        url = finding.data["frame_url"]
        if url not in doms:
            page = site.page(url)
            doms[url] = dom_of(page) if page is not None else None
        return resolve(doms[url], (finding.selector or "").rsplit(" >>> ", 1)[-1])

    framed_ids = {id(f) for f in framed}
    static = {(f.check, f.url, f.data["frame_url"], el) for f in framed
              if f.data.get("source") != "axe-core" and (el := element(f)) is not None}
    return [f for f in findings
            if not (id(f) in framed_ids and f.data.get("source") == "axe-core" and not f.data.get("review")
                    and (f.check, f.url, f.data["frame_url"], element(f)) in static)]
