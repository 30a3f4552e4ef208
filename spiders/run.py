"""Run the portal spider in this process and record each site's reachability in the page store."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess

from auditcli.core import knowledge
from auditcli.core.models import SiteConfig
from auditcli.stores.pagestore import PageStore
from spiders.errors import UNREACHABLE_REASONS
from spiders.options import CrawlInterrupted, CrawlOptions
from spiders.portal import PortalSpider
from spiders.probes import SecurityProber, probe_sites

SAFETY = knowledge.load("crawling")
# Politeness that no flag can lift: a minimum gap between requests to one host, a concurrency ceiling.
MIN_DELAY = 1.0 / SAFETY["rate"]["max_requests_per_second_per_host"]
MAX_PER_HOST = SAFETY["rate"]["max_concurrent_per_host"]
# Reasons that make a site partial: what the crawl was denied, not what it chose to skip.
CHOSEN_SKIPS = ("out-of-scope", "max-depth", "max-pages", "robots", "unsafe-link", "crawler-trap")


def scrapy_settings(options: CrawlOptions, store_path: Path, progress: Callable | None, verbose: bool = False) -> dict[str, Any]:
    return {
        "BOT_NAME": "auditcli",
        "USER_AGENT": options.user_agent,
        "ROBOTSTXT_OBEY": options.obey_robots,
        "ROBOTSTXT_USER_AGENT": "auditcli",
        "CONCURRENT_REQUESTS": options.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": min(options.per_host, MAX_PER_HOST),
        "DOWNLOAD_DELAY": max(options.delay, MIN_DELAY),
        "RANDOMIZE_DOWNLOAD_DELAY": options.delay > MIN_DELAY,  # at the floor, the gap is exact
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": max(options.delay, MIN_DELAY),
        "AUTOTHROTTLE_MAX_DELAY": max(10.0, options.delay * 4),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(options.per_host),
        "DOWNLOAD_TIMEOUT": options.timeout,
        "DNS_TIMEOUT": options.timeout,
        "DOWNLOAD_MAXSIZE": options.max_size,
        "DOWNLOAD_WARNSIZE": 0,
        "RETRY_TIMES": options.retries,
        "RETRY_HTTP_CODES": [502, 503, 504, 522, 524],
        "REDIRECT_MAX_TIMES": 10,
        "HTTPERROR_ALLOW_ALL": True,
        "COOKIES_ENABLED": True,
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "LOG_LEVEL": "INFO" if verbose else "ERROR",
        "LOG_ENABLED": verbose,
        "DEPTH_LIMIT": 0,
        # A permissive client: weak TLS is reported by the TLS checks, it never makes a site unreachable.
        "DOWNLOADER_CLIENT_TLS_METHOD": "TLS",
        "DOWNLOADER_CLIENT_TLS_CIPHERS": "ALL:@SECLEVEL=0",
        "DOWNLOADER_CLIENTCONTEXTFACTORY": "spiders.tlsclient.PermissiveContextFactory",
        "DOWNLOADER_MIDDLEWARES": {
            "spiders.middlewares.SiteBudgetMiddleware": 50,
            "spiders.middlewares.UnsafeRedirectMiddleware": 60,
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "spiders.middlewares.PoliteRobotsTxtMiddleware": 100,
            "spiders.middlewares.RetryAfterMiddleware": 560,   # before RetryMiddleware (550) sees a 429/503
            "spiders.middlewares.PerIPConcurrencyMiddleware": 990,
        },
        "AUDITCLI_RETRY_AFTER_CAP": options.max_retry_after,
        "AUDITCLI_RETRY_AFTER_TRIES": SAFETY["retry_after"]["max_retries"],
        "AUDITCLI_ROBOTS_MAX": SAFETY["robots"]["max_bytes"],
        "ITEM_PIPELINES": {"spiders.pipelines.PageStorePipeline": 100},
        # The frontier lives on disk beside the page store, so memory stays flat however wide a site is.
        "JOBDIR": str(Path(store_path).parent / "frontier"),
        "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
        "AUDITCLI_STORE": str(store_path),
        "AUDITCLI_PER_IP": options.per_ip,
        "AUDITCLI_PROGRESS": progress,
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    }


def crawl(sites: list[SiteConfig], store_dir: Path, options: CrawlOptions,
          progress: Callable[[str, str, int], None] | None = None, verbose: bool = False,
          resume: bool = False) -> Path:
    """Crawl every site concurrently into `store_dir/pages.sqlite`; returns the store path.

    With `resume`, an interrupted crawl in the same store goes on where it stopped: fetched and
    skipped URLs are not fetched again, and links found but not yet followed are.
    """
    store = PageStore(store_dir)
    store.set_meta("crawl_options", options.to_dict())
    for site in sites:
        store.register_site(site.id, site.to_dict())
    store.set_meta("crawl_state", "running")  # stays so if the process is killed outright
    store_path = store.path
    store.close()
    # Scrapy's own job state is only a disk queue here; continuity across runs is the page store's (resume).
    shutil.rmtree(Path(store_path).parent / "frontier", ignore_errors=True)

    # TLS scans and the plain-HTTP redirect probe run beside the crawl, started as hosts are found
    # (a TLS scan's deadline never outlasts the site budget: no one host can hold a fleet audit longer)
    prober = SecurityProber(ca_bundle=options.ca_bundle, timeout=min(max(30.0, options.timeout * 6), options.site_budget),
                            http_timeout=options.timeout, user_agent=options.user_agent) if options.security else None
    process = CrawlerProcess(scrapy_settings(options, store_path, progress, verbose))
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

    store = PageStore(store_path)
    store.set_meta("crawl_state", "finished")
    clocks = crawler.spider.clocks() if crawler.spider is not None else {}
    for site_id, clock in clocks.items():
        store.set_meta(f"site_clock:{site_id}", clock)
    probe_sites(store, [site.url for site in sites])
    if prober is not None:
        prober.finish(store)
        store.set_meta("security_probes", {"ca_bundle": options.ca_bundle})
    for site in sites:
        mark_soft_404(store, site.id)
        status, detail = site_status(store, site)
        store.set_site_status(site.id, status, detail)
    store.close()
    return store_path


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
    probe = next(store.pages(site_id, kind="probe-404"), None)
    if probe is None or not 200 <= probe.status < 300 or not probe.body:
        return 0
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
    for page in marked:
        store.set_page_kind(site_id, page.url, "soft-404")
        store.add_not_scanned(site_id, page.url, "soft-404", "answers 200 with the same page as a URL that does "
                              f"not exist ({probe.final_url})", page.referrer, fetched=True)
    store.commit()
    return len(marked)
