"""THE write path: every change to the ledger goes through a function here.

Each function is named after what the cadre does, cleans its input by the schema form
(`validate.clean`, the same rules the screens use), and makes its change in one
transaction together with an audit record per row touched (who, when, what, before,
after). A refused change raises `InvalidInput` naming the field and the rule, and the
database is left as it was. What an event does to its person (the residence and marital
states it needs and sets, the columns it copies) is read from its form in
schemas/forms/events.toml, not written here.

Calls nest: inside `batch()` many changes share one commit (the demo and imports).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import getpass
import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import peewee as pw
from playhouse.shortcuts import model_to_dict

from fptui import clock, followups
from fptui.models import (
    MODELS,
    Area,
    Audit,
    Event,
    FollowUp,
    Household,
    MonthClose,
    Person,
    database,
)
from fptui.pinyin import search_keys
from fptui.queries import birth_order_for
from fptui.schema import Form, Text, current
from fptui.search import search_text
from fptui.validate import FieldError, InvalidInput, clean, refuse

_user: contextvars.ContextVar[str] = contextvars.ContextVar("fptui_user", default="")

PERSON = Text("人员", "Person")
HOUSEHOLD = Text("户", "Household")


def set_user(name: str) -> None:
    """Who the following changes are recorded as made by."""
    _user.set(name)


def current_user() -> str:
    name = _user.get()
    if not name:
        try:
            name = getpass.getuser()
        except (KeyError, OSError):
            name = "unknown"
    return name[:40]


@contextmanager
def batch() -> Iterator[None]:
    """Run many ledger changes in one transaction: all are saved, or none."""
    with database.atomic():
        yield


# --- audit ------------------------------------------------------------------------------

# The change being saved: its audit rows share a number (the id of its first row), so the
# log reads as one line per thing a cadre did. Nested calls belong to the outer change;
# `batch()` is not a change of its own, each call inside it is.
_open_change: contextvars.ContextVar[list[int | None] | None] = contextvars.ContextVar(
    "fptui_change", default=None
)


@contextmanager
def _change() -> Iterator[None]:
    """One transaction, one change: what every write function runs in."""
    if _open_change.get() is not None:
        with database.atomic():
            yield
        return
    token = _open_change.set([None])
    try:
        with database.atomic():
            yield
    finally:
        _open_change.reset(token)


def _change_holder() -> list[int | None] | None:
    return _open_change.get()


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot store {type(value).__name__}")


def _dumps(value: Any) -> str:
    return json.dumps(value, default=_json_default, ensure_ascii=False, sort_keys=True)


_DERIVED = ("search", "py_initials", "py_full")  # kept by the write path, not audited


def _snapshot(row: pw.Model) -> dict[str, Any]:
    return model_to_dict(
        row,
        recurse=False,
        exclude=[row._meta.fields[f] for f in _DERIVED if f in row._meta.fields],
    )


_touched: set[int | None] = set()


def take_touched() -> set[int]:
    """The households changed since the last call: what a live score must look at again."""
    touched = {h for h in _touched if h is not None}
    _touched.clear()
    return touched


def _audit(action: str, row: pw.Model, before: dict[str, Any] | None) -> None:
    _write_audits([(action, row._meta.table_name, row.id, before, _snapshot(row))])


def _write_audits(
    records: list[tuple[str, str, int, dict[str, Any] | None, dict[str, Any]]],
) -> None:
    """Insert audit rows (action, table, record id, before, after) stamped now, by the user.

    A prepared statement, not Audit.create: it runs for every row a change touches, and
    building each INSERT through the query builder cost more than the change itself.
    """
    for _action, table, record_id, before, after in records:
        row = after or before or {}
        _touched.add(record_id if table == "household" else row.get("household"))
    at, user, mark = clock.now().strftime("%Y-%m-%d %H:%M:%S"), current_user(), database.param
    insert = (
        f'INSERT INTO audit (at, "user", change, action, "table", record_id, before, after) '
        f"VALUES ({', '.join([mark] * 8)})"
    )

    def values(change: int | None, record: tuple) -> tuple:
        action, table, record_id, before, after = record
        before_text = _dumps(before) if before is not None else None
        return (at, user, change, action, table, record_id, before_text, _dumps(after))

    holder = _change_holder()
    if holder is not None and holder[0] is None and records:
        # The change's number is its first row's id, as the database gave it (a sequence
        # on PostgreSQL, where another session may be writing too).
        (first,) = database.execute_sql(
            f"{insert} RETURNING id", values(None, records[0])
        ).fetchone()
        database.execute_sql(f"UPDATE audit SET change = {mark} WHERE id = {mark}", (first, first))
        holder[0] = first
        records = records[1:]
    change = holder[0] if holder is not None else None
    if records:
        database.cursor().executemany(insert, [values(change, r) for r in records])


# --- lookups ----------------------------------------------------------------------------


_SELECT_BY_ID: dict[tuple[type[pw.Model], str], str] = {}


def _by_id(model: type[pw.Model], pk: Any) -> pw.Model | None:
    """The row of `model` with id `pk`, read fresh inside the current transaction.

    Peewee's `get_by_id` builds its SELECT anew on every call, which cost a quarter of
    a millisecond; each change reads one to three rows, so the SELECT is built once.
    """
    try:
        pk = int(getattr(pk, "id", pk))
    except (TypeError, ValueError):
        return None
    fields = model._meta.sorted_fields
    key = (model, database.param)  # the placeholder differs: ? for SQLite, %s PostgreSQL
    if key not in _SELECT_BY_ID:
        columns = ", ".join(f'"{f.column_name}"' for f in fields)
        _SELECT_BY_ID[key] = (
            f'SELECT {columns} FROM "{model._meta.table_name}" WHERE "id" = {database.param}'
        )
    row = database.execute_sql(_SELECT_BY_ID[key], (pk,)).fetchone()
    if row is None:
        return None
    instance = model(__no_default__=1, **{f.name: f.python_value(v) for f, v in zip(fields, row)})
    instance._dirty.clear()
    return instance


def _person(person_id: Any, label: Text = PERSON, key: str = "person") -> Person:
    person = _by_id(Person, person_id)
    if person is None:
        raise refuse(key, label, "ledger", "not_found")
    return person


def _household(household_id: Any) -> Household:
    household = _by_id(Household, household_id)
    if household is None:
        raise refuse("household", HOUSEHOLD, "ledger", "not_found")
    return household


def _columns(model: type[pw.Model], values: Mapping[str, Any]) -> dict[str, Any]:
    """Form values as column values: blanks become the column's default."""
    out = {}
    for key, value in values.items():
        column = model._meta.fields[key]
        if value is None and not column.null:
            value = column.default if column.default is not None else ""
        out[key] = value
    return out


