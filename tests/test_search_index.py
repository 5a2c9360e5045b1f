"""The search keys' index (search.py, table search_key) follows every change that moves
what a household is found by, in the change's own transaction, and finds exactly what
the LIKE over the search text found before it (kept here as the reference)."""

from __future__ import annotations

import datetime as dt

import peewee as pw
import pytest
from conftest import sqlite_only

from fptui import db, demo, idcard, ledger
from fptui.models import Area, Household, Person, SearchKey, database
from fptui.reads.queries import HouseholdFilter, household_ids, household_page
from fptui.search import index_keys, patterns, search_text


def scan_ids(flt: HouseholdFilter) -> list[int]:
    """The search before the index: a LIKE over every household's search text."""
    query = Household.select(Household.id).order_by(
        Household.village, pw.fn.LENGTH(Household.number), Household.number
    )
    for alternatives in patterns(flt.query):
        condition = None
        for pattern in alternatives:
            like = pw.NodeList((Household.search, pw.SQL("LIKE"), pattern, pw.SQL("ESCAPE"), "\\"))
            condition = like if condition is None else (condition | like)
        query = query.where(condition)
    if flt.village is not None:
        query = query.where(Household.village == flt.village)
    if flt.group is not None:
        query = query.where(Household.group == flt.group)
    if flt.residence:
        members = Person.select(Person.household).where(Person.residence == flt.residence)
        query = query.where(Household.id.in_(members))
    return [hid for (hid,) in database.execute(query)]


def assert_index_current(texts: bool = True) -> None:
    """Every household's search text is made from its members now (`texts`), and its
    keys are exactly those of that text."""
    members: dict[int, list[tuple]] = {}
    for hid, *member in (
        Person.select(
            Person.household, Person.name, Person.py_initials, Person.py_full, Person.id_number
        )
        .order_by(Person.household, Person.id)
        .tuples()
    ):
        members.setdefault(hid, []).append(tuple(member))
    kept: dict[int, set[bytes]] = {}
    for key, hid in SearchKey.select(SearchKey.key, SearchKey.household).tuples():
        kept.setdefault(hid, set()).add(bytes(key))
    for hid, number, text in Household.select(
        Household.id, Household.number, Household.search
    ).tuples():
        assert not texts or text == search_text(number, members.get(hid, []))
        assert kept.pop(hid, set()) == index_keys(text), number
    assert kept == {}  # no key of a household that is gone


def found(query: str) -> list[int]:
    ids = household_ids(HouseholdFilter(query=query))
    assert ids == scan_ids(HouseholdFilter(query=query)), query
    return ids


def test_a_new_household_and_member_are_found_at_once(family):
    hid = family["household"].id
    assert_index_current()
    for query in ("0001", "王强", "强", "wq", "wangqiang", "秀英", "lxy 0001", "王 李"):
        assert found(query) == [hid], query
    assert found(family["husband"].id_number[-4:]) == [hid]
    assert found("张") == [] and found("0002") == []


def test_a_rename_moves_the_keys(family):
    hid = family["household"].id
    ledger.edit_person(family["wife"].id, {"name": "何建帅"})
    assert_index_current()
    for query in ("何建帅", "建帅", "帅", "hjs", "hejianshuai", "hej"):
        assert found(query) == [hid], query
    assert found("秀英") == [] and found("lxy") == []


def test_a_new_id_number_and_household_number_move_the_keys(family):
    hid = family["household"].id
    old_id = family["husband"].id_number
    new_id = idcard.make("140121", dt.date(1994, 2, 1), 77, "M")
    ledger.edit_person(family["husband"].id, {"id_number": new_id})
    ledger.edit_household(hid, {"number": "0042"})
    assert_index_current()
    assert found(new_id[-4:]) == [hid] and found("0042") == [hid]
    assert found(old_id[-6:]) == [] and found("0001") == []


