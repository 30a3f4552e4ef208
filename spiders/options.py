"""Crawl options shared by the CLI, the spider and the distributed worker."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from auditcli import __version__
from auditcli.core import knowledge

DEFAULT_USER_AGENT = f"auditcli/{__version__} (+government website audit; obeys robots.txt)"
DEFAULT_SITE_BUDGET = 1800.0   # seconds per site: a fleet audit of hundreds of sites ends on schedule


def politeness_floor() -> tuple[float, int]:
    """(the shortest gap in seconds between two requests to one host, the most requests to one host at
    once): the floor of crawling.yaml `rate` that no flag lifts, shared by the crawl and browser mode."""
    rate = knowledge.load("crawling")["rate"]
    return 1.0 / rate["max_requests_per_second_per_host"], int(rate["max_concurrent_per_host"])


def user_agent(contact: str | None = None, explicit: str | None = None) -> str:
    """The User-Agent: `--user-agent` as given, else auditcli's own, naming `--contact` when set."""
    if explicit:
        return explicit
    if contact:
        return f"auditcli/{__version__} (+government website audit; obeys robots.txt; contact: {contact})"
    return DEFAULT_USER_AGENT


@dataclass(frozen=True)
class CrawlOptions:
    max_pages: int = 500          # HTML pages per site
    max_depth: int = 4            # 0 = only the given URLs
    timeout: float = 15.0         # one fetch is one inspector's probe
    delay: float = 0.5            # seconds between requests to one host (AutoThrottle's floor)
    per_host: int = 2             # concurrent requests per host
    per_ip: int = 4               # concurrent requests per resolved IP (township sites share servers)
    concurrency: int = 16         # global
    obey_robots: bool = True
    user_agent: str = DEFAULT_USER_AGENT
    max_size: int = 20 * 1024 * 1024   # bytes per response
    retries: int = 1
    site_budget: float = DEFAULT_SITE_BUDGET  # seconds per site, then the rest is not scanned (site-budget)
    max_retry_after: float = 60.0  # longest Retry-After (429/503) waited for
    security: bool = True         # TLS scans and the plain-HTTP redirect probe (off with --skip security)
    ca_bundle: str | None = None  # extra trusted roots for the TLS checks (--ca-bundle)
    max_attachments: int = 100    # attachments per site fetched whole to be read (PDF, DOCX, XLSX, XLS/ET,
                                  # CSV/TXT); the others are asked for their status only (HEAD)
    max_attachment_mb: float = 5.0  # size cap of an attachment fetched to be read; over it: not read (too-large)
    max_resources: int = 300      # embedded resources (img, script, stylesheet, CSS url(), media) on the site's
                                  # own host(s) checked per site, each URL once (HEAD, GET when refused)
    active_sites: int = 0         # sites crawled at once (0: enough to keep --concurrency busy); the others
                                  # wait, so sites finish one after another and are judged while others crawl
    # the previous crawl's page store of each site ("*": every site), asked for conditionally
    # (spiders.revalidate): where a run started from, not how it crawls, so not in `to_dict`
    since: dict[str, str] = field(default_factory=dict, compare=False)

    def site_window(self) -> int:
        """How many sites are crawled at once. No site is fetched faster than the politeness floor (at
        most 20 requests a second, whatever --delay says), so a site rarely has more than one request
        open: two sites per connection of --concurrency keep the crawl busy (one per connection left the
        crawl at 0.83 of a bare Scrapy spider on the fleet benchmark, two at 0.99)."""
        if self.active_sites > 0:
            return self.active_sites
        return max(4, 2 * self.concurrency)

    @property
    def max_attachment_bytes(self) -> int:
        return int(self.max_attachment_mb * 1024 * 1024)

    def to_dict(self) -> dict:
        """The options a run's results record: equal for a full and a conditional re-audit."""
        options = asdict(self)
        del options["since"]
        return options


class CrawlInterrupted(Exception):
    """The crawl stopped before it was done (Ctrl-C, SIGTERM): results would be wrong, so none are made."""
