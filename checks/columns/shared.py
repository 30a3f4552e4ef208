"""Shared content across the sites of one audit (转载): a department's 通知公告 carried by the county's
部门动态, a township's news re-posted by the county. Not a fault: each site is judged alone, and this is
a note for the evaluator, in each site's `shared_content` block.

Data flows one way. Each site's judging leaves its columns' item keys in a private block
(`_column_items`, title and date as checks.columns.duplicates compares them); once every site is judged
(in this process or in check workers), `note_shared_content` — a pass over the finished results, like
scoring — compares them, writes the notes and drops the private blocks before anything is written.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from typing import Any

from auditcli.core.knowledge import load
from checks.columns.duplicates import item_keys
from checks.engine.columnmodel import columns_model
from checks.engine.registry import result_block
from checks.engine.siteview import SiteView

PRIVATE_BLOCK = "_column_items"
TITLE_PREFIX = 14  # characters of a title compared across sites: their templates cut long titles differently


@cache
def settings() -> dict[str, Any]:
    return load("columns")["shared_content"]


@result_block(PRIVATE_BLOCK, dimensions=("columns",))
def column_items_block(site: SiteView) -> list[dict[str, Any]]:
    """Each column with items: its name, URL and item keys ("title|date"), for the audit-wide pass only."""
    out = []
    for c in columns_model(site).columns:
        keys = sorted(f"{title[:TITLE_PREFIX]}|{day.isoformat() if day else ''}" for title, day in item_keys(c)[0])
        if keys:
            out.append({"name": c.name, "url": c.url, "keys": keys})
    return out


def note_shared_content(sites: list[dict[str, Any]]) -> None:
    """Give every site whose columns were judged a `shared_content` list (columns sharing at least the
    setting's share of the smaller column's items with a column of another site), and drop the private
    item keys. Sites whose columns were not judged get nothing."""
    share, least = float(settings()["share"]), int(settings()["min_items"])
    columns: list[tuple[int, dict[str, Any]]] = []
    for index, site in enumerate(sites):
        judged = site.pop(PRIVATE_BLOCK, None)
        if judged is not None:
            site["shared_content"] = []
            columns += [(index, column) for column in judged]
    by_key: dict[str, list[int]] = defaultdict(list)
    for n, (_, column) in enumerate(columns):
        for key in column["keys"]:
            by_key[key].append(n)
    common: dict[tuple[int, int], int] = defaultdict(int)
    for holders in by_key.values():
        for i, a in enumerate(holders):
            for b in holders[i + 1:]:
                if columns[a][0] != columns[b][0]:
                    common[(a, b)] += 1
    notes: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)  # (site, column) -> other sites' columns
    for (a, b), shared in sorted(common.items()):
        smaller = min(len(columns[a][1]["keys"]), len(columns[b][1]["keys"]))
        if shared < least or shared < share * smaller:
            continue
        for mine, theirs in ((a, b), (a, b)[::-1]):
            other_site, other = columns[theirs]
            notes[(columns[mine][0], mine)].append({"site": sites[other_site]["id"], "column": other["name"],
                                                    "url": other["url"], "shared_items": shared})
    for (index, n), shared_with in sorted(notes.items()):
        column = columns[n][1]
        sites[index]["shared_content"].append(
            {"column": column["name"], "url": column["url"], "shared_with": shared_with})
