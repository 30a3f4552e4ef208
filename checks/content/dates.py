"""Impossible or forged dates (伪造发稿日期, a veto of 国办秘函〔2019〕19号): `content.future-date` and
`content.date-mismatch`, judged on the page summaries the column model already makes (one page pass).

Rules (docs/SPEC.md §6 "Dimension content"; thresholds in auditcli/core/knowledge/content_dates.yaml):
- future: a list row's date, or an article's publication date (PubDate meta, 发布时间), later than `--as-of`
  by more than the grace day. Only dates written with their year: a yearless [11-20] takes the year that
  keeps it in the past. Event dates in titles and text are no publication dates and are never read. One
  finding per item, the list row first (it shows the item in context), else the article.
- mismatch: an article whose URL date (t20261118_, /2026/11/18/, /202611/: the whole month) is more than
  `max_gap_days` from every publication date it shows; or a list row whose shown date is that far from its
  link's URL date. One finding per article, the article's own judgement first. Left out as legitimate:
  rows linking to files (an attachment folder names its upload month) or off the site (a central document
  reposted), future dates (`content.future-date`'s), yearless dates, and a migration batch — several items
  of one URL month all showing earlier dates (网站改版 re-imports old articles).
A mismatch may be legitimate (a TRS item republished keeps its t-date, an editor corrected a date), so it is
low and needs review; a future publication date is wrong whatever the reason (a typo or a forged date).
Freshness is untouched: a future date still never counts as an item's newest date there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from urllib.parse import urlsplit

from auditcli.core import knowledge
from auditcli.core.models import Finding
from auditcli.core.urls import normalise_url
from checks.engine import dates as D
from checks.engine.columnmodel import page_summary
from checks.engine.listparse import PageSummary, Row, title_name
from checks.engine.registry import NotApplicable, check, site_analysis
from checks.engine.siteview import SiteView

REFS = ["国办秘函〔2019〕19号 单项否决 严重错误（伪造发稿日期）"]
REVIEW_ZH, REVIEW_EN = "需人工复核：", "needs review: "


@cache
def policy() -> dict:
    return knowledge.load("content_dates")["dates"]


@dataclass(frozen=True)
class Dated:
    """One dated item as a content check sees it: where it was read, what it links to, its dates."""

    page: str            # the page the date was read on (a list page, or the article itself)
    item: str            # the item's own URL (the row's link, or the article)
    title: str
    shown: date          # the date shown (the row's, or the article's first publication date)
    url_date: date | None
    selector: str | None
    source: str          # "list" | "article"
    others: tuple[date, ...] = ()  # an article's other shown publication dates

    def finding(self, message: str, message_en: str, **data) -> Finding:
        return Finding(url=self.page, message=message, message_en=message_en, selector=self.selector,
                       evidence=f"{self.title} {self.shown.isoformat()}".strip(), locator=normalise_url(self.item),
                       data={"item": self.item, "title": self.title, "date": self.shown.isoformat(),
                             "url_date": _url_date_text(self.url_date), "source": self.source, **data})


@dataclass
class SiteDates:
    rows: list[Dated]          # list rows with a future date or one far from their URL's
    articles: list[Dated]      # articles with their publication dates (only those with one shown)
    dated: bool                # any page carried a date at all
    url_dated: bool            # any item or article carried a URL date to compare


@site_analysis
def site_dates(site: SiteView) -> SiteDates:
    rows: list[Dated] = []
    articles: list[Dated] = []
    dated = url_dated = False
    for s in site.page_results(page_summary):
        dated = dated or bool(s.rows or s.shown_dates or s.content_dates or s.odd_rows or s.pub_date)
        url_dated = url_dated or any(r.url_date for r in s.rows)
        rows += [_row(s, r) for r in s.odd_rows]
        if s.is_article and s.shown_dates:
            articles.append(_article(s))
            url_dated = url_dated or articles[-1].url_date is not None
    return SiteDates(rows, articles, dated, url_dated)


def _row(s: PageSummary, r: Row) -> Dated:
    return Dated(page=s.final_url, item=r.href, title=r.title, shown=r.date, url_date=r.url_date,  # type: ignore[arg-type]
                 selector=r.selector, source="list")


def _article(s: PageSummary) -> Dated:
    url_date = D.date_in_url(s.final_url) or D.date_in_url(s.url)
    title = title_name(s.title) or s.heading  # the <title>'s article part: the heading is often a crumb (正文)
    return Dated(page=s.final_url, item=s.final_url, title=title[:80], shown=s.shown_dates[0], url_date=url_date,
                 selector=None, source="article", others=tuple(s.shown_dates[1:]))


def _url_date_text(value: date | None) -> str | None:
    if value is None:
        return None
    return value.strftime("%Y-%m") if D.is_month_only(value) else value.isoformat()


@check(
    id="content.future-date",
    dimension="content",
    severity="medium",
    refs=REFS,
    title={"zh": "信息发布日期晚于检查日期", "en": "Publication date in the future"},
    fix={"zh": "核对并更正该信息的发布日期（列表与正文页 PubDate），不得预填或伪造发稿日期",
         "en": "Correct the item's publication date (in the list and the article's PubDate); never pre-date "
               "or forge a publication date"},
    needs=("pages", "analysis:page_summary"),
)
def future_dates(site: SiteView) -> Iterator[Finding]:
    found = site_dates(site)
    if not found.dated:
        raise NotApplicable("没有带发布日期的信息", "no dated item on the site")
    seen: set[str] = set()
    for row in found.rows:
        if D.is_future(row.shown, site.as_of) and _first(seen, row.item):
            yield _future(row, site.as_of)
    for article in found.articles:
        future = next((d for d in (article.shown, *article.others) if D.is_future(d, site.as_of)), None)
        if future is not None and _first(seen, article.item):
            yield _future(replace(article, shown=future), site.as_of)


def _future(item: Dated, as_of: date) -> Finding:
    where = "列表中" if item.source == "list" else "正文页"
    where_en = "the list shows" if item.source == "list" else "the article shows"
    return item.finding(
        f"{where}信息“{item.title}”的发布日期为 {item.shown}，晚于检查日期 {as_of}",
        f"{where_en} “{item.title}” published on {item.shown}, after the as-of date {as_of}",
        as_of=as_of.isoformat(), days_ahead=(item.shown - as_of).days)


def _first(seen: set[str], url: str) -> bool:
    key = normalise_url(url)
    if key in seen:
        return False
    seen.add(key)
    return True


@check(
    id="content.date-mismatch",
    dimension="content",
    severity="low",
    refs=REFS,
    title={"zh": "发布日期与网址日期不符（需人工复核）", "en": "Publication date disagrees with the URL's date (needs review)"},
    fix={"zh": "核对该信息的真实发布日期：网址中的日期由内容管理系统在发布时写入，显示日期与其相差较大可能是补发、"
               "改动发稿日期或重新发布所致，应如实标注",
         "en": "Check the item's real publication date: the CMS writes the date into the URL when it publishes; "
               "a shown date far from it comes from back-dating, re-dating or republishing, and should be true"},
    needs=("pages", "analysis:page_summary"),
)
def date_mismatches(site: SiteView) -> Iterator[Finding]:
    found = site_dates(site)
    if not found.url_dated:
        raise NotApplicable("没有网址中带日期的信息可供比对", "no item or article has a date in its URL to compare")
    limit = int(policy()["max_gap_days"])
    judged: set[str] = set()  # articles judged on their own dates: their rows are not judged again
    candidates: list[Dated] = []
    for article in found.articles:
        if article.url_date is None:
            continue
        judged.update((normalise_url(article.item), normalise_url(article.page)))
        shown = (article.shown, *article.others)
        if any(D.is_future(d, site.as_of) for d in shown):
            continue  # content.future-date's
        if min(D.gap_days(d, article.url_date) for d in shown) > limit:
            candidates.append(article)
    for row in found.rows:
        if (row.url_date is None or D.is_future(row.shown, site.as_of) or normalise_url(row.item) in judged
                or not site.config.on_host(row.item) or _is_file(row.item)):
            continue
        if D.gap_days(row.shown, row.url_date) > limit:
            candidates.append(row)
    seen: set[str] = set()
    for item in _without_migrations(candidates):
        if _first(seen, item.item):
            yield _mismatch(item)


def _is_file(url: str) -> bool:
    leaf = urlsplit(url).path.rsplit("/", 1)[-1].lower()
    return "." in leaf and leaf.rsplit(".", 1)[1] in policy()["attachment_extensions"]


def _without_migrations(items: list[Dated]) -> list[Dated]:
    """Items left once migration batches are out: `migration_batch` or more distinct items of one URL month
    all showing earlier dates were re-imported that month (网站改版), not re-dated one by one."""
    def earlier(item: Dated) -> bool:
        return item.url_date is not None and item.shown < D.month_range(item.url_date)[0]

    months = Counter((i.url_date.year, i.url_date.month) for i in {normalise_url(i.item): i for i in items}.values()
                     if earlier(i) and i.url_date)
    batch = int(policy()["migration_batch"])
    return [i for i in items if not (earlier(i) and i.url_date and months[(i.url_date.year, i.url_date.month)] >= batch)]


def _mismatch(item: Dated) -> Finding:
    gap = D.gap_days(item.shown, item.url_date)  # type: ignore[arg-type]
    url_text = _url_date_text(item.url_date)
    month = D.is_month_only(item.url_date)  # type: ignore[arg-type]
    what = "网址中的月份" if month else "网址中的日期"
    what_en = "the month in its URL" if month else "the date in its URL"
    shown = "列表显示的日期" if item.source == "list" else "正文页显示的发布日期"
    shown_en = "the date the list shows" if item.source == "list" else "the publication date the article shows"
    later = item.url_date is not None and item.shown > D.month_range(item.url_date)[1]
    drift = "显示日期更晚（旧信息改为新日期？）" if later else "显示日期更早（补发或倒填日期？）"
    drift_en = "the shown date is later (an old item re-dated?)" if later else \
        "the shown date is earlier (back-dated, or posted late?)"
    return item.finding(
        f"{REVIEW_ZH}信息“{item.title}”{shown} {item.shown} 与{what} {url_text} 相差 {gap} 天，{drift}",
        f"{REVIEW_EN}“{item.title}”: {shown_en} ({item.shown}) is {gap} days from {what_en} ({url_text}); {drift_en}",
        gap_days=gap, review=True)
