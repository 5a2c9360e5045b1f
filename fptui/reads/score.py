"""The score (目标管理考核): indicators computed from the ledger for a period.

Each figure is a small function registered by name that counts, for a village (or all)
and a period, what the indicator measures and which records fall short (the "cases"
a lost point leads to). schemas/scoring.toml gives each indicator its figure, target,
points and rule shape; `score()` applies them. Rates are kept unrounded: a figure is
rounded only when shown.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import peewee as pw

from fptui import clock
from fptui.dates import age_on
from fptui.models import Event, FollowUp, Household, MonthClose, Person
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


@dataclass(frozen=True)
class Scope:
    village: int | None
    period: Period
    today: dt.date
    findings: list | None = None  # given by the caller; else the kept ones are read


FIGURES: dict[str, Callable[[Scope], Figure]] = {}


def figure(name: str) -> Callable:
    def register(fn: Callable[[Scope], Figure]) -> Callable[[Scope], Figure]:
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


def _names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(Person.select(Person.id, Person.name).where(Person.id.in_(list(ids))).tuples())


# --- figures ----------------------------------------------------------------------------


@figure("timely_entry")
def timely_entry(scope: Scope) -> Figure:
    days = current().domain["entry"]["timely_days"]
    query = _in_village(
        Event.select(
            Event.id,
            Event.household,
            Event.person,
            Event.kind,
            Event.happened_on,
            Event.entered_on,
        ).where(Event.happened_on.between(scope.period.start, scope.period.end)),
        Event.village,
        scope,
    )
    rows = list(query.tuples())
    late = [r for r in rows if (as_date(r[5]) - as_date(r[4])).days > days]
    names = _names({r[2] for r in late if r[2]})
    forms = current().forms
    cases = [
        Case(
            Text(
                f"{names.get(p, '')} {forms[k].title('zh')} {h_on} 录入于 {e_on}",
                f"{names.get(p, '')} {forms[k].title('en')} {h_on} entered {e_on}",
            ),
            hid,
            p,
        )
        for _, hid, p, k, h_on, e_on in late
    ]
    return Figure(len(rows) - len(late), len(rows), cases)


@figure("logic_errors")
def logic_errors(scope: Scope) -> Figure:
    from fptui.reads import checks

    # the kept findings of the village (errors only here: the day's checks give warnings)
    found = (
        scope.findings
        if scope.findings is not None
        else checks.kept(village=scope.village, dated=False)
    )
    errors = [f for f in found if f.severity == "error"]
    return Figure(
        len(errors), len(errors), [Case(f.message, f.household, f.person) for f in errors]
    )


def _births(scope: Scope) -> list[tuple[int, int, int, dt.date, dict, dt.date]]:
    query = _in_village(
        Event.select(
            Event.id,
            Event.household,
            Event.person,
            Event.happened_on,
            Event.data,
            Event.entered_on,
        ).where(
            (Event.kind == "birth")
            & Event.happened_on.between(scope.period.start, scope.period.end)
        ),
        Event.village,
        scope,
    )
    return [
        (e, h, p, as_date(d), json.loads(data), as_date(en))
        for e, h, p, d, data, en in query.tuples()
    ]


@figure("birth_complete")
def birth_complete(scope: Scope) -> Figure:
    births = _births(scope)
    names = _names({b[2] for b in births})
    cases = []
    for _, hid, child, day, data, _ in births:
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


def _visits(scope: Scope, kind: str) -> list[tuple]:
    """Visits of `kind` due in the period, done, or open and past due: one due today can
    still be done on time."""
    query = FollowUp.select(
        FollowUp.id,
        FollowUp.household,
        FollowUp.person,
        FollowUp.due_on,
        FollowUp.status,
        FollowUp.done_on,
    ).where(
        (FollowUp.kind == kind)
        & (FollowUp.status != "cancelled")
        & FollowUp.due_on.between(scope.period.start, scope.period.end)
        & ((FollowUp.status == "done") | (FollowUp.due_on < scope.today))
    )
    if scope.village is not None:
        query = query.where(FollowUp.household.in_(_homes(scope)))
    return list(query.tuples())


def _visit_figure(scope: Scope, kind: str, title: Text) -> Figure:
    rows = _visits(scope, kind)
    names = _names({r[2] for r in rows})
    cases = []
    for _, hid, pid, due, status, done in rows:
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


@figure("postpartum_on_time")
def postpartum_on_time(scope: Scope) -> Figure:
    return _visit_figure(scope, "postpartum_visit", Text("产后访视", "postpartum visit"))


@figure("prenatal_on_time")
def prenatal_on_time(scope: Scope) -> Figure:
    return _visit_figure(scope, "prenatal", Text("产前随访", "prenatal visit"))


@figure("special_contacted")
def special_contacted(scope: Scope) -> Figure:
    """Special families' monthly contacts due in the period: a contact done, even late in
    its month, counts; each one not done is a case."""
    rows = _visits(scope, "special_family_contact")
    names = _names({r[2] for r in rows})
    cases = [
        Case(
            Text(
                f"{names.get(pid, '')} 特殊家庭联系 应于{due} 未完成",
                f"{names.get(pid, '')} special family due {due} not done",
            ),
            hid,
            pid,
        )
        for _, hid, pid, due, status, _ in rows
        if status != "done"
    ]
    return Figure(len(rows) - len(cases), len(rows), cases)


@figure("out_contacted")
def out_contacted(scope: Scope) -> Figure:
    """Out-migrants contacted (or gone out) within 90 days before the period's end; the
    database counts them and names only those not reached."""
    end = min(scope.period.end, scope.today)
    since = end - dt.timedelta(days=90)
    query = Person.select(Person.id, Person.household, Person.name).where(
        Person.residence == "out"
    )
    if scope.village is not None:
        query = query.where(Person.household.in_(_homes(scope)))
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
    total = query.count()
    missing = query.where(~pw.fn.EXISTS(contacted) & ~pw.fn.EXISTS(went))
    cases = [
        Case(Text(f"{name} 90天内无有效联系", f"{name}: no contact in 90 days"), hid, pid)
        for pid, hid, name in missing.tuples()
    ]
    return Figure(total - len(cases), total, cases)


@figure("migrant_complete")
def migrant_complete(scope: Scope) -> Figure:
    """Incoming migrants with an ID number, and a phone from the age of 16."""
    query = Person.select(
        Person.id,
        Person.household,
        Person.name,
        Person.id_number,
        Person.phone,
        Person.birth_date,
    ).where(Person.residence == "in_migrant")
    if scope.village is not None:
        query = query.join(Household).where(Household.village == scope.village)
    rows = list(query.tuples())
    cases = []
    for pid, hid, name, number, phone, born in rows:
        adult = age_on(as_date(born), scope.period.end) >= 16
        missing = [m for m, v in (("id", number), ("phone", phone or not adult)) if not v]
        if missing:
            zh = "、".join({"id": "身份证号", "phone": "电话"}[m] for m in missing)
            en = ", ".join({"id": "ID number", "phone": "phone"}[m] for m in missing)
            cases.append(Case(Text(f"{name} 缺少{zh}", f"{name}: lacks {en}"), hid, pid))
    return Figure(len(rows) - len(cases), len(rows), cases)


@figure("benefit_confirmed")
def benefit_confirmed(scope: Scope) -> Figure:
    """Recipients confirmed this year whom the eligibility rules do not confirm."""
    rules = current().domain["benefits"]
    year = scope.period.end.year
    query = _in_village(
        Event.select(Event.household, Event.person, Event.data).where(
            (Event.kind == "benefit")
            & Event.happened_on.between(dt.date(year, 1, 1), scope.period.end)
        ),
        Event.village,
        scope,
    )
    rows = [(h, p, json.loads(d)) for h, p, d in query.tuples()]
    ids = {p for _, p, _ in rows}
    people = {p.id: p for p in Person.select().where(Person.id.in_(list(ids)))} if ids else {}
    children: dict[int, list[Person]] = {}
    if ids:
        for c in Person.select().where(
            Person.mother.in_(list(ids)) | Person.father.in_(list(ids))
        ):
            for parent in (c.mother_id, c.father_id):
                if parent in ids:
                    children.setdefault(parent, []).append(c)
    cases = []
    for hid, pid, data in rows:
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
            cases.append(
                Case(
                    Text(
                        f"{p.name} 扶助资格按规则不能确认",
                        f"{p.name}: the rules do not confirm eligibility",
                    ),
                    hid,
                    pid,
                )
            )
    return Figure(len(rows) - len(cases), len(rows), cases)


@figure("births_not_late")
def births_not_late(scope: Scope) -> Figure:
    from fptui.reads import period

    births = _births(scope)
    villages = (
        dict(
            Event.select(Event.id, Event.village)
            .where(Event.id.in_([b[0] for b in births]))
            .tuples()
        )
        if births
        else {}
    )
    closes = period.close_marks(set(villages.values()))
    marks = period.entry_marks([b[0] for b in births])
    names = _names({b[2] for b in births})
    cases = []
    for event, hid, child, day, _data, _entered in births:
        village_closes = closes.get(villages.get(event), [])
        if period.is_late(village_closes, day, marks.get(event, 0)):
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


@figure("return_on_time")
def return_on_time(scope: Scope) -> Figure:
    """The month before the period's last closed by the 5th of the month after it."""
    last = scope.period.end.replace(day=1) - dt.timedelta(days=1)
    month = f"{last:%Y-%m}"
    deadline = scope.period.end.replace(day=5)
    query = MonthClose.select(MonthClose.village, MonthClose.closed_at).where(
        MonthClose.month == month
    )
    closed = {v: as_date(c) for v, c in query.tuples()}
    from fptui.models import Area

    villages = [v.id for v in Area.select().where(Area.kind == "village")]
    if scope.village is not None:
        villages = [scope.village]
    # Not yet closed is late only once the deadline has passed.
    late = [
        v
        for v in villages
        if (v in closed and closed[v] > deadline) or (v not in closed and scope.today > deadline)
    ]
    cases = [
        Case(Text(f"{month} 月未在 {deadline} 前结账", f"{month} not closed by {deadline}"))
        for _ in late
    ]
    return Figure(len(villages) - len(late), len(villages), cases, yes=not late)


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
        if self.shape == "yes_no":
            return "是" if self.figure.yes else "否"
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


def score(
    period: Period,
    village: int | None = None,
    today: dt.date | None = None,
    findings: list | None = None,
) -> Score:
    """Every indicator of scoring.toml for the period and village, and the total.

    `findings`, when given, stand in for the kept findings of the logic checks (the
    write path keeps them, ledger/findings.py; `checks.kept` reads them).
    """
    rules = indicators_of()
    scope = Scope(village, period, today or clock.today(), findings)
    results, vetoed = [], []
    for key, rule in rules.indicators.items():
        fig = FIGURES[rule.figure](scope)
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
