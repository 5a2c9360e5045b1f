"""The monthly return as data: every table of a month, as it stands or as it was closed.

A closed month's return must not move when later entries arrive (they are the next
month's late entries), so a close keeps every table of the return as it then stood
(`snapshot`, written by the ledger into FrozenReturn): a village's at its close, the
whole ledger's once every village closed the month. `rows` gives a table frozen when
there is such a copy and counted now otherwise; the workbook and `fptui report` read
through it, so a closed month exports the same figures however often.

Rows are kept as plain JSON: a dataclass row becomes a table of its fields and its
properties (a row's balance, a rate), so a layout's dotted path reads a frozen row as it
reads a live one; texts and dates are marked so they come back as what they were.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import json
from typing import Any

from fptui.models import FrozenReturn
from fptui.reads import tables
from fptui.schema import Text


def plain(value: Any) -> Any:
    """`value` as JSON-able data: dataclasses with their properties, Text and dates marked."""
    if isinstance(value, Text):
        return {"$text": [value.zh, value.en]}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for name, _ in inspect.getmembers(type(value), lambda a: isinstance(a, property)):
            out[name] = plain(getattr(value, name))
        return out
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def revive(value: Any) -> Any:
    """What `plain` kept, with its texts and dates back as they were."""
    if isinstance(value, dict):
        if value.keys() == {"$text"}:
            return Text(*value["$text"])
        if value.keys() == {"$date"}:
            return dt.date.fromisoformat(value["$date"])
        return {k: revive(v) for k, v in value.items()}
    if isinstance(value, list):
        return [revive(v) for v in value]
    return value


def snapshot(month: str, village: int | None, findings: list | None = None) -> str:
    """Every table of the month's return for `village` (None: the whole ledger) as it
    stands now, as the JSON a close keeps. `findings`: the close's; else the score sheet
    reads the kept ones."""
    out = {}
    for name, table in tables.TABLES.items():
        rows = table(month, village, findings) if name == "score_sheet" else table(month, village)
        out[name] = plain(rows)
    return json.dumps(out, ensure_ascii=False, sort_keys=True)


def frozen(month: str, village: int | None) -> dict[str, list] | None:
    """The month's return as it was closed (None while the month is open there)."""
    area = FrozenReturn.area.is_null() if village is None else FrozenReturn.area == village
    row = (
        FrozenReturn.select(FrozenReturn.tables)
        .where(area & (FrozenReturn.month == month))
        .order_by(FrozenReturn.id.desc())
        .first()
    )
    return json.loads(row.tables) if row is not None else None


def rows(name: str, month: str, village: int | None, kept: dict | None = None) -> list:
    """Table `name` of the month's return: as closed when the month is closed there,
    else counted now. `kept`: `frozen(month, village)` when the caller read it already."""
    kept = kept if kept is not None else frozen(month, village)
    if kept is not None and name in kept:
        return revive(kept[name])
    return tables.TABLES[name](month, village)
