"""Nothing slow on the screen's thread (issue 15): the live score is refreshed after a
save in a worker, the panels keeping the last figures until the new ones arrive; keys
typed meanwhile are handled; a save made while a refresh runs joins the next one; and a
search key never imports the write path (pypinyin, xlsxwriter, stdnum) on the screen's
thread."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import sqlite_only

from fptui import ledger
from fptui.models import Acknowledgement
from fptui.reads import reconcile
from fptui.tui.app import FptuiApp
from fptui.tui.screens.form import FormScreen
from fptui.tui.screens.household_card import HouseholdCardScreen
from fptui.tui.screens.households import HouseholdsScreen
from fptui.tui.screens.person_card import PersonCardScreen
from fptui.tui.screens.reconcile import ReconcileScreen, TownshipMonthScreen, balance_line
from fptui.tui.widgets.score_panel import LiveScore, ScorePanel
from fptui.tui.widgets.virtual_list import VirtualList

SIZES = [(80, 24), (120, 40)]
ROOT = Path(__file__).parent.parent.parent


async def settled(app, pilot) -> None:
    """Every worker done and what it handed back shown (a search's worker cancelled by
    the next key's is done too)."""
    from textual.worker import WorkerCancelled

    for _ in range(3):
        for worker in list(app.workers):
            with contextlib.suppress(WorkerCancelled):
                await worker.wait()
        await pilot.pause()


def panel_text(app) -> str:
    return str(app.screen.query_one(ScorePanel).render())


async def fix_marriage_date(pilot, app, row: int) -> None:
    """From the household list: open 0001, the member on `row`, fill the marriage date."""
    await pilot.press(*"0001", "enter")
    await pilot.pause()
    assert isinstance(app.screen, HouseholdCardScreen)
    await pilot.press(*["down"] * row, "enter")
    await pilot.pause()
    assert isinstance(app.screen, PersonCardScreen)
    await pilot.press("e")
    await pilot.pause()
    assert isinstance(app.screen, FormScreen)
    app.screen.query_one("#in-marriage_date").focus()
    await pilot.press(*"2019-01-01", "ctrl+s")
    await pilot.pause()
    assert isinstance(app.screen, PersonCardScreen)
    await pilot.press("escape", "escape")
    await pilot.pause()
    assert isinstance(app.screen, HouseholdsScreen)
    search = app.screen.query_one("#search")
    search.value = ""  # the list again, for the next search
    await pilot.pause()


def fresh_total(village: int | None) -> float:
    """The score as a fresh load reads it from the ledger."""
    return LiveScore().load(village).total


@pytest.mark.parametrize("size", SIZES)
async def test_a_save_updates_the_panel_once_the_worker_is_done(family, size):
    ledger.edit_person(family["wife"].id, {"marriage_date": None})  # a logic error
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await settled(app, pilot)
        before = app.live.result.total
        assert f"{before:.2f}/100" in panel_text(app)
        await fix_marriage_date(pilot, app, 1)
        await settled(app, pilot)
        after = app.live.result.total
        assert after > before
        assert after == pytest.approx(fresh_total(app.live.village))
        assert f"{after:.2f}/100" in panel_text(app)


@pytest.mark.parametrize("size", SIZES)
async def test_keys_are_handled_and_saves_kept_while_a_refresh_runs(family, size, monkeypatch):
    """The refresh is held in its thread: the panel keeps the last figures, the screens
    answer keys, and a second save made meanwhile is counted by the next refresh."""
    ledger.edit_person(family["wife"].id, {"marriage_date": None})
    ledger.edit_person(family["husband"].id, {"marriage_date": None})
    ledger.take_touched()  # made before the app: in its first load
    release = threading.Event()
    asked: list[set[int]] = []
    real = LiveScore.refresh

    def held(self, households, villages=None):
        asked.append(set(households))
        release.wait(20)
        return real(self, households, villages)

    monkeypatch.setattr(LiveScore, "refresh", held)
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await settled(app, pilot)
        before = app.live.result.total
        await fix_marriage_date(pilot, app, 1)  # the wife: its refresh is held
        assert asked == [{family["household"].id}]
        assert app.live.result.total == before  # the last figures, still shown
        assert f"{before:.2f}/100" in panel_text(app)
        await fix_marriage_date(pilot, app, 0)  # the husband, while the refresh waits
        assert len(asked) == 1  # one refresh at a time: this save waits for the next
        await pilot.press(*"0001")  # a search, answered at once
        await pilot.pause()
        assert app.screen.query_one("#search").value == "0001"
        release.set()
        await settled(app, pilot)
        assert asked == [{family["household"].id}, {family["household"].id}]
        after = app.live.result.total
        assert after > before and after == pytest.approx(fresh_total(app.live.village))
        assert f"{after:.2f}/100" in panel_text(app)


async def test_a_database_error_while_refreshing_is_a_message(family, monkeypatch):
    import peewee as pw

    def broken(self, households, villages=None):
        raise pw.OperationalError("disk I/O error")

    ledger.edit_person(family["wife"].id, {"marriage_date": None})
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(app, pilot)
        before = app.live.result.total
        monkeypatch.setattr(LiveScore, "refresh", broken)
        await fix_marriage_date(pilot, app, 1)
        await settled(app, pilot)
        assert app.is_running
        assert any("disk I/O error" in str(n.message) for n in app._notifications)
        assert f"{before:.2f}/100" in panel_text(app)  # the last figures stay


# A fresh interpreter (this one imported the write path long ago): the app opened on the
# ledger, search keys typed from its first paint on; every module the screen's thread
# loads is recorded by an audit hook (the score's worker loads the write path meanwhile,
# in its own thread).
PROBE = """
import asyncio, json, sys, threading
events = []
def hook(event, args):
    if event == "import" and threading.current_thread() is threading.main_thread():
        events.append(args[0])
from fptui import db
from fptui.tui.app import FptuiApp
from tests.tui.waiting import workers_done
db.open_database(sys.argv[1])
width, height = int(sys.argv[2]), int(sys.argv[3])
async def main():
    app = FptuiApp()
    async with app.run_test(size=(width, height)) as pilot:
        sys.addaudithook(hook)
        typed = []
        for key in "0001":
            await pilot.press(key)
            typed.append(app.screen.query_one("#search").value)
        await workers_done(app)
        await pilot.pause()
        score = app.live.result is not None
    print(json.dumps({"main": events, "typed": typed, "score": score,
                      "ledger": "fptui.ledger" in sys.modules}))
asyncio.run(main())
"""
HEAVY = ("pypinyin", "xlsxwriter", "stdnum", "fptui.ledger")


@sqlite_only
@pytest.mark.parametrize("size", SIZES)
def test_search_keys_from_the_first_paint_import_nothing_heavy(family, ledger_db, size):
    out = subprocess.run(
        [sys.executable, "-c", PROBE, ledger_db.url, *map(str, size)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    ).stdout
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["typed"] == ["0", "00", "000", "0001"]
    heavy = [m for m in seen["main"] if m.split(".")[0] in HEAVY or m.startswith(HEAVY)]
    assert heavy == []
    assert seen["score"] and seen["ledger"]  # the worker loaded them, after the paint


# --- the month end: counted in a worker ---------------------------------------------


@pytest.fixture
def warned(family, ledger_db):
    """Two children born before the mother's recorded first marriage: two warnings in
    王家庄村 in March; today 2 April."""
    import datetime as dt

    from fptui import clock

    with clock.frozen(dt.date(2026, 3, 3)):
        for name, day in (("王早", "2018-05-01"), ("王先", "2018-11-01")):
            ledger.record_birth(
                {"mother": family["wife"].id, "name": name, "sex": "M", "date": day}
            )
    with clock.frozen(dt.date(2026, 4, 2)):
        yield {**family, "village": ledger_db.village.id}


async def month_end(pilot, app) -> ReconcileScreen:
    await pilot.press("f3")
    await settled(app, pilot)
    assert isinstance(app.screen, TownshipMonthScreen)
    await pilot.press("enter")
    await settled(app, pilot)
    assert isinstance(app.screen, ReconcileScreen)
    return app.screen


def shows_as_counted_now(screen: ReconcileScreen) -> None:
    """The screen's figures are those of the month counted afresh on this thread."""
    r = reconcile.reconcile(screen.village, screen.month)
    assert screen.month in str(screen.query_one("#rc-title").render())
    assert str(screen.query_one("#rc-balance").render()) == balance_line(r.balance)
    assert str(screen.query_one("#rc-state").render()) == screen._state_line(r)
    rows = [screen.query_one(VirtualList).row(i) for i in range(len(screen.entries))]
    assert rows == [e.text for e in screen._entries(r)]


@pytest.mark.parametrize("size", SIZES)
async def test_space_and_brackets_show_the_figures_counted_afresh(warned, size):
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        screen = await month_end(pilot, app)
        shows_as_counted_now(screen)
        assert "2条未确认" in str(screen.query_one("#rc-state").render())
        await pilot.press("2", "down", "space")
        await settled(app, pilot)
        shows_as_counted_now(screen)
        assert "1条未确认" in str(screen.query_one("#rc-state").render())
        for key, month in (
            ("left_square_bracket", "2026-02"),
            ("right_square_bracket", "2026-03"),
        ):
            await pilot.press(key)
            await settled(app, pilot)
            assert screen.month == month
            shows_as_counted_now(screen)


@pytest.mark.parametrize("size", SIZES)
async def test_keys_work_while_the_month_is_counted_and_the_latest_wins(warned, size, monkeypatch):
    from fptui.tui.screens import reconcile as screen_module

    release = threading.Event()
    asked: list[str] = []
    real = reconcile.reconcile

    def held(village, month, *args, **kwargs):
        asked.append(month)
        release.wait(20)
        return real(village, month, *args, **kwargs)

    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        screen = await month_end(pilot, app)
        before = str(screen.query_one("#rc-balance").render())
        monkeypatch.setattr(screen_module.reconcile, "reconcile", held)
        await pilot.press("left_square_bracket")  # February: counted, held
        await pilot.pause()
        assert asked == ["2026-02"] and screen.month == "2026-02"
        assert "计算中" in str(screen.query_one("#rc-state").render())
        assert str(screen.query_one("#rc-balance").render()) == before  # the last figures
        await pilot.press("left_square_bracket", "left_square_bracket", "right_square_bracket")
        await pilot.pause()
        assert screen.month == "2026-01"  # every key handled meanwhile
        assert asked == ["2026-02"]  # one count at a time
        await pilot.press("space")  # not on another month's lines still shown
        await pilot.pause()
        assert Acknowledgement.select().count() == 0
        release.set()
        await settled(app, pilot)
        assert asked == ["2026-02", "2026-01"]  # February's dropped, the latest counted
        monkeypatch.setattr(screen_module.reconcile, "reconcile", real)
        assert screen.month == "2026-01"
        shows_as_counted_now(screen)


async def test_a_key_while_the_write_path_is_still_being_imported(ledger_db, monkeypatch):
    """The score's worker imports the write path after the first paint: a search key in
    that moment finds its module half made (no functions yet) and goes on, as nothing
    was saved (it once ended the app with an AttributeError)."""
    import sys
    import types

    from tests.tui.waiting import workers_done

    half = types.ModuleType("fptui.ledger.changes")  # as sys.modules holds it mid-import
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await workers_done(app)
        monkeypatch.setitem(sys.modules, "fptui.ledger.changes", half)
        await pilot.press(*"wang")
        await pilot.pause()
        assert app.is_running
        assert app.screen.query_one("#search").value == "wang"
