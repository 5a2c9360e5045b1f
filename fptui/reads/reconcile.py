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

from fptui import clock, db
from fptui.models import Acknowledgement, Audit, Household, MonthClose, Person
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
    # village) each row is about and its time (db.audit_place, schema v13), and the rows
    # about no household (a restore, an area); what is left is decided below as ever.
    place = pw.SQL(f"({db.audit_place(Audit._meta.database.obj)})")
    when = Audit.at.between(start, until or dt.datetime(9999, 12, 31))
    columns = (
        Audit.id,
        Audit.at,
        Audit.user,
        Audit.change,
        Audit.action,
        Audit.table,
        Audit.record_id,
        Audit.before,
        Audit.after,
    )
    keys = sorted({*homes, -village})  # its households, and itself (db.audit_place)
    found = {row[0]: row for row in Audit.select(*columns).where(place.is_null() & when).tuples()}
    for i in range(0, len(keys), 500):
        query = Audit.select(*columns).where(place.in_(keys[i : i + 500]) & when)
        found.update((row[0], row) for row in query.tuples())
    rows = [found[i][1:] for i in sorted(found)]
    groups: dict[tuple, list] = {}
    for at, user, change, action, table, record_id, before, after in rows:
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
        else:
            home = data.get("household")
        if home is not None and home not in homes:
            continue
        person = record_id if table == "person" else data.get("person")
        key = (change, at, user) if change is not None else (None, at, user)
        groups.setdefault(key, []).append((table, action, home, person, data))
    names: dict[int, str] = {}
    wanted = {row[3] for rows_ in groups.values() for row in rows_ if row[3]}
    ids = sorted(wanted)
    for i in range(0, len(ids), 500):
        names.update(
            Person.select(Person.id, Person.name).where(Person.id.in_(ids[i : i + 500])).tuples()
        )
    out = []
    for (_change, at, user), items in groups.items():
        table, action, home, person, data = next((r for r in items if r[0] == "event"), items[0])
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
