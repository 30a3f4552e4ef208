"""The command line's options, each declared once, and the option groups several commands share.

An option is an `Annotated` alias (its flag, help text and bounds). A group is a frozen dataclass whose
fields are such options with their defaults: `audit` and `crawl` take `CrawlFlags`, `SafetyFlags` and
`BrowserFlags`, `audit` and `check` take `JudgeFlags`, so the commands cannot drift apart. typer has no
parameter groups: `@option_groups` puts a group's fields in the command's signature where the group
parameter stands (so `--help` lists them in that place) and hands the command the filled dataclass; a
group parameter is keyword-only and has no default of its own (its fields have theirs).
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeVar, get_type_hints

import typer

from spiders.options import CrawlOptions

CRAWL_DEFAULTS = CrawlOptions()  # one place for the polite defaults the flags show

Targets = Annotated[list[str], typer.Argument(help="Sites file (YAML or CSV) and/or URLs; each URL is one site.")]
OutDir = Annotated[Path, typer.Option("--out", "-o", help="Output directory.")]
AsOf = Annotated[str | None, typer.Option("--as-of", help="Judge freshness as of this date (YYYY-MM-DD). Default: today.")]
MaxPages = Annotated[int, typer.Option("--max-pages", min=1, help="HTML pages to fetch per site.")]
MaxDepth = Annotated[int, typer.Option("--max-depth", min=0, help="Link depth; 0 audits exactly the given URLs.")]
Timeout = Annotated[float, typer.Option("--timeout", min=0.1, help="Seconds per fetch (one inspector's probe).")]
Delay = Annotated[float, typer.Option("--delay", min=0.0, help="Seconds between requests to one host (AutoThrottle floor); in browser mode, between page loads.")]
PerHost = Annotated[int, typer.Option("--per-host", min=1, help="Concurrent requests per host (browser mode: tabs on one host).")]
PerIp = Annotated[int, typer.Option("--per-ip", min=1, help="Concurrent requests per resolved IP address (browser mode: tabs on one IP).")]
Concurrency = Annotated[int, typer.Option("--concurrency", min=1, help="Concurrent requests in total.")]
Robots = Annotated[bool, typer.Option("--obey-robots/--ignore-robots", help="Obey robots.txt (default: obey).")]
UserAgent = Annotated[str | None, typer.Option("--user-agent", help="User-Agent header.")]
MaxSize = Annotated[int, typer.Option("--max-size", min=1024, help="Download size cap per response, bytes.")]
MaxAttachments = Annotated[int, typer.Option(
    "--max-attachments", min=0, help="Attachments per site fetched whole and read for personal data (PDF, DOCX, XLSX, "
    "XLS/ET, CSV/TXT); the others are only checked for being reachable (0: read none).")]
MaxAttachmentMb = Annotated[float, typer.Option(
    "--max-attachment-mb", min=0.001, help="Size cap of an attachment fetched to be read, MB; a larger one is "
    "listed as not read (too large), never as broken.")]
Only = Annotated[list[str] | None, typer.Option("--only", help="Run only these dimensions or check ids (repeat or comma-separate).")]
Skip = Annotated[list[str] | None, typer.Option("--skip", help="Skip these dimensions or check ids.")]
Profile = Annotated[str | None, typer.Option("--profile", help="Scoring profile: built-in name or YAML path.")]
Formats = Annotated[str, typer.Option("--format", help="Report formats: html,csv,junit,sarif (results.json is always written).")]
Lang = Annotated[str, typer.Option("--lang", help="Report language: zh or en.")]
History = Annotated[Path | None, typer.Option(
    "--history", help="SQLite history store that records every run (default: $AUDITCLI_HISTORY or ~/.local/share/auditcli/history.sqlite).")]
NoHistory = Annotated[bool, typer.Option("--no-history", help="Do not record this run in the history store.")]
FailOnVeto = Annotated[bool, typer.Option("--fail-on-veto", help="Gate: fail (exit 1) when any site has a veto (单项否决).")]
FailOn = Annotated[list[str] | None, typer.Option(
    "--fail-on", help="Gate: fail (exit 1) when any finding of these checks exists: a check id (links.broken), an id "
    "prefix (links. or a11y.*) or a dimension (repeat or comma-separate; info findings never count).")]
SiteIds = Annotated[list[str] | None, typer.Option(
    "--site", help="Audit only these sites of the sites file, by id (repeat or comma-separate); ids, parents and the "
    "nested-site scopes stay as in the whole file, so the history lines up.")]
IgnoreUrls = Annotated[list[str] | None, typer.Option(
    "--ignore-url", help="A regular expression searched in each absolute URL (repeatable): matching URLs are neither "
    "fetched nor reported, on every site (adds to the sites file's ignore_urls).")]
NoFollow = Annotated[list[str] | None, typer.Option(
    "--no-follow", help="A regular expression searched in each absolute URL (repeatable): matching pages are fetched "
    "and checked, their links not followed (adds to the sites file's no_follow).")]
MaxResources = Annotated[int, typer.Option(
    "--max-resources", min=0, help="Embedded resources (images, scripts, stylesheets, CSS url(), media) on the site's "
    "own host checked per site, each URL once, for links.broken-resource (0: none).")]
CheckAnchors = Annotated[bool, typer.Option(
    "--check-anchors", help="Check #fragment targets of links between the site's own pages (links.broken-anchor).")]
SinceStore = Annotated[Path | None, typer.Option(
    "--since-store", help="A previous crawl's page store (its pages.sqlite or directory): pages it holds with an ETag "
    "or Last-Modified are asked for conditionally, and a 304 reuses the stored page, so only what changed is "
    "fetched again. `audit --history` finds each site's previous store by itself.")]
Resume = Annotated[bool, typer.Option("--resume", help="Go on with an interrupted crawl in the same --out directory.")]
ActiveSites = Annotated[int, typer.Option(
    "--active-sites", min=0, help="Sites crawled at once; the others wait, so sites finish one after another and are "
    "judged while the rest crawl (0: enough to keep --concurrency busy).")]
RedisUrl = Annotated[str | None, typer.Option(
    "--redis", help="Distributed crawl: the Redis URL (redis://host:6379/0) where `auditcli worker` processes share the job.")]
JobName = Annotated[str, typer.Option("--job", help="Distributed crawl: the job's name in Redis (several jobs can share one Redis).")]
Lease = Annotated[float, typer.Option(
    "--lease", min=1.0, help="Distributed crawl: seconds a worker may hold a request without renewing it; a dead "
    "worker's requests go back to the queue after this.")]
CheckWorkersOption = Annotated[int | None, typer.Option(
    "--check-workers", min=0, help="Processes that check each page as the crawl stores it and judge each site as soon "
    "as its crawl is done (default: one per core; 0: judge in this process after the crawl).")]
CaBundle = Annotated[Path | None, typer.Option(
    "--ca-bundle", help="PEM file of extra trusted root certificates for the TLS checks (e.g. a government CA).")]
Browser = Annotated[bool, typer.Option("--browser", help="Also render pages in headless Chromium with axe-core (colour contrast and more).")]
BrowserPages = Annotated[str, typer.Option("--browser-pages", help="Pages to render: sample (home, each column's list and one article) or all.")]
BrowserTimeout = Annotated[float, typer.Option("--browser-timeout", min=1.0, help="Seconds per rendered page; a page over it is listed as not scanned.")]
BrowserWorkers = Annotated[int, typer.Option("--browser-workers", min=1, help="Browser tabs rendering at once (each host within --per-host, --per-ip and --delay).")]
BrowserSettle = Annotated[float, typer.Option("--browser-settle", min=0.0, help="Seconds a rendered page may take after DOMContentLoaded to settle (network quiet for 500 ms) before axe-core runs.")]
BrowserResourceTimeout = Annotated[float, typer.Option("--browser-resource-timeout", min=0.0, help="Seconds each script, stylesheet, image or frame of a rendered page may take before it is aborted; 0: no bound.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Only errors.")]
# Reliability and safety (issue 13)
SiteBudget = Annotated[float, typer.Option(
    "--site-budget", min=1.0, help="Seconds one site may take; then it is cut off, marked partial and audited on what was fetched.")]
MaxRetryAfter = Annotated[float, typer.Option(
    "--max-retry-after", min=0.0, help="Longest Retry-After (429/503) waited for, seconds; longer: not scanned.")]
Contact = Annotated[str | None, typer.Option(
    "--contact", envvar="AUDITCLI_CONTACT", help="Who runs this audit (e-mail or URL), named in the User-Agent.")]
Strict = Annotated[bool, typer.Option(
    "--strict", help="Exit 4 when the audit completed with internal errors (a check or site crashed).")]
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Debug logging, including Scrapy's.")]

# discover (issue 23)
SitesOut = Annotated[Path, typer.Option("--out", "-o", help="The draft sites file to write (replaced atomically).")]
DiscoverPages = Annotated[int, typer.Option(
    "--max-pages", min=1, max=50, help="Requests in all: the home page, then the 网站群/部门/乡镇 index pages and "
    "link-menu scripts it points to.")]

# probe (issue 23, item 3)
ProbeTimeout = Annotated[float, typer.Option(
    "--probe-timeout", min=0.1, help="Seconds a probe may take; one that takes this long is a failure "
    "(the official rule's 15 s).")]
Jitter = Annotated[float, typer.Option(
    "--jitter", min=0.0, help="Spread the sites' probes over a random start within this many seconds, so "
    "hourly timers on many machines do not all knock at once.")]


SensitiveWordsFile = Annotated[Path | None, typer.Option(
    "--sensitive-words", help="Your sensitive-word list (UTF-8, one word a line: WORD[,CATEGORY[,LONGER…]]; =WORD "
    "for whole-word matching; # comments): each word found in a page's visible text is reported "
    "(content.sensitive-word). auditcli ships no list; docs/examples/sensitive-words.txt shows the format.")]
ExactNamesFile = Annotated[Path | None, typer.Option(
    "--exact-names", help="Names that must be written exactly (UTF-8, one a line: leaders' names, the county's own "
    "name; !WORD for a real word never to flag): a one-character mis-writing is reported (content.term-typo).")]
FailUnder = Annotated[float | None, typer.Option("--fail-under", help="Gate: fail (exit 1) if any site scores under N.")]
MaxNew = Annotated[int | None, typer.Option("--max-new", help="Gate: fail if more than N findings are new against --baseline.")]
Baseline = Annotated[Path | None, typer.Option("--baseline", help="Gate: an earlier results.json; only new findings count.")]


# Option groups -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CrawlFlags:
    """What and how politely to fetch (`audit`, `crawl`)."""

    max_pages: MaxPages = CRAWL_DEFAULTS.max_pages
    max_depth: MaxDepth = CRAWL_DEFAULTS.max_depth
    timeout: Timeout = CRAWL_DEFAULTS.timeout
    delay: Delay = CRAWL_DEFAULTS.delay
    per_host: PerHost = CRAWL_DEFAULTS.per_host
    per_ip: PerIp = CRAWL_DEFAULTS.per_ip
    concurrency: Concurrency = CRAWL_DEFAULTS.concurrency
    obey_robots: Robots = CRAWL_DEFAULTS.obey_robots
    user_agent: UserAgent = None
    max_size: MaxSize = CRAWL_DEFAULTS.max_size
    max_attachments: MaxAttachments = CRAWL_DEFAULTS.max_attachments
    max_attachment_mb: MaxAttachmentMb = CRAWL_DEFAULTS.max_attachment_mb
    max_resources: MaxResources = CRAWL_DEFAULTS.max_resources
    ignore_url: IgnoreUrls = None
    no_follow: NoFollow = None
    active_sites: ActiveSites = CRAWL_DEFAULTS.active_sites
    ca_bundle: CaBundle = None
    sites: SiteIds = None
    since_store: SinceStore = None


@dataclass(frozen=True)
class SafetyFlags:
    """The crawl's reliability and safety bounds, and who runs it (`audit`, `crawl`; issue 13)."""

    site_budget: SiteBudget = CRAWL_DEFAULTS.site_budget
    max_retry_after: MaxRetryAfter = CRAWL_DEFAULTS.max_retry_after
    contact: Contact = None


