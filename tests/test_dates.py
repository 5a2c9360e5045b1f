"""fptui.dates: dates as cadres type them, ages and month keys."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fptui import clock, dates
from fptui.dates import DateError

TODAY = dt.date(2026, 3, 10)
NOV_5 = dt.date(2026, 11, 5)


def reason_of(text: str, **kwargs) -> str:
    kwargs.setdefault("today", TODAY)
    with pytest.raises(DateError) as caught:
        dates.parse_date(text, **kwargs)
    return caught.value.reason


# --- accepted forms ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-05",
        "2026-11-5",
        "20261105",
        "2026/11/5",
        "2026/11/05",
        "2026.11.5",
        "2026年11月5日",
        "2026年11月05日",
    ],
)
def test_every_full_date_form_is_read(text):
    assert dates.parse_date(text, today=TODAY) == NOV_5


@pytest.mark.parametrize("text", ["11-5", "11/5", "11.5", "11月5日", "11-05", "11月05日"])
def test_month_and_day_alone_mean_this_year(text):
    assert dates.parse_date(text, today=TODAY) == NOV_5


@pytest.mark.parametrize("text", ["11-5", "11/5", "11月5日"])
def test_this_year_comes_from_the_frozen_clock(text):
    with clock.frozen(dt.date(2031, 1, 1)):
        assert dates.parse_date(text) == dt.date(2031, 11, 5)


def test_the_today_parameter_wins_over_the_clock():
    with clock.frozen(dt.date(2031, 1, 1)):
        assert dates.parse_date("11-5", today=TODAY) == NOV_5


def test_a_full_date_does_not_depend_on_this_year():
    with clock.frozen(dt.date(1999, 6, 1)):
        assert dates.parse_date("2026-11-05") == NOV_5


@pytest.mark.parametrize(
    "text",
    [
        "２０２６－１１－０５",
        "２０２６－１１－５",
        "２０２６／１１／５",
        "２０２６．１１．５",
        "２０２６年１１月５日",
        "２０２６１１０５",
        "１１－５",
        "１１月５日",
    ],
)
def test_full_width_digits_and_separators_are_read(text):
    assert dates.parse_date(text, today=TODAY) == NOV_5


@pytest.mark.parametrize(
    "text", ["  2026-11-05  ", "\t20261105\n", "2026 - 11 - 5", "2026 年 11 月 5 日"]
)
def test_spaces_around_and_between_the_parts_are_ignored(text):
    assert dates.parse_date(text, today=TODAY) == NOV_5


def test_the_day_character_is_optional():
    assert dates.parse_date("2026年11月5", today=TODAY) == NOV_5
    assert dates.parse_date("11月5", today=TODAY) == NOV_5


def test_february_29_is_read_in_a_leap_year():
    assert dates.parse_date("2028-02-29", today=TODAY) == dt.date(2028, 2, 29)
    assert dates.parse_date("2-29", today=dt.date(2028, 1, 1)) == dt.date(2028, 2, 29)


def test_how_early_a_date_may_be_is_the_forms_rule_not_the_parsers():
    # domain.toml's birth.earliest_year, applied by validate: the parser reads the day
    assert dates.parse_date("1880-01-01", today=TODAY) == dt.date(1880, 1, 1)
    assert dates.parse_date("1879-12-31", today=TODAY) == dt.date(1879, 12, 31)
    assert dates.parse_date("0001-01-01", today=TODAY) == dt.date(1, 1, 1)


@given(st.dates(min_value=dt.date(1880, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_every_date_written_in_each_full_form_reads_back_as_itself(day):
    for text in (
        day.isoformat(),
        f"{day:%Y%m%d}",
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}.{day.month}.{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
    ):
        assert dates.parse_date(text, today=TODAY) == day


# --- refused forms -------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\t"])
def test_an_empty_date_is_a_format_fault(text):
    assert reason_of(text) == "format"


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "today",
        "2026-11",  # no day
        "2026",
        "2026-11-05-01",
        "2026-011-05",
        "2026-11-005",
        "12026-11-05",
        "2026110",  # 7 digits
        "202611050",  # 9 digits
        "2026/11/5/",
        "11月5号",
        "2026。11。5",
        "2026-1a-05",
        "五月五日",
    ],
)
def test_a_text_in_no_accepted_form_is_a_format_fault(text):
    assert reason_of(text) == "format"


@pytest.mark.parametrize(
    "text",
    [
        "2026-13-01",  # month 13
        "2026-00-10",  # month 0
        "2026-02-30",  # February 30
        "2027-02-29",  # not a leap year
        "2026-04-31",
        "2026-11-00",
        "20261332",
        "13-1",
        "2-30",
        "0000-01-01",  # no year 0
    ],
)
def test_a_day_that_does_not_exist_is_impossible(text):
    assert reason_of(text) == "impossible"


def test_date_error_is_a_value_error_carrying_its_reason():
    error = DateError("impossible")
    assert isinstance(error, ValueError)
    assert error.reason == "impossible"


# --- the future ----------------------------------------------------------------------


def test_a_future_date_is_accepted_by_default():
    assert dates.parse_date("2026-11-05", today=TODAY) == NOV_5


def test_a_future_date_is_refused_when_the_future_is_not_allowed():
    assert reason_of("2026-11-05", allow_future=False) == "future"


def test_a_month_and_day_still_to_come_means_last_year_when_the_future_is_refused():
    # today is 2026-03-10: "11-5" is last November, entered late; "3-10" is today
    assert dates.parse_date("11-5", allow_future=False, today=TODAY) == dt.date(2025, 11, 5)
    assert dates.parse_date("3-10", allow_future=False, today=TODAY) == TODAY
    assert dates.parse_date("11-5", today=TODAY) == dt.date(2026, 11, 5)  # an EDD, say
    on_3_january = dt.date(2027, 1, 3)
    assert dates.parse_date("12-28", allow_future=False, today=on_3_january) == dt.date(
        2026, 12, 28
    )


def test_tomorrow_is_the_future_but_today_is_not():
    assert reason_of("2026-03-11", allow_future=False) == "future"
    assert dates.parse_date("2026-03-10", allow_future=False, today=TODAY) == TODAY


def test_the_future_is_judged_by_the_frozen_clock():
    with clock.frozen(dt.date(2026, 11, 4)):
        with pytest.raises(DateError) as caught:
            dates.parse_date("2026-11-05", allow_future=False)
        assert caught.value.reason == "future"
    with clock.frozen(dt.date(2026, 11, 5)):
        assert dates.parse_date("2026-11-05", allow_future=False) == NOV_5


def test_an_impossible_future_date_is_impossible_rather_than_future():
    assert reason_of("2099-02-30", allow_future=False) == "impossible"


# --- age_on --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (dt.date(1990, 6, 15), dt.date(2026, 6, 14), 35),  # day before the birthday
        (dt.date(1990, 6, 15), dt.date(2026, 6, 15), 36),  # on the birthday
        (dt.date(1990, 6, 15), dt.date(2026, 6, 16), 36),
        (dt.date(1990, 6, 15), dt.date(2026, 12, 31), 36),
        (dt.date(1990, 6, 15), dt.date(2027, 1, 1), 36),
        (dt.date(2026, 3, 10), dt.date(2026, 3, 10), 0),  # born today
        (dt.date(2025, 3, 11), dt.date(2026, 3, 10), 0),
        (dt.date(2000, 2, 29), dt.date(2001, 2, 28), 0),  # leap-day birthday
        (dt.date(2000, 2, 29), dt.date(2001, 3, 1), 1),
        (dt.date(2000, 2, 29), dt.date(2004, 2, 29), 4),
    ],
)
def test_age_on_counts_full_years(birth, day, age):
    assert dates.age_on(birth, day) == age


def test_a_man_reaches_the_legal_marriage_age_on_his_22nd_birthday():
    born = dt.date(2004, 5, 1)
    assert dates.age_on(born, dt.date(2026, 4, 30)) == 21
    assert dates.age_on(born, dt.date(2026, 5, 1)) == 22


# --- month_of ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "key"),
    [
        (dt.date(2026, 3, 10), "2026-03"),
        (dt.date(2026, 11, 5), "2026-11"),
        (dt.date(2026, 1, 1), "2026-01"),
        (dt.date(2026, 12, 31), "2026-12"),
    ],
)
def test_month_of_is_year_dash_two_digit_month(day, key):
    assert dates.month_of(day) == key


def test_month_keys_sort_in_time_order():
    days = [dt.date(2025, 12, 31), dt.date(2026, 1, 1), dt.date(2026, 10, 1), dt.date(2026, 2, 1)]
    assert sorted(dates.month_of(d) for d in days) == [dates.month_of(d) for d in sorted(days)]
