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
from urllib.parse import urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup, Tag

from checks import dates as D
from checks.knowledge import load

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
MORE_TEXT = re.compile(r"^(更多|more)\s*(>>|»|>|\+)?$", re.I)


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
    item_links: list[str] = field(default_factory=list)
    link_dates: list[date] = field(default_factory=list)
    portal_home: bool = False

    @property
    def name(self) -> str:
        return self.column_name or self.heading or self.title


# ------------------------------------------------------------------------------------------ helpers
def css_path(tag: Tag, depth: int = 4) -> str:
    """A short CSS selector for an element: tag#id or tag.class, up to `depth` ancestors."""
    parts: list[str] = []
    node: Tag | None = tag
    while node is not None and isinstance(node, Tag) and node.name not in ("[document]", "html") and len(parts) < depth:
        ident = node.get("id")
        if isinstance(ident, str) and ident.strip() and not ident.strip()[0].isdigit():
            parts.append(f"{node.name}#{ident.strip()}")
            break
        classes = [c for c in (node.get("class") or []) if re.fullmatch(r"[A-Za-z_][\w-]*", c)]
        part = node.name + "".join(f".{c}" for c in classes[:2])
        parent = node.parent
        if parent is not None and isinstance(parent, Tag) and not classes:
            siblings = [s for s in parent.find_all(node.name, recursive=False)]
            if len(siblings) > 1:
                part += f":nth-of-type({siblings.index(node) + 1})"
        parts.append(part)
        node = parent
    return " > ".join(reversed(parts))


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
    url = urljoin(base, raw)
    if not url.startswith(("http://", "https://")):
        return None
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def _text(node: Tag | str) -> str:
    if isinstance(node, str):
        return " ".join(node.split())
    return " ".join(node.get_text(" ").split())


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
    return "置顶" in _text(row)


def make_row(row: Tag, anchor: Tag, base: str, as_of: date, selector: str) -> Row | None:
    href = clean_href(base, anchor.get("href"))
    if not href:
        return None
    title = _text(anchor) or str(anchor.get("title") or "")
    if PAGER_TEXT.match(title.strip()):
        return None
    title = title.replace("[置顶]", "").replace("【置顶】", "").strip()
    url_date = D.date_in_url(href, as_of)
    # Dates outside the link text first (the list's date cell), then date spans inside the link.
    anchor_text = _text(anchor)
    rest = _text(row)
    if row.name == "dt":  # <dt><a>title</a></dt><dd>2026-11-05</dd>
        sibling = row.find_next_sibling()
        if isinstance(sibling, Tag) and sibling.name == "dd" and not sibling.find("a", href=True):
            rest += " " + _text(sibling)
    if anchor_text and anchor_text in rest:
        rest = rest.replace(anchor_text, " ", 1)
    hint = url_date.year if url_date else None
    found = D.dates_in_text(rest, as_of, yearless=True, hint_year=hint)
    if not found:  # yearless dates in their own small cell of a longer row
        for string in row.find_all(string=True):
            if isinstance(string, str) and string.find_parent("a") is None and len(string.strip()) <= 24:
                found += D.dates_in_text(string, as_of, yearless=True, hint_year=hint)
    if not found:
        for inner in anchor.find_all(["span", "em", "i", "font", "small"]):
            found += D.dates_in_text(_text(inner), as_of, yearless=True, hint_year=hint)
    when = D.newest(found, as_of) if found else None
    if when is None and found:
        when = max(found)  # only future dates: keep them visible, newest() ignores them later
    return Row(href=href, title=title[:120], date=when, url_date=url_date,
               pinned=_is_pinned(row, anchor), selector=selector)


def looks_like_column_url(url: str) -> bool:
    """…/tzgg/, …/tzgg/index.html, …/col/col12/index.html: a column, not an item."""
    leaf = urlsplit(url).path.rsplit("/", 1)[-1]
    names = "|".join(re.escape(n) for n in column_knowledge()["page_names"])
    return leaf == "" or re.fullmatch(rf"(?:{names})(?:_\d+)?\.\w+", leaf, re.I) is not None