@dataclass(frozen=True)
class DiscoverFlags:
    """How much of the county portal `discover` reads, and how politely."""

    max_pages: DiscoverPages = 8
    timeout: Timeout = CRAWL_DEFAULTS.timeout
    delay: Delay = CRAWL_DEFAULTS.delay
    obey_robots: Robots = CRAWL_DEFAULTS.obey_robots
    user_agent: UserAgent = None
    contact: Contact = None


@dataclass(frozen=True)
class ProbeFlags:
    """How `probe` knocks: once per site, one request per host at a time, within these bounds."""

    probe_timeout: ProbeTimeout = 15.0
    jitter: Jitter = 30.0
    concurrency: Concurrency = CRAWL_DEFAULTS.concurrency
    per_ip: PerIp = CRAWL_DEFAULTS.per_ip
    obey_robots: Robots = CRAWL_DEFAULTS.obey_robots
    user_agent: UserAgent = None
    contact: Contact = None


@dataclass(frozen=True)
class BrowserFlags:
    """Browser mode (`audit`, `crawl`; `demo` takes three of them and fills in the rest)."""

    browser: Browser = False
    browser_pages: BrowserPages = "sample"
    browser_timeout: BrowserTimeout = 20.0
    browser_workers: BrowserWorkers = 4
    browser_settle: BrowserSettle = 3.0
    browser_resource_timeout: BrowserResourceTimeout = 5.0


