"""Typed objects for the rules in schemas/: what the loader returns and the rest reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FIELD_TYPES = (
    "text",
    "int",
    "decimal",
    "date",
    "choice",
    "bool",
    "idcard",
    "phone",
    "person",
    "village",
    "group",
)
SUBJECTS = ("person", "new_person", "birth")


@dataclass(frozen=True)
class Text:
    """A text in both languages; `text(lang)` picks one, falling back to Chinese."""

    zh: str
    en: str

    def __call__(self, lang: str = "zh") -> str:
        return self.en if lang == "en" and self.en else self.zh


@dataclass(frozen=True)
class Option:
    key: str
    label: Text
    letter: str = ""


@dataclass(frozen=True)
class ChoiceList:
    key: str
    label: Text
    options: tuple[Option, ...]

    def find(self, typed: str) -> Option | None:
        """The option `typed` names: its key, number (1..n), letter or label in either language."""
        typed = typed.strip()
        if not typed:
            return None
        if typed.isdigit() and 1 <= int(typed) <= len(self.options):
            return self.options[int(typed) - 1]
        low = typed.lower()
        for opt in self.options:
            if low in (opt.key.lower(), opt.letter.lower(), opt.label.en.lower()) or typed == (
                opt.label.zh
            ):
                return opt
        return None

    def label_of(self, key: str | None, lang: str = "zh") -> str:
        for opt in self.options:
            if opt.key == key:
                return opt.label(lang)
        return key or ""

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(o.key for o in self.options)


@dataclass(frozen=True)
class Field:
    key: str
    type: str
    label: Text
    required: bool = False
    choices: str | None = None
    max_length: int | None = None
    min: float | None = None
    max: float | None = None
    pattern: str | None = None
    pattern_hint: Text | None = None
    allow_future: bool = False
    default: Any = None
    required_if: dict[str, Any] = field(default_factory=dict)
    blank_if: dict[str, Any] = field(default_factory=dict)
    fills: dict[str, str] = field(default_factory=dict)
    editable: bool = True
    must_be_yes: bool = False


@dataclass(frozen=True)
class Form:
    key: str
    title: Text
    fields: tuple[Field, ...]
    subject: str | None = None
    residence_from: tuple[str, ...] = ()
    sex: str | None = None
    sets: dict[str, Any] = field(default_factory=dict)
    copies: dict[str, str] = field(default_factory=dict)
    marital_from: tuple[str, ...] = ()
    marital_to: dict[str, str] = field(default_factory=dict)
    mirror_spouse: bool = False
    person_fields: tuple[str, ...] = ()

    def field(self, key: str) -> Field:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)

    def has(self, key: str) -> bool:
        return any(f.key == key for f in self.fields)


@dataclass(frozen=True)
class Visit:
    """A window in days from a rule's anchor; due on `due` (within the window)."""

    start: int
    end: int
    due: int


@dataclass(frozen=True)
class FollowupRule:
    key: str
    title: Text
    on: str | None = None  # the event kind that creates it
    person: str | None = None  # the event field naming who is visited (default: its person)
    anchor_field: str | None = None  # a date field of the event (default: its date)
    anchor_days: int = 0
    visits: tuple[Visit, ...] = ()
    skip_past: bool = False
    closed_by: tuple[str, ...] = ()
    repeat_days: int | None = None
    repeat_while: str | None = None
    yearly: dict[str, int] | None = None
    household_flag: str | None = None
    monthly: bool = False


@dataclass(frozen=True)
class Followups:
    rules: dict[str, FollowupRule]
    cancel_on: tuple[str, ...]

    def created_by(self, kind: str) -> list[FollowupRule]:
        return [r for r in self.rules.values() if r.on == kind]

    def closed_by(self, kind: str) -> list[FollowupRule]:
        return [r for r in self.rules.values() if kind in r.closed_by]


@dataclass(frozen=True)
class CheckRule:
    key: str
    severity: str  # error | warning
    message: Text
    params: dict[str, Any] = field(default_factory=dict)
    enabled: bool = True


@dataclass(frozen=True)
class IndicatorRule:
    key: str
    title: Text
    figure: str
    shape: str  # rate_below | per_case | yes_no | veto
    points: float
    target: float | None = None
    per_point: float = 0.0
    per_case: float = 0.0
    no_cases: str = "full"


@dataclass(frozen=True)
class Scoring:
    title: Text
    indicators: dict[str, IndicatorRule]


@dataclass(frozen=True)
class Schemas:
    forms: dict[str, Form]
    choices: dict[str, ChoiceList]
    domain: dict[str, dict[str, Any]]
    messages: dict[str, dict[str, Text]]
    followups: Followups = field(default_factory=lambda: Followups({}, ()))
    checks: dict[str, CheckRule] = field(default_factory=dict)
    scoring: Scoring = field(default_factory=lambda: Scoring(Text("-", "-"), {}))
    folder: Path | None = None  # where they were read from: refusals name its files

    def message(self, group: str, rule: str, lang: str = "zh", **params: Any) -> str:
        text = self.messages[group][rule](lang)
        return text.format(**params)

    @property
    def event_kinds(self) -> tuple[str, ...]:
        return tuple(k for k, f in self.forms.items() if f.subject)
