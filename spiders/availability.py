"""`auditcli probe`: one GET of each site's home page, timed, for the week-long availability rule.

Polite by construction: one probe request per site per call (no retry, no redirect followed: an
answer is an answer), never two requests in flight to one host:port (Scrapy's per-slot limit of 1,
the slot being host:port as in the crawl), at most `concurrency` in all and `per_ip` per address,
each site's start jittered over `jitter` seconds so that hourly timers do not all knock at :00, the
project's User-Agent and robots.txt (a home page robots.txt disallows is recorded, not counted).
It runs on the crawl's Scrapy settings (spiders.settings), without page store or frontier.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.python.failure import Failure

from spiders.errors import classify_failure
from spiders.options import CrawlOptions
from spiders.settings import scrapy_settings

NOT_COUNTED = {"robots"}   # robots.txt disallows the home page: the owner asked not to be fetched
# robots-unavailable (robots.txt answers 5xx) counts as a failure: the server is failing.


@dataclass(frozen=True)
class Probe:
    site_id: str
    url: str
    probed_at: datetime
    ok: bool | None
    status: int | None
    seconds: float | None
    outcome: str
    detail: str | None = None


def outcome_of(status: int, seconds: float, limit: float) -> tuple[bool, str]:
    """An answer's verdict: 5xx fails, a probe as long as the limit fails (15 s, the rule's), any other
    status passes: 2xx/3xx answer, and a 4xx is the server answering too (a WAF's 403, a 404 for a
    moved home page): the site is reachable; what it serves is the audit's business, not availability."""
    if status >= 500:
        return False, "http-error"
    if seconds >= limit:
        return False, "too-slow"
    return True, "ok"


class ProbeSpider(scrapy.Spider):
    name = "auditcli-probe"

    def __init__(self, sites: list[tuple[str, str]], limit: float, jitter: float, result: list[Probe],
                 **kwargs: Any):
        super().__init__(**kwargs)
        self.sites, self.limit, self.jitter, self.result = sites, limit, jitter, result

    async def start(self) -> AsyncIterator[Any]:
        from twisted.internet import reactor, task

        offsets = sorted((random.uniform(0, self.jitter) if self.jitter > 0 else 0.0, site_id, url)
                         for site_id, url in self.sites)
        waited = 0.0
        for offset, site_id, url in offsets:
            if offset > waited:
                await maybe_deferred_to_future(task.deferLater(reactor, offset - waited, lambda: None))
                waited = offset
            yield scrapy.Request(url, callback=self.answered, errback=self.failed, dont_filter=True,
                                 meta={"download_slot": urlsplit(url).netloc.lower(), "dont_retry": True,
                                       "dont_redirect": True, "handle_httpstatus_all": True,
                                       "download_timeout": self.limit},
                                 cb_kwargs={"site_id": site_id, "asked": url})

    def answered(self, response: Response, site_id: str, asked: str) -> None:
        seconds = float(response.meta.get("download_latency") or 0.0)
        ok, outcome = outcome_of(response.status, seconds, self.limit)
        detail = response.headers.get(b"Location", b"").decode("latin-1") or None
        self._add(site_id, asked, ok, response.status, seconds, outcome, detail)

    def failed(self, failure: Failure) -> None:
        request = failure.request
        reason, detail = classify_failure(failure)
        seconds = request.meta.get("download_latency")
        ok = None if reason in NOT_COUNTED else False
        self._add(request.cb_kwargs["site_id"], request.cb_kwargs["asked"], ok, None, seconds, reason, detail)

    def _add(self, site_id: str, url: str, ok: bool | None, status: int | None, seconds: float | None,
             outcome: str, detail: str | None) -> None:
        self.result.append(Probe(site_id, url, datetime.now(UTC), ok, status, seconds, outcome, detail))


def probe_sites(sites: list[tuple[str, str]], options: CrawlOptions, limit: float, jitter: float,
                verbose: bool = False) -> list[Probe]:
    """Probe each (site id, home URL) once, in this process (the Twisted reactor runs once)."""
    settings = scrapy_settings(options, store_path=Path("pages.sqlite"), progress=None, verbose=verbose)
    for key in ("JOBDIR", "SCHEDULER_DISK_QUEUE", "AUDITCLI_STORE"):  # nothing is stored but the probes
        settings.pop(key, None)
    middlewares = dict(settings["DOWNLOADER_MIDDLEWARES"])
    for name in ("spiders.middlewares.SiteBudgetMiddleware", "spiders.middlewares.RetryAfterMiddleware"):
        middlewares.pop(name, None)  # no site budget to keep, and a probe is never retried
    settings.update({
        "ITEM_PIPELINES": {},
        "DOWNLOADER_MIDDLEWARES": middlewares,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "AUTOTHROTTLE_ENABLED": False,
        "RETRY_ENABLED": False,
        "REDIRECT_ENABLED": False,
        "COOKIES_ENABLED": False,
        "DOWNLOAD_TIMEOUT": limit,
        "DNS_TIMEOUT": limit,
    })
    result: list[Probe] = []
    process = CrawlerProcess(settings)
    process.crawl(ProbeSpider, sites=sites, limit=limit, jitter=jitter, result=result)
    process.start()
    return result
