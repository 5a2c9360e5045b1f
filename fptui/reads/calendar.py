"""Periods of days (a month, the statistical year to its month's end), and the day a
stored value stands for.

The bottom of the computations: the flows, the balance, the score and the tables all
count over a `Period`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fptui.schema import current


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @classmethod
    def month(cls, key: str) -> Period:
        """The month `YYYY-MM`."""
        year, month = (int(x) for x in key.split("-"))
        start = dt.date(year, month, 1)
        nxt = dt.date(year + month // 12, month % 12 + 1, 1)
        return cls(start, nxt - dt.timedelta(days=1))

    @classmethod
    def year_to_date(cls, key: str) -> Period:
        """From the start of the statistical year (domain.toml `statistics.year_start_month`:
        1 for the calendar year, 10 for October to September) to the end of month `key`."""
        end = cls.month(key).end
        first = current().domain["statistics"]["year_start_month"]
        year = end.year if end.month >= first else end.year - 1
        return cls(dt.date(year, first, 1), end)

    @property
    def key(self) -> str:
        """`YYYY-MM` for a month, `YYYY-MM..YYYY-MM` for a longer period."""
        one_month = (self.start.year, self.start.month) == (self.end.year, self.end.month)
        return f"{self.end:%Y-%m}" if one_month else f"{self.start:%Y-%m}..{self.end:%Y-%m}"


def as_date(value: dt.date | dt.datetime | str) -> dt.date:
    """A date from what the database gives (a date, a date-time, or their text)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.datetime.fromisoformat(str(value)).date()
