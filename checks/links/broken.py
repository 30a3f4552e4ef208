"""`links.broken`: broken internal links and attachments, with the pages that link to them.

What counts (docs/SPEC.md §6, as the national inspection platforms count it; policy in data/identity.yaml):
- confirmed: HTTP 404/410, and 403 on a site that otherwise serves pages. A site answering 403 to
  most requests (or on its home page) is blocking the crawler: its 403s are "blocked", not broken.
- suspected: 5xx, other 4xx, timeouts, connection/TLS errors, redirect loops.
- never: 401/407 (login walls), 429 (rate limiting), robots.txt exclusions, size and depth limits.
One finding per broken target URL: url and locator are the target, the referring pages (up to 10,
shallowest first) and the link text go in `data`, the selector points at the link on the first
referring page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from auditcli.core import knowledge
from auditcli.core.html import RESOURCE_TAGS
from auditcli.core.models import Finding
from auditcli.core.tree import css_string
from auditcli.core.urls import join_url, normalise_url
from auditcli.core.vocabulary import NOT_FETCHED_REASONS
from checks.engine.registry import check
from checks.engine.siteview import Page, SiteView

LINK_ATTRS = {"a": "href", "area": "href", "iframe": "src", "frame": "src", "img": "src",
              "script": "src", "link": "href", "form": "action", "video": "src", "audio": "src", "source": "src"}


@dataclass
class BrokenTarget:
    url: str
    confidence: str                  # confirmed | suspected
    status: int | None               # HTTP status when an answer arrived
    reason: str                      # http-404, timeout, redirect-loop, ...
    kind: str = "page"               # page | attachment
    final_url: str | None = None
    text: str = ""
    tag: str = "a"
    referrers: list[str] = field(default_factory=list)

    def label(self) -> tuple[str, str]:
        if self.status is not None:
            return f"HTTP {self.status}", f"HTTP {self.status}"
        zh, en = NOT_FETCHED_REASONS.get(self.reason, (self.reason, self.reason))
        return zh, en


def _policy() -> dict:
    return knowledge.load("identity")["links"]


def classify_status(status: int, blocked_403: bool, policy: dict | None = None) -> str | None:
    """confirmed | suspected | None (not broken) for one HTTP answer."""
    policy = policy or _policy()
    if status < 400 or status in policy["ignored_statuses"]:
        return None
    if status == 403:
        return None if blocked_403 else "confirmed"
    if status in policy["confirmed_statuses"]:
        return "confirmed"
    return "suspected"


def is_blocking(n_403: int, n_total: int, homepage_status: int | None, policy: dict | None = None) -> bool:
    """A site that answers 403 on its home page or to most fetches is blocking the crawler."""
    policy = policy or _policy()
    if homepage_status == 403:
        return True
    return n_total > 0 and n_403 / n_total >= policy["blocked_403_share"]


def find_broken(site: SiteView) -> list[BrokenTarget]:
    """Every broken in-scope target of the crawl, with referrers and link text (sorted by URL)."""
    policy = _policy()
    starts = {normalise_url(site.config.url), normalise_url(site.config.host_root)}
    n_total = n_403 = 0
    homepage_status: int | None = None
    answered: list[tuple[str, str, int, str]] = []
    for url, final_url, status, kind in site.fetch_statuses():
        if kind not in ("page", "attachment"):
            continue
        n_total += 1
        n_403 += status == 403
        if normalise_url(url) in starts:
            homepage_status = status if homepage_status is None else homepage_status
            continue
        if status >= 400 and site.in_scope(url) and not site.config.ignored(url):
            answered.append((url, final_url, status, kind))
    blocked = is_blocking(n_403, n_total, homepage_status, policy)
    challenged = {e.url for e in site.not_scanned() if e.reason == "waf-challenge"}  # blocked, not broken

    targets: dict[str, BrokenTarget] = {}
    for url, final_url, status, kind in answered:
        if url in challenged:
            continue
        confidence = classify_status(status, blocked, policy)
        if confidence:
            targets[url] = BrokenTarget(url, confidence, status, f"http-{status}", kind,
                                        final_url if final_url != url else None)
    failed: dict[str, str] = {}
    for entry in site.not_scanned():
        if (entry.reason in policy["suspected_reasons"] and entry.url not in targets and site.in_scope(entry.url)
                and normalise_url(entry.url) not in starts and not site.config.ignored(entry.url)):
            failed.setdefault(entry.url, entry.reason)
    if failed:  # a URL only ever embedded (an image that timed out) is links.broken-resource's
        tags: dict[str, set[str]] = {}
        for link in site.links():
            if link.dst in failed:
                tags.setdefault(link.dst, set()).add(link.tag or "a")
        for url, reason in failed.items():
            if not (tags.get(url) and tags[url] <= RESOURCE_TAGS):
                targets[url] = BrokenTarget(url, "suspected", None, reason)
    if not targets:
        return []

    for link in site.links():
        target = targets.get(link.dst)
        if target is None:
            continue
        if link.kind == "attachment":
            target.kind = "attachment"
        if link.text and not target.text:
            target.text, target.tag = link.text, link.tag or "a"
    for target in targets.values():
        target.referrers = sorted(site.referrers(target.url), key=_shallow_first)
    return [targets[url] for url in sorted(targets)]


def _shallow_first(url: str) -> tuple[int, int, str]:
    """Home page and top-level pages first: the links a webmaster fixes first (templates, nav)."""
    path = urlsplit(url).path or "/"
    return path.rstrip("/").count("/"), len(url), url


def link_selector(page: Page, target: str) -> str | None:
    """A CSS selector of the element on `page` that links to `target`, e.g. a[href="/xwzx/old.html"]."""
    root = page.tree
    base_tag = next((base for base in root.iter("base") if base.get("href") is not None), None)
    base = page.final_url
    if base_tag is not None:
        base = join_url(page.final_url, base_tag.get("href")) or page.final_url
    wanted = normalise_url(target)
    for tag, attr in LINK_ATTRS.items():
        for element in root.iter(tag):
            raw = element.get(attr)
            joined = join_url(base, raw) if raw is not None and raw.strip() else None
            if joined and normalise_url(joined) == wanted:
                return f"{tag}[{attr}={css_string(raw)}]"
    return None


class FirstReferrers:
    """The first page referring to each broken target, parsed once however many targets it refers to,
    where the finding's selector is looked up; released when the check is done."""

    def __init__(self, site: SiteView):
        self.site = site
        self.parsed: dict[str, Page | None] = {}

    def selector(self, referrers: list[str], target: str, find: Callable[[Page, str], str | None]) -> str | None:
        if not referrers:
            return None
        first = referrers[0]
        if first not in self.parsed:
            page = self.site.page(first)
            self.parsed[first] = page if page is not None and page.is_html else None
        page = self.parsed[first]
        return find(page, target) if page is not None else None

    def release(self) -> None:
        for page in self.parsed.values():
            if page is not None:
                page.release()


