"""Schema v16: a smaller audit. A change's time, user and action in one row of the table
change; an audit row's place as a column; an insert of a household, person, event or
visit names its row, which holds its values. A ledger written at v15 is brought forward
keeping every audit row's information (what an insert no longer copies is given back
by its row and the later rows' befores, or the insert keeps it), and what reads the
audit (void, the month's changes, the version refusal, a restore's trace) reads the
same from it."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from conftest import audit_as_before_v16, sqlite_only

from fptui import db, ledger, models
from fptui.ledger import changes
from fptui.ledger.changes import LEAN_INSERTS
from fptui.ledger.versions import changes_since
from fptui.models import Area, AuditLog, Event, FollowUp, Household, Person
from fptui.reads import reconcile
from fptui.schema.validate import InvalidInput

MODELS = {m._meta.table_name: m for m in (Area, Household, Person, Event, FollowUp)}


@pytest.fixture
def v15_form(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Every audit row written as fptui wrote it at v15 (an insert's whole row, an
    update's after naming its household), the fixtures' too, until `.undo()`."""
    stored = changes.stored
    monkeypatch.setattr(changes, "stored", lambda before, after, table=None: stored(before, after))
    return monkeypatch


def rows_without_audit() -> dict:
    """Every row but the audit's, less the versions (a row put back moves its version on)."""
    state = {}
    for model in MODELS.values():
        fields = [f for f in model._meta.sorted_fields if f.name != "version"]
        state[model.__name__] = list(model.select(*fields).order_by(model.id).tuples())
    return state


def log() -> list[tuple]:
    return list(AuditLog.select().order_by(AuditLog.id).tuples())


def history(family) -> dict:
    """A month of work: events inserting and updating rows, cards edited, visits done."""
    husband, wife = family["husband"].id, family["wife"].id
    went = ledger.record_go_out(
        husband, {"date": "2026-03-01", "destination": "太原", "contact": "13800000000"}
    )
    ledger.edit_household(family["household"].id, {"address": "东街1号"})
    ledger.edit_person(wife, {"phone": "13900000001"})
    before_birth = rows_without_audit()
    birth = ledger.record_birth({"mother": wife, "name": "王二", "sex": "M", "date": "2026-03-02"})
    twin = ledger.record_birth({"mother": wife, "name": "王三", "sex": "F", "date": "2026-03-02"})
    ledger.void_event(twin.id, "重复录入")  # its rows deleted: their delete keeps them
    return {"went": went, "birth": birth, "before_birth": before_birth}


def to_v15(ledger_db) -> None:
    """The ledger as v15 left it: its audit laid out as then, its version 15."""
    database = models.database.obj
    audit_as_before_v16(database)
    step = next(v for v, f in db.MIGRATIONS.items() if f is db._v16_smaller_audit)
    db._set_version(database, step)
    db.close_database()


def state_at_insert(table: str, record_id: int, insert_id: int) -> dict | None:
    """A record's values as its insert wrote them, read the way v16 keeps them: its row
    as it is (or as its delete took it away), taken back through its later rows."""
    row = MODELS[table].get_or_none(MODELS[table].id == record_id)
    state = json.loads(changes.dumps(changes.snapshot(row))) if row is not None else None
    later = (
        AuditLog.select(AuditLog.before)
        .where(
            (AuditLog.table == table)
            & (AuditLog.record_id == record_id)
            & (AuditLog.id > insert_id)
        )
        .order_by(AuditLog.id.desc())
        .tuples()
    )
    for (before,) in later:
        if before is None:
            state = None
        elif "id" in json.loads(before):
            state = json.loads(before)
        elif state is not None:
            state.update(json.loads(before))
    return state


def test_a_v15_ledger_keeps_every_audit_rows_information(v15_form, family, ledger_db):
    history(family)
    v15_form.undo()
    old = log()
    assert any(r[5] == "person" and r[8] is None and "name" in (r[9] or "") for r in old)
    to_v15(ledger_db)
    database = db.open_database(ledger_db.url)
    assert db.get_version(database) == db.LATEST
    new = log()
    assert [r[:8] for r in new] == [r[:8] for r in old]  # ids, when, who, change, place
    lean = 0
    for was, now in zip(old, new, strict=True):
        table, before, after = was[5], was[8], was[9]
        if before is None and table in LEAN_INSERTS and now[9] != after:
            lean += 1
            # what the insert no longer copies is its row's, taken back to the insert
            values = json.loads(after)
            state = state_at_insert(table, was[6], was[0])
            assert state is not None
            for key in (state.keys() | values.keys()) - {"id", "version"}:
                assert (state.get(key) or "") == (values.get(key) or ""), key
            kept = {k: values[k] for k in LEAN_INSERTS[table] if k in values}
            assert now[9] == (changes.audit_json(kept) if kept else None)
        elif before is not None and table in LEAN_INSERTS and now[9] != after:
            # an update's after no longer names the household: its place does
            assert json.loads(after) == {**json.loads(now[9]), "household": now[7]}
        else:
            assert now == was
    assert lean >= 6  # the household, the persons, the events, the visits


