"""The one clock: every "today" and "now" in fptui comes from here.

Tests travel in time with `frozen(date)`; nothing else calls `date.today()`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

_fixed: dt.datetime | None = None


def now() -> dt.datetime:
    """The current local time, or the frozen one."""
    return _fixed if _fixed is not None else dt.datetime.now().replace(microsecond=0)


def today() -> dt.date:
    return now().date()


def set_now(when: dt.datetime | dt.date | None) -> None:
    """Freeze the clock at `when` (a date means its noon); None lets it run again."""
    global _fixed
    if isinstance(when, dt.date) and not isinstance(when, dt.datetime):
        when = dt.datetime.combine(when, dt.time(12, 0))
    _fixed = when


@contextmanager
def frozen(when: dt.datetime | dt.date) -> Iterator[None]:
    previous = _fixed
    set_now(when)
    try:
        yield
    finally:
        set_now(previous)
