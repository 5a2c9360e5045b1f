"""ID numbers where a cadre meets them (issue 12, verdicts a county can trust): the person
form's check (`validate.clean`), the save (`ledger.add_person`, `edit_person`), the logic
checks and the month end, and the command line on a ledger that already holds a number.

The numbers: two real ones whose division code is younger than the holder (the code is
where the number was issued), and one whose code python-stdnum's table does not list
under a province it does (stdnum itself raised KeyError('county') on it).
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import TODAY, snapshot

from fptui import cli, clock, idcard, ledger, schema
from fptui.models import Person
from fptui.reads import checks
from fptui.schema import validate
from fptui.schema.validate import InvalidInput

D = dt.date
TAIYUAN_XIAODIAN_1960 = "140105196005010255"  # 小店区: code from 1997, a man born 1960-05-01
BEIJING_TONGZHOU_1950 = "110112195003030256"  # 通州区: code from 1997, a man born 1950-03-03
REAL = [(TAIYUAN_XIAODIAN_1960, D(1960, 5, 1)), (BEIJING_TONGZHOU_1950, D(1950, 3, 3))]
UNLISTED_BEIJING = "119999194912310021"  # 北京 (11) lists no 119999: a woman born 1949-12-31
NO_PROVINCE = "999999199001010024"  # no province 99: a woman born 1990-01-01


def person_form() -> schema.Form:
    return schema.current().forms["person"]


def refusal(fn, *args, **kwargs) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        fn(*args, **kwargs)
    return caught.value


def test_the_numbers_are_what_they_say():
    for number in (TAIYUAN_XIAODIAN_1960, BEIJING_TONGZHOU_1950, UNLISTED_BEIJING, NO_PROVINCE):
        assert idcard.check_char(number[:17]) == number[17], number


# --- the person form (validate.clean, as the screen and the write path run it) ---------


@pytest.mark.parametrize(("number", "born"), REAL)
def test_the_person_form_takes_a_division_code_younger_than_its_holder(ledger_db, number, born):
    out = validate.clean(person_form(), {"name": "张三", "id_number": number}, today=TODAY)
    assert (out["id_number"], out["sex"], out["birth_date"]) == (number, "M", born)
    assert validate.notes(person_form(), {"id_number": number}) == []


def test_the_person_form_takes_an_unlisted_code_and_notes_it_beside_the_field(ledger_db):
    form = person_form()
    out = validate.clean(form, {"name": "李四", "id_number": UNLISTED_BEIJING}, today=TODAY)
    assert (out["sex"], out["birth_date"]) == ("F", D(1949, 12, 31))
    (note,) = validate.notes(form, {"name": "李四", "id_number": UNLISTED_BEIJING})
    assert (note.field, note.group, note.rule) == ("id_number", "idcard", "division_unknown")
    assert note.message("zh") == "身份证号：区划代码不在代码表中，请核实"
    assert note.message("en") == "ID number: division code not in the table; check it"


def test_the_person_form_refuses_a_code_of_no_province_naming_the_field(ledger_db):
    values = {"name": "张三", "id_number": NO_PROVINCE, "sex": "F", "birth_date": "1990-01-01"}
    error = refusal(validate.clean, person_form(), values)
    assert [(e.field, e.rule) for e in error.errors] == [("id_number", "division")]
    assert error.text("zh") == "身份证号：行政区划代码不存在（前两位不是省级代码）"
    assert validate.notes(person_form(), {"id_number": NO_PROVINCE}) == []


# --- the save --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "sex", "born"),
    [(n, "M", b) for n, b in REAL] + [(UNLISTED_BEIJING, "F", D(1949, 12, 31))],
)
def test_add_person_saves_the_number(family, number, sex, born):
    person = ledger.add_person(family["household"], {"name": "张三", "id_number": number})
    stored = Person.get_by_id(person.id)
    assert (stored.id_number, stored.sex, stored.birth_date) == (number, sex, born)


@pytest.mark.parametrize(
    ("who", "number", "born"),
    [("husband", n, b) for n, b in REAL] + [("wife", UNLISTED_BEIJING, D(1949, 12, 31))],
)
def test_edit_person_saves_the_number(family, who, number, born):
    person = family[who]
    ledger.edit_person(person.id, {"id_number": number, "birth_date": born.isoformat()})
    assert Person.get_by_id(person.id).id_number == number


def test_a_refused_number_writes_nothing(family):
    before = snapshot()
    error = refusal(
        ledger.add_person, family["household"], {"name": "张三", "id_number": NO_PROVINCE}
    )
    assert error.fields[0] == "id_number"
    assert refusal(ledger.edit_person, family["husband"].id, {"id_number": NO_PROVINCE})
    assert snapshot() == before


# --- the logic checks and the month end ------------------------------------------------


def test_a_saved_unlisted_code_is_a_warning_of_its_own_not_an_error(family):
    person = ledger.add_person(
        family["household"], {"name": "李四", "id_number": UNLISTED_BEIJING}
    )
    found = [f for f in checks.run() if f.code.startswith("id_")]
    assert [(f.code, f.severity, f.person) for f in found] == [
        ("id_unknown_division", "warning", person.id)
    ]
    assert found[0].text("zh") == "李四：身份证号的行政区划代码119999不在代码表中，请核实后确认"
    assert found[0].text("en") == (
        "李四: the ID number's division code 119999 is not in the table; "
        "check it, then acknowledge"
    )


@pytest.mark.parametrize(("number", "born"), REAL)
def test_a_saved_number_whose_code_is_younger_than_its_holder_has_no_finding(family, number, born):
    ledger.edit_person(family["husband"].id, {"id_number": number, "birth_date": born.isoformat()})
    assert checks.run() == []


def test_the_month_end_closes_once_the_cadre_acknowledges_the_warning(family, ledger_db):
    with clock.frozen(D(2026, 3, 3)):
        ledger.edit_person(
            family["wife"].id, {"id_number": UNLISTED_BEIJING, "birth_date": "1949-12-31"}
        )
        error = refusal(ledger.close_month, ledger_db.village.id, "2026-02")
        assert error.errors[0].rule == "warnings_open"
        ledger.close_month(
            ledger_db.village.id, "2026-02", {f"id_unknown_division:{family['wife'].id}"}
        )


# --- the command line on a ledger that holds the number ---------------------------------


def test_check_score_and_export_run_on_a_stored_unlisted_code(ledger_db, family, tmp_path, capsys):
    # as an older fptui or an import left it: written straight into the table
    Person.update(id_number=UNLISTED_BEIJING, birth_date=D(1949, 12, 31)).where(
        Person.id == family["wife"].id
    ).execute()
    database = ledger_db.url
    assert cli.main(["--db", database, "check"]) == 0  # a warning, no error
    out = capsys.readouterr().out
    assert "warning id_unknown_division" in out and "0 errors, 1 warnings" in out
    assert UNLISTED_BEIJING not in out
    assert cli.main(["--db", database, "score", "--month", "2026-03"]) == 0
    target = tmp_path / "return.xlsx"
    assert cli.main(["--db", database, "export", "--month", "2026-03", "-o", str(target)]) == 0
    assert target.exists()
