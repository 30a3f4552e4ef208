"""The Scrapy settings of a crawl, read by the single-machine crawl (spiders.run) and the distributed
worker (spiders.distributed.worker): kept apart from both so neither has to import the other for them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from auditcli.core import knowledge
from spiders.options import CrawlOptions, politeness_floor

SAFETY = knowledge.load("crawling")
# Politeness that no flag can lift: a minimum gap between requests to one host, a concurrency ceiling.
MIN_DELAY, MAX_PER_HOST = politeness_floor()


def scrapy_settings(options: CrawlOptions, store_path: Path, progress: Callable | None, verbose: bool = False,
                    site_done: Callable[[str], None] | None = None) -> dict[str, Any]:
    return {
        "BOT_NAME": "auditcli",
        "USER_AGENT": options.user_agent,
        "ROBOTSTXT_OBEY": options.obey_robots,
        "ROBOTSTXT_USER_AGENT": "auditcli",
        "CONCURRENT_REQUESTS": options.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": min(options.per_host, MAX_PER_HOST),
        # items are written synchronously, one after the other: Scrapy's default of 100 concurrent items
        # costs a hundred asyncio tasks per response for nothing
        "CONCURRENT_ITEMS": 1,
        "DOWNLOAD_DELAY": max(options.delay, MIN_DELAY),
        "RANDOMIZE_DOWNLOAD_DELAY": options.delay > MIN_DELAY,  # at the floor, the gap is exact
        "AUTOTHROTTLE_ENABLED": True,
        # AutoThrottle that lets a 304 ease the delay as a 200 does (spiders.revalidate)
        "EXTENSIONS": {"scrapy.extensions.throttle.AutoThrottle": None, "spiders.revalidate.Throttle": 0},
        "AUTOTHROTTLE_START_DELAY": max(options.delay, MIN_DELAY),
        "AUTOTHROTTLE_MAX_DELAY": max(10.0, options.delay * 4),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(options.per_host),
        "DOWNLOAD_TIMEOUT": options.timeout,
        "DNS_TIMEOUT": options.timeout,
        "DOWNLOAD_MAXSIZE": options.max_size,
        "DOWNLOAD_WARNSIZE": 0,
        "RETRY_TIMES": options.retries,
        "RETRY_HTTP_CODES": [502, 503, 504, 522, 524],
        "REDIRECT_MAX_TIMES": 10,
        "HTTPERROR_ALLOW_ALL": True,
        "COOKIES_ENABLED": True,
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "LOG_LEVEL": "INFO" if verbose else "ERROR",
        "LOG_ENABLED": verbose,
        "DEPTH_LIMIT": 0,
        # A permissive client: weak TLS is reported by the TLS checks, it never makes a site unreachable.
        "DOWNLOADER_CLIENT_TLS_METHOD": "TLS",
        "DOWNLOADER_CLIENT_TLS_CIPHERS": "ALL:@SECLEVEL=0",
        "DOWNLOADER_CLIENTCONTEXTFACTORY": "spiders.tlsclient.PermissiveContextFactory",
        "DOWNLOADER_MIDDLEWARES": {
            "spiders.middlewares.SiteBudgetMiddleware": 50,
            "spiders.middlewares.UnsafeRedirectMiddleware": 60,
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "spiders.middlewares.PoliteRobotsTxtMiddleware": 100,
            "spiders.middlewares.RetryAfterMiddleware": 560,   # before RetryMiddleware (550) sees a 429/503
            "spiders.middlewares.PerIPConcurrencyMiddleware": 990,
        },
        "AUDITCLI_RETRY_AFTER_CAP": options.max_retry_after,
        "AUDITCLI_RETRY_AFTER_TRIES": SAFETY["retry_after"]["max_retries"],
        "AUDITCLI_ROBOTS_MAX": SAFETY["robots"]["max_bytes"],
        "ITEM_PIPELINES": {"spiders.pipelines.PageStorePipeline": 100},
        # The frontier lives on disk beside the page store, so memory stays flat however wide a site is.
        "JOBDIR": str(Path(store_path).parent / "frontier"),
        "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
        "AUDITCLI_STORE": str(store_path),
        "AUDITCLI_PER_IP": options.per_ip,
        "AUDITCLI_PROGRESS": progress,
        "AUDITCLI_SITE_DONE": site_done,
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    }
