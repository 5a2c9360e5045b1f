"""Opening the database: pragmas, owner-only file, versions and migrations."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest
from conftest import sqlite_only

from fptui import db
from fptui.models import AuditLog, Event, Household, Person
from fptui.pinyin import search_keys
from fptui.reads.queries import HouseholdFilter, household_ids

V1 = Path(__file__).parent / "data" / "schema_v1.sql"

pytestmark = sqlite_only  # SQLite files: this module has no PostgreSQL form


@pytest.fixture(autouse=True)
def _close():
    yield
    db.close_database()


def columns(path: Path) -> dict[str, list[str]]:
    con = sqlite3.connect(path)
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    out = {t: sorted(r[1] for r in con.execute(f'PRAGMA table_info("{t}")')) for t in tables}
    out["(indexes)"] = sorted(
        r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='index'")
    )
    con.close()
    return out


def test_a_new_database_is_owner_only_and_at_the_latest_version(tmp_path):
    path = tmp_path / "sub" / "ledger.db"
    database = db.open_database(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(f"{path}-wal").st_mode) == 0o600
    assert db.get_version(database) == db.LATEST
    assert set(database.get_tables()) >= {
        "area",
        "household",
        "person",
        "event",
        "audit",
        "follow_up",
        "month_close",
        "setting",
    }


def test_sqlite_runs_with_wal_foreign_keys_full_sync_and_a_busy_timeout(tmp_path):
    database = db.open_database(tmp_path / "l.db")

    def pragma(name: str):
        return database.execute_sql(f"PRAGMA {name}").fetchone()[0]

    assert pragma("journal_mode") == "wal"
    assert pragma("foreign_keys") == 1
    assert pragma("synchronous") == 2
    assert pragma("busy_timeout") == 5000


def test_sqlite_urls_and_plain_paths_open_the_same_file(tmp_path):
    path = tmp_path / "l.db"
    db.open_database(f"sqlite:///{path}")
    db.close_database()
    assert db.get_version(db.open_database(path)) == db.LATEST


def test_an_unknown_server_url_says_it_cannot_open_it(tmp_path):
    with pytest.raises(db.DatabaseError, match="cannot open"):
        db.connect("nosuchdb://user@host/ledger")


def test_a_version_1_database_is_migrated_keeping_every_row(tmp_path):
    old = tmp_path / "old.db"
    con = sqlite3.connect(old)
    con.executescript(V1.read_text(encoding="utf-8"))
    con.close()
    fresh = tmp_path / "fresh.db"
    db.open_database(fresh)
    db.close_database()

    database = db.open_database(old)
    assert db.get_version(database) == db.LATEST
    people = {p.name: (p.py_initials, p.py_full, p.residence) for p in Person.select()}
    assert people == {
        "张三丰": ("zsf", "zhangsanfeng", "here"),
        "吕小绿": ("lxl", "lvxiaolv lvxiaolu", "out"),  # 绿 lv, or lu as in 鸭绿江
    }
    assert Event.select().count() == 1 and AuditLog.select().count() == 1
    assert (
        Household.get_by_id(1).search
        == " #0001 张三丰 zsf zhangsanfeng 吕小绿 lxl lvxiaolv lvxiaolu "
    )
    db.close_database()
    assert columns(old) == columns(fresh)


def test_a_version_7_database_finds_names_by_how_they_are_said(tmp_path, monkeypatch):
    old = tmp_path / "old.db"
    con = sqlite3.connect(old)
    con.executescript(V1.read_text(encoding="utf-8"))
    con.execute(
        "INSERT INTO household (id, village_id, number, address, registration, phone, "
        "one_child, special_family, created_on) "
        "VALUES (2, 3, '0002', '', 'registered', '', 0, 0, '2025-01-02')"
    )
    con.execute(
        "INSERT INTO person (id, household_id, name, sex, birth_date, ethnicity, relation, "
        "marital_status, residence, out_place, out_contact, phone, note) "
        "VALUES (3, 2, '曾超军', 'M', '1970-05-06', 'han', 'head', 'first', 'here', '', '', "
        "'', '')"
    )
    con.commit()
    con.close()
    with monkeypatch.context() as m:  # the ledger as fptui at version 7 left it
        m.setattr(db, "LATEST", 7)
        database = db.open_database(old)
        assert db.get_version(database) == 7
        for pid, initials, full in [
            (1, "zsf", "zhangsanfeng"),
            (2, "lxl", "lvxiaolv"),
            (3, "ccj", "cengchaojun"),  # each character by its common reading
        ]:
            database.execute_sql(
                "UPDATE person SET py_initials = ?, py_full = ? WHERE id = ?",
                (initials, full, pid),
            )
        database.execute_sql(
            "UPDATE household SET search = ' #0002 曾超军 ccj cengchaojun ' WHERE id = 2"
        )
        db.close_database()
    fresh = tmp_path / "fresh.db"
    db.open_database(fresh)
    db.close_database()

    database = db.open_database(old)
    assert db.get_version(database) == db.LATEST
    assert household_ids(HouseholdFilter(query="zcj")) == [2]
    assert household_ids(HouseholdFilter(query="ccj")) == [2]
    assert household_ids(HouseholdFilter(query="lvxiaolu")) == [1]  # 绿 lv or lu
    assert {p.name: (p.py_initials, p.py_full) for p in Person.select()} == {
        name: search_keys(name) for name in ("张三丰", "吕小绿", "曾超军")
    }
    assert Household.get_by_id(2).search == " #0002 曾超军 {} {} ".format(*search_keys("曾超军"))
    db.close_database()
    assert columns(old) == columns(fresh)


def test_a_failed_migration_leaves_the_old_version_intact(tmp_path, monkeypatch):
    old = tmp_path / "old.db"
    con = sqlite3.connect(old)
    con.executescript(V1.read_text(encoding="utf-8"))
    con.close()

    def broken(database):
        database.execute_sql('ALTER TABLE person ADD COLUMN "half" TEXT')
        raise RuntimeError("power cut")

    monkeypatch.setitem(db.MIGRATIONS, 1, broken)
    with pytest.raises(RuntimeError):
        db.open_database(old)
    db.close_database()
    con = sqlite3.connect(old)
    assert con.execute("PRAGMA user_version").fetchone()[0] == 1
    assert "half" not in [r[1] for r in con.execute("PRAGMA table_info(person)")]
    con.close()


def test_a_database_newer_than_this_fptui_is_refused(tmp_path):
    path = tmp_path / "new.db"
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {db.LATEST + 1}")
    con.close()
    with pytest.raises(db.DatabaseError, match="newer"):
        db.open_database(path)


def test_a_file_of_another_program_is_not_taken_over(tmp_path):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE notes (x)")
    con.close()
    with pytest.raises(db.DatabaseError, match="not an fptui ledger"):
        db.open_database(path)


def test_the_default_database_lives_in_the_per_user_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert db.default_path() == tmp_path / "fptui" / "ledger.db"
