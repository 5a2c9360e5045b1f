"""First use in the app (issue 14): with no village in the ledger the first screen is the
set-up form; what it saves is the ledger's `set_up`, refusals stand beside their field,
and Ctrl+N with no village leads to it, never to a household form."""

from __future__ import annotations

import pytest
from conftest import PG_URL, TODAY, _empty_pg, snapshot

from fptui import clock, db, ledger, schema
from fptui.models import Area, AuditLog
from fptui.tui import text
from fptui.tui.app import FptuiApp
from fptui.tui.screens.dialogs import ConfirmDiscard
from fptui.tui.screens.households import HouseholdsScreen
from fptui.tui.screens.setup import SetupScreen
from tests.tui.burst import burst, drained

SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def empty(tmp_path):
    """A new ledger: its tables and nothing in them."""
    schema.use(None)
    url = PG_URL or str(tmp_path / "ledger.db")
    if PG_URL:
        _empty_pg()
    db.open_database(url)
    ledger.set_user("tester")
    with clock.frozen(TODAY):
        yield url
    db.close_database()
    ledger.set_user("")


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def fill(pilot, *values: str) -> None:
    """Type each value into the next field (Tab after each)."""
    for value in values:
        await pilot.press(*value, "tab")
    await pilot.pause()


def footer_fits(app, width: int) -> None:
    from textual.widgets._footer import FooterKey

    keys = list(app.screen.query(FooterKey))
    assert keys, "the footer shows the form's keys"
    for key in keys:
        assert key.region.width > 0 and key.region.right <= width, key.render()


@pytest.mark.parametrize("size", SIZES)
async def test_the_set_up_form_is_the_first_screen_and_saving_shows_the_village(empty, size):
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        explained = text_of(app, "#setup-codes")
        assert "12位" in explained and "6位" in explained and "3位" in explained
        footer_fits(app, size[0])
        await fill(pilot, "140121", "清徐县", "101", "东于镇", "201", "王家庄村", "3")
        assert "140121 101 201 王家庄村" in text_of(app, "#form-preview")
        await pilot.press("ctrl+s")
        await drained(pilot)
        assert isinstance(app.screen, HouseholdsScreen)
        village = Area.get(Area.kind == "village")
        assert (village.code, village.name) == ("140121101201", "王家庄村")
        assert app.screen.filter.village == village.id
        assert "王家庄村" in text_of(app, "#filters")
        assert "Ctrl+N" in text_of(app, "#empty")  # no households yet: how to add one
    township = Area.get(Area.kind == "township")
    assert (township.code, township.parent.code) == ("140121101", "140121")
    groups = Area.select().where(Area.parent == village).order_by(Area.code)
    assert [g.name for g in groups] == ["第1村民小组", "第2村民小组", "第3村民小组"]
    audits = list(AuditLog.select().where(AuditLog.action == "add_area"))
    assert len(audits) == 6 and len({a.change for a in audits}) == 1  # one change


@pytest.mark.parametrize("size", SIZES)
async def test_a_near_duplicate_township_code_is_refused_beside_it(empty, size):
    county = ledger.add_area("county", "140121", "清徐县")
    ledger.add_area("township", "001", "东于镇", county)  # stored as 140121001
    before = snapshot()
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        await fill(pilot, "140121", "清徐县", "1", "华山乡", "201", "王家庄村")
        assert "001" in text_of(app, "#msg-township_code")  # said on leaving the field
        await pilot.press("ctrl+s")
        await drained(pilot)
        assert isinstance(app.screen, SetupScreen)
        said = text_of(app, "#msg-township_code")
        assert "乡镇代码" in said and "001" in said and "同一个号码" in said
        assert app.focused is app.screen.query_one("#in-township_code")
    assert snapshot() == before


async def test_the_same_township_typed_again_gets_the_villages(empty):
    county = ledger.add_area("county", "140121", "清徐县")
    township = ledger.add_area("township", "140121101", "东于镇", county)
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await fill(pilot, "140121", "清徐县", "101", "东于镇", "202", "东营村")
        await pilot.press("ctrl+s")
        await drained(pilot)
        assert isinstance(app.screen, HouseholdsScreen)
    assert Area.select().where(Area.kind == "township").count() == 1
    assert Area.get(Area.kind == "village").parent_id == township.id


