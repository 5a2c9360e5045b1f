"""Names found by how they are said, through the household list's own search
(queries.household_ids): a surname by its own reading and the common one, a given name's
character by each of its readings (DOMAIN.md, "Names are searched by how they are said")."""

from __future__ import annotations

import pytest

from fptui import ledger
from fptui.models import Person
from fptui.reads.queries import HouseholdFilter, household_ids

NAMES = {
    "0001": "曾超军",  # the demo's own: 曾 is zeng as a surname, ceng elsewhere
    "0002": "尉迟恭",  # a compound surname: yuchi, wei chi by the characters
    "0003": "单于丽",  # 单于 chanyu, or 单 shan + 于丽
    "0004": "李长乐",  # given name: 长 chang / zhang, 乐 le / yue
    "0005": "万俟卨",  # moqi, wan si by the characters
    "0006": "张三丰",
}


@pytest.fixture
def names(ledger_db) -> dict[str, int]:
    """One household per name of NAMES, the name its head; number -> household id."""
    out = {}
    for number, name in NAMES.items():
        household = ledger.add_household({"village": ledger_db.village.id, "number": number})
        ledger.add_person(
            household, {"name": name, "sex": "M", "birth_date": "1980-01-01", "relation": "head"}
        )
        out[number] = household.id
    return out


def found(query: str, names: dict[str, int]) -> set[str]:
    ids = set(household_ids(HouseholdFilter(query=query)))
    return {number for number, hid in names.items() if hid in ids}


@pytest.mark.parametrize("query", ["zcj", "zengchaojun", "zeng", "zengc", "ZCJ"])
def test_a_surname_is_found_by_its_own_reading(names, query):
    assert found(query, names) == {"0001"}


@pytest.mark.parametrize("query", ["ccj", "cengchaojun", "ceng"])
def test_a_surname_is_still_found_by_its_common_reading(names, query):
    assert found(query, names) == {"0001"}


@pytest.mark.parametrize(
    ("query", "number"),
    [
        ("ycg", "0002"),
        ("yuchigong", "0002"),
        ("wcg", "0002"),  # 尉 wei, 迟 chi: the characters' own readings
        ("cyl", "0003"),
        ("chanyuli", "0003"),
        ("syl", "0003"),  # 单 as the single surname shan
        ("dyl", "0003"),
        ("mqx", "0005"),
        ("moqixie", "0005"),
    ],
)
def test_a_compound_surname_is_read_as_one_before_its_characters(names, query, number):
    assert found(query, names) == {number}


@pytest.mark.parametrize(
    "query", ["lcl", "lzl", "lcy", "lzy", "lichangle", "lizhangle", "lichangyue", "lizhangyue"]
)
def test_a_given_name_is_found_by_each_reading_of_its_characters(names, query):
    assert found(query, names) == {"0004"}


def test_the_other_readings_find_nobody_else(names):
    assert found("zsf", names) == {"0006"}
    assert found("zc", names) == {"0001"}
    assert found("zzz", names) == set()


def test_a_renamed_person_is_found_by_the_new_surnames_reading(names):
    head = Person.get(Person.name == "张三丰")
    ledger.edit_person(head.id, {"name": "曾强"})
    assert found("zq", names) == {"0006"}
    assert found("cq", names) == {"0006"}
    assert found("zsf", names) == set()


def test_a_renamed_person_is_found_by_each_reading_of_the_new_given_name(names):
    head = Person.get(Person.name == "张三丰")
    ledger.edit_person(head.id, {"name": "曾乐"})
    assert found("zy", names) == {"0006"}  # 曾 zeng, 乐 yue
    assert found("cl", names) == {"0006"}  # 曾 ceng, 乐 le
