"""Read schemas/*.toml into the typed objects of `model.py`, refusing anything malformed.

Every refusal is a SchemaError that names the file, the dotted key and what was
expected, so a township editing its rules finds the mistake without reading code.
Unknown keys are refused too: a misspelt `requird = true` must not pass silently.
"""

from __future__ import annotations

import re
import string
import tomllib
from pathlib import Path
from typing import Any

from fptui.schema.model import (
    FIELD_TYPES,
    SUBJECTS,
    CheckRule,
    ChoiceList,
    Field,
    FollowupRule,
    Followups,
    Form,
    IndicatorRule,
    Option,
    Schemas,
    Scoring,
    Text,
    Visit,
)
from fptui.shipped import schemas_dir

DEFAULT_DIR = schemas_dir()  # the packaged copy in a wheel, else the checkout's


class SchemaError(ValueError):
    def __init__(self, file: Path | str, key: str, expected: str) -> None:
        self.file, self.key, self.expected = str(file), key, expected
        super().__init__(f"{self.file}: {key}: {expected}")


# What domain.toml must hold: section -> key -> type.
DOMAIN_SPEC: dict[str, dict[str, type]] = {
    "marriage": {"legal_age_male": int, "legal_age_female": int},
    "birth": {
        "mother_age_min": int,
        "mother_age_max": int,
        "father_age_min": int,
        "earliest_year": int,
    },
    "entry": {"timely_days": int},
    "statistics": {"year_start_month": int, "annualise_part_year": bool, "rate_denominator": str},
    "ids": {"allow_legacy_15": bool},
    "benefits": {"reward_age": int, "special_mother_age": int, "special_disability_grade": int},
}
# What a rate per mille divides by: the average population of the statistical year to
# date ((start + end) / 2, the National Bureau of Statistics' definition) or, as many
# published township tables do, the population at the period's end.
RATE_DENOMINATORS = ("average", "end")
# The messages fptui shows, by group: each must be in messages.toml.
MESSAGE_GROUPS: dict[str, tuple[str, ...]] = {
    "field": (
        "required",
        "too_long",
        "not_integer",
        "not_number",
        "below_min",
        "above_max",
        "pattern",
        "not_a_choice",
        "must_be_yes",
        "unknown_field",
        "blank_if",
    ),
    "date": ("format", "impossible", "future", "too_early", "birth_too_early", "before_birth"),
    "idcard": (
        "length",
        "format",
        "date",
        "checksum",
        "birth_too_early",
        "division",
        "division_unknown",
        "legacy_format",
        "legacy_refused",
        "sex_disagrees",
        "birth_date_disagrees",
        "duplicate",
    ),
    "ledger": (
        "not_found",
        "duplicate_household",
        "not_a_village",
        "group_not_in_village",
        "wrong_residence",
        "must_be_female",
        "must_be_male",
        "already_married",
        "not_married",
        "before_mother_birth",
        "before_spouse_birth",
        "before_recorded_event",
        "event_only",
        "same_person",
        "not_in_household",
        "void_unknown_change",
        "void_later_changes",
        "busy",
        "changed_since",
        "area_code_taken",
        "area_code_same",
        "area_code_prefix",
        "area_name_taken",
        "area_name_differs",
    ),
    "followup": ("not_open", "before_window"),
    "period": (
        "closed",
        "not_balanced",
        "errors_open",
        "warnings_open",
        "earlier_open",
        "already_closed",
        "not_closed",
        "not_ended",
        "not_next",
        "before_ledger",
        "not_latest",
    ),
}
# The placeholders a message may use: the field's label and the rules' own values.
MESSAGE_PARAMS = {
    "label",
    "max_length",
    "min",
    "max",
    "hint",
    "options",
    "current",
    "id_value",
    "value",
    "month",
    "next",
    "first",
    "last",
    "count",
    "end",
    "expected",
    "diff",
    "year",
    "when",
    "event",
    "date",
    "fields",
    "user",
}


