"""The person form with ID numbers the division table treats oddly (issue 12): one whose
code the table does not list (stdnum raised KeyError and the app died printing the
number) is noted beside the field and saved; one of no province is refused there."""

from __future__ import annotations

import pytest

from fptui.models import Person
from fptui.tui.app import FptuiApp
from fptui.tui.screens.form import FormScreen

UNLISTED_BEIJING = "119999194912310021"  # 北京 (11) lists no 119999
NO_PROVINCE = "999999199001010024"


@pytest.fixture
def home(family):
    return family


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def open_new_person(pilot) -> None:
    await pilot.pause()
    await pilot.press(*"0001", "enter")
    await pilot.pause()
    await pilot.press("a")
    await pilot.pause()


async def test_an_unlisted_division_code_is_noted_beside_the_field_and_saved(home):
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_new_person(pilot)
        await pilot.press(*"李四", "tab", *UNLISTED_BEIJING, "tab")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, FormScreen)
        note = app.screen.query_one("#msg-id_number")
        assert "区划代码不在代码表中" in text_of(app, "#msg-id_number")
        assert note.has_class("note") and not note.has_class("error")
        assert app.screen.query_one("#in-birth_date").value == "1949-12-31"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, FormScreen)
    assert Person.get(Person.name == "李四").id_number == UNLISTED_BEIJING


async def test_a_division_code_of_no_province_is_an_error_beside_the_field(home):
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_new_person(pilot)
        await pilot.press(*"李四", "tab", *NO_PROVINCE, "tab")
        await pilot.pause()
        assert "行政区划代码不存在" in text_of(app, "#msg-id_number")
        assert app.screen.query_one("#msg-id_number").has_class("error")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
    assert not Person.select().where(Person.name == "李四").exists()


async def test_a_date_of_birth_before_1880_is_named_as_such_typed_or_in_the_number(home):
    from fptui import idcard

    born_1850 = "14012118500601002" + idcard.check_char("14012118500601002")
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_new_person(pilot)
        await pilot.press(*"李四", "tab", *born_1850, "tab")
        await pilot.pause()
        assert text_of(app, "#msg-id_number") == "身份证号：其中的出生日期早于1880年"
        assert app.screen.query_one("#in-birth_date").value == ""  # nothing filled
        await pilot.press("tab", *"1879-12-31", "tab")  # from sex to the date of birth
        await pilot.pause()
        assert text_of(app, "#msg-birth_date") == "出生日期早于1880年"
