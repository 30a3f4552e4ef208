"""`privacy.*`: personal data published unmasked, in page text and in the site's attachments.

What counts (docs/SPEC.md §6, 内容安全; words, codes and limits in auditcli/core/knowledge/privacy.yaml):
- an 18-digit 居民身份证号 with its GB 11643 check digit, a real address-code prefix (province, and a
  prefecture code that province has had) and a birth date from 1900 to --as-of: always personal;
- a mainland mobile number, or a bank card number (16-19 digits, Luhn, a card issuer's prefix), when it
  is personal: in a table/sheet whose header names people, in a record that does, or beside an ID number
  (masked or not) — never the office's own 咨询电话 or a 联系人 (privacy.yaml `context`);
- never a masked number (1501**********1234, 138****5678), a number inside a URL, an e-mail address or a
  longer run of digits and letters, nor an 18-character code after a 统一社会信用代码/文号 label.
One finding per page or attachment and kind, with the count and a few masked samples with where they are;
the full number is never written anywhere.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from auditcli.core import knowledge
from auditcli.core.attachments import extension, readable_type
from auditcli.core.models import Finding
from checks.content.attachments import (
    LONG_NUMBER,
    NotReadable,
    Record,
    _digits_ascii,
    html_records,
    safe_records,
)
from checks.engine.registry import check, page_analysis, result_block, site_analysis
from checks.engine.siteview import Page, SiteView
from checks.engine.watchdog import TICK, CheckTimeout, site_limit, time_limit

KINDS = ("id_number", "mobile", "bank_card")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
ID_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
MASKED_ID = re.compile(r"(?<![0-9A-Za-z*])\d{1,6}\*{4,}[0-9*]*[0-9Xx*](?![0-9A-Za-z*])")
BANK_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])(?:\d{16,19}|\d{4}(?:[ -]\d{4}){3}(?:[ -]\d{1,3})?)(?![0-9A-Za-z])")
URL_OR_EMAIL = re.compile(r"(?:https?://|www\.)[^\s\u3000，。；、（）()<>\"']+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.I)


# ------------------------------------------------------------------ the rules, as data
@cache
def rules() -> dict[str, Any]:
    return knowledge.load("privacy")


@cache
def _prefectures() -> dict[str, frozenset[str]]:
    """Province code -> the two-digit prefecture codes it has had (privacy.yaml `id_number.prefectures`)."""
    out = {}
    for province, ranges in rules()["id_number"]["prefectures"].items():
        codes: set[str] = set()
        for part in str(ranges).split(","):
            low, _, high = part.strip().partition("-")
            codes.update(f"{n:02d}" for n in range(int(low), int(high or low) + 1))
        out[str(province)] = frozenset(codes)
    return out


@cache
def _mobile() -> re.Pattern[str]:
    prefix = rules()["mobile"]["prefix"]
    return re.compile(rf"(?<![0-9A-Za-z])(?:(?:\+|00)?86[- ]?)?({prefix}(?:\d{{8}}|[- ]\d{{4}}[- ]\d{{4}}))"
                      r"(?![0-9A-Za-z@])")


# ------------------------------------------------------------------ the numbers
def id_check_digit(first17: str) -> str:
    """GB 11643-1999: the check digit of the first 17 digits (ISO 7064 MOD 11-2)."""
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def birth_date(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def id_shaped(number: str, as_of: date) -> bool:
    """An 18-digit run with a real address prefix and a possible birth date (its check digit aside)."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    if number[2:4] not in _prefectures().get(number[:2], ()):
        return False
    born = birth_date(number)
    return born is not None and rules()["id_number"]["min_birth_year"] <= born.year and born <= as_of


def valid_id(number: str, as_of: date) -> bool:
    """A 居民身份证号 as issued: shape, prefix, birth date and check digit."""
    number = number.upper()
    return id_shaped(number, as_of) and number[17] == id_check_digit(number[:17])


def luhn(digits: str) -> bool:
    """The Luhn check (ISO/IEC 7812) of a card number."""
    total = 0
    for k, char in enumerate(reversed(digits)):
        n = int(char)
        if k % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def valid_card(digits: str) -> bool:
    low, high = rules()["bank_card"]["lengths"]
    return (low <= len(digits) <= high and digits.startswith(tuple(rules()["bank_card"]["prefixes"]))
            and luhn(digits))


