"""The month end keeps acknowledged warnings: Space stores one with who and when, it is
still there after leaving the screen and in a new app on the same ledger, and the month
closes without acknowledging again. The close and reopen questions name the village and
the month; the keys are shown as typed, within 80 columns."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from fptui import clock, db, ledger
from fptui.models import Acknowledgement, AuditLog, MonthClose
from fptui.reads import period, reconcile
from fptui.tui import text
from fptui.tui.app import FptuiApp
from fptui.tui.screens.dialogs import Confirm
from fptui.tui.screens.form import FormScreen
from fptui.tui.screens.reconcile import ReconcileScreen, TownshipMonthScreen
from fptui.tui.widgets.virtual_list import VirtualList
from tests.tui.waiting import workers_done

SIZES = [(80, 24), (120, 40)]
D = dt.date


@pytest.fixture
def warned(family, ledger_db):
    """Two children born before the mother's recorded first marriage: two warnings in
    王家庄村, nothing else in the way of closing March; today 2 April."""
    with clock.frozen(D(2026, 3, 3)):
        for name, day in (("王早", "2018-05-01"), ("王先", "2018-11-01")):
            ledger.record_birth(
                {"mother": family["wife"].id, "name": name, "sex": "M", "date": day}
            )
    with clock.frozen(D(2026, 4, 2)):
        yield {**family, "village": ledger_db.village.id}


def lines(app) -> list[str]:
    lst = app.screen.query_one(VirtualList)
    return [lst.row(i) for i in range(lst.count)]


def warning_lines(app) -> list[str]:
    return [row for row in lines(app) if row.startswith((" [ ]", " [✓]"))]


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def open_month_end(pilot, app) -> None:
    """F3: the township's overview; Enter on the first village, 王家庄村."""
    await pilot.press("f3")
    await workers_done(app)
    await pilot.pause()
    assert isinstance(app.screen, TownshipMonthScreen)
    await pilot.press("enter")
    await workers_done(app)
    await pilot.pause()
    assert isinstance(app.screen, ReconcileScreen)
    assert "王家庄村" in text_of(app, "#rc-title") and "2026-03" in text_of(app, "#rc-title")


@pytest.mark.parametrize("size", SIZES)
async def test_an_acknowledgement_outlives_the_screen_and_the_app_and_the_month_closes(
    warned, ledger_db, size
):
    v = warned["village"]
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await open_month_end(pilot, app)
        assert len(warning_lines(app)) == 2
        assert "2条未确认" in text_of(app, "#rc-state")
        await pilot.press("2", "down", "space")  # the first warning
        await workers_done(app)
        await pilot.pause()
        first = warning_lines(app)[0]
        assert first.startswith(" [✓] tester 04-02 12:00确认 · "), first
        assert "1条未确认" in text_of(app, "#rc-state")
        assert Acknowledgement.select().count() == 1
        # leave, and come back: still acknowledged, by whom and when
        await pilot.press("escape")
        await workers_done(app)
        await pilot.pause()
        assert isinstance(app.screen, TownshipMonthScreen)
        await pilot.press("enter")
        await workers_done(app)
        await pilot.pause()
        assert isinstance(app.screen, ReconcileScreen)
        assert warning_lines(app)[0] == first
        assert "1条未确认" in text_of(app, "#rc-state")
        await pilot.press("2", "down", "down", "space")  # the second
        await workers_done(app)
        await pilot.pause()
        assert all(row.startswith(" [✓] tester") for row in warning_lines(app))
        assert "可以结账：按 c 结账" in text_of(app, "#rc-state")
    # a new app on the same ledger, opened afresh
    db.close_database()
    db.open_database(ledger_db.url)
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await open_month_end(pilot, app)
        assert warning_lines(app)[0] == first
        assert all(row.startswith(" [✓] tester 04-02 12:00") for row in warning_lines(app))
        assert "可以结账" in text_of(app, "#rc-state")
        await pilot.press("c")  # closes with no warning acknowledged again
        await workers_done(app)
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("y")
        await workers_done(app)
        await pilot.pause()
        assert isinstance(app.screen, ReconcileScreen)
        assert period.closed(v, "2026-03") is not None
        assert len(json.loads(MonthClose.get().figures)["acknowledged"]) == 2
        # kept with the close; a closed month's cannot change
        assert all(row.startswith(" [✓] tester") for row in warning_lines(app))
        await pilot.press("2", "down", "space")
        await workers_done(app)
        await pilot.pause()
        assert any("2026-03已结账" in str(n.message) for n in app._notifications)
        assert Acknowledgement.select().count() == 2


