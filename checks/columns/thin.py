"""Thin disclosure (公开不充分): `columns.thin` and the `disclosure` block.

A column of a category the profile expects to be busy (动态要闻: N items in 90 days; 通知公告, 政策文件: M
in a year) that carries fewer dated items in its window. The numbers are the profile's (`thin_columns`,
handed over in `site.options` like the home page's limit), else the knowledge file's defaults (`THIN_DEFAULTS`).

Only fresh columns are judged: a stale column is already `freshness.column-stale` (its window holds few
items because it is not updated: one fault, one finding), and an empty, undated or script-filled column
has its own finding. A column whose list pages the crawl cut (--max-pages, --max-depth) while its oldest
known item is still inside the window may hold more: it is "not-judged", never thin.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from auditcli.core.models import Finding
from auditcli.core.vocabulary import THIN_DEFAULTS
from checks.engine.columnmodel import Column, category_label, column_key, columns_model
from checks.engine.registry import check, result_block, site_analysis
from checks.engine.siteview import SiteView

REFS = ["国办秘函〔2019〕19号 政府网站检查指标 信息发布（内容更新）", "国办发〔2017〕47号 政府网站发展指引 信息发布",
        "docs/SPEC.md §6 thin columns (auditcli defaults)"]
CUT_REASONS = ("max-pages", "max-depth")


def thin_settings(site: SiteView) -> dict[str, dict[str, int]]:
    """category -> {min_items, window_days}: the profile's (check setting `thin_columns`), else the defaults."""
    given = site.options.get("thin_columns")
    return dict(given) if given is not None else {cat: dict(rule) for cat, rule in THIN_DEFAULTS.items()}


@dataclass(frozen=True)
class Volume:
    """How many dated items one busy column carried in its window, and the verdict."""

    column: Column
    recent: int
    min_items: int
    window_days: int
    verdict: str  # "thin", "enough", "not-judged"
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        entry = {"name": self.column.name, "url": self.column.url, "category": self.column.category,
                 "items_in_window": self.recent, "window_days": self.window_days, "min_items": self.min_items,
                 "verdict": self.verdict}
        if self.reason:
            entry["reason"] = self.reason
        return entry


def _cut_keys(site: SiteView) -> set[str]:
    """Column keys of list pages the crawl found but did not fetch for a crawl limit."""
    return {column_key(n.url) for n in site.not_scanned() if n.reason.startswith(CUT_REASONS)}


@site_analysis
def column_volumes(site: SiteView) -> list[Volume]:
    settings = thin_settings(site)
    cut: set[str] | None = None
    out: list[Volume] = []
    for c in columns_model(site).columns:
        rule = settings.get(c.category)
        if rule is None or c.status != "fresh":
            continue
        window = int(rule["window_days"])
        since = site.as_of - timedelta(days=window)
        dated = [d for d in c.item_dates if d]
        recent = sum(1 for d in dated if d >= since)
        need = int(rule["min_items"])
        if recent >= need:
            out.append(Volume(c, recent, need, window, "enough"))
            continue
        if cut is None:
            cut = _cut_keys(site)
        more_pages = c.key in cut or any(p.total is not None and p.total > len(c.items) for p in c.pages)
        if more_pages and dated and min(dated) >= since:
            out.append(Volume(c, recent, need, window, "not-judged",
                              "list pages not crawled (crawl limit); its oldest known item is within the window"))
            continue
        out.append(Volume(c, recent, need, window, "thin"))
    return out


@check(
    id="columns.thin",
    dimension="columns",
    severity="low",
    refs=REFS,
    title={"zh": "栏目信息发布量偏少", "en": "Column publishes too little"},
    fix={"zh": "按栏目定位持续发布信息（动态要闻类、通知公告、政策文件类栏目应保持一定发布量），或撤并信息过少的栏目",
         "en": "Publish in the column as its purpose requires (news, notices and policy documents need a steady "
               "flow), or merge a column that carries too little"},
)
def thin(site: SiteView) -> Iterator[Finding]:
    """Info/low by default, never a veto: a fresh column that carries fewer items than its category's minimum."""
    for v in column_volumes(site):
        if v.verdict != "thin":
            continue
        c = v.column
        label, label_en = category_label(c.category), category_label(c.category, "en")
        finding = c.finding(
            f"栏目“{c.name}”近 {v.window_days} 天仅发布 {v.recent} 条信息（{label}栏目不少于 {v.min_items} 条）",
            f"Column “{c.name}” published {v.recent} items in the last {v.window_days} days "
            f"(at least {v.min_items} expected of a {label_en} column)")
        finding.data.update({"items_in_window": v.recent, "window_days": v.window_days, "min_items": v.min_items})
        yield finding


@result_block("disclosure", dimensions=("columns",))
def disclosure_block(site: SiteView) -> list[dict]:
    """Every busy column judged for volume, with its count and verdict (thin, enough, not-judged)."""
    return [v.to_dict() for v in column_volumes(site)]
