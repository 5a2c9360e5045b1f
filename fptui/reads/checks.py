"""Logic checks (逻辑校验): small functions over the ledger, each returning findings.

A check is registered here by its key with the values its message may name and its
parameters' defaults; schemas/checks.toml switches it on, sets its severity, message and
parameters. `run` runs every enabled check over the whole ledger, a village, or only the
households a change touched, and returns every finding, not the first.

The write path keeps the findings in the ledger as each change causes or clears them
(ledger/findings.py, models.Finding); `kept` reads a village's (or all) by index, in
checks.toml's words as they are now. Readers use `kept`; `run` is for the write path,
the repair (`fptui check --full`) and the checks whose findings change with the day.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import string
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import peewee as pw

from fptui import clock
from fptui.dates import age_on
from fptui.models import Audit, Event, FollowUp, Household, Person
from fptui.models import Finding as KeptFinding
from fptui.schema import DEFAULT_DIR, CheckRule, Schemas, Text, current
from fptui.schema.loader import Reader, kind_of

MARRIED = ("first", "remarried")
LIVING = ("here", "out", "in_migrant")


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str  # error | warning
    message: Text
    household: int | None = None
    person: int | None = None
    event: int | None = None
    # what the message names, each shown in both languages: what the kept finding keeps
    values: tuple[tuple[str, str, str], ...] = field(default=(), compare=False)

    def text(self, lang: str = "zh") -> str:
        return self.message(lang)

    @property
    def key(self) -> str:
        """How a month close names an acknowledged warning: "code:person" (or household)."""
        return f"{self.code}:{self.person or self.household}"


def villages_of(found: list[Finding]) -> dict[int | None, list[Finding]]:
    """Findings by the village of their household (of their person's, if named by the
    person only)."""
    homes = {f.household for f in found if f.household is not None}
    alone = {f.person for f in found if f.household is None and f.person is not None}
    of_person: dict[int, int] = {}
    for i in range(0, len(alone), 500):
        part = sorted(alone)[i : i + 500]
        of_person.update(
            Person.select(Person.id, Person.household).where(Person.id.in_(part)).tuples()
        )
    homes |= set(of_person.values())
    village: dict[int, int] = {}
    for i in range(0, len(homes), 500):
        part = sorted(homes)[i : i + 500]
        village.update(
            Household.select(Household.id, Household.village)
            .where(Household.id.in_(part))
            .tuples()
        )
    out: dict[int | None, list] = {}
    for f in found:
        home = f.household if f.household is not None else of_person.get(f.person)
        out.setdefault(village.get(home), []).append(f)
    return out


def by_village(findings: list[Finding], villages: list[int]) -> dict[int, list[Finding]]:
    """The findings about each of `villages`' own households (a finding named by its
    person only is filed under the person's household)."""
    out: dict[int, list[Finding]] = {v: [] for v in villages}
    for village, found in villages_of(findings).items():
        if village in out:
            out[village] = found
    return out


@dataclass(frozen=True)
class Scope:
    """Which part of the ledger to check: these households, this village, or all."""

    households: frozenset[int] | None = None
    village: int | None = None

    def persons(self, query: pw.ModelSelect) -> pw.ModelSelect:
        if self.households is not None:
            query = query.where(Person.household.in_(list(self.households)))
        if self.village is not None:  # by the household index: the village's rows only
            homes = Household.select(Household.id).where(Household.village == self.village)
            query = query.where(Person.household.in_(homes))
        return query


@dataclass(frozen=True)
class _Spec:
    fn: Callable[[Scope, CheckRule], Iterator[Finding]]
    values: tuple[str, ...]
    params: dict[str, Any] = field(default_factory=dict)
    # Its findings change with the day, not only with the ledger (days since a contact):
    # never kept in the table, run for the village whenever findings are read.
    dated: bool = False


REGISTRY: dict[str, _Spec] = {}


def check(
    key: str,
    values: tuple[str, ...],
    params: dict[str, Any] | None = None,
    *,
    dated: bool = False,
) -> Callable:
    def register(fn: Callable[[Scope, CheckRule], Iterator[Finding]]) -> Callable:
        REGISTRY[key] = _Spec(fn, values, params or {}, dated)
        return fn

    return register


_RULES: dict[int, tuple[Schemas, dict[str, CheckRule]]] = {}


