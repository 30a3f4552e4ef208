"""Run the portal spider in this process and record each site's reachability in the page store."""

from __future__ import annotations

import re
import shutil
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess

from auditcli.core.models import SiteConfig
from auditcli.core.security import host_port
from auditcli.core.urls import clean_url
from auditcli.stores.pagestore import PageStore, StoredPage
from spiders.errors import UNREACHABLE_REASONS
from spiders.options import CrawlInterrupted, CrawlOptions
from spiders.portal import PortalSpider
from spiders.probes import SecurityProber, ipv6_probes, store_ipv6_probes
from spiders.settings import scrapy_settings

# Reasons that make a site partial: what the crawl was denied, not what it chose to skip.
CHOSEN_SKIPS = ("out-of-scope", "max-depth", "max-pages", "robots", "unsafe-link", "crawler-trap")


def crawl(sites: list[SiteConfig], store_dir: Path, options: CrawlOptions,
          progress: Callable[[str, str, int], None] | None = None, verbose: bool = False,
          resume: bool = False, site_done: Callable[[str], None] | None = None) -> Path:
    """Crawl every site concurrently into `store_dir/pages.sqlite`; returns the store path.

    With `resume`, an interrupted crawl in the same store goes on where it stopped: fetched and
    skipped URLs are not fetched again, and links found but not yet followed are.

    With `site_done`, each site is handed over as soon as its last request is answered (its pages
    committed to the store), while the others still crawl; sites not handed over by then are handed
    over when the crawl ends. The receiver then owns the site: it calls `finish_site` (probes and
    crawl status) before judging it. Without it, every site is finished here.
    """
    store_path = open_crawl_store(store_dir, sites, options)
    # TLS scans and the plain-HTTP redirect probe run beside the crawl, started as hosts are found
    # (a TLS scan's deadline never outlasts the site budget: no one host can hold a fleet audit longer)
    prober = SecurityProber(ca_bundle=options.ca_bundle, timeout=min(max(30.0, options.timeout * 6), options.site_budget),
                            http_timeout=options.timeout, user_agent=options.user_agent) if options.security else None
    hand_over = _HandOver(site_done, prober, store_path)
    # a plain function in the settings: Scrapy deep-copies them, and would copy an object's pool and locks
    notify = (lambda site_id: hand_over(site_id)) if site_done else None  # noqa: E731
    process = CrawlerProcess(scrapy_settings(options, store_path, progress, verbose, notify))
    crawler = process.create_crawler(PortalSpider)
    process.crawl(crawler, sites=sites, options=options, resume_from=store_path if resume else None, prober=prober)
    process.start()
    reason = crawler.stats.get_value("finish_reason") if crawler.stats else None
    if reason != "finished":
        if prober is not None:
            prober.abandon()
        # Ctrl-C or a kill: what was fetched is safe in the store, but judging it would be judging half a site.
        store = PageStore(store_path)
        store.set_meta("crawl_state", f"interrupted: {reason or 'unknown'}")
        store.close()
        raise CrawlInterrupted(f"the crawl was interrupted ({reason or 'unknown reason'}); "
                               f"run the same command with --resume to go on")
    clocks = crawler.spider.clocks() if crawler.spider is not None else {}
    record_transfer(store_path, crawler.stats.get_stats() if crawler.stats else {})
    return hand_over.finish(store_path, sites, options, clocks)


def record_transfer(store_path: Path, stats: dict[str, Any]) -> None:
    """What the crawl moved over the wire (Scrapy's downloader stats), kept in the store's meta: what a
    conditional re-audit saved is read there (`sqlite3 pages.sqlite "SELECT * FROM meta"`)."""
    store = PageStore(store_path)
    try:
        store.set_meta("transfer", {"requests": stats.get("downloader/request_count", 0),
                                    "response_bytes": stats.get("downloader/response_bytes", 0),
                                    "not_modified": stats.get("downloader/response_status_count/304", 0)})
    finally:
        store.close()


