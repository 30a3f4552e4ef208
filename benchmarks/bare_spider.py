"""A bare Scrapy spider over the same sites: the baseline auditcli's crawler and audit are measured against.

Same politeness settings (robots, AutoThrottle, concurrency per host:port and in total, auditcli's
hard floor of at most 20 requests a second to one host), same scope
(each site's URL prefix) and depth, but no page store, no link records, no not-scanned bookkeeping
and no checks. Links are every href in the markup (so Hanweb's CDATA records are followed too).
Run: python benchmarks/bare_spider.py SITES.yaml MAX_PAGES
"""

from __future__ import annotations

import re
import resource
import sys
import time
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import CrawlerProcess

from auditcli.app.config import load_targets
from spiders.settings import MIN_DELAY

HREF = re.compile(rb"""href\s*=\s*["']([^"'#<>\s]+)""", re.I)


def main() -> None:
    config = load_targets([sys.argv[1]])
    max_pages = int(sys.argv[2]) * len(config.sites)
    prefixes = tuple(site.scope_prefix for site in config.sites)

    class BareSpider(scrapy.Spider):
        name = "bare"

        async def start(self):
            for site in config.sites:
                yield self.request(site.url, 0)

        def request(self, url: str, depth: int) -> scrapy.Request:
            return scrapy.Request(url, callback=self.parse, cb_kwargs={"depth": depth},
                                  meta={"download_slot": urlsplit(url).netloc})

        def parse(self, response, depth: int):
            if depth >= 4 or not hasattr(response, "text"):
                return
            for raw in HREF.findall(response.body):
                url = response.urljoin(raw.decode("latin-1").replace("&amp;", "&"))
                if url.startswith(prefixes):
                    yield self.request(url, depth + 1)

    process = CrawlerProcess({
        "LOG_ENABLED": False, "ROBOTSTXT_OBEY": True, "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": MIN_DELAY, "DOWNLOAD_DELAY": MIN_DELAY, "RANDOMIZE_DOWNLOAD_DELAY": False,
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 4, "AUTOTHROTTLE_TARGET_CONCURRENCY": 4.0,
        "CLOSESPIDER_PAGECOUNT": max_pages, "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False, "DOWNLOAD_TIMEOUT": 5,
    })
    crawler = process.create_crawler(BareSpider)
    started = time.perf_counter()
    process.crawl(crawler)
    process.start()
    seconds = time.perf_counter() - started
    pages = crawler.stats.get_value("response_received_count", 0)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"BARE pages={pages} seconds={seconds:.2f} rss_mb={rss_mb:.1f}")


if __name__ == "__main__":
    main()