def rules_of(schemas: Schemas | None = None) -> dict[str, CheckRule]:
    """checks.toml's rules (of the schemas in use by default), each held against the
    check of its name: refused with a SchemaError naming the file and key when fptui has
    no such check, a message names a value the check does not give, or a param is
    unknown or of the wrong kind; the params not written take the check's defaults.

    The checks live here, above the schema loader, so they are checked here; once for
    each schemas loaded (`reads.schemas.load` does it as soon as they are read).
    """
    schemas = schemas or current()
    kept = _RULES.get(id(schemas))
    if kept is not None and kept[0] is schemas:
        return kept[1]
    r = Reader((schemas.folder or DEFAULT_DIR) / "checks.toml")
    out = {}
    for name, rule in schemas.checks.items():
        where = f"checks.{name}"
        if name not in REGISTRY:
            raise r.fail(where, f"no such check; expected one of {', '.join(sorted(REGISTRY))}")
        spec = REGISTRY[name]
        for lang in ("zh", "en"):
            names = {n for _, n, _, _ in string.Formatter().parse(rule.message(lang)) if n}
            if names - set(spec.values):
                raise r.fail(
                    f"{where}.message.{lang}",
                    f"unknown placeholder {{{sorted(names - set(spec.values))[0]}}}; expected "
                    + ", ".join(f"{{{n}}}" for n in sorted(spec.values)),
                )
        for key, default in spec.params.items():
            value = rule.params.get(key, default)
            if isinstance(value, bool) or not isinstance(value, type(default)):
                raise r.fail(f"{where}.params.{key}", f"expected {kind_of(default)}")
        r.only(rule.params, f"{where}.params", set(spec.params))
        out[name] = dataclasses.replace(rule, params={**spec.params, **rule.params})
    _RULES.clear()  # one schemas in use at a time; another loaded replaces it
    _RULES[id(schemas)] = (schemas, out)
    return out


def _finding(
    rule: CheckRule,
    household_id: int | None,
    person_id: int | None = None,
    event_id: int | None = None,
    /,
    **values: Any,
) -> Finding:
    """A finding of `rule`, its message filled with `values` in both languages."""

    def shown(lang: str) -> dict[str, str]:
        return {k: v(lang) if isinstance(v, Text) else str(v) for k, v in values.items()}

    zh, en = shown("zh"), shown("en")
    message = Text(rule.message("zh").format(**zh), rule.message("en").format(**en))
    kept = tuple((k, zh[k], en[k]) for k in sorted(values))
    return Finding(rule.key, rule.severity, message, household_id, person_id, event_id, kept)


def _label(list_name: str, key: str) -> Text:
    choices = current().choices[list_name]
    return Text(choices.label_of(key, "zh"), choices.label_of(key, "en"))


# --- identity ---------------------------------------------------------------------------


_REASONS = {
    "length": ("位数不对", "wrong length"),
    "format": ("含非法字符", "bad characters"),
    "date": ("出生日期不存在", "no such birth date"),
    "checksum": ("校验码错误", "wrong check character"),
    "birth_too_early": ("出生日期早于{year}年", "date of birth before {year}"),
    "division": ("行政区划代码不存在", "no such division code"),
    "legacy_format": ("旧号码格式错", "bad legacy number"),
}


def _with_ids(scope: Scope) -> pw.ModelSelect:
    return scope.persons(
        Person.select(
            Person.id,
            Person.household,
            Person.name,
            Person.id_number,
            Person.sex,
            Person.birth_date,
        ).where(Person.id_number.is_null(False))
    )


class _IdScans(threading.local):
    """The ID scan of the run under way, per thread: the live score's worker, the
    township overview's and the screens may run the checks at the same time."""

    def __init__(self) -> None:
        self.by_scope: dict[Scope, tuple[list, list]] = {}


_ID_SCAN = _IdScans()


def _id_scan(scope: Scope) -> tuple[list, list, list]:
    """Every ID number in scope read once, for the ID checks: the invalid ones (with the
    reason), the persons whose sex or date of birth the number contradicts, and the valid
    numbers whose division code the table does not list. Only these few are kept, not
    the township's 100,000 numbers."""
    scans = _ID_SCAN.by_scope
    if scope not in scans:
        from fptui import idcard

        earliest = current().domain["birth"]["earliest_year"]
        invalid, disagree, unknown = [], [], []
        for pid, hid, name, number, sex, birth in _with_ids(scope).tuples().iterator():
            try:
                info = idcard.parse(number, earliest_year=earliest)
            except idcard.IdCardError as exc:
                invalid.append((pid, hid, name, exc.reason))
                continue
            for what, ok in (("sex", info.sex == sex), ("birth_date", info.birth_date == birth)):
                if not ok:
                    disagree.append((pid, hid, name, what))
            if not info.division_known:
                unknown.append((pid, hid, name, info.division))
        scans.clear()
        scans[scope] = (invalid, disagree, unknown)
    return scans[scope]


