"""Reading the ledger for the screens: lists, cards and the choices a form offers.

Pure reads over the database; nothing here writes (that is ledger.py) and nothing here
knows a widget. The household list reads its count and first page of ids in one query
through the search keys' index (search.py), then only the rows in view, so a search
costs about the same in a village and a county. A word that finds more than `BROAD`
households in a whole county (one letter, a common surname) is read the other way: the
list's own index in order, each household's search text tested, until the page is full;
its exact count is then a separate, slower read (`household_count`) that a screen makes
off its key's path.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import peewee as pw

from fptui import clock
from fptui.dates import age_on
from fptui.models import Area, Event, Household, Person, SearchKey, database
from fptui.search import patterns, ranges

LIVING = ("here", "out", "in_migrant")

# Households a one-word search of the whole ledger may find and still be read (and
# counted) by its keys at once; more, and the list's index is read in order instead.
BROAD = 2000


@dataclass(frozen=True)
class HouseholdFilter:
    query: str = ""
    village: int | None = None
    group: int | None = None
    residence: str | None = None  # households with a member in this residence state


def _matching(flt: HouseholdFilter) -> pw.ModelSelect:
    """The households `flt` matches, in the list's order: each word of the search by a
    range of the search keys' index (search.py), the filters in the same query."""
    query = Household.select(Household.id)
    words = ranges(flt.query)
    if len(words) > 1:
        # The narrowest word by its keys, the others tested on the few households it
        # finds (their search text): not every household a broad word holds read.
        narrow = min(range(len(words)), key=lambda i: _found_up_to(words[i], BROAD + 1))
        query = query.where(_held(words[narrow]))
        likes = [w for i, w in enumerate(patterns(flt.query)) if i != narrow]
        for alternatives in likes:
            query = query.where(_like(alternatives))
    elif words:
        query = query.where(_held(words[0]))
    if flt.village is not None:
        query = query.where(Household.village == flt.village)
    if flt.group is not None:
        query = query.where(Household.group == flt.group)
    if flt.residence:
        members = Person.select(Person.household).where(Person.residence == flt.residence)
        query = query.where(Household.id.in_(members))
    # Numbers in their natural order (2 before 10) where they are numbers. With words, the
    # few households they find are sorted (`+` keeps SQLite from walking the whole list's
    # index in order to test each household against them); without, that index is read.
    village = (
        pw.NodeList((pw.SQL("+"), Household.village), glue="") if words else Household.village
    )
    return query.order_by(village, pw.fn.LENGTH(Household.number), Household.number)


def _held(word: list[tuple[bytes, bytes]]) -> pw.Expression:
    """Households holding a key in one of the word's ranges."""
    condition = None
    for low, high in word:
        within = (SearchKey.key >= low) & (SearchKey.key < high)
        condition = within if condition is None else (condition | within)
    return Household.id.in_(SearchKey.select(SearchKey.household).where(condition))


def _like(alternatives: list[str]) -> pw.Node:
    """A household's search text matching one of a word's LIKE patterns (search.py)."""
    condition = None
    for pattern in alternatives:
        like = pw.NodeList((Household.search, pw.SQL("LIKE"), pattern, pw.SQL("ESCAPE"), "\\"))
        condition = like if condition is None else (condition | like)
    return condition


def _words_alone(flt: HouseholdFilter) -> list[list[tuple[bytes, bytes]]] | None:
    """The key ranges of a search of the whole ledger (no filter) each of whose words
    finds more than BROAD households, else None: then the list's index is read in order."""
    words = ranges(flt.query)
    if not words or (flt.village, flt.group, flt.residence) != (None, None, None):
        return None
    if all(_found_up_to(word, BROAD + 1) > BROAD for word in words):
        return words
    return None


def _found_up_to(word: list[tuple[bytes, bytes]], most: int) -> int:
    """How many households hold a key in the word's ranges, counting no further than
    `most`: the distinct households of the first keys read, never the whole range."""
    condition = None
    for low, high in word:
        within = (SearchKey.key >= low) & (SearchKey.key < high)
        condition = within if condition is None else (condition | within)
    found = SearchKey.select(SearchKey.household).where(condition).distinct().limit(most)
    return pw.Select([found], [pw.fn.COUNT(pw.SQL("*"))]).bind(database).scalar()


