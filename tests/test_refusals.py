"""Values no life allows, refused where a cadre types them, naming the field: a marriage
before a birth, a marriage date for someone never married, a death before what was
already recorded of the person. Each refusal writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import snapshot

from fptui import ledger, schema
from fptui.models import Person
from fptui.schema.validate import InvalidInput, clean

D = dt.date


def refused(fn, *args, field: str, rule: str, zh: str, en: str) -> None:
    """fn(*args) is refused on `field` by `rule`, with these messages; nothing written."""
    before = snapshot()
    with pytest.raises(InvalidInput) as caught:
        fn(*args)
    assert [(e.field, e.rule) for e in caught.value.errors] == [(field, rule)]
    assert (caught.value.text("zh"), caught.value.text("en")) == (zh, en)
    assert snapshot() == before


# --- a marriage before a birth ----------------------------------------------------------


BEFORE_BIRTH = ("本次婚姻日期：早于出生日期", "Date of current marriage: before the date of birth")


def test_a_person_married_before_their_birth_is_refused_on_the_marriage_date(family):
    values = {
        "name": "王婚",
        "sex": "M",
        "birth_date": "2000-01-01",
        "marital_status": "first",
        "marriage_date": "1990-01-01",
    }
    refused(
        ledger.add_person,
        family["household"].id,
        values,
        field="marriage_date",
        rule="before_birth",
        zh=BEFORE_BIRTH[0],
        en=BEFORE_BIRTH[1],
    )
    # the form's own check (validate.clean, which the screen runs as a field is left)
    with pytest.raises(InvalidInput) as caught:
        clean(schema.current().forms["person"], values)
    assert caught.value.fields == ["marriage_date"]
    ledger.add_person(family["household"].id, {**values, "marriage_date": "2000-01-01"})


def test_editing_a_marriage_date_or_a_birth_date_across_the_other_is_refused(family):
    wife = family["wife"].id  # born 1996-05-01, married 2019-01-01
    refused(
        ledger.edit_person,
        wife,
        {"marriage_date": "1996-04-30"},
        field="marriage_date",
        rule="before_birth",
        zh=BEFORE_BIRTH[0],
        en=BEFORE_BIRTH[1],
    )
    refused(
        ledger.edit_person,
        wife,
        {"birth_date": "2019-01-02"},
        field="marriage_date",
        rule="before_birth",
        zh=BEFORE_BIRTH[0],
        en=BEFORE_BIRTH[1],
    )
    ledger.edit_person(wife, {"birth_date": "1997-05-01"})
    assert Person.get_by_id(wife).birth_date == D(1997, 5, 1)


def test_a_newcomer_married_before_their_birth_is_refused(family):
    refused(
        ledger.record_move_in,
        family["household"].id,
        {
            "date": "2026-03-01",
            "from_place": "太原",
            "name": "赵来",
            "sex": "F",
            "birth_date": "2001-01-01",
            "marital_status": "first",
            "marriage_date": "2000-12-31",
        },
        field="marriage_date",
        rule="before_birth",
        zh=BEFORE_BIRTH[0],
        en=BEFORE_BIRTH[1],
    )


def test_a_marriage_event_before_either_spouses_birth_is_refused_on_its_date(family):
    household = family["household"]
    man = ledger.add_person(household, {"name": "王刚", "sex": "M", "birth_date": "1998-01-01"})
    woman = ledger.add_person(household, {"name": "刘芳", "sex": "F", "birth_date": "2004-06-01"})
    refused(
        ledger.record_marriage,
        man.id,
        {"date": "1997-12-31", "spouse": woman.id},
        field="date",
        rule="before_birth",
        zh="结婚日期：早于出生日期",
        en="Date of marriage: before the date of birth",
    )
    refused(
        ledger.record_marriage,
        man.id,
        {"date": "2004-05-31", "spouse": woman.id},
        field="date",
        rule="before_spouse_birth",
        zh="结婚日期：早于配偶的出生日期",
        en="Date of marriage: before the spouse's date of birth",
    )
    ledger.record_marriage(man.id, {"date": "2026-01-10", "spouse": woman.id})
    assert Person.get_by_id(woman.id).marriage_date == D(2026, 1, 10)


# --- never married, with a marriage date ------------------------------------------------


NEVER = (
    "本次婚姻日期：婚姻状况为“未婚”时不填",
    "Date of current marriage: left blank when Marital status is “Never married”",
)


def test_a_marriage_date_for_someone_never_married_is_refused(family):
    values = {"name": "王单", "sex": "M", "birth_date": "1990-01-01"}
    values["marriage_date"] = "2015-01-01"
    for given in (values, {**values, "marital_status": "never"}):  # never: also the default
        refused(
            ledger.add_person,
            family["household"].id,
            given,
            field="marriage_date",
            rule="blank_if",
            zh=NEVER[0],
            en=NEVER[1],
        )
    ledger.add_person(family["household"].id, {**values, "marital_status": "first"})


def test_editing_either_side_of_never_married_with_a_date_is_refused(family):
    wife = family["wife"].id  # first marriage, 2019-01-01
    refused(
        ledger.edit_person,
        wife,
        {"marital_status": "never"},
        field="marriage_date",
        rule="blank_if",
        zh=NEVER[0],
        en=NEVER[1],
    )
    single = ledger.add_person(
        family["household"].id, {"name": "王单", "sex": "M", "birth_date": "1990-01-01"}
    )
    refused(
        ledger.edit_person,
        single.id,
        {"marriage_date": "2015-01-01"},
        field="marriage_date",
        rule="blank_if",
        zh=NEVER[0],
        en=NEVER[1],
    )
    ledger.edit_person(wife, {"marital_status": "never", "marriage_date": None})
    assert Person.get_by_id(wife).marriage_date is None


# --- a death before what was recorded of the person ------------------------------------


def test_a_death_before_a_recorded_go_out_is_refused_naming_the_go_out(family):
    husband = family["husband"].id
    ledger.record_go_out(husband, {"date": "2026-03-01", "destination": "太原", "contact": "微信"})
    refused(
        ledger.record_death,
        husband,
        {"date": "2026-02-15"},
        field="date",
        rule="before_recorded_event",
        zh="死亡日期：早于已登记的外出登记（2026-03-01）",
        en="Date of death: before an event already recorded (Going out, 2026-03-01)",
    )
    ledger.record_death(husband, {"date": "2026-03-01"})  # the same day: after it
    assert Person.get_by_id(husband).residence == "dead"


def test_a_death_before_any_recorded_event_of_the_person_is_refused(family):
    wife = family["wife"].id
    ledger.register_pregnancy(wife, {"date": "2026-03-05", "edd": "2026-10-01"})
    refused(
        ledger.record_death,
        wife,
        {"date": "2026-03-04"},
        field="date",
        rule="before_recorded_event",
        zh="死亡日期：早于已登记的孕产建册（2026-03-05）",
        en="Date of death: before an event already recorded (Pregnancy registered, 2026-03-05)",
    )


def test_a_move_dated_before_the_last_recorded_move_is_refused(family):
    husband = family["husband"].id
    ledger.record_go_out(husband, {"date": "2026-03-01", "destination": "太原", "contact": "微信"})
    refused(
        ledger.record_return,
        husband,
        {"date": "2026-02-20"},
        field="date",
        rule="before_recorded_event",
        zh="返回日期：早于已登记的外出登记（2026-03-01）",
        en="Date returned: before an event already recorded (Going out, 2026-03-01)",
    )


def test_correcting_a_deaths_date_to_before_a_recorded_go_out_is_refused(family):
    husband = family["husband"].id
    ledger.record_go_out(husband, {"date": "2026-03-01", "destination": "太原", "contact": "微信"})
    death = ledger.record_death(husband, {"date": "2026-03-05"})
    refused(
        ledger.edit_event,
        death.id,
        {"date": "2026-02-15"},
        field="date",
        rule="before_recorded_event",
        zh="死亡日期：早于已登记的外出登记（2026-03-01）",
        en="Date of death: before an event already recorded (Going out, 2026-03-01)",
    )
    ledger.edit_event(death.id, {"date": "2026-03-02"})