def mask(number: str, kind: str) -> str:
    """The number as evidence may show it: 1504**********123X, 138****5678, 6222***********1234."""
    digits = re.sub(r"[^0-9Xx]", "", number)
    head, tail = rules()["report"]["keep"][kind]
    hidden = max(len(digits) - head - tail, 4)
    return digits[:head] + "*" * hidden + digits[len(digits) - tail:] if len(digits) > head + tail else "*" * len(digits)


# ------------------------------------------------------------------ context
def names_people(text: str) -> bool:
    """A header or record about people: it names people and says something private about them, or it
    is no directory of officials (privacy.yaml `context`)."""
    ctx = rules()["context"]
    if not any(word in text for word in ctx["who"]):
        return False
    return any(word in text for word in ctx["private"]) or not any(word in text for word in ctx["office"])


def _label_before(text: str, start: int, labels: list[str], window: int) -> bool:
    before = text[max(0, start - window):start]
    return any(label in before for label in labels)


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


@dataclass
class Scan:
    """What was found in one page or attachment: counts per kind, a few masked samples with their place."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    samples: dict[str, list[dict[str, str]]] = field(default_factory=lambda: {k: [] for k in KINDS})

    def add(self, kind: str, number: str, where: str) -> None:
        self.counts[kind] += 1
        if len(self.samples[kind]) < rules()["report"]["samples"]:
            self.samples[kind].append({"masked": mask(number, kind), "where": where})

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class Scanner:
    """Feeds records (checks.content.attachments.Record) into a Scan."""

    def __init__(self, as_of: date):
        self.as_of = as_of
        self.scan = Scan()
        self._people_headers: dict[str, bool] = {}

    def _people(self, header: str) -> bool:
        if header not in self._people_headers:
            self._people_headers[header] = bool(header) and names_people(header)
        return self._people_headers[header]

    def feed(self, record: Record) -> None:
        text = _digits_ascii(record.text)
        if not LONG_NUMBER.search(text):
            return
        ctx = rules()
        blocked = [m.span() for m in URL_OR_EMAIL.finditer(text)]
        ids: list[tuple[int, int]] = []
        for m in ID_CANDIDATE.finditer(text):
            if _inside(blocked, *m.span()):
                continue
            if _label_before(text, m.start(), ctx["not_id_labels"], ctx["not_id_window"]):
                blocked.append(m.span())
                continue
            if valid_id(m.group(), self.as_of):
                self.scan.add("id_number", m.group(), record.where)
                ids.append(m.span())
            elif id_shaped(m.group().upper(), self.as_of):
                ids.append(m.span())  # an ID with a typo in its check digit: not a card, not a finding
        masked = any(len(m.group()) == 18 for m in MASKED_ID.finditer(text))
        if not (ids or masked or self._people(record.header) or names_people(text)):
            return  # a mobile or card number outside any personal record is an office's, or no one's
        labels, window = ctx["context"]["office_labels"], ctx["context"]["label_window"]
        taken = blocked + ids
        for m in _mobile().finditer(text):
            if _inside(taken, *m.span()) or _label_before(text, m.start(), labels, window):
                continue
            self.scan.add("mobile", m.group(1), record.where)
            taken.append(m.span())
        for m in BANK_CANDIDATE.finditer(text):
            digits = re.sub(r"\D", "", m.group())
            if (_inside(taken, *m.span()) or not valid_card(digits)
                    or _label_before(text, m.start(), labels, window)):
                continue
            self.scan.add("bank_card", digits, record.where)


def scan_records(records: Iterable[Record], as_of: date) -> Scan:
    scanner = Scanner(as_of)
    for record in records:
        scanner.feed(record)
    return scanner.scan


# ------------------------------------------------------------------ pages
@dataclass(frozen=True)
class PageScan:
    url: str
    scan: Scan


@page_analysis(dimensions=("content",))
def page_personal_data(page: Page, site: SiteView) -> PageScan | None:
    """The personal data in one page's text (None for a page without any: nearly all)."""
    scan = scan_records(html_records(page.tree), site.as_of)
    return PageScan(page.final_url, scan) if scan.total else None


