"""The population's flows (births, deaths, moves in and away) and its count on a day.

The month end's balance (`period.py`) and the return's tables (`tables.py`) both count
from here, so the two cannot disagree on who was born, died or moved in a month.

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

from fptui.models import Event, Household, Person
from fptui.reads.calendar import Period

REGISTERED = ("here", "out")
ARRIVALS = ("birth", "move_in")
DEPARTURES = ("death", "move_out")


def registered_persons(village: int | None) -> pw.ModelSelect:
    query = (
        Person.select(Person.id)
        .join(Household, on=(Person.household == Household.id))
        .where(Household.registration == "registered")
    )
    return query.where(Household.village == village) if village is not None else query


def events(
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
    now = registered_persons(village).where(Person.residence.in_(REGISTERED)).count()
    arrived = events(ARRIVALS, village, after=day).count()
    departed = events(DEPARTURES, village, after=day).count()
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

    @property
    def net(self) -> int:
        """What these flows add to the population: births − deaths + in − away."""
        return self.births - self.deaths + self.moved_in - self.moved_away


def flows(period: Period, village: int | None = None) -> Flows:
    """The month's (or period's) births, deaths and moves of the registered population."""
    out = Flows()
    kinds = ("birth", "death", "move_in", "move_out")
    for _eid, kind, _pid, _day, data, sex in events(kinds, village, period=period).tuples():
        tally(out, kind, data, sex)
    return out


def tally(out: Flows, kind: str, data: str, sex: str) -> None:
    """Count one birth, death or move (its event data as stored, its person's sex)."""
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


def add(a: Flows, b: Flows) -> Flows:
    """Two sets of flows as one (villages into the township, months into a year)."""
    orders = {k: a.births_by_order[k] + b.births_by_order[k] for k in a.births_by_order}
    return Flows(
        a.births + b.births,
        a.births_male + b.births_male,
        a.births_female + b.births_female,
        orders,
        a.deaths + b.deaths,
        a.deaths_male + b.deaths_male,
        a.deaths_female + b.deaths_female,
        a.moved_in + b.moved_in,
        a.moved_away + b.moved_away,
    )
