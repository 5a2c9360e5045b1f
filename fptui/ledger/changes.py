"""A change: one transaction, its audit rows sharing one number, and who made it.

Every write function of the ledger runs in `change()`. Its audit rows (who, when, what,
what changed in the row) are numbered by the id of the first, so the month's log reads
as one line per thing a cadre did; nested calls belong to the outer change, and each
call inside `batch()` (the demo, an import) stays a change of its own in one commit.
The households a change touched are kept for the live score (`take_touched`).

Several cadres save into one ledger at once. On SQLite a change starts as a write
(`BEGIN IMMEDIATE`), so a second writer waits for the first under the busy timeout
instead of failing the moment its read turns into a write; on PostgreSQL a session waits
as long for a row lock (`lock_timeout`, db.py). A ledger still taken after that wait is a
refusal (`ledger.busy`), never a database error: the form that saved keeps what was typed.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import peewee as pw

from fptui import clock
from fptui.db import full_disk_refused
from fptui.models import database
from fptui.schema import Text
from fptui.schema.validate import InvalidInput, refuse

_user: contextvars.ContextVar[str] = contextvars.ContextVar("fptui_user", default="")


def set_user(name: str) -> None:
    """Who the following changes are recorded as made by."""
    _user.set(name)


def current_user() -> str:
    """Who the audit says made a change: the one `set_user` named (the tests, the demo),
    else the operating-system account the process runs as. Not LOGNAME or USER, which
    anyone can set to any name before starting fptui."""
    return (_user.get() or _account())[:40]


def _account() -> str:
    try:
        import pwd
    except ImportError:  # Windows: the account the process runs as (GetUserNameW)
        try:
            return os.getlogin()
        except OSError:
            return "unknown"
    uid = os.getuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:  # an account with no name (a container's uid)
        return f"uid {uid}"


LEDGER = Text("账本", "Ledger")

# Why a database refused to wait longer: SQLite's busy lock, PostgreSQL's lock timeout
# (55P03), deadlock (40P01) and serialization failure (40001). Read from the error's
# text and code: the PostgreSQL driver is optional, and not imported here.
_BUSY_TEXT = ("database is locked", "database table is locked", "database is busy")
_BUSY_CODES = {"55P03", "40P01", "40001"}


def _is_busy(exc: BaseException) -> bool:
    seen: set[int] = set()
    todo: list[object] = [exc]
    while todo:
        err = todo.pop()
        if not isinstance(err, BaseException) or id(err) in seen:
            continue
        seen.add(id(err))
        if getattr(err, "pgcode", None) in _BUSY_CODES:
            return True
        if type(err).__name__ == "OperationalError" and any(
            t in str(err).lower() for t in _BUSY_TEXT
        ):
            return True
        todo += [err.__cause__, err.__context__, *err.args[:1]]  # peewee wraps the driver's
    return False


@contextmanager
def _transaction() -> Iterator[None]:
    """A transaction that begins as a write on SQLite; a ledger busy past the wait is a
    refusal. Nested, a savepoint of the outer one."""
    begin = {"lock_type": "IMMEDIATE"} if isinstance(database.obj, pw.SqliteDatabase) else {}
    try:
        with full_disk_refused(), database.atomic(**begin):
            yield
    except InvalidInput:
        raise
    except Exception as exc:
        if _is_busy(exc):
            raise refuse("ledger", LEDGER, "ledger", "busy") from None
        raise


# The households the changes of a `batch()` touched: their findings are kept once, when
# the batch has done its work (ledger/findings.py), not after each of its changes.
_pending: contextvars.ContextVar[set[int | None] | None] = contextvars.ContextVar(
    "fptui_pending", default=None
)


@contextmanager
def batch() -> Iterator[None]:
    """Run many ledger changes in one transaction: all are saved, or none."""
    if _pending.get() is not None or _open_change.get() is not None:
        with _transaction():
            yield
        return
    pending: set[int | None] = set()
    token = _pending.set(pending)
    try:
        with _transaction():
            yield
            _keep_findings(pending)
    finally:
        _pending.reset(token)


# The change being saved: its audit rows share a number (the id of its first row), so the
# log reads as one line per thing a cadre did. Nested calls belong to the outer change;
# `batch()` is not a change of its own, each call inside it is.
_open_change: contextvars.ContextVar[list[Any] | None] = contextvars.ContextVar(
    "fptui_change", default=None
)


@contextmanager
def change() -> Iterator[None]:
    """One transaction, one change: what every write function runs in."""
    holder = _open_change.get()
    if holder is not None:
        was = list(holder)
        try:
            with _transaction():
                yield
        except BaseException:
            holder[:] = was  # its savepoint rolled back: the change's row it wrote too
            raise
        return
    global _touched
    token = _open_change.set([None, None])  # its number and action, once written
    before, _touched = _touched, set()  # the live score's, untaken; this change's apart
    try:
        with _transaction():
            yield
            _changed(_touched)
    finally:
        before |= _touched
        _touched = before
        _open_change.reset(token)


def pending() -> set[int | None] | None:
    """The households the batch under way touched so far (None: no batch)."""
    return _pending.get()


def _changed(households: set[int | None]) -> None:
    """The outermost change has done its work (not yet committed): keep the findings of
    the households it touched, in its transaction; in a batch, once at the batch's end."""
    pending = _pending.get()
    if pending is not None:
        pending |= households
    else:
        _keep_findings(households)


