"""Re-audits that fetch only what changed: conditional requests against a previous crawl's page store.

A page the previous crawl stored with a validator (`ETag`, `Last-Modified`) is asked for again with
`If-None-Match` / `If-Modified-Since`. A 304 answer means the server still holds exactly what the
previous crawl stored, so that stored body stands in for the answer (`reuse`): the spider then goes
on as if it had fetched it (its links found and followed, its kind decided, its row written), which is
what makes the re-audit's results equal a full one. Anything doubtful — no stored body to reuse, a
304 for a URL the old store does not hold, a redirect that now ends elsewhere — is asked again in
full (`full_request`): a conditional re-audit may only save bytes, never change a result.

The old store is read one row at a time (no validator table in memory) through a read-only connection.
The links of a reused page are found again from its body, not replayed from the old store's links
table: that table keeps one row per (target, tag) with the first link text and no `hreflang`, and the
crawl's choices (login links by their text, language versions by `hreflang`) read both.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

import scrapy
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes

from auditcli.stores.pagestore import PageStore, StoreError

log = logging.getLogger("auditcli.crawl")

CONDITIONAL = ("If-None-Match", "If-Modified-Since")
# What a 304 cannot tell about the stored body: these stay as the previous crawl stored them.
BODY_HEADERS = frozenset({"content-length", "content-type", "content-encoding", "transfer-encoding",
                          "content-range"})
REVALIDATED = "revalidated"  # the response flag of a stored body standing in for a 304
# Kinds re-fetched conditionally: the ones whose body the crawl keeps (HTML pages; attachments fetched
# whole to be read). Soft-404 probes are meant to miss, HEAD requests carry no body to save.
KINDS = frozenset({"page", "language", "host-home", "service", "duplicate", "attachment"})
# The request meta a full re-request keeps (what the portal spider itself sets).
KEPT_META = ("site_id", "depth", "kind", "referrer", "language_base", "download_slot", "aliases", "query_hops",
             "read", "download_maxsize")


class PreviousCrawls:
    """The previous crawl's store of each site (`CrawlOptions.since`), opened read-only on first use."""

    def __init__(self, since: Mapping[str, str]):
        self.since = dict(since)
        self._stores: dict[str, PageStore | None] = {}

    def _store(self, site_id: str) -> PageStore | None:
        path = self.since.get(site_id) or self.since.get("*")
        if path is None:
            return None
        if path not in self._stores:
            try:
                self._stores[path] = PageStore.open_read_only(Path(path))
            except (StoreError, OSError) as exc:  # gone since: the site is fetched in full, as without it
                log.warning("previous crawl %s not read, fetching in full: %s", path, exc)
                self._stores[path] = None
        return self._stores[path]

    def condition(self, request: scrapy.Request) -> None:
        """Make `request` conditional when the previous crawl stored a body of it with a validator."""
        meta = request.meta
        if request.method != "GET" or meta.get("kind") not in KINDS or meta.get("revalidate") is False:
            return
        if meta.get("kind") == "attachment" and not meta.get("read"):
            return
        store = self._store(meta["site_id"])
        row = store.validators(meta["site_id"], request.url) if store is not None else None
        if row is None:
            return
        final_url, status, _kind, headers, size = row
        if status != 200 or size == 0:
            return  # nothing stored to stand in for the page
        etag, modified = headers.get("etag"), headers.get("last-modified")
        if not (etag or modified):
            return  # a server without validators: a full request, as always
        if etag:
            request.headers["If-None-Match"] = etag
        if modified:
            request.headers["If-Modified-Since"] = modified
        meta["revalidate"] = final_url

    def reuse(self, response: Response) -> Response | None:
        """The stored answer standing in for a 304, or None when there is none to trust (ask in full)."""
        meta = response.meta
        requested = meta.get("redirect_urls", [response.request.url])[0]
        store = self._store(meta["site_id"])
        page = store.fetched(meta["site_id"], requested) if store is not None else None
        if page is None or page.status != 200 or not page.body or page.final_url != response.url:
            log.info("304 for %s, which the previous crawl did not store as %s: fetching it in full",
                     requested, response.url)
            return None
        headers = {name: value for name, value in page.headers.items()}
        for name, values in response.headers.items():  # the 304 updates the stored headers (RFC 9111 §4.3.4)
            key = name.decode("latin-1").lower()
            if key not in BODY_HEADERS:
                headers[key] = b", ".join(values).decode("latin-1")
        fresh = Headers(headers)
        cls = responsetypes.from_args(headers=fresh, url=response.url, body=page.body)
        return cls(url=response.url, status=page.status, headers=fresh, body=page.body, request=response.request,
                   flags=[*response.flags, REVALIDATED], ip_address=response.ip_address,
                   protocol=response.protocol)

    def judgement(self, site_id: str, response: Response) -> bytes | None:
        """What the previous audit's page pass concluded of the page a stored body now stands in for: kept
        with the page, and taken by the next page pass only if it still holds (checks.engine.judged)."""
        store = self._store(site_id)
        requested = response.meta.get("redirect_urls", [response.request.url])[0]
        return store.judgement(site_id, requested) if store is not None else None

    def close(self) -> None:
        for store in self._stores.values():
            if store is not None:
                store.db.close()
        self._stores.clear()


class Throttle(AutoThrottle):
    """Scrapy's AutoThrottle lets only a 200 bring a slot's delay down (error pages answer fast and would
    speed the crawl up), so in a re-audit answered mostly by 304s one slow answer slowed the rest of
    the site for good (a demo-farm re-audit took longer than the first run). A 304 is a full answer."""

    def _adjust_delay(self, slot, latency: float, response: Response) -> None:
        super()._adjust_delay(slot, latency, response.replace(status=200) if response.status == 304 else response)


def full_request(request: scrapy.Request) -> scrapy.Request:
    """`request` asked again without validators (its 304 could not be trusted), from the URL first asked."""
    meta = {key: request.meta[key] for key in KEPT_META if key in request.meta}
    meta["revalidate"] = False
    headers = {k: v for k, v in request.headers.items() if k.decode("latin-1") not in CONDITIONAL}
    url = request.meta.get("redirect_urls", [request.url])[0]
    return request.replace(url=url, headers=headers, meta=meta)


PREVIOUS = "pages.previous.sqlite"  # the previous crawl's store, when the new crawl is written where it was


def set_aside(store_dir: Path, since: Mapping[str, str], resume: bool) -> dict[str, str]:
    """`since` with a previous store that the new crawl is about to replace (the same --out) moved aside
    first, to `pages.previous.sqlite` beside it, until the crawl is done (`drop_set_aside`). A resumed
    crawl goes on with the one set aside when it started; without it, it has no previous store."""
    current = (Path(store_dir) / PageStore.FILENAME).resolve()
    aside = Path(store_dir) / PREVIOUS
    kept: dict[str, str] = {}
    for site_id, path in since.items():
        target = Path(path)
        target = target / PageStore.FILENAME if target.is_dir() else target
        if target.resolve() != current:
            kept[site_id] = str(target)
            continue
        if not resume and current.is_file():
            for suffix in ("", "-wal", "-shm"):  # (SQLite finds its WAL by the database's name)
                source = Path(f"{current}{suffix}")
                if source.exists():
                    source.replace(f"{aside}{suffix}")
        if aside.is_file():
            kept[site_id] = str(aside)
    return kept


def drop_set_aside(store_dir: Path) -> None:
    """The crawl is done: the previous store set aside for it is not needed any more."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{Path(store_dir) / PREVIOUS}{suffix}").unlink(missing_ok=True)
