"""What a check sees of one site: its configuration, the as-of date and read access to the page store."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Iterator
from datetime import date
from functools import cached_property
from typing import Any, TypeVar

from auditcli.core.html import stub_targets
from auditcli.core.models import SiteConfig
from auditcli.core.tree import Element, meta_content, parse, text_of
from auditcli.stores.pagestore import Link, NotScanned, PageStore, StoredPage
from checks.engine.judged import MISSING, Judgements
from checks.engine.watchdog import page_limit, time_limit

log = logging.getLogger("auditcli.checks")
T = TypeVar("T")


class Page:
    """A stored page with its HTML parsed lazily, once, into lxml's tree (`tree`, auditcli.core.tree)."""

    def __init__(self, stored: StoredPage):
        self.stored = stored

    url = property(lambda self: self.stored.url)
    final_url = property(lambda self: self.stored.final_url)
    status = property(lambda self: self.stored.status)
    headers = property(lambda self: self.stored.headers)
    depth = property(lambda self: self.stored.depth)
    kind = property(lambda self: self.stored.kind)
    is_html = property(lambda self: self.stored.is_html)
    text = property(lambda self: self.stored.text)

    @cached_property
    def tree(self) -> Element:
        """The page's <html> element: every page check and page analysis reads this one tree."""
        return parse(self.stored.text)

    def release(self) -> None:
        """Drop the parsed tree, so memory stays flat however many pages a site has."""
        for name in ("tree", "a11y_dom"):  # a11y_dom: the accessibility view of the tree (checks.a11y.dom)
            self.__dict__.pop(name, None)

    @property
    def title(self) -> str:
        """The first <title>'s text, whitespace collapsed (a title holds text only)."""
        tag = next(self.tree.iter("title"), None)
        return text_of(tag) if tag is not None else ""

    def meta(self, name: str) -> str | None:
        """The content of the first <meta name> of that name (any case)."""
        return meta_content(self.tree, name)

    def __repr__(self) -> str:
        return f"<Page {self.status} {self.final_url}>"