# ------------------------------------------------------------------ attachments
@dataclass
class AttachmentRead:
    """One attachment the site links to, and what became of it: read (with what was found), not readable
    (with why), too large, or not fetched."""

    url: str
    referrer: str | None
    type: str
    status: str                    # read | not-readable | too-large | not-fetched
    reason: str | None = None      # a key of checks.content.attachments.REASONS, or a not_scanned reason
    detail: str | None = None
    bytes: int | None = None
    text_chars: int = 0
    truncated: bool = False
    scan: Scan = field(default_factory=Scan)

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "referrer": self.referrer, "type": self.type, "bytes": self.bytes,
                "status": self.status, "reason": self.reason, "detail": self.detail,
                "text_chars": self.text_chars, "truncated": self.truncated,
                "found": {k: v for k, v in self.scan.counts.items()}}


@site_analysis
def attachment_reads(site: SiteView) -> list[AttachmentRead]:
    """Every in-scope attachment the site links to, each stored one read in turn (one body in memory at a
    time), each reader stopped after `seconds_each`, all of them after `seconds_total`."""
    limits = rules()["attachments"]
    referrers: dict[str, str] = {}
    for link in site.links():
        if link.kind == "attachment" and site.in_scope(link.dst):
            referrers.setdefault(link.dst, link.src)
    deadline = time.monotonic() + min(float(limits["seconds_total"]), site_limit() * 0.8)
    out: list[AttachmentRead] = []
    done: set[str] = set()
    for stored in site.store.pages(site.id, kind="attachment"):
        if stored.url in done:
            continue
        done.update((stored.url, stored.final_url))
        out.append(_read_stored(stored, referrers.get(stored.url) or stored.referrer, site.as_of, limits, deadline))
    for entry in site.not_scanned():
        if entry.url in referrers and entry.url not in done:
            done.add(entry.url)
            status = "too-large" if entry.reason == "too-large" else "not-fetched"
            out.append(AttachmentRead(entry.url, referrers[entry.url], _type_of(entry.url), status,
                                      entry.reason, entry.detail))
    return out


def _type_of(url: str) -> str:
    return extension(url).lstrip(".") or "?"


def _read_stored(stored: Any, referrer: str | None, as_of: date, limits: dict[str, Any],
                 deadline: float) -> AttachmentRead:
    read = AttachmentRead(stored.url, referrer, _type_of(stored.url), "not-fetched")
    if not 200 <= stored.status < 300:
        read.reason = f"http-{stored.status}"
        return read
    body = stored.body
    if not body:  # asked for its status only (HEAD): a type no reader takes, or over --max-attachments
        length = stored.headers.get("content-length")
        read.bytes = int(length) if length and length.isdigit() else None
        if readable_type(stored.url) is None:
            read.status, read.reason = "not-readable", "word-binary" if read.type in ("doc", "wps") else "unsupported-format"
        elif length == "0":
            read.status, read.bytes, read.reason = "read", 0, "no-text"
        else:
            read.reason = "max-attachments"
        return read
    read.bytes = len(body)
    if time.monotonic() >= deadline:
        read.status, read.reason = "not-readable", "time-budget"
        return read
    return read_body(read, body, as_of, limits)


def read_attachment(url: str, body: bytes, as_of: date, referrer: str | None = None) -> AttachmentRead:
    """One attachment's body read and scanned (what the site analysis does with each stored one)."""
    read = AttachmentRead(url, referrer, _type_of(url), "not-fetched", bytes=len(body))
    return read_body(read, body, as_of, rules()["attachments"])


def read_body(read: AttachmentRead, body: bytes, as_of: date, limits: dict[str, Any]) -> AttachmentRead:
    """Read `body` into `read`: its records scanned until the text cap, the reader stopped after
    `seconds_each`; a file no reader can read gets its reason, never an exception."""
    seconds = float(limits["seconds_each"])
    started = time.monotonic()
    scanner = Scanner(as_of)
    try:
        with time_limit(seconds):
            kind, records = safe_records(body, read.url)
            read.type = kind if kind not in ("html", "text") else read.type
            for n, record in enumerate(records, 1):
                scanner.feed(record)
                read.text_chars += len(record.text)
                if read.text_chars >= limits["max_text_chars"] or n >= limits["max_records"]:
                    read.truncated = True
                    break
        read.status = "read"
        read.reason = None if read.text_chars else "no-text"
    except NotReadable as exc:
        read.status, read.reason, read.detail = "not-readable", exc.code, exc.detail or None
    except CheckTimeout:
        if time.monotonic() - started < seconds - TICK:
            raise  # an outer limit (the site check's), not this reader's
        read.status, read.reason = "not-readable", "timeout"
    read.scan = scanner.scan
    return read


