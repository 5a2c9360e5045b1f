"""Opening a ledger: a village's existing register loaded at once, all of it or none.

Everything is checked before anything is written, and every refused value reported with
its household and member; the rows go in by prepared statements, because a township's
register is 100,000 rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import peewee as pw

from fptui import clock
from fptui.ledger.areas import village_and_group
from fptui.ledger.changes import change, write_audits
from fptui.ledger.households import index_households
from fptui.ledger.rows import PERSON, chunks, columns
from fptui.ledger.visits import create_followups, ensure_monthly_followups
from fptui.models import (
    Household,
    Person,
    database,
)
from fptui.pinyin import search_keys
from fptui.reads import followups
from fptui.schema import Form, current
from fptui.schema.validate import FieldError, InvalidInput, clean, refuse
from fptui.search import search_text


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
    with change():
        village_and_group({"village": village_id, "group": None}, hform)
        for group in {h["group"] for h, _ in cleaned if h["group"] is not None}:
            village_and_group({"village": village_id, "group": group}, hform)
        _open_ledger_unique(village_id, cleaned, hform, pform)
        hrows = [{**columns(Household, h), "created_on": today} for h, _ in cleaned]
        hids = _insert_all(Household, hrows)
        prows, refs, heads = [], [], {}
        for hid, (_, people) in zip(hids, cleaned, strict=True):
            base = len(prows)
            for pdata, prefs in people:
                initials, full = search_keys(pdata["name"])
                prows.append(
                    {
                        **columns(Person, pdata),
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
        texts = {
            hid: search_text(row["number"], members.get(hid, [])) for hid, row in zip(hids, hrows)
        }
        mark = database.param
        database.cursor().executemany(
            f"UPDATE household SET head_id = {mark}, search = {mark} WHERE id = {mark}",
            [(row.get("head"), texts[hid], hid) for hid, row in zip(hids, hrows)],
        )
        index_households(texts)
        write_audits(
            [("open_ledger", "household", i, None, {**r, "id": i}) for i, r in zip(hids, hrows)]
            + [("open_ledger", "person", i, None, {**r, "id": i}) for i, r in zip(pids, prows)]
        )
        # Visits owed from the start: an out-migrant's contact, for one.
        create_followups(
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
        for chunk in chunks(numbers)
    )
    if len(set(numbers)) < len(numbers) or taken:
        raise refuse("number", hform.field("number").label, "ledger", "duplicate_household")
    ids = [p["id_number"] for _, people in cleaned for p, _ in people if p["id_number"]]
    taken = any(Person.select().where(Person.id_number.in_(c)).exists() for c in chunks(ids))
    if len(set(ids)) < len(ids) or taken:
        raise refuse("id_number", pform.field("id_number").label, "idcard", "duplicate")


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

    return replace(error, field=f"{where}.{error.field}")