def test_an_insert_written_past_since_keeps_its_values(v15_form, family, ledger_db):
    wife = family["wife"].id
    v15_form.undo()
    Person.update(sex="M").where(Person.id == wife).execute()  # past the write path
    (was,) = AuditLog.select().where((AuditLog.table == "person") & (AuditLog.record_id == wife))
    to_v15(ledger_db)
    db.open_database(ledger_db.url)
    (now,) = AuditLog.select().where((AuditLog.table == "person") & (AuditLog.record_id == wife))
    assert now.after == was.after and json.loads(now.after)["sex"] == "F"
    husband = family["husband"].id
    (kept,) = AuditLog.select().where(
        (AuditLog.table == "person") & (AuditLog.record_id == husband)
    )
    assert json.loads(kept.after) == {"residence": "here"}


def test_a_migrated_ledger_voids_an_event_saved_before_and_restores(v15_form, family, ledger_db):
    story = history(family)
    v15_form.undo()
    to_v15(ledger_db)
    db.open_database(ledger_db.url)
    ledger.void_event(story["birth"].id, "重复录入")
    assert rows_without_audit() == story["before_birth"]
    ledger.void_event(story["went"].id, "录错")
    assert Person.get_by_id(family["husband"].id).residence == "here"
    assert Person.get_by_id(family["wife"].id).phone == "13900000001"  # not the event's
    ledger.record_restore("backup.db", 3, "safety.db")
    trace = AuditLog.select().order_by(AuditLog.id.desc()).first()
    assert (trace.action, trace.table, trace.user, trace.change) == (
        "restore",
        "ledger",
        "tester",
        trace.id,
    )
    assert json.loads(trace.after)["replaced_audit_rows"] == 3


def test_a_migrated_ledger_refuses_to_void_what_a_later_change_built_on(
    v15_form, family, ledger_db
):
    story = history(family)
    visit = (
        FollowUp.select()
        .where(FollowUp.source_event == story["birth"].id)
        .order_by(FollowUp.id)
        .first()
    )
    ledger.mark_followup_done(visit.id, {"date": "2026-03-05", "outcome": "phone"})
    v15_form.undo()
    to_v15(ledger_db)
    db.open_database(ledger_db.url)
    before = rows_without_audit()
    with pytest.raises(InvalidInput) as refused:
        ledger.void_event(story["birth"].id, "重复录入")
    assert refused.value.errors[0].rule == "void_later_changes"
    assert rows_without_audit() == before


def test_a_void_is_refused_when_a_later_change_edited_a_row_its_insert_made(family):
    birth = ledger.record_birth(
        {"mother": family["wife"].id, "name": "王二", "sex": "M", "date": "2026-03-02"}
    )
    ledger.edit_person(birth.person_id, {"note": "早产"})  # the child's card, edited since
    with pytest.raises(InvalidInput) as refused:
        ledger.void_event(birth.id, "重复录入")
    assert refused.value.errors[0].rule == "void_later_changes"
    ledger.edit_person(birth.person_id, {"note": ""})  # put back as the birth left it
    ledger.void_event(birth.id, "重复录入")
    assert Person.get_or_none(Person.id == birth.person_id) is None
    gone = AuditLog.get(
        (AuditLog.action == "void_event")
        & (AuditLog.table == "person")
        & (AuditLog.record_id == birth.person_id)
    )
    assert json.loads(gone.before)["name"] == "王二"  # the delete keeps the row it took


def test_the_months_changes_and_who_changed_read_the_same_after_the_migration(
    v15_form, family, ledger_db
):
    history(family)
    wife = family["wife"]
    ledger.set_user("cadre_a")
    ledger.edit_person(wife.id, {"note": "备注"})
    ledger.set_user("tester")
    v15_form.undo()
    village = ledger_db.village.id
    listed = reconcile.changes(village, "2026-03")
    assert any(c.action == "record_birth" and c.person for c in listed)
    said = changes_since(Person.get_by_id(wife.id), wife.version)
    to_v15(ledger_db)
    db.open_database(ledger_db.url)
    assert reconcile.changes(village, "2026-03") == listed
    assert changes_since(Person.get_by_id(wife.id), wife.version) == said
    # and written by v16 itself: the same list
    assert reconcile.changes(village, "2026-03")[0].user == "cadre_a"


def columns(path) -> dict[str, list]:
    con = sqlite3.connect(path)
    names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    out = {t: sorted(r[1] for r in con.execute(f'PRAGMA table_info("{t}")')) for t in names}
    out["(indexes)"] = sorted(
        r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
    )
    out["(views)"] = sorted(
        r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'view'")
    )
    con.close()
    return out


@sqlite_only
def test_a_migrated_file_has_the_tables_and_indexes_of_a_new_one(tmp_path):
    fresh = tmp_path / "fresh.db"
    db.open_database(fresh)
    db.close_database()
    old = tmp_path / "old.db"
    shutil.copyfile(fresh, old)
    database = db.open_database(old)
    audit_as_before_v16(database)
    database.execute_sql('CREATE INDEX "person_py_full" ON "person" ("py_full")')
    database.execute_sql('CREATE INDEX "event_person_id" ON "event" ("person_id")')
    step = next(v for v, f in db.MIGRATIONS.items() if f is db._v16_smaller_audit)
    db._set_version(database, step)
    db.close_database()
    assert columns(old) != columns(fresh)
    db.open_database(old)
    db.close_database()
    assert columns(old) == columns(fresh)
