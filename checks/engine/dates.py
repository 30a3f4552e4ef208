"""Publication dates as Chinese government portals write them (docs/SPEC.md §6).

Recognised: 2026-11-20, 2026/11/20, 2026.11.20, 2026_11_20, 2026年11月20日 (spaces allowed),
二〇二六年十一月二十日, yearless [11-20] / 11月20日 (year inferred so the date never lands after
`as_of`), dates in detail URLs (t20261120_, /2026/11/20/, /art/2026/11/5/, and /202611/ naming only the
month: a MonthOnly date, its first day), PubDate-style metas, 发布日期/发布时间 labels and <time datetime>.
A date in a clock expression (今天是…, …星期五) and copyright lines are never content dates; the marker
words live in auditcli/core/knowledge/dates.yaml.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from functools import cache

from auditcli.core.knowledge import load

CN_NUM = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
          "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_CN = "〇○零Ｏ一二三四五六七八九十"

FULL_DATE = re.compile(
    r"(?<![\d.])((?:19|20)\d{2})\s*(?:([-/._])\s*(\d{1,2})\s*\2\s*(\d{1,2})(?![\d])"
    r"|年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?)"
)
CN_DATE = re.compile(rf"([{_CN}]{{4}})\s*年\s*([{_CN}]{{1,2}})\s*月\s*([{_CN}]{{1,3}})\s*[日号]")
COMPACT_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)")
YEARLESS = re.compile(r"(?<![\d\-/.])(\d{1,2})\s*(?:[-/]|月)\s*(\d{1,2})(?:\s*日)?(?![\d\-/.:万元%])")
DAY_THEN_YM = re.compile(r"(?<![\d\-/.])(\d{1,2})\s+((?:19|20)\d{2})\s*[-./年]\s*(\d{1,2})月?(?![\d\-/.])")
YM_THEN_DAY = re.compile(r"(?<![\d\-/.])((?:19|20)\d{2})\s*[-./年]\s*(\d{1,2})月?\s+(\d{1,2})日?(?![\d\-/.:])")
DAYS_AGO = re.compile(r"(\d{1,3})\s*天前")
RELATIVE_TODAY = re.compile(r"^\s*[\[(（【]?(刚刚|今天|今日|昨天|昨日|\d{1,2}\s*(?:小时|分钟)前)[\])）】]?\s*$")
URL_DATES = (
    re.compile(r"(?<!\d)((?:19|20)\d{2})[-/_]?(0[1-9]|1[0-2])[-/_]?(0[1-9]|[12]\d|3[01])(?!\d)"),
    re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),
    re.compile(r"/((?:19|20)\d{2})[-_]?(\d{2})/(\d{2})/"),
)
URL_MONTH = re.compile(r"/((?:19|20)\d{2})[-_]?(0[1-9]|1[0-2])/")
MONTH_DAY = re.compile(r"(?<!\d)(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
CLOCK_TIME = r"(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?"


class MonthOnly(date):
    """A date a URL gives only to the month (/202310/t4823710.shtml): a range, stood for by its first day.

    So it never outranks a full date of its month (newest() takes the full one), and the article's own
    date (PubDate, 发布时间), when the article was fetched, replaces it. Otherwise it is an ordinary date."""


def is_month_only(value: date | None) -> bool:
    """Does this date stand for a whole month (a URL's /202310/), so a known day of it should replace it?"""
    return isinstance(value, MonthOnly)


@cache
def knowledge() -> dict:
    return load("dates")


def _valid(year: int, month: int, day: int) -> date | None:
    if not (knowledge()["min_year"] <= year <= 2100 and 1 <= month <= 12):
        return None
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return date(year, month, day)


def _cn_number(text: str) -> int | None:
    """二〇二六 -> 2026 (digit by digit); 十一 -> 11; 二十 -> 20; 三十一 -> 31."""
    if not text or any(c not in CN_NUM for c in text):
        return None
    if "十" not in text:
        value = 0
        for c in text:
            value = value * 10 + CN_NUM[c]
        return value
    head, _, tail = text.partition("十")
    return (CN_NUM[head] if head else 1) * 10 + (CN_NUM[tail] if tail else 0)


@cache
def _copyright_pattern() -> re.Pattern[str]:
    """A whole copyright sentence (© 2005-2026 示例县人民政府 版权所有)."""
    copy = "|".join(re.escape(m) for m in knowledge()["copyright_markers"])
    return re.compile(rf"[^。;；|\n]{{0,40}}(?:{copy})[^。;；|\n]{{0,60}}")


@cache
def _publication_label() -> re.Pattern[str]:
    labels = "|".join(re.escape(label) for label in knowledge()["clock_exempt_labels"])
    return re.compile(rf"(?:{labels})\s*[:：]?\s*$")


@cache
def _clock_words() -> tuple[str, ...]:
    """The words every clock pattern needs one of: a clock marker (今天是, 当前时间) or a weekday word (星期)."""
    k = knowledge()
    return (*k["clock_markers"], *k["clock_weekdays"])


@cache
def _clock_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """What stands before a clock's date (今天是, 当前时间：, 星期五) and what follows it (10:31 星期五, 周五)."""
    k = knowledge()
    markers = "|".join(re.escape(m) for m in sorted(k["clock_markers"], key=len, reverse=True))
    weekday = rf"(?:{'|'.join(re.escape(w) for w in k['clock_weekdays'])})[{k['clock_weekday_days']}]"
    before = re.compile(rf"(?:(?:{markers})[\s:：是为]*(?:{weekday}[\s,，]*)?|{weekday}[\s,，]*)$")
    after = re.compile(rf"{CLOCK_TIME}\s*[,，]?\s*{weekday}")
    return before, after


def clock_spans(text: str) -> list[tuple[int, int]]:
    """Where `text` writes a date as part of a clock: after 今天是/当前时间/…, or before 星期五/周五/礼拜五.

    A clock shows the day the page was made or read, never when anything was published, wherever it
    sits (a header strip, a cell of the top bar, a long welcome line); other dates nearby stay dates.
    A text naming no clock word and no weekday holds no clock (most texts: every list row's date)."""
    if not any(word in text for word in _clock_words()):
        return []
    before, after = _clock_patterns()
    label = _publication_label()
    spans = [(start, end) for _, start, end in iter_full_dates(text)]
    spans += [(m.start(), m.end()) for m in MONTH_DAY.finditer(text)  # 11月20日 alone, not inside a full date
              if not any(start <= m.start() < end for start, end in spans)]
    return [(start, end) for start, end in spans
            if (before.search(text, max(0, start - 24), start) or after.match(text, end))
            and not label.search(text, max(0, start - 12), start)]


def strip_clocks(text: str) -> str:
    """Blank out the dates of clocks (今天是2026年11月20日 星期五 -> 今天是           星期五)."""
    for start, end in clock_spans(text):
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def strip_noise(text: str) -> str:
    """Blank out clocks' dates (今天是2026年11月20日) and copyright lines (© 2005-2026 …)."""
    return _copyright_pattern().sub(" ", strip_clocks(text))


def iter_full_dates(text: str) -> Iterator[tuple[date, int, int]]:
    """Every full (year-month-day) date in `text` with its span; numerals and Chinese numerals."""
    for m in FULL_DATE.finditer(text):
        year = int(m.group(1))
        month, day = (m.group(3), m.group(4)) if m.group(2) else (m.group(5), m.group(6))
        d = _valid(year, int(month), int(day))
        if d:
            yield d, m.start(), m.end()
    for m in CN_DATE.finditer(text):
        parts = [_cn_number(g) for g in m.groups()]
        if None not in parts:
            d = _valid(*parts)  # type: ignore[arg-type]
            if d:
                yield d, m.start(), m.end()


def infer_year(month: int, day: int, as_of: date, hint_year: int | None = None) -> date | None:
    """A yearless date: the hinted year if it does not land after as_of, else the latest year that doesn't."""
    for year in ([hint_year] if hint_year else []) + [as_of.year, as_of.year - 1]:
        d = _valid(year, month, day) if year else None
        if d and d <= as_of:
            return d
    return None


def year_near(month: int, day: int, near: date, as_of: date) -> date | None:
    """A yearless date in the year that puts it closest to a neighbour's date, never after as_of."""
    options = [d for y in (near.year - 1, near.year, near.year + 1) if (d := _valid(y, month, day)) and d <= as_of]
    return min(options, key=lambda d: abs((d - near).days)) if options else None


def _year_for(month: int, day: int, year: int) -> date | None:
    """month-day in `year`, or in the nearest earlier year that has it (29 February)."""
    for y in range(year, year - 8, -1):
        d = _valid(y, month, day)
        if d:
            return d
    return None


def infer_list_years(month_days: list[tuple[int, int]], as_of: date) -> list[date | None]:
    """Years for the yearless dates of one list, together, in the list's order.

    Lists are monotonic: newest first (the portal convention) or oldest first, whichever needs fewer
    turns of the year (a tie reads newest first). The walk starts at the newest end, whose year is the
    latest one not after as_of; every step against the order then moves one year back. Two dates show
    no order (one step fits either way with a turn of the year): each keeps its own latest year.
    """
    if len(month_days) < 3:
        return [infer_year(m, d, as_of) for m, d in month_days]
    steps = list(zip(month_days, month_days[1:], strict=False))
    rises = sum(1 for a, b in steps if b > a)
    falls = sum(1 for a, b in steps if b < a)
    oldest_first = rises > falls
    walk = list(reversed(month_days)) if oldest_first else list(month_days)
    out: list[date | None] = []
    first = infer_year(*walk[0], as_of)
    year = first.year if first else as_of.year
    previous = walk[0]
    for k, md in enumerate(walk):
        if k and md > previous:  # later in the year than the (newer) item before it: the year before
            year -= 1
        previous = md
        d = _year_for(md[0], md[1], year)
        out.append(d if d and d <= as_of else None)
    return list(reversed(out)) if oldest_first else out


def yearless_month_day(text: str) -> tuple[int, int] | None:
    """The (month, day) of a short cell holding only a yearless date ([11-20], 11月20日), else None."""
    text = strip_noise(text)
    if len(text.strip()) > 24 or next(iter_full_dates(text), None) is not None:
        return None
    if DAY_THEN_YM.search(text) or YM_THEN_DAY.search(text) or DAYS_AGO.search(text) or RELATIVE_TODAY.search(text):
        return None
    found = {(int(m.group(1)), int(m.group(2))) for m in YEARLESS.finditer(text)}
    found = {md for md in found if _valid(2000, *md)}  # 2000 is a leap year: 02-29 is a month-day
    return found.pop() if len(found) == 1 else None


def dates_in_text(text: str, as_of: date | None = None, *, yearless: bool = False,
                  hint_year: int | None = None, noise: bool = True) -> list[date]:
    """Dates written in a piece of text. Yearless forms only when `yearless` (short date cells)."""
    if noise:
        text = strip_noise(text)
    found = list(iter_full_dates(text))
    out = [d for d, _, _ in found]
    if yearless and as_of is not None:
        rest = text
        for _, start, end in sorted(found, key=lambda f: -f[1]):
            rest = rest[:start] + " " + rest[end:]
        if len(rest.strip()) <= 24 and not found:
            out += _short_cell_dates(rest, as_of, hint_year)
    return out


def _short_cell_dates(text: str, as_of: date, hint_year: int | None) -> list[date]:
    """Date cells without a plain full date: 05 / 2026-11 (calendar blocks), 3天前, 昨天, [11-05]."""
    out: list[date] = []
    for pattern, order in ((DAY_THEN_YM, (2, 3, 1)), (YM_THEN_DAY, (1, 2, 3))):
        for m in pattern.finditer(text):
            d = _valid(*(int(m.group(i)) for i in order))
            if d:
                out.append(d)
    if out:
        return out
    m = DAYS_AGO.search(text)
    if m:
        return [as_of - timedelta(days=int(m.group(1)))]
    if RELATIVE_TODAY.search(text):
        return [as_of - timedelta(days=1 if "昨" in text else 0)]
    for m in YEARLESS.finditer(text):
        d = infer_year(int(m.group(1)), int(m.group(2)), as_of, hint_year)
        if d:
            out.append(d)
    return out


def parse_date(text: str, as_of: date | None = None) -> date | None:
    """The first date in a short string (list cell, meta content), yearless allowed when as_of is given."""
    dates = dates_in_text(text, as_of, yearless=as_of is not None)
    return dates[0] if dates else None


def date_in_url(url: str) -> date | None:
    """t20261120_123.html, /2026/11/20/, /art/2026/11/5/art_1_2.html, /2026-11/20/; /202611/ names only the
    month: a MonthOnly date, the month's first day (never after a month's own full dates, nor in the future
    when it is the current month)."""
    path = url.split("://", 1)[-1]
    path = path[path.find("/"):] if "/" in path else ""
    for pattern in URL_DATES:
        m = pattern.search(path)
        if m:
            d = _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if d:
                return d
    m = URL_MONTH.search(path)
    if m and _valid(int(m.group(1)), int(m.group(2)), 1):
        return MonthOnly(int(m.group(1)), int(m.group(2)), 1)
    return None


def month_range(value: date) -> tuple[date, date]:
    """The days a date stands for: itself, or a MonthOnly date's whole month (first to last day)."""
    if not is_month_only(value):
        return value, value
    last = calendar.monthrange(value.year, value.month)[1]
    return date(value.year, value.month, 1), date(value.year, value.month, last)


def gap_days(shown: date, url_date: date) -> int:
    """Days between a shown date and a URL's date, 0 when the shown date falls in the URL's range (/202611/
    names the whole month). How far an item's date drifted from the one its CMS wrote into its address."""
    first, last = month_range(url_date)
    if shown < first:
        return (first - shown).days
    return (shown - last).days if shown > last else 0


@cache
def _odd_policy() -> dict:
    """The content checks' thresholds (auditcli/core/knowledge/content_dates.yaml `dates`)."""
    return load("content_dates")["dates"]


def is_future(value: date, as_of: date) -> bool:
    """After as_of by more than the grace day a portal in UTC+8 may be ahead (content_dates.yaml)."""
    return (value - as_of).days > int(_odd_policy()["future_grace_days"])


def odd_item_date(shown: date | None, url_date: date | None, yearless: bool, as_of: date) -> bool:
    """Is an item's date one the content checks judge: written with its year and in the future, or far from
    its URL's date? Everything else (most items) is kept by nobody, so summaries stay small."""
    if shown is None or yearless:
        return False
    if is_future(shown, as_of):
        return True
    return url_date is not None and gap_days(shown, url_date) > int(_odd_policy()["max_gap_days"])


@cache
def _publication_date_label() -> re.Pattern[str]:
    """发布时间：… anywhere; a bare 日期：/时间： only where it starts a phrase (not 会议时间：)."""
    policy = _odd_policy()
    labels = "|".join(re.escape(label) for label in sorted(policy["publication_labels"], key=len, reverse=True))
    bare = "|".join(re.escape(label) for label in sorted(policy["bare_publication_labels"], key=len, reverse=True))
    return re.compile(rf"(?:(?:{labels})|(?<![\u4e00-\u9fff])(?:{bare}))\s*[:：]\s*(?=([^<\n]{{6,30}}))")  # a lookahead: the next label may stand within the 30


def publication_dates(metas: dict[str, str], text: str) -> list[date]:
    """The publication dates an article shows: its PubDate-style metas and every date a publication label
    (发布时间：, 日期：) introduces where the label starts a phrase. Signing and update dates (成文日期, 更新时间)
    and event dates in the text (会议时间：) are not among them."""
    found: list[date] = []
    meta = meta_pubdate(metas)
    if meta is not None:
        found.append(meta)
    for m in _publication_date_label().finditer(text):
        first = next(iter_full_dates(m.group(1)), None)
        if first is not None and first[1] == 0 and first[0] not in found:
            found.append(first[0])
    return found


def newest(dates: Iterable[date | None], as_of: date | None = None) -> date | None:
    """The newest date not after as_of (a future date is a typo or an event date, not a publication)."""
    valid = [d for d in dates if d and (as_of is None or d <= as_of)]
    return max(valid) if valid else None


def meta_pubdate(metas: dict[str, str]) -> date | None:
    """Publication date from the page's metas (names compared case-insensitively)."""
    lowered = {k.lower(): v for k, v in metas.items()}
    for name in knowledge()["pubdate_metas"]:
        value = lowered.get(name.lower())
        if value:
            d = parse_date(value)
            if d:
                return d
    return None


@cache
def _label_pattern() -> re.Pattern[str]:
    labels = "|".join(re.escape(label) for label in knowledge()["pubdate_labels"])
    return re.compile(rf"(?:{labels})\s*[:：]?\s*(?:&nbsp;|\s)*([^\s<]{{0,4}}[\d〇○零一二三四五六七八九十][^<\n]{{4,30}})")


def labelled_date(text: str) -> date | None:
    """发布日期：2026-11-05 09:30 / 发布时间:2026年11月5日 — the first labelled date in text."""
    for m in _label_pattern().finditer(text):
        d = next(iter(iter_full_dates(m.group(1))), None)
        if d:
            return d[0]
    return None