@pytest.mark.parametrize("size", SIZES)
async def test_space_again_withdraws_the_acknowledgement_audited(warned, size):
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await open_month_end(pilot, app)
        await pilot.press("2", "down", "space")
        await workers_done(app)
        await pilot.pause()
        assert warning_lines(app)[0].startswith(" [✓]")
        await pilot.press("space")
        await workers_done(app)
        await pilot.pause()
        assert warning_lines(app)[0].startswith(" [ ] ")
        assert "2条未确认" in text_of(app, "#rc-state")
        assert Acknowledgement.select().count() == 0
        assert [
            a.action for a in AuditLog.select().where(AuditLog.table == "acknowledgement")
        ] == [
            "acknowledge_warning",
            "withdraw_acknowledgement",
        ]
        # the month's changes list both, in words
        assert any("撤销警告确认" in row for row in lines(app))


@pytest.mark.parametrize("size", SIZES)
async def test_the_close_and_reopen_questions_name_the_village_and_the_month(warned, size):
    v = warned["village"]
    ledger.acknowledge_warning(v, "2026-03", "x:0")  # a stray key: not a warning, not shown
    for warning in reconcile.reconcile(v, "2026-03").warnings:
        ledger.acknowledge_warning(v, "2026-03", reconcile.warning_key(warning))
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await open_month_end(pilot, app)
        assert len(warning_lines(app)) == 2  # the stray key is not a line
        await pilot.press("c")
        await workers_done(app)
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        asked = "\n".join(str(w.render()) for w in app.screen.query("PlainLabel"))
        assert "王家庄村" in asked and "2026-03" in asked
        await pilot.press("y")
        await workers_done(app)
        await pilot.pause()
        assert period.closed(v, "2026-03") is not None
        await pilot.press("r")
        await workers_done(app)
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        asked = "\n".join(str(w.render()) for w in app.screen.query("PlainLabel"))
        assert "王家庄村" in asked and "2026-03" in asked
        await pilot.press(*"漏报出生", "ctrl+s")
        await workers_done(app)
        await pilot.pause()
        assert isinstance(app.screen, ReconcileScreen)
        assert period.closed(v, "2026-03") is None
        # reopened: the meeting looks at the warnings again
        assert all(row.startswith(" [ ] ") for row in warning_lines(app))
        assert "2条未确认" in text_of(app, "#rc-state")


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_month_end_footers_show_keys_as_typed_within_80_columns(warned, lang):
    from textual.widgets._footer import FooterKey

    app = FptuiApp(lang)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("f3")
            await workers_done(app)
            await pilot.pause()
            for screen in (TownshipMonthScreen, ReconcileScreen):
                assert isinstance(app.screen, screen)
                keys = {k.key_display: k for k in app.screen.query(FooterKey)}
                assert {"[", "]", "Esc"} <= set(keys)
                for key in keys.values():
                    assert key.region.width > 0 and key.region.right <= 80, key.key_display
                await pilot.press("enter")
                await workers_done(app)
                await pilot.pause()
            assert {"Space", "c"} <= set(keys)  # lower-case, as typed; r is in F1's list
            assert keys["c"].description == text.t("fk_close_month")
    finally:
        text.set_lang("zh")


async def test_a_full_disk_on_acknowledging_is_a_message_and_nothing_is_kept(warned, monkeypatch):
    def full(*args, **kwargs):
        raise db.DiskFull()

    monkeypatch.setattr(ledger, "acknowledge_warning", full)
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_month_end(pilot, app)
        await pilot.press("2", "down", "space")
        await workers_done(app)
        await pilot.pause()
        assert any("磁盘已满" in str(n.message) for n in app._notifications)
        assert app.is_running and app._exception is None
        assert warning_lines(app)[0].startswith(" [ ] ")
        assert Acknowledgement.select().count() == 0