@check("id_invalid", ("name", "reason"))
def id_invalid(scope: Scope, rule: CheckRule) -> Iterator[Finding]:
    year = current().domain["birth"]["earliest_year"]
    for pid, hid, name, reason in _id_scan(scope)[0]:
        zh, en = (r.format(year=year) for r in _REASONS.get(reason, (reason, reason)))
        yield _finding(rule, hid, pid, name=name, reason=Text(zh, en))


@check("id_disagrees", ("name", "what"))
def id_disagrees(scope: Scope, rule: CheckRule) -> Iterator[Finding]:
    what = {"sex": Text("性别", "sex"), "birth_date": Text("出生日期", "date of birth")}
    for pid, hid, name, item in _id_scan(scope)[1]:
        yield _finding(rule, hid, pid, name=name, what=what[item])


@check("id_unknown_division", ("name", "division"))
def id_unknown_division(scope: Scope, rule: CheckRule) -> Iterator[Finding]:
    """A valid number whose division code python-stdnum's table does not list, under a
    province it does: the table may lag behind a new district, so the cadre confirms it
    (a warning, acknowledged at the month end) rather than the number being refused."""
    for pid, hid, name, division in _id_scan(scope)[2]:
        yield _finding(rule, hid, pid, name=name, division=division)


@check("id_duplicate", ("name", "other"))
def id_duplicate(scope: Scope, rule: CheckRule) -> Iterator[Finding]:
    # The numbers held twice, found by the database; only their holders are read.
    shared = (
        Person.select(Person.id_number)
        .where(Person.id_number.is_null(False))
        .group_by(Person.id_number)
        .having(pw.fn.COUNT(Person.id) > 1)
    )
    if scope.households is not None or scope.village is not None:
        numbers = [n for (n,) in _with_ids(scope).select(Person.id_number).tuples()]
        shared = shared.where(Person.id_number.in_(numbers))
    holders: dict[str, list[tuple[int, int, str]]] = {}
    query = Person.select(Person.id, Person.household, Person.name, Person.id_number).where(
        Person.id_number.in_(shared)
    )
    for pid, hid, name, number in query.tuples().iterator():
        holders.setdefault(number, []).append((pid, hid, name))
    in_scope = None
    if scope.households is not None or scope.village is not None:
        ids = [p for people in holders.values() for p, _, _ in people]
        in_scope = {
            p
            for (p,) in scope.persons(Person.select(Person.id).where(Person.id.in_(ids))).tuples()
        }
    for people in holders.values():
        if in_scope is not None and not any(p in in_scope for p, _, _ in people):
            continue
        for pid, hid, name in people:
            others = "、".join(n for p, _, n in people if p != pid)
            yield _finding(rule, hid, pid, name=name, other=others)


# --- births and marriages ---------------------------------------------------------------


def _births(scope: Scope) -> list[tuple[int, int, int, dt.date, dict]]:
    """(event, household, child, date, data) of the birth events in scope."""
    query = Event.select(
        Event.id, Event.household, Event.person, Event.happened_on, Event.data
    ).where(Event.kind == "birth")
    if scope.households is not None:
        query = query.where(Event.household.in_(list(scope.households)))
    if scope.village is not None:
        query = query.where(Event.village == scope.village)
    return [(e, h, p, d, json.loads(data)) for e, h, p, d, data in query.tuples()]


@check("mother_age", ("name", "age", "min", "max"))
def mother_age(scope: Scope, rule: CheckRule) -> Iterator[Finding]:
    """A mother outside domain.toml's `birth.mother_age_min`..`max` at a birth: the ages
    the event picker offers mothers by, one place for both."""
    births = _births(scope)
    mothers = {
        m.id: m
        for m in Person.select(Person.id, Person.name, Person.birth_date).where(
            Person.id.in_({b[4]["mother"] for b in births if "mother" in b[4]})
        )
    }
    ages = current().domain["birth"]
    low, high = ages["mother_age_min"], ages["mother_age_max"]
    for event, hid, _child, day, data in births:
        mother = mothers.get(data.get("mother"))
        if mother is None:
            continue
        age = age_on(mother.birth_date, day)
        if not low <= age <= high:
            yield _finding(
                rule, hid, mother.id, event, name=mother.name, age=age, min=low, max=high
            )


