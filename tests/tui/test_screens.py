"""The screens driven by key presses through Textual's pilot, at 80x24 and 120x40."""

from __future__ import annotations

import json

import pytest
from conftest import snapshot

from fptui import ledger
from fptui.models import Event, Household, Person
from fptui.tui.app import FptuiApp
from fptui.tui.screens.dialogs import ConfirmDiscard, KeysHelp
from fptui.tui.screens.form import FormScreen
from fptui.tui.screens.household_card import HouseholdCardScreen
from fptui.tui.screens.households import HouseholdsScreen
from fptui.tui.widgets.virtual_list import VirtualList

SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def village(ledger_db):
    """Two households: 张三丰's (his wife has one child) and another."""
    v = ledger_db.village
    home = ledger.add_household({"village": v.id, "group": ledger_db.group.id, "number": "0001"})
    head = ledger.add_person(
        home,
        {
            "name": "张三丰",
            "sex": "M",
            "birth_date": "1990-01-01",
            "relation": "head",
            "marital_status": "first",
        },
    )
    wife = ledger.add_person(
        home,
        {
            "name": "李秀英",
            "sex": "F",
            "birth_date": "1992-03-04",
            "relation": "spouse",
            "marital_status": "first",
        },
    )
    ledger.record_birth(
        {"mother": wife.id, "father": head.id, "name": "张一", "sex": "M", "date": "2020-05-06"}
    )
    other = ledger.add_household({"village": v.id, "number": "0002"})
    ledger.add_person(
        other, {"name": "王大明", "sex": "M", "birth_date": "1970-01-01", "relation": "head"}
    )
    return {"home": home, "head": head, "wife": wife, "village": v}


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def msg(app, key: str) -> str:
    return text_of(app, f"#msg-{key}")


async def type_text(pilot, text: str) -> None:
    await pilot.press(*text)


async def open_household(pilot, query: str) -> None:
    await type_text(pilot, query)
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
async def test_search_by_pinyin_initials_finds_the_person(village, size):
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HouseholdsScreen)
        assert app.screen.focused.id == "search"  # typing can start at once
        assert app.screen.query_one(VirtualList).count == 2
        await type_text(pilot, "zsf")
        await pilot.pause()
        lst = app.screen.query_one(VirtualList)
        assert lst.count == 1 and "张三丰" in lst.row(0)
        for query in ("zhangsanfeng", "李秀", "0002"):
            await pilot.press("ctrl+u")
            await type_text(pilot, query)
            await pilot.pause()
            assert lst.count == 1, query
        await pilot.press("ctrl+u")
        await type_text(pilot, "nobody")
        await pilot.pause()
        assert lst.count == 0 and "没有找到" in text_of(app, "#empty")


@pytest.mark.parametrize("size", SIZES)
async def test_create_a_household_and_a_person_from_the_keyboard(village, size):
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        assert "1=王家庄村" in msg(app, "village")  # the villages are offered by number
        await type_text(pilot, "1")
        await pilot.press("tab", "tab")
        await type_text(pilot, "0077")
        await pilot.press("tab")
        await type_text(pilot, "王家庄77号")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HouseholdCardScreen)
        household = Household.get(Household.number == "0077")
        assert household.address == "王家庄77号"
        await pilot.press("a")
        await pilot.pause()
        await type_text(pilot, "赵敏")
        await pilot.press("enter")  # Enter moves to the next field too
        await type_text(pilot, "11010519491231002X")
        await pilot.press("tab")
        await pilot.pause()
        # the ID number filled in sex and date of birth
        assert app.screen.query_one("#in-sex").value == "女"
        assert app.screen.query_one("#in-birth_date").value == "1949-12-31"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HouseholdCardScreen)
        person = Person.get(Person.name == "赵敏")
        assert (person.household_id, person.sex) == (household.id, "F")
        table = app.screen.query_one("#members")
        assert table.row_count == 1
        assert "110105********002X" in [str(c) for c in table.get_row_at(0)]


