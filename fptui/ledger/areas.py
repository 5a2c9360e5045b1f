"""The county, township, villages and groups: set-up, and the checks that a household's
village and group are ones the ledger has.

Codes are the statistical division codes (统计用区划代码): a county's is 6 digits, a
township's 9 (the county's 6 and its own 3), a village's 12 (the township's 9 and its
own 3); a group is numbered within its village (1 to 3 digits). A township is typed
with its own 3 digits or all 9, a village with its own 3 or all 12; either way the full
code is stored. Refused, each with the reason, beside the field that has it:

- a code of the wrong width (a county not 6 digits, a township not 3 or 9, a village not
  3 or 12, a group not 1 to 3);
- a township or village whose full code does not begin with its parent's;
- a code already used in the same parent, or one that is the same number as a code there
  (`1` or `0001` next to `001`: a second township the cadre did not mean to make);
- a name already used in the same parent.

`add_area` adds one area under those rules; `set_up` adds a county, a township, villages
and their groups in one change (what `fptui setup` and the first-use form save), reusing
a county or township already there when its code and name are typed the same, so a
second set-up adds villages to a township. `set_up_errors` is the same check without
writing, for a form to show as the cadre types.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from fptui.ledger.changes import audit, change
from fptui.models import (
    Area,
)
from fptui.schema import Form, Text
from fptui.schema.validate import FieldError, InvalidInput, refuse

KINDS = {"county": None, "township": "county", "village": "township", "group": "village"}
# The digits an area's own part of the code has, and those of its full code.
OWN_DIGITS = {"county": 6, "township": 3, "village": 3}
FULL_DIGITS = {"county": 6, "township": 9, "village": 12}
MAX_GROUPS = 99
NAME_LENGTH = 60  # Area.name
GROUP_NAME = "第{n}村民小组"  # the name `set_up` gives group n

CODE_HINTS = {
    "county": Text(
        "6位数字（县级行政区划代码，如140121）",
        "6 digits (the county's division code, e.g. 140121)",
    ),
    "township": Text(
        "3位数字，或县代码加这3位共9位",
        "3 digits, or the county's 6 and these 3 (9 digits)",
    ),
    "village": Text(
        "3位数字，或完整的12位数字代码",
        "3 digits, or the whole 12-digit code",
    ),
    "group": Text("1至3位数字", "1 to 3 digits"),
}
# The labels of `add_area`'s own fields, and of the set-up's (as its refusals name them).
LABELS = {
    "county_code": Text("县代码", "County code"),
    "county_name": Text("县名称", "County name"),
    "township_code": Text("乡镇代码", "Township code"),
    "township_name": Text("乡镇名称", "Township name"),
    "village_code": Text("村代码", "Village code"),
    "village_name": Text("村名称", "Village name"),
    "group_code": Text("小组编号", "Group number"),
    "group_name": Text("小组名称", "Group name"),
    "groups": Text("每村小组数", "Groups/village"),
}
AREA = Text("区划", "Area")


def village_field(part: str, n: int) -> str:
    """The set-up's field of the n-th village (1, 2, ...): `village_code_2`."""
    return f"village_{part}_{n}"


def field_label(key: str) -> Text:
    """The label of a set-up field (`village_code_2` is 村代码2 / Village code 2)."""
    if key in LABELS:
        return LABELS[key]
    _, part, n = key.split("_")
    base = LABELS[f"village_{part}"]
    return base if n == "1" else Text(f"{base.zh}{n}", f"{base.en} {n}")


def _text(value: Any) -> str:
    """What was typed, as the ledger reads it: full-width digits are digits (an input
    method left on types ００１), spaces around it are nothing."""
    return unicodedata.normalize("NFKC", str(value if value is not None else "")).strip()


def own_code(kind: str, code: str) -> str:
    """The area's own part of its code: a township's last 3 of 9, a village's last 3 of
    12 (a code stored by an older fptui in another width is its own part whole)."""
    full = FULL_DIGITS.get(kind)
    if full and len(code) == full and kind in OWN_DIGITS:
        return code[-OWN_DIGITS[kind] :]
    return code


