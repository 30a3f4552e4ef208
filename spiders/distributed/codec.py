"""Requests and items as Redis holds them: compact pickles, so that queueing, leasing and draining stay
cheap at fleet scale."""

from __future__ import annotations

import pickle
import zlib
from typing import Any

import scrapy

from spiders.portal import PortalSpider


def encode_request(request: scrapy.Request, spider: scrapy.Spider | None = None) -> bytes:
    """The portal spider's requests are all alike (callback parse, errback failed, not filtered): only
    what differs is kept, which is smaller and quicker than Scrapy's request_to_dict."""
    headers = {k.decode("latin-1"): [v.decode("latin-1") for v in vs] for k, vs in request.headers.items()}
    meta = {k: v for k, v in request.meta.items() if not k.startswith("_") and k in _KEPT_META}
    return pickle.dumps((request.url, request.method, request.priority, headers, meta), protocol=5)


_KEPT_META = {"site_id", "depth", "kind", "referrer", "language_base", "download_slot", "aliases", "query_hops",
              "read", "download_maxsize"}  # an attachment fetched whole to be read, under its size cap


def decode_request(data: bytes, spider: PortalSpider) -> scrapy.Request:
    url, method, priority, headers, meta = pickle.loads(data)
    return scrapy.Request(url, method=method, priority=priority, headers=headers, meta=meta,
                          callback=spider.parse, errback=spider.failed, dont_filter=True)


def encode_item(item: dict[str, Any]) -> bytes:
    return zlib.compress(pickle.dumps(item, protocol=5), 3)


def decode_item(blob: bytes) -> dict[str, Any]:
    return pickle.loads(zlib.decompress(blob))
