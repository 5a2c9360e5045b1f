"""Follow-ups (随访): when visits fall due, by the rules of schemas/followups.toml.

The planning here is pure: given an event (or a household flag, or a visit just done)
it returns the visits to create, and which open ones an event ends. `ledger.py` writes
them in the same transaction as the change that caused them. The lists the cadres work
from (overdue, due this week, by group, by household) are read here too.

"Today" always comes from `clock`, so tests can travel in time.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

import peewee as pw

from fptui import clock
from fptui.models import Area, FollowUp, Household, Person
from fptui.schema import FollowupRule, current


@dataclass(frozen=True)
class Planned:
    rule: str
    step: int
    person: int
    due_on: dt.date
    window_start: dt.date


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _anchor(rule: FollowupRule, happened_on: dt.date, data: dict[str, Any]) -> dt.date | None:
    base = happened_on
    if rule.anchor_field:
        value = data.get(rule.anchor_field)
        if value is None:
            return None
        base = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return base + dt.timedelta(days=rule.anchor_days)


def _yearly(rule: FollowupRule, year: int) -> tuple[dt.date, dt.date]:
    y = rule.yearly or {}
    due = dt.date(year, y["month"], y["day"])
    return due, dt.date(year, y.get("from_month", 1), 1)


def for_event(
    kind: str, happened_on: dt.date, data: dict[str, Any], subject: int | None
) -> list[Planned]:
    """The visits an event of `kind` creates (for its subject or the person a rule names)."""
    planned = []
    for rule in current().followups.created_by(kind):
        person = data.get(rule.person) if rule.person else subject
        if person is None:
            continue
        if rule.yearly:
            field = rule.yearly.get("year_field")
            year = int(data[field]) if field and data.get(field) else happened_on.year
            due, start = _yearly(rule, year + rule.yearly.get("years_after", 0))
            planned.append(Planned(rule.key, 0, int(person), due, start))
            continue
        anchor = _anchor(rule, happened_on, data)
        if anchor is None:
            continue
        for step, visit in enumerate(rule.visits):
            end = anchor + dt.timedelta(days=visit.end)
            if rule.skip_past and end < happened_on:
                continue
            planned.append(
                Planned(
                    rule.key,
                    step,
                    int(person),
                    anchor + dt.timedelta(days=visit.due),
                    anchor + dt.timedelta(days=visit.start),
                )
            )
    return planned


def for_state(person: int, residence: str, day: dt.date) -> list[Planned]:
    """Visits owed by a person found in a state (an out-migrant when the ledger opens)."""
    planned = []
    for rule in current().followups.rules.values():
        if rule.repeat_while == residence and rule.visits:
            visit = rule.visits[0]
            planned.append(Planned(rule.key, 0, person, day + dt.timedelta(days=visit.due), day))
    return planned


def after_done(
    rule_key: str, step: int, person: int, residence: str, done_on: dt.date, due_on: dt.date
) -> Planned | None:
    """The next visit of a recurring rule, once one is done (None when it does not recur)."""
    rule = current().followups.rules.get(rule_key)
    if rule is None or residence not in ("here", "out", "in_migrant"):
        return None  # nobody visits the dead or those gone away
    if rule.repeat_days:
        if rule.repeat_while and residence != rule.repeat_while:
            return None
        return Planned(
            rule.key, step + 1, person, done_on + dt.timedelta(days=rule.repeat_days), done_on
        )
    if rule.yearly:  # the next confirmation date after this one and after the visit
        year = due_on.year + 1
        while _yearly(rule, year)[0] < done_on:
            year += 1
        due, start = _yearly(rule, year)
        return Planned(rule.key, step + 1, person, due, start)
    if rule.monthly:  # next month's, counted from the later of due and done
        nxt = month_end(max(due_on, done_on)) + dt.timedelta(days=1)
        return Planned(rule.key, step + 1, person, month_end(nxt), nxt)
    return None


def monthly_for(household: Household, day: dt.date) -> list[Planned]:
    """This month's visit for each flag rule the household carries (to its head)."""
    if household.head_id is None:
        return []
    head = Person.select(Person.residence).where(Person.id == household.head_id).scalar()
    if head not in ("here", "out", "in_migrant"):
        return []  # a head who died or left: the household needs a new head first
    out = []
    for rule in current().followups.rules.values():
        if rule.household_flag and getattr(household, rule.household_flag):
            out.append(Planned(rule.key, 0, household.head_id, month_end(day), day.replace(day=1)))
    return out


def ended_by(kind: str) -> tuple[bool, list[str]]:
    """Whether `kind` cancels all of a person's open visits, and which rules it closes."""
    rules = current().followups
    return kind in rules.cancel_on, [r.key for r in rules.closed_by(kind)]


def title(rule_key: str, lang: str = "zh") -> str:
    rule = current().followups.rules.get(rule_key)
    return rule.title(lang) if rule else rule_key


# --- lists ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    id: int
    household_id: int
    household: str
    village: str
    group: str
    person_id: int
    person: str
    kind: str
    due_on: dt.date
    window_start: dt.date | None
    days_overdue: int
    address: str = ""


DUE = ("overdue", "7d", "30d", "all")


