"""The date extractor over date strings as county portals really write them, and over non-dates."""

from __future__ import annotations

from datetime import date

import pytest

from checks.engine import dates as D

AS_OF = date(2026, 11, 20)

# (text, the date a list cell or label gives, or None when it is not a publication date)
CELLS = [
    ("2026-11-20", date(2026, 11, 20)),
    ("2026-11-05 09:30", date(2026, 11, 5)),
    ("2026-11-05 09:30:12", date(2026, 11, 5)),
    ("[2026-11-05]", date(2026, 11, 5)),
    ("(2026-11-05)", date(2026, 11, 5)),
    ("【2026-11-05】", date(2026, 11, 5)),
    ("2026-1-5", date(2026, 1, 5)),
    ("2026/11/05", date(2026, 11, 5)),
    ("2026/1/5", date(2026, 1, 5)),
    ("2026.11.05", date(2026, 11, 5)),
    ("2026.1.5", date(2026, 1, 5)),
    ("2026_11_05", date(2026, 11, 5)),
    ("2026年11月05日", date(2026, 11, 5)),
    ("2026年11月5日", date(2026, 11, 5)),
    ("2026 年 11 月 5 日", date(2026, 11, 5)),
    ("2026年1月5号", date(2026, 1, 5)),
    ("2026年11月5日 星期四", None),  # a date with its weekday is a clock (今天是…星期四), not a publication date
    ("发布日期：2026-11-05", date(2026, 11, 5)),
    ("日期:2026/03/01", date(2026, 3, 1)),
    ("二〇二六年十一月五日", date(2026, 11, 5)),
    ("二〇二六年十一月二十日", date(2026, 11, 20)),
    ("二〇二六年三月三十一日", date(2026, 3, 31)),
    ("二〇二五年十二月十日", date(2025, 12, 10)),
    ("二○二六年一月一日", date(2026, 1, 1)),
    ("二零二六年二月二十八日", date(2026, 2, 28)),
    ("二〇二六年十月二十一日", date(2026, 10, 21)),
    ("[11-05]", date(2026, 11, 5)),
    ("11-05", date(2026, 11, 5)),
    ("(11-05)", date(2026, 11, 5)),
    ("11/05", date(2026, 11, 5)),
    ("11月5日", date(2026, 11, 5)),
    ("[12-30]", date(2025, 12, 30)),  # after as_of this year: last year's
    ("[11-21]", date(2025, 11, 21)),  # tomorrow would be the future
    ("[01-02]", date(2026, 1, 2)),
    ("[02-29]", None),  # 2026 and 2025 have no 29 February
    ("2025-12-31", date(2025, 12, 31)),
    ("2019-06-01", date(2019, 6, 1)),
    ("2026-11-05更新", date(2026, 11, 5)),
    ("时间：2026年11月05日 10:20 来源：县政府办", date(2026, 11, 5)),
    ("05 2026-11", date(2026, 11, 5)),  # calendar block: big day over year-month
    ("2026-11 05", date(2026, 11, 5)),
    ("2026.11 05", date(2026, 11, 5)),
    ("3天前", date(2026, 11, 17)),
    ("昨天", date(2026, 11, 19)),
    ("[刚刚]", date(2026, 11, 20)),
    ("5小时前", date(2026, 11, 20)),
    ("2026-02-30", None),
    ("2026-13-01", None),
    ("2026-00-10", None),
    ("1899-01-01", None),
    ("0471-1234567", None),  # a telephone number
    ("电话：0471-6234567", None),
    ("邮编：011500", None),
    ("第2026期", None),
    ("2026年度", None),
    ("2026年", None),
    ("共 23 条记录", None),
    ("12345", None),
    ("1.5万元", None),
    ("浏览次数：1125", None),
    ("10:30", None),
    ("蒙ICP备05001234号", None),
    ("1280×800", None),
    ("V2.0.1", None),
    ("3.14", None),
]

# Clocks and copyright lines are never content dates.
NOISE = [
    "今天是2026年11月20日 星期五",
    "今天是：2026年11月20日",
    "当前时间：2026-11-20 08:00",
    "© 2005-2026 示例县人民政府 版权所有",
    "Copyright 2005-2026 乙镇人民政府 版权所有　建议使用1280×800分辨率浏览",
    "版权所有：示例县人民政府 2026-01-01",
]


@pytest.mark.parametrize(("text", "expected"), CELLS)
def test_list_cell_dates(text: str, expected: date | None) -> None:
    assert D.parse_date(text, AS_OF) == expected


