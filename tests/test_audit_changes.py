"""The audit keeps what changed (schema v12): an update's row only the columns it
changed, an insert its values, a delete the row before; ledgers written in the older
form (whole rows before and after) are rewritten by the migration, and what reads the
audit (void, the month's changes, the version refusal) reads the same from either."""

from __future__ import annotations

import json

import pytest

from fptui import db, ledger, models
from fptui.ledger import changes
from fptui.ledger.versions import changes_since
from fptui.models import Area, Audit, Event, FollowUp, Household, Person
from fptui.reads import reconcile
from fptui.schema.validate import InvalidInput


def rows_without_audit() -> dict:
    """Every row but the audit's, less the versions (a row put back moves its version on)."""
    state = {}
    for model in (Area, Household, Person, Event, FollowUp):
        fields = [f for f in model._meta.sorted_fields if f.name != "version"]
        state[model.__name__] = list(model.select(*fields).order_by(model.id).tuples())
    return state


def audit_rows() -> list[tuple]:
    return list(Audit.select().order_by(Audit.id).tuples())


def test_an_update_keeps_only_the_columns_it_changed(family):
    wife = family["wife"]
    ledger.edit_person(wife.id, {"phone": "13900000001"})
    row = Audit.select().where(Audit.action == "edit_person").get()
    assert json.loads(row.before) == {"phone": "", "version": wife.version}
    # the after also says where the row is: the household it belongs to
    assert json.loads(row.after) == {
        "phone": "13900000001",
        "version": wife.version + 1,
        "household": family["household"].id,
    }
    assert " " not in row.after  # compact JSON, characters as they are


def test_an_insert_keeps_its_values_without_id_or_empty_ones(family):
    row = (
        Audit.select()
        .where((Audit.table == "person") & (Audit.record_id == family["wife"].id))
        .get()
    )
    assert row.before is None
    after = json.loads(row.after)
    assert after["name"] == "李秀英" and "李秀英" in row.after
    assert "id" not in after
    assert all(value not in (None, "") for value in after.values())


def test_a_delete_keeps_the_row_before(family):
    birth = ledger.record_birth(
        {"mother": family["wife"].id, "name": "王二", "sex": "M", "date": "2026-03-01"}
    )
    ledger.void_event(birth.id, "重复录入")
    gone = Audit.get(
        (Audit.action == "void_event") & (Audit.table == "person") & (Audit.after.contains("重复"))
    )
    assert json.loads(gone.before)["name"] == "王二"
    assert json.loads(gone.after) == {"void_reason": "重复录入"}


def _old_form(monkeypatch: pytest.MonkeyPatch) -> None:
    """Write audit rows as fptui did before schema v12: whole rows, JSON with spaces."""

    def whole(value):
        if value is None:
            return None
        return json.dumps(value, default=changes._json_default, ensure_ascii=False, sort_keys=True)

    monkeypatch.setattr(changes, "stored", lambda before, after: (before, after))
    monkeypatch.setattr(changes, "audit_json", whole)


def _history(family, *, visit_done: bool = True) -> dict:
    """A month of work: events that insert and update rows, cards edited, a visit done."""
    husband, wife = family["husband"].id, family["wife"].id
    went = ledger.record_go_out(
        husband, {"date": "2026-03-01", "destination": "太原", "contact": "13800000000"}
    )
    ledger.edit_household(family["household"].id, {"address": "东街1号"})
    ledger.edit_person(wife, {"phone": "13900000001"})
    before_birth = rows_without_audit()
    birth = ledger.record_birth({"mother": wife, "name": "王二", "sex": "M", "date": "2026-03-02"})
    visit = (
        FollowUp.select().where(FollowUp.source_event == birth.id).order_by(FollowUp.id).first()
    )
    if visit_done:
        ledger.mark_followup_done(visit.id, {"date": "2026-03-05", "outcome": "phone"})
    return {"went": went, "birth": birth, "before_birth": before_birth}


