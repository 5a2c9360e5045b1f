"""Turn what was typed (or passed) into clean values, by the rules of a schema form.

The TUI form and `ledger.py` call the same `clean`, so a value the screen accepts is
one the write path accepts, and each refusal is a FieldError naming the field, the rule
and a message in Chinese and English from schemas/messages.toml. `notes` gives, in the
same shape, what the screen shows beside a field without refusing it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from fptui import dates, idcard
from fptui.schema import Field, Form, Schemas, Text, current

_PHONE = re.compile(r"^\+?[0-9][0-9 -]{5,18}[0-9]$")
_PHONE_HINT = Text("6-20位数字，可含空格或-", "6 to 20 digits, spaces or - allowed")


@dataclass(frozen=True)
class FieldError:
    field: str
    group: str  # message group in messages.toml: field, date, idcard, ledger
    rule: str
    label: Text
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "zh", schemas: Schemas | None = None) -> str:
        schemas = schemas or current()
        params = {k: (v(lang) if isinstance(v, Text) else v) for k, v in self.params.items()}
        return schemas.message(self.group, self.rule, lang, label=self.label(lang), **params)


class InvalidInput(ValueError):
    """One or more refused values; nothing was written."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__(self.text("zh"))

    def text(self, lang: str = "zh") -> str:
        return (
            "；".join(e.message(lang) for e in self.errors)
            if lang == "zh"
            else "; ".join(e.message(lang) for e in self.errors)
        )

    @property
    def fields(self) -> list[str]:
        return [e.field for e in self.errors]


def refuse(field_key: str, label: Text, group: str, rule: str, **params: Any) -> InvalidInput:
    """An InvalidInput with one error, for rules the write path checks itself."""
    return InvalidInput([FieldError(field_key, group, rule, label, params)])


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _options_hint(schemas: Schemas, f: Field) -> Text:
    opts = schemas.choices[f.choices or "yes_no"].options
    zh = " ".join(f"{i}{o.label.zh}" for i, o in enumerate(opts, 1))
    en = ", ".join(f"{i} {o.label.en}" for i, o in enumerate(opts, 1))
    return Text(zh, en)


def clean_field(
    f: Field,
    raw: Any,
    schemas: Schemas,
    today: dt.date | None = None,
    *,
    birth: bool | None = None,
) -> Any:
    """The clean value of one non-blank raw value, or raise InvalidInput for this field.

    `birth`: the field is a date of birth (by default, when its key is `birth_date`;
    `clean` also counts what an ID number's date of birth fills). A date before
    domain.toml's `birth.earliest_year` is refused: a date of birth as such
    (`date.birth_too_early`), any other date as `date.too_early`; so is an ID number
    whose date of birth is (`idcard.birth_too_early`).
    """

    def bad(group: str, rule: str, **params: Any) -> InvalidInput:
        return refuse(f.key, f.label, group, rule, **params)

    if isinstance(raw, str):
        # an input method left in full-width mode types ０００９, １３９…, １２．５:
        # the same characters as 0009, 139…, 12.5 (NFKC), in every field
        raw = unicodedata.normalize("NFKC", raw)
    t = f.type
    if t in ("text", "phone"):
        value = str(raw).strip()
        if f.max_length is not None and len(value) > f.max_length:
            raise bad("field", "too_long", max_length=f.max_length)
        if t == "phone" and not _PHONE.match(value):
            raise bad("field", "pattern", hint=_PHONE_HINT)
        if f.pattern and not re.search(f.pattern, value):
            raise bad("field", "pattern", hint=f.pattern_hint or Text(f.pattern, f.pattern))
        return value
    if t in ("int", "person", "village", "group"):
        if hasattr(raw, "id"):
            raw = raw.id
        if isinstance(raw, bool) or not isinstance(raw, int | str):
            raise bad("field", "not_integer")
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise bad("field", "not_integer") from None
    elif t == "decimal":
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            raise bad("field", "not_number") from None
        if not value.is_finite():
            raise bad("field", "not_number")
    elif t == "date":
        if isinstance(raw, dt.date):
            value = raw
            if not f.allow_future and value > (today or dt.date.max):
                raise bad("date", "future")
        else:
            try:
                value = dates.parse_date(str(raw), allow_future=f.allow_future, today=today)
            except dates.DateError as exc:
                raise bad("date", exc.reason) from None
        earliest = schemas.domain["birth"]["earliest_year"]
        if value.year < earliest:
            is_birth = f.key == "birth_date" if birth is None else birth
            raise bad("date", "birth_too_early" if is_birth else "too_early", year=earliest)
        return value
    elif t in ("choice", "bool"):
        if t == "bool" and isinstance(raw, bool):
            value = raw
        else:
            opt = schemas.choices[f.choices or "yes_no"].find(str(raw))
            if opt is None:
                raise bad("field", "not_a_choice", options=_options_hint(schemas, f))
            value = opt.key == "yes" if t == "bool" else opt.key
        if f.must_be_yes and value is not True:
            raise bad("field", "must_be_yes")
        return value
    elif t == "idcard":
        earliest = schemas.domain["birth"]["earliest_year"]
        try:
            return idcard.parse(
                str(raw),
                allow_legacy=schemas.domain["ids"]["allow_legacy_15"],
                earliest_year=earliest,
            ).number
        except idcard.IdCardError as exc:
            raise bad("idcard", exc.reason, year=earliest) from None
    else:  # pragma: no cover - the loader admits only FIELD_TYPES
        raise ValueError(f"unknown field type {t}")
    if f.min is not None and value < f.min:
        raise bad("field", "below_min", min=f.min)
    if f.max is not None and value > f.max:
        raise bad("field", "above_max", max=f.max)
    return value


