"""The person form shows, beside the field, a date no life allows as soon as it is left."""

from __future__ import annotations

from fptui.models import Person
from fptui.tui.app import FptuiApp
from fptui.tui.screens.form import FormScreen


async def new_person_form(app, pilot) -> None:
    await pilot.pause()
    await pilot.press(*"0001", "enter")
    await pilot.pause()
    await pilot.press("a")
    await pilot.pause()
    assert isinstance(app.screen, FormScreen)


async def test_a_marriage_before_the_birth_is_shown_at_the_marriage_date(family):
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await new_person_form(app, pilot)
        for key, typed in (
            ("name", "王婚"),
            ("sex", "1"),
            ("birth_date", "2000-01-01"),
            ("marital_status", "2"),
            ("marriage_date", "1990-01-01"),
        ):
            box = app.screen.query_one(f"#in-{key}")
            box.value = ""  # a default (未婚) stands in some
            box.focus()
            await pilot.press(*typed, "tab")
        await pilot.pause()
        shown = str(app.screen.query_one("#msg-marriage_date").render())
        assert shown == "本次婚姻日期：早于出生日期"
        count = Person.select().count()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen) and Person.select().count() == count


async def test_a_marriage_date_for_someone_never_married_is_shown_at_the_marriage_date(family):
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await new_person_form(app, pilot)
        for key, typed in (
            ("name", "王单"),
            ("sex", "1"),
            ("birth_date", "1990-01-01"),
            ("marital_status", "未婚"),
            ("marriage_date", "2015-01-01"),
        ):
            box = app.screen.query_one(f"#in-{key}")
            box.value = ""  # a default (未婚) stands in some
            box.focus()
            await pilot.press(*typed, "tab")
        await pilot.pause()
        shown = str(app.screen.query_one("#msg-marriage_date").render())
        assert shown == "本次婚姻日期：婚姻状况为“未婚”时不填"
