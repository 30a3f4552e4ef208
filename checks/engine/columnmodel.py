"""The column model (栏目): discovery, items and dates, status; the `columns` and `homepage` blocks.

The freshness and columns dimensions judge on it (checks/freshness, checks/columns); it decides each
column's status once, and they read it.

One streaming pass summarises every page (checks.engine.listparse); everything after works on those small
summaries. A column is a group of list pages (its pagination pages are one column); hub pages that
only link to other columns, static pages (概况, 机构职能) and articles are not columns.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from auditcli.core.models import Finding
from auditcli.core.urls import normalise_url
from auditcli.core.vocabulary import VETO_DEFAULTS
from checks.engine import dates as D
from checks.engine import scriptlist
from checks.engine.listparse import (
    PageSummary,
    Row,
    column_knowledge,
    looks_like_column_url,
    summarise,
    title_name,
)
from checks.engine.registry import page_analysis, result_block, site_analysis
from checks.engine.rendered import rendered_page
from checks.engine.siteview import Page, SiteView

log = logging.getLogger("auditcli.checks.columns")


@dataclass
class Column:
    """One list column as judged; `to_dict` is its entry in the results.json `columns` block."""

    key: str
    name: str
    url: str
    category: str
    max_age_days: int
    pages: list[PageSummary] = field(default_factory=list)
    items: list[Row] = field(default_factory=list)
    latest: date | None = None
    latest_row: Row | None = None
    age_days: int | None = None
    status: str = "undated"
    top_level: bool = False
    evidence: str = ""
    evidence_en: str = ""  # the evidence told in English (quoted page text stays as written)
    selector: str | None = None
    item_count: int = 0
    rendered: bool = False  # judged from the list browser mode rendered (a list filled by script)
    item_dates: list[date | None] = field(default_factory=list)  # each item's date (as `items`), None: undated

    def to_dict(self) -> dict:
        entry = {
            "name": self.name, "url": self.url, "category": self.category,
            "item_count": self.item_count,
            "latest_date": self.latest.isoformat() if self.latest else None,
            "age_days": self.age_days, "max_age_days": self.max_age_days, "status": self.status,
            "top_level": self.top_level, "evidence": self.evidence,
        }
        if self.rendered:
            entry["rendered"] = True
        return entry

    def finding(self, message: str, message_en: str, evidence: str | None = None) -> Finding:
        return Finding(
            url=self.url, message=message, message_en=message_en, selector=self.selector,
            evidence=evidence if evidence is not None else self.evidence, locator=normalise_url(self.url),
            data={"column": self.name, "category": self.category,
                  "latest_date": self.latest.isoformat() if self.latest else None,
                  "max_age_days": self.max_age_days, "age_days": self.age_days, "status": self.status},
        )


@dataclass
class SiteColumns:
    """The result of the `columns_model` analyzer: columns plus what the home page analysis needs."""

    columns: list[Column]
    home: PageSummary | None
    second_level: list[PageSummary]
    pages: int
    home_item_dates: list[date] = field(default_factory=list)  # dates of home items that show none: URL, PubDate, month


# ------------------------------------------------------------------------------------------ keys
def column_key(url: str) -> str:
    """One key for every pagination page of a column: …/index_3.html, ?pageNum=2 -> …/."""
    k = column_knowledge()
    parts = urlsplit(url)
    path = parts.path or "/"
    head, _, leaf = path.rpartition("/")
    names = "|".join(re.escape(n) for n in k["page_names"])
    if re.fullmatch(rf"(?:{names})(?:_\d+)?\.\w+", leaf, re.I) or leaf == "":
        path = head + "/"
    else:
        path = re.sub(r"_\d+(\.\w+)$", r"\1", path) if re.search(r"(list|more|lm|column)\w*_\d+\.\w+$", leaf, re.I) else path
    params = {p.lower() for p in k["page_params"]}
    query = urlencode([(a, b) for a, b in parse_qsl(parts.query, keep_blank_values=True) if a.lower() not in params])
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, ""))


def page_number(url: str) -> int:
    m = re.search(r"_(\d+)\.\w+$", urlsplit(url).path)
    if m:
        return int(m.group(1))
    for a, b in parse_qsl(urlsplit(url).query):
        if a.lower() in {p.lower() for p in column_knowledge()["page_params"]} and b.isdigit():
            return int(b)
    return 0


# ------------------------------------------------------------------------------------------ policy
def categorise(texts: list[str | None]) -> str:
    k = column_knowledge()
    for text in texts:
        if not text:
            continue
        low = text.lower()
        for cat in k["categories"]:
            if any(word.lower() in low for word in cat["keywords"]):
                return cat["id"]
    return k["default_category"]


def max_age_for(category: str) -> int:
    k = column_knowledge()
    for cat in k["categories"]:
        if cat["id"] == category:
            return int(cat["max_age_days"])
    return int(k["default_max_age_days"])


def category_label(category: str, lang: str = "zh") -> str:
    k = column_knowledge()
    for cat in k["categories"]:
        if cat["id"] == category:
            return cat.get(f"label_{lang}", category)
    return k.get(f"default_label_{lang}", category)


def is_static_name(name: str) -> bool:
    return any(w in name for w in column_knowledge()["static_words"])


def is_letter_list(s: PageSummary, name: str | None = None) -> bool:
    """A letter or consultation list (书记信箱, 留言, 咨询): by its name or type, or its list's header row
    (标题 | 来信时间 | 回复时间 | 状态). Interaction judges it; having no letters is no failure to update."""
    k = column_knowledge()
    names = [s.column_type, s.column_name, name if name is not None else s.name]
    if any(w in text for text in names if text for w in k["letter_words"]):
        return True
    return any(w in s.list_headers for w in k["letter_header_words"])


# ------------------------------------------------------------------------------------------ analysis
def _is_home(summary: PageSummary, site: SiteView) -> bool:
    homes = {normalise_url(site.config.url)}
    return normalise_url(summary.url) in homes or normalise_url(summary.final_url) in homes


COL_URL = re.compile(r"/col/col\d+/", re.I)


def _listable(s: PageSummary) -> bool:
    """Not an article, portal home, foreign-language version or tool page."""
    if s.is_article or s.portal_home:
        return False
    if s.lang and not s.lang.startswith("zh") and s.cjk_ratio < 0.3:
        return False  # a foreign-language version: the language checks judge it
    return not any(word in urlsplit(s.final_url).path.lower() for word in column_knowledge()["not_column_url_words"])


def _small_list(s: PageSummary) -> bool:
    """A list of only one or two items, every one dated, in the page's named list box (ul.list): a column
    if navigation leads to it or its URL is a column's (decided once every page is read)."""
    if not _listable(s) or s.column_name or s.datastore or not s.main_list or not 1 <= len(s.rows) <= 2:
        return False
    if is_static_name(s.name) or D.date_in_url(s.final_url) is not None:
        return False  # 概况 pages; a URL carrying a date is an article's
    return all((r.date or r.url_date) and not looks_like_column_url(r.href) for r in s.rows)


