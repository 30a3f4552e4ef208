"""Read one page into a small summary: its list rows and their dates, placeholders, pager totals.

The summary is what column analysis keeps per page (never the parsed tree), so memory stays flat
however many pages a site has. Page furniture (header, navigation, footer, breadcrumbs) is cut away
first, so a clock, a copyright year or a menu is never read as content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag

from auditcli.core.html import combinator, css_path, nth_of_type, text_of
from auditcli.core.knowledge import load
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
def row_selector(container: Tag, container_selector: str, row: Tag) -> str:
    """The row's selector under its list: nth-of-type counted among all same-tag siblings, as browsers do."""
    chain = [row]
    while chain[0].parent is not container and isinstance(chain[0].parent, Tag) and len(chain) < 4:
        chain.insert(0, chain[0].parent)
    out = container_selector
    for node in chain:
        out += f"{combinator(node)}{node.name}:nth-of-type({nth_of_type(node)[0]})"
    return out


def _words(tag: Tag) -> list[str]:
    values = list(tag.get("class") or [])
    ident = tag.get("id")
    if isinstance(ident, str):
        values.append(ident)
    return [v.lower() for v in values if isinstance(v, str)]


@cache
def _furniture() -> tuple[frozenset[str], frozenset[str]]:
    k = D.knowledge()
    return frozenset(t.lower() for t in k["furniture_tokens"]), frozenset(k["furniture_tags"])


def is_furniture(tag: Tag) -> bool:
    tokens, tags = _furniture()
    if tag.name in tags:
        return True
    for word in _words(tag):
        if word in tokens:
            return True
        parts = re.split(r"[-_]", word)
        if len(parts) > 1 and any(p in tokens for p in parts) and not any(p in CONTENT_WORDS for p in parts):
            return True
    return False


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
def _row_of(anchor: Tag) -> Tag | None:
    node = anchor.parent
    for _ in range(4):
        if node is None or not isinstance(node, Tag) or node.name in ("body", "html"):
            break
        if node.name in ROW_TAGS:
            return node
        node = node.parent
    parent = anchor.parent
    if isinstance(parent, Tag) and parent.name in LOOSE_ROW_TAGS:
        return parent
    return None


def _is_pinned(row: Tag, anchor: Tag) -> bool:
    words = column_knowledge()["pinned_words"]
    if any(w in _words(row) for w in words) or any(w in _words(anchor) for w in words):
        return True
    return "置顶" in text_of(row)


def make_row(row: Tag, anchor: Tag, base: str, as_of: date, selector: str) -> Row | None:
    href = clean_href(base, anchor.get("href"))
    if not href:
        return None
    title = text_of(anchor) or str(anchor.get("title") or "")
    if PAGER_TEXT.match(title.strip()):
        return None
    title = title.replace("[置顶]", "").replace("【置顶】", "").strip()
    url_date = D.date_in_url(href)
    # Dates outside the link text first (the list's date cell), then date spans inside the link.
    anchor_text = text_of(anchor)
    rest = text_of(row)
    if row.name == "dt":  # <dt><a>title</a></dt><dd>2026-11-05</dd>
        sibling = row.find_next_sibling()
        if isinstance(sibling, Tag) and sibling.name == "dd" and not sibling.find("a", href=True):
            rest += " " + text_of(sibling)
    if anchor_text and anchor_text in rest:
        rest = rest.replace(anchor_text, " ", 1)
    hint = url_date.year if url_date else None
    cells = [rest]  # the texts the date was read from
    found = D.dates_in_text(rest, as_of, yearless=True, hint_year=hint)
    if not found:  # yearless dates in their own small cell of a longer row
        cells = []
        for string in row.find_all(string=True):
            if isinstance(string, str) and string.find_parent("a") is None and len(string.strip()) <= 24:
                got = D.dates_in_text(string, as_of, yearless=True, hint_year=hint)
                found += got
                cells += [str(string)] if got else []
    if not found:
        for inner in anchor.find_all(["span", "em", "i", "font", "small"]):
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