def open_list(
    due: str = "overdue",
    *,
    village: int | None = None,
    group: int | None = None,
    household: int | None = None,
    today: dt.date | None = None,
    by: dt.date | None = None,
) -> list[Row]:
    """Open visits, soonest due first: overdue; due within 7 or 30 days (overdue ones
    included, they are the most urgent); or all. `by`: overdue as of that day instead
    (the month end: due before the month was over); the days overdue are always counted
    to `today`, so a visit reads the same on every screen."""
    if due not in DUE:
        raise ValueError(f"due must be one of {', '.join(DUE)}")
    today = today or clock.today()
    cutoff = min(by, today) if by is not None else today
    group_area = Area.alias()
    query = (
        FollowUp.select(
            FollowUp.id,
            FollowUp.household,
            Household.number,
            Area.name,
            group_area.code,
            FollowUp.person,
            Person.name,
            FollowUp.kind,
            FollowUp.due_on,
            FollowUp.window_start,
            Household.address,
        )
        .join(Person, on=(FollowUp.person == Person.id))
        .switch(FollowUp)
        .join(Household, on=(FollowUp.household == Household.id))
        .join(Area, on=(Household.village == Area.id))
        .switch(Household)
        .join(group_area, pw.JOIN.LEFT_OUTER, on=(Household.group == group_area.id))
        .where(FollowUp.status == "open")
        .order_by(FollowUp.due_on, Household.number, FollowUp.id)
    )
    if due == "overdue":
        query = query.where(FollowUp.due_on < cutoff)
    elif due in ("7d", "30d"):
        query = query.where(FollowUp.due_on <= today + dt.timedelta(days=int(due[:-1])))
    if village is not None:
        query = query.where(Household.village == village)
    if group is not None:
        query = query.where(Household.group == group)
    if household is not None:
        query = query.where(FollowUp.household == household)
    return [
        Row(
            fid,
            hid,
            number,
            vname,
            gcode or "",
            pid,
            pname,
            kind,
            due_on,
            start,
            max(0, (today - due_on).days),
            address,
        )
        for fid, hid, number, vname, gcode, pid, pname, kind, due_on, start, address in (
            query.tuples()
        )
    ]


def counts(today: dt.date | None = None, village: int | None = None) -> dict[str, int]:
    """How many open visits are overdue, due within 7 days (not yet overdue), and open."""
    today = today or clock.today()
    query = FollowUp.select(FollowUp.due_on).where(FollowUp.status == "open")
    if village is not None:
        query = query.join(Household).where(Household.village == village)
    overdue = week = total = 0
    for (due_on,) in query.tuples():
        total += 1
        if due_on < today:
            overdue += 1
        elif due_on <= today + dt.timedelta(days=7):
            week += 1
    return {"overdue": overdue, "week": week, "open": total}


def replan(
    events: list[tuple[int, str, int | None, dt.date, dict[str, Any]]],
    kept: dict[tuple[str, int, int, int | None], tuple[str, dt.date | None, dt.date]],
    residence: dict[int, str],
) -> dict[tuple[str, int, int, int | None], Planned]:
    """The open visits the rules give, replaying every event from the start.

    `events` are (id, kind, subject, date, data) in the order they happened; `kept` the
    visits already done or cancelled, by (rule, step, person, source event), with their
    status, done date and due date. A visit already done or cancelled is not planned
    again; a recurring rule's latest done visit plans its next, unless a later event
    ended that rule for the person. Returns the open visits by the same key.
    """
    forms = current().forms
    open_: dict[tuple[str, int, int, int | None], Planned] = {}
    by_person: dict[int, set[tuple[str, int, int, int | None]]] = {}
    ended: dict[tuple[str | None, int], dt.date] = {}  # (rule or None for all, person)

    def drop(person: int, rule: str | None) -> None:
        for key in [k for k in by_person.get(person, ()) if rule is None or k[0] == rule]:
            open_.pop(key, None)
            by_person[person].discard(key)

    for event_id, kind, subject, happened_on, data in events:
        form = forms.get(kind)
        if form is None:
            continue
        cancel_all, closes = ended_by(kind)
        people = {subject} if subject is not None else set()
        people |= {int(data[f.key]) for f in form.fields if f.type == "person" and data.get(f.key)}
        if cancel_all and subject is not None:
            ended[(None, subject)] = happened_on
            drop(subject, None)
        for rule in closes:
            for person in people:
                ended[(rule, person)] = happened_on
                drop(person, rule)
        for p in for_event(kind, happened_on, data, subject):
            key = (p.rule, p.step, p.person, event_id)
            if key not in kept:
                open_[key] = p
                by_person.setdefault(p.person, set()).add(key)
    latest: dict[tuple[str, int], tuple[int, int | None, dt.date, dt.date]] = {}
    kept_by_person: dict[int, list[tuple[str, int, int, int | None]]] = {}
    for key in kept:
        kept_by_person.setdefault(key[2], []).append(key)
    for (rule, step, person, source), (status, done_on, due_on) in kept.items():
        if status == "done" and done_on is not None:
            best = latest.get((rule, person))
            if best is None or done_on > best[2]:
                latest[(rule, person)] = (step, source, done_on, due_on)
    for (rule, person), (step, _source, done_on, due_on) in latest.items():
        stops = [ended.get((rule, person)), ended.get((None, person))]
        if any(day is not None and day >= done_on for day in stops):
            continue
        nxt = after_done(rule, step, person, residence.get(person, ""), done_on, due_on)
        if nxt is None:
            continue
        if any(
            k[0] == rule and k[1] == step + 1 and kept[k][2] > done_on
            for k in kept_by_person.get(person, ())
        ):
            continue  # its successor is already done or cancelled
        if any(open_[k].due_on == nxt.due_on for k in by_person.get(person, ()) if k[0] == rule):
            continue  # an event planned the same visit
        open_[(nxt.rule, nxt.step, nxt.person, None)] = nxt
    return open_
