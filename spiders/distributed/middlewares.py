"""The worker's downloader middlewares that act for the whole job: robots.txt fetched once per host, and
politeness (concurrency per host and per IP, --delay) counted across every worker."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet import task

from spiders.distributed.jobstate import ACQUIRE, Job
from spiders.middlewares import PerIPConcurrencyMiddleware


# -- robots.txt, fetched once per job ------------------------------------------------------------------
class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, with each host's robots.txt shared through Redis (`robots` hash):
    the first worker that needs it fetches it, the others parse the stored copy. A failed fetch is not
    shared (Scrapy then allows the host for that worker, and another worker may fetch it again)."""

    async def robot_parser(self, request: scrapy.Request):
        netloc = urlparse_cached(request).netloc
        if netloc not in self._parsers:
            job: Job = self.crawler.spider.job
            body = await job.aio().hget(job.key("robots"), netloc)
            if body is not None and netloc not in self._parsers:
                self._parsers[netloc] = build_from_crawler(self._parserimpl, self.crawler, body)
                self.crawler.stats.inc_value("robotstxt/shared")
        return await super().robot_parser(request)

    async def _parse_robots(self, response: Response, netloc: str, request: scrapy.Request) -> None:
        await super()._parse_robots(response, netloc, request)
        job: Job = self.crawler.spider.job
        await job.aio().hsetnx(job.key("robots"), netloc, response.body)


# -- global politeness ---------------------------------------------------------------------------------
class GlobalPolitenessMiddleware(PerIPConcurrencyMiddleware):
    """Per host:port and per IP concurrency, and the interval between two requests to one host, across
    every worker of the job (Redis slots that expire, so a dead worker never holds one for long)."""

    def __init__(self, crawler):
        settings = crawler.settings
        super().__init__(settings.getint("AUDITCLI_PER_IP", 4))
        self.crawler = crawler
        self.per_host = settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN", 2)
        self.delay = settings.getfloat("AUDITCLI_DELAY", 0.0)
        self.hold = settings.getfloat("DOWNLOAD_TIMEOUT", 15) + 5
        self._acquire: Any = None
        self._releases: set[asyncio.Future] = set()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_request(self, request: scrapy.Request) -> None:
        job: Job = self.crawler.spider.job
        if self._acquire is None:
            self._acquire = job.aio().register_script(ACQUIRE)
        netloc = urlsplit(request.url).netloc.lower()
        ip = await self._resolve(urlsplit(request.url).hostname or "")
        holder = uuid.uuid4().hex
        while True:
            wait = int(await self._acquire(args=[job.p, netloc, ip, holder, self.per_host, self.limit, self.delay,
                                                 self.hold]))
            if wait == 0:
                break
            # not at import time: Scrapy installs the reactor it wants first
            from twisted.internet import reactor

            await maybe_deferred_to_future(task.deferLater(reactor, wait / 1000, lambda: None))
        request.meta["_auditcli_slot"] = (netloc, ip, holder)

    def _release(self, request: scrapy.Request) -> None:
        slot = request.meta.pop("_auditcli_slot", None)
        if slot is not None:
            job: Job = self.crawler.spider.job
            netloc, ip, holder = slot
            pipe = job.aio().pipeline(transaction=False)
            pipe.zrem(job.key(f"slots:host:{netloc}"), holder)
            pipe.zrem(job.key(f"slots:ip:{ip}"), holder)
            # not awaited: the response goes on at once, the slot is free a round trip later
            task = asyncio.ensure_future(pipe.execute())
            self._releases.add(task)
            task.add_done_callback(self._releases.discard)
