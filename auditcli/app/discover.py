"""`auditcli discover COUNTY_URL`: read a county portal's lists of township and department sites and write
a draft sites file (docs/SPEC.md §3) that an evaluator checks and then audits.

Polite by construction: the home page, then only the 网站群/部门/乡镇 index pages and link-menu scripts
it points to, at most `--max-pages` requests, through the crawl's own Scrapy settings (robots.txt,
User-Agent, politeness floor). What a link is (township, department, not a sub-site) is decided in
auditcli.core.subsites; this module fetches, writes the YAML with comments, and checks that `audit`
loads it before it replaces anything.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from auditcli import __version__
from auditcli.app.config import ConfigError, load_sites_file
from auditcli.core import tree
from auditcli.core.subsites import Draft, Entry, judge, pages_to_follow, read_page
from auditcli.core.urls import clean_url, ip_literal
from spiders.options import CrawlOptions
from spiders.sitelist import Fetched, FetchedPage, fetch_site_lists

TITLE_SEPARATORS = re.compile(r"\s*[-_|—–·]+\s*")


class DiscoverError(Exception):
    """Bad input (exit 2) or nothing to read (exit 3), with one clear message."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


@dataclass
class Discovery:
    draft: Draft
    fetched: Fetched
    as_of: date


def check_county_url(url: str) -> str:
    """An http(s) URL with a host; the home page's URL as the sites file will hold it."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises on a port out of range
    except ValueError as exc:
        raise DiscoverError(f"COUNTY_URL: {url!r} is not a usable URL ({exc})") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise DiscoverError(f"COUNTY_URL: not an http(s) URL: {url!r} (give the portal's home page, "
                            "e.g. http://www.example.gov.cn/)")
    return clean_url(url)


def check_writable(out: Path) -> None:
    """Before any fetch: the draft's directory exists and takes a file, and --out is no directory."""
    if out.is_dir():
        raise DiscoverError(f"--out: {out} is a directory (give the sites file to write, e.g. {out / 'sites.yaml'})")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise DiscoverError(f"--out: {folder}: no such directory")
    if not os.access(folder, os.W_OK):
        raise DiscoverError(f"--out: {folder}: cannot write there")


def discover(county_url: str, options: CrawlOptions, max_pages: int, verbose: bool = False) -> Discovery:
    """Fetch the portal's list pages and judge every link on them."""
    portal = {"url": county_url}

    def follow(page: FetchedPage) -> list[str]:
        if page.url == county_url:
            portal["url"] = page.final_url  # http://x.gov.cn → http://www.x.gov.cn/: the portal is where it lands
        return pages_to_follow(page.final_url, page.text, page.content_type, portal["url"])

    fetched = fetch_site_lists(county_url, follow, options, max_pages, verbose)
    home = next((page for page in fetched.pages if page.url == county_url), None)
    if home is None:
        failure = next((f for f in fetched.failures if f.url == county_url), None)
        why = f"{failure.reason}: {failure.detail}" if failure else "no answer"
        raise DiscoverError(f"{county_url}: the home page could not be fetched ({why})", code=3)
    if home.status >= 400 or not home.text.strip():
        raise DiscoverError(f"{county_url}: the home page answered HTTP {home.status}"
                            + ("" if home.text.strip() else " with no text"), code=3)
    links = [link for page in fetched.pages if page.status < 400
             for link in read_page(page.final_url, page.text, page.content_type)]
    draft = judge(links, home.final_url, site_name(home), start_page=home.final_url)
    draft.county_url = county_url
    return Discovery(draft, fetched, date.today())


def site_name(home: FetchedPage) -> str:
    """The portal's name: <meta name="SiteName">, else the part of its <title> that names a government."""
    root = tree.parse(home.text)
    name = (tree.meta_content(root, "SiteName") or "").strip()
    if name:
        return name
    title_node = root.find(".//title")
    title = " ".join(tree.text_of(title_node).split()) if title_node is not None else ""
    parts = [part for part in TITLE_SEPARATORS.split(title) if part]
    for part in parts:
        if "政府" in part:
            return part
    return parts[0] if parts else (urlsplit(home.final_url).hostname or home.final_url)


# -- the draft sites file ------------------------------------------------------------------------------------

