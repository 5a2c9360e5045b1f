"""F9: export a month's return by keys and see the file's path."""

from __future__ import annotations

import asyncio
import datetime as dt

import openpyxl
import pytest

from fptui import clock
from fptui.tui.app import FptuiApp
from fptui.tui.screens.export import ExportScreen


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_export_the_month_by_keys(family, tmp_path, monkeypatch, size):
    monkeypatch.chdir(tmp_path)
    with clock.frozen(dt.date(2026, 4, 3)):
        app = FptuiApp()
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await pilot.press("f9")
            await pilot.pause()
            assert isinstance(app.screen, ExportScreen)
            box = app.screen.query_one("#month")
            assert box.value == "2026-03"  # last month by default
            await pilot.press("ctrl+u", *"2026-3", "ctrl+s")
            await pilot.pause()
            assert "YYYY-MM" in str(app.screen.query_one("#export-result").render())
            await pilot.press("ctrl+u", *"2026-03", "f4", "2")  # 王家庄村
            await pilot.pause()
            await pilot.press("ctrl+s")
            for _ in range(100):
                await pilot.pause()
                if app.screen.written is not None:
                    break
                await asyncio.sleep(0.05)
            await pilot.pause()
            path = app.screen.written
            assert path is not None and path.name == "2026-03_王家庄村_月报.xlsx"
            assert str(path) in str(app.screen.query_one("#export-result").render())
            assert openpyxl.load_workbook(path).sheetnames[1] == "人口变动情况"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_full_disk_during_an_export_is_said_on_the_screen_which_stays(
    family, tmp_path, monkeypatch, size
):
    import errno

    from fptui.reports import xlsx

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(xlsx, "write", full)
    with clock.frozen(dt.date(2026, 4, 3)):
        app = FptuiApp()
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await pilot.press("f9")
            await pilot.pause()
            await pilot.press("ctrl+s")
            said = ""
            for _ in range(100):
                await pilot.pause()
                said = str(app.screen.query_one("#export-result").render())
                if "磁盘" in said:
                    break
                await asyncio.sleep(0.05)
            assert "磁盘已满" in said
            assert isinstance(app.screen, ExportScreen) and app.is_running
            assert list(tmp_path.glob("*.xlsx")) == []


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_month_not_yet_begun_is_refused_on_the_screen_and_by_the_command(
    family, ledger_db, tmp_path, monkeypatch, capsys, size
):
    from fptui import cli

    monkeypatch.chdir(tmp_path)
    with clock.frozen(dt.date(2026, 4, 3)):
        app = FptuiApp()
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await pilot.press("f9")
            await pilot.pause()
            await pilot.press("ctrl+u", *"2026-05", "ctrl+s")
            await pilot.pause()
            said = str(app.screen.query_one("#export-result").render())
            assert "2026-05还没开始" in said
            assert app.screen.written is None
        assert cli.main(["--db", ledger_db.url, "export", "--month", "2026-05"]) == 2
        assert "2026-05 has not begun" in capsys.readouterr().err
        assert list(tmp_path.glob("*.xlsx")) == []
