"""The write path: every ledger function, its audit record, and its refusals."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import TODAY, snapshot

from fptui import clock, idcard, ledger
from fptui.models import AuditLog, Event, Household, Person
from fptui.schema.validate import InvalidInput


def audits(action: str | None = None) -> list[AuditLog]:
    query = AuditLog.select().order_by(AuditLog.id)
    if action:
        query = query.where(AuditLog.action == action)
    return list(query)


def refused(fn, *args, field: str, rule: str, **kwargs) -> InvalidInput:
    """Call fn expecting a refusal on `field` by `rule`, and that nothing was written."""
    before = snapshot()
    with pytest.raises(InvalidInput) as caught:
        fn(*args, **kwargs)
    assert (field, rule) in [(e.field, e.rule) for e in caught.value.errors], caught.value
    assert snapshot() == before
    return caught.value


# --- households -------------------------------------------------------------------------


def test_add_household_writes_the_row_and_its_audit_record(ledger_db):
    household = ledger.add_household(
        {
            "village": ledger_db.village.id,
            "group": "1" and ledger_db.group.id,
            "number": "0007",
            "address": "王家庄7号",
            "one_child": "y",
            "phone": "13800000000",
        }
    )
    row = Household.get_by_id(household.id)
    assert (row.number, row.address, row.one_child, row.registration) == (
        "0007",
        "王家庄7号",
        True,
        "registered",
    )
    assert row.created_on == TODAY
    (audit,) = audits("add_household")
    assert audit.user == "tester" and audit.table == "household" and audit.before is None
    # the row holds what the insert wrote (schema v16): the audit row names it
    assert (audit.record_id, audit.place, audit.after) == (household.id, household.id, None)
    assert audit.at.date() == TODAY


def test_household_number_must_be_unique_in_its_village_only(ledger_db):
    ledger.add_household({"village": ledger_db.village.id, "number": "0001"})
    error = refused(
        ledger.add_household,
        {"village": ledger_db.village.id, "number": "0001"},
        field="number",
        rule="duplicate_household",
    )
    assert "户号" in error.text("zh") and "Household number" in error.text("en")
    ledger.add_household({"village": ledger_db.other_village.id, "number": "0001"})


@pytest.mark.parametrize(
    ("values", "field", "rule"),
    [
        ({"village": None, "number": "0001"}, "village", "required"),
        ({"village": "x", "number": "1"}, "village", "not_integer"),
        ({"village": 999, "number": "1"}, "village", "not_a_village"),
        ({"village": None, "number": ""}, "number", "required"),
        ({"number": "12 3"}, "number", "pattern"),
        ({"number": "1" * 21}, "number", "too_long"),
        ({"number": "1", "phone": "call me"}, "phone", "pattern"),
        ({"number": "1", "registration": "7"}, "registration", "not_a_choice"),
        ({"number": "1", "colour": "red"}, "colour", "unknown_field"),
    ],
)
def test_add_household_refuses_bad_values(ledger_db, values, field, rule):
    values = {"village": ledger_db.village.id, **values}
    refused(ledger.add_household, values, field=field, rule=rule)


def test_a_household_group_must_belong_to_its_village(ledger_db):
    refused(
        ledger.add_household,
        {"village": ledger_db.other_village.id, "group": ledger_db.group.id, "number": "1"},
        field="group",
        rule="group_not_in_village",
    )


def test_edit_household_changes_only_given_fields_and_audits_before_and_after(family):
    household = family["household"]
    ledger.edit_household(household.id, {"address": "新址"})
    row = Household.get_by_id(household.id)
    assert row.address == "新址" and row.number == "0001"
    (audit,) = audits("edit_household")
    assert json.loads(audit.before)["address"] == "" and json.loads(audit.after)["address"] == (
        "新址"
    )


def test_edit_household_refuses_a_number_already_taken(family, ledger_db):
    other = ledger.add_household({"village": ledger_db.village.id, "number": "0002"})
    refused(
        ledger.edit_household,
        other.id,
        {"number": "0001"},
        field="number",
        rule="duplicate_household",
    )
    refused(ledger.edit_household, 999, {"address": "x"}, field="household", rule="not_found")


def test_set_head_takes_only_a_member_of_the_household(family, ledger_db):
    other = ledger.add_household({"village": ledger_db.village.id, "number": "0002"})
    refused(ledger.set_head, other.id, family["wife"].id, field="head", rule="not_in_household")
    ledger.set_head(family["household"].id, family["wife"].id)
    assert Household.get_by_id(family["household"].id).head_id == family["wife"].id
    assert audits("set_head")[-1].record_id == family["household"].id


def test_a_new_head_is_called_head_and_the_head_before_takes_the_relation_given(family):
    # after h the new head's relation stayed 配偶 and the household showed two heads' worth
    # of confusion: the relations follow the head now (issue 14)
    home, wife, husband = family["household"].id, family["wife"].id, family["husband"].id
    refused(
        ledger.set_head,
        home,
        wife,
        previous_relation="head",
        field="previous_relation",
        rule="not_a_choice",
    )
    refused(
        ledger.set_head,
        home,
        wife,
        previous_relation="uncle",
        field="previous_relation",
        rule="not_a_choice",
    )
    assert Household.get_by_id(home).head_id == husband  # nothing changed
    ledger.set_head(home, wife, previous_relation="spouse")
    assert (Person.get_by_id(wife).relation, Person.get_by_id(husband).relation) == (
        "head",
        "spouse",
    )
    ledger.set_head(home, husband)  # not said: 其他, never a second 户主
    assert (Person.get_by_id(husband).relation, Person.get_by_id(wife).relation) == (
        "head",
        "other",
    )
    assert [a.action for a in audits("set_head_person")][-2:] == [
        "set_head_person",
        "set_head_person",
    ]


# --- persons ----------------------------------------------------------------------------


def test_the_first_person_with_relation_head_becomes_the_head(family):
    assert family["household"].head_id == family["husband"].id


def test_add_person_stores_pinyin_search_keys_and_fills_sex_and_birth_from_the_id(family):
    number = idcard.make("140121", dt.date(2001, 7, 9), 3, "F")
    person = ledger.add_person(family["household"].id, {"name": "张三丰", "id_number": number})
    row = Person.get_by_id(person.id)
    assert (row.py_initials, row.py_full) == ("zsf", "zhangsanfeng")
    assert (row.sex, row.birth_date) == ("F", dt.date(2001, 7, 9))
    # the insert's audit row keeps the residence it came in with; the row, the rest
    audit = audits("add_person")[-1]
    assert (audit.record_id, audit.place) == (person.id, family["household"].id)
    assert json.loads(audit.after) == {"residence": "here"}


@pytest.mark.parametrize(
    ("values", "field", "rule"),
    [
        ({"sex": "M", "birth_date": "1990-01-01"}, "name", "required"),
        ({"name": "王", "birth_date": "1990-01-01"}, "sex", "required"),
        ({"name": "王", "sex": "X", "birth_date": "1990-01-01"}, "sex", "not_a_choice"),
        ({"name": "王", "sex": "M", "birth_date": "2030-01-01"}, "birth_date", "future"),
        ({"name": "王", "sex": "M", "birth_date": "1990-02-30"}, "birth_date", "impossible"),
        ({"name": "王", "sex": "M", "birth_date": "yesterday"}, "birth_date", "format"),
        ({"name": "王", "id_number": "11010519491231002Y"}, "id_number", "format"),
        ({"name": "王", "id_number": "110105194912310021"}, "id_number", "checksum"),
        (
            {"name": "王", "sex": "M", "id_number": "11010519491231002X"},
            "id_number",
            "sex_disagrees",
        ),
        (
            {"name": "王", "birth_date": "1950-01-01", "id_number": "11010519491231002X"},
            "id_number",
            "birth_date_disagrees",
        ),
        (
            {"name": "王", "sex": "M", "birth_date": "1990-01-01", "disability_grade": "5"},
            "disability_grade",
            "above_max",
        ),
    ],
)
def test_add_person_refuses_bad_values(family, values, field, rule):
    refused(ledger.add_person, family["household"].id, values, field=field, rule=rule)


def test_add_person_reports_every_bad_field_at_once(family):
    error = refused(
        ledger.add_person,
        family["household"].id,
        {"name": "", "sex": "9", "birth_date": "2099-1-1"},
        field="name",
        rule="required",
    )
    assert error.fields == ["name", "sex", "birth_date"]
    assert error.text("zh") == "姓名：必填；性别：请选择 1男 2女；出生日期：不能晚于今天"


def test_an_id_number_recorded_for_another_person_is_refused(family):
    taken = family["husband"].id_number
    refused(
        ledger.add_person,
        family["household"].id,
        {"name": "王二", "id_number": taken},
        field="id_number",
        rule="duplicate",
    )
    twin = ledger.add_person(
        family["household"].id, {"name": "王双", "sex": "M", "birth_date": "1994-02-01"}
    )
    refused(ledger.edit_person, twin.id, {"id_number": taken}, field="id_number", rule="duplicate")


def test_add_person_to_a_missing_household_is_refused(ledger_db):
    refused(
        ledger.add_person,
        42,
        {"name": "王", "sex": "M", "birth_date": "1990-1-1"},
        field="household",
        rule="not_found",
    )


def test_edit_person_corrects_the_card_and_refreshes_search_keys(family):
    ledger.edit_person(family["wife"].id, {"name": "吕秀英", "phone": "13912345678"})
    row = Person.get_by_id(family["wife"].id)
    assert (row.name, row.py_initials, row.py_full, row.phone) == (
        "吕秀英",
        "lxy",
        "lvxiuying lvxiuyang",  # 英 ying, or yang
        "13912345678",
    )
    audit = audits("edit_person")[-1]
    assert json.loads(audit.before)["name"] == "李秀英"
    assert json.loads(audit.after)["name"] == "吕秀英"


def test_edit_person_checks_a_new_id_number_against_the_card(family):
    wrong_sex = idcard.make("140121", dt.date(1996, 5, 1), 4, "M")
    refused(
        ledger.edit_person,
        family["wife"].id,
        {"id_number": wrong_sex},
        field="id_number",
        rule="sex_disagrees",
    )
    right = idcard.make("140121", dt.date(1996, 5, 1), 4, "F")
    ledger.edit_person(family["wife"].id, {"id_number": right})
    assert Person.get_by_id(family["wife"].id).id_number == right


def test_residence_changes_only_through_an_event(family):
    refused(
        ledger.edit_person,
        family["wife"].id,
        {"residence": "dead"},
        field="residence",
        rule="event_only",
    )
    refused(ledger.edit_person, family["wife"].id, {"name": ""}, field="name", rule="required")
    refused(ledger.edit_person, 999, {"name": "x"}, field="person", rule="not_found")


# --- births -----------------------------------------------------------------------------


def test_birth_adds_the_child_to_the_household_with_birth_order_from_the_mother(family):
    wife, husband = family["wife"], family["husband"]
    first = ledger.record_birth(
        {
            "mother": wife.id,
            "father": husband.id,
            "name": "王小明",
            "sex": "1",
            "date": "2026-03-01",
            "place": "县医院",
        }
    )
    second = ledger.record_birth({"mother": wife.id, "name": "王小红", "sex": "女", "date": "3-9"})
    assert json.loads(first.data)["birth_order"] == 1
    assert json.loads(second.data)["birth_order"] == 2
    child = Person.get_by_id(second.person_id)
    assert (child.household_id, child.mother_id, child.relation, child.residence) == (
        family["household"].id,
        wife.id,
        "daughter",
        "here",
    )
    assert child.birth_date == dt.date(2026, 3, 9)
    assert (second.kind, second.happened_on, second.entered_on, second.entered_by) == (
        "birth",
        dt.date(2026, 3, 9),
        TODAY,
        "tester",
    )
    actions = [a.action for a in audits() if a.table != "follow_up"][-2:]
    assert actions == ["record_birth_child", "record_birth"]


@pytest.mark.parametrize(
    ("change", "field", "rule"),
    [
        ({"mother": None}, "mother", "required"),
        ({"mother": 999}, "mother", "not_found"),
        ({"mother": "husband"}, "mother", "must_be_female"),
        ({"father": "wife"}, "father", "must_be_male"),
        ({"date": "2026-04-01"}, "date", "future"),
        ({"date": "1990-01-01"}, "date", "before_mother_birth"),
        ({"name": ""}, "name", "required"),
        ({"id_number": "11010519491231002X"}, "id_number", "sex_disagrees"),
    ],
)
def test_birth_refuses_bad_values(family, change, field, rule):
    values = {"mother": family["wife"].id, "name": "王小明", "sex": "M", "date": "2026-03-01"}
    values.update({k: family[v].id if v in ("husband", "wife") else v for k, v in change.items()})
    refused(ledger.record_birth, values, field=field, rule=rule)


def test_a_dead_mother_cannot_give_birth(family):
    ledger.record_death(family["wife"].id, {"date": "2026-03-02"})
    refused(
        ledger.record_birth,
        {"mother": family["wife"].id, "name": "x", "sex": "M", "date": "2026-03-03"},
        field="mother",
        rule="wrong_residence",
    )


# --- the other events -------------------------------------------------------------------


def test_death_sets_status_and_date(family):
    event = ledger.record_death(family["husband"].id, {"date": "2026-03-05", "cause": "病故"})
    row = Person.get_by_id(family["husband"].id)
    assert (row.residence, row.death_date) == ("dead", dt.date(2026, 3, 5))
    assert json.loads(event.data) == {"cause": "病故"}
    person_audit = audits("record_death_person")[-1]
    assert json.loads(person_audit.before)["residence"] == "here"
    assert json.loads(person_audit.after)["residence"] == "dead"
    refused(
        ledger.record_death,
        family["husband"].id,
        {"date": "2026-03-06"},
        field="person",
        rule="wrong_residence",
    )


def test_an_event_before_the_person_was_born_is_refused(family):
    refused(
        ledger.record_death,
        family["wife"].id,
        {"date": "1990-01-01"},
        field="date",
        rule="before_birth",
    )


def test_marriage_divorce_and_remarriage_move_marital_status_for_both_spouses(family):
    household = family["household"]
    man = ledger.add_person(household, {"name": "王刚", "sex": "M", "birth_date": "1998-01-01"})
    woman = ledger.add_person(household, {"name": "刘芳", "sex": "F", "birth_date": "1999-01-01"})
    ledger.record_marriage(man.id, {"date": "2026-01-10", "spouse": woman.id})
    man, woman = Person.get_by_id(man.id), Person.get_by_id(woman.id)
    assert (man.marital_status, woman.marital_status) == ("first", "first")
    assert (man.spouse_id, woman.spouse_id) == (woman.id, man.id)
    assert man.marriage_date == woman.marriage_date == dt.date(2026, 1, 10)
    refused(
        ledger.record_marriage,
        man.id,
        {"date": "2026-02-01"},
        field="person",
        rule="already_married",
    )
    ledger.record_divorce(man.id, {"date": "2026-02-01"})
    assert Person.get_by_id(man.id).marital_status == "divorced"
    assert Person.get_by_id(woman.id).marital_status == "divorced"
    refused(
        ledger.record_divorce, man.id, {"date": "2026-02-02"}, field="person", rule="not_married"
    )
    ledger.record_marriage(man.id, {"date": "2026-03-01", "spouse_name": "赵敏"})
    assert Person.get_by_id(man.id).marital_status == "remarried"


def test_a_person_cannot_marry_themself(family):
    man = ledger.add_person(
        family["household"], {"name": "王刚", "sex": "M", "birth_date": "1998-01-01"}
    )
    refused(
        ledger.record_marriage,
        man.id,
        {"date": "2026-01-10", "spouse": man.id},
        field="spouse",
        rule="same_person",
    )


def test_widowhood_ends_a_marriage(family):
    ledger.record_death(family["husband"].id, {"date": "2026-03-01"})
    ledger.record_widowhood(family["wife"].id, {"date": "2026-03-01"})
    assert Person.get_by_id(family["wife"].id).marital_status == "widowed"


def test_move_in_adds_a_person_living_here(family):
    event = ledger.record_move_in(
        family["household"].id,
        {
            "date": "2026-03-02",
            "from_place": "太原",
            "name": "周敏",
            "sex": "F",
            "birth_date": "2000-01-01",
            "relation": "child_in_law",
        },
    )
    person = Person.get_by_id(event.person_id)
    assert (person.residence, person.household_id) == ("here", family["household"].id)
    assert json.loads(event.data) == {"from_place": "太原"}
    refused(
        ledger.record_move_in,
        family["household"].id,
        {"date": "2026-03-02", "from_place": "太原", "name": "周敏", "sex": "F"},
        field="birth_date",
        rule="required",
    )
    refused(
        ledger.record_move_in,
        family["household"].id,
        {"date": "2026-03-02", "name": "周敏", "sex": "F", "birth_date": "2000-01-01"},
        field="from_place",
        rule="required",
    )


def test_move_out_go_out_and_return(family):
    wife = family["wife"].id
    ledger.record_go_out(wife, {"date": "2026-01-05", "destination": "太原", "contact": "微信"})
    row = Person.get_by_id(wife)
    assert (row.residence, row.out_place, row.out_contact) == ("out", "太原", "微信")
    refused(
        ledger.record_go_out,
        wife,
        {"date": "2026-01-06", "destination": "x", "contact": "y"},
        field="person",
        rule="wrong_residence",
    )
    ledger.record_return(wife, {"date": "2026-02-05"})
    row = Person.get_by_id(wife)
    assert (row.residence, row.out_place, row.out_contact) == ("here", "", "")
    ledger.record_move_out(wife, {"date": "2026-03-01", "to_place": "北京"})
    assert Person.get_by_id(wife).residence == "moved_away"
    refused(
        ledger.record_return, wife, {"date": "2026-03-02"}, field="person", rule="wrong_residence"
    )


def test_incoming_migrant_registered_and_left(ledger_db):
    household = ledger.add_household(
        {"village": ledger_db.village.id, "number": "0100", "registration": "migrant"}
    )
    number = idcard.make("150121", dt.date(1990, 6, 1), 7, "M")
    event = ledger.register_migrant(
        household.id,
        {
            "date": "2026-02-01",
            "origin": "内蒙古",
            "name": "孟和",
            "id_number": number,
            "relation": "head",
        },
    )
    person = Person.get_by_id(event.person_id)
    assert (person.residence, person.sex, person.birth_date) == (
        "in_migrant",
        "M",
        dt.date(1990, 6, 1),
    )
    assert Household.get_by_id(household.id).head_id == person.id
    ledger.record_migrant_left(person.id, {"date": "2026-03-01", "to_place": "包头"})
    assert Person.get_by_id(person.id).residence == "left"


def test_pregnancy_and_a_live_birth_outcome_record_the_child(family):
    wife = family["wife"].id
    ledger.register_pregnancy(wife, {"date": "2025-08-01", "edd": "2026-03-05"})
    refused(
        ledger.register_pregnancy,
        family["husband"].id,
        {"date": "2025-08-01", "edd": "2026-03-05"},
        field="person",
        rule="must_be_female",
    )
    refused(
        ledger.record_pregnancy_outcome,
        wife,
        {"date": "2026-03-03", "outcome": "1"},
        field="child_name",
        rule="required",
    )
    ledger.record_pregnancy_outcome(
        wife,
        {
            "date": "2026-03-03",
            "outcome": "live_birth",
            "child_name": "王乐",
            "child_sex": "F",
            "father": family["husband"].id,
        },
    )
    kinds = [e.kind for e in Event.select().order_by(Event.id)]
    assert kinds == ["pregnancy", "pregnancy_outcome", "birth"]
    child = Person.get(Person.name == "王乐")
    assert (child.mother_id, child.father_id) == (wife, family["husband"].id)


def test_an_edd_may_be_in_the_future_but_a_registration_date_may_not(family):
    wife = family["wife"].id
    ledger.register_pregnancy(wife, {"date": "2026-03-01", "edd": "2026-10-01"})
    refused(
        ledger.register_pregnancy,
        wife,
        {"date": "2026-04-01", "edd": "2026-10-01"},
        field="date",
        rule="future",
    )


def test_contraception_is_recorded_only_as_the_clients_informed_choice(family):
    wife = family["wife"].id
    refused(
        ledger.record_contraception,
        wife,
        {"date": "2026-03-01", "method": "iud", "informed_choice": "n"},
        field="informed_choice",
        rule="must_be_yes",
    )
    event = ledger.record_contraception(
        wife, {"date": "2026-03-01", "method": "1", "informed_choice": "y"}
    )
    assert json.loads(event.data) == {"informed_choice": True, "method": "iud"}


def test_benefit_confirmation_keeps_scheme_year_and_amount(family):
    event = ledger.confirm_benefit(
        family["husband"].id,
        {"date": "2026-02-01", "scheme": "reward", "year": "2026", "amount": "960.00"},
    )
    assert json.loads(event.data) == {"amount": "960.00", "scheme": "reward", "year": 2026}
    refused(
        ledger.confirm_benefit,
        family["husband"].id,
        {"date": "2026-02-01", "scheme": "reward", "year": "2026", "amount": "-5"},
        field="amount",
        rule="below_min",
    )
    refused(
        ledger.confirm_benefit,
        family["husband"].id,
        {"date": "2026-02-01", "scheme": "reward", "year": "20x6", "amount": "5"},
        field="year",
        rule="not_integer",
    )


def test_an_unknown_event_kind_is_refused(family):
    refused(
        ledger.record_event,
        "fine",
        {"date": "2026-01-01"},
        person=family["wife"].id,
        field="kind",
        rule="not_a_choice",
    )


def test_the_entry_date_is_today_and_the_user_is_recorded(family):
    with clock.frozen(dt.date(2026, 3, 20)):
        ledger.set_user("李会计")
        event = ledger.record_go_out(
            family["husband"].id,
            {"date": "2026-03-01", "destination": "太原", "contact": "13800000000"},
        )
    assert (event.happened_on, event.entered_on, event.entered_by) == (
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 20),
        "李会计",
    )
    assert audits("record_go_out")[-1].user == "李会计"


def test_a_failure_inside_a_batch_rolls_back_every_change_of_the_batch(family):
    before = snapshot()
    with pytest.raises(InvalidInput), ledger.batch():
        ledger.record_go_out(
            family["husband"].id,
            {"date": "2026-03-01", "destination": "太原", "contact": "13800000000"},
        )
        ledger.record_death(family["husband"].id, {"date": "2026-04-02"})
    assert snapshot() == before


# --- opening a ledger -------------------------------------------------------------------


def test_open_ledger_loads_households_with_links_and_audits_each_row(ledger_db):
    households = [
        {
            "number": "0001",
            "group": ledger_db.group.id,
            "members": [
                {
                    "name": "王大",
                    "sex": "M",
                    "birth_date": "1970-01-01",
                    "relation": "head",
                    "marital_status": "first",
                    "spouse_ref": 1,
                },
                {
                    "name": "李二",
                    "sex": "F",
                    "birth_date": "1972-01-01",
                    "relation": "spouse",
                    "marital_status": "first",
                    "spouse_ref": 0,
                },
                {
                    "name": "王三",
                    "sex": "M",
                    "birth_date": "1995-01-01",
                    "relation": "son",
                    "mother_ref": 1,
                    "father_ref": 0,
                },
            ],
        },
        {
            "number": "0002",
            "members": [
                {
                    "name": "赵四",
                    "sex": "F",
                    "birth_date": "1950-01-01",
                    "relation": "head",
                    "marital_status": "widowed",
                }
            ],
        },
    ]
    assert ledger.open_ledger(ledger_db.village, households) == (2, 4)
    son = Person.get(Person.name == "王三")
    father = Person.get(Person.name == "王大")
    assert (son.mother.name, son.father.name, father.spouse.name) == ("李二", "王大", "李二")
    assert Household.get(Household.number == "0001").head_id == father.id
    assert AuditLog.select().where(AuditLog.action == "open_ledger").count() == 6
    audit = AuditLog.get(AuditLog.record_id == son.id, AuditLog.table == "person")
    assert (audit.action, json.loads(audit.after), audit.place) == (
        "open_ledger",
        {"residence": "here"},
        son.household_id,
    )


def test_open_ledger_reports_every_bad_value_and_writes_nothing(ledger_db):
    households = [
        {
            "number": "0001",
            "members": [{"name": "王大", "sex": "M", "birth_date": "1970-1-1", "mother_ref": 5}],
        },
        {"number": "", "members": []},
        {"number": "0003", "members": [{"name": "", "sex": "M", "birth_date": "1970-1-1"}]},
    ]
    before = snapshot()
    with pytest.raises(InvalidInput) as caught:
        ledger.open_ledger(ledger_db.village, households)
    assert caught.value.fields == [
        "households[0].members[0].mother_ref",
        "households[1].number",
        "households[2].members[0].name",
    ]
    assert snapshot() == before


def test_open_ledger_refuses_duplicate_numbers_and_ids(ledger_db):
    number = idcard.make("140121", dt.date(1970, 1, 1), 1, "M")
    person = {"name": "王大", "id_number": number}
    refused(
        ledger.open_ledger,
        ledger_db.village,
        [{"number": "1", "members": [person]}, {"number": "1", "members": []}],
        field="number",
        rule="duplicate_household",
    )
    refused(
        ledger.open_ledger,
        ledger_db.village,
        [{"number": "1", "members": [person]}, {"number": "2", "members": [person]}],
        field="id_number",
        rule="duplicate",
    )


def test_add_area_checks_kind_parent_and_village_code(ledger_db):
    refused(
        ledger.add_area,
        "village",
        "12345",
        "坏村",
        ledger_db.township,
        field="code",
        rule="pattern",
    )
    refused(
        ledger.add_area, "group", "2", "二组", ledger_db.township, field="parent", rule="not_found"
    )
    refused(ledger.add_area, "hamlet", "2", "x", None, field="kind", rule="not_a_choice")
    refused(ledger.add_area, "group", "2", " ", ledger_db.village, field="name", rule="required")


def _prepare(family, kind):
    """Subject and values for one valid event of `kind` in the `family` fixture."""
    wife, husband, household = family["wife"].id, family["husband"].id, family["household"].id
    new_person = {"name": "周敏", "sex": "F", "birth_date": "2000-01-01"}
    table = {
        "birth": (None, None, {"mother": wife, "name": "王乐", "sex": "F", "date": "3-1"}),
        "death": (husband, None, {"date": "3-1"}),
        "marriage": (None, None, None),
        "divorce": (husband, None, {"date": "3-1"}),
        "widowhood": (wife, None, {"date": "3-1"}),
        "move_in": (None, household, {"date": "3-1", "from_place": "太原", **new_person}),
        "move_out": (husband, None, {"date": "3-1", "to_place": "北京"}),
        "go_out": (husband, None, {"date": "3-1", "destination": "太原", "contact": "微信"}),
        "return": (None, None, None),
        "migrant_in": (None, household, {"date": "3-1", "origin": "内蒙古", **new_person}),
        "migrant_left": (None, None, None),
        "pregnancy": (wife, None, {"date": "3-1", "edd": "2026-09-01"}),
        "pregnancy_outcome": (wife, None, {"date": "3-1", "outcome": "miscarriage"}),
        "contraception": (
            wife,
            None,
            {"date": "3-1", "method": "condom", "informed_choice": "是"},
        ),
        "benefit": (
            husband,
            None,
            {"date": "3-1", "scheme": "reward", "year": "2026", "amount": "960"},
        ),
    }
    person, target, values = table[kind]
    if kind == "marriage":
        person = ledger.add_person(
            household, {"name": "王刚", "sex": "M", "birth_date": "1990-01-01"}
        ).id
        values = {"date": "3-1", "spouse_name": "赵敏"}
    elif kind == "return":
        ledger.record_go_out(husband, {"date": "2-1", "destination": "太原", "contact": "微信"})
        person, values = husband, {"date": "3-1"}
    elif kind == "migrant_left":
        event = ledger.register_migrant(
            household, {"date": "2-1", "origin": "内蒙古", **new_person}
        )
        person, values = event.person_id, {"date": "3-1"}
    return person, target, values


@pytest.mark.parametrize("kind", sorted(ledger.current().event_kinds))
def test_every_event_kind_writes_its_event_and_audit_records_in_one_go(family, kind):
    person, target, values = _prepare(family, kind)
    before_audits = AuditLog.select().count()
    before_events = Event.select().count()
    event = ledger.record_event(kind, values, person=person, household=target)
    assert Event.select().count() == before_events + 1
    assert (event.kind, event.happened_on) == (kind, dt.date(2026, 3, 1))
    new = list(AuditLog.select().where(AuditLog.id > 0).order_by(AuditLog.id))[before_audits:]
    assert [a.action for a in new if a.table == "event"] == [f"record_{kind}"]
    assert all(a.user == "tester" for a in new)
    assert all(a.after for a in new if a.before is not None)  # an update's, what changed
    # each row is about the household it is in (the month's list finds it by that)
    assert [a.place for a in new if a.table == "event"] == [event.household_id]
    assert all(a.place and a.place > 0 for a in new if a.table == "person")
    changed = [a for a in new if a.table == "person"]
    form = ledger.current().forms[kind]
    if form.sets or form.marital_to or form.subject in ("birth", "new_person"):
        assert changed, "the person the event changed has an audit record too"
        assert all(a.before != a.after for a in changed)
    else:
        assert changed == [], "an event that changes no card leaves no person audit"
    with pytest.raises(InvalidInput) as caught:
        ledger.record_event(
            kind, {**values, "date": "2099-01-01"}, person=person, household=target
        )
    assert "date" in caught.value.fields