class _HandOver:
    """Sites handed over to `site_done` as their crawls end; the rest (or all, without it) at the end.
    With security probes running beside the crawl, a site is handed over once every probe started so
    far is done and stored (its hosts' probes were started while its pages were parsed)."""

    def __init__(self, site_done: Callable[[str], None] | None, prober: SecurityProber | None = None,
                 store_path: Path | None = None):
        self.site_done = site_done
        self.prober = prober
        self.store_path = store_path
        self.handed: set[str] = set()
        self.held: list[str] = []
        self.lock = threading.Lock()

    def __call__(self, site_id: str) -> None:
        self.handed.add(site_id)
        if self.site_done is None:
            return
        if self.prober is None:
            self.site_done(site_id)
            return
        with self.lock:
            self.held.append(site_id)
        self._release()

    def _release(self, _future: Any = None) -> None:
        """Hand the held sites over if the probes are all done (stored first); else try again when one ends."""
        assert self.prober is not None and self.site_done is not None
        running = self.prober.running()
        if running:
            running[0].add_done_callback(self._release)
            return
        with self.lock:
            sites, self.held = self.held, []
        if not sites:
            return
        store = PageStore(self.store_path)
        try:
            self.prober.store_done(store)
        finally:
            store.close()
        for site_id in sites:
            self.site_done(site_id)

    def finish(self, store_path: Path, sites: list[SiteConfig], options: CrawlOptions | None = None,
               clocks: dict[str, Any] | None = None) -> Path:
        store = PageStore(store_path)
        store.set_meta("crawl_state", "finished")
        for site_id, clock in (clocks or {}).items():
            store.set_meta(f"site_clock:{site_id}", clock)
        if self.prober is not None:
            self.prober.finish(store)
            store.set_meta("security_probes", {"ca_bundle": options.ca_bundle if options else None})
        if self.site_done is None:
            for site in sites:
                finish_site(store, site)
        store.close()
        with self.lock:
            held, self.held = self.held, []
        for site_id in held:
            self.site_done(site_id)
        for site in sites:
            if site.id not in self.handed:
                self(site.id)
        return store_path


def open_crawl_store(store_dir: Path, sites: list[SiteConfig], options: CrawlOptions) -> Path:
    """The page store a crawl writes: its options and sites recorded, marked running until it ends."""
    store = PageStore(store_dir)
    store.set_meta("crawl_options", options.to_dict())
    for site in sites:
        store.register_site(site.id, site.to_dict())
    store.set_meta("crawl_state", "running")  # stays so if the process is killed outright
    store_path = store.path
    store.close()
    # Scrapy's own job state is only a disk queue here; continuity across runs is the page store's (resume).
    shutil.rmtree(Path(store_path).parent / "frontier", ignore_errors=True)
    return store_path


def crawl_distributed(sites: list[SiteConfig], store_dir: Path, options: CrawlOptions, redis_url: str, job: str,
                      lease: float, progress: Callable[[str, str, int], None] | None = None, resume: bool = False,
                      site_done: Callable[[str], None] | None = None) -> Path:
    """As `crawl`, but the fetching is done by `auditcli worker` processes sharing a Redis job: this
    process seeds the job and writes what they fetch into the page store (spiders.distributed)."""
    from spiders.distributed import coordinate

    store_path = open_crawl_store(store_dir, sites, options)
    # the security probes run here, beside the coordinator: each site's start URL, and the HTTPS host of
    # every page the workers fetch (login forms on other hosts are probed by a single-machine crawl only)
    prober = SecurityProber(ca_bundle=options.ca_bundle, timeout=max(30.0, options.timeout * 6),
                            http_timeout=options.timeout, user_agent=options.user_agent) if options.security else None
    if prober is not None:
        for site in sites:
            prober.site(clean_url(site.url))
    hand_over = _HandOver(site_done, prober, store_path)

    def fetched(site_id: str, url: str, status: int) -> None:
        if prober is not None and url.startswith("https://"):
            prober.tls(*host_port(url))
        if progress is not None:
            progress(site_id, url, status)

    # Ctrl-C (SIGINT) stops the coordinator as it stops a single-machine crawl, whose Scrapy installs its
    # own handler: also when the audit was started with SIGINT ignored (a background job of a script).
    main = threading.current_thread() is threading.main_thread()  # (only the main thread sets handlers)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler) if main else None
    try:
        coordinate(redis_url, job, sites, options, store_path, lease=lease, resume=resume,
                   site_done=hand_over if site_done else None, progress=fetched)
    except KeyboardInterrupt:
        if prober is not None:
            prober.abandon()
        store = PageStore(store_path)
        store.set_meta("crawl_state", "interrupted: coordinator stopped")
        store.close()
        raise CrawlInterrupted("the coordinator was stopped; the job stays in Redis: run the same command "
                               "with --resume to go on") from None
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)
    return hand_over.finish(store_path, sites, options)


