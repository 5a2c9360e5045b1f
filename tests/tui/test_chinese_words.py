"""Every word of the Chinese interface in Chinese (issue 14): Textual's own words (the
command palette's, Ctrl+C's hint) in ours, every screen and dialog free of English but
for the names of keys and of things (Excel), and `fptui close` / `fptui reopen` saying
what they did in the --lang chosen."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from fptui import cli, clock, ledger
from fptui.reads import period
from fptui.tui.app import FptuiApp
from fptui.tui.screens.household_card import HouseholdCardScreen
from tests.tui.screen_tour import (
    STOPS,
    go,
    press,
    screen_lines,
    settled,
    tour,  # noqa: F401 (the fixture)
)
from tests.tui.test_footers import home

# Names a Chinese screen writes in Latin letters: keys, a file format, the program, the
# month's format, and the cadre's user name (data, not the interface's words).
NAMES = {"Ctrl", "Enter", "Esc", "Space", "Tab", "Excel", "fptui", "YYYY", "MM", "tester"}


def english(app) -> set[str]:
    return set(re.findall(r"[A-Za-z]{2,}", "\n".join(screen_lines(app)))) - NAMES


def flat(app) -> str:
    """The screen's text without spaces and a notice's edge (its lines wrap)."""
    return re.sub(r"[\s▌]", "", "".join(screen_lines(app)))


async def wait_for(pilot, seen, limit: float = 5.0) -> None:
    import asyncio

    loop = asyncio.get_running_loop()
    give_up = loop.time() + limit
    while not seen() and loop.time() < give_up:
        await asyncio.sleep(0.02)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_palette_and_ctrl_c_speak_chinese(family, size):
    app = FptuiApp()
    async with app.run_test(size=size, notifications=True) as pilot:
        await settled(pilot)
        await press(pilot, "ctrl+p")
        await wait_for(pilot, lambda: "输入要做的事" in flat(app))
        assert "输入要做的事" in flat(app) and "随访" in flat(app)
        assert not english(app), english(app)
        await press(pilot, *"zzq")  # nothing matches it: the palette says so, after a while
        await wait_for(pilot, lambda: "没有找到" in flat(app))
        assert "没有找到这个命令" in flat(app)
        assert not english(app) - {"zzq"}, english(app)
        await press(pilot, "escape", *"0001", "enter")
        assert isinstance(app.screen, HouseholdCardScreen)
        await press(pilot, "ctrl+c")  # a cadre's reflex to quit: what to press instead
        await wait_for(pilot, lambda: "Ctrl+Q" in flat(app))
        assert "要退出fptui，请按Ctrl+Q" in flat(app)
        assert not english(app), english(app)
        assert app.is_running and isinstance(app.screen, HouseholdCardScreen)


@pytest.mark.usefixtures("tour")
async def test_every_screen_and_dialog_in_chinese():
    app = FptuiApp()
    found: dict[str, set[str]] = {}
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        for stop in STOPS:
            await go(pilot, stop)
            if words := english(app):
                found[stop.name] = words
            await home(pilot)
    assert not found, found


@pytest.mark.parametrize(
    ("lang", "closed", "reopened"),
    [([], "：已结账", "：已重开"), (["--lang", "en"], ": closed", ": reopened")],
)
def test_close_and_reopen_say_what_they_did_in_the_language(
    family, ledger_db, capsys, lang, closed, reopened
):
    database = ledger_db.url
    with clock.frozen(dt.date(2026, 3, 3)):
        assert cli.main(["--db", database, *lang, "close", "--month", "2026-02"]) == 0
        out = capsys.readouterr().out
        for village in ("王家庄村", "东营村"):
            assert f"{village} 2026-02{closed}\n" in out
        args = ["reopen", "--month", "2026-02", "--village", "东营村", "--reason", "更正"]
        assert cli.main(["--db", database, *lang, *args]) == 0
        assert capsys.readouterr().out == f"东营村 2026-02{reopened}\n"
        assert period.closed(ledger_db.other_village.id, "2026-02") is None
    if not lang:
        assert not re.search("[A-Za-z]{2,}", out.replace("2026-02", ""))


def test_a_failed_backup_says_so_in_chinese(family, ledger_db, capsys, monkeypatch):
    def failing(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(ledger, "close_months", failing)
    with clock.frozen(dt.date(2026, 3, 3)):
        assert cli.main(["--db", ledger_db.url, "close", "--month", "2026-02"]) == 1
    assert "备份失败，未结账" in capsys.readouterr().err
