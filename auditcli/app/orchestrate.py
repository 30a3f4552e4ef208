"""Run the pipeline: targets → crawl (page store) → checks → scoring → results.json → renderers."""

from __future__ import annotations

import logging
import re
import time
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from auditcli import __version__
from auditcli.core import availability
from auditcli.core.barriers import accessibility_block
from auditcli.core.models import AuditConfig, SiteConfig
from auditcli.core.vocabulary import dimension_catalogue
from auditcli.stores.pagestore import PageStore
from auditcli.stores.results import write_results
from checks.columns.shared import note_shared_content
from checks.engine.registry import CheckSpec, all_checks, select
from checks.engine.runner import SiteChecks, SiteRun, dimension_status
from checks.engine.siteview import SiteView
from checks.links.coverage import note_coverage

log = logging.getLogger("auditcli")


@dataclass
class CheckOptions:
    as_of: date
    profile: str = "cn-gov-2019"
    only: list[str] = field(default_factory=list)
    skip: list[str] = field(default_factory=list)
    # What the checks judge by beyond the profile's thresholds, handed to them in `SiteView.options`
    # (word lists read from the user's files, the previous run's records): read before any check runs,
    # so a bad file is rejected up front and check workers get it with the options.
    settings: dict[str, Any] = field(default_factory=dict)
    # Write what the page pass concluded of each page into the store (checks.engine.judged), for the next
    # conditional re-audit to reuse: `audit` does, into the crawl it made; `check` leaves its input as it is.
    keep_judgements: bool = False


@dataclass(frozen=True)
class Distributed:
    """Where the workers of a distributed crawl meet: a Redis URL and a job name."""

    redis_url: str
    job: str = "auditcli"
    lease: float = 60.0


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


def crawl_sites(config: AuditConfig, store_dir: Path, crawl_options, as_of: date, progress=None, verbose=False,
                resume: bool = False, site_done=None, distributed: Distributed | None = None) -> Path:
    """A fresh crawl replaces any earlier store in `store_dir`; `resume` goes on with it instead.
    With `distributed`, `auditcli worker` processes fetch (spiders.distributed) and this process seeds
    the Redis job and writes what they fetch."""
    from spiders.revalidate import drop_set_aside, set_aside
    from spiders.run import crawl, crawl_distributed

    if crawl_options.since:  # a conditional re-audit (spiders.revalidate); not distributed: workers hold no store
        since = {} if distributed is not None else set_aside(Path(store_dir), crawl_options.since, resume)
        crawl_options = replace(crawl_options, since=since)
    if not resume:
        for suffix in ("", "-wal", "-shm"):
            (Path(store_dir) / (PageStore.FILENAME + suffix)).unlink(missing_ok=True)
    store = PageStore(store_dir)
    store.set_meta("audit", {"name": config.name, "profile": config.profile, "source": config.source})
    store.set_meta("as_of", as_of.isoformat())
    if not (resume and store.get_meta("started_at")):
        store.set_meta("started_at", now_iso())
    store.close()
    if distributed is not None:
        path = crawl_distributed(config.sites, store_dir, crawl_options, distributed.redis_url, distributed.job,
                                 distributed.lease, progress=progress, resume=resume, site_done=site_done)
    else:
        path = crawl(config.sites, store_dir, crawl_options, progress=progress, verbose=verbose, resume=resume,
                     site_done=site_done)
    drop_set_aside(Path(store_dir))
    return path