def _same_site(a: str, b: str) -> bool:
    host = urlsplit(a).netloc.lower().removeprefix("www.")
    return host == urlsplit(b).netloc.lower().removeprefix("www.")


def _named_box(s: PageSummary) -> str | None:
    """A list page without CMS metas that only navigation can confirm (decided once every page is read):
    "empty" for a named list box with no items at all (<div class="list_box"><h2>政策文件</h2><ul class="list">
    </ul>), "items" for a named list box of three or more undated item links within the site."""
    if not _listable(s) or s.column_name or s.datastore or s.more_links or s.pub_date:
        return None
    name = s.name.strip()
    if not name or is_static_name(name) or is_letter_list(s) or D.date_in_url(s.final_url) is not None:
        return None
    if not s.rows:
        bare = s.main_text_len - len(s.heading) < 40
        return "empty" if s.empty_container and bare and not s.placeholder else None
    if not s.main_list or len(s.rows) < 3:
        return None
    items = [r for r in s.rows if _same_site(r.href, s.final_url) and not looks_like_column_url(r.href)
             and not COL_URL.search(urlsplit(r.href).path) and not is_static_name(r.title) and r.title]
    return "items" if len(items) >= 3 and len(items) * 4 >= len(s.rows) * 3 else None


def _candidate(s: PageSummary) -> bool:
    """Does this page look like (a page of) a list column?"""
    if not _listable(s):
        return False
    if s.column_name or s.datastore:
        return True
    if s.rows:
        dated = sum(1 for r in s.rows if r.date or r.url_date)
        return len(s.rows) >= 3 and (dated >= 2 or (s.has_pager and s.rows[0].title != ""))
    # no list meta and no rows: a list only when an empty list box or a pager says so
    return bool((s.placeholder or s.total == 0) and (s.empty_container or s.has_pager)
                or (s.empty_container and s.has_pager))


