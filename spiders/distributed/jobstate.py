"""A crawl job's shared state in Redis: its keys (see spiders.distributed), the Lua scripts that change
them (one atomic script per change, so workers never race) and `Job`, what the coordinator writes and
the workers read."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

import redis

from auditcli.core.models import SiteConfig
from spiders.distributed.codec import decode_item, encode_request
from spiders.options import CrawlOptions
from spiders.portal import PortalSpider

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
            self.server.hset(self.key(f"budget:{state.config.id}"), "page", state.budget_used("page"))
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
