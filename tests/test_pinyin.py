"""fptui.pinyin: search keys (initials, full pinyin) for names."""

from __future__ import annotations

import pytest
from pypinyin import Style, lazy_pinyin

from fptui.pinyin import (
    FULL_WIDTH,
    INITIALS_WIDTH,
    MAX_READINGS,
    SURNAMES,
    load_surnames,
    search_keys,
    surnames,
)


def likeliest(name: str) -> tuple[str, str]:
    """The first reading of each key: how the name is most likely said."""
    initials, full = search_keys(name)
    return initials.split(" ")[0], full.split(" ")[0]


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
    assert likeliest(name) == keys


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
    assert likeliest(name) == keys


def test_digits_in_a_name_are_kept():
    assert likeliest("王3号") == ("w3h", "wang3hao")


def test_keys_are_lower_case():
    initials, full = search_keys("ANNA张")
    assert initials == initials.lower()
    assert full == full.lower()


def test_initials_have_one_letter_per_chinese_character():
    for name in ("张三丰", "李秀英", "欧阳修", "司马相如"):
        for initials, full in zip(*(key.split() for key in search_keys(name))):
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
    assert likeliest("阿依古丽·买买提") == ("ayglmmt", "ayigulimaimaiti")
    assert "·" not in "".join(search_keys("阿依古丽·买买提"))


# --- surnames by their own reading (schemas/surnames.toml) -------------------------------


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("曾超军", ("zcj ccj", "zengchaojun cengchaojun")),
        ("单田芳", ("stf dtf", "shantianfang dantianfang")),
        ("解缙", ("xj jj", "xiejin jiejin")),
        ("查良镛", ("zly cly", "zhaliangyong chaliangyong")),
        ("仇英", ("qy cy", "qiuying chouying")),
        ("翟志刚", ("zzg dzg", "zhaizhigang dizhigang")),
    ],
)
def test_a_surname_is_keyed_by_its_own_reading_first_and_keeps_the_common_one(name, keys):
    initials, full = search_keys(name)
    assert (initials.split()[:2], full.split()[:2]) == (keys[0].split(), keys[1].split())


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("尉迟恭", "yuchigong"),
        ("万俟卨", "moqixie"),
        ("令狐冲", "linghuchong"),
        ("长孙无忌", "zhangsunwuji"),
        ("单于丽", "chanyuli"),
        ("澹台灭明", "tantaimieming"),
        ("欧阳修", "ouyangxiu"),
    ],
)
def test_a_compound_surname_is_read_as_one_before_its_first_character(name, first):
    assert search_keys(name)[1].split()[0] == first


def test_a_compound_surname_keeps_its_characters_readings_and_the_single_surname_one():
    assert search_keys("尉迟恭")[1].split() == ["yuchigong", "weichigong"]
    assert search_keys("单于丽")[1].split() == ["chanyuli", "shanyuli", "danyuli"]


def test_a_surname_is_only_read_so_at_the_start_of_a_name():
    assert search_keys("李曾")[1].split()[0] == "liceng"


def test_a_surname_alone_is_read_as_a_surname():
    assert search_keys("曾") == ("z c", "zeng ceng")


def test_the_readings_are_separated_by_one_space_and_none_repeats():
    for name in ("曾超军", "乐毅", "单于丽", "尉迟恭"):
        for key in search_keys(name):
            variants = key.split(" ")
            assert all(variants) and len(set(variants)) == len(variants), (name, key)


def test_a_surname_read_alike_either_way_has_one_reading():
    # 乐毅 is a word to pypinyin, read yue yi already: the surname reading is not doubled
    assert search_keys("乐毅")[1].split() == ["yueyi", "leyi"]


# --- the table itself ----------------------------------------------------------------------


def test_every_single_surname_of_the_table_is_read_otherwise_by_pypinyin():
    table = surnames()
    same = [s for s in table if len(s) == 1 and lazy_pinyin(s, style=Style.NORMAL) == [*table[s]]]
    assert same == []


# The surnames issue 12 names, with their readings: each is in the table.
ISSUE_SURNAMES = (
    "曾 zeng, 单 shan, 解 xie, 查 zha, 仇 qiu, 区 ou, 朴 piao, 繁 po, 覃 qin, 尉 yu, 乐 yue, "
    "缪 miao, 召 shao, 员 yun, 种 chong, 盖 ge, 折 she, 秘 bi, 句 gou, 蕃 pi, 适 kuo, "
    "重 chong, 藏 zang, 翟 zhai, 令狐 ling hu, 长孙 zhang sun, 尉迟 yu chi, 万俟 mo qi, "
    "单于 chan yu, 澹台 tan tai, 欧阳 ou yang"
)


