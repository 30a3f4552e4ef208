"""互动回应 (interaction): is there a consultation channel, and are public letters answered in time?

Passive only: channels are found from links, letters from the public letter lists and letter pages
the crawl already fetched. Nothing is ever posted. Words and limits: auditcli/core/knowledge/interaction.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from auditcli.core.knowledge import load
from auditcli.core.models import Finding
from auditcli.core.soupcompat import soup_body, soup_text, soup_text_of
from auditcli.core.tree import Element, css_path, elements, parse, visible_text
from auditcli.core.urls import normalise_url
from checks.engine import dates as D
from checks.engine.listparse import clean_href
from checks.engine.registry import check, page_analysis, site_analysis
from checks.engine.siteview import Page, SiteView

REFS = ["国办秘函〔2019〕19号 单项否决 互动回应差", "国办秘函〔2019〕19号 政府网站检查指标 互动回应"]


@cache
def knowledge() -> dict:
    return load("interaction")


@dataclass
class Letter:
    url: str
    title: str
    asked: date | None
    replied: date | None
    status: str
    source: str  # the list or letter page it was read from
    selector: str | None
    evidence: str
    reply_known: bool = True  # False when nothing shown says whether it was answered (no reply column, no status)

    def overdue(self, as_of: date) -> tuple[bool, str]:
        k = knowledge()
        limit, window = k["reply_limit_days"], k["window_days"]
        if self.asked is None or self.asked < as_of - timedelta(days=window) or self.asked > as_of:
            return False, ""
        if self.replied:
            late = (self.replied - self.asked).days
            return late > limit, f"late-reply:{late}"
        if any(w in self.status for w in k["replied_words"]):
            return False, ""
        if not self.reply_known and not any(w in self.status for w in k["pending_words"]):
            return False, ""  # not shown whether it was answered: not judged, never "unanswered"
        waiting = (as_of - self.asked).days
        return waiting > limit, f"unanswered:{waiting}"


def _label_index(cells: list[str], labels: list[str]) -> int | None:
    for i, cell in enumerate(cells):
        if any(label in cell for label in labels):
            return i
    return None


def _excluded(text: str) -> bool:
    return any(w in text for w in knowledge()["excluded_words"])


def _labelled(text: str, labels: list[str]) -> date | None:
    for label in labels:
        for m in re.finditer(re.escape(label) + r"\s*[:：]?\s*([^<\n]{6,24})", text):
            found = list(D.iter_full_dates(m.group(1)))
            if found:
                return found[0][0]
    return None


COLUMN_META = re.compile("^Column", re.I)


@cache
def _asked_label() -> re.Pattern[str]:
    """Any 来信时间-like label: one scan of the markup instead of one per label."""
    return re.compile("|".join(re.escape(label) for label in knowledge()["asked_labels"]))


def letters_on_page(html: str, url: str, tree: Element | None = None) -> list[Letter]:
    """Letters in a public letter list (a table with 来信时间/回复时间 columns) or on one letter page.

    `tree` is the page's shared tree (auditcli.core.tree) when the page pass has one; it is only read."""
    k = knowledge()
    if not _asked_label().search(html):  # no letter here: most pages end at this one scan of the markup
        return []
    root = tree if tree is not None else parse(html)
    title = next(root.iter("title"), None)
    columns = [content for m in root.iter("meta")
               if COLUMN_META.search(m.get("name") or "") and (content := m.get("content")) is not None]
    head = " ".join(filter(None, [soup_text(title) if title is not None else ""] + columns))
    if _excluded(head):
        return []
    out: list[Letter] = []
    for table in root.iter("table"):
        rows = list(elements(table, "tr"))
        if len(rows) < 2:
            continue
        header = [soup_text_of(c) for c in elements(rows[0], "th", "td")]
        asked_i = _label_index(header, k["asked_labels"])
        if asked_i is None:
            continue
        replied_i = _label_index(header, k["replied_labels"])
        status_i = _label_index(header, k["status_labels"])
        for row in rows[1:]:
            cells = list(elements(row, "td", "th"))
            if len(cells) <= asked_i:
                continue
            anchor = next((a for a in elements(row, "a") if a.get("href") is not None), None)
            href = clean_href(url, anchor.get("href")) if anchor is not None else None
            texts = [soup_text_of(c) for c in cells]
            asked = D.parse_date(texts[asked_i])
            replied = D.parse_date(texts[replied_i]) if replied_i is not None and replied_i < len(texts) else None
            status = texts[status_i] if status_i is not None and status_i < len(texts) else ""
            out.append(Letter(url=href or url, title=soup_text_of(anchor) if anchor is not None else texts[0],
                              asked=asked, replied=replied, status=status, source=url, selector=css_path(row),
                              evidence=" | ".join(texts)[:200],
                              reply_known=replied_i is not None or status_i is not None))
    if out:
        return out
    text = visible_text(soup_body(root))
    asked = _labelled(text, k["asked_labels"])
    if asked is None:
        return []
    replied = _labelled(text, k["replied_labels"])
    status = next((w for w in k["pending_words"] + k["replied_words"] if w in text), "")
    title = _letter_title(root, k)
    asked_text = next((m.group(0) for label in k["asked_labels"]
                       for m in re.finditer(re.escape(label) + r"\s*[:：]?\s*[^<\n]{6,24}", text)), "")
    return [Letter(url=url, title=title, asked=asked, replied=replied, status=status, source=url, selector="body",
                   evidence=" | ".join(filter(None, [title, asked_text.strip(), status]))[:200],
                   reply_known=replied is not None or bool(status)
                   or any(label in text for label in k["replied_labels"]))]