def _in_sidebar(tag: Tag, levels: int = 5) -> bool:
    """Sidebars (热点排行, 相关推荐) also hold dated lists; the column's own list is elsewhere."""
    words = {w.lower() for w in column_knowledge()["sidebar_words"]}
    node: Tag | None = tag
    for _ in range(levels):
        if node is None or not isinstance(node, Tag):
            return False
        if any(part in words for w in _words(node) for part in re.split(r"[-_]", w)):
            return True
        node = node.parent
    return False


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


def list_box(tag: Tag, levels: int = 4) -> Tag | None:
    """The nearest element (itself or an ancestor) named as a list box: ul.list, div.list-box, div.news_list."""
    node: Tag | None = tag
    for _ in range(levels):
        if node is None or not isinstance(node, Tag) or node.name in ("body", "html"):
            return None
        if any(is_list_word(w) for w in _words(node)):
            return node
        node = node.parent
    return None


def best_list(body: Tag, base: str, as_of: date,
              page_date: date | None = None) -> tuple[list[Row], str | None, list[Row], Tag | None]:
    """The page's own list (most rows, dated rows count double), every row of every list, and its box.

    A sidebar list (热点排行, 相关推荐) is never the page's list: its rows count only as dates on the page."""
    groups: dict[int, tuple[Tag, list[tuple[Tag, Tag]]]] = {}
    seen_rows: set[int] = set()
    for anchor in body.find_all("a", href=True):
        if PAGER_TEXT.match(text_of(anchor)):
            continue
        row = _row_of(anchor)
        if row is None or id(row) in seen_rows:
            continue
        seen_rows.add(id(row))
        container = row.parent
        if not isinstance(container, Tag):
            continue
        if (container.name in ("dl", "ul", "ol", "tbody") and isinstance(container.parent, Tag)
                and len(container.find_all(row.name, recursive=False)) == 1):
            container = container.parent  # one <dl>/<ul> per item: the list is their parent
        groups.setdefault(id(container), (container, []))[1].append((row, anchor))
    best: tuple[float, list[Row], str | None, Tag | None] = (0, [], None, None)
    every: list[Row] = []
    for container, members in groups.values():
        sel = css_path(container)
        rows = []
        for row, anchor in members[:MAX_ROWS]:
            r = make_row(row, anchor, base, as_of, row_selector(container, sel, row))
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
            frag = BeautifulSoup(record, "lxml")
            anchor = frag.find("a", href=True)
            if not anchor:
                continue
            row = _row_of(anchor) or frag.body or frag
            r = make_row(row, anchor, base, as_of, f"script[type='text/xml'] record:nth-of-type({k + 1})")
            if r:
                rows.append(r)
        infer_row_years(rows, as_of, page_date)
        m = re.search(r"<totalrecord>\s*(\d+)", script, re.I)
        if m:
            total = int(m.group(1))
    return rows, total


# ------------------------------------------------------------------------------------------ page
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


def summarise(page, as_of: date) -> PageSummary:
    """Summarise one checks.engine.siteview.Page. Its shared tree is consumed: furniture is cut out of it."""
    soup = page.soup
    elements = [node for node in soup.descendants if isinstance(node, Tag)]  # one walk for the head's reads
    named = _by_name(elements, ("base", "meta", "html", "title", "script", "style", "noscript", "template",
                                "iframe", "frame"))
    head = _read_head(page, named)
    lowered = head.lowered
    crumb_name = _cut_breadcrumb(elements)
    _cut_scripts_and_furniture(soup, named)
    body = soup.body or soup
    main_text = text_of(body)
    heading = _heading(body, crumb_name, head)
    pub = _pub_date(body, head.metas, main_text)
    rows, container, every, box = best_list(body, head.base, as_of, pub)
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
    _note_landing_page(summary, body, lowered)
    if not rows:
        _find_emptiness(body, summary, holder)
        _find_script_list(body, main_text, summary, head, named)
    row_dates = [r.date for r in every if r.date] + [r.date for r in ds_rows if r.date]
    text_dates = D.dates_in_text(main_text, as_of)
    summary.content_dates = sorted({d for d in row_dates + text_dates if d <= as_of}, reverse=True)[:20]
    return summary