def full_code(area: Area) -> str:
    """The area's statistical code: a county's 6 digits, a township's 9, a village's 12
    (from its parents', for a code stored by an older fptui as its own part only)."""
    kind, code = area.kind, area.code
    if kind in ("county", "group") or len(code) == FULL_DIGITS[kind]:
        return code
    parent = Area.get_or_none(Area.id == area.parent_id)
    return (full_code(parent) if parent is not None else "") + code


@dataclass
class _Sibling:
    code: str
    name: str
    row: Area | None = None  # None: planned by the same set-up, not in the ledger yet


def _siblings(kind: str, parent: Area | None) -> list[_Sibling]:
    where = (Area.kind == kind) & (
        Area.parent.is_null() if parent is None else Area.parent == parent.id
    )
    return [_Sibling(a.code, a.name, a) for a in Area.select().where(where).order_by(Area.id)]


def _check(
    kind: str,
    code: Any,
    name: Any,
    parent_code: str | None,
    siblings: Sequence[_Sibling],
    *,
    fields: tuple[str, str] = ("code", "name"),
    labels: tuple[Text, Text] | None = None,
) -> tuple[str, list[FieldError]]:
    """The code as stored and what is wrong with the code and the name of a new area of
    `kind` under a parent whose full code is `parent_code` (None: unknown, as its own
    code is wrong), next to `siblings` (the areas of that kind already in the parent)."""
    code_key, name_key = fields
    code_label, name_label = labels or (LABELS[f"{kind}_code"], LABELS[f"{kind}_name"])
    typed, name = _text(code), _text(name)
    errors: list[FieldError] = []

    def error(key: str, label: Text, group: str, rule: str, **params: Any) -> None:
        errors.append(FieldError(key, group, rule, label, params))

    stored, own = typed, typed
    prefix_digits = FULL_DIGITS[kind] - OWN_DIGITS[kind] if kind in OWN_DIGITS else 0
    if kind in ("township", "village") and len(typed) == FULL_DIGITS[kind]:
        own = typed[prefix_digits:]
    elif kind in ("township", "village") and len(typed) == OWN_DIGITS[kind] and parent_code:
        stored = parent_code + typed
    if not typed:
        error(code_key, code_label, "field", "required")
    elif not typed.isdigit():
        error(code_key, code_label, "field", "pattern", hint=CODE_HINTS[kind])
    elif (
        prefix_digits
        and parent_code
        and len(typed) == FULL_DIGITS[kind]
        and (not typed.startswith(parent_code))
    ):
        error(
            code_key,
            code_label,
            "ledger",
            "area_code_prefix",
            count=prefix_digits,
            expected=parent_code,
            hint=_prefix_hint(KINDS[kind] or "", parent_code),
            value=typed[:prefix_digits],
        )
    else:
        owns = [(own_code(kind, s.code), s) for s in siblings]
        same = next((s for o, s in owns if o == own), None)
        near = next((s for o, s in owns if o.isdigit() and int(o) == int(own)), None)
        widths = (OWN_DIGITS[kind], FULL_DIGITS[kind]) if kind in OWN_DIGITS else (1, 2, 3)
        if same is not None:
            error(
                code_key, code_label, "ledger", "area_code_taken", value=typed, current=same.name
            )
        elif near is not None:
            error(
                code_key,
                code_label,
                "ledger",
                "area_code_same",
                value=typed,
                first=own_code(kind, near.code),
                current=near.name,
            )
        elif len(typed) not in widths:
            error(code_key, code_label, "field", "pattern", hint=CODE_HINTS[kind])
    if not name:
        error(name_key, name_label, "field", "required")
    elif len(name) > NAME_LENGTH:
        error(name_key, name_label, "field", "too_long", max_length=NAME_LENGTH)
    else:
        taken = next((s for s in siblings if _text(s.name) == name), None)
        if taken is not None:
            error(
                name_key,
                name_label,
                "ledger",
                "area_name_taken",
                value=name,
                first=own_code(kind, taken.code),
            )
    return stored, errors


