"""Bursts of keys (issue 14): each screen's own keys and printable text, generated, sent
with no pause between them and again with a pause after each key. The app must not fail,
and must end in the same place either way: the same screens open, the same field focused
with the same value. Nothing here saves (no Ctrl+S, no Y of a month close), so both runs
start from the same ledger.

One app serves every example of a test (starting one per example would take minutes):
each run opens its screen afresh over a blank one, and everything above the blank one is
closed after it. Opening screens is what the time goes on (Textual styling and laying
out a form: about 0.1-0.2 s each, twice per sequence and again for every screen its keys
open): 150 sequences took 54 s, 320 take about 85 s here."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from textual.screen import Screen
from textual.widgets import Input

from fptui.tui.app import FptuiApp
from tests.tui.burst import burst

TEXT = list("0123456789zsfwqa李王四-/")


@dataclass
class Session:
    loop: asyncio.AbstractEventLoop
    app: FptuiApp
    pilot: Any
    home: dict
    base: int = 0

    def run(self, opening: Callable[[], Any], keys: list[str], *, pauses: bool) -> tuple:
        return self.loop.run_until_complete(self._run(opening, keys, pauses))

    async def _settle(self) -> None:
        """Until every key is taken and the app is idle (the app's own measure of it;
        before it held keys, the pilot's pause)."""
        app = self.app
        settled = getattr(app, "_settled", None)
        if settled is None:
            await self.pilot.pause()
            return
        # The app's own wait gives up after half a second (a key must not wait for ever);
        # on a loaded machine a screen can take longer to open, and one closed while it
        # is still opening fails. So: until the keys are let go and the app is idle.
        for _ in range(200):
            await settled()  # the keys posted have reached the app: held, or let go
            pump = app._key_pump
            if not app._held_keys and (pump is None or pump.done()) and not app._busy():
                break

    async def _run(self, opening: Callable[[], Any], keys: list[str], pauses: bool) -> tuple:
        app = self.app
        with app._context():
            opening()
            await self._settle()
            if pauses:
                for key in keys:
                    burst(app, key)
                    await self._settle()
            else:
                burst(app, *keys)
            await self._settle()
            assert app.is_running and app._exception is None
            focused = app.focused
            state = (
                tuple(type(s).__name__ for s in app.screen_stack[self.base :]),
                focused.id if focused is not None else None,
                focused.value if isinstance(focused, Input) else None,
            )
            while len(app.screen_stack) > self.base:
                app.pop_screen()
            await self._settle()
        return state


@pytest.fixture
def session(family) -> Iterator[Session]:
    """One app for every example: it runs in a task of its own loop, which each example
    runs again until its keys are done."""
    loop = asyncio.new_event_loop()
    app = FptuiApp()
    ready: asyncio.Future = loop.create_future()
    done = asyncio.Event()

    async def lifetime() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            app.push_screen(Screen())  # keys that close the screen under test land here
            await pilot.pause()
            ready.set_result(pilot)
            await done.wait()

    task = loop.create_task(lifetime())
    pilot = loop.run_until_complete(ready)
    s = Session(loop, app, pilot, family, base=len(app.screen_stack))
    try:
        yield s
    finally:
        done.set()
        loop.run_until_complete(task)
        loop.close()


def keys_of(own: list[str], text: list[str] = TEXT, most: int = 8) -> st.SearchStrategy:
    return st.lists(st.sampled_from(own + text), min_size=1, max_size=most)


def examples(n: int) -> settings:
    """`n` generated sequences, each sent twice (in a burst, then key by key)."""
    return settings(
        max_examples=n,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: the keys are short already
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


# 320 sequences over 8 screens (the README's test line runs them all): more where a
# screen has more keys that open others.
EXAMPLES = examples(40)


def same_either_way(session: Session, opening: Callable[[], Any], keys: list[str]) -> None:
    fast = session.run(opening, keys, pauses=False)
    slow = session.run(opening, keys, pauses=True)
    assert fast == slow, keys


def household_list() -> Any:
    from fptui.tui.screens.households import HouseholdsScreen

    return HouseholdsScreen()


@EXAMPLES
@given(keys=keys_of(["up", "down", "enter", "escape", "ctrl+f", "backspace", "f4", "f5"]))
def test_household_list(session, keys):
    same_either_way(session, lambda: session.app.push_screen(household_list()), keys)


@EXAMPLES
@given(keys=keys_of(["up", "down", "enter", "a", "b", "x", "e", "f", "escape", "tab"]))
def test_household_card(session, keys):
    from fptui.tui.screens.household_card import HouseholdCardScreen

    home = session.home["household"].id
    same_either_way(session, lambda: session.app.push_screen(HouseholdCardScreen(home)), keys)


@EXAMPLES
@given(keys=keys_of(["e", "x", "c", "d", "escape", "up", "down", "enter", "tab"]))
def test_person_card(session, keys):
    from fptui.tui.screens.person_card import PersonCardScreen

    wife = session.home["wife"].id
    same_either_way(session, lambda: session.app.push_screen(PersonCardScreen(wife)), keys)


@EXAMPLES
@given(keys=keys_of(["tab", "shift+tab", "enter", "escape", "backspace", "y", "n"], most=12))
def test_person_form(session, keys):
    home = session.home["household"].id
    same_either_way(session, lambda: session.app.new_person(home), keys)


@EXAMPLES
@given(keys=keys_of(["up", "down", "enter", "escape"], text=list("0123456789")))
def test_event_picker(session, keys):
    home, wife = session.home["household"].id, session.home["wife"].id
    same_either_way(session, lambda: session.app.pick_event(home, wife, lambda _: None), keys)


# Screens with keys that write a file or close a month leave them out: `s` (the visit
# sheet) on F7, `y` (yes) after `c` on the month end, Enter and Ctrl+S on the export.
CALM_TEXT = list("0123456789zfwqa李王四-/")


@EXAMPLES
@given(keys=keys_of(["up", "down", "enter", "r", "escape", "f4", "f5", "tab"], text=CALM_TEXT))
def test_followups(session, keys):
    from fptui.tui.screens.followups import FollowupsScreen

    same_either_way(session, lambda: session.app.push_screen(FollowupsScreen()), keys)


@EXAMPLES
@given(
    keys=keys_of(
        [
            "up",
            "down",
            "enter",
            "space",
            "c",
            "n",
            "left_square_bracket",
            "right_square_bracket",
            "escape",
            "f4",
        ],
        text=CALM_TEXT,
    )
)
def test_month_end(session, keys):
    from fptui.tui.screens.reconcile import ReconcileScreen

    village = session.home["household"].village_id
    same_either_way(session, lambda: session.app.push_screen(ReconcileScreen(village)), keys)


@EXAMPLES
@given(keys=keys_of(["tab", "backspace", "f4", "escape", "up", "down"], text=CALM_TEXT))
def test_export(session, keys):
    from fptui.tui.screens.export import ExportScreen

    same_either_way(session, lambda: session.app.push_screen(ExportScreen()), keys)