def _start_page_is_column(s: PageSummary, site: SiteView) -> bool:
    """A column audited directly: its own list page is the site's URL. The page declares its column
    (ColumnName) or, for a site scoped to a URL prefix, reads as a list column; a portal home never is one."""
    if not _candidate(s):
        return False
    return bool(s.column_name or s.datastore) or not site.config.is_host_root


def _broken(site: SiteView) -> set[str]:
    bad = {url for url, final, status, _ in site.fetch_statuses() if status >= 400}
    bad |= {n.url for n in site.not_scanned() if n.reason.startswith("http-4")}
    return {normalise_url(u) for u in bad}


@page_analysis(dimensions=("freshness", "columns", "languages", "content"))
def page_summary(page: Page, site: SiteView) -> PageSummary:
    """What the column analysis keeps of one page. It cuts page furniture out of the shared tree, so
    the page pass runs it after every other reader of the page (`consumes_tree`)."""
    s = summarise(page, site.as_of)
    s.item_targets = {normalise_url(r.href) for r in s.rows if r.date or r.url_date}
    if not _is_home(s, site):
        s.item_links, s.link_dates = [], []  # only the home page needs its links
        if not (_candidate(s) or _small_list(s) or _named_box(s)):
            s.rows = []  # a shallow page is kept for the home page's second-level judgement, without rows
            s.content_dates = s.content_dates if s.depth <= 1 else []
    return s


page_summary.consumes_tree = True  # type: ignore[attr-defined]


@site_analysis
def columns_model(site: SiteView) -> SiteColumns:
    summaries: dict[str, PageSummary] = {}
    pubdates: dict[str, date] = {}
    articles: set[str] = set()
    home: PageSummary | None = None
    candidate_keys: set[str] = set()
    small: dict[str, PageSummary] = {}  # one- or two-item lists, judged once links are known
    item_targets: set[str] = set()  # pages some list gives as a dated item: articles, not columns
    count = 0
    for s in site.page_results(page_summary):
        count += 1
        key = normalise_url(s.final_url)
        if s.pub_date:
            pubdates[key] = pubdates[normalise_url(s.url)] = s.pub_date
        if s.is_article:
            articles.update((key, normalise_url(s.url)))
        item_targets.update(s.item_targets)
        if _is_home(s, site):
            home = home or s
            if not _start_page_is_column(s, site):
                continue
        if _candidate(s):
            summaries[key] = s
            candidate_keys.add(key)
        elif _small_list(s) or _named_box(s):
            small[key] = s
        elif s.depth <= 1:
            summaries[key] = s
    _adopt_frames(summaries, small, candidate_keys)
    bare = {u for s in [*summaries.values(), *small.values()] if not s.rows for u in (s.url, s.final_url)}
    home_links, nav_targets, out_links, site_wide = _link_targets(site, home, bare)
    for key, s in small.items():
        columnish = looks_like_column_url(s.final_url) or COL_URL.search(urlsplit(s.final_url).path) is not None
        if (columnish or key in nav_targets) and key not in item_targets and normalise_url(s.url) not in item_targets:
            s.admitted = True
            summaries[key] = s
            candidate_keys.add(key)
        elif s.depth <= 1:
            s.rows = []
            summaries[key] = s
    candidates = {k: s for k, s in summaries.items() if k in candidate_keys}
    groups: dict[str, list[PageSummary]] = {}
    for s in candidates.values():
        groups.setdefault(column_key(s.final_url), []).append(s)
    list_keys = set(groups)
    broken = _broken(site)
    columns = []
    for key, pages in groups.items():
        pages.sort(key=lambda p: (page_number(p.final_url), len(p.final_url)))
        if not any(p.rows for p in pages) and _is_navigation(pages, key, list_keys, out_links, site_wide):
            continue  # a hub: navigation to columns, not an empty column
        column = _judge(site, key, pages, list_keys, pubdates, articles, broken, home_links)
        if column is not None and is_letter_list(pages[0], column.name):
            continue  # letters (信箱, 留言, 咨询) are judged by checks.interaction, by their reply times
        if column is not None:
            columns.append(column)
    columns.sort(key=lambda c: c.url)
    second = [s for k, s in summaries.items() if k in home_links and s.depth <= 1]
    home_items = []
    if home is not None:
        home_items = home.link_dates + [d for u, month in home.item_links
                                        if (d := pubdates.get(normalise_url(u)) or month)]
    return SiteColumns(columns=columns, home=home, second_level=second, pages=count,
                       home_item_dates=home_items)


