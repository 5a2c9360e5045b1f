"""A reproducible synthetic township for the demo, the tests and the benchmarks.

Same seed, same size, same "today": the same ledger, row for row. The township is built
the way a real one comes to fptui: the register as it stood two years ago is loaded with
`ledger.open_ledger`, then two years of events are recorded month by month through the
ordinary ledger functions, each entered a few days after it happened (some much later).
Last, a handful of deliberate faults are made for the logic checks to find; those that
no ledger function would write (a wrong check character, a status changed with no event)
are written straight to the tables, as an old system's import or a hand edit would.

Names, ID numbers and phone numbers are invented. ID numbers pass the check character,
agree with sex and date of birth, and use division codes valid in the birth year.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from peewee import fn

from fptui import clock, db, files, idcard, ledger
from fptui.dates import age_on
from fptui.models import Area, Event, FollowUp, Household, Person, Setting, database

COUNTY = ("140121", "清徐县")
TOWNSHIP = ("140121101", "东于镇")
VILLAGE_NAMES = [
    "王家庄村",
    "东营村",
    "南堡村",
    "西河村",
    "北辛庄村",
    "李家寨村",
    "高白村",
    "马峪村",
    "柳杜村",
    "仁义村",
    "孟封村",
    "杨房村",
]
HOME_DIVISION = "140121"  # valid in every year of stdnum's table
# Origins of incoming migrants: division codes valid in every year of the table.
MIGRANT_DIVISIONS = ["140122", "140123", "150121", "150122", "152221", "120110", "120111"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
MALE_GIVEN = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林国建志兵振东海"
FEMALE_GIVEN = "芳娜敏静丽艳娟霞燕玲桂英秀兰红梅琳雪婷慧莉萍云洁倩颖琴月凤玉珍翠花"
PLACES = [
    "太原市小店区",
    "北京市朝阳区",
    "天津市滨海新区",
    "西安市雁塔区",
    "上海市浦东新区",
    "深圳市宝安区",
    "郑州市金水区",
    "石家庄市长安区",
]
# Share of a rural population in each 5-year age band, 0-4 up to 85-89.
AGE_BANDS = [
    4.0,
    5.0,
    5.5,
    5.5,
    5.0,
    5.5,
    7.0,
    7.5,
    7.0,
    8.0,
    9.0,
    8.5,
    7.0,
    6.0,
    4.5,
    3.0,
    2.0,
    1.5,
]


@dataclass
class Summary:
    path: Path
    villages: int = 0
    households: int = 0
    persons: int = 0
    events: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    faults: list[str] = field(default_factory=list)
    seconds: float = 0.0
    closed: str = ""  # the month closed in every village

    def lines(self) -> list[str]:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(self.by_kind.items()))
        return [
            f"demo township written to {self.path}",
            f"  villages {self.villages}, households {self.households}, persons {self.persons}",
            f"  events {self.events}: {kinds}",
            f"  month {self.closed} closed in every village; the months after it are open",
            f"  deliberate faults {len(self.faults)}: {'; '.join(self.faults)}",
            f"  built in {self.seconds:.1f} s",
        ]


@dataclass
class _P:
    """What the generator remembers of a person, to choose who an event happens to."""

    id: int
    sex: str
    birth: dt.date
    household: int
    residence: str = "here"
    marital: str = "never"
    spouse: int | None = None
    last_birth: dt.date | None = None
    pregnant: bool = False
    registered: bool = False  # the current pregnancy is registered (孕产建册)
    moved_on: dt.date | None = None  # the date of the last move recorded (out, back)
    surname: str = ""  # a father's, given to his child: not read back from the ledger


class _Builder:
    def __init__(self, seed: int, persons: int, today: dt.date) -> None:
        self.rng = random.Random(seed)
        self.target = persons
        self.today = today
        first = dt.date(today.year - 2, today.month, 1)
        self.opened = first
        self.sequence: dict[tuple[str, dt.date], int] = {}
        self.people: dict[int, _P] = {}
        self.next_number: dict[int, int] = {}
        self.groups: dict[int, list[int]] = {}

    # --- invented details -------------------------------------------------------------

    def name(self, sex: str, surname: str | None = None) -> str:
        pool = MALE_GIVEN if sex == "M" else FEMALE_GIVEN
        given = "".join(self.rng.choice(pool) for _ in range(self.rng.choice((1, 2, 2))))
        return (surname or self.rng.choice(SURNAMES)) + given

    def id_number(self, birth: dt.date, sex: str, division: str = HOME_DIVISION) -> str:
        key = (division, birth)
        seq = self.sequence.get(key, self.rng.randrange(0, 50))
        self.sequence[key] = seq + 1
        return idcard.make(division, birth, seq % 500, sex)

    def phone(self) -> str:
        return "1" + self.rng.choice("3589") + "".join(self.rng.choices("0123456789", k=9))

    def birth_for_age(self, age: int) -> dt.date:
        day = self.opened - dt.timedelta(days=age * 365 + self.rng.randrange(365))
        return day

    def age(self) -> int:
        band = self.rng.choices(range(len(AGE_BANDS)), AGE_BANDS)[0]
        return band * 5 + self.rng.randrange(5)

    # --- the register as it stood when the ledger was opened -------------------------

    def member(self, name: str, sex: str, birth: dt.date, relation: str, **extra: Any) -> dict:
        with_id = age_on(birth, self.opened) >= 3 or self.rng.random() < 0.5
        division = extra.pop("division", HOME_DIVISION)
        person = {
            "name": name,
            "sex": sex,
            "birth_date": birth,
            "id_number": self.id_number(birth, sex, division) if with_id else None,
            "relation": relation,
            "marital_status": "never",
            "residence": extra.pop("residence", "here"),
        }
        person.update(extra)
        if person["residence"] == "in_migrant" and age_on(birth, self.opened) >= 16:
            person["phone"] = self.phone() if self.rng.random() < 0.95 else None
        return person

    def household(self, migrant: bool = False) -> list[dict]:
        """One household's members, with links by position."""
        rng = self.rng
        division = rng.choice(MIGRANT_DIVISIONS) if migrant else HOME_DIVISION
        residence = "in_migrant" if migrant else "here"
        head_age = max(20 if migrant else 25, min(self.age(), 88))
        if migrant:
            head_age = rng.randrange(22, 50)
        surname = rng.choice(SURNAMES)
        head_birth = self.birth_for_age(head_age)
        kind = rng.random()
        if head_age >= 65 and kind < 0.25:  # a widowed elder living alone
            sex = rng.choice("MF")
            return [
                self.member(
                    self.name(sex, surname),
                    sex,
                    head_birth,
                    "head",
                    marital_status="widowed",
                    division=division,
                    residence=residence,
                )
            ]
        members = [
            self.member(
                self.name("M", surname),
                "M",
                head_birth,
                "head",
                division=division,
                residence=residence,
            )
        ]
        if head_age < 24 or rng.random() < 0.06:
            return members
        wife_birth = head_birth + dt.timedelta(days=rng.randrange(-700, 1800))
        wedding = wife_birth + dt.timedelta(days=365 * rng.randrange(21, 27))
        # Both of legal age (22 and 20): the deliberate faults are the only ones.
        wedding = max(wedding, _years_after(head_birth, 22))
        wedding = min(wedding, self.opened - dt.timedelta(days=30))
        if age_on(head_birth, wedding) < 22 or age_on(wife_birth, wedding) < 20:
            wife_birth = min(wife_birth, _years_after(wedding, -20) - dt.timedelta(days=1))
        status = "remarried" if rng.random() < 0.06 else "first"
        members[0].update(marital_status=status, marriage_date=wedding, spouse_ref=1)
        members.append(
            self.member(
                self.name("F"),
                "F",
                wife_birth,
                "spouse",
                marital_status=status,
                marriage_date=wedding,
                spouse_ref=0,
                division=division,
                residence=residence,
            )
        )
        births = self.children_births(wife_birth, max(wedding, wife_birth))
        for child_birth in births:
            age = age_on(child_birth, self.opened)
            if age >= 26 and rng.random() < 0.7:
                continue  # grown up and living elsewhere
            sex = "M" if rng.random() < 0.52 else "F"
            child = self.member(
                self.name(sex, surname),
                sex,
                child_birth,
                "son" if sex == "M" else "daughter",
                mother_ref=1,
                father_ref=0,
                division=division,
                residence=residence,
            )
            if 18 <= age <= 45 and not migrant and rng.random() < 0.22:
                child.update(
                    residence="out", out_place=rng.choice(PLACES), out_contact=self.phone()
                )
            members.append(child)
            if sex == "M" and age >= 24 and rng.random() < 0.7:
                self.add_daughter_in_law(members, len(members) - 1, surname)
        if 35 <= head_age <= 60 and rng.random() < 0.15:
            sex = rng.choice("MF")
            members.append(
                self.member(
                    self.name(sex, surname if sex == "M" else None),
                    sex,
                    head_birth - dt.timedelta(days=365 * rng.randrange(22, 32)),
                    "parent",
                    marital_status="widowed",
                    division=division,
                )
            )
        return members

    def children_births(self, mother_birth: dt.date, earliest: dt.date) -> list[dt.date]:
        rng = self.rng
        year = mother_birth.year
        count = rng.choice(
            (2, 3, 3, 4)
            if year < 1960
            else (1, 2, 2, 3)
            if year < 1975
            else (1, 1, 2, 2, 3)
            if year < 1995
            else (0, 1, 1, 2)
        )
        births = []
        day = max(earliest, mother_birth + dt.timedelta(days=365 * 20)) + dt.timedelta(
            days=rng.randrange(200, 700)
        )
        for _ in range(count):
            if day >= self.opened or age_on(mother_birth, day) > 42:
                break
            births.append(day)
            day += dt.timedelta(days=rng.randrange(500, 2200))
        return births

    def add_daughter_in_law(self, members: list[dict], son: int, surname: str) -> None:
        rng = self.rng
        son_birth = members[son]["birth_date"]
        birth = son_birth + dt.timedelta(days=rng.randrange(-400, 1500))
        wedding = min(
            son_birth + dt.timedelta(days=365 * rng.randrange(23, 28)),
            self.opened - dt.timedelta(days=20),
        )
        if age_on(birth, wedding) < 20:
            return
        members[son].update(marital_status="first", marriage_date=wedding, spouse_ref=len(members))
        mother_index = len(members)
        members.append(
            self.member(
                self.name("F"),
                "F",
                birth,
                "child_in_law",
                marital_status="first",
                marriage_date=wedding,
                spouse_ref=son,
            )
        )
        for child_birth in self.children_births(birth, wedding):
            sex = "M" if rng.random() < 0.52 else "F"
            members.append(
                self.member(
                    self.name(sex, surname),
                    sex,
                    child_birth,
                    "grandchild",
                    mother_ref=mother_index,
                    father_ref=son,
                )
            )

    def flags(self, members: list[dict]) -> dict[str, bool]:
        """One-child families; now and then an elderly couple with no child at home, who
        lost their only child: a special family (计划生育特殊家庭)."""
        children = [m for m in members if m.get("mother_ref") == 1]
        head_age = age_on(members[0]["birth_date"], self.opened)
        special = (
            not children and head_age >= 55 and len(members) == 2 and (self.rng.random() < 0.04)
        )
        return {"one_child": len(children) == 1, "special_family": special}

    def open_village(self, village: Area, groups: list[Area], persons: int) -> None:
        households = []
        count = 0
        while count < persons:
            migrant = self.rng.random() < 0.03
            members = self.household(migrant)
            number = len(households) + 1
            households.append(
                {
                    "number": f"{number:04d}",
                    "group": groups[
                        (number - 1) * len(groups) // max(1, persons // 3) % len(groups)
                    ].id,
                    "address": f"{village.name}{number}号",
                    "registration": "migrant" if migrant else "registered",
                    "phone": self.phone(),
                    "members": members,
                    **self.flags(members),
                }
            )
            count += len(members)
        self.next_number[village.id] = len(households) + 1
        ledger.open_ledger(village, households)

    def remember(self) -> None:
        query = Person.select(
            Person.id,
            Person.sex,
            Person.birth_date,
            Person.household,
            Person.residence,
            Person.marital_status,
            Person.spouse,
            Person.name,
        )
        for p in query.tuples().iterator():
            self.people[p[0]] = _P(*p[:7], surname=p[7][0])
        for p in Person.select(Person.mother, Person.birth_date).where(
            Person.mother.is_null(False)
        ):
            mother = self.people.get(p.mother_id)
            if mother and (mother.last_birth is None or p.birth_date > mother.last_birth):
                mother.last_birth = p.birth_date
        for g in Area.select().where(Area.kind == "group"):
            self.groups.setdefault(g.parent_id, []).append(g.id)