@check("birth_order", ("name", "recorded", "counted"))
def birth_order(scope: Scope, rule: CheckRule) -> Iterator[Finding]:
    births = _births(scope)
    children = {}
    for pid, mother, born in (
        Person.select(Person.id, Person.mother, Person.birth_date)
        .where(Person.mother.in_({b[4]["mother"] for b in births if "mother" in b[4]}))
        .tuples()
    ):
        children.setdefault(mother, []).append((born, pid))
    names = dict(
        Person.select(Person.id, Person.name).where(Person.id.in_([b[2] for b in births])).tuples()
    )
    for event, hid, child, _day, data in births:
        siblings = sorted(children.get(data.get("mother"), []))
        counted = next((i for i, (_, p) in enumerate(siblings, 1) if p == child), None)
        if counted is not None and data.get("birth_order") != counted:
            yield _finding(
                rule,
                hid,
                child,
                event,
                name=names.get(child, ""),
                recorded=data.get("birth_order"),
                counted=counted,
            )


@check("married_no_date", ("name",))
def married_no_date(scope: Scope, rule: CheckRule) -> Iterator[Finding]:
    query = scope.persons(
        Person.select(Person.id, Person.household, Person.name).where(
            Person.marital_status.in_(MARRIED)
            & Person.marriage_date.is_null()
            & Person.residence.in_(LIVING)
        )
    )
    for pid, hid, name in query.tuples().iterator():
        yield _finding(rule, hid, pid, name=name)


@check("married_underage", ("name", "age", "legal"))
def married_underage(scope: Scope, rule: CheckRule) -> Iterator[Finding]:
    """Married under domain.toml's `marriage.legal_age_male` / `_female`: the ages the
    marriage form offers spouses by, one place for both."""
    query = scope.persons(
        Person.select(
            Person.id,
            Person.household,
            Person.name,
            Person.sex,
            Person.birth_date,
            Person.marriage_date,
        ).where(Person.marriage_date.is_null(False) & Person.residence.in_(LIVING))
    )
    ages = current().domain["marriage"]
    for pid, hid, name, sex, birth, married in query.tuples().iterator():
        legal = ages["legal_age_male"] if sex == "M" else ages["legal_age_female"]
        age = age_on(birth, married)
        if age < legal:
            yield _finding(rule, hid, pid, name=name, age=age, legal=legal)


@check("never_married_with_date", ("name", "date"))
def never_married_with_date(scope: Scope, rule: CheckRule) -> Iterator[Finding]:
    """Never married, yet a date of marriage: one of the two is wrong (the person form
    refuses it now; a card stored before, or loaded from elsewhere, may hold it)."""
    query = scope.persons(
        Person.select(Person.id, Person.household, Person.name, Person.marriage_date).where(
            (Person.marital_status == "never")
            & Person.marriage_date.is_null(False)
            & Person.residence.in_(LIVING)
        )
    )
    for pid, hid, name, married in query.tuples().iterator():
        yield _finding(rule, hid, pid, name=name, date=married)


@check("birth_before_marriage", ("name",))
def birth_before_marriage(scope: Scope, rule: CheckRule) -> Iterator[Finding]:
    mother = Person.alias()
    query = scope.persons(
        Person.select(
            Person.id,
            Person.household,
            Person.name,
            Person.birth_date,
            mother.marriage_date,
            mother.marital_status,
            Person.note,
        )
        .join(mother, on=(Person.mother == mother.id))
        .where(mother.marriage_date.is_null(False))
    )
    for pid, hid, name, born, married, status, note in query.tuples().iterator():
        if status == "first" and born < married and not note:
            yield _finding(rule, hid, pid, name=name)


# --- events, follow-ups, households -----------------------------------------------------


@check("event_after_death", ("name", "event", "date"))
def event_after_death(scope: Scope, rule: CheckRule) -> Iterator[Finding]:
    forms = current().forms
    query = scope.persons(
        Event.select(
            Event.id, Event.household, Person.id, Person.name, Event.kind, Event.happened_on
        )
        .join(Person, on=(Event.person == Person.id))
        .where(Person.death_date.is_null(False) & (Event.happened_on > Person.death_date))
    )
    for eid, hid, pid, name, kind, day in query.tuples().iterator():
        title = forms[kind].title if kind in forms else Text(kind, kind)
        yield _finding(rule, hid, pid, eid, name=name, event=title, date=day)


