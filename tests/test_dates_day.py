"""The day alone (`25`): this month's day, so a form dated this month takes two keys."""

from __future__ import annotations

import datetime as dt

import pytest

from fptui import clock, dates
from fptui.dates import DateError

TODAY = dt.date(2026, 3, 10)


def reason_of(text: str, **kwargs) -> str:
    kwargs.setdefault("today", TODAY)
    with pytest.raises(DateError) as caught:
        dates.parse_date(text, **kwargs)
    return caught.value.reason


@pytest.mark.parametrize(
    ("text", "day"),
    [("5", 5), ("05", 5), ("10", 10), ("1", 1), ("5日", 5), ("５", 5), ("１０日", 10), (" 7 ", 7)],
)
def test_a_day_alone_is_this_months(text, day):
    assert dates.parse_date(text, today=TODAY) == dt.date(2026, 3, day)
    assert dates.parse_date(text, allow_future=False, today=TODAY) == dt.date(2026, 3, day)


def test_a_day_alone_comes_from_the_frozen_clock():
    with clock.frozen(dt.date(2026, 11, 26)):
        assert dates.parse_date("25") == dt.date(2026, 11, 25)


def test_a_day_still_to_come_is_this_months_whether_the_future_is_allowed_or_not():
    assert dates.parse_date("25", today=TODAY) == dt.date(2026, 3, 25)  # a due date, say
    # never moved to last month: a birth "on the 25th" typed on 10 March is refused
    assert reason_of("25", allow_future=False) == "future"
    assert reason_of("11", allow_future=False) == "future"


@pytest.mark.parametrize(
    ("text", "today", "allow_future"),
    [
        ("31", dt.date(2026, 4, 10), True),  # April has 30 days
        ("30", dt.date(2026, 2, 10), True),  # February 2026 has 28
        ("29", dt.date(2026, 2, 10), True),  # not a leap year
        ("31", dt.date(2026, 4, 30), False),  # not moved to March 31st
        ("30", dt.date(2026, 2, 28), False),  # nor to January 30th
        ("0", TODAY, True),
        ("00", TODAY, True),
        ("32", TODAY, True),
    ],
)
def test_a_day_its_month_does_not_have_is_impossible(text, today, allow_future):
    assert reason_of(text, today=today, allow_future=allow_future) == "impossible"


def test_the_29th_of_a_leap_february_is_read():
    assert dates.parse_date("29", today=dt.date(2028, 2, 10)) == dt.date(2028, 2, 29)


@pytest.mark.parametrize("text", ["123", "5号", "5-", "-5", "日", "5日日"])
def test_other_short_texts_are_still_no_date(text):
    assert reason_of(text) == "format"
