"""Messages where the cadre looks (issue 14): a refusal of the save step stands beside its
field from the first Ctrl+S until that field's value is changed, with the cursor on the
first refused field; a choice field's value is selected on entry, so typing replaces it;
sex and date of birth filled from an ID number follow a changed number.

Checked before the fix: after one Ctrl+S the duplicate household number, the duplicate ID
number and the closed month showed only the toast "有1处需要更正", nothing beside any
field (moving the cursor to the field re-ran the field checks, which do not know the
ledger's refusals); Tab into 与户主关系 showing 其他 and `1` gave `其他1`.
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import snapshot

from fptui import clock, idcard, ledger
from fptui.models import Household, Person
from fptui.tui.app import FptuiApp
from fptui.tui.screens.form import FormScreen
from fptui.tui.screens.household_card import HouseholdCardScreen
from fptui.tui.screens.person_card import PersonCardScreen
from tests.tui.burst import burst, drained

SIZES = [(80, 24), (120, 40)]


def msg(app, key: str) -> str:
    return str(app.screen.query_one(f"#msg-{key}").render())


def focused_key(app) -> str:
    return (app.focused.id or "")[3:] if app.focused is not None else ""


def value(app, key: str) -> str:
    return app.screen.query_one(f"#in-{key}").value


async def open_card(pilot) -> None:
    await pilot.pause()
    await pilot.press(*"0001", "enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, HouseholdCardScreen)


async def tab_to(pilot, key: str) -> None:
    """Tab (never a click or a call) until the cursor is in field `key`."""
    for _ in range(30):
        if focused_key(pilot.app) == key:
            return
        await pilot.press("tab")
        await pilot.pause()
    raise AssertionError(f"Tab never reached {key}")


async def stays_until_changed(pilot, key: str, text: str) -> None:
    """Beside `key` after Tab away and back, then gone once the value is changed."""
    app = pilot.app
    assert msg(app, key) == text
    assert "error" in app.screen.query_one(f"#msg-{key}").classes
    await pilot.press("tab")
    await pilot.pause()
    assert focused_key(app) != key and msg(app, key) == text  # left: still there
    await pilot.press("shift+tab")
    await pilot.pause()
    assert focused_key(app) == key and msg(app, key) == text  # back: still there
    await pilot.press("tab", "shift+tab")  # through it, unchanged: still there
    await pilot.pause()
    assert msg(app, key) == text
    await pilot.press("backspace")  # the value changed: the refusal goes
    await pilot.pause()
    assert msg(app, key) != text
    assert "error" not in app.screen.query_one(f"#msg-{key}").classes


# --- the three refusals of the save step ------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_a_duplicate_household_number_stands_beside_the_number(family, size):
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        # 王家庄村, its group 1, the number household 0001 has, and on to the address
        await pilot.press("1", "tab", "1", "tab", *"0001", "tab", *"东街1号")
        before = snapshot()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        assert snapshot() == before  # nothing saved
        assert focused_key(app) == "number"  # the cursor on the refused field
        said = "户号：本村已有此户号"
        await stays_until_changed(pilot, "number", said)
        assert Household.select().count() == 1


@pytest.mark.parametrize("size", SIZES)
async def test_a_duplicate_id_number_stands_beside_the_id_number(family, size):
    taken = family["husband"].id_number
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await open_card(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"王重", "tab", *taken, "tab")  # the number fills sex and birth
        await pilot.pause()
        assert value(app, "sex") == "男"
        before = snapshot()
        await pilot.press("ctrl+s")  # the cursor in 性别
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        assert snapshot() == before
        assert focused_key(app) == "id_number"
        await stays_until_changed(pilot, "id_number", "身份证号：该号码已登记在其他人员名下")
        assert Person.select().where(Person.name == "王重").count() == 0


@pytest.mark.parametrize("size", SIZES)
async def test_an_edit_in_a_closed_month_stands_beside_the_date(family, ledger_db, size):
    with clock.frozen(dt.date(2026, 2, 16)):
        ledger.record_event(
            "go_out",
            {"date": "2026-02-15", "destination": "太原", "contact": "13900000000"},
            person=family["husband"].id,
        )
    ledger.close_month(ledger_db.village.id, "2026-02")
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await open_card(pilot)
        await pilot.press("down", "enter")  # the head, gone out: below his wife
        await pilot.pause()
        assert isinstance(app.screen, PersonCardScreen)
        await pilot.press("c", "1")  # correct its one event
        await pilot.pause()
        assert isinstance(app.screen, FormScreen) and focused_key(app) == "date"
        await pilot.press("tab", "end", *"市")  # 太原市
        before = snapshot()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        assert snapshot() == before
        assert focused_key(app) == "date"
        said = "外出日期：2026-02已结账，不能修改；请登记更正事件（将作为补报计入2026-03）"
        await stays_until_changed(pilot, "date", said)


@pytest.mark.parametrize("size", SIZES)
async def test_a_field_check_and_a_ledger_refusal_each_stay_beside_their_own_field(family, size):
    """Both kinds at once: the field check's error where it is, the duplicate where it is;
    after the field check is put right, the next save's refusal still stays."""
    taken = family["husband"].id_number
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await open_card(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("tab", *taken, "tab")  # no name
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert focused_key(app) == "name" and msg(app, "name") == "姓名：必填"
        await pilot.press(*"王重", "ctrl+s")  # the check passes; the ledger refuses
        await pilot.pause()
        assert focused_key(app) == "id_number"
        assert msg(app, "id_number") == "身份证号：该号码已登记在其他人员名下"
        assert "error" not in app.screen.query_one("#msg-name").classes
        await pilot.press("tab", "tab", "shift+tab", "shift+tab")
        await pilot.pause()
        assert msg(app, "id_number") == "身份证号：该号码已登记在其他人员名下"


async def test_a_refusal_naming_no_field_stays_below_the_form(family):
    """Another cadre changed the card: said below the form, and kept there while the
    cadre moves about it (it went with the first field left before)."""
    wife = family["wife"].id
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(pilot)
        await pilot.press("down", "enter")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        ledger.set_user("cadre_a")
        ledger.edit_person(wife, {"phone": "13900000001"})
        ledger.set_user("tester")
        await tab_to(pilot, "note")
        await pilot.press(*"已随访", "ctrl+s")
        await pilot.pause()
        said = str(app.screen.query_one("#form-error").render())
        assert "cadre_a" in said
        await pilot.press("shift+tab", "shift+tab", "tab")
        await pilot.pause()
        assert str(app.screen.query_one("#form-error").render()) == said


# --- choice fields: the value shown is selected on entry --------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_typing_in_a_choice_field_replaces_its_default(family, size):
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await open_card(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"王子")
        await tab_to(pilot, "relation")
        assert value(app, "relation") == "其他"
        await pilot.press("3")
        await pilot.pause()
        assert value(app, "relation") == "3"  # 子, not 其他3
        await pilot.press("shift+tab", "shift+tab", "shift+tab")  # back to 性别 (blank)
        await pilot.pause()
        assert focused_key(app) == "sex"
        await pilot.press("1")
        await tab_to(pilot, "birth_date")
        await pilot.press(*"2020-01-01", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HouseholdCardScreen)
        child = Person.get(Person.name == "王子")
        assert (child.relation, child.sex, child.ethnicity) == ("son", "M", "han")


async def test_every_choice_field_of_the_person_form_is_replaced_by_typing(family):
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(pilot)
        await pilot.press("a")
        await pilot.pause()
        screen = app.screen
        choosing = [f.key for f in screen.fields if f.chooses and not f.read_only]
        assert {"sex", "ethnicity", "relation", "marital_status"} <= set(choosing)
        for key in choosing:
            await tab_to(pilot, key)
            await pilot.press("2")
            await pilot.pause()
            assert value(app, key) == "2", key
            await pilot.press("shift+tab")  # and back: the whole value selected again
            await pilot.press("tab")
            await pilot.press("1")
            await pilot.pause()
            assert value(app, key) == "1", key
        text = [f.key for f in screen.fields if not f.chooses]
        await tab_to(pilot, "name")  # a text field still adds to what it holds
        await pilot.press(*"王")
        await pilot.press("tab", "shift+tab", *"五")
        await pilot.pause()
        assert value(app, "name") == "王五" and "name" in text


async def test_every_choice_field_of_the_household_card_is_replaced_by_typing(family):
    """The village and group pickers and the yes/no fields, as an edit shows them."""
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert value(app, "village") == "1" and value(app, "group") == "1"
        assert value(app, "one_child") == "否"
        for key, typed in (("village", "1"), ("group", "1"), ("one_child", "1")):
            await tab_to(pilot, key)
            await pilot.press(typed)
            await pilot.pause()
            assert value(app, key) == typed, key
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HouseholdCardScreen)
        assert Household.get_by_id(family["household"].id).one_child is True


