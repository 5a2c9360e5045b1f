"""Record versions: what keeps one cadre's save from silently undoing another's.

Households, persons and events carry a `version` (schema v10) that every change the
write path makes to the row moves on by one, here and nowhere else (`save`); derived
columns (a household's search text) do not move it. A form, a script or an import that
read a record passes the version it read as `expected_version`; a save over a record
changed since is refused (`ledger.changed_since`) saying which fields changed, who
changed them and when, read from the record's newest audit rows: field labels only,
never a value, so the message carries nothing personal. Inside the change the row is
read with its lock (`rows.by_id(lock=True)`: PostgreSQL's `FOR UPDATE`; SQLite's changes
already run one at a time), so the version compared is the one the save writes over.
"""

from __future__ import annotations

import json
from typing import Any

import peewee as pw

from fptui.ledger.changes import changed_columns
from fptui.models import AuditLog, Event, Household, Person
from fptui.schema import Text, current
from fptui.schema.validate import refuse

VERSIONED: tuple[type[pw.Model], ...] = (Household, Person, Event)

# Columns no form shows, named in a refusal by these words.
_COLUMNS = {
    "household": Text("所在户", "Household"),
    "head": Text("户主", "Head"),
    "spouse": Text("配偶", "Spouse"),
    "mother": Text("母亲", "Mother"),
    "father": Text("父亲", "Father"),
    "death_date": Text("死亡日期", "Date of death"),
    "person": Text("人员", "Person"),
    "village": Text("村", "Village"),
    "kind": Text("事件类型", "Event kind"),
}
_NOT_SHOWN = {"id", "version", "created_on", "entered_on", "entered_by"}
_NEWEST = 20  # audit rows read at most for one refusal


def save(row: pw.Model) -> None:
    """Save a changed row of the ledger, moving its version on when it has one."""
    if isinstance(row, VERSIONED):
        row.version = (row.version or 0) + 1
    row.save()


def expect(row: pw.Model, expected: int | None, label: Text) -> None:
    """Refuse the change when `row` is no longer at the version its editor read."""
    if expected is None or row.version == int(expected):
        return
    fields, users, when = changes_since(row, int(expected))
    zh, en = "、".join(f.zh for f in fields), ", ".join(f.en for f in fields)
    raise refuse(
        "version",
        label,
        "ledger",
        "changed_since",
        fields=Text(zh or "—", en or "—"),
        user=Text("、".join(users) or "—", ", ".join(users) or "—"),
        when=when or "—",
    )


def changes_since(row: pw.Model, expected: int) -> tuple[list[Text], list[str], str]:
    """The fields changed since version `expected` of `row` (as labels, in the form's
    order), who changed them and when last, from the row's newest audit rows."""
    table = row._meta.table_name
    entries = (
        AuditLog.select(AuditLog.at, AuditLog.user, AuditLog.before, AuditLog.after)
        .where((AuditLog.table == table) & (AuditLog.record_id == row.id))
        .order_by(AuditLog.id.desc())
        .limit(_NEWEST)
    )
    keys: list[str] = []
    users: list[str] = []
    when = ""
    for at, user, before, after in entries.tuples():
        now = json.loads(after) if after else {}
        if not isinstance(now.get("version"), int) or now["version"] <= expected:
            break  # the change the editor had read, or one from before versions
        then = json.loads(before) if before else {}
        when = when or str(at)[:16]
        if user not in users:
            users.append(user)
        for key in _changed(table, then, now):
            if key not in keys:
                keys.append(key)
    return _labels(row, keys), list(reversed(users)), when


def _changed(table: str, then: dict[str, Any], now: dict[str, Any]) -> list[str]:
    out = []
    for key in changed_columns(then, now):  # an update's audit row holds what changed
        if key in _NOT_SHOWN or then.get(key) == now.get(key):
            continue
        if table == "event" and key == "data":  # an event's own fields, by name
            old, new = json.loads(then.get("data") or "{}"), json.loads(now.get("data") or "{}")
            out += [k for k in sorted(old.keys() | new.keys()) if old.get(k) != new.get(k)]
        elif table == "event" and key == "happened_on":
            out.append("date")
        else:
            out.append(key)
    return out


def _labels(row: pw.Model, keys: list[str]) -> list[Text]:
    forms = current().forms
    form = forms.get(row.kind if isinstance(row, Event) else row._meta.table_name)
    order = [f.key for f in form.fields] if form is not None else []
    keys = sorted(keys, key=lambda k: (order.index(k) if k in order else len(order), k))
    out = []
    for key in keys:
        if form is not None and form.has(key):
            out.append(form.field(key).label)
        else:
            out.append(_COLUMNS.get(key, Text(key, key)))
    return out
