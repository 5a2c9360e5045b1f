"""Rows read inside a change, and the refusals when one is missing.

A change reads the rows it is about to write fresh, inside its own transaction; a row
that is not there is a refusal naming the field, never an exception.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import peewee as pw

from fptui.models import (
    Household,
    Person,
    database,
)
from fptui.schema import Text
from fptui.schema.validate import refuse

PERSON = Text("人员", "Person")


HOUSEHOLD = Text("户", "Household")


_SELECT_BY_ID: dict[tuple[type[pw.Model], str, bool], str] = {}


def by_id(model: type[pw.Model], pk: Any, *, lock: bool = False) -> pw.Model | None:
    """The row of `model` with id `pk`, read fresh inside the current transaction.

    Peewee's `get_by_id` builds its SELECT anew on every call, which cost a quarter of
    a millisecond; each change reads one to three rows, so the SELECT is built once.

    `lock`: the row is about to change, or the change depends on its state (a person's
    residence before a death): on PostgreSQL it is read `FOR UPDATE`, so a second save
    of it waits for the first to commit and then reads what that one wrote. SQLite needs
    no row lock: its changes begin as writes (changes.py) and run one at a time.
    """
    try:
        pk = int(getattr(pk, "id", pk))
    except (TypeError, ValueError):
        return None
    fields = model._meta.sorted_fields
    lock = lock and not isinstance(database.obj, pw.SqliteDatabase)
    key = (model, database.param, lock)  # the placeholder: ? for SQLite, %s PostgreSQL
    if key not in _SELECT_BY_ID:
        columns = ", ".join(f'"{f.column_name}"' for f in fields)
        _SELECT_BY_ID[key] = (
            f'SELECT {columns} FROM "{model._meta.table_name}" WHERE "id" = {database.param}'
            + (" FOR UPDATE" if lock else "")
        )
    row = database.execute_sql(_SELECT_BY_ID[key], (pk,)).fetchone()
    if row is None:
        return None
    instance = model(__no_default__=1, **{f.name: f.python_value(v) for f, v in zip(fields, row)})
    instance._dirty.clear()
    return instance


def get_person(
    person_id: Any, label: Text = PERSON, key: str = "person", *, lock: bool = False
) -> Person:
    person = by_id(Person, person_id, lock=lock)
    if person is None:
        raise refuse(key, label, "ledger", "not_found")
    return person


def get_household(household_id: Any, *, lock: bool = False) -> Household:
    household = by_id(Household, household_id, lock=lock)
    if household is None:
        raise refuse("household", HOUSEHOLD, "ledger", "not_found")
    return household


def columns(model: type[pw.Model], values: Mapping[str, Any]) -> dict[str, Any]:
    """Form values as column values: blanks become the column's default."""
    out = {}
    for key, value in values.items():
        column = model._meta.fields[key]
        if value is None and not column.null:
            value = column.default if column.default is not None else ""
        out[key] = value
    return out


def chunks(items: list[Any], size: int = 400) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
