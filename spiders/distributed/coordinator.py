"""The coordinator's side of a distributed crawl: it seeds the job and writes what the workers fetch
into the one page store (workers keep no store of their own)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from auditcli.core.models import SiteConfig
from auditcli.stores.pagestore import PageStore
from spiders.distributed.jobstate import DEFAULT_LEASE, Job, connect
from spiders.distributed.spider import DistributedPortalSpider
from spiders.options import CrawlOptions
from spiders.pipelines import store_item

log = logging.getLogger("auditcli.distributed")


def coordinate(redis_url: str, job_name: str, sites: list[SiteConfig], options: CrawlOptions, store_path: Path,
               *, lease: float = DEFAULT_LEASE, resume: bool = False, site_done: Callable[[str], None] | None = None,
               progress: Callable | None = None, poll: float = 0.2) -> None:
    """Create and seed the job (unless resuming one), then write what the workers fetch into the page store
    until every request is answered; hand each site over as soon as its own requests are all answered."""
    server = connect(redis_url)
    server.ping()
    job = Job(server, job_name, redis_url)
    spider = DistributedPortalSpider(sites, options, job)
    if not (resume and job.meta()):
        job.clear()
        job.create(sites, options, lease)
    # sites are seeded in a window (--active-sites; all at once by default, as many hosts as possible in
    # flight for the workers), the next one each time a site is done
    window = options.active_sites or len(sites)
    order = [site.id for site in sites]
    seeded = job.seeded()
    waiting = [site_id for site_id in order if site_id not in seeded]
    store = PageStore(store_path)
    handed: set[str] = set()

    def write(items: list[dict[str, Any]]) -> None:
        for item in items:
            store_item(store, item, progress)
        store.commit()

    said = time.monotonic()
    try:
        while True:
            if time.monotonic() - said > 30:  # a job without workers waits: say so
                said = time.monotonic()
                log.info("job %s: %d requests queued, %d being fetched, %d answered; %d of %d sites done",
                         job_name, server.zcard(job.key("queue")), server.zcard(job.key("leases")),
                         server.scard(job.key("done")), len(handed), len(order))
            before = set(seeded)
            inflight = job.inflight()  # read before draining: every commit it counts is in `items` by now
            job.drain(write)
            for site_id in order:
                if site_id in before and site_id not in handed and inflight.get(site_id, 0) <= 0:
                    handed.add(site_id)
                    if site_done is not None:
                        site_done(site_id)
            starting = []
            while waiting and len(seeded - handed) + len(starting) < window:
                starting.append(waiting.pop(0))
            if starting:
                job.seed(spider, starting)
                seeded.update(starting)
            if not waiting and seeded <= handed:
                break
            job.reap()
            time.sleep(poll)
    finally:
        store.close()
    job.finish()
