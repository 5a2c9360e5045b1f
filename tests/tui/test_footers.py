"""Every screen's footer at 80 columns, in Chinese and in English (issue 14): each key it
shows is whole with its word, written as typed; what it leaves out is in F1's list; and a
list's Enter shows the word of what it does on that screen (F7: 完成).

One app per language walks every stop of `screen_tour.STOPS` (a new screen is one more
stop there), going back to the household list between stops."""

from __future__ import annotations

import re

import pytest
from rich.cells import cell_len
from textual.binding import Binding
from textual.screen import ModalScreen

from fptui.tui import text
from fptui.tui.app import FptuiApp, help_words
from fptui.tui.screens.households import HouseholdsScreen
from tests.tui.screen_tour import (
    STOPS,
    go,
    press,
    screen_lines,
    settled,
    tour,  # noqa: F401 (the fixture)
)

# A key as it is typed: a letter, digit or bracket as on the key, or the key's name.
AS_TYPED = re.compile(r"^([a-z0-9\[\]]|Enter|Esc|Space|Tab|F\d{1,2}|Ctrl\+[A-Z])$")
ASCII_WORD = re.compile(r"[A-Za-z]{2,}")

# Where a list's Enter does the screen's own action, the footer says which.
ENTER_SAYS = {
    "households": "open",
    "household_card": "open",
    "followups": "fk_done",
    "card_followups": "fk_done",
    "score": "score_cases",
    "score_cases": "open",
    "township_month": "open",
    "month_end": "open",
}


def shown_keys(app) -> list[tuple[str, str]]:
    """(key as shown, word) of each binding the footer of the current screen shows."""
    seen: dict[str, tuple[str, str]] = {}
    for active in app.screen.active_bindings.values():
        binding = active.binding
        if binding.show and binding.action not in seen:
            seen[binding.action] = (app.get_key_display(binding), binding.description)
    return list(seen.values())


async def home(pilot) -> None:
    """Back to the household list with an empty search box."""
    app = pilot.app
    while len(app.screen_stack) > 1:
        app.pop_screen()
        await settled(pilot)
    assert isinstance(app.screen, HouseholdsScreen)
    await press(pilot, "escape")  # clears the search


async def footer_drawn(pilot, limit: float = 5.0) -> None:
    """The footer is made again after its screen's keys change (a refresh later): until
    it holds a key for each binding it shows, each laid out."""
    import asyncio

    app = pilot.app
    loop = asyncio.get_running_loop()
    give_up = loop.time() + limit
    while loop.time() < give_up:
        drawn = app.screen.query("FooterKey")
        if len(drawn) == len(shown_keys(app)) and all(k.region.width for k in drawn):
            return
        await asyncio.sleep(0.01)


def footer_problems(app, stop_name: str, lang: str) -> list[str]:
    width = app.size.width
    line = screen_lines(app)[-1].rstrip()
    problems = []
    if cell_len(line) > width:
        problems.append(f"{stop_name}: footer {cell_len(line)} cells wide: {line!r}")
    keys = shown_keys(app)
    if not keys:
        problems.append(f"{stop_name}: no key in the footer")
    for key, words in keys:
        label = f"{key} {words}"
        if label not in line:
            problems.append(f"{stop_name}: {label!r} is not whole in the footer {line!r}")
        if not AS_TYPED.match(key):
            problems.append(f"{stop_name}: key {key!r} is not shown as typed")
        if lang == "zh" and ASCII_WORD.search(words):
            problems.append(f"{stop_name}: English in the Chinese footer: {words!r}")
    for footer_key in app.screen.query("FooterKey"):
        if footer_key.region.right > width or not footer_key.region.width:
            problems.append(f"{stop_name}: {footer_key.key} is cut off ({footer_key.region})")
    said = ENTER_SAYS.get(stop_name)
    if said is not None and ("Enter", text.t(said)) not in keys:
        problems.append(f"{stop_name}: Enter {text.t(said)} is not in the footer {line!r}")
    return problems


async def f1_problems(pilot, stop_name: str) -> list[str]:
    """F1 lists every key of the screen (shown in the footer or not) and of the app."""
    app = pilot.app
    screen_type = type(app.screen)
    await press(pilot, "f1")
    listed = " | ".join(f"{key} {words}" for key, words in app.screen.keys)
    problems = []
    for binding in [*screen_type.BINDINGS, *FptuiApp.BINDINGS]:
        if not isinstance(binding, Binding) or not binding.description:
            continue
        key = app.get_key_display(binding)
        words = help_words(binding.description)
        if not re.search(rf"(^|[ /|]){re.escape(key)}(/\S+)? {re.escape(words)}", listed):
            problems.append(f"{stop_name}: F1 does not list {key} {words}: {listed}")
    await press(pilot, "escape")
    return problems


@pytest.mark.usefixtures("tour")
@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_every_footer_fits_80_columns_with_its_keys_whole(lang):
    app = FptuiApp(lang)
    problems: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        for stop in STOPS:
            await go(pilot, stop)
            await footer_drawn(pilot)
            problems += footer_problems(app, stop.name, lang)
            if not isinstance(app.screen, ModalScreen):
                problems += await f1_problems(pilot, stop.name)
            await home(pilot)
    assert not problems, "\n".join(problems)


@pytest.mark.usefixtures("tour")
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_enter_on_the_followups_list_marks_the_visit_done(size):
    """F7: Enter, shown as `Enter 完成`, opens the visit's done form (the list's own
    Enter no longer takes the key first)."""
    from fptui.tui.screens.form import FormScreen

    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await go(pilot, next(s for s in STOPS if s.name == "followups"))
        await footer_drawn(pilot)
        assert "Enter 完成" in screen_lines(app)[-1]
        await press(pilot, "enter")
        assert isinstance(app.screen, FormScreen)
        assert "访视" in app.screen.title_text or "随访" in app.screen.title_text