def finish_site(store: PageStore, site: SiteConfig) -> None:
    """What a site's crawl ends with: the network probes of its host, the soft-404 verdict and its status
    (ok, partial, unreachable)."""
    probes = ipv6_probes([site.url])  # the network and the reading first, then one short write
    soft, probe_url = soft_404_pages(store, site.id)
    with store.writing():
        store_ipv6_probes(store, probes)
        _mark_soft_404(store, site.id, soft, probe_url)
        status, detail = site_status(store, site)
        store.set_site_status(site.id, status, detail)


def site_status(store: PageStore, site: SiteConfig) -> tuple[str, str | None]:
    """ok | partial | unreachable, from what the crawl could and could not fetch."""
    start = store.page(site.id, site.url) or store.page(site.id, site.url.rstrip("/") + "/")
    skipped = store.not_scanned(site.id)
    if start is None:
        for entry in skipped:
            if entry.url.rstrip("/") == site.url.rstrip("/"):
                unreachable = entry.reason in UNREACHABLE_REASONS or entry.reason.startswith("http-5")
                return ("unreachable" if unreachable else "partial"), f"{entry.reason}: {entry.detail or ''}".strip()
        return "unreachable", "start page not fetched"
    if start.status >= 500:
        return "unreachable", f"HTTP {start.status}"
    if start.kind == "soft-404":
        return "partial", "soft-404: the start page is the same page a URL that does not exist gets"
    blocked = [e for e in skipped if e.reason not in CHOSEN_SKIPS]
    budget = [e for e in blocked if e.reason == "site-budget"]
    if budget:
        return "partial", f"site-budget: {budget[0].detail}; {len(budget)} pages not fetched, audited on what was"
    if start.status >= 400 or blocked:
        return "partial", f"{len(blocked)} pages could not be scanned" if blocked else f"HTTP {start.status}"
    return "ok", None


def _visible(page_text: str, url: str) -> str:
    """The page's visible text with its own URL (a 404 page often echoes it) and all digits (counters,
    clocks) taken out: two pages are the same page when these are equal."""
    text = re.sub(r"(?is)<(script|style)\b.*?</\1>|<[^>]+>", " ", page_text)
    for variant in sorted({url, url.split("://", 1)[-1], "/" + url.split("://", 1)[-1].split("/", 1)[-1]},
                          key=len, reverse=True):
        text = text.replace(variant, " ")
    return " ".join(re.sub(r"\d+", " ", text).split())


def mark_soft_404(store: PageStore, site_id: str) -> int:
    """Pages answering 200 with the page a URL that cannot exist got (the crawl's probe-404 request)
    are soft 404s: kept as evidence with kind `soft-404`, listed as not scanned (`soft-404`)."""
    marked, probe_url = soft_404_pages(store, site_id)
    _mark_soft_404(store, site_id, marked, probe_url)
    store.commit()
    return len(marked)


def soft_404_pages(store: PageStore, site_id: str) -> tuple[list[StoredPage], str]:
    """The site's soft-404 pages (read only) and the URL of the probe they answer like."""
    probe = next(store.pages(site_id, kind="probe-404"), None)
    if probe is None or not 200 <= probe.status < 300 or not probe.body:
        return [], ""
    reference = _visible(probe.text, probe.final_url)
    marked = []
    for page in store.pages(site_id, kind="page"):
        if not (200 <= page.status < 300 and page.is_html):
            continue
        if page.url == page.final_url == probe.final_url:
            continue  # the page unknown URLs are sent to (often the home page) is itself real
        # identity, not similarity: a short notice on a template-heavy site is much like its 404 page
        if _visible(page.text, page.final_url) == reference:
            marked.append(page)
    return marked, probe.final_url


def _mark_soft_404(store: PageStore, site_id: str, marked: list[StoredPage], probe_url: str) -> None:
    for page in marked:
        store.set_page_kind(site_id, page.url, "soft-404")
        store.add_not_scanned(site_id, page.url, "soft-404", "answers 200 with the same page as a URL that does "
                              f"not exist ({probe_url})", page.referrer, fetched=True)
