"""What a browser-mode tab does with each request its page makes (spiders/render.py installs one Router
per tab when it has something to do).

A sub-resource of a bounded type is fetched with a timeout of its own (Playwright's `route.fetch`) and
handed to the page, or aborted when it has not arrived in time: a `<script src>` in `<head>` on a CDN that
accepts connections and never answers would otherwise block the parser, DOMContentLoaded and so the page
until its timeout. The page's own document (and its redirects) goes through untouched: the page's
timeout bounds it. With `local_only` (tests, the ACT cases) every other host is aborted.

Playwright turns Chromium's HTTP cache off while requests are routed, and `route.fetch` bypasses it
anyway, so static sub-resources are kept in an AssetCache shared by the tabs: a site's jQuery, styles
and logo are fetched once per run, as a browser's cache would (fewer requests to the site than before).
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import urlsplit

log = logging.getLogger("auditcli.browser")

# Sub-resources fetched with a timeout: what can block the parser (scripts, and stylesheets, which scripts
# wait for), what most often hangs (images on a dead host) and child frames' documents (a dead one would
# keep loading). Fonts, XHR and media go as the browser sends them: the settle window bounds them.
BOUNDED_TYPES = frozenset({"script", "stylesheet", "image", "document"})
CACHED_TYPES = frozenset({"script", "stylesheet", "image"})
HOST_CONNECTIONS = 6  # Chromium's own limit of connections per host: routed fetches keep to it
CACHE_BYTES = 64 * 1024 * 1024  # the cache's size (least recently used entries go first)
CACHE_ENTRY = 2 * 1024 * 1024  # a bigger body is not cached


@dataclass(frozen=True)
class Asset:
    status: int
    headers: dict[str, str]
    body: bytes


class AssetCache:
    """Static sub-resources by URL for the length of a run (a GET that answered 200 without no-store)."""

    def __init__(self, limit: int = CACHE_BYTES):
        self.limit = limit
        self.size = 0
        self.hits = 0
        self._entries: OrderedDict[str, Asset] = OrderedDict()

    def get(self, url: str) -> Asset | None:
        asset = self._entries.get(url)
        if asset is not None:
            self._entries.move_to_end(url)
            self.hits += 1
        return asset

    def put(self, url: str, asset: Asset) -> None:
        if url in self._entries or len(asset.body) > CACHE_ENTRY:
            return
        self._entries[url] = asset
        self.size += len(asset.body)
        while self.size > self.limit:
            _, old = self._entries.popitem(last=False)
            self.size -= len(old.body)


def cacheable(request, status: int, headers: dict[str, str]) -> bool:
    return (request.method == "GET" and request.resource_type in CACHED_TYPES and status == 200
            and "no-store" not in headers.get("cache-control", "").lower())


class Router:
    """Every request of one tab (see the module's docstring)."""

    def __init__(self, page, resource_timeout: float | None, cache: AssetCache, local_only: bool = False):
        self.page = page
        self.resource_timeout = resource_timeout
        self.cache = cache
        self.local_only = local_only
        self.own = ""  # netloc of the page being rendered (local_only)
        self._slots: dict[str, asyncio.Semaphore] = {}

    async def handle(self, route) -> None:
        request = route.request
        try:
            if self._foreign(request.url):
                await route.abort()
            elif self._bounded(request):
                await self._fetch(route)
            else:
                await route.continue_()
        except Exception as exc:  # the tab navigated on or closed while the request was out
            log.debug("route %s: %s", request.url, exc)

    def _foreign(self, url: str) -> bool:
        if not self.local_only or url.startswith(("data:", "blob:")):
            return False
        return urlsplit(url).netloc not in (self.own, "")

    def _bounded(self, request) -> bool:
        if self.resource_timeout is None or request.resource_type not in BOUNDED_TYPES:
            return False
        return not self._main_document(request)

    def _main_document(self, request) -> bool:
        from playwright.async_api import Error

        try:
            return request.is_navigation_request() and request.frame == self.page.main_frame
        except Error:  # a request with no frame (a worker's): not the page's document
            return False

    async def _fetch(self, route) -> None:
        """From the cache, else fetched with the timeout and fulfilled with what came (a redirect handed on
        as a redirect, so the browser follows it and a frame knows its real URL), else aborted."""
        from playwright.async_api import Error
        from playwright.async_api import TimeoutError as PlaywrightTimeout

        request = route.request
        asset = self.cache.get(request.url) if request.method == "GET" else None
        if asset is not None:
            await route.fulfill(status=asset.status, headers=asset.headers, body=asset.body)
            return
        async with self._slot(request.url):
            try:
                response = await route.fetch(timeout=self.resource_timeout * 1000, max_redirects=0)
            except Error as exc:
                await route.abort("timedout" if isinstance(exc, PlaywrightTimeout) else "failed")
                return
        try:
            if cacheable(request, response.status, response.headers):
                headers = {k: v for k, v in response.headers.items() if k.lower() != "set-cookie"}
                self.cache.put(request.url, Asset(response.status, headers, await response.body()))
            await route.fulfill(response=response)
        finally:
            await response.dispose()

    def _slot(self, url: str) -> asyncio.Semaphore:
        return self._slots.setdefault(urlsplit(url).netloc, asyncio.Semaphore(HOST_CONNECTIONS))
