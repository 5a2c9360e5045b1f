"""Dates as cadres type them.

Accepted: `2026-11-05`, `2026-11-5`, `20261105`, `2026/11/5`, `2026.11.5`,
`2026年11月5日`, month-day alone (`11-5`, `11/5`, `11月5日`) meaning this year, or
last year where a future date is refused and this year's would be still to come, and the
day alone (`25`, `25日`) meaning this month's: a form dated this month takes two keys. A
day still to come is this month's too (refused by a field that refuses the future, never
moved to last month), and a day the month does not have (`31` in April) is impossible.
Whether a future date is allowed is the field's rule, not the parser's: see `parse_date`.
So is how early a date may be (domain.toml's `birth.earliest_year`, applied by
`schema/validate.py`): the parser refuses only what is no day at all.
"""

from __future__ import annotations

import datetime as dt
import re

from fptui import clock


class DateError(ValueError):
    """A date that cannot be read; `reason` is a key of `messages.date` in schemas."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_FULL = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MONTH_DAY = re.compile(r"^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DAY = re.compile(r"^(\d{1,2})\s*日?$")


def parse_date(text: str, *, allow_future: bool = True, today: dt.date | None = None) -> dt.date:
    """Read `text` as a date; raise DateError("format" | "impossible" | "future")."""
    today = today or clock.today()
    text = text.strip().translate(_FULLWIDTH)
    if not text:
        raise DateError("format")
    if m := _FULL.match(text) or _COMPACT.match(text):
        year, month, day = (int(g) for g in m.groups())
    elif m := _MONTH_DAY.match(text):
        month, day = (int(g) for g in m.groups())
        # This year's, unless that is still to come where the future is refused: then
        # last year's (on 3 January, `12-28` is five days ago).
        year = today.year
        if not allow_future and (month, day) > (today.month, today.day):
            year -= 1
    elif m := _DAY.match(text):
        day = int(m.group(1))
        year, month = today.year, today.month
    else:
        raise DateError("format")
    try:
        value = dt.date(year, month, day)
    except ValueError:
        raise DateError("impossible") from None
    if not allow_future and value > today:
        raise DateError("future")
    return value


def month_of(day: dt.date) -> str:
    """`YYYY-MM`, the key of a month throughout fptui."""
    return f"{day:%Y-%m}"


def age_on(birth: dt.date, day: dt.date) -> int:
    """Age in full years on `day`."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


# Full-width digits and separators typed with a Chinese input method.
_FULLWIDTH = str.maketrans("０１２３４５６７８９－／．", "0123456789-/.")
