"""Vital and other events: births, deaths, marriages, moves, pregnancies, benefits.

What an event does to its person (the residence and marital states it needs and sets,
the columns it copies, the spouse it changes too) is read from its form in
schemas/forms/events.toml, not written here; the visits it plans or ends are read from
followups.toml (visits.py). Each `record_*` is `record_event` of one form, named after
what the cadre does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from fptui import clock
from fptui.ledger.changes import audit, change, current_user, dumps, snapshot
from fptui.ledger.persons import insert_person
from fptui.ledger.rows import PERSON, by_id, get_household, get_person
from fptui.ledger.versions import save
from fptui.ledger.visits import followups_after
from fptui.models import (
    Event,
    Household,
    Person,
)
from fptui.reads.queries import birth_order_for
from fptui.schema import Form, Text, current
from fptui.schema.validate import InvalidInput, clean, refuse


def _check_subject(person: Person, form: Form, date: dt.date) -> None:
    from fptui.reads import checks

    if (
        form.residence_from
        and person.residence not in form.residence_from
        and not checks.restores_missing_event(person, form)
    ):
        raise _wrong_residence("person", PERSON, person)
    if form.sex and person.sex != form.sex:
        rule = "must_be_female" if form.sex == "F" else "must_be_male"
        raise refuse("person", PERSON, "ledger", rule)
    if form.marital_from and person.marital_status not in form.marital_from:
        rule = "already_married" if person.marital_status in MARRIED else "not_married"
        raise refuse("person", PERSON, "ledger", rule)
    if date < person.birth_date:
        raise refuse("date", form.field("date").label, "date", "before_birth")
    check_dated_in_order(person, form, date)


def _ends_record(state: str, forms: Mapping[str, Form]) -> bool:
    """No event takes a person out of `state` (dead, moved away, left): it ends their
    record, read from the forms' residence_from."""
    return not any(
        f.subject == "person" and (not f.residence_from or state in f.residence_from)
        for f in forms.values()
    )


def check_dated_in_order(
    person: Person, form: Form, date: dt.date, event_id: int | None = None
) -> None:
    """An event that moves the person is not dated before a move already recorded of
    them, and one that ends their record (a death) not before anything recorded of them:
    the ledger would hold a state its dated events contradict (a death before a go-out
    left the status check asking for an event that exists). `event_id`: the event being
    corrected, compared with the others (its moves with those recorded before it).
    Refused on the date, naming the event recorded and its date."""
    state = form.sets.get("residence")
    if state is None:
        return
    forms = current().forms
    later = Event.select(Event.kind, Event.happened_on).where(
        (Event.person == person.id) & (Event.happened_on > date)
    )
    if event_id is not None:
        later = later.where(Event.id != event_id)
    if not _ends_record(state, forms):
        moves = [k for k, f in forms.items() if "residence" in f.sets]
        later = later.where(Event.kind.in_(moves))
        if event_id is not None:
            later = later.where(Event.id < event_id)
    last = later.order_by(Event.happened_on.desc(), Event.id.desc()).first()
    if last is not None:
        title = forms[last.kind].title if last.kind in forms else Text(last.kind, last.kind)
        raise refuse(
            "date",
            form.field("date").label,
            "ledger",
            "before_recorded_event",
            event=title,
            date=str(last.happened_on),
        )


def _apply(person: Person, form: Form, data: dict[str, Any], action: str) -> None:
    """Set on `person` what the event form says it changes, with its audit record."""
    before = snapshot(person)
    for column, value in form.sets.items():
        setattr(person, column, value)
    for column, source in form.copies.items():
        if data.get(source) is not None:
            setattr(person, column, data[source])
    if form.marital_to and person.marital_status in form.marital_to:
        person.marital_status = form.marital_to[person.marital_status]
        if person.marital_status not in MARRIED:
            person.spouse = None
    if snapshot(person) != before:  # a pregnancy or a benefit leaves the card as it was
        save(person)
        audit(action, person, before)


MARRIED = ("first", "remarried")  # the marital states with a current spouse