@pytest.mark.parametrize("size", SIZES)
async def test_ctrl_n_with_no_village_leads_to_the_set_up_form(empty, size):
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("escape")  # nothing typed: back to the list, which says what to do
        await drained(pilot)
        assert isinstance(app.screen, HouseholdsScreen) and app.is_running
        assert "Ctrl+N" in text_of(app, "#empty") and "fptui setup" not in text_of(app, "#empty")
        await pilot.press("ctrl+n")
        await drained(pilot)
        assert isinstance(app.screen, SetupScreen)
        await fill(pilot, "140121", "清徐县", "101", "东于镇", "140121101201", "王家庄村")
        await pilot.press("ctrl+s")
        await drained(pilot)
        assert isinstance(app.screen, HouseholdsScreen)
        assert app.screen.filter.village == Area.get(Area.kind == "village").id


async def test_escape_after_typing_asks_before_dropping_the_set_up(empty):
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"140121", "escape")
        await drained(pilot)
        assert isinstance(app.screen, ConfirmDiscard)
        await pilot.press("n")
        await drained(pilot)
        assert isinstance(app.screen, SetupScreen)
        assert app.screen.query_one("#in-county_code").value == "140121"
    assert Area.select().count() == 0


async def test_ctrl_n_in_the_form_adds_a_village_and_both_are_saved(empty):
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        burst(app, *"140121", "tab", *"清徐县", "tab", *"101", "tab", *"东于镇", "tab")
        burst(app, *"201", "tab", *"王家庄村", "ctrl+n", *"201", "tab", *"东营村", "ctrl+s")
        await drained(pilot)
        assert isinstance(app.screen, SetupScreen)  # the second 201 is taken: said, not saved
        assert "王家庄村" in text_of(app, "#msg-village_code_2")
        assert Area.select().count() == 0
        box = app.screen.query_one("#in-village_code_2")
        assert app.focused is box
        await pilot.press("ctrl+u", *"202", "ctrl+s")
        await drained(pilot)
        assert isinstance(app.screen, HouseholdsScreen)
    villages = Area.select().where(Area.kind == "village").order_by(Area.code)
    assert [(v.code, v.name) for v in villages] == [
        ("140121101201", "王家庄村"),
        ("140121101202", "东营村"),
    ]


async def test_the_english_form_explains_the_codes_in_english(empty):
    app = FptuiApp("en")
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, SetupScreen)
            assert "12-digit code" in text_of(app, "#setup-codes")
            footer_fits(app, 80)
            await fill(pilot, "14012", "")
            assert "County code: wrong form, expected 6 digits" in text_of(app, "#msg-county_code")
    finally:
        text.set_lang("zh")


async def test_a_set_up_kept_as_a_draft_comes_back_with_its_village_lines(empty):
    from fptui import drafts
    from fptui.tui import safety

    kept = {"county_code": "140121", "village_code_2": "202", "village_name_2": "东营村"}
    drafts.keep(safety.ledger(), "setup", kept)
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        assert app.screen.query_one("#in-village_name_2").value == "东营村"
        assert app.screen.query_one("#in-county_code").value == "140121"


@pytest.mark.parametrize("size", SIZES)
async def test_the_palette_opens_the_set_up_to_add_a_village(ledger_db, size):
    """A ledger with villages: Ctrl+P's 设置区划 adds another to its township."""
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p", *"设置区划")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await drained(pilot)
        assert isinstance(app.screen, SetupScreen)
        footer_fits(app, size[0])
        await fill(pilot, "140121", "清徐县", "101", "东于镇", "203", "西营村", "2")
        await pilot.press("ctrl+s")
        await drained(pilot)
        assert isinstance(app.screen, HouseholdsScreen)
    village = Area.get((Area.kind == "village") & (Area.code == "140121101203"))
    assert village.parent_id == ledger_db.township.id and village.name == "西营村"
    assert Area.select().where(Area.parent == village).count() == 2
