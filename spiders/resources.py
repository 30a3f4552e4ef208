"""Embedded resources of the site's pages (images, scripts, style sheets, CSS url(), media): each URL is
asked for its status once per crawl, for `links.broken-resource`.

- Only resources on the site's own host(s) are checked: they are the site's to fix, and the crawl's
  politeness covers that host already. A CDN's jQuery or a counter script on another host is left
  alone: a crawler hammering third parties is not polite, and a CDN unreachable from the audit's
  network says little about the site (LinkChecker leaves external URLs unchecked by default too).
- HEAD first (no body moves); a HEAD answered with an error is asked again with GET before it
  counts, because many CMS servers (TRS/WCM behind a WAF, Hanweb's servlet images) refuse HEAD or
  answer it with 403/404 while GET serves the file. The GET stops at RESOURCE_GET_BYTES: a resource
  bigger than that is there (recorded as too-large, never as broken).
- `--max-resources` per site (a budget of its own, next to --max-pages): a site with 5,000 images is
  not five thousand more requests. Past it a resource is recorded as not scanned (max-pages, "resource
  limit reached"), so the coverage tells what was left out.
- `--max-depth 0` audits exactly the given URLs: no resource is fetched then.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

RESOURCE_PRIORITY = -20  # after the pages of the same depth: pages are what the audit judges
RESOURCE_GET_BYTES = 1024 * 1024


def resource_requests(spider: Any, state: Any, url: str, depth: int, source: str) -> Iterator[Any]:
    """(`spider` is the PortalSpider, `state` its _SiteState of the site.) The request that checks one embedded resource found on `source`, or nothing (off-host, not
    checked in this run, already claimed), or a not-scanned record when the site's budget is spent."""
    options = spider.options
    site = state.config
    if options.max_depth == 0 or options.max_resources == 0 or not site.on_host(url):
        return

    def request() -> list[Any]:
        made = spider._request(site.id, url, depth=depth + 1, kind="resource", referrer=source,
                               priority=RESOURCE_PRIORITY + depth + 1, method="HEAD")
        return [made]

    over = spider._not_scanned(site.id, url, "max-pages",
                               f"resource limit reached (--max-resources {options.max_resources})", source)
    yield from state.claim(url, "resource", request, partial(_one, over))


def confirm_with_get(spider: Any, response: Any) -> Any | None:
    """A HEAD of a resource refused or answered with an error: the GET that confirms it, else None."""
    meta = response.meta
    if meta.get("kind") != "resource" or response.request.method != "HEAD" or response.status < 400:
        return None
    if response.status in (401, 407, 429):  # a login wall or rate limiting: no second request
        return None
    requested = meta.get("redirect_urls", [response.url])[0]  # the URL as linked, as the record keeps it
    request = spider._request(meta["site_id"], requested, depth=meta["depth"], kind="resource",
                              referrer=meta["referrer"], priority=RESOURCE_PRIORITY, method="GET")
    request.meta["download_maxsize"] = min(RESOURCE_GET_BYTES, spider.options.max_size)
    return request


def _one(item: Any) -> list[Any]:
    return [item]
