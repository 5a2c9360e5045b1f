"""h on a household card: the chosen member becomes the head, and the head before them
is asked their relation to the new one."""

from __future__ import annotations

import pytest

from fptui.models import Household, Person
from fptui.tui.app import FptuiApp
from fptui.tui.screens.dialogs import Picker
from fptui.tui.screens.household_card import HouseholdCardScreen


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_h_makes_the_member_head_and_asks_the_old_heads_relation(family, size):
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press(*"0001", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HouseholdCardScreen)
        await pilot.press("down")  # the wife, below the head
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, Picker)
        asked = "\n".join(str(w.render()) for w in app.screen.query("PlainLabel"))
        assert "原户主王强与新户主的关系" in asked
        assert "户主" not in asked.replace("原户主", "").replace("新户主", "")
        await pilot.press("1")  # 配偶, the first of the relations after 户主
        await pilot.pause()
        assert isinstance(app.screen, HouseholdCardScreen)
    home = Household.get_by_id(family["household"].id)
    assert home.head_id == family["wife"].id
    assert Person.get_by_id(family["wife"].id).relation == "head"
    assert Person.get_by_id(family["husband"].id).relation == "spouse"