def check_store(store_path: Path, options: CheckOptions, run_meta: dict[str, Any] | None = None,
                site_done=None, workers=None) -> dict[str, Any]:
    """Checks and scoring over a stored crawl: no network. Returns the results dict.

    With `workers` (auditcli.app.checkworkers.CheckWorkers), sites are judged in worker processes (those already handed to them while the
    crawl ran are not judged again); otherwise one after the other in this process."""
    store = PageStore.open_existing(store_path)
    specs = select(all_checks(), options.only, options.skip)
    audit = store.get_meta("audit", {}) or {}
    started = (run_meta or {}).get("started_at") or store.get_meta("started_at") or now_iso()
    crawl_options = store.get_meta("crawl_options", {})
    rows = store.sites()
    if workers is not None:
        store.close()
        sites = workers.results(rows, site_done)
    else:
        judge = _Judge(options)
        sites = []
        for row in rows:
            begun = time.perf_counter()
            sites.append(judge(store, row))
            if site_done:
                site_done(SiteConfig.from_dict(row["config"]), sites[-1], time.perf_counter() - begun)
        store.close()
    note_shared_content(sites)  # an audit-wide pass over the judged sites, as scoring is a pass over each
    _note_coverage(sites, options)
    return {
        "schema": "auditcli.results/v1",
        "tool": {"name": "auditcli", "version": __version__},
        "run": {
            "id": (run_meta or {}).get("id") or new_run_id(),
            "name": audit.get("name") or "auditcli",
            "started_at": started,
            "finished_at": now_iso(),
            "as_of": options.as_of.isoformat(),
            "profile": options.profile,
            "options": {"only": options.only, "skip": options.skip, "crawl": crawl_options},
        },
        "checks": {spec.id: spec.catalogue_entry() for spec in specs},
        "dimensions": dimension_catalogue(),
        "sites": sites,
    }


def _note_coverage(sites: list[dict[str, Any]], options: CheckOptions) -> None:
    """The county tree (checks.links.coverage), judged once every site is: it adds findings to county
    sites after they were scored, so those are scored again (scoring reads only the site's results)."""
    from reports.scoring import load_profile, score_site

    profile = load_profile(options.profile)
    for index in note_coverage(sites, options.as_of, {**profile.check_settings(), **options.settings}):
        score_site(sites[index], profile)


class _Judge:
    """Judges one site of a store: its checks and its score. Loads the profile and selects the checks once."""

    def __init__(self, options: CheckOptions):
        from reports.scoring import load_profile, score_site

        self.options = options
        self.profile = load_profile(options.profile)
        self.score_site = score_site
        self.specs = select(all_checks(), options.only, options.skip)

    def view(self, config: SiteConfig, store: PageStore) -> SiteView:
        """The site as its checks see it, with the profile's thresholds (`Profile.check_settings`): the
        checks decide at the profile's limits, scoring reads their decisions."""
        return SiteView(config, store, self.options.as_of, {**self.profile.check_settings(), **self.options.settings})

    def __call__(self, store: PageStore, row: dict[str, Any], streamed: SiteRun | None = None) -> dict[str, Any]:
        """The site's results; `streamed` is its page pass already made while the crawl ran."""
        config = SiteConfig.from_dict(row["config"])
        try:
            view = streamed.site if streamed is not None else self.view(config, store)
            run = streamed if streamed is not None else SiteRun(view, self.specs, self.options.keep_judgements)
            site = _site_result(store, config, row, self.specs, view, self.profile, self.score_site, run,
                                streamed=streamed is not None)
            if self.options.keep_judgements and run.judgements.pages:
                with store.writing():  # beside the crawl, which may still write other sites
                    store.keep_judgements(config.id, run.judgements.made)
                    store.set_meta(f"judged:{config.id}", run.judgements.counts())
        except Exception as exc:  # one site's failure never loses the others' results
            log.exception("site %s could not be checked", config.id)
            site = _failed_site(config, row, self.specs, exc)
        clock = store.get_meta(f"site_clock:{config.id}")
        if clock:  # how long its crawl took, against --site-budget
            site["crawl"] = clock
        return site


