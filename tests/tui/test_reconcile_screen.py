"""F3, the month end, walked with key presses at 80x24 and 120x40: see the imbalance, open
the record behind it, correct it, acknowledge the warnings, close; reopen with a reason."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import sqlite_only

from fptui import clock, ledger
from fptui.models import AuditLog, MonthClose, Person
from fptui.reads import period
from fptui.tui.app import FptuiApp
from fptui.tui.screens.dialogs import Confirm, Picker
from fptui.tui.screens.form import FormScreen
from fptui.tui.screens.person_card import PersonCardScreen
from fptui.tui.screens.reconcile import ReconcileScreen, TownshipMonthScreen
from fptui.tui.widgets.virtual_list import VirtualList
from tests.tui.waiting import workers_done

SIZES = [(80, 24), (120, 40)]
D = dt.date


@pytest.fixture
def faulty(family, ledger_db):
    """February closed; in March the wife left the register with no event; today 2 April."""
    v = ledger_db.village.id
    with clock.frozen(D(2026, 3, 3)):
        ledger.close_month(v, "2026-02")
    Person.update(residence="moved_away").where(Person.id == family["wife"].id).execute()
    with clock.frozen(D(2026, 4, 2)):
        yield {**family, "village": v}


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def lines(app) -> list[str]:
    lst = app.screen.query_one(VirtualList)
    return [lst.row(i) for i in range(lst.count)]


async def open_month_end(pilot, app) -> None:
    """F3 with both villages shown: the township's overview; Enter on the first village."""
    await pilot.press("f3")
    await workers_done(app)
    await pilot.pause()
    assert isinstance(app.screen, TownshipMonthScreen)
    await workers_done(app)
    await pilot.pause()
    await pilot.press("enter")
    await workers_done(app)
    await pilot.pause()
    assert isinstance(app.screen, ReconcileScreen)


async def go_to(pilot, app, words: str) -> None:
    """Move the cursor down to the first line holding `words`."""
    rows = lines(app)
    index = next(i for i, row in enumerate(rows) if words in row)
    lst = app.screen.query_one(VirtualList)
    for _ in range(index - lst.cursor):
        await pilot.press("down")
    assert words in rows[lst.cursor]


@pytest.mark.parametrize("size", SIZES)
async def test_see_the_imbalance_open_the_record_correct_it_and_close(faulty, size):
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await open_month_end(pilot, app)
        assert "2026-03" in text_of(app, "#rc-title") and "未结账" in text_of(app, "#rc-title")
        assert "实有1" in text_of(app, "#rc-balance") and "差-1人" in text_of(app, "#rc-balance")
        assert "人口差-1" in text_of(app, "#rc-state")
        # C is refused, and says by how much
        await pilot.press("c")
        await workers_done(app)
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("y")
        await workers_done(app)
        await pilot.pause()
        assert MonthClose.select().count() == 1
        assert any("相差-1" in str(n.message) for n in app._notifications)
        # the error line names her; Enter opens her card
        await pilot.press("1")
        await go_to(pilot, app, "李秀英")
        await pilot.press("enter")
        await workers_done(app)
        await pilot.pause()
        assert isinstance(app.screen, PersonCardScreen)
        assert app.screen.person_id == faulty["wife"].id
        # the missing move out is recorded from her card
        await pilot.press("x")
        await workers_done(app)
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, Picker)
        index = next(i for i, label in enumerate(picker.labels) if "迁出" in label)
        await pilot.press(str(index + 1))
        await workers_done(app)
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        await pilot.press(*"2026-03-20", "tab", *"北京")
        await pilot.press("ctrl+s")
        await workers_done(app)
        await pilot.pause()
        assert isinstance(app.screen, PersonCardScreen)
        await pilot.press("escape")
        await workers_done(app)
        await pilot.pause()
        # back on the month end: balanced, nothing in the way
        assert isinstance(app.screen, ReconcileScreen)
        assert "平衡" in text_of(app, "#rc-balance")
        assert "可以结账：按 c 结账" in text_of(app, "#rc-state")  # the key as typed
        assert any("迁出" in row and "李秀英" in row for row in lines(app))  # a change
        await pilot.press("c")
        await workers_done(app)
        await pilot.pause()
        # the question names the village: a township's cadre closes many
        asked = "\n".join(str(w.render()) for w in app.screen.query("PlainLabel"))
        assert "结账：王家庄村 2026-03？" in asked
        await pilot.press("y")
        await workers_done(app)
        await pilot.pause()
        assert period.closed(faulty["village"], "2026-03") is not None
        assert "已结账" in text_of(app, "#rc-title")
        assert "冻结" in text_of(app, "#rc-state")