def _in_sidebar(tag: Tag) -> bool:
    """Sidebars (热点排行, 相关推荐) also hold dated lists; the column's own list is elsewhere."""
    words = {w.lower() for w in column_knowledge()["sidebar_words"]}
    node: Tag | None = tag
    for _ in range(4):
        if node is None or not isinstance(node, Tag):
            return False
        if any(part in words for w in _words(node) for part in re.split(r"[-_]", w)):
            return True
        node = node.parent
    return False


def best_list(body: Tag, base: str, as_of: date) -> tuple[list[Row], str | None, list[Row]]:
    """The dominant list of a page (most rows, dated rows count double) and every row of every list."""
    groups: dict[int, tuple[Tag, list[tuple[Tag, Tag]]]] = {}
    seen_rows: set[int] = set()
    for anchor in body.find_all("a", href=True):
        if PAGER_TEXT.match(_text(anchor)):
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
    best: tuple[float, list[Row], str | None] = (0, [], None)
    every: list[Row] = []
    for container, members in groups.values():
        sel = css_path(container)
        rows = []
        for k, (row, anchor) in enumerate(members[:MAX_ROWS]):
            step = (f"{row.parent.name}:nth-of-type({k + 1}) > {row.name}" if row.parent is not container
                    else f"{row.name}:nth-of-type({k + 1})")
            r = make_row(row, anchor, base, as_of, f"{sel} > {step}")
            if r:
                rows.append(r)
        dated = sum(1 for r in rows if r.date)
        every += rows
        # any list outside a sidebar beats every sidebar list; then most rows, dated rows double
        itemish = sum(1 for r in rows if not looks_like_column_url(r.href))  # menus link to columns
        main = (len(rows) >= 2 or dated) and not _in_sidebar(container)
        tier = (2 if itemish * 2 >= len(rows) else 1) if main else 0  # item lists, then menus, then sidebars
        score = tier * 100000 + itemish + 0.25 * (len(rows) - itemish) + 2 * dated
        if rows and score > best[0]:
            best = (score, rows, sel)
    return best[1], best[2], every


def datastore_rows(scripts: list[str], base: str, as_of: date) -> tuple[list[Row], int | None]:
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
        m = re.search(r"<totalrecord>\s*(\d+)", script, re.I)
        if m:
            total = int(m.group(1))
    return rows, total