def test_members_moving_in_out_and_voided_away(family):
    hid = family["household"].id
    arrived = ledger.record_move_in(
        hid,
        {
            "date": "2026-03-02",
            "from_place": "太原",
            "name": "周敏",
            "sex": "F",
            "birth_date": "2000-01-01",
            "relation": "other",
        },
    )
    assert_index_current()
    assert found("周敏") == [hid] and found("zm") == [hid]
    birth = ledger.record_birth(
        {"mother": family["wife"].id, "name": "王二", "sex": "M", "date": "2026-03-01"}
    )
    assert found("王二") == [hid]
    ledger.record_move_out(arrived.person_id, {"date": "2026-03-05", "to_place": "太原"})
    assert_index_current()
    assert found("周敏") == [hid]  # a member moved out stays on the card, and found by
    ledger.void_event(birth.id, "录错")
    assert_index_current()
    assert found("王二") == [] and found("wange") == []


def test_a_new_household_s_only_member_voided_away_leaves_its_number(family):
    added = ledger.add_household({"village": family["household"].village_id, "number": "0099"})
    moved = ledger.record_move_in(
        added.id,
        {
            "date": "2026-03-02",
            "from_place": "太原",
            "name": "孙悟",
            "sex": "M",
            "birth_date": "1990-01-01",
            "relation": "head",
        },
    )
    assert found("孙悟") == [added.id]
    ledger.void_event(moved.id, "录错了户")
    assert_index_current()
    assert found("孙悟") == [] and found("0099") == [added.id]


def test_full_width_input_finds_what_half_width_does(family):
    hid = family["household"].id
    tail = family["husband"].id_number[-4:]
    wide = "".join(chr(ord(c) + 0xFEE0) for c in tail)
    assert found(wide) == found(tail) == [hid]
    assert found("ＷＡＮＧ") == [hid]
    assert found("王强\u3000０００１") == [hid]  # the ideographic space between words


def test_the_count_and_first_page_come_from_one_query(ledger_db):
    village = ledger_db.village.id
    for n in range(1, 26):
        household = ledger.add_household({"village": village, "number": str(n)})
        ledger.add_person(
            household, {"name": "王芳", "sex": "F", "birth_date": "1980-01-01", "relation": "head"}
        )
    every = household_ids(HouseholdFilter(query="wf"))
    numbers = [Household.get_by_id(h).number for h in every]
    assert numbers == [str(n) for n in range(1, 26)]  # 2 before 10
    assert household_page(HouseholdFilter(query="wf"), 0, 10) == (25, every[:10])
    assert household_page(HouseholdFilter(query="wf"), 20, 10) == (25, every[20:])
    assert household_page(HouseholdFilter(query="wf"), 30, 10) == (25, [])
    assert household_page(HouseholdFilter(query="nobody")) == (0, [])


def test_the_migration_fills_the_index_of_an_existing_ledger(family):
    expected = {q: household_ids(HouseholdFilter(query=q)) for q in ("wq", "秀英", "0001")}
    step = next(v for v, f in db.MIGRATIONS.items() if f.__name__.endswith("_search_index"))
    ledger_db = database.obj
    ledger_db.execute_sql('DROP TABLE "search_key"')  # the ledger as it was before it
    db._set_version(ledger_db, step)
    assert db.migrate(ledger_db) == step
    assert db.get_version(ledger_db) == db.LATEST
    assert_index_current()
    assert {q: household_ids(HouseholdFilter(query=q)) for q in expected} == expected