# --- search texts -------------------------------------------------------------------


def reindex_households(household_ids: Iterable[int] | None = None) -> None:
    """Rebuild the search text of these households (all when None), from their members."""
    members = Person.select(
        Person.household, Person.name, Person.py_initials, Person.py_full, Person.id_number
    ).order_by(Person.household, Person.id)
    households = Household.select(Household.id, Household.number)
    if household_ids is not None:
        ids = list(household_ids)
        members = members.where(Person.household.in_(ids))
        households = households.where(Household.id.in_(ids))
    by_household: dict[int, list[tuple]] = {}
    for household_id, *member in members.tuples().iterator():
        by_household.setdefault(household_id, []).append(tuple(member))
    mark = database.param
    database.cursor().executemany(
        f"UPDATE household SET search = {mark} WHERE id = {mark}",
        [
            (search_text(number, by_household.get(hid, [])), hid)
            for hid, number in households.tuples().iterator()
        ],
    )


# --- areas ------------------------------------------------------------------------------


def add_area(kind: str, code: str, name: str, parent: Area | int | None = None) -> Area:
    """Add a county, township, village or group (set-up, not a cadre's daily work)."""
    kinds = {"county": None, "township": "county", "village": "township", "group": "village"}
    label = Text("区划", "Area")
    if kind not in kinds:
        raise refuse("kind", label, "field", "not_a_choice", options=", ".join(kinds))
    if not name.strip():
        raise refuse("name", label, "field", "required")
    if kind == "village" and not (len(code) == 12 and code.isdigit()):
        raise refuse(
            "code",
            Text("村代码", "Village code"),
            "field",
            "pattern",
            hint=Text("12位数字", "12 digits"),
        )
    with _change():
        parent_row = Area.get_or_none(Area.id == getattr(parent, "id", parent))
        if kinds[kind] is not None and (parent_row is None or parent_row.kind != kinds[kind]):
            raise refuse("parent", label, "ledger", "not_found")
        area = Area.create(kind=kind, code=code, name=name.strip(), parent=parent_row)
        _audit("add_area", area, None)
    return area


def _village_and_group(values: dict[str, Any], form: Form) -> None:
    if "village" in values and values["village"] is not None:
        village = Area.get_or_none(Area.id == values["village"])
        if village is None or village.kind != "village":
            raise refuse("village", form.field("village").label, "ledger", "not_a_village")
    if values.get("group") is not None:
        group = Area.get_or_none(Area.id == values["group"])
        village_id = values.get("village")
        if group is None or group.kind != "group" or group.parent_id != village_id:
            raise refuse("group", form.field("group").label, "ledger", "group_not_in_village")


# --- households and persons -------------------------------------------------------------


def add_household(values: Mapping[str, Any]) -> Household:
    form = current().forms["household"]
    data = clean(form, values)
    with _change():
        _village_and_group(data, form)
        _unique_number(data["village"], data["number"], None, form)
        household = Household.create(
            **_columns(Household, data),
            created_on=clock.today(),
            search=search_text(data["number"], []),
        )
        _audit("add_household", household, None)
    return household


