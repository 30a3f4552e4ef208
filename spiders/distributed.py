"""The distributed crawl on scrapy-redis: any number of workers share one frontier, one dupefilter and
global politeness through one Redis server; a coordinator seeds the job and gathers what they fetch.

Keys of a job live under ``auditcli:<job>:``:

- ``queue`` (sorted set, by priority) of request ids; ``requests``/``scores``/``sites`` (hashes) their
  serialised Scrapy request, priority and site. The scheduler is scrapy-redis's, with a reliable queue:
  a pop moves the id into ``leases`` (sorted set, by deadline) owned by the worker (``owners``), and
  the worker renews its leases while it works on them. A lease that runs out (the worker died, or its
  machine did) puts the request back into ``queue``: nothing in flight is lost.
- ``seen:<site>`` (set): the dupefilter, per site (two sites may fetch one URL, e.g. their host's home
  page); ``budget:<site>`` (hash) the --max-pages counters; ``index:<site>`` and ``aliases:<site>``
  the rest of the spider's per-site state. ``done`` (set): request ids answered.
- ``items`` (list): what workers fetched (pages, links, skipped URLs), for the coordinator to write
  into the one page store. Redis only holds what the coordinator has not drained yet.
- ``inflight`` (hash): requests queued or leased per site; a site is crawled when its count is 0.

Exactly once: everything a response leads to (its items, the URLs it claims, the requests it
queues, the --max-pages budget it spends) is applied in one Lua script together with the
acknowledgement of its lease, and only by the lease's owner. A worker killed before that leaves no
trace; its request is fetched again by another worker.

Politeness across workers: a Redis slot per host:port and per IP address (sorted sets of holders
with an expiry, so a dead worker's slots free themselves) and the minimum interval between two
requests to one host (--delay) are taken in one script before each download. robots.txt is fetched
once per host for the job (the first worker that needs it; the others read Redis's copy) and obeyed
by every worker.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import pickle
import socket
import time
import uuid
import zlib
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import redis
import scrapy
from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from scrapy_redis.queue import Base as RedisQueueBase
from scrapy_redis.scheduler import Scheduler as RedisScheduler
from twisted.internet import task
from twisted.python.failure import Failure

from auditcli.core.models import SiteConfig
from auditcli.core.urls import normalise_url
from auditcli.stores.pagestore import PageStore
from spiders.middlewares import PerIPConcurrencyMiddleware
from spiders.options import CrawlOptions
from spiders.pipelines import store_item
from spiders.portal import PortalSpider, _SiteState
from spiders.settings import scrapy_settings

log = logging.getLogger("auditcli.distributed")

DEFAULT_JOB = "auditcli"
DEFAULT_LEASE = 60.0  # seconds a popped request stays with its worker without a renewal


def prefix(job: str) -> str:
    return f"auditcli:{job}:"


def request_id(site_id: str, method: str, url: str) -> str:
    return hashlib.sha1(f"{site_id}\0{method}\0{url}".encode()).hexdigest()


def connect(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10, health_check_interval=30)


# -- Lua: every change of shared state is one atomic script --------------------------------------------
_NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) + tonumber(t[2]) / 1000000\n"

_ENQUEUE = """
local function enqueue(p, id, site, score, data)
  if redis.call('SISMEMBER', p..'done', id) == 1 or redis.call('HEXISTS', p..'requests', id) == 1 then return 0 end
  redis.call('HSET', p..'requests', id, data)
  redis.call('HSET', p..'sites', id, site)
  redis.call('HSET', p..'scores', id, score)
  redis.call('ZADD', p..'queue', score, id)
  redis.call('HINCRBY', p..'inflight', site, 1)
  redis.call('HINCRBY', p..'inflight', '_total', 1)
  return 1
