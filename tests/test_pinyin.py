"""fptui.pinyin: search keys (initials, full pinyin) for names."""

from __future__ import annotations

import pytest

from fptui.pinyin import search_keys


def test_zhang_san_feng_has_initials_zsf_and_full_pinyin_zhangsanfeng():
    assert search_keys("张三丰") == ("zsf", "zhangsanfeng")


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("李秀英", ("lxy", "lixiuying")),
        ("王强", ("wq", "wangqiang")),
        ("欧阳修", ("oyx", "ouyangxiu")),
        ("王", ("w", "wang")),
    ],
)
def test_chinese_names_give_initials_and_full_pinyin(name, keys):
    assert search_keys(name) == keys


def test_keys_have_no_tones():
    initials, full = search_keys("李秀英")
    assert full.isascii() and initials.isascii()


@pytest.mark.parametrize("name", ["", "   ", "\t"])
def test_an_empty_name_has_empty_keys(name):
    assert search_keys(name) == ("", "")


def test_spaces_around_a_name_are_ignored():
    assert search_keys("  张三丰 ") == search_keys("张三丰")


def test_a_space_between_chinese_characters_is_dropped():
    assert search_keys("张 三") == ("zs", "zhangsan")


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("吕", ("l", "lv")),
        ("吕布", ("lb", "lvbu")),
        ("女", ("n", "nv")),
        ("绿", ("l", "lv")),
        ("略", ("l", "lve")),
    ],
)
def test_u_umlaut_is_written_v(name, keys):
    assert search_keys(name) == keys


def test_no_key_contains_u_umlaut():
    for name in ("吕", "女", "绿", "略", "律"):
        for key in search_keys(name):
            assert "ü" not in key and "u:" not in key


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("Anna", ("a", "anna")),
        ("Tom张", ("tz", "tomzhang")),
        ("王Li", ("wl", "wangli")),
        ("Mary王", ("mw", "marywang")),
    ],
)
def test_latin_letters_are_kept_in_lower_case(name, keys):
    assert search_keys(name) == keys


def test_digits_in_a_name_are_kept():
    assert search_keys("王3号") == ("w3h", "wang3hao")


def test_keys_are_lower_case():
    initials, full = search_keys("ANNA张")
    assert initials == initials.lower()
    assert full == full.lower()


def test_initials_have_one_letter_per_chinese_character():
    for name in ("张三丰", "李秀英", "欧阳修", "司马相如"):
        initials, full = search_keys(name)
        assert len(initials) == len(name)
        assert initials.isalpha() and full.isalpha()


# --- bugs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "keys"),
    [("王 Li", ("wl", "wangli")), ("张三 Smith", ("zss", "zhangsansmith"))],
)
def test_a_space_before_a_latin_part_leaves_no_space_in_the_keys(name, keys):
    assert search_keys(name) == keys


def test_the_name_separator_dot_leaves_no_dot_in_the_keys():
    assert search_keys("阿依古丽·买买提") == ("ayglmmt", "ayigulimaimaiti")