def _spouse_for(person: Person, form: Form, data: dict[str, Any]) -> Person | None:
    """The spouse an event changes too, checked before anything is written.

    A marriage names its spouse in the form (someone of this ledger who may marry); a
    divorce reaches the current spouse through the person's link.
    """
    if not form.mirror_spouse:
        return None
    if form.has("spouse"):
        if not data.get("spouse"):
            return None
        label = form.field("spouse").label
        spouse = get_person(data["spouse"], label, "spouse", lock=True)
        if spouse.id == person.id:
            raise refuse("spouse", label, "ledger", "same_person")
        if spouse.residence not in (form.residence_from or (spouse.residence,)):
            raise _wrong_residence("spouse", label, spouse)
        if spouse.marital_status not in form.marital_from:
            rule = "already_married" if spouse.marital_status in MARRIED else "not_married"
            raise refuse("spouse", label, "ledger", rule)
        if data["date"] < spouse.birth_date:  # the date the spouse's card takes too
            raise refuse("date", form.field("date").label, "ledger", "before_spouse_birth")
        return spouse
    spouse = by_id(Person, person.spouse_id, lock=True) if person.spouse_id else None
    if spouse is None or spouse.marital_status not in form.marital_from:
        return None  # a link the ledger already shows as ended
    return spouse


def _mirror_spouse(person: Person, spouse: Person, form: Form, date: dt.date) -> None:
    """Give the spouse the same marital change, and the link both ways (or none)."""
    before = snapshot(spouse)
    spouse.marital_status = form.marital_to[spouse.marital_status]
    if spouse.marital_status in MARRIED:
        spouse.spouse = person.id
        spouse.marriage_date = date
    else:
        spouse.spouse = None
    save(spouse)
    audit(f"record_{form.key}_spouse", spouse, before)


def _save_event(
    form: Form, person: Person | None, household: Household, data: dict[str, Any]
) -> Event:
    details = {k: v for k, v in data.items() if k != "date" and v is not None}
    event = Event.create(
        kind=form.key,
        person=person,
        household=household,
        village=household.village_id,
        happened_on=data["date"],
        entered_on=clock.today(),
        entered_by=current_user(),
        data=dumps(details),
    )
    audit(f"record_{form.key}", event, None)
    followups_after(form, event, person, data)
    return event


def _parent(person_id: Any, label: Text, key: str, sex: str, *, lock: bool = False) -> Person:
    parent = get_person(person_id, label, key, lock=lock)
    if parent.sex != sex:
        raise refuse(key, label, "ledger", "must_be_female" if sex == "F" else "must_be_male")
    return parent


def _child_relation(mother: Person) -> str:
    if mother.relation in ("head", "spouse"):
        return "child"
    if mother.relation in ("son", "daughter", "child_in_law"):
        return "grandchild"
    return "other"


def _birth(form: Form, data: dict[str, Any], household_id: Any = None) -> Event:
    # held: her births are counted for the birth order, one birth at a time
    mother = _parent(data["mother"], form.field("mother").label, "mother", "F", lock=True)
    if mother.residence not in ("here", "out", "in_migrant"):
        raise _wrong_residence("mother", form.field("mother").label, mother)
    if data["date"] <= mother.birth_date:
        raise refuse("date", form.field("date").label, "ledger", "before_mother_birth")
    if data.get("father"):
        _parent(data["father"], form.field("father").label, "father", "M")
    household = get_household(household_id if household_id else mother.household_id)
    data["birth_order"] = birth_order_for(mother.id)
    relation = _child_relation(mother)
    if relation == "child":
        relation = "son" if data["sex"] == "M" else "daughter"
    child = insert_person(
        household,
        {
            "name": data["name"],
            "sex": data["sex"],
            "birth_date": data["date"],
            "id_number": data.get("id_number"),
            "relation": relation,
            "residence": "in_migrant" if mother.residence == "in_migrant" else "here",
            "mother": mother.id,
            "father": data.get("father"),
            "note": data.get("note") or "",
        },
        "record_birth_child",
    )
    return _save_event(form, child, household, data)


def _wrong_residence(key: str, label: Text, person: Person) -> InvalidInput:
    states = current().choices["residence"]
    return refuse(
        key,
        label,
        "ledger",
        "wrong_residence",
        current=Text(states.label_of(person.residence), states.label_of(person.residence, "en")),
    )


