"""What a review of the screens found: markup in the cadres' words, F1, quitting with
unsaved changes, ID numbers filling the card, long pickers, a village's groups."""

from __future__ import annotations

import pytest

from fptui import ledger
from fptui.models import Household
from fptui.tui.app import FptuiApp
from fptui.tui.screens.dialogs import ConfirmDiscard, KeysHelp, Picker
from fptui.tui.screens.form import FormScreen
from fptui.tui.screens.household_card import HouseholdCardScreen


@pytest.fixture
def home(family):
    return family


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def test_brackets_in_an_address_are_text_not_markup(home):
    ledger.edit_household(home["household"].id, {"address": "东营村[3]号[/]后院"})
    ledger.edit_person(home["wife"].id, {"name": "李[b]秀"})
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"0001", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HouseholdCardScreen)
        assert "东营村[3]号[/]后院" in text_of(app, "#card-fields")
        names = [str(app.screen.query_one("#members").get_row_at(i)[0]) for i in range(2)]
        assert "李[b]秀" in names


async def test_f1_lists_the_screens_own_keys_in_chinese(home):
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, KeysHelp)
        listed = "\n".join(str(w.render()) for w in app.screen.query("PlainLabel"))
        for words in ("新建户", "F4", "随访清单", "帮助", "退出", "Ctrl+P"):
            assert words in listed
        assert "Scroll" not in listed and "cursor" not in listed


async def test_ctrl_q_asks_before_dropping_a_changed_form(home):
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"0001", "enter")
        await pilot.pause()
        await pilot.press("a", *"李四")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDiscard)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen) and app.is_running


async def test_an_id_number_fills_sex_and_birth_date_even_before_the_name(home):
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"0001", "enter")
        await pilot.pause()
        await pilot.press("a", "tab", *"11010519491231002X", "tab")
        await pilot.pause()
        assert app.screen.query_one("#in-sex").value == "女"
        assert app.screen.query_one("#in-birth_date").value == "1949-12-31"


async def test_a_date_is_shown_as_understood_when_the_field_is_left(home):
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"0001", "enter")
        await pilot.pause()
        await pilot.press("a")
        app.screen.query_one("#in-birth_date").focus()
        await pilot.press(*"2001年2月3日", "tab")
        await pilot.pause()
        assert app.screen.query_one("#in-birth_date").value == "2001-02-03"


async def test_a_picker_of_more_than_nine_takes_two_digits(home):
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        chosen = []
        app.push_screen(Picker("x", [(i, f"第{i}项") for i in range(1, 13)]), chosen.append)
        await pilot.pause()
        await pilot.press("1")  # 1, 10, 11 or 12: waits
        await pilot.pause()
        assert isinstance(app.screen, Picker) and chosen == []
        await pilot.press("2")
        await pilot.pause()
        assert chosen == [12]
        app.push_screen(Picker("x", [(i, f"第{i}项") for i in range(1, 13)]), chosen.append)
        await pilot.pause()
        await pilot.press("1", "enter")  # the first option, highlighted by "1"
        await pilot.pause()
        assert chosen == [12, 1]


async def test_the_group_choices_follow_the_village_typed(home, ledger_db):
    ledger.add_area("group", "1", "东营一组", ledger_db.other_village)
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("2")  # 东营村
        await pilot.pause()
        assert "东营一组" in text_of(app, "#msg-group")
        await pilot.press("tab", "1", "tab", *"0050", "ctrl+s")
        await pilot.pause()
        household = Household.get(Household.number == "0050")
        assert household.group.name == "东营一组"


def test_fptui_setup_adds_the_areas_once(tmp_path, capsys):
    from fptui import cli, db
    from fptui.models import Area

    database = str(tmp_path / "new.db")
    args = [
        "--db",
        database,
        "setup",
        "--county",
        "140121",
        "清徐县",
        "--township",
        "140121101",
        "东于镇",
        "--village",
        "140121101201",
        "王家庄村",
        "--groups",
        "2",
    ]
    assert cli.main(args) == 0
    assert cli.main(args) == 0  # again: nothing doubled
    assert Area.select().where(Area.kind == "group").count() == 2
    assert cli.main([*args[:-5], "--village", "12345", "坏村"]) == 2
    assert "12位数字" in capsys.readouterr().err
    db.close_database()


async def test_the_english_card_writes_english_punctuation(home):
    from fptui.tui import text

    app = FptuiApp("en")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press(*"0001", "enter")
            await pilot.pause()
            fields = text_of(app, "#card-fields")
            assert "Head: 王强" in fields and "：" not in fields
    finally:
        text.set_lang("zh")


async def test_escape_clears_the_search_and_f5_asks_the_village_then_its_group(home, ledger_db):
    from fptui.tui.widgets.virtual_list import VirtualList

    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"nobody")
        await pilot.pause()
        assert app.screen.query_one(VirtualList).count == 0
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query_one("#search").value == ""
        assert app.screen.query_one(VirtualList).count == 1
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, Picker)
        await pilot.press("1")  # 王家庄村
        await pilot.pause()
        assert isinstance(app.screen, Picker)  # now its groups
        await pilot.press("2")  # 第1村民小组 (1 is "all groups")
        await pilot.pause()
        assert app.screen.filter.group == ledger_db.group.id
