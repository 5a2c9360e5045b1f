"""Before: the birth key count measured on the unchanged form."""

from __future__ import annotations

import datetime as dt

import pytest

from fptui import clock
from fptui.models import Event, Person
from fptui.tui.app import FptuiApp
from fptui.tui.screens.household_card import HouseholdCardScreen


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_before(family, size):
    with clock.frozen(dt.date(2026, 11, 26)):
        app = FptuiApp()
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await pilot.press(*"0001", "enter")
            await pilot.pause()
            assert isinstance(app.screen, HouseholdCardScreen)
            keys = ["b", "1", "tab", "1", "tab", "tab", "2", "tab", *"11-25", "ctrl+s"]
            await pilot.press("b")
            await pilot.pause()
            await pilot.press("1", "tab", "1", "tab", *"王小", "tab", "2", "tab", *"11-25", "ctrl+s")
            await pilot.pause()
            print("KEYS", len(keys))
            assert len(keys) == 14
            child = Person.get(Person.name == "王小")
            e = Event.get(Event.kind == "birth")
            assert child.mother_id == family["wife"].id and child.father_id == family["husband"].id
            assert child.sex == "F" and e.happened_on == dt.date(2026, 11, 25)
