"""Keys typed ahead, in one burst as SSH delivers them (issue 14): each goes, in order, to
the screen that is there once the keys before it are done; none is lost to a screen still
opening, none goes to one closing, a picker closes once."""

from __future__ import annotations

import datetime as dt

import pytest

from fptui import idcard
from fptui.tui.app import FptuiApp
from fptui.tui.screens.dialogs import Picker
from fptui.tui.screens.household_card import HouseholdCardScreen
from tests.tui.burst import burst

SIZES = [(80, 24), (120, 40)]
ID_NUMBER = idcard.make("140121", dt.date(1990, 3, 15), 3, "M")


async def open_card(pilot) -> None:
    await pilot.pause()
    await pilot.press(*"0001", "enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, HouseholdCardScreen)


@pytest.mark.parametrize("second", ["2", "enter", "escape"])
async def test_a_picker_answered_twice_quickly_closes_once(family, second):
    app = FptuiApp()
    chosen: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(Picker("x", [(i, f"第{i}项") for i in range(1, 4)]), chosen.append)
        burst(app, "1", second)
        await pilot.pause(0.5)
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
