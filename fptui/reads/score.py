"""The score (目标管理考核): indicators computed from the ledger for a period.

Each figure is a small function registered by name that counts, for a village (or all)
and a period, what the indicator measures and which records fall short (the "cases"
a lost point leads to), village by village: a figure of the township is the sum of its
villages' (`merged`), so the live score of a whole ledger counts again, after a save,
only the villages the save touched (`figures` for them, `judged` over the parts).
schemas/scoring.toml gives each indicator its figure, target, points and rule shape;
`judged()` applies them. Rates are kept unrounded: a figure is rounded only when shown.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

import peewee as pw

from fptui import clock
from fptui.dates import age_on
from fptui.models import Area, Event, FollowUp, Household, MonthClose, Person
from fptui.reads.calendar import Period, as_date
from fptui.schema import DEFAULT_DIR, Schemas, Text, current
from fptui.schema.loader import Reader
from fptui.schema.model import Scoring

LIVING = ("here", "out", "in_migrant")


@dataclass(frozen=True)
class Case:
    """A record behind lost points, to open and fix."""

    text: Text
    household: int | None = None
    person: int | None = None


@dataclass
class Figure:
    numerator: int = 0
    denominator: int = 0
    cases: list[Case] = field(default_factory=list)
    yes: bool | None = None

    @property
    def rate(self) -> float | None:
        """Percent, unrounded; None when there is nothing to count."""
        return self.numerator * 100 / self.denominator if self.denominator else None


def merged(parts: Iterable[Figure]) -> Figure:
    """Villages' figures as one: counts added, cases one village after another, yes
    only when every village that says says yes."""
    out = Figure()
    said: list[bool] = []
    for part in parts:
        out.numerator += part.numerator
        out.denominator += part.denominator
        out.cases.extend(part.cases)
        if part.yes is not None:
            said.append(part.yes)
    out.yes = all(said) if said else None
    return out


@dataclass(frozen=True)
class Scope:
    village: int | None
    period: Period
    today: dt.date
    findings: list | None = None  # given by the caller; else the kept ones are read
    # rows several figures read (births, visits), read once for them all
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def villages(self) -> list[int]:
        """The villages counted, in order: the one, or every village of the ledger."""
        if self.village is not None:
            return [self.village]
        return [v for (v,) in Area.select(Area.id).where(Area.kind == "village").tuples()]

    def split(self, rows: Iterable, village_of: Callable[[tuple], int | None]) -> dict:
        """Rows by village: every village of the scope, with none if none."""
        out: dict[int | None, list] = {v: [] for v in self.villages}
        for row in rows:
            out.setdefault(village_of(row), []).append(row)
        return out


# A figure by village: every village of the scope (a row of no village under None).
Parts = dict[int | None, Figure]

FIGURES: dict[str, Callable[[Scope], Parts]] = {}


def figure(name: str) -> Callable:
    def register(fn: Callable[[Scope], Parts]) -> Callable[[Scope], Parts]:
        FIGURES[name] = fn
        return fn

    return register


def indicators_of(schemas: Schemas | None = None) -> Scoring:
    """scoring.toml's indicators (of the schemas in use by default), each figure one
    that fptui computes: else a SchemaError naming the file and key. The figures live
    here, above the schema loader, so their names are checked here."""
    scoring = (schemas or current()).scoring
    for key, rule in scoring.indicators.items():
        if rule.figure not in FIGURES:
            path = ((schemas or current()).folder or DEFAULT_DIR) / "scoring.toml"
            raise Reader(path).fail(
                f"indicators.{key}.figure",
                f"no such figure; expected one of {', '.join(sorted(FIGURES))}",
            )
    return scoring


def _homes(scope: Scope) -> pw.ModelSelect:
    """The village's households, for `household IN (...)`: the village's rows are found
    by the household index, not by reading the township's and keeping the village's."""
    return Household.select(Household.id).where(Household.village == scope.village)


def _in_village(query: pw.ModelSelect, column: pw.Field, scope: Scope) -> pw.ModelSelect:
    return query.where(column == scope.village) if scope.village is not None else query


def _with_village(query: pw.ModelSelect, household: pw.Field, scope: Scope) -> pw.ModelSelect:
    """`query` joined to its rows' households, for their village (the last column): one
    village's rows are found from its households by index, not among the township's."""
    query = query.join(Household, on=(household == Household.id))
    return query.where(Household.village == scope.village) if scope.village is not None else query


def _names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(Person.select(Person.id, Person.name).where(Person.id.in_(list(ids))).tuples())


# --- figures ----------------------------------------------------------------------------


@figure("timely_entry")
def timely_entry(scope: Scope) -> Parts:
    days = current().domain["entry"]["timely_days"]
    query = _in_village(
        Event.select(
            Event.id,
            Event.household,
            Event.person,
            Event.kind,
            Event.happened_on,
            Event.entered_on,
            Event.village,
        ).where(Event.happened_on.between(scope.period.start, scope.period.end)),
        Event.village,
        scope,
    )
    rows = list(query.tuples())
    late = {r[0] for r in rows if (as_date(r[5]) - as_date(r[4])).days > days}
    names = _names({r[2] for r in rows if r[2] and r[0] in late})
    forms = current().forms

    def count(rows: list[tuple]) -> Figure:
        cases = [
            Case(
                Text(
                    f"{names.get(p, '')} {forms[k].title('zh')} {h_on} 录入于 {e_on}",
                    f"{names.get(p, '')} {forms[k].title('en')} {h_on} entered {e_on}",
                ),
                hid,
                p,
            )
            for e, hid, p, k, h_on, e_on, _ in rows
            if e in late
        ]
        return Figure(len(rows) - len(cases), len(rows), cases)

    return {v: count(part) for v, part in scope.split(rows, lambda r: r[6]).items()}


@figure("logic_errors")
def logic_errors(scope: Scope) -> Parts:
    from fptui.reads import checks

    # the kept findings of the village (errors only here: the day's checks give warnings)
    found = (
        scope.findings
        if scope.findings is not None
        else checks.kept(village=scope.village, dated=False)
    )
    errors = [f for f in found if f.severity == "error"]
    if scope.village is not None:
        by_village: dict[int | None, list] = {scope.village: errors}
    else:
        by_village = {v: [] for v in scope.villages}
        for v, part in checks.villages_of(errors).items():
            by_village.setdefault(v, []).extend(part)
    return {
        v: Figure(len(part), len(part), [Case(f.message, f.household, f.person) for f in part])
        for v, part in by_village.items()
    }


def _births(scope: Scope) -> list[tuple[int, int, int, dt.date, dict, dt.date, int]]:
    if "births" not in scope.memo:
        scope.memo["births"] = _read_births(scope)
    return scope.memo["births"]


def _read_births(scope: Scope) -> list[tuple[int, int, int, dt.date, dict, dt.date, int]]:
    query = _in_village(
        Event.select(
            Event.id,
            Event.household,
            Event.person,
            Event.happened_on,
            Event.data,
            Event.entered_on,
            Event.village,
        ).where(
            (Event.kind == "birth")
            & Event.happened_on.between(scope.period.start, scope.period.end)
        ),
        Event.village,
        scope,
    )
    return [
        (e, h, p, as_date(d), json.loads(data), as_date(en), v)
        for e, h, p, d, data, en, v in query.tuples()
    ]


@figure("birth_complete")
def birth_complete(scope: Scope) -> Parts:
    births = _births(scope)
    names = _names({b[2] for b in births})

    def count(births: list[tuple]) -> Figure:
        cases = []
        for _, hid, child, day, data, _, _ in births:
            missing = [f for f in ("place", "father") if not data.get(f)]
            if missing:
                cases.append(
                    Case(
                        Text(
                            f"{names.get(child, '')} {day} 出生登记缺少：{'、'.join(missing)}",
                            f"{names.get(child, '')} {day} birth lacks: {', '.join(missing)}",
                        ),
                        hid,
                        child,
                    )
                )
        return Figure(len(births) - len(cases), len(births), cases)

    return {v: count(part) for v, part in scope.split(births, lambda b: b[6]).items()}


_SCORED_VISITS = ("postpartum_visit", "prenatal", "special_family_contact")


def _visits(scope: Scope, kind: str) -> list[tuple]:
    """Visits of `kind` due in the period, done, or open and past due: one due today can
    still be done on time; each with its household's village last. The kinds the score
    counts are read in one query."""
    if "visits" not in scope.memo:
        scope.memo["visits"] = {k: [] for k in _SCORED_VISITS}
        for row in _read_visits(scope, _SCORED_VISITS):
            scope.memo["visits"][row[-1]].append(row[:-1])
    if kind not in scope.memo["visits"]:
        scope.memo["visits"][kind] = [r[:-1] for r in _read_visits(scope, (kind,))]
    return scope.memo["visits"][kind]


def _read_visits(scope: Scope, kinds: tuple[str, ...]) -> list[tuple]:
    query = FollowUp.select(
        FollowUp.id,
        FollowUp.household,
        FollowUp.person,
        FollowUp.due_on,
        FollowUp.status,
        FollowUp.done_on,
        Household.village,
        FollowUp.kind,
    ).where(
        FollowUp.kind.in_(kinds)
        & (FollowUp.status != "cancelled")
        & FollowUp.due_on.between(scope.period.start, scope.period.end)
        & ((FollowUp.status == "done") | (FollowUp.due_on < scope.today))
    )
    return list(_with_village(query, FollowUp.household, scope).tuples())


def _visit_figure(scope: Scope, kind: str, title: Text) -> Parts:
    rows = _visits(scope, kind)
    names = _names({r[2] for r in rows})

    def count(rows: list[tuple]) -> Figure:
        cases = []
        for _, hid, pid, due, status, done, _ in rows:
            if status == "done" and done is not None and as_date(done) <= as_date(due):
                continue
            state = (
                "逾期完成" if status == "done" else "未完成",
                "done late" if status == "done" else "not done",
            )
            cases.append(
                Case(
                    Text(
                        f"{names.get(pid, '')} {title.zh} 应于{due} {state[0]}",
                        f"{names.get(pid, '')} {title.en} due {due} {state[1]}",
                    ),
                    hid,
                    pid,
                )
            )
        return Figure(len(rows) - len(cases), len(rows), cases)

    return {v: count(part) for v, part in scope.split(rows, lambda r: r[6]).items()}


@figure("postpartum_on_time")
def postpartum_on_time(scope: Scope) -> Parts:
    return _visit_figure(scope, "postpartum_visit", Text("产后访视", "postpartum visit"))


@figure("prenatal_on_time")
def prenatal_on_time(scope: Scope) -> Parts:
    return _visit_figure(scope, "prenatal", Text("产前随访", "prenatal visit"))


@figure("special_contacted")
def special_contacted(scope: Scope) -> Parts:
    """Special families' monthly contacts due in the period: a contact done, even late in
    its month, counts; each one not done is a case."""
    rows = _visits(scope, "special_family_contact")
    names = _names({r[2] for r in rows})

    def count(rows: list[tuple]) -> Figure:
        cases = [
            Case(
                Text(
                    f"{names.get(pid, '')} 特殊家庭联系 应于{due} 未完成",
                    f"{names.get(pid, '')} special family due {due} not done",
                ),
                hid,
                pid,
            )
            for _, hid, pid, due, status, _, _ in rows
            if status != "done"
        ]
        return Figure(len(rows) - len(cases), len(rows), cases)

    return {v: count(part) for v, part in scope.split(rows, lambda r: r[6]).items()}


@figure("out_contacted")
def out_contacted(scope: Scope) -> Parts:
    """Out-migrants contacted (or gone out) within 90 days before the period's end; the
    database tells, person by person, who was not reached."""
    end = min(scope.period.end, scope.today)
    since = end - dt.timedelta(days=90)
    # each out person's own contacts and go-outs, by index: not the township's 90 days
    contacted = FollowUp.select(FollowUp.id).where(
        (FollowUp.person == Person.id)
        & (FollowUp.kind == "out_contact")
        & (FollowUp.status == "done")
        & FollowUp.done_on.between(since, end)
    )
    went = Event.select(Event.id).where(
        (Event.person == Person.id)
        & (Event.kind == "go_out")
        & Event.happened_on.between(since, end)
    )
    reached = pw.fn.EXISTS(contacted) | pw.fn.EXISTS(went)
    query = Person.select(
        Person.id, Person.household, Person.name, reached, Household.village
    ).where(Person.residence == "out")
    rows = list(_with_village(query, Person.household, scope).tuples())

    def count(rows: list[tuple]) -> Figure:
        cases = [
            Case(Text(f"{name} 90天内无有效联系", f"{name}: no contact in 90 days"), hid, pid)
            for pid, hid, name, ok, _ in rows
            if not ok
        ]
        return Figure(len(rows) - len(cases), len(rows), cases)

    return {v: count(part) for v, part in scope.split(rows, lambda r: r[4]).items()}


@figure("migrant_complete")
def migrant_complete(scope: Scope) -> Parts:
    """Incoming migrants with an ID number, and a phone from the age of 16."""
    query = Person.select(
        Person.id,
        Person.household,
        Person.name,
        Person.id_number,
        Person.phone,
        Person.birth_date,
        Household.village,
    ).where(Person.residence == "in_migrant")
    rows = list(_with_village(query, Person.household, scope).tuples())

    def count(rows: list[tuple]) -> Figure:
        cases = []
        for pid, hid, name, number, phone, born, _ in rows:
            adult = age_on(as_date(born), scope.period.end) >= 16
            missing = [m for m, v in (("id", number), ("phone", phone or not adult)) if not v]
            if missing:
                zh = "、".join({"id": "身份证号", "phone": "电话"}[m] for m in missing)
                en = ", ".join({"id": "ID number", "phone": "phone"}[m] for m in missing)
                cases.append(Case(Text(f"{name} 缺少{zh}", f"{name}: lacks {en}"), hid, pid))
        return Figure(len(rows) - len(cases), len(rows), cases)

    return {v: count(part) for v, part in scope.split(rows, lambda r: r[6]).items()}


@figure("benefit_confirmed")
def benefit_confirmed(scope: Scope) -> Parts:
    """Recipients confirmed this year whom the eligibility rules do not confirm."""
    rules = current().domain["benefits"]
    year = scope.period.end.year
    query = _in_village(
        Event.select(Event.household, Event.person, Event.data, Event.village).where(
            (Event.kind == "benefit")
            & Event.happened_on.between(dt.date(year, 1, 1), scope.period.end)
        ),
        Event.village,
        scope,
    )
    rows = [(h, p, json.loads(d), v) for h, p, d, v in query.tuples()]
    ids = {p for _, p, _, _ in rows}
    people = {p.id: p for p in Person.select().where(Person.id.in_(list(ids)))} if ids else {}
    children: dict[int, list[Person]] = {}
    if ids:
        for c in Person.select().where(
            Person.mother.in_(list(ids)) | Person.father.in_(list(ids))
        ):
            for parent in (c.mother_id, c.father_id):
                if parent in ids:
                    children.setdefault(parent, []).append(c)
    cases: dict[int | None, list[Case]] = {}
    for hid, pid, data, village in rows:
        p = people.get(pid)
        if p is None:
            continue
        kids = [c for c in children.get(pid, []) if c.residence in LIVING]
        if data.get("scheme") == "special":
            ok = age_on(p.birth_date, dt.date(year, 12, 31)) >= rules["special_mother_age"] and (
                not kids
                or (
                    len(kids) == 1
                    and (kids[0].disability_grade or 9) <= rules["special_disability_grade"]
                )
            )
        else:
            daughters = [c for c in kids if c.sex == "F"]
            ok = age_on(p.birth_date, dt.date(year, 12, 31)) >= rules["reward_age"] and (
                len(kids) == 1 or (len(kids) == 2 and len(daughters) == 2)
            )
        ok = ok and p.residence in ("here", "out")
        if not ok:
            cases.setdefault(village, []).append(
                Case(
                    Text(
                        f"{p.name} 扶助资格按规则不能确认",
                        f"{p.name}: the rules do not confirm eligibility",
                    ),
                    hid,
                    pid,
                )
            )
    counted = scope.split(rows, lambda r: r[3])
    return {
        v: Figure(len(part) - len(cases.get(v, [])), len(part), cases.get(v, []))
        for v, part in counted.items()
    }


@figure("births_not_late")
def births_not_late(scope: Scope) -> Parts:
    from fptui.reads import period

    births = _births(scope)
    closes = period.close_marks({b[6] for b in births})
    marks = period.entry_marks([b[0] for b in births])
    names = _names({b[2] for b in births})

    def count(births: list[tuple]) -> Figure:
        cases = []
        for event, hid, child, day, _data, _entered, village in births:
            if period.is_late(closes.get(village, []), day, marks.get(event, 0)):
                cases.append(
                    Case(
                        Text(
                            f"{names.get(child, '')} {day} 出生于月结后补报",
                            f"{names.get(child, '')} born {day}, entered after close",
                        ),
                        hid,
                        child,
                    )
                )
        return Figure(len(births) - len(cases), len(births), cases)

    return {v: count(part) for v, part in scope.split(births, lambda b: b[6]).items()}


@figure("return_on_time")
def return_on_time(scope: Scope) -> Parts:
    """The month before the period's last closed by the 5th of the month after it; not
    yet closed is late only once that day has passed."""
    last = scope.period.end.replace(day=1) - dt.timedelta(days=1)
    month = f"{last:%Y-%m}"
    deadline = scope.period.end.replace(day=5)
    query = _in_village(
        MonthClose.select(MonthClose.village, MonthClose.closed_at).where(
            MonthClose.month == month
        ),
        MonthClose.village,
        scope,
    )
    closed = {v: as_date(c) for v, c in query.tuples()}
    case = Case(Text(f"{month} 月未在 {deadline} 前结账", f"{month} not closed by {deadline}"))

    def count(village: int) -> Figure:
        late = closed[village] > deadline if village in closed else scope.today > deadline
        return Figure(0 if late else 1, 1, [case] if late else [], yes=not late)

    return {v: count(v) for v in scope.villages}


# --- applying the rules -----------------------------------------------------------------


def _round(value: float) -> float:
    """Two decimals, half away from zero: how a rate or a deduction is shown."""
    return float(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class IndicatorScore:
    key: str
    title: Text
    shape: str
    figure: Figure
    target: float | None
    points: float
    lost: float  # to the hundredth, as the sheet lists it

    @property
    def earned(self) -> float:
        return _round(self.points - self.lost)

    def shown_figure(self) -> str:
        if self.shape == "rate_below":
            rate = self.figure.rate
            return "-" if rate is None else f"{_round(rate):.2f}%"
        if self.shape == "yes_no":  # as `_lost` judges it: nothing to say is a yes
            fig = self.figure
            return "是" if fig.yes or (fig.yes is None and not fig.cases) else "否"
        return str(len(self.figure.cases))


@dataclass(frozen=True)
class Score:
    period: Period
    village: int | None
    indicators: list[IndicatorScore]
    vetoed: list[str]

    @property
    def total(self) -> float:
        """The points less the deductions listed: what the sheet, the CLI and the panel
        show adds up to the hundredth."""
        return _round(
            sum(i.points for i in self.indicators) - sum(i.lost for i in self.indicators)
        )

    @property
    def failed(self) -> bool:
        return bool(self.vetoed)

    def worst(self) -> IndicatorScore | None:
        lost = [i for i in self.indicators if i.lost > 0]
        return max(lost, key=lambda i: i.lost) if lost else None


def lost_points(shape: str, fig: Figure, rule: dict) -> float:
    """Points lost by one indicator's rule shape on its figure (never more than its points),
    to the hundredth, half away from zero: the deduction the score sheet lists, so the
    deductions listed add up to what the total lost. The rate it is computed from is not
    rounded."""
    return _round(_lost(shape, fig, rule))


def _lost(shape: str, fig: Figure, rule: dict) -> float:
    points = rule["points"]
    if shape == "rate_below":
        rate = fig.rate
        if rate is None:
            return 0.0 if rule.get("no_cases", "full") == "full" else points
        return min(points, max(0.0, (rule["target"] - rate) * rule["per_point"]))
    if shape == "per_case":
        return min(points, len(fig.cases) * rule["per_case"])
    if shape == "yes_no":
        return 0.0 if fig.yes or (fig.yes is None and not fig.cases) else points
    if shape == "veto":
        return 0.0
    raise ValueError(f"unknown shape {shape}")


def figures(
    period: Period,
    village: int | None = None,
    today: dt.date | None = None,
    findings: list | None = None,
) -> dict[str, Parts]:
    """Each indicator's figure for the period, village by village (every village of the
    ledger when `village` is None): the parts `judged` adds up.

    `findings`, when given, stand in for the kept findings of the logic checks (the
    write path keeps them, ledger/findings.py; `checks.kept` reads them).
    """
    rules = indicators_of()
    scope = Scope(village, period, today or clock.today(), findings)
    return {key: FIGURES[rule.figure](scope) for key, rule in rules.indicators.items()}


def judged(period: Period, village: int | None, parts: dict[str, Parts]) -> Score:
    """scoring.toml's rules applied to each indicator's figure, the villages' parts added
    up: the points each loses, the vetoes, the total."""
    rules = indicators_of()
    results, vetoed = [], []
    for key, rule in rules.indicators.items():
        fig = merged(parts[key].values())
        spec = {
            "points": rule.points,
            "target": rule.target,
            "per_point": rule.per_point,
            "per_case": rule.per_case,
            "no_cases": rule.no_cases,
        }
        lost = lost_points(rule.shape, fig, spec)
        if rule.shape == "veto" and fig.cases:
            vetoed.append(key)
        results.append(
            IndicatorScore(key, rule.title, rule.shape, fig, rule.target, rule.points, lost)
        )
    return Score(period, village, results, vetoed)


def score(
    period: Period,
    village: int | None = None,
    today: dt.date | None = None,
    findings: list | None = None,
) -> Score:
    """Every indicator of scoring.toml for the period and village, and the total: the one
    computation behind the panel, F8, the return's sheet and `fptui score`."""
    return judged(period, village, figures(period, village, today, findings))


def period_of(month: str, year_to_date: bool = False) -> Period:
    """The month `YYYY-MM`, or the statistical year from its start to that month's end."""
    return Period.year_to_date(month) if year_to_date else Period.month(month)


def score_month(
    month: str,
    village: int | None = None,
    *,
    year_to_date: bool = False,
    today: dt.date | None = None,
    findings: list | None = None,
) -> Score:
    """The score of a month, or of the statistical year to its end: what `fptui score
    --month M [--year-to-date]` prints and F8 shows for a month other than the current
    one, computed here once for both."""
    return score(period_of(month, year_to_date), village, today, findings)