def _years_after(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (or earlier); 29 February becomes 1 March, the day
    `dates.age_on` counts the years full (a wedding on 28 February would be a day under
    the legal age, and a logic error)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, month=3, day=1)


def _aged(first: dt.date, years: int) -> dt.date:
    """The last birthday of one `years` old or more on `first` (the first of a month):
    `age_on(birth, first) >= years` exactly when `birth <= _aged(first, years)`."""
    return first.replace(year=first.year - years)


def _entry_day(rng: random.Random, happened: dt.date, today: dt.date) -> dt.date:
    """When a cadre typed in an event: mostly within days, some weeks late."""
    roll = rng.random()
    delay = (
        rng.randrange(0, 6)
        if roll < 0.86
        else rng.randrange(8, 25)
        if roll < 0.96
        else (rng.randrange(30, 70))
    )
    return min(happened + dt.timedelta(days=delay), today)


# Reads the simulation repeats, as plain SQL: peewee builds a query anew on every call,
# which cost more than running it (both are read inside the demo's own transaction).
# The birth event a live outcome just recorded: the newest birth.
_LAST_BIRTH = (
    "SELECT person_id, household_id FROM event WHERE kind = 'birth' ORDER BY id DESC LIMIT 1"
)
# A parent's children alive (here, out, or migrants here): the reward's eligibility.
_CHILDREN_AT_HOME = (
    "SELECT sex FROM person WHERE (mother_id = ? OR father_id = ?) "
    "AND residence IN ('here', 'out', 'in_migrant')"
)