def _once_in_a_record(forms: dict[str, Any]) -> list[str]:
    """The event kinds a person's record has at most once, read from the forms: those
    that create the person (a birth, an arrival) and those that end the record (they set
    a residence no event takes a person out of: death, moving away, a migrant leaving)."""

    def ends(state: str) -> bool:
        return not any(
            f.subject == "person" and (not f.residence_from or state in f.residence_from)
            for f in forms.values()
        )

    return [
        key
        for key, f in forms.items()
        if f.subject in ("birth", "new_person")
        or (f.subject == "person" and "residence" in f.sets and ends(f.sets["residence"]))
    ]


@check("duplicate_event", ("name", "event", "count", "dates"))
def duplicate_event(scope: Scope, rule: CheckRule) -> Iterator[Finding]:
    """A vital event recorded twice: a kind a person's record has once (`_once_in_a_record`)
    twice for one person; the same event entered twice (kind, person, date and details);
    one mother's child born on one day entered as two children of one name (twins have
    two names). One finding per group, at its newest event. The database finds the
    groups; only their events are read."""
    forms = current().forms

    def scoped(query: pw.ModelSelect) -> pw.ModelSelect:
        if scope.households is not None:
            query = query.where(Event.household.in_(list(scope.households)))
        if scope.village is not None:
            query = query.where(Event.village == scope.village)
        return query

    twice = pw.fn.COUNT(Event.id) > 1
    groups: list[list[int]] = []
    by_person = (
        scoped(
            Event.select(Event.person, Event.kind).where(
                Event.kind.in_(_once_in_a_record(forms)) & Event.person.is_null(False)
            )
        )
        .group_by(Event.person, Event.kind)
        .having(twice)
    )
    for person, kind in by_person.tuples():
        ids = Event.select(Event.id).where((Event.person == person) & (Event.kind == kind))
        groups.append(sorted(i for (i,) in ids.tuples()))
    same = (
        scoped(
            Event.select(Event.kind, Event.person, Event.happened_on, Event.data).where(
                Event.person.is_null(False)
            )
        )
        .group_by(Event.kind, Event.person, Event.happened_on, Event.data)
        .having(twice)
    )
    for kind, person, day, data in same.tuples():
        ids = Event.select(Event.id).where(
            (Event.kind == kind)
            & (Event.person == person)
            & (Event.happened_on == day)
            & (Event.data == data)
        )
        groups.append(sorted(i for (i,) in ids.tuples()))
    births = (
        scoped(Event.select(Event.household, Event.happened_on).where(Event.kind == "birth"))
        .group_by(Event.household, Event.happened_on)
        .having(twice)
    )
    for home, day in births.tuples():  # twins and more: a child's name twice is one child
        alike: dict[tuple, list[int]] = {}
        for eid, data in (
            Event.select(Event.id, Event.data)
            .where(
                (Event.kind == "birth") & (Event.household == home) & (Event.happened_on == day)
            )
            .tuples()
        ):
            details = json.loads(data)
            alike.setdefault((details.get("mother"), details.get("name")), []).append(eid)
        groups += [sorted(ids) for ids in alike.values() if len(ids) > 1]
    reported: list[set[int]] = []
    for ids in groups:
        if any(set(ids) <= seen for seen in reported):
            continue
        reported.append(set(ids))
        rows = list(
            Event.select(Event.id, Event.kind, Event.household, Event.person, Event.happened_on)
            .where(Event.id.in_(ids))
            .order_by(Event.happened_on, Event.id)
            .tuples()
        )
        eid, kind, hid, pid, _ = rows[-1]
        person = Person.get_or_none(Person.id == pid)
        days = [str(day) for *_, day in rows]
        title = forms[kind].title if kind in forms else Text(kind, kind)
        yield _finding(
            rule,
            hid,
            pid,
            eid,
            name=person.name if person is not None else "",
            event=title,
            count=len(rows),
            dates=Text("、".join(days), ", ".join(days)),
        )


@check("followup_open_for_gone", ("name", "state", "visit"))
def followup_open_for_gone(scope: Scope, rule: CheckRule) -> Iterator[Finding]:
    from fptui.reads import followups

    query = scope.persons(
        FollowUp.select(
            FollowUp.household, Person.id, Person.name, Person.residence, FollowUp.kind
        )
        .join(Person, on=(FollowUp.person == Person.id))
        .where((FollowUp.status == "open") & Person.residence.not_in(LIVING))
    )
    for hid, pid, name, residence, kind in query.tuples().iterator():
        visit = Text(followups.title(kind, "zh"), followups.title(kind, "en"))
        yield _finding(
            rule, hid, pid, name=name, state=_label("residence", residence), visit=visit
        )