def edit_household(household_id: Any, values: Mapping[str, Any]) -> Household:
    form = current().forms["household"]
    data = clean(form, values, partial=True)
    with _change():
        household = _household(household_id)
        before = _snapshot(household)
        merged = {"village": household.village_id, "group": household.group_id, **data}
        _village_and_group(merged, form)
        if "number" in data:
            _unique_number(merged["village"], data["number"], household.id, form)
        for key, value in _columns(Household, data).items():
            setattr(household, key, value)
        household.save()
        if "number" in data:
            reindex_households([household.id])
        _audit("edit_household", household, before)
        _household_flags_changed(household, before)
    return household


def _unique_number(village_id: int, number: str, own_id: int | None, form: Form) -> None:
    query = Household.select().where(
        (Household.village == village_id) & (Household.number == number)
    )
    if own_id is not None:
        query = query.where(Household.id != own_id)
    if query.exists():
        raise refuse("number", form.field("number").label, "ledger", "duplicate_household")


def set_head(household_id: Any, person_id: Any) -> Household:
    with _change():
        household = _household(household_id)
        person = _person(person_id, Text("户主", "Head"), "head")
        if person.household_id != household.id:
            raise refuse("head", Text("户主", "Head"), "ledger", "not_in_household")
        before = _snapshot(household)
        household.head = person
        household.save()
        _audit("set_head", household, before)
    return household


def _unique_id_number(number: str | None, own_id: int | None, form: Form) -> None:
    if not number:
        return
    query = Person.select().where(Person.id_number == number)
    if own_id is not None:
        query = query.where(Person.id != own_id)
    if query.exists():
        raise refuse("id_number", form.field("id_number").label, "idcard", "duplicate")


def _insert_person(household: Household, data: dict[str, Any], action: str) -> Person:
    form = current().forms["person"]
    _unique_id_number(data.get("id_number"), None, form)
    initials, full = search_keys(data["name"])
    person = Person.create(
        household=household, **_columns(Person, data), py_initials=initials, py_full=full
    )
    _audit(action, person, None)
    reindex_households([household.id])
    if data.get("relation") == "head" and household.head_id is None:
        before = _snapshot(household)
        household.head = person
        household.save()
        _audit("set_head", household, before)
    return person


def add_person(household_id: Any, values: Mapping[str, Any]) -> Person:
    """Add a person already living in the household when the ledger is opened.

    A newcomer arrives by an event instead (birth, move in, incoming migrant), so the
    monthly balance can account for them.
    """
    data = clean(current().forms["person"], values)
    with _change():
        return _insert_person(_household(household_id), data, "add_person")


def edit_person(person_id: Any, values: Mapping[str, Any]) -> Person:
    """Correct a person's card. Residence changes only through events."""
    form = current().forms["person"]
    for key in values:
        if form.has(key) and not form.field(key).editable:
            raise refuse(key, form.field(key).label, "ledger", "event_only")
    with _change():
        person = _person(person_id)
        given = dict(values)
        if given.get("id_number"):
            # Compare a new ID number with the card's sex and date of birth too.
            given.setdefault("sex", person.sex)
            given.setdefault("birth_date", person.birth_date)
        data = clean(form, given, partial=True)
        if "id_number" in data:
            _unique_id_number(data["id_number"], person.id, form)
        before = _snapshot(person)
        for key, value in _columns(Person, data).items():
            setattr(person, key, value)
        if "name" in data:
            person.py_initials, person.py_full = search_keys(person.name)
        person.save()
        if "name" in data or "id_number" in data:
            reindex_households([person.household_id])
        _audit("edit_person", person, before)
    return person