# What runs when a change (or a batch) has done its work, before it commits, with the
# households touched: the findings kept (ledger/findings.py registers it on import).
_after_change: list[Callable[[set[int | None]], None]] = []


def after_change(fn: Callable[[set[int | None]], None]) -> Callable[[set[int | None]], None]:
    _after_change.append(fn)
    return fn


def _keep_findings(households: set[int | None]) -> None:
    for fn in _after_change:
        fn(households)


def settle_findings() -> None:
    """Inside a `batch()`, keep now the findings of the households its changes touched so
    far (a close in the batch reads the kept findings: they must be those of the ledger
    as it stands, not as it was when the batch began). Outside a batch they are kept."""
    pending = _pending.get()
    if pending:
        households = set(pending)
        pending.clear()
        _keep_findings(households)


def _change_holder() -> list[Any] | None:
    return _open_change.get()


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot store {type(value).__name__}")


def dumps(value: Any) -> str:
    return json.dumps(value, default=_json_default, ensure_ascii=False, sort_keys=True)


_DERIVED = ("search", "py_initials", "py_full")  # kept by the write path, not audited

# What an audit row keeps (schema v12, v16): an update, only the columns that changed,
# before and after, the after also naming where the row is (these links, when the row
# has them and they did not change; not the household of a row of LEAN_INSERTS' tables,
# which is the audit row's place) and its version, which the version refusal reads; a
# delete, the whole
# row before; an insert, the row's values (without its id, the row's `record_id`, and
# without empty values: None, "") -- except in the tables of LEAN_INSERTS, whose rows
# the write path keeps and deletes only with an audit row: there the row itself holds
# what the insert wrote (its history is the row as it is, taken back through its later
# audit rows' befores), and the insert keeps only the columns named, which the checks
# compare the row with (the residence a person came into the ledger with). JSON
# without spaces. When, who and the change's action are the change's own row's.
CONTEXT = ("household", "village", "person", "parent", "area", "version")
LEAN_INSERTS: dict[str, tuple[str, ...]] = {
    "household": (),
    "person": ("residence",),
    "event": (),
    "follow_up": (),
}


def audit_json(value: dict[str, Any] | None) -> str | None:
    """An audit row's before or after as stored: compact JSON, characters as they are."""
    return None if value is None else _AUDIT_JSON.encode(value)


# one encoder for every row (json.dumps with options makes one per call)
_AUDIT_JSON = json.JSONEncoder(
    default=_json_default, ensure_ascii=False, sort_keys=True, separators=(",", ":")
)