def _is_article(lowered: dict[str, str], body: Tag, pub: date | None, rows: list[Row]) -> bool:
    """Is this an article (detail) page? Then it is never a column, whatever column its CMS files it under:
    TRS, Hanweb and 开普云 article pages carry their column's metas (ColumnName) beside their own.

    ArticleTitle says so. PubDate or ContentSource say so unless a real list stands on the page (some CMSs
    stamp a list page's generation time into PubDate too); with a ColumnName beside them, only when an
    article body (正文: TRS_Editor, div.article) stands in place of that list. A labelled date (发布时间)
    with an article body and no real list: a detail page of an older CMS without metas."""
    if "articletitle" in lowered:
        return True
    body_box = body.find(class_=ARTICLE_CLASS) is not None or body.find(id=ARTICLE_CLASS) is not None
    if any(k in lowered for k in ARTICLE_METAS):
        return not _real_list(rows) and (body_box or "columnname" not in lowered)
    return bool(pub) and "columnname" not in lowered and len(rows) < 5 and body_box


def _real_list(rows: list[Row]) -> bool:
    """A list of five or more items, most of them dated: a column's, never an article's attachments or links."""
    dated = sum(1 for r in rows if r.date or r.url_date)
    return len(rows) >= 5 and dated * 2 >= len(rows)


def _read_head(page, named: dict[str, list[Tag]]) -> _Head:
    """Base URL, metas, language, title and script texts: read first, as the scripts are cut later."""
    base = page.final_url
    base_tag = next((t for t in named["base"] if t.get("href") is not None), None)
    if base_tag:
        base = join_url(base, base_tag["href"]) or base
    metas = {}
    for m in named["meta"]:
        name, content = m.get("name") or m.get("property"), m.get("content")
        if isinstance(name, str) and isinstance(content, str):
            metas[name.strip()] = content.strip()
    html = next(iter(named["html"]), None)
    scripts_xml = [s.string or s.get_text() for s in named["script"] if s.get("type") == "text/xml"]
    script_text = "\n".join(s.get_text() for s in named["script"] if not s.get("src"))
    # a pager script: TRS createPageHTML or its variables, Hanweb jpage, jQuery pagination's page count; the
    # word "pagination" alone is no pager (image carousels name their dots so: Swiper, SuperSlide)
    has_pager = "createPageHTML" in script_text or bool(PAGER_SCRIPT.search(script_text))
    fillers, templates = _fillers(named["script"])
    return _Head(base=base, metas=metas, lang=str(html.get("lang") or "") if html else "",
                 title=text_of(named["title"][0]) if named["title"] else "",
                 scripts_xml=scripts_xml, script_text=script_text, has_pager=has_pager,
                 fillers=fillers, template_scripts=templates)


def _fillers(scripts: list[Tag]) -> tuple[list[scriptlist.PageScript], int]:
    """The inline scripts that may fill the page's list (outside header, navigation and footer: a footer
    written by script fills no list), and the count of list-template scripts (type text/html)."""
    fillers, templates = [], 0
    for tag in scripts:
        kind = str(tag.get("type") or "")
        if tag.get("src") is not None or kind == "text/xml":
            continue
        text = tag.string or tag.get_text()
        if scriptlist.is_template_script(kind, text):
            templates += 1
            continue
        script = scriptlist.page_script(text, in_list_box=lambda tag=tag: list_box(tag) is not None)
        if script is not None and not any(is_furniture(parent) for parent in tag.parents if parent.name != "[document]"):
            fillers.append(script)
    return fillers, templates


def _cut_breadcrumb(elements: list[Tag]) -> str:
    """Cut the breadcrumb box out and return its last crumb, which names the page (location, crumbs,
    DedeCMS .place); the box itself is page furniture."""
    crumb_words = {w.lower() for w in column_knowledge()["crumb_words"]}
    for tag in elements:
        if tag.get("class") is None:
            continue
        if any(w in crumb_words or any(p in crumb_words for p in w.split("_")) for w in _words(tag)):
            crumb_name = ""
            parts = [p.strip() for p in re.split(r"[>»＞/→]|&gt;", text_of(tag)) if p.strip()]
            if parts:
                crumb_name = re.sub(r"^(当前位置|您的位置|您现在的位置|所在位置)[:：]?", "", parts[-1]).strip()
            tag.decompose()
            return crumb_name
    return ""