def open_ledger(village: Any, households: list[Mapping[str, Any]]) -> tuple[int, int]:
    """Load a village's existing register at once, when fptui takes over a ledger.

    Each household is the household form's values (less `village`) plus `members`, a
    list of person form values; a member may name others of its household by position
    in `mother_ref`, `father_ref` and `spouse_ref`. Everything is checked first and
    every refused value reported (its field prefixed with the household and member);
    then all rows and their audit records are written in one transaction, or none.
    Returns (households, persons) added.
    """
    schemas = current()
    hform, pform = schemas.forms["household"], schemas.forms["person"]
    village_id = int(getattr(village, "id", village))
    errors = []
    cleaned: list[tuple[dict[str, Any], list[tuple[dict[str, Any], dict[str, int]]]]] = []
    for h_index, raw in enumerate(households):
        raw = dict(raw)
        members = raw.pop("members", [])
        hdata: dict[str, Any] = {}
        try:
            hdata = clean(hform, {**raw, "village": village_id})
        except InvalidInput as exc:  # its members are checked all the same
            errors += [_within(e, f"households[{h_index}]") for e in exc.errors]
        people = []
        for m_index, member in enumerate(members):
            member = dict(member)
            refs = {k: member.pop(k) for k in _REFS if k in member}
            refs = {k: v for k, v in refs.items() if v is not None}
            for key, ref in refs.items():
                if not isinstance(ref, int) or not 0 <= ref < len(members) or ref == m_index:
                    where = f"households[{h_index}].members[{m_index}].{key}"
                    errors.append(FieldError(where, "ledger", "not_in_household", PERSON))
            try:
                people.append((clean(pform, member), refs))
            except InvalidInput as exc:
                where = f"households[{h_index}].members[{m_index}]"
                errors += [_within(e, where) for e in exc.errors]
        cleaned.append((hdata, people))
    if errors:
        raise InvalidInput(errors)
    today = clock.today()
    with _change():
        _village_and_group({"village": village_id, "group": None}, hform)
        for group in {h["group"] for h, _ in cleaned if h["group"] is not None}:
            _village_and_group({"village": village_id, "group": group}, hform)
        _open_ledger_unique(village_id, cleaned, hform, pform)
        hrows = [{**_columns(Household, h), "created_on": today} for h, _ in cleaned]
        hids = _insert_all(Household, hrows)
        prows, refs, heads = [], [], {}
        for hid, (_, people) in zip(hids, cleaned, strict=True):
            base = len(prows)
            for pdata, prefs in people:
                initials, full = search_keys(pdata["name"])
                prows.append(
                    {
                        **_columns(Person, pdata),
                        "household": hid,
                        "py_initials": initials,
                        "py_full": full,
                    }
                )
                refs.append({col[:-4]: base + i for col, i in prefs.items()})
                if pdata["relation"] == "head":
                    heads.setdefault(hid, len(prows) - 1)
        pids = _insert_all(Person, prows)
        links = []
        for pid, row, prefs in zip(pids, prows, refs, strict=True):
            row.update({col: pids[i] for col, i in prefs.items()})
            if prefs:
                links.append((row.get("mother"), row.get("father"), row.get("spouse"), pid))
        if links:
            mark = database.param
            database.cursor().executemany(
                f"UPDATE person SET mother_id = {mark}, father_id = {mark}, spouse_id = {mark} "
                f"WHERE id = {mark}",
                links,
            )
        position = {hid: i for i, hid in enumerate(hids)}
        for hid, index in heads.items():
            hrows[position[hid]]["head"] = pids[index]
        members: dict[int, list[tuple]] = {}
        for row in prows:
            members.setdefault(row["household"], []).append(
                (row["name"], row.pop("py_initials"), row.pop("py_full"), row["id_number"])
            )
        mark = database.param
        database.cursor().executemany(
            f"UPDATE household SET head_id = {mark}, search = {mark} WHERE id = {mark}",
            [
                (row.get("head"), search_text(row["number"], members.get(hid, [])), hid)
                for hid, row in zip(hids, hrows)
            ],
        )
        _write_audits(
            [("open_ledger", "household", i, None, {**r, "id": i}) for i, r in zip(hids, hrows)]
            + [("open_ledger", "person", i, None, {**r, "id": i}) for i, r in zip(pids, prows)]
        )
        # Visits owed from the start: an out-migrant's contact, for one.
        _create_followups(
            [p for i, r in zip(pids, prows) for p in followups.for_state(i, r["residence"], today)]
        )
        ensure_monthly_followups(today)
    return len(hids), len(pids)


def _open_ledger_unique(village_id: int, cleaned: list, hform: Form, pform: Form) -> None:
    numbers = [h["number"] for h, _ in cleaned]
    taken = any(
        Household.select()
        .where((Household.village == village_id) & Household.number.in_(chunk))
        .exists()
        for chunk in _chunks(numbers)
    )
    if len(set(numbers)) < len(numbers) or taken:
        raise refuse("number", hform.field("number").label, "ledger", "duplicate_household")
    ids = [p["id_number"] for _, people in cleaned for p, _ in people if p["id_number"]]
    taken = any(Person.select().where(Person.id_number.in_(c)).exists() for c in _chunks(ids))
    if len(set(ids)) < len(ids) or taken:
        raise refuse("id_number", pform.field("id_number").label, "idcard", "duplicate")


def _chunks(items: list[Any], size: int = 400) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _insert_all(model: type[pw.Model], rows: list[dict[str, Any]]) -> list[int]:
    """Insert `rows` (dicts of field names) and return their new ids, in order.

    One prepared INSERT ... RETURNING run per row: opening a township's register is
    100,000 rows, and peewee's insert_many spent longer building its SQL than SQLite
    spent storing the rows.
    """
    ids: list[int] = []
    mark = database.param
    cursor = database.cursor()
    statements: dict[tuple[str, ...], str] = {}
    defaults = {
        name: f.default
        for name, f in model._meta.fields.items()
        if f.default is not None and not f.primary_key
    }
    for row in rows:
        row = {**{k: v for k, v in defaults.items() if k not in row}, **row}
        names = tuple(row)
        if names not in statements:
            columns = ", ".join(f'"{model._meta.fields[n].column_name}"' for n in names)
            statements[names] = (
                f'INSERT INTO "{model._meta.table_name}" ({columns}) '
                f"VALUES ({', '.join([mark] * len(names))}) RETURNING id"
            )
        params = [model._meta.fields[n].db_value(v) for n, v in row.items()]
        cursor.execute(statements[names], params)  # psycopg2's execute returns None
        ids.append(cursor.fetchone()[0])
    return ids


