"""Keys typed ahead, in one burst as SSH delivers them (issue 14): each goes, in order, to
the screen that is there once the keys before it are done; none is lost to a screen still
opening, none goes to one closing, a picker closes once."""

from __future__ import annotations

import datetime as dt

import pytest

from fptui import idcard
from fptui.models import Person
from fptui.tui.app import FptuiApp
from fptui.tui.screens.dialogs import Picker
from fptui.tui.screens.form import FormScreen
from fptui.tui.screens.household_card import HouseholdCardScreen
from tests.tui.burst import burst, drained

SIZES = [(80, 24), (120, 40)]
ID_NUMBER = idcard.make("140121", dt.date(1990, 3, 15), 3, "M")


async def open_card(pilot) -> None:
    await pilot.pause()
    await pilot.press(*"0001", "enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, HouseholdCardScreen)


@pytest.mark.parametrize("size", SIZES)
async def test_a_person_typed_ahead_of_the_form_is_saved(family, size):
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await open_card(pilot)
        burst(app, "a", *"李四", "tab", *ID_NUMBER, "ctrl+s")
        await drained(pilot)
        assert app.is_running and isinstance(app.screen, HouseholdCardScreen)
        person = Person.get(Person.name == "李四")
        assert person.id_number == ID_NUMBER and person.sex == "M"


@pytest.mark.parametrize("size", SIZES)
async def test_an_event_typed_through_its_picker_lands_in_the_form(family, size):
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await open_card(pilot)
        burst(app, "x", "1", "enter", *"11-25")
        await drained(pilot)
        assert app.is_running and isinstance(app.screen, FormScreen)
        assert app.focused is not None and app.focused.value == "11-25"


async def test_a_tab_typed_fast_moves_on_only_after_the_text_before_it(family):
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(pilot)
        await pilot.press("a")
        await pilot.pause()
        burst(app, *"王五", "tab", *ID_NUMBER, "tab", "1")
        await drained(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        assert form.input("name").value == "王五"
        assert form.input("id_number").value == ID_NUMBER


@pytest.mark.parametrize("second", ["2", "enter", "escape"])
async def test_a_picker_answered_twice_quickly_closes_once(family, second):
    app = FptuiApp()
    chosen: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(Picker("x", [(i, f"第{i}项") for i in range(1, 4)]), chosen.append)
        burst(app, "1", second)
        await drained(pilot)
        assert app.is_running and chosen == [1]
        assert not isinstance(app.screen, Picker)


async def test_a_picker_dismissed_twice_in_code_closes_once(family):
    app = FptuiApp()
    chosen: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        picker = Picker("x", [(1, "一"), (2, "二")])
        app.push_screen(picker, chosen.append)
        await pilot.pause()
        picker.dismiss(1)
        picker.dismiss(2)
        await pilot.pause()
        assert app.is_running and chosen == [1] and len(app.screen_stack) == 1


async def test_keys_wait_for_a_form_slower_to_open_than_the_settle_limit(family, monkeypatch):
    """A loaded laptop puts a form up in over half a second: the keys typed behind `a`
    still wait for it (an Esc let go early would close it halfway through mounting)."""
    import asyncio

    slow_mount = FormScreen.on_mount

    async def on_mount(self) -> None:
        await asyncio.sleep(FptuiApp.KEY_SETTLE_LIMIT * 2)
        slow_mount(self)

    monkeypatch.setattr(FormScreen, "on_mount", on_mount)
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(pilot)
        burst(app, "a", *"李四", "tab", *ID_NUMBER, "ctrl+s", "a", "escape")
        await drained(pilot)
        assert app.is_running and isinstance(app.screen, HouseholdCardScreen)
        assert Person.get(Person.name == "李四").id_number == ID_NUMBER
