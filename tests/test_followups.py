"""Follow-ups: the rules of followups.toml, with a fixed clock, one test per rule."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
from conftest import snapshot

from fptui import clock, ledger, schema
from fptui.models import AuditLog, FollowUp
from fptui.reads import followups
from fptui.schema import SchemaError
from fptui.schema.validate import InvalidInput

D = dt.date


def visits(person_id: int | None = None, status: str | None = None) -> list[FollowUp]:
    query = FollowUp.select().order_by(FollowUp.due_on, FollowUp.id)
    if person_id is not None:
        query = query.where(FollowUp.person == person_id)
    if status is not None:
        query = query.where(FollowUp.status == status)
    return list(query)


def summary(rows: list[FollowUp]) -> list[tuple]:
    return [(f.kind, f.due_on, f.window_start, f.status) for f in rows]


@pytest.fixture
def home(family):
    return family


def test_birth_on_1_march_sets_the_7_day_visit_and_the_42_day_check(home):
    with clock.frozen(D(2026, 3, 2)):
        ledger.record_birth(
            {"mother": home["wife"].id, "name": "王乐", "sex": "F", "date": "2026-03-01"}
        )
    assert summary(visits(home["wife"].id)) == [
        ("postpartum_visit", D(2026, 3, 8), D(2026, 3, 1), "open"),
        ("postpartum_42", D(2026, 4, 12), D(2026, 4, 5), "open"),
    ]
    window_end = D(2026, 3, 1) + dt.timedelta(days=49)
    assert window_end == D(2026, 4, 19)


def test_gone_out_on_1_january_is_due_for_contact_by_1_april_then_90_days_after_each(home):
    husband = home["husband"].id
    with clock.frozen(D(2026, 1, 2)):
        ledger.record_go_out(
            husband, {"date": "2026-01-01", "destination": "太原", "contact": "13800000000"}
        )
    (first,) = visits(husband)
    assert (first.kind, first.due_on) == ("out_contact", D(2026, 4, 1))
    with clock.frozen(D(2026, 4, 10)):
        ledger.mark_followup_done(first.id, {"date": "2026-04-10", "outcome": "phone"})
    nxt = visits(husband, "open")
    assert summary(nxt) == [("out_contact", D(2026, 7, 9), D(2026, 4, 10), "open")]
    assert nxt[0].step == 1


def test_a_return_ends_the_contact_visits(home):
    husband = home["husband"].id
    with clock.frozen(D(2026, 1, 2)):
        ledger.record_go_out(
            husband, {"date": "2026-01-01", "destination": "太原", "contact": "13800000000"}
        )
    with clock.frozen(D(2026, 2, 2)):
        ledger.record_return(husband, {"date": "2026-02-01"})
    (fu,) = visits(husband)
    assert (fu.status, fu.reason) == ("cancelled", "return")


def test_a_death_cancels_every_open_follow_up_of_the_person(home):
    wife = home["wife"].id
    with clock.frozen(D(2026, 3, 2)):
        ledger.register_pregnancy(wife, {"date": "2026-01-05", "edd": "2026-08-20"})
        ledger.record_go_out(
            wife, {"date": "2026-03-01", "destination": "太原", "contact": "微信"}
        )
        assert len(visits(wife, "open")) >= 4
        ledger.record_death(wife, {"date": "2026-03-02"})
    assert visits(wife, "open") == []
    assert {f.reason for f in visits(wife)} == {"death"}
    assert AuditLog.select().where(AuditLog.action == "cancel_followup").count() == len(
        visits(wife)
    )


def test_a_move_away_cancels_them_too(home):
    husband = home["husband"].id
    with clock.frozen(D(2026, 1, 2)):
        ledger.record_go_out(
            husband, {"date": "2026-01-01", "destination": "太原", "contact": "13800000000"}
        )
        ledger.record_move_out(husband, {"date": "2026-01-02", "to_place": "北京"})
    assert [f.status for f in visits(husband)] == ["cancelled"]


def test_pregnancy_visits_by_week_and_the_outcome_closes_those_left(home):
    wife = home["wife"].id
    # EDD 2026-10-07: pregnancy began 2025-12-31; registered at week 9.
    with clock.frozen(D(2026, 3, 5)):
        ledger.register_pregnancy(wife, {"date": "2026-03-04", "edd": "2026-10-07"})
    start = D(2025, 12, 31)
    assert [(f.due_on - start).days for f in visits(wife)] == [91, 140, 168, 252, 280]
    assert [(f.window_start - start).days for f in visits(wife)] == [0, 112, 147, 196, 259]
    with clock.frozen(D(2026, 6, 1)):
        ledger.record_pregnancy_outcome(wife, {"date": "2026-06-01", "outcome": "miscarriage"})
    assert {f.status for f in visits(wife)} == {"cancelled"}


def test_a_late_registration_skips_visits_whose_window_has_closed(home):
    wife = home["wife"].id
    with clock.frozen(D(2026, 3, 10)):  # week 26: the first three windows are over
        ledger.register_pregnancy(wife, {"date": "2026-03-10", "edd": "2026-06-08"})
    start = D(2026, 6, 8) - dt.timedelta(days=280)
    assert [(f.due_on - start).days for f in visits(wife)] == [252, 280]


def test_a_live_birth_closes_prenatal_visits_and_opens_postpartum_ones(home):
    wife = home["wife"].id
    with clock.frozen(D(2026, 3, 10)):
        ledger.register_pregnancy(wife, {"date": "2025-08-01", "edd": "2026-03-20"})
        ledger.record_pregnancy_outcome(
            wife,
            {
                "date": "2026-03-09",
                "outcome": "live_birth",
                "child_name": "王笑",
                "child_sex": "M",
            },
        )
    kinds = {(f.kind, f.status) for f in visits(wife)}
    assert ("prenatal", "cancelled") in kinds
    assert ("postpartum_visit", "open") in kinds and ("postpartum_42", "open") in kinds


def test_done_on_time_and_late_are_told_apart(home):
    with clock.frozen(D(2026, 3, 2)):
        ledger.record_birth(
            {"mother": home["wife"].id, "name": "王乐", "sex": "F", "date": "2026-03-01"}
        )
    week, check = visits(home["wife"].id)
    with clock.frozen(D(2026, 4, 30)):
        ledger.mark_followup_done(
            week.id,
            {"date": "2026-03-06", "outcome": "home_visit", "by": "李医生", "note": "母婴平安"},
        )
        ledger.mark_followup_done(check.id, {"date": "2026-04-25", "outcome": "clinic"})
    week, check = FollowUp.get_by_id(week.id), FollowUp.get_by_id(check.id)
    assert (week.status, week.done_on <= week.due_on, week.done_by, week.note) == (
        "done",
        True,
        "李医生",
        "母婴平安",
    )
    assert (check.status, check.done_on <= check.due_on, check.done_by) == (
        "done",
        False,
        "tester",
    )
    after = json.loads(
        AuditLog.get(AuditLog.action == "mark_followup_done", AuditLog.record_id == week.id).after
    )
    assert after["status"] == "done" and after["done_on"] == "2026-03-06"


def test_marking_done_refuses_bad_values_and_a_visit_already_done(home):
    with clock.frozen(D(2026, 3, 2)):
        ledger.record_birth(
            {"mother": home["wife"].id, "name": "王乐", "sex": "F", "date": "2026-03-01"}
        )
        week, _ = visits(home["wife"].id)
        before = snapshot()
        for values, field in (
            ({"date": "2026-03-05"}, "outcome"),
            ({"date": "2026-03-09", "outcome": "1"}, "date"),
            ({"date": "2026-03-05", "outcome": "9"}, "outcome"),
        ):
            with pytest.raises(InvalidInput) as caught:
                ledger.mark_followup_done(week.id, values)
            assert field in caught.value.fields
        assert snapshot() == before
        ledger.mark_followup_done(week.id, {"date": "2026-03-02", "outcome": "1"})
        with pytest.raises(InvalidInput) as caught:
            ledger.mark_followup_done(week.id, {"date": "2026-03-02", "outcome": "1"})
        assert caught.value.errors[0].rule == "not_open"
        assert "已完成" in caught.value.text("zh")
        with pytest.raises(InvalidInput):
            ledger.mark_followup_done(99999, {"date": "2026-03-02", "outcome": "1"})


def test_a_batch_of_visits_is_saved_whole_or_not_at_all(home):
    with clock.frozen(D(2026, 3, 2)):
        ledger.record_birth(
            {"mother": home["wife"].id, "name": "王乐", "sex": "F", "date": "2026-03-01"}
        )
        week, check = visits(home["wife"].id)
        before = snapshot()
        with pytest.raises(InvalidInput):
            ledger.mark_followups_done(
                [(week.id, {"date": "3-2", "outcome": "1"}), (check.id, {"date": "3-2"})]
            )
        assert snapshot() == before
        ledger.mark_followups_done(
            [
                (week.id, {"date": "3-2", "outcome": "1"}),
                (check.id, {"date": "3-2", "outcome": "2"}),
            ]
        )
    assert {f.status for f in visits(home["wife"].id)} == {"done"}


def test_rescheduling_needs_a_reason_and_moves_the_due_date(home):
    with clock.frozen(D(2026, 3, 2)):
        ledger.record_birth(
            {"mother": home["wife"].id, "name": "王乐", "sex": "F", "date": "2026-03-01"}
        )
        week, _ = visits(home["wife"].id)
        with pytest.raises(InvalidInput) as caught:
            ledger.reschedule_followup(week.id, {"due": "2026-03-12"})
        assert caught.value.fields == ["reason"]
        ledger.reschedule_followup(week.id, {"due": "2026-03-12", "reason": "产妇回娘家"})
    moved = FollowUp.get_by_id(week.id)
    assert (moved.due_on, moved.reason) == (D(2026, 3, 12), "产妇回娘家")
    assert AuditLog.get(AuditLog.action == "reschedule_followup").record_id == week.id


def test_editing_an_events_date_moves_the_visits_it_set(home):
    with clock.frozen(D(2026, 3, 10)):
        event = ledger.record_birth(
            {"mother": home["wife"].id, "name": "王乐", "sex": "F", "date": "2026-03-01"}
        )
        ledger.edit_event(event.id, {"date": "2026-03-03"})
    assert [f.due_on for f in visits(home["wife"].id)] == [D(2026, 3, 10), D(2026, 4, 14)]
    assert AuditLog.select().where(AuditLog.action == "move_followup").count() == 2
    assert json.loads(AuditLog.get(AuditLog.action == "edit_event").before)["happened_on"] == (
        "2026-03-01"
    )


def test_a_benefit_confirmation_is_due_again_by_31_march_each_year(home):
    husband = home["husband"].id
    with clock.frozen(D(2026, 2, 10)):
        ledger.confirm_benefit(
            husband, {"date": "2026-02-01", "scheme": "reward", "year": "2026", "amount": "960"}
        )
    (fu,) = visits(husband)
    assert (fu.kind, fu.due_on, fu.window_start) == (
        "benefit_confirmation",
        D(2027, 3, 31),
        D(2027, 1, 1),
    )
    with clock.frozen(D(2027, 3, 1)):
        ledger.mark_followup_done(fu.id, {"date": "2027-03-01", "outcome": "home_visit"})
    assert [f.due_on for f in visits(husband, "open")] == [D(2028, 3, 31)]


def test_a_special_family_is_contacted_monthly_until_the_flag_is_taken_off(home):
    household, head = home["household"].id, home["husband"].id
    with clock.frozen(D(2026, 3, 10)):
        ledger.edit_household(household, {"special_family": "是"})
    (fu,) = visits(head)
    assert (fu.kind, fu.due_on, fu.window_start) == (
        "special_family_contact",
        D(2026, 3, 31),
        D(2026, 3, 1),
    )
    with clock.frozen(D(2026, 3, 20)):
        assert ledger.ensure_monthly_followups() == 0  # one open visit is enough
        ledger.mark_followup_done(fu.id, {"date": "2026-03-20", "outcome": "home_visit"})
    assert [(f.due_on, f.window_start) for f in visits(head, "open")] == [
        (D(2026, 4, 30), D(2026, 4, 1))
    ]
    with clock.frozen(D(2026, 4, 2)):
        ledger.edit_household(household, {"special_family": "否"})
    assert visits(head, "open") == []


def test_out_migrants_in_an_opened_ledger_owe_a_contact(ledger_db):
    with clock.frozen(D(2026, 3, 1)):
        ledger.open_ledger(
            ledger_db.village,
            [
                {
                    "number": "1",
                    "members": [
                        {
                            "name": "王大",
                            "sex": "M",
                            "birth_date": "1990-01-01",
                            "relation": "head",
                            "residence": "out",
                            "out_place": "太原",
                            "out_contact": "1380",
                        },
                        {"name": "王二", "sex": "M", "birth_date": "1992-01-01"},
                    ],
                }
            ],
        )
    assert summary(visits()) == [("out_contact", D(2026, 5, 30), D(2026, 3, 1), "open")]


# --- lists ------------------------------------------------------------------------------


def test_lists_sorted_by_due_date_with_days_overdue(home, ledger_db):
    other = ledger.add_household({"village": ledger_db.village.id, "number": "0002"})
    mum = ledger.add_person(other, {"name": "赵敏", "sex": "F", "birth_date": "1995-05-05"})
    with clock.frozen(D(2026, 3, 2)):
        ledger.record_birth(
            {"mother": home["wife"].id, "name": "王乐", "sex": "F", "date": "2026-03-01"}
        )
        ledger.record_birth({"mother": mum.id, "name": "赵一", "sex": "M", "date": "2026-02-20"})
    today = D(2026, 3, 10)
    overdue = followups.open_list("overdue", today=today)
    assert [(r.person, r.due_on, r.days_overdue) for r in overdue] == [
        ("赵敏", D(2026, 2, 27), 11),
        ("李秀英", D(2026, 3, 8), 2),
    ]
    assert overdue[0].household == "0002" and overdue[0].village == "王家庄村"
    soon = followups.open_list("7d", today=D(2026, 3, 28))
    assert [r.due_on for r in soon] == sorted(r.due_on for r in soon)
    assert D(2026, 4, 3) in [r.due_on for r in soon]  # 赵敏's 42-day check
    assert len(followups.open_list("all", today=today)) == 4
    assert {r.person for r in followups.open_list("all", household=other.id, today=today)} == {
        "赵敏"
    }
    assert {
        r.person for r in followups.open_list("all", group=ledger_db.group.id, today=today)
    } == {"李秀英"}
    assert followups.counts(today) == {"overdue": 2, "week": 0, "open": 4}
    with pytest.raises(ValueError, match="overdue"):
        followups.open_list("tomorrow")


# --- the rule file ----------------------------------------------------------------------


@pytest.fixture
def rules_copy(tmp_path):
    target = tmp_path / "schemas"
    shutil.copytree(schema.DEFAULT_DIR, target)
    return target


@pytest.mark.parametrize(
    ("old", "new", "key", "expected"),
    [
        ('on = "go_out"', 'on = "go_away"', "rules.out_contact.on", "no event form 'go_away'"),
        (
            'person = "mother"\nvisits = [{ from = 0, to = 7 }]',
            'person = "aunt"\nvisits = [{ from = 0, to = 7 }]',
            "rules.postpartum_visit.person",
            "no person field 'aunt'",
        ),
        (
            "{ from = 35, to = 49, due = 42 }",
            "{ from = 35, to = 49, due = 50 }",
            "rules.postpartum_42.visits[0]",
            "from <= due <= to",
        ),
        (
            'closed_by = ["return"]',
            'closed_by = ["homecoming"]',
            "rules.out_contact.closed_by[0]",
            "no event form 'homecoming'",
        ),
        (
            'repeat_while = "out"',
            'repeat_while = "away"',
            "rules.out_contact.repeat_while",
            "no residence state 'away'",
        ),
        (
            "monthly = true",
            "monthly = true\nvisits = [{ from = 0, to = 7 }]",
            "rules.special_family_contact",
            "exactly one schedule",
        ),
        (
            'household_flag = "special_family"',
            'household_flag = "rich"',
            "rules.special_family_contact.household_flag",
            "no yes/no field 'rich'",
        ),
        ("skip_past = true", "skip_past = 1", "rules.prenatal.skip_past", "true or false"),
        ("skip_past = true", "skip_passed = true", "rules.prenatal.skip_passed", "unknown key"),
        (
            'anchor = { field = "edd", days = -280 }',
            'anchor = { field = "due", days = -280 }',
            "rules.prenatal.anchor.field",
            "no date field 'due'",
        ),
        (
            'on = ["death", "move_out", "migrant_left"]',
            'on = ["death", "fine"]',
            "cancel.on[1]",
            "no event form 'fine'",
        ),
    ],
)
def test_a_bad_rule_file_is_refused_with_file_key_and_reason(rules_copy, old, new, key, expected):
    path = rules_copy / "followups.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(SchemaError) as caught:
        schema.load(rules_copy)
    assert (caught.value.file, caught.value.key) == (str(path), key)
    assert expected in str(caught.value)


# --- regenerating -----------------------------------------------------------------------


def _open_keys() -> set[tuple]:
    return {
        (f.kind, f.step, f.person_id, f.source_event_id, f.due_on)
        for f in FollowUp.select().where(FollowUp.status == "open")
    }


def test_regenerating_rebuilds_the_open_visits_and_keeps_history(home):
    wife, husband = home["wife"].id, home["husband"].id
    with clock.frozen(D(2026, 3, 10)):
        ledger.register_pregnancy(wife, {"date": "2026-01-20", "edd": "2026-09-01"})
        ledger.record_go_out(
            husband, {"date": "2025-10-01", "destination": "太原", "contact": "微信"}
        )
        (contact,) = visits(husband)
        ledger.mark_followup_done(contact.id, {"date": "2025-12-01", "outcome": "2"})
        expected = _open_keys()
        done = [(f.id, f.done_on) for f in visits(status="done")]
        assert ledger.regenerate_followups() == (0, 0, len(expected))  # nothing to change
        FollowUp.delete().where(FollowUp.status == "open").execute()  # lost, say
        added, removed, kept = ledger.regenerate_followups()
    assert (added, removed, kept) == (len(expected), 0, 0)
    assert _open_keys() == expected
    assert [(f.id, f.done_on) for f in visits(status="done")] == done


def test_regenerating_after_a_rule_change_moves_open_visits_but_not_rescheduled_ones(
    home, tmp_path
):
    with clock.frozen(D(2026, 3, 2)):
        ledger.record_birth(
            {"mother": home["wife"].id, "name": "王乐", "sex": "F", "date": "2026-03-01"}
        )
        week, check = visits(home["wife"].id)
        ledger.reschedule_followup(check.id, {"due": "2026-04-20", "reason": "住院"})
    changed = tmp_path / "schemas"
    shutil.copytree(schema.DEFAULT_DIR, changed)
    path = changed / "followups.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "visits = [{ from = 0, to = 7 }]", "visits = [{ from = 0, to = 3 }]"
        ),
        encoding="utf-8",
    )
    schema.use(schema.load(changed))
    try:
        with clock.frozen(D(2026, 3, 2)):
            ledger.regenerate_followups()
    finally:
        schema.use(None)
    assert FollowUp.get_by_id(week.id).due_on == D(2026, 3, 4)
    assert FollowUp.get_by_id(check.id).due_on == D(2026, 4, 20)  # the cadre's date stands


def test_a_missed_monthly_contact_stays_overdue_and_this_months_is_still_due(home):
    household, head = home["household"].id, home["husband"].id
    with clock.frozen(D(2026, 2, 10)):
        ledger.edit_household(household, {"special_family": "是"})
    with clock.frozen(D(2026, 3, 10)):
        ledger.ensure_monthly_followups()
    assert [(f.due_on, f.status) for f in visits(head)] == [
        (D(2026, 2, 28), "open"),
        (D(2026, 3, 31), "open"),
    ]
    assert [r.due_on for r in followups.open_list("overdue", today=D(2026, 3, 10))] == [
        D(2026, 2, 28)
    ]


# --- the command line and the visit sheet -----------------------------------------------


def test_fptui_followups_lists_as_table_or_json_and_writes_a_visit_sheet(
    ledger_db, home, tmp_path, capsys
):
    import openpyxl

    from fptui import cli

    with clock.frozen(D(2026, 3, 2)):
        ledger.edit_person(home["wife"].id, {"name": "=SUM(A1)"})
        ledger.edit_household(home["household"].id, {"address": "王家庄1号"})
        ledger.record_birth(
            {"mother": home["wife"].id, "name": "王乐", "sex": "F", "date": "2026-02-20"}
        )
    db_path = ledger_db.url
    sheet = tmp_path / "visits.xlsx"
    with clock.frozen(D(2026, 3, 10)):
        assert cli.main(["--db", db_path, "followups", "--format", "json"]) == 0
        listed = json.loads(capsys.readouterr().out)
        assert [(r["person"], r["kind"], r["days_overdue"]) for r in listed] == [
            ("=SUM(A1)", "postpartum_visit", 11)
        ]
        assert (
            cli.main(
                [
                    "--db",
                    db_path,
                    "followups",
                    "--due",
                    "30d",
                    "--village",
                    "140121101201",
                    "--group",
                    "1",
                    "--sheet",
                    str(sheet),
                ]
            )
            == 0
        )
        out = capsys.readouterr().out
        assert "产后访视及新生儿访视" in out and "产后42天健康检查" in out
        with pytest.raises(SystemExit, match="no village"):
            cli.main(["--db", db_path, "followups", "--village", "nowhere"])
    book = openpyxl.load_workbook(sheet)
    ws = book.active
    assert ws["A1"].value == "王家庄村 第1村民小组 随访工作单"
    assert [c.value for c in ws[3]] == [
        "序号",
        "户号",
        "住址",
        "姓名",
        "随访项目",
        "截止日期",
        "逾期天数",
        "完成日期",
        "随访方式",
        "签名",
    ]
    assert [ws.cell(4, c).value for c in (2, 3, 4, 5, 7)] == [
        "0001",
        "王家庄1号",
        "=SUM(A1)",
        "产后访视及新生儿访视",
        11,
    ]
    assert ws.cell(4, 4).data_type == "s"  # a name that looks like a formula stays text
    assert ws.cell(4, 8).value is None and ws.cell(4, 10).value is None  # filled by hand
    assert ws.page_setup.paperSize == 9 and ws.print_title_rows == "$3:$3"


def test_the_visit_sheet_of_every_village_is_titled_with_the_townships_name(
    ledger_db, home, tmp_path, capsys
):
    import openpyxl

    from fptui import cli

    with clock.frozen(D(2026, 3, 2)):
        ledger.record_birth(
            {"mother": home["wife"].id, "name": "王乐", "sex": "F", "date": "2026-02-20"}
        )
    sheet = tmp_path / "all.xlsx"
    with clock.frozen(D(2026, 3, 10)):
        assert cli.main(["--db", ledger_db.url, "followups", "--sheet", str(sheet)]) == 0
    capsys.readouterr()
    ws = openpyxl.load_workbook(sheet).active
    assert ws["A1"].value == "东于镇 随访工作单"
    assert ws.oddHeader.left.text == "东于镇"


def test_a_late_monthly_visit_plans_the_month_after_it_was_done_not_a_past_one(home):
    with clock.frozen(D(2026, 1, 10)):
        ledger.edit_household(home["household"].id, {"special_family": "是"})
    (jan,) = visits(home["husband"].id)
    with clock.frozen(D(2026, 3, 5)):
        ledger.mark_followup_done(jan.id, {"date": "2026-03-05", "outcome": "1"})
    assert [f.due_on for f in visits(home["husband"].id, "open")] == [D(2026, 4, 30)]


def test_a_dead_head_gets_no_monthly_visit(home):
    with clock.frozen(D(2026, 3, 10)):
        ledger.edit_household(home["household"].id, {"special_family": "是"})
        ledger.record_death(home["husband"].id, {"date": "2026-03-10"})
    with clock.frozen(D(2026, 4, 2)):
        assert ledger.ensure_monthly_followups() == 0
    assert visits(home["husband"].id, "open") == []


def test_the_same_visit_twice_in_one_round_is_done_once(home):
    husband = home["husband"].id
    with clock.frozen(D(2026, 1, 2)):
        ledger.record_go_out(
            husband, {"date": "2026-01-01", "destination": "太原", "contact": "微信"}
        )
    (visit,) = visits(husband)
    with clock.frozen(D(2026, 3, 10)):
        ledger.mark_followups_done(
            [
                (visit.id, {"date": "3-7", "outcome": "2"}),
                (visit.id, {"date": "3-10", "outcome": "2"}),
            ]
        )
    assert len(visits(husband, "open")) == 1


def test_the_same_visit_planned_twice_is_booked_once(family):
    # SQLite hands the stored date back as text, psycopg2 as a date: both are one visit
    from fptui.ledger.visits import create_followups
    from fptui.reads.followups import Planned

    wife = family["wife"].id
    plan = Planned("prenatal", 1, wife, dt.date(2026, 4, 1), dt.date(2026, 3, 1))
    create_followups([plan])
    create_followups([plan])
    assert FollowUp.select().where(FollowUp.person == wife).count() == 1
