"""Downloader middleware that limits concurrency per resolved IP address.

Scrapy limits concurrency per download slot (one per host by default) and has deprecated its
CONCURRENT_REQUESTS_PER_IP setting. Township and department sites are often virtual hosts on one
county server, so politeness needs a limit per IP *as well as* per host: this middleware holds a
semaphore per IP around each download. It must be the last middleware before the download handler
(highest order number) so that every request that acquires a slot also releases it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy import Request
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import defer

from auditcli.core.urls import ip_literal

PER_IP_KEY = "_auditcli_ip_slot"


class PerIPConcurrencyMiddleware:
    def __init__(self, limit: int):
        self.limit = max(1, limit)
        self._ips: dict[str, str] = {}
        self._semaphores: dict[str, defer.DeferredSemaphore] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getint("AUDITCLI_PER_IP", 4))

    async def _resolve(self, host: str) -> str:
        if host not in self._ips:
            if ip_literal(host) is not None:
                self._ips[host] = host
            else:
                # not at import time: Scrapy installs the reactor it wants first
                from twisted.internet import reactor

                try:
                    self._ips[host] = await maybe_deferred_to_future(reactor.resolve(host))
                except Exception:  # unresolvable: the download itself will report it
                    self._ips[host] = host
        return self._ips[host]

    async def process_request(self, request: Request) -> None:
        host = urlsplit(request.url).hostname or ""
        ip = await self._resolve(host)
        semaphore = self._semaphores.setdefault(ip, defer.DeferredSemaphore(self.limit))
        await maybe_deferred_to_future(semaphore.acquire())
        request.meta[PER_IP_KEY] = ip
        request.meta["resolved_ip"] = ip

    def _release(self, request: Request) -> None:
        ip = request.meta.pop(PER_IP_KEY, None)
        if ip is not None:
            self._semaphores[ip].release()

    def process_response(self, request: Request, response: Response) -> Response:
        self._release(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._release(request)
        return None
