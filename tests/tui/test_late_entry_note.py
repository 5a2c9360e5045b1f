"""An event saved for a closed month says at once where it is counted (补报)."""

from __future__ import annotations

import datetime as dt

import pytest

from fptui import clock, ledger
from fptui.models import Person
from fptui.tui.app import FptuiApp
from fptui.tui.screens.household_card import HouseholdCardScreen

SIZES = [(80, 24), (120, 40)]


async def _birth(pilot, name: str, day: str) -> None:
    await pilot.press("b")
    await pilot.pause()
    # the only mother is chosen; the cursor starts at the father (no spouse link here)
    await pilot.press("1", "tab", *name, "tab", "2", "tab", *day, "f2")
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
async def test_a_birth_of_a_closed_month_says_the_month_it_is_counted_in(family, ledger_db, size):
    with clock.frozen(dt.date(2026, 3, 3)):
        ledger.close_month(ledger_db.village.id, "2026-02")
        app = FptuiApp()
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await pilot.press(*"0001", "enter")
            await pilot.pause()
            assert isinstance(app.screen, HouseholdCardScreen)
            await _birth(pilot, "王补", "2026-02-20")
            assert isinstance(app.screen, HouseholdCardScreen)
            assert Person.get_or_none(Person.name == "王补") is not None
            notes = [str(n.message) for n in app._notifications]
            assert "已保存。2026年2月已结账，本条计入2026年3月补报" in notes
            # a birth of the open month is only "saved"
            await _birth(pilot, "王新", "2026-03-01")
            notes = [str(n.message) for n in app._notifications]
            assert notes[-1] == "已保存"
