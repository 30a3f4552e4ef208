"""The `auditcli` command line (typer + rich). Exit codes: 0 ok, 1 gate failed, 2 bad input, 3 nothing audited."""

from __future__ import annotations

import json
import logging
import sys
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import typer
from rich.console import Console

from auditcli import __version__
from auditcli.app.config import ConfigError, load_targets
from auditcli.app.flags import (
    AsOf,
    Browser,
    BrowserFlags,
    BrowserPages,
    BrowserTimeout,
    CheckWorkersOption,
    CrawlFlags,
    DiscoverFlags,
    Formats,
    History,
    JobName,
    JudgeFlags,
    Lang,
    Lease,
    OutDir,
    ProbeFlags,
    Quiet,
    RedisUrl,
    Resume,
    SafetyFlags,
    SitesOut,
    Strict,
    Targets,
    Verbose,
    option_groups,
)
from spiders.options import CrawlOptions

EXIT_OK, EXIT_GATE_FAILED, EXIT_BAD_INPUT, EXIT_NOTHING_AUDITED = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # the shell's convention for Ctrl-C
EXIT_INTERNAL_ERRORS = 4  # --strict: the audit completed, but a check or site crashed (see `errors`)

app = typer.Typer(
    name="auditcli",
    help=(
        "Audit Chinese government web portals (county, township and department sites): column freshness, "
        "empty columns, language versions, accessibility, TLS/login security, links and identity.\n\n"
        "Exit codes: 0 ok / gate passed; 1 gate failed; 2 bad input or usage; 3 nothing could be audited; "
        "4 completed with internal errors (only with --strict)."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


def fail(message: str, code: int = EXIT_BAD_INPUT) -> typer.Exit:
    err.print(f"error: {message}", markup=False)
    return typer.Exit(code)


def parse_as_of(value: str | None) -> date:
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise fail(f"--as-of: {value!r} is not a date in YYYY-MM-DD form") from None


def prepare_out(out_dir: Path) -> Path:
    """Check the output directory before any crawling: a run must not fail after the work is done."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = out_dir / ".auditcli-write-test"
        probe.write_text("", "utf-8")
        probe.unlink()
    except OSError as exc:
        raise fail(f"--out: {out_dir}: cannot write there ({exc.strerror or exc})") from None
    return out_dir


def split_list(values: list[str] | None) -> list[str]:
    return [part.strip() for value in values or [] for part in value.split(",") if part.strip()]


def check_selectors(only: list[str], skip: list[str], only_flag: str = "--only") -> None:
    from checks.engine.registry import known_selectors

    known = known_selectors()
    for flag, values in ((only_flag, only), ("--skip", skip)):
        for value in values:
            if value not in known and not any(k.startswith(value.rstrip("*")) for k in known if value.endswith(("*", "."))):
                raise fail(f"{flag}: unknown dimension or check id {value!r} (see `auditcli checks`)")


def judge_settings(judging: JudgeFlags) -> dict[str, Any]:
    """The user's word files read and checked before any crawling (a bad line: file, line and field, exit 2),
    for the checks' `SiteView.options` (CheckOptions.settings)."""
    from auditcli.core.wordlists import WordFileError, read_exact_names, read_sensitive_words

    settings: dict[str, Any] = {}
    try:
        if judging.sensitive_words is not None:
            settings["sensitive_words"] = read_sensitive_words(judging.sensitive_words)
        if judging.exact_names is not None:
            settings["exact_names"] = read_exact_names(judging.exact_names)
    except WordFileError as exc:
        raise fail(str(exc)) from None
    if judging.check_anchors:
        settings["check_anchors"] = True
    return settings


def setup_logging(quiet: bool, verbose: bool) -> None:
    """Our own log lines go to stderr; Scrapy's and Twisted's only with --verbose."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    ours = logging.getLogger("auditcli")
    ours.handlers[:] = [handler]
    ours.propagate = False
    ours.setLevel(logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO)
    root = logging.getLogger()
    if verbose:
        root.addHandler(handler)
        root.setLevel(logging.DEBUG)
    else:
        root.handlers[:] = [logging.NullHandler()]


def crawl_options(crawling: CrawlFlags, safety: SafetyFlags, security: bool = True) -> CrawlOptions:
    """The crawl's settings from its flags; the TLS scans and HTTP probes only when `security` checks run."""
    from spiders.options import user_agent

    return CrawlOptions(
        max_pages=crawling.max_pages, max_depth=crawling.max_depth, timeout=crawling.timeout, delay=crawling.delay,
        per_host=crawling.per_host, per_ip=crawling.per_ip, concurrency=crawling.concurrency,
        obey_robots=crawling.obey_robots, user_agent=user_agent(safety.contact, crawling.user_agent),
        max_size=crawling.max_size, active_sites=crawling.active_sites, security=security,
        max_attachments=crawling.max_attachments, max_attachment_mb=crawling.max_attachment_mb,
        max_resources=crawling.max_resources, ca_bundle=check_ca_bundle(crawling.ca_bundle),
        site_budget=safety.site_budget, max_retry_after=safety.max_retry_after,
        since=check_since_store(crawling.since_store),
    )


def with_flag_patterns(config, crawling: CrawlFlags):
    """--ignore-url / --no-follow added to every site's own patterns; a bad regex: one line, exit 2."""
    from dataclasses import replace

    from auditcli.app.config import with_url_patterns
    from auditcli.core.urls import bad_url_pattern

    given = {"ignore_urls": (crawling.ignore_url or [], "--ignore-url"),
             "no_follow": (crawling.no_follow or [], "--no-follow")}
    for patterns, flag in given.values():
        for pattern in patterns:
            why = bad_url_pattern(pattern)
            if why:
                raise fail(f"{flag}: {pattern!r}: {why}")
    if not crawling.ignore_url and not crawling.no_follow:
        return config
    return replace(config, sites=[with_url_patterns(site, tuple(crawling.ignore_url or ()),
                                                    tuple(crawling.no_follow or ())) for site in config.sites])


def check_since_store(path: Path | None) -> dict[str, str]:
    """--since-store must be a page store (checked before any crawl): the previous crawl of every site."""
    if path is None:
        return {}
    from auditcli.stores.pagestore import PageStore, StoreError

    try:
        store = PageStore.open_read_only(path)
    except (StoreError, OSError) as exc:
        raise fail(f"--since-store: {exc}") from None
    store.db.close()
    return {"*": str(store.path)}


def since_history(options: CrawlOptions, history: Path | None, site_ids: list[str], quiet: bool) -> CrawlOptions:
    """With `--history` (given, not the default store) and no --since-store: each site's previous crawl,
    as the history store recorded it, asked for conditionally (spiders.revalidate)."""
    if history is None or options.since:
        return options
    from auditcli.stores.history import HistoryError, HistoryStore

    try:
        since = HistoryStore(history).previous_stores(site_ids)
    except HistoryError as exc:
        raise fail(f"--history: {exc}") from None
    if since and not quiet:
        err.print(f"re-fetching only what changed: {len(since)} of {len(site_ids)} site(s) have a previous crawl "
                  f"in {history}", markup=False)
    return replace(options, since=since)


def check_ca_bundle(path: Path | None) -> str | None:
    """--ca-bundle must be a readable PEM file holding at least one certificate (checked before any crawl)."""
    if path is None:
        return None
    from cryptography import x509

    try:
        certificates = x509.load_pem_x509_certificates(path.read_bytes())
    except OSError as exc:
        raise fail(f"--ca-bundle: {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise fail(f"--ca-bundle: {path}: not a PEM file of certificates ({exc})") from None
    if not certificates:
        raise fail(f"--ca-bundle: {path}: no certificate in it")
    return str(path.resolve())


def security_selected(only: list[str], skip: list[str]) -> bool:
    """The crawl makes the TLS scans and HTTP probes only when a security check will judge them."""
    from checks.engine.registry import all_checks, select

    return any(spec.dimension == "security" for spec in select(all_checks(), only, skip))


def load_config(targets: list[str], profile: str | None, only_sites: list[str] | None = None):
    """The targets' sites; with --site, only those of them (by id). The selection is made after the whole
    file is read: ids, parents and the scopes left to nested sites stay what they are in a full run, so
    a re-check of one site lines up with the history of full runs."""
    try:
        config = load_targets(targets, profile)
    except ConfigError as exc:
        raise fail(str(exc)) from None
    wanted = split_list(only_sites)
    if not wanted:
        return config
    known = [site.id for site in config.sites]
    from auditcli.core.listing import joined

    for site_id in wanted:
        if site_id not in known:
            raise fail(f"--site: no site {site_id!r} in {config.source or 'the targets'} (ids: {joined(known, 20)})")
    config.sites = [site for site in config.sites if site.id in wanted]
    return config


@dataclass(frozen=True)
class GateConditions:
    """The gate's flags of `audit`/`check` (JudgeFlags), evaluated once the results exist: before the reports
    are written, so the JUnit report fails only what the gate fails (reports.writers.junit_xml)."""

    fail_under: float | None = None
    max_new: int | None = None
    baseline: dict | None = None
    fail_on_veto: bool = False
    fail_on: tuple[str, ...] = ()

    @classmethod
    def from_flags(cls, judging: JudgeFlags, baseline: dict | None) -> GateConditions:
        fail_on = split_list(judging.fail_on)
        check_selectors(fail_on, [], only_flag="--fail-on")
        return cls(judging.fail_under, judging.max_new, baseline, judging.fail_on_veto, tuple(fail_on))

    def given(self) -> bool:
        from reports.gate import has_condition

        return has_condition(self.fail_under, self.max_new, self.baseline, self.fail_on_veto, list(self.fail_on))

    def evaluate(self, results: dict):
        from reports.gate import evaluate

        return evaluate(results, fail_under=self.fail_under, max_new=self.max_new, baseline=self.baseline,
                        fail_on_veto=self.fail_on_veto, fail_on=list(self.fail_on))


def check_profile(name: str):
    from reports.scoring import ProfileError, load_profile

    try:
        return load_profile(name)
    except ProfileError as exc:
        raise fail(str(exc)) from None


@app.command()
@option_groups
def audit(
    targets: Targets,
    out_dir: OutDir = Path("auditcli-out"),
    as_of: AsOf = None,
    *,
    crawling: CrawlFlags,
    judging: JudgeFlags,
    resume: Resume = False,
    check_workers: CheckWorkersOption = None,
    redis_url: RedisUrl = None,
    job: JobName = "auditcli",
    lease: Lease = 60.0,
    safety: SafetyFlags,
    strict: Strict = False,
    browsing: BrowserFlags,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Crawl, check, score and report: the whole audit.

    With --redis, the crawl is distributed: this process seeds the job in Redis and gathers what the
    `auditcli worker --redis …` processes fetch (on this machine or others), then checks and reports."""
    setup_logging(quiet, verbose)
    config = with_flag_patterns(load_config(targets, judging.profile, crawling.sites), crawling)
    only_list, skip_list = split_list(judging.only), split_list(judging.skip)
    check_selectors(only_list, skip_list)
    settings = judge_settings(judging)
    day = parse_as_of(as_of)
    profile_name = judging.profile or config.profile
    format_list, baseline_results = report_settings(profile_name, judging.formats, judging.lang, judging.baseline)
    gate = GateConditions.from_flags(judging, baseline_results)
    options = crawl_options(crawling, safety, security_selected(only_list, skip_list))
    prepare_out(out_dir)
    record_in = history_path(judging.history, judging.no_history)
    options = since_history(options, judging.history if record_in else None, [site.id for site in config.sites],
                            quiet)
    from auditcli.app.orchestrate import CheckOptions, new_run_id, now_iso

    run_meta = {"id": new_run_id(), "started_at": now_iso()}
    check_options = CheckOptions(as_of=day, profile=profile_name, only=only_list, skip=skip_list, settings=settings,
                                 keep_judgements=True)
    hand_over_history(check_options, record_in, [site.id for site in config.sites])
    render = browser_options(browsing, options)
    distributed = check_redis(redis_url, job, lease)
    results = crawl_and_check(config, out_dir, options, check_options, check_workers=check_workers, render=render,
                              browser_pages=browsing.browser_pages, distributed=distributed, resume=resume,
                              formats=format_list, lang=judging.lang, run_meta=run_meta, history=record_in,
                              quiet=quiet, verbose=verbose, gate=gate)
    finish(results, gate, quiet, strict)


def report_settings(profile_name: str, formats: str, lang: str, baseline: Path | None):
    """The scoring profile, report formats and gate baseline checked before any work, so a typo fails
    at once rather than after a long crawl; the chosen formats and the baseline's results."""
    check_profile(profile_name)
    return parse_formats(formats, lang), load_baseline(baseline)


def crawl_and_check(config, out_dir: Path, options, check_options, *, check_workers: int | None, render,
                    browser_pages: str, distributed, resume: bool, formats: list[str], lang: str, run_meta: dict,
                    history: Path | None, quiet: bool, verbose: bool, gate: GateConditions | None = None) -> dict:
    """Crawl, render (browser mode), check and report. Without browser mode the check workers follow the
    crawl and judge each site as soon as it is crawled; browser mode renders after the crawl and before
    the checks, so then sites are judged after it."""
    from auditcli.app.progress import SiteDisplay, run_crawl
    from auditcli.stores.pagestore import PageStore

    site_ids = [site.id for site in config.sites]
    with check_workers_for(out_dir / "crawl" / PageStore.FILENAME, check_options, check_workers, site_ids,
                           stream=render is None) as workers, SiteDisplay(site_ids, quiet=quiet) as display:
        early = workers.site_crawled if workers is not None and render is None else None
        if workers is not None:  # "checked" lines as each site is judged, while the others still crawl
            workers.on_judged = display.site_judged
        store_path = run_crawl(config, out_dir / "crawl", options, check_options.as_of, quiet=quiet, verbose=verbose,
                               resume=resume, site_done=early, distributed=distributed, display=display)
        if render is not None:
            display.close()  # the browser's own lines follow
            run_browser(store_path, browser_pages, render, quiet)
        return run_checks_and_report(store_path, out_dir, check_options, formats, lang, run_meta, history, quiet, workers,
                                     gate, display)


def check_redis(redis_url: str | None, job: str, lease: float):
    """The distributed-crawl settings, with the Redis server reachable, or None without --redis."""
    if redis_url is None:
        return None
    from auditcli.app.orchestrate import Distributed

    try:
        import redis

        redis.Redis.from_url(redis_url, socket_connect_timeout=5).ping()
    except ImportError:
        raise fail("--redis: the distributed mode needs the redis and scrapy-redis packages "
                   "(pip install 'auditcli[distributed]')") from None
    except (ValueError, redis.RedisError) as exc:
        password = urlsplit(redis_url).password
        shown = redis_url.replace(password, "***") if password else redis_url
        raise fail(f"--redis: cannot reach {shown}: {exc}") from None
    if not job or not all(c.isalnum() or c in "-_." for c in job):
        raise fail(f"--job: {job!r} is not a name (letters, digits, - _ .)")
    return Distributed(redis_url, job, lease)


@contextmanager
def check_workers_for(store_path: Path, options, workers: int | None, sites: list[str], stream: bool = False):
    """The check workers of a run (None with --check-workers 0, or by default for one site, where
    starting processes would cost more than it saves), shut down however the run ends. Streaming
    workers follow the crawl and check each page as it is stored (auditcli.app.checkworkers)."""
    from auditcli.app.checkworkers import CheckWorkers, default_check_workers

    count = (default_check_workers() if len(sites) > 1 else 0) if workers is None else workers
    pool = CheckWorkers(store_path, options, count, sites, stream=stream) if count > 0 else None
    try:
        yield pool
    finally:
        if pool is not None:
            pool.close()


def browser_options(flags: BrowserFlags, crawl: CrawlOptions):
    """Browser mode's settings, checked before any crawling (Playwright, axe-core and Chromium present).
    The crawl's politeness flags (--delay, --per-host, --per-ip) and User-Agent govern the rendering too;
    a --browser-resource-timeout of 0 leaves sub-resources unbounded."""
    if not flags.browser:
        return None
    from spiders.render import BrowserUnavailable, RenderOptions, axe_source, chromium_path

    if flags.browser_pages not in ("sample", "all"):
        raise fail(f"--browser-pages: {flags.browser_pages!r} is not sample or all")
    try:
        import playwright  # noqa: F401
    except ModuleNotFoundError:
        raise fail("--browser: Playwright is not installed (pip install 'auditcli[browser]')") from None
    try:
        axe_source()
    except BrowserUnavailable as exc:
        raise fail(f"--browser: {exc}") from None
    if chromium_path() is None:
        raise fail("--browser: no Chromium found (apt-get install chromium, or set AUDITCLI_CHROMIUM)")
    return RenderOptions(workers=flags.browser_workers, timeout=flags.browser_timeout, user_agent=crawl.user_agent,
                         delay=crawl.delay, per_host=crawl.per_host, per_ip=crawl.per_ip, settle=flags.browser_settle,
                         resource_timeout=flags.browser_resource_timeout or None)


def run_browser(store_path, pages: str, options, quiet: bool) -> None:
    from auditcli.app.browser import render_store

    def progress(url, result):
        if not quiet and result.get("status") != "ok":
            err.print(f"browser: not scanned {url}: {result.get('status')} ({result.get('detail')})", markup=False)

    try:
        run = render_store(store_path, pages, options, progress)
    except Exception as exc:  # the crawl's results are safe: browser checks end as not judged
        err.print(f"warning: browser mode failed, its checks are not judged: {type(exc).__name__}: {exc}",
                  markup=False)
        return
    if not quiet:
        delay, per_host, _ = options.limits()
        err.print(f"browser: rendered {run.ok}/{run.pages} pages with axe-core in {run.seconds:.1f}s "
                  f"({options.workers} tabs; per host at most {per_host} at once, {delay:g} s apart)", markup=False)



def parse_formats(formats: str, lang: str) -> list[str]:
    from reports.writers import FormatError
    from reports.writers import parse_formats as parse

    try:
        chosen = parse(formats)
    except FormatError as exc:
        raise fail(f"--format: {exc}") from None
    if lang not in ("zh", "en"):
        raise fail(f"--lang: {lang!r} is not zh or en")
    return chosen


def load_baseline(baseline: Path | None):
    if baseline is None:
        return None
    from auditcli.stores.results import ResultsError, load_results

    try:
        return load_results(baseline)
    except ResultsError as exc:
        raise fail(f"--baseline: {exc}") from None


def run_checks_and_report(store_path, out_dir, check_options, formats, lang, run_meta, history, quiet, workers=None,
                          gate: GateConditions | None = None, display=None):
    from auditcli.app.orchestrate import check_store, save
    from auditcli.app.progress import SiteDisplay, summary_line

    if display is None:  # `check` and the demo: the plain lines
        display = SiteDisplay([], quiet=quiet, console=err, live=False)
    results = check_store(store_path, check_options, run_meta,
                          lambda config, site, seconds: display.site_judged(config.id, site, seconds), workers)
    display.close()
    if check_options.keep_judgements and not quiet and (line := reaudit_line(store_path)):
        err.print(line, markup=False)
    try:
        path = save(results, out_dir)  # atomic: on failure the previous results.json is untouched
    except OSError as exc:
        raise fail(f"--out: cannot write {out_dir / 'results.json'} ({exc.strerror or exc}); "
                   f"the previous results there are intact") from None
    written = [path]
    store = None
    if history is not None:
        from auditcli.stores.history import HistoryError, HistoryStore

        try:
            store = HistoryStore(history)
            run_id = store.record(results, store_path)  # first, so the report's trends include this run
        except (HistoryError, OSError) as exc:  # the audit's results are safe; only history is missing
            store = None
            err.print(f"warning: run not recorded in history: {exc}", markup=False)
        else:
            if not quiet:  # never silent: a plain `audit URL` records in a store under the home directory
                out.print(f"recorded run {run_id} in {store.path}", markup=False)
    extra = [f for f in formats if f != "json"]
    if extra:
        from reports.writers import write_formats

        verdict = gate.evaluate(results) if gate is not None and gate.given() else None
        try:
            written += write_formats(results, out_dir, extra, lang=lang, history=store, gate=verdict)
        except OSError as exc:
            raise fail(f"--out: results.json was written, but {exc.filename or 'a report'} could not be "
                       f"({exc.strerror or exc}); re-render with `auditcli report {path}`") from None
    if not quiet:
        for item in written:
            out.print(f"wrote {item}", markup=False)
        report = next((item for item in written if str(item).endswith(".html")), written[0])
        out.print(summary_line(results, report), markup=False)
    return results


def reaudit_line(store_path: Path) -> str | None:
    """What a conditional re-audit saved (spiders.revalidate, checks.engine.judged), or None when nothing."""
    from auditcli.stores.pagestore import PageStore

    store = PageStore.open_existing(store_path)
    try:
        transfer = store.get_meta("transfer") or {}
        counts = list(store.metas("judged:").values())
    finally:
        store.close()
    pages, reused, taken, judged = (sum(c.get(key, 0) for c in counts) for key in ("pages", "reused", "taken", "judged"))
    if not (transfer.get("not_modified") or taken):
        return None
    share = (f"; {100 * taken / (taken + judged):.0f} % of the page checks' conclusions taken from the previous "
             f"audit" if taken else "")
    return (f"unchanged since the previous crawl: {transfer.get('not_modified', 0)} of {transfer.get('requests', 0)} "
            f"requests answered 304 ({transfer.get('response_bytes', 0) / 1e6:.2f} MB downloaded); "
            f"{pages - reused} of {pages} pages judged again, in full or in part{share}")


def history_path(history: Path | None, no_history: bool) -> Path | None:
    """The history store to record in, checked before any crawling so a run is never silently lost."""
    if no_history:
        return None
    from auditcli.stores.history import HistoryError, HistoryStore, default_history_path

    path = history or default_history_path()
    try:
        HistoryStore(path).ensure()
    except HistoryError as exc:
        raise fail(f"--history: {exc}") from None
    return path


def hand_over_history(check_options, history: Path | None, site_ids: list[str]) -> None:
    """What the checks and the availability decision read from the history store, read before any check
    runs and handed over in `CheckOptions.settings` (checks never open the store): each site's last
    home-page snapshot, for `content.home-changed`, and the week's probe counts per site and day
    (`auditcli probe`), for `orchestrate.availability_block`. Without history the settings are absent."""
    if history is None:
        return
    from auditcli.core.availability import ProbeRule, window
    from auditcli.stores.history import HistoryError, HistoryStore, probe_counts
    from checks.engine.registry import all_checks, select

    store = HistoryStore(history)
    rule = ProbeRule.from_settings(check_profile(check_options.profile).check_settings()["availability_rule"])
    first, last = window(check_options.as_of, rule)
    try:
        check_options.settings["probe_counts"] = probe_counts(store, site_ids, first.isoformat(), last.isoformat())
    except HistoryError as exc:
        raise fail(f"--history: {exc}") from None
    if not any(spec.id == "content.home-changed"
               for spec in select(all_checks(), check_options.only, check_options.skip)):
        return
    try:
        check_options.settings["previous_home"] = store.previous_home_snapshots(site_ids)
    except HistoryError as exc:  # checked usable before; if it fails now, the comparison is what is lost
        err.print(f"warning: previous run not read from history, content.home-changed not judged: {exc}",
                  markup=False)


def finish(results, gate: GateConditions, quiet: bool, strict: bool = False) -> None:
    from auditcli.core.listing import first

    sites = results["sites"]
    errors = [(site["id"], e) for site in sites for e in site.get("errors") or []]
    if errors:  # crash isolation, visible: every internal error named (check, page, message)
        err.print(f"warning: completed with {len(errors)} internal error(s) (results.json `errors`, and the report):",
                  markup=False)
        shown, tail = first(errors, 10)
        for site_id, e in shown:
            err.print(f"  {site_id}: {e.get('check')} on {e.get('url') or '-'}: {e.get('error')}", markup=False)
        if tail:
            err.print(f"  {tail}", markup=False)
    if sites and all(site["status"] == "unreachable" or site["verdict"] == "not-assessed" for site in sites):
        raise fail("nothing could be audited: every site was unreachable or its start page blocked",
                   EXIT_NOTHING_AUDITED)
    if not gate.given():
        if strict and errors:
            raise typer.Exit(EXIT_INTERNAL_ERRORS)
        return
    from auditcli.app.cli_reports import new_finding_lines

    verdict = gate.evaluate(results)
    if not quiet:
        for line in new_finding_lines(verdict.new_findings):  # as `auditcli gate` lists them
            err.print(f"gate: {line}", markup=False)
    for reason in verdict.reasons:
        err.print(f"gate: {reason}", markup=False)
    if not verdict.passed:
        raise typer.Exit(EXIT_GATE_FAILED)
    if not quiet:
        err.print("gate: passed", markup=False)
    if strict and errors:
        raise typer.Exit(EXIT_INTERNAL_ERRORS)


@app.command()
@option_groups
def crawl(
    targets: Targets,
    out_dir: OutDir = Path("auditcli-out"),
    as_of: AsOf = None,
    *,
    crawling: CrawlFlags,
    resume: Resume = False,
    safety: SafetyFlags,
    browsing: BrowserFlags,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Crawl only, into a page store (OUT/pages.sqlite) that `auditcli check` can audit offline."""
    setup_logging(quiet, verbose)
    config = with_flag_patterns(load_config(targets, None, crawling.sites), crawling)
    day = parse_as_of(as_of)
    options = crawl_options(crawling, safety)
    prepare_out(out_dir)
    from auditcli.app.progress import run_crawl
    from auditcli.stores.pagestore import PageStore

    render = browser_options(browsing, options)
    path = run_crawl(config, out_dir, options, day, quiet=quiet, verbose=verbose, resume=resume)
    if render is not None:
        run_browser(path, browsing.browser_pages, render, quiet)
    store = PageStore.open_existing(path)
    sites = store.sites()
    if not quiet:
        out.print(f"wrote {path}", markup=False)
    if sites and all(site["status"] == "unreachable" for site in sites):
        raise fail("nothing could be crawled: every site was unreachable", EXIT_NOTHING_AUDITED)


@app.command()
@option_groups
def check(
    store: Annotated[Path, typer.Argument(help="A crawl directory (or its pages.sqlite) from `auditcli crawl`/`audit`.")],
    out_dir: OutDir = Path("auditcli-out"),
    as_of: Annotated[str | None, typer.Option("--as-of", help="Judge freshness as of this date. Default: the crawl's.")] = None,
    *,
    judging: JudgeFlags,
    check_workers: CheckWorkersOption = None,
    strict: Strict = False,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Run checks and scoring on a stored crawl, without network."""
    setup_logging(quiet, verbose)
    from auditcli.stores.pagestore import PageStore, StoreError

    try:
        page_store = PageStore.open_existing(store)
    except StoreError as exc:
        raise fail(str(exc)) from None
    audit_meta = page_store.get_meta("audit", {}) or {}
    stored_as_of = page_store.get_meta("as_of")
    stored_sites = [row["id"] for row in page_store.sites()]
    if page_store.get_meta("crawl_state", "finished") != "finished":  # older stores have no state: finished
        raise fail(f"{store}: this crawl did not finish; complete it with `auditcli crawl … --resume` first")
    page_store.close()
    day = parse_as_of(as_of or stored_as_of)
    only_list, skip_list = split_list(judging.only), split_list(judging.skip)
    check_selectors(only_list, skip_list)
    settings = judge_settings(judging)
    profile_name = judging.profile or audit_meta.get("profile") or "cn-gov-2019"
    format_list, baseline_results = report_settings(profile_name, judging.formats, judging.lang, judging.baseline)
    gate = GateConditions.from_flags(judging, baseline_results)
    prepare_out(out_dir)
    record_in = history_path(judging.history, judging.no_history)
    from auditcli.app.orchestrate import CheckOptions

    check_options = CheckOptions(as_of=day, profile=profile_name, only=only_list, skip=skip_list, settings=settings)
    hand_over_history(check_options, record_in, stored_sites)
    with check_workers_for(page_store.path, check_options, check_workers, stored_sites) as workers:
        results = run_checks_and_report(page_store.path, out_dir, check_options, format_list, judging.lang, None,
                                        record_in, quiet, workers, gate)
    finish(results, gate, quiet, strict)


@app.command()
def worker(
    redis_url: Annotated[str, typer.Option("--redis", help="The Redis URL of the job (redis://host:6379/0).")],
    job: JobName = "auditcli",
    wait: Annotated[float, typer.Option("--wait", min=0.0, help="Seconds to wait for the job to be created.")] = 60.0,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Fetch pages for a distributed audit (`auditcli audit --redis`) until its crawl is done.

    Run any number, on any machines that reach the Redis server and the audited sites. Workers share
    the frontier, the dupefilter and the per-host/per-IP politeness through Redis; a worker that dies
    loses nothing (its requests go back to the queue when their lease runs out)."""
    setup_logging(quiet, verbose)
    try:
        from auditcli.core.urls import redact
        from spiders.distributed import run_worker
    except ImportError:
        raise fail("--redis: the distributed mode needs the redis and scrapy-redis packages "
                   "(pip install 'auditcli[distributed]')") from None
    import redis

    outcome: dict = {}
    try:
        handled = run_worker(redis_url, job, wait, verbose, outcome)
    except LookupError as exc:
        raise fail(str(exc)) from None
    except (ValueError, redis.RedisError) as exc:
        raise fail(f"--redis: cannot reach {redact(redis_url)}: {exc}") from None
    if outcome.get("reason") not in (None, "finished"):  # its leases go back to the queue: nothing is lost
        err.print(f"worker: stopped ({outcome['reason']}) after {handled} responses; the job goes on", markup=False)
        raise typer.Exit(EXIT_INTERRUPTED)
    if not quiet:
        err.print(f"worker: job {job!r} done, {handled} responses fetched here", markup=False)


@app.command()
@option_groups
def discover(
    county_url: Annotated[str, typer.Argument(help="The county portal's home page, e.g. http://www.example.gov.cn/.")],
    out_file: SitesOut = Path("sites.yaml"),
    *,
    fetching: DiscoverFlags,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Draft a sites file from the county portal's lists of its township and department sites (乡镇/街道,
    部门, 网站群, 县直部门, 友情链接: link blocks, <select> menus, menus written by script, a 网站群 page).
    Reads the home page and the list pages it links, at most --max-pages requests; check the draft, then
    `auditcli audit` it. Exit 3 when the home page cannot be read."""
    setup_logging(quiet, verbose)
    from auditcli.app import discover as drafting
    from spiders.options import user_agent

    options = CrawlOptions(timeout=fetching.timeout, delay=fetching.delay, obey_robots=fetching.obey_robots,
                           user_agent=user_agent(fetching.contact, fetching.user_agent), security=False)
    try:
        url = drafting.check_county_url(county_url)
        drafting.check_writable(out_file)
        found = drafting.discover(url, options, fetching.max_pages, verbose)
    except drafting.DiscoverError as exc:
        raise fail(str(exc), exc.code) from None
    drafting.write(found, out_file)
    if not quiet:
        draft = found.draft
        out.print(f"wrote {out_file}: the county and {len(draft.sites)} sub-sites, {len(draft.undecided)} undecided "
                  f"(commented out), {len(draft.left_out)} links left out; {len(found.fetched.pages)} page(s) read",
                  markup=False)


@app.command()
@option_groups
def probe(
    targets: Targets,
    history: History = None,
    *,
    probing: ProbeFlags,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Probe each site's home page once (GET: its status and time) and record it in the history store,
    for the week-long availability rule that `audit`/`check` then judge by (单项否决 站点无法访问: 7 days,
    20+ probes a day, failures at or over 5 %). Run it from a timer, about once an hour (docs/scheduling.md).
    A failure is: no answer (DNS, refused, TLS, timeout), a 5xx, or an answer that took --probe-timeout
    or longer; a 4xx is an answer. A home page robots.txt disallows is recorded but not counted."""
    setup_logging(quiet, verbose)
    config = load_config(targets, None)
    path = history_path(history, False)
    from auditcli.stores.history import HistoryError, HistoryStore, ProbeRecord, record_probes
    from spiders.availability import probe_sites
    from spiders.options import user_agent

    options = CrawlOptions(concurrency=probing.concurrency, per_ip=probing.per_ip, per_host=1,
                           obey_robots=probing.obey_robots, timeout=probing.probe_timeout,
                           user_agent=user_agent(probing.contact, probing.user_agent), retries=0, security=False)
    probes = probe_sites([(site.id, site.url) for site in config.sites], options, probing.probe_timeout,
                         probing.jitter, verbose)
    try:
        record_probes(HistoryStore(path), [ProbeRecord(p.site_id, p.url, p.probed_at, p.ok, p.status, p.seconds,
                                                       p.outcome, p.detail) for p in probes])
    except HistoryError as exc:
        raise fail(f"--history: {exc}") from None
    if not quiet:
        for p in sorted(probes, key=lambda p: p.site_id):
            if p.ok is not True:
                took = f" after {p.seconds:.1f}s" if p.seconds is not None else ""
                err.print(f"probe {p.site_id}: {'not counted' if p.ok is None else 'failed'}: {p.outcome}"
                          f"{f' (HTTP {p.status})' if p.status else ''}{took}", markup=False)
        failed = sum(1 for p in probes if p.ok is False)
        uncounted = sum(1 for p in probes if p.ok is None)
        out.print(f"probed {len(probes)} site(s): {len(probes) - failed - uncounted} answered, {failed} failed, "
                  f"{uncounted} not counted; recorded in {path}", markup=False)


@app.command("checks")
def list_checks(
    as_json: Annotated[bool, typer.Option("--json", help="Print the catalogue as JSON.")] = False,
    markdown: Annotated[bool, typer.Option("--markdown", help="Print the catalogue as a Markdown table (for docs).")] = False,
    lang: Lang = "zh",
) -> None:
    """List every check: id, dimension, severity and rule references."""
    from rich.table import Table

    from checks.engine.registry import all_checks

    specs = all_checks()
    if as_json:
        catalogue = [{"id": s.id, **s.catalogue_entry(), "scope": s.scope} for s in specs]
        out.print_json(json.dumps(catalogue, ensure_ascii=False))
        return
    if markdown:
        print("| id | dimension | severity | 标题 / title | rule references |\n|---|---|---|---|---|")
        for s in specs:
            refs = "; ".join(s.refs).replace("|", "\\|")
            print(f"| `{s.id}` | {s.dimension} | {s.severity} | {s.title['zh']} / {s.title['en']} | {refs} |")
        return
    table = Table(title=f"auditcli {__version__}: {len(specs)} checks")
    table.add_column("id", no_wrap=True)
    table.add_column("dimension", no_wrap=True)
    table.add_column("severity", no_wrap=True)
    table.add_column("title")
    table.add_column("rule references (first; --json lists all)")
    for s in specs:
        refs = s.refs[0] + (f" (+{len(s.refs) - 1})" if len(s.refs) > 1 else "") if s.refs else ""
        table.add_row(s.id, s.dimension, s.severity, s.title.get(lang, s.id), refs)
    out.print(table)


STATUS_STYLE = {"ok": "green", "missing": "red", "warning": "yellow"}


@app.command()
def doctor(
    out_dir: OutDir = Path("auditcli-out"),
    redis_url: RedisUrl = None,
    history: History = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the capabilities as JSON (for scripts).")] = False,
) -> None:
    """What this machine can do, before a two-hour audit: each capability ok, missing or warning, what was
    found and what to install. Exit 0 when the base audit (the crawl) can run, else 2."""
    from auditcli.app import doctor as checkup

    capabilities = checkup.examine(redis_url, history, out_dir)
    if as_json:
        out.print_json(json.dumps(checkup.as_json(capabilities), ensure_ascii=False))
    else:
        out.print(doctor_table(capabilities))
    if not checkup.base_audit_ready(capabilities):
        raise fail("the base audit cannot run: scrapy is missing (pip install auditcli)")


def doctor_table(capabilities):
    """The doctor's rich table. What was found and what to install are text, not rich markup: the
    install hint `pip install 'auditcli[browser]'` would otherwise lose its `[browser]` as a style tag."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"auditcli {__version__}: what this machine can do")
    for column in ("capability", "status", "found", "to install / do"):
        table.add_column(column, no_wrap=column in ("capability", "status"))
    for c in capabilities:
        table.add_row(escape(c.name), f"[{STATUS_STYLE[c.status]}]{c.status}[/]", escape(c.found), escape(c.install))
    return table


@app.command()
def demo(
    out_dir: OutDir = Path("auditcli-demo"),
    as_of: AsOf = None,
    formats: Formats = "html,csv,junit,sarif",
    lang: Lang = "zh",
    base_port: Annotated[int | None, typer.Option("--base-port", help="Serve the demo sites from this port up (default: free ports).")] = None,
    browser: Browser = False,
    browser_pages: BrowserPages = "sample",
    browser_timeout: BrowserTimeout = 10.0,
    quiet: Quiet = False,
) -> None:
    """Serve the bundled demo portal farm on 127.0.0.1, audit it, print where the report is, and exit.
    With --browser the farm is also rendered in headless Chromium (axe-core, lists filled by script) and
    compared with the answer key's browser-mode entries."""
    setup_logging(quiet, False)
    day = parse_as_of(as_of)
    format_list = parse_formats(formats, lang)
    options = CrawlOptions(delay=0.0, per_ip=16, per_host=4, timeout=3.0, max_size=2 * 1024 * 1024)
    render = browser_options(BrowserFlags(browser=browser, browser_pages=browser_pages, browser_timeout=browser_timeout),
                             options)
    prepare_out(out_dir)
    from auditcli.app.orchestrate import CheckOptions, new_run_id, now_iso
    from auditcli.app.progress import run_crawl
    from auditcli.demo import DemoFarm

    try:
        farm = DemoFarm(as_of=day, base_port=base_port)
    except OSError as exc:  # a port in use: one line and exit 2
        from auditcli.demo.__main__ import busy_port_message

        raise fail(busy_port_message(base_port, exc).removeprefix("error: ")) from None
    with farm:
        config = load_config([str(farm.sites_file)], None)
        if not quiet:
            err.print(f"demo farm: {len(config.sites)} sites on 127.0.0.1 (sites file {farm.sites_file})", markup=False)
        run_meta = {"id": new_run_id(), "started_at": now_iso()}
        store_path = run_crawl(config, out_dir / "crawl", options, day, quiet=quiet, verbose=False)
        if render is not None:
            run_browser(store_path, browser_pages, render, quiet)
        answer_key = farm.load_answer_key()
    results = run_checks_and_report(store_path, out_dir, CheckOptions(as_of=day, profile=config.profile), format_list, lang,
                                    run_meta, None, quiet)
    report = out_dir / "report.html"
    out.print(f"results: {out_dir / 'results.json'}", markup=False)
    if report.exists():
        out.print(f"report:  {report}", markup=False)
    failing = sum(1 for site in results["sites"] if site["verdict"] == "fail")
    out.print(f"{len(results['sites'])} sites audited as of {day}, {failing} failing", markup=False)
    from auditcli.demo.compare import compare  # the answer key: every column, date and finding planted

    diffs = compare(results, answer_key)
    from auditcli.core.listing import first

    shown, tail = first(diffs, 20)
    out.print(f"answer key: {len(diffs)} mismatches" + "".join(f"\n  {d}" for d in [*shown, *filter(None, [tail])]),
              markup=False)


def register_optional_commands() -> None:
    try:
        from auditcli.app import cli_reports
    except ImportError:  # pragma: no cover - reports package missing in a broken install
        return
    cli_reports.register(app)


register_optional_commands()


def version_callback(value: bool) -> None:
    if value:
        out.print(f"auditcli {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=version_callback, is_eager=True, help="Show the version.")] = False,
) -> None:
    """auditcli: audits of Chinese government web portals."""


def main() -> None:
    from checks.engine.registry import PluginError
    from spiders.options import CrawlInterrupted

    try:
        app()
    except PluginError as exc:
        err.print(f"error: {exc}", markup=False)
        sys.exit(EXIT_BAD_INPUT)
    except CrawlInterrupted as exc:
        err.print(f"stopped: {exc}; nothing was checked or recorded", markup=False)
        sys.exit(EXIT_INTERRUPTED)
    except KeyboardInterrupt:  # Ctrl-C while the sites are judged (the crawl takes it itself, above)
        err.print("stopped (Ctrl-C): nothing was recorded; the crawl is kept, `auditcli check` judges it", markup=False)
        sys.exit(EXIT_INTERRUPTED)


if __name__ == "__main__":
    main()
