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


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_broad_word_shows_its_first_page_then_its_exact_count(
    ledger_db, size, monkeypatch
):
    """A word that finds more than BROAD households shows "over BROAD" with its first
    page at once; the exact count follows from a worker, the cursor where it was."""
    from fptui.reads import queries
    from fptui.tui.screens import households
    from tests.tui.waiting import workers_done

    monkeypatch.setattr(queries, "BROAD", 10)
    village = ledger_db.village.id
    for n in range(1, MORE + 1):
        household = ledger.add_household({"village": village, "number": str(n)})
        ledger.add_person(
            household, {"name": "王芳", "sex": "F", "birth_date": "1980-01-01", "relation": "head"}
        )
    held = []
    real = queries.household_count

    def slow_count(flt):
        held.append(flt.query)
        return real(flt)

    monkeypatch.setattr(queries, "household_count", slow_count)
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("w")
        lst = screen.query_one(VirtualList)
        assert lst.row(0).split()[0] == "1"  # the first page at once, in the list's order
        await pilot.press("down", "down")
        await pilot.pause(households.COUNT_AFTER + 0.1)  # the typing paused: counted
        await workers_done(app)
        await pilot.pause()
        assert held == ["w"]
        assert lst.count == MORE
        assert f"共{MORE}户" in str(screen.query_one("#filters").render())
        assert lst.cursor == 2
        for _ in range(MORE):  # every page reachable, in order
            if lst.cursor >= MORE - 1:
                break
            await pilot.press("pagedown")
        assert lst.row(lst.cursor).split()[0] == str(MORE)
        # a narrow word (a household number): counted at once again
        await pilot.press("escape", *"125")
        await pilot.pause(households.COUNT_AFTER + 0.1)
        await workers_done(app)
        await pilot.pause()
        assert lst.count == 1
        assert "共1户" in str(screen.query_one("#filters").render())


async def test_over_broad_is_said_while_counting(ledger_db, monkeypatch):
    from fptui.reads import queries
    from fptui.tui.screens import households

    monkeypatch.setattr(queries, "BROAD", 3)
    # the count never arrives here: the worker is not started
    monkeypatch.setattr(households.HouseholdsScreen, "_count_exactly", lambda self, flt: None)
    village = ledger_db.village.id
    for n in range(1, MORE + 1):  # more than a page: not all read with the first
        household = ledger.add_household({"village": village, "number": str(n)})
        ledger.add_person(
            household, {"name": "王芳", "sex": "F", "birth_date": "1980-01-01", "relation": "head"}
        )
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        assert "超过3户（正在计数）" in str(app.screen.query_one("#filters").render())
