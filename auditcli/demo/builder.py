"""SiteBuilder: the helper every demo site module uses to add pages, columns and answer-key facts.

A site module creates one ``SiteBuilder``, sets its ``layout`` (header/nav/footer of that portal),
adds pages and columns, then returns ``sb.finish(...)``. Column statuses in the answer key are
*computed* from the generated items and the as_of date, so the key cannot drift from the pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from . import templates as T
from .model import Ctx, PageSpec, SiteBuild

# docs/SPEC.md §6: category -> max age in days
MAX_AGE = {
    "news": 14,
    "notice": 183,
    "policy": 183,
    "planning": 365,
    "personnel": 365,
    "finance": 365,
    "statistics": 365,
    "other": 365,
}

Layout = Callable[..., str]


@dataclass
class Item:
    """One list entry and its detail page."""

    title: str
    date: date | None = None
    pinned: bool = False
    paragraphs: list[str] = field(default_factory=list)
    extra_html: str = ""  # planted links/images inside the article body
    source: str = ""
    path: str = ""  # filled by the builder: the detail page path
    url_style: str | None = None  # this item's URL style, when it differs from its column's


@dataclass
class Column:
    name: str
    dir: str
    category: str
    items: list[Item]
    pages: list[str]


def default_layout(title: str, content: str, *, metas: dict[str, str] | None = None,
                   lang: str | None = "zh-CN", charset: str = "utf-8") -> str:
    return T.document(title, content, metas=metas, lang=lang, charset=charset)


class SiteBuilder:
    def __init__(self, ctx: Ctx, site_id: str, server: str, *, encoding: str = "utf-8",
                 base_headers: dict[str, str] | None = None, source: str = "") -> None:
        self.ctx = ctx
        self.site_id = site_id
        self.server = server
        self.encoding = encoding
        self.base_headers = dict(base_headers or {})
        self.source = source
        self.layout: Layout = default_layout
        self.pages: dict[str, PageSpec] = {}
        self.columns: list[dict[str, Any]] = []
        self.not_columns: list[dict[str, Any]] = []
        self.homepage_dates: list[date] = []
        self.column_items: dict[str, list[Item]] = {}  # column url -> its items (with paths)
        self._next_id = 1000

    # ------------------------------------------------------------ urls and raw pages
    def url(self, path: str) -> str:
        return self.ctx.base(self.server) + path

    def next_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def add(self, path: str, spec: PageSpec) -> str:
        if path in self.pages:
            raise ValueError(f"{self.site_id}: duplicate path {path}")
        self.pages[path] = spec
        return path

    def html(self, path: str, title: str, content: str, *, metas: dict[str, str] | None = None,
             encoding: str | None = None, lang: str | None = "zh-CN", status: int = 200,
             headers: dict[str, str] | None = None, delay: float = 0.0, layout: Layout | None = None,
             **layout_kw: Any) -> str:
        enc = encoding or self.encoding
        body = (layout or self.layout)(title, content, metas=metas, lang=lang, **layout_kw)
        return self.add(path, PageSpec(body=body, status=status, encoding=enc, delay=delay,
                                       headers={**self.base_headers, **(headers or {})}))

    def raw(self, path: str, body: bytes | str, content_type: str, **kw: Any) -> str:
        kw.setdefault("encoding", self.encoding)
        headers = {**self.base_headers, **kw.pop("headers", {})}
        return self.add(path, PageSpec(body=body, content_type=content_type, headers=headers, **kw))

    def not_column(self, path: str, name: str, kind: str) -> None:
        """Record a page that is NOT a list column: home, hub, static, language-home, form, letter."""
        self.not_columns.append({"name": name, "url": self.url(path), "kind": kind})

    def static_page(self, path: str, name: str, paragraphs: list[str], *,
                    crumbs: list[tuple[str | None, str]] | None = None, kind: str = "static") -> str:
        content = (T.breadcrumb(crumbs or [("/", "首页"), (None, name)])
                   + T.article_body(name, paragraphs, info=""))
        self.html(path, name, content)
        self.not_column(path, name, kind)
        return path

    def hub_page(self, path: str, name: str, links: list[tuple[str, str]], *,
                 crumbs: list[tuple[str | None, str]], metas: dict[str, str] | None = None) -> str:
        """A channel page (breadcrumb and sub-navigation): navigation, recorded as a hub, not a column."""
        self.html(path, name, T.breadcrumb([*crumbs, (None, name)]) + T.nav(links, cls="sub-nav"),
                  metas=metas)
        self.not_column(path, name, "hub")
        return path

    def links_to(self, columns: list[dict[str, Any]]) -> list[tuple[str, str]]:
        """(path, name) of recorded columns, for a hub's sub-navigation."""
        base = self.ctx.base(self.server)
        return [(c["url"].replace(base, ""), c["name"]) for c in columns]

    # ------------------------------------------------------------ columns
    def column(
        self,
        name: str,
        dir: str,
        category: str,
        items: list[Item],
        *,
        column_type: str | None = None,
        style: str = "trs",  # trs | trs-vars (pager variables, no call) | jquery (totalPage, index_2) | hanweb | plain
        ext: str = "html",  # list and detail pages: html | shtml
        list_date: Callable[[date], str] | None = T.fmt_iso,
        url_style: str = "trs",  # trs (./YYYYMM/tYYYYMMDD_N.html) | hanweb (/art/Y/m/d/art_C_N.html) | plain
        detail_dates: bool = True,
        page_size: int = 20,
        order: str = "desc",
        placeholder: str | None = None,
        empty_pager: bool = False,
        crumbs: list[tuple[str | None, str]] | None = None,
        max_age_days: int | None = None,
        key_extra: dict[str, Any] | None = None,
        item_source: str | None = None,
        list_extra: str = "",
        broken_items: bool = False,
    ) -> dict[str, Any]:
        """Generate a list column (all list pages + detail pages) and record it in the answer key."""
        assert dir.endswith("/")
        metas = _column_metas(name, column_type)
        crumbs = [*(crumbs or [("/", "首页")]), (None, name)]
        ordered = _list_order(items, order)
        for it in ordered:  # detail pages
            self._article(it, dir, name, it.url_style or url_style, detail_dates, item_source, crumbs, ext)
            if broken_items:  # the list links to pages that do not exist (404): an empty column
                del self.pages[it.path]
        if not ordered:
            bodies = [(dir + f"index.{ext}", _empty_list(placeholder, empty_pager))]
        elif style == "hanweb":
            bodies = [(dir + "index.html", self._hanweb_list(dir, ordered, list_date))]
        else:
            bodies = self._paged_lists(dir, ordered, style=style, ext=ext, page_size=page_size,
                                       list_date=list_date, link_dir=None if broken_items else dir,
                                       list_extra=list_extra)
        pages = [self._list_page(path, name, body, metas, crumbs) for path, body in bodies]
        entry = self._column_entry(name, category, items, pages, empty=not items or broken_items,
                                   dated=bool(list_date or detail_dates) and not broken_items,
                                   max_age_days=max_age_days, placeholder=placeholder)
        entry.update(key_extra or {})
        return self._record(entry, ordered)

    def script_column(self, name: str, dir: str, category: str, items: list[Item],
                      fill: Callable[[list[Item]], str], *, script: str = "", column_type: str | None = None,
                      url_style: str = "trs", crumbs: list[tuple[str | None, str]] | None = None) -> dict[str, Any]:
        """A list column whose list a script fills in the reader's browser (集约化 platforms, Vue/jQuery):
        `fill(items)` gives the list box as the server sends it (empty, with the script or template that
        fills it), `script` what follows the list box (a script filling it from outside). In the key, a
        static audit cannot judge it (needs-browser: nothing shown to date); under `browser`, what browser
        mode reports once it has rendered the list."""
        metas, crumbs, ordered = self._detailed_column(name, dir, items, column_type, url_style, crumbs)
        page = self._list_page(dir + "index.html", name, fill(ordered), metas, crumbs, after=script)
        shown = self._column_entry(name, category, items, [page], empty=not items, dated=True,
                                   max_age_days=None, placeholder=None)
        entry = {**shown, "status": "needs-browser", "latest_date": None, "age_days": None, "item_count": 0,
                 "browser": {k: shown[k] for k in ("status", "latest_date", "age_days", "item_count")}}
        return self._record(entry, ordered)

    def framed_column(self, name: str, dir: str, category: str, items: list[Item], *,
                      column_type: str | None = None, crumbs: list[tuple[str | None, str]] | None = None) -> dict[str, Any]:
        """A list column whose list page shows its list in a same-site <iframe> (list_frame.html): the
        framed list is the column's, judged from the frame's own HTML in both modes."""
        metas, crumbs, ordered = self._detailed_column(name, dir, items, column_type, "trs", crumbs)
        lis = "\n".join(self._li(it, dir, T.fmt_iso) for it in ordered)
        frame = dir + "list_frame.html"
        self.add(frame, PageSpec(body=T.document(name, f'<ul class="list">\n{lis}\n</ul>', metas=metas),
                                 encoding=self.encoding, headers=dict(self.base_headers)))
        page = self._list_page(dir + "index.html", name,
                               f'<iframe src="list_frame.html" title="{name}列表" class="list-frame" '
                               'width="100%" height="600" frameborder="0" scrolling="no"></iframe>', metas, crumbs)
        entry = self._column_entry(name, category, items, [page], empty=not items, dated=True,
                                   max_age_days=None, placeholder=None)
        entry["note"] = "the list is in an iframe (list_frame.html): the column's own list"
        return self._record(entry, ordered)

    def _detailed_column(self, name: str, dir: str, items: list[Item], column_type: str | None, url_style: str,
                         crumbs: list[tuple[str | None, str]] | None
                         ) -> tuple[dict[str, str], list[tuple[str | None, str]], list[Item]]:
        """A column's page tags, breadcrumb and items newest first, each item's dated detail page made."""
        metas = _column_metas(name, column_type)
        crumbs = [*(crumbs or [("/", "首页")]), (None, name)]
        ordered = _list_order(items, "desc")
        for it in ordered:
            self._article(it, dir, name, it.url_style or url_style, True, None, crumbs)
        return metas, crumbs, ordered

    def _record(self, entry: dict[str, Any], ordered: list[Item]) -> dict[str, Any]:
        """The column's answer-key entry, and its items for the site's other pages (a home page's news box)."""
        self.columns.append(entry)
        self.column_items[entry["url"]] = ordered
        return entry

    def _hanweb_list(self, dir: str, ordered: list[Item], list_date: Callable[[date], str] | None) -> str:
        """A Hanweb list: every record in the page's <datastore>, and the dataproxy URL that serves them."""
        colid = dir.strip("/").split("col")[-1]
        recs = [self._li(it, dir, list_date) for it in ordered]
        nxt = (f"/module/web/jpage/dataproxy.jsp?page=1&webid=1&path=/&columnid={colid}"
               f"&unitid=3927&permissiontype=0")
        self.raw(nxt, _dataproxy_xml(recs), "text/xml")
        return T.hanweb_datastore(recs, nxt, len(recs))

    def _paged_lists(self, dir: str, ordered: list[Item], *, style: str, ext: str, page_size: int,
                     list_date: Callable[[date], str] | None, link_dir: str | None,
                     list_extra: str) -> list[tuple[str, str]]:
        """(path, body) of each list page of ``page_size`` items, with the CMS style's pager."""
        chunks = [ordered[i:i + page_size] for i in range(0, len(ordered), page_size)]
        bodies = []
        for n, chunk in enumerate(chunks):
            lis = "\n".join(self._li(it, link_dir, list_date) for it in chunk)
            body = f'<ul class="list">\n{lis}\n</ul>' + _pager(style, len(chunks), n, ext) + list_extra
            number = n + 1 if style == "jquery" else n  # jQuery pagination counts from 1: no index_1
            bodies.append((dir + (f"index.{ext}" if n == 0 else f"index_{number}.{ext}"), body))
        return bodies

    def _column_entry(self, name: str, category: str, items: list[Item], pages: list[str], *,
                      empty: bool, dated: bool, max_age_days: int | None,
                      placeholder: str | None) -> dict[str, Any]:
        """The column's answer-key entry: its status computed from its items' dates and as_of."""
        dates = [i.date for i in items if i.date]
        latest = max(dates) if dates and dated else None
        limit = max_age_days or MAX_AGE[category]
        if empty:
            status = "empty"
        elif latest is None:
            status = "undated"
        else:
            status = "stale" if (self.ctx.as_of - latest).days > limit else "fresh"
        entry: dict[str, Any] = {
            "name": name,
            "url": self.url(pages[0]),
            "category": category,
            "status": status,
            "latest_date": latest.isoformat() if latest else None,
            "age_days": (self.ctx.as_of - latest).days if latest else None,
            "max_age_days": limit,
            "item_count": len(items),
            "pages": [self.url(p) for p in pages],
        }
        if max_age_days:
            entry["default_max_age_days"] = MAX_AGE[category]
        if placeholder:
            entry["placeholder"] = placeholder
        return entry

    def _list_page(self, path: str, name: str, body: str, metas: dict[str, str],
                   crumbs: list[tuple[str | None, str]], after: str = "") -> str:
        content = (T.breadcrumb(crumbs) + f'<div class="list-box"><h2 class="column-title">'
                   f"{name}</h2>{body}</div>{after}")
        self.html(path, name, content, metas=metas)
        return path

    def _li(self, it: Item, dir: str | None, list_date: Callable[[date], str] | None) -> str:
        href = it.path
        if dir and href.startswith(dir):
            href = "./" + href[len(dir):]
        return T.list_item(href, it.title, list_date(it.date) if (list_date and it.date) else None,
                           pinned=it.pinned)

    def _article(self, it: Item, dir: str, column: str, url_style: str, detail_dates: bool,
                 source: str | None, crumbs: list[tuple[str | None, str]], ext: str = "html") -> None:
        n = self.next_id()
        d = it.date
        if url_style == "trs" and d:
            it.path = f"{dir}{d:%Y%m}/t{d:%Y%m%d}_{n}.{ext}"
        elif url_style == "hanweb" and d:
            colid = dir.strip("/").split("col")[-1]
            it.path = f"/art/{d.year}/{d.month}/{d.day}/art_{colid}_{n}.html"
        else:
            it.path = f"{dir}content_{n}.{ext}"
        src = it.source or source or self.source
        metas = {"ArticleTitle": it.title, "ContentSource": src}
        info = f"来源：{src}"
        if d and detail_dates:
            metas = {"ArticleTitle": it.title, "PubDate": f"{d:%Y-%m-%d} 09:30", "ContentSource": src}
            info = f"发布日期：{d:%Y-%m-%d} 09:30　来源：{src}"
        paragraphs = it.paragraphs or [f"{it.title}。", "（全文略）"]
        content = (T.breadcrumb([*crumbs[:-1], (dir + f"index.{ext}", column), (None, "正文")])
                   + T.article_body(it.title, paragraphs, info=info, extra_html=it.extra_html))
        self.html(it.path, it.title, content, metas=metas)

    # ------------------------------------------------------------ result
    def finish(self, config: dict[str, Any], key: dict[str, Any]) -> SiteBuild:
        key.setdefault("columns", self.columns)
        key.setdefault("not_columns", self.not_columns)
        return SiteBuild(server=self.server, pages=self.pages, config=config, key=key)

    def homepage_key(self, path: str) -> dict[str, Any]:
        latest = max(self.homepage_dates) if self.homepage_dates else None
        return {
            "url": self.url(path),
            "latest_date": latest.isoformat() if latest else None,
            "age_days": (self.ctx.as_of - latest).days if latest else None,
            "stale": (self.ctx.as_of - latest).days > 14 if latest else None,
        }


