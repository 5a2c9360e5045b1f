"""No traceback, ever, and typed work survives (issue 13).

An error nobody expected, raised while a cadre saves a new person whose name and ID
number are in the exception's message and in the raising function's locals, ends the app
with one line in the interface's language, status 3 and an owner-only report holding
neither; the form's typed values come back when the same form opens again. A failure
the cadre can act on (disk full, ledger busy) is said in plain words instead.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import stat
from pathlib import Path

import peewee as pw
import pytest

from fptui import drafts, idcard, ledger
from fptui.db import DiskFull
from fptui.models import Person
from fptui.reads import queries
from fptui.tui import safety
from fptui.tui.app import FptuiApp
from fptui.tui.screens.form import FormScreen
from fptui.tui.screens.household_card import HouseholdCardScreen
from tests.tui.waiting import workers_done

NAME = "赵铁柱"
ID_NUMBER = idcard.make("140121", dt.date(1990, 5, 4), 7, "M")
SIZES = [(80, 24), (120, 40)]


@pytest.fixture(autouse=True)
def data_home(tmp_path, monkeypatch) -> Path:
    """Drafts (and a server ledger's reports) in the test's own per-user data folder."""
    home = tmp_path / "data-home"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


async def open_new_person_form(app: FptuiApp, pilot) -> FormScreen:
    await pilot.pause()
    await pilot.press(*"0001", "enter")
    await pilot.pause()
    assert isinstance(app.screen, HouseholdCardScreen)
    await pilot.press("a")
    await pilot.pause()
    assert isinstance(app.screen, FormScreen)
    return app.screen


async def type_person(app: FptuiApp, pilot) -> None:
    """Name and ID number typed as a cadre does (the ID fills sex and date of birth)."""
    app.screen.input("name").focus()
    await pilot.press(*NAME, "tab")
    app.screen.input("id_number").focus()
    await pilot.press(*ID_NUMBER, "tab")
    await pilot.pause()


def failing_add_person(household: object, values: dict) -> None:
    name, number = values["name"], values["id_number"]  # locals Textual would print
    raise RuntimeError(f"cannot add {name} ({number})")


def report_named_in(line: str) -> Path:
    found = re.search(r"(/\S+?fptui-error-[\d-]+\.txt)", line)
    assert found, line
    return Path(found.group(1))


@pytest.mark.parametrize("size", SIZES)
async def test_an_unexpected_error_is_one_line_a_report_without_data_and_status_3(
    family, size, monkeypatch, capsys, data_home
):
    monkeypatch.setattr(ledger, "add_person", failing_add_person)
    app = FptuiApp()
    with pytest.raises(RuntimeError):  # run_test hands the error on to the test
        async with app.run_test(size=size) as pilot:
            await open_new_person_form(app, pilot)
            await type_person(app, pilot)
            await pilot.press("ctrl+s")
            await pilot.pause()
    assert app.return_code == 3
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err  # one line; no traceback, no locals
    shown = lines[0]
    assert shown.startswith("fptui: 出错了（RuntimeError）：已写入错误报告 ")
    for secret in (NAME, ID_NUMBER, "cannot add"):
        assert secret not in shown
    assert "Traceback" not in shown and "locals" not in shown
    assert "未保存的表单已留作草稿" in shown

    report = report_named_in(shown)
    where = safety.ledger()
    assert report.parent == (Path(where).parent if "://" not in where else data_home / "fptui")
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    text = report.read_text()
    assert NAME not in text and ID_NUMBER not in text and "cannot add" not in text
    assert "error: RuntimeError" in text
    assert "in failing_add_person" in text and "in action_save" in text
    assert re.search(r"test_failures\.py:\d+ in failing_add_person", text)
    assert "fptui: 0.1.0" in text and "time: " in text


@pytest.mark.parametrize("size", SIZES)
async def test_typed_work_comes_back_after_a_crash_and_goes_once_saved(
    family, size, monkeypatch, data_home
):
    with monkeypatch.context() as patch:
        patch.setattr(ledger, "add_person", failing_add_person)
        app = FptuiApp()
        with pytest.raises(RuntimeError):
            async with app.run_test(size=size) as pilot:
                await open_new_person_form(app, pilot)
                await type_person(app, pilot)
                await pilot.press("ctrl+s")
                await pilot.pause()
    kept = list((data_home / "fptui" / "drafts").glob("*.json"))
    assert len(kept) == 1 and stat.S_IMODE(kept[0].stat().st_mode) == 0o600
    assert NAME not in kept[0].name

    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        form = await open_new_person_form(app, pilot)
        assert form.input("name").value == NAME
        assert form.input("id_number").value == ID_NUMBER
        assert "上次未保存的内容已恢复（Ctrl+Z 放弃）" in str(
            form.query_one("#form-draft").render()
        )
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, FormScreen)
    assert Person.get_or_none(Person.id_number == ID_NUMBER) is not None
    assert not list((data_home / "fptui" / "drafts").glob("*.json"))


async def test_a_draft_is_for_its_own_form_and_record_and_ctrl_z_drops_it(family, data_home):
    where = safety.ledger()
    household = family["household"].id
    drafts.keep(where, f"person:new:{household}", {"name": NAME, "id_number": ID_NUMBER})
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"0001", "enter")
        await pilot.pause()
        await pilot.press("b")  # a birth in the same household: another form
        await pilot.pause()
        assert isinstance(app.screen, FormScreen) and not app.screen.query("#form-draft")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert form.input("name").value == NAME
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert form.input("name").value == "" and form.input("id_number").value == ""
        assert not form.query("#form-draft") and not form.dirty()
        assert drafts.load(where, f"person:new:{household}") is None


async def test_discarding_the_changes_deletes_the_draft(family, data_home):
    where = safety.ledger()
    key = f"person:new:{family['household'].id}"
    drafts.keep(where, key, {"name": NAME})
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_new_person_form(app, pilot)
        await pilot.press("escape", "y")
        await pilot.pause()
        assert isinstance(app.screen, HouseholdCardScreen)
    assert drafts.load(where, key) is None


def sqlite_full(household: object, values: dict) -> None:
    raise pw.OperationalError("database or disk is full")


def refused_as_full(household: object, values: dict) -> None:
    """The write path's own refusal (fptui.db.DiskFull), here of SQLite's "disk I/O
    error" met on a disk with no room left."""
    try:
        raise pw.OperationalError("disk I/O error")
    except pw.OperationalError as exc:
        raise DiskFull() from exc


@pytest.mark.parametrize(
    ("size", "full"),
    [(SIZES[0], sqlite_full), (SIZES[1], sqlite_full), (SIZES[0], refused_as_full)],
)
async def test_a_full_disk_while_saving_is_said_in_the_form_which_keeps_what_was_typed(
    family, size, full, tmp_path
):

    disk = pytest.MonkeyPatch()
    disk.setattr(ledger, "add_person", full)
    app = FptuiApp()
    async with app.run_test(size=size, notifications=True) as pilot:
        form = await open_new_person_form(app, pilot)
        await type_person(app, pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form and form.input("name").value == NAME
        said = str(form.query_one("#form-error").render())
        assert said == "磁盘已满：请腾出磁盘空间后再试。已保存的内容不会丢失。"
        assert any("磁盘已满" in n.message for n in app._notifications)
        disk.undo()
        await pilot.press("ctrl+s")  # space freed: the same form saves
        await pilot.pause()
        assert not isinstance(app.screen, FormScreen)
    assert not app.return_code
    assert Person.get_or_none(Person.id_number == ID_NUMBER) is not None
    assert not list(tmp_path.glob("fptui-error-*.txt"))


async def test_a_locked_ledger_outside_a_form_ends_with_the_busy_message(
    family, monkeypatch, capsys
):
    def locked(household: int) -> None:
        raise pw.OperationalError("database is locked")

    monkeypatch.setattr(queries, "household_card", locked)
    app = FptuiApp(lang_code="en")
    with pytest.raises(pw.OperationalError):
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press(*"0001", "enter")
            await pilot.pause()
    assert app.return_code == 3
    err = capsys.readouterr().err.strip()
    assert "\n" not in err
    assert err.startswith(
        "fptui: The ledger is busy (another program is writing to it): try again in a "
        "moment. Nothing saved is lost. Error report: "
    )
    assert "Traceback" not in err


async def test_textual_giving_up_on_its_own_is_the_same_one_line(family, capsys):
    """Textual's input thread, failing, asks the app to panic with a traceback."""
    from rich.traceback import Traceback

    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        secret = f"{NAME} {ID_NUMBER}"
        try:
            raise OSError(5, secret)
        except OSError:
            app.call_later(app.panic, Traceback(show_locals=True))
        for _ in range(100):  # the app ends: nothing left for the pilot to wait on
            if app._ended_on_failure:
                break
            await asyncio.sleep(0.02)
    assert app.return_code == 3
    err = capsys.readouterr().err.strip()
    assert err.startswith("fptui: 出错了（OSError）：已写入错误报告 ")
    assert NAME not in err and ID_NUMBER not in err and "Traceback" not in err
    text = report_named_in(err).read_text()
    assert "error: OSError" in text and NAME not in text and ID_NUMBER not in text


async def test_a_failed_worker_is_named_by_its_own_error(family, capsys):
    """A thread worker's error reaches the app wrapped (WorkerFailed, whose message
    quotes it): the line names the worker's error, and nothing of its message."""

    def work() -> None:
        secret = f"{NAME} {ID_NUMBER}"
        raise KeyError(secret)

    app = FptuiApp()
    with pytest.raises(Exception, match="Worker raised"):
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            app.run_worker(work, thread=True)
            await workers_done(app)
            await pilot.pause()
    assert app.return_code == 3
    err = capsys.readouterr().err
    assert err.startswith("fptui: 出错了（KeyError）：已写入错误报告 ")
    assert NAME not in err and ID_NUMBER not in err
    text = report_named_in(err).read_text()
    assert "error: textual.worker.WorkerFailed" in text and "KeyError" in text
    assert re.search(r"test_failures\.py:\d+ in work", text) and NAME not in text


async def test_a_draft_holds_only_what_was_changed_and_leaves_a_later_change_alone(family):
    """An edit kept as a draft brings back the cadre's field only: another cadre's save
    made meanwhile to a field the draft never touched is neither undone nor refused."""
    from fptui.tui.forms import person_form

    wife, household = family["wife"].id, family["household"].id
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(person_form(household, wife))
        await pilot.pause()
        app.screen.input("phone").focus()
        await pilot.press(*"13912345678", "tab")
        await pilot.pause()
        assert safety.keep_drafts(app) == 1
    assert drafts.load(safety.ledger(), f"person:{wife}") == {"phone": "13912345678"}

    ledger.edit_person(wife, {"note": "另一位专干的备注"})  # saved meanwhile, elsewhere
    app = FptuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.push_screen(person_form(household, wife))
        await pilot.pause()
        form = app.screen
        assert form.input("phone").value == "13912345678"
        assert form.input("note").value == "另一位专干的备注"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, FormScreen)
    saved = Person.get_by_id(wife)
    assert (saved.phone, saved.note) == ("13912345678", "另一位专干的备注")