@check(
    id="links.broken",
    dimension="links",
    severity="medium",
    refs=["国办秘函〔2019〕19号 《政府网站与政务新媒体检查指标》 链接不可用（错链、断链）",
          "《政府网站发展指引》（国办发〔2017〕47号） 链接可用性"],
    title={"zh": "链接或附件无法访问", "en": "Broken internal link or attachment"},
    fix={"zh": "修复或删除失效链接：恢复目标页面/附件，或将引用页面中的链接改为正确地址；"
               "疑似失效（超时、5xx、重定向循环）的请先人工复核。",
         "en": "Restore the target page or attachment, or correct/remove the link on every referring "
               "page; verify suspected ones (timeouts, 5xx, redirect loops) by hand first."},
)
def broken_links(site: SiteView) -> Iterator[Finding]:
    max_referrers = _policy()["max_referrers"]
    referring = FirstReferrers(site)
    for target in find_broken(site):
        selector = referring.selector(target.referrers, target.url, link_selector)
        label_zh, label_en = target.label()
        what_zh = "附件" if target.kind == "attachment" else "链接"
        what_en = "attachment" if target.kind == "attachment" else "link"
        sure_zh, sure_en = ("失效", "broken") if target.confidence == "confirmed" else ("疑似失效", "possibly broken")
        n = len(target.referrers)
        text = f"“{target.text}” " if target.text else ""
        first_referrer = target.referrers[0] if target.referrers else "—"
        yield Finding(
            url=target.url,
            message=f"{what_zh}{text}{sure_zh}（{label_zh}），{n} 个页面引用，如 {first_referrer}",
            message_en=f"{what_en.capitalize()} {text}{sure_en} ({label_en}), linked from {n} page(s), "
                       f"e.g. {first_referrer}",
            selector=selector,
            # the page's own link text, then the outcome in both languages when they differ
            evidence=f"{text}→ {label_zh if label_zh == label_en else f'{label_en} ({label_zh})'}".strip(),
            locator=target.url,
            severity="medium" if target.confidence == "confirmed" else "low",
            data={
                "confidence": target.confidence,
                "status": target.status,
                "reason": target.reason,
                "kind": target.kind,
                "link_text": target.text,
                "referrers": target.referrers[:max_referrers],
                "referrer_count": n,
                "referrer_selector_page": target.referrers[0] if selector else None,
                **({"final_url": target.final_url} if target.final_url else {}),
            },
        )
    referring.release()
