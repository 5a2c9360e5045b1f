"""Warnings acknowledged at the month end are kept, with who and when, until the month
closes: stored and withdrawn through the write path (audited), refused for a closed
month, counted by the close, dropped by a reopen."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from fptui import clock, ledger
from fptui.models import Acknowledgement, AuditLog, MonthClose
from fptui.reads import reconcile
from fptui.schema.validate import InvalidInput

D = dt.date
MONTH = "2026-02"


def refused(fn, *args, field: str, rule: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        fn(*args)
    assert (caught.value.errors[0].field, caught.value.errors[0].rule) == (field, rule)
    return caught.value


@pytest.fixture
def warned(family, ledger_db):
    """A child born before the mother's recorded first marriage: a warning, no error."""
    with clock.frozen(D(2026, 3, 3)):
        child = ledger.record_birth(
            {"mother": family["wife"].id, "name": "王早", "sex": "M", "date": "2018-05-01"}
        )
    v = ledger_db.village.id
    with clock.frozen(D(2026, 3, 4)):
        warnings = reconcile.reconcile(v, MONTH).warnings
    assert [w.code for w in warnings] == ["birth_before_marriage"]
    return {
        **family,
        "village": v,
        "other": ledger_db.other_village.id,
        "key": reconcile.warning_key(warnings[0]),
        "child": child.person_id,
    }


def audits(action: str) -> list[AuditLog]:
    return list(AuditLog.select().where(AuditLog.action == action).order_by(AuditLog.id))


def test_an_acknowledgement_is_stored_with_who_and_when_and_audited(warned):
    v, key = warned["village"], warned["key"]
    with clock.frozen(dt.datetime(2026, 3, 4, 9, 30)):
        row = ledger.acknowledge_warning(v, MONTH, key)
    stored = Acknowledgement.get()
    assert (stored.village_id, stored.month, stored.warning) == (v, MONTH, key)
    assert (stored.acknowledged_by, stored.acknowledged_at) == (
        "tester",
        dt.datetime(2026, 3, 4, 9, 30),
    )
    (entry,) = audits("acknowledge_warning")
    assert (entry.table, entry.record_id, entry.user) == ("acknowledgement", row.id, "tester")
    assert json.loads(entry.after)["warning"] == key
    shown = reconcile.reconcile(v, MONTH).acknowledged
    assert shown == {key: reconcile.Acknowledged("tester", dt.datetime(2026, 3, 4, 9, 30))}
    assert reconcile.reconcile(v, MONTH).blockers() == {}
    # the other village's month, and another month, know nothing of it
    assert reconcile.acknowledged(warned["other"], MONTH) == {}
    assert reconcile.acknowledged(v, "2026-03") == {}


def test_acknowledging_twice_keeps_the_first_and_withdrawing_removes_it_audited(warned):
    v, key = warned["village"], warned["key"]
    with clock.frozen(dt.datetime(2026, 3, 4, 9, 30)):
        first = ledger.acknowledge_warning(v, MONTH, key)
    ledger.set_user("someone")
    try:
        with clock.frozen(dt.datetime(2026, 3, 4, 10, 0)):
            again = ledger.acknowledge_warning(v, MONTH, key)  # a second cadre, a moment later
            assert again.id == first.id and again.acknowledged_by == "tester"
            assert len(audits("acknowledge_warning")) == 1
            assert ledger.withdraw_acknowledgement(v, MONTH, key) is True
    finally:
        ledger.set_user("tester")
    assert Acknowledgement.select().count() == 0
    (entry,) = audits("withdraw_acknowledgement")
    assert entry.user == "someone" and json.loads(entry.before)["acknowledged_by"] == "tester"
    assert ledger.withdraw_acknowledgement(v, MONTH, key) is False  # nothing left to withdraw
    assert len(audits("withdraw_acknowledgement")) == 1
    assert reconcile.reconcile(v, MONTH).blockers() == {"warnings": 1}


def test_a_closed_month_refuses_acknowledgements_and_says_which_month(warned):
    v, key = warned["village"], warned["key"]
    with clock.frozen(D(2026, 3, 4)):
        ledger.acknowledge_warning(v, MONTH, key)
        ledger.close_month(v, MONTH)
        before = list(AuditLog.select().tuples())
        error = refused(
            ledger.acknowledge_warning, v, MONTH, key, field="month", rule="already_closed"
        )
        assert error.text("zh") == "月份：2026-02已结账"
        assert error.text("en") == "Month: 2026-02 is already closed"
        refused(
            ledger.withdraw_acknowledgement, v, MONTH, key, field="month", rule="already_closed"
        )
        assert list(AuditLog.select().tuples()) == before  # nothing written
        assert Acknowledgement.select().count() == 1  # kept: part of what the close recorded


