"""Corrections: an event's date or details edited, or the event voided as entered in
error, every row its save wrote put back from the audit log (what each write changed)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import peewee as pw

from fptui.ledger.changes import (
    LEAN_INSERTS,
    audit,
    change,
    dumps,
    snapshot,
    stored,
    write_audits,
)
from fptui.ledger.events import check_dated_in_order
from fptui.ledger.households import reindex_households
from fptui.ledger.rows import by_id
from fptui.ledger.versions import VERSIONED, expect, save
from fptui.models import (
    MODELS,
    Audit,
    Event,
    FollowUp,
    Person,
)
from fptui.reads import followups
from fptui.schema import Text, current
from fptui.schema.validate import clean, refuse


def edit_event(
    event_id: Any, values: Mapping[str, Any], *, expected_version: int | None = None
) -> Event:
    """Correct an event's date or details; open visits it set move with it.

    What the event did to its person (status, marital state) is not replayed: a wrong
    kind of event is corrected by recording the right one. `expected_version`: the
    version the event was read at; refused (`ledger.changed_since`) if it changed since.
    """
    from fptui.reads import period

    with change():
        event = by_id(Event, event_id, lock=True)  # read, checked and written held
        if event is None:
            raise refuse("event", Text("事件", "Event"), "ledger", "not_found")
        form = current().forms[event.kind]
        expect(event, expected_version, form.title)
        stored = json.loads(event.data)
        merged = {**{k: v for k, v in stored.items() if form.has(k)}, "date": event.happened_on}
        merged.update(values)
        data = clean(form, {k: v for k, v in merged.items() if form.has(k)})
        # its month, the new one, or any closed after them: the frozen figures hold it
        frozen = period.closed_since(event.village_id, min(event.happened_on, data["date"]))
        if frozen is not None:
            raise refuse(
                "date",
                form.field("date").label,
                "period",
                "closed",
                month=frozen,
                next=period.counted_in(event.village_id, event.happened_on),
            )
        subject = by_id(Person, event.person_id) if event.person_id else None
        if subject is not None and data["date"] < subject.birth_date:
            raise refuse("date", form.field("date").label, "date", "before_birth")
        if subject is not None:
            check_dated_in_order(subject, form, data["date"], event.id)
        before = snapshot(event)
        details = {k: v for k, v in data.items() if k != "date" and v is not None}
        if "birth_order" in stored:
            details["birth_order"] = stored["birth_order"]
        event.happened_on, event.data = data["date"], dumps(details)
        if snapshot(event) == before:
            return event  # nothing changed: nothing written
        save(event)
        audit("edit_event", event, before)
        moved = {
            (p.rule, p.step, p.person): p
            for p in followups.for_event(event.kind, event.happened_on, data, event.person_id)
        }
        for fu in FollowUp.select().where(
            (FollowUp.source_event == event.id) & (FollowUp.status == "open")
        ):
            plan = moved.get((fu.kind, fu.step, fu.person_id))
            if plan is None or (plan.due_on, plan.window_start) == (fu.due_on, fu.window_start):
                continue
            fu_before = snapshot(fu)
            fu.due_on, fu.window_start = plan.due_on, plan.window_start
            fu.save()
            audit("move_followup", fu, fu_before)
    return event


def void_event(event_id: Any, reason: str) -> None:
    """Void an event entered in error, with the reason: every row its save wrote goes
    back to how it was (the person's state, the spouse's, a birth's child, the visits
    it planned or ended), as the audit log recorded it, in one transaction.

    Refused for an event of a closed month, and when a later change built on a row it
    wrote (the person edited since, a visit it planned done): those are corrected by
    recording an event. Audited as `void_event`, one row per row put back.
    """
    from fptui.reads import period

    reason = clean(current().forms["event_void"], {"reason": reason})["reason"]
    event = by_id(Event, event_id)
    label = Text("事件", "Event")
    if event is None:
        raise refuse("event", label, "ledger", "not_found")
    frozen = period.closed_since(event.village_id, event.happened_on)
    if frozen is not None:  # its month, or a later one, is closed: the figures hold it
        raise refuse(
            "event",
            label,
            "period",
            "closed",
            month=frozen,
            next=period.counted_in(event.village_id, event.happened_on),
        )
    first = (
        Audit.select()
        .where((Audit.table == "event") & (Audit.record_id == event.id) & Audit.before.is_null())
        .order_by(Audit.id.desc())  # the newest: SQLite reuses a voided event's id
        .first()
    )
    if first is None or first.change is None:
        raise refuse("event", label, "ledger", "void_unknown_change")
    mother = json.loads(event.data).get("mother")
    if mother is not None and "birth_order" in json.loads(event.data):
        later = Event.select(Event.data).where(
            (Event.kind == event.kind) & (Event.id > event.id) & Event.data.contains("mother")
        )
        if any(json.loads(data).get("mother") == mother for (data,) in later.tuples()):
            # the mother's later births were counted after this one
            raise refuse("event", label, "ledger", "void_later_changes", count=1)
    rows = list(
        Audit.select()  # a change's rows come after its first: its number is that row's id
        .where((Audit.id >= first.change) & (Audit.change == first.change))
        .order_by(Audit.id.desc())
    )
    models = {m._meta.table_name: m for m in MODELS}
    with change():
        current_rows = []
        moved_on = 0
        latest: set[tuple[str, int]] = set()
        for entry in rows:  # newest first: a row written twice is checked by its last write
            model = models[entry.table]
            row = by_id(model, entry.record_id, lock=True)  # held until put back
            now = json.loads(dumps(snapshot(row))) if row is not None else None
            if (entry.table, entry.record_id) not in latest:
                latest.add((entry.table, entry.record_id))
                if not _same(now, entry) or _written_since(entry, now):
                    moved_on += 1
            current_rows.append((entry, model, now))
        if moved_on:
            raise refuse("event", label, "ledger", "void_later_changes", count=moved_on)
        try:
            _undo(current_rows, reason)
        except pw.IntegrityError:  # a later row links to one it made (a visit, a child)
            raise refuse("event", label, "ledger", "void_later_changes", count=1) from None


def _undo(rows: list[tuple[Audit, type[pw.Model], dict[str, Any] | None]], reason: str) -> None:
    """Put back every row of a change, newest first, with a `void_event` audit row each:
    an insert's row deleted (its audit row keeps the whole row it takes away), an
    update's columns put back.

    A row put back is a change of its own: its version moves on (versions.py), it does
    not go back to the one it had."""
    records = []
    homes: set[int] = set()
    versions: dict[tuple[str, int], int] = {}
    for entry, model, row in rows:
        now = row if entry.before is None else json.loads(entry.after or "{}") or None
        before = json.loads(entry.before) if entry.before is not None else None
        # an update's row keeps the columns it changed: they go back, the rest stay
        after = {**(now or {}), **before, "void_reason": reason} if before else None
        after = after or {"void_reason": reason}
        if before is None:
            model.delete().where(model.id == entry.record_id).execute()
        else:
            values = _values(model, before)
            if model in VERSIONED:
                key = (entry.table, entry.record_id)
                if key not in versions:
                    versions[key] = by_id(model, entry.record_id).version
                versions[key] += 1
                values["version"] = after["version"] = versions[key]
            model.update(**values).where(model.id == entry.record_id).execute()
        if entry.table == "household":
            homes.add(entry.record_id)
        for state in (now, before):
            if state and entry.table == "person":
                homes.add(state.get("household"))
        if before is not None and now:  # an update put back: kept as what changed
            now, after = stored(
                {**now, "id": entry.record_id}, {**after, "id": entry.record_id}, entry.table
            )
        records.append(("void_event", entry.table, entry.record_id, now, after))
    write_audits(records)
    reindex_households(sorted(h for h in homes if h is not None))


def _same(now: dict[str, Any] | None, entry: Audit) -> bool:
    """A row as it is against what an audit row says the write left: the columns it
    holds (an update's it changed; an insert's, its whole row, or in the tables whose
    rows hold their inserts' values (changes.LEAN_INSERTS) those it keeps), where a
    column an insert left out (empty, or one the writer did not set, as the visits'
    prepared inserts) counts as empty. A delete's leaves no row."""
    then = json.loads(entry.after) if entry.after else {}
    if entry.before is None:  # an insert: its row must be there
        if now is None:
            return False
        keys = then.keys() if entry.table in LEAN_INSERTS else now.keys() | then.keys()
    elif now is None or not then:  # gone since, or a delete's row
        return now is None and not then
    else:
        keys = then.keys()
    # a version says nothing the other columns do not (and older rows lack it)
    # (an insert's row leaves its id to `record_id`)
    return all(
        _empty(now.get(k)) == _empty(then.get(k)) for k in keys if k not in ("id", "version")
    )


def _empty(value: Any) -> Any:
    return "" if value is None else value


def _written_since(entry: Audit, now: dict[str, Any] | None) -> bool:
    """Whether a later change left the row otherwise than this write did, in a column
    its audit row does not hold (an update's holds only the columns it changed, an
    insert of changes.LEAN_INSERTS' tables next to none): the row as it is, taken back
    through the later audit rows' befores, is the row as this write left it; a column
    where that differs from the row now was changed since. A change undone since (a
    later event voided) leaves nothing."""
    if now is None or (entry.before is None and entry.table not in LEAN_INSERTS):
        return False  # a row gone is compared above; another insert's row, whole
    later = (
        Audit.select(Audit.before)
        .where(
            (Audit.record_id == entry.record_id)
            & (Audit.table == entry.table)
            & (Audit.id > entry.id)
        )
        .order_by(Audit.id.desc())
        .tuples()
    )
    then = dict(now)
    for (before,) in later:
        if before is None:
            return True  # made anew since (SQLite gives a deleted row's id again)
        then.update(json.loads(before))
    return any(
        _empty(then.get(k)) != _empty(now.get(k)) for k in now if k not in ("id", "version")
    )


def _values(model: type[pw.Model], snapshot: dict[str, Any]) -> dict[str, Any]:
    """A snapshot's JSON values as column values (dates back to dates)."""
    out = {}
    for name, value in snapshot.items():
        field = model._meta.fields.get(name)
        if field is None or name in ("id", "version"):
            continue
        if isinstance(value, str) and isinstance(field, pw.DateTimeField):
            value = dt.datetime.fromisoformat(value)
        elif isinstance(value, str) and isinstance(field, pw.DateField):
            value = dt.date.fromisoformat(value)
        out[name] = value
    return out
