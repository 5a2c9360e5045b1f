"""A village's reads (month end, balance, return tables, visits, the month's changes) read
only its own rows through indexes (schema v13); their figures are those the same village
has as part of the township, and its changes those a read of the whole log finds."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
from conftest import sqlite_only

from fptui import clock, db, demo, ledger
from fptui.models import Area, AuditLog, Event, FollowUp, Household, Person
from fptui.reads import followups, reconcile, returns, tables
from fptui.reads.calendar import Period

TODAY = dt.date(2026, 11, 23)
MONTHS = ("2026-09", "2026-10", "2026-11")  # closed, open with a difference, this month

pytestmark = sqlite_only  # a demo file: this module has no PostgreSQL form


@pytest.fixture(scope="module")
def township(tmp_path_factory):
    path = tmp_path_factory.mktemp("villages") / "demo.db"
    demo.build(path, persons=1500, seed=7, today=TODAY)
    db.close_database()
    return path


@pytest.fixture
def opened(township, tmp_path):
    path = tmp_path / "demo.db"
    shutil.copyfile(township, path)
    db.open_database(path)
    with clock.frozen(TODAY):
        yield {a.id: a.name for a in Area.select().where(Area.kind == "village")}
    db.close_database()


def whole_log_changes(village: int, month: str, until: dt.datetime | None = None) -> list:
    """The month's changes of a village as read before v13: every row of the log in the
    month, sorted out here. What the indexed read must find, row for row."""
    from fptui.reads.calendar import Period

    start = dt.datetime.combine(Period.month(month).start, dt.time())
    homes = {
        h for (h,) in Household.select(Household.id).where(Household.village == village).tuples()
    }
    rows = (
        AuditLog.select(
            AuditLog.id,
            AuditLog.table,
            AuditLog.record_id,
            AuditLog.place,
            AuditLog.before,
            AuditLog.after,
        )
        .where(AuditLog.at.between(start, until or dt.datetime(9999, 12, 31)))
        .order_by(AuditLog.id)
        .tuples()
    )
    kept = []
    for audit_id, table, record_id, place, before, after in rows:
        data = {**json.loads(before or "{}"), **json.loads(after or "{}")}
        if table == "household":
            home = record_id
        elif table in ("month_close", "acknowledgement"):
            if data.get("village") != village:
                continue
            home = None
        elif table == "frozen_return":
            if data.get("area") != village:
                continue
            home = None
        elif table == "area":
            if village not in (record_id, data.get("parent")):
                continue
            home = None
        else:  # an insert of the rows the ledger keeps names its household by its place
            home = data.get("household", place)
        if home is not None and home not in homes:
            continue
        kept.append(audit_id)
    return kept


def changes_as_rows(village: int, month: str, until: dt.datetime | None = None) -> list:
    """The audit rows behind `reconcile.changes` (by the changes' numbers), to compare."""
    found = reconcile.changes(village, month, until)
    return sorted(
        c.at.isoformat() + c.user + c.action + c.table + str(c.person) + str(c.rows) for c in found
    )


def _person_of(table: str, record_id: int) -> int | None:
    """The person an event's or a visit's row names, or named when it was deleted."""
    model = Event if table == "event" else FollowUp
    row = model.get_or_none(model.id == record_id)
    if row is not None:
        return row.person_id
    for (before,) in (
        AuditLog.select(AuditLog.before)
        .where((AuditLog.table == table) & (AuditLog.record_id == record_id))
        .tuples()
    ):
        if before and json.loads(before).get("person") is not None:
            return json.loads(before)["person"]
    return None


def reference_as_rows(village: int, month: str, until: dt.datetime | None = None) -> list:
    ids = whole_log_changes(village, month, until)
    groups: dict[tuple, list] = {}
    for audit in AuditLog.select().where(AuditLog.id.in_(ids)).order_by(AuditLog.id):
        at = audit.at
        key = (audit.change, at, audit.user)
        data = {**json.loads(audit.before or "{}"), **json.loads(audit.after or "{}")}
        person = audit.record_id if audit.table == "person" else data.get("person")
        if person is None and audit.table in ("event", "follow_up"):
            person = _person_of(audit.table, audit.record_id)
        groups.setdefault(key, []).append((audit.table, audit.action, person))
    out = []
    for (_change, at, user), items in groups.items():
        table, action, person = next((r for r in items if r[0] == "event"), items[0])
        at = at if isinstance(at, dt.datetime) else dt.datetime.fromisoformat(str(at))
        out.append(at.isoformat() + user + action + table + str(person) + str(len(items)))
    return sorted(out)


def test_each_villages_return_is_its_line_of_the_townships(opened):
    for month in MONTHS:
        whole = {
            name: returns.plain(table(month))
            for name, table in tables.TABLES.items()
            if name not in ("score_sheet", "benefit_rosters", "followup_work")
        }
        work = [returns.plain(r) for r in tables.followup_work(month)]
        summed: dict[str, dict[str, int]] = {}
        for village, name in opened.items():
            alone = returns.plain(tables.population_change(month, village))
            assert alone == [r for r in whole["population_change"] if r["unit"] == name]
            alone = returns.plain(tables.women_of_reproductive_age(month, village))
            assert alone == [r for r in whole["women_of_reproductive_age"] if r["unit"] == name]
            for register in ("births_register", "deaths_register", "migration_register"):
                alone = returns.plain(tables.TABLES[register](month, village))
                assert alone == [r for r in whole[register] if r["village"] == name], register
            for row in returns.plain(tables.followup_work(month, village)):
                counts = summed.setdefault(row["kind"], {})
                for key in ("due", "on_time", "late", "overdue", "cancelled"):
                    counts[key] = counts.get(key, 0) + row[key]
        assert {
            r["kind"]: {k: r[k] for k in ("due", "on_time", "late", "overdue", "cancelled")}
            for r in work
        } == summed
        # the township's line of the women: its villages' added up, as the whole ledger
        # read at once counts them
        whole_read = tables._women_row("合计", Period.month(month), None)
        assert whole["women_of_reproductive_age"][-1] == returns.plain(whole_read)
        assert whole_read.women and whole_read.by_method
        # something was counted: the comparison is not of empty tables
        assert any(r["flows"]["births"] for r in whole["population_change"])


def test_each_villages_month_end_is_its_line_of_the_townships_overview(opened):
    for month in MONTHS[1:]:
        overview = {line.village: line for line in reconcile.township(month)}
        for village, name in opened.items():
            alone = reconcile.reconcile(village, month)
            assert alone.balance.difference == overview[village].difference
            by = dt.date.fromisoformat(f"{month}-01")
            by = dt.date(by.year + by.month // 12, by.month % 12 + 1, 1)  # the next month's 1st
            every = followups.open_list("overdue", today=TODAY, by=by)
            assert alone.overdue == [r for r in every if r.village == name]
            assert changes_as_rows(village, month) == reference_as_rows(village, month)
    assert any(line.difference for line in reconcile.township(MONTHS[1]))


def test_the_months_changes_after_a_void_a_reopen_and_a_withdrawal_are_the_whole_logs(opened):
    villages = sorted(opened)
    first, second = villages[0], villages[1]
    living = (
        Person.select(Person.id)
        .join(Household, on=(Person.household == Household.id))
        .where((Household.village == first) & (Person.residence == "here"))
        .order_by(Person.birth_date)
        .first()
    )
    now = dt.datetime.combine(TODAY, dt.time(10))
    with clock.frozen(now):
        # a death entered for the wrong person and voided: the event is gone from the
        # ledger, its rows of the log stay the village's
        death = ledger.record_death(living.id, {"date": "2026-11-20", "cause": "illness"})
        ledger.void_event(death.id, "entered for the wrong person")
        assert Event.get_or_none(Event.id == death.id) is None
        ledger.reopen_month(first, "2026-09", "a birth was missed")
        ledger.acknowledge_warning(first, "2026-11", "out_no_contact:1")
        ledger.withdraw_acknowledgement(first, "2026-11", "out_no_contact:1")
        elsewhere = (
            Person.select()
            .join(Household, on=(Person.household == Household.id))
            .where(Household.village == second)
            .first()
        )
        ledger.edit_person(elsewhere.id, {"phone": "13700000000"})
    for village in villages:
        for month in ("2026-09", "2026-11"):
            assert changes_as_rows(village, month) == reference_as_rows(village, month)
            assert changes_as_rows(village, month, now) == reference_as_rows(village, month, now)
    actions = {c.action for c in reconcile.changes(first, "2026-11")}
    assert {"void_event", "reopen_month", "withdraw_acknowledgement"} <= actions


def test_the_migration_makes_the_indexes_a_new_ledger_has(tmp_path):
    import sqlite3

    def indexes(path) -> dict[str, str]:
        con = sqlite3.connect(path)
        out = dict(con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'"))
        con.close()
        return {k: v for k, v in out.items() if v}

    fresh = tmp_path / "fresh.db"
    db.open_database(fresh)
    db.close_database()
    old = tmp_path / "old.db"
    shutil.copyfile(fresh, old)
    made = [
        name
        for name in indexes(fresh)
        if name.endswith(("_kind_happened_on", "_household_id_due_on"))
    ]
    # (the audit's by place is a column's since v16: a new ledger has no v13 index on it)
    assert len(made) == len(db.VILLAGE_INDEXES)
    con = sqlite3.connect(old)
    for name in made:
        con.execute(f'DROP INDEX "{name}"')
    con.commit()
    con.close()
    # the step itself, whatever its number after other steps are merged around it
    step = next(k for k, f in db.MIGRATIONS.items() if f is db._v13_village_indexes)
    database = db.open_database(old)
    with database.atomic():
        db.MIGRATIONS[step](database)
        db.MIGRATIONS[step](database)  # and again: made if not there
    db.close_database()
    assert indexes(old) == indexes(fresh)
