"""Fetch the few pages `auditcli discover` reads: a county portal's home page and the 网站群/部门/乡镇
index pages (and link-list scripts) it points to.

Fetching only: which of a page's links are worth a request is decided by the caller's `follow`
function (auditcli.app.discover), so the spider knows nothing of government site lists. It runs on
the crawl's own Scrapy settings (User-Agent, robots.txt, politeness floor, timeouts, size cap), with
no page store: the pages come back as a list.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from spiders.errors import classify_failure
from spiders.options import CrawlOptions
from spiders.settings import scrapy_settings


@dataclass(frozen=True)
class FetchedPage:
    """One answer: what was asked, where it ended, and its text as the response's encoding reads it
    (HTTP header, then <meta charset>, then a BOM: a GBK portal reads right)."""

    url: str
    final_url: str
    status: int
    text: str
    content_type: str


@dataclass(frozen=True)
class FetchFailure:
    url: str
    reason: str   # spiders.errors reasons: robots, timeout, connection-refused, dns-error, …
    detail: str


@dataclass
class Fetched:
    pages: list[FetchedPage]
    failures: list[FetchFailure]


Follow = Callable[[FetchedPage], list[str]]


class SiteListSpider(scrapy.Spider):
    """The start page, then what `follow` picks from each page, up to `max_pages` requests in all."""

    name = "auditcli-discover"

    def __init__(self, start_url: str, follow: Follow, max_pages: int, result: Fetched, **kwargs: Any):
        super().__init__(**kwargs)
        self.start_url, self.follow, self.max_pages, self.result = start_url, follow, max_pages, result
        self.order: list[str] = []

    async def start(self) -> AsyncIterator[Any]:
        for request in self._requests([self.start_url]):
            yield request

    def _requests(self, urls: list[str]) -> list[scrapy.Request]:
        requests = []
        for url in urls:
            if url in self.order or len(self.order) >= self.max_pages:
                continue
            self.order.append(url)
            requests.append(scrapy.Request(url, callback=self.parse, errback=self.failed, dont_filter=True,
                                           cb_kwargs={"asked": url}))
        return requests

    def parse(self, response: Response, asked: str) -> list[scrapy.Request]:
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        text = _text(response, content_type)
        page = FetchedPage(asked, response.url, response.status, text, content_type)
        self.result.pages.append(page)
        self.result.pages.sort(key=lambda fetched: self.order.index(fetched.url))  # as asked, whatever answers first
        if response.status >= 400:
            return []
        return self._requests(self.follow(page))

    def failed(self, failure: Failure) -> None:
        reason, detail = classify_failure(failure)
        self.result.failures.append(FetchFailure(failure.request.cb_kwargs.get("asked", failure.request.url),
                                                 reason, detail))


def _text(response: Response, content_type: str) -> str:
    """The response's text. A script served without a charset (a GBK portal's footer script) is read as
    UTF-8 when it is, else as GB18030, as the GBK page that loads it would read it."""
    if not isinstance(response, TextResponse):
        return ""
    if "charset" in content_type.lower() or "javascript" not in content_type.lower():
        return response.text
    try:
        return response.body.decode("utf-8")
    except UnicodeDecodeError:
        return response.body.decode("gb18030", errors="replace")


def fetch_site_lists(start_url: str, follow: Follow, options: CrawlOptions, max_pages: int,
                     verbose: bool = False) -> Fetched:
    """Fetch `start_url` and what `follow` picks, in this process (the Twisted reactor runs once)."""
    settings = scrapy_settings(options, store_path=Path("pages.sqlite"), progress=None, verbose=verbose)
    for key in ("JOBDIR", "SCHEDULER_DISK_QUEUE", "AUDITCLI_STORE"):  # nothing is stored: no page store, no frontier
        settings.pop(key, None)
    settings["ITEM_PIPELINES"] = {}
    settings["CONCURRENT_REQUESTS"] = min(options.concurrency, 2)  # a few pages: one or two at a time
    result = Fetched([], [])
    process = CrawlerProcess(settings)
    process.crawl(SiteListSpider, start_url=start_url, follow=follow, max_pages=max_pages, result=result)
    process.start()
    return result
