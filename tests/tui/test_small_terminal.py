"""A terminal smaller than 80x24 (issue 14): a notice says so, with the size it has and
the size it needs, on whatever screen is open; it goes once the terminal is large
enough; the keys work meanwhile."""

from __future__ import annotations

import re

import pytest

from fptui.tui.app import FptuiApp
from fptui.tui.screens.form import FormScreen
from fptui.tui.screens.household_card import HouseholdCardScreen
from tests.tui.screen_tour import press, screen_lines, settled


def shown(app) -> str:
    """The screen's text without spaces and the notice's edge (its lines wrap)."""
    return re.sub(r"[\s▌]", "", "".join(screen_lines(app)))


async def notice_settled(pilot) -> None:
    """A notice is posted as a message, and drawn at the next refresh."""
    await settled(pilot)
    await pilot.pause()


@pytest.mark.parametrize(
    ("lang", "small", "large"),
    [("zh", "窗口太小", "至少80×24"), ("en", "toosmall", "atleast80×24")],
)
async def test_a_notice_while_the_terminal_is_below_80x24(family, lang, small, large):
    app = FptuiApp(lang)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await notice_settled(pilot)
        assert small not in shown(app)
        await pilot.resize_terminal(70, 20)
        await notice_settled(pilot)
        screen = shown(app)
        assert small in screen and large in screen and "70×20" in screen, screen
        await press(pilot, *"0001", "enter")  # the keys work under the notice
        assert isinstance(app.screen, HouseholdCardScreen)
        assert small in shown(app)  # on the screen opened meanwhile too
        await pilot.resize_terminal(79, 24)  # one column short is short
        await notice_settled(pilot)
        assert "79×24" in shown(app) and "70×20" not in shown(app)
        await pilot.resize_terminal(80, 24)
        await notice_settled(pilot)
        assert small not in shown(app)
        await press(pilot, "a")
        assert isinstance(app.screen, FormScreen)


@pytest.mark.parametrize("size", [(60, 20), (100, 20), (79, 40)])
async def test_an_app_started_small_says_so_at_once(family, size):
    app = FptuiApp()
    async with app.run_test(size=size, notifications=True) as pilot:
        await notice_settled(pilot)
        assert f"现在{size[0]}×{size[1]}" in shown(app)
        await pilot.resize_terminal(120, 40)
        await notice_settled(pilot)
        assert "窗口太小" not in shown(app)
