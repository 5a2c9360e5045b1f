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
from fptui.score import Period

REGISTERED = ("here", "out")
ARRIVALS = ("birth", "move_in")
DEPARTURES = ("death", "move_out")


def _registered_persons(village: int | None) -> pw.ModelSelect:
    query = (
        Person.select(Person.id)
        .join(Household, on=(Person.household == Household.id))
        .where(Household.registration == "registered")
    )
    return query.where(Household.village == village) if village is not None else query


def _events(
    kinds: tuple[str, ...],
    village: int | None,
    after: dt.date | None = None,
    period: Period | None = None,
) -> pw.ModelSelect:
    """Events of registered households' persons, of these kinds, after a day or in a period."""
    query = (
        Event.select(Event.id, Event.kind, Event.person, Event.happened_on, Event.data, Person.sex)
        .join(Person, on=(Event.person == Person.id))
        .switch(Event)
        .join(Household, on=(Event.household == Household.id))
        .where(Event.kind.in_(kinds) & (Household.registration == "registered"))
    )
    if village is not None:
        query = query.where(Event.village == village)
    if after is not None:
        query = query.where(Event.happened_on > after)
    if period is not None:
        query = query.where(Event.happened_on.between(period.start, period.end))
    return query


def population_on(day: dt.date, village: int | None = None) -> int:
    """The registered population at the end of `day`, as the register and events say."""
    now = _registered_persons(village).where(Person.residence.in_(REGISTERED)).count()
    arrived = _events(ARRIVALS, village, after=day).count()
    departed = _events(DEPARTURES, village, after=day).count()
    return now - arrived + departed


@dataclass
class Flows:
    births: int = 0
    births_male: int = 0
    births_female: int = 0
    births_by_order: dict[str, int] = field(default_factory=lambda: {"1": 0, "2": 0, "3+": 0})
    deaths: int = 0
    deaths_male: int = 0
    deaths_female: int = 0
    moved_in: int = 0
    moved_away: int = 0


def flows(period: Period, village: int | None = None) -> Flows:
    """The month's (or period's) births, deaths and moves of the registered population."""
    out = Flows()
    kinds = ("birth", "death", "move_in", "move_out")
    for _eid, kind, _pid, _day, data, sex in _events(kinds, village, period=period).tuples():
        if kind == "birth":
            out.births += 1
            if sex == "M":
                out.births_male += 1
            else:
                out.births_female += 1
            order = json.loads(data).get("birth_order") or 1
            out.births_by_order["3+" if order >= 3 else str(order)] += 1
        elif kind == "death":
            out.deaths += 1
            if sex == "M":
                out.deaths_male += 1
            else:
                out.deaths_female += 1
        elif kind == "move_in":
            out.moved_in += 1
        else:
            out.moved_away += 1
    return out


def per_mille(events: int, start: int, end: int) -> float | None:
    """Events per thousand of the average population ((start + end) / 2); None when 0."""
    average = (start + end) / 2
    return events * 1000 / average if average else None


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

    @property
    def balance(self) -> int:
        """End less what the start and the month's flows make it: 0 when it balances."""
        f = self.flows
        return self.end - (self.start + f.births - f.deaths + f.moved_in - f.moved_away)


def population_row(unit: str, month: Period, year: Period, village: int | None) -> PopulationRow:
    start = population_on(month.start - dt.timedelta(days=1), village)
    end = population_on(month.end, village)
    ytd = flows(year, village)
    ytd_start = population_on(year.start - dt.timedelta(days=1), village)
    births = per_mille(ytd.births, ytd_start, end)
    deaths = per_mille(ytd.deaths, ytd_start, end)
    return PopulationRow(
        unit=unit,
        start=start,
        flows=flows(month, village),
        end=end,
        ytd=ytd,
        ytd_start=ytd_start,
        birth_rate=births,
        death_rate=deaths,
        natural_growth_rate=None if births is None or deaths is None else births - deaths,
        sex_ratio_at_birth=sex_ratio(ytd.births_male, ytd.births_female),
    )


def population_change(month_key: str, village: int | None = None) -> list[PopulationRow]:
    """A row per village (or the one village) and, for a township, a total row."""
    month = Period.month(month_key)
    year = Period.year_to_date(month_key)
    villages = Area.select().where(Area.kind == "village").order_by(Area.code)
    if village is not None:
        villages = villages.where(Area.id == village)
    rows = [population_row(v.name, month, year, v.id) for v in villages]
    if village is None and len(rows) > 1:
        rows.append(population_row("合计", month, year, None))
    return rows