@pytest.mark.parametrize("size", SIZES)
async def test_a_choice_typed_ahead_of_the_form_replaces_the_default(family, size):
    """In one burst, the keys arriving while the form opens: still a replacement."""
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await open_card(pilot)
        # 姓名, 身份证号 (blank), 性别 1, 出生日期, 民族 (kept), 与户主关系 3
        burst(app, "a", *"王快", "tab", "tab", "1", "tab", *"2021-5-6", "tab", "tab", "3")
        await drained(pilot)
        assert isinstance(app.screen, FormScreen)
        assert value(app, "relation") == "3" and value(app, "ethnicity") == "汉族"
        burst(app, "ctrl+s")
        await drained(pilot)
        assert Person.get(Person.name == "王快").relation == "son"


async def test_the_field_the_form_opens_in_is_replaced_by_typing(family, ledger_db):
    """The cursor starts in 村 showing `1`: `2` makes it 2 (东营村), not 12."""
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert focused_key(app) == "village" and value(app, "village") == "1"
        await pilot.press("2")
        await pilot.pause()
        assert value(app, "village") == "2"


@pytest.mark.parametrize("typed_ahead", [False, True])
async def test_a_sex_filled_as_the_cursor_enters_it_is_replaced_by_typing(family, typed_ahead):
    """The ID number fills 性别 while the cursor moves into it: still selected."""
    keys = ["a", *"王填", "tab", *MALE_1990, "tab", "2"]
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(pilot)
        if typed_ahead:
            burst(app, *keys)
            await drained(pilot)
        else:
            await pilot.press(*keys)
            await pilot.pause()
        assert focused_key(app) == "sex" and value(app, "sex") == "2"  # not 男2


