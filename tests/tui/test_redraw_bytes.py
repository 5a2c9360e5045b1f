"""What a key sends down the line (issue 15): Down in the household list redraws the two
rows that changed, Tab in a form the fields that changed, not the screen. The bytes are
counted as a terminal would receive them (Textual's headless driver made to render, as
benchmarks/bench_scale.py does), and replayed into a small terminal model: the screen
they leave must be the one a full redraw paints, cursor row and focused field included."""

from __future__ import annotations

import re
from contextlib import contextmanager
from unittest import mock

import pytest
from rich.cells import cell_len
from textual.widgets import Input

from fptui import ledger
from fptui.tui.app import FptuiApp
from fptui.tui.screens.form import FormScreen
from fptui.tui.screens.households import HouseholdsScreen
from fptui.tui.widgets.virtual_list import VirtualList
from tests.tui.waiting import workers_done

SIZES = [(80, 24), (120, 40)]
DOWN_GOAL = 600  # bytes, issue 15
TAB_GOAL = 2048
HOUSEHOLDS = 45  # more than a screen of rows at either size

_CSI = re.compile(r"\x1b\[([0-9;?]*)([A-Za-z])")


class Terminal:
    """Just enough of a terminal for Textual's updates: cursor moves, colours, text."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.cells = [[(" ", "")] * width for _ in range(height)]
        self.x = self.y = 0
        self.style = ""
        self.rows_written: set[int] = set()

    def feed(self, data: str) -> None:
        at = 0
        for match in _CSI.finditer(data):
            self._text(data[at : match.start()])
            at = match.end()
            args, command = match.groups()
            if command == "H":
                row, col = (int(n) for n in (args or "1;1").split(";"))
                self.y, self.x = row - 1, col - 1
            elif command == "m":
                self.style = "" if args in ("", "0") else args
        self._text(data[at:])

    def _text(self, text: str) -> None:
        for char in text:
            if char in "\r\n" or not char.isprintable():
                continue
            if 0 <= self.y < self.height and 0 <= self.x < self.width:
                self.cells[self.y][self.x] = (char, self.style)
                self.rows_written.add(self.y)
                for extra in range(1, cell_len(char)):  # a Chinese character's second cell
                    if self.x + extra < self.width:
                        self.cells[self.y][self.x + extra] = ("", self.style)
            self.x += cell_len(char)

    def line(self, y: int) -> str:
        return "".join(char for char, _ in self.cells[y])

    def styles(self, y: int) -> set[str]:
        return {style for char, style in self.cells[y] if char.strip()}


@contextmanager
def counted(width: int, height: int):
    """Run the app with a driver that renders what it would write, into `Terminal`."""
    import textual.drivers.headless_driver as headless

    seen = {"bytes": 0, "terminal": Terminal(width, height)}

    class Counting(headless.HeadlessDriver):
        @property
        def is_headless(self) -> bool:  # so the app renders its updates to `write`
            return False

        def write(self, data: str) -> None:
            seen["bytes"] += len(data.encode("utf-8"))
            seen["terminal"].feed(data)

        def flush(self) -> None:
            pass

    with mock.patch.object(headless, "HeadlessDriver", Counting):
        yield seen


async def settled(pilot) -> None:
    """The screen as it stays: the score panel below the list loaded (its arrival
    resizes the list; the first key after it is measured too)."""
    await pilot.pause()
    await workers_done(pilot.app)
    await pilot.pause()


async def sent(pilot, seen: dict, key: str) -> tuple[int, set[int]]:
    """The bytes a key's redraw sent, and the screen rows it wrote."""
    await pilot.pause()
    before, seen["terminal"].rows_written = seen["bytes"], set()
    await pilot.press(key)
    await pilot.pause()
    return seen["bytes"] - before, seen["terminal"].rows_written


async def as_fully_redrawn(pilot, seen: dict, size: tuple[int, int]) -> Terminal:
    """The screen as a full redraw paints it, on a blank terminal."""
    shown, seen["terminal"] = seen["terminal"], Terminal(*size)
    pilot.app.screen.refresh()
    await pilot.pause()
    full, seen["terminal"] = seen["terminal"], shown
    return full


@pytest.fixture
def households(ledger_db):
    village = ledger_db.village.id
    for n in range(1, HOUSEHOLDS + 1):
        home = ledger.add_household({"village": village, "number": f"{n:04d}"})
        ledger.add_person(
            home, {"name": f"王{n}", "sex": "F", "birth_date": "1980-01-01", "relation": "head"}
        )
    return ledger_db


