"""The worker's item pipeline: a response's effects are held until its acknowledgement, then committed with
its lease in one script (exactly once, see spiders.distributed)."""

from __future__ import annotations

import logging
from typing import Any

import scrapy

from spiders.distributed.codec import encode_item, encode_request
from spiders.distributed.jobstate import request_id

log = logging.getLogger("auditcli.distributed")


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