@check("household_no_head", ("number",))
def household_no_head(scope: Scope, rule: CheckRule) -> Iterator[Finding]:
    # each headless household's own members, by index: not every living person of the
    # ledger read to find the village's few
    living = Person.select(Person.id).where(
        (Person.household == Household.id) & Person.residence.in_(LIVING)
    )
    query = Household.select(Household.id, Household.number).where(
        Household.head.is_null() & pw.fn.EXISTS(living)
    )
    if scope.households is not None:
        query = query.where(Household.id.in_(list(scope.households)))
    if scope.village is not None:
        query = query.where(Household.village == scope.village)
    for hid, number in query.tuples().iterator():
        yield _finding(rule, hid, number=number)


@check("out_no_contact", ("name", "days"), {"days": 90}, dated=True)
def out_no_contact(scope: Scope, rule: CheckRule) -> Iterator[Finding]:
    today = clock.today()
    limit = rule.params["days"]
    out = scope.persons(
        Person.select(Person.id, Person.household, Person.name).where(Person.residence == "out")
    ).tuples()
    people = {pid: (hid, name) for pid, hid, name in out}
    if not people:
        return
    last: dict[int, dt.date] = {}
    contacts = (
        FollowUp.select(FollowUp.person, pw.fn.MAX(FollowUp.done_on))
        .where(
            (FollowUp.kind == "out_contact")
            & (FollowUp.status == "done")
            & FollowUp.person.in_(list(people))
        )
        .group_by(FollowUp.person)
    )
    for pid, day in contacts.tuples().iterator():
        last[pid] = day if isinstance(day, dt.date) else dt.date.fromisoformat(day)
    went = (
        Event.select(Event.person, pw.fn.MAX(Event.happened_on))
        .where((Event.kind == "go_out") & Event.person.in_(list(people)))
        .group_by(Event.person)
    )
    for pid, day in went.tuples().iterator():
        day = day if isinstance(day, dt.date) else dt.date.fromisoformat(day)
        last[pid] = max(last.get(pid, day), day)
    for pid, (hid, name) in people.items():
        since = last.get(pid)
        days = (today - since).days if since else None
        if days is None or days > limit:
            yield _finding(
                rule, hid, pid, name=name, days=days if days is not None else f">{limit}"
            )


def expected_residence(person_id: int) -> str | None:
    """The residence a person's first record and events make theirs (None: not known).

    What `status_without_event` compares with, for one person: the ledger lets the
    missing event be recorded when the card already shows what that event sets.
    """
    forms = current().forms
    moves = [k for k, f in forms.items() if "residence" in f.sets and f.subject == "person"]
    last = (
        Event.select(Event.kind)
        .where((Event.person == person_id) & Event.kind.in_(moves))
        .order_by(Event.happened_on.desc(), Event.id.desc())
        .first()
    )
    if last is not None:
        return forms[last.kind].sets["residence"]
    first = (
        Audit.select(Audit.after)
        .where((Audit.table == "person") & (Audit.record_id == person_id) & Audit.before.is_null())
        .order_by(Audit.id.desc())  # the newest: SQLite reuses a voided row's id
        .first()
    )
    return json.loads(first.after or "{}").get("residence") if first is not None else None


def restores_missing_event(person: Person, form: Any) -> bool:
    """The card already shows what this event form sets, but no event put it there (the
    status check's error): the event may be recorded now, to bring the ledger in line."""
    sets = form.sets.get("residence")
    return (
        sets is not None
        and person.residence == sets
        and expected_residence(person.id) in form.residence_from
    )