def record_event(
    kind: str,
    values: Mapping[str, Any],
    *,
    person: Any = None,
    household: Any = None,
) -> Event:
    """Record an event of `kind` (a form of events.toml) in one transaction.

    `person` is the subject of a "person" event; `household` receives a new person
    (move in, incoming migrant) or, for a birth, overrides the mother's household.
    """
    schemas = current()
    form = schemas.forms.get(kind)
    if form is None or not form.subject:
        raise refuse(
            "kind",
            Text("事件类型", "Event kind"),
            "field",
            "not_a_choice",
            options=", ".join(schemas.event_kinds),
        )
    values = dict(values)
    person_values = {k: values.pop(k) for k in form.person_fields if k in values}
    data = clean(form, values)
    with change():
        if form.subject == "birth":
            return _birth(form, data, household)
        if form.subject == "new_person":
            target = get_household(household)
            person_form = schemas.forms["person"]
            pdata = clean(person_form, person_values)
            if data["date"] < pdata["birth_date"]:
                raise refuse("date", form.field("date").label, "date", "before_birth")
            pdata.update(form.sets)
            subject = insert_person(target, pdata, f"record_{kind}_person")
        else:
            # held, then checked: of two deaths saved at once, the second finds the first
            subject = get_person(person, lock=True)
            _check_subject(subject, form, data["date"])
            spouse = _spouse_for(subject, form, data)
            if data.get("father"):
                _parent(data["father"], form.field("father").label, "father", "M")
            target = get_household(subject.household_id)  # not peewee's lazy read: see rows.py
            _apply(subject, form, data, f"record_{kind}_person")
            if spouse is not None:
                _mirror_spouse(subject, spouse, form, data["date"])
        event = _save_event(form, subject, target, data)
        if kind == "pregnancy_outcome" and data["outcome"] == "live_birth":
            birth = {
                "mother": subject.id,
                "father": data.get("father"),
                "date": data["date"],
                "name": data["child_name"],
                "sex": data["child_sex"],
                "place": data.get("place"),
            }
            _birth(schemas.forms["birth"], clean(schemas.forms["birth"], birth))
        return event


def record_birth(values: Mapping[str, Any], household: Any = None) -> Event:
    """A child born to `values["mother"]`: the child joins the household with its birth order."""
    return record_event("birth", values, household=household)


def record_death(person: Any, values: Mapping[str, Any]) -> Event:
    return record_event("death", values, person=person)


def record_marriage(person: Any, values: Mapping[str, Any]) -> Event:
    return record_event("marriage", values, person=person)


def record_divorce(person: Any, values: Mapping[str, Any]) -> Event:
    return record_event("divorce", values, person=person)


def record_widowhood(person: Any, values: Mapping[str, Any]) -> Event:
    return record_event("widowhood", values, person=person)


def record_move_in(household: Any, values: Mapping[str, Any]) -> Event:
    return record_event("move_in", values, household=household)


def record_move_out(person: Any, values: Mapping[str, Any]) -> Event:
    return record_event("move_out", values, person=person)


def record_go_out(person: Any, values: Mapping[str, Any]) -> Event:
    return record_event("go_out", values, person=person)


def record_return(person: Any, values: Mapping[str, Any]) -> Event:
    return record_event("return", values, person=person)


def register_migrant(household: Any, values: Mapping[str, Any]) -> Event:
    return record_event("migrant_in", values, household=household)


def record_migrant_left(person: Any, values: Mapping[str, Any]) -> Event:
    return record_event("migrant_left", values, person=person)


def register_pregnancy(person: Any, values: Mapping[str, Any]) -> Event:
    return record_event("pregnancy", values, person=person)


def record_pregnancy_outcome(person: Any, values: Mapping[str, Any]) -> Event:
    """The outcome; a live birth also records the birth of the child."""
    return record_event("pregnancy_outcome", values, person=person)


def record_contraception(person: Any, values: Mapping[str, Any]) -> Event:
    return record_event("contraception", values, person=person)


def confirm_benefit(person: Any, values: Mapping[str, Any]) -> Event:
    return record_event("benefit", values, person=person)