@pytest.mark.parametrize("size", SIZES)
async def test_down_in_the_list_redraws_the_two_rows_that_changed(households, size):
    with counted(*size) as seen:
        app = FptuiApp()
        async with app.run_test(size=size) as pilot:
            await settled(pilot)
            assert isinstance(app.screen, HouseholdsScreen)
            lst = app.screen.query_one(VirtualList)
            top = lst.region.y + 1  # the header line
            for step in range(1, 6):
                size_sent, rows = await sent(pilot, seen, "down")
                assert lst.cursor == step
                assert size_sent <= DOWN_GOAL, (step, size_sent)
                assert rows == {top + step - 1, top + step}  # the row left, the row reached
            term = seen["terminal"]
            cursor_y = top + lst.cursor
            assert lst.row(lst.cursor).split()[0] in term.line(cursor_y)
            # the cursor row alone is drawn in the cursor's colours
            others = {top + i for i in range(lst.region.height - 1)} - {cursor_y}
            assert all(term.styles(y).isdisjoint(term.styles(cursor_y)) for y in others)
            full = await as_fully_redrawn(pilot, seen, size)
            assert term.cells == full.cells


@pytest.mark.parametrize("size", SIZES)
async def test_tab_in_a_form_redraws_the_fields_that_changed(households, size):
    with counted(*size) as seen:
        app = FptuiApp()
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await settled(pilot)
            await pilot.press("ctrl+n")
            await pilot.pause()
            form = app.screen
            assert isinstance(form, FormScreen)
            boxes = [box for box in form.query(Input) if not box.disabled]
            assert app.focused is boxes[0]
            for step in range(1, len(boxes) + 2):  # through every field, and round again
                size_sent, rows = await sent(pilot, seen, "tab")
                assert app.focused is boxes[step % len(boxes)]
                assert size_sent <= TAB_GOAL, (step, size_sent)
                assert len(rows) < size[1] // 2, rows  # not the screen
            full = await as_fully_redrawn(pilot, seen, size)
            assert seen["terminal"].cells == full.cells
            # the field reached is the one drawn focused: its colours differ from the rest
            term = seen["terminal"]
            focused_y = app.focused.region.y
            assert term.styles(focused_y) != term.styles(boxes[0].region.y)


async def test_a_message_beside_a_field_is_redrawn_when_it_changes(households):
    """Only unchanged messages are left alone: an error still appears as a field is left."""
    size = (80, 24)
    with counted(*size) as seen:
        app = FptuiApp()
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await pilot.press("ctrl+n")
            await pilot.pause()
            form = app.screen
            assert isinstance(form, FormScreen)
            key = (app.focused.id or "")[3:]
            await pilot.press(*"x!", "tab")
            await pilot.pause()
            msg = form.query_one(f"#msg-{key}")
            assert msg.has_class("error")
            full = await as_fully_redrawn(pilot, seen, size)
            assert seen["terminal"].cells == full.cells
            assert any(str(msg.content)[:4] in full.line(y) for y in range(size[1]))


# --- the other screens: a card's members, a picker, the follow-ups, a long choice ------


@pytest.fixture
def big_household(households):
    """The first household with five members: a card whose table has rows to move in."""
    from fptui.models import Household

    home = Household.get(Household.number == "0001").id
    for n, name in enumerate(("王甲", "王乙", "王丙", "王丁"), 1):
        ledger.add_person(
            home, {"name": name, "sex": "M", "birth_date": f"200{n}-01-01", "relation": "son"}
        )
    return households


@pytest.mark.parametrize("size", SIZES)
async def test_down_and_up_in_a_household_card_redraw_the_two_members(big_household, size):
    from fptui.tui.screens.household_card import HouseholdCardScreen

    with counted(*size) as seen:
        app = FptuiApp()
        async with app.run_test(size=size) as pilot:
            await settled(pilot)
            await pilot.press("enter")  # the first household, 0001
            await settled(pilot)
            card = app.screen
            assert isinstance(card, HouseholdCardScreen)
            table = card.query_one("#members")
            for key, row in (("down", 1), ("down", 2), ("down", 3), ("up", 2), ("up", 1)):
                size_sent, rows = await sent(pilot, seen, key)
                assert table.cursor_row == row
                assert size_sent <= DOWN_GOAL, (key, row, size_sent)
                assert len(rows) == 2, rows  # the member left, the member reached
            full = await as_fully_redrawn(pilot, seen, size)
            assert seen["terminal"].cells == full.cells
            await pilot.press("enter")  # the table still opens the member under the cursor
            await pilot.pause()
            assert app.screen.person_id == card.member_ids[1]


