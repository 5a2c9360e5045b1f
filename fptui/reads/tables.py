"""The monthly return's tables, from the ledger and a month: rows of numbers and text.

Pure reads, shared by the screens, the score sheet and the workbook, so a figure on
screen and in the sheet cannot differ. Counts are kept exact; rates are computed from
unrounded counts and rounded only when shown.

The registered population (户籍人口) is every person of a registered household who is
living here or gone out; incoming migrants are counted in their own tables. The
population on a day is counted from the person register as it stands, less the arrivals
after that day and plus the departures after it, by their events.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import peewee as pw

from fptui.models import Area, Event, Household, Person
from fptui.reads.calendar import Period
from fptui.reads.flows import (
    REGISTERED,
    Flows,
    add,
    flows,
    population_on,
    registered_persons,
)
from fptui.reads.score import _names
from fptui.schema import Text


def per_mille(
    events: int, start: int, end: int, *, denominator: str = "average", scale: float = 1.0
) -> float | None:
    """Events per thousand of the population: the average of the period ((start + end)
    / 2) or its end, as domain.toml's `statistics.rate_denominator` says; `scale`
    annualises a part-year. None (shown "-") when the population is 0."""
    population = (start + end) / 2 if denominator == "average" else end
    return events * 1000 * scale / population if population else None


def rate_rules() -> tuple[str, float]:
    """(denominator, annualise?) from domain.toml's statistics section."""
    from fptui.schema import current

    stats = current().domain["statistics"]
    return stats["rate_denominator"], stats["annualise_part_year"]


def annualising(year: Period) -> float:
    """What multiplies a part-year's rate to the rate of a whole year at that pace: the
    statistical year's days over the days of `year` (its start to the month's end)."""
    start = year.start
    whole = dt.date(start.year + 1, start.month, 1) - start
    return whole.days / ((year.end - year.start).days + 1)


def sex_ratio(male: int, female: int) -> float | None:
    """Male births per 100 female births; None (shown "-") when there is no girl."""
    return male * 100 / female if female else None


@dataclass
class PopulationRow:
    """One line of the population-change table (人口变动情况)."""

    unit: str
    start: int
    flows: Flows
    end: int
    ytd: Flows
    ytd_start: int
    birth_rate: float | None
    death_rate: float | None
    natural_growth_rate: float | None
    sex_ratio_at_birth: float | None
    late: int = 0  # net of the late entries (补报) of closed months counted this month
    added: int = 0  # residents added by hand since the last close (补登), as the month end

    @property
    def balance(self) -> int:
        """End less what the start, the month's flows, its late entries and the residents
        added by hand make it: the month end's difference (period.Balance), term by term."""
        return self.end - (self.start + self.added + self.flows.net + self.late)


def population_row(unit: str, month: Period, year: Period, village: int) -> PopulationRow:
    """A village's line: start, flows, late entries and end as the month's balance counts
    them (the start is the last closed month's frozen end)."""
    from fptui.reads.period import balance, frozen

    # a closed month is shown as it was closed: later entries count in the next month;
    # the figures only (who is behind a difference is the month end's, not the return's)
    b = frozen(village, month.key) or balance(village, month.key, named=False)
    return _with_rates(
        PopulationRow(
            unit=unit,
            start=b.start,
            flows=b.flows,
            end=b.end,
            ytd=flows(year, village),
            ytd_start=population_on(year.start - dt.timedelta(days=1), village),
            birth_rate=None,
            death_rate=None,
            natural_growth_rate=None,
            sex_ratio_at_birth=None,
            late=b.late.net,
            added=len(b.added),
        ),
        year,
    )


def _with_rates(row: PopulationRow, year: Period) -> PopulationRow:
    denominator, annualise = rate_rules()
    scale = annualising(year) if annualise else 1.0
    births = per_mille(
        row.ytd.births, row.ytd_start, row.end, denominator=denominator, scale=scale
    )
    deaths = per_mille(
        row.ytd.deaths, row.ytd_start, row.end, denominator=denominator, scale=scale
    )
    row.birth_rate, row.death_rate = births, deaths
    row.natural_growth_rate = None if births is None or deaths is None else births - deaths
    row.sex_ratio_at_birth = sex_ratio(row.ytd.births_male, row.ytd.births_female)
    return row


