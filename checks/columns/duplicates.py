"""Duplicated columns (栏目重复): `columns.duplicate`, and the item keys the audit-wide shared-content
pass compares across sites (checks.columns.shared).

Judged on the column model's items (checks.engine.columnmodel): nothing is parsed again. An item is its
title and date; two lists of one CMS truncate a long title at different widths, so a title is compared
by its beginning when one list cut it (…, ...). Legitimate repeats are never duplicates (docs/SPEC.md §6): pagination pages are
one column already; the home page's boxes are no column; an aggregate (a column under another's directory,
or named 最新信息, 信息公开目录…) lists other columns' items by design; one column reachable by two URLs
(政务公开 and 信息公开目录 linking the same channel: same name, the same documents) is one column; a
column that carries a part of another's items (图片新闻 within 要闻) is no copy of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from urllib.parse import urlsplit

from auditcli.core.knowledge import load
from auditcli.core.models import Finding
from auditcli.core.urls import normalise_url
from checks.engine.columnmodel import Column, columns_model
from checks.engine.registry import check, site_analysis
from checks.engine.siteview import SiteView

REFS = ["国办秘函〔2019〕19号 政府网站检查指标 栏目设置（栏目重复）", "国办发〔2017〕47号 政府网站发展指引 栏目设置"]
ELLIPSIS = re.compile(r"(\.{2,}|…+|。{2,})$")
NOISE = re.compile(r"[\s\u3000·“”\"'‘’《》〈〉()（）\[\]【】:：,，、.。!！?？-]+")


@cache
def knowledge() -> dict:
    return load("columns")


def title_key(title: str) -> tuple[str, bool]:
    """A title as compared: no spaces or punctuation, and whether the list cut it (一个标题...)."""
    text = title.strip()
    cut = ELLIPSIS.search(text) is not None
    return NOISE.sub("", ELLIPSIS.sub("", text)), cut


Key = tuple[str, "date | None"]


def item_keys(column: Column, since: date | None = None) -> tuple[set[Key], set[Key], set[str]]:
    """(title, date) keys of the column's items dated on or after `since` (all when None), the keys of
    titles the list cut, and the items' target URLs."""
    keys: set[Key] = set()
    cut: set[Key] = set()
    urls: set[str] = set()
    dates = column.item_dates or [None] * len(column.items)
    for row, day in zip(column.items, dates, strict=False):
        if since is not None and (day is None or day < since):
            continue
        text, was_cut = title_key(row.title)
        if text:
            keys.add((text, day))
            urls.add(normalise_url(row.href))
            if was_cut:
                cut.add((text, day))
    return keys, cut, urls


def _complete(keys: set[Key], cut: set[Key], other: set[Key]) -> set[Key]:
    """A cut title stands for the other list's full title it begins, of the same date."""
    if not cut:
        return keys
    out = keys - cut
    for text, day in cut:
        full = next((k for k in other if k[1] == day and k[0].startswith(text)), None)
        out.add(full or (text, day))
    return out


def overlap(a: Column, b: Column) -> tuple[int, int, int, float]:
    """(shared, a's, b's, share) of two columns' items, over the span both lists cover: from the later
    of their oldest dated items (a list cut by a crawl limit shows its newest items only). The share is
    of the larger side, so a column holding a part of the other's items is no copy of it. Titles alone
    when either column shows no date."""
    old_a = min((d for d in a.item_dates if d), default=None)
    old_b = min((d for d in b.item_dates if d), default=None)
    since = max(old_a, old_b) if old_a and old_b else None
    ka, ca, _ = item_keys(a, since)
    kb, cb, _ = item_keys(b, since)
    if since is None:  # undated on either side: titles alone
        ka, ca, kb, cb = ({(t, None) for t, _ in s} for s in (ka, ca, kb, cb))
    ka, kb = _complete(ka, ca, kb), _complete(kb, cb, ka)
    shared = len(ka & kb)
    return shared, len(ka), len(kb), shared / max(len(ka), len(kb), 1)


@dataclass(frozen=True)
class Duplicate:
    """Two columns of one site judged duplicates: `kind` "same-items" (≥ share of each other's items)
    or "same-name" (one name, two top-level columns, different content)."""

    kind: str
    column: Column  # the one the finding points at: the copy (not top-level, fewer items, later URL)
    other: Column
    shared: int
    share: float