def test_table_has_at_least_sixty_cases() -> None:
    assert len(CELLS) + len(NOISE) >= 60


@pytest.mark.parametrize("text", NOISE)
def test_clocks_and_copyright_are_not_content_dates(text: str) -> None:
    assert D.dates_in_text(text, AS_OF) == []


def test_yearless_dates_only_in_short_cells() -> None:
    long_text = "关于调整11-05至11-08期间部分公交线路的通知，请广大市民提前规划出行路线"
    assert D.dates_in_text(long_text, AS_OF, yearless=True) == []
    assert D.dates_in_text(long_text, AS_OF) == []


def test_yearless_year_hint_from_url_wins_when_not_future() -> None:
    assert D.dates_in_text("[03-05]", AS_OF, yearless=True, hint_year=2024) == [date(2024, 3, 5)]


def test_full_dates_in_running_text() -> None:
    text = "本通知自2026年3月1日起施行，2025-12-31前已办理的继续有效。"
    assert D.dates_in_text(text, AS_OF) == [date(2026, 3, 1), date(2025, 12, 31)]


@pytest.mark.parametrize(("url", "expected"), [
    ("http://x.gov.cn/xwzx/zwyw/202611/t20261105_1001.html", date(2026, 11, 5)),
    ("http://x.gov.cn/art/2026/11/5/art_1001_2.html", date(2026, 11, 5)),
    ("http://x.gov.cn/news/2026/11/05/123.html", date(2026, 11, 5)),
    ("http://x.gov.cn/news/2026-11/05/content_123.htm", date(2026, 11, 5)),
    ("http://x.gov.cn/zwgk/20261105/abc.html", date(2026, 11, 5)),
    ("http://x.gov.cn/xwzx/202610/abc.html", date(2026, 10, 1)),  # the month only: a range, its first day
    ("http://x.gov.cn/xwzx/202611/abc.html", date(2026, 11, 1)),  # the current month: never the future
    ("http://x.gov.cn/xwzx/content_1001.html", None),
    ("http://x.gov.cn/col/col1001/index.html", None),
    ("http://x.gov.cn/tel/04716234567.html", None),
])
def test_dates_in_detail_urls(url: str, expected: date | None) -> None:
    assert D.date_in_url(url) == expected


def test_pubdate_meta_and_labels() -> None:
    assert D.meta_pubdate({"PubDate": "2026-11-05 09:30"}) == date(2026, 11, 5)
    assert D.meta_pubdate({"pubdate": "2026/11/05"}) == date(2026, 11, 5)
    assert D.meta_pubdate({"ArticleTitle": "x"}) is None
    assert D.labelled_date("发布日期：2026-11-05 09:30　来源：县政府办") == date(2026, 11, 5)
    assert D.labelled_date("发布时间:2026年11月5日") == date(2026, 11, 5)
    assert D.labelled_date("成文日期：二〇二六年十一月五日") == date(2026, 11, 5)
    assert D.labelled_date("来源：县政府办 浏览次数：1125") is None


def test_newest_ignores_future_dates() -> None:
    assert D.newest([date(2026, 11, 1), date(2027, 1, 1), None], AS_OF) == date(2026, 11, 1)


def test_yearless_list_years_follow_the_list_order() -> None:
    md = [(12, 15), (11, 28), (10, 3), (9, 1)]  # newest first, written at as_of 2026-11-20: all of 2025
    assert D.infer_list_years(md, AS_OF) == [date(2025, 12, 15), date(2025, 11, 28), date(2025, 10, 3), date(2025, 9, 1)]
    assert D.infer_list_years(md[::-1], AS_OF) == [date(2025, 9, 1), date(2025, 10, 3), date(2025, 11, 28),
                                                   date(2025, 12, 15)]
    # across the turn of the year, newest first: the step that rises moves to the year before
    assert D.infer_list_years([(11, 18), (1, 5), (12, 20), (11, 3)], AS_OF) == [
        date(2026, 11, 18), date(2026, 1, 5), date(2025, 12, 20), date(2025, 11, 3)]
    # two dates show no order: each keeps the single-date rule
    assert D.infer_list_years([(11, 17), (12, 30)], AS_OF) == [date(2026, 11, 17), date(2025, 12, 30)]


def test_yearless_month_day_only_for_cells_without_a_year() -> None:
    assert D.yearless_month_day("[11-05]") == (11, 5)
    assert D.yearless_month_day("11月5日") == (11, 5)
    assert D.yearless_month_day("2026-11-05") is None
    assert D.yearless_month_day("3天前") is None
