"""The forms of the ledger cards and events, built from schemas/ for the FormScreen.

Each builder picks the fields, their starting values and what a record field may name
(a household's women for a birth's mother), and gives the form the ledger function that
saves it. The ledger is imported when a form is saved, not when fptui starts.

A form that edits a record remembers the version it read and saves with it
(`expected_version`), and can read the record again (`reload`, Ctrl+R) when the ledger
refused the save because another cadre changed it meanwhile.
"""

from __future__ import annotations

from typing import Any

from fptui import schema
from fptui.reads import queries
from fptui.tui.screens.form import FormField, FormScreen, shown
from fptui.tui.text import lang, month_name, t


def _label(c: queries.Candidate) -> str:
    label = f"{c.name} {t('age_years', n=c.age)}"
    return f"{label} {t('mothers_spouse')}" if c.note == "spouse" else label


def _fields(
    form: schema.Form,
    keys: list[str] | None = None,
    initial: dict | None = None,
    options: dict[str, list] | None = None,
    editing: bool = False,
) -> list[FormField]:
    initial = initial or {}
    out = []
    for f in form.fields:
        if keys is not None and f.key not in keys:
            continue
        start = shown(initial.get(f.key, f.default if not editing else None), f)
        out.append(
            FormField(
                form, f, start, (options or {}).get(f.key), read_only=editing and not f.editable
            )
        )
    return out


_HOUSEHOLD_CARD = ("number", "address", "registration", "phone", "one_child", "special_family")


def household_form(village: int | None = None, household_id: int | None = None) -> FormScreen:
    form = schema.current().forms["household"]
    villages = [(v.id, v.name) for v in queries.villages()]
    opened: dict[str, Any] = {}  # the version the card was read at

    def card(village: int | None) -> list[FormField]:
        initial: dict[str, Any] = {}
        group = None
        if household_id is not None:
            h = queries.household_card(household_id).household
            opened["version"] = h.version
            initial = {k: getattr(h, k) for k in _HOUSEHOLD_CARD}
            village, group = h.village_id, h.group_id
        if village is None and len(villages) == 1:
            village = villages[0][0]
        groups = [(g.id, g.name) for g in queries.groups(village)] if village else []
        initial["village"] = next(
            (str(i) for i, (v, _) in enumerate(villages, 1) if v == village), ""
        )
        initial["group"] = next((str(i) for i, (g, _) in enumerate(groups, 1) if g == group), "")
        fields = _fields(form, initial=initial, options={"village": villages, "group": groups})
        for f in fields:  # shown as the option numbers typed above
            if f.key in ("village", "group"):
                f.initial = initial[f.key]
            if f.key == "group":  # the groups are those of the village chosen
                f.options_for = lambda values: [
                    (g.id, g.name) for g in queries.groups(values.get("village") or None)
                ]
        return fields

    def submit(values: dict[str, Any]) -> Any:
        from fptui import ledger

        if household_id is None:
            return ledger.add_household(values).id
        return ledger.edit_household(household_id, values, expected_version=opened["version"]).id

    fields = card(village)
    if household_id is None:
        return FormScreen(t("new_household"), fields, submit, draft_key="household:new")
    number = next(f.initial for f in fields if f.key == "number")
    title = f"{t('edit')} · {t('household_short')} {number}"
    return FormScreen(
        title,
        fields,
        submit,
        partial=True,
        reload=lambda: {f.key: f.initial for f in card(None)},
        draft_key=f"household:{household_id}",
    )


def person_form(household_id: int, person_id: int | None = None) -> FormScreen:
    form = schema.current().forms["person"]
    opened: dict[str, Any] = {}  # the version the card was read at

    def card() -> list[FormField]:
        initial: dict[str, Any] = {}
        if person_id is not None:
            p = queries.person(person_id)
            opened["version"] = p.version
            initial = {f.key: getattr(p, f.key) for f in form.fields}
        return _fields(form, initial=initial, editing=person_id is not None)

    fields = card()
    if person_id is None:
        fields = [f for f in fields if f.key != "residence"]  # newcomers arrive by events

    def submit(values: dict[str, Any]) -> Any:
        from fptui import ledger

        if person_id is None:
            return ledger.add_person(household_id, values).id
        return ledger.edit_person(person_id, values, expected_version=opened["version"]).id

    number = queries.household_card(household_id).household.number
    title = f"{t('new_person')} · {t('household_short')} {number}"
    if person_id is None:
        return FormScreen(title, fields, submit, draft_key=f"person:new:{household_id}")
    title = f"{t('edit')} · {queries.person(person_id).name} · {t('household_short')} {number}"
    return FormScreen(
        title,
        fields,
        submit,
        partial=True,
        reload=lambda: {f.key: f.initial for f in card()},
        draft_key=f"person:{person_id}",
    )