@pytest.fixture(scope="module")
def township(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    demo.build(path, persons=1200, seed=5, today=dt.date(2026, 11, 23))
    db.close_database()
    return path


@sqlite_only
def test_the_index_finds_what_the_scan_found_on_a_demo(township, tmp_path):
    import random
    import shutil

    work = tmp_path / "demo.db"
    shutil.copy(township, work)
    db.open_database(work)
    try:
        # the demo's planted faults write ID numbers past the write path (demo.py): its
        # texts can lag, its keys are still those of its texts
        assert_index_current(texts=False)
        rng = random.Random(3)
        people = list(Person.select().order_by(Person.id))
        words = ["w", "z", "zh", "li", "0", "00", "1", "张", "王", "x", "001x", "#1", "q-"]
        for p in rng.sample(people, 40):
            words += [p.name, p.name[1:], p.name[-1:], p.py_initials.split()[0]]
            words += [p.py_full.split()[0], p.py_full.split()[0][:3]]
            if p.id_number:
                words += [p.id_number[-4:], p.id_number[-6:], p.id_number[-1:].lower()]
        words += [h.number for h in Household.select().order_by(Household.id).limit(10)]
        village = Area.select().where(Area.kind == "village").order_by(Area.id).first()
        group = Area.select().where(Area.kind == "group", Area.parent == village).first()
        for flt in (
            HouseholdFilter(),
            HouseholdFilter(village=village.id),
            HouseholdFilter(village=village.id, group=group.id),
            HouseholdFilter(residence="out"),
        ):
            every = scan_ids(flt)
            assert household_ids(flt) == every, flt
            assert household_page(flt, 0, 20) == (len(every), every[:20]), flt
            assert household_page(flt, 20, 20) == (len(every), every[20:40]), flt
        for word in words:
            pair = f"{word} {rng.choice(words)}"
            for flt in (
                HouseholdFilter(query=word),
                HouseholdFilter(query=pair),
                HouseholdFilter(query=word, village=village.id),
                HouseholdFilter(query=word, village=village.id, group=group.id),
                HouseholdFilter(query=word, residence="out"),
            ):
                assert household_ids(flt) == scan_ids(flt), flt
                count, first = household_page(flt, 0, 20)
                assert (count, first) == (len(scan_ids(flt)), scan_ids(flt)[:20]), flt
    finally:
        db.close_database()


@sqlite_only
@pytest.mark.parametrize("broad", [0, 30])
def test_a_broad_word_is_read_in_the_lists_order_and_counted_apart(
    township, tmp_path, monkeypatch, broad
):
    """A word finding more than BROAD households of the whole ledger: the first page at
    once from the list's index, "at least BROAD + 1", the exact count apart; every page
    and count the same as the scan's (BROAD 0: every word is broad)."""
    import shutil

    from fptui.reads import queries

    monkeypatch.setattr(queries, "BROAD", broad)
    work = tmp_path / "demo.db"
    shutil.copy(township, work)
    db.open_database(work)
    try:
        words = ["w", "z", "zh", "li", "0", "1", "张", "王", "wang", "#1", "q-", "nobody"]
        words += ["w l", "z 1", "王 w", "li x", "zh nobody"]  # every word, or the narrowest
        words += [p.name for p in Person.select().order_by(Person.id).limit(5)]
        seen_broad = seen_narrow = False
        for word in words:
            flt = HouseholdFilter(query=word)
            every = scan_ids(flt)
            count, first, exact = queries.household_first(flt, 20)
            assert first == every[:20], word
            if exact:  # narrow, or broad words that few households hold all of
                assert count == len(every), word
                seen_narrow = True
            else:  # at least: one broad word's BROAD + 1, broad words' page
                assert count == (broad + 1 if " " not in word else 20) <= len(every), word
                seen_broad = True
            assert queries.household_count(flt) == len(every), word
            for offset in (0, 20, 40, len(every) - 5):
                page = queries.household_ids_page(flt, max(offset, 0), 20)
                assert page == every[max(offset, 0) :][:20], (word, offset)
        assert seen_broad and (seen_narrow or broad == 0)
        # with a filter, a word is read and counted by its keys at once, as before
        village = Area.select().where(Area.kind == "village").order_by(Area.id).first()
        flt = HouseholdFilter(query="w", village=village.id)
        every = scan_ids(flt)
        assert queries.household_first(flt, 20) == (len(every), every[:20], True)
    finally:
        db.close_database()
