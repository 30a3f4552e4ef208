"""Browser mode (`--browser`): after the crawl, render a sample of each site's pages (or all of them)
in headless Chromium with axe-core, and store the results in the page store for the checks.

The sample covers every page template of a site: the home page, each column's list page and one
article of each column (the column model of checks/columns.py says which pages those are). The list
pages of columns whose list a script fills are rendered in every mode, with a snapshot of their DOM and
of the JSON they fetch, so the column analysis judges the list a reader sees (docs/SPEC.md §6).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from auditcli.core.models import SiteConfig
from auditcli.stores.pagestore import PageStore
from auditcli.stores.probes import BrowserProbe
from checks.engine.columnmodel import columns_model
from checks.engine.siteview import SiteView
from spiders.render import RenderOptions, axe_source, render_pages

log = logging.getLogger("auditcli.browser")
PAGE_MODES = ("sample", "all")


@dataclass
class BrowserRun:
    pages: int = 0
    ok: int = 0
    not_scanned: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0


def sample_urls(site: SiteView) -> list[str]:
    """Home page, each column's list page, and the first stored article of each column."""
    urls: list[str] = []
    home = site.homepage
    if home is not None:
        urls.append(home.final_url)
    for column in columns_model(site).columns:
        urls.append(column.url)
        for row in column.items:
            page = site.page(row.href)
            if page is not None and 200 <= page.status < 300 and page.is_html:
                urls.append(page.final_url)
                break
    return list(dict.fromkeys(urls))


def script_list_urls(site: SiteView) -> list[str]:
    """The list pages of the columns whose list a script fills: rendered in every mode, and snapshotted
    (their DOM and the JSON they fetch) so the column analysis judges the list the browser shows."""
    return list(dict.fromkeys(p.final_url for c in columns_model(site).columns
                              if c.status == "needs-browser" or c.rendered for p in c.pages))


def all_urls(site: SiteView) -> list[str]:
    return list(dict.fromkeys(page.final_url for page in site.pages()))


def render_store(store_path: Path, mode: str = "sample", options: RenderOptions | None = None,
                 progress: Callable[[str, dict[str, Any]], None] | None = None) -> BrowserRun:
    """Render the chosen pages of every reachable site in the store; results go into the store."""
    import time

    begun = time.perf_counter()
    store = PageStore.open_existing(store_path)
    try:
        as_of = date.fromisoformat(store.get_meta("as_of") or date.today().isoformat())
        wanted: dict[str, list[str]] = {}
        snapshot: set[str] = set()
        configs: dict[str, SiteConfig] = {}
        for row in store.sites():
            if row["status"] == "unreachable":
                continue
            config = SiteConfig.from_dict(row["config"])
            configs[config.id] = config
            view = SiteView(config, store, as_of)
            try:
                scripted = script_list_urls(view)
                urls = [*(all_urls(view) if mode == "all" else sample_urls(view)), *scripted]
            except Exception as exc:  # one site's odd pages never cost the others their rendering
                log.warning("browser mode: no pages chosen for %s: %s", config.id, exc)
                continue
            snapshot.update(scripted)
            for url in dict.fromkeys(urls):
                wanted.setdefault(url, []).append(config.id)
        used = replace(options or RenderOptions(), snapshot=frozenset(snapshot))
        results = render_pages(list(wanted), used, progress)
        _, version = axe_source()
        run = BrowserRun(pages=len(wanted))
        for url, site_ids in wanted.items():
            result = results.get(url) or {"status": "error", "detail": "not rendered"}
            status = result.get("status", "error")
            for site_id in site_ids:
                store.add_rendered(site_id, url, status, result.get("detail"), result if status == "ok" else None)
            if status == "ok":
                run.ok += 1
            else:
                run.not_scanned.append({"url": url, "reason": status, "detail": result.get("detail")})
        for config in configs.values():
            parts = urlsplit(config.url)
            port = parts.port or (443 if parts.scheme == "https" else 80)
            store.set_probe("browser", parts.hostname or "", port,
                            BrowserProbe(mode=mode, axe=version, site=config.id,
                                         pages=sum(1 for ids in wanted.values() if config.id in ids)))
        store.commit()
        run.seconds = round(time.perf_counter() - begun, 2)
        delay, per_host, per_ip = used.limits()
        store.set_meta("browser", {"mode": mode, "axe": version, "pages": run.pages, "ok": run.ok,
                                   "not_scanned": len(run.not_scanned), "seconds": run.seconds,
                                   "workers": used.workers, "timeout": used.timeout, "settle": used.settle,
                                   "resource_timeout": used.resource_timeout,
                                   "delay": delay, "per_host": per_host, "per_ip": per_ip})
        return run
    finally:
        store.close()
