"""The county, township, villages and groups: set-up, and the checks that a household's
village and group are ones the ledger has."""

from __future__ import annotations

from typing import Any

from fptui.ledger.changes import audit, change
from fptui.models import (
    Area,
)
from fptui.schema import Form, Text
from fptui.schema.validate import refuse


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
    with change():
        parent_row = Area.get_or_none(Area.id == getattr(parent, "id", parent))
        if kinds[kind] is not None and (parent_row is None or parent_row.kind != kinds[kind]):
            raise refuse("parent", label, "ledger", "not_found")
        area = Area.create(kind=kind, code=code, name=name.strip(), parent=parent_row)
        audit("add_area", area, None)
    return area


def village_and_group(values: dict[str, Any], form: Form) -> None:
    if "village" in values and values["village"] is not None:
        village = Area.get_or_none(Area.id == values["village"])
        if village is None or village.kind != "village":
            raise refuse("village", form.field("village").label, "ledger", "not_a_village")
    if values.get("group") is not None:
        group = Area.get_or_none(Area.id == values["group"])
        village_id = values.get("village")
        if group is None or group.kind != "group" or group.parent_id != village_id:
            raise refuse("group", form.field("group").label, "ledger", "group_not_in_village")
