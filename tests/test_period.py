"""The month close: balance, refusals, frozen figures, late entries, reopening."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import SQLITE, sqlite_only

from fptui import backup, clock, ledger
from fptui.models import AuditLog, MonthClose, Person
from fptui.reads import period
from fptui.schema.validate import InvalidInput

D = dt.date


def refused(fn, *args, rule: str, **kwargs) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        fn(*args, **kwargs)
    assert caught.value.errors[0].rule == rule, caught.value
    return caught.value


def test_a_balanced_month_closes_with_its_figures_frozen_and_a_backup(family, ledger_db, tmp_path):
    v = ledger_db.village.id
    with clock.frozen(D(2026, 3, 3)):
        ledger.record_birth(
            {"mother": family["wife"].id, "name": "王二", "sex": "M", "date": "2026-02-10"}
        )
        row = ledger.close_month(v, "2026-02")
    figures = json.loads(row.figures)
    assert figures.pop("flows")["births_male"] == 1
    assert figures == {
        "start": 2,
        "end": 3,
        "births": 1,
        "deaths": 0,
        "moved_in": 0,
        "moved_away": 0,
        "late": 0,
        "added": [],
        "acknowledged": [],
    }
    assert (row.closed_by, row.closed_at.date()) == ("tester", D(2026, 3, 3))
    assert AuditLog.get(AuditLog.action == "close_month").record_id == row.id
    if SQLITE:  # PostgreSQL is backed up by its server (pg_dump), not by fptui
        assert len(list(backup.backups_dir(tmp_path / "ledger.db").glob("*.db"))) == 1
    refused(ledger.close_month, v, "2026-02", rule="already_closed")
    # a month closes once it is over, not before
    with clock.frozen(D(2026, 3, 31)):
        error = refused(ledger.close_month, v, "2026-03", rule="not_ended")
    assert "2026-03还没过完" in error.text("zh")


def test_a_month_that_does_not_balance_cannot_close_and_says_by_how_much(
    family, ledger_db, tmp_path, capsys
):
    v = ledger_db.village.id
    with clock.frozen(D(2026, 3, 3)):
        ledger.close_month(v, "2026-02")
        # someone leaves the register without an event
        Person.update(residence="moved_away").where(Person.id == family["wife"].id).execute()
    with clock.frozen(D(2026, 4, 2)):
        b = period.balance(v, "2026-03")
        assert (b.start, b.end, b.difference, b.start_frozen) == (2, 1, -1, True)
        assert [f.person for f in b.persons] == [family["wife"].id]
        error = refused(ledger.close_month, v, "2026-03", rule="not_balanced")
        assert "期末人口1" in error.text("zh") and "相差-1" in error.text("zh")
        # the command line says where: the village, then who is behind it
        from fptui import cli

        database = ledger_db.url
        assert cli.main(["--db", database, "close", "--month", "2026-03"]) == 1
        err = capsys.readouterr().err
        assert "王家庄村 月份：2026-03不平衡" in err and "  李秀英：状态为“迁出”" in err
        # recorded as it should have been: it balances, and closes
        Person.update(residence="here").where(Person.id == family["wife"].id).execute()
        ledger.record_move_out(family["wife"].id, {"date": "2026-03-20", "to_place": "北京"})
        assert period.balance(v, "2026-03").difference == 0
        ledger.close_month(v, "2026-03")


def test_errors_must_be_corrected_and_warnings_acknowledged(family, ledger_db):
    v = ledger_db.village.id
    with clock.frozen(D(2026, 3, 3)):
        ledger.edit_person(family["wife"].id, {"marriage_date": None})
        assert "1个逻辑错误" in refused(ledger.close_month, v, "2026-02", rule="errors_open").text(
            "zh"
        )
        ledger.edit_person(family["wife"].id, {"marriage_date": "2019-01-01"})
        child = ledger.record_birth(
            {"mother": family["wife"].id, "name": "王早", "sex": "M", "date": "2018-05-01"}
        )  # a warning
        refused(ledger.close_month, v, "2026-02", rule="warnings_open")
        row = ledger.close_month(v, "2026-02", {f"birth_before_marriage:{child.person_id}"})
        assert json.loads(row.figures)["acknowledged"] == [
            f"birth_before_marriage:{child.person_id}"
        ]


def test_months_close_in_order(family, ledger_db):
    v = ledger_db.village.id
    with clock.frozen(D(2026, 5, 3)):
        ledger.close_month(v, "2026-02")
        error = refused(ledger.close_month, v, "2026-04", rule="earlier_open")
        assert "2026-03" in error.text("zh")
        ledger.close_month(v, "2026-03")
        ledger.close_month(v, "2026-04")


def test_a_closed_months_events_cannot_change_but_a_late_entry_is_counted_next_month(
    family, ledger_db
):
    v = ledger_db.village.id
    with clock.frozen(D(2026, 3, 3)):
        event = ledger.record_go_out(
            family["husband"].id, {"date": "2026-02-10", "destination": "太原", "contact": "微信"}
        )
        ledger.close_month(v, "2026-02")
        frozen = MonthClose.get().figures
        error = refused(ledger.edit_event, event.id, {"date": "2026-02-11"}, rule="closed")
        assert "2026-02已结账" in error.text("zh")
    with clock.frozen(D(2026, 3, 15)):  # a birth of February, entered in March: 补报
        ledger.record_birth(
            {"mother": family["wife"].id, "name": "王补", "sex": "F", "date": "2026-02-25"}
        )
    assert MonthClose.get().figures == frozen  # the closed month's figures stand
    with clock.frozen(D(2026, 4, 2)):
        b = period.balance(v, "2026-03")
        assert (b.start, b.flows.births, b.late.births, b.end, b.difference) == (2, 0, 1, 3, 0)
        row = ledger.close_month(v, "2026-03")
    assert json.loads(row.figures)["late"] == 1


def test_reopening_needs_a_reason_and_is_audited(family, ledger_db):
    v = ledger_db.village.id
    with clock.frozen(D(2026, 3, 3)):
        ledger.close_month(v, "2026-02")
        error = refused(ledger.reopen_month, v, "2026-02", " ", rule="required")
        assert error.errors[0].field == "reason" and "重开原因" in error.text("zh")
        refused(ledger.reopen_month, v, "2026-02", "长" * 201, rule="too_long")
        assert period.closed(v, "2026-02") is not None
        ledger.reopen_month(v, "2026-02", "漏报一例出生，更正后重新结账")
        assert period.closed(v, "2026-02") is None
        audit = AuditLog.get(AuditLog.action == "reopen_month")
        assert "漏报一例出生" in audit.before
        refused(ledger.reopen_month, v, "2026-02", "再开", rule="not_closed")


def test_fptui_close_and_reopen(family, ledger_db, tmp_path, capsys):
    from fptui import cli

    database = ledger_db.url
    with clock.frozen(D(2026, 3, 3)):
        ledger.edit_person(family["wife"].id, {"marriage_date": None})
        assert (
            cli.main(["--db", database, "close", "--month", "2026-02", "--village", "王家庄村"])
            == 1
        )
        assert "逻辑错误" in capsys.readouterr().err
        ledger.edit_person(family["wife"].id, {"marriage_date": "2019-01-01"})
        assert cli.main(["--db", database, "close", "--month", "2026-02"]) == 0
        assert capsys.readouterr().out.count("2026-02：已结账") == 2  # both villages
        # one backup before closing them, not one per village
        if SQLITE:
            assert len(list(backup.backups_dir(tmp_path / "ledger.db").glob("*.db"))) == 1
        assert (
            cli.main(
                [
                    "--db",
                    database,
                    "reopen",
                    "--month",
                    "2026-02",
                    "--village",
                    "东营村",
                    "--reason",
                    "更正",
                ]
            )
            == 0
        )
        assert period.closed(ledger_db.other_village.id, "2026-02") is None
        assert period.closed(ledger_db.village.id, "2026-02") is not None


def test_a_late_entry_is_the_next_months_adjustment_line(family, ledger_db):
    from fptui.reads import tables

    v = ledger_db.village.id
    with clock.frozen(D(2026, 3, 3)):
        ledger.close_month(v, "2026-02")
    with clock.frozen(D(2026, 3, 15)):
        ledger.record_birth(
            {"mother": family["wife"].id, "name": "王补", "sex": "F", "date": "2026-02-25"}
        )
        (feb,) = tables.population_change("2026-02", v)
        (march,) = tables.population_change("2026-03", v)
    assert (feb.start, feb.flows.births, feb.end) == (2, 0, 2)  # February as it was closed
    assert json.loads(MonthClose.get().figures)["end"] == 2
    assert (march.start, march.flows.births, march.late, march.end, march.balance) == (
        2,
        0,
        1,
        3,
        0,
    )


def test_a_status_changed_without_an_event_is_corrected_by_recording_the_event(family, ledger_db):
    v, wife = ledger_db.village.id, family["wife"].id
    with clock.frozen(D(2026, 3, 3)):
        ledger.close_month(v, "2026-02")
        Person.update(residence="moved_away").where(Person.id == wife).execute()
    with clock.frozen(D(2026, 4, 2)):
        from fptui.reads import checks, queries

        assert checks.expected_residence(wife) == "here"
        # the card says moved away already: the missing move out is offered and accepted
        assert "move_out" in queries.events_for(Person.get_by_id(wife))
        assert "death" not in queries.events_for(Person.get_by_id(wife))
        ledger.record_move_out(wife, {"date": "2026-03-20", "to_place": "北京"})
        assert AuditLog.get(AuditLog.action == "record_move_out").record_id
        assert checks.run(village=v, only=["status_without_event"]) == []
        assert period.balance(v, "2026-03").difference == 0
        # once in line, the same event is refused as before: she has moved away
        refused(
            ledger.record_move_out,
            wife,
            {"date": "2026-03-21", "to_place": "北京"},
            rule="wrong_residence",
        )
        ledger.close_month(v, "2026-03")


def test_a_resident_added_by_hand_after_a_close_is_counted_and_named(family, ledger_db):
    v = ledger_db.village.id
    with clock.frozen(D(2026, 3, 3)):
        ledger.close_month(v, "2026-02")
        # a resident missing from the ledger (漏登), entered without an event
        late = ledger.add_person(
            family["household"].id,
            {"name": "王奶奶", "sex": "F", "birth_date": "1950-01-01", "relation": "other"},
        )
        ledger.record_birth(
            {"mother": family["wife"].id, "name": "王二", "sex": "M", "date": "2026-03-02"}
        )
    with clock.frozen(D(2026, 4, 2)):
        b = period.balance(v, "2026-03")
        assert (b.start, b.flows.births, b.added, b.end, b.difference) == (2, 1, [late.id], 4, 0)
        row = ledger.close_month(v, "2026-03")
        assert json.loads(row.figures)["added"] == [late.id]
        assert period.frozen(v, "2026-03").added == [late.id]
    with clock.frozen(D(2026, 5, 2)):
        assert period.balance(v, "2026-04").added == []  # counted once, in March


@sqlite_only
def test_a_failed_backup_closes_nothing_and_says_so(
    family, ledger_db, tmp_path, capsys, monkeypatch
):
    from fptui import cli

    def fail(*args, **kwargs):
        raise backup.BackupError("disk full")

    monkeypatch.setattr(backup, "backup", fail)
    with clock.frozen(D(2026, 3, 3)):
        assert cli.main(["--db", ledger_db.url, "close", "--month", "2026-02"]) == 1
    assert "disk full" in capsys.readouterr().err
    assert MonthClose.select().count() == 0


def test_ledger_close_months_closes_each_village_or_says_why(ledger_db, family, tmp_path):
    from fptui import backup, clock, ledger

    v, other = ledger_db.village.id, ledger_db.other_village.id
    with clock.frozen(dt.date(2026, 4, 2)):
        ledger.edit_person(family["wife"].id, {"marriage_date": None})  # an error in v only
        results = dict(ledger.close_months([v, other], "2026-03"))
    assert results[v].errors[0].rule == "errors_open"
    assert results[other].month == "2026-03"
    if SQLITE:  # PostgreSQL is backed up by its server (pg_dump), not by fptui
        assert len(list(backup.backups_dir(tmp_path / "ledger.db").glob("*.db"))) == 1


# --- late entries by the audit log's order, and months in order (issue 12) ---------------


def test_an_event_entered_on_the_day_its_month_closed_is_a_late_entry_next_month(
    family, ledger_db
):
    # Entered after the close, the same day: before, the day was compared with the
    # close's day, and the birth was counted nowhere
    v = ledger_db.village.id
    with clock.frozen(D(2026, 3, 3)):
        ledger.close_month(v, "2026-02")
        ledger.record_birth(
            {"mother": family["wife"].id, "name": "王同", "sex": "M", "date": "2026-02-20"}
        )
    with clock.frozen(D(2026, 4, 2)):
        b = period.balance(v, "2026-03")
        assert (b.late.births, b.end, b.difference) == (1, 3, 0)


def test_an_event_entered_before_the_close_the_same_day_is_in_the_closed_month(family, ledger_db):
    v = ledger_db.village.id
    with clock.frozen(D(2026, 3, 3)):
        ledger.record_birth(
            {"mother": family["wife"].id, "name": "王前", "sex": "M", "date": "2026-02-20"}
        )
        row = ledger.close_month(v, "2026-02")
    assert json.loads(row.figures)["births"] == 1
    with clock.frozen(D(2026, 4, 2)):
        b = period.balance(v, "2026-03")
        assert (b.late.births, b.start, b.end, b.difference) == (0, 3, 3, 0)


def test_an_event_before_the_first_closed_month_entered_after_it_is_a_late_entry(
    family, ledger_db
):
    v = ledger_db.village.id
    with clock.frozen(D(2026, 3, 3)):
        ledger.close_month(v, "2026-02")
    with clock.frozen(D(2026, 3, 10)):
        # January is before the first close: its start froze what January left
        event = ledger.record_birth(
            {"mother": family["wife"].id, "name": "王一", "sex": "F", "date": "2026-01-15"}
        )
        # and voiding it says where a correcting event is counted: the promise is kept
        error = refused(ledger.void_event, event.id, "录错", rule="closed")
        assert "将作为补报计入2026-03" in error.text("zh")
        assert period.counted_in(v, D(2026, 1, 15)) == "2026-03"
        assert period.counted_in(v, D(2026, 3, 5)) is None
    with clock.frozen(D(2026, 4, 2)):
        b = period.balance(v, "2026-03")
        assert (b.late.births, b.end, b.difference) == (1, 3, 0)
        row = ledger.close_month(v, "2026-03")
    assert json.loads(row.figures)["late"] == 1
    with clock.frozen(D(2026, 5, 2)):  # counted once: April does not count it again
        assert period.balance(v, "2026-04").late.births == 0


def test_a_late_birth_loses_the_birth_statistics_point_also_when_entered_the_same_day(
    family, ledger_db
):
    from fptui.reads import score
    from fptui.reads.calendar import Period

    v = ledger_db.village.id
    with clock.frozen(D(2026, 3, 3)):
        ledger.close_month(v, "2026-02")
        ledger.record_birth(
            {"mother": family["wife"].id, "name": "王同", "sex": "M", "date": "2026-02-20"}
        )
        fig = score.FIGURES["births_not_late"](
            score.Scope(v, Period.month("2026-02"), D(2026, 3, 3))
        )[v]
    assert (fig.numerator, fig.denominator) == (0, 1)


def test_months_close_in_order_from_the_ledgers_first_record(family, ledger_db):
    v = ledger_db.village.id
    with clock.frozen(D(2026, 7, 3)):
        error = refused(ledger.close_month, v, "1900-01", rule="before_ledger")
        assert "1900-01早于台帐最早的记录" in error.text("zh")
        ledger.close_month(v, "2026-02")
        ledger.close_month(v, "2026-03")
        ledger.close_month(v, "2026-04")
        # a month two before the last close, never closed before: refused with the reason
        error = refused(ledger.close_month, v, "2026-01", rule="not_next")
        assert "下一个应结账的是2026-05" in error.text("zh")
        refused(ledger.close_month, v, "2026-02", rule="already_closed")
        refused(ledger.close_month, v, "2026-06", rule="earlier_open")


def test_only_the_latest_closed_month_reopens(family, ledger_db):
    v = ledger_db.village.id
    with clock.frozen(D(2026, 5, 3)):
        ledger.close_month(v, "2026-02")
        ledger.close_month(v, "2026-03")
        error = refused(ledger.reopen_month, v, "2026-02", "更正", rule="not_latest")
        assert "只能反结账最近结账的月份（2026-03）" in error.text("zh")
        assert period.closed(v, "2026-02") is not None
        ledger.reopen_month(v, "2026-03", "更正")
        ledger.reopen_month(v, "2026-02", "更正")
        assert period.closed_months(v) == []


def test_a_village_is_named_by_its_number_in_the_list_too(family, ledger_db, capsys):
    from fptui import cli
    from fptui.reads import queries

    second = queries.villages()[1]
    with clock.frozen(D(2026, 3, 3)):
        args = ["--db", ledger_db.url, "close", "--month", "2026-02", "--village", "2"]
        assert cli.main(args) == 0
    assert period.closed(second.id, "2026-02") is not None
    assert period.closed(queries.villages()[0].id, "2026-02") is None