def _link_targets(site: SiteView, home: PageSummary | None,
                  watched: set[str] = frozenset()) -> tuple[set[str], set[str], dict[str, set[str]], set[str]]:
    """Pages the home page links to; pages navigation leads to (linked from the home page, or by a short,
    menu-like link text from at least two pages: a menu repeated across the site); the links out of the
    `watched` pages (src -> normalised dsts); and the site-wide menu (pages linked from half the pages or more)."""
    sources = {home.url, home.final_url} if home is not None else set()
    home_links: set[str] = set()
    menu_sources: dict[str, set[str]] = {}
    out_links: dict[str, set[str]] = {}
    linked_from: dict[str, int] = {}  # distinct pages linking to each page (only when some page is watched)
    sources_seen, current, current_dsts = 0, None, set()  # a page's links are stored together: one run per src
    for link in site.links():
        dst = normalise_url(link.dst)
        if watched:
            if link.src != current:
                current, current_dsts, sources_seen = link.src, set(), sources_seen + 1
            if dst not in current_dsts:
                current_dsts.add(dst)
                linked_from[dst] = linked_from.get(dst, 0) + 1
        if link.src in watched:
            out_links.setdefault(link.src, set()).add(dst)
        if link.src in sources:
            home_links.add(dst)
        elif 0 < len(link.text.strip()) <= 12:
            seen = menu_sources.setdefault(dst, set())
            if len(seen) < 2:
                seen.add(link.src)
    site_wide = {d for d, n in linked_from.items() if sources_seen >= 4 and n * 2 >= sources_seen}
    navigation = home_links | {d for d, srcs in menu_sources.items() if len(srcs) >= 2}
    return home_links, navigation, out_links, site_wide


def _is_navigation(pages: list[PageSummary], key: str, list_keys: set[str], out_links: dict[str, set[str]],
                   site_wide: set[str]) -> bool:
    """A page without list rows whose links lead to the site's own column list pages is navigation
    (政府信息公开 目录, 互动交流 index: docs/SPEC.md §5), not an empty column: its column links sit in menus
    cut away as page furniture. It is navigation when it links to two or more columns under its own
    directory (its sub-columns, crawled or not), or when it links to two or more columns (a menu repeated on every page
    of the site not counted) and shows no sign of an empty list of its own (placeholder, 0 records, an empty
    list box, a pager)."""
    first = pages[0]
    links: set[str] = set()
    for p in pages:
        links |= out_links.get(p.url, set()) | out_links.get(p.final_url, set())
    columns = ({column_key(d) for d in links} & list_keys) - {key}
    # its own sub-columns: lists under its directory, crawled or not (a crawl limit may have left them out)
    children = {c for d in links if (c := column_key(d)) != key and c.startswith(key)
                and (c in list_keys or looks_like_column_url(d))}
    if len(children) >= 2:
        return True
    if len({column_key(d) for d in links - site_wide} & columns) < 2:
        return False
    said_empty = any(p.placeholder or p.total == 0 or p.empty_container or p.has_pager for p in pages)
    return not said_empty and not first.datastore


