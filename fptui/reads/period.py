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
from collections.abc import Iterable
from dataclasses import dataclass, field

import peewee as pw

from fptui.models import MonthClose
from fptui.reads.calendar import Period, as_date
from fptui.reads.flows import REGISTERED, Flows, population_on, tally
from fptui.reads.flows import flows as flows_in


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


def first_month(village: int) -> str | None:
    """The month of the earliest day the village's ledger records (a birth, an event):
    no month before it can be closed. None for an empty village."""
    from fptui.models import Event, Household, Person

    days = [
        Person.select(pw.fn.MIN(Person.birth_date))
        .join(Household, on=(Person.household == Household.id))
        .where(Household.village == village)
        .scalar(),
        Event.select(pw.fn.MIN(Event.happened_on)).where(Event.village == village).scalar(),
    ]
    known = [as_date(d) for d in days if d is not None]
    return f"{min(known):%Y-%m}" if known else None


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


def balance(
    village: int, month: str, findings: list | None = None, *, named: bool = True
) -> Balance:
    """The month's balance counted now. `findings`: the village's check findings when the
    caller has them, to name who is behind a difference without checking again; `named`
    False: the figures only, nobody named (the return's tables: no check run for them)."""
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
    if result.difference and named:
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
    from fptui.models import AuditLog, Household, Person

    closed_row = (
        AuditLog.select(pw.fn.MAX(AuditLog.id))
        .where(
            (AuditLog.table == "month_close")
            & (AuditLog.record_id == close.id)
            & (AuditLog.action == "close_month")
        )
        .scalar()
    )
    # The village's registered persons first (by its households), then only their rows
    # of the log: not every person the ledger gained since the close.
    village_persons = [
        pid
        for (pid,) in Person.select(Person.id)
        .join(Household, on=(Person.household == Household.id))
        .where((Household.village == village) & (Household.registration == "registered"))
        .tuples()
    ]
    found = set()
    for i in range(0, len(village_persons), 500):
        first = (
            AuditLog.select(AuditLog.record_id, AuditLog.after)
            .where(
                (AuditLog.table == "person")
                & AuditLog.record_id.in_(village_persons[i : i + 500])
                & AuditLog.before.is_null()
                & (AuditLog.id > (closed_row or 0))
                & AuditLog.action.in_(("add_person", "open_ledger"))
            )
            .tuples()
        )
        found |= {
            pid
            for pid, after in first
            if json.loads(after or "{}").get("residence", "here") in REGISTERED
        }
    return sorted(found)


def close_marks(villages: Iterable[int] | None = None) -> dict[int, list[tuple[str, int]]]:
    """Each village's closed months in order, each with its close's place in the audit
    log (the id of its `close_month` row): what "entered after the close" is measured
    against. The log's order, not the clock: a close and an entry may share a second,
    or a day."""
    query = MonthClose.select(MonthClose.id, MonthClose.village, MonthClose.month)
    if villages is not None:
        query = query.where(MonthClose.village.in_(list(villages)))
    rows = list(query.tuples())
    marks = _marks("month_close", [i for i, _, _ in rows], action="close_month")
    out: dict[int, list[tuple[str, int]]] = {}
    for close_id, village, month in sorted(rows, key=lambda r: r[2]):
        out.setdefault(village, []).append((month, marks.get(close_id, 0)))
    return out


def entry_marks(event_ids: Iterable[int]) -> dict[int, int]:
    """Each event's place in the audit log: the id of the row that recorded it."""
    return _marks("event", list(event_ids))


def _marks(table: str, ids: list[int], action: str | None = None) -> dict[int, int]:
    from fptui.models import AuditLog

    out: dict[int, int] = {}
    for start in range(0, len(ids), 500):
        query = AuditLog.select(AuditLog.record_id, pw.fn.MAX(AuditLog.id)).where(
            (AuditLog.table == table)
            & AuditLog.before.is_null()
            & AuditLog.record_id.in_(ids[start : start + 500])
        )
        if action is not None:
            query = query.where(AuditLog.action == action)
        # the newest: SQLite gives a deleted row's id to the next one made
        out.update(query.group_by(AuditLog.record_id).tuples())
    return out


def frozen_by(closes: list[tuple[str, int]], day: dt.date) -> tuple[str, int] | None:
    """The close whose figures hold `day` (the first closed month on or after its month:
    a day before the first close is in that close's start), with its mark; None when no
    close holds it."""
    month = f"{day:%Y-%m}"
    for closed_month, mark in closes:
        if closed_month >= month:
            return closed_month, mark
    return None


def is_late(closes: list[tuple[str, int]], day: dt.date, entered: int) -> bool:
    """An event of `day` entered (audit mark `entered`) after the close that froze its
    day: a late entry (补报), counted in the first month still open."""
    holder = frozen_by(closes, day)
    return holder is not None and entered > holder[1]


def late_entries(village: int, month: str) -> Flows:
    """The late entries (补报) `month` counts: events dated before it, entered after the
    close that froze their day and after the close of the month before it (those
    entered earlier were counted by a month now closed)."""
    from fptui.models import Event, Household, Person

    closes = close_marks([village]).get(village, [])
    previous = dict(closes).get(previous_month(month))
    if previous is None:  # not the first open month: nothing frozen to add to
        return Flows()
    prev_row = closed(village, previous_month(month))
    start = Period.month(month).start
    query = (
        Event.select(Event.id, Event.kind, Event.happened_on, Event.data, Person.sex)
        .join(Person, on=(Event.person == Person.id))
        .switch(Event)
        .join(Household, on=(Event.household == Household.id))
        .where(
            (Event.village == village)
            & (Household.registration == "registered")
            & Event.kind.in_(("birth", "death", "move_in", "move_out"))
            & (Event.happened_on < start)
            # entered on the close's day or after: the marks tell which side of it
            & (Event.entered_on >= as_date(prev_row.closed_at))
        )
    )
    rows = list(query.tuples())
    marks = entry_marks([r[0] for r in rows])
    out = Flows()
    for event_id, kind, day, data, sex in rows:
        entered = marks.get(event_id, 0)
        if entered > previous and is_late(closes, day, entered):
            tally(out, kind, data, sex)
    return out


def counted_in(village: int, day: dt.date) -> str | None:
    """Where an event of `day` entered now is counted, when its month is closed: the
    first month still open (YYYY-MM); None when its own month is open."""
    closes = close_marks([village]).get(village, [])
    if frozen_by(closes, day) is None:
        return None
    return add_months(closes[-1][0], 1)


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
