"""Read one page into a small summary: its list rows and their dates, placeholders, pager totals.

The summary is what column analysis keeps per page (never the parsed tree), so memory stays flat
however many pages a site has. Page furniture (header, navigation, footer, breadcrumbs) is cut away
first, so a clock, a copyright year or a menu is never read as content.

The page is read from its lxml tree (`Page.tree`, auditcli.core.tree) exactly as it was once read from
BeautifulSoup's soup: text pieces (comments included where BeautifulSoup's string search saw them), cuts
that keep the text after the cut element, and the whole document, not only its first <html>: what a page
writes after </html> (statistics scripts, a stray footer) libxml2 puts in an <html> of its own beside the
first, and the doctype and the comments around <html> are strings of the soup (`_soup`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from itertools import islice
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import Element as new_element
from lxml.html import HtmlComment, HtmlElement

from auditcli.core.knowledge import load
from auditcli.core.soupcompat import has_no_own_text, soup_body
from auditcli.core.tree import (
    Piece,
    ancestors,
    classes,
    combinator,
    css_path,
    cut,
    is_cut,
    parse,
    pieces,
    text_of,
    text_stub,
)
from auditcli.core.urls import join_url
from checks.engine import dates as D
from checks.engine import scriptlist

ROW_TAGS = ("li", "tr", "dd", "dt")
LOOSE_ROW_TAGS = ("p", "div", "td", "h3", "h4", "h5", "span")
CONTENT_WORDS = ("article", "content", "list", "con", "text", "detail", "main", "news", "info")
ARTICLE_CLASS = re.compile(r"^(article|content|detail|TRS_Editor|zw|wzy|art_con|view|pages_content)", re.I)
ARTICLE_METAS = ("articletitle", "pubdate", "contentsource", "article:published_time")
CDATA_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
SKIP_HREF = ("javascript:", "mailto:", "tel:", "#", "data:")
PAGER_TEXT = re.compile(r"^(首页|上一?页|下一?页|尾页|末页|前页|后页|第?\s*\d+\s*页?|更多.*|more.*|>>|<<|»|«|\.\.\.|"
                        r"返回.*|打印.*|关闭.*|跳转|GO|go|\[?\d+\]?)$", re.I)
MAX_ROWS = 400
# A pager script: Hanweb jpage, page counts of TRS and of jQuery/layui pagination plugins, a .pagination(…) call.
PAGER_SCRIPT = re.compile(r"\b(?:jpage|pageNum|totalPages?|countPage|pageCount|totalNumber|num_entries|laypage)\b"
                          r"|\.pagination\s*\(")
MORE_TEXT = re.compile(r"^(更多|more)\s*(>>|»|>|\+)?$", re.I)
# After a date written into the link text: a clock, a closing bracket, nothing else.
LINK_TAIL = re.compile(r"^\s*(?:\d{1,2}:\d{2}(?::\d{2})?)?\s*[)）\]】]?\s*$")
DATE_DIGITS = re.compile(r"\d{1,4}\s*[-/.年月]|[〇○零][^\n]{0,20}年")  # text that may hold a date, clocks' too
INLINE_TAGS = ("span", "b", "font", "em", "strong", "a", "i", "small", "label", "u", "sup", "sub")
WORD_CACHE = 8192  # class and id words judged (furniture, crumb, sidebar, list box): templates repeat them
CACHED_SCRIPT_CHARS = 16384  # a page's scripts searched once per template up to this length (memory stays bounded)
YEARLESS_TAIL = re.compile(r"[\[(（【]\s*(\d{1,2}\s*[-/月]\s*\d{1,2}\s*日?)\s*[\])）】]\s*$")


@cache
def column_knowledge() -> dict:
    return load("columns")


@cache
def _total_patterns() -> list[re.Pattern[str]]:
    return [re.compile(p, re.I) for p in column_knowledge()["total_patterns"]]


@dataclass(slots=True)
class Row:
    """One list item: where it links, its title, and the date the list (or its URL) gives it."""

    href: str
    title: str
    date: date | None
    url_date: date | None
    pinned: bool
    selector: str
    yearless: tuple[int, int] | None = None  # (month, day) when the list wrote no year


@dataclass
class PageSummary:
    url: str
    final_url: str
    depth: int
    lang: str
    title: str
    heading: str
    column_name: str | None
    column_type: str | None
    is_article: bool
    pub_date: date | None
    rows: list[Row] = field(default_factory=list)
    container: str | None = None
    datastore: bool = False
    total: int | None = None
    has_pager: bool = False
    placeholder: str | None = None
    placeholder_selector: str | None = None
    empty_container: str | None = None
    main_text_len: int = 0
    content_dates: list[date] = field(default_factory=list)
    cjk_ratio: float = 1.0
    # items showing no date, neither in the list nor a full one in their URL: (href, the month its URL names or None)
    item_links: list[tuple[str, date | None]] = field(default_factory=list)
    link_dates: list[date] = field(default_factory=list)  # full URL dates of items showing no date in the list
    portal_home: bool = False
    main_list: bool = False  # the rows sit in the page's named list box (ul.list, div.list-box)
    list_headers: str = ""  # the header row of the page's list (标题 来信时间 回复时间 状态)
    more_links: int = 0  # 更多 links: a landing page of several boxes, not one column
    admitted: bool = False  # set by column analysis: a named list box that navigation leads to
    item_targets: set[str] = field(default_factory=set)  # pages its dated rows lead to: articles, not columns
    script_list: str | None = None  # no rows, but a script or a template fills the list (checks.engine.scriptlist)
    frames: list[str] = field(default_factory=list)  # same-site frames in the content of a page without rows
    # For the content checks (checks/content/dates.py): the rows of every list on the page whose date is in the
    # future or far from their URL's (checks.engine.dates.odd_item_date; nearly always none), and an article's
    # publication dates as shown (PubDate, 发布时间), which may be in the future too.
    odd_rows: list[Row] = field(default_factory=list)
    shown_dates: list[date] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.column_name or self.heading or title_name(self.title)


def title_name(title: str, site_names: tuple[str, ...] = ()) -> str:
    """The column's part of a <title>: 财政预决算_某某县新闻出版局 -> 财政预决算; 示例县人民政府 | 通知公告 -> 通知公告.

    The parts naming the site (one of `site_names`, or ending as an organisation's portal does) are dropped;
    of the rest the first is kept (the column usually comes first)."""
    k = column_knowledge()
    parts = [p.strip() for p in re.split(k["title_separators"], title or "") if p and p.strip()]
    if len(parts) <= 1:
        return (title or "").strip()
    names = [n.strip() for n in site_names if n and n.strip()]
    endings = tuple(k["site_name_endings"])
    rest = [p for p in parts if not any(n in p or p in n for n in names) and not p.endswith(endings)]
    if not rest:
        return parts[0]
    if len(rest) < len(parts):
        return rest[0]
    return parts[0]


# ------------------------------------------------------------------------------------------ helpers
def row_selector(container: HtmlElement, container_selector: str, row: HtmlElement,
                 positions: dict[HtmlElement, dict[HtmlElement, int]] | None = None) -> str:
    """The row's selector under its list: nth-of-type counted among all same-tag siblings, as browsers do.
    `positions` keeps each parent's counts for the next row of the list (one count per parent, not per row)."""
    chain = [row]
    while (parent := chain[0].getparent()) is not container and parent is not None and len(chain) < 4:
        chain.insert(0, parent)
    out = container_selector
    for node in chain:
        out += f"{combinator(node)}{node.tag}:nth-of-type({_position(node, positions)})"
    return out


def _position(node: HtmlElement, positions: dict[HtmlElement, dict[HtmlElement, int]] | None) -> int:
    """`node`'s place among its parent's children of its tag (CSS nth-of-type), counted once per parent."""
    parent = node.getparent()
    if parent is None:
        return 1
    known = positions.get(parent) if positions is not None else None
    if known is None:
        known, seen = {}, {}
        for child in parent:
            if isinstance(child.tag, str):
                seen[child.tag] = known[child] = seen.get(child.tag, 0) + 1
        if positions is not None:
            positions[parent] = known
    return known.get(node, 1)


def _words(tag: HtmlElement) -> list[str]:
    """The class tokens and the id, lower-cased: the words a box is named by."""
    value, ident = tag.get("class"), tag.get("id")
    if value is None and ident is None:
        return []
    words = value.lower().split() if value else []
    if ident is not None:
        words.append(ident.lower())
    return words


@cache
def _furniture() -> tuple[frozenset[str], frozenset[str]]:
    k = D.knowledge()
    return frozenset(t.lower() for t in k["furniture_tokens"]), frozenset(k["furniture_tags"])


def is_furniture(tag: HtmlElement) -> bool:
    if tag.tag in _furniture()[1]:
        return True
    return any(_furniture_word(word) for word in _words(tag))


@lru_cache(maxsize=WORD_CACHE)
def _furniture_word(word: str) -> bool:
    """Does a class or id word name page furniture (header, nav, footer_box)? Words repeat over a site's pages."""
    tokens = _furniture()[0]
    if word in tokens:
        return True
    parts = re.split(r"[-_]", word)
    return len(parts) > 1 and any(p in tokens for p in parts) and not any(p in CONTENT_WORDS for p in parts)


def clean_href(base: str, raw: str | None) -> str | None:
    if not raw or not isinstance(raw, str):
        return None
    raw = raw.strip()
    if not raw or raw.lower().startswith(SKIP_HREF):
        return None
    return join_url(base, raw)


def cjk_ratio(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 1.0
    return sum(1 for c in letters if "\u4e00" <= c <= "\u9fff") / len(letters)


# ------------------------------------------------------------------------------------------ rows
def _row_of(anchor: HtmlElement) -> HtmlElement | None:
    node = anchor.getparent()
    for _ in range(4):
        if node is None or node.tag in ("body", "html"):
            break
        if node.tag in ROW_TAGS:
            return node
        node = node.getparent()
    parent = anchor.getparent()
    if parent is not None and parent.tag in LOOSE_ROW_TAGS:
        return parent
    return None


def _has_link(node: HtmlElement) -> bool:
    """Is there an <a href> below `node` (BeautifulSoup: `node.find("a", href=True)`)?"""
    return any(a.get("href") is not None and a is not node for a in node.iter("a"))


def _next_element(node: HtmlElement) -> HtmlElement | None:
    """The next sibling element, past comments (BeautifulSoup: `find_next_sibling()`)."""
    sibling = node.getnext()
    while sibling is not None and not isinstance(sibling.tag, str):
        sibling = sibling.getnext()
    return sibling


def _in_link(node: HtmlElement) -> bool:
    """Is `node` an <a> or inside one (a text piece's parent: BeautifulSoup's `find_parent("a")`)?"""
    while node is not None:
        if node.tag == "a":
            return True
        node = node.getparent()
    return False


def _is_pinned(row: HtmlElement, anchor: HtmlElement) -> bool:
    words = column_knowledge()["pinned_words"]
    if any(w in _words(row) for w in words) or any(w in _words(anchor) for w in words):
        return True
    return "置顶" in text_of(row)


def make_row(row: HtmlElement, anchor: HtmlElement, base: str, as_of: date, selector: str,
             anchor_text: str | None = None) -> Row | None:
    """One row of a list (`anchor_text`: the link's text when the caller has it already)."""
    href = clean_href(base, anchor.get("href"))
    if not href:
        return None
    if anchor_text is None:
        anchor_text = text_of(anchor)
    title = anchor_text or str(anchor.get("title") or "")
    if PAGER_TEXT.match(title.strip()):
        return None
    title = title.replace("[置顶]", "").replace("【置顶】", "").strip()
    url_date = D.date_in_url(href)
    # Dates outside the link text first (the list's date cell), then date spans inside the link.
    rest = text_of(row)
    if row.tag == "dt":  # <dt><a>title</a></dt><dd>2026-11-05</dd>
        sibling = _next_element(row)
        if sibling is not None and sibling.tag == "dd" and not _has_link(sibling):
            rest += " " + text_of(sibling)
    if anchor_text and anchor_text in rest:
        rest = rest.replace(anchor_text, " ", 1)
    hint = url_date.year if url_date else None
    cells = [rest]  # the texts the date was read from
    found = D.dates_in_text(rest, as_of, yearless=True, hint_year=hint)
    if not found:  # yearless dates in their own small cell of a longer row (comments are strings here too)
        cells = []
        for piece in pieces(row, comments=True):
            string = piece.text
            if len(string.strip()) <= 24 and not _in_link(piece.parent):
                got = D.dates_in_text(string, as_of, yearless=True, hint_year=hint)
                found += got
                cells += [string] if got else []
    if not found:
        for inner in anchor.iter("span", "em", "i", "font", "small"):
            got = D.dates_in_text(text_of(inner), as_of, yearless=True, hint_year=hint)
            found += got
            cells += [text_of(inner)] if got else []
    if not found:  # written into the link text: 乡党委召开专题会议（2026-11-10） / 标题 [11-10]
        found, head, cell = _date_in_link_text(anchor_text, as_of, hint)
        if found:
            cells = [cell] if cell else []
            title = head.replace("[置顶]", "").replace("【置顶】", "").strip() or title
    if not found:  # the link's title attribute: 标题 2026-11-10 / 发布时间：2026-11-10
        tip = anchor.get("title")
        if isinstance(tip, str) and tip.strip():
            labelled = D.labelled_date(tip)
            found = [labelled] if labelled else _date_in_link_text(text_of(tip), None, None)[0]
            cells = []
    when = D.newest(found, as_of) if found else None
    if when is None and found:
        when = max(found)  # only future dates: keep them visible, newest() ignores them later
    yearless = None
    if len(found) == 1 and len(cells) == 1:  # the list wrote no year: the list's context gives it
        md = D.yearless_month_day(cells[0])
        yearless = md if md and (found[0].month, found[0].day) == md else None
    return Row(href=href, title=title[:120], date=when, url_date=url_date,
               pinned=_is_pinned(row, anchor), selector=selector, yearless=yearless)


def _date_in_link_text(text: str, as_of: date | None, hint: int | None) -> tuple[list[date], str, str | None]:
    """A date ending the link text: (dates, the title without it, the yearless cell if one)."""
    clean = D.strip_noise(text)
    full = [f for f in D.iter_full_dates(clean) if LINK_TAIL.match(clean[f[2]:])]
    if full:
        when, start, _ = full[-1]
        return [when], clean[:start].rstrip(" [(（【-—:：|"), None
    m = YEARLESS_TAIL.search(text) if as_of else None
    if m and as_of:
        got = D.dates_in_text(m.group(1), as_of, yearless=True, hint_year=hint)
        if got:
            return got, text[:m.start()].rstrip(), m.group(1)
    return [], text, None


def infer_row_years(rows: list[Row], as_of: date, page_date: date | None = None) -> None:
    """Yearless dates ([10-09], 10月9日) take the year of their context, never a year after as_of.

    A row whose own URL carries a date already took that year. Otherwise the context is the list:
    the nearest row (by position) dated by its URL or by a full date gives the year that puts the
    yearless date closest to it. A list with no such row is read from its own order (three or more
    yearless rows, checks.engine.dates.infer_list_years), each date no later than the page's own date (an
    article's related list) or as_of; a single yearless date the same way.
    """
    free = [k for k, r in enumerate(rows) if r.yearless and r.url_date is None]
    if not free:
        return
    anchors = [(k, d) for k, r in enumerate(rows) if not r.pinned
               and (d := r.url_date or (r.date if not r.yearless else None)) and d <= as_of]
    if anchors:
        for k in free:
            near = min(anchors, key=lambda a: abs(a[0] - k))[1]
            rows[k].date = D.year_near(*rows[k].yearless, near, as_of) or rows[k].date  # type: ignore[misc]
        return
    ref = min(as_of, page_date) if page_date else as_of
    ordered = [rows[k] for k in free if not rows[k].pinned]
    years = D.infer_list_years([r.yearless for r in ordered if r.yearless], ref)
    for r, when in zip(ordered, years, strict=True):
        r.date = when or r.date
    for k in free:
        if rows[k].pinned:
            rows[k].date = D.infer_year(*rows[k].yearless, ref) or rows[k].date  # type: ignore[misc]


def looks_like_column_url(url: str) -> bool:
    """…/tzgg/, …/tzgg/index.html, …/col/col12/index.html: a column, not an item."""
    leaf = urlsplit(url).path.rsplit("/", 1)[-1]
    names = "|".join(re.escape(n) for n in column_knowledge()["page_names"])
    return leaf == "" or re.fullmatch(rf"(?:{names})(?:_\d+)?\.\w+", leaf, re.I) is not None


def _in_sidebar(tag: HtmlElement, levels: int = 5) -> bool:
    """Sidebars (热点排行, 相关推荐) also hold dated lists; the column's own list is elsewhere."""
    node: HtmlElement | None = tag
    for _ in range(levels):
        if node is None:
            return False
        if any(_sidebar_word(w) for w in _words(node)):
            return True
        node = node.getparent()
    return False


@lru_cache(maxsize=WORD_CACHE)
def _sidebar_word(word: str) -> bool:
    words = {w.lower() for w in column_knowledge()["sidebar_words"]}
    return any(part in words for part in re.split(r"[-_]", word))


@lru_cache(maxsize=WORD_CACHE)
def is_list_word(word: str) -> bool:
    """Is a class/id token a list box's: list, news_list, listbox, list_box, lb; never nav, menu, sidebar, pager."""
    k = column_knowledge()
    word = word.lower()
    parts = [p for p in re.split(r"[-_]", word) if p]
    if any(p in k["not_list_word_parts"] for p in parts):
        return False
    if any(bad in word for bad in ("nav", "menu", "sidebar", "pagelist", "pagination")):
        return False
    return (word in k["list_container_words"] or "list" in word
            or any(p in k["list_word_parts"] for p in parts))


def list_box(tag: HtmlElement, levels: int = 4) -> HtmlElement | None:
    """The nearest element (itself or an ancestor) named as a list box: ul.list, div.list-box, div.news_list."""
    node: HtmlElement | None = tag
    for _ in range(levels):
        if node is None or node.tag in ("body", "html"):
            return None
        if any(is_list_word(w) for w in _words(node)):
            return node
        node = node.getparent()
    return None


def best_list(body: HtmlElement, base: str, as_of: date, page_date: date | None = None,
              link_texts: dict[HtmlElement, str] | None = None,
              ) -> tuple[list[Row], str | None, list[Row], HtmlElement | None]:
    """The page's own list (most rows, dated rows count double), every row of every list, and its box.

    A sidebar list (热点排行, 相关推荐) is never the page's list: its rows count only as dates on the page.
    `link_texts` (the text of every <a> below `body`, when the caller has read them) saves reading them again."""
    groups: dict[HtmlElement, list[tuple[HtmlElement, HtmlElement, str]]] = {}
    seen_rows: set[HtmlElement] = set()
    for anchor in body.iter("a"):
        if anchor.get("href") is None or anchor is body:
            continue
        anchor_text = link_texts[anchor] if link_texts is not None else text_of(anchor)
        if PAGER_TEXT.match(anchor_text):
            continue
        row = _row_of(anchor)
        if row is None or row in seen_rows:
            continue
        seen_rows.add(row)
        container = row.getparent()
        if container is None:
            continue
        if (container.tag in ("dl", "ul", "ol", "tbody") and container.getparent() is not None
                and sum(1 for child in container if child.tag == row.tag) == 1):
            container = container.getparent()  # one <dl>/<ul> per item: the list is their parent
        groups.setdefault(container, []).append((row, anchor, anchor_text))
    best: tuple[float, list[Row], str | None, HtmlElement | None] = (0, [], None, None)
    every: list[Row] = []
    positions: dict[HtmlElement, dict[HtmlElement, int]] = {}
    for container, members in groups.items():
        sel = css_path(container)
        rows = []
        for row, anchor, anchor_text in members[:MAX_ROWS]:
            r = make_row(row, anchor, base, as_of, row_selector(container, sel, row, positions), anchor_text)
            if r:
                rows.append(r)
        infer_row_years(rows, as_of, page_date)
        dated = sum(1 for r in rows if r.date)
        every += rows
        if _in_sidebar(container):
            continue
        # item lists, then menus (they link to columns), then single undated links; most rows, dated double
        itemish = sum(1 for r in rows if not looks_like_column_url(r.href))
        main = len(rows) >= 2 or dated
        tier = (2 if itemish * 2 >= len(rows) else 1) if main else 0
        score = tier * 100000 + itemish + 0.25 * (len(rows) - itemish) + 2 * dated
        if rows and score > best[0]:
            best = (score, rows, sel, container)
    return best[1], best[2], every, best[3]


def datastore_rows(scripts: list[str], base: str, as_of: date,
                   page_date: date | None = None) -> tuple[list[Row], int | None]:
    """Hanweb (大汉) jpage lists: <record><![CDATA[<li><a …>…</a><span>date</span></li>]]></record>."""
    rows: list[Row] = []
    total = None
    for script in scripts:
        for k, record in enumerate(CDATA_RECORD.findall(script)[:MAX_ROWS]):
            frag = _soup(parse(record), record)
            anchor = next((a for a in frag.iter("a") if a.get("href") is not None), None)
            if anchor is None:
                continue
            row = _row_of(anchor)
            if row is None:
                row = soup_body(frag)
            r = make_row(row, anchor, base, as_of, f"script[type='text/xml'] record:nth-of-type({k + 1})")
            if r:
                rows.append(r)
        infer_row_years(rows, as_of, page_date)
        m = re.search(r"<totalrecord>\s*(\d+)", script, re.I)
        if m:
            total = int(m.group(1))
    return rows, total


# ------------------------------------------------------------------------------------------ page
NAMED_TAGS = ("base", "meta", "html", "title", "script", "style", "noscript", "template", "iframe", "frame")
CUT_FIRST = ("script", "style", "noscript", "template")  # cut before the furniture (keeping the text after each)
SOUP_TAG = "auditcli-soup"  # the element standing for BeautifulSoup's soup: every top-level node of the page
# The doctype libxml2 gives a page that wrote none (BeautifulSoup then has no doctype string at all), and
# a doctype as written: at the start, after white space, comments or an <?xml?> declaration only (matched
# without backtracking, however many comments a page starts with).
IMPLIED_DOCTYPE = ("-//W3C//DTD HTML 4.0 Transitional//EN", "http://www.w3.org/TR/REC-html40/loose.dtd")
WRITTEN_DOCTYPE = re.compile(r"(?:\s|\ufeff|<!--(?:(?!-->).)*-->|<\?[^>]*>)*+<!doctype", re.I | re.S)


@dataclass
class _Head:
    """What the page's head and scripts say, read before the tree is cut (scripts go with the furniture)."""

    base: str
    metas: dict[str, str]
    lang: str
    title: str
    scripts_xml: list[str]
    script_text: str
    has_pager: bool
    fillers: list[scriptlist.PageScript]  # inline scripts that may fill the page (not the furniture's)
    template_scripts: int  # <script type="text/html"> list templates
    lowered: dict[str, str] = field(init=False)  # the metas by lower-case name

    def __post_init__(self) -> None:
        self.lowered = {k.lower(): v for k, v in self.metas.items()}


@dataclass
class _Walk:
    """What one walk over the whole tree finds before anything is cut: the elements the head's reads and the
    cuts need, by name in document order; the breadcrumb box; the page furniture (header, nav, footer)."""

    named: dict[str, list[HtmlElement]]
    crumb: HtmlElement | None
    furniture: list[HtmlElement]  # not in document order
    column_titles: list[HtmlElement]  # class column-title, in document order (the heading, if not cut)


def summarise(page, as_of: date) -> PageSummary:
    """Summarise one checks.engine.siteview.Page (or a checks.engine.rendered.RenderedPage). Its shared tree
    is consumed: furniture is cut out of it."""
    root = _soup(page.tree, page.text)
    walk = _walk(root)
    named = walk.named
    head = _read_head(page, named)
    lowered = head.lowered
    crumb_name = ""
    if walk.crumb is not None:
        crumb_name = _crumb_name(walk.crumb)
        root = _cut(walk.crumb, root)
    root = _cut_scripts_and_furniture(root, named, walk.furniture)
    root = _drop_clocks(root)
    body = soup_body(root)
    main_text = text_of(body)
    heading = _heading(body, crumb_name, head, walk.column_titles)
    pub = _pub_date(body, head.metas, main_text)
    link_texts = {a: text_of(a) for a in body.iter("a") if a is not body}  # read once: the rows, the 更多 links
    rows, container, every, box = best_list(body, head.base, as_of, pub, link_texts)
    holder = find_placeholder(body, main_text)
    if rows and holder is not None and _placeholder_empties_list(holder, box):
        rows, container, box = [], None, None  # 暂无信息 in the page's list box: other boxes' rows are not its items
    ds_rows, ds_total = datastore_rows(head.scripts_xml, head.base, as_of, pub)
    datastore = bool(head.scripts_xml and ds_rows) or ds_total is not None
    if len(ds_rows) >= len(rows) and ds_rows:
        rows, container = ds_rows, "script[type='text/xml']"
    is_article = _is_article(lowered, body, pub, rows)
    total, has_pager = _total_and_pager(ds_total, main_text, head)
    summary = PageSummary(
        url=page.url, final_url=page.final_url, depth=page.depth, lang=head.lang.lower(), title=head.title,
        heading=heading[:80], column_name=head.metas.get("ColumnName") or lowered.get("columnname"),
        column_type=head.metas.get("ColumnType") or lowered.get("columntype"),
        is_article=is_article, pub_date=pub, rows=rows, container=container, datastore=datastore,
        total=total, has_pager=has_pager, main_text_len=len(main_text),
        cjk_ratio=cjk_ratio(" ".join(r.title for r in rows) or main_text[:400]),
        main_list=bool(rows) and box is not None and list_box(box) is not None,
        list_headers=_headers(box) if rows and box is not None else "",
    )
    _note_undated_items(summary, [*every[:MAX_ROWS], *ds_rows], as_of)
    summary.odd_rows = [r for r in [*every, *ds_rows] if D.odd_item_date(r.date, r.url_date, bool(r.yearless), as_of)]
    if is_article:
        summary.shown_dates = D.publication_dates(head.metas, main_text)
    _note_landing_page(summary, link_texts, lowered)
    if not rows:
        _find_emptiness(body, summary, holder)
        _find_script_list(root, body, main_text, summary, head, named)
    row_dates = [r.date for r in every if r.date] + [r.date for r in ds_rows if r.date]
    text_dates = D.dates_in_text(main_text, as_of)
    summary.content_dates = sorted({d for d in row_dates + text_dates if d <= as_of}, reverse=True)[:20]
    return summary


def _soup(root: HtmlElement, source: str) -> HtmlElement:
    """The whole page as BeautifulSoup's soup held it, in one element (SOUP_TAG) that the page's top-level
    nodes are moved into: its <html> and the <html> libxml2 makes of what follows </html> (read as the
    page's own: trailing scripts, a footer), the comments before and after them, and the doctype the page
    wrote (`source`: its markup), which a string search of the soup finds, as a comment. Empty for a text
    without markup (auditcli.core.tree.parse's stand-in for it holds a text BeautifulSoup never had)."""
    soup = new_element(SOUP_TAG)
    if root.tag != "html":
        return soup
    doctype = _written_doctype(root, source)
    if doctype:  # as a comment, which holds no "--" and no control character; no date needs them
        soup.append(HtmlComment("".join(c for c in doctype.replace("--", "- -") if c >= " " or c in "\t\n")))
    for node in [*reversed(list(root.itersiblings(preceding=True))), root, *root.itersiblings()]:
        soup.append(node)
    return soup


def _written_doctype(root: HtmlElement, source: str) -> str | None:
    """The doctype as BeautifulSoup's string of it reads (html PUBLIC "…" "…"), if the page wrote one."""
    info = root.getroottree().docinfo
    if not info.doctype:
        return None
    if (info.public_id, info.system_url) == IMPLIED_DOCTYPE and WRITTEN_DOCTYPE.match(source) is None:
        return None
    text = info.root_name or ""
    if info.public_id is not None:
        text += f' PUBLIC "{info.public_id}"'
        if info.system_url is not None:
            text += f' "{info.system_url}"'
    elif info.system_url is not None:
        text += f' SYSTEM "{info.system_url}"'
    return text


def _cut(node: HtmlElement, root: HtmlElement) -> HtmlElement:
    """Cut `node` out of the page and return the page's root: cutting the root itself (the soup) leaves
    an empty document, as BeautifulSoup's `decompose()` of its soup left nothing to read."""
    if node is root:
        return new_element(SOUP_TAG)
    cut(node)
    return root


def _css_path(node: HtmlElement) -> str:
    """css_path, of the soup too (a placeholder in a comment outside <html>): an empty selector."""
    return "" if node.tag == SOUP_TAG else css_path(node)


def _walk(root: HtmlElement) -> _Walk:
    """What the head's reads and the cuts need, found before anything is cut, without a Python step per element:
    libxml2 finds the elements by name and the class and id attributes (a page names few of its elements),
    and only those become Python objects. Furniture is known by its name and its tag alone, so it can be
    found before the cuts; the order it is cut in changes nothing."""
    named: dict[str, list[HtmlElement]] = {name: [] for name in NAMED_TAGS}
    for node in root.iter(*NAMED_TAGS):
        named[node.tag].append(node)
    crumb: HtmlElement | None = None
    furniture: list[HtmlElement] = list(root.iter(*_furniture()[1]))
    column_titles: list[HtmlElement] = []
    last = None
    for value in _class_and_id(root):  # document order; an element's class and id come one after the other
        node = value.getparent()
        if node is last:
            continue
        last = node
        words = _words(node)
        if crumb is None and node.get("class") is not None and any(_crumb_word(w) for w in words):
            crumb = node
        if any(_furniture_word(w) for w in words) and node.tag not in _furniture()[1]:
            furniture.append(node)
        if "column-title" in classes(node):
            column_titles.append(node)
    return _Walk(named, crumb, furniture, column_titles)


_class_and_id = etree.XPath("//@class | //@id")


@lru_cache(maxsize=WORD_CACHE)
def _crumb_word(word: str) -> bool:
    """Does a class or id word name a breadcrumb box (location, crumbs, now-position, dqwz)?"""
    crumb_words = {w.lower() for w in column_knowledge()["crumb_words"]}
    return word in crumb_words or any(p in crumb_words for p in word.split("_"))


def _text_before_cuts(node: HtmlElement) -> str:
    """text_of a node read while scripts and templates still stand: an element inside a <template> (or an
    <rt>, <rp>) reads empty, its text being the template's (BeautifulSoup's typed strings)."""
    return "" if has_no_own_text(node) else text_of(node)


def _is_article(lowered: dict[str, str], body: HtmlElement, pub: date | None, rows: list[Row]) -> bool:
    """Is this an article (detail) page? Then it is never a column, whatever column its CMS files it under:
    TRS, Hanweb and 开普云 article pages carry their column's metas (ColumnName) beside their own.

    ArticleTitle says so. PubDate or ContentSource say so unless a real list stands on the page (some CMSs
    stamp a list page's generation time into PubDate too); with a ColumnName beside them, only when an
    article body (正文: TRS_Editor, div.article) stands in place of that list. A labelled date (发布时间)
    with an article body and no real list: a detail page of an older CMS without metas."""
    if "articletitle" in lowered:
        return True
    if any(k in lowered for k in ARTICLE_METAS):
        return not _real_list(rows) and ("columnname" not in lowered or _article_box(body))
    return bool(pub) and "columnname" not in lowered and len(rows) < 5 and _article_box(body)


def _article_box(body: HtmlElement) -> bool:
    """Does an article body (div.TRS_Editor, #zoom-content…) stand below `body`? Any class word or the id
    may name it (BeautifulSoup: `find(class_=ARTICLE_CLASS)` or `find(id=ARTICLE_CLASS)`)."""
    for node in body.xpath(".//*[@class or @id]"):
        value, ident = node.get("class"), node.get("id")
        if value and any(ARTICLE_CLASS.search(word) for word in value.split()):
            return True
        if ident is not None and ARTICLE_CLASS.search(ident):
            return True
    return False


def _real_list(rows: list[Row]) -> bool:
    """A list of five or more items, most of them dated: a column's, never an article's attachments or links."""
    dated = sum(1 for r in rows if r.date or r.url_date)
    return len(rows) >= 5 and dated * 2 >= len(rows)


def _read_head(page, named: dict[str, list[HtmlElement]]) -> _Head:
    """Base URL, metas, language, title and script texts: read first, as the scripts are cut later."""
    base = page.final_url
    base_tag = next((t for t in named["base"] if t.get("href") is not None), None)
    if base_tag is not None:
        base = join_url(base, base_tag.get("href")) or base
    metas = {}
    for m in named["meta"]:
        name, content = m.get("name") or m.get("property"), m.get("content")
        if name is not None and content is not None:
            metas[name.strip()] = content.strip()
    html = next(iter(named["html"]), None)
    scripts = named["script"]
    scripts_xml = [s.text or "" for s in scripts if s.get("type") == "text/xml"]
    script_text = "\n".join(s.text or "" for s in scripts if not s.get("src"))
    has_pager = _pager_script(script_text)
    fillers, templates = _fillers(scripts)
    return _Head(base=base, metas=metas, lang=(html.get("lang") or "") if html is not None else "",
                 title=_text_before_cuts(named["title"][0]) if named["title"] else "",
                 scripts_xml=scripts_xml, script_text=script_text, has_pager=has_pager,
                 fillers=fillers, template_scripts=templates)


def _fillers(scripts: list[HtmlElement]) -> tuple[list[scriptlist.PageScript], int]:
    """The inline scripts that may fill the page's list (outside header, navigation and footer: a footer
    written by script fills no list), and the count of list-template scripts (type text/html)."""
    fillers, templates = [], 0
    for tag in scripts:
        kind = tag.get("type") or ""
        if tag.get("src") is not None or kind == "text/xml":
            continue
        text = tag.text or ""
        if scriptlist.is_template_script(kind, text):
            templates += 1
            continue
        script = scriptlist.page_script(text, in_list_box=lambda tag=tag: list_box(tag) is not None)
        if script is not None and not any(is_furniture(parent) for parent in ancestors(tag)):
            fillers.append(script)
    return fillers, templates


def _crumb_name(box: HtmlElement) -> str:
    """The last crumb of the breadcrumb box (location, crumbs, DedeCMS .place), which names the page; the
    box itself is page furniture, cut next."""
    parts = [p.strip() for p in re.split(r"[>»＞/→]|&gt;", _text_before_cuts(box)) if p.strip()]
    if not parts:
        return ""
    return re.sub(r"^(当前位置|您的位置|您现在的位置|所在位置)[:：]?", "", parts[-1]).strip()


def _cut_scripts_and_furniture(root: HtmlElement, named: dict[str, list[HtmlElement]],
                               furniture: list[HtmlElement]) -> HtmlElement:
    """Leave only content: no scripts or styles, no header, navigation or footer (a box inside one already
    cut is passed over, so the order of the furniture changes nothing). Returns the page's root."""
    for name in CUT_FIRST:
        for tag in named[name]:
            if not is_cut(tag, root):  # not inside the breadcrumb or another removed box
                root = _cut(tag, root)
    for tag in furniture:
        if not is_cut(tag, root):
            root = _cut(tag, root)
    return root


def _heading(body: HtmlElement, crumb_name: str, head: _Head, column_titles: list[HtmlElement]) -> str:
    """The page's own name: its last crumb, else its column title or heading; a heading that only
    repeats the <title> is cut down to the column part of it. `column_titles`: the elements of class
    column-title the page had before its cuts (the first still below `body` is the title)."""
    heading_tag = next((t for t in column_titles if any(parent is body for parent in ancestors(t))), None)
    if heading_tag is None:
        heading_tag = next(body.iter("h2", "h1"), None)
    heading = text_of(heading_tag) if heading_tag is not None else ""
    heading = crumb_name or heading
    if not crumb_name and heading and heading == head.title:
        heading = title_name(head.title, (head.metas.get("SiteName") or head.lowered.get("sitename") or "",))
    return heading


def _pub_date(body: HtmlElement, metas: dict[str, str], main_text: str) -> date | None:
    """The page's publication date: its metas, else a <time datetime>, else a labelled date (发布日期)."""
    pub = D.meta_pubdate(metas)
    if pub is None:
        stamp = next((t.get("datetime") for t in body.iter("time") if t.get("datetime") is not None), None)
        if stamp is not None:
            pub = D.parse_date(stamp)
    if pub is None:
        pub = D.labelled_date(main_text)
    return pub


def _pager_script(script_text: str) -> bool:
    """A pager script: TRS createPageHTML or its variables, Hanweb jpage, jQuery pagination's page count; the
    word "pagination" alone is no pager (image carousels name their dots so: Swiper, SuperSlide)."""
    if "createPageHTML" in script_text:
        return True
    if len(script_text) > CACHED_SCRIPT_CHARS:
        return PAGER_SCRIPT.search(script_text) is not None
    return _cached_pager_script(script_text)


@lru_cache(maxsize=64)
def _cached_pager_script(script_text: str) -> bool:
    """PAGER_SCRIPT in a page's scripts, searched once for the pages of a template (they share their scripts)."""
    return PAGER_SCRIPT.search(script_text) is not None


def _total_in_scripts(k: int, script_text: str) -> tuple[str] | None:
    """What the `k`th total pattern finds in the page's scripts (its group 1, in a tuple), or None."""
    if len(script_text) > CACHED_SCRIPT_CHARS:
        return _search_total(k, script_text)
    return _cached_total_in_scripts(k, script_text)


def _search_total(k: int, text: str) -> tuple[str] | None:
    m = _total_patterns()[k].search(text)
    return (m.group(1),) if m else None


_cached_total_in_scripts = lru_cache(maxsize=256)(_search_total)


def _total_and_pager(total: int | None, main_text: str, head: _Head) -> tuple[int | None, bool]:
    """The list's item total (共 N 条; the datastore's wins) and whether the page has a pager at all."""
    has_pager = head.has_pager
    for k in range(len(_total_patterns())):
        found = _search_total(k, main_text) or _total_in_scripts(k, head.script_text)
        if found is not None:
            total = int(found[0]) if total is None else total
            has_pager = True
            break
    if re.search(r"下一页|尾页|末页|上一页", main_text):
        has_pager = True
    return total, has_pager


def _note_undated_items(summary: PageSummary, rows: list[Row], as_of: date) -> None:
    """Items that show no date: a full date in their URL counts as the list's would; else the article's own
    (PubDate), else the first day of the month their URL names (kept beside the link for that last resort)."""
    undated = [r for r in rows if r.date is None]
    full = [r.url_date for r in undated if r.url_date and not D.is_month_only(r.url_date)]
    summary.link_dates = sorted({d for d in full if d <= as_of}, reverse=True)[:20]
    summary.item_links = [(r.href, r.url_date) for r in undated if r.url_date is None or D.is_month_only(r.url_date)]


def _note_landing_page(summary: PageSummary, link_texts: dict[HtmlElement, str], lowered: dict[str, str]) -> None:
    """更多 links and a site name without a column name: a portal home or landing page, not one column.
    `link_texts`: the text of every <a> of the content."""
    more_links = sum(1 for text in link_texts.values() if MORE_TEXT.match(text))
    summary.more_links = more_links
    summary.portal_home = ("sitename" in lowered and "columnname" not in lowered) or more_links >= 2


def _headers(box: HtmlElement) -> str:
    """The header row of a list table: its <th> cells, else its first row's cells when they hold no link."""
    cells = list(islice((c for c in box.iter("th") if c is not box), 12))
    if not cells:
        first = next((r for r in box.iter("tr") if r is not box), None)
        if first is not None and not _has_link(first):
            cells = list(islice((c for c in first.iter("td") if c is not first), 12))
    return " ".join(text_of(c) for c in cells)[:200]


def _drop_clocks(root: HtmlElement) -> HtmlElement:
    """A clock's date is never a date, wherever it sits: each clock date (今天是2026年11月20日, 2026年11月20日
    星期五) is blanked in the tree, read in the context of its box, so 今天是 or 星期五 in a neighbouring span
    still tells it; a short box that holds a clock and no link (the clock and weather strip) goes. A string
    of the soup itself (the doctype, a comment outside <html>) has the soup for its box: a document of a
    short text with a clock and no link goes whole. Returns the page's root."""
    if not _may_hold_clock(root):
        return root
    hits = [piece for piece in pieces(root, comments=True) if DATE_DIGITS.search(piece.text)]
    boxes: dict[HtmlElement, list[str]] = {}
    for hit in hits:
        box = _clock_box(hit)
        clocks = boxes.get(box)
        if clocks is None:
            text = text_of(box)
            clocks = boxes[box] = [text[a:b] for a, b in D.clock_spans(text)]
        for clock in clocks:
            if clock in hit.text:
                _blank(hit, hit.text.replace(clock, " "))
                break
    for box, clocks in boxes.items():
        if (clocks and not is_cut(box, root) and box.tag not in ("body", "html") and not _has_link(box)
                and len(text_of(box)) < 120):
            root = _cut(box, root)
    return root


_all_text = etree.XPath("string()")  # every text of the page run together (comments aside), in one C call


def _may_hold_clock(root: HtmlElement) -> bool:
    """Can any box of the page hold a clock? Only a text naming a clock word (今天是, 星期) can, and no clock
    word holds a space, so it then stands within one text of the page: most pages (articles, lists without
    a clock) need no walk over their texts."""
    text = _all_text(root)
    return any(word in text for word in D._clock_words())


def _blank(hit: Piece, text: str) -> None:
    """Write a clock-blanked text in place of `hit`. A comment so rewritten becomes text, as BeautifulSoup's
    `replace_with` of a comment by a string made it: an empty comment before it carries that text."""
    if hit.comment:
        hit.owner.addprevious(text_stub(text))
        hit.owner.text = ""
    else:
        hit.replace(text)


def _clock_box(hit: Piece) -> HtmlElement:
    """The box a text sits in, above its inline wrappers: a clock's words may stand in neighbouring spans."""
    box = hit.parent
    while box.tag in INLINE_TAGS and (parent := box.getparent()) is not None:
        box = parent
    return box


@cache
def _placeholders() -> tuple[str, ...]:
    """Placeholder phrases (暂无信息, 正在建设中), lower-cased, longest first."""
    return tuple(p.lower() for p in sorted(column_knowledge()["placeholders"], key=len, reverse=True))


def find_placeholder(body: HtmlElement, body_text: str) -> HtmlElement | None:
    """The element holding placeholder text (暂无信息, 正在建设中), outside sidebars; longest phrase first.
    `body_text`: the body's text, which the caller has already. Comments are searched too (BeautifulSoup's
    string search saw them)."""
    text = body_text.lower()
    found: list[tuple[str, Piece]] | None = None
    for low in _placeholders():
        if low not in text:
            continue
        if found is None:
            found = [(piece.text.lower(), piece) for piece in pieces(body, comments=True)]
        for string, piece in found:
            if low in string:
                holder = piece.parent
                if not _in_sidebar(holder, levels=8):
                    return holder
    return None


def _placeholder_empties_list(holder: HtmlElement, rows_box: HtmlElement | None) -> bool:
    """Does a placeholder say the page's list is empty although some box on the page has rows?

    Yes when it stands (as short text) in a named list box with no item links of its own, and the rows
    found elsewhere are not in a list box of their own (or only in one wrapping the placeholder)."""
    if len(text_of(holder)) > 40:
        return False
    box = list_box(holder)
    if box is None:
        return False
    for a in box.iter("a"):
        if a is not box and a.get("href") is not None:
            text = text_of(a)
            if not PAGER_TEXT.match(text) and not MORE_TEXT.match(text):
                return False
    own = list_box(rows_box) if rows_box is not None else None
    return own is None or own is box or any(p is own for p in ancestors(box))


def _find_script_list(root: HtmlElement, body: HtmlElement, text: str, summary: PageSummary, head: _Head,
                      named: dict[str, list[HtmlElement]]) -> None:
    """On a page without list rows: the same-site frames in its content (their list is its list) and the
    sign that a script fills its list (checks.engine.scriptlist): either keeps its column from being judged empty."""
    host = urlsplit(summary.final_url).netloc.lower()
    for frame in named["iframe"] + named["frame"]:
        src = clean_href(head.base, frame.get("src")) if not is_cut(frame, root) else None
        if src and urlsplit(src).netloc.lower() == host:
            summary.frames.append(src)
    summary.script_list = scriptlist.script_fill(body, text, head.fillers, head.template_scripts, _can_hold_list)
    if summary.script_list is None and summary.frames:
        summary.script_list = f"列表在框架中 {summary.frames[0]}"


def _can_hold_list(tag: HtmlElement) -> bool:
    """Can a script fill the page's list into this element: a list box, a box holding one, or an empty
    mount point (<div id="app"></div>) that is no pager's?"""
    if any(is_list_word(w) for w in _words(tag)) or any(
            any(is_list_word(w) for w in _words(t)) for t in tag.iter(etree.Element) if t is not tag):
        return True
    pager = set(column_knowledge()["not_list_word_parts"])
    if any(part in pager for w in _words(tag) for part in re.split(r"[-_]", w)):
        return False
    return not text_of(tag) and not _has_link(tag)


def _find_emptiness(body: HtmlElement, summary: PageSummary, holder: HtmlElement | None) -> None:
    """Placeholder text (暂无信息) or an empty list container, on a page without list rows."""
    if holder is not None:
        summary.placeholder = text_of(holder)[:120]
        summary.placeholder_selector = _css_path(holder)
    kinds = ("ul", "ol", "table", "tbody", "div", "dl")
    for tag in body.iter(*kinds):
        if tag is body:
            continue
        if (any(is_list_word(w) for w in _words(tag)) and not _has_link(tag)
                and next((t for t in tag.iter("li", "img") if t is not tag), None) is None):
            inner = [t for t in tag.iter(*kinds) if t is not tag and any(is_list_word(w) for w in _words(t))]
            summary.empty_container = css_path(inner[-1] if inner else tag)  # the innermost box: ul.list
            break