def population_change(month_key: str, village: int | None = None) -> list[PopulationRow]:
    """A row per village (or the one village) and, for a township, a total row."""
    month = Period.month(month_key)
    year = Period.year_to_date(month_key)
    villages = Area.select().where(Area.kind == "village").order_by(Area.code)
    if village is not None:
        villages = villages.where(Area.id == village)
    rows = [population_row(v.name, month, year, v.id) for v in villages]
    if village is None and len(rows) > 1:
        total = PopulationRow("合计", 0, Flows(), 0, Flows(), 0, None, None, None, None, 0)
        for r in rows:
            total.start += r.start
            total.end += r.end
            total.ytd_start += r.ytd_start
            total.late += r.late
            total.added += r.added
            total.flows = add(total.flows, r.flows)
            total.ytd = add(total.ytd, r.ytd)
        rows.append(_with_rates(total, year))
    return rows


# --- registers of the month (named lists: ID numbers masked) -----------------------------


def _named_events(
    kinds: tuple[str, ...], period: Period, village: int | None, registered_only: bool = True
) -> list[dict]:
    """The period's events of these kinds, by date, each with its person and household."""
    from fptui import idcard

    query = (
        Event.select(
            Event.id,
            Event.kind,
            Event.happened_on,
            Event.entered_on,
            Event.data,
            Person.name,
            Person.sex,
            Person.birth_date,
            Person.id_number,
            Household.number,
            Area.name,
        )
        .join(Person, on=(Event.person == Person.id))
        .switch(Event)
        .join(Household, on=(Event.household == Household.id))
        .join(Area, on=(Household.village == Area.id))
        .where(Event.kind.in_(kinds) & Event.happened_on.between(period.start, period.end))
        .order_by(Event.happened_on, Event.id)
    )
    if registered_only:
        query = query.where(Household.registration == "registered")
    if village is not None:
        query = query.where(Event.village == village)
    rows = []
    for (
        eid,
        kind,
        day,
        entered,
        data,
        name,
        sex,
        born,
        number,
        household,
        village_name,
    ) in query.tuples():
        rows.append(
            {
                "event": eid,
                "kind": kind,
                "date": day,
                "entered": entered,
                "data": json.loads(data),
                "name": name,
                "sex": sex,
                "birth_date": born,
                "id_masked": idcard.mask(number),
                "household": household,
                "village": village_name,
            }
        )
    return rows


def births_register(month_key: str, village: int | None = None) -> list[dict]:
    """出生登记花名册: one row per birth in the month."""
    rows = _named_events(("birth",), Period.month(month_key), village)
    parents = _names(
        {r["data"][k] for r in rows for k in ("mother", "father") if r["data"].get(k)}
    )
    for r in rows:
        r["birth_order"] = r["data"].get("birth_order")
        r["mother"] = parents.get(r["data"].get("mother"), "")
        r["father"] = parents.get(r["data"].get("father"), "")
        r["place"] = r["data"].get("place", "")
        del r["data"]  # it may hold the child's full ID number: lists show IDs masked
    return rows


def deaths_register(month_key: str, village: int | None = None) -> list[dict]:
    """死亡登记花名册: one row per death in the month, with the age at death."""
    from fptui.dates import age_on

    rows = _named_events(("death",), Period.month(month_key), village)
    for r in rows:
        r["age"] = age_on(r["birth_date"], r["date"])
        r["cause"] = r["data"].get("cause", "")
        del r["data"]
    return rows


MIGRATION_KINDS = ("move_in", "move_out", "go_out", "return", "migrant_in", "migrant_left")


def migration_register(month_key: str, village: int | None = None) -> list[dict]:
    """迁入迁出及流动人口: moves in and away, out-migrants gone and back, migrants come
    and left; the place each went to or came from."""
    rows = _named_events(MIGRATION_KINDS, Period.month(month_key), village, registered_only=False)
    for r in rows:
        d = r["data"]
        r["place"] = (
            d.get("from_place")
            or d.get("to_place")
            or d.get("destination")
            or (d.get("origin") or "")
        )
        del r["data"]
    return rows


