"""Households: added, corrected, given a head; and the search text of their members.

A household's search text (search.py) holds its number and every member's name, pinyin
keys and ID number, and its words are kept as search keys (table search_key) that one
indexed query finds it by; both are rebuilt here, in the transaction of the change,
whenever a member or the number changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fptui import clock
from fptui.ledger.areas import village_and_group
from fptui.ledger.changes import audit, change, snapshot
from fptui.ledger.rows import HOUSEHOLD, columns, get_household, get_person
from fptui.ledger.versions import expect, save
from fptui.ledger.visits import household_flags_changed
from fptui.models import (
    Household,
    Person,
    SearchKey,
    database,
)
from fptui.schema import Form, Text, current
from fptui.schema.validate import clean, refuse
from fptui.search import index_keys, search_text


def reindex_households(household_ids: Iterable[int] | None = None) -> None:
    """Rebuild the search text of these households (all when None), from their members,
    and their search keys: the keys of the text they had are taken away and those of
    the new one written (a household voided away took its keys with it)."""
    members = Person.select(
        Person.household, Person.name, Person.py_initials, Person.py_full, Person.id_number
    ).order_by(Person.household, Person.id)
    households = Household.select(Household.id, Household.number, Household.search)
    if household_ids is not None:
        ids = list(household_ids)
        members = members.where(Person.household.in_(ids))
        households = households.where(Household.id.in_(ids))
    by_household: dict[int, list[tuple]] = {}
    for household_id, *member in members.tuples().iterator():
        by_household.setdefault(household_id, []).append(tuple(member))
    texts, before = {}, {}
    for hid, number, text in households.tuples().iterator():
        texts[hid] = search_text(number, by_household.get(hid, []))
        before[hid] = text or ""
    changed = {hid: text for hid, text in texts.items() if text != before[hid]}
    mark = database.param
    database.cursor().executemany(
        f"UPDATE household SET search = {mark} WHERE id = {mark}",
        [(text, hid) for hid, text in changed.items()],
    )
    if household_ids is None:  # a repair: every key afresh
        SearchKey.delete().execute()
        index_households(texts)
        return
    gone, added = [], []
    for hid, text in changed.items():
        old, new = index_keys(before[hid]), index_keys(text)
        gone += [(key, hid) for key in sorted(old - new)]
        added += [(key, hid) for key in sorted(new - old)]
    cursor = database.cursor()
    cursor.executemany(
        f"DELETE FROM search_key WHERE key = {mark} AND household_id = {mark}", gone
    )
    cursor.executemany(
        f"INSERT INTO search_key (key, household_id) VALUES ({mark}, {mark})", added
    )


def index_households(texts: Mapping[int, str]) -> None:
    """Write the search keys of households that have none, from their search texts
    (household id -> text), in the caller's transaction."""
    mark = database.param
    database.cursor().executemany(
        f"INSERT INTO search_key (key, household_id) VALUES ({mark}, {mark})",
        [(key, hid) for hid, text in texts.items() for key in sorted(index_keys(text))],
    )


def add_household(values: Mapping[str, Any]) -> Household:
    form = current().forms["household"]
    data = clean(form, values)
    with change():
        village_and_group(data, form)
        _unique_number(data["village"], data["number"], None, form)
        text = search_text(data["number"], [])
        household = Household.create(
            **columns(Household, data), created_on=clock.today(), search=text
        )
        index_households({household.id: text})
        audit("add_household", household, None)
    return household


def edit_household(
    household_id: Any, values: Mapping[str, Any], *, expected_version: int | None = None
) -> Household:
    """Correct the household card: only the fields given change. `expected_version`: the
    version the card was read at; refused (`ledger.changed_since`) if it changed since."""
    form = current().forms["household"]
    data = clean(form, values, partial=True)
    with change():
        household = get_household(household_id, lock=True)
        expect(household, expected_version, HOUSEHOLD)
        before = snapshot(household)
        merged = {"village": household.village_id, "group": household.group_id, **data}
        village_and_group(merged, form)
        if "number" in data or "village" in data:  # a number unique in its village
            _unique_number(
                merged["village"], data.get("number", household.number), household.id, form
            )
        for key, value in columns(Household, data).items():
            setattr(household, key, value)
        if snapshot(household) == before:
            return household  # nothing changed: nothing written
        save(household)
        if "number" in data:
            reindex_households([household.id])
        audit("edit_household", household, before)
        household_flags_changed(household, before)
    return household


def _unique_number(village_id: int, number: str, own_id: int | None, form: Form) -> None:
    query = Household.select().where(
        (Household.village == village_id) & (Household.number == number)
    )
    if own_id is not None:
        query = query.where(Household.id != own_id)
    if query.exists():
        raise refuse("number", form.field("number").label, "ledger", "duplicate_household")


def set_head(
    household_id: Any,
    person_id: Any,
    *,
    expected_version: int | None = None,
    previous_relation: str | None = None,
) -> Household:
    """Make a member the head: their relation becomes 户主, and the head before them
    takes `previous_relation` (their relation to the new head; 其他 when not given),
    so a household never shows two heads or a head called 配偶. `expected_version`:
    the household's, as for edits."""
    label = Text("户主", "Head")
    relations = current().choices["relation"]
    others = [key for key in relations.keys if key != "head"]
    if previous_relation is not None and previous_relation not in others:
        raise refuse(
            "previous_relation",
            relations.label,
            "field",
            "not_a_choice",
            options=", ".join(others),
        )
    with change():
        household = get_household(household_id, lock=True)
        expect(household, expected_version, HOUSEHOLD)
        person = get_person(person_id, label, "head")
        if person.household_id != household.id:
            raise refuse("head", label, "ledger", "not_in_household")
        if household.head_id == person.id:
            return household  # already the head: nothing written
        old = get_person(household.head_id) if household.head_id else None
        before = snapshot(household)
        household.head = person
        save(household)
        audit("set_head", household, before)
        for member, relation in ((person, "head"), (old, previous_relation or "other")):
            if member is not None and member.relation != relation:
                was = snapshot(member)
                member.relation = relation
                save(member)
                audit("set_head_person", member, was)
    return household
