"""Shared fixtures: a fresh ledger on disk with a small area tree and a fixed clock."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from fptui import clock, db, idcard, ledger, schema
from fptui.models import Area, AuditLog, Event, Household, Person

TODAY = dt.date(2026, 3, 10)


@dataclass
class Village:
    county: Area
    township: Area
    village: Area
    group: Area
    other_village: Area
    url: str = ""  # what `fptui --db` takes to open this same ledger


# FPTUI_TEST_PG=postgresql://user:password@host/database runs the ledger tests against
# PostgreSQL (`.ci/run` starts one): that database's public schema is emptied each test.
PG_URL = os.environ.get("FPTUI_TEST_PG", "")
SQLITE = not PG_URL
sqlite_only = pytest.mark.skipif(
    not SQLITE, reason="SQLite files: backups, crash safety, the demo, file migrations"
)


def _empty_pg() -> None:
    import psycopg2

    con = psycopg2.connect(PG_URL)
    con.autocommit = True
    con.cursor().execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    con.close()


@pytest.fixture
def ledger_db(tmp_path) -> Iterator[Village]:
    """An empty ledger with one county, township, two villages and a group; today 2026-03-10."""
    schema.use(None)
    url = PG_URL or str(tmp_path / "ledger.db")
    if PG_URL:
        _empty_pg()
    db.open_database(url)
    ledger.set_user("tester")
    with clock.frozen(TODAY):
        county = ledger.add_area("county", "140121", "清徐县")
        township = ledger.add_area("township", "140121101", "东于镇", county)
        village = ledger.add_area("village", "140121101201", "王家庄村", township)
        group = ledger.add_area("group", "1", "第1村民小组", village)
        other = ledger.add_area("village", "140121101202", "东营村", township)
        yield Village(county, township, village, group, other, url)
    db.close_database()
    ledger.set_user("")


def snapshot() -> dict[str, list[tuple]]:
    """Every row of the ledger's tables, to show a refused change wrote nothing."""
    return {
        model.__name__: list(model.select().order_by(model.id).tuples())
        for model in (Area, Household, Person, Event, AuditLog)
    }


@pytest.fixture
def family(ledger_db: Village) -> dict:
    """A household with a married couple (the wife has no children yet)."""
    household = ledger.add_household(
        {"village": ledger_db.village.id, "group": ledger_db.group.id, "number": "0001"}
    )
    husband = ledger.add_person(
        household,
        {
            "name": "王强",
            "sex": "M",
            "birth_date": "1994-02-01",
            "relation": "head",
            "marital_status": "first",
            "marriage_date": "2019-01-01",
            "id_number": idcard.make("140121", dt.date(1994, 2, 1), 0, "M"),
        },
    )
    wife = ledger.add_person(
        household,
        {
            "name": "李秀英",
            "sex": "F",
            "birth_date": "1996-05-01",
            "relation": "spouse",
            "marital_status": "first",
            "marriage_date": "2019-01-01",
        },
    )
    return {"household": Household.get_by_id(household.id), "husband": husband, "wife": wife}


def audit_as_before_v16(database) -> None:
    """Lay the audit out as schema v15 had it (when, who and action in every row, no
    change table, no place), from the rows as the view audit_log shows them, values as
    written; the rows keep their ids. For tests that set a ledger back to an older
    version and let the migrations bring it forward again."""
    sqlite = SQLITE
    key = "INTEGER NOT NULL PRIMARY KEY" if sqlite else "SERIAL PRIMARY KEY"
    database.execute_sql(
        'CREATE TABLE "audit_v15" ("id" '
        + key
        + ', "at" '
        + ("DATETIME" if sqlite else "TIMESTAMP")
        + ' NOT NULL, "user" VARCHAR(40) NOT NULL, "change" INTEGER, "action" VARCHAR(32) '
        'NOT NULL, "table" VARCHAR(24) NOT NULL, "record_id" INTEGER NOT NULL, '
        '"before" TEXT, "after" TEXT)'
    )
    database.execute_sql(
        'INSERT INTO "audit_v15" ("id", "at", "user", "change", "action", "table", '
        '"record_id", "before", "after") SELECT "id", "at", "user", "change", "action", '
        '"table", "record_id", "before", "after" FROM "audit_log"'
    )
    database.execute_sql('DROP VIEW "audit_log"')
    database.execute_sql('DROP TABLE "audit"')
    database.execute_sql('DROP TABLE "change"')
    database.execute_sql('ALTER TABLE "audit_v15" RENAME TO "audit"')
    if not sqlite:
        database.execute_sql('ALTER INDEX "audit_v15_pkey" RENAME TO "audit_pkey"')
        database.execute_sql(
            "SELECT setval(pg_get_serial_sequence('audit', 'id'), "
            'COALESCE(MAX("id"), 0) + 1, false) FROM "audit"'
        )
    database.execute_sql('CREATE INDEX "audit_record_id" ON "audit" ("record_id")')
    database.execute_sql('CREATE INDEX "audit_at" ON "audit" ("at")')