def clean(
    form: Form,
    values: Mapping[str, Any],
    *,
    partial: bool = False,
    schemas: Schemas | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Clean `values` by `form`; raise InvalidInput listing every refused field.

    With `partial` (an edit), only the given fields are checked and no defaults are
    added; a required field given blank is still refused.
    """
    schemas = schemas or current()
    from fptui import clock

    today = today or clock.today()
    errors: list[FieldError] = []
    out: dict[str, Any] = {}
    known = {f.key for f in form.fields}
    births = birth_fields(form)
    for key in values:
        if key not in known:
            errors.append(FieldError(key, "field", "unknown_field", Text(key, key)))
    for f in form.fields:
        if partial and f.key not in values:
            continue
        raw = values.get(f.key)
        if _is_blank(raw):
            out[f.key] = None if partial or f.default is None else f.default
            continue
        try:
            out[f.key] = clean_field(f, raw, schemas, today, birth=f.key in births)
        except InvalidInput as exc:
            errors.extend(exc.errors)
    for f in form.fields:  # first: what an ID number fills in may meet a required rule
        if f.type == "idcard" and out.get(f.key) and f.fills:
            errors.extend(_fill_from_id(form, f, out, schemas, partial, today))
    refused = {e.field for e in errors}
    errors.extend(_before_birth(form, out, refused))
    errors.extend(_given_but_blank(form, out, refused, schemas))
    refused = {e.field for e in errors}
    for f in form.fields:
        if f.key in out and out[f.key] is None and f.key not in refused:
            needed = f.required or (
                f.required_if and all(out.get(k) == v for k, v in f.required_if.items())
            )
            if needed:
                errors.append(FieldError(f.key, "field", "required", f.label))
    if errors:
        order = {f.key: i for i, f in enumerate(form.fields)}
        errors.sort(key=lambda e: order.get(e.field, -1))
        raise InvalidInput(errors)
    return out


def birth_fields(form: Form) -> set[str]:
    """The form's dates of birth: a date field `birth_date`, and each field an ID number's
    date of birth fills (the birth form's `date`, the child's)."""
    keys = {f.key for f in form.fields if f.type == "date" and f.key == "birth_date"}
    for f in form.fields:
        if f.type == "idcard" and "birth_date" in f.fills:
            keys.add(f.fills["birth_date"])
    return keys


def notes(
    form: Form, values: Mapping[str, Any], *, schemas: Schemas | None = None
) -> list[FieldError]:
    """What the cadre should look at but may save, one per field: an ID number whose
    division code the table does not list (tables lag behind new districts; once saved,
    the logic checks list it as the warning `id_unknown_division`). A value that would
    be refused gets no note: its error says more. Nothing here stops a save.
    """
    schemas = schemas or current()
    found = []
    for f in form.fields:
        raw = values.get(f.key)
        if f.type != "idcard" or _is_blank(raw):
            continue
        try:
            number = clean_field(f, raw, schemas)
        except InvalidInput:
            continue
        if not idcard.parse(number).division_known:
            found.append(FieldError(f.key, "idcard", "division_unknown", f.label))
    return found


BIRTH = "birth_date"  # the field of a form (the person card) that holds the date of birth


def _before_birth(form: Form, out: dict[str, Any], refused: set[str]) -> list[FieldError]:
    """Nothing of a life is dated before its birth: in a form with a `birth_date`, each
    other date given before it is refused (`date.before_birth`), as an event is."""
    born = out.get(BIRTH)
    if not form.has(BIRTH) or not isinstance(born, dt.date) or BIRTH in refused:
        return []
    return [
        FieldError(f.key, "date", "before_birth", f.label)
        for f in form.fields
        if f.type == "date"
        and f.key != BIRTH
        and f.key not in refused
        and isinstance(out.get(f.key), dt.date)
        and out[f.key] < born
    ]


def _given_but_blank(
    form: Form, out: dict[str, Any], refused: set[str], schemas: Schemas
) -> list[FieldError]:
    """A value given where `blank_if` holds (a marriage date for someone never married)."""
    errors = []
    for f in form.fields:
        if (
            f.blank_if
            and out.get(f.key) is not None
            and f.key not in refused
            and all(k in out and out[k] == v for k, v in f.blank_if.items())
        ):
            errors.append(
                FieldError(f.key, "field", "blank_if", f.label, {"when": _when(form, f, schemas)})
            )
    return errors


def _when(form: Form, f: Field, schemas: Schemas) -> Text:
    """`blank_if` in words: 婚姻状况为“未婚” / Marital status is “Never married”."""
    parts = {"zh": [], "en": []}
    for key, value in f.blank_if.items():
        other = form.field(key)
        choices = schemas.choices.get(other.choices or "") if other.type == "choice" else None
        for lang, shape in (("zh", "{label}为“{value}”"), ("en", "{label} is “{value}”")):
            shown = choices.label_of(value, lang) if choices else str(value)
            parts[lang].append(shape.format(label=other.label(lang), value=shown))
    return Text("、".join(parts["zh"]), " and ".join(parts["en"]))


def checked_together(form: Form) -> list[set[str]]:
    """The fields whose rules read each other (a date and the date of birth, a value and
    the fields of its `blank_if`): an edit that gives one of a set is checked with the
    record's values of the others."""
    together = [{f.key, *f.blank_if} for f in form.fields if f.blank_if]
    if form.has(BIRTH):
        together.append({f.key for f in form.fields if f.type == "date"})
    return together


def _fill_from_id(
    form: Form, f: Field, out: dict[str, Any], schemas: Schemas, partial: bool, today: dt.date
) -> list[FieldError]:
    """Fill blank sex / birth date from the ID number, or report where they disagree.

    A filled value meets the target field's own rules, as if typed: an ID number that
    says born next year is refused like a typed birth date of next year.
    """
    info = idcard.parse(out[f.key])
    errors = []
    for attr, target in f.fills.items():
        id_value = getattr(info, attr)
        if target not in out and partial:
            continue
        given = out.get(target)
        if given is None:
            try:
                out[target] = clean_field(
                    form.field(target), id_value, schemas, today, birth=attr == "birth_date"
                )
            except InvalidInput as exc:
                errors.extend(exc.errors)
        elif given != id_value:
            if attr == "sex":
                sexes = schemas.choices["sex"]
                shown = {
                    "id_value": Text(sexes.label_of(id_value), sexes.label_of(id_value, "en")),
                    "value": Text(sexes.label_of(given), sexes.label_of(given, "en")),
                }
            else:
                shown = {"id_value": id_value.isoformat(), "value": given.isoformat()}
            errors.append(FieldError(f.key, "idcard", f"{attr}_disagrees", f.label, shown))
    return errors
