"""Voiding an event entered in error: every row its save wrote goes back, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import SQLITE, snapshot

from fptui import clock, ledger
from fptui.models import Area, Audit, AuditLog, Event, FollowUp, Household, Person
from fptui.reads import checks
from fptui.schema.validate import InvalidInput

D = dt.date


def refused(fn, *args, rule: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        fn(*args)
    assert caught.value.errors[0].rule == rule, caught.value
    return caught.value


def rows_without_audit() -> dict:
    """Every row but the audit's, less the versions: a row put back is a change of its
    own, so its version moves on (ledger/versions.py)."""
    state = {}
    for model in (Area, Household, Person, Event):
        fields = [f for f in model._meta.sorted_fields if f.name != "version"]
        state[model.__name__] = list(model.select(*fields).order_by(model.id).tuples())
    return state


def test_a_death_recorded_for_the_wrong_person_is_voided(family):
    husband = family["husband"].id
    before = rows_without_audit()
    death = ledger.record_death(husband, {"date": "2026-03-01", "cause": "illness"})
    assert Person.get_by_id(husband).residence == "dead"
    ledger.void_event(death.id, "录错了人")
    # the event is gone and he is alive: every table as it was
    assert rows_without_audit() == before
    assert Person.get_by_id(husband).version == 3  # added, died, put back
    voids = list(AuditLog.select().where(AuditLog.action == "void_event"))
    assert {a.table for a in voids} == {"event", "person"}
    assert all("录错了人" in a.after for a in voids)
    assert checks.run(only=["status_without_event"]) == []


def test_a_birth_voided_takes_the_child_and_its_visits_away(family):
    before = rows_without_audit()
    birth = ledger.record_birth(
        {"mother": family["wife"].id, "name": "王二", "sex": "M", "date": "2026-03-01"}
    )
    assert FollowUp.select().where(FollowUp.source_event == birth.id).count() > 0
    ledger.void_event(birth.id, "重复录入")
    assert rows_without_audit() == before
    assert "王二" not in Household.get_by_id(family["household"].id).search


def test_voiding_needs_a_reason_and_an_open_month(family, ledger_db):
    v = ledger_db.village.id
    with clock.frozen(D(2026, 3, 3)):
        went = ledger.record_go_out(
            family["husband"].id,
            {"date": "2026-02-10", "destination": "太原", "contact": "13800000000"},
        )
        error = refused(ledger.void_event, went.id, " ", rule="required")
        assert "作废原因" in error.text("zh")
        ledger.close_month(v, "2026-02")
        before = snapshot()
        error = refused(ledger.void_event, went.id, "录错", rule="closed")
        assert "2026-02已结账" in error.text("zh")
        refused(ledger.void_event, 999, "录错", rule="not_found")
        assert snapshot() == before


def test_an_event_that_later_changes_build_on_is_not_voided(family):
    husband = family["husband"].id
    went = ledger.record_go_out(
        husband, {"date": "2026-03-01", "destination": "太原", "contact": "13800000000"}
    )
    ledger.record_event("return", {"date": "2026-03-05"}, person=husband)
    before = snapshot()
    error = refused(ledger.void_event, went.id, "录错", rule="void_later_changes")
    assert "不能作废" in error.text("zh")
    assert snapshot() == before
    # the latest one can go, and then the first
    back = Event.get(Event.kind == "return")
    ledger.void_event(back.id, "录错")
    assert Person.get_by_id(husband).residence == "out"
    ledger.void_event(went.id, "录错")
    assert Person.get_by_id(husband).residence == "here"
    assert FollowUp.select().where(FollowUp.person == husband).count() == 0


def test_an_event_from_before_change_numbers_cannot_be_voided(family):
    went = ledger.record_go_out(
        family["husband"].id,
        {"date": "2026-03-01", "destination": "太原", "contact": "13800000000"},
    )
    Audit.update(change=None).execute()  # as written before schema v7
    refused(ledger.void_event, went.id, "录错", rule="void_unknown_change")


def test_a_birth_whose_child_a_later_record_names_is_not_voided(family):
    birth = ledger.record_birth(
        {"mother": family["wife"].id, "name": "王二", "sex": "M", "date": "2026-03-01"}
    )
    # a later record naming the child (as an import could write)
    Event.create(
        kind="benefit",
        person=birth.person_id,
        household=family["household"].id,
        village=birth.village_id,
        happened_on=D(2026, 3, 5),
        entered_on=D(2026, 3, 5),
        entered_by="import",
        data="{}",
    )
    before = snapshot()
    refused(ledger.void_event, birth.id, "录错", rule="void_later_changes")
    assert snapshot() == before


def test_an_event_before_a_closed_month_is_neither_voided_nor_edited(family, ledger_db):
    v, husband = ledger_db.village.id, family["husband"].id
    with clock.frozen(D(2026, 2, 20)):
        death = ledger.record_death(husband, {"date": "2026-01-15", "cause": "illness"})
    with clock.frozen(D(2026, 3, 3)):
        ledger.close_month(v, "2026-02")  # January was never closed; February holds him
        before = snapshot()
        assert "2026-02已结账" in refused(ledger.void_event, death.id, "录错", rule="closed").text(
            "zh"
        )
        with pytest.raises(InvalidInput) as caught:
            ledger.edit_event(death.id, {"date": "2026-03-01"})
        assert caught.value.errors[0].rule == "closed"
        assert snapshot() == before


def test_a_birth_with_a_later_birth_of_the_same_mother_is_not_voided(family):
    wife = family["wife"].id
    first = ledger.record_birth({"mother": wife, "name": "王一", "sex": "M", "date": "2024-03-01"})
    ledger.record_birth({"mother": wife, "name": "王二", "sex": "F", "date": "2026-03-01"})
    before = snapshot()
    refused(ledger.void_event, first.id, "录错", rule="void_later_changes")
    assert snapshot() == before


def test_ids_a_void_frees_do_not_mix_histories(family, ledger_db):
    husband, wife = family["husband"].id, family["wife"].id
    death = ledger.record_death(husband, {"date": "2026-03-01", "cause": "illness"})
    ledger.void_event(death.id, "录错")
    again = ledger.record_death(husband, {"date": "2026-03-02", "cause": "illness"})
    if SQLITE:
        assert again.id == death.id  # SQLite gives the freed id again
    ledger.void_event(again.id, "又录错")  # its own history, not the first one's
    assert Person.get_by_id(husband).residence == "here"
    birth = ledger.record_birth({"mother": wife, "name": "王二", "sex": "M", "date": "3-1"})
    child = birth.person_id
    ledger.void_event(birth.id, "录错")
    arrived = ledger.record_move_in(
        family["household"].id,
        {
            "date": "2026-03-05",
            "from_place": "太原",
            "name": "赵六",
            "sex": "M",
            "birth_date": "1980-01-01",
            "relation": "other",
        },
    )
    if SQLITE:
        assert arrived.person_id == child  # the child's old id, a new person
    assert checks.run(only=["status_without_event"]) == []