end
"""

# ARGV: prefix, id, site, score, data
SEED = _ENQUEUE + "return enqueue(ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5])"

# ARGV: prefix, owner, lease seconds, count -> {id, data, id, data, ...}
POP = _NOW + """
local p = ARGV[1]
local got = redis.call('ZPOPMIN', p..'queue', tonumber(ARGV[4]))
local out = {}
for i = 1, #got, 2 do
  local id = got[i]
  redis.call('ZADD', p..'leases', now + tonumber(ARGV[3]), id)
  redis.call('HSET', p..'owners', id, ARGV[2])
  out[#out + 1] = id
  out[#out + 1] = redis.call('HGET', p..'requests', id)
end
return out
"""

# ARGV: prefix, owner, lease seconds, ids...
RENEW = _NOW + """
local p = ARGV[1]
local renewed = 0
for i = 4, #ARGV do
  if redis.call('HGET', p..'owners', ARGV[i]) == ARGV[2] then
    redis.call('ZADD', p..'leases', 'XX', now + tonumber(ARGV[3]), ARGV[i])
    renewed = renewed + 1
  end
end
return renewed
"""

# ARGV: prefix -> number of requests put back
REAP = _NOW + """
local p = ARGV[1]
local ids = redis.call('ZRANGEBYSCORE', p..'leases', '-inf', now)
for _, id in ipairs(ids) do
  redis.call('ZREM', p..'leases', id)
  redis.call('HDEL', p..'owners', id)
  redis.call('ZADD', p..'queue', tonumber(redis.call('HGET', p..'scores', id) or '0'), id)
end
return #ids
"""

# ARGV: prefix, lease id, owner, site of the answered request, plan (JSON), blobs...
# A plan is a list of steps: {t="item", b=i} pushes blob i to `items`; {t="req", id, site, score, b} queues
# a request (once ever); {t="claim", site, url, budget, cap, ok={...}, over={...}} takes a URL for a site
# once, then runs `ok`, or `over` when the site's budget is spent.
COMMIT = _ENQUEUE + """
local p, lease, owner, site = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if redis.call('HGET', p..'owners', lease) ~= owner then return 0 end
local run
local function step(s)
  if s.t == 'item' then
    redis.call('RPUSH', p..'items', ARGV[s.b])
  elseif s.t == 'req' then
    enqueue(p, s.id, s.site, s.score, ARGV[s.b])
  elseif s.t == 'claim' then
    if redis.call('SADD', p..'seen:'..s.site, s.url) == 1 then
      if s.budget ~= '' then
        local used = tonumber(redis.call('HGET', p..'budget:'..s.site, s.budget) or '0')
        if used >= s.cap then run(s.over) return end
        redis.call('HINCRBY', p..'budget:'..s.site, s.budget, 1)
      end
      run(s.ok)
    end
  end
end
run = function(steps) for _, s in ipairs(steps) do step(s) end end
run(cjson.decode(ARGV[5]))
redis.call('ZREM', p..'leases', lease)
redis.call('HDEL', p..'owners', lease)
redis.call('HDEL', p..'requests', lease)
redis.call('HDEL', p..'scores', lease)
redis.call('HDEL', p..'sites', lease)
redis.call('SADD', p..'done', lease)
redis.call('HINCRBY', p..'inflight', site, -1)
redis.call('HINCRBY', p..'inflight', '_total', -1)
return 1
"""

# ARGV: prefix, host, ip, holder, per host, per ip, delay, hold seconds -> 0 (go) or milliseconds to wait
ACQUIRE = _NOW + """
local p = ARGV[1]
local hk, ik, nk = p..'slots:host:'..ARGV[2], p..'slots:ip:'..ARGV[3], p..'next:'..ARGV[2]
redis.call('ZREMRANGEBYSCORE', hk, '-inf', now)
redis.call('ZREMRANGEBYSCORE', ik, '-inf', now)
if redis.call('ZCARD', hk) >= tonumber(ARGV[5]) or redis.call('ZCARD', ik) >= tonumber(ARGV[6]) then return 25 end
local next_at = tonumber(redis.call('GET', nk) or '0')
if next_at > now then return math.max(1, math.ceil((next_at - now) * 1000)) end
local hold = now + tonumber(ARGV[8])
redis.call('ZADD', hk, hold, ARGV[4])
redis.call('ZADD', ik, hold, ARGV[4])
redis.call('SET', nk, tostring(now + tonumber(ARGV[7])), 'EX', 3600)
return 0
"""


class Job:
    """A distributed crawl job in Redis: what the coordinator writes and the workers read."""

    def __init__(self, server: redis.Redis, name: str = DEFAULT_JOB, url: str | None = None):
        self.server = server
        self.url = url
        self._async: Any = None
        self.name = name
        self.p = prefix(name)
        self.seed_script = server.register_script(SEED)
        self.reap_script = server.register_script(REAP)

    def key(self, name: str) -> str:
        return self.p + name

    def aio(self) -> Any:
        """An asyncio client on the crawler's event loop: slot takes and commits then wait for Redis
        without stalling the downloads and parses in flight (made on first use, inside the loop)."""
        if self._async is None:
            import redis.asyncio

            self._async = redis.asyncio.Redis.from_url(self.url, socket_timeout=30, socket_connect_timeout=10)
        return self._async

    def meta(self) -> dict[str, Any] | None:
        raw = self.server.get(self.key("meta"))
        return json.loads(raw) if raw else None

    def state(self) -> str | None:
        raw = self.server.get(self.key("state"))
        return raw.decode() if raw else None

    def clear(self) -> None:
        keys = list(self.server.scan_iter(match=self.p + "*", count=1000))
        for start in range(0, len(keys), 500):
            self.server.delete(*keys[start:start + 500])

    def create(self, sites: list[SiteConfig], options: CrawlOptions, lease: float) -> None:
        meta = {"sites": [site.to_dict() for site in sites], "options": options.to_dict(), "lease": lease,
                "created": time.time()}
        self.server.set(self.key("meta"), json.dumps(meta, ensure_ascii=False))
        self.server.set(self.key("state"), "crawling")

    def seed(self, spider: PortalSpider, site_ids: list[str]) -> int:
        """Queue these sites' first requests (once: seeding again is harmless)."""
        queued = 0
        for site_id in site_ids:
            state = spider.states[site_id]
            self.server.sadd(self.key("seeded"), site_id)
            for request in spider.start_requests_of(state):
                meta = request.meta
                self.server.sadd(self.key(f"seen:{meta['site_id']}"), request.url)
                queued += self.seed_script(args=[self.p, request_id(meta["site_id"], request.method, request.url),
                                                 meta["site_id"], -request.priority, encode_request(request, spider)])
            self.server.hset(self.key(f"budget:{state.config.id}"), "page", state.pages_scheduled)
        return queued

    def seeded(self) -> set[str]:
        return {site_id.decode() for site_id in self.server.smembers(self.key("seeded"))}

    def reap(self) -> int:
        return int(self.reap_script(args=[self.p]))

    def inflight(self) -> dict[str, int]:
        return {k.decode(): int(v) for k, v in self.server.hgetall(self.key("inflight")).items()}

    def drain(self, write: Callable[[list[dict[str, Any]]], None], limit: int = 500) -> int:
        """Hand what workers fetched to `write` (which must make it durable), then drop it from Redis:
        a coordinator that dies in between writes it again on --resume (the page store's writes are
        idempotent), never loses it."""
        done = 0
        while blobs := self.server.lrange(self.key("items"), 0, limit - 1):
            write([decode_item(blob) for blob in blobs])
            self.server.ltrim(self.key("items"), len(blobs), -1)
            done += len(blobs)
        return done

    def finish(self) -> None:
        self.server.set(self.key("state"), "done")


def encode_request(request: scrapy.Request, spider: scrapy.Spider | None = None) -> bytes:
    """The portal spider's requests are all alike (callback parse, errback failed, not filtered): only
    what differs is kept, which is smaller and quicker than Scrapy's request_to_dict."""
    headers = {k.decode("latin-1"): [v.decode("latin-1") for v in vs] for k, vs in request.headers.items()}
    meta = {k: v for k, v in request.meta.items() if not k.startswith("_") and k in _KEPT_META}
    return pickle.dumps((request.url, request.method, request.priority, headers, meta), protocol=5)


_KEPT_META = {"site_id", "depth", "kind", "referrer", "language_base", "download_slot", "aliases", "query_hops"}


def decode_request(data: bytes, spider: PortalSpider) -> scrapy.Request:
    url, method, priority, headers, meta = pickle.loads(data)
    return scrapy.Request(url, method=method, priority=priority, headers=headers, meta=meta,
                          callback=spider.parse, errback=spider.failed, dont_filter=True)


def encode_item(item: dict[str, Any]) -> bytes:
    return zlib.compress(pickle.dumps(item, protocol=5), 3)


def decode_item(blob: bytes) -> dict[str, Any]:
    return pickle.loads(zlib.decompress(blob))


# -- the worker's spider -------------------------------------------------------------------------------
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
               "cap": self.budget_cap, "ok": list(ok()), "over": list(over())}

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
    are committed with its lease (see the module's docstring)."""

    name = "portal"

    def __init__(self, sites: list[SiteConfig], options: CrawlOptions, job: Job, **kwargs: Any):
        self.job = job
        super().__init__(sites, options, **kwargs)

    def site_state(self, site: SiteConfig) -> _SiteState:
        state = _SharedSiteState(site, self.job)
        state.budget_cap = self.options.max_pages
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


# -- scrapy-redis scheduler with a reliable queue ------------------------------------------------------
class LeaseQueue(RedisQueueBase):
    """scrapy-redis queue whose pop leases the request instead of deleting it (see module docstring)."""

    def __init__(self, server, spider, key, serializer=None):
        super().__init__(server, spider, key, serializer)
        self.job: Job = spider.job
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.lease = float(spider.settings.getfloat("AUDITCLI_LEASE", DEFAULT_LEASE))
        self.held: set[str] = set()
        self.popped: deque[scrapy.Request] = deque()  # leased, not handed to the engine yet
        self._pop = server.register_script(POP)
        self._renew = server.register_script(RENEW)
        self._commit: Any = None

    def __len__(self) -> int:
        return len(self.popped) + self.server.zcard(self.job.key("queue"))

    def push(self, request: scrapy.Request) -> None:
        site_id = request.meta["site_id"]
        self.job.seed_script(args=[self.job.p, request_id(site_id, request.method, request.url), site_id,
                                   -request.priority, encode_request(request, self.spider)])

    BATCH = 4  # requests leased per round trip

    def pop(self, timeout: float = 0) -> scrapy.Request | None:
        if not self.popped:
            got = self._pop(args=[self.job.p, self.owner, self.lease, self.BATCH])
            for k in range(0, len(got), 2):
                lease = got[k].decode()
                self.held.add(lease)
                request = decode_request(got[k + 1], self.spider)
                request.meta["_lease"] = lease
                self.popped.append(request)
        return self.popped.popleft() if self.popped else None

    def renew(self) -> None:
        if self.held:
            self._renew(args=[self.job.p, self.owner, self.lease, *self.held])

    async def commit(self, lease: str, site_id: str, steps: list[dict[str, Any]], blobs: list[bytes]) -> bool:
        if self._commit is None:
            self._commit = self.job.aio().register_script(COMMIT)
        done = await self._commit(args=[self.job.p, lease, self.owner, site_id, json.dumps(steps), *blobs])
        self.held.discard(lease)
        return bool(done)

    def clear(self) -> None:  # the queue belongs to the job, not to one worker
        pass


class LeaseScheduler(RedisScheduler):
    """scrapy-redis's scheduler over the leased queue. Requests that continue a leased one (a retry, a
    redirect) stay with this worker under the same lease; new ones go to the shared queue, once."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.local: deque[scrapy.Request] = deque()

    def open(self, spider) -> None:
        super().open(spider)
        spider.lease_queue = self.queue
        self.loops = [task.LoopingCall(self._upkeep), task.LoopingCall(self._nudge)]
        self.loops[0].start(max(0.5, self.queue.lease / 4), now=False)
        self.loops[1].start(0.5, now=False)

    def close(self, reason) -> None:
        for loop in self.loops:
            if loop.running:
                loop.stop()

    def _upkeep(self) -> None:
        try:
            self.queue.renew()
            self.queue.job.reap()
        except redis.RedisError as exc:
            log.warning("lease upkeep failed: %s", exc)

    def _nudge(self) -> None:
        """Look at the shared queue every half second: work appears there as other workers find links."""
        engine = getattr(self.spider.crawler, "engine", None)
        slot = getattr(engine, "_slot", None)
        if slot is not None:
            slot.nextcall.schedule()

    def enqueue_request(self, request: scrapy.Request) -> bool:
        if "_lease" in request.meta:
            self.local.append(request)
        else:
            self.queue.push(request)
        return True

    def next_request(self) -> scrapy.Request | None:
        if self.local:
            return self.local.popleft()
        return self.queue.pop()

    def has_pending_requests(self) -> bool:
        return bool(self.local) or len(self) > 0


# -- the worker's item pipeline: a response's effects, committed with its lease -------------------------
class CommitPipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.pending: dict[str, list[dict[str, Any]]] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_item(self, item: dict[str, Any], spider=None) -> dict[str, Any]:
        spider = self.crawler.spider
        lease = item.pop("_lease")
        if item["type"] != "ack":
            self.pending.setdefault(lease, []).append(item)
            return {"type": item["type"]}
        blobs: list[bytes] = []
        steps = [self._step(output, spider, blobs) for output in self.pending.pop(lease, [])]
        if not await spider.lease_queue.commit(lease, item["site_id"], steps, blobs):
            log.warning("lease %s was lost before its commit: another worker fetches it again", lease)
        return {"type": "ack"}

    def _step(self, output: Any, spider, blobs: list[bytes]) -> dict[str, Any]:
        blobs.append(b"")
        index = len(blobs) + 5  # ARGV index of the blob (ARGV[1..5] are the script's own)
        if isinstance(output, scrapy.Request):
            site_id = output.meta["site_id"]
            blobs[-1] = encode_request(output, spider)
            return {"t": "req", "id": request_id(site_id, output.method, output.url), "site": site_id,
                    "score": -output.priority, "b": index}
        if output["type"] == "claim":
            blobs.pop()
            return {"t": "claim", "site": output["site_id"], "url": output["url"], "budget": output["budget"],
                    "cap": output["cap"], "ok": [self._step(o, spider, blobs) for o in output["ok"]],
                    "over": [self._step(o, spider, blobs) for o in output["over"]]}
        blobs[-1] = encode_item({k: v for k, v in output.items() if k != "_lease"})
        return {"t": "item", "b": index}


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


# -- running a worker, and the coordinator's side -------------------------------------------------------
def worker_settings(redis_url: str, job: str, options: CrawlOptions, lease: float, verbose: bool) -> dict[str, Any]:
    settings = scrapy_settings(options, Path("unused"), None, verbose)
    settings.update({
        "JOBDIR": None,
        "SCHEDULER": "spiders.distributed.LeaseScheduler",
        "SCHEDULER_QUEUE_CLASS": "spiders.distributed.LeaseQueue",
        "SCHEDULER_QUEUE_KEY": prefix(job) + "queue",
        "SCHEDULER_PERSIST": True,
        # scrapy-redis's own (request-fingerprint) dupefilter is built but never asked: the dupefilter of a
        # job is the per-site `seen:<site>` set, consulted in each response's commit
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "DUPEFILTER_KEY": prefix(job) + "rfp",
        "REDIS_URL": redis_url,
        "ITEM_PIPELINES": {"spiders.distributed.CommitPipeline": 100},
        "DOWNLOADER_MIDDLEWARES": {"spiders.distributed.GlobalPolitenessMiddleware": 990,
                                   "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
                                   "spiders.distributed.SharedRobotsTxtMiddleware": 100},
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


def redact(url: str) -> str:
    parts = urlsplit(url)
    return url.replace(parts.password, "***") if parts.password else url


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
