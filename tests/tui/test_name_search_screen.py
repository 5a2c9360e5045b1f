"""The household list finds a name by how it is said, typed as a cadre types it, at 80x24."""

from __future__ import annotations

from fptui import ledger
from fptui.tui.app import FptuiApp
from fptui.tui.screens.households import HouseholdsScreen
from fptui.tui.widgets.virtual_list import VirtualList


async def test_typing_zcj_finds_zeng_chaojun_and_so_does_ccj(ledger_db):
    for number, name in (("0001", "张三丰"), ("0002", "曾超军")):
        household = ledger.add_household({"village": ledger_db.village.id, "number": number})
        ledger.add_person(
            household, {"name": name, "sex": "M", "birth_date": "1980-01-01", "relation": "head"}
        )
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HouseholdsScreen)
        lst = app.screen.query_one(VirtualList)
        for query in ("zcj", "ccj", "zengchaojun"):
            await pilot.press(*query)
            await pilot.pause()
            assert lst.count == 1 and "曾超军" in lst.row(0), query
            assert "没有找到" not in str(app.screen.query_one("#empty").render()), query
            await pilot.press("ctrl+u")
            await pilot.pause()
