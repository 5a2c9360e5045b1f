"""Follow-up visits: planned by events and household flags, done, moved, cancelled.

Which visits an event plans or ends, and when they fall due, are the rules of
schemas/followups.toml as `reads/followups.py` applies them; this module writes what
they give. Visits are inserted by prepared statements: every birth, pregnancy and going
out plans some, and a day's round of visits should save in a blink.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from fptui import clock
from fptui.ledger.changes import audit, change, current_user, snapshot, write_audits
from fptui.ledger.rows import by_id, chunks
from fptui.models import (
    Event,
    FollowUp,
    Household,
    Person,
    database,
)
from fptui.reads import followups
from fptui.schema import Form, Text, current
from fptui.schema.validate import clean, refuse

FOLLOWUP = Text("随访", "Follow-up")


_FOLLOWUP_COLUMNS = (
    "person_id",
    "household_id",
    "kind",
    "step",
    "due_on",
    "window_start",
    "status",
    "source_event_id",
    "done_by",
    "outcome",
    "note",
    "reason",
)


def create_followups(planned: list[followups.Planned], source_event: int | None = None) -> None:
    """Insert planned visits (each in its person's household) with their audit rows.

    Prepared statements rather than the query builder: every birth, pregnancy and
    going out plans visits, and building the SQL cost more than running it.
    """
    if not planned:
        return
    mark = database.param
    people = sorted({p.person for p in planned})
    homes = dict(
        database.execute_sql(
            f"SELECT id, household_id FROM person WHERE id IN ({', '.join([mark] * len(people))})",
            people,
        ).fetchall()
    )
    # The same visit twice (a new confirmation and the successor of last year's) is one.
    # due_on as ISO text: SQLite gives text, psycopg2 a date
    booked = {
        (kind, person, day if isinstance(day, str) else day.isoformat())
        for kind, person, day in database.execute_sql(
            f"SELECT kind, person_id, due_on FROM follow_up WHERE status = 'open' "
            f"AND person_id IN ({', '.join([mark] * len(people))})",
            people,
        ).fetchall()
    }
    insert = (
        f"INSERT INTO follow_up ({', '.join(_FOLLOWUP_COLUMNS)}) "
        f"VALUES ({', '.join([mark] * len(_FOLLOWUP_COLUMNS))}) RETURNING id"
    )
    records = []
    for p in planned:
        key = (p.rule, p.person, p.due_on.isoformat())
        if p.person not in homes or key in booked:
            continue
        booked.add(key)
        row = {
            "person": p.person,
            "household": homes[p.person],
            "kind": p.rule,
            "step": p.step,
            "due_on": p.due_on.isoformat(),
            "window_start": p.window_start.isoformat(),
            "status": "open",
            "source_event": source_event,
            "done_by": "",
            "outcome": "",
            "note": "",
            "reason": "",
        }
        (new_id,) = database.execute_sql(insert, tuple(row.values())).fetchone()
        records.append(("plan_followup", "follow_up", new_id, None, {**row, "id": new_id}))
    write_audits(records)


def end_followups(people: set[int], kinds: list[str] | None, reason: str) -> None:
    """Cancel the open follow-ups of `people` (of these `kinds`, or all), with audit rows."""
    if not people:
        return
    mark = database.param
    sql = (
        f"SELECT id FROM follow_up WHERE status = 'open' "
        f"AND person_id IN ({', '.join([mark] * len(people))})"
    )
    params: list[Any] = sorted(people)
    if kinds is not None:
        sql += f" AND kind IN ({', '.join([mark] * len(kinds))})"
        params += kinds
    ids = [i for (i,) in database.execute_sql(sql, params).fetchall()]
    records = []
    for fu in FollowUp.select().where(FollowUp.id.in_(ids)) if ids else []:
        before = snapshot(fu)
        fu.status, fu.reason = "cancelled", reason[:200]
        fu.save()
        records.append(("cancel_followup", "follow_up", fu.id, before, snapshot(fu)))
    write_audits(records)


def followups_after(form: Form, event: Event, subject: Person | None, data: dict) -> None:
    """What an event does to follow-ups: cancel, close, create (followups.toml)."""
    cancel_all, closes = followups.ended_by(form.key)
    people = {subject.id} if subject is not None else set()
    people |= {int(data[f.key]) for f in form.fields if f.type == "person" and data.get(f.key)}
    if cancel_all and subject is not None:
        end_followups({subject.id}, None, form.key)
    if closes:
        end_followups(people, closes, form.key)
    planned = followups.for_event(
        form.key, event.happened_on, data, subject.id if subject is not None else None
    )
    create_followups(planned, event.id)


def _open_followup(followup_id: Any) -> FollowUp:
    fu = followup_id if isinstance(followup_id, FollowUp) else by_id(FollowUp, followup_id)
    if fu is None:
        raise refuse("followup", FOLLOWUP, "ledger", "not_found")
    if fu.status != "open":
        states = {"done": Text("完成", "done"), "cancelled": Text("取消", "cancelled")}
        raise refuse("followup", FOLLOWUP, "followup", "not_open", value=states[fu.status])
    return fu


def mark_followup_done(followup_id: Any, values: Mapping[str, Any]) -> FollowUp:
    """A visit done: when, by whom, how; a recurring visit gets its next one."""
    return mark_followups_done([(followup_id, values)])[0]


def mark_followups_done(items: list[tuple[Any, Mapping[str, Any]]]) -> list[FollowUp]:
    """Several visits done at once (a day's round), all saved or none.

    Written with one UPDATE per batch, not per visit: the demo ticks off tens of
    thousands of visits, and a cadre's day of visits should save in a blink too.
    """
    form = current().forms["followup_done"]
    cleaned, seen = [], set()
    for fid, values in items:
        fid = int(getattr(fid, "id", fid))
        if fid in seen:  # the same visit twice in one round is done once
            continue
        seen.add(fid)
        cleaned.append((fid, clean(form, {"by": current_user(), **values})))
    with change():
        ids = [fid for fid, _ in cleaned]
        rows = {
            fu.id: fu
            for chunk in chunks(ids)
            for fu in FollowUp.select().where(FollowUp.id.in_(chunk))
        }
        for fid, _ in cleaned:
            if fid not in rows:
                raise refuse("followup", FOLLOWUP, "ledger", "not_found")
            _open_followup(rows[fid])  # refuses one already done or cancelled
        people = {fu.person_id for fu in rows.values()}
        residence = {
            pid: state
            for chunk in chunks(list(people))
            for pid, state in Person.select(Person.id, Person.residence)
            .where(Person.id.in_(chunk))
            .tuples()
        }
        updates, records, planned, done = [], [], [], []
        for fid, data in cleaned:
            fu = rows[fid]
            before = snapshot(fu)
            fu.status, fu.done_on, fu.done_by = "done", data["date"], data["by"]
            fu.outcome, fu.note = data["outcome"], data.get("note") or ""
            fu._dirty.clear()
            updates.append(
                (fu.status, fu.done_on.isoformat(), fu.done_by, fu.outcome, fu.note, fu.id)
            )
            records.append(("mark_followup_done", "follow_up", fu.id, before, snapshot(fu)))
            nxt = followups.after_done(
                fu.kind, fu.step, fu.person_id, residence[fu.person_id], fu.done_on, fu.due_on
            )
            if nxt is not None:
                planned.append(nxt)
            done.append(fu)
        mark = database.param
        database.cursor().executemany(
            f"UPDATE follow_up SET status = {mark}, done_on = {mark}, done_by = {mark}, "
            f"outcome = {mark}, note = {mark} WHERE id = {mark}",
            updates,
        )
        write_audits(records)
        create_followups(planned)
    return done


def reschedule_followup(followup_id: Any, values: Mapping[str, Any]) -> FollowUp:
    """Move a visit's due date, with the reason."""
    form = current().forms["followup_reschedule"]
    data = clean(form, values)
    with change():
        fu = _open_followup(followup_id)
        before = snapshot(fu)
        fu.due_on, fu.reason = data["due"], data["reason"]
        if fu.window_start and fu.window_start > fu.due_on:
            fu.window_start = fu.due_on
        fu.save()
        audit("reschedule_followup", fu, before)
    return fu


def ensure_monthly_followups(day: dt.date | None = None) -> int:
    """Give every flagged household (a special family) its visit for this month, once."""
    day = day or clock.today()
    rules = [r for r in current().followups.rules.values() if r.household_flag]
    planned = []
    with change():
        for rule in rules:
            flagged = Household.select().where(getattr(Household, rule.household_flag) == True)  # noqa: E712
            # One visit a month: last month's, done or missed, does not stand for this one.
            this_month = FollowUp.select(FollowUp.household).where(
                (FollowUp.kind == rule.key)
                & (FollowUp.due_on == followups.month_end(day))
                & (FollowUp.status != "cancelled")
            )
            for household in flagged.where(Household.id.not_in(this_month)):
                planned += [p for p in followups.monthly_for(household, day) if p.rule == rule.key]
        create_followups(planned)
    return len(planned)


def household_flags_changed(household: Household, before: dict[str, Any]) -> None:
    for rule in current().followups.rules.values():
        flag = rule.household_flag
        if not flag or bool(before.get(flag)) == bool(getattr(household, flag)):
            continue
        if getattr(household, flag):
            create_followups(
                [p for p in followups.monthly_for(household, clock.today()) if p.rule == rule.key]
            )
        else:
            members = {
                p
                for (p,) in Person.select(Person.id)
                .where(Person.household == household.id)
                .tuples()
            }
            end_followups(members, [rule.key], f"edit_household:{flag}")


def regenerate_followups() -> tuple[int, int, int]:
    """Plan every open visit again from all events (after the township changed its rules).

    Visits done or cancelled stay as they are; an open visit the rules still give is
    kept, with any rescheduling; open visits the rules no longer give are removed and
    missing ones added, all audited. Returns (added, removed, kept).
    """
    with change():
        events = [
            (eid, kind, pid, happened, json.loads(data))
            for eid, kind, pid, happened, data in Event.select(
                Event.id, Event.kind, Event.person, Event.happened_on, Event.data
            )
            .order_by(Event.happened_on, Event.id)
            .tuples()
        ]
        kept: dict = {}
        current_open: dict = {}
        for fid, rule, step, pid, source, status, done_on, due_on in FollowUp.select(
            FollowUp.id,
            FollowUp.kind,
            FollowUp.step,
            FollowUp.person,
            FollowUp.source_event,
            FollowUp.status,
            FollowUp.done_on,
            FollowUp.due_on,
        ).tuples():
            key = (rule, step, pid, source)
            if status == "open":
                current_open[key] = fid
            else:
                kept[key] = (status, done_on, due_on)
        residence = dict(Person.select(Person.id, Person.residence).tuples())
        wanted = followups.replan(events, kept, residence)
        # Visits from the opening register or a household flag have no event behind them.
        for key in current_open:
            rule = current().followups.rules.get(key[0])
            if key[3] is None and rule is not None and (rule.household_flag or key[1] == 0):
                wanted.setdefault(key, None)
        removed = [fid for key, fid in current_open.items() if key not in wanted]
        for chunk in chunks(removed):
            rows = list(FollowUp.select().where(FollowUp.id.in_(chunk)))
            FollowUp.delete().where(FollowUp.id.in_(chunk)).execute()
            write_audits([("regenerate_remove", "follow_up", r.id, snapshot(r), {}) for r in rows])
        add = [p for key, p in wanted.items() if key not in current_open and p is not None]
        by_source: dict[int | None, list] = {}
        for key, p in wanted.items():
            if key not in current_open and p is not None:
                by_source.setdefault(key[3], []).append(p)
        for source, planned in by_source.items():
            create_followups(planned, source)
        # A rule whose days changed moves the open visits it gave, unless rescheduled.
        moved = {current_open[k]: p for k, p in wanted.items() if k in current_open and p}
        for chunk in chunks(list(moved)):
            for fu in FollowUp.select().where(FollowUp.id.in_(chunk) & (FollowUp.reason == "")):
                plan = moved[fu.id]
                if (fu.due_on, fu.window_start) != (plan.due_on, plan.window_start):
                    before = snapshot(fu)
                    fu.due_on, fu.window_start = plan.due_on, plan.window_start
                    fu.save()
                    audit("regenerate_move", fu, before)
        ensure_monthly_followups()
    return len(add), len(removed), len(current_open) - len(removed)
