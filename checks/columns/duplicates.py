"""Duplicated columns (栏目重复): `columns.duplicate`, and the item keys the audit-wide shared-content
pass compares across sites (checks.columns.shared).

Judged on the column model's items (checks.engine.columnmodel): nothing is parsed again. An item is its
title and date; two lists of one CMS truncate a long title at different widths, so a title is compared
by its first characters. Legitimate repeats are never duplicates (docs/SPEC.md §6): pagination pages are
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
TITLE_PREFIX = 14  # characters of a title compared: lists cut long titles at different widths
ELLIPSIS = re.compile(r"(\.{2,}|…+|。{2,})$")
NOISE = re.compile(r"[\s\u3000·“”\"'‘’《》〈〉()（）\[\]【】:：,，、.。!！?？-]+")


@cache
def knowledge() -> dict:
    return load("columns")


def title_key(title: str) -> str:
    """A title as compared: no spaces or punctuation, no ellipsis of a cut title, its first characters."""
    return NOISE.sub("", ELLIPSIS.sub("", title.strip()))[:TITLE_PREFIX]


def item_keys(column: Column, since: date | None = None) -> tuple[set[tuple[str, date | None]], set[str]]:
    """(title, date) keys of the column's items dated on or after `since` (all when None; undated items
    only when None), and their target URLs."""
    keys: set[tuple[str, date | None]] = set()
    urls: set[str] = set()
    dates = column.item_dates or [None] * len(column.items)
    for row, day in zip(column.items, dates, strict=False):
        if since is not None and (day is None or day < since):
            continue
        if key := title_key(row.title):
            keys.add((key, day))
            urls.add(normalise_url(row.href))
    return keys, urls


def overlap(a: Column, b: Column) -> tuple[int, int, int, float]:
    """(shared, a's, b's, share) of two columns' items, over the span both lists cover: from the later
    of their oldest dated items (a list cut by a crawl limit shows its newest items only). The share is
    of the larger side, so a column holding a part of the other's items is no copy of it. Titles alone
    when either column shows no date."""
    old_a = min((d for d in a.item_dates if d), default=None)
    old_b = min((d for d in b.item_dates if d), default=None)
    if old_a is None or old_b is None:
        ka = {k for k, _ in item_keys(a)[0]}
        kb = {k for k, _ in item_keys(b)[0]}
    else:
        since = max(old_a, old_b)
        ka, kb = item_keys(a, since)[0], item_keys(b, since)[0]  # type: ignore[assignment]
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


def _is_aggregate(a: Column, b: Column) -> bool:
    """Either column lists the other's items by design: it is the other's parent directory, or an
    aggregate by its name (最新信息, 信息公开目录)."""
    words = knowledge()["duplicates"]["aggregate_words"]
    if any(w in c.name for c in (a, b) for w in words):
        return True
    pa, pb = urlsplit(a.key).path, urlsplit(b.key).path
    return (pa.endswith("/") and pb.startswith(pa)) or (pb.endswith("/") and pa.startswith(pb))


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
    found: list[Duplicate] = []
    for i, a in enumerate(columns):
        for b in columns[i + 1:]:
            if _is_aggregate(a, b):
                continue
            big, small = max(len(a.items), len(b.items)), min(len(a.items), len(b.items))
            same_name = _name(a) == _name(b)
            if small < cfg["share"] * big and not same_name:
                continue  # sizes alone rule out the share: skip the title comparison
            shared, _, _, share = overlap(a, b)
            copy, original = _copy_first(a, b)
            if shared >= cfg["min_items"] and share >= cfg["share"]:
                urls_a, urls_b = item_keys(a)[1], item_keys(b)[1]
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
