"""The portal spider as a worker: its requests come from and go to the job's queue, and its per-site state
(dupefilter, page budget, index digests, aliases) is shared through Redis so that every worker sees one."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from auditcli.core.models import SiteConfig
from auditcli.core.urls import normalise_url
from spiders.options import CrawlOptions
from spiders.portal import PortalSpider, _SiteState

if TYPE_CHECKING:  # only a type here: the spider is handed its job
    from spiders.distributed.jobstate import Job


class _SharedSiteState(_SiteState):
    """A site's crawl state kept in Redis, so that every worker sees one: claims are made at commit."""

    def __init__(self, config: SiteConfig, job: Job):
        super().__init__(config)
        self.job = job
        self.known_urls: set[str] = set()
        self._aliases = set(config.aliases)

    def learn_aliases(self, aliases: list[str] | None) -> None:
        """Hosts the site's start page redirected to travel in the meta of every request made after that
        (see DistributedPortalSpider._request), so a worker learns them with the first such page it gets."""
        if aliases and not set(aliases) <= self._aliases:
            self._aliases |= set(aliases)
            self.config = replace(self.config, aliases=tuple(sorted(self._aliases)))

    def prefetch(self, urls: list[str]) -> None:
        urls = list(dict.fromkeys(urls))
        if not urls:
            self.known_urls = set()
            return
        flags = self.job.server.smismember(self.job.key(f"seen:{self.config.id}"), urls)
        self.known_urls = {url for url, flag in zip(urls, flags, strict=True) if flag}

    def known(self, url: str) -> bool:
        return url in self.known_urls

    def claim(self, url: str, budget: str | None, ok: Callable[[], list[Any]],
              over: Callable[[], list[Any]] = list) -> Iterator[Any]:
        self.known_urls.add(url)  # once per response, as the local spider; Redis decides at commit
        yield {"type": "claim", "site_id": self.config.id, "url": url, "budget": budget or "",
               "cap": self.cap(budget) if budget else 0, "ok": list(ok()), "over": list(over())}

    def is_duplicate_index(self, url: str, body: bytes) -> bool:
        key = normalise_url(url)
        if key == url and not url.endswith("/"):
            return False
        value = hashlib.sha1(body).hexdigest() + " " + url
        field = self.job.key(f"index:{self.config.id}")
        if self.job.server.hsetnx(field, key, value):
            return False
        first = (self.job.server.hget(field, key) or b"").decode()
        digest, _, first_url = first.partition(" ")
        return digest == value.split(" ")[0] and first_url != url


class DistributedPortalSpider(PortalSpider):
    """The portal spider as a worker: requests come from and go to Redis, and each response's effects
    are committed with its lease (see spiders.distributed)."""

    name = "portal"

    def __init__(self, sites: list[SiteConfig], options: CrawlOptions, job: Job, **kwargs: Any):
        self.job = job
        super().__init__(sites, options, **kwargs)

    def site_state(self, site: SiteConfig) -> _SiteState:
        state = _SharedSiteState(site, self.job)
        state.budget_cap = self.options.max_pages
        state.resource_cap = self.options.max_resources
        return state

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        return spider

    async def start(self):  # the coordinator seeds; workers only take from the shared queue
        return
        yield

    def _idle(self) -> None:
        if self.job.state() == "crawling":  # done, or the job was cleared: this worker's work is over
            raise DontCloseSpider

    def _request(self, site_id: str, url: str, **kwargs: Any) -> scrapy.Request:
        request = super()._request(site_id, url, **kwargs)
        aliases = self.states[site_id].config.aliases
        if aliases:
            request.meta["aliases"] = list(aliases)
        return request

    def parse(self, response: Response) -> Iterator[Any]:
        lease = response.meta["_lease"]
        state = self.states[response.meta["site_id"]]
        if isinstance(state, _SharedSiteState):
            state.learn_aliases(response.meta.get("aliases"))
        for output in self._parse(response):
            yield _tag(output, lease)
        yield {"type": "ack", "_lease": lease, "site_id": response.meta["site_id"]}

    def failed(self, failure: Failure) -> Iterator[Any]:
        lease = failure.request.meta["_lease"]
        state = self.states[failure.request.meta["site_id"]]
        if isinstance(state, _SharedSiteState):
            state.learn_aliases(failure.request.meta.get("aliases"))
        for output in self._failed(failure):
            yield _tag(output, lease)
        yield {"type": "ack", "_lease": lease, "site_id": failure.request.meta["site_id"]}


def _tag(output: Any, lease: str) -> Any:
    if isinstance(output, dict):
        output["_lease"] = lease
    else:  # a request made outside a claim (an attachment asked again with GET): queued once, by id
        output.meta["_queue_once"] = True
    return output
