"""The audit keeps what changed (schema v12, v16): an update's row only the columns it
changed, an insert its values (or, for the rows the ledger keeps, only what the checks
read: the row holds the rest), a delete the row before; ledgers written in the older
forms (whole rows before and after; when and who in every row) are rewritten by the
migrations, and what reads the audit (void, the month's changes, the version refusal)
reads the same from either."""

from __future__ import annotations

import json

import pytest
from conftest import audit_as_before_v16

from fptui import db, ledger, models
from fptui.ledger import changes
from fptui.ledger.versions import changes_since
from fptui.models import Area, AuditLog, Event, FollowUp, Household, Person
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
    return list(AuditLog.select().order_by(AuditLog.id).tuples())


def test_an_update_keeps_only_the_columns_it_changed(family):
    wife = family["wife"]
    ledger.edit_person(wife.id, {"phone": "13900000001"})
    row = AuditLog.select().where(AuditLog.action == "edit_person").get()
    assert json.loads(row.before) == {"phone": "", "version": wife.version}
    # the after also says its version; where the row is, its place (schema v16)
    assert json.loads(row.after) == {"phone": "13900000001", "version": wife.version + 1}
    assert row.place == family["household"].id
    assert " " not in row.after  # compact JSON, characters as they are


def test_an_insert_keeps_its_values_without_id_or_empty_ones(family, ledger_db):
    row = (
        AuditLog.select()
        .where((AuditLog.table == "person") & (AuditLog.record_id == family["wife"].id))
        .get()
    )
    # a person's row holds its values: its insert keeps the residence the checks read
    assert (row.before, json.loads(row.after)) == (None, {"residence": "here"})
    assert row.place == family["household"].id
    (area,) = AuditLog.select().where(AuditLog.record_id == ledger_db.other_village.id)
    after = json.loads(area.after)  # an area's insert keeps its values
    assert after["name"] == "东营村" and "东营村" in area.after
    assert "id" not in after
    assert all(value not in (None, "") for value in after.values())


def test_a_delete_keeps_the_row_before(family):
    birth = ledger.record_birth(
        {"mother": family["wife"].id, "name": "王二", "sex": "M", "date": "2026-03-01"}
    )
    ledger.void_event(birth.id, "重复录入")
    gone = AuditLog.get(
        (AuditLog.action == "void_event")
        & (AuditLog.table == "person")
        & (AuditLog.after.contains("重复"))
    )
    assert json.loads(gone.before)["name"] == "王二"
    assert json.loads(gone.after) == {"void_reason": "重复录入"}


def _old_form(monkeypatch: pytest.MonkeyPatch) -> None:
    """Write audit rows as fptui did before schema v12: whole rows, JSON with spaces."""

    def whole(value):
        if value is None:
            return None
        return json.dumps(value, default=changes._json_default, ensure_ascii=False, sort_keys=True)

    monkeypatch.setattr(changes, "stored", lambda before, after, table=None: (before, after))
    monkeypatch.setattr(changes, "audit_json", whole)


@pytest.fixture
def old_form(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Every row written in the form before v12 (the fixtures' too), until `.undo()`."""
    _old_form(monkeypatch)
    return monkeypatch


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
    """The ledger as the version before v12 left it (its index on the audit too)."""
    database = models.database.obj
    audit_as_before_v16(database)
    database.execute_sql('DROP INDEX "audit_record_id"')
    database.execute_sql('CREATE INDEX "audit_table_record_id" ON "audit" ("table", "record_id")')
    step = next(v for v, f in db.MIGRATIONS.items() if f is db._v12_audit_changes)
    db._set_version(database, step)  # the later steps run again too: each may
    db.close_database()


def test_an_old_ledger_is_rewritten_as_the_write_path_writes_now(old_form, family, ledger_db):
    _history(family)
    old_form.undo()
    old = audit_rows()
    assert any(" " in (row[8] or "") and '"id"' in (row[9] or "") for row in old)
    _back_to_old_version(ledger_db)
    database = db.open_database(ledger_db.url)
    assert db.get_version(database) == db.LATEST
    expected = []
    for row in old:
        before, after = (json.loads(v) if v is not None else None for v in row[8:10])
        kept = changes.stored(before, after, row[5])
        expected.append((*row[:8], *(changes.audit_json(v) for v in kept)))
    assert audit_rows() == expected
    updates = [r for r in audit_rows() if r[4] == "edit_person"]
    assert [json.loads(r[8]) for r in updates] == [{"phone": "", "version": 1}]
    indexes = {i.name for i in database.get_indexes("audit")}
    assert "audit_record_id" in indexes and "audit_table_record_id" not in indexes


def test_a_migrated_ledger_voids_an_event_recorded_before_the_migration(
    old_form, family, ledger_db
):
    story = _history(family, visit_done=False)
    old_form.undo()
    _back_to_old_version(ledger_db)
    db.open_database(ledger_db.url)
    ledger.void_event(story["birth"].id, "重复录入")
    assert rows_without_audit() == story["before_birth"]
    husband = family["husband"].id
    ledger.void_event(story["went"].id, "录错")
    assert Person.get_by_id(husband).residence == "here"
    assert Person.get_by_id(family["wife"].id).phone == "13900000001"  # not the event's


def test_a_migrated_ledger_refuses_to_void_an_event_a_later_change_built_on(
    old_form, family, ledger_db
):
    story = _history(family)  # the birth's visit done since
    old_form.undo()
    _back_to_old_version(ledger_db)
    db.open_database(ledger_db.url)
    before = rows_without_audit()
    with pytest.raises(InvalidInput) as refused:
        ledger.void_event(story["birth"].id, "重复录入")
    assert refused.value.errors[0].rule == "void_later_changes"
    assert rows_without_audit() == before


def test_the_months_changes_read_the_same_before_and_after_the_migration(
    old_form, family, ledger_db
):
    _history(family)
    old_form.undo()
    village = ledger_db.village.id
    listed = reconcile.changes(village, "2026-03")
    assert any(c.action == "edit_person" and c.household for c in listed)
    _back_to_old_version(ledger_db)
    db.open_database(ledger_db.url)
    assert reconcile.changes(village, "2026-03") == listed


def test_who_changed_a_record_since_reads_the_same_after_the_migration(
    old_form, family, ledger_db
):
    wife = family["wife"]
    ledger.set_user("cadre_a")
    ledger.edit_person(wife.id, {"phone": "13900000001", "note": "备注"})
    ledger.set_user("tester")
    old_form.undo()
    said = changes_since(Person.get_by_id(wife.id), wife.version)
    assert said[1] == ["cadre_a"] and len(said[0]) == 2
    _back_to_old_version(ledger_db)
    db.open_database(ledger_db.url)
    assert changes_since(Person.get_by_id(wife.id), wife.version) == said