class Reader:
    """Checks values of one file, naming `file` and the dotted key in every error."""

    def __init__(self, file: Path) -> None:
        self.file = file

    def fail(self, key: str, expected: str) -> SchemaError:
        return SchemaError(self.file, key, expected)

    def table(self, value: Any, key: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, f"expected a table, got {kind_of(value)}")
        return value

    def only(self, value: dict[str, Any], key: str, allowed: set[str]) -> None:
        for k in value:
            if k not in allowed:
                raise self.fail(
                    f"{key}.{k}" if key else k,
                    f"unknown key; expected one of {', '.join(sorted(allowed))}",
                )

    def get(
        self, tbl: dict[str, Any], key: str, where: str, typ: type | tuple, default: Any = ...
    ):
        if key not in tbl:
            if default is ...:
                raise self.fail(_join(where, key), "missing")
            return default
        value = tbl[key]
        ok = isinstance(value, typ) and not (typ in (int, float, (int, float)) and value is True)
        if typ is not bool and isinstance(value, bool):
            ok = False
        if not ok:
            name = typ.__name__ if isinstance(typ, type) else " or ".join(t.__name__ for t in typ)
            raise self.fail(
                _join(where, key), f"expected {_NAMES.get(name, name)}, got {kind_of(value)}"
            )
        return value

    def text(
        self, tbl: dict[str, Any], key: str, where: str, required: bool = True
    ) -> Text | None:
        if key not in tbl and not required:
            return None
        value = self.table(self.get(tbl, key, where, dict), f"{where}.{key}")
        self.only(value, f"{where}.{key}", {"zh", "en"})
        zh = self.get(value, "zh", f"{where}.{key}", str)
        en = self.get(value, "en", f"{where}.{key}", str, "")
        if not zh.strip():
            raise self.fail(f"{where}.{key}.zh", "expected a non-empty text")
        return Text(zh, en)

    def str_list(self, tbl: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = self.get(tbl, key, where, list, [])
        for i, item in enumerate(value):
            if not isinstance(item, str):
                raise self.fail(f"{where}.{key}[{i}]", f"expected a string, got {kind_of(item)}")
        return tuple(value)

    def str_map(self, tbl: dict[str, Any], key: str, where: str, values: type = str) -> dict:
        value = self.table(self.get(tbl, key, where, dict, {}), f"{where}.{key}")
        for k, v in value.items():
            if not isinstance(v, values):
                raise self.fail(f"{where}.{key}.{k}", f"expected a string, got {kind_of(v)}")
        return dict(value)


_NAMES = {
    "str": "a string",
    "int": "an integer",
    "bool": "true or false",
    "dict": "a table",
    "list": "a list",
    "int or float": "a number",
}


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def kind_of(value: Any) -> str:
    """How a wrong value is named in a refusal: "an integer", "a table"."""
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise SchemaError(path, "(file)", "file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise SchemaError(path, "(syntax)", f"not valid TOML: {exc}") from None


def _load_choices(path: Path) -> dict[str, ChoiceList]:
    r = Reader(path)
    lists = {}
    for name, raw in read_toml(path).items():
        tbl = r.table(raw, name)
        r.only(tbl, name, {"label", "options"})
        options = []
        seen: set[str] = set()
        letters: set[str] = set()
        raw_opts = r.get(tbl, "options", name, list)
        if not raw_opts:
            raise r.fail(f"{name}.options", "expected at least one option")
        for i, raw_opt in enumerate(raw_opts):
            where = f"{name}.options[{i}]"
            opt = r.table(raw_opt, where)
            r.only(opt, where, {"key", "zh", "en", "letter"})
            key = r.get(opt, "key", where, str)
            if key in seen:
                raise r.fail(f"{where}.key", f"duplicate option key {key!r}")
            seen.add(key)
            zh = r.get(opt, "zh", where, str)
            letter = r.get(opt, "letter", where, str, "")
            if letter and letter.lower() in letters:
                raise r.fail(f"{where}.letter", f"letter {letter!r} is already another option's")
            letters.add(letter.lower())
            options.append(
                Option(
                    key,
                    Text(zh, r.get(opt, "en", where, str, "")),
                    letter,
                )
            )
        lists[name] = ChoiceList(name, r.text(tbl, "label", name), tuple(options))
    return lists


_FIELD_KEYS = {
    "key",
    "type",
    "label",
    "required",
    "choices",
    "max_length",
    "min",
    "max",
    "pattern",
    "pattern_hint",
    "allow_future",
    "default",
    "required_if",
    "blank_if",
    "fills",
    "editable",
    "must_be_yes",
}
_FORM_KEYS = {
    "title",
    "fields",
    "subject",
    "residence_from",
    "sex",
    "sets",
    "copies",
    "marital_from",
    "marital_to",
    "mirror_spouse",
    "person_fields",
}


def _load_field(r: Reader, raw: Any, where: str, choices: dict[str, ChoiceList]) -> Field:
    tbl = r.table(raw, where)
    r.only(tbl, where, _FIELD_KEYS)
    key = r.get(tbl, "key", where, str)
    ftype = r.get(tbl, "type", where, str)
    if ftype not in FIELD_TYPES:
        raise r.fail(f"{where}.type", f"expected one of {', '.join(FIELD_TYPES)}, got {ftype!r}")
    choice = r.get(tbl, "choices", where, str, None)
    if ftype == "choice":
        if choice is None:
            raise r.fail(f"{where}.choices", "missing: a choice field names its choice list")
        if choice not in choices:
            raise r.fail(f"{where}.choices", f"no choice list {choice!r} in choices.toml")
    pattern = r.get(tbl, "pattern", where, str, None)
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise r.fail(f"{where}.pattern", f"not a valid regular expression: {exc}") from None
    number = (int, float)
    fills = r.str_map(tbl, "fills", where)
    for attr in fills:
        if attr not in ("sex", "birth_date"):
            raise r.fail(f"{where}.fills.{attr}", "expected sex or birth_date (what an ID says)")
    if ftype == "bool" and "default" in tbl:
        r.get(tbl, "default", where, bool)
    return Field(
        key=key,
        type=ftype,
        label=r.text(tbl, "label", where),
        required=r.get(tbl, "required", where, bool, False),
        choices=choice,
        max_length=r.get(tbl, "max_length", where, int, None),
        min=r.get(tbl, "min", where, number, None),
        max=r.get(tbl, "max", where, number, None),
        pattern=pattern,
        pattern_hint=r.text(tbl, "pattern_hint", where, required=False),
        allow_future=r.get(tbl, "allow_future", where, bool, False),
        default=tbl.get("default"),
        required_if=r.str_map(tbl, "required_if", where),
        blank_if=r.str_map(tbl, "blank_if", where),
        fills=fills,
        editable=r.get(tbl, "editable", where, bool, True),
        must_be_yes=r.get(tbl, "must_be_yes", where, bool, False),
    )


def _load_forms(path: Path, choices: dict[str, ChoiceList]) -> dict[str, Form]:
    r = Reader(path)
    data = read_toml(path)
    r.only(data, "", {"forms"})
    forms = {}
    for name, raw in r.table(data.get("forms", {}), "forms").items():
        where = f"forms.{name}"
        tbl = r.table(raw, where)
        r.only(tbl, where, _FORM_KEYS)
        raw_fields = r.get(tbl, "fields", where, list, [])
        fields = tuple(
            _load_field(r, f, f"{where}.fields[{i}]", choices) for i, f in enumerate(raw_fields)
        )
        keys = [f.key for f in fields]
        for i, k in enumerate(keys):
            if k in keys[:i]:
                raise r.fail(f"{where}.fields[{i}].key", f"duplicate field key {k!r}")
        for i, f in enumerate(fields):
            for attr, target in f.fills.items():
                if target not in keys:
                    raise r.fail(f"{where}.fields[{i}].fills.{attr}", f"no field {target!r} here")
            for rule in ("required_if", "blank_if"):
                for other in getattr(f, rule):
                    if other not in keys:
                        raise r.fail(
                            f"{where}.fields[{i}].{rule}.{other}",
                            f"no field {other!r} in this form",
                        )
        subject = r.get(tbl, "subject", where, str, None)
        if subject is not None and subject not in SUBJECTS:
            raise r.fail(f"{where}.subject", f"expected one of {', '.join(SUBJECTS)}")
        if subject and "date" not in keys:
            raise r.fail(f"{where}.fields", "an event form needs a `date` field")
        copies = r.str_map(tbl, "copies", where)
        for column, source in copies.items():
            if source not in keys:
                raise r.fail(f"{where}.copies.{column}", f"no field {source!r} in this form")
        forms[name] = Form(
            key=name,
            title=r.text(tbl, "title", where),
            fields=fields,
            subject=subject,
            residence_from=r.str_list(tbl, "residence_from", where),
            sex=r.get(tbl, "sex", where, str, None),
            sets=r.table(r.get(tbl, "sets", where, dict, {}), f"{where}.sets"),
            copies=copies,
            marital_from=r.str_list(tbl, "marital_from", where),
            marital_to=r.str_map(tbl, "marital_to", where),
            mirror_spouse=r.get(tbl, "mirror_spouse", where, bool, False),
            person_fields=r.str_list(tbl, "person_fields", where),
        )
    return forms


def _check_references(
    forms: dict[str, Form], choices: dict[str, ChoiceList], files: dict[str, Path]
) -> None:
    """Cross-file rules: the states and sexes events name exist in choices.toml, and
    person_fields exist on the person form. Errors name the form's own file."""

    def option(list_name: str, value: Any, file: Path, key: str) -> None:
        known = choices[list_name].keys if list_name in choices else ()
        if value not in known:
            raise SchemaError(
                file,
                key,
                f"no {list_name} option {value!r} in choices.toml "
                f"(expected one of {', '.join(known)})",
            )

    person = forms.get("person")
    for name, form in forms.items():
        file, where = files[name], f"forms.{name}"
        for i, state in enumerate(form.residence_from):
            option("residence", state, file, f"{where}.residence_from[{i}]")
        for i, state in enumerate(form.marital_from):
            option("marital_status", state, file, f"{where}.marital_from[{i}]")
        for before, after in form.marital_to.items():
            option("marital_status", before, file, f"{where}.marital_to")
            option("marital_status", after, file, f"{where}.marital_to.{before}")
        for column in ("residence", "marital_status", "sex"):
            if column in form.sets:
                option(column, form.sets[column], file, f"{where}.sets.{column}")
        if form.sex is not None:
            option("sex", form.sex, file, f"{where}.sex")
        for key in form.person_fields:
            if person is None or not person.has(key):
                raise SchemaError(
                    file, f"{where}.person_fields", f"the person form has no field {key!r}"
                )
        for i, f in enumerate(form.fields):
            if f.type == "choice" and f.default is not None:
                option(f.choices or "", f.default, file, f"{where}.fields[{i}].default")


def _load_domain(path: Path) -> dict[str, dict[str, Any]]:
    r = Reader(path)
    data = read_toml(path)
    r.only(data, "", set(DOMAIN_SPEC))
    out: dict[str, dict[str, Any]] = {}
    for section, spec in DOMAIN_SPEC.items():
        tbl = r.table(r.get(data, section, "", dict) if section in data else {}, section)
        if section not in data:
            raise r.fail(section, "missing section")
        r.only(tbl, section, set(spec))
        out[section] = {key: r.get(tbl, key, section, typ) for key, typ in spec.items()}
    month = out["statistics"]["year_start_month"]
    if not 1 <= month <= 12:
        raise r.fail("statistics.year_start_month", f"expected a month 1 to 12, got {month}")
    denominator = out["statistics"]["rate_denominator"]
    if denominator not in RATE_DENOMINATORS:
        raise r.fail(
            "statistics.rate_denominator",
            f"expected one of {', '.join(RATE_DENOMINATORS)}, got {denominator!r}",
        )
    return out


def _load_messages(path: Path) -> dict[str, dict[str, Text]]:
    r = Reader(path)
    data = read_toml(path)
    r.only(data, "", set(MESSAGE_GROUPS))
    out = {}
    for group, rules in MESSAGE_GROUPS.items():
        tbl = r.table(r.get(data, group, "", dict), group)
        out[group] = {key: r.text(tbl, key, group) for key in tbl}
        for rule in rules:
            if rule not in out[group]:
                raise r.fail(f"{group}.{rule}", "missing: fptui shows this message")
        for rule, text in out[group].items():
            for lang in ("zh", "en"):
                try:
                    names = {n for _, n, _, _ in string.Formatter().parse(text(lang)) if n}
                except ValueError as exc:
                    raise r.fail(
                        f"{group}.{rule}.{lang}", f"not a valid template: {exc}"
                    ) from None
                unknown = names - MESSAGE_PARAMS
                if unknown:
                    raise r.fail(
                        f"{group}.{rule}.{lang}",
                        f"unknown placeholder {{{sorted(unknown)[0]}}}; expected "
                        + ", ".join(f"{{{n}}}" for n in sorted(MESSAGE_PARAMS)),
                    )
    return out


_RULE_KEYS = {
    "title",
    "on",
    "person",
    "anchor",
    "visits",
    "skip_past",
    "closed_by",
    "repeat_days",
    "repeat_while",
    "yearly",
    "household_flag",
    "monthly",
}
_YEARLY_KEYS = {"month", "day", "from_month", "year_field", "years_after"}


def _load_followups(
    path: Path, forms: dict[str, Form], choices: dict[str, ChoiceList]
) -> Followups:
    """Follow-up rules; every event, field and state they name must exist."""
    r = Reader(path)
    data = read_toml(path)
    r.only(data, "", {"cancel", "rules"})
    events = {k for k, f in forms.items() if f.subject}
    residence = choices["residence"].keys if "residence" in choices else ()

    def event_kind(value: str, key: str) -> str:
        if value not in events:
            raise r.fail(
                key, f"no event form {value!r} (expected one of {', '.join(sorted(events))})"
            )
        return value

    cancel = r.table(r.get(data, "cancel", "", dict, {}), "cancel")
    r.only(cancel, "cancel", {"on"})
    cancel_on = r.str_list(cancel, "on", "cancel")
    for i, kind in enumerate(cancel_on):
        event_kind(kind, f"cancel.on[{i}]")
    rules = {}
    for name, raw in r.table(r.get(data, "rules", "", dict), "rules").items():
        where = f"rules.{name}"
        tbl = r.table(raw, where)
        r.only(tbl, where, _RULE_KEYS)
        on = r.get(tbl, "on", where, str, None)
        form = forms[event_kind(on, f"{where}.on")] if on else None
        person = r.get(tbl, "person", where, str, None)
        if person is not None and (
            form is None or not form.has(person) or form.field(person).type != "person"
        ):
            raise r.fail(f"{where}.person", f"no person field {person!r} in the {on} form")
        anchor = r.table(r.get(tbl, "anchor", where, dict, {}), f"{where}.anchor")
        r.only(anchor, f"{where}.anchor", {"field", "days"})
        anchor_field = r.get(anchor, "field", f"{where}.anchor", str, None)
        if anchor_field is not None and (
            form is None or not form.has(anchor_field) or form.field(anchor_field).type != "date"
        ):
            raise r.fail(
                f"{where}.anchor.field", f"no date field {anchor_field!r} in the {on} form"
            )
        visits = []
        for i, v in enumerate(r.get(tbl, "visits", where, list, [])):
            vw = f"{where}.visits[{i}]"
            v = r.table(v, vw)
            r.only(v, vw, {"from", "to", "due"})
            start, end = r.get(v, "from", vw, int), r.get(v, "to", vw, int)
            due = r.get(v, "due", vw, int, end)
            if not start <= due <= end:
                raise r.fail(vw, f"expected from <= due <= to, got {start}, {due}, {end}")
            visits.append(Visit(start, end, due))
        yearly = r.get(tbl, "yearly", where, dict, None)
        if yearly is not None:
            r.only(yearly, f"{where}.yearly", _YEARLY_KEYS)
            for key in ("month", "day"):
                r.get(yearly, key, f"{where}.yearly", int)
            year_field = yearly.get("year_field")
            if year_field is not None and (form is None or not form.has(year_field)):
                raise r.fail(
                    f"{where}.yearly.year_field", f"no field {year_field!r} in the {on} form"
                )
        flag = r.get(tbl, "household_flag", where, str, None)
        if flag is not None:
            household = forms.get("household")
            if (
                household is None
                or not household.has(flag)
                or household.field(flag).type != "bool"
            ):
                raise r.fail(
                    f"{where}.household_flag", f"no yes/no field {flag!r} on the household form"
                )
        monthly = r.get(tbl, "monthly", where, bool, False)
        shapes = sum((bool(visits), yearly is not None, monthly))
        if shapes != 1:
            raise r.fail(where, "expected exactly one schedule: visits, yearly or monthly")
        if (on is None) == (flag is None):
            raise r.fail(where, "expected either `on` (an event) or `household_flag`, not both")
        closed_by = r.str_list(tbl, "closed_by", where)
        for i, kind in enumerate(closed_by):
            event_kind(kind, f"{where}.closed_by[{i}]")
        repeat_while = r.get(tbl, "repeat_while", where, str, None)
        if repeat_while is not None and repeat_while not in residence:
            raise r.fail(
                f"{where}.repeat_while", f"no residence state {repeat_while!r} in choices.toml"
            )
        rules[name] = FollowupRule(
            key=name,
            title=r.text(tbl, "title", where),
            on=on,
            person=person,
            anchor_field=anchor_field,
            anchor_days=r.get(anchor, "days", f"{where}.anchor", int, 0),
            visits=tuple(visits),
            skip_past=r.get(tbl, "skip_past", where, bool, False),
            closed_by=closed_by,
            repeat_days=r.get(tbl, "repeat_days", where, int, None),
            repeat_while=repeat_while,
            yearly=dict(yearly) if yearly is not None else None,
            household_flag=flag,
            monthly=monthly,
        )
    return Followups(rules, cancel_on)


def _load_checks(path: Path) -> dict[str, CheckRule]:
    """Logic checks: severity, message and switch of each; its params as written.

    Which checks exist, the values a message may name and the params a check takes are
    known to `reads/checks.py`, which checks them (`checks.rules`): the loader stands
    below the checks and imports nothing of them.
    """
    r = Reader(path)
    data = read_toml(path)
    r.only(data, "", {"checks"})
    out = {}
    for name, raw in r.table(r.get(data, "checks", "", dict), "checks").items():
        where = f"checks.{name}"
        tbl = r.table(raw, where)
        r.only(tbl, where, {"severity", "message", "params", "enabled"})
        severity = r.get(tbl, "severity", where, str)
        if severity not in ("error", "warning"):
            raise r.fail(f"{where}.severity", f"expected error or warning, got {severity!r}")
        out[name] = CheckRule(
            name,
            severity,
            r.text(tbl, "message", where),
            dict(r.table(r.get(tbl, "params", where, dict, {}), f"{where}.params")),
            r.get(tbl, "enabled", where, bool, True),
        )
    return out


SHAPES: dict[str, tuple[str, ...]] = {
    "rate_below": ("target", "per_point"),
    "per_case": ("per_case",),
    "yes_no": (),
    "veto": (),
}


def _load_scoring(path: Path) -> Scoring:
    """Indicators: a figure, a shape with its numbers, points adding to 100.

    Which figures exist is known to `reads/score.py`, which checks the names
    (`score.indicators`).
    """
    r = Reader(path)
    data = read_toml(path)
    r.only(data, "", {"title", "indicators"})
    number = (int, float)
    indicators = {}
    for name, raw in r.table(r.get(data, "indicators", "", dict), "indicators").items():
        where = f"indicators.{name}"
        tbl = r.table(raw, where)
        r.only(
            tbl,
            where,
            {"title", "figure", "shape", "target", "points", "per_point", "per_case", "no_cases"},
        )
        fig = r.get(tbl, "figure", where, str)
        shape = r.get(tbl, "shape", where, str)
        if shape not in SHAPES:
            raise r.fail(f"{where}.shape", f"expected one of {', '.join(SHAPES)}, got {shape!r}")
        for needed in SHAPES[shape]:
            r.get(tbl, needed, where, number)
        points = r.get(tbl, "points", where, number, 0)
        if points < 0:
            raise r.fail(f"{where}.points", "expected 0 or more")
        no_cases = r.get(tbl, "no_cases", where, str, "full")
        if no_cases not in ("full", "none"):
            raise r.fail(f"{where}.no_cases", f"expected full or none, got {no_cases!r}")
        indicators[name] = IndicatorRule(
            key=name,
            title=r.text(tbl, "title", where),
            figure=fig,
            shape=shape,
            points=points,
            target=r.get(tbl, "target", where, number, None),
            per_point=r.get(tbl, "per_point", where, number, 0),
            per_case=r.get(tbl, "per_case", where, number, 0),
            no_cases=no_cases,
        )
    total = sum(i.points for i in indicators.values())
    if abs(total - 100) > 1e-9:
        raise r.fail("indicators", f"points add up to {total:g}; expected 100")
    return Scoring(r.text(data, "title", ""), indicators)


def load(directory: Path | str | None = None) -> Schemas:
    """Load every schema file under `directory` (default: `default_dir()`)."""
    dir_ = Path(directory) if directory else default_dir()
    choices = _load_choices(dir_ / "choices.toml")
    forms: dict[str, Form] = {}
    files: dict[str, Path] = {}
    form_files = sorted((dir_ / "forms").glob("*.toml"))
    if not form_files:
        raise SchemaError(dir_ / "forms", "(folder)", "expected form files *.toml")
    for path in form_files:
        for name, form in _load_forms(path, choices).items():
            if name in forms:
                raise SchemaError(path, f"forms.{name}", "defined in another form file too")
            forms[name] = form
            files[name] = path
    for required in ("household", "person", "birth"):
        if required not in forms:
            raise SchemaError(dir_ / "forms", f"forms.{required}", "missing form")
    _check_references(forms, choices, files)
    return Schemas(
        forms=forms,
        choices=choices,
        domain=_load_domain(dir_ / "domain.toml"),
        messages=_load_messages(dir_ / "messages.toml"),
        followups=_load_followups(dir_ / "followups.toml", forms, choices),
        checks=_load_checks(dir_ / "checks.toml"),
        scoring=_load_scoring(dir_ / "scoring.toml"),
        folder=dir_,
    )


_current: Schemas | None = None


def current() -> Schemas:
    """The schemas in use (loaded once from the default folder unless `use` set others)."""
    global _current
    if _current is None:
        _current = load()
    return _current


def use(schemas: Schemas | None) -> None:
    """Make `schemas` the ones in use (None: reload the default folder on next use)."""
    global _current
    _current = schemas


_township_dir: Path | None = None


def default_dir() -> Path:
    """The folder read when none is named (`load()`, `current()`, the report layouts): a
    township's own copy once `set_default_dir` named it, else the shipped one."""
    return _township_dir or DEFAULT_DIR


def set_default_dir(directory: Path | str | None) -> None:
    """Read a township's own schema folder from now on (`fptui --schemas`, FPTUI_SCHEMAS),
    so the forms and the return's layouts come from one place; None: the shipped folder.
    The schemas in use are dropped: the next `current()` reads the folder."""
    global _township_dir
    _township_dir = Path(directory).resolve() if directory else None
    use(None)
