"""Defacement between runs (篡改, a veto of 国办秘函〔2019〕19号): `content.home-changed`, and the home page's
snapshot the next run compares with (the results.json site block `home_snapshot`).

Data flows one way: this module never opens the history store. The history store records each run's
snapshot (auditcli.stores.history); before the checks run, the CLI reads each site's previous snapshot and
hands it over in `site.options["previous_home"]` ({site id: {"run_id", "as_of", "snapshot"}}; the key is
absent when the run keeps no history).

What a snapshot holds, a few KB whatever the page (thresholds in auditcli/core/knowledge/content_dates.yaml):
- `template`: the page's tag structure, every element as its last four `tag.class` ancestors;
- `text`: the page's *frame* text lines — every visible text outside links, and link texts short enough to
  be navigation (a news item's title is longer, or its link carries a date) — numbers blanked, so dates,
  counters and weather never count as change;
- `links`: the targets of its navigation: links to column pages (…/tzgg/, …/index.html, col/col12/) and home;
- `offsite`: the hosts off the site that links and frames lead to.
Each hashed set keeps its `sketch_size` smallest hashes (a bottom-k sketch), from which the similarity of
two runs is estimated without either page.

The rule: with a similar template (a redesign changes it: no finding), half the previous frame's text or
navigation gone is a defacement to review; so is a block of new off-site hosts (outside government and
national platforms). Publishing news replaces items, not the frame: no finding. Needs review: a real
re-editing of the home page looks the same. `new_offsite_domains` in the finding's data is the hook for
matching the new hosts against spam word lists.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from functools import cache
from urllib.parse import urlsplit

from auditcli.core import knowledge
from auditcli.core.models import Finding
from auditcli.core.spam import spam_url_fragments, trusted_host
from auditcli.core.tree import INVISIBLE_TAGS, Element, text_of
from auditcli.core.urls import join_url, normalise_url
from checks.engine import dates as D
from checks.engine.listparse import looks_like_column_url
from checks.engine.registry import NotApplicable, check, result_block, site_analysis
from checks.engine.siteview import SiteView

DIGITS = re.compile(r"\d+")
SPACE = re.compile(r"\s+")
CLASS_DIGITS = re.compile(r"[\d_-]+$")
WORDLESS = re.compile(r"^[\W_0]*$")
LINKING = {"a": "href", "area": "href", "iframe": "src", "frame": "src"}
DEPTH = 4


@cache
def policy() -> dict:
    return knowledge.load("content_dates")["home"]


def _hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def _sketch(values: set[str]) -> str:
    """The bottom-k sketch of a set of strings: its `sketch_size` smallest hashes, space-separated."""
    return " ".join(sorted({_hash(v) for v in values})[:int(policy()["sketch_size"])])


def _line(text: str) -> str:
    """A text line as compared between runs: white space collapsed, numbers blanked."""
    return DIGITS.sub("0", SPACE.sub(" ", text).strip())


class _Reader:
    """One walk over the home page's tree: structure, frame text, navigation targets, off-site hosts."""

    def __init__(self, site: SiteView, base: str):
        self.site, self.base = site, base
        self.structure: set[str] = set()
        self.text: set[str] = set()
        self.links: set[str] = set()
        self.offsite: set[str] = set()
        self.counts = {"elements": 0, "text_lines": 0, "links": 0, "items": 0}
        self.min_title = int(policy()["item_title_min_chars"])
        self.own_host = (urlsplit(site.config.url).hostname or "").lower().removeprefix("www.")

    def walk(self, node: Element, path: tuple[str, ...], in_link: bool) -> None:
        tag = node.tag
        if not isinstance(tag, str) or tag in INVISIBLE_TAGS:
            return
        words = (node.get("class") or "").split()
        label = f"{tag}.{CLASS_DIGITS.sub('', words[0])}" if words else tag
        path = (*path, label)[-DEPTH:]
        self.structure.add(">".join(path))
        self.counts["elements"] += 1
        attr = LINKING.get(tag)
        target = node.get(attr) if attr else None
        if target is not None:
            self._link(node, target)
            in_link = in_link or tag == "a"
        if not in_link:
            self._text(node.text)
        for child in node:
            self.walk(child, path, in_link)
            if not in_link:
                self._text(child.tail)

    def _text(self, text: str | None) -> None:
        line = _line(text or "")
        if len(line) >= 2 and not WORDLESS.match(line):
            self.text.add(line)
            self.counts["text_lines"] += 1

    def _link(self, node: Element, raw: str) -> None:
        url = join_url(self.base, raw.strip())
        if not url or not url.startswith(("http://", "https://")):
            return
        self.counts["links"] += 1
        if not self.site.config.on_host(url):
            host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
            if host and host != self.own_host:  # another port of the site's own host is no other site
                self.offsite.add(host)
            return
        if looks_like_column_url(url) or urlsplit(url).path in ("", "/"):
            self.links.add(normalise_url(url))  # navigation: the columns and the home page
        title = _line(text_of(node)) if node.tag == "a" else ""
        if len(title) >= self.min_title or D.date_in_url(url) is not None:
            self.counts["items"] += 1  # a news item: it comes and goes with publishing
        elif title and not WORDLESS.match(title):
            self.text.add(title)


@site_analysis
def home_snapshot(site: SiteView) -> dict | None:
    """The home page as the next run compares it (None when the home page was not fetched)."""
    page = site.homepage
    if page is None:
        return None
    reader = _Reader(site, page.final_url)
    reader.walk(page.tree, (), False)
    offsite = sorted(reader.offsite)[:int(policy()["max_offsite_domains"])]
    return {"url": site.config.url, "home": page.final_url, "template": _sketch(reader.structure),
            "text": _sketch(reader.text), "links": _sketch(reader.links), "offsite": offsite,
            "counts": reader.counts}


