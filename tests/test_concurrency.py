"""Several cadres, one ledger: saves from other processes, on one SQLite file or one
PostgreSQL database (FPTUI_TEST_PG), wait for each other instead of failing, and a save
over a record changed since it was read is refused, saying what changed, by whom, when.

The other cadres are real processes (the venv's python running `CHILD`), each with its
own connection, as two laptops on one township server would be.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import PG_URL, snapshot, sqlite_only

from fptui import db, ledger
from fptui.models import AuditLog, Event, Household, Person, database
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
    before = AuditLog.select().count()
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
    assert AuditLog.select().count() > before + workers * saves - 1


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


# --- 1. versions: a save over a record changed since is refused -------------------------

WHEN = r"\d{4}-\d\d-\d\d \d\d:\d\d"


def version(model, row_id: int) -> int:
    return model.get_by_id(row_id).version


def test_every_change_to_a_record_moves_its_version_on_by_one(family):
    """Checked before the fix: there was no version."""
    home, husband, wife = family["household"].id, family["husband"].id, family["wife"].id
    assert version(Household, home) == 2  # added, then its head set by the first member
    assert (version(Person, husband), version(Person, wife)) == (1, 1)
    ledger.edit_person(wife, {"phone": "13900000001"})
    ledger.edit_person(wife, {"phone": "13900000001"})  # nothing changed: nothing written
    assert version(Person, wife) == 2
    ledger.edit_household(home, {"address": "东街1号"})
    ledger.set_head(home, wife)
    ledger.set_head(home, wife)
    ledger.add_person(home, {"name": "王小", "sex": "M", "birth_date": "2020-01-01"})
    assert version(Household, home) == 4  # a member added changes only its search text
    went = ledger.record_go_out(
        wife, {"date": "2026-03-01", "destination": "太原", "contact": "微信"}
    )
    ledger.record_contraception(husband, SERVICE)  # leaves his card as it was
    # set_head made her 户主 and him 其他 (each +1), the go-out moved her on once more
    assert (version(Person, husband), version(Person, wife)) == (2, 4)
    assert went.version == 1
    ledger.edit_event(went.id, {"destination": "北京"})
    assert version(Event, went.id) == 2
    audited = (
        AuditLog.select().where(AuditLog.table == "event").order_by(AuditLog.id.desc()).first()
    )
    assert json.loads(audited.after)["version"] == 2


def test_a_save_over_a_card_another_cadre_changed_is_refused_saying_what_who_and_when(
    family, ledger_db
):
    """Two cadres open the wife's card; A saves a phone, then B a note. Checked before
    the fix: B's save went through (and, from the form, blanked A's phone)."""
    wife = family["wife"].id
    opened = version(Person, wife)
    change = {"values": {"phone": "13900000001"}, "expected_version": opened}
    assert (
        results(cadre(ledger_db.url, "cadre_a", [["edit_person", [wife], change]]))[0]["ok"]
        == opened + 1
    )
    ledger.set_user("cadre_b")
    before = snapshot()
    with pytest.raises(InvalidInput) as refused:
        ledger.edit_person(wife, {"note": "B的备注"}, expected_version=opened)
    assert refused.value.errors[0].rule == "changed_since"
    zh, en = refused.value.text("zh"), refused.value.text("en")
    assert re.fullmatch(
        f"人员：打开后已被cadre_a于{WHEN}修改（联系电话），本次未保存；请重新载入后再保存", zh
    ), zh
    assert re.fullmatch(
        f"Person: changed by cadre_a at {WHEN} since it was opened \\(Phone\\); "
        "not saved: reload it, then save again",
        en,
    ), en
    assert "13900000001" not in zh + en and "李秀英" not in zh + en
    assert snapshot() == before
    # reloaded: B's note saves over the new version, A's phone stays
    ledger.edit_person(wife, {"note": "B的备注"}, expected_version=version(Person, wife))
    card = Person.get_by_id(wife)
    assert (card.phone, card.note, card.version) == ("13900000001", "B的备注", opened + 2)


def test_the_same_field_saved_by_two_cadres_the_second_is_refused_not_lost(family, ledger_db):
    wife = family["wife"].id
    opened = version(Person, wife)
    change = {"values": {"phone": "13900000001"}, "expected_version": opened}
    assert results(cadre(ledger_db.url, "cadre_a", [["edit_person", [wife], change]]))[0]["ok"]
    with pytest.raises(InvalidInput) as refused:
        ledger.edit_person(wife, {"phone": "13800000002"}, expected_version=opened)
    assert refused.value.errors[0].rule == "changed_since"
    assert Person.get_by_id(wife).phone == "13900000001"


def test_two_saves_of_one_card_at_the_same_moment_the_second_is_refused(family, ledger_db):
    """A's save is under way (its transaction open) when B saves from the same version:
    B waits, then finds A's change. Checked before the fix (on PostgreSQL, with no row
    lock): B's save went through over A's."""
    wife = family["wife"].id
    opened = version(Person, wife)
    change = {"values": {"phone": "13900000001"}, "expected_version": opened}
    other = holding(ledger_db.url, "cadre_a", [["edit_person", [wife], change]])
    try:
        with pytest.raises(InvalidInput) as refused:
            ledger.edit_person(wife, {"phone": "13800000002"}, expected_version=opened)
    finally:
        assert results(other)[0]["ok"] == opened + 1
    assert refused.value.errors[0].rule == "changed_since"
    assert "cadre_a" in refused.value.text("zh")
    assert Person.get_by_id(wife).phone == "13900000001"


def test_a_household_or_an_event_changed_since_is_refused_too(family):
    home, wife = family["household"].id, family["wife"].id
    opened = version(Household, home)
    ledger.set_user("cadre_a")
    ledger.edit_household(home, {"address": "东街1号"}, expected_version=opened)
    ledger.set_user("cadre_b")
    before = snapshot()
    for change in (
        lambda: ledger.edit_household(home, {"phone": "13900000001"}, expected_version=opened),
        lambda: ledger.set_head(home, wife, expected_version=opened),
    ):
        with pytest.raises(InvalidInput) as refused:
            change()
        assert re.fullmatch(f"户：打开后已被cadre_a于{WHEN}修改（住址）.*", refused.value.text())
    assert snapshot() == before
    went = ledger.record_go_out(
        wife, {"date": "2026-03-01", "destination": "太原", "contact": "微信"}
    )
    ledger.set_user("cadre_a")
    ledger.edit_event(went.id, {"destination": "北京", "date": "2026-03-02"}, expected_version=1)
    ledger.set_user("cadre_b")
    with pytest.raises(InvalidInput) as refused:
        ledger.edit_event(went.id, {"contact": "13900000001"}, expected_version=1)
    assert re.fullmatch(
        f"外出登记：打开后已被cadre_a于{WHEN}修改（外出日期、外出地点）.*", refused.value.text()
    ), refused.value.text()
    assert json.loads(Event.get_by_id(went.id).data) == {"contact": "微信", "destination": "北京"}


def test_the_second_of_two_deaths_saved_at_once_is_refused(family, ledger_db):
    """Checked before the fix: on SQLite the second failed with `database is locked`; on
    PostgreSQL (the person read without a lock) both were saved."""
    husband = family["husband"].id
    death = {"values": {"date": "2026-03-01"}}
    other = holding(ledger_db.url, "cadre_a", [["record_death", [husband], death]])
    try:
        with pytest.raises(InvalidInput) as refused:
            ledger.record_death(husband, {"date": "2026-03-02"})
    finally:
        assert results(other)[0]["ok"]
    assert refused.value.errors[0].rule == "wrong_residence"
    assert refused.value.text() == "人员：当前状态为“死亡”，不能办理此事项"
    assert Event.select().where(Event.kind == "death").count() == 1


@sqlite_only
def test_an_older_ledger_gains_versions_every_record_at_1(tmp_path):
    """Schema v10: a ledger from before versions is migrated, every record at version 1."""
    old = tmp_path / "old.db"
    con = sqlite3.connect(old)
    con.executescript((Path(__file__).parent / "data" / "schema_v1.sql").read_text("utf-8"))
    con.close()
    try:
        database = db.open_database(old)
        assert db.get_version(database) == db.LATEST >= 10  # v11 came after
        for model in (Household, Person, Event):
            assert {row.version for row in model.select()} == {1}
        ledger.set_user("cadre_a")
        person = Person.select().first()
        ledger.edit_person(person.id, {"note": "迁移后"}, expected_version=1)
        assert version(Person, person.id) == 2
    finally:
        db.close_database()
        ledger.set_user("")
