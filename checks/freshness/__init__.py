"""Freshness (栏目更新): the home page and every list column against its category's limit (docs/SPEC.md §6)."""

from __future__ import annotations

from collections.abc import Iterator

from auditcli.core.models import Finding
from auditcli.core.urls import normalise_url
from checks.engine.columnmodel import category_label, columns_model, homepage_block
from checks.engine.registry import NotApplicable, check
from checks.engine.siteview import SiteView

REFS = ["国办秘函〔2019〕19号 单项否决 栏目不更新", "国办秘函〔2019〕19号 政府网站检查指标 信息更新"]


@check(
    id="freshness.homepage-stale",
    dimension="freshness",
    severity="high",
    refs=["国办秘函〔2019〕19号 单项否决 首页栏目信息超过2周未更新"],
    title={"zh": "首页超过2周未更新", "en": "Home page not updated for over 2 weeks"},
    fix={"zh": "及时更新首页动态要闻等栏目，至少每两周更新一次",
         "en": "Publish news on the home page at least every two weeks"},
)
def homepage_stale(site: SiteView) -> Iterator[Finding]:
    """The one place the home page's staleness is decided, at the profile's limit (the block's
    `max_age_days`); the `homepage-stale` veto only reads this finding."""
    if site.homepage is None:
        return  # nothing fetched: the site is unreachable, which has its own veto
    block = homepage_block(site)
    if block.get("judged_by") == "column":
        raise NotApplicable("起始页是栏目列表，按该栏目的更新期限判断（见 freshness.column-stale）",
                            "the start page is a column's list, judged by that column's limit (freshness.column-stale)")
    age, limit = block.get("age_days"), block["max_age_days"]
    where = "首页" if block.get("judged_by") == "homepage" else "首页及二级页面"
    where_en = "home page" if block.get("judged_by") == "homepage" else "home page and its second-level pages"
    if age is None:
        yield Finding(url=block["url"], message=f"{where}未找到带发布日期的信息（视为不更新）",
                      message_en=f"No dated item found on the {where_en} (counts as not updated)",
                      locator=normalise_url(block["url"]), data=dict(block))
    elif age > limit:
        item = block.get("latest_item") or {}
        named = f"“{item['title']}”" if item.get("title") else ""
        named_en = f" “{item['title']}”" if item.get("title") else ""
        yield Finding(url=block["url"],
                      message=f"{where}最新信息{named}发布于 {block['latest_date']}，已 {age} 天未更新（上限 {limit} 天）",
                      message_en=f"Newest item{named_en} on the {where_en} is from {block['latest_date']}, {age} days "
                                 f"ago (limit {limit})",
                      # the item's element, to find it in the page; the locator stays the page (one finding a site)
                      selector=item.get("selector"),
                      evidence=f"{item['title']} {block['latest_date']}" if item.get("title") else block["latest_date"],
                      locator=normalise_url(block["url"]), data=dict(block))


@check(
    id="freshness.column-stale",
    dimension="freshness",
    severity="medium",
    refs=REFS,
    title={"zh": "栏目更新不及时", "en": "Column not updated in time"},
    fix={"zh": "按栏目更新周期发布信息，或撤并长期不更新的栏目",
         "en": "Publish within the column's update period, or merge the column away"},
)
def column_stale(site: SiteView) -> Iterator[Finding]:
    for c in columns_model(site).columns:
        if c.status == "stale":
            yield c.finding(
                f"栏目“{c.name}”最新信息发布于 {c.latest}，已 {c.age_days} 天未更新"
                f"（{category_label(c.category)}栏目上限 {c.max_age_days} 天）",
                f"Column “{c.name}” last published on {c.latest}, {c.age_days} days ago "
                f"(limit for {category_label(c.category, 'en')} columns: {c.max_age_days} days)")


@check(
    id="freshness.undated-column",
    dimension="freshness",
    severity="info",
    refs=["国办秘函〔2019〕19号 未注明发布时间的视为不更新"],
    title={"zh": "栏目信息未注明发布日期", "en": "Column items carry no date"},
    fix={"zh": "为每条信息标注发布日期（列表与正文页 PubDate）",
         "en": "Show the publication date on every item (list and the article's PubDate meta)"},
)
def undated_column(site: SiteView) -> Iterator[Finding]:
    for c in columns_model(site).columns:
        if c.status == "undated":
            yield c.finding(f"栏目“{c.name}”的 {c.item_count} 条信息均无可识别的发布日期（检查中视为不更新）",
                            f"None of the {c.item_count} items of column “{c.name}” carries a recognisable date "
                            "(inspectors count this as not updated)")
