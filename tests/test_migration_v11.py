"""Schema v11: a ledger at version 10 gains the table of acknowledged warnings, every
row it had kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from conftest import sqlite_only

from fptui import clock, db, ledger, models
from fptui.models import Acknowledgement, Household, Person

V1 = Path(__file__).parent / "data" / "schema_v1.sql"


def columns(path: Path) -> dict[str, list[str]]:
    con = sqlite3.connect(path)
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    out = {t: sorted(r[1] for r in con.execute(f'PRAGMA table_info("{t}")')) for t in tables}
    out["(indexes)"] = sorted(
        r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='index'")
    )
    con.close()
    return out


@sqlite_only
def test_a_version_10_file_gains_the_acknowledgements_and_keeps_its_rows(tmp_path, monkeypatch):
    old = tmp_path / "old.db"
    con = sqlite3.connect(old)
    con.executescript(V1.read_text(encoding="utf-8"))
    con.close()
    with monkeypatch.context() as m:  # the ledger as fptui at version 10 left it
        m.setattr(db, "LATEST", 10)
        database = db.open_database(old)
        assert db.get_version(database) == 10
        assert "acknowledgement" not in database.get_tables()
        people = list(Person.select().order_by(Person.id).tuples())
        db.close_database()
    fresh = tmp_path / "fresh.db"
    db.open_database(fresh)
    db.close_database()
    try:
        database = db.open_database(old)
        assert db.get_version(database) == db.LATEST
        assert list(Person.select().order_by(Person.id).tuples()) == people
        assert Acknowledgement.select().count() == 0
    finally:
        db.close_database()
    assert columns(old) == columns(fresh)


def test_a_ledger_at_version_10_is_brought_to_11_on_either_database(family, ledger_db):
    database = models.database.obj
    database.execute_sql('DROP TABLE "acknowledgement"')
    db._set_version(database, 10)
    db.close_database()
    database = db.open_database(ledger_db.url)
    assert db.get_version(database) == db.LATEST
    assert "acknowledgement" in database.get_tables()
    assert Household.select().count() == 1
    with clock.frozen(clock.today()):
        row = ledger.acknowledge_warning(ledger_db.village.id, "2026-02", "some_check:1")
    assert Acknowledgement.get_by_id(row.id).acknowledged_by == "tester"