@pytest.mark.parametrize("size", SIZES)
async def test_warnings_are_acknowledged_one_by_one_with_space(family, ledger_db, size):
    with clock.frozen(D(2026, 3, 3)):
        for name, day in (("王早", "2018-05-01"), ("王先", "2018-11-01")):
            ledger.record_birth(
                {"mother": family["wife"].id, "name": name, "sex": "M", "date": day}
            )
    with clock.frozen(D(2026, 4, 2)):
        app = FptuiApp()
        async with app.run_test(size=size) as pilot:
            await open_month_end(pilot, app)
            warnings = [row for row in lines(app) if row.startswith(" [ ]")]
            assert len(warnings) == 2, lines(app)
            assert "2条未确认" in text_of(app, "#rc-state")
            await pilot.press("c", "y")
            await workers_done(app)
            await pilot.pause()
            assert MonthClose.select().count() == 0
            await pilot.press("2", "down", "space")
            await workers_done(app)
            await pilot.pause()
            assert "1条未确认" in text_of(app, "#rc-state")
            await pilot.press("space")  # again: not acknowledged after all
            await workers_done(app)
            await pilot.pause()
            assert "2条未确认" in text_of(app, "#rc-state")
            await pilot.press("space", "down", "space")
            await workers_done(app)
            await pilot.pause()
            assert [row[:4] for row in lines(app) if "[" in row[:3]] == [" [✓]", " [✓]"]
            assert "可以结账" in text_of(app, "#rc-state")
            await pilot.press("c", "y")
            await workers_done(app)
            await pilot.pause()
            row = MonthClose.get()
            assert row.month == "2026-03" and len(json.loads(row.figures)["acknowledged"]) == 2


@pytest.mark.parametrize("size", SIZES)
async def test_months_move_with_brackets_and_a_closed_one_reopens_with_a_reason(
    family, ledger_db, size
):
    v = ledger_db.village.id
    with clock.frozen(D(2026, 4, 2)):
        ledger.close_month(v, "2026-03")
        app = FptuiApp()
        async with app.run_test(size=size) as pilot:
            await open_month_end(pilot, app)
            # the overview's month: March, which 东营村 has still to close
            assert "2026-03" in text_of(app, "#rc-title") and "已结账" in text_of(app, "#rc-title")
            await pilot.press("right_square_bracket")
            await workers_done(app)
            await pilot.pause()
            assert "2026-04" in text_of(app, "#rc-title")
            assert "还没过完" in text_of(app, "#rc-state")
            await pilot.press("right_square_bracket")  # May has not begun
            await workers_done(app)
            await pilot.pause()
            assert "2026-04" in text_of(app, "#rc-title")
            await pilot.press("left_square_bracket")
            await workers_done(app)
            await pilot.pause()
            assert "2026-03" in text_of(app, "#rc-title") and "已结账" in text_of(app, "#rc-title")
            await pilot.press("r")
            await workers_done(app)
            await pilot.pause()
            assert isinstance(app.screen, FormScreen)
            await pilot.press("ctrl+s")  # no reason: refused, named
            await workers_done(app)
            await pilot.pause()
            assert isinstance(app.screen, FormScreen)
            assert "重开原因" in text_of(app, "#form-error") or "必填" in text_of(
                app, "#msg-reason"
            )
            assert period.closed(v, "2026-03") is not None
            await pilot.press(*"漏报出生")
            await pilot.press("ctrl+s")
            await workers_done(app)
            await pilot.pause()
            assert isinstance(app.screen, ReconcileScreen)
            assert period.closed(v, "2026-03") is None
            assert "未结账" in text_of(app, "#rc-title")
            assert "漏报出生" in AuditLog.get(AuditLog.action == "reopen_month").before