def event_form(
    kind: str, *, person_id: int | None = None, household_id: int | None = None
) -> FormScreen:
    """The form of event `kind` for a person (or, for births and arrivals, a household)."""
    schemas = schema.current()
    form = schemas.forms[kind]
    options: dict[str, list] = {}
    initial: dict[str, Any] = {}
    preview = None
    start = None
    follows: dict[str, Any] = {}  # the father's options and default, given the mother
    if kind == "birth":
        mothers = queries.mothers_in(household_id) if household_id else []
        options["mother"] = [(m.id, _label(m)) for m in mothers]
        if len(mothers) == 1:  # the only woman who can be the mother: chosen
            initial["mother"] = "1"

        known: dict[Any, queries.Fathers] = {}  # by mother: read once, not per key typed

        def fathers_of(values: dict[str, Any]) -> queries.Fathers:
            """Her spouse first, chosen when he lives here; then the household's men."""
            mother = values.get("mother") or None
            if mother not in known:
                known[mother] = (
                    queries.fathers_for(household_id, mother)
                    if household_id
                    else queries.Fathers([], default=False)
                )
            return known[mother]

        follows["options_for"] = lambda values: [
            (c.id, _label(c)) for c in fathers_of(values).candidates
        ]
        follows["initial_for"] = lambda values: "1" if fathers_of(values).default else ""

        fathers = fathers_of({"mother": mothers[0].id if len(mothers) == 1 else None})
        options["father"] = [(f.id, _label(f)) for f in fathers.candidates]
        initial["father"] = "1" if fathers.default else ""
        # The cursor starts past what is chosen: at the father when only he is left to
        # choose, else at the child's name (the date then takes the day alone).
        if "mother" in initial:
            start = "father" if fathers.candidates and not fathers.default else "name"

        def preview(values: dict[str, Any]) -> str:
            if not values.get("mother"):
                return t("choose_mother") if mothers else t("no_mother")
            return t("birth_order", n=queries.birth_order_for(values["mother"]))

    home = household_id or (queries.person(person_id).household_id if person_id else None)
    subject = queries.person(person_id) if person_id else None
    for f in form.fields:
        if f.type == "person" and f.key not in options and home:
            if f.key == "spouse" and subject is not None:  # unmarried, of the other sex
                other = "F" if subject.sex == "M" else "M"
                found = queries.members_of(home, other, exclude=person_id, unmarried=True)
            elif f.key == "father" and subject is not None:  # a pregnancy's: hers first
                found = queries.fathers_for(home, subject.id).candidates
            else:
                found = queries.members_of(home, {"father": "M"}.get(f.key), exclude=person_id)
            options[f.key] = [(c.id, _label(c)) for c in found]
    fields = []
    if form.subject == "new_person":
        fields = _fields(schemas.forms["person"], list(form.person_fields))
    fields = _fields(form, initial=initial, options=options) + fields
    for f in fields:
        if f.key in initial:  # shown as the option numbers typed above
            f.initial = initial[f.key]
        if f.key == "father" and follows:  # they follow the mother chosen
            f.options_for, f.initial_for = follows["options_for"], follows["initial_for"]
    title = form.title(lang())
    if person_id is not None:
        title = f"{title} · {queries.person(person_id).name}"
    if home is not None:
        title = f"{title} · {t('household_short')} {queries.household_card(home).household.number}"

    def submit(values: dict[str, Any]) -> Any:
        from fptui import ledger

        return ledger.record_event(kind, values, person=person_id, household=household_id).id

    draft = f"event:{kind}:person:{person_id}:household:{household_id}"
    return FormScreen(
        title, fields, submit, preview=preview, saved=_late_note, draft_key=draft, start=start
    )


def _late_note(event_id: int) -> str | None:
    """Said at once when a saved event's month is closed: the month it is counted in."""
    from fptui.reads import period

    event = queries.event(event_id)
    month = period.counted_in(event.village_id, event.happened_on)
    if month is None:
        return None
    closed = period.closed_since(event.village_id, event.happened_on)
    return t("saved_late", closed=month_name(closed), month=month_name(month))


def event_edit_form(event_id: int) -> FormScreen:
    """Correct a recorded event: its date and its own details. Who it names (mother,
    spouse, the child's name and sex) belongs to their cards and is not changed here;
    an event of a closed month is refused by the ledger, saying how to correct it."""
    import json

    event = queries.event(event_id)
    form = schema.current().forms[event.kind]
    person_keys = {"name", "sex", "id_number"} if form.subject == "birth" else set()
    keys = [
        f.key
        for f in form.fields
        if f.type != "person" and f.key not in person_keys and f.key not in form.person_fields
    ]
    opened: dict[str, Any] = {}  # the version the event was read at

    def card() -> list[FormField]:
        event = queries.event(event_id)
        opened["version"] = event.version
        return _fields(form, keys, initial={**json.loads(event.data), "date": event.happened_on})

    def submit(values: dict[str, Any]) -> Any:
        from fptui import ledger

        return ledger.edit_event(event_id, values, expected_version=opened["version"]).id

    who = queries.person(event.person_id).name if event.person_id else ""
    title = f"{t('correct_event')} · {form.title(lang())} · {who}".rstrip(" ·")
    return FormScreen(
        title,
        card(),
        submit,
        partial=True,
        reload=lambda: {f.key: f.initial for f in card()},
        draft_key=f"event_edit:{event_id}",
    )


def event_void_form(event_id: int) -> FormScreen:
    """Void an event entered in error: the reason is asked, and the ledger puts back
    every row the event's save wrote (refused after a close or a later change)."""
    event = queries.event(event_id)
    form = schema.current().forms["event_void"]
    kind = schema.current().forms[event.kind].title(lang())

    def submit(values: dict[str, Any]) -> Any:
        from fptui import ledger

        ledger.void_event(event_id, values.get("reason") or "")
        return event_id

    title = f"{form.title(lang())} · {event.happened_on} {kind}"
    return FormScreen(title, _fields(form), submit, draft_key=f"event_void:{event_id}")