@check("status_without_event", ("name", "state", "expected"))
def status_without_event(scope: Scope, rule: CheckRule) -> Iterator[Finding]:
    """The person's residence is not what their first record and events make it: someone
    added, removed or moved without an event. The monthly balance cannot close on them.
    Not when the last move recorded of them set it: then the event exists, only dated
    before another (a death before a go-out), which `event_after_death` names.

    Read 5,000 persons at a time: a township's 100,000 would otherwise sit in memory.
    """
    forms = current().forms
    moves = [k for k, f in forms.items() if "residence" in f.sets and f.subject == "person"]
    sqlite = isinstance(Audit._meta.database.obj, pw.SqliteDatabase)
    column = pw.fn.json_extract(Audit.after, "$.residence") if sqlite else Audit.after
    if scope.households is None and scope.village is None:
        top = Person.select(pw.fn.MAX(Person.id)).scalar() or 0
        parts = [
            (
                Person.id.between(low, low + 4999),
                Audit.record_id.between(low, low + 4999),
                Event.person.between(low, low + 4999),
            )
            for low in range(0, top + 1, 5000)
        ]
    else:  # a few households: their persons, by id
        ids = [p for (p,) in scope.persons(Person.select(Person.id)).tuples()]
        parts = [
            (Person.id.in_(chunk), Audit.record_id.in_(chunk), Event.person.in_(chunk))
            for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500))
        ]
    for persons, records, subjects in parts:
        residence_now = dict(
            scope.persons(Person.select(Person.id, Person.residence).where(persons))
            .tuples()
            .iterator()
        )
        if not residence_now:
            continue
        expected: dict[int, str] = {}
        # The audit row that created each person holds the state it came into the ledger
        # with: the newest such row, as SQLite gives a voided person's id to the next one.
        first = (
            Audit.select(pw.fn.MAX(Audit.id))
            .where((Audit.table == "person") & Audit.before.is_null() & records)
            .group_by(Audit.record_id)
        )
        rows = Audit.select(Audit.record_id, column).where(Audit.id.in_(first))
        for record, value in rows.tuples().iterator():
            if record in residence_now:
                expected[record] = value if sqlite else json.loads(value).get("residence")
        events = (
            Event.select(Event.id, Event.person, Event.kind)
            .where(Event.kind.in_(moves) & subjects)
            .order_by(Event.happened_on, Event.id)
        )
        recorded: dict[int, tuple[int, str]] = {}  # the last move recorded, whatever its date
        for eid, pid, kind in events.tuples().iterator():
            if pid in residence_now:
                expected[pid] = forms[kind].sets["residence"]
                if eid > recorded.get(pid, (0, ""))[0]:
                    recorded[pid] = (eid, expected[pid])
        wrong = [
            pid
            for pid, state in expected.items()
            if state != residence_now[pid] and recorded.get(pid, (0, ""))[1] != residence_now[pid]
        ]
        for pid, hid, name in (
            Person.select(Person.id, Person.household, Person.name)
            .where(Person.id.in_(wrong))
            .tuples()
        ):
            yield _finding(
                rule,
                hid,
                pid,
                name=name,
                state=_label("residence", residence_now[pid]),
                expected=_label("residence", expected[pid]),
            )


# --- running them -----------------------------------------------------------------------


def _chunked(scope: Scope) -> list[Scope]:
    """Keep IN lists within SQLite's limits when a scope names many households."""
    if scope.households is None or len(scope.households) <= 500:
        return [scope]
    ids = sorted(scope.households)
    return [Scope(frozenset(ids[i : i + 500]), scope.village) for i in range(0, len(ids), 500)]


def run(
    households: set[int] | None = None,
    village: int | None = None,
    *,
    only: list[str] | None = None,
    dated: bool | None = None,
) -> list[Finding]:
    """Every finding of every enabled check (or `only` these; `dated`: only the checks
    whose findings change with the day, or only the others), errors first."""
    findings: list[Finding] = []
    # The ID checks share one scan per run: read the numbers as they are now, never a
    # scan left by a run that failed half-way or by another caller of `_id_scan`
    _ID_SCAN.by_scope.clear()
    try:
        for key, rule in rules_of().items():
            if not rule.enabled or (only is not None and key not in only):
                continue
            if dated is not None and REGISTRY[key].dated != dated:
                continue
            seen: set[tuple] = set()
            for part in _chunked(
                Scope(frozenset(households) if households is not None else None, village)
            ):
                for f in REGISTRY[key].fn(part, rule):
                    mark = (f.code, f.person, f.household, f.event, f.message.zh)
                    if mark not in seen:
                        seen.add(mark)
                        findings.append(f)
    finally:
        _ID_SCAN.by_scope.clear()
    findings.sort(key=lambda f: (f.severity != "error", f.code, f.household or 0))
    return findings