def _cut_scripts_and_furniture(soup: BeautifulSoup, named: dict[str, list[Tag]]) -> None:
    """Leave only content: no scripts or styles, no header, navigation or footer, no header clock."""
    for name in ("script", "style", "noscript", "template"):
        for tag in named[name]:
            if not tag.decomposed:  # not inside the breadcrumb or another removed box
                tag.decompose()
    _cut_furniture(soup)
    _drop_clocks(soup)


def _heading(body: Tag, crumb_name: str, head: _Head) -> str:
    """The page's own name: its last crumb, else its column title or heading; a heading that only
    repeats the <title> is cut down to the column part of it."""
    heading_tag = body.find(class_="column-title") or body.find(["h2", "h1"])
    heading = text_of(heading_tag) if heading_tag else ""
    heading = crumb_name or heading
    if not crumb_name and heading and heading == head.title:
        heading = title_name(head.title, (head.metas.get("SiteName") or head.lowered.get("sitename") or "",))
    return heading


def _pub_date(body: Tag, metas: dict[str, str], main_text: str) -> date | None:
    """The page's publication date: its metas, else a <time datetime>, else a labelled date (发布日期)."""
    pub = D.meta_pubdate(metas)
    if pub is None:
        time_tag = body.find("time", attrs={"datetime": True})
        if time_tag:
            pub = D.parse_date(str(time_tag["datetime"]))
    if pub is None:
        pub = D.labelled_date(main_text)
    return pub


def _total_and_pager(total: int | None, main_text: str, head: _Head) -> tuple[int | None, bool]:
    """The list's item total (共 N 条; the datastore's wins) and whether the page has a pager at all."""
    has_pager = head.has_pager
    for pattern in _total_patterns():
        m = pattern.search(main_text) or pattern.search(head.script_text)
        if m:
            total = int(m.group(1)) if total is None else total
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


def _note_landing_page(summary: PageSummary, body: Tag, lowered: dict[str, str]) -> None:
    """更多 links and a site name without a column name: a portal home or landing page, not one column."""
    more_links = sum(1 for a in body.find_all("a") if MORE_TEXT.match(text_of(a)))
    summary.more_links = more_links
    summary.portal_home = ("sitename" in lowered and "columnname" not in lowered) or more_links >= 2


def _by_name(elements: list[Tag], names: tuple[str, ...]) -> dict[str, list[Tag]]:
    """The elements of each name, in document order (what `soup.find_all(name)` gives, from one walk)."""
    found: dict[str, list[Tag]] = {name: [] for name in names}
    for tag in elements:
        if tag.name in found:
            found[tag.name].append(tag)
    return found


def _headers(box: Tag) -> str:
    """The header row of a list table: its <th> cells, else its first row's cells when they hold no link."""
    cells = box.find_all("th", limit=12)
    if not cells:
        first = box.find("tr")
        if isinstance(first, Tag) and not first.find("a", href=True):
            cells = first.find_all("td", limit=12)
    return " ".join(text_of(c) for c in cells)[:200]


def _cut_furniture(soup: BeautifulSoup) -> None:
    """Remove header, navigation, footer and breadcrumb boxes (never descending into removed ones)."""
    stack: list[Tag] = [soup]
    while stack:
        node = stack.pop()
        for child in list(node.children):
            if isinstance(child, Tag):
                if is_furniture(child):
                    child.decompose()
                else:
                    stack.append(child)


def _drop_clocks(soup: BeautifulSoup) -> None:
    """A clock's date is never a date, wherever it sits: each clock date (今天是2026年11月20日, 2026年11月20日
    星期五) is blanked in the tree, read in the context of its box, so 今天是 or 星期五 in a neighbouring span
    still tells it; a short box that holds a clock and no link (the clock and weather strip) goes."""
    boxes: dict[int, tuple[Tag, list[str]]] = {}
    for hit in soup.find_all(string=DATE_DIGITS):
        box = _clock_box(hit)
        if id(box) not in boxes:
            text = text_of(box)
            boxes[id(box)] = (box, [text[a:b] for a, b in D.clock_spans(text)])
        for clock in boxes[id(box)][1]:
            if clock in hit:
                hit.replace_with(hit.replace(clock, " "))
                break
    for box, clocks in boxes.values():
        if clocks and not box.decomposed and box.name not in ("body", "html") and not box.find("a", href=True) \
                and len(text_of(box)) < 120:
            box.decompose()


