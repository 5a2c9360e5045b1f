"""The monthly reconciliation: balance, the month's changes, findings, overdue visits."""

from __future__ import annotations

import datetime as dt

from fptui import clock, ledger
from fptui.models import AuditLog, Person
from fptui.reads import followups, reconcile

D = dt.date
T = dt.datetime


def test_the_default_month_is_the_first_open_one(family, ledger_db):
    v = ledger_db.village.id
    assert reconcile.default_month(v, D(2026, 3, 10)) == "2026-02"
    with clock.frozen(D(2026, 3, 2)):
        ledger.close_month(v, "2026-01")
    assert reconcile.default_month(v, D(2026, 3, 10)) == "2026-02"
    with clock.frozen(D(2026, 3, 2)):
        ledger.close_month(v, "2026-02")
    assert reconcile.default_month(v, D(2026, 3, 10)) == "2026-03"
    with clock.frozen(D(2026, 4, 1)):
        ledger.close_month(v, "2026-03")
    # never a month not yet begun
    assert reconcile.default_month(v, D(2026, 3, 31)) == "2026-03"
    assert reconcile.default_month(v, D(2026, 4, 1)) == "2026-04"


def test_each_save_is_one_change_with_who_when_and_what(family, ledger_db):
    v, wife = ledger_db.village.id, family["wife"].id
    with clock.frozen(T(2026, 3, 12, 9, 30)):
        ledger.set_user("张会计")
        birth = ledger.record_birth({"mother": wife, "name": "王二", "sex": "M", "date": "3-11"})
    with clock.frozen(T(2026, 3, 12, 9, 30)):  # the same second: still its own change
        ledger.edit_person(wife, {"phone": "13800000000"})
    with clock.frozen(T(2026, 4, 1, 8, 0)):  # next month: not March's
        ledger.edit_person(wife, {"phone": "13900000000"})
    ledger.set_user("tester")
    other = ledger.add_household({"village": ledger_db.other_village.id, "number": "0009"})
    changes = reconcile.changes(v, "2026-03", T(2026, 3, 31, 23, 59, 59))
    first = changes[1]
    assert (first.at, first.user, first.action, first.number, first.name) == (
        T(2026, 3, 12, 9, 30),
        "张会计",
        "record_birth",
        "0001",
        "王二",
    )
    assert first.person == birth.person_id and first.household == family["household"].id
    # the child, the event, the spouse's… every row it wrote, counted on one line
    assert (
        first.rows
        == AuditLog.select()
        .where(AuditLog.change == AuditLog.get(AuditLog.action == "record_birth").change)
        .count()
        > 2
    )
    assert (changes[0].action, changes[0].name, changes[0].rows) == ("edit_person", "李秀英", 1)
    assert all(c.household != other.id for c in changes)
    assert {c.action for c in changes} >= {"add_household", "add_person", "add_area"}
    assert [c.action for c in reconcile.changes(v, "2026-04")] == ["edit_person"]
    # an open month's review runs to now: what was entered for it after its end is there
    assert reconcile.changes(v, "2026-03")[0].at == T(2026, 4, 1, 8, 0)


def test_a_change_inside_a_batch_is_still_its_own(family, ledger_db):
    with ledger.batch():
        ledger.edit_person(family["wife"].id, {"phone": "13800000000"})
        ledger.edit_person(family["husband"].id, {"phone": "13900000000"})
    numbers = [a.change for a in AuditLog.select().where(AuditLog.action == "edit_person")]
    assert len(set(numbers)) == 2 and None not in numbers


def test_the_month_shows_imbalance_findings_and_what_blocks_the_close(family, ledger_db):
    v, wife = ledger_db.village.id, family["wife"].id
    with clock.frozen(D(2026, 3, 3)):
        ledger.close_month(v, "2026-02")
        child = ledger.record_birth({"mother": wife, "name": "王早", "sex": "M", "date": "3-1"})
        Person.update(residence="moved_away").where(Person.id == wife).execute()
        ledger.check_full()  # written past the write path: its findings put right
    with clock.frozen(D(2026, 4, 2)):
        r = reconcile.reconcile(v, "2026-03")
    assert r.closed is None
    assert (r.balance.start, r.balance.flows.births, r.balance.end) == (2, 1, 2)
    assert r.balance.difference == -1
    status = [f for f in r.errors if f.code == "status_without_event"]
    assert [f.person for f in status] == [wife]
    # her open visits are errors too: she is gone
    assert {f.code for f in r.errors} == {"status_without_event", "followup_open_for_gone"}
    blockers = r.blockers()
    assert blockers["difference"] == -1 and blockers["errors"] == len(r.errors)
    keys = {reconcile.warning_key(w) for w in r.warnings}
    assert "warnings" not in r.blockers(keys)
    assert child.person_id


