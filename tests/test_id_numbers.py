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
    assert cli.main(["--db", database, "check", "--full"]) == 0  # a warning, no error
    out = capsys.readouterr().out
    assert "warning id_unknown_division" in out and "0 errors, 1 warnings" in out
    assert UNLISTED_BEIJING not in out
    assert cli.main(["--db", database, "score", "--month", "2026-03"]) == 0
    target = tmp_path / "return.xlsx"
    assert cli.main(["--db", database, "export", "--month", "2026-03", "-o", str(target)]) == 0
    assert target.exists()


# --- dates of birth before 1880 (domain.toml birth.earliest_year) ------------------------


def number_born(day: str) -> str:
    """A valid number of 清徐县 for a woman born `day` (YYYYMMDD)."""
    first17 = f"140121{day}002"
    return first17 + idcard.check_char(first17)


BORN_1850 = number_born("18500601")
BORN_0001 = number_born("00010101")


def test_a_typed_date_of_birth_before_1880_says_so_on_the_field(ledger_db):
    values = {"name": "张三", "sex": "M", "birth_date": "1879-12-31"}
    error = refusal(validate.clean, person_form(), values, today=TODAY)
    assert [(e.field, e.rule) for e in error.errors] == [("birth_date", "birth_too_early")]
    assert error.text("zh") == "出生日期早于1880年"
    assert error.text("en") == "Date of birth before 1880"
    values["birth_date"] = "1880-01-01"
    assert validate.clean(person_form(), values, today=TODAY)["birth_date"] == D(1880, 1, 1)


def test_a_date_of_birth_before_1880_given_as_a_date_is_refused_too(ledger_db):
    values = {"name": "张三", "sex": "M", "birth_date": D(1850, 1, 1)}
    error = refusal(validate.clean, person_form(), values, today=TODAY)
    assert error.text("zh") == "出生日期早于1880年"


def test_a_childs_date_of_birth_on_the_birth_form_is_a_date_of_birth(ledger_db):
    form = schema.current().forms["birth"]
    values = {"mother": 1, "name": "王二", "sex": "M", "date": "1879-12-31"}
    error = refusal(validate.clean, form, values, today=TODAY)
    assert [(e.field, e.rule) for e in error.errors] == [("date", "birth_too_early")]
    assert error.text("zh") == "出生日期早于1880年"


def test_any_other_date_before_1880_is_refused_as_too_early(ledger_db):
    values = {"name": "张三", "sex": "M", "birth_date": "1880-01-01", "marriage_date": "1879-1-1"}
    error = refusal(validate.clean, person_form(), values, today=TODAY)
    assert [(e.field, e.rule) for e in error.errors] == [("marriage_date", "too_early")]
    assert error.text("zh") == "本次婚姻日期：早于1880年"


@pytest.mark.parametrize("number", [BORN_1850, BORN_0001])
def test_an_id_number_born_before_1880_is_refused_and_fills_nothing(ledger_db, number):
    error = refusal(validate.clean, person_form(), {"name": "张三", "id_number": number})
    assert (error.errors[0].field, error.errors[0].rule) == ("id_number", "birth_too_early")
    assert error.errors[0].message("zh") == "身份证号：其中的出生日期早于1880年"
    assert error.errors[0].message("en") == "ID number: its date of birth is before 1880"
    assert "birth_date" not in [e.field for e in error.errors if e.rule != "required"]


def test_a_date_of_birth_after_today_is_still_refused_typed_or_in_an_id_number(ledger_db):
    values = {"name": "张三", "sex": "M", "birth_date": "2026-03-11"}
    error = refusal(validate.clean, person_form(), values, today=TODAY)
    assert [(e.field, e.rule) for e in error.errors] == [("birth_date", "future")]
    error = refusal(
        validate.clean, person_form(), {"name": "张三", "id_number": number_born("20260311")}
    )
    assert ("birth_date", "future") in [(e.field, e.rule) for e in error.errors]


def test_the_save_refuses_a_date_of_birth_before_1880_and_writes_nothing(family):
    before = snapshot()
    home = family["household"]
    for values in (
        {"name": "张三", "id_number": BORN_1850},
        {"name": "张三", "sex": "M", "birth_date": "1879-12-31"},
        {"name": "张三", "sex": "M", "birth_date": D(1, 1, 1)},
    ):
        assert refusal(ledger.add_person, home, values).fields[0] in ("id_number", "birth_date")
    wife = family["wife"].id
    assert refusal(ledger.edit_person, wife, {"birth_date": "1879-12-31"}).fields == ["birth_date"]
    error = refusal(ledger.edit_person, wife, {"id_number": BORN_1850, "birth_date": "1850-06-01"})
    assert error.errors[0].rule == "birth_too_early"
    assert snapshot() == before


def test_a_stored_number_born_before_1880_is_an_invalid_id_with_that_reason(family):
    Person.update(id_number=BORN_1850, birth_date=D(1850, 6, 1)).where(
        Person.id == family["wife"].id
    ).execute()  # as an older fptui let it through
    (f,) = [f for f in checks.run() if f.code.startswith("id_")]
    assert (f.code, f.severity) == ("id_invalid", "error")
    assert f.text("zh") == "李秀英：身份证号无效（出生日期早于1880年）"
    assert f.text("en") == "李秀英: ID number not valid (date of birth before 1880)"


def test_the_earliest_year_is_domain_data_not_code(ledger_db, tmp_path):
    import shutil

    copy = tmp_path / "schemas"
    shutil.copytree(schema.DEFAULT_DIR, copy)
    path = copy / "domain.toml"
    text = path.read_text(encoding="utf-8")
    assert "earliest_year = 1880" in text
    path.write_text(text.replace("earliest_year = 1880", "earliest_year = 1900"), "utf-8")
    schema.use(schema.load(copy))
    try:
        values = {"name": "张三", "sex": "M", "birth_date": "1899-12-31"}
        error = refusal(validate.clean, person_form(), values, today=TODAY)
        assert error.text("zh") == "出生日期早于1900年"
        error = refusal(
            validate.clean, person_form(), {"name": "张三", "id_number": number_born("18950101")}
        )
        assert error.errors[0].message("zh") == "身份证号：其中的出生日期早于1900年"
    finally:
        schema.use(None)