def _aggregates(columns: list[Column]) -> set[str]:
    """Keys of the columns that list other columns' items by design: a column with sub-columns under its
    directory (信息公开/ over 信息公开/通知公告/), or one named as an aggregate (最新信息, 信息公开目录)."""
    words = knowledge()["duplicates"]["aggregate_words"]
    dirs = [c.key for c in columns if urlsplit(c.key).path.endswith("/")]
    return ({c.key for c in columns if any(w in c.name for w in words)}
            | {d for d in dirs if any(c.key != d and c.key.startswith(d) for c in columns)})


def _name(c: Column) -> str:
    return re.sub(r"\s+", "", c.name)


def _copy_first(a: Column, b: Column) -> tuple[Column, Column]:
    """(the copy, the original): the copy is the one not linked from the home page, else the one with
    fewer items, else the later URL."""
    ranked = sorted((a, b), key=lambda c: (c.top_level, c.item_count, [-ord(ch) for ch in c.url]))
    return ranked[0], ranked[1]


@site_analysis
def duplicate_columns(site: SiteView) -> list[Duplicate]:
    """Every pair of the site's columns with items that duplicate each other, or one name shown twice."""
    cfg = knowledge()["duplicates"]
    columns = [c for c in columns_model(site).columns if c.items and c.status in ("fresh", "stale", "undated")]
    aggregates = _aggregates(columns_model(site).columns)
    columns = [c for c in columns if c.key not in aggregates]
    found: list[Duplicate] = []
    for i, a in enumerate(columns):
        for b in columns[i + 1:]:
            big, small = max(len(a.items), len(b.items)), min(len(a.items), len(b.items))
            same_name = _name(a) == _name(b)
            if small < cfg["share"] * big and not same_name:
                continue  # sizes alone rule out the share: skip the title comparison
            shared, _, _, share = overlap(a, b)
            copy, original = _copy_first(a, b)
            if shared >= cfg["min_items"] and share >= cfg["share"]:
                urls_a, urls_b = item_keys(a)[2], item_keys(b)[2]
                if same_name and len(urls_a & urls_b) >= cfg["share"] * max(len(urls_a), len(urls_b)):
                    continue  # one column reachable by two URLs: the same documents under the same name
                found.append(Duplicate("same-items", copy, original, shared, share))
            elif same_name and a.top_level and b.top_level:
                found.append(Duplicate("same-name", copy, original, shared, share))
    return found


@check(
    id="columns.duplicate",
    dimension="columns",
    severity="low",
    refs=REFS,
    title={"zh": "栏目重复设置", "en": "Duplicated column"},
    fix={"zh": "撤并内容重复的栏目；同名栏目只保留一个入口（或改名以区分内容）",
         "en": "Merge columns that carry the same items; keep one column per name (or rename to tell them apart)"},
)
def duplicate(site: SiteView) -> Iterator[Finding]:
    for d in duplicate_columns(site):
        c, o = d.column, d.other
        pct = round(100 * d.share)
        if d.kind == "same-items":
            zh = f"栏目“{c.name}”与栏目“{o.name}”（{o.url}）内容重复：{d.shared} 条信息相同（{pct}%）"
            en = f"Column “{c.name}” repeats column “{o.name}” ({o.url}): {d.shared} items in common ({pct} %)"
        else:
            zh = f"同名栏目“{c.name}”设在两个路径下且内容不同：{c.url} 与 {o.url}（相同信息 {d.shared} 条）"
            en = (f"Two columns named “{c.name}” with different content: {c.url} and {o.url} "
                  f"({d.shared} items in common)")
        finding = c.finding(zh, en, evidence=f"{c.name} | {o.name}")
        finding.locator = f"{normalise_url(c.url)} = {normalise_url(o.url)}"
        finding.data = {"column": c.name, "category": c.category, "kind": d.kind, "other_column": o.name,
                        "other_url": o.url, "shared_items": d.shared, "items": c.item_count,
                        "other_items": o.item_count, "share": round(d.share, 2)}
        yield finding
