"""The live score: fix a logic error through the drill-down and see the total rise."""

from __future__ import annotations

import asyncio

import pytest

from fptui import ledger
from fptui.tui.app import FptuiApp
from fptui.tui.screens.form import FormScreen
from fptui.tui.screens.household_card import HouseholdCardScreen
from fptui.tui.screens.person_card import PersonCardScreen
from fptui.tui.screens.score import CasesScreen, ScoreScreen
from fptui.tui.widgets.score_panel import ScorePanel


async def scored(app, pilot) -> None:
    for _ in range(100):  # the first score is computed in a worker thread
        await pilot.pause()
        if app.live.result is not None:
            await pilot.pause()
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the score was never computed")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_fixing_a_logic_error_through_the_drill_down_raises_the_panel(family, size):
    ledger.edit_person(family["wife"].id, {"marriage_date": None})  # a logic error
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await scored(app, pilot)
        panel = app.screen.query_one(ScorePanel)
        before = app.live.result.total
        assert f"{before:.2f}/100" in str(panel.render())
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(app.screen, ScoreScreen)
        await pilot.press("down", "enter")  # the second indicator: ledger logic errors
        await pilot.pause()
        assert isinstance(app.screen, CasesScreen)
        assert "已婚但无结婚日期" in app.screen.query_one("VirtualList").row(0)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HouseholdCardScreen)
        await pilot.press("down", "enter")  # the wife, below the head
        await pilot.pause()
        assert isinstance(app.screen, PersonCardScreen)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        app.screen.query_one("#in-marriage_date").focus()
        await pilot.press(*"2019-01-01", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PersonCardScreen)
        after = app.live.result.total
        assert after - before == pytest.approx(0.2)
        assert (
            f"{after:.2f}/100" in str(app.screen.query_one(ScorePanel).render())
            if (app.screen.query(ScorePanel))
            else True
        )
        await pilot.press("escape")
        await pilot.pause()
        assert f"{after:.2f}/100" in str(app.screen.query_one(ScorePanel).render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CasesScreen)
        assert app.screen.query_one("VirtualList").count == 0  # nothing lost here now


async def test_the_panel_folds_to_one_line_at_80_columns_and_lists_every_indicator_wider(
    family,
):
    for size, lines in (((80, 24), 1), ((120, 40), 5)):
        app = FptuiApp()
        async with app.run_test(size=size) as pilot:
            await scored(app, pilot)
            text = str(app.screen.query_one(ScorePanel).render())
            assert len(text.splitlines()) == lines, text
            assert "/100" in text
            if lines > 1:
                assert "事件及时录入" in text and "月报按时上报" in text
