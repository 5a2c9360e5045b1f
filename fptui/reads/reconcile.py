"""The monthly reconciliation of a village: what the meeting goes through before it
closes the month.

The balance (period.balance, or the frozen one of a closed month), the changes entered
during the month from the audit log (who, when, what), the open error and warning
findings with the warnings acknowledged (who, when: ledger/acknowledgements.py), and
the visits due by the month's end still open. Pure reads: the screen shows them,
`ledger.close_month` closes.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import peewee as pw

from fptui import clock
from fptui.models import (
    Acknowledgement,
    Audit,
    Event,
    FollowUp,
    Household,
    MonthClose,
    Person,
)
from fptui.models import Change as Saved
from fptui.reads import checks, followups, period
from fptui.reads.calendar import Period


@dataclass
class Change:
    """One saved change (one transaction): its main audit row and how many rows it wrote."""

    at: dt.datetime
    user: str
    action: str
    table: str
    household: int | None
    number: str
    person: int | None
    name: str
    rows: int = 1


@dataclass(frozen=True)
class Acknowledged:
    """Who acknowledged a warning, and when."""

    by: str
    at: dt.datetime


@dataclass
class Reconciliation:
    village: int
    month: str
    balance: period.Balance
    closed: MonthClose | None
    errors: list[checks.Finding] = field(default_factory=list)
    warnings: list[checks.Finding] = field(default_factory=list)
    overdue: list[followups.Row] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    ended: bool = True  # a month closes after its last day
    # the warnings kept acknowledged for the month, by key (current warnings only)
    acknowledged: dict[str, Acknowledged] = field(default_factory=dict)

    def blockers(self, acknowledged: set[str] | frozenset[str] | None = None) -> dict[str, int]:
        """What stops the close, by what and how many (empty: it can close); the warnings
        acknowledged are the month's kept ones unless `acknowledged` names others."""
        if acknowledged is None:
            acknowledged = frozenset(self.acknowledged)
        out = {}
        if self.closed is not None:
            return {"closed": 1}
        if not self.ended:
            out["not_ended"] = 1
        if self.balance.difference:
            out["difference"] = self.balance.difference
        if self.errors:
            out["errors"] = len(self.errors)
        waiting = [w for w in self.warnings if warning_key(w) not in acknowledged]
        if waiting:
            out["warnings"] = len(waiting)
        return out


def warning_key(finding: checks.Finding) -> str:
    """How `ledger.close_month` names an acknowledged warning (`Finding.key`)."""
    return finding.key


def acknowledged(
    village: int, month: str, warnings: list[checks.Finding] | None = None
) -> dict[str, Acknowledged]:
    """The warnings kept acknowledged for the village's month, by key, with who and when;
    of `warnings` only (those that still exist) when given."""
    rows = (
        Acknowledgement.select(
            Acknowledgement.warning,
            Acknowledgement.acknowledged_by,
            Acknowledgement.acknowledged_at,
        )
        .where((Acknowledgement.village == village) & (Acknowledgement.month == month))
        .tuples()
    )
    out = {
        key: Acknowledged(
            by, at if isinstance(at, dt.datetime) else dt.datetime.fromisoformat(str(at))
        )
        for key, by, at in rows
    }
    if warnings is not None:
        current = {warning_key(w) for w in warnings}
        out = {k: v for k, v in out.items() if k in current}
    return out


def default_month(village: int, today: dt.date | None = None) -> str:
    """The month the meeting is most likely about: the first open month after the last
    close, else last month; never a month not yet begun."""
    today = today or clock.today()
    this = f"{today:%Y-%m}"
    done = period.closed_months(village)
    if done:
        return min(period.add_months(done[-1], 1), this)
    return period.previous_month(this)


@dataclass
class VillageMonth:
    """One village's line of the township's month: where its close stands."""

    village: int
    name: str
    closed: MonthClose | None
    difference: int
    errors: int
    warnings: int


def township(month: str, findings: list | None = None) -> list[VillageMonth]:
    """Every village's month at a glance, for the township officer: closed or not, and
    what stands in the way. The findings are the kept ones (`checks.kept`), unless
    `findings` holds them already (the live score's)."""
    from fptui.models import Area

    villages = list(
        Area.select(Area.id, Area.name).where(Area.kind == "village").order_by(Area.code)
    )
    found = checks.by_village(
        checks.kept() if findings is None else findings, [v.id for v in villages]
    )
    out = []
    for v in villages:
        mine = found[v.id]
        errors = sum(1 for f in mine if f.severity == "error")
        out.append(
            VillageMonth(
                v.id,
                v.name,
                period.closed(v.id, month),
                period.month_balance(v.id, month, mine).difference,
                errors,
                len(mine) - errors,
            )
        )
    return out


def township_month(today: dt.date | None = None) -> str:
    """The month the township's overview starts on: the oldest month a village still has
    to close (each village's `default_month`)."""
    from fptui.models import Area

    months = [
        default_month(v.id, today) for v in Area.select(Area.id).where(Area.kind == "village")
    ]
    return min(months) if months else period.previous_month(f"{(today or clock.today()):%Y-%m}")


def reconcile(village: int, month: str, *, today: dt.date | None = None) -> Reconciliation:
    """Everything the screen shows for a village's month."""
    closed = period.closed(village, month)
    findings = checks.kept(village)
    balance = period.month_balance(village, month, findings)
    end = Period.month(month).end
    today = today or clock.today()
    warnings = [f for f in findings if f.severity == "warning"]
    return Reconciliation(
        village,
        month,
        balance,
        closed,
        [f for f in findings if f.severity == "error"],
        warnings,
        followups.open_list(
            "overdue", village=village, today=today, by=end + dt.timedelta(days=1)
        ),
        changes(village, month, closed.closed_at if closed else None),
        today > end,
        acknowledged(village, month, warnings),
    )


