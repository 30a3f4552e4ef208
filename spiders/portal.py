"""The portal spider: crawls each site inside its scope, politely, into the page store.

Scope, depth and page limits are enforced here (not by Scrapy's DepthMiddleware or dupefilter)
because every URL the spider decides not to fetch must be recorded in `not_scanned` with a reason.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from functools import cache, partial
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.selector import Selector
from twisted.python.failure import Failure

from auditcli.core import knowledge
from auditcli.core.attachments import readable_type
from auditcli.core.language_links import is_language_link
from auditcli.core.models import SiteConfig
from auditcli.core.security import data as security_data
from auditcli.core.security import host_port, is_service_link
from auditcli.core.urls import clean_url, normalise_url
from auditcli.stores.pagestore import PageStore
from spiders.discovery import FOLLOWED_TAGS, RESOURCE_TAGS, FoundLink, extract_links, is_attachment
from spiders.errors import classify_failure
from spiders.options import CrawlOptions
from spiders.resources import confirm_with_get, resource_requests
from spiders.revalidate import PreviousCrawls, full_request

PASSWORD_BYTES = re.compile(rb"password", re.I)
PASSWORD_FORM_ACTIONS = ("//form[.//input[translate(@type, 'PASSWORD', 'password') = 'password']]/@action")
BLOCKED_STATUSES = {401: "http-401", 403: "http-403", 429: "http-429"}
LANGUAGE_DEPTH = 2  # levels crawled below a language version's entry page (enough to date it)
SAFETY = knowledge.load("crawling")
UNSAFE_TEXT_EXACT = frozenset(word.lower() for word in SAFETY["unsafe_links"]["text_exact"])
UNSAFE_TEXT = tuple(word.lower() for word in SAFETY["unsafe_links"]["text_contains"])
UNSAFE_URL_TOKENS = frozenset(word.lower() for word in SAFETY["unsafe_links"]["url"])
TRAP_HOPS = SAFETY["traps"]["same_path_query_hops"]
WAF = SAFETY["waf_challenge"]


def unsafe_link(url: str, text: str) -> str | None:
    """Why following this link could change state on the server (log out, delete), or None."""
    label = re.sub(r"\s+", " ", text or "").strip().lower()
    bare = re.sub(r"^[\W_]+|[\W_]+$", "", label)  # [退出] 【注销】 » 退出
    if bare in UNSAFE_TEXT_EXACT:
        return f"link text {text.strip()!r}"
    for word in UNSAFE_TEXT:
        if word in label:
            return f"link text {text.strip()!r} ({word})"
    parts = urlsplit(url)
    tokens = {t.lower() for t in re.split(r"[^A-Za-z0-9_=]+", f"{parts.path} {parts.query}") if t}
    tokens |= {t.split("=", 1)[0] for t in tokens if "=" in t}
    hits = sorted(tokens & UNSAFE_URL_TOKENS) or sorted(
        w for w in UNSAFE_URL_TOKENS if "=" in w and w in parts.query.lower())
    return f"URL contains {hits[0]!r}" if hits else None


def waf_challenge(status: int, body: bytes) -> str | None:
    """The marker of a WAF / anti-bot challenge page, or None."""
    if status in WAF["always_challenge_statuses"]:
        return f"HTTP {status} challenge"
    if status not in WAF["statuses"] or len(body) > WAF["max_body_bytes"]:
        return None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:  # GBK-family block pages are common
        text = body.decode("gb18030", "ignore")
    lowered = text.lower()
    for marker in WAF["markers"]:
        if marker.lower() in lowered:
            return f"HTTP {status} challenge page ({marker})"
    return None


def page_selector(response: Response) -> Callable[[], Selector]:
    """The response's selector, parsed on first use and kept by nobody but the caller. Not
    `response.selector`: Scrapy caches that on the response and it points back at the response, a
    reference cycle that only the full garbage collection frees, with the page's body, text and lxml
    tree (native memory) in it. Every page parsed since the last full collection stayed in memory, and
    the crawl's peak memory grew with the sites crawled at once (the 50-site benchmark, 32 at once:
    215 MB with `response.selector`, 128 MB without)."""
    return cache(partial(Selector, response))


BUDGETS = ("page", "attachment", "resource")  # what _SiteState.claim counts against a cap


class _SiteState:
    def __init__(self, config: SiteConfig):
        self.config = config
        self.seen: set[str] = set()
        # requests scheduled against each budget: "page" and "attachment" (--max-pages each), "resource"
        # (--max-resources, spiders/resources.py)
        self.scheduled: Counter[str] = Counter()
        self.service_scheduled = 0  # login / e-service pages on other hosts (kind "service")
        self.attachments_read = 0  # attachments fetched whole to be read (--max-attachments)
        self.in_flight = 0  # requests made and not answered yet: 0 again means the site's crawl is done
        # body digests of directory-index pages: /, /index.html and /index.shtml are usually one page
        self.index_bodies: dict[str, bytes] = {}
        self.started: float | None = None   # when its first request reached the downloader (budget clock)
        self.last: float | None = None      # its last answer or failure
        self.cut_off = False                # its --site-budget ran out while it still had work
        self.expired = False                # its budget's time is over (its queued requests were dropped)

    # What the spider asks of a site's crawl state; the distributed worker keeps the same state in Redis.
    def prefetch(self, urls: list[str]) -> None:
        """About to ask `known` of these URLs."""

    def known(self, url: str) -> bool:
        return url in self.seen

    def claim(self, url: str, budget: str | None, ok: Callable[[], list[Any]],
              over: Callable[[], list[Any]] = list) -> Iterator[Any]:
        """Take `url` for this site, once: what `ok()` makes is yielded, or what `over()` makes when the
        site's `budget` ("page" or "attachment": --max-pages each; "resource": --max-resources) is spent. A URL
        claimed before yields nothing."""
        if url in self.seen:
            return
        self.seen.add(url)
        if budget is not None:
            if self.budget_used(budget) >= self.cap(budget):
                yield from over()
                return
            self.spend(budget)
        yield from ok()

    budget_cap = 0
    resource_cap = 0

    def cap(self, budget: str) -> int:
        return self.resource_cap if budget == "resource" else self.budget_cap

    def budget_used(self, budget: str) -> int:
        return self.scheduled[budget]

    def spend(self, budget: str) -> None:
        self.scheduled[budget] += 1

    def is_duplicate_index(self, url: str, body: bytes) -> bool:
        """True when `url` is another name (/ vs /index.html) of an index page already fetched with this body."""
        key = normalise_url(url)
        if key == url and not url.endswith("/"):
            return False  # not a directory index: nothing to confuse it with
        digest = hashlib.sha1(body).digest()
        if self.index_bodies.get(key) == digest:
            return True
        self.index_bodies.setdefault(key, digest)
        return False


class PortalSpider(scrapy.Spider):
    name = "portal"

    def __init__(self, sites: list[SiteConfig], options: CrawlOptions, resume_from: str | None = None,
                 prober: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.options = options
        self.states = {site.id: self.site_state(site) for site in sites}
        self.resume_from = resume_from
        self.prober = prober  # spiders.probes.SecurityProber: TLS scans started as HTTPS hosts are found
        config = security_data()
        self.service_depth = int(config["service_depth"])
        self.service_max_pages = int(config["service_max_pages"])
        self.waiting: list[_SiteState] = []  # sites not started yet (see CrawlOptions.site_window)
        # the previous crawl's stores: pages they hold with validators are asked for conditionally
        self.previous = PreviousCrawls(options.since) if options.since else None

    def closed(self, reason: str) -> None:
        if self.previous is not None:
            self.previous.close()

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._start_waiting_sites, signal=signals.spider_idle)
        return spider

    def _start_waiting_sites(self) -> None:
        """Nothing left in flight but sites still waiting (a site never settled): start them now."""
        if self.waiting:
            while self.waiting:
                for request in self.start_requests_of(self.waiting.pop(0)):
                    self.crawler.engine.crawl(request)
            raise DontCloseSpider

    def site_state(self, site: SiteConfig) -> _SiteState:
        state = _SiteState(site)
        state.budget_cap = self.options.max_pages
        state.resource_cap = self.options.max_resources
        return state

    # -- the time budget of each site (checked by spiders.middlewares.SiteBudgetMiddleware) ----------
    def budget_left(self, site_id: str) -> float:
        state = self.states.get(site_id)
        if state is None:
            return float("inf")
        now = time.monotonic()
        if state.started is None:
            state.started = now
            self._schedule_cut_off(site_id)
        left = self.options.site_budget - (now - state.started)
        if left <= 0:  # asked for a request the site has no time left for: it is cut off
            state.cut_off = True
            self._cut_off(site_id)
        return left

    def _schedule_cut_off(self, site_id: str) -> None:
        from twisted.internet import reactor

        if reactor.running:
            reactor.callLater(self.options.site_budget, self._cut_off, site_id)

    def _cut_off(self, site_id: str) -> None:
        """The site's budget ran out: drop its requests already waiting in the downloader's queues
        (new ones are dropped by SiteBudgetMiddleware), so only those on the wire still finish."""
        state = self.states[site_id]
        if state.expired:
            return
        state.expired = True
        downloader = getattr(getattr(getattr(self, "crawler", None), "engine", None), "downloader", None)
        message = f"site budget of {self.options.site_budget:g} s used up"
        for slot in list(getattr(downloader, "slots", {}).values()):
            queue = getattr(slot, "queue", None)
            if not queue:
                continue
            kept, dropped = [], []
            for entry in queue:
                (dropped if entry[0].meta.get("site_id") == site_id else kept).append(entry)
            if dropped:
                state.cut_off = True  # (a site that had finished before its budget ran out is not "cut off")
                queue.clear()
                queue.extend(kept)
                for _request, deferred in dropped:
                    deferred.errback(IgnoreRequest(message))

    def clocks(self) -> dict[str, dict[str, Any]]:
        """Per site: seconds from its first request to its last answer, and whether its budget ran out."""
        return {site_id: {"seconds": round(s.last - s.started, 2) if s.started and s.last else None,
                          "budget": self.options.site_budget, "cut_off": s.cut_off}
                for site_id, s in self.states.items()}

    async def start(self) -> AsyncIterator[Any]:
        states = list(self.states.values())
        if self.prober is not None:  # TLS of each start URL's host (or its https form) and the HTTP redirect
            for state in states:
                self.prober.site(clean_url(state.config.url))
        if not self.resume_from:
            window = self.options.site_window()
            states, self.waiting = states[:window], states[window:]
        for state in states:
            if self.resume_from:
                resumed = list(self._resume(state))
                if state.seen:  # this site had been crawled before: go on from there
                    for item in resumed:
                        yield item
                    continue
            for request in self.start_requests_of(state):
                yield request

    def start_requests_of(self, state: _SiteState) -> list[scrapy.Request]:
        """A site's first requests: its start page, a soft-404 probe and, for a column tree, its host's home page."""
        site = state.config
        start = clean_url(site.url)
        state.seen.add(start)
        state.spend("page")
        requests = [self._request(site.id, start, depth=0, kind="page", referrer=None, priority=100)]
        if self.options.max_depth > 0:  # depth 0: exactly the given URLs
            # a URL that cannot exist: a site answering it with 200 serves soft 404s (spiders/run.py)
            token = hashlib.sha1(f"auditcli soft-404 probe {start}".encode()).hexdigest()[:12]  # stable across runs
            name = SAFETY["soft_404"]["probe_name"].format(token=token)
            requests.append(self._request(site.id, clean_url(urljoin(start, name)), depth=0, kind="probe-404",
                                          referrer=None, priority=99))
        if not site.is_host_root and self.options.max_depth > 0:  # depth 0: exactly the given URLs
            host_home = clean_url(site.host_root)
            state.seen.add(host_home)
            requests.append(self._request(site.id, host_home, depth=0, kind="host-home", referrer=None, priority=90))
        return requests

    def _resume(self, state: _SiteState) -> Iterator[Any]:
        """Go on with an interrupted crawl: follow the stored links that were not followed yet."""
        store = PageStore(self.resume_from)
        try:
            site_id = state.config.id
            sources: dict[str, tuple[int, str]] = {}
            for url, final_url, kind, depth in store.crawled(site_id):
                state.seen.update((url, final_url))
                if kind in BUDGETS:
                    state.spend(kind)
                state.attachments_read += kind == "attachment"  # (HEAD ones too: the cap is never passed)
                if kind in ("page", "language"):
                    sources[final_url] = (depth, kind)
            state.seen.update(entry.url for entry in store.not_scanned(site_id))
            pending: dict[str, list[FoundLink]] = {}
            for link in store.links(site_id):
                if link.dst not in state.seen and link.src in sources:
                    pending.setdefault(link.src, []).append(FoundLink(link.dst, link.text, link.tag))
        finally:
            store.close()
        for source, links in pending.items():
            depth, kind = sources[source]
            yield from self._follow(state, source, links, depth, kind)

    def _request(self, site_id: str, url: str, *, depth: int, kind: str, referrer: str | None,
                 priority: int = 0, method: str = "GET", language_base: int | None = None,
                 query_hops: int = 0) -> scrapy.Request:
        headers = {"Referer": referrer} if referrer else None
        self.states[site_id].in_flight += 1
        request = scrapy.Request(
            url, method=method, callback=self.parse, errback=self.failed, dont_filter=True,
            priority=priority - depth, headers=headers,
            meta={"site_id": site_id, "depth": depth, "kind": kind, "referrer": referrer,
                  "language_base": language_base, "query_hops": query_hops,
                  # one politeness slot per host:port (Scrapy's default ignores the port); the per-IP
                  # middleware still caps everything a server's address answers for
                  "download_slot": urlsplit(url).netloc.lower()},
        )
        if self.previous is not None:
            self.previous.condition(request)
        return request

    # -- responses ---------------------------------------------------------------------------------
    def parse(self, response: Response) -> Iterator[Any]:
        yield from self._parse(response)
        yield from self._settle(response.meta["site_id"])

    def _settle(self, site_id: str) -> Iterator[Any]:
        """One request of the site answered (after everything it led to was yielded): when it was the
        last one in flight, the site's crawl is done and its checks can start while others crawl."""
        state = self.states[site_id]
        state.in_flight -= 1
        if state.in_flight == 0:
            yield {"type": "site_done", "site_id": site_id, "clock": self.clocks().get(site_id)}
            if self.waiting:  # its place goes to the next site (scheduled as a start request, at depth 0)
                for request in self.start_requests_of(self.waiting.pop(0)):
                    self.crawler.engine.crawl(request)

    def _parse(self, response: Response) -> Iterator[Any]:
        meta = response.meta
        site_id, depth, kind = meta["site_id"], meta["depth"], meta["kind"]
        state = self.states[site_id]
        state.last = time.monotonic()
        judgement = None  # what the previous crawl's checks concluded of a page unchanged since (a 304)
        if response.status == 304 and meta.get("revalidate") and self.previous is not None:
            reused = self.previous.reuse(response)  # unchanged since the previous crawl: its stored body
            if reused is None:
                state.in_flight += 1
                yield full_request(response.request)
                return
            response = reused
            judgement = self.previous.judgement(site_id, response)
        if kind == "attachment" and response.status in (405, 501) and response.request.method == "HEAD":
            # Some servers refuse HEAD; ask again with GET (the size cap still applies).
            yield self._request(site_id, response.url, depth=depth, kind=kind, referrer=meta["referrer"], method="GET")
            return
        if (confirm := confirm_with_get(self, response)) is not None:
            yield confirm  # a resource's HEAD refused or failed: GET decides
            return
        if depth == 0 and kind == "page":
            yield from self._adopt_redirect_host(state, response.url)
        selector = page_selector(response)
        is_text = isinstance(response, TextResponse)
        content_type = response.headers.get("Content-Type", b"").decode("latin-1") or None
        is_html = is_text and kind not in ("attachment", "resource") and "html" in (content_type or "text/html").lower()
        keep_body = is_html or (kind == "attachment" and meta.get("read") and 200 <= response.status < 300)
        requested = meta.get("redirect_urls", [response.url])[0]
        if is_html and response.status == 200 and kind == "page" and state.is_duplicate_index(response.url, response.body):
            kind = "duplicate"  # recorded as fetched; its links are the original's, so not recorded twice
        yield {
            "type": "page", "site_id": site_id, "url": requested, "final_url": response.url,
            "status": response.status,
            "headers": {k.decode("latin-1").lower(): b", ".join(v).decode("latin-1") for k, v in response.headers.items()},
            "body": response.body if keep_body else b"",  # an attachment's for the checks to read offline
            "encoding": response.encoding if is_html else None,
            "content_type": content_type, "kind": kind, "depth": depth, "referrer": meta["referrer"],
            "elapsed": meta.get("download_latency"), "fetched_at": time.time(),
            **({"judgement": judgement} if judgement is not None else {}),
        }
        if kind in ("probe-404", "resource"):
            return  # stored for the soft-404 comparison / links.broken-resource only
        if self.prober is not None and kind in ("page", "host-home", "service", "duplicate"):
            self._probe_hosts(response, selector, is_html)
        if kind == "service":
            if is_html and response.status < 400:
                yield from self._follow_service(state, response, selector(), depth, meta.get("language_base") or depth)
            return
        challenge = waf_challenge(response.status, response.body) if response.status >= 400 else None
        if challenge:
            yield self._not_scanned(site_id, requested, "waf-challenge", challenge, meta["referrer"], fetched=True)
            return
        if response.status in BLOCKED_STATUSES or response.status >= 500:
            reason = BLOCKED_STATUSES.get(response.status, f"http-{response.status}")
            detail = f"HTTP {response.status}"
            if meta.get("retry_after_refused"):
                detail += f"; {meta['retry_after_refused']}"
            yield self._not_scanned(site_id, requested, reason, detail, meta["referrer"], fetched=True)
            return
        if not is_html or response.status >= 400 or kind in ("host-home", "duplicate"):
            return
        in_scope_final = state.config.in_scope(response.url) or kind == "language"
        links = list(extract_links(selector(), response.url))
        yield {"type": "links", "site_id": site_id, "links": [
            {"src": response.url, "dst": link.url, "text": link.text, "tag": link.tag,
             "in_scope": state.config.in_scope(link.url), "kind": self._link_kind(state, link)}
            for link in links
        ]}
        if in_scope_final and not (state.config.not_followed(response.url) or state.config.not_followed(requested)):
            yield from self._follow(state, response.url, links, depth, kind, meta.get("language_base"),
                                    meta.get("query_hops", 0))

    def _probe_hosts(self, response: Response, selector: Callable[[], Selector], is_html: bool) -> None:
        """Every HTTPS host:port the site's pages and login forms live on is scanned once (in the background)."""
        if response.url.startswith("https://"):
            self.prober.tls(*host_port(response.url))
        if is_html and response.status < 400 and PASSWORD_BYTES.search(response.body):
            for action in selector().xpath(PASSWORD_FORM_ACTIONS).getall():
                url = response.urljoin(action.strip())
                if url.startswith("https://"):
                    self.prober.tls(*host_port(url))

    def _follow_service(self, state: _SiteState, response: Response, selector: Selector, depth: int,
                        base: int) -> Iterator[Any]:
        """On a login/e-service host, follow its own login links a little way, to reach the login page."""
        if depth + 1 - base > self.service_depth:
            return
        for link in extract_links(selector, response.url):
            if (link.tag in ("a", "area", "frame", "iframe") and link.url not in state.seen
                    and _same_host(link.url, response.url) and is_service_link(link.text, link.url)
                    and state.service_scheduled < self.service_max_pages):
                state.service_scheduled += 1
                state.seen.add(link.url)
                yield self._request(state.config.id, link.url, depth=depth + 1, kind="service",
                                    referrer=response.url, language_base=base)

    def _adopt_redirect_host(self, state: _SiteState, final_url: str) -> Iterator[Any]:
        """A start page that redirects to another host (x.gov.cn -> www.x.gov.cn, http -> https:8443)
        makes that host part of the site: otherwise the whole site would look out of scope."""
        config = state.config
        if config.on_host(final_url):
            return
        state.config = replace(config, aliases=(*config.aliases, urlsplit(final_url).netloc.lower()))
        yield {"type": "site", "site_id": config.id, "config": state.config.to_dict()}

    def _link_kind(self, state: _SiteState, link: FoundLink) -> str:
        if is_attachment(link.url):
            return "attachment"
        if link.tag in FOLLOWED_TAGS or link.tag == "link-alternate":
            return "page" if state.config.in_scope(link.url) else "external"
        return "resource"

    def _follow(self, state: _SiteState, source: str, links: list[FoundLink], depth: int, kind: str,
                language_base: int | None = None, query_hops: int = 0) -> Iterator[Any]:
        site = state.config
        state.prefetch([link.url for link in links])
        source_parts = urlsplit(source)
        for link in links:
            url = link.url
            if state.known(url) or site.ignored(url):  # --ignore-url: neither fetched nor reported
                continue
            if link.tag in RESOURCE_TAGS:
                yield from resource_requests(self, state, url, depth, source)
                continue
            danger = unsafe_link(url, link.text) if link.tag in FOLLOWED_TAGS else None
            if danger:  # never log out, delete or cancel anything, whatever the flags
                state.seen.add(url)
                if site.on_host(url):
                    yield self._not_scanned(site.id, url, "unsafe-link", danger, source)
                continue
            parts = urlsplit(url)
            hops = query_hops + 1 if (parts.netloc, parts.path) == (source_parts.netloc, source_parts.path) \
                and parts.query != source_parts.query else 0
            if hops > TRAP_HOPS:
                state.seen.add(url)
                yield self._not_scanned(site.id, url, "crawler-trap",
                                        f"more than {TRAP_HOPS} same-path query hops in a row ({parts.path}?…)", source)
                continue
            language_link = is_language_link(url, link.text, link.hreflang, site)
            if link.tag not in FOLLOWED_TAGS and not (link.tag == "link-alternate" and language_link):
                continue
            if kind == "language" and not site.in_scope(url):
                if depth + 1 - (language_base or 0) > LANGUAGE_DEPTH or not _same_host(url, source):
                    continue
                next_kind = "language"
            elif not site.in_scope(url):
                if language_link:
                    next_kind = "language"
                elif (kind == "page" and link.tag in ("a", "area") and not site.on_host(url)
                      and is_service_link(link.text, url)):
                    # a login / e-service system on another host: fetched to find its login page, never audited
                    # as part of the site otherwise (docs/SPEC.md §6)
                    if (state.service_scheduled < self.service_max_pages and self.options.max_depth > 0
                            and depth + 1 <= self.options.max_depth + self.service_depth):
                        state.service_scheduled += 1
                        state.seen.add(url)
                        yield self._request(site.id, url, depth=depth + 1, kind="service", referrer=source,
                                            language_base=depth + 1)
                    continue
                else:
                    if site.on_host(url):
                        yield from state.claim(url, None, partial(
                            _one, self._not_scanned(site.id, url, "out-of-scope", "outside the site's path prefix", source)))
                    continue
            else:
                next_kind = "attachment" if is_attachment(url) else "page"
            if depth + 1 > self.options.max_depth and next_kind != "language":
                yield self._not_scanned(site.id, url, "max-depth", f"deeper than --max-depth {self.options.max_depth}", source)
                continue
            if next_kind == "attachment":
                yield from state.claim(
                    url, "attachment",
                    lambda url=url: [self._attachment_request(state, url, depth + 1, source)],
                    partial(_one, self._not_scanned(site.id, url, "max-pages", "attachment limit reached", source)))
                continue
            if next_kind == "language" and (self.options.max_depth == 0
                                            or depth + 1 > self.options.max_depth + LANGUAGE_DEPTH):
                continue  # --max-depth 0 audits exactly the given URLs
            base = None
            if next_kind == "language":  # depth is counted from the version's entry page
                base = language_base if kind == "language" and language_base is not None else depth + 1
            yield from state.claim(
                url, "page" if next_kind == "page" else None,
                lambda url=url, next_kind=next_kind, base=base, hops=hops: [self._request(
                    site.id, url, depth=depth + 1, kind=next_kind, referrer=source, language_base=base,
                    query_hops=hops)],
                partial(_one, self._not_scanned(site.id, url, "max-pages", f"over --max-pages {self.options.max_pages}", source)))

    def _attachment_request(self, state: _SiteState, url: str, depth: int, referrer: str) -> scrapy.Request:
        """An attachment a reader takes (auditcli.core.attachments) is fetched whole, under --max-attachment-mb,
        while the site has reads left (--max-attachments), to be read for personal data; any other is only
        asked for its status (HEAD), to find broken ones. An attachment over the size cap is cancelled by
        Scrapy (`download_maxsize`) and recorded as not scanned, too-large: not broken."""
        read = readable_type(url) is not None and state.attachments_read < self.options.max_attachments
        request = self._request(state.config.id, url, depth=depth, kind="attachment", referrer=referrer,
                                method="GET" if read else "HEAD")
        if read:
            state.attachments_read += 1
            request.meta["read"] = True
            request.meta["download_maxsize"] = min(self.options.max_attachment_bytes, self.options.max_size)
            if self.previous is not None:  # (a read one only: its body is what a 304 would save)
                self.previous.condition(request)
        return request

    # -- failures ----------------------------------------------------------------------------------
    def failed(self, failure: Failure) -> Iterator[Any]:
        yield from self._failed(failure)
        yield from self._settle(failure.request.meta["site_id"])

    def _failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request
        meta = request.meta
        reason, detail = classify_failure(failure)
        url = meta.get("redirect_urls", [request.url])[0]
        state = self.states.get(meta.get("site_id"))
        if state is not None:
            state.last = time.monotonic()
        if meta.get("kind") == "probe-404":
            return
        if isinstance(failure.value, IgnoreRequest) and reason == "robots" and meta["kind"] == "host-home":
            return
        if meta["kind"] == "service":  # another host's login system: not part of the site's scan record
            return
        yield self._not_scanned(meta["site_id"], url, reason, detail, meta.get("referrer"))

    @staticmethod
    def _not_scanned(site_id: str, url: str, reason: str, detail: str | None, referrer: str | None,
                     fetched: bool = False) -> dict[str, Any]:
        return {"type": "not_scanned", "site_id": site_id, "url": url, "reason": reason,
                "detail": detail, "referrer": referrer, "fetched": fetched}


def _one(item: Any) -> list[Any]:
    return [item]


def _same_host(a: str, b: str) -> bool:
    return urlsplit(a).netloc.lower() == urlsplit(b).netloc.lower()