def _in_list_order(flt: HouseholdFilter) -> pw.ModelSelect:
    """The households whose search text holds every word (search.py's patterns, which the
    keys index), read in the list's order by its index: a broad search fills a page
    after a few hundred households."""
    query = Household.select(Household.id)
    for alternatives in patterns(flt.query):
        query = query.where(_like(alternatives))
    return query.order_by(Household.village, pw.fn.LENGTH(Household.number), Household.number)


def household_first(flt: HouseholdFilter, limit: int = 100) -> tuple[int, list[int], bool]:
    """What a search key shows at once: the count, the first `limit` households, and
    whether the count is exact. A word that finds more than `BROAD` households of the
    whole ledger gives `BROAD + 1` (at least that many) and False; broad words together,
    the page read (at least that many) and False: `household_count` tells how many, off
    the key's path."""
    if _words_alone(flt) is not None:
        ids = [hid for (hid,) in database.execute(_in_list_order(flt).limit(limit))]
        if len(ids) < limit:  # broad words, few households holding them all: all read
            return len(ids), ids, True
        # at least: one broad word's households, or a page of those holding them all
        return (BROAD + 1 if len(ranges(flt.query)) == 1 else len(ids)), ids, False
    count, ids = household_page(flt, 0, limit)
    return count, ids, True


def household_ids_page(flt: HouseholdFilter, offset: int, limit: int) -> list[int]:
    """The ids of `limit` households from `offset` in the list's order, not counted: the
    pages after the first as the list scrolls."""
    if _words_alone(flt) is not None:
        query = _in_list_order(flt).limit(limit).offset(offset)
        return [hid for (hid,) in database.execute(query)]
    return household_page(flt, offset, limit)[1]


def household_count(flt: HouseholdFilter) -> int:
    """How many households `flt` matches, exactly (for a broad word of a county: a read of
    every key it holds, some hundreds of milliseconds: made in a worker)."""
    words = _words_alone(flt)
    if words is None or len(words) > 1:
        return household_page(flt, 0, 1)[0]
    condition = None
    for low, high in words[0]:
        within = (SearchKey.key >= low) & (SearchKey.key < high)
        condition = within if condition is None else (condition | within)
    return SearchKey.select(pw.fn.COUNT(SearchKey.household.distinct())).where(condition).scalar()


def household_ids(flt: HouseholdFilter) -> list[int]:
    """Ids of the households `flt` matches, ordered by village and household number."""
    return [hid for (hid,) in database.execute(_matching(flt))]  # raw cursor: no wrapping


def household_page(
    flt: HouseholdFilter, offset: int = 0, limit: int = 100
) -> tuple[int, list[int]]:
    """How many households `flt` matches, and the ids of `limit` of them from `offset`
    in the list's order: one query, counting as it reads. One word typed with no filter
    (a common surname finds thousands) reads the page alone, and counts, when the page
    is full, from the search keys' index alone: no household row read to count them;
    with nothing typed, the page is read in the list's index order, and counted."""
    words = ranges(flt.query)
    if not words and not flt.residence:  # the list by village and group: read in order
        ids = [hid for (hid,) in database.execute(_matching(flt).limit(limit).offset(offset))]
        return _matching(flt).order_by().count(), ids
    if len(words) == 1 and (flt.village, flt.group, flt.residence) == (None, None, None):
        ids = [hid for (hid,) in database.execute(_matching(flt).limit(limit).offset(offset))]
        if len(ids) < limit and (ids or not offset):
            return offset + len(ids), ids
        condition = None
        for low, high in words[0]:
            within = (SearchKey.key >= low) & (SearchKey.key < high)
            condition = within if condition is None else (condition | within)
        count = SearchKey.select(pw.fn.COUNT(SearchKey.household.distinct())).where(condition)
        return count.scalar(), ids
    counted = _matching(flt).select_extend(pw.fn.COUNT(pw.SQL("*")).over())
    rows = list(database.execute(counted.limit(limit).offset(offset)))
    if rows or not offset:
        return (rows[0][1] if rows else 0), [hid for hid, _ in rows]
    return _matching(flt).order_by().count(), []  # past the last page