def _column_metas(name: str, column_type: str | None) -> dict[str, str]:
    """The column page tags a TRS-style list page carries (《政府网站发展指引》)."""
    return {"ColumnName": name, "ColumnDescription": name, "ColumnKeywords": name, "ColumnType": column_type or name}


def _dataproxy_xml(records: list[str]) -> str:
    recs = "\n".join(f"<record><![CDATA[{r}]]></record>" for r in records)
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<datastore>\n<totalrecord>{len(records)}'
            f"</totalrecord>\n<recordset>\n{recs}\n</recordset>\n</datastore>\n")


def _list_order(items: list[Item], order: str) -> list[Item]:
    """Pinned (置顶) items first, then the others by date: newest first when ``order`` is desc, else oldest first."""
    pinned = [i for i in items if i.pinned]
    normal = sorted((i for i in items if not i.pinned), key=lambda i: (i.date or date.min),
                    reverse=(order == "desc"))
    return pinned + normal


def _empty_list(placeholder: str | None, empty_pager: bool) -> str:
    """The list of a column with no items: an empty <ul>, maybe a placeholder text or a pager."""
    body = '<ul class="list"></ul>'
    if placeholder:
        body += f'<div class="no-data"><p>{placeholder}</p></div>'
    if empty_pager:
        body += T.static_empty_pager()
    return body


def _pager(style: str, pages: int, n: int, ext: str) -> str:
    """The pager under list page ``n`` (from 0) of ``pages``, as the column's CMS writes it."""
    if style == "trs":
        return T.trs_pager(pages, n)
    if style == "trs-vars":
        return T.trs_pager_vars(pages, n, ext)
    if style == "jquery":
        return T.jquery_pager(pages, n + 1)
    return ""