def test_overdue_means_due_by_the_months_end_and_still_open(family, ledger_db):
    v, wife = ledger_db.village.id, family["wife"].id
    with clock.frozen(D(2026, 1, 5)):
        ledger.record_birth({"mother": wife, "name": "王二", "sex": "F", "date": "2026-01-02"})
    with clock.frozen(D(2026, 4, 2)):
        march = reconcile.reconcile(v, "2026-03").overdue
        january = reconcile.reconcile(v, "2026-01").overdue
    assert march and all(r.due_on <= D(2026, 3, 31) for r in march)
    assert [r.id for r in january] == [r.id for r in march if r.due_on <= D(2026, 1, 31)]
    assert len(january) < len(march)  # the 42-day visit fell due in February
    # the days overdue are counted to today, as F7 counts them: one figure everywhere
    assert january[0].days_overdue == (D(2026, 4, 2) - january[0].due_on).days
    with clock.frozen(D(2026, 4, 2)):
        f7 = {r.id: r.days_overdue for r in followups.open_list("overdue", village=v)}
    assert all(f7[r.id] == r.days_overdue for r in march)


def test_a_closed_month_shows_its_frozen_balance_and_cannot_close_again(family, ledger_db):
    v = ledger_db.village.id
    with clock.frozen(D(2026, 3, 3)):
        ledger.close_month(v, "2026-02")
        ledger.record_birth(
            {"mother": family["wife"].id, "name": "王二", "sex": "M", "date": "2026-02-20"}
        )  # a late entry: February as closed is unchanged
        r = reconcile.reconcile(v, "2026-02")
    assert r.closed is not None and r.closed.closed_by == "tester"
    assert (r.balance.start, r.balance.flows.births, r.balance.end) == (2, 0, 2)
    assert r.blockers() == {"closed": 1}
    actions = [c.action for c in reconcile.changes(v, "2026-03")]
    # newest first, by time (the family was entered on the 10th, after these)
    assert actions[actions.index("record_birth") + 1] == "close_month"
    assert actions.index("add_person") < actions.index("record_birth")


def test_the_township_overview_counts_each_villages_month(family, ledger_db):
    v, other = ledger_db.village.id, ledger_db.other_village.id
    with clock.frozen(D(2026, 3, 3)):
        ledger.close_month(other, "2026-02")
        ledger.edit_person(family["wife"].id, {"marriage_date": None})  # an error in v
    with clock.frozen(D(2026, 4, 2)):
        assert reconcile.township_month() == "2026-03"  # v never closed: last month
        february = {r.village: r for r in reconcile.township("2026-02")}
    assert [r.name for r in reconcile.township("2026-02")] == ["王家庄村", "东营村"]
    assert february[other].closed is not None and february[v].closed is None
    assert (february[v].errors, february[v].difference) == (1, 0)
    assert (february[other].errors, february[other].warnings) == (0, 0)
    # the live score's findings give the same counts without running the checks again
    from fptui.reads import checks

    assert reconcile.township("2026-02", checks.run()) == reconcile.township("2026-02")


def test_the_kept_return_is_part_of_its_close_not_a_change_of_its_own(family, ledger_db):
    # The close keeps the month's return (frozen_return): its audit rows belong to the
    # close's change, and the whole ledger's is nobody's village change
    v, other = ledger_db.village.id, ledger_db.other_village.id
    with clock.frozen(T(2026, 3, 3, 9, 0)):
        ledger.close_months([v, other], "2026-02")
    with clock.frozen(T(2026, 3, 5, 9, 0)):
        for village in (v, other):
            changes = reconcile.changes(village, "2026-03")
            assert "freeze_return" not in [c.action for c in changes]
            (close,) = [c for c in changes if c.action == "close_month"]
            assert close.rows == 2  # the close and its kept return