def _judge(site: SiteView, key: str, pages: list[PageSummary], list_keys: set[str],
           pubdates: dict[str, date], articles: set[str], broken: set[str],
           home_links: set[str]) -> Column | None:
    """The column behind one list key with its status (empty, undated, stale, fresh), or None when the
    pages are a hub, a static page or a single-page column rather than a list column."""
    first = pages[0]
    # the column's own name: never the site's (财政预决算_某某县新闻出版局 is 财政预决算)
    name = (first.column_name or first.heading or title_name(first.title, (site.config.name,))).strip() or first.title
    rows = _column_rows(pages, key)
    if not rows and any(p.script_list for p in pages):
        return _judge_script_list(site, key, name, pages, pubdates, home_links)
    if rows and _is_hub(rows, first, list_keys, pubdates, articles):
        return None
    if not rows and not _may_be_empty_column(name, pages):
        return None
    if rows and is_static_name(name):
        return None  # 机构职能, 领导之窗: static pages are never list columns, whatever dates their links carry
    column = _new_column(site, key, name, pages, rows, home_links)
    declared = max((p.total for p in pages if p.total is not None), default=None)
    column.item_count = len(rows)
    if first.datastore and declared and declared > len(rows):
        column.item_count = declared
    if not rows:
        _mark_empty(column, pages, declared)
    elif all(normalise_url(r.href) in broken for r in rows):
        column.status = "empty"
        column.evidence = f"全部 {len(rows)} 条链接失效：{rows[0].title}"
        column.evidence_en = f"all {len(rows)} item links are broken, e.g. “{rows[0].title}”"
        column.selector = rows[0].selector
    else:
        _mark_freshness(column, site, rows, pubdates)
    return column


def _adopt_frames(summaries: dict[str, PageSummary], small: dict[str, PageSummary], candidate_keys: set[str]) -> None:
    """A list shown in a same-site frame belongs to the column of the page that frames it: the framed
    page's rows (or its 暂无信息) become that page's, and the framed page is no column of its own."""
    pages = {**small, **summaries}
    for outer in pages.values():
        if outer.rows or not outer.frames:
            continue
        for frame in outer.frames:
            key = normalise_url(frame)
            inner = pages.get(key)
            if inner is None or inner is outer or not (inner.rows or inner.placeholder or inner.empty_container):
                continue
            prefix = f"iframe[src*='{urlsplit(frame).path.rsplit('/', 1)[-1]}'] >>> "
            for row in inner.rows:
                row.selector = prefix + row.selector
            outer.rows, outer.total = inner.rows, outer.total if outer.total is not None else inner.total
            outer.placeholder, outer.empty_container = inner.placeholder, outer.empty_container or inner.empty_container
            outer.placeholder_selector = prefix + inner.placeholder_selector if inner.placeholder_selector else None
            outer.script_list = None  # judged from the frame's own HTML: nothing left for a browser
            for table in (summaries, small):
                table.pop(key, None)
            candidate_keys.discard(key)
            break


def _judge_script_list(site: SiteView, key: str, name: str, pages: list[PageSummary], pubdates: dict[str, date],
                       home_links: set[str]) -> Column:
    """A column whose list a script fills: judged from the list browser mode rendered (its items dated as
    shown, else by the JSON the page fetched), else "needs-browser" — never empty on the static HTML alone."""
    column = _new_column(site, key, name, pages, [], home_links)
    shown = [summary for p in pages if (summary := _shown(site, p)) is not None]
    if not shown:
        first = pages[0]
        sign = next(p.script_list for p in pages if p.script_list)
        column.status = "needs-browser"
        column.evidence = sign or ""
        column.evidence_en = f"the list is filled by script ({sign}): render it with --browser"
        column.selector = first.empty_container or first.container
        return column
    rows = _column_rows(shown, key)
    column.items, column.item_count, column.rendered = rows, len(rows), True
    if rows:
        _mark_freshness(column, site, rows, pubdates)
    else:
        _mark_empty(column, shown, max((p.total for p in shown if p.total is not None), default=None))
        column.evidence += "（浏览器渲染后）"
        column.evidence_en += " (as rendered in the browser)"
    return column