class _Simulation:
    """Two years of village life, month by month, through the ledger functions."""

    def __init__(self, builder: _Builder) -> None:
        self.b = builder
        self.rng = builder.rng
        self.pending: list[tuple[dt.date, int, str]] = []  # (due, mother, outcome)
        self.jobs: list[tuple[dt.date, int, Any]] = []

    def at(self, happened: dt.date, action: Any) -> None:
        self.jobs.append((happened, len(self.jobs), action))

    def run(self) -> None:
        b = self.b
        month = b.opened
        while month <= b.today:
            nxt = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            last = min(nxt - dt.timedelta(days=1), b.today)
            self.plan_month(month, last)
            self.jobs.sort(key=lambda j: (j[0], j[1]))
            jobs, self.jobs = self.jobs, []
            for happened, _, action in jobs:
                clock.set_now(_entry_day(self.rng, happened, b.today))
                action(happened)
            self.visits(month, last)
            month = nxt
        clock.set_now(None)

    def visits(self, first: dt.date, last: dt.date) -> None:
        """The month's follow-up work: most visits done in their window, some late, some
        not at all (they stay overdue for the lists to show)."""
        rng = self.rng
        with clock.frozen(first):
            ledger.ensure_monthly_followups(first)
        due = (
            FollowUp.select(FollowUp.id, FollowUp.due_on, FollowUp.window_start)
            .where(
                (FollowUp.status == "open")
                # visits falling due after today stay open: the "due this week" list has work
                & (FollowUp.due_on <= min(last + dt.timedelta(days=10), self.b.today))
            )
            .order_by(FollowUp.id)  # the visits drawn for in one order, whatever the plan
        )
        done = []
        for fid, due_on, start in due.tuples():
            roll = rng.random()
            start = max(start or first, first)
            if due_on >= first:  # falls due this month
                if roll < 0.80:
                    day = start + dt.timedelta(
                        days=rng.randrange(max(1, (due_on - start).days + 1))
                    )
                elif roll < 0.90:
                    day = due_on + dt.timedelta(days=rng.randrange(1, 25))
                else:
                    continue
            elif roll < 0.35:  # overdue from before: caught up late, or not yet
                day = first + dt.timedelta(days=rng.randrange((last - first).days + 1))
            else:
                continue
            if first <= day <= last:
                outcome = rng.choices(["home_visit", "phone", "video", "clinic"], [5, 3, 2, 1])[0]
                done.append((fid, {"date": day, "outcome": outcome, "by": "村卫生员"}))
        if done:
            with clock.frozen(last):
                ledger.mark_followups_done(done)

    def day_in(self, first: dt.date, last: dt.date) -> dt.date:
        return first + dt.timedelta(days=self.rng.randrange((last - first).days + 1))

    def sample(self, pool: list[_P], rate: float) -> list[_P]:
        n = int(len(pool) * rate) + (1 if self.rng.random() < (len(pool) * rate) % 1 else 0)
        return self.rng.sample(pool, min(n, len(pool)))

    def pools(self, first: dt.date) -> dict[str, list[_P]]:
        """Who each kind of event can happen to this month, in one pass over the people."""
        pools: dict[str, list[_P]] = {
            k: []
            for k in (
                "alive",
                "mothers",
                "fertile",
                "single",
                "married",
                "workers",
                "here",
                "out",
                "migrants",
                "elders",
            )
        }
        # Ages compared as dates (born on or before the day `years` before `first`: at
        # least that old), not counted for each person each month.
        f20, f22, f33, f41 = _aged(first, 20), _aged(first, 22), _aged(first, 33), _aged(first, 41)
        f18, f50, f51, f60 = _aged(first, 18), _aged(first, 50), _aged(first, 51), _aged(first, 60)
        alive, fertile, mothers = pools["alive"], pools["fertile"], pools["mothers"]
        migrants, out, here = pools["migrants"], pools["out"], pools["here"]
        single, married = pools["single"], pools["married"]
        workers, elders = pools["workers"], pools["elders"]
        for p in self.b.people.values():
            residence = p.residence
            if residence not in ("here", "out", "in_migrant"):
                continue
            birth = p.birth
            wed = p.marital in ("first", "remarried")
            alive.append(p)
            if p.sex == "F" and wed and f50 < birth <= f20 and not p.pregnant:
                fertile.append(p)
                if birth > f41 and (p.last_birth is None or (first - p.last_birth).days > 600):
                    mothers.append(p)
            if residence == "in_migrant":
                migrants.append(p)
                continue
            if residence == "out":
                out.append(p)
                continue
            here.append(p)
            if p.marital == "never" and f33 < birth <= f22:
                single.append(p)
            if wed:
                married.append(p)
            if f51 < birth <= f18:
                workers.append(p)
            if birth <= f60:
                elders.append(p)
        return pools

    def plan_month(self, first: dt.date, last: dt.date) -> None:
        rng = self.rng
        pools = self.pools(first)
        people = pools["alive"]

        def each(pool: str, rate: float, action: Any) -> None:
            for p in self.sample(pools[pool], rate):
                self.at(self.day_in(first, last), lambda d, p=p: action(p, d))

        for mother in self.sample(pools["mothers"], 0.0075):
            mother.pregnant = True
            due = last + dt.timedelta(days=rng.randrange(150, 215))
            if rng.random() < 0.75:
                day = self.day_in(first, last)
                self.at(day, lambda d, m=mother, e=due: self.pregnancy(m, d, e))
            outcome = "live_birth" if rng.random() < 0.93 else "miscarriage"
            self.pending.append((due, mother.id, outcome))
        still = []
        for due, mother_id, outcome in self.pending:
            if first <= due <= last:
                self.at(due, lambda d, m=mother_id, o=outcome: self.deliver(m, d, o))
            elif due > last:
                still.append((due, mother_id, outcome))
        self.pending = still
        old = _aged(first, 56)  # the weight grows past 55
        weights = [
            0.2 + (age_on(p.birth, first) - 55) ** 2 / 60 if p.birth <= old else 0.2
            for p in people
        ]
        deaths = max(0, round(len(people) * 0.0065 / 12 + rng.random() - 0.5))
        for p in {p.id: p for p in rng.choices(people, weights, k=deaths)}.values():
            self.at(self.day_in(first, last), lambda d, p=p: self.death(p, d))
        each("single", 0.012, self.marriage)
        each("married", 0.0002, lambda p, d: self.simple(p, "divorce", d))
        each("workers", 0.004, self.go_out)
        each("out", 0.02, lambda p, d: self.simple(p, "return", d))
        pools["settled"] = pools["here"] + pools["out"]
        each("settled", 0.0006, self.move_out)
        each("migrants", 0.015, lambda p, d: self.simple(p, "migrant_left", d))
        arrivals = max(0, round(len(people) * 0.0008 + rng.random() - 0.5))
        for _ in range(arrivals):
            self.at(self.day_in(first, last), self.migrant_arrives)
        pools["fertile"] = [p for p in pools["fertile"] if not p.pregnant]
        each("fertile", 0.004, self.contraception)
        if first.month == 2:
            each("elders", 0.05, self.benefit)

    # --- one event each ---------------------------------------------------------------

    def pregnancy(self, mother: _P, day: dt.date, due: dt.date) -> None:
        if mother.residence in ("here", "out", "in_migrant"):
            ledger.register_pregnancy(mother.id, {"date": day, "edd": due})
            mother.registered = True

    def deliver(self, mother_id: int, day: dt.date, outcome: str) -> None:
        mother = self.b.people[mother_id]
        registered, mother.pregnant, mother.registered = mother.registered, False, False
        if mother.residence not in ("here", "out", "in_migrant") or day <= mother.birth:
            return
        if outcome != "live_birth":
            if registered:
                ledger.record_pregnancy_outcome(mother.id, {"date": day, "outcome": outcome})
            return
        sex = "M" if self.rng.random() < 0.53 else "F"
        father = mother.spouse if mother.spouse in self.b.people else None
        surname = self.b.people[father].surname if father else None
        values = {
            "mother": mother.id,
            "father": father,
            "name": self.b.name(sex, surname),
            "sex": sex,
            "date": day,
            "place": "清徐县人民医院",
        }
        if registered:  # the outcome of a registered pregnancy records the birth too
            ledger.record_pregnancy_outcome(
                mother.id,
                {
                    "date": day,
                    "outcome": "live_birth",
                    "child_name": values["name"],
                    "child_sex": sex,
                    "father": father,
                    "place": values["place"],
                },
            )
            child, home = database.execute_sql(_LAST_BIRTH).fetchone()
        else:
            if self.rng.random() < 0.3:
                values["id_number"] = self.b.id_number(day, sex)
            event = ledger.record_birth(values)
            child, home = event.person_id, event.household_id
        mother.last_birth = day
        self.b.people[child] = _P(
            child,
            sex,
            day,
            home,
            "in_migrant" if mother.residence == "in_migrant" else "here",
            surname=values["name"][0],
        )

    def death(self, p: _P, day: dt.date) -> None:
        if p.residence not in ("here", "out", "in_migrant") or day < p.birth:
            return
        ledger.record_death(p.id, {"date": day})
        p.residence = "dead"
        spouse = self.b.people.get(p.spouse) if p.spouse else None
        if (
            spouse
            and spouse.residence in ("here", "out", "in_migrant")
            and (spouse.marital in ("first", "remarried"))
        ):
            ledger.record_widowhood(spouse.id, {"date": day})
            spouse.marital = "widowed"

    def marriage(self, p: _P, day: dt.date) -> None:
        if p.residence != "here" or p.marital != "never":
            return
        b = self.b
        other = "F" if p.sex == "M" else "M"
        if p.sex == "M" and self.rng.random() < 0.7:
            birth = p.birth + dt.timedelta(days=self.rng.randrange(-300, 1200))
            if age_on(birth, day) < 20:
                birth = day - dt.timedelta(days=365 * 21)
            event = ledger.record_move_in(
                p.household,
                {
                    "date": day,
                    "from_place": self.rng.choice(PLACES),
                    "name": b.name(other),
                    "sex": other,
                    "birth_date": birth,
                    "relation": "child_in_law",
                    "id_number": b.id_number(birth, other, self.rng.choice(MIGRANT_DIVISIONS)),
                },
            )
            spouse = _P(event.person_id, other, birth, p.household)
            b.people[spouse.id] = spouse
            ledger.record_marriage(p.id, {"date": day, "spouse": spouse.id})
            p.marital = spouse.marital = "first"
            p.spouse, spouse.spouse = spouse.id, p.id
        else:
            ledger.record_marriage(p.id, {"date": day, "spouse_name": b.name(other)})
            p.marital = "first"
            if p.sex == "F" and self.rng.random() < 0.6:
                self.at(
                    day + dt.timedelta(days=self.rng.randrange(5, 40)),
                    lambda d, p=p: self.move_out(p, d),
                )

    def simple(self, p: _P, kind: str, day: dt.date) -> None:
        form = ledger.current().forms[kind]
        if p.residence not in form.residence_from or day < p.birth:
            return
        if form.marital_from and p.marital not in form.marital_from:
            return
        if "residence" in form.sets and p.moved_on is not None and day < p.moved_on:
            return  # the ledger refuses a move dated before one already recorded
        ledger.record_event(kind, {"date": day}, person=p.id)
        if "residence" in form.sets:
            p.residence = form.sets["residence"]
            p.moved_on = day
        if p.marital in form.marital_to:
            p.marital = form.marital_to[p.marital]
            spouse = self.b.people.get(p.spouse) if p.spouse else None
            if form.mirror_spouse and spouse and spouse.marital in form.marital_to:
                spouse.marital = form.marital_to[spouse.marital]

    def go_out(self, p: _P, day: dt.date) -> None:
        if p.residence != "here" or (p.moved_on is not None and day < p.moved_on):
            return
        # A few leave no way to reach them: the out-migrant contact check's cases.
        contact = self.b.phone() if self.rng.random() > 0.02 else "无"
        ledger.record_go_out(
            p.id, {"date": day, "destination": self.rng.choice(PLACES), "contact": contact}
        )
        p.residence, p.moved_on = "out", day

    def move_out(self, p: _P, day: dt.date) -> None:
        # A move-out planned at a marriage runs with the next month's events: not dated
        # before a go-out recorded meanwhile (the ledger refuses it).
        if p.moved_on is not None and day < p.moved_on:
            return
        if p.residence in ("here", "out") and day <= self.b.today:
            ledger.record_move_out(p.id, {"date": day, "to_place": self.rng.choice(PLACES)})
            p.residence = "moved_away"

    def migrant_arrives(self, day: dt.date) -> None:
        b = self.b
        village = self.rng.choice(list(b.next_number))
        number = b.next_number[village]
        b.next_number[village] += 1
        household = ledger.add_household(
            {
                "village": village,
                "group": self.rng.choice(b.groups[village]),
                "number": f"{number:04d}",
                "registration": "migrant",
                "phone": b.phone(),
                "address": "租住",
            }
        )
        sex = self.rng.choice("MF")
        birth = day - dt.timedelta(days=self.rng.randrange(20 * 365, 45 * 365))
        origin = self.rng.choice(PLACES)
        name = b.name(sex)
        event = ledger.register_migrant(
            household,
            {
                "date": day,
                "origin": origin,
                "name": name,
                "sex": sex,
                "birth_date": birth,
                "relation": "head",
                "id_number": b.id_number(birth, sex, self.rng.choice(MIGRANT_DIVISIONS)),
                "phone": b.phone() if self.rng.random() < 0.95 else None,
            },
        )
        b.people[event.person_id] = _P(
            event.person_id, sex, birth, household.id, "in_migrant", surname=name[0]
        )

    def contraception(self, p: _P, day: dt.date) -> None:
        if p.residence in ("here", "out", "in_migrant"):
            method = self.rng.choices(
                ["iud", "condom", "pill", "implant", "female_sterilisation", "injection"],
                [40, 30, 8, 6, 12, 4],
            )[0]
            ledger.record_contraception(
                p.id, {"date": day, "method": method, "informed_choice": True}
            )

    def benefit(self, p: _P, day: dt.date) -> None:
        """Confirm reward-and-assistance for an eligible parent (and, rarely, by mistake
        for one the rules do not confirm: the roster errors the score counts)."""
        if p.residence not in ("here", "out"):
            return
        kids = database.execute_sql(_CHILDREN_AT_HOME, (p.id, p.id)).fetchall()
        eligible = len(kids) == 1 or (len(kids) == 2 and all(k == ("F",) for k in kids))
        if eligible or self.rng.random() < 0.02:
            ledger.confirm_benefit(
                p.id, {"date": day, "scheme": "reward", "year": day.year, "amount": "960"}
            )