@pytest.mark.parametrize("size", SIZES)
async def test_an_event_is_corrected_from_the_card_unless_its_month_is_closed(
    family, ledger_db, size
):
    from fptui.models import Event
    from fptui.tui.screens.household_card import HouseholdCardScreen

    v, husband = ledger_db.village.id, family["husband"].id
    with clock.frozen(D(2026, 3, 3)):
        went = ledger.record_go_out(
            husband, {"date": "2026-02-10", "destination": "太原", "contact": "13800000000"}
        )
        ledger.close_month(v, "2026-02")
        back = ledger.record_event("return", {"date": "2026-03-02"}, person=husband)
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await pilot.press(*"0001", "enter")
        await workers_done(app)
        await pilot.pause()
        assert isinstance(app.screen, HouseholdCardScreen)
        await pilot.press("enter")  # the head
        await workers_done(app)
        await pilot.pause()
        assert isinstance(app.screen, PersonCardScreen)
        await pilot.press("c")
        await workers_done(app)
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, Picker) and len(picker.labels) == 2
        assert picker.labels[0].startswith("2026-03-02")  # newest first
        await pilot.press("1")  # March's return: its month is open, the date moves
        await workers_done(app)
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        assert app.screen.query_one("#in-date").value == "2026-03-02"
        app.screen.query_one("#in-date").value = ""
        await pilot.press(*"2026-03-05", "ctrl+s")
        await workers_done(app)
        await pilot.pause()
        assert isinstance(app.screen, PersonCardScreen)
        assert Event.get_by_id(back.id).happened_on == D(2026, 3, 5)
        await pilot.press("c", "2")  # February's going out: closed
        await workers_done(app)
        await pilot.pause()
        app.screen.query_one("#in-date").value = ""
        await pilot.press(*"2026-02-12", "ctrl+s")
        await workers_done(app)
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)  # refused, and says how to correct it
        assert "2026-02已结账" in str(app.screen.query_one("#form-error").render()) + str(
            app.screen.query_one("#msg-date").render()
        )
        assert Event.get_by_id(went.id).happened_on == D(2026, 2, 10)


@pytest.mark.parametrize("size", SIZES)
async def test_an_event_entered_in_error_is_voided_from_the_card_with_a_reason(
    family, ledger_db, size
):
    from fptui.models import Event
    from fptui.tui.screens.household_card import HouseholdCardScreen

    husband = family["husband"].id
    with clock.frozen(D(2026, 3, 3)):
        ledger.record_go_out(
            husband, {"date": "2026-02-10", "destination": "太原", "contact": "13800000000"}
        )
        ledger.close_month(ledger_db.village.id, "2026-02")
        ledger.record_event("return", {"date": "2026-03-02"}, person=husband)
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await pilot.press(*"0001", "enter")
        await workers_done(app)
        await pilot.pause()
        assert isinstance(app.screen, HouseholdCardScreen)
        await pilot.press("enter")
        await workers_done(app)
        await pilot.pause()
        await pilot.press("d", "1")  # March's return, entered in error
        await workers_done(app)
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        await pilot.press("ctrl+s")  # no reason: refused, named
        await workers_done(app)
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        assert Event.select().where(Event.kind == "return").count() == 1
        await pilot.press(*"录错了人", "ctrl+s")
        await workers_done(app)
        await pilot.pause()
        assert isinstance(app.screen, PersonCardScreen)
        assert Event.select().where(Event.kind == "return").count() == 0
        assert Person.get_by_id(husband).residence == "out"
        assert "返回" not in str(app.screen.query_one("#timeline").render())
        await pilot.press("d", "1")  # February's going out: its month is closed
        await workers_done(app)
        await pilot.pause()
        await pilot.press(*"录错", "ctrl+s")
        await workers_done(app)
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        assert "2026-02已结账" in str(app.screen.query_one("#form-error").render())
        assert Person.get_by_id(husband).residence == "out"


def test_a_change_is_named_by_its_event_or_its_write_function(family):
    from fptui.reads.reconcile import Change
    from fptui.tui import text
    from fptui.tui.screens.reconcile import action_label

    def label(action: str) -> str:
        return action_label(Change(dt.datetime(2026, 3, 1), "u", action, "person", 1, "", 1, ""))

    assert label("record_birth") == label("record_birth_child") == "出生登记"
    assert label("record_go_out_person") == label("record_go_out")
    assert (label("add_person"), label("edit_person"), label("void_event")) == (
        "新增人员",
        "修改人员",
        "作废事件",
    )
    text.set_lang("en")
    try:
        assert label("add_person") == "Person added"
    finally:
        text.set_lang("zh")