@result_block("home_snapshot", dimensions=("content",))
def home_snapshot_block(site: SiteView) -> dict | None:
    return home_snapshot(site)


# ------------------------------------------------------------------------------------------ comparing
def _hashes(sketch: str) -> list[str]:
    return sketch.split()


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of two sets estimated from their bottom-k sketches (1.0 for two empty sets)."""
    sa, sb = set(_hashes(a)), set(_hashes(b))
    k = max(len(sa), len(sb))
    union = sorted(sa | sb)[:k]
    if not union:
        return 1.0
    return sum(1 for h in union if h in sa and h in sb) / len(union)


def kept_share(previous: str, current: str) -> float:
    """The share of the previous set still in the current one, estimated from the two sketches: a previous
    hash at or under the current sketch's largest is in the current set exactly when it is in its sketch."""
    before, now = _hashes(previous), _hashes(current)
    if not before:
        return 1.0
    full = len(now) < int(policy()["sketch_size"])
    ceiling = "g" if full else max(now, default="g")  # "g" sorts after every hex hash
    comparable = [h for h in before if h <= ceiling]
    if not comparable:
        return 0.0
    present = set(now)
    return sum(1 for h in comparable if h in present) / len(comparable)


@check(
    id="content.home-changed",
    dimension="content",
    severity="medium",
    refs=["国办秘函〔2019〕19号 单项否决 严重错误（网站被篡改、挂马）"],
    title={"zh": "首页内容或外链与上次检查相比异常变化（需人工复核）",
           "en": "Home page text or off-site links changed since the last run (needs review)"},
    fix={"zh": "核对首页是否被篡改或植入外部链接：如非本单位发布，立即下线恢复、排查后台账号与网页防篡改措施，并报告网信部门",
         "en": "Check whether the home page was tampered with or had links injected: if the site did not publish "
               "the change, take it down, restore it, audit CMS accounts and tamper protection, and report it"},
    needs=("pages",),
)
def home_changed(site: SiteView) -> Iterator[Finding]:
    previous = (site.options.get("previous_home") or {}).get(site.id)
    if not previous or not previous.get("snapshot"):
        # one reason for both: a run without history and a first run judge alike (results compare equal)
        raise NotApplicable("没有可比较的上次首页快照（首次检查，或本次未使用历史记录 --no-history）",
                            "no earlier home-page snapshot to compare with (a first run, or --no-history)")
    before, now = previous["snapshot"], home_snapshot(site)
    if now is None:
        return
    if normalise_url(before.get("url") or "") != normalise_url(now["url"]):
        raise NotApplicable("网站地址与上次检查不同，不作比较", "the site's address changed since the last run")
    p = policy()
    template = similarity(before.get("template", ""), now["template"])
    text_gone = 1 - kept_share(before.get("text", ""), now["text"])
    links_gone = 1 - kept_share(before.get("links", ""), now["links"])
    new_hosts = sorted(h for h in set(now["offsite"]) - set(before.get("offsite") or []) if not trusted_host(h))
    reasons, reasons_en = [], []
    if template >= float(p["template_similarity_min"]):
        if text_gone >= float(p["text_changed_min"]):
            reasons.append(f"模板未变（相似度 {template:.0%}）而 {text_gone:.0%} 的文字已被替换")
            reasons_en.append(f"{text_gone:.0%} of its text was replaced while its template stayed "
                              f"({template:.0%} similar)")
        if links_gone >= float(p["links_changed_min"]):
            reasons.append(f"{links_gone:.0%} 的导航链接目标已改变")
            reasons_en.append(f"{links_gone:.0%} of its navigation link targets changed")
    spam_hosts = {h: found for h in new_hosts if (found := spam_url_fragments(f"http://{h}/"))}
    if spam_hosts:  # one new host on the spam lists is enough: 暗链 injected since the last run
        shown = "、".join(f"{h}（{'、'.join(w)}）" for h, w in spam_hosts.items())
        reasons.append(f"新增涉赌/涉黄等外部网站链接：{shown}")
        reasons_en.append("it gained links to hosts on the spam lists: "
                          + ", ".join(f"{h} ({', '.join(w)})" for h, w in spam_hosts.items()))
    elif len(new_hosts) >= int(p["new_offsite_domains_min"]):
        shown = "、".join(new_hosts[:5]) + ("等" if len(new_hosts) > 5 else "")
        reasons.append(f"新增 {len(new_hosts)} 个外部网站链接（{shown}）")
        reasons_en.append(f"it gained links to {len(new_hosts)} new off-site hosts ({', '.join(new_hosts[:5])})")
    if not reasons:
        return
    since = previous.get("as_of") or previous.get("run_id") or "?"
    yield Finding(
        url=now["home"], locator=normalise_url(now["url"]),
        message=f"需人工复核：首页自上次检查（{since}）以来" + "；".join(reasons),
        message_en=f"needs review: since the last run ({since}) " + "; ".join(reasons_en),
        evidence="、".join(new_hosts[:10]) or None,
        data={"review": True, "previous_run": previous.get("run_id"), "previous_as_of": previous.get("as_of"),
              "template_similarity": round(template, 3), "text_changed": round(text_gone, 3),
              "links_changed": round(links_gone, 3), "new_offsite_domains": new_hosts,
              "spam_domains": sorted(spam_hosts)})