def _letter_title(root: Element, k: dict) -> str:
    """A letter page's title: a 信件标题/留言标题 cell or label, else the <h1>."""
    for cell in root.iter("th", "td", "dt", "span", "strong", "label"):
        if any(label in soup_text_of(cell) for label in k["title_labels"]) and len(soup_text_of(cell)) <= 8:
            value = next((s for s in cell.itersiblings() if s.tag in ("td", "dd", "span")), None)
            if value is not None and soup_text_of(value):
                return soup_text_of(value)[:80]
    h1 = next(root.iter("h1"), None)
    return soup_text_of(h1)[:80] if h1 is not None else ""


@page_analysis(dimensions=("interaction",))
def page_letters(page: Page, site: SiteView) -> list[Letter] | None:
    return letters_on_page(page.text, page.final_url, page.tree) or None


@site_analysis
def letters(site: SiteView) -> list[Letter]:
    """Every public letter found, merged by letter URL (list row and letter page agree or complete each other)."""
    merged: dict[str, Letter] = {}
    for found in site.page_results(page_letters):
        for letter in found:
            key = normalise_url(letter.url)
            old = merged.get(key)
            if old is None:
                merged[key] = letter
                continue
            old.asked = old.asked or letter.asked
            old.replied = old.replied or letter.replied
            old.status = old.status or letter.status
            old.reply_known = old.reply_known or letter.reply_known
            old.title = old.title or letter.title
    return list(merged.values())


def channels(site: SiteView) -> list[tuple[str, str]]:
    words = knowledge()["channel_words"]
    found = []
    for link in site.links():
        if link.text and any(w in link.text for w in words) and not _excluded(link.text):
            found.append((link.dst, link.text))
    return found


@check(
    id="interaction.no-channel",
    dimension="interaction",
    severity="high",
    refs=REFS,
    title={"zh": "未提供政务咨询渠道", "en": "No consultation channel"},
    fix={"zh": "开设政务咨询/领导信箱等互动栏目，或链接到上级门户网站的统一互动平台",
         "en": "Offer a consultation channel (mailbox, Q&A) or link to the parent portal's shared one"},
)
def no_channel(site: SiteView) -> Iterator[Finding]:
    if site.homepage is None or channels(site):
        return  # an unreachable site is judged by its own veto, not as "no channel"
    yield Finding(url=site.homepage.final_url, message="未找到政务咨询、留言或领导信箱等互动渠道（本站及上级门户链接均无）",
                  message_en="No consultation channel (Q&A, message board, leader's mailbox) found, "
                             "neither the site's own nor a link to its parent portal's",
                  locator="interaction-channel")


@check(
    id="interaction.reply-overdue",
    dimension="interaction",
    severity="high",
    refs=REFS,
    title={"zh": "留言超过3个月未答复", "en": "Public letter not answered within 3 months"},
    fix={"zh": "及时答复群众留言（不超过3个月），并公开答复时间与内容",
         "en": "Answer every public letter within three months and publish the reply date"},
)
def reply_overdue(site: SiteView) -> Iterator[Finding]:
    for letter in letters(site):
        late, why = letter.overdue(site.as_of)
        if not late:
            continue
        kind, days = why.split(":")
        asked = letter.asked.isoformat() if letter.asked else None
        replied = letter.replied.isoformat() if letter.replied else None
        if kind == "unanswered":
            zh = f"留言“{letter.title}”于 {asked} 提交，{days} 天未答复"
            en = f"Letter “{letter.title}” asked on {asked} has waited {days} days without a reply"
        else:
            zh = f"留言“{letter.title}”于 {asked} 提交，{replied} 才答复（间隔 {days} 天）"
            en = f"Letter “{letter.title}” asked on {asked} was answered on {replied}, {days} days later"
        yield Finding(url=letter.source, message=zh, message_en=en, selector=letter.selector,
                      evidence=letter.evidence, locator=normalise_url(letter.url),
                      data={"letter": letter.url, "asked": asked, "replied": replied,
                            "status": letter.status, "days": int(days)})
