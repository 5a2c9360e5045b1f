"""The monthly return's layouts: schemas/reports/*.toml, one sheet each, in file order.

A layout names the table of `reads/tables.py` (its TABLES) that gives its rows and, for
each column, the value to read from a row (a dotted path: `flows.births_by_order.3+`),
its label, an optional group heading over several columns, and how to show it. A bad
layout is refused naming the file, the key and what was expected.
"""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fptui.schema import SchemaError, Text
from fptui.schema.loader import Reader, default_dir, read_toml

FORMATS = ("text", "count", "rate", "date", "event", "followup", "label", "note")


@dataclass(frozen=True)
class Column:
    value: str
    label: Text
    format: str
    group: Text | None = None


@dataclass(frozen=True)
class Layout:
    key: str
    title: Text
    table: str
    named: bool
    columns: tuple[Column, ...]
    footnote: Text | None = None  # under the rows; {rates} is how the rates are counted


def load(directory: Path | str | None = None) -> list[Layout]:
    """Every layout of `<schemas>/reports/`, in the order of their file names."""
    from fptui.reads import tables

    folder = Path(directory or default_dir()) / "reports"
    files = sorted(folder.glob("*.toml"))
    if not files:
        raise SchemaError(folder, "(folder)", "expected report layouts *.toml")
    layouts = []
    for path in files:
        r = Reader(path)
        data = read_toml(path)
        r.only(data, "", {"report"})
        tbl = r.table(r.get(data, "report", "", dict), "report")
        r.only(tbl, "report", {"title", "table", "named", "columns", "footnote"})
        table = r.get(tbl, "table", "report", str)
        if table not in tables.TABLES:
            raise r.fail(
                "report.table",
                f"no table {table!r}; expected one of {', '.join(tables.TABLES)}",
            )
        columns = []
        for i, raw in enumerate(r.get(tbl, "columns", "report", list)):
            where = f"report.columns[{i}]"
            col = r.table(raw, where)
            r.only(col, where, {"value", "label", "format", "group"})
            fmt = r.get(col, "format", where, str)
            if fmt not in FORMATS and not fmt.startswith("choice:"):
                raise r.fail(
                    f"{where}.format", f"expected one of {', '.join(FORMATS)} or choice:<list>"
                )
            columns.append(
                Column(
                    r.get(col, "value", where, str),
                    r.text(col, "label", where),
                    fmt,
                    r.text(col, "group", where, required=False),
                )
            )
        if not columns:
            raise r.fail("report.columns", "expected at least one column")
        layouts.append(
            Layout(
                path.stem,
                r.text(tbl, "title", "report"),
                table,
                r.get(tbl, "named", "report", bool, False),
                tuple(columns),
                _footnote(r, tbl),
            )
        )
    return layouts


FOOTNOTE_PLACEHOLDERS = {"rates"}


def _footnote(r: Reader, tbl: dict[str, Any]) -> Text | None:
    note = r.text(tbl, "footnote", "report", required=False)
    for lang in ("zh", "en"):
        if note is None:
            break
        names = {n for _, n, _, _ in string.Formatter().parse(note(lang)) if n}
        if names - FOOTNOTE_PLACEHOLDERS:
            raise r.fail(
                f"report.footnote.{lang}",
                f"unknown placeholder {{{sorted(names - FOOTNOTE_PLACEHOLDERS)[0]}}}; "
                "expected {rates}",
            )
    return note


RETURN_WORDS = (
    "title",
    "cover",
    "unit",
    "period",
    "prepared_by",
    "checked_by",
    "date_reported",
    "unit_head",
    "named",
    "month",
    "total",
    "rates_average",
    "rates_end",
    "rates_annualised",
)


def words(directory: Path | str | None = None) -> dict[str, Text]:
    """The return's common words (schemas/return.toml): every one must be there."""
    path = Path(directory or default_dir()) / "return.toml"
    r = Reader(path)
    data = read_toml(path)
    r.only(data, "", set(RETURN_WORDS))
    return {key: r.text(data, key, "") for key in RETURN_WORDS}


def value_of(row: Any, path: str) -> Any:
    """The value at a dotted path of a row (attributes or keys); None when missing."""
    for part in path.split("."):
        if row is None:
            return None
        row = row.get(part) if isinstance(row, dict) else getattr(row, part, None)
    return row


def shown(value: Any, fmt: str, lang: str) -> Any:
    """A cell's value as the sheet shows it: numbers stay numbers, the rest is text."""
    from fptui.reads import followups
    from fptui.schema import current

    if fmt == "count":
        return 0 if value is None else value
    if fmt == "rate":
        return "-" if value is None else value
    if fmt == "date":
        return value.isoformat() if isinstance(value, dt.date) else (value or "")
    if fmt == "label":
        return value(lang) if isinstance(value, Text) else words()["total"](lang)
    if fmt == "note":
        return value(lang) if isinstance(value, Text) else ""
    if fmt == "event":
        forms = current().forms
        return forms[value].title(lang) if value in forms else str(value or "")
    if fmt == "followup":
        return followups.title(value, lang)
    if fmt.startswith("choice:"):
        return current().choices[fmt[7:]].label_of(value, lang)
    return "" if value is None else str(value)
