"""Keys for the common work (issue 14), counted by performing them with exactly those keys.

A birth from a household card took 14 keys besides the child's name, measured on the form
before this change (today 2026-11-26, a girl born on the 25th):
`b 1 Tab 1 Tab <name> Tab 2 Tab 1 1 - 2 5 Ctrl+S`. Now the only possible mother is
chosen, the father is her spouse when he lives in the household, the cursor starts at
the name and the date takes the day alone: `b <name> Tab 2 Tab 2 5 Ctrl+S`, 7 keys.
The README's table ("常用操作的按键数") lists these sequences.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import pytest

from fptui import clock, ledger
from fptui.models import Event, FollowUp, Household, Person
from fptui.tui.app import FptuiApp
from fptui.tui.screens.dialogs import Picker
from fptui.tui.screens.export import ExportScreen
from fptui.tui.screens.followups import FollowupsScreen
from fptui.tui.screens.form import FormScreen
from fptui.tui.screens.household_card import HouseholdCardScreen
from tests.tui.burst import burst, drained

SIZES = [(80, 24), (120, 40)]
TODAY = dt.date(2026, 11, 26)
NAME = "王小花"
# Besides typing the child's name (inserted after `b`), the keys of a birth.
BIRTH_KEYS = ["b", "tab", "2", "tab", "2", "5", "ctrl+s"]
BIRTH_KEYS_BEFORE = ["b", "1", "tab", "1", "tab", "tab", "2", "tab", *"11-25", "ctrl+s"]
DEATH_KEYS = ["x", "1", "enter", "2", "5", "ctrl+s"]
MOVE_OUT_KEYS = ["x", "4", "2", "5", "tab", "ctrl+s"]  # the place typed before Ctrl+S
VISIT_KEYS = ["f7", "enter", "tab", "tab", "1", "ctrl+s"]
EXPORT_KEYS = ["f9", "ctrl+s"]


def person(household, name: str, sex: str, born: str, relation: str) -> Person:
    return ledger.add_person(
        household, {"name": name, "sex": sex, "birth_date": born, "relation": relation}
    )


@pytest.fixture
def couple(ledger_db):
    """A household of a couple married by a marriage event (so each is the other's
    spouse) and his mother, past child-bearing age; his 12-year-old nephew lives there."""
    v = ledger_db
    home = ledger.add_household({"village": v.village.id, "group": v.group.id, "number": "0001"})
    husband = person(home, "王强", "M", "1994-02-01", "head")
    wife = person(home, "李秀英", "F", "1996-05-01", "spouse")
    person(home, "张桂兰", "F", "1960-08-08", "parent")
    person(home, "王小虎", "M", "2014-06-01", "other")
    ledger.record_event("marriage", {"date": "2019-01-01", "spouse": husband.id}, person=wife.id)
    assert Person.get_by_id(wife.id).spouse_id == husband.id
    return {"home": home, "husband": husband, "wife": wife}


async def open_card(pilot) -> None:
    await pilot.pause()
    await pilot.press(*"0001", "enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, HouseholdCardScreen)


def assert_birth(couple) -> None:
    child = Person.get(Person.name == NAME)
    event = Event.get((Event.kind == "birth") & (Event.person == child.id))
    data = json.loads(event.data)
    assert (data["mother"], data["father"]) == (couple["wife"].id, couple["husband"].id)
    assert (child.mother_id, child.father_id) == (couple["wife"].id, couple["husband"].id)
    assert event.happened_on == child.birth_date == dt.date(2026, 11, 25)
    assert child.sex == "F" and child.household_id == couple["home"].id


# --- a birth ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_a_birth_takes_seven_keys_besides_the_name(couple, size):
    assert len(BIRTH_KEYS) == 7 <= 10 < len(BIRTH_KEYS_BEFORE) == 14
    with clock.frozen(TODAY):
        app = FptuiApp()
        async with app.run_test(size=size) as pilot:
            await open_card(pilot)
            await pilot.press(BIRTH_KEYS[0])
            await pilot.pause()
            form = app.screen
            assert isinstance(form, FormScreen)
            assert form.query_one("#in-mother").value == "1"  # the only possible mother
            assert form.query_one("#in-father").value == "1"  # her spouse, living here
            assert "王强" in str(form.query_one("#msg-father").render())
            assert "王小虎" not in str(form.query_one("#msg-father").render())  # aged 12
            assert app.focused is form.query_one("#in-name")
            await pilot.press(*NAME)
            for key in BIRTH_KEYS[1:]:
                await pilot.press(key)
                await pilot.pause()
            assert isinstance(app.screen, HouseholdCardScreen)
    assert_birth(couple)


@pytest.mark.parametrize("size", SIZES)
async def test_a_birth_typed_in_one_burst(couple, size):
    with clock.frozen(TODAY):
        app = FptuiApp()
        async with app.run_test(size=size) as pilot:
            await open_card(pilot)
            burst(app, BIRTH_KEYS[0], *NAME, *BIRTH_KEYS[1:])
            await drained(pilot)
            assert app.is_running and isinstance(app.screen, HouseholdCardScreen)
    assert_birth(couple)


async def test_a_month_and_day_or_a_full_date_still_work(couple):
    with clock.frozen(TODAY):
        app = FptuiApp()
        async with app.run_test(size=(80, 24)) as pilot:
            await open_card(pilot)
            await pilot.press("b", *NAME, "tab", "2", "tab", *"11-25", "tab")
            await pilot.pause()
            assert app.screen.query_one("#in-date").value == "2026-11-25"
            await pilot.press("shift+tab", "ctrl+u", *"2026-11-25", "ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, HouseholdCardScreen)
    assert_birth(couple)


@pytest.mark.parametrize(
    ("day", "said"), [("31", "出生日期：没有这一天"), ("27", "出生日期：不能晚于今天")]
)
async def test_a_day_the_month_does_not_have_or_still_to_come_is_refused(couple, day, said):
    with clock.frozen(dt.date(2026, 4, 26)):
        app = FptuiApp()
        async with app.run_test(size=(80, 24)) as pilot:
            await open_card(pilot)
            await pilot.press("b", *NAME, "tab", "2", "tab", *day, "ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, FormScreen)
            assert str(app.screen.query_one("#msg-date").render()) == said
            assert app.focused is app.screen.query_one("#in-date")
            assert Person.get_or_none(Person.name == NAME) is None


async def test_a_spouse_living_elsewhere_is_offered_first_not_chosen(couple, ledger_db):
    elsewhere = ledger.add_household({"village": ledger_db.village.id, "number": "0002"})
    Person.update(household=elsewhere.id).where(Person.id == couple["husband"].id).execute()
    with clock.frozen(TODAY):
        app = FptuiApp()
        async with app.run_test(size=(80, 24)) as pilot:
            await open_card(pilot)
            await pilot.press("b")
            await pilot.pause()
            form = app.screen
            assert form.query_one("#in-mother").value == "1"
            assert form.query_one("#in-father").value == ""  # not assumed
            offered = str(form.query_one("#msg-father").render())
            assert offered.startswith("1=王强") and "母亲的配偶" in offered
            assert app.focused is form.query_one("#in-father")  # left to choose
            await pilot.press("1", "tab", *NAME, "tab", "2", "tab", "2", "5", "ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, HouseholdCardScreen)
    child = Person.get(Person.name == NAME)
    assert child.father_id == couple["husband"].id


async def test_the_father_follows_the_mother_chosen_until_the_cadre_types_it(couple):
    """Two possible mothers: none chosen; the father is the chosen one's spouse, or
    none; a father the cadre typed stays whoever the mother."""
    home = couple["home"]
    sister = person(home, "王丽", "F", "2000-01-01", "other")  # unmarried
    with clock.frozen(TODAY):
        app = FptuiApp()
        async with app.run_test(size=(80, 24)) as pilot:
            await open_card(pilot)
            await pilot.press("b")
            await pilot.pause()
            form = app.screen
            box = {k: form.query_one(f"#in-{k}") for k in ("mother", "father")}
            assert app.focused is box["mother"] and box["mother"].value == ""
            assert "选择母亲" in str(form.query_one("#form-preview").render())
            # the youngest first: 王丽 1, 李秀英 2
            await pilot.press("2")
            await pilot.pause()
            assert box["father"].value == "1"
            assert "王强" in str(form.query_one("#msg-father").render())
            await pilot.press("backspace", "1")  # 王丽: no spouse, none assumed
            await pilot.pause()
            assert box["father"].value == ""
            await pilot.press("backspace", "2")
            await pilot.pause()
            assert box["father"].value == "1"
            await pilot.press("tab", "ctrl+u")  # the cadre says: no father recorded
            await pilot.press("shift+tab", "1", "backspace", "2")  # mother changed again
            await pilot.pause()
            assert box["father"].value == ""  # his blank stays
    assert sister.id


async def test_no_man_below_the_minimum_age_is_offered(couple, ledger_db):
    """domain.toml's birth.father_age_min (15): the 12-year-old is never a choice, nor a
    spouse link to one (a ledger error), whoever the mother."""
    from fptui import schema
    from fptui.reads import queries

    youngest = schema.current().domain["birth"]["father_age_min"]
    with clock.frozen(TODAY):
        for mother in (couple["wife"].id, None):
            fathers = queries.fathers_for(couple["home"].id, mother)
            assert fathers.candidates and all(c.age >= youngest for c in fathers.candidates)
            assert "王小虎" not in [c.name for c in fathers.candidates]
        boy = Person.get(Person.name == "王小虎")
        Person.update(spouse=boy.id).where(Person.id == couple["wife"].id).execute()
        fathers = queries.fathers_for(couple["home"].id, couple["wife"].id)
        assert not fathers.default and boy.id not in [c.id for c in fathers.candidates]


# --- the other common work, counted ----------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_a_death_takes_six_keys(couple, size):
    """From the household card, the member chosen (the head, on the first row)."""
    keys = DEATH_KEYS
    with clock.frozen(TODAY):
        app = FptuiApp()
        async with app.run_test(size=size) as pilot:
            await open_card(pilot)
            await pilot.press(keys[0])
            await pilot.pause()
            picker = app.screen
            assert isinstance(picker, Picker) and len(picker.values) > 9  # `1` waits
            assert picker.values[0] == ("death", couple["husband"].id)
            for key in keys[1:]:
                await pilot.press(key)
                await pilot.pause()
            assert isinstance(app.screen, HouseholdCardScreen)
    husband = Person.get_by_id(couple["husband"].id)
    assert (husband.residence, husband.death_date) == ("dead", dt.date(2026, 11, 25))
    assert Event.get(Event.kind == "death").person_id == husband.id


def move_out_number(husband_id: int) -> str:
    """Where 迁出登记 stands in the head's event picker (its number, typed)."""
    from fptui.reads import queries

    kinds = queries.events_for(queries.person(husband_id))
    return str(kinds.index("move_out") + 1)


