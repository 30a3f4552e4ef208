"""A bare Scrapy CrawlSpider over the same sites: the baseline auditcli's crawler is measured against.

Same politeness settings (robots, AutoThrottle, per-host concurrency), same scope (each site's URL
prefix), but no page store, no link records and no not-scanned bookkeeping.
Run: python benchmarks/bare_spider.py SITES.yaml MAX_PAGES
"""

from __future__ import annotations

import re
import resource
import sys
import time

from scrapy.crawler import CrawlerProcess
from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import CrawlSpider, Rule

from auditcli.app.config import load_targets


def main() -> None:
    config = load_targets([sys.argv[1]])
    max_pages = int(sys.argv[2]) * len(config.sites)
    prefixes = [re.escape(site.scope_prefix) for site in config.sites]

    class BareSpider(CrawlSpider):
        name = "bare"
        start_urls = [site.url for site in config.sites]
        rules = (Rule(LinkExtractor(allow=prefixes), follow=True),)

    process = CrawlerProcess({
        "LOG_ENABLED": False, "ROBOTSTXT_OBEY": True, "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": 0.01, "DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 4, "CLOSESPIDER_PAGECOUNT": max_pages, "DEPTH_LIMIT": 4,
        "TELNETCONSOLE_ENABLED": False, "REMOTE_CONTROL_ENABLED": False, "DOWNLOAD_TIMEOUT": 3,
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
