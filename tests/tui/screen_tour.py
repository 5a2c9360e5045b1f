"""Every screen and dialog of the app, each reached by the keys a cadre presses from the
household list, and what a test reads of it as the terminal shows it.

`STOPS` is the list the footer, small-terminal and Chinese-words tests walk: a new screen
or dialog is one more `Stop` (its name, the keys that reach it, the screen's class)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pytest
from rich.console import Console

from fptui import clock, ledger
from tests.tui.burst import burst
from tests.tui.waiting import workers_done

CARD = ("0", "0", "0", "1", "enter")  # the family's household, from the list's search box


@dataclass(frozen=True)
class Stop:
    name: str
    keys: tuple[str, ...]
    screen: str  # the class name of the screen the keys end on

    def __str__(self) -> str:
        return self.name


STOPS = [
    Stop("households", (), "HouseholdsScreen"),
    Stop("household_card", CARD, "HouseholdCardScreen"),
    Stop("person_card", (*CARD, "enter"), "PersonCardScreen"),
    Stop("new_household_form", ("ctrl+n",), "FormScreen"),
    Stop("household_form", (*CARD, "e"), "FormScreen"),
    Stop("person_form", (*CARD, "a"), "FormScreen"),
    Stop("birth_form", (*CARD, "b"), "FormScreen"),
    Stop("event_picker", (*CARD, "x"), "Picker"),
    Stop("event_form", (*CARD, "x", "enter"), "FormScreen"),
    Stop("head_picker", (*CARD, "down", "h"), "Picker"),
    Stop("discard_dialog", (*CARD, "a", "李", "escape"), "ConfirmDiscard"),
    Stop("person_edit_form", (*CARD, "enter", "e"), "FormScreen"),
    Stop("correct_event_picker", (*CARD, "down", "down", "enter", "c"), "Picker"),
    Stop("event_edit_form", (*CARD, "down", "down", "enter", "c", "enter"), "FormScreen"),
    Stop("event_void_form", (*CARD, "down", "down", "enter", "d", "enter"), "FormScreen"),
    Stop("card_followups", (*CARD, "f"), "FollowupsScreen"),
    Stop("followups", ("f7",), "FollowupsScreen"),
    Stop("score", ("f8",), "ScoreScreen"),
    Stop("score_cases", ("f8", "enter"), "CasesScreen"),
    Stop("score_last_month", ("f8", "left_square_bracket"), "ScoreScreen"),
    Stop("score_year_to_date", ("f8", "y"), "ScoreScreen"),
    Stop("township_month", ("f3",), "TownshipMonthScreen"),
    Stop("month_end", ("f3", "enter"), "ReconcileScreen"),
    Stop("month_end_village_picker", ("f3", "enter", "f4"), "Picker"),
    Stop("close_month_dialog", ("f3", "enter", "c"), "Confirm"),
    Stop("export", ("f9",), "ExportScreen"),
    Stop("keys_help", ("f1",), "KeysHelp"),
    Stop("village_picker", ("f4",), "Picker"),
    Stop("group_picker", ("f5",), "Picker"),
    Stop("status_picker", ("f6",), "Picker"),
]


@pytest.fixture
def tour(family):
    """The family's household with a child born last year (a timeline to correct, a
    visit to do, a second member to make head)."""
    with clock.frozen(dt.date(2025, 11, 20)):
        ledger.record_birth(
            {"mother": family["wife"].id, "name": "王乐", "sex": "F", "date": "2025-11-20"}
        )
    return family


async def go(pilot, stop: Stop) -> None:
    """Press the stop's keys one by one, each handled before the next, and check the
    screen they end on."""
    app = pilot.app
    await settled(pilot)
    if stop.keys and stop.keys[0].startswith("f8"):
        await wait_for_score(pilot)
    await press(pilot, *stop.keys)
    assert type(app.screen).__name__ == stop.screen, (stop.name, app.screen_stack)


async def press(pilot, *keys: str) -> None:
    """Each key as the terminal sends it, handled before the next is sent."""
    for key in keys:
        burst(pilot.app, key)
        await settled(pilot)
        await workers_done(pilot.app)  # a list filled by a worker (F3)
        await settled(pilot)


async def settled(pilot, limit: float = 20.0) -> None:
    """Until the keys sent are handled and the app has been idle for a few looks (the
    app holds keys and lets them go one by one). Shorter than the pilot's own pause,
    which waits for the process's CPU time to stand still."""
    import asyncio

    app = pilot.app
    loop = asyncio.get_running_loop()
    give_up = loop.time() + limit
    quiet = 0
    while quiet < 3:
        assert loop.time() < give_up, "the keys were not handled in time"
        await asyncio.sleep(0.002)
        pump = app._key_pump
        idle = not app._held_keys and app._released_key is None
        quiet = quiet + 1 if idle and (pump is None or pump.done()) and not app._busy() else 0


async def wait_for_score(pilot, limit: float = 20.0) -> None:
    """The live score is counted in a thread after the first paint."""
    import asyncio

    loop = asyncio.get_running_loop()
    give_up = loop.time() + limit
    while pilot.app.live.result is None:
        assert loop.time() < give_up, "the score was not counted in time"
        await pilot.pause(0.05)


def screen_lines(app) -> list[str]:
    """The screen as the terminal shows it, line by line (a wide character once, its
    two cells counted by `rich.cells.cell_len`)."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text(styles=False).split("\n")[:height]