@pytest.mark.parametrize("size", SIZES)
async def test_a_move_out_takes_six_keys_besides_the_place(couple, size):
    with clock.frozen(TODAY):
        # 迁出登记's number in his list: picked at once (no Enter)
        assert MOVE_OUT_KEYS[1] == move_out_number(couple["husband"].id) != "1"
        keys = MOVE_OUT_KEYS
        app = FptuiApp()
        async with app.run_test(size=size) as pilot:
            await open_card(pilot)
            for key in keys[:-1]:
                await pilot.press(key)
                await pilot.pause()
            await pilot.press(*"太原市")  # the place, typed
            await pilot.press(keys[-1])
            await pilot.pause()
            assert isinstance(app.screen, HouseholdCardScreen)
    husband = Person.get_by_id(couple["husband"].id)
    assert husband.residence == "moved_away"
    event = Event.get(Event.kind == "move_out")
    assert event.happened_on == dt.date(2026, 11, 25)
    assert json.loads(event.data)["to_place"] == "太原市"


@pytest.mark.parametrize("size", SIZES)
async def test_a_visit_done_takes_six_keys(couple, size):
    """F7 from the household list, the first overdue visit, done today at home."""
    with clock.frozen(dt.date(2026, 11, 1)):
        ledger.record_birth(
            {"mother": couple["wife"].id, "name": "王乐", "sex": "F", "date": "2026-11-01"}
        )
    keys = VISIT_KEYS
    with clock.frozen(TODAY):
        app = FptuiApp()
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            for key in keys:
                await pilot.press(key)
                await pilot.pause()
            assert isinstance(app.screen, FollowupsScreen)
    done = FollowUp.get(FollowUp.status == "done")
    assert (done.kind, done.done_on, done.outcome) == (
        "postpartum_visit",
        TODAY,
        "home_visit",
    )


