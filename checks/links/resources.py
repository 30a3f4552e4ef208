"""`links.broken-resource`: an image, script, style sheet, CSS url() or media file the site's pages embed
that does not load (spiders/resources.py checks each one on the site's own host once).

A reader never clicks these, so no link check sees them, yet a 404 banner or style sheet is on every
page that uses the template. Counted as `links.broken` counts (data/identity.yaml `links`): 404/410,
and 403 unless the site blocks the crawler, are confirmed; 5xx, timeouts and connection errors are
suspected. One finding per resource URL, the referring pages in `data.referrers`, so the CSV and
SARIF place it on each page that embeds it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from auditcli.core.html import CSS_URL, RESOURCE_TAGS
from auditcli.core.models import Finding
from auditcli.core.tree import css_path, css_string
from auditcli.core.urls import join_url, normalise_url
from auditcli.core.vocabulary import NOT_FETCHED_REASONS
from checks.engine.registry import CouldNotJudge, NotApplicable, check
from checks.engine.siteview import Page, SiteView
from checks.links.broken import (
    FirstReferrers,
    _policy,
    _shallow_first,
    classify_status,
    is_blocking,
    link_selector,
)

WHAT = {  # a resource's tag as the crawl recorded it -> (zh, en)
    "img": ("图片", "image"), "script": ("脚本", "script"), "stylesheet": ("样式表", "style sheet"),
    "css": ("CSS 引用的资源", "CSS resource"), "video": ("视频", "video"), "audio": ("音频", "audio"),
    "source": ("音视频", "media file"),
}


@dataclass
class BrokenResource:
    url: str
    confidence: str
    status: int | None
    reason: str
    tag: str = "img"
    referrers: list[str] = field(default_factory=list)

    def label(self) -> tuple[str, str]:
        if self.status is not None:
            return f"HTTP {self.status}", f"HTTP {self.status}"
        return NOT_FETCHED_REASONS.get(self.reason, (self.reason, self.reason))


def find_broken_resources(site: SiteView) -> list[BrokenResource]:
    """Every embedded resource of the site that was checked and does not load (sorted by URL)."""
    policy = _policy()
    n_total = n_403 = 0
    homepage_status: int | None = None
    start = normalise_url(site.config.url)
    answers: dict[str, int] = {}
    for url, _final_url, status, kind in site.fetch_statuses():
        if kind in ("page", "attachment"):
            n_total += 1
            n_403 += status == 403
            if homepage_status is None and normalise_url(url) == start:
                homepage_status = status
        elif kind == "resource":
            answers[url] = status  # a HEAD then its confirming GET: the GET, stored last, decides
    blocked = is_blocking(n_403, n_total, homepage_status, policy)
    found: dict[str, BrokenResource] = {}
    for url, status in answers.items():
        confidence = classify_status(status, blocked, policy)
        if confidence and not site.config.ignored(url):
            found[url] = BrokenResource(url, confidence, status, f"http-{status}")
    failed = [e for e in site.not_scanned() if e.reason in policy["suspected_reasons"] and e.url not in found
              and e.url not in answers and not site.config.ignored(e.url)]
    wanted = set(found) | {entry.url for entry in failed}
    tags: dict[str, set[str]] = {}
    for link in site.links() if wanted else ():
        if link.dst in wanted:
            tags.setdefault(link.dst, set()).add(link.tag or "")
    for entry in failed:  # a timeout of a URL linked only as an embedded resource (a page's: links.broken)
        linked = tags.get(entry.url, set())
        if linked and linked <= RESOURCE_TAGS:
            found[entry.url] = BrokenResource(entry.url, "suspected", None, entry.reason)
    for resource in found.values():
        linked = tags.get(resource.url, set()) & RESOURCE_TAGS
        resource.tag = min(linked) if linked else "img"
        resource.referrers = sorted(site.referrers(resource.url), key=_shallow_first)
    return [found[url] for url in sorted(found)]


def _judged_or_why_not(site: SiteView) -> None:
    """Nothing broken: passed when the crawl checked the site's resources, else say why there is no verdict
    (a crawl made before resources were checked, --max-resources 0, --max-depth 0, or no resource at all)."""
    if any(kind == "resource" for *_, kind in site.fetch_statuses()):
        return
    if any(link.tag in RESOURCE_TAGS and site.config.on_host(link.dst) for link in site.links()):
        raise CouldNotJudge("抓取时未检查嵌入资源（图片、脚本、样式）", "the crawl checked no embedded resource")
    raise NotApplicable("站点页面未嵌入本站资源", "the site's pages embed no resource of its own host")


def resource_selector(page: Page, target: str) -> str | None:
    """The element on `page` that embeds `target`: img[src="…"], link[href="…"], or the element whose
    style (or the <style> block) names it in url()."""
    selector = link_selector(page, target)
    if selector:
        return selector
    wanted = normalise_url(target)
    base = page.final_url
    for element in page.tree.iter("video"):
        raw = element.get("poster")
        if raw and (joined := join_url(base, raw)) and normalise_url(joined) == wanted:
            return f"video[poster={css_string(raw)}]"
    for element in page.tree.iter():
        if not isinstance(element.tag, str):
            continue
        source = element.get("style") or (element.text if element.tag == "style" else None)
        if not source or "url" not in source.lower() and "@import" not in source.lower():
            continue
        for match in CSS_URL.finditer(source):
            raw = next((group for group in match.groups() if group), "")
            if (joined := join_url(base, raw)) and normalise_url(joined) == wanted:
                return "style" if element.tag == "style" else css_path(element)
    return None


@check(
    id="links.broken-resource",
    dimension="links",
    severity="medium",
    refs=["国办秘函〔2019〕19号 《政府网站与政务新媒体检查指标》 链接不可用（错链、断链）",
          "《政府网站发展指引》（国办发〔2017〕47号） 页面元素完整、可用"],
    title={"zh": "页面嵌入的图片、脚本或样式无法加载", "en": "Embedded image, script or style sheet does not load"},
    fix={"zh": "恢复缺失的文件（图片、脚本、样式表、CSS 背景图），或修改引用它的模板/页面；"
               "模板中的失效资源会出现在每个使用该模板的页面上。疑似失效（超时、5xx）的请先人工复核。",
         "en": "Restore the missing file (image, script, style sheet, CSS background) or fix the template or "
               "page that embeds it: a broken resource in a template shows on every page using it. Verify "
               "suspected ones (timeouts, 5xx) by hand first."},
)
def broken_resources(site: SiteView) -> Iterator[Finding]:
    max_referrers = _policy()["max_referrers"]
    referring = FirstReferrers(site)
    broken = find_broken_resources(site)
    if not broken:
        _judged_or_why_not(site)
    for resource in broken:
        first = resource.referrers[0] if resource.referrers else None
        selector = referring.selector(resource.referrers, resource.url, resource_selector)
        what_zh, what_en = WHAT.get(resource.tag, WHAT["img"])
        label_zh, label_en = resource.label()
        sure_zh, sure_en = ("无法加载", "does not load") if resource.confidence == "confirmed" \
            else ("疑似无法加载", "may not load")
        n = len(resource.referrers)
        yield Finding(
            url=resource.url,
            message=f"{what_zh} {resource.url} {sure_zh}（{label_zh}），{n} 个页面引用，如 {first or '—'}",
            message_en=f"{what_en.capitalize()} {resource.url} {sure_en} ({label_en}), embedded in {n} page(s), "
                       f"e.g. {first or '—'}",
            selector=selector,
            evidence=f"→ {label_zh if label_zh == label_en else f'{label_en} ({label_zh})'}",
            locator=resource.url,
            severity="medium" if resource.confidence == "confirmed" else "low",
            data={
                "confidence": resource.confidence,
                "status": resource.status,
                "reason": resource.reason,
                "kind": "resource",
                "tag": resource.tag,
                "referrers": resource.referrers[:max_referrers],
                "referrer_count": n,
                "referrer_selector_page": first if selector else None,
            },
        )
    referring.release()
