"""Query plans of a new ledger, before SQLite has any table statistics (no ANALYZE has
run): the write path's reads of one person's or one household's rows go by their own
index, never by a column of a few values that most rows share."""

from __future__ import annotations

from conftest import sqlite_only

from fptui import db
from fptui.models import database


def plan(sql: str) -> str:
    return " ".join(row[3] for row in database.execute_sql(f"EXPLAIN QUERY PLAN {sql}"))


@sqlite_only
def test_a_persons_open_visits_are_read_by_the_persons_index(ledger_db):
    assert database.execute_sql(
        "SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'sqlite_stat%'"
    ).fetchone() == (0,)  # no statistics: the planner guesses
    for sql in (
        "SELECT id FROM follow_up WHERE status = 'open' AND person_id IN (1, 2) "
        "AND kind IN ('prenatal')",
        "SELECT kind, person_id, due_on FROM follow_up WHERE status = 'open' "
        "AND person_id IN (1, 2, 3)",
    ):
        assert "follow_up_person_id" in plan(sql), plan(sql)


@sqlite_only
def test_the_status_index_is_gone_from_a_ledger_brought_forward(tmp_path):
    import sqlite3
    from pathlib import Path

    path = tmp_path / "old.db"
    con = sqlite3.connect(path)
    con.executescript((Path(__file__).parent / "data" / "schema_v1.sql").read_text())
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()
    db.open_database(path)
    try:
        names = {n for (n,) in database.execute_sql("SELECT name FROM sqlite_master")}
        assert "follow_up_status" not in names
        assert "follow_up_person_id" in names
        assert db.get_version(database.obj) == db.LATEST
    finally:
        db.close_database()