def _site_result(store: PageStore, config: SiteConfig, row: dict[str, Any], specs: list[CheckSpec],
                 view: SiteView, profile, score_site, run: SiteRun, streamed: bool) -> dict[str, Any]:
    """The site's results; `run` is its page pass, `streamed` when fed already while the crawl ran."""
    site = _skeleton(config, row, specs)
    site["pages"] = store.count_checked_pages(config.id)
    site["not_scanned"] = [{"url": e.url, "reason": e.reason, "detail": e.detail, "referrer": e.referrer}
                           for e in store.not_scanned(config.id)]
    status = site["status"]
    site["availability"] = availability_block(config.id, status, view)
    if status == "unreachable" or view.homepage is None:
        # Nothing of the site itself could be read (unreachable, or its start page blocked, excluded by
        # robots.txt or missing): it is not assessed, never a perfect score for want of findings.
        if status != "unreachable":
            site["status_detail"] = f"start page could not be audited ({row.get('detail') or 'no page'})"
    else:
        site["name"] = _site_name(config, view)
        if not streamed:
            run.feed(view.pages())
        outcome = run.finish()
        site["dimensions"] = dimension_status(specs, outcome)
        site["findings"] = [f.to_dict() for f in outcome.findings]
        site["errors"] = outcome.errors
        site["outcomes"] = outcome.outcomes
        if any(spec.dimension == "accessibility" for spec in specs):
            rendered = store.rendered_status(config.id)
            scanned = sum(1 for _, status, _ in rendered if status == "ok")
            site["accessibility"] = accessibility_block(site["findings"], site["pages"], scanned)
            if rendered:
                site["accessibility"]["browser"] = {
                    "scanned": scanned,
                    "not_scanned": [{"url": url, "reason": status, "detail": detail}
                                    for url, status, detail in rendered if status != "ok"],
                }
        for name, value in outcome.blocks.items():
            if name == "homepage":
                site["homepage"] = {**site["homepage"], **value}
            else:
                site[name] = value
    score_site(site, profile)
    return site


def availability_block(site_id: str, status: str, view: SiteView) -> dict[str, Any]:
    """Whether the site is unreachable, decided here once (scoring reads it): by the week's probes from the
    history store (`probe_counts`, read by the CLI before the checks) when there are enough, else by
    this audit's own visit (the crawl's status), as the block says."""
    counts = view.options.get("probe_counts")
    days = None if counts is None else counts.get(site_id, {})
    rule = availability.ProbeRule.from_settings(view.options.get("availability_rule"))
    return availability.judge(days, view.as_of, status == "unreachable", rule)


def _site_name(config: SiteConfig, view: SiteView) -> str:
    """A site given as a bare URL is named by its home page (<meta name="SiteName">, else <title>)."""
    if config.name != urlsplit(config.url).netloc or view.homepage is None:
        return config.name
    named = view.homepage.meta("SiteName") or re.split(r"\s*[_|｜–—-]\s*", view.homepage.title)[-1]
    return named.strip()[:60] or config.name


def _skeleton(config: SiteConfig, row: dict[str, Any], specs: list[CheckSpec]) -> dict[str, Any]:
    """A site's results before any check ran: its crawl status, every dimension not assessed."""
    status = row["status"] if row["status"] in ("ok", "partial", "unreachable") else "unreachable"
    return {
        "id": config.id, "name": config.name, "level": config.level, "parent": config.parent,
        "url": config.url, "status": status, "status_detail": row.get("detail"), "pages": 0,
        "not_scanned": [], "score": None, "verdict": "not-assessed", "vetoes": [],
        "dimensions": dimension_status(specs, SiteChecks()),
        "homepage": {"url": config.url, "latest_date": None, "age_days": None},
        "columns": [], "languages": [], "findings": [], "errors": [],
    }


def _failed_site(config: SiteConfig, row: dict[str, Any], specs: list[CheckSpec], exc: Exception) -> dict[str, Any]:
    """What is known of a site whose checking failed as a whole: its crawl status and the error."""
    site = _skeleton(config, row, specs)
    site["errors"] = [{"check": "auditcli.site", "url": config.url, "error": f"{type(exc).__name__}: {exc}"}]
    return site


def save(results: dict[str, Any], out_dir: Path) -> Path:
    return write_results(results, out_dir / "results.json")
