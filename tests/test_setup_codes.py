"""The codes of the county, township, villages and groups (issue 14): near duplicates and
malformed codes are refused by the ledger, with the reason, for the CLI and the app
alike; `fptui setup` explains the codes in Chinese."""

from __future__ import annotations

import pytest
from conftest import snapshot

from fptui import cli, db, ledger
from fptui.models import Area, AuditLog
from fptui.schema.validate import InvalidInput


def refused(fn, *args, field: str, rule: str, says: str = "", **kwargs) -> InvalidInput:
    before = snapshot()
    with pytest.raises(InvalidInput) as caught:
        fn(*args, **kwargs)
    found = {(e.field, e.rule): e.message("zh") for e in caught.value.errors}
    assert (field, rule) in found, caught.value
    assert says in found[(field, rule)]
    assert snapshot() == before
    return caught.value


@pytest.fixture
def areas(ledger_db):
    """conftest's tree (county 140121, township 140121101, villages 201 and 202, group 1 of
    201) and a second township whose code is 001."""
    ledger_db.second = ledger.add_area("township", "001", "华山乡", ledger_db.county)
    return ledger_db


def test_a_township_takes_its_3_digits_or_all_9_and_stores_9(areas):
    assert areas.second.code == "140121001"
    third = ledger.add_area("township", "140121102", "孟封镇", areas.county)
    assert third.code == "140121102"
    village = ledger.add_area("village", "301", "西村", third)
    assert village.code == "140121102301"


@pytest.mark.parametrize("code", ["1", "01", "0001", "140121001"])
def test_a_township_code_that_is_the_same_number_as_one_there_is_refused(areas, code):
    rule = "area_code_taken" if code.endswith("001") and len(code) in (3, 9) else "area_code_same"
    error = refused(
        ledger.add_area, "township", code, "新乡", areas.county, field="code", rule=rule
    )
    assert "华山乡" in error.text("zh") and "华山乡" in error.text("en")
    if rule == "area_code_same":
        assert "001" in error.text("zh") and "同一个号码" in error.text("zh")


@pytest.mark.parametrize("code", ["14012", "1401210", "14012a", "１４０１２"])
def test_a_county_code_not_6_digits_is_refused(ledger_db, code):
    refused(
        ledger.add_area, "county", code, "新县", None, field="code", rule="pattern", says="6位"
    )


@pytest.mark.parametrize("code", ["1021", "14012110", "10a"])
def test_a_township_code_not_3_or_9_digits_is_refused(areas, code):
    refused(ledger.add_area, "township", code, "新乡", areas.county, field="code", rule="pattern")


def test_full_codes_must_begin_with_the_parents(areas):
    refused(
        ledger.add_area,
        "township",
        "140122105",
        "外县乡",
        areas.county,
        field="code",
        rule="area_code_prefix",
        says="前6位应为140121",
    )
    error = refused(
        ledger.add_area,
        "village",
        "140121102203",
        "外乡村",
        areas.township,
        field="code",
        rule="area_code_prefix",
        says="前9位应为140121101",
    )
    assert "140121102" in error.text("zh")


def test_a_village_or_group_code_already_used_in_its_parent_is_refused(areas):
    refused(
        ledger.add_area,
        "village",
        "201",
        "新村",
        areas.township,
        field="code",
        rule="area_code_taken",
    )
    refused(
        ledger.add_area,
        "village",
        "140121101202",
        "新村",
        areas.township,
        field="code",
        rule="area_code_taken",
        says="东营村",
    )
    refused(
        ledger.add_area, "group", "01", "一组", areas.village, field="code", rule="area_code_same"
    )
    refused(
        ledger.add_area, "group", "1", "一组", areas.village, field="code", rule="area_code_taken"
    )
    refused(ledger.add_area, "group", "1234", "一组", areas.village, field="code", rule="pattern")
    # the same number in another parent is another area
    assert ledger.add_area("village", "201", "华山村", areas.second).code == "140121001201"
    assert ledger.add_area("group", "1", "第1村民小组", areas.other_village).code == "1"