@pytest.mark.parametrize("size", SIZES)
async def test_down_in_a_picker_redraws_the_two_options(households, size):
    from fptui.tui.screens.dialogs import Picker
    from fptui.tui.widgets.quiet import QuietOptionList

    chosen = []
    with counted(*size) as seen:
        app = FptuiApp()
        async with app.run_test(size=size) as pilot:
            await settled(pilot)
            options = [(i, f"第{i}村") for i in range(1, 61)]  # a township's 60 villages
            app.push_screen(Picker("村", options), chosen.append)
            await pilot.pause()
            listed = app.screen.query_one(QuietOptionList)
            for step in range(1, 6):
                size_sent, rows = await sent(pilot, seen, "down")
                assert listed.highlighted == step
                assert size_sent <= DOWN_GOAL, (step, size_sent)
                assert len(rows) == 2, rows
            for _ in range(20):  # past the bottom: the list scrolls, and stays right
                await pilot.press("down")
            await pilot.pause()
            full = await as_fully_redrawn(pilot, seen, size)
            assert seen["terminal"].cells == full.cells
            await pilot.press("enter")
            await pilot.pause()
            assert chosen == [26]


@pytest.fixture
def visits(households):
    """Ten visits due: five births of February, each with its two visits."""
    import datetime as dt

    from fptui import clock
    from fptui.models import Person

    for n in range(1, 6):
        mother = Person.get(Person.name == f"王{n}")
        with clock.frozen(dt.date(2026, 2, 10 + n)):
            ledger.record_birth(
                {"mother": mother.id, "name": f"王小{n}", "sex": "F", "date": f"2026-02-{10 + n}"}
            )
    return households


@pytest.mark.parametrize("size", SIZES)
async def test_down_in_the_follow_up_list_redraws_the_two_rows(visits, size):
    from fptui.tui.screens.followups import FollowupsScreen

    with counted(*size) as seen:
        app = FptuiApp()
        async with app.run_test(size=size) as pilot:
            await settled(pilot)
            await pilot.press("f7")
            await settled(pilot)
            await pilot.press("4")  # every open visit
            await settled(pilot)
            assert isinstance(app.screen, FollowupsScreen)
            lst = app.screen.query_one(VirtualList)
            assert lst.count >= 6
            for step in range(1, 6):
                size_sent, rows = await sent(pilot, seen, "down")
                assert lst.cursor == step
                assert size_sent <= DOWN_GOAL, (step, size_sent)
                assert len(rows) == 2, rows
            full = await as_fully_redrawn(pilot, seen, size)
            assert seen["terminal"].cells == full.cells


@pytest.fixture
def township(households):
    """Twelve villages: more than are listed beside the village field."""
    from fptui.models import Area

    township = Area.get(Area.kind == "township")
    for n in range(3, 13):
        ledger.add_area("village", f"1401211012{n:02d}", f"新村{n}", township)
    return households


@pytest.mark.parametrize("size", SIZES)
async def test_entering_and_leaving_the_village_field_redraws_a_line_or_two(township, size):
    with counted(*size) as seen:
        app = FptuiApp()
        async with app.run_test(size=size) as pilot:
            await settled(pilot)
            await pilot.press("ctrl+n")
            await pilot.pause()
            form = app.screen
            assert isinstance(form, FormScreen)
            assert app.focused is form.input("village")
            for key in ("tab", "shift+tab", "tab"):  # leave it blank, come back, leave
                size_sent, rows = await sent(pilot, seen, key)
                assert size_sent <= TAB_GOAL, (key, size_sent)
                assert len(rows) <= 4, rows  # the two fields and the village's message
            assert "必填" in str(form.query_one("#msg-village").render())
            full = await as_fully_redrawn(pilot, seen, size)
            assert seen["terminal"].cells == full.cells


async def test_the_search_cursor_sends_nothing_while_no_key_is_pressed(households):
    """A blinking cursor redraws its field twice a second: bytes on a 2G link with no
    key pressed. The cursor is steady: an idle screen sends nothing."""
    import asyncio

    with counted(80, 24) as seen:
        app = FptuiApp()
        async with app.run_test(size=(80, 24)) as pilot:
            await settled(pilot)
            assert app.focused is not None and app.focused.id == "search"
            before = seen["bytes"]
            await asyncio.sleep(1.2)
            await pilot.pause()
            assert seen["bytes"] == before
