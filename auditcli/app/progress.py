"""The run's live display: one line per site on a terminal (queued, crawling with the pages found so far,
crawled, judged with its score; a finished site's clock stops), one line per site judged otherwise (CI
logs), and a summary line at the end. Ctrl-C is acknowledged at once: the crawl stops gracefully, which
can take a few seconds, and a user who sees nothing presses again and loses the graceful stop."""

from __future__ import annotations

import logging
import sys
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress, TaskID, TextColumn, TimeElapsedColumn

from auditcli.app.orchestrate import crawl_sites
from auditcli.core.models import AuditConfig

log = logging.getLogger("auditcli.crawl")


def site_line(site_id: str, site: dict[str, Any], seconds: float | None = None) -> str:
    """The line of a judged site, as the run prints it once the site is judged."""
    score = "not assessed" if site.get("score") is None else f"{site['score']:.1f}"
    took = f" in {seconds:.1f}s" if seconds is not None else ""
    return (f"checked {site_id}: {site.get('status')}, {site.get('pages')} pages, {len(site.get('findings') or [])} "
            f"findings, score {score} ({site.get('verdict')}){took}")


def summary_line(results: dict[str, Any], report: Path | None) -> str:
    """The run's last line: how many sites, how many fail, how many carry a veto, where the report is."""
    sites = results.get("sites") or []
    failing = sum(1 for s in sites if s.get("verdict") == "fail")
    vetoed = sum(1 for s in sites if s.get("vetoes"))
    unassessed = sum(1 for s in sites if s.get("verdict") == "not-assessed")
    line = f"audited {len(sites)} site{'s' if len(sites) != 1 else ''}: {failing} failing, {vetoed} with a veto"
    if unassessed:
        line += f", {unassessed} not assessed"
    return line + (f"; report: {report}" if report is not None else "")


class SiteDisplay:
    """Each site's state for the run. On a terminal a rich line per site; without one (CI), only the
    "checked" line of each site judged; quiet, nothing. Calls come from the crawl's thread and from the
    check workers' collector thread: a site is announced judged once, whoever reports it first."""

    def __init__(self, site_ids: list[str], quiet: bool = False, console: Console | None = None,
                 live: bool | None = None):
        self.console = console or Console(stderr=True)
        self.quiet = quiet
        self.live = (not quiet) and (sys.stderr.isatty() if live is None else live)
        self.pages = {site_id: 0 for site_id in site_ids}
        self.judged: set[str] = set()
        self.crawled: set[str] = set()
        self.lock = threading.Lock()
        self.progress: Progress | None = None
        self.tasks: dict[str, TaskID] = {}
        if self.live:
            self.progress = Progress(TextColumn("{task.description}"), TextColumn("{task.fields[state]}"),
                                     TimeElapsedColumn(), console=self.console, transient=False)
            width = max((len(s) for s in site_ids), default=0)
            self.tasks = {site_id: self.progress.add_task(site_id.ljust(width), start=False, total=None,
                                                          state="queued") for site_id in site_ids}

    def __enter__(self) -> SiteDisplay:
        if self.progress is not None:
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None

    def page(self, site_id: str, url: str = "", status: int = 0) -> None:
        """A response of `site_id` stored: its clock starts with the first, the count is what was found."""
        with self.lock:
            self.pages[site_id] = self.pages.get(site_id, 0) + 1
            if self.progress is None or site_id not in self.tasks or site_id in self.crawled:
                return
            task = self.tasks[site_id]
            if self.pages[site_id] == 1:
                self.progress.start_task(task)
            n = self.pages[site_id]
            self.progress.update(task, state=f"crawling: {n} page{'s' if n != 1 else ''} found")

    def crawl_done(self, site_id: str) -> None:
        """The crawl of `site_id` ended (its pages are all in): its clock stops, judging follows."""
        with self.lock:
            if site_id in self.crawled:
                return
            self.crawled.add(site_id)
            if self.progress is None or site_id not in self.tasks or site_id in self.judged:
                return
            self._stop(site_id, f"crawled {self.pages.get(site_id, 0)} pages, judging…")

    def all_crawled(self) -> None:
        for site_id in list(self.pages):
            self.crawl_done(site_id)

    def site_judged(self, site_id: str, site: dict[str, Any], seconds: float | None = None) -> None:
        """`site_id` judged: its line shows the score, and a "checked" line is printed (once)."""
        with self.lock:
            if site_id in self.judged or self.quiet:
                return
            self.judged.add(site_id)
            self.crawled.add(site_id)
            if self.progress is not None and site_id in self.tasks:
                score = "not assessed" if site.get("score") is None else f"score {site['score']:.1f}"
                self._stop(site_id, f"judged: {score} ({site.get('verdict')}), {site.get('pages')} pages")
            self.console.print(site_line(site_id, site, seconds), markup=False, highlight=False)

    def stopping(self) -> None:
        """Ctrl-C seen: said at once, before the graceful stop (which can take a few seconds)."""
        if not self.quiet:
            self.console.print("stopping… (the pages fetched so far are kept; Ctrl-C again to force)",
                               markup=False, highlight=False)

    def _stop(self, site_id: str, state: str) -> None:
        assert self.progress is not None
        task = self.tasks[site_id]
        if not self.progress.tasks[task].started:  # a site with no page (unreachable): no clock ran
            self.progress.start_task(task)
        self.progress.stop_task(task)
        self.progress.update(task, state=state)


class _ShutdownNotice(logging.Handler):
    """Scrapy takes Ctrl-C itself and logs it (from the reactor, right away) at a level a normal run
    does not show: this turns that record into the display's "stopping…"."""

    def __init__(self, display: SiteDisplay):
        super().__init__(logging.INFO)
        self.display = display
        self.seen = False

    def emit(self, record: logging.LogRecord) -> None:
        if not self.seen and record.name == "scrapy.crawler" and str(record.msg).startswith("Received %(signame)s, shutting"):
            self.seen = True
            self.display.stopping()


def run_crawl(config: AuditConfig, store_dir: Path, options, as_of: date, quiet: bool = False, verbose: bool = False,
              resume: bool = False, site_done=None, distributed=None, display: SiteDisplay | None = None) -> Path:
    """Crawl with the display (`display`, or one made for the crawl alone); without `site_done` every site
    ends with the crawl."""
    started = time.perf_counter()
    own = display is None
    shown = display or SiteDisplay([site.id for site in config.sites], quiet=quiet)
    # on the root logger: Scrapy's logging set-up resets its own loggers' handlers, and sets "scrapy" to DEBUG
    notice = _ShutdownNotice(shown)
    root = logging.getLogger()
    root.addHandler(notice)

    def page(site_id: str, url: str, status: int) -> None:  # a function: Scrapy deep-copies its settings
        shown.page(site_id, url, status)

    def handed(site_id: str) -> None:
        shown.crawl_done(site_id)
        site_done(site_id)

    try:
        if own:
            shown.__enter__()
        path = crawl_sites(config, store_dir, options, as_of, progress=page, verbose=verbose, resume=resume,
                           site_done=handed if site_done is not None else None, distributed=distributed)
        shown.all_crawled()
    finally:
        root.removeHandler(notice)
        if own:
            shown.close()
    if not quiet:
        seconds = time.perf_counter() - started
        log.info("crawled %d sites, %d responses in %.1fs into %s", len(config.sites), sum(shown.pages.values()),
                 seconds, path)
    return path