class SiteView:
    def __init__(self, config: SiteConfig, store: PageStore, as_of: date, options: dict[str, Any] | None = None):
        self.config = config
        self.store = store
        self.as_of = as_of
        self.options = options or {}
        self._analyses: dict[Callable[..., Any], Any] = {}
        self._page_results: dict[Callable[..., Any], list[Any]] = {}
        self._recent: OrderedDict[str, Page | None] = OrderedDict()
        self.analysis_errors: list[tuple[str, str, BaseException]] = []  # (analysis, page, error): made visible

    @property
    def id(self) -> str:
        return self.config.id

    def pages(self, kind: str | None = "page", html_only: bool = True, ok_only: bool = True) -> Iterator[Page]:
        """Stream fetched pages; by default only successful HTML pages of the site itself."""
        for stored in self.store.pages(self.id, kind=kind):
            if _readable(stored, html_only, ok_only):
                yield Page(stored)

    @staticmethod
    def is_checked(stored: StoredPage) -> bool:
        """Is a stored page one of those `pages()` gives by default (the page pass reads)?"""
        return stored.kind == "page" and _readable(stored)

    RECENT_PAGES = 16

    def page(self, url: str) -> Page | None:
        """The stored page at `url`. Site checks come back to the same few pages (home page, language
        entries, link sources): the last few are kept with their parsed trees, so each is parsed once."""
        if url in self._recent:
            self._recent.move_to_end(url)
            return self._recent[url]
        stored = self.store.page(self.id, url)
        page = Page(stored) if stored else None
        self._recent[url] = page
        if len(self._recent) > self.RECENT_PAGES:
            self._recent.popitem(last=False)
        return page

    @cached_property
    def homepage(self) -> Page | None:
        """The page an inspector sees as the home page: a frameset or script-redirect doorway is followed."""
        page = self.page(self.config.url)
        if not (page and 200 <= page.status < 300 and page.is_html and page.kind == "page"):
            return None
        behind = [self.page(url) for url in stub_targets(page.text, page.final_url)]
        behind = [p for p in behind if p is not None and 200 <= p.status < 300 and p.is_html]
        return max(behind, key=lambda p: len(p.text)) if behind else page

    @cached_property
    def host_home(self) -> Page | None:
        """The host portal's home page: identity items of a column-tree site live in its footer."""
        if self.config.is_host_root:
            return self.homepage
        for stored in self.store.pages(self.id, kind="host-home"):
            if 200 <= stored.status < 300 and stored.is_html:
                return Page(stored)
        return self.homepage

    def fetch_statuses(self) -> Iterator[tuple[str, str, int, str]]:
        return self.store.fetch_statuses(self.id)

    def links(self) -> Iterator[Link]:
        return self.store.links(self.id)

    def referrers(self, url: str) -> list[str]:
        return self.store.referrers(self.id, url)

    def not_scanned(self) -> list[NotScanned]:
        return self.store.not_scanned(self.id)

    def probe(self, kind: str, host: str, port: int) -> Any:
        """What the crawl measured of host:port besides its pages, typed (auditcli.stores.probes: TlsScan,
        RedirectProbe, Ipv6Probe, BrowserProbe), or None when it made no such probe."""
        return self.store.probe(kind, host, port)

    def in_scope(self, url: str) -> bool:
        return self.config.in_scope(url)

    def lacks(self, needs: tuple[str, ...]) -> tuple[str, str] | None:
        """Why the crawl cannot give a check what it declared it needs (zh, en), or None: no page; no link
        recorded; no probe of that kind; a page analysis (`analysis:NAME`, by its function name) that could
        not read some page, so a check judging on it would judge on part of the site. Asked after the page
        pass, so the analyses' failures are known."""
        for need in needs:
            kind, _, name = need.partition(":")
            if kind == "pages" and next(iter(self.pages()), None) is None:
                return "没有抓取到页面", "no page was fetched"
            if kind == "links" and not self.store.has_links(self.id):
                return "抓取未记录任何链接", "the crawl recorded no links"
            if kind == "probe" and not self.store.has_probe(name):
                return f"抓取时未进行 {name} 探测", f"the crawl made no {name} probe"
            if kind == "analysis":
                failed = sum(1 for analysis, _, _ in self.analysis_errors if analysis == name)
                if failed:
                    return (f"页面分析 {name} 有 {failed} 个页面未能读取",
                            f"the page analysis {name} could not read {failed} page(s)")
        return None

    def memo(self, function: Callable[[SiteView], T]) -> T:
        """The site analysis `function` (see checks.engine.registry.site_analysis), computed once per site."""
        if function not in self._analyses:
            self._analyses[function] = function(self)
        return self._analyses[function]

    def page_pass(self, analyses: list[Callable[..., Any]],
                  on_page: Callable[[Page], None] | None = None) -> None:
        """One pass over the site's pages: each page parsed once, its tree shared by every page analysis
        (and by `on_page`, the runner's page checks) and released before the next page, so memory stays
        flat. Analyses that cut the tree (`consumes_tree`) run last."""
        run = self.begin_pass(analyses, on_page)
        for page in self.pages():
            run.feed(page)
        run.close()

    def begin_pass(self, analyses: list[Callable[..., Any]], on_page: Callable[[Page], None] | None = None,
                   judgements: Judgements | None = None) -> PagePass:
        """A page pass fed page by page: the streaming check workers feed pages as the crawl stores them.
        With `judgements`, what a previous pass concluded of an unchanged page is taken, not judged again."""
        return PagePass(self, [f for f in analyses if f not in self._page_results], on_page, judgements)

    def page_results(self, analysis: Callable[..., T]) -> list[T]:
        """The records a page analysis made of every page (a pass of its own if the runner made none)."""
        if analysis not in self._page_results:
            self.page_pass([analysis])
        return self._page_results[analysis]


def _readable(stored: StoredPage, html_only: bool = True, ok_only: bool = True) -> bool:
    return (not ok_only or 200 <= stored.status < 300) and (not html_only or stored.is_html)


class PagePass:
    """The page pass of one site, fed one page at a time. Page analyses and page checks read the page
    and the site's configuration only (never other pages, never site analyses but the browser's results),
    so feeding pages while the crawl goes on gives what a pass over the finished crawl gives. With
    `judgements`, what each of them read of the site is noted, and a function whose judgement of an
    unchanged page still holds is not run again (checks.engine.judged)."""

    def __init__(self, site: SiteView, analyses: list[Callable[..., Any]], on_page: Callable[[Page], None] | None,
                 judgements: Judgements | None = None):
        self.site = site
        self.on_page = on_page
        self.analyses = [(f, f"{f.__module__}:{f.__qualname__}") for f in analyses]
        self.judgements = judgements
        self.results: dict[Callable[..., Any], list[Any]] = {f: [] for f in analyses}

    def feed(self, page: Page) -> None:
        memory = self.judgements
        if memory is not None:
            memory.begin(page)
        if self.on_page is not None:
            self.on_page(page)
        limit = page_limit()
        for function, name in self.analyses:
            record = memory.recall(name) if memory is not None else MISSING
            if record is MISSING:
                site = memory.watched() if memory is not None else self.site
                try:
                    with time_limit(limit):
                        record = function(page, site)
                except Exception as exc:  # one unparseable page never costs the site its analysis
                    log.warning("%s skipped %s: %s", function.__name__, page.final_url, exc)
                    self.site.analysis_errors.append((function.__name__, page.final_url, exc))
                    if memory is not None:
                        memory.failed(name)
                    continue
                if memory is not None:
                    memory.keep(name, record, site)
            if record is not None:
                self.results[function].append(record)
        if memory is not None:
            memory.end(page.url)
        page.release()

    def close(self) -> None:
        self.site._page_results.update(self.results)