@sqlite_only
@pytest.mark.parametrize("size", SIZES)
async def test_a_failed_backup_on_close_is_a_message_and_nothing_closes(
    family, ledger_db, size, monkeypatch
):
    from fptui import backup

    def fail(*args, **kwargs):
        raise backup.BackupError("disk full")

    monkeypatch.setattr(backup, "backup", fail)
    with clock.frozen(D(2026, 4, 2)):
        app = FptuiApp()
        async with app.run_test(size=size) as pilot:
            await open_month_end(pilot, app)
            assert "可以结账" in text_of(app, "#rc-state")
            await pilot.press("c", "y")
            await workers_done(app)
            await pilot.pause()
            assert isinstance(app.screen, ReconcileScreen)
            assert any("disk full" in str(n.message) for n in app._notifications)
            assert MonthClose.select().count() == 0


@pytest.mark.parametrize("size", SIZES)
async def test_voiding_a_birth_from_the_childs_own_card_goes_back(family, size):
    from fptui.models import Event
    from fptui.tui.screens.household_card import HouseholdCardScreen

    ledger.record_birth({"mother": family["wife"].id, "name": "王二", "sex": "M", "date": "3-1"})
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await pilot.press(*"0001", "enter")
        await workers_done(app)
        await pilot.pause()
        await pilot.press("down", "down", "enter")  # the child, under his parents
        await workers_done(app)
        await pilot.pause()
        assert isinstance(app.screen, PersonCardScreen)
        assert "王二" in text_of(app, "#card-title")
        await pilot.press("d", "1")
        await workers_done(app)
        await pilot.pause()
        await pilot.press(*"重复录入", "ctrl+s")
        await workers_done(app)
        await pilot.pause()
        assert isinstance(app.screen, HouseholdCardScreen)  # his card closed: he is gone
        assert Event.select().where(Event.kind == "birth").count() == 0


@pytest.mark.parametrize("size", SIZES)
async def test_the_township_overview_shows_every_villages_month(faulty, size):
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await pilot.press("f3")
        await workers_done(app)
        await pilot.pause()
        assert isinstance(app.screen, TownshipMonthScreen)
        await workers_done(app)
        await pilot.pause()
        assert "2026-03" in text_of(app, "#tm-title")  # the oldest month still to close
        rows = lines(app)
        assert rows[0].startswith("王家庄村") and "未结账" in rows[0] and "-1" in rows[0]
        assert rows[1].startswith("东营村") and "未结账" in rows[1]
        assert "2个村中已结账0个" in text_of(app, "#tm-state")
        await pilot.press("left_square_bracket")  # February: closed in 王家庄村 only
        await workers_done(app)
        await pilot.pause()
        assert "2026-02" in text_of(app, "#tm-title")
        rows = lines(app)
        assert "已结账" in rows[0] and "未结账" in rows[1]
        assert "2个村中已结账1个" in text_of(app, "#tm-state")
        await pilot.press("down", "enter")  # 东营村's February
        await workers_done(app)
        await pilot.pause()
        assert isinstance(app.screen, ReconcileScreen)
        assert "东营村" in text_of(app, "#rc-title") and "2026-02" in text_of(app, "#rc-title")
        await pilot.press("escape")
        await workers_done(app)
        await pilot.pause()
        assert isinstance(app.screen, TownshipMonthScreen)


async def test_a_database_error_while_counting_is_a_message_not_the_end(
    family, ledger_db, monkeypatch
):
    import peewee as pw

    from fptui.reads import reconcile
    from fptui.tui.widgets.score_panel import LiveScore

    def gone(*args, **kwargs):
        raise pw.OperationalError("server closed the connection")

    monkeypatch.setattr(LiveScore, "load", gone)  # the score at start
    monkeypatch.setattr(reconcile, "township", gone)  # the township overview
    with clock.frozen(D(2026, 4, 2)):
        app = FptuiApp()
        async with app.run_test(size=(80, 24)) as pilot:
            await workers_done(app)
            await pilot.pause()
            assert any("得分计算失败" in str(n.message) for n in app._notifications)
            await pilot.press("f3")
            await workers_done(app)
            await pilot.pause()
            assert isinstance(app.screen, TownshipMonthScreen)
            assert "统计失败" in text_of(app, "#tm-state")
            assert app.is_running and app._exception is None