# --- an ID number changed after it filled sex and date of birth -------------------------

FEMALE_1949 = "11010519491231002X"
MALE_1990 = idcard.make("140121", dt.date(1990, 3, 15), 3, "M")
FEMALE_1985 = idcard.make("140121", dt.date(1985, 7, 9), 4, "F")


@pytest.mark.parametrize("size", SIZES)
async def test_a_changed_id_number_replaces_what_the_old_one_filled(family, size):
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await open_card(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"李换", "tab", *FEMALE_1949, "tab")
        await pilot.pause()
        assert (value(app, "sex"), value(app, "birth_date")) == ("女", "1949-12-31")
        await pilot.press("shift+tab", "ctrl+u", *MALE_1990, "tab")  # a typing error fixed
        await pilot.pause()
        assert (value(app, "sex"), value(app, "birth_date")) == ("男", "1990-03-15")
        await pilot.press("shift+tab", "ctrl+u", *"1234", "tab")  # cannot be read: emptied
        await pilot.pause()
        assert (value(app, "sex"), value(app, "birth_date")) == ("", "")
        await pilot.press("shift+tab", "ctrl+u", *MALE_1990, "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HouseholdCardScreen)
        saved = Person.get(Person.name == "李换")
        assert (saved.sex, saved.birth_date, saved.id_number) == (
            "M",
            dt.date(1990, 3, 15),
            MALE_1990,
        )


@pytest.mark.parametrize("size", SIZES)
async def test_what_the_cadre_typed_is_never_overwritten_by_a_changed_number(family, size):
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await open_card(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"李留", "tab", *MALE_1990, "tab")  # fills 男, 1990-03-15
        await pilot.press("tab", "ctrl+u", *"1990-03-16", "tab")  # the date retyped
        await pilot.pause()
        assert (value(app, "sex"), value(app, "birth_date")) == ("男", "1990-03-16")
        await tab_to(pilot, "id_number")
        await pilot.press("ctrl+u", *FEMALE_1985, "tab")
        await pilot.pause()
        # the sex the old number filled follows the new one; the typed date stays his
        assert (value(app, "sex"), value(app, "birth_date")) == ("女", "1990-03-16")
        await tab_to(pilot, "id_number")
        await pilot.press("ctrl+u", "tab")  # no number: what it filled goes, his date not
        await pilot.pause()
        assert (value(app, "sex"), value(app, "birth_date")) == ("", "1990-03-16")


async def test_a_sex_typed_before_the_number_is_kept(family):
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"李先", "tab", "tab", "2", "shift+tab", *MALE_1990, "tab")
        await pilot.pause()
        # 女 typed by the cadre stays (the check says the number disagrees); the blank
        # date is filled
        assert (value(app, "sex"), value(app, "birth_date")) == ("2", "1990-03-15")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        assert msg(app, "sex") != "" and Person.select().where(Person.name == "李先").count() == 0