def test_a_name_already_used_in_the_same_parent_is_refused(areas):
    refused(
        ledger.add_area,
        "village",
        "203",
        " 王家庄村 ",
        areas.township,
        field="name",
        rule="area_name_taken",
        says="201",
    )
    refused(
        ledger.add_area,
        "township",
        "103",
        "华山乡",
        areas.county,
        field="name",
        rule="area_name_taken",
    )
    assert ledger.add_area("village", "203", "王家庄村", areas.second).name == "王家庄村"


def test_set_up_uses_what_is_there_and_adds_the_rest_in_one_change(areas):
    before = AuditLog.select().count()
    done = ledger.set_up(("140121", "清徐县"), ("101", "东于镇"), [("203", "新村")], 2)
    assert done.township.id == areas.township.id and done.added == 3
    assert [v.code for v in done.villages] == ["140121101203"]
    added = list(AuditLog.select().where(AuditLog.id > before))
    assert len(added) == 3 and len({a.change for a in added}) == 1
    again = ledger.set_up(("140121", "清徐县"), ("140121101", "东于镇"), [("203", "新村")], 2)
    assert again.added == 0 and again.villages[0].id == done.villages[0].id


def test_set_up_refuses_whole_naming_each_field(areas):
    error = refused(
        ledger.set_up,
        ("140121", "清徐县"),
        ("1", "新乡"),
        [("301", "甲村"), ("", ""), ("301", "乙村")],
        100,
        field="township_code",
        rule="area_code_same",
    )
    fields = {e.field: e.rule for e in error.errors}
    assert fields["groups"] == "above_max"
    assert "village_code_2" not in fields  # a blank line is no village
    refused(
        ledger.set_up,
        ("140121", "清徐"),
        ("101", "东于镇"),
        [("203", "新村")],
        field="county_name",
        rule="area_name_differs",
        says="清徐县",
    )
    refused(
        ledger.set_up,
        ("140121", "清徐县"),
        ("102", "孟封镇"),
        [("301", "甲村"), ("301", "乙村")],
        field="village_code_2",
        rule="area_code_taken",
        says="甲村",
    )
    refused(
        ledger.set_up,
        ("140121", "清徐县"),
        ("102", "孟封镇"),
        [("", "")],
        field="village_code_1",
        rule="required",
    )


def test_a_village_code_as_typed_is_shown_whole():
    assert ledger.typed_village_code("140121", "101", "201") == "140121101201"
    assert ledger.typed_village_code("１４０１２１", "140121101", "202") == "140121101202"
    assert ledger.typed_village_code("140121", "101", "140121101203") == "140121101203"
    assert ledger.typed_village_code("140121", "1", "201") is None
    assert ledger.typed_village_code("140121", "101", "140121102203") is None


# --- fptui setup ------------------------------------------------------------------------


def test_fptui_setup_help_is_chinese_and_explains_the_codes(capsys):
    with pytest.raises(SystemExit) as done:
        cli.main(["setup", "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    for words in ("用法", "县（区）代码", "county code", "12位", "6位", "3位", "例", "--groups"):
        assert words in out, words
    assert "fptui setup --county 140121 清徐县 --township 101 东于镇" in out


def test_fptui_setup_refuses_a_near_duplicate_in_one_line(tmp_path, capsys):
    database = str(tmp_path / "new.db")
    base = ["--db", database, "setup", "--county", "140121", "清徐县"]
    assert cli.main([*base, "--township", "001", "东于镇", "--village", "201", "王家庄村"]) == 0
    assert capsys.readouterr().out.strip() == "140121001201 王家庄村"
    before = Area.select().count()
    assert cli.main([*base, "--township", "1", "华山乡", "--village", "201", "甲村"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("fptui setup: 乡镇代码：1与已有的001")
    english = ["--lang", "en", *base, "--township", "1", "华山乡", "--village", "201", "甲村"]
    assert cli.main(english) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "same number as 001" in err[0]
    assert Area.select().count() == before
    db.close_database()