def test_the_table_names_its_source_and_has_the_surnames_of_the_issue():
    text = SURNAMES.read_text(encoding="utf-8")
    assert "百家姓" in text and "现代汉语词典" in text and "GB/T 28039-2011" in text
    table = surnames()
    for entry in ISSUE_SURNAMES.split(","):
        surname, *reading = entry.split()
        assert table[surname] == tuple(reading), surname
    for read_alike in ("华", "那", "莘", "褚", "任"):  # pypinyin's default is the surname's
        assert read_alike not in table


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('source = "x"\n[single]\n"曾" = "zēng"\n[compound]\n', "single.曾"),
        ('source = "x"\n[single]\n"曾" = "zeng ceng"\n[compound]\n', "single.曾"),
        ('source = "x"\n[single]\n[compound]\n"尉迟" = "yuchi"\n', "compound.尉迟"),
        ('source = "x"\n[single]\n"zeng" = "zeng"\n[compound]\n', "single.zeng"),
        ('source = "x"\n[single]\n"曾" = 1\n[compound]\n', "single.曾"),
        ("[single]\n[compound]\n", "source"),
        ('source = "x"\n[compound]\n', "single"),
        ('source = "x"\n[single]\n[compound]\n[triple]\n', "triple"),
    ],
)
def test_a_malformed_table_is_refused_naming_the_file_and_key(tmp_path, text, where):
    path = tmp_path / "surnames.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=f"surnames.toml: {where}: "):
        load_surnames(path)


def test_the_table_is_read_on_the_first_name_not_on_import():
    import subprocess
    import sys

    code = "import sys, fptui.pinyin; print('tomllib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- a given name by each reading of its characters ----------------------------------------


def test_a_given_name_is_keyed_by_each_reading_of_its_characters():
    initials, full = search_keys("李长乐")
    assert full.split() == ["lichangle", "lizhangle", "lichangyue", "lizhangyue"]
    assert initials.split() == ["lcl", "lzl", "lcy", "lzy"]


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("王乐", {"wangle", "wangyue"}),
        ("王行", {"wangxing", "wanghang"}),
        ("王长", {"wangchang", "wangzhang"}),
        ("王重", {"wangzhong", "wangchong"}),
        ("王朝", {"wangchao", "wangzhao"}),
    ],
)
def test_a_polyphone_in_a_given_name_has_each_of_its_readings(name, said):
    assert said <= set(search_keys(name)[1].split())


def test_the_surname_reading_comes_first_then_its_common_one_then_the_given_names():
    assert search_keys("曾乐")[1].split() == ["zengle", "cengle", "zengyue", "cengyue"]


def test_a_surname_not_in_the_table_is_not_given_other_readings():
    assert search_keys("王")[1] == "wang"  # pypinyin also knows 王 as yu


def test_a_given_name_read_as_a_word_keeps_that_reading_first():
    assert search_keys("王朝阳")[1].split()[0] == "wangchaoyang"


def test_a_name_of_many_polyphones_keeps_at_most_eight_readings_the_likeliest_first():
    name = "单长乐重行朝"
    initials, full = search_keys(name)
    assert 1 < len(full.split()) <= MAX_READINGS and len(initials.split()) <= MAX_READINGS
    assert full.split()[0] == "".join(lazy_pinyin(name, style=Style.NORMAL)).replace(
        "dan", "shan", 1
    )
    assert full.split()[1].startswith("dan")  # the surname's common reading next


def test_a_long_name_of_polyphones_is_read_quickly_and_fits_the_columns():
    name = "王" + "庄长乐" * 13  # 40 characters, 2**26 readings, 173 letters each
    initials, full = search_keys(name)
    assert len(initials) <= INITIALS_WIDTH and len(full) <= FULL_WIDTH
    said = lazy_pinyin(name, style=Style.NORMAL)
    # too long for a column alone: its start is kept, which is what a search matches
    assert full == "".join(said)[:FULL_WIDTH]
    assert initials == "".join(s[0] for s in said)[:INITIALS_WIDTH]


def test_the_widths_are_the_columns_widths():
    from fptui.models import Person

    assert (
        Person.py_initials.max_length,
        Person.py_full.max_length,
    ) == (INITIALS_WIDTH, FULL_WIDTH)