@dataclass(frozen=True)
class HouseholdRow:
    id: int
    number: str
    village: str
    group: str  # the group's number in its village
    head: str
    living: int
    address: str
    registration: str


def household_rows(ids: list[int]) -> list[HouseholdRow]:
    """The list rows of `ids`, in the order given."""
    if not ids:
        return []
    head = Person.alias()
    group = Area.alias()
    query = (
        Household.select(
            Household.id,
            Household.number,
            Area.name,
            group.code,
            head.name,
            Household.address,
            Household.registration,
        )
        .join(Area, on=(Household.village == Area.id))
        .switch(Household)
        .join(group, pw.JOIN.LEFT_OUTER, on=(Household.group == group.id))
        .switch(Household)
        .join(head, pw.JOIN.LEFT_OUTER, on=(Household.head == head.id))
        .where(Household.id.in_(ids))
    )
    counts = dict(
        Person.select(Person.household, pw.fn.COUNT(Person.id))
        .where(Person.household.in_(ids) & Person.residence.in_(LIVING))
        .group_by(Person.household)
        .tuples()
    )
    rows = {
        hid: HouseholdRow(
            hid,
            number,
            village,
            group_name or "",
            head_name or "",
            counts.get(hid, 0),
            address,
            registration,
        )
        for hid, number, village, group_name, head_name, address, registration in query.tuples()
    }
    return [rows[i] for i in ids if i in rows]


@dataclass(frozen=True)
class MemberRow:
    id: int
    name: str
    sex: str
    age: int
    birth_date: dt.date
    relation: str
    marital_status: str
    residence: str
    id_masked: str


@dataclass(frozen=True)
class EventRow:
    id: int
    kind: str
    person: str
    happened_on: dt.date
    entered_on: dt.date
    entered_by: str
    data: dict[str, Any]

    @property
    def late(self) -> bool:
        """Entered later than domain.toml's `entry.timely_days` after it happened."""
        from fptui.schema import current

        return (self.entered_on - self.happened_on).days > current().domain["entry"]["timely_days"]


@dataclass
class HouseholdCard:
    household: Household
    village: Area
    group: Area | None
    head: Person | None
    members: list[MemberRow] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)


def _member_row(p: Person, today: dt.date) -> MemberRow:
    from fptui import idcard  # stdnum's tables: not needed for the first screen

    return MemberRow(
        p.id,
        p.name,
        p.sex,
        age_on(p.birth_date, p.death_date or today),
        p.birth_date,
        p.relation,
        p.marital_status,
        p.residence,
        idcard.mask(p.id_number),
    )


def household_card(household_id: int) -> HouseholdCard | None:
    household = Household.get_or_none(Household.id == household_id)
    if household is None:
        return None
    today = clock.today()
    people = list(Person.select().where(Person.household == household_id).order_by(Person.id))
    names = {p.id: p.name for p in people}
    order = {"here": 0, "out": 1, "in_migrant": 2}
    members = sorted(
        (_member_row(p, today) for p in people),
        key=lambda m: (order.get(m.residence, 3), m.relation != "head", m.birth_date),
    )
    events = [
        EventRow(
            e.id,
            e.kind,
            names.get(e.person_id, ""),
            e.happened_on,
            e.entered_on,
            e.entered_by,
            json.loads(e.data),
        )
        for e in Event.select()
        .where(Event.household == household_id)
        .order_by(Event.happened_on.desc(), Event.id.desc())
    ]
    return HouseholdCard(
        household=household,
        village=Area.get_by_id(household.village_id),
        group=Area.get_or_none(Area.id == household.group_id),
        head=Person.get_or_none(Person.id == household.head_id),
        members=members,
        events=events,
    )


def person(person_id: int) -> Person | None:
    return Person.get_or_none(Person.id == person_id)


def event(event_id: int) -> Event:
    """One recorded event (its own details are `json.loads(event.data)`)."""
    return Event.get_by_id(event_id)


def person_events(person_id: int) -> list[EventRow]:
    p = Person.get_by_id(person_id)
    return [
        EventRow(
            e.id, e.kind, p.name, e.happened_on, e.entered_on, e.entered_by, json.loads(e.data)
        )
        for e in Event.select()
        .where(Event.person == person_id)
        .order_by(Event.happened_on.desc(), Event.id.desc())
    ]


