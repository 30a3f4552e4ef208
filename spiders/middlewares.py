"""Downloader middlewares: concurrency per resolved IP address; site time budgets; Retry-After; robots.txt.

Per IP:

Scrapy limits concurrency per download slot (one per host by default) and has deprecated its
CONCURRENT_REQUESTS_PER_IP setting. Township and department sites are often virtual hosts on one
county server, so politeness needs a limit per IP *as well as* per host: this middleware holds a
semaphore per IP around each download. It must be the last middleware before the download handler
(highest order number) so that every request that acquires a slot also releases it.
"""

from __future__ import annotations

import email.utils
import time
from datetime import UTC
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet import defer, task

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


# -- reliability and safety (issue 13) ---------------------------------------------------------------

def parse_retry_after(value: str, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After value: delay-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


async def _sleep(seconds: float) -> None:
    from twisted.internet import reactor  # not at import time: Scrapy installs the reactor it wants first

    await maybe_deferred_to_future(task.deferLater(reactor, seconds, lambda: None))


class SiteBudgetMiddleware:
    """Drop the requests of a site whose time budget (--site-budget) is used up.

    The spider keeps each site's clock (started when its first request reaches the downloader);
    a dropped request fails with IgnoreRequest, so the spider lists it as not scanned
    (`site-budget`) and the site is audited on what was fetched.
    """

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        site_id = request.meta.get("site_id")
        spider = self.crawler.spider
        if site_id is None or not hasattr(spider, "budget_left"):
            return None
        left = spider.budget_left(site_id)
        if left <= 0:
            raise IgnoreRequest(f"site budget of {spider.options.site_budget:g} s used up")
        return None


class UnsafeRedirectMiddleware:
    """A redirect (HTTP or meta refresh) to a logout/delete URL is not followed either: the spider
    never links there itself, and this refuses the redirected request (reason `unsafe-link`)."""

    def process_request(self, request: Request) -> None:
        if not request.meta.get("redirect_urls"):
            return None
        from spiders.portal import unsafe_link

        why = unsafe_link(request.url, "")
        if why:
            raise IgnoreRequest(f"unsafe redirect target not followed: {why}")
        return None


class RetryAfterMiddleware:
    """429 and 503 answers with Retry-After (seconds or an HTTP-date) are retried after that wait,
    up to a cap (--max-retry-after) and never past the site's budget; the host's download slot
    waits too. A longer wait is not waited for: the answer stands (not scanned, http-429/http-503)."""

    def __init__(self, crawler, cap: float, max_retries: int):
        self.crawler, self.cap, self.max_retries = crawler, cap, max_retries

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, crawler.settings.getfloat("AUDITCLI_RETRY_AFTER_CAP", 60.0),
                   crawler.settings.getint("AUDITCLI_RETRY_AFTER_TRIES", 2))

    async def process_response(self, request: Request, response: Response) -> Response | Request:
        if response.status not in (429, 503):
            return response
        raw = response.headers.get(b"Retry-After")
        if not raw:
            return response
        delay = parse_retry_after(raw.decode("latin-1"))
        tries = request.meta.get("retry_after_tries", 0)
        spider = self.crawler.spider
        left = spider.budget_left(request.meta["site_id"]) if request.meta.get("site_id") and hasattr(
            spider, "budget_left") else float("inf")
        if delay is None or delay > self.cap or delay >= left or tries >= self.max_retries:
            request.meta["dont_retry"] = True  # an immediate retry would ignore what the server asked
            if delay is None:
                why = f"unreadable Retry-After {raw.decode('latin-1')[:60]!r}"
            elif delay > self.cap:
                why = f"Retry-After {delay:.0f} s is over the cap of {self.cap:g} s"
            elif delay >= left:
                why = f"Retry-After {delay:.0f} s is longer than the site budget left ({max(left, 0):.0f} s)"
            else:
                why = f"still HTTP {response.status} after {tries} waits for Retry-After"
            request.meta["retry_after_refused"] = why
            return response
        self._pause_host(request, delay)
        await _sleep(delay)
        retry = request.replace(dont_filter=True, priority=request.priority + 1)
        retry.meta["retry_after_tries"] = tries + 1
        retry.meta["retry_after_waited"] = request.meta.get("retry_after_waited", 0.0) + delay
        return retry

    def _pause_host(self, request: Request, delay: float) -> None:
        """Hold the host's download slot for the wait, so its other requests wait as well."""
        downloader = getattr(getattr(self.crawler, "engine", None), "downloader", None)
        slot = getattr(downloader, "slots", {}).get(request.meta.get("download_slot")) if downloader else None
        if slot is not None and hasattr(slot, "lastseen"):  # Scrapy's slot clock is time.monotonic()
            slot.lastseen = max(slot.lastseen, time.monotonic() + delay)


class _Unavailable:
    """The robots.txt of a host answered 5xx: RFC 9309 §2.3.1.4 says assume complete disallow."""

    def __init__(self, status: int):
        self.status = status

    def allowed(self, url, user_agent) -> bool:
        return False


class PoliteRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, plus: robots.txt is read up to 512 KiB (a bigger one is not
    parsed: allow, as Scrapy does for a failed download), and a 5xx answer disallows the host
    (reason `robots-unavailable`) instead of being parsed as an empty file."""

    async def process_request(self, request: Request, spider=None) -> None:
        if request.meta.get("dont_obey_robotstxt") and request.url.endswith("/robots.txt"):
            request.meta.setdefault("download_maxsize", self.crawler.settings.getint("AUDITCLI_ROBOTS_MAX", 524288))
            # the host's own politeness slot (host:port, as the spider's requests), so the rate cap covers it
            request.meta.setdefault("download_slot", urlsplit(request.url).netloc.lower())
            return
        await super().process_request(request)

    async def robot_parser(self, request: Request):
        """The host's parser, read from the table once it is settled: Scrapy hands the parser's Deferred
        to every request waiting for robots.txt, and past the first waiter the chain carries None (an
        "allow"), so a third request to a host whose robots.txt was still loading escaped its rules."""
        parser = await super().robot_parser(request)
        settled = self._parsers.get(urlparse_cached(request).netloc, parser)
        return parser if isinstance(settled, defer.Deferred) else settled

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status >= 500:
            deferred = self._parsers[netloc]
            self._parsers[netloc] = _Unavailable(response.status)
            deferred.callback(self._parsers[netloc])
            return
        await super()._parse_robots(response, netloc, request)

    def process_request_2(self, rp, request: Request) -> None:
        if isinstance(rp, _Unavailable):
            raise IgnoreRequest(f"robots.txt unavailable (HTTP {rp.status}): RFC 9309 says assume complete disallow")
        super().process_request_2(rp, request)