def _shown(site: SiteView, page: PageSummary) -> PageSummary | None:
    """The summary of a list page as browser mode rendered it, its undated items dated by the JSON it
    fetched; None when browser mode did not render (snapshot) it."""
    shown = rendered_page(site, page.url, page.final_url, page.depth)
    if shown is None:
        return None
    summary = summarise(shown, site.as_of)
    fetched = scriptlist.json_items(shown.responses, site.as_of)
    for row in summary.rows:
        if row.date is None and row.url_date is None:
            row.date = fetched.date_of(row.title, row.href)
    return summary


def _column_rows(pages: list[PageSummary], key: str) -> list[Row]:
    """The column's items over all its pages, each once, without links back into the column itself."""
    rows: list[Row] = []
    seen: set[str] = set()
    for p in pages:
        for r in p.rows:
            n = normalise_url(r.href)
            if n not in seen and column_key(r.href) != key:
                seen.add(n)
                rows.append(r)
    return rows


def _item_date(r: Row, pubdates: dict[str, date]) -> date | None:
    """An item's date: the list's, else its URL's full date, else its article's own (PubDate), else the first
    day of the month its URL names (/202310/: a range, which the article's own date narrows)."""
    if r.date or (r.url_date and not D.is_month_only(r.url_date)):
        return r.date or r.url_date
    return pubdates.get(normalise_url(r.href)) or r.url_date


def _is_hub(rows: list[Row], first: PageSummary, list_keys: set[str], pubdates: dict[str, date],
            articles: set[str]) -> bool:
    """Hub pages link to other columns, not to items: mostly list links and few dates, column-like
    URLs and no dates, or no dates and nothing that names the page a column."""
    to_lists = sum(1 for r in rows if column_key(r.href) in list_keys)
    dated = sum(1 for r in rows if _item_date(r, pubdates))
    to_articles = sum(1 for r in rows if normalise_url(r.href) in articles)
    if to_lists * 2 >= len(rows) and dated * 2 < len(rows):
        return True
    column_like = sum(1 for r in rows if looks_like_column_url(r.href))
    if not dated and not to_articles and column_like * 2 >= len(rows):
        return True
    return not dated and not to_articles and not first.column_name and not first.datastore and not first.admitted


def _may_be_empty_column(name: str, pages: list[PageSummary]) -> bool:
    """Pages without rows are an empty column only when they say so or hold nothing: a static page is
    never empty merely for having no list, and a page with its own text is a single-page column (单页栏目)."""
    declared_zero = any(p.total == 0 for p in pages)
    said_empty = any(p.placeholder for p in pages) or declared_zero
    bare = all(p.main_text_len - len(p.heading) < 40 for p in pages)
    if is_static_name(name) and not (said_empty and bare):
        return False
    return bool(said_empty or bare or any(p.empty_container for p in pages))


def _new_column(site: SiteView, key: str, name: str, pages: list[PageSummary], rows: list[Row],
                home_links: set[str]) -> Column:
    """The column with its category and age limit (the site's column overrides win) and whether it is
    top-level (linked from the home page, or audited directly)."""
    first = pages[0]
    texts = [first.column_type, first.column_name, name]
    category = categorise(texts)
    limit = max_age_for(category)
    for override in site.config.columns:
        if override.applies_to(name, first.final_url):
            category = override.category or category
            limit = override.max_age_days or max_age_for(category)
    top_level = any(normalise_url(p.final_url) in home_links or normalise_url(p.url) in home_links
                    or _is_home(p, site) for p in pages)  # a column audited directly is its site's top
    return Column(key=key, name=name, url=first.final_url, category=category, max_age_days=limit,
                  pages=pages, items=rows, top_level=top_level,
                  selector=first.container)