@result_block("attachments", dimensions=("content",))
def attachments_block(site: SiteView) -> list[dict[str, Any]]:
    """results.json `attachments`: each attachment the site links to, its status and what was found in it."""
    return [read.to_dict() for read in attachment_reads(site)]


# ------------------------------------------------------------------ the checks
WHAT = {"id_number": ("居民身份证号", "resident ID number"),
        "mobile": ("手机号码", "mobile phone number"),
        "bank_card": ("银行卡号", "bank card number")}
REFS = ["《中华人民共和国个人信息保护法》第二十八条 敏感个人信息",
        "《中华人民共和国政府信息公开条例》第十五条",
        "GB/T 35273-2020 《信息安全技术 个人信息安全规范》",
        "国办秘函〔2019〕19号 《政府网站与政务新媒体检查指标》 安全、泄密事故等严重问题"]
FIX = {"zh": "立即撤下或替换为脱敏版本（如 1504**********1234、138****5678），附件一并处理；"
             "公示名单只公开必要字段，发布前按 GB/T 37964-2019 去标识化并由专人审核。",
       "en": "Take the page or attachment down or replace it with a masked version (1504**********1234, "
             "138****5678); publish only the fields a 公示 needs, de-identified (GB/T 37964-2019) and "
             "reviewed before release."}


def _findings(site: SiteView, kind: str) -> Iterator[Finding]:
    zh, en = WHAT[kind]
    for page in site.page_results(page_personal_data):
        n = page.scan.counts[kind]
        if n:
            samples = page.scan.samples[kind]
            yield Finding(
                url=page.url,
                message=f"页面公开了 {n} 个未脱敏的{zh}",
                message_en=f"The page publishes {n} unmasked {en}(s)",
                selector=samples[0]["where"],
                locator=f"page:{kind}",  # one finding per page and kind: its fingerprint stays when rows move
                evidence=_evidence(samples, n, where=False),  # the first one's place is the selector
                data={"kind": kind, "source": "page", "count": n, "samples": samples})
    for read in attachment_reads(site):
        n = read.scan.counts[kind]
        if n:
            samples = read.scan.samples[kind]
            yield Finding(
                url=read.url,
                message=f"附件（{read.type.upper()}）公开了 {n} 个未脱敏的{zh}，链接自 {read.referrer or '—'}",
                message_en=f"The {read.type.upper()} attachment publishes {n} unmasked {en}(s), "
                           f"linked from {read.referrer or '—'}",
                evidence=_evidence(samples, n),
                locator=f"attachment:{kind}",
                data={"kind": kind, "source": "attachment", "type": read.type, "count": n,
                      "samples": samples, "referrer": read.referrer})


def _evidence(samples: list[dict[str, str]], n: int, where: bool = True) -> str:
    shown = "；".join(f"{s['masked']}（{s['where']}）" if where else s["masked"] for s in samples)
    return shown + (f" 等 {n} 处" if n > len(samples) else "")


@check(id="privacy.id-number", dimension="content", severity="high", refs=REFS,
       title={"zh": "公开了未脱敏的居民身份证号", "en": "Unmasked resident ID numbers published"}, fix=FIX)
def id_numbers(site: SiteView) -> Iterator[Finding]:
    return _findings(site, "id_number")


@check(id="privacy.mobile-number", dimension="content", severity="high", refs=REFS,
       title={"zh": "公开了个人手机号码", "en": "Personal mobile phone numbers published"}, fix=FIX)
def mobile_numbers(site: SiteView) -> Iterator[Finding]:
    return _findings(site, "mobile")


@check(id="privacy.bank-card", dimension="content", severity="high", refs=REFS,
       title={"zh": "公开了未脱敏的银行卡号", "en": "Unmasked bank card numbers published"}, fix=FIX)
def bank_cards(site: SiteView) -> Iterator[Finding]:
    return _findings(site, "bank_card")