# ------------------------------------------------------------------------------------------ page
def summarise(page, as_of: date) -> PageSummary:
    """Summarise one checks.siteview.Page (its soup is consumed: furniture is cut out of it)."""
    soup = BeautifulSoup(page.text, "lxml")
    base = page.final_url
    base_tag = soup.find("base", href=True)
    if base_tag:
        base = urljoin(base, base_tag["href"])
    metas = {}
    for m in soup.find_all("meta"):
        name, content = m.get("name") or m.get("property"), m.get("content")
        if isinstance(name, str) and isinstance(content, str):
            metas[name.strip()] = content.strip()
    lowered = {k.lower(): v for k, v in metas.items()}
    html = soup.find("html")
    lang = str(html.get("lang") or "") if html else ""
    title = _text(soup.title) if soup.title else ""

    scripts_xml = [s.string or s.get_text() for s in soup.find_all("script", attrs={"type": "text/xml"})]
    script_text = "\n".join(s.get_text() for s in soup.find_all("script") if not s.get("src"))
    has_pager = "createPageHTML" in script_text or bool(re.search(r"\b(jpage|pageNum|pagination)\b", script_text))

    # breadcrumb: the last crumb names the page
    crumb_name = ""
    for tag in soup.find_all(True, attrs={"class": True}):
        if any(w in ("location", "crumb", "breadcrumb", "position", "dqwz") for w in _words(tag)):
            parts = [p.strip() for p in re.split(r"[>»＞/]|&gt;", _text(tag)) if p.strip()]
            if parts:
                crumb_name = re.sub(r"^(当前位置|您的位置|您现在的位置)[:：]?", "", parts[-1]).strip()
            break

    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    _cut_furniture(soup)
    _drop_clocks(soup)
    body = soup.body or soup
    main_text = _text(body)
    heading_tag = body.find(class_="column-title") or body.find(["h2", "h1"])
    heading = _text(heading_tag) if heading_tag else ""
    heading = crumb_name or heading

    is_article = any(k in lowered for k in ARTICLE_METAS) and "columnname" not in lowered
    pub = D.meta_pubdate(metas)
    if pub is None:
        time_tag = body.find("time", attrs={"datetime": True})
        if time_tag:
            pub = D.parse_date(str(time_tag["datetime"]))
    if pub is None:
        pub = D.labelled_date(main_text)

    rows, container, every = best_list(body, base, as_of)
    row_dates = [r.date for r in every if r.date]
    if not is_article and pub and "columnname" not in lowered and len(rows) < 5:
        # no article metas, but a labelled date and an article body: a detail page of an older CMS
        is_article = body.find(class_=ARTICLE_CLASS) is not None or body.find(id=ARTICLE_CLASS) is not None
    ds_rows, ds_total = datastore_rows(scripts_xml, base, as_of)
    datastore = bool(scripts_xml and ds_rows) or ds_total is not None
    if len(ds_rows) >= len(rows) and ds_rows:
        rows, container = ds_rows, "script[type='text/xml']"
    row_dates += [r.date for r in ds_rows if r.date]

    total = ds_total
    for pattern in _total_patterns():
        m = pattern.search(main_text) or pattern.search(script_text)
        if m:
            total = int(m.group(1)) if total is None else total
            has_pager = True
            break
    if re.search(r"下一页|尾页|末页|上一页", main_text):
        has_pager = True

    summary = PageSummary(
        url=page.url, final_url=page.final_url, depth=page.depth, lang=lang.lower(), title=title,
        heading=heading[:80], column_name=metas.get("ColumnName") or lowered.get("columnname"),
        column_type=metas.get("ColumnType") or lowered.get("columntype"),
        is_article=is_article, pub_date=pub, rows=rows, container=container, datastore=datastore,
        total=total, has_pager=has_pager, main_text_len=len(main_text),
        cjk_ratio=cjk_ratio(" ".join(r.title for r in rows) or main_text[:400]),
    )
    summary.item_links = [r.href for r in every[:MAX_ROWS]]
    summary.link_dates = sorted({r.url_date for r in every if r.url_date and r.url_date <= as_of}, reverse=True)[:20]
    more_links = sum(1 for a in body.find_all("a") if MORE_TEXT.match(_text(a)))
    summary.portal_home = ("sitename" in lowered and "columnname" not in lowered) or more_links >= 2
    if not rows:
        _find_emptiness(body, summary)
    text_dates = D.dates_in_text(main_text, as_of)
    summary.content_dates = sorted({d for d in row_dates + text_dates if d <= as_of}, reverse=True)[:20]
    return summary


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
    """The header clock (今天是2026年11月20日 星期五) and whatever sits in its small box."""
    markers = D.knowledge()["clock_markers"]
    for hit in soup.find_all(string=lambda s: isinstance(s, str) and any(m in s for m in markers)):
        box = hit.parent
        while isinstance(box, Tag) and box.name in ("span", "b", "font", "em", "strong", "a") and box.parent is not None:
            box = box.parent
        if isinstance(box, Tag) and box.name not in ("body", "html") and len(_text(box)) < 120:
            box.decompose()


def _find_emptiness(body: Tag, summary: PageSummary) -> None:
    """Placeholder text (暂无信息) or an empty list container, on a page without list rows."""
    k = column_knowledge()
    text = _text(body).lower()
    for phrase in sorted(k["placeholders"], key=len, reverse=True):
        if phrase.lower() not in text:
            continue
        hit = body.find(string=lambda s, p=phrase: isinstance(s, str) and p.lower() in s.lower())
        if hit is not None:
            holder = hit.parent if isinstance(hit.parent, Tag) else body
            summary.placeholder = _text(holder)[:120] or phrase
            summary.placeholder_selector = css_path(holder)
            break
    words = {w.lower() for w in k["list_container_words"]}
    for tag in body.find_all(["ul", "ol", "table", "tbody", "div", "dl"]):
        if any(w in words for w in _words(tag)) and not tag.find("a", href=True) and not tag.find("li"):
            summary.empty_container = css_path(tag)
            break
