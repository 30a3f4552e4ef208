"""`auditcli worker`: a Scrapy process that works on a job until it is done, with the distributed
scheduler, pipeline and middlewares in its settings."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess

from auditcli.core.models import SiteConfig
from auditcli.core.urls import redact
from spiders.distributed.jobstate import DEFAULT_JOB, Job, connect, prefix
from spiders.distributed.spider import DistributedPortalSpider
from spiders.options import CrawlOptions
from spiders.settings import scrapy_settings


def worker_settings(redis_url: str, job: str, options: CrawlOptions, lease: float, verbose: bool) -> dict[str, Any]:
    settings = scrapy_settings(options, Path("unused"), None, verbose)
    settings.update({
        "JOBDIR": None,
        "SCHEDULER": "spiders.distributed.scheduler.LeaseScheduler",
        "SCHEDULER_QUEUE_CLASS": "spiders.distributed.scheduler.LeaseQueue",
        "SCHEDULER_QUEUE_KEY": prefix(job) + "queue",
        "SCHEDULER_PERSIST": True,
        # scrapy-redis's own (request-fingerprint) dupefilter is built but never asked: the dupefilter of a
        # job is the per-site `seen:<site>` set, consulted in each response's commit
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "DUPEFILTER_KEY": prefix(job) + "rfp",
        "REDIS_URL": redis_url,
        "ITEM_PIPELINES": {"spiders.distributed.pipeline.CommitPipeline": 100},
        "DOWNLOADER_MIDDLEWARES": {"spiders.distributed.middlewares.GlobalPolitenessMiddleware": 990,
                                   "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
                                   "spiders.distributed.middlewares.SharedRobotsTxtMiddleware": 100},
        # the interval between two requests to one host is kept in Redis, for all workers at once
        "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "AUDITCLI_DELAY": options.delay,
        "AUDITCLI_LEASE": lease,
    })
    return settings


def run_worker(redis_url: str, job_name: str = DEFAULT_JOB, wait: float = 60.0, verbose: bool = False,
               outcome: dict[str, Any] | None = None) -> int:
    """Work on the job until it is done: returns the number of responses this worker handled (and
    Scrapy's finish reason in `outcome`: "finished", or "shutdown" when stopped with Ctrl-C).
    Waits up to `wait` seconds for the job to be created; raises LookupError when it is not."""
    server = connect(redis_url)
    server.ping()
    job = Job(server, job_name, redis_url)
    deadline = time.monotonic() + wait
    while (meta := job.meta()) is None or job.state() != "crawling":
        if time.monotonic() > deadline:
            raise LookupError(f"no crawl job {job_name!r} in {redact(redis_url)} (start `auditcli audit --redis` first)")
        time.sleep(0.2)
    sites = [SiteConfig.from_dict(site) for site in meta["sites"]]
    options = CrawlOptions(**meta["options"])
    process = CrawlerProcess(worker_settings(redis_url, job_name, options, float(meta["lease"]), verbose))
    crawler = process.create_crawler(DistributedPortalSpider)
    process.crawl(crawler, sites=sites, options=options, job=job)
    process.start()
    if outcome is not None and crawler.stats:
        outcome["reason"] = crawler.stats.get_value("finish_reason")
    return int(crawler.stats.get_value("response_received_count", 0)) if crawler.stats else 0