@dataclass(frozen=True)
class JudgeFlags:
    """Which checks run, what they judge by (the user's word files), how they are scored and reported, the gate
    and the history (`audit`, `check`)."""

    only: Only = None
    skip: Skip = None
    profile: Profile = None
    formats: Formats = "html"
    lang: Lang = "zh"
    fail_under: FailUnder = None
    max_new: MaxNew = None
    baseline: Baseline = None
    fail_on_veto: FailOnVeto = False
    fail_on: FailOn = None
    history: History = None
    no_history: NoHistory = False
    sensitive_words: SensitiveWordsFile = None
    exact_names: ExactNamesFile = None
    check_anchors: CheckAnchors = False


Command = TypeVar("Command", bound=Callable[..., Any])


def option_groups(command: Command) -> Command:
    """Spread each option-group parameter of a typer command (one annotated with a dataclass above) into
    the group's options, in its place; on a call, gather their values back into the dataclass."""
    hints = get_type_hints(command, include_extras=True)
    params: list[inspect.Parameter] = []
    groups: dict[str, tuple[type, list[str]]] = {}
    for name, param in inspect.signature(command).parameters.items():
        group = hints.get(name)
        if not (isinstance(group, type) and dataclasses.is_dataclass(group)):
            params.append(param.replace(annotation=hints.get(name, param.annotation)))
            continue
        fields = dataclasses.fields(group)
        field_hints = get_type_hints(group, include_extras=True)
        groups[name] = (group, [f.name for f in fields])
        params += [inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=f.default,
                                     annotation=field_hints[f.name]) for f in fields]
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise TypeError(f"{command.__name__}: an option is declared twice: {sorted(n for n in names if names.count(n) > 1)}")

    @functools.wraps(command)
    def call(**given: Any) -> Any:
        for name, (group, fields) in groups.items():
            given[name] = group(**{field: given.pop(field) for field in fields})
        return command(**given)

    call.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in params])
    call.__annotations__ = {p.name: p.annotation for p in params}
    return call  # type: ignore[return-value]