def rows(findings: list[Finding]) -> list[dict[str, Any]]:
    """The findings as rows of the kept table (models.Finding): each filed under its
    household's village (a finding named by its person only, under the person's home)."""
    homes: dict[int, int | None] = {}
    persons = {f.person for f in findings if f.household is None and f.person is not None}
    ids = sorted(persons)
    for i in range(0, len(ids), 500):
        homes.update(
            {
                -p: h
                for p, h in Person.select(Person.id, Person.household_id)
                .where(Person.id.in_(ids[i : i + 500]))
                .tuples()
            }
        )
    households = sorted(
        {f.household for f in findings if f.household is not None}
        | {h for h in homes.values() if h is not None}
    )
    villages: dict[int, int] = {}
    for i in range(0, len(households), 500):
        villages.update(
            Household.select(Household.id, Household.village_id)
            .where(Household.id.in_(households[i : i + 500]))
            .tuples()
        )
    out = []
    for f in findings:
        home = f.household if f.household is not None else homes.get(-(f.person or 0))
        out.append(
            {
                "code": f.code,
                "severity": f.severity,
                "village": villages.get(home) if home is not None else None,
                "household": f.household,
                "person": f.person,
                "event": f.event,
                "values": json.dumps(
                    {k: [zh, en] for k, zh, en in f.values}, ensure_ascii=False, sort_keys=True
                ),
            }
        )
    return out


def _sorted(findings: list[Finding]) -> list[Finding]:
    findings.sort(key=lambda f: (f.severity != "error", f.code, f.household or 0))
    return findings


def kept(
    village: int | None = None,
    households: set[int] | None = None,
    *,
    dated: bool = True,
) -> list[Finding]:
    """The findings of a village (or these households, or all) as the write path keeps
    them (ledger/findings.py): read by index, not checked again. The checks whose
    findings change with the day run for the same scope (`dated=False`: not them, for a
    reader that counts errors only: they are warnings today).
    """
    query = KeptFinding.select(
        KeptFinding.code,
        KeptFinding.values,
        KeptFinding.household,
        KeptFinding.person,
        KeptFinding.event,
    )
    if village is not None:
        query = query.where(KeptFinding.village == village)
    rules = rules_of()
    found: list[Finding] = []
    parts = (
        [None]
        if households is None
        else [sorted(households)[i : i + 500] for i in range(0, len(households), 500)]
    )
    for part in parts:
        chunk = query if part is None else query.where(KeptFinding.household.in_(part))
        for code, values, household, person, event in chunk.tuples().iterator():
            rule = rules.get(code)
            if rule is not None and rule.enabled:
                found.append(_shown(rule, json.loads(values), household, person, event))
    if dated and any(REGISTRY[k].dated and r.enabled for k, r in rules_of().items()):
        live = run(households=households, village=village, dated=True)
        homes = _homes_in(village, {f.household for f in live if f.household is not None})
        found += [f for f in live if village is None or f.household in homes]
    return _sorted(found)


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def _shown(
    rule: CheckRule, values: dict[str, list[str]], household: int | None, *ids: int | None
) -> Finding:
    """A kept finding in the words and severity of checks.toml as it is now."""
    zh = _Blank({k: v[0] for k, v in values.items()})
    en = _Blank({k: v[1] for k, v in values.items()})
    message = Text(rule.message("zh").format_map(zh), rule.message("en").format_map(en))
    kept = tuple((k, v[0], v[1]) for k, v in sorted(values.items()))
    return Finding(rule.key, rule.severity, message, household, *ids, kept)


def _homes_in(village: int | None, households: set[int]) -> set[int]:
    """Those of `households` in the village (all when no village)."""
    if village is None or not households:
        return households
    return {
        h
        for (h,) in Household.select(Household.id)
        .where(Household.id.in_(list(households)) & (Household.village == village))
        .tuples()
    }


class Cache:
    """The findings of a village (or all) for the live score: the kept ones (`kept`),
    read again after a save, never checked again here: the save kept them."""

    def __init__(self, village: int | None = None) -> None:
        self.village = village
        self.found: list[Finding] = []

    def load(self) -> Cache:
        self.found = kept(self.village)
        return self

    def refresh(self, households: set[int]) -> None:
        """After a save: the village's kept findings (one indexed read; a save may move
        findings filed under other homes, a child's, a duplicate's other holder), and the
        day's checks for the households it touched."""
        if not households:
            return
        undated = kept(self.village, dated=False)
        codes = {k for k, spec in REGISTRY.items() if spec.dated}
        live = [f for f in self.found if f.code in codes and f.household not in households]
        fresh = run(households=set(households), dated=True)
        homes = _homes_in(self.village, {f.household for f in fresh if f.household})
        live += [f for f in fresh if self.village is None or f.household in homes]
        self.found = _sorted(undated + live)

    def findings(self) -> list[Finding]:
        return list(self.found)