@pytest.mark.parametrize("size", SIZES)
async def test_last_months_return_takes_two_keys(couple, tmp_path, monkeypatch, size):
    monkeypatch.chdir(tmp_path)
    keys = EXPORT_KEYS
    with clock.frozen(TODAY):
        app = FptuiApp()
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            for key in keys:
                await pilot.press(key)
                await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ExportScreen)
            for _ in range(200):
                await pilot.pause()
                if screen.written is not None:
                    break
                await asyncio.sleep(0.05)
            assert screen.written is not None and screen.written.name.startswith("2026-10_")
            assert screen.written.exists()


def test_the_fixture_is_what_the_counts_assume(couple):
    """One household, one possible mother, her spouse the head (first row)."""
    from fptui.reads import queries

    assert Household.select().count() == 1
    with clock.frozen(TODAY):
        assert [m.name for m in queries.mothers_in(couple["home"].id)] == ["李秀英"]
        card = queries.household_card(couple["home"].id)
        assert card.members[0].id == couple["husband"].id


def written(keys: list[str]) -> str:
    """Keys as the README writes them: `b` Tab Ctrl+S F7."""
    named = {"tab": "Tab", "enter": "Enter", "ctrl+s": "Ctrl+S", "f7": "F7", "f9": "F9"}
    return " ".join(named.get(k, f"`{k}`") for k in keys)