def birth_order_for(mother_id: int) -> int:
    """The birth order (孩次) the mother's next live birth will have."""
    return Person.select().where(Person.mother == mother_id).count() + 1


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    age: int
    note: str = ""


def mothers_in(household_id: int) -> list[Candidate]:
    """Women of the household of child-bearing age (domain.toml `birth`), youngest first."""
    from fptui.schema import current

    rule = current().domain["birth"]
    today = clock.today()
    women = (
        Person.select()
        .where(
            (Person.household == household_id) & (Person.sex == "F") & Person.residence.in_(LIVING)
        )
        .order_by(Person.birth_date.desc())
    )
    return [
        Candidate(w.id, w.name, age_on(w.birth_date, today))
        for w in women
        if rule["mother_age_min"] <= age_on(w.birth_date, today) <= rule["mother_age_max"]
    ]


def members_of(
    household_id: int,
    sex: str | None = None,
    exclude: int | None = None,
    unmarried: bool = False,
) -> list[Candidate]:
    """Living members of the household (of one sex; not married), for a person field."""
    today = clock.today()
    query = Person.select().where(
        (Person.household == household_id) & Person.residence.in_(LIVING)
    )
    if sex:
        query = query.where(Person.sex == sex)
    if exclude:
        query = query.where(Person.id != exclude)
    if unmarried:
        query = query.where(Person.marital_status.not_in(("first", "remarried")))
    return [
        Candidate(p.id, p.name, age_on(p.birth_date, today))
        for p in query.order_by(Person.birth_date)
    ]


def villages() -> list[Area]:
    return list(Area.select().where(Area.kind == "village").order_by(Area.code))


def groups(village_id: int | None) -> list[Area]:
    if village_id is None:
        return []
    return list(
        Area.select().where((Area.kind == "group") & (Area.parent == village_id)).order_by(Area.id)
    )


def events_for(p: Person) -> list[str]:
    """The event kinds that can be recorded for `p` now, by the rules of the event forms;
    a child is not offered a marriage, nor a woman past 49 contraception or pregnancy."""
    from fptui.reads.checks import restores_missing_event
    from fptui.schema import current

    schemas = current()
    age = age_on(p.birth_date, clock.today())
    legal = schemas.domain["marriage"]["legal_age_male" if p.sex == "M" else "legal_age_female"]
    fertile = schemas.domain["birth"]["mother_age_min"] <= age <= 49
    kinds = []
    for key, form in schemas.forms.items():
        if form.subject != "person":
            continue
        if (
            form.residence_from
            and p.residence not in form.residence_from
            and not restores_missing_event(p, form)
        ):
            continue
        if form.sex and p.sex != form.sex:
            continue
        if form.marital_from and p.marital_status not in form.marital_from:
            continue
        if key == "marriage" and age < legal:
            continue
        if key in ("pregnancy", "contraception") and not fertile:
            continue
        kinds.append(key)
    return kinds


@dataclass(frozen=True)
class Fathers:
    """Who the birth form offers as the father, and whether the first is the default."""

    candidates: list[Candidate]
    default: bool  # the first is the mother's spouse, living in the household


def fathers_for(household_id: int, mother_id: int | None) -> Fathers:
    """The mother's spouse first (the person's spouse link, set by a marriage event),
    then the other living men of the household; never a man younger than domain.toml's
    `birth.father_age_min`. The spouse is chosen by default when he lives in the
    household: a husband elsewhere is offered, not assumed."""
    from fptui.schema import current

    youngest = current().domain["birth"]["father_age_min"]
    today = clock.today()
    mother = Person.get_or_none(Person.id == mother_id) if mother_id else None
    spouse = Person.get_or_none(Person.id == mother.spouse_id) if mother else None
    if spouse is not None and (spouse.sex != "M" or age_on(spouse.birth_date, today) < youngest):
        spouse = None
    men = [
        c
        for c in members_of(household_id, "M")
        if c.age >= youngest and (spouse is None or c.id != spouse.id)
    ]
    if spouse is None:
        return Fathers(men, default=False)
    first = Candidate(spouse.id, spouse.name, age_on(spouse.birth_date, today), note="spouse")
    home = spouse.household_id == household_id and spouse.residence in LIVING
    return Fathers([first, *men], default=home)