def _prefix_hint(parent_kind: str, parent_code: str) -> Text:
    """What the first digits of a code are made of, in words."""
    if parent_kind == "township":
        county, township = parent_code[:6], parent_code[6:]
        return Text(
            f"县代码{county}加乡镇代码{township}", f"county {county} and township {township}"
        )
    return Text(f"县代码{parent_code}", f"county {parent_code}")


def add_area(kind: str, code: str, name: str, parent: Area | int | None = None) -> Area:
    """Add a county, township, village or group (set-up, not a cadre's daily work),
    refused, with the reason, by the rules of the module's docstring."""
    if kind not in KINDS:
        raise refuse("kind", AREA, "field", "not_a_choice", options=", ".join(KINDS))
    if not _text(name):
        raise refuse("name", AREA, "field", "required")
    with change():
        parent_row = Area.get_or_none(Area.id == getattr(parent, "id", parent))
        if KINDS[kind] is None:
            parent_row = None
        elif parent_row is None or parent_row.kind != KINDS[kind]:
            raise refuse("parent", AREA, "ledger", "not_found")
        parent_code = full_code(parent_row) if parent_row is not None else None
        stored, errors = _check(kind, code, name, parent_code, _siblings(kind, parent_row))
        if errors:
            raise InvalidInput(errors)
        area = Area.create(kind=kind, code=stored, name=_text(name), parent=parent_row)
        audit("add_area", area, None)
    return area


# --- a whole set-up ---------------------------------------------------------------------


def typed_village_code(county: Any, township: Any, village: Any) -> str | None:
    """The 12-digit code a set-up gives a village typed so (the county's 6 digits, the
    township's 3 and the village's 3, each typed as its own part or whole), or None
    while a part is not yet a code of its width. Nothing is read: what a form shows as
    the cadre types."""
    c, t, v = _text(county), _text(township), _text(village)
    if len(t) == FULL_DIGITS["township"] and t.startswith(c):
        t = t[len(c) :]
    if len(v) == OWN_DIGITS["village"]:
        v = c + t + v
    widths = (len(c), len(t)) == (FULL_DIGITS["county"], OWN_DIGITS["township"])
    if widths and len(v) == FULL_DIGITS["village"] and v.isdigit() and v.startswith(c + t):
        return v
    return None


@dataclass
class SetUp:
    """What a set-up saved: the county, the township, the villages typed (in order) and
    how many areas it added (the rest were there already)."""

    county: Area
    township: Area
    villages: list[Area] = field(default_factory=list)
    added: int = 0


@dataclass
class _Plan:
    """An area as a set-up will have it: found in the ledger (`row`) or to be added."""

    kind: str
    code: str  # as stored
    name: str
    row: Area | None = None
    ok: bool = True  # its code and name were accepted (its children can be checked)


def _groups_count(groups: Any, errors: list[FieldError]) -> int:
    """The number of groups per village (blank: none), or 0 with the error."""
    label, text = LABELS["groups"], _text(groups)
    try:
        n = int(text or 0)
    except ValueError:
        errors.append(FieldError("groups", "field", "not_integer", label))
        return 0
    if n < 0:
        errors.append(FieldError("groups", "field", "below_min", label, {"min": 0}))
    elif n > MAX_GROUPS:
        errors.append(FieldError("groups", "field", "above_max", label, {"max": MAX_GROUPS}))
    return n if 0 <= n <= MAX_GROUPS else 0