# --- the aggregate sheets (no names) ----------------------------------------------------


@dataclass
class WomenRow:
    """育龄妇女情况: women 15-49 at the month's end (registered), married ones by living
    children, and the contraceptive method in use (each woman's latest, by her choice)."""

    unit: str
    women: int = 0
    married: int = 0
    by_children: dict[str, int] = field(default_factory=lambda: {"0": 0, "1": 0, "2": 0, "3+": 0})
    by_method: dict[str, int] = field(default_factory=dict)

    @property
    def using_a_method(self) -> int:
        return sum(self.by_method.values())

    @property
    def prevalence(self) -> float | None:
        """Married women using a method per 100 married women (None when none)."""
        return self.using_a_method * 100 / self.married if self.married else None


def _women_row(unit: str, month: Period, village: int | None) -> WomenRow:
    from fptui.dates import age_on

    end = month.end
    query = (
        registered_persons(village)
        .select(Person.id, Person.birth_date, Person.marital_status)
        .where((Person.sex == "F") & Person.residence.in_(REGISTERED))
    )
    row = WomenRow(unit)
    married: list[int] = []
    for pid, born, status in query.tuples():
        if 15 <= age_on(born, end) <= 49:
            row.women += 1
            if status in ("first", "remarried"):
                married.append(pid)
    row.married = len(married)
    for chunk in (married[i : i + 500] for i in range(0, len(married), 500)):
        kids = dict(
            Person.select(Person.mother, pw.fn.COUNT(Person.id))
            .where(Person.mother.in_(chunk) & Person.residence.in_(("here", "out", "in_migrant")))
            .group_by(Person.mother)
            .tuples()
        )
        for pid in chunk:
            n = kids.get(pid, 0)
            row.by_children["3+" if n >= 3 else str(n)] += 1
        latest: dict[int, tuple] = {}
        services = Event.select(Event.person, Event.happened_on, Event.id, Event.data).where(
            (Event.kind == "contraception") & Event.person.in_(chunk) & (Event.happened_on <= end)
        )
        for pid, day, eid, data in services.tuples():
            if pid not in latest or (day, eid) > latest[pid][:2]:
                latest[pid] = (day, eid, json.loads(data).get("method"))
        for _day, _eid, method in latest.values():
            row.by_method[method] = row.by_method.get(method, 0) + 1
    return row


def women_of_reproductive_age(month_key: str, village: int | None = None) -> list[WomenRow]:
    month = Period.month(month_key)
    return _per_village(
        month_key, village, lambda unit, v: _women_row(unit, month, v), total=_women_total
    )


def _women_total(unit: str, rows: list[WomenRow]) -> WomenRow:
    """The township's line: its villages' lines added up (every registered household is
    in one village, every count is of women), not the whole ledger read again."""
    total = WomenRow(unit)
    for row in rows:
        total.women += row.women
        total.married += row.married
        for key, n in row.by_children.items():
            total.by_children[key] = total.by_children.get(key, 0) + n
        for key, n in row.by_method.items():
            total.by_method[key] = total.by_method.get(key, 0) + n
    return total


@dataclass
class FollowupRow:
    """随访服务: per kind of visit, those due in the month and what became of them."""

    kind: str
    due: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    cancelled: int = 0

    @property
    def on_time_rate(self) -> float | None:
        counted = self.due - self.cancelled
        return self.on_time * 100 / counted if counted else None


def followup_work(month_key: str, village: int | None = None) -> list[FollowupRow]:
    from fptui.models import FollowUp
    from fptui.schema import current

    month = Period.month(month_key)
    query = FollowUp.select(
        FollowUp.kind, FollowUp.status, FollowUp.due_on, FollowUp.done_on
    ).where(FollowUp.due_on.between(month.start, month.end))
    if village is not None:
        query = query.join(Household).where(Household.village == village)
    rows = {k: FollowupRow(k) for k in current().followups.rules}
    for kind, status, due, done in query.tuples():
        row = rows.setdefault(kind, FollowupRow(kind))
        row.due += 1
        if status == "cancelled":
            row.cancelled += 1
        elif status == "done" and done <= due:
            row.on_time += 1
        elif status == "done":
            row.late += 1
        else:
            row.overdue += 1
    return list(rows.values())