_REFS = ("mother_ref", "father_ref", "spouse_ref")


def _within(error: Any, where: str) -> Any:
    from dataclasses import replace

    return replace(error, field=f"{where}.{error.field}")


# --- events -----------------------------------------------------------------------------


def _check_subject(person: Person, form: Form, date: dt.date) -> None:
    from fptui import checks

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


def _apply(person: Person, form: Form, data: dict[str, Any], action: str) -> None:
    """Set on `person` what the event form says it changes, with its audit record."""
    before = _snapshot(person)
    for column, value in form.sets.items():
        setattr(person, column, value)
    for column, source in form.copies.items():
        if data.get(source) is not None:
            setattr(person, column, data[source])
    if form.marital_to and person.marital_status in form.marital_to:
        person.marital_status = form.marital_to[person.marital_status]
        if person.marital_status not in MARRIED:
            person.spouse = None
    if _snapshot(person) != before:  # a pregnancy or a benefit leaves the card as it was
        person.save()
        _audit(action, person, before)


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
        spouse = _person(data["spouse"], label, "spouse")
        if spouse.id == person.id:
            raise refuse("spouse", label, "ledger", "same_person")
        if spouse.residence not in (form.residence_from or (spouse.residence,)):
            raise _wrong_residence("spouse", label, spouse)
        if spouse.marital_status not in form.marital_from:
            rule = "already_married" if spouse.marital_status in MARRIED else "not_married"
            raise refuse("spouse", label, "ledger", rule)
        return spouse
    spouse = _by_id(Person, person.spouse_id) if person.spouse_id else None
    if spouse is None or spouse.marital_status not in form.marital_from:
        return None  # a link the ledger already shows as ended
    return spouse


def _mirror_spouse(person: Person, spouse: Person, form: Form, date: dt.date) -> None:
    """Give the spouse the same marital change, and the link both ways (or none)."""
    before = _snapshot(spouse)
    spouse.marital_status = form.marital_to[spouse.marital_status]
    if spouse.marital_status in MARRIED:
        spouse.spouse = person.id
        spouse.marriage_date = date
    else:
        spouse.spouse = None
    spouse.save()
    _audit(f"record_{form.key}_spouse", spouse, before)


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
        data=_dumps(details),
    )
    _audit(f"record_{form.key}", event, None)
    _followups_after(form, event, person, data)
    return event