def _plan_area(
    kind: str,
    code: Any,
    name: Any,
    parent: _Plan | None,
    planned: Sequence[_Plan],
    fields: tuple[str, str],
    errors: list[FieldError],
) -> _Plan:
    """Find the area in the ledger (same own code and same name) or plan to add it."""
    labels = (field_label(fields[0]), field_label(fields[1]))
    parent_row = parent.row if parent is not None else None
    in_ledger = _siblings(kind, parent_row) if parent is None or parent_row is not None else []
    if parent is not None and not parent.ok:
        parent_code = None
    else:
        parent_code = parent.code if parent is not None else None
    typed, typed_name = _text(code), _text(name)
    for found in in_ledger:
        own = own_code(kind, found.code)
        if typed.isdigit() and typed in (found.code, own):
            row = found.row
            if _text(found.name) != typed_name:
                errors.append(
                    FieldError(
                        fields[1],
                        "ledger",
                        "area_name_differs",
                        labels[1],
                        {"first": typed, "current": found.name},
                    )
                )
                return _Plan(kind, found.code, found.name, row, ok=False)
            return _Plan(kind, found.code, found.name, row)
    siblings = [*in_ledger, *(_Sibling(p.code, p.name) for p in planned)]
    stored, found_errors = _check(
        kind, code, name, parent_code, siblings, fields=fields, labels=labels
    )
    errors.extend(found_errors)
    return _Plan(kind, stored, typed_name, ok=not found_errors)


def _plan(
    county: tuple[Any, Any],
    township: tuple[Any, Any],
    villages: Sequence[tuple[Any, Any]],
    groups: Any,
) -> tuple[_Plan, _Plan, list[_Plan], int, list[FieldError]]:
    errors: list[FieldError] = []
    c = _plan_area("county", *county, None, [], ("county_code", "county_name"), errors)
    t = _plan_area("township", *township, c, [], ("township_code", "township_name"), errors)
    planned: list[_Plan] = []
    for n, (code, name) in enumerate(villages, 1):
        if not _text(code) and not _text(name):
            continue  # a form's village line left blank (the numbering stays the lines')
        keys = (village_field("code", n), village_field("name", n))
        v = _plan_area(
            "village", code, name, t, [p for p in planned if p.row is None], keys, errors
        )
        planned.append(v)
    if not planned:
        key = village_field("code", 1)
        errors.append(FieldError(key, "field", "required", field_label(key)))
    n_groups = _groups_count(groups, errors)
    return c, t, planned, n_groups, errors


def set_up_errors(
    county: tuple[Any, Any],
    township: tuple[Any, Any],
    villages: Sequence[tuple[Any, Any]],
    groups: Any = 0,
) -> list[FieldError]:
    """What `set_up` would refuse, by field (`county_code`, `village_name_2`, `groups`),
    read from the ledger as it is: nothing is written."""
    return _plan(county, township, villages, groups)[4]


def set_up(
    county: tuple[Any, Any],
    township: tuple[Any, Any],
    villages: Sequence[tuple[Any, Any]],
    groups: Any = 0,
) -> SetUp:
    """Add a county (code, name), its township, villages (code, name each; one with both
    blank is skipped, at least one is needed) and `groups` groups (第1村民小组 …) in each
    village, in one change; a county, township, village or
    group already there with the same code and name is used, not added again. Refused
    whole, every wrong value named by its field (`set_up_errors`), nothing written."""
    with change():
        c, t, planned, n_groups, errors = _plan(county, township, villages, groups)
        if errors:
            raise InvalidInput(errors)
        added = 0

        def made(plan: _Plan, parent: Area | None) -> Area:
            nonlocal added
            if plan.row is None:
                plan.row = add_area(plan.kind, plan.code, plan.name, parent)
                added += 1
            return plan.row

        result = SetUp(made(c, None), made(t, c.row))
        for plan in planned:
            village = made(plan, result.township)
            result.villages.append(village)
            have = {own_code("group", g.code) for g in _siblings("group", village)}
            numbers = {int(code) for code in have if code.isdigit()}
            for n in range(1, n_groups + 1):
                if n not in numbers:
                    add_area("group", str(n), GROUP_NAME.format(n=n), village)
                    added += 1
        result.added = added
    return result


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
