"""Two cadres, one card, through the screens: an edit form sends only the fields the
cadre changed, with the version it opened; a save over a card changed since is refused
with who changed which fields and when, the form keeps what was typed, and Ctrl+R loads
the card as it is now with the typed values put back. A busy ledger keeps the form too.
"""

from __future__ import annotations

import sqlite3

import pytest
from conftest import PG_URL

from fptui import ledger
from fptui.models import Household, Person, database
from fptui.tui.app import FptuiApp
from fptui.tui.screens.form import FormScreen
from fptui.tui.screens.household_card import HouseholdCardScreen

SIZES = [(80, 24), (120, 40)]


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def value(app, key: str) -> str:
    return app.screen.query_one(f"#in-{key}").value


def footer_keys(app) -> dict[str, str]:
    return {k.key: k.description for k in app.screen.query("FooterKey")}


async def open_card(pilot, member_downs: int = 0) -> None:
    """From the household list: household 0001, then (with a member) its person card."""
    await pilot.pause()
    await pilot.press(*"0001", "enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, HouseholdCardScreen)
    if member_downs:
        await pilot.press(*["down"] * member_downs, "enter")
        await pilot.pause()
    await pilot.press("e")
    await pilot.pause()
    assert isinstance(pilot.app.screen, FormScreen)


async def type_into(pilot, key: str, text: str) -> None:
    box = pilot.app.screen.query_one(f"#in-{key}")
    box.focus()
    await pilot.press("ctrl+a", "ctrl+k")  # the field's old value gone
    await pilot.press(*text)


def another_cadre(change) -> None:
    """Another cadre's save, made while this one's form is open."""
    ledger.set_user("cadre_a")
    try:
        change()
    finally:
        ledger.set_user("tester")


@pytest.mark.parametrize("size", SIZES)
async def test_a_card_changed_since_the_form_opened_is_refused_and_reloaded(family, size):
    """Checked before the fix: the save went through and blanked the other cadre's phone
    (`13900000001 → ""` in the audit)."""
    wife = family["wife"].id
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await open_card(pilot, member_downs=1)  # the wife, below the head
        assert footer_keys(app).get("ctrl+r") == "重新载入"
        another_cadre(lambda: ledger.edit_person(wife, {"phone": "13900000001"}))
        await type_into(pilot, "note", "已随访")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)  # kept, with what was typed
        shown = text_of(app, "#form-error")
        assert "人员：打开后已被cadre_a于" in shown and "修改（联系电话）" in shown
        assert "Ctrl+R" in shown and "13900000001" not in shown
        assert value(app, "note") == "已随访" and value(app, "phone") == ""
        card = Person.get_by_id(wife)
        assert (card.phone, card.note, card.version) == ("13900000001", "", 2)

        await pilot.press("ctrl+r")  # the card as it is now, the note put back
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        assert value(app, "phone") == "13900000001" and value(app, "note") == "已随访"
        assert "已重新载入" in text_of(app, "#form-error")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, FormScreen)
    card = Person.get_by_id(wife)
    assert (card.phone, card.note, card.version) == ("13900000001", "已随访", 3)


@pytest.mark.parametrize("size", SIZES)
async def test_the_form_sends_only_the_fields_changed_with_the_version_it_opened(
    family, size, monkeypatch
):
    sent = []
    edit = ledger.edit_person

    def spy(person_id, values, **kwargs):
        sent.append((dict(values), kwargs))
        return edit(person_id, values, **kwargs)

    monkeypatch.setattr(ledger, "edit_person", spy)
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await open_card(pilot, member_downs=1)
        await type_into(pilot, "note", "已随访")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, FormScreen)
    assert sent == [({"note": "已随访"}, {"expected_version": 1})]


@pytest.mark.parametrize("size", SIZES)
async def test_a_household_card_changed_since_is_refused_and_reloaded(family, size):
    home = family["household"].id
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await open_card(pilot)  # the household's own form
        another_cadre(lambda: ledger.edit_household(home, {"phone": "13900000001"}))
        await type_into(pilot, "address", "东街1号")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        assert "户：打开后已被cadre_a于" in text_of(app, "#form-error")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert value(app, "phone") == "13900000001" and value(app, "address") == "东街1号"
        assert value(app, "village") == "1" and value(app, "group") == "1"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, FormScreen)
    saved = Household.get_by_id(home)
    assert (saved.phone, saved.address, saved.group_id) == (
        "13900000001",
        "东街1号",
        family["household"].group_id,
    )


class _Held:
    """The ledger held by another connection: SQLite's write lock, or, on PostgreSQL,
    the row of the person being edited."""

    def __init__(self, url: str, person: int) -> None:
        if PG_URL:
            import psycopg2

            self.con = psycopg2.connect(PG_URL)
            self.con.cursor().execute("SELECT id FROM person WHERE id = %s FOR UPDATE", (person,))
            database.execute_sql("SET lock_timeout = 200")
        else:
            self.con = sqlite3.connect(url, isolation_level=None)
            self.con.execute("BEGIN IMMEDIATE")
            database.execute_sql("PRAGMA busy_timeout = 200")

    def release(self) -> None:
        self.con.rollback() if PG_URL else self.con.execute("ROLLBACK")
        self.con.close()
        database.execute_sql("SET lock_timeout = 5000" if PG_URL else "PRAGMA busy_timeout = 5000")


@pytest.mark.parametrize("size", SIZES)
async def test_a_busy_ledger_keeps_the_form_and_its_values(family, ledger_db, size):
    """Checked before the fix: `database is locked` escaped the form as a crash."""
    wife = family["wife"].id
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await open_card(pilot, member_downs=1)
        await type_into(pilot, "note", "已随访")
        held = _Held(ledger_db.url, wife)
        try:
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, FormScreen)
            assert "账本：正忙（其他人正在保存），请稍后再保存" in text_of(app, "#form-error")
            assert value(app, "note") == "已随访"
        finally:
            held.release()
        await pilot.press("ctrl+s")  # free again: saved
        await pilot.pause()
        assert not isinstance(app.screen, FormScreen)
    assert Person.get_by_id(wife).note == "已随访"