@pytest.mark.parametrize("size", SIZES)
async def test_a_birth_shows_the_child_with_birth_order_2(village, size):
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await open_household(pilot, "zsf")
        assert isinstance(app.screen, HouseholdCardScreen)
        await pilot.press("b")
        await pilot.pause()
        assert "李秀英" in msg(app, "mother")  # the household's only woman: chosen
        assert app.screen.query_one("#in-mother").value == "1"
        assert "本次孩次：2" in text_of(app, "#form-preview")
        await pilot.press("tab")  # the cursor starts at the father (no spouse link): blank
        await type_text(pilot, "张二")
        await pilot.press("tab")
        await type_text(pilot, "2")
        await pilot.press("tab")
        await type_text(pilot, "3-1")
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, HouseholdCardScreen)
        child = Person.get(Person.name == "张二")
        assert (child.mother_id, child.sex, str(child.birth_date)) == (
            village["wife"].id,
            "F",
            "2026-03-01",
        )
        event = Event.get(Event.person == child.id)
        assert json.loads(event.data)["birth_order"] == 2
        names = [
            str(app.screen.query_one("#members").get_row_at(i)[0])
            for i in range(app.screen.query_one("#members").row_count)
        ]
        assert "张二" in names
        assert "第2孩" in text_of(app, "#timeline")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("id_number", "110105194912310021", "身份证号：校验码错误"),
        ("birth_date", "2027-01-01", "出生日期：不能晚于今天"),
        ("name", "", "姓名：必填"),
    ],
)
async def test_bad_values_show_their_message_and_save_nothing(
    village, size, field, typed, message
):
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await open_household(pilot, "zsf")
        before = snapshot()
        await pilot.press("a")
        await pilot.pause()
        good = {"name": "张四", "sex": "1", "birth_date": "2001-02-03"}
        good[field] = typed
        for key, value in good.items():
            app.screen.query_one(f"#in-{key}").focus()
            await pilot.pause()
            await type_text(pilot, value)
        app.screen.query_one("#in-note").focus()
        await pilot.pause()
        assert msg(app, field) == message  # shown the moment the field lost the focus
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)  # not saved
        assert app.screen.focused.id == f"in-{field}"  # the first error has the focus
        assert snapshot() == before


@pytest.mark.parametrize("size", SIZES)
async def test_escape_on_a_changed_form_asks_first(village, size):
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await open_household(pilot, "zsf")
        await pilot.press("a")
        await pilot.pause()
        await type_text(pilot, "张")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDiscard)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        assert app.screen.query_one("#in-name").value == "张"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, HouseholdCardScreen)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("escape")  # unchanged: no question
        await pilot.pause()
        assert isinstance(app.screen, HouseholdCardScreen)


async def test_f1_lists_the_keys_of_the_screen(village):
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_household(pilot, "zsf")
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, KeysHelp)
        listed = " ".join(str(label.render()) for label in app.screen.query("Label"))
        for words in ("出生登记", "新增人员", "登记事件", "返回", "帮助"):
            assert words in listed
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HouseholdCardScreen)


async def test_the_command_palette_creates_a_household(village):
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "新建户")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        assert "新建户" in text_of(app, ".screen-title")


async def test_an_event_is_chosen_from_a_list_and_recorded(village):
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_household(pilot, "zsf")
        await pilot.press("x")  # events for the selected member (the head)
        await pilot.pause()
        await type_text(pilot, "外出")  # nothing: the picker is chosen with arrows
        option_list = app.screen.query_one("OptionList")
        titles = [
            str(option_list.get_option_at_index(i).prompt) for i in range(option_list.option_count)
        ]
        index = next(i for i, title in enumerate(titles) if "外出登记" in title)
        option_list.highlighted = index
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        await type_text(pilot, "3-2")
        await pilot.press("tab")
        await type_text(pilot, "太原")
        await pilot.press("tab")
        await type_text(pilot, "13800000000")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert Person.get_by_id(village["head"].id).residence == "out"
        assert "外出登记" in text_of(app, "#timeline")


async def test_english_interface_with_lang_en(village):
    app = FptuiApp("en")
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await open_household(pilot, "zsf")
            await pilot.press("a")
            await pilot.pause()
            app.screen.query_one("#in-birth_date").focus()
            await type_text(pilot, "tomorrow")
            app.screen.query_one("#in-note").focus()
            await pilot.pause()
            assert msg(app, "birth_date").startswith("Date of birth: not a date")
            descriptions = {a.binding.description for a in app.screen.active_bindings.values()}
            assert {"Save", "Back"} <= descriptions
            assert text_of(app, ".screen-title") == "New person · Household 0001"
            assert msg(app, "sex") == "1 Male, 2 Female"
    finally:
        from fptui.tui import text

        text.set_lang("zh")
