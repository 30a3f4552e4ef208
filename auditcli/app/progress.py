"""Crawl with a live display: a rich progress bar on a terminal, plain log lines otherwise (CI)."""

from __future__ import annotations

import logging
import sys
import time
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from auditcli.app.orchestrate import crawl_sites
from auditcli.core.models import AuditConfig

log = logging.getLogger("auditcli.crawl")


def run_crawl(config: AuditConfig, store_dir: Path, options, as_of: date, quiet: bool = False, verbose: bool = False,
              resume: bool = False, site_done=None, distributed=None) -> Path:
    started = time.perf_counter()
    counts = {site.id: 0 for site in config.sites}
    if quiet:
        path = crawl_sites(config, store_dir, options, as_of, verbose=verbose, resume=resume, site_done=site_done,
                           distributed=distributed)
    elif sys.stderr.isatty():
        console = Console(stderr=True)
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=console, transient=False) as progress:
            tasks = {site.id: progress.add_task(site.id, total=options.max_pages) for site in config.sites}

            def tick(site_id: str, url: str, status: int) -> None:
                counts[site_id] += 1
                progress.update(tasks[site_id], completed=min(counts[site_id], options.max_pages))

            path = crawl_sites(config, store_dir, options, as_of, progress=tick, verbose=verbose, resume=resume, site_done=site_done,
                           distributed=distributed)
    else:
        last = [time.perf_counter()]

        def tick(site_id: str, url: str, status: int) -> None:
            counts[site_id] += 1
            if time.perf_counter() - last[0] > 5:
                last[0] = time.perf_counter()
                log.info("crawling: %d responses so far", sum(counts.values()))

        path = crawl_sites(config, store_dir, options, as_of, progress=tick, verbose=verbose, resume=resume, site_done=site_done,
                           distributed=distributed)
    if not quiet:
        total = sum(counts.values())
        seconds = time.perf_counter() - started
        log.info("crawled %d sites, %d responses in %.1fs into %s", len(config.sites), total, seconds, path)
    return path