def _mark_empty(column: Column, pages: list[PageSummary], declared: int | None) -> None:
    """An empty column's evidence: the placeholder it shows, else its declared 0 records, else its empty list."""
    first = pages[0]
    column.status = "empty"
    holder = next((p for p in pages if p.placeholder), None)
    if holder:
        column.evidence, column.selector = holder.placeholder or "", holder.placeholder_selector
        column.evidence_en = f"the list says “{column.evidence}”"
    elif declared == 0:
        column.evidence, column.evidence_en = "共 0 条记录", "the list declares 0 records"
        column.selector = first.empty_container or first.container
    else:
        column.evidence, column.evidence_en = "列表无条目", "the list has no items"
        column.selector = first.empty_container or first.container


def _mark_freshness(column: Column, site: SiteView, rows: list[Row], pubdates: dict[str, date]) -> None:
    """Undated, stale or fresh by the latest item date, with that item as the evidence."""
    # one day of grace: a portal in UTC+8 may already show tomorrow's date for a UTC as_of
    horizon = site.as_of + timedelta(days=1)
    column.item_dates = [d if d and d <= horizon else None for r in rows for d in (_item_date(r, pubdates),)]
    dated = [(d, r) for d, r in zip(column.item_dates, rows, strict=True) if d]
    if not dated:
        column.status = "undated"
        column.evidence = rows[0].title
        column.selector = rows[0].selector
        return
    column.latest, column.latest_row = max(dated, key=lambda x: x[0])
    column.age_days = max(0, (site.as_of - column.latest).days)
    column.status = "stale" if column.age_days > column.max_age_days else "fresh"
    column.evidence = f"{column.latest_row.title} {column.latest.isoformat()}"
    column.selector = column.latest_row.selector


@result_block("columns", dimensions=("freshness", "columns"))
def columns_block(site: SiteView) -> list[dict]:
    return [c.to_dict() for c in columns_model(site).columns]


@result_block("homepage", dimensions=("freshness",))
@site_analysis
def homepage_block(site: SiteView) -> dict:
    model = columns_model(site)
    url = model.home.final_url if model.home else site.config.url
    # every item of the home page counts: its visible date, else the date in its URL, else the date of the
    # article it opens (PubDate, 发布时间), as an inspector clicks through — as for the items of a column
    latest = D.newest([*model.home.content_dates, *model.home_item_dates], site.as_of) if model.home else None
    judged_by = "homepage"
    if model.home is not None and any(_is_home(p, site) for c in model.columns for p in c.pages[:1]):
        judged_by = "column"  # the site's URL is a column's own list: its column limit judges it, not 14 days
    if latest is None:  # a navigation-only home page: judged by its second-level pages
        judged_by = "second-level"
        latest = D.newest((d for s in model.second_level for d in s.content_dates), site.as_of)
        if latest is None:
            latest = D.newest((c.latest for c in model.columns if c.top_level or c.pages[0].depth <= 2),
                              site.as_of)
    block = {
        "url": url, "latest_date": latest.isoformat() if latest else None,
        "age_days": (site.as_of - latest).days if latest else None, "judged_by": judged_by,
    }
    if judged_by != "column":
        block["max_age_days"] = homepage_max_age(site)
    item = _newest_home_item(model.home, latest) if judged_by == "homepage" and model.home and latest else None
    if item is not None:
        block["latest_item"] = item
    return block


def _newest_home_item(home: PageSummary, latest: date) -> dict | None:
    """The home page's item dated `latest` (its title, link and element), so a webmaster told "not updated
    since" sees which item the date comes from; None when the date was read from the page's text."""
    for row in home.rows:
        if latest in (row.date, row.url_date):
            return {"title": row.title[:80], "href": row.href, "selector": row.selector}
    return None


def homepage_max_age(site: SiteView) -> int:
    """The home page's limit in days: the scoring profile's (`vetoes.homepage-stale.max_age_days`, handed
    over in `site.options`), else the checklist's 14. Recorded in the block, so scoring reads the limit the
    check judged by rather than judging again."""
    return int(site.options.get("homepage_max_age_days", VETO_DEFAULTS["homepage-stale"]["max_age_days"]))
