"""The follow-up list by keys: mark a visit done, reschedule one, at 80x24 and 120x40."""

from __future__ import annotations

import datetime as dt

import pytest

from fptui import clock, ledger
from fptui.models import FollowUp
from fptui.tui.app import FptuiApp
from fptui.tui.screens.followups import FollowupsScreen
from fptui.tui.screens.form import FormScreen
from fptui.tui.widgets.virtual_list import VirtualList

SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def overdue(family):
    """Two births: four visits, two of them overdue on 2026-03-10."""
    with clock.frozen(dt.date(2026, 2, 20)):
        ledger.record_birth(
            {"mother": family["wife"].id, "name": "王乐", "sex": "F", "date": "2026-02-20"}
        )
    return family


@pytest.mark.parametrize("size", SIZES)
async def test_mark_an_overdue_visit_done_and_it_leaves_the_list(overdue, size):
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, FollowupsScreen)
        lst = app.screen.query_one(VirtualList)
        assert lst.count == 1 and "产后访视" in lst.row(0) and "11天" in lst.row(0)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        assert app.screen.query_one("#in-date").value == "2026-03-10"  # today by default
        await pilot.press("tab", "tab")
        await pilot.press("1")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FollowupsScreen)
        assert app.screen.query_one(VirtualList).count == 0
        assert "没有需要办理的随访" in str(app.screen.query_one("#empty").render())
        done = FollowUp.get(FollowUp.kind == "postpartum_visit")
        assert (done.status, done.done_on, done.outcome) == (
            "done",
            dt.date(2026, 3, 10),
            "home_visit",
        )
        await pilot.press("4")  # all open: the 42-day check is still to do
        await pilot.pause()
        assert app.screen.query_one(VirtualList).count == 1


async def test_reschedule_needs_a_reason(overdue):
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        await pilot.press(*"3-20")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        assert "改期原因：必填" in str(app.screen.query_one("#msg-reason").render())
        await pilot.press(*"外出")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FollowupsScreen)
        moved = FollowUp.get(FollowUp.kind == "postpartum_visit")
        assert (moved.due_on, moved.reason) == (dt.date(2026, 3, 20), "外出")
        assert app.screen.query_one(VirtualList).count == 0  # no longer overdue


async def test_the_household_card_shows_its_open_visits(overdue):
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"0001", "enter")
        await pilot.pause()
        text = str(app.screen.query_one("#card-followups").render())
        assert "产后访视及新生儿访视" in text and "产后42天健康检查" in text
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, FollowupsScreen)
        assert app.screen.query_one(VirtualList).count == 2