def test_a_township_or_a_blank_warning_is_refused_by_its_field(warned, ledger_db):
    refused(
        ledger.acknowledge_warning,
        ledger_db.township.id,
        MONTH,
        warned["key"],
        field="village",
        rule="not_a_village",
    )
    refused(
        ledger.acknowledge_warning,
        warned["village"],
        MONTH,
        " ",
        field="warning",
        rule="not_found",
    )
    refused(
        ledger.acknowledge_warning,
        warned["village"],
        "2026-13",
        warned["key"],
        field="month",
        rule="not_found",
    )
    assert Acknowledgement.select().count() == 0


def test_the_close_counts_the_stored_acknowledgements(warned):
    v, key = warned["village"], warned["key"]
    with clock.frozen(D(2026, 3, 4)):
        with pytest.raises(InvalidInput) as caught:
            ledger.close_month(v, MONTH)
        assert caught.value.errors[0].rule == "warnings_open"
        ledger.acknowledge_warning(v, MONTH, key)
        row = ledger.close_month(v, MONTH)  # nothing passed: the kept one counts
    assert json.loads(row.figures)["acknowledged"] == [key]
    kept = Acknowledgement.get()
    assert (kept.warning, kept.acknowledged_by) == (key, "tester")


def test_acknowledgements_passed_to_the_close_are_stored_too(warned):
    v, key = warned["village"], warned["key"]
    with clock.frozen(dt.datetime(2026, 3, 4, 8, 0)):
        ledger.close_month(v, MONTH, {key, "no_such_check:1"})
    (kept,) = Acknowledgement.select()  # the current warning only, not a stray key
    assert (kept.village_id, kept.month, kept.warning) == (v, MONTH, key)
    assert kept.acknowledged_at == dt.datetime(2026, 3, 4, 8, 0)
    close = AuditLog.get(AuditLog.action == "close_month")
    (stored,) = audits("acknowledge_warning")
    assert stored.change == close.change  # one change: the close


def test_the_command_lines_ack_is_stored(warned, ledger_db, capsys):
    from fptui import cli

    v, key = warned["village"], warned["key"]
    with clock.frozen(D(2026, 3, 4)):
        args = ["--db", ledger_db.url, "close", "--month", MONTH, "--village", "王家庄村"]
        assert cli.main([*args, "--ack", key]) == 0, capsys.readouterr().err
    from fptui import db

    db.open_database(ledger_db.url)  # the command closed the ledger it opened
    assert period_closed(v)
    assert [a.warning for a in Acknowledgement.select()] == [key]


def period_closed(village: int) -> bool:
    return MonthClose.select().where(MonthClose.village == village).exists()


def test_a_reopen_drops_the_months_acknowledgements_audited_with_its_reason(warned):
    v, key = warned["village"], warned["key"]
    with clock.frozen(D(2026, 3, 4)):
        ledger.acknowledge_warning(v, MONTH, key)
        ledger.close_month(v, MONTH)
        ledger.reopen_month(v, MONTH, "漏报出生")
        assert Acknowledgement.select().count() == 0
        dropped = AuditLog.get(
            (AuditLog.table == "acknowledgement") & (AuditLog.action == "reopen_month")
        )
        assert json.loads(dropped.before)["warning"] == key
        assert json.loads(dropped.after) == {"reason": "漏报出生"}
        reopened = AuditLog.get(
            (AuditLog.table == "month_close") & (AuditLog.action == "reopen_month")
        )
        assert dropped.change == reopened.change
        # looked at again before the next close
        with pytest.raises(InvalidInput) as caught:
            ledger.close_month(v, MONTH)
        assert caught.value.errors[0].rule == "warnings_open"


def test_a_warning_that_no_longer_exists_is_neither_shown_nor_counted(warned):
    v, key = warned["village"], warned["key"]
    with clock.frozen(D(2026, 3, 4)):
        ledger.acknowledge_warning(v, MONTH, key)
        # the record corrected: the child's birth is after the marriage date now
        ledger.edit_person(warned["wife"].id, {"marriage_date": "2018-01-01"})
        r = reconcile.reconcile(v, MONTH)
    assert r.warnings == [] and r.acknowledged == {}
    assert r.blockers() == {}


def test_the_month_end_lists_an_acknowledgement_among_its_own_villages_changes(warned):
    v, key = warned["village"], warned["key"]
    with clock.frozen(D(2026, 3, 4)):
        ledger.acknowledge_warning(v, MONTH, key)
        mine = reconcile.changes(v, "2026-03")
        theirs = reconcile.changes(warned["other"], "2026-03")
    assert "acknowledge_warning" in [c.action for c in mine]
    assert "acknowledge_warning" not in [c.action for c in theirs]