@dataclass
class BenefitRow:
    """奖励扶助/特别扶助对象: recipients confirmed this year, new this month, ended."""

    scheme: str
    recipients: int = 0
    new: int = 0
    ended: int = 0


def benefit_rosters(month_key: str, village: int | None = None) -> list[BenefitRow]:
    month = Period.month(month_key)
    year_start = dt.date(month.end.year, 1, 1)
    query = Event.select(Event.person, Event.happened_on, Event.data).where(
        (Event.kind == "benefit") & (Event.happened_on <= month.end)
    )
    if village is not None:
        query = query.where(Event.village == village)
    first: dict[tuple[str, int], dt.date] = {}
    this_year: dict[str, set[int]] = {}
    for pid, day, data in query.tuples():
        scheme = json.loads(data).get("scheme", "reward")
        key = (scheme, pid)
        first[key] = min(first.get(key, day), day)
        if day >= year_start:
            this_year.setdefault(scheme, set()).add(pid)
    # Only the recipients' deaths and moves matter: read by person (an index), not every
    # death and move of the ledger's month.
    recipients = sorted(set().union(*this_year.values()))
    gone: set[int] = set()
    for i in range(0, len(recipients), 500):
        gone |= {
            p
            for (p,) in Event.select(Event.person)
            .where(
                Event.person.in_(recipients[i : i + 500])
                & Event.kind.in_(("death", "move_out"))
                & Event.happened_on.between(month.start, month.end)
            )
            .tuples()
        }
    rows = []
    for scheme in ("reward", "special"):
        people = this_year.get(scheme, set())
        rows.append(
            BenefitRow(
                scheme,
                recipients=len(people),
                new=sum(1 for p in people if month.start <= first[(scheme, p)] <= month.end),
                ended=len(people & gone),
            )
        )
    return rows


def _per_village(month_key: str, village: int | None, make, total=None) -> list:
    """A row per village (or the one village) and, for a township, its total: `total`
    adds the villages' rows up when given, else the total is made over the whole ledger."""
    villages = Area.select().where(Area.kind == "village").order_by(Area.code)
    if village is not None:
        villages = villages.where(Area.id == village)
    rows = [make(v.name, v.id) for v in villages]
    if village is None and len(rows) > 1:
        rows.append(total("合计", rows) if total is not None else make("合计", None))
    return rows


VETO = Text("一票否决", "Veto")
FAILED = Text("考核不合格（一票否决）", "Failed (veto)")


def score_sheet(
    month_key: str, village: int | None = None, findings: list | None = None
) -> list[dict]:
    """目标管理考核得分: each indicator's figure, target, points and deduction, then the
    total; the same computation as the score panel (score.py), over the kept findings
    of the logic checks (`checks.kept`), or `findings` when the caller has them (a close)."""
    from fptui.reads import score as scoring

    result = scoring.score(Period.month(month_key), village, findings=findings)
    rows = [
        {
            "key": i.key,
            "title": i.title,
            "figure": i.shown_figure(),
            "target": i.target,
            "points": i.points,
            "lost": i.lost,
            "earned": i.earned,
            "cases": len(i.figure.cases),
            "note": VETO if i.key in result.vetoed else None,
        }
        for i in result.indicators
    ]
    rows.append(
        {
            "key": "total",
            "title": None,
            "figure": "",
            "target": None,
            "points": 100,
            "lost": 100 - result.total,
            "earned": result.total,
            "cases": None,
            "vetoed": result.failed,
            "note": FAILED if result.failed else None,
        }
    )
    return rows


# The return's tables by name: what a layout (schemas/reports/) may name, and what a
# close freezes (returns.py).
TABLES = {
    "population_change": population_change,
    "births_register": births_register,
    "deaths_register": deaths_register,
    "migration_register": migration_register,
    "women_of_reproductive_age": women_of_reproductive_age,
    "followup_work": followup_work,
    "benefit_rosters": benefit_rosters,
    "score_sheet": score_sheet,
}