def _back_to_old_version(ledger_db) -> None:
    """The ledger as the version before this one left it (its index on the audit too)."""
    database = models.database.obj
    database.execute_sql('DROP INDEX "audit_record_id"')
    database.execute_sql('CREATE INDEX "audit_table_record_id" ON "audit" ("table", "record_id")')
    step = next(v for v, f in db.MIGRATIONS.items() if f is db._v12_audit_changes)
    db._set_version(database, step)  # the later steps run again too: each may
    db.close_database()


def test_an_old_ledger_is_rewritten_as_the_write_path_writes_now(family, ledger_db, monkeypatch):
    with monkeypatch.context() as m:
        _old_form(m)
        _history(family)
    old = audit_rows()
    assert any(" " in (row[7] or "") and '"id"' in (row[8] or "") for row in old)
    _back_to_old_version(ledger_db)
    database = db.open_database(ledger_db.url)
    assert db.get_version(database) == db.LATEST
    expected = []
    for row in old:
        before, after = (json.loads(v) if v is not None else None for v in row[7:9])
        expected.append(
            (*row[:7], *(changes.audit_json(v) for v in changes.stored(before, after)))
        )
    assert audit_rows() == expected
    updates = [r for r in audit_rows() if r[4] == "edit_person"]
    assert [json.loads(r[7]) for r in updates] == [{"phone": "", "version": 1}]
    indexes = {i.name for i in database.get_indexes("audit")}
    assert "audit_record_id" in indexes and "audit_table_record_id" not in indexes


def test_a_migrated_ledger_voids_an_event_recorded_before_the_migration(
    family, ledger_db, monkeypatch
):
    with monkeypatch.context() as m:
        _old_form(m)
        story = _history(family, visit_done=False)
    _back_to_old_version(ledger_db)
    db.open_database(ledger_db.url)
    ledger.void_event(story["birth"].id, "重复录入")
    assert rows_without_audit() == story["before_birth"]
    husband = family["husband"].id
    ledger.void_event(story["went"].id, "录错")
    assert Person.get_by_id(husband).residence == "here"
    assert Person.get_by_id(family["wife"].id).phone == "13900000001"  # not the event's


def test_a_migrated_ledger_refuses_to_void_an_event_a_later_change_built_on(
    family, ledger_db, monkeypatch
):
    with monkeypatch.context() as m:
        _old_form(m)
        story = _history(family)  # the birth's visit done since
    _back_to_old_version(ledger_db)
    db.open_database(ledger_db.url)
    before = rows_without_audit()
    with pytest.raises(InvalidInput) as refused:
        ledger.void_event(story["birth"].id, "重复录入")
    assert refused.value.errors[0].rule == "void_later_changes"
    assert rows_without_audit() == before


def test_the_months_changes_read_the_same_before_and_after_the_migration(
    family, ledger_db, monkeypatch
):
    with monkeypatch.context() as m:
        _old_form(m)
        _history(family)
    village = ledger_db.village.id
    listed = reconcile.changes(village, "2026-03")
    assert any(c.action == "edit_person" and c.household for c in listed)
    _back_to_old_version(ledger_db)
    db.open_database(ledger_db.url)
    assert reconcile.changes(village, "2026-03") == listed


def test_who_changed_a_record_since_reads_the_same_after_the_migration(
    family, ledger_db, monkeypatch
):
    wife = family["wife"]
    with monkeypatch.context() as m:
        _old_form(m)
        ledger.set_user("cadre_a")
        ledger.edit_person(wife.id, {"phone": "13900000001", "note": "备注"})
        ledger.set_user("tester")
    said = changes_since(Person.get_by_id(wife.id), wife.version)
    assert said[1] == ["cadre_a"] and len(said[0]) == 2
    _back_to_old_version(ledger_db)
    db.open_database(ledger_db.url)
    assert changes_since(Person.get_by_id(wife.id), wife.version) == said
