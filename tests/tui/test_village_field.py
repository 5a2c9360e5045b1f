"""The village field of a township with many villages (issue 15): one line beside it says
how to choose; typing shows what matches, a name's unique start chooses it; F4 lists
them all and puts the one picked in the field; a wrong name is refused beside it."""

from __future__ import annotations

import pytest

from fptui import ledger
from fptui.models import Area, Household
from fptui.tui.app import FptuiApp
from fptui.tui.screens.dialogs import Picker
from fptui.tui.screens.form import LONG_LIST, FormScreen

SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def township(ledger_db):
    """Twelve villages: 王家庄村, 东营村, and 新村3 to 新村12."""
    for n in range(3, 13):
        ledger.add_area("village", f"1401211012{n:02d}", f"新村{n}", ledger_db.township)
    assert Area.select().where(Area.kind == "village").count() > LONG_LIST
    return ledger_db


def msg(app, key: str) -> str:
    return str(app.screen.query_one(f"#msg-{key}").render())


async def new_household(pilot) -> FormScreen:
    await pilot.pause()
    await pilot.press("ctrl+n")
    await pilot.pause()
    form = pilot.app.screen
    assert isinstance(form, FormScreen) and pilot.app.focused is form.input("village")
    return form


@pytest.mark.parametrize("size", SIZES)
async def test_typing_a_village_shows_what_matches_and_its_start_chooses(township, size):
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        form = await new_household(pilot)
        assert msg(app, "village") == "输入名称或序号，F4 选择"
        assert form.query_one("#msg-village").styles.text_wrap == "nowrap"
        await pilot.press("新", "村", "1")  # 新村1x: 新村10, 新村11, 新村12
        await pilot.pause()
        assert "新村10" in msg(app, "village") and "新村12" in msg(app, "village")
        await pilot.press("1")  # 新村11 alone starts so
        await pilot.pause()
        assert msg(app, "village") == "= 新村11"
        await pilot.press("tab", "tab", *"0088", "ctrl+s")
        await pilot.pause()
        household = Household.get(Household.number == "0088")
        assert household.village.name == "新村11"


@pytest.mark.parametrize("size", SIZES)
async def test_f4_lists_the_villages_and_puts_the_one_picked_in_the_field(township, size):
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        form = await new_household(pilot)
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, Picker) and len(app.screen.values) == 12
        await pilot.press("1", "2")  # the twelfth, 新村12, at once (no 120th)
        await pilot.pause()
        assert app.screen is form
        assert form.input("village").value == "12"
        assert msg(app, "village") == "= 新村12"
        assert app.focused is form.input("group")  # on to the next field, as after Enter
        await pilot.press("shift+tab", "f4")
        await pilot.pause()
        await pilot.press("escape")  # closed without a choice: the field keeps its value
        await pilot.pause()
        assert app.screen is form and form.input("village").value == "12"
        assert app.focused is form.input("village")
        await pilot.press("tab", "tab", "f4")  # the household number: nothing to list
        await pilot.pause()
        assert app.screen is form


async def test_a_village_not_in_the_list_is_refused_beside_its_field_on_one_line(township):
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await new_household(pilot)
        await pilot.press(*"北京", "tab")
        await pilot.pause()
        assert msg(app, "village") == "村：请选择 F4 列表中的一项"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form and app.focused is form.input("village")


async def test_the_village_field_speaks_english(township):
    from fptui.tui import text

    app = FptuiApp("en")
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await new_household(pilot)
            assert msg(app, "village") == "type a name or number, F4 lists"
            await pilot.press("x", "y", "z")
            await pilot.pause()
            assert msg(app, "village") == "none matches, F4 lists"
    finally:
        text.set_lang("zh")