def _parent(person_id: Any, label: Text, key: str, sex: str) -> Person:
    parent = _person(person_id, label, key)
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
    mother = _parent(data["mother"], form.field("mother").label, "mother", "F")
    if mother.residence not in ("here", "out", "in_migrant"):
        raise _wrong_residence("mother", form.field("mother").label, mother)
    if data["date"] <= mother.birth_date:
        raise refuse("date", form.field("date").label, "ledger", "before_mother_birth")
    if data.get("father"):
        _parent(data["father"], form.field("father").label, "father", "M")
    household = _household(household_id) if household_id else mother.household
    data["birth_order"] = birth_order_for(mother.id)
    relation = _child_relation(mother)
    if relation == "child":
        relation = "son" if data["sex"] == "M" else "daughter"
    child = _insert_person(
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
    with _change():
        if form.subject == "birth":
            return _birth(form, data, household)
        if form.subject == "new_person":
            target = _household(household)
            person_form = schemas.forms["person"]
            pdata = clean(person_form, person_values)
            if data["date"] < pdata["birth_date"]:
                raise refuse("date", form.field("date").label, "date", "before_birth")
            pdata.update(form.sets)
            subject = _insert_person(target, pdata, f"record_{kind}_person")
        else:
            subject = _person(person)
            _check_subject(subject, form, data["date"])
            spouse = _spouse_for(subject, form, data)
            if data.get("father"):
                _parent(data["father"], form.field("father").label, "father", "M")
            target = subject.household
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


# --- follow-ups -------------------------------------------------------------------------

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


def _create_followups(planned: list[followups.Planned], source_event: int | None = None) -> None:
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
    _write_audits(records)


def _end_followups(people: set[int], kinds: list[str] | None, reason: str) -> None:
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
        before = _snapshot(fu)
        fu.status, fu.reason = "cancelled", reason[:200]
        fu.save()
        records.append(("cancel_followup", "follow_up", fu.id, before, _snapshot(fu)))
    _write_audits(records)


def _followups_after(form: Form, event: Event, subject: Person | None, data: dict) -> None:
    """What an event does to follow-ups: cancel, close, create (followups.toml)."""
    cancel_all, closes = followups.ended_by(form.key)
    people = {subject.id} if subject is not None else set()
    people |= {int(data[f.key]) for f in form.fields if f.type == "person" and data.get(f.key)}
    if cancel_all and subject is not None:
        _end_followups({subject.id}, None, form.key)
    if closes:
        _end_followups(people, closes, form.key)
    planned = followups.for_event(
        form.key, event.happened_on, data, subject.id if subject is not None else None
    )
    _create_followups(planned, event.id)


def _open_followup(followup_id: Any) -> FollowUp:
    fu = followup_id if isinstance(followup_id, FollowUp) else _by_id(FollowUp, followup_id)
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
    with _change():
        ids = [fid for fid, _ in cleaned]
        rows = {
            fu.id: fu
            for chunk in _chunks(ids)
            for fu in FollowUp.select().where(FollowUp.id.in_(chunk))
        }
        for fid, _ in cleaned:
            if fid not in rows:
                raise refuse("followup", FOLLOWUP, "ledger", "not_found")
            _open_followup(rows[fid])  # refuses one already done or cancelled
        people = {fu.person_id for fu in rows.values()}
        residence = {
            pid: state
            for chunk in _chunks(list(people))
            for pid, state in Person.select(Person.id, Person.residence)
            .where(Person.id.in_(chunk))
            .tuples()
        }
        updates, records, planned, done = [], [], [], []
        for fid, data in cleaned:
            fu = rows[fid]
            before = _snapshot(fu)
            fu.status, fu.done_on, fu.done_by = "done", data["date"], data["by"]
            fu.outcome, fu.note = data["outcome"], data.get("note") or ""
            fu._dirty.clear()
            updates.append(
                (fu.status, fu.done_on.isoformat(), fu.done_by, fu.outcome, fu.note, fu.id)
            )
            records.append(("mark_followup_done", "follow_up", fu.id, before, _snapshot(fu)))
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
        _write_audits(records)
        _create_followups(planned)
    return done


def reschedule_followup(followup_id: Any, values: Mapping[str, Any]) -> FollowUp:
    """Move a visit's due date, with the reason."""
    form = current().forms["followup_reschedule"]
    data = clean(form, values)
    with _change():
        fu = _open_followup(followup_id)
        before = _snapshot(fu)
        fu.due_on, fu.reason = data["due"], data["reason"]
        if fu.window_start and fu.window_start > fu.due_on:
            fu.window_start = fu.due_on
        fu.save()
        _audit("reschedule_followup", fu, before)
    return fu


def ensure_monthly_followups(day: dt.date | None = None) -> int:
    """Give every flagged household (a special family) its visit for this month, once."""
    day = day or clock.today()
    rules = [r for r in current().followups.rules.values() if r.household_flag]
    planned = []
    with _change():
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
        _create_followups(planned)
    return len(planned)


def _household_flags_changed(household: Household, before: dict[str, Any]) -> None:
    for rule in current().followups.rules.values():
        flag = rule.household_flag
        if not flag or bool(before.get(flag)) == bool(getattr(household, flag)):
            continue
        if getattr(household, flag):
            _create_followups(
                [p for p in followups.monthly_for(household, clock.today()) if p.rule == rule.key]
            )
        else:
            members = {
                p
                for (p,) in Person.select(Person.id)
                .where(Person.household == household.id)
                .tuples()
            }
            _end_followups(members, [rule.key], f"edit_household:{flag}")


def edit_event(event_id: Any, values: Mapping[str, Any]) -> Event:
    """Correct an event's date or details; open visits it set move with it.

    What the event did to its person (status, marital state) is not replayed: a wrong
    kind of event is corrected by recording the right one.
    """
    event = _by_id(Event, event_id)
    if event is None:
        raise refuse("event", Text("事件", "Event"), "ledger", "not_found")
    form = current().forms[event.kind]
    stored = json.loads(event.data)
    merged = {**{k: v for k, v in stored.items() if form.has(k)}, "date": event.happened_on}
    merged.update(values)
    data = clean(form, {k: v for k, v in merged.items() if form.has(k)})
    from fptui import period

    # its month, the new one, or any closed after them: the frozen figures hold it
    frozen = period.closed_since(event.village_id, min(event.happened_on, data["date"]))
    if frozen is not None:
        raise refuse("date", form.field("date").label, "period", "closed", month=frozen)
    with _change():
        subject = _by_id(Person, event.person_id) if event.person_id else None
        if subject is not None and data["date"] < subject.birth_date:
            raise refuse("date", form.field("date").label, "date", "before_birth")
        before = _snapshot(event)
        details = {k: v for k, v in data.items() if k != "date" and v is not None}
        if "birth_order" in stored:
            details["birth_order"] = stored["birth_order"]
        event.happened_on, event.data = data["date"], _dumps(details)
        event.save()
        _audit("edit_event", event, before)
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
            fu_before = _snapshot(fu)
            fu.due_on, fu.window_start = plan.due_on, plan.window_start
            fu.save()
            _audit("move_followup", fu, fu_before)
    return event


def void_event(event_id: Any, reason: str) -> None:
    """Void an event entered in error, with the reason: every row its save wrote goes
    back to how it was (the person's state, the spouse's, a birth's child, the visits
    it planned or ended), as the audit log recorded it, in one transaction.

    Refused for an event of a closed month, and when a later change built on a row it
    wrote (the person edited since, a visit it planned done): those are corrected by
    recording an event. Audited as `void_event`, one row per row put back.
    """
    from fptui import period

    reason = clean(current().forms["event_void"], {"reason": reason})["reason"]
    event = _by_id(Event, event_id)
    label = Text("事件", "Event")
    if event is None:
        raise refuse("event", label, "ledger", "not_found")
    frozen = period.closed_since(event.village_id, event.happened_on)
    if frozen is not None:  # its month, or a later one, is closed: the figures hold it
        raise refuse("event", label, "period", "closed", month=frozen)
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
    rows = list(Audit.select().where(Audit.change == first.change).order_by(Audit.id.desc()))
    models = {m._meta.table_name: m for m in MODELS}
    with _change():
        current_rows = []
        moved_on = 0
        latest: set[tuple[str, int]] = set()
        for audit in rows:  # newest first: a row written twice is checked by its last write
            model = models[audit.table]
            row = model.get_or_none(model.id == audit.record_id)
            now = json.loads(_dumps(_snapshot(row))) if row is not None else None
            if (audit.table, audit.record_id) not in latest:
                latest.add((audit.table, audit.record_id))
                if not _same(now, json.loads(audit.after or "null")):
                    moved_on += 1
            current_rows.append((audit, model))
        if moved_on:
            raise refuse("event", label, "ledger", "void_later_changes", count=moved_on)
        try:
            _undo(current_rows, reason)
        except pw.IntegrityError:  # a later row links to one it made (a visit, a child)
            raise refuse("event", label, "ledger", "void_later_changes", count=1) from None


def _undo(rows: list[tuple[Audit, type[pw.Model]]], reason: str) -> None:
    """Put back every row of a change, newest first, with a `void_event` audit row each."""
    records = []
    homes: set[int] = set()
    for audit, model in rows:
        now = json.loads(audit.after) if audit.after else None  # as checked above
        before = json.loads(audit.before) if audit.before else None
        if before is None:
            model.delete().where(model.id == audit.record_id).execute()
        else:
            model.update(**_values(model, before)).where(model.id == audit.record_id).execute()
        for state in (now, before):
            if state and audit.table in ("person", "household"):
                homes.add(state["id"] if audit.table == "household" else state["household"])
        after = {**before, "void_reason": reason} if before else {"void_reason": reason}
        records.append(("void_event", audit.table, audit.record_id, now, after))
    _write_audits(records)
    reindex_households(sorted(h for h in homes if h is not None))


def _same(now: dict[str, Any] | None, then: dict[str, Any] | None) -> bool:
    """A row as it is against an audit snapshot of it; a key a snapshot left out (a
    column the writer did not set, as the visits' prepared inserts) counts as empty."""
    if now is None or then is None:
        return now is then
    return all(now.get(k) == then.get(k) for k in now.keys() | then.keys())


def _values(model: type[pw.Model], snapshot: dict[str, Any]) -> dict[str, Any]:
    """A snapshot's JSON values as column values (dates back to dates)."""
    out = {}
    for name, value in snapshot.items():
        field = model._meta.fields.get(name)
        if field is None or name == "id":
            continue
        if isinstance(value, str) and isinstance(field, pw.DateTimeField):
            value = dt.datetime.fromisoformat(value)
        elif isinstance(value, str) and isinstance(field, pw.DateField):
            value = dt.date.fromisoformat(value)
        out[name] = value
    return out


def regenerate_followups() -> tuple[int, int, int]:
    """Plan every open visit again from all events (after the township changed its rules).

    Visits done or cancelled stay as they are; an open visit the rules still give is
    kept, with any rescheduling; open visits the rules no longer give are removed and
    missing ones added, all audited. Returns (added, removed, kept).
    """
    with _change():
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
        for chunk in _chunks(removed):
            rows = list(FollowUp.select().where(FollowUp.id.in_(chunk)))
            FollowUp.delete().where(FollowUp.id.in_(chunk)).execute()
            _write_audits(
                [("regenerate_remove", "follow_up", r.id, _snapshot(r), {}) for r in rows]
            )
        add = [p for key, p in wanted.items() if key not in current_open and p is not None]
        by_source: dict[int | None, list] = {}
        for key, p in wanted.items():
            if key not in current_open and p is not None:
                by_source.setdefault(key[3], []).append(p)
        for source, planned in by_source.items():
            _create_followups(planned, source)
        # A rule whose days changed moves the open visits it gave, unless rescheduled.
        moved = {current_open[k]: p for k, p in wanted.items() if k in current_open and p}
        for chunk in _chunks(list(moved)):
            for fu in FollowUp.select().where(FollowUp.id.in_(chunk) & (FollowUp.reason == "")):
                plan = moved[fu.id]
                if (fu.due_on, fu.window_start) != (plan.due_on, plan.window_start):
                    before = _snapshot(fu)
                    fu.due_on, fu.window_start = plan.due_on, plan.window_start
                    fu.save()
                    _audit("regenerate_move", fu, before)
        ensure_monthly_followups()
    return len(add), len(removed), len(current_open) - len(removed)


# --- closing months ---------------------------------------------------------------------

MONTH = Text("月份", "Month")


def close_month(
    village: Any,
    month: str,
    acknowledged: set[str] | frozenset[str] = frozenset(),
) -> MonthClose:
    """Close a village's month: refused while it does not balance, errors are open, or a
    warning is not acknowledged (by "code:person" in `acknowledged`); a backup of the
    ledger is made first; then the month's figures are frozen.
    """
    from fptui import checks

    village_id = int(getattr(village, "id", village))
    _ready_to_close(village_id, month)
    return _close(village_id, month, checks.run(village=village_id), acknowledged, True)


def close_months(
    villages: Iterable[Any],
    month: str,
    acknowledged: set[str] | frozenset[str] = frozenset(),
    *,
    backup: bool = True,
    findings: list | None = None,
) -> list[tuple[int, MonthClose | InvalidInput]]:
    """Close the month in several villages at once, as `close_month` would each: the
    checks run once over all, and one backup is made, before the first close (none with
    `backup=False`: the demo, rebuilt from its seed). `findings`: the checks' findings
    when the caller has just run them in this transaction (the demo). Each village's
    close or refusal."""
    from fptui import checks

    ids = [int(getattr(v, "id", v)) for v in villages]
    if findings is None:
        findings = checks.run(village=ids[0]) if len(ids) == 1 else checks.run()
    by_village = checks.by_village(findings, ids)
    out: list[tuple[int, MonthClose | InvalidInput]] = []
    backed_up = not backup
    for village_id in ids:
        try:
            _ready_to_close(village_id, month)
            row = _close(village_id, month, by_village[village_id], acknowledged, not backed_up)
        except InvalidInput as refused:
            out.append((village_id, refused))
            continue
        backed_up = True
        out.append((village_id, row))
    return out


def _ready_to_close(village_id: int, month: str) -> None:
    """Refuse a month already closed, not ended, or after a month left open."""
    from fptui import period
    from fptui.score import Period

    if period.closed(village_id, month) is not None:
        raise refuse("month", MONTH, "period", "already_closed", month=month)
    if clock.today() <= Period.month(month).end:
        raise refuse("month", MONTH, "period", "not_ended", month=month)
    done = period.closed_months(village_id)
    previous = period.previous_month(month)
    if done and done[-1] < previous and period.closed(village_id, previous) is None:
        raise refuse("month", MONTH, "period", "earlier_open", month=previous)


def _close(
    village_id: int,
    month: str,
    findings: list,
    acknowledged: set[str] | frozenset[str],
    backup: bool,
) -> MonthClose:
    """Refuse an imbalance, open errors or warnings not acknowledged; else back up (when
    `backup`) and freeze the month's figures."""
    from fptui import period

    b = period.balance(village_id, month, findings)
    if b.difference:
        raise refuse(
            "month",
            MONTH,
            "period",
            "not_balanced",
            month=month,
            end=b.end,
            expected=b.expected,
            diff=b.difference,
        )
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        raise refuse("month", MONTH, "period", "errors_open", count=len(errors))
    warnings = {f.key for f in findings if f.severity == "warning"}
    open_warnings = warnings - set(acknowledged)
    if open_warnings:
        raise refuse("month", MONTH, "period", "warnings_open", count=len(open_warnings))
    path = getattr(database.obj, "database", None)
    if backup and isinstance(database.obj, pw.SqliteDatabase) and path and path != ":memory:":
        from fptui import backup as backups

        backups.backup(path)
    with _change():
        row = MonthClose.create(
            village=village_id,
            month=month,
            closed_at=clock.now(),
            closed_by=current_user(),
            # the warnings the meeting accepted are kept with what it closed
            figures=_dumps({**period.figures(b), "acknowledged": sorted(warnings)}),
        )
        _audit("close_month", row, None)
    return row


def reopen_month(village: Any, month: str, reason: str) -> None:
    """Reopen a closed month, with the reason (audited); its frozen figures are dropped."""
    from fptui import period

    village_id = int(getattr(village, "id", village))
    reason = clean(current().forms["month_reopen"], {"reason": reason})["reason"]
    with _change():
        row = period.closed(village_id, month)
        if row is None:
            raise refuse("month", MONTH, "period", "not_closed", month=month)
        before = {**_snapshot(row), "reason": reason}
        row.delete_instance()
        _write_audits([("reopen_month", "month_close", row.id, before, {"reason": reason})])


# Named after what the cadre does; each is `record_event` of one form.


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
