"""scrapy-redis's scheduler over a reliable queue: a pop leases the request instead of deleting it, so a
worker that dies loses nothing (see spiders.distributed)."""

from __future__ import annotations

import json
import logging
import os
import socket
import uuid
from collections import deque
from typing import Any

import redis
import scrapy
from scrapy_redis.queue import Base as RedisQueueBase
from scrapy_redis.scheduler import Scheduler as RedisScheduler
from twisted.internet import task

from spiders.distributed.codec import decode_request, encode_request
from spiders.distributed.jobstate import COMMIT, DEFAULT_LEASE, POP, RENEW, Job, request_id

log = logging.getLogger("auditcli.distributed")


class LeaseQueue(RedisQueueBase):
    """scrapy-redis queue whose pop leases the request instead of deleting it (see spiders.distributed)."""

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
