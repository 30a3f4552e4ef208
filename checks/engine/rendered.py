"""What browser mode rendered of a site, read from the page store: each page's axe-core result, and for
the list pages whose list a script fills, the rendered DOM and the JSON the page fetched.

Both the accessibility checks (axe results) and the column analysis (rendered lists) read it, so it sits
beside them rather than inside either (spiders/render.py writes it; auditcli/app/browser.py stores it).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from auditcli.core.tree import Element, parse
from checks.engine.registry import site_analysis
from checks.engine.siteview import SiteView


@site_analysis
def rendered(site: SiteView) -> dict[str, Any]:
    """The site's browser pass: {"pages": {url: result}, "not_scanned": [...]} (empty without one); a page
    is listed under its URL and, when it redirected, under its final URL too."""
    pages: dict[str, Any] = {}
    failed: list[dict[str, Any]] = []
    for url, status, detail, result in site.store.rendered(site.id):
        if status == "ok" and isinstance(result, dict):
            pages[url] = result
            final = result.get("final_url")
            if final and final != url:
                pages.setdefault(final, result)
        else:
            failed.append({"url": url, "reason": status, "detail": detail})
    return {"pages": pages, "not_scanned": failed}


@dataclass
class RenderedPage:
    """A page as the browser showed it (its DOM after scripts ran and frames were inlined), readable by
    the column summary as a stored page is (checks.engine.listparse.summarise)."""

    url: str
    final_url: str
    depth: int
    dom: str
    responses: list[tuple[str, str]]  # (URL, body) of the JSON the page fetched while rendering

    @property
    def text(self) -> str:
        """The markup, as a stored page's `text`."""
        return self.dom

    @cached_property
    def tree(self) -> Element:
        """The DOM's <html> element, parsed as a stored page's (`Page.tree`)."""
        return parse(self.dom)


def rendered_result(site: SiteView, url: str, final_url: str) -> dict[str, Any] | None:
    """Browser mode's result for a stored page (by the URL it ended at, else the one asked), or None."""
    pages = rendered(site)["pages"]
    return pages.get(final_url) or pages.get(url)


def rendered_page(site: SiteView, url: str, final_url: str, depth: int) -> RenderedPage | None:
    """The rendered DOM of a page browser mode snapshotted (a list page filled by script), else None."""
    result = rendered_result(site, url, final_url)
    if not result or not isinstance(result.get("dom"), str):
        return None
    responses = [(str(r.get("url") or final_url), str(r.get("body") or "")) for r in result.get("responses") or []
                 if isinstance(r, dict)]
    return RenderedPage(url=url, final_url=str(result.get("final_url") or final_url), depth=depth,
                        dom=result["dom"], responses=responses)