def test_the_readme_table_shows_the_keys_these_tests_press():
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme.split("## 常用操作的按键数 / Keys for common work")[1].split("\n## ")[0]
    rows = {
        "before issue 14": (BIRTH_KEYS_BEFORE[:5], BIRTH_KEYS_BEFORE[5:], len(BIRTH_KEYS_BEFORE)),
        "出生登记), now": (BIRTH_KEYS[:1], BIRTH_KEYS[1:], len(BIRTH_KEYS)),
        "死亡登记": (DEATH_KEYS, [], len(DEATH_KEYS)),
        "迁出登记": (MOVE_OUT_KEYS[:-1], MOVE_OUT_KEYS[-1:], len(MOVE_OUT_KEYS)),
        "visit done": (VISIT_KEYS, [], len(VISIT_KEYS)),
        "return to Excel": (EXPORT_KEYS, [], len(EXPORT_KEYS)),
    }
    for what, (head, tail, count) in rows.items():
        row = next(line for line in table.splitlines() if what in line)
        cells = [c.strip() for c in row.strip("|").split("|")]
        typed = " *place* " if "迁出" in what else " *name* "
        keys = (written(head) + (typed + written(tail) if tail else "")).strip()
        assert cells[2] == keys, what
        assert cells[3] == str(count), what
