"""Several cadres, one ledger: saves from other processes, on one SQLite file or one
PostgreSQL database (FPTUI_TEST_PG), wait for each other instead of failing, and a save
over a record changed since it was read is refused, saying what changed, by whom, when.

The other cadres are real processes (the venv's python running `CHILD`), each with its
own connection, as two laptops on one township server would be.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

import pytest
from conftest import PG_URL, snapshot

from fptui import ledger
from fptui.models import Audit, Person, database
from fptui.schema.validate import InvalidInput

# One cadre's process: open the ledger, make the changes `job` lists (each a ledger call
# by name), print one JSON line per call: {"ok": version or id} or {"rule", "text"}.
# With "hold", the calls run inside one batch kept open that many seconds after
# printing "held": the other process then finds the ledger (or the row) taken.
CHILD = r"""
import json, sys, time
from fptui import db, ledger, schema
from fptui.schema.validate import InvalidInput

schema.use(None)
url, user, job = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
db.open_database(url)
ledger.set_user(user)


def run(call):
    name, args, kwargs = call
    try:
        row = getattr(ledger, name)(*args, **kwargs)
    except InvalidInput as exc:
        return {"rule": exc.errors[0].rule, "text": exc.text("zh")}
    except Exception as exc:
        return {"error": type(exc).__name__, "text": str(exc)[:200]}
    return {"ok": getattr(row, "version", getattr(row, "id", None))}


def timed(calls):
    out = []
    for call in calls:
        started = time.perf_counter()
        result = run(call)
        result["ms"] = (time.perf_counter() - started) * 1000
        out.append(result)
    return out


if job.get("hold"):
    with ledger.batch():
        results = timed(job["calls"])
        print(json.dumps({"held": True}), flush=True)
        time.sleep(job["hold"])
else:
    if job.get("start"):
        time.sleep(max(0.0, job["start"] - time.time()))
    results = timed(job["calls"])
for result in results:
    print(json.dumps(result), flush=True)
"""


def cadre(url: str, user: str, calls: list, **job: Any) -> subprocess.Popen:
    """Another cadre's process making `calls` ([name, args, kwargs] each)."""
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, url, user, json.dumps({"calls": calls, **job})],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def results(process: subprocess.Popen) -> list[dict]:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err[-2000:]
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def holding(url: str, user: str, calls: list, seconds: float = 1.0) -> subprocess.Popen:
    """A cadre whose save is under way: its changes made, its transaction still open."""
    process = cadre(url, user, calls, hold=seconds)
    line = process.stdout.readline()
    assert json.loads(line) == {"held": True}, process.stderr.read()[-2000:]
    return process


SERVICE = {"date": "2026-03-01", "method": "condom", "informed_choice": "1"}


# --- 2. writers that wait --------------------------------------------------------------


def test_ten_processes_saving_at_once_all_succeed(ledger_db):
    """Checked before the fix: on SQLite most saves failed at once with `database is
    locked` (a save read before it wrote, and a read cannot wait to become a write)."""
    workers, saves = 10, 20
    people = []
    for w in range(workers):
        household = ledger.add_household({"village": ledger_db.village.id, "number": f"9{w:03d}"})
        people.append(
            [
                ledger.add_person(
                    household, {"name": "测试", "sex": "M", "birth_date": "1980-01-01"}
                ).id
                for _ in range(2)
            ]
        )
    before = Audit.select().count()
    start = time.time() + 1.5  # every process imported and connected: they start together
    processes = [
        cadre(
            ledger_db.url,
            f"cadre{w}",
            [
                ["edit_person", [people[w][i % 2]], {"values": {"note": f"第{i}次"}}]
                if i % 4
                else [
                    "record_contraception",
                    [people[w][0]],
                    {"values": {"date": "2026-03-01", "method": "condom", "informed_choice": "1"}},
                ]
                for i in range(saves)
            ],
            start=start,
        )
        for w in range(workers)
    ]
    found = [r for p in processes for r in results(p)]
    failed = [r for r in found if "ok" not in r]
    assert failed == [] and len(found) == workers * saves
    assert Audit.select().count() > before + workers * saves - 1


@pytest.fixture
def short_wait():
    """The ledger's connection waits 0.2 s for a lock instead of 5 s."""
    if PG_URL:
        database.execute_sql("SET lock_timeout = 200")
        yield
        database.execute_sql("SET lock_timeout = 5000")
    else:
        database.execute_sql("PRAGMA busy_timeout = 200")
        yield
        database.execute_sql("PRAGMA busy_timeout = 5000")


def test_a_ledger_busy_past_the_timeout_is_a_refusal_and_nothing_changes(
    family, ledger_db, short_wait
):
    """Checked before the fix: an OperationalError (`database is locked`) escaped."""
    wife = family["wife"]
    other = holding(
        ledger_db.url, "cadre_a", [["edit_person", [wife.id], {"values": {"note": "先保存"}}]]
    )
    try:
        before = snapshot()
        with pytest.raises(InvalidInput) as refused:
            ledger.edit_person(wife.id, {"phone": "13900000001"})
        assert refused.value.errors[0].rule == "busy"
        assert refused.value.text("zh") == "账本：正忙（其他人正在保存），请稍后再保存"
        assert refused.value.text("en") == (
            "Ledger: busy (someone else is saving); save again in a moment"
        )
        assert snapshot() == before
    finally:
        assert results(other)[0]["ok"]
    assert Person.get_by_id(wife.id).note == "先保存"


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL: a session's lock_timeout")
def test_a_postgresql_session_waits_for_a_lock_as_long_as_sqlite_does(ledger_db):
    assert database.execute_sql("SHOW lock_timeout").fetchone()[0] == "5s"
