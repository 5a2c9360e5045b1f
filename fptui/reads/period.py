"""Months: the monthly balance, and which months are closed.

The balance of a village's month: start + births - deaths + moved in - moved away must
equal the end, counted from the register. The start is the end of the last closed month
as it was frozen when closed (else counted the same way as the end), so a person added,
removed or moved without an event shows as a difference, and the status check names
them. Pure reads; closing and reopening are ledger functions.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import peewee as pw

from fptui.models import MonthClose
from fptui.reads.flows import REGISTERED, Flows, population_on, tally
from fptui.reads.flows import flows as flows_in
from fptui.reads.score import Period, _date


@dataclass
class Balance:
    month: str
    start: int
    flows: Flows
    end: int
    start_frozen: bool  # the start is a closed month's frozen end
    late: Flows = field(default_factory=Flows)  # 补报 of closed months
    persons: list = field(default_factory=list)  # findings naming who is behind a difference
    # 补登: registered persons entered after the last close with no event (a resident
    # missing from the ledger, added by hand); counted, and named, so the meeting sees them
    added: list[int] = field(default_factory=list)

    @property
    def expected(self) -> int:
        return self.start + len(self.added) + self.flows.net + self.late.net

    @property
    def difference(self) -> int:
        return self.end - self.expected


def add_months(key: str, n: int) -> str:
    """The month `n` months after `key` (before, for a negative `n`), as YYYY-MM."""
    start = Period.month(key).start
    year, index = divmod(start.year * 12 + start.month - 1 + n, 12)
    return f"{year:04d}-{index + 1:02d}"


def previous_month(key: str) -> str:
    return add_months(key, -1)


def closed(village: int, month: str) -> MonthClose | None:
    return MonthClose.get_or_none((MonthClose.village == village) & (MonthClose.month == month))


def closed_months(village: int) -> list[str]:
    return [
        m
        for (m,) in MonthClose.select(MonthClose.month)
        .where(MonthClose.village == village)
        .order_by(MonthClose.month)
        .tuples()
    ]


def closed_since(village: int, day: dt.date) -> str | None:
    """The first closed month of the village on or after `day`'s month (None: none is).
    A record of that day is in its frozen figures (the end, or the start carried on)."""
    row = (
        MonthClose.select(MonthClose.month)
        .where((MonthClose.village == village) & (MonthClose.month >= f"{day:%Y-%m}"))
        .order_by(MonthClose.month)
        .first()
    )
    return row.month if row is not None else None


def month_balance(village: int, month: str, findings: list | None = None) -> Balance:
    """The month's balance as the meeting sees it: as frozen if closed, else as counted."""
    return (frozen(village, month) if closed(village, month) else None) or balance(
        village, month, findings
    )


def balance(village: int, month: str, findings: list | None = None) -> Balance:
    """The month's balance counted now. `findings`: the village's check findings when the
    caller has them, to name who is behind a difference without checking again."""
    period = Period.month(month)
    before = (
        MonthClose.select()
        .where((MonthClose.village == village) & (MonthClose.month < month))
        .order_by(MonthClose.month.desc())
        .first()
    )
    added: list[int] = []
    if before is not None and json.loads(before.figures).get("end") is not None:
        # the start is the last close's end, carried over the months between (their flows)
        start = json.loads(before.figures)["end"]
        gap_start = Period.month(before.month).end + dt.timedelta(days=1)
        if gap_start < period.start:
            gap = flows_in(Period(gap_start, period.start - dt.timedelta(days=1)), village)
            start += gap.net
        frozen = True
        added = added_without_event(village, before)
    else:
        start = population_on(period.start - dt.timedelta(days=1), village)
        frozen = False
    result = Balance(
        month,
        start,
        flows_in(period, village),
        population_on(period.end, village),
        frozen,
        late_entries(village, month),
        added=added,
    )
    if result.difference:
        if findings is None:
            from fptui.reads import checks

            findings = checks.run(village=village, only=["status_without_event"])
        result.persons = [f for f in findings if f.code == "status_without_event"]
    return result


def added_without_event(village: int, close: MonthClose) -> list[int]:
    """Registered persons of the village first recorded after `close` by hand (add_person,
    open_ledger), not by an event (a birth, a move in): who the register gained without a
    flow to count them. "After" by the audit log's order, not its clock: the same second
    may hold both."""
    from fptui.models import Audit, Household, Person

    closed_row = (
        Audit.select(pw.fn.MAX(Audit.id))
        .where(
            (Audit.table == "month_close")
            & (Audit.record_id == close.id)
            & (Audit.action == "close_month")
        )
        .scalar()
    )
    first = (
        Audit.select(Audit.record_id, Audit.action, Audit.after)
        .where(
            (Audit.table == "person")
            & Audit.before.is_null()
            & (Audit.id > (closed_row or 0))
            & Audit.action.in_(("add_person", "open_ledger"))
        )
        .tuples()
    )
    candidates = {
        pid
        for pid, _action, after in first
        if json.loads(after).get("residence", "here") in REGISTERED
    }
    if not candidates:
        return []
    return sorted(
        pid
        for (pid,) in Person.select(Person.id)
        .join(Household, on=(Person.household == Household.id))
        .where(
            Person.id.in_(sorted(candidates))
            & (Household.village == village)
            & (Household.registration == "registered")
        )
        .tuples()
    )


def late_entries(village: int, month: str) -> Flows:
    """Events of closed months entered after their month was closed, counted in `month`:
    those entered since the close of the month before it (补报, the adjustment line)."""
    from fptui.models import Event, Household, Person

    closes = {
        m: _date(c)
        for m, c in MonthClose.select(MonthClose.month, MonthClose.closed_at)
        .where(MonthClose.village == village)
        .tuples()
    }
    since = closes.get(previous_month(month))
    start = Period.month(month).start
    out = Flows()
    query = (
        Event.select(Event.kind, Event.happened_on, Event.entered_on, Event.data, Person.sex)
        .join(Person, on=(Event.person == Person.id))
        .switch(Event)
        .join(Household, on=(Event.household == Household.id))
        .where(
            (Event.village == village)
            & (Household.registration == "registered")
            & Event.kind.in_(("birth", "death", "move_in", "move_out"))
            & (Event.happened_on < start)
        )
    )
    if since is not None:
        query = query.where(Event.entered_on > since)
    for kind, day, entered, data, sex in query.tuples():
        own = closes.get(f"{day:%Y-%m}")
        if own is None or entered <= own:
            continue
        tally(out, kind, data, sex)
    return out


def figures(b: Balance) -> dict:
    """What a close freezes: the population and every flow of the month, as counted."""
    from dataclasses import asdict

    late = b.late
    return {
        "start": b.start,
        "end": b.end,
        "births": b.flows.births,
        "deaths": b.flows.deaths,
        "moved_in": b.flows.moved_in,
        "moved_away": b.flows.moved_away,
        "late": late.net,
        "added": b.added,
        "flows": asdict(b.flows),
    }


def frozen(village: int, month: str) -> Balance | None:
    """A closed month's balance as it was closed (None for an open month)."""
    row = closed(village, month)
    if row is None:
        return None
    data = json.loads(row.figures)
    if "flows" not in data:
        return None
    late = Flows()
    late.births = data.get("late", 0)  # only the net is kept
    return Balance(
        month,
        data["start"],
        Flows(**data["flows"]),
        data["end"],
        True,
        late,
        added=data.get("added", []),
    )