def render(found: Discovery) -> str:
    """The sites file: the county, each sub-site with the list it was found in, the undecided ones
    commented out (uncomment to keep), and what was left out, as comments."""
    draft = found.draft
    taken = {"county"}
    read = [page.final_url for page in found.fetched.pages]
    towns = sum(1 for e in draft.sites if e.level == "township")
    lines = [
        f"# Draft sites file written by `auditcli discover` (auditcli {__version__}) on {found.as_of.isoformat()}",
        f"# from {_comment(draft.county_url)}: {len(read)} pages read ({_comment(', '.join(read[:6]))}"
        + (", …" if len(read) > 6 else "") + ").",
    ]
    for failure in found.fetched.failures:
        lines.append(f"# Not read: {_comment(failure.url)} ({failure.reason})")
    lines += [
        f"# Found {towns} townships and {len(draft.sites) - towns} departments; {len(draft.undecided)} undecided "
        f"(commented out); {len(draft.left_out)} links left out (listed at the end).",
        "# Names are as the portal writes them. Check each entry, then run: auditcli audit THIS_FILE",
        "audit:",
        f"  name: {_scalar(draft.county_name + '网站群（discover 草稿）')}",
        "  profile: cn-gov-2019",
        "sites:",
        "  - id: county",
        f"    name: {_scalar(draft.county_name)}",
        "    level: county",
        f"    url: {_scalar(draft.county_url)}",
    ]
    for entry in draft.sites:
        lines += _site_lines(entry, _site_id(entry, draft.county_url, taken), commented=False)
    for entry in draft.undecided:
        lines += _site_lines(entry, _site_id(entry, draft.county_url, taken), commented=True)
    if draft.left_out:
        lines.append("# Left out (not sub-sites of this county):")
        for entry in draft.left_out:
            lines.append(f"#   {_comment(entry.name)} {_comment(entry.url)}: {_comment(entry.left_out or '')}")
    return "\n".join(lines) + "\n"


def _site_lines(entry: Entry, site_id: str, commented: bool) -> list[str]:
    where = f"found in 「{entry.link.heading}」" if entry.link.heading else f"found as a {entry.link.how}"
    notes = "; ".join([where + f" on {entry.link.page}", *entry.notes])
    head = "  # undecided, remove the #s to keep it: " if commented else "  # "
    body = [
        f"- id: {site_id}",
        f"  name: {_scalar(entry.name)}",
        f"  level: {entry.level or 'department'}" + ("   # or township" if commented else ""),
        "  parent: county",
        f"  url: {_scalar(entry.url)}",
    ]
    return [head + _comment(notes)] + [("  # " if commented else "  ") + line for line in body]


def _site_id(entry: Entry, county_url: str, taken: set[str]) -> str:
    """A stable id from the URL: the sub-domain's label (jyj.x.gov.cn → dept-jyj), the column tree's
    directory (/xxgk/jiazhen/ → town-jiazhen), else the host and port."""
    parts, portal = urlsplit(entry.url), urlsplit(county_url)
    segments = [segment for segment in parts.path.split("/") if segment and "." not in segment]
    host = parts.hostname or ""
    if parts.netloc.lower() == portal.netloc.lower() and segments:
        base = segments[-1]
    elif ip_literal(host) is not None or host == "localhost":
        base = f"{host}-{parts.port}" if parts.port else host
    else:
        labels = host.split(".")
        base = labels[1] if labels[0] in ("www", "web", "wz") and len(labels) > 2 else labels[0]
        base = base + (f"-{segments[-1]}" if segments else "")
    prefix = {"township": "town", "department": "dept"}.get(entry.level or "", "site")
    slug = re.sub(r"[^A-Za-z0-9]+", "-", base).strip("-").lower() or "site"
    site_id, number = f"{prefix}-{slug}", 2
    while site_id in taken:
        site_id, number = f"{prefix}-{slug}-{number}", number + 1
    taken.add(site_id)
    return site_id


def _scalar(value: str) -> str:
    """A YAML scalar that reads back as `value` (quoted when plain would not)."""
    return yaml.safe_dump(value, allow_unicode=True, width=10**6).removesuffix("\n").removesuffix("\n...")


def _comment(text: str) -> str:
    return " ".join(str(text).split())


def write(found: Discovery, out: Path) -> Path:
    """Write the draft atomically (a file beside `out`, renamed over it), after `audit`'s own loader has
    read it: a draft that would not load is a bug here, never a broken file for the evaluator."""
    text = render(found)
    folder = out.parent if str(out.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".yaml", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        try:
            load_sites_file(Path(temporary))
        except ConfigError as exc:
            raise RuntimeError(f"discover wrote a sites file that does not load: {exc}") from None
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return out