def _remember(seed: int, persons: int, today: dt.date, faults: list[str]) -> None:
    """Keep how the demo was made (seed, size, day) and the faults it planted, for the
    tests that look for them and for `fptui demo` to say what it built."""
    Setting.insert_many(
        [
            {"key": "demo_seed", "value": str(seed)},
            {"key": "demo_persons", "value": str(persons)},
            {"key": "demo_today", "value": today.isoformat()},
            {"key": "demo_faults", "value": json.dumps(faults, ensure_ascii=False)},
        ]
    ).execute()


def _make_faults(rng: random.Random) -> list[str]:
    """A handful of ledger faults for the logic checks and the monthly balance to find."""
    faults = []
    here = list(
        Person.select()
        .where(Person.residence == "here", Person.id_number.is_null(False))
        .order_by(Person.id)
        .limit(400)
    )
    picks = rng.sample(here, 4)
    # Written straight to the table: an old system's import let these through.
    wrong = picks[0].id_number[:17] + ("0" if picks[0].id_number[17] != "0" else "1")
    Person.update(id_number=wrong).where(Person.id == picks[0].id).execute()
    faults.append(f"wrong ID check character (person {picks[0].id})")
    Person.update(sex="M" if picks[1].sex == "F" else "F").where(
        Person.id == picks[1].id
    ).execute()
    faults.append(f"sex disagrees with ID number (person {picks[1].id})")
    Person.update(id_number=picks[3].id_number).where(Person.id == picks[2].id).execute()
    faults.append(f"duplicate ID number (persons {picks[2].id}, {picks[3].id})")
    married = Person.select().where(Person.marital_status == "first").order_by(Person.id).first()
    ledger.edit_person(married.id, {"marriage_date": None})
    faults.append(f"married with no marriage date (person {married.id})")
    village = Area.select().where(Area.kind == "village").order_by(Area.id).first()
    household = ledger.add_household({"village": village.id, "number": "9001", "address": "新建"})
    ledger.add_person(
        household,
        {
            "name": "赵红梅",
            "sex": "F",
            "birth_date": "1988-04-02",
            "relation": "spouse",
            "marital_status": "first",
            "marriage_date": "2010-05-01",
        },
    )
    faults.append(f"household with no head (household {household.id})")
    birth = Event.select().where(Event.kind == "birth").order_by(Event.id).first()
    if birth is not None:
        data = json.loads(birth.data)
        data["birth_order"] = data["birth_order"] + 1
        Event.update(data=json.dumps(data, ensure_ascii=False, sort_keys=True)).where(
            Event.id == birth.id
        ).execute()
        faults.append(f"birth order disagrees with the mother's births (event {birth.id})")
    # someone of the registered population, so the month's balance is off by one: from
    # the later half of those read (the first 200 of 400 in a township), so a small demo
    # has some too
    later = [p for p in here[len(here) // 2 :] if p.household.registration == "registered"]
    gone = rng.choice(later or [p for p in here if p.household.registration == "registered"])
    Person.update(residence="moved_away").where(Person.id == gone.id).execute()
    faults.append(f"moved away with no event, the month will not balance (person {gone.id})")
    return faults


def _close_earlier_month(today: dt.date) -> str:
    """Close the month before last in every village, as a meeting would have (its
    warnings acknowledged), before the faults are made: the month after it then shows
    the person who left with no event as a difference in its balance."""
    from fptui.reads import checks, period

    month = period.add_months(f"{today:%Y-%m}", -2)
    database.execute_sql("ANALYZE")  # the checks' queries want the tables' statistics
    ledger.settle_findings()  # the batch's households so far: checked once, here
    findings = checks.kept()
    warnings = {f.key for f in findings}
    villages = [v.id for v in Area.select(Area.id).where(Area.kind == "village")]
    for _village, result in ledger.close_months(
        villages, month, warnings, backup=False, findings=findings
    ):
        if isinstance(result, Exception):
            raise result  # the demo's own ledger is wrong: say so, do not hide it
    return month


class DemoRefused(ValueError):
    """The demo's file is taken by something that is not a demo ledger."""


def refusal(path: Path | str) -> str | None:
    """Why the demo may not be written to `path`, or None: it writes only a new file or
    a demo ledger it made before (one with the setting demo_seed), never a real ledger
    nor any other file."""
    path = Path(path)
    if not path.exists():
        return None if path.parent.is_dir() else f"找不到文件夹 / folder not found: {path.parent}"
    if path.is_file() and files.is_sqlite(path):
        try:
            con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            try:
                row = con.execute("SELECT value FROM setting WHERE key = 'demo_seed'").fetchone()
            finally:
                con.close()
        except sqlite3.Error:
            row = None
        if row is not None:
            return None
    return (
        f"{path} 已存在且不是演示台帐，不会覆盖 / exists and is not a demo ledger: the demo "
        "replaces only its own; give another --db"
    )


def build(
    path: Path | str, *, persons: int = 5000, seed: int = 1, today: dt.date | None = None
) -> Summary:
    """Write a new demo township to `path` (a new file, or a demo ledger it replaces; any
    other file is refused with DemoRefused) and describe it. It is built beside `path`
    under a temporary name and renamed into place when whole: a kill leaves no half demo."""
    path = Path(path)
    reason = refusal(path)
    if reason:
        raise DemoRefused(reason)
    with files.atomic_path(path, replace_ledger=True) as temp:
        temp.unlink()  # db.connect makes it afresh: an empty file is refused as a ledger
        summary = _build(temp, persons, seed, today)
        db.close_database()
        for side in ("-wal", "-shm"):  # the old demo's: they would be read into the new
            Path(f"{path}{side}").unlink(missing_ok=True)
    db.open_database(path)
    return dataclasses.replace(summary, path=path)


def _build(path: Path, persons: int, seed: int, today: dt.date | None) -> Summary:
    started = time.perf_counter()
    today = today or clock.today()
    database_ = db.open_database(path)
    # The demo is rebuilt from its seed, never edited: trade power-cut safety for speed.
    database_.execute_sql("PRAGMA synchronous = OFF")
    builder = _Builder(seed, persons, today)
    n_villages = max(3, round(persons / 1700))
    ledger.set_user("demo")
    try:
        # One batch from the opening to the faults: the findings of the households it
        # touches are kept when the close needs them (_close_earlier_month), not also
        # once after the opening, which the two years of events change everywhere.
        with ledger.batch():
            with clock.frozen(builder.opened):
                county = ledger.add_area("county", *COUNTY)
                township = ledger.add_area("township", *TOWNSHIP, parent=county)
                for i in range(n_villages):
                    name = VILLAGE_NAMES[i % len(VILLAGE_NAMES)]
                    if i >= len(VILLAGE_NAMES):
                        name = name.replace("村", f"{i // len(VILLAGE_NAMES) + 1}村")
                    code = f"{TOWNSHIP[0]}{201 + i:03d}"
                    village = ledger.add_area("village", code, name, township)
                    groups = [
                        ledger.add_area("group", str(g), f"第{g}村民小组", village)
                        for g in range(1, builder.rng.randrange(4, 9))
                    ]
                    share = persons // n_villages + (1 if i < persons % n_villages else 0)
                    builder.open_village(village, groups, share)
            database.execute_sql("ANALYZE")
            builder.remember()
            simulation = _Simulation(builder)
            simulation.run()
            with clock.frozen(today):
                closed = _close_earlier_month(today)
                faults = _make_faults(builder.rng)
                ledger.recheck_everything()  # the faults were written past the ledger
                _remember(seed, persons, today, faults)
    finally:
        clock.set_now(None)
        ledger.set_user("")
    database_.execute_sql("PRAGMA synchronous = FULL")
    database.execute_sql("ANALYZE")
    kinds = {
        k: n for k, n in Event.select(Event.kind, fn.COUNT(Event.id)).group_by(Event.kind).tuples()
    }
    return Summary(
        path=path,
        villages=n_villages,
        households=Household.select().count(),
        persons=Person.select().count(),
        events=sum(kinds.values()),
        by_kind=kinds,
        faults=faults,
        seconds=time.perf_counter() - started,
        closed=closed,
    )