def changes(village: int, month: str, until: dt.datetime | None = None) -> list[Change]:
    """The changes saved in this village's records from the month's first day until
    `until` (the close; for an open month, now: what the meeting reviews includes what
    was entered for the month after it ended), newest first.

    Rows written by one save share their change number (rows from before schema v7, their
    time and user): they are one change, shown by its main row (the event, else the
    household or person) with the count of rows it wrote.
    """
    p = Period.month(month)
    start = dt.datetime.combine(p.start, dt.time())
    homes = dict(
        Household.select(Household.id, Household.number)
        .where(Household.village == village)
        .tuples()
    )
    # Only the village's own rows of the log are read, by the index of the household (or
    # village) each row is about and its change (Audit.place, schema v16), from the first
    # change saved since the month began (change numbers grow as changes are saved; their
    # time is checked for each row), and the rows about no household (a restore, an
    # area); what is left is decided below as ever.
    first = Saved.select(pw.fn.MIN(Saved.id)).where(Saved.at >= start).scalar()
    if first is None:
        return []
    action = pw.fn.COALESCE(Audit.action, Saved.action)
    base = (
        Audit.select(
            Audit.id,
            Saved.at,
            Saved.user,
            Audit.change,
            action,
            Audit.table,
            Audit.record_id,
            Audit.place,
            Audit.before,
            Audit.after,
        )
        .join(Saved, on=(Saved.id == pw.fn.COALESCE(Audit.change, Audit.id)))
        .where(Saved.at.between(start, until or dt.datetime(9999, 12, 31)))
    )
    # (rows from before schema v7 have no change number: their change is their own id)
    since = ((Audit.change >= first), (Audit.change.is_null() & (Audit.id >= first)))
    keys = sorted({*homes, -village})  # its households, and itself (Audit.place)
    found = {}
    for places in [None, *(keys[i : i + 500] for i in range(0, len(keys), 500))]:
        where = Audit.place.is_null() if places is None else Audit.place.in_(places)
        for after_first in since:
            found.update((row[0], row) for row in base.where(where & after_first).tuples())
    rows = [found[i][1:] for i in sorted(found)]
    groups: dict[tuple, list] = {}
    for at, user, change, action, table, record_id, place, before, after in rows:
        data = {**json.loads(before or "{}"), **json.loads(after or "{}")}
        if table == "household":
            home = record_id
        elif table in ("month_close", "acknowledgement"):
            if data.get("village") != village:
                continue
            home = None
        elif table == "frozen_return":  # the return kept at a close: part of that change
            if data.get("area") != village:
                continue
            home = None
        elif table == "area":
            if village not in (record_id, data.get("parent")):
                continue
            home = None
        else:  # an insert names its household by its place (schema v16), not its values
            home = data.get("household", place if place is not None and place > 0 else None)
        if home is not None and home not in homes:
            continue
        person = record_id if table == "person" else data.get("person")
        key = (change, at, user) if change is not None else (None, at, user)
        groups.setdefault(key, []).append((table, action, home, person, data, record_id))
    main = {
        key: next((r for r in items if r[0] == "event"), items[0]) for key, items in groups.items()
    }
    # the person of an event or a visit whose insert names only its row: the row's
    unnamed = [(r[0], r[5]) for r in main.values() if r[3] is None and r[0] in _OF_PERSON]
    of_person = persons_of(unnamed)
    main = {
        key: (*r[:3], r[3] if r[3] is not None else of_person.get((r[0], r[5])), r[4])
        for key, r in main.items()
    }
    names: dict[int, str] = {}
    wanted = {row[3] for row in main.values() if row[3]}
    ids = sorted(wanted)
    for i in range(0, len(ids), 500):
        names.update(
            Person.select(Person.id, Person.name).where(Person.id.in_(ids[i : i + 500])).tuples()
        )
    out = []
    for (_change, at, user), items in groups.items():
        table, action, home, person, data = main[(_change, at, user)]
        out.append(
            Change(
                at if isinstance(at, dt.datetime) else dt.datetime.fromisoformat(str(at)),
                user,
                action,
                table,
                home,
                homes.get(home, "") if home else "",
                person,
                names.get(person, "") if person else str(data.get("name") or ""),
                len(items),
            )
        )
    out.reverse()  # newest first; by time, as records are not always saved in order
    out.sort(key=lambda c: c.at, reverse=True)
    return out


# The tables whose rows name a person (a link the insert's audit row leaves to the row).
_OF_PERSON = {"event": Event, "follow_up": FollowUp}


def persons_of(records: list[tuple[str, int]]) -> dict[tuple[str, int], int]:
    """The person each (table, id) of an event or a visit is about: its row's, or for a
    row deleted since (a voided event's), the row its delete took away (audit)."""
    out: dict[tuple[str, int], int] = {}
    for table, model in _OF_PERSON.items():
        ids = sorted({i for t, i in records if t == table})
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            query = model.select(model.id, model.person).where(model.id.in_(part))
            out.update(((table, rid), person) for rid, person in query.tuples() if person)
            gone = [rid for rid in part if (table, rid) not in out]
            if not gone:
                continue
            deletes = (
                Audit.select(Audit.record_id, Audit.before)
                .where(
                    (Audit.table == table)
                    & Audit.record_id.in_(gone)
                    & Audit.before.is_null(False)
                )
                .order_by(Audit.id)
            )
            for rid, before in deletes.tuples():
                person = json.loads(before).get("person")
                if person is not None:
                    out.setdefault((table, rid), person)
    return out
