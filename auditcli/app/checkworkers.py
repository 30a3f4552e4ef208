"""Check workers: processes that judge sites beside the crawl, on the cores the crawl leaves free.

A crawl is one process and keeps one core busy; the checks cost about as much CPU again. With many
sites crawled at once (the politeness floor keeps each one slow), sites finish late and together, so
judging a site only once its crawl is done would leave the other core idle for most of the crawl.
So the workers *stream*: each follows the page store as the crawl writes it and feeds the pages of
its own sites (site k of the run goes to worker k mod N) into their page pass at once: every page is
parsed and given to the page checks and page analyses while the crawl goes on. When the crawl hands a
site over (all its pages are in the store), its worker runs what needs the whole site: the site checks,
the results blocks and the score.

A streamed pass is only used when it read exactly the pages a pass over the finished crawl reads
(same rows, fetched at the same moment, in the same order). A page re-fetched, re-filed (a soft 404
found when the site is finished) or stored out of order makes the worker run the pass again over
the finished site: streaming can make a site's results earlier, never different. Workers run at a
lower priority than the crawl, so its requests stay timely; a worker that dies loses nothing: its
sites are judged in the main process.

`check` on a stored crawl uses the same workers without streaming: each site goes to the least busy
worker.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditcli.app.orchestrate import CheckOptions, _Judge
from auditcli.core.lifecycle import die_with
from auditcli.core.models import SiteConfig
from auditcli.stores.pagestore import PageStore, StoreError
from checks.engine.runner import SiteRun
from checks.engine.siteview import Page, SiteView

log = logging.getLogger("auditcli")

POLL = 0.2          # seconds a streaming worker waits for new pages when it has seen them all
BATCH = 200         # pages read from the store between two looks at the worker's inbox
NICENESS = 10       # the crawl's requests come first; the checks take what the crawl leaves
STOP = None


def default_check_workers() -> int:
    return os.cpu_count() or 1


@dataclass
class _Stream:
    """A site's page pass fed while its crawl runs; `read` is what it read, to compare with the crawl's end."""

    run: SiteRun
    read: list[tuple[int, float]] = field(default_factory=list)  # (row id, fetched_at) of each page fed
    broken: bool = False


class _Worker:
    """The loop of one worker process: commands from the inbox, pages from the store."""

    def __init__(self, store_path: str, options: CheckOptions, sites: list[str], stream: bool, outbox):
        self.store_path = store_path
        self.judge = _Judge(options)
        self.options = options
        self.mine = set(sites) if stream else set()
        self.store: PageStore | None = None
        self.streams: dict[str, _Stream] = {}
        self.done: set[str] = set()  # sites judged: their later rows are no longer followed
        self.after = 0  # the last row of the store this worker has looked at
        self.due: list[tuple[str, bool]] = []
        self.outbox = outbox

    def serve(self, inbox) -> None:
        behind = False  # the last look at the store found a full batch: more pages are waiting
        while True:
            try:
                if self.due or behind:
                    command = inbox.get_nowait()
                else:  # nothing to do: wait for a command, looking at the store every POLL seconds
                    command = inbox.get(timeout=POLL) if self.mine else inbox.get()
            except queue.Empty:
                command = ()
            if command is STOP:
                break
            if command:
                self.due.append(command)
                continue  # take every waiting command before working
            if self.due:
                self._judge(*self.due.pop(0))
            behind = self._follow()
        if self.store is not None:
            self.store.close()

    def _open(self) -> PageStore | None:
        if self.store is None:
            try:
                self.store = PageStore.open_existing(self.store_path)
            except StoreError:
                return None  # the crawl has not created it yet
        return self.store

    def _follow(self) -> bool:
        """Feed the pages stored since the last look to the page passes of this worker's sites; True
        when there are more to read."""
        store = self._open() if self.mine else None
        if store is None:
            return False
        rows = store.stored_since(self.after, BATCH)
        for row_id, site_id, kind in rows:
            self.after = row_id
            if site_id in self.mine and site_id not in self.done and kind == "page":
                stored = store.page_by_id(row_id)
                if stored is not None:
                    self._feed(site_id, row_id, stored)
        return len(rows) == BATCH

    def _stream(self, site_id: str) -> _Stream | None:
        if site_id not in self.streams:
            row = self._row(site_id)
            if row is None:
                return None
            config = SiteConfig.from_dict(row["config"])
            assert self.store is not None
            self.streams[site_id] = _Stream(SiteRun(self.judge.view(config, self.store), self.judge.specs,
                                                    self.options.keep_judgements))
        return self.streams[site_id]

    def _feed(self, site_id: str, row_id: int, stored) -> None:
        stream = self._stream(site_id)
        if stream is None or stream.broken:
            return
        stream.read.append((row_id, stored.fetched_at))
        if not SiteView.is_checked(stored):
            return
        try:
            stream.run.feed([Page(stored)])
        except Exception:  # the pass is made again over the finished site
            log.exception("streamed checks of %s failed; the site is judged after its crawl", site_id)
            stream.broken = True

    def _row(self, site_id: str) -> dict[str, Any] | None:
        assert self.store is not None
        return self.store.site(site_id)

    def _judge(self, site_id: str, finish: bool) -> None:
        begun = time.perf_counter()
        try:
            self.outbox.put((site_id, self._result(site_id, finish), None, time.perf_counter() - begun))
        except Exception as exc:  # reported, and judged in the main process
            log.exception("check worker could not judge %s", site_id)
            self.outbox.put((site_id, None, f"{type(exc).__name__}: {exc}", time.perf_counter() - begun))
        finally:
            self.done.add(site_id)
            self.streams.pop(site_id, None)

    def _result(self, site_id: str, finish: bool) -> dict[str, Any]:
        store = self._open()
        if store is None:
            raise StoreError(f"{self.store_path}: no page store")
        row = self._row(site_id)
        if row is None:
            raise StoreError(f"{site_id}: not in the page store")
        if finish and row["status"] == "pending":  # the site's probes, soft-404 verdict and status
            from spiders.run import finish_site

            finish_site(store, SiteConfig.from_dict(row["config"]))
            store.commit()
            row = self._row(site_id) or row
        stream = self.streams.get(site_id)
        if stream is not None:
            for row_id, stored in store.numbered_pages(site_id, after=stream.read[-1][0] if stream.read else 0):
                self._feed(site_id, row_id, stored)
            if stream.broken or stream.read != store.page_versions(site_id):
                log.info("%s: pages changed after they were checked; its page pass is made again", site_id)
                stream = None
        return self.judge(store, row, stream.run if stream is not None else None)


def _serve(store_path: str, options: CheckOptions, sites: list[str], stream: bool, inbox, outbox,
           audit_pid: int) -> None:
    die_with(audit_pid)  # a killed audit leaves no worker waiting on its inbox
    os.nice(NICENESS)
    _Worker(store_path, options, sites, stream, outbox).serve(inbox)


class CheckWorkers:
    """Worker processes judging sites while the crawl goes on (streaming: see the module's docstring).
    Sites come back in the store's order whatever order they finished in."""

    def __init__(self, store_path: Path, options: CheckOptions, workers: int, sites: list[str] | None = None,
                 stream: bool = False):
        self.store_path = str(store_path)
        self.options = options
        self.size = max(1, workers)
        self.sites = list(sites or [])
        self.position = {site_id: k for k, site_id in enumerate(self.sites)}
        self.stream = stream and bool(self.sites)
        # forkserver: workers never inherit the crawler's reactor, threads or sockets
        context = multiprocessing.get_context("forkserver")
        self.inboxes = [context.Queue() for _ in range(self.size)]
        # one outbox each: a worker killed while writing to its queue can only break its own
        self.outboxes = [context.Queue() for _ in range(self.size)]
        self.processes = [
            context.Process(target=_serve, daemon=True, name=f"auditcli-checks-{k}",
                            args=(self.store_path, options, self.sites[k::self.size], self.stream,
                                  self.inboxes[k], self.outboxes[k], os.getpid()))
            for k in range(self.size)]
        self.owner: dict[str, int] = {}
        self.outstanding = [0] * self.size  # sites sent to each worker and not yet answered
        self.backlog: deque[tuple[str, bool]] = deque()  # sites for whichever worker frees up first
        self.queued: set[str] = set()  # the backlog's sites
        self.started = False
        self.local: _Worker | None = None  # judges here what a worker could not (see `_judge_here`)
        self.lock = threading.Lock()  # sites arrive from the crawler's thread, results are read in this one
        # the workers' answers, read from their outboxes by one collector thread as they come (so a site
        # judged while the others still crawl is announced at once through `on_judged`)
        self.received: queue.Queue[tuple[int, tuple]] = queue.Queue()
        self.on_judged: Callable[[str, dict[str, Any], float], None] | None = None
        self.closing = threading.Event()
        self.collector = threading.Thread(target=self._collect, name="auditcli-check-results", daemon=True)
        if self.stream:
            self._start()  # streaming workers follow the crawl from its first page
        # otherwise they start with the first site handed over: loading the checks in two processes at
        # once would take the CPU the crawl's first handshakes need

    def _start(self) -> None:
        if not self.started:
            self.started = True
            for process in self.processes:
                process.start()
            self.collector.start()

    def _collect(self) -> None:
        while not self.closing.is_set():
            got = False
            for worker, outbox in enumerate(self.outboxes):
                try:
                    message = outbox.get_nowait()
                except queue.Empty:
                    continue
                got = True
                self.received.put((worker, message))
                site_id, site, _error, seconds = message
                if site is not None and self.on_judged is not None:
                    try:
                        self.on_judged(site_id, site, seconds)
                    except Exception:  # a display's failure never loses a result
                        log.exception("could not show %s judged", site_id)
            if not got:
                time.sleep(0.02)

    def site_crawled(self, site_id: str) -> None:
        """The crawl of `site_id` is done (called from the crawler's thread): judge it now, elsewhere."""
        self._submit(site_id, True)

    def _submit(self, site_id: str, finish: bool) -> None:
        with self.lock:
            if site_id in self.owner or site_id in self.queued:
                return
            self._start()
            if self.stream and site_id in self.position:  # its worker holds its streamed page pass
                self._send(site_id, finish, self.position[site_id] % self.size)
            else:
                self.backlog.append((site_id, finish))
                self.queued.add(site_id)
                self._dispatch()

    def _dispatch(self) -> None:
        """Backlog sites to the live workers with fewer than two in hand (one judged, one waiting), so a
        big site on one worker does not hold up the sites queued behind it."""
        while self.backlog:
            live = [k for k in range(self.size) if self.processes[k].is_alive()]
            if not live:
                return  # judged in this process by `results`
            worker = min(live, key=lambda k: self.outstanding[k])
            if self.outstanding[worker] >= 2:
                return
            site_id, finish = self.backlog.popleft()
            self.queued.discard(site_id)
            self._send(site_id, finish, worker)

    def _send(self, site_id: str, finish: bool, worker: int) -> None:
        self.owner[site_id] = worker
        self.outstanding[worker] += 1
        self.inboxes[worker].put((site_id, finish))

    def results(self, rows: list[dict[str, Any]], site_done: Callable | None = None) -> list[dict[str, Any]]:
        for row in rows:  # sites not handed over yet (or a stored crawl for `check`): judged now, their
            self._submit(row["id"], True)  # crawl finished first when still pending
        wanted = {row["id"] for row in rows}
        got: dict[str, tuple[dict[str, Any], float]] = {}
        sites, next_row = [], 0
        while next_row < len(rows):
            row = rows[next_row]
            if row["id"] in got:
                site, seconds = got.pop(row["id"])
                sites.append(site)
                next_row += 1
                if site_done:
                    site_done(SiteConfig.from_dict(row["config"]), site, seconds)
                continue
            message = self._next_message()
            if message is None:
                self._rescue(rows, got)
                continue
            worker, (site_id, site, error, seconds) = message
            with self.lock:
                self.outstanding[worker] -= 1
                self._dispatch()
            if site_id not in wanted:
                continue
            if site is None:  # the worker could not judge it: judged here
                log.warning("check worker failed on %s (%s); judging it in this process", site_id, error)
                site, seconds = self._judge_here(site_id)
            got[site_id] = (site, seconds)
        return sites

    def _next_message(self, wait: float = 1.0) -> tuple[int, tuple] | None:
        """(worker, its next result) of any worker, or None after `wait` seconds without one."""
        try:
            return self.received.get(timeout=wait)
        except queue.Empty:
            return None

    def _rescue(self, rows: list[dict[str, Any]], got: dict[str, Any]) -> None:
        """Sites of a worker that died (killed, out of memory) are judged in this process."""
        dead = {k for k, process in enumerate(self.processes) if self.started and not process.is_alive()}
        if not dead:
            return
        with self.lock:
            left = {site_id for site_id, _ in self.backlog} if len(dead) == self.size else set()
            if left:
                self.backlog.clear()
                self.queued.clear()
        for row in rows:
            if (self.owner.get(row["id"]) in dead or row["id"] in left) and row["id"] not in got:
                log.warning("check worker lost while judging %s; judging it in this process", row["id"])
                got[row["id"]] = self._judge_here(row["id"])
                self.owner[row["id"]] = -1

    def _judge_here(self, site_id: str) -> tuple[dict[str, Any], float]:
        """Judge a site in this process (its worker died or failed on it): one local worker, made at the
        first such site, judges them all (the checks and the profile are loaded once)."""
        begun = time.perf_counter()
        if self.local is None:
            self.local = _Worker(self.store_path, self.options, [], False, queue.SimpleQueue())
        return self.local._result(site_id, True), time.perf_counter() - begun

    def close(self) -> None:
        if self.local is not None and self.local.store is not None:
            self.local.store.close()
        if not self.started:
            return
        self.closing.set()
        self.collector.join(timeout=5)
        for inbox in self.inboxes:
            inbox.put(STOP)
        for process in self.processes:
            process.join(timeout=30)
            if process.is_alive():
                process.terminate()
                process.join(timeout=5)
