"""The household list past its first page: its count and first page come from one query,
the later pages as they are scrolled to, and Enter opens the household under the cursor."""

from __future__ import annotations

import pytest

from fptui import ledger
from fptui.models import Household
from fptui.tui.app import FptuiApp
from fptui.tui.screens.households import HouseholdsScreen
from fptui.tui.widgets.virtual_list import PAGE, VirtualList

MORE = PAGE + 30  # households with the same name: more than one page of the list


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_search_of_more_than_a_page_scrolls_and_opens_the_right_one(ledger_db, size):
    village = ledger_db.village.id
    for n in range(1, MORE + 1):
        household = ledger.add_household({"village": village, "number": str(n)})
        ledger.add_person(
            household, {"name": "王芳", "sex": "F", "birth_date": "1980-01-01", "relation": "head"}
        )
    other = ledger.add_household({"village": village, "number": "900"})
    ledger.add_person(
        other, {"name": "李明", "sex": "M", "birth_date": "1980-01-01", "relation": "head"}
    )
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HouseholdsScreen)
        await pilot.press(*"wf")
        await pilot.pause()
        lst = screen.query_one(VirtualList)
        assert lst.count == MORE
        assert str(MORE) in str(screen.query_one("#filters").render())
        for _ in range(MORE):  # page by page, past the first page
            if lst.cursor >= PAGE + 5:
                break
            await pilot.press("pagedown")
        assert lst.cursor >= PAGE + 5
        await pilot.pause()
        wanted = str(lst.cursor + 1)  # numbers 1..MORE in their natural order
        assert lst.row(lst.cursor).split()[0] == wanted
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "HouseholdCardScreen"
        assert Household.get_by_id(app.screen.household_id).number == wanted
