"""Persons already living in a household when the ledger is opened, and corrections to
their cards. A newcomer arrives by an event instead (events.py), so the monthly balance
can account for them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fptui.ledger.changes import audit, change, snapshot
from fptui.ledger.households import reindex_households
from fptui.ledger.rows import PERSON, columns, get_household, get_person
from fptui.ledger.versions import expect, save
from fptui.models import (
    Household,
    Person,
)
from fptui.pinyin import search_keys
from fptui.schema import Form, current
from fptui.schema.validate import checked_together, clean, refuse


def _unique_id_number(number: str | None, own_id: int | None, form: Form) -> None:
    if not number:
        return
    query = Person.select().where(Person.id_number == number)
    if own_id is not None:
        query = query.where(Person.id != own_id)
    if query.exists():
        raise refuse("id_number", form.field("id_number").label, "idcard", "duplicate")


def insert_person(household: Household, data: dict[str, Any], action: str) -> Person:
    form = current().forms["person"]
    _unique_id_number(data.get("id_number"), None, form)
    initials, full = search_keys(data["name"])
    person = Person.create(
        household=household, **columns(Person, data), py_initials=initials, py_full=full
    )
    audit(action, person, None)
    reindex_households([household.id])
    if data.get("relation") == "head" and household.head_id is None:
        household = get_household(household.id, lock=True)  # as it is now, held
        if household.head_id is None:
            before = snapshot(household)
            household.head = person
            save(household)
            audit("set_head", household, before)
    return person


def add_person(household_id: Any, values: Mapping[str, Any]) -> Person:
    """Add a person already living in the household when the ledger is opened.

    A newcomer arrives by an event instead (birth, move in, incoming migrant), so the
    monthly balance can account for them.
    """
    data = clean(current().forms["person"], values)
    with change():
        return insert_person(get_household(household_id), data, "add_person")


def edit_person(
    person_id: Any, values: Mapping[str, Any], *, expected_version: int | None = None
) -> Person:
    """Correct a person's card: only the fields given change. Residence changes only
    through events. `expected_version`: the version the card was read at (a form, a
    script); refused (`ledger.changed_since`, what changed, who, when) if it changed."""
    form = current().forms["person"]
    for key in values:
        if form.has(key) and not form.field(key).editable:
            raise refuse(key, form.field(key).label, "ledger", "event_only")
    with change():
        person = get_person(person_id, lock=True)
        expect(person, expected_version, PERSON)
        given = dict(values)
        if given.get("id_number"):
            # Compare a new ID number with the card's sex and date of birth too.
            given.setdefault("sex", person.sex)
            given.setdefault("birth_date", person.birth_date)
        for keys in checked_together(form):  # a marriage date against the birth, both ways
            if keys & given.keys():
                for key in keys:
                    given.setdefault(key, getattr(person, key))
        data = clean(form, given, partial=True)
        if "id_number" in data:
            _unique_id_number(data["id_number"], person.id, form)
        before = snapshot(person)
        for key, value in columns(Person, data).items():
            setattr(person, key, value)
        if snapshot(person) == before:
            return person  # nothing changed: nothing written
        if "name" in data:
            person.py_initials, person.py_full = search_keys(person.name)
        save(person)
        if "name" in data or "id_number" in data:
            reindex_households([person.household_id])
        audit("edit_person", person, before)
    return person