def stored(
    before: dict[str, Any] | None, after: dict[str, Any], table: str | None = None
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """What an audit row of `table` keeps of a write whose row was `before` and is
    `after`: see LEAN_INSERTS above. Only whole rows (with their id) are taken apart: a
    record a writer made itself (a void's, a reopen's, a restore's) is kept as given."""
    if before is None:  # an insert
        kept = LEAN_INSERTS.get(table or "")
        if kept is not None:
            values = {k: after[k] for k in kept if after.get(k) is not None and after[k] != ""}
            return None, values or None
        return None, {k: v for k, v in after.items() if k != "id" and v is not None and v != ""}
    if not after or "id" not in before or "id" not in after:
        return before, after  # a delete's row before; a record a writer made (a void's)
    missing = object()
    keys = [
        k for k in before.keys() | after.keys() if before.get(k, missing) != after.get(k, missing)
    ]
    old = {k: before[k] for k in keys if k in before}
    new = {k: after[k] for k in keys if k in after}
    # (the household a row of the tables of LEAN_INSERTS is in is its place: schema v16)
    context = CONTEXT[1:] if table in LEAN_INSERTS else CONTEXT
    new.update({k: after[k] for k in context if k in after and k not in new})
    return old, new


def place(
    table: str, record_id: int, before: dict[str, Any] | None, after: dict[str, Any]
) -> int | None:
    """What an audit row is about (Audit.place): a household's own row, its id; else the
    household the row names, else minus the village or area it names (a close, an
    acknowledgement, a kept return), apart from the households' ids; None when it names
    none (an area, a restore). The after's before the before's, as schema v13 read it."""
    if table == "household":
        return record_id
    for key, sign in (("household", 1), ("village", -1), ("area", -1)):
        for row in (after, before):
            value = row.get(key) if row else None
            if isinstance(value, int) and not isinstance(value, bool):
                return sign * value
    return None


def changed_columns(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The columns an update's audit row says changed (its after's links that are not in
    its before only say where the row is)."""
    return sorted(before.keys() | {k for k in after if k not in CONTEXT})


def snapshot(row: pw.Model) -> dict[str, Any]:
    """The row's columns as the audit records them (a link as the id it holds), less the
    derived ones: what `model_to_dict(recurse=False)` gives, read straight from the row
    (it runs for every row every change writes)."""
    data = row.__data__
    return {name: data.get(name) for name in _audited(type(row))}


_AUDITED: dict[type, tuple[str, ...]] = {}


def _audited(model: type[pw.Model]) -> tuple[str, ...]:
    names = _AUDITED.get(model)
    if names is None:
        names = tuple(f.name for f in model._meta.sorted_fields if f.name not in _DERIVED)
        _AUDITED[model] = names
    return names


_touched: set[int | None] = set()
_touched_villages: set[int] = set()


def take_touched() -> set[int]:
    """The households changed since the last call: what a live score must look at again."""
    touched = {h for h in _touched if h is not None}
    _touched.clear()
    return touched


def take_touched_villages() -> set[int]:
    """The villages named by the rows changed since the last call, before and after (a
    household moved to another village leaves its old village's figures to count again):
    with the villages of `take_touched`'s households, what a live score counts again."""
    touched = set(_touched_villages)
    _touched_villages.clear()
    return touched


def _note_touched(table: str, record_id: int, before: dict | None, after: dict | None) -> None:
    """The households and villages a changed row belongs to, before and after."""
    for row in (before, after):
        if row:
            _touched.add(record_id if table == "household" else row.get("household"))
            village = row.get("village")
            if isinstance(village, int):
                _touched_villages.add(village)


def audit(action: str, row: pw.Model, before: dict[str, Any] | None) -> None:
    write_audits([(action, row._meta.table_name, row.id, before, snapshot(row))])


def write_audits(
    records: list[tuple[str, str, int, dict[str, Any] | None, dict[str, Any]]],
) -> None:
    """Insert audit rows (action, table, record id, before, after), each keeping what
    changed (`stored`) and its place; the first of a change writes the change's row (now,
    by the user, its action), numbered by the id its first audit row takes.

    Prepared statements, not Audit.create: they run for every row a change touches, and
    building each INSERT through the query builder cost more than the change itself.
    """
    if not records:
        return
    for _action, table, record_id, before, after in records:
        _note_touched(table, record_id, before, after)
    mark = database.param
    holder = _change_holder()
    number, first = (holder[0], holder[1]) if holder is not None else (None, None)
    rows = []
    for action, table, record_id, before, after in records:
        kept_before, kept_after = stored(before, after, table)
        rows.append(
            [
                number,
                None if action == (first or records[0][0]) else action,
                table,
                record_id,
                place(table, record_id, before, after),
                audit_json(kept_before),
                audit_json(kept_after),
            ]
        )
    columns = '"change", "action", "table", "record_id", "place", "before", "after"'
    values = ", ".join([mark] * 7)
    if number is None:
        # A new change, numbered by the id its first audit row takes: the sequence's next
        # on PostgreSQL (where another session may be writing too); on SQLite, whose
        # changes run one at a time, the rowid the table gives next.
        if isinstance(database.obj, pw.SqliteDatabase):
            next_id = '(SELECT COALESCE(MAX("id"), 0) + 1 FROM "audit")'
        else:
            next_id = "nextval(pg_get_serial_sequence('audit', 'id'))"
        first = records[0][0]
        (number,) = database.execute_sql(
            f'INSERT INTO "change" ("id", "at", "user", "action") '
            f'VALUES ({next_id}, {mark}, {mark}, {mark}) RETURNING "id"',
            (clock.now().strftime("%Y-%m-%d %H:%M:%S"), current_user(), first),
        ).fetchone()
        if holder is not None:
            holder[:] = [number, first]
        for row in rows:
            row[0] = number
        database.execute_sql(
            f'INSERT INTO "audit" ("id", {columns}) VALUES ({mark}, {values})', [number, *rows[0]]
        )
        rows = rows[1:]
    if rows:
        database.cursor().executemany(f'INSERT INTO "audit" ({columns}) VALUES ({values})', rows)
