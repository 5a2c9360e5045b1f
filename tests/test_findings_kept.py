"""The logic checks' findings kept by the write path (ledger/findings.py): after every kind
of ledger write they are what a full run of the checks finds, in the same transaction."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from conftest import TODAY as FAMILY_DAY
from conftest import snapshot, sqlite_only

from fptui import cli, clock, db, demo, idcard, ledger
from fptui.models import AuditLog, FollowUp, Household, Person
from fptui.models import Finding as Kept
from fptui.reads import checks, reconcile, score
from fptui.schema.validate import InvalidInput

TODAY = dt.date(2026, 11, 23)
DAY = "2026-11-23"
V1 = Path(__file__).parent / "data" / "schema_v1.sql"


def marks(findings: list[checks.Finding]) -> set[tuple]:
    return {
        (f.code, f.severity, f.household, f.person, f.event, f.message.zh, f.message.en)
        for f in findings
    }


def same_as_a_full_run(step: str) -> None:
    kept, full = marks(checks.kept()), marks(checks.run())
    assert kept == full, (step, kept - full, full - kept)


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("kept") / "demo.db"
    demo.build(path, persons=700, seed=5, today=TODAY)
    db.close_database()
    return path


@pytest.fixture
def township(demo_path, tmp_path):
    path = tmp_path / "demo.db"
    path.write_bytes(demo_path.read_bytes())
    db.open_database(path)
    ledger.set_user("tester")
    with clock.frozen(TODAY):
        yield path
    ledger.set_user("")
    db.close_database()


def living(sex: str, born_after: str, born_before: str, **where: object) -> list[Person]:
    query = Person.select().where(
        (Person.residence == "here")
        & (Person.sex == sex)
        & Person.birth_date.between(
            dt.date.fromisoformat(born_after), dt.date.fromisoformat(born_before)
        )
    )
    for key, value in where.items():
        query = query.where(getattr(Person, key) == value)
    return list(query.order_by(Person.id))


def test_the_demo_keeps_what_a_full_run_finds(township):
    assert Kept.select().count() > 0
    same_as_a_full_run("demo")
    # its planted faults among them: the duplicate ID, the household with no head
    codes = {f.code for f in checks.kept()}
    assert {"id_duplicate", "household_no_head", "married_no_date"} <= codes


def test_every_kind_of_write_keeps_the_findings_a_full_run_finds(township):
    village = Household.select().order_by(Household.id).first().village_id
    other_village = (
        Household.select().where(Household.village != village).order_by(Household.id).first()
    ).village_id
    used: set[int] = set()

    def pick(people: list[Person], heads: bool = False) -> Person:
        for p in people:
            if p.id not in used and (heads or p.household.head_id != p.id):
                used.add(p.id)
                return p
        raise AssertionError("the demo has no such person")

    def step(name: str, write) -> object:
        result = write()
        same_as_a_full_run(name)
        return result

    # households and persons
    home = step(
        "add_household", lambda: ledger.add_household({"village": village, "number": "8801"})
    )
    wife = step(
        "add_person",
        lambda: ledger.add_person(
            home.id,
            {
                "name": "钱红",
                "sex": "F",
                "birth_date": "1995-03-02",
                "relation": "spouse",
                "marital_status": "first",
            },
        ),
    )
    assert any(f.code == "household_no_head" and f.household == home.id for f in checks.kept())
    step("set_head", lambda: ledger.set_head(home.id, wife.id))
    step("edit_household", lambda: ledger.edit_household(home.id, {"phone": "13900000001"}))
    step(
        "edit_person: a marriage date",
        lambda: ledger.edit_person(wife.id, {"marriage_date": "2018-06-01"}),
    )
    # an ID number two households share, then no longer
    holder = pick([p for p in living("M", "1960-01-01", "2000-01-01") if p.id_number])
    man = pick(
        [
            p
            for p in living("M", "1960-01-01", "2000-01-01")
            if p.household_id != holder.household_id and p.id_number
        ]
    )
    # the ledger refuses a number held already: an older import let one through
    Person.update(id_number=holder.id_number, birth_date=holder.birth_date).where(
        Person.id == man.id
    ).execute()
    step("recheck_everything", ledger.recheck_everything)
    assert {holder.id, man.id} <= {f.person for f in checks.kept() if f.code == "id_duplicate"}
    new = idcard.make("140121", holder.birth_date, 123, "M")
    step(
        "edit_person: a number of his own", lambda: ledger.edit_person(man.id, {"id_number": new})
    )
    assert holder.id not in {f.person for f in checks.kept() if f.code == "id_duplicate"}
    # vital events
    mother = pick(living("F", "1992-01-01", "2002-01-01", marital_status="first"))
    birth = step(
        "record_birth",
        lambda: ledger.record_birth(
            {"mother": mother.id, "name": "钱小", "sex": "M", "date": DAY}
        ),
    )
    step("edit_event", lambda: ledger.edit_event(birth.id, {"birth_order": 5}))
    step(
        "edit_person: the mother's birth date",
        lambda: ledger.edit_person(mother.id, {"birth_date": "1993-01-01"}),
    )
    step("void_event", lambda: ledger.void_event(birth.id, "录入错误"))
    pregnant = pick(living("F", "1990-01-01", "2003-01-01", marital_status="first"))
    step(
        "register_pregnancy",
        lambda: ledger.register_pregnancy(
            pregnant.id, {"date": "2026-11-02", "edd": "2027-06-01"}
        ),
    )
    step(
        "record_pregnancy_outcome",
        lambda: ledger.record_pregnancy_outcome(
            pregnant.id, {"date": DAY, "outcome": "miscarriage"}
        ),
    )
    step(
        "record_contraception",
        lambda: ledger.record_contraception(
            pregnant.id, {"date": DAY, "method": "iud", "informed_choice": "1"}
        ),
    )
    step(
        "confirm_benefit",
        lambda: ledger.confirm_benefit(
            pregnant.id, {"date": DAY, "scheme": "reward", "year": "2026", "amount": "960"}
        ),
    )
    goer = pick(living("M", "1980-01-01", "2004-01-01"))
    step(
        "record_go_out",
        lambda: ledger.record_go_out(
            goer.id, {"date": DAY, "destination": "太原", "contact": "微信"}
        ),
    )
    step("record_return", lambda: ledger.record_return(goer.id, {"date": DAY}))
    step(
        "record_move_out",
        lambda: ledger.record_move_out(goer.id, {"date": DAY, "to_place": "北京"}),
    )
    single = pick(living("M", "1990-01-01", "2004-01-01", marital_status="never"))
    step(
        "record_marriage",
        lambda: ledger.record_marriage(single.id, {"date": DAY, "spouse_name": "赵敏"}),
    )
    step("record_divorce", lambda: ledger.record_divorce(single.id, {"date": DAY}))
    step(
        "record_move_in",
        lambda: ledger.record_move_in(
            home.id,
            {
                "date": DAY,
                "from_place": "太原",
                "name": "周敏",
                "sex": "F",
                "birth_date": "2000-01-01",
                "relation": "child_in_law",
            },
        ),
    )
    migrants = step(
        "add_household: migrants",
        lambda: ledger.add_household(
            {"village": other_village, "number": "8802", "registration": "migrant"}
        ),
    )
    number = idcard.make("150121", dt.date(1990, 6, 1), 7, "M")
    arrival = step(
        "register_migrant",
        lambda: ledger.register_migrant(
            migrants.id,
            {
                "date": DAY,
                "origin": "内蒙古",
                "name": "孟和",
                "id_number": number,
                "relation": "head",
            },
        ),
    )
    step(
        "record_migrant_left",
        lambda: ledger.record_migrant_left(arrival.person_id, {"date": DAY, "to_place": "包头"}),
    )
    dying = pick(living("M", "1930-01-01", "1960-01-01", marital_status="first"), heads=True)
    widow = dying.spouse
    step("record_death", lambda: ledger.record_death(dying.id, {"date": DAY}))
    if widow is not None and widow.marital_status == "first":
        step("record_widowhood", lambda: ledger.record_widowhood(widow.id, {"date": DAY}))
    head = Household.get_by_id(dying.household_id).head
    if head is not None and head.residence == "here":
        step("record_death: a head", lambda: ledger.record_death(head.id, {"date": DAY}))
    # follow-up visits
    visits = list(FollowUp.select().where(FollowUp.status == "open").order_by(FollowUp.due_on))
    step(
        "mark_followup_done",
        lambda: ledger.mark_followup_done(visits[0].id, {"date": DAY, "outcome": "phone"}),
    )
    step(
        "mark_followups_done",
        lambda: ledger.mark_followups_done(
            [(v.id, {"date": DAY, "outcome": "phone"}) for v in visits[1:3]]
        ),
    )
    step(
        "reschedule_followup",
        lambda: ledger.reschedule_followup(visits[3].id, {"due": "2026-12-20", "reason": "外出"}),
    )
    step("ensure_monthly_followups", lambda: ledger.ensure_monthly_followups())
    step("regenerate_followups", lambda: ledger.regenerate_followups())
    # a village's register loaded at once
    step(
        "open_ledger",
        lambda: ledger.open_ledger(
            other_village,
            [
                {
                    "number": "8803",
                    "members": [
                        {
                            "name": "王大",
                            "sex": "M",
                            "birth_date": "1970-01-01",
                            "relation": "head",
                            "marital_status": "first",
                        },
                        {
                            "name": "李二",
                            "sex": "F",
                            "birth_date": "1972-01-01",
                            "relation": "spouse",
                            "marital_status": "first",
                            "marriage_date": "1993-01-01",
                        },
                    ],
                },
            ],
        ),
    )
    step("record_restore", lambda: ledger.record_restore("backup.db", 0))


def test_a_month_closed_and_reopened_keeps_them(family, ledger_db):
    v = ledger_db.village.id
    with clock.frozen(dt.date(2026, 3, 3)):
        ledger.close_month(v, "2026-02")
        same_as_a_full_run("close_month")
        ledger.reopen_month(v, "2026-02", "漏报一例出生")
        same_as_a_full_run("reopen_month")
        key = (
            next(f.key for f in checks.kept(v) if f.severity == "warning")
            if any(f.severity == "warning" for f in checks.kept(v))
            else None
        )
        if key is not None:
            ledger.acknowledge_warning(v, "2026-03", key)
            same_as_a_full_run("acknowledge_warning")


def test_a_refused_change_leaves_the_kept_findings_as_they_were(family):
    ledger.edit_person(family["wife"].id, {"marriage_date": None})
    before = list(Kept.select().order_by(Kept.id).tuples())
    assert any(f.code == "married_no_date" for f in checks.kept())
    rows = snapshot()
    with pytest.raises(InvalidInput), ledger.batch():
        ledger.edit_person(family["wife"].id, {"marriage_date": "2019-01-01"})
        ledger.record_death(family["husband"].id, {"date": "1990-01-01"})  # before birth
    assert list(Kept.select().order_by(Kept.id).tuples()) == before
    assert snapshot() == rows
    with pytest.raises(InvalidInput):
        ledger.edit_person(family["wife"].id, {"sex": "X"})
    assert list(Kept.select().order_by(Kept.id).tuples()) == before


def test_the_readers_use_the_kept_findings_not_a_run(family, ledger_db, monkeypatch):
    v = ledger_db.village.id
    ledger.edit_person(family["wife"].id, {"marriage_date": None})

    def no_run(*args, **kwargs):
        if kwargs.get("dated") is True:  # the day's checks run when read
            return []
        raise AssertionError("a full run where the kept findings serve")

    monkeypatch.setattr(checks, "run", no_run)
    result = score.score_month("2026-03", v)
    rules = score.indicators_of().indicators
    (logic,) = [i for i in result.indicators if rules[i.key].figure == "logic_errors"]
    assert [c.person for c in logic.figure.cases] == [family["wife"].id]
    r = reconcile.reconcile(v, "2026-03")
    assert [f.code for f in r.errors] == ["married_no_date"]
    assert [m.errors for m in reconcile.township("2026-03") if m.village == v] == [1]


def test_check_reads_them_and_check_full_puts_them_right(family, ledger_db, capsys):
    Person.update(marital_status="first", marriage_date=None).where(
        Person.id == family["husband"].id
    ).execute()  # past the write path: an old import
    url = ledger_db.url
    assert cli.main(["--db", url, "check"]) == 0  # the kept ones: nothing yet
    capsys.readouterr()
    assert cli.main(["--db", url, "check", "--full"]) == 1
    out = capsys.readouterr()
    assert "1 added, 0 removed" in out.err and "married_no_date" in out.out
    db.open_database(url)
    audit = AuditLog.get(AuditLog.action == "check_full")
    assert (audit.table, json.loads(audit.after)["added"]) == ("finding", 1)
    assert cli.main(["--db", url, "check", "--full"]) == 1
    assert "0 added, 0 removed" in capsys.readouterr().err
    db.open_database(url)
    same_as_a_full_run("check --full")


@sqlite_only
def test_an_older_ledger_gets_its_findings_filled(tmp_path, monkeypatch):
    old = tmp_path / "old.db"
    con = sqlite3.connect(old)
    con.executescript(V1.read_text(encoding="utf-8"))
    con.close()
    with monkeypatch.context() as m:  # the ledger as fptui left it before the kept findings
        step = next(v for v, f in db.MIGRATIONS.items() if f is db._v15_findings)
        m.setattr(db, "LATEST", step)  # the versions before it, whatever follows
        database = db.open_database(old)
        assert "finding" not in database.get_tables()
        db.close_database()
    con = sqlite3.connect(old)  # a fault an older fptui let through: a married, no date
    con.execute(
        "UPDATE person SET marital_status = 'first', marriage_date = NULL "
        "WHERE id = (SELECT MIN(id) FROM person WHERE residence = 'here')"
    )
    con.commit()
    con.close()
    with clock.frozen(FAMILY_DAY):
        database = db.open_database(old)
        try:
            assert db.get_version(database) == db.LATEST
            assert Kept.select().count() > 0
            assert "married_no_date" in {k.code for k in Kept.select()}
            same_as_a_full_run("migration")
        finally:
            db.close_database()


def test_a_close_inside_a_batch_sees_the_errors_the_batch_made(family, ledger_db):
    """A batch keeps its findings once, at its end; a close inside it (the demo's, an
    import's) first keeps those of the households touched so far, so an error the batch
    made stops the close as it would outside one."""
    v = ledger_db.village.id
    with clock.frozen(dt.date(2026, 3, 3)):
        with pytest.raises(InvalidInput), ledger.batch():
            ledger.edit_person(family["wife"].id, {"marriage_date": None})
            ledger.close_month(v, "2026-02")
        assert not checks.kept(v) or all(f.code != "married_no_date" for f in checks.kept(v))
        with ledger.batch():
            ledger.edit_person(family["wife"].id, {"marriage_date": None})
            refused = dict(ledger.close_months([v], "2026-02"))[v]
        assert isinstance(refused, InvalidInput)
        assert [f.code for f in checks.kept(v)] == ["married_no_date"]
        same_as_a_full_run("a batch with a refused close")