def _clock_box(string: NavigableString) -> Tag:
    """The box a text sits in, above its inline wrappers: a clock's words may stand in neighbouring spans."""
    box = string.parent
    while isinstance(box, Tag) and box.name in INLINE_TAGS and isinstance(box.parent, Tag):
        box = box.parent
    return box


def find_placeholder(body: Tag, body_text: str) -> Tag | None:
    """The element holding placeholder text (暂无信息, 正在建设中), outside sidebars; longest phrase first.
    `body_text`: the body's text, which the caller has already."""
    k = column_knowledge()
    text = body_text.lower()
    for phrase in sorted(k["placeholders"], key=len, reverse=True):
        low = phrase.lower()
        if low not in text:
            continue
        for hit in body.find_all(string=lambda s, p=low: isinstance(s, str) and p in s.lower()):
            holder = hit.parent if isinstance(hit.parent, Tag) else body
            if not _in_sidebar(holder, levels=8):
                return holder
    return None


def _placeholder_empties_list(holder: Tag, rows_box: Tag | None) -> bool:
    """Does a placeholder say the page's list is empty although some box on the page has rows?

    Yes when it stands (as short text) in a named list box with no item links of its own, and the rows
    found elsewhere are not in a list box of their own (or only in one wrapping the placeholder)."""
    if len(text_of(holder)) > 40:
        return False
    box = list_box(holder)
    if box is None:
        return False
    if any(not PAGER_TEXT.match(text_of(a)) and not MORE_TEXT.match(text_of(a)) for a in box.find_all("a", href=True)):
        return False
    own = list_box(rows_box) if rows_box is not None else None
    return own is None or own is box or any(p is own for p in box.parents)


def _find_script_list(body: Tag, text: str, summary: PageSummary, head: _Head, named: dict[str, list[Tag]]) -> None:
    """On a page without list rows: the same-site frames in its content (their list is its list) and the
    sign that a script fills its list (checks.engine.scriptlist): either keeps its column from being judged empty."""
    host = urlsplit(summary.final_url).netloc.lower()
    for frame in named["iframe"] + named["frame"]:
        src = clean_href(head.base, frame.get("src")) if not frame.decomposed else None
        if src and urlsplit(src).netloc.lower() == host:
            summary.frames.append(src)
    summary.script_list = scriptlist.script_fill(body, text, head.fillers, head.template_scripts, _can_hold_list)
    if summary.script_list is None and summary.frames:
        summary.script_list = f"列表在框架中 {summary.frames[0]}"


def _can_hold_list(tag: Tag) -> bool:
    """Can a script fill the page's list into this element: a list box, a box holding one, or an empty
    mount point (<div id="app"></div>) that is no pager's?"""
    if any(is_list_word(w) for w in _words(tag)) or tag.find(lambda t: any(is_list_word(w) for w in _words(t))):
        return True
    pager = set(column_knowledge()["not_list_word_parts"])
    if any(part in pager for w in _words(tag) for part in re.split(r"[-_]", w)):
        return False
    return not text_of(tag) and tag.find("a", href=True) is None


def _find_emptiness(body: Tag, summary: PageSummary, holder: Tag | None) -> None:
    """Placeholder text (暂无信息) or an empty list container, on a page without list rows."""
    if holder is not None:
        summary.placeholder = text_of(holder)[:120]
        summary.placeholder_selector = css_path(holder)
    kinds = ["ul", "ol", "table", "tbody", "div", "dl"]
    for tag in body.find_all(kinds):
        if any(is_list_word(w) for w in _words(tag)) and not tag.find("a", href=True) and not tag.find(["li", "img"]):
            inner = [t for t in tag.find_all(kinds) if any(is_list_word(w) for w in _words(t))]
            summary.empty_container = css_path(inner[-1] if inner else tag)  # the innermost box: ul.list
            break
