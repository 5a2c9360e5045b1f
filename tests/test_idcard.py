"""fptui.idcard: resident ID numbers (GB 11643-1999), their faults, legacy numbers, masking."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fptui import idcard
from fptui.idcard import IdCardError

EXAMPLE = "11010519491231002X"  # the standard's own example: a woman born 1949-12-31
LEGACY_EXAMPLE = "110105491231002"  # the same person's 15-digit legacy number
CHARACTERS = "0123456789X"
UNLISTED_BEIJING = "119999194912310021"  # right check character; 北京 (11) has no 119999
ALWAYS_VALID_DIVISION = "140121"  # 清徐县: in stdnum's table for every year fptui deals with

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_FOR_REMAINDER = "10X98765432"


def with_check(first17: str) -> str:
    return first17 + idcard.check_char(first17)


def reason_of(number: str, **kwargs) -> str:
    with pytest.raises(IdCardError) as caught:
        idcard.parse(number, **kwargs)
    return caught.value.reason


def single_character_changes(number: str) -> list[str]:
    return [
        number[:i] + c + number[i + 1 :]
        for i in range(len(number))
        for c in CHARACTERS
        if c != number[i]
    ]


# --- the standard's example ----------------------------------------------------------


def test_the_standard_example_is_valid():
    assert idcard.is_valid(EXAMPLE)


def test_the_standard_example_is_a_woman_born_1949_12_31_in_division_110105():
    info = idcard.parse(EXAMPLE)
    assert info.number == EXAMPLE
    assert info.sex == "F"
    assert info.birth_date == dt.date(1949, 12, 31)
    assert info.division == "110105"
    assert info.upgraded is False


def test_the_check_character_of_the_standard_example_is_x():
    assert idcard.check_char(EXAMPLE[:17]) == "X"


def test_every_single_character_change_of_the_standard_example_is_invalid():
    changes = single_character_changes(EXAMPLE)
    assert len(changes) == 18 * 10
    accepted = [n for n in changes if idcard.is_valid(n)]
    assert accepted == []


def test_every_single_character_change_of_the_standard_example_raises_id_card_error():
    for number in single_character_changes(EXAMPLE):
        with pytest.raises(IdCardError) as caught:
            idcard.parse(number)
        assert caught.value.reason in {"format", "date", "checksum", "division"}, number


def test_changing_only_the_check_character_is_a_checksum_fault():
    for c in CHARACTERS[:-1]:  # every digit: the right one is X
        assert reason_of(EXAMPLE[:17] + c) == "checksum"


def test_an_x_among_the_first_17_characters_is_a_format_fault():
    for i in range(17):
        assert reason_of(EXAMPLE[:i] + "X" + EXAMPLE[i + 1 :]) == "format"


def test_every_swap_of_two_neighbouring_characters_of_the_standard_example_is_invalid():
    swaps = [EXAMPLE[:i] + EXAMPLE[i + 1] + EXAMPLE[i] + EXAMPLE[i + 2 :] for i in range(17)]
    assert [n for n in swaps if n != EXAMPLE and idcard.is_valid(n)] == []


def test_lowercase_x_is_accepted_and_stored_as_capital_x():
    assert idcard.is_valid(EXAMPLE.lower())
    assert idcard.parse(EXAMPLE.lower()).number == EXAMPLE


def test_surrounding_spaces_are_ignored():
    assert idcard.parse(f"  {EXAMPLE}  ").number == EXAMPLE


def test_full_width_digits_typed_with_a_chinese_input_method_are_read_as_digits():
    full_width = EXAMPLE[:17].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert idcard.parse(full_width + "X").number == EXAMPLE


# --- one reason per fault ------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    ["", "1101051949123100", "11010519491231002X1", "1101051949123", "11010519491231002XX"],
)
def test_a_number_that_is_neither_15_nor_18_characters_is_a_length_fault(number):
    assert reason_of(number) == "length"
    assert not idcard.is_valid(number)


@pytest.mark.parametrize(
    "number",
    [
        "A1010519491231002X",  # letter in the division
        "110105194912310O2X",  # letter O for zero
        "11010519491231002Y",  # check character neither digit nor X
        "X10105194912310020",  # X first
        "110105 9491231002X",  # a space inside
    ],
)
def test_a_character_other_than_digits_and_a_final_x_is_a_format_fault(number):
    assert reason_of(number) == "format"


@pytest.mark.parametrize(
    "birth",
    ["19490230", "19491301", "19490000", "19490431", "19490229", "20230229"],
)
def test_an_impossible_date_of_birth_is_a_date_fault(birth):
    assert reason_of(with_check(f"110105{birth}002")) == "date"


def test_february_30_is_a_date_fault_even_with_a_correct_check_character():
    number = with_check("11010519490230002")
    assert reason_of(number) == "date"
    assert not idcard.is_valid(number)


def test_february_29_of_a_leap_year_is_a_valid_date_of_birth():
    assert idcard.parse(with_check("14012119960229002")).birth_date == dt.date(1996, 2, 29)


def test_a_wrong_check_character_is_a_checksum_fault():
    assert reason_of("110105194912310021") == "checksum"


# --- the division code: in the table in any year -------------------------------------

TAIYUAN_XIAODIAN_1960 = "140105196005010255"  # 小店区: code from 1997, holder born 1960
BEIJING_TONGZHOU_1950 = "110112195003030256"  # 通州区: code from 1997, holder born 1950


@pytest.mark.parametrize(
    ("number", "born"),
    [(TAIYUAN_XIAODIAN_1960, dt.date(1960, 5, 1)), (BEIJING_TONGZHOU_1950, dt.date(1950, 3, 3))],
)
def test_a_division_code_younger_than_its_holder_is_valid(number, born):
    # GB 11643: the code is where the person was registered when the number was issued
    info = idcard.parse(number)
    assert (info.birth_date, info.sex, info.division_known) == (born, "M", True)
    assert idcard.is_valid(number)


def test_a_division_code_abolished_before_the_birth_year_is_still_a_known_code():
    # 110103 (崇文区, Beijing) was merged into 东城区 in 2010: it existed, so it is known
    info = idcard.parse(with_check("11010320150101002"))
    assert (info.division, info.division_known) == ("110103", True)


def test_the_same_division_code_while_it_existed_is_valid():
    assert idcard.parse(with_check("11010320050101002")).division == "110103"
    assert idcard.is_valid(with_check("11010320100101002"))  # its last year


def test_a_division_code_that_never_existed_under_no_known_province_is_a_division_fault():
    assert reason_of(with_check("99999919900101002")) == "division"
    assert reason_of(with_check("00000019900101002")) == "division"


def test_a_code_the_table_does_not_list_under_a_known_province_is_valid_but_not_known():
    info = idcard.parse(UNLISTED_BEIJING)
    assert (info.division, info.division_known) == ("119999", False)
    assert (info.sex, info.birth_date) == ("F", dt.date(1949, 12, 31))


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("140105", "known"),
        ("110112", "known"),
        ("110103", "known"),  # abolished in 2010
        ("500101", "known"),  # two names over the years: 万县区, 万州区
        ("119999", "unknown"),  # 北京 lists no such county
        ("123456", "unknown"),  # nor 天津
        ("999999", "no_province"),
        ("000000", "no_province"),
    ],
)
def test_division_status_reads_stdnums_table_for_any_year(code, status):
    assert idcard.division_status(code) == status


def test_a_failing_division_table_makes_the_code_unknown_never_refused(monkeypatch):
    def broken(name):
        raise OSError("loc.dat missing")

    monkeypatch.setattr(idcard.numdb, "get", broken)
    idcard.division_status.cache_clear()
    try:
        info = idcard.parse(EXAMPLE)
        assert (info.number, info.division_known) == (EXAMPLE, False)
    finally:
        idcard.division_status.cache_clear()


def test_a_division_code_valid_for_every_year_of_the_demo():
    for year in (1930, 1960, 1990, 2025):
        assert idcard.is_valid(with_check(f"{ALWAYS_VALID_DIVISION}{year}0101002"))


# --- dates of birth before the earliest year (domain.toml birth.earliest_year) -------


@pytest.mark.parametrize("year", ["0001", "1850", "1879"])
def test_a_date_of_birth_before_the_earliest_year_is_its_own_fault(year):
    number = with_check(f"{ALWAYS_VALID_DIVISION}{year}1231002")
    assert reason_of(number, earliest_year=1880) == "birth_too_early"


def test_the_earliest_year_itself_is_accepted():
    number = with_check(f"{ALWAYS_VALID_DIVISION}18800101002")
    assert idcard.parse(number, earliest_year=1880).birth_date == dt.date(1880, 1, 1)


def test_a_wrong_check_character_is_reported_before_an_early_date_of_birth():
    number = with_check(f"{ALWAYS_VALID_DIVISION}18501231002")
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    assert reason_of(wrong, earliest_year=1880) == "checksum"


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_with_the_earliest_year_any_17_digits_get_a_verdict(first17):
    result = verdict(with_check(first17), earliest_year=1880)
    assert isinstance(result, idcard.IdInfo | IdCardError)
    if isinstance(result, idcard.IdInfo):
        assert result.birth_date.year >= 1880


def test_a_date_fault_is_reported_before_a_checksum_fault():
    assert reason_of("110105194902300020") == "date"


def test_id_card_error_is_a_value_error_carrying_its_reason():
    error = IdCardError("checksum")
    assert isinstance(error, ValueError)
    assert error.reason == "checksum"
    assert str(error) == "checksum"


# --- sex from the sequence number ----------------------------------------------------


@pytest.mark.parametrize(("sequence", "sex"), [("001", "M"), ("002", "F"), ("999", "M")])
def test_an_odd_sequence_number_is_a_man_and_an_even_one_a_woman(sequence, sex):
    assert idcard.parse(with_check(f"14012119900101{sequence}")).sex == sex


# --- the check character -------------------------------------------------------------


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_char_follows_iso_7064_mod_11_2_as_domain_md_describes(first17):
    remainder = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11
    assert idcard.check_char(first17) == CHECK_FOR_REMAINDER[remainder]


# --- legacy 15-digit numbers ---------------------------------------------------------


def test_a_15_digit_legacy_number_is_upgraded_to_the_18_character_number():
    info = idcard.parse(LEGACY_EXAMPLE)
    assert info.number == EXAMPLE
    assert info.upgraded is True
    assert info.sex == "F"
    assert info.birth_date == dt.date(1949, 12, 31)


def test_upgrade_15_inserts_the_century_19_and_adds_the_check_character():
    assert idcard.upgrade_15(LEGACY_EXAMPLE) == EXAMPLE


def test_a_legacy_number_is_refused_when_legacy_numbers_are_not_allowed():
    assert reason_of(LEGACY_EXAMPLE, allow_legacy=False) == "legacy_refused"


def test_is_valid_refuses_legacy_numbers():
    assert not idcard.is_valid(LEGACY_EXAMPLE)


def test_a_legacy_number_with_a_letter_is_a_legacy_format_fault():
    assert reason_of("11010A491231002") == "legacy_format"
    with pytest.raises(IdCardError) as caught:
        idcard.upgrade_15("11010A491231002")
    assert caught.value.reason == "legacy_format"


def test_upgrade_15_refuses_a_number_that_is_not_15_characters():
    with pytest.raises(IdCardError) as caught:
        idcard.upgrade_15(EXAMPLE)
    assert caught.value.reason == "legacy_format"


def test_a_legacy_number_with_an_impossible_date_is_a_date_fault():
    assert reason_of("110105490230002") == "date"


def test_an_18_character_number_is_not_marked_upgraded():
    assert idcard.parse(EXAMPLE, allow_legacy=True).upgraded is False


# --- masking -------------------------------------------------------------------------


def test_mask_shows_the_first_6_and_last_4_characters():
    assert idcard.mask(EXAMPLE) == "110105********002X"


def test_mask_hides_the_date_of_birth():
    assert "19491231" not in idcard.mask(EXAMPLE)


def test_mask_keeps_the_length():
    assert len(idcard.mask(EXAMPLE)) == 18
    assert idcard.mask(LEGACY_EXAMPLE) == "110105*****1002"


@pytest.mark.parametrize("number", [None, ""])
def test_mask_of_no_number_is_empty(number):
    assert idcard.mask(number) == ""


@pytest.mark.parametrize("number", ["1", "123456", "1234567890"])
def test_mask_of_a_short_number_stars_all_of_it(number):
    assert idcard.mask(number) == "*" * len(number)


# --- building numbers for the demo ---------------------------------------------------


@given(
    birth=st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2025, 12, 31)),
    sequence=st.integers(min_value=0, max_value=499),
    sex=st.sampled_from(["M", "F"]),
)
def test_make_builds_a_valid_number_whose_sex_and_birth_date_agree(birth, sequence, sex):
    number = idcard.make(ALWAYS_VALID_DIVISION, birth, sequence, sex)
    assert len(number) == 18
    assert idcard.is_valid(number)
    info = idcard.parse(number)
    assert info.sex == sex
    assert info.birth_date == birth
    assert info.division == ALWAYS_VALID_DIVISION
    assert idcard.disagreements(number, sex, birth) == []


def test_make_gives_different_numbers_for_different_sequences():
    born = dt.date(1990, 1, 1)
    numbers = {idcard.make(ALWAYS_VALID_DIVISION, born, s, "F") for s in range(500)}
    assert len(numbers) == 500


def test_make_sets_an_odd_sequence_for_a_man_and_an_even_one_for_a_woman():
    born = dt.date(1990, 1, 1)
    assert idcard.make(ALWAYS_VALID_DIVISION, born, 7, "M")[14:17] == "015"
    assert idcard.make(ALWAYS_VALID_DIVISION, born, 7, "F")[14:17] == "014"


@pytest.mark.parametrize(("sequence", "sex"), [(500, "M"), (500, "F"), (-1, "F"), (-1, "M")])
def test_make_refuses_a_sequence_outside_0_to_499(sequence, sex):
    with pytest.raises(ValueError, match="sequence"):
        idcard.make(ALWAYS_VALID_DIVISION, dt.date(1990, 1, 1), sequence, sex)


# --- disagreements with the record ---------------------------------------------------


def test_disagreements_are_empty_when_sex_and_birth_date_agree():
    assert idcard.disagreements(EXAMPLE, "F", dt.date(1949, 12, 31)) == []


def test_disagreements_name_the_sex_when_it_differs():
    assert idcard.disagreements(EXAMPLE, "M", dt.date(1949, 12, 31)) == ["sex"]


def test_disagreements_name_the_birth_date_when_it_differs():
    assert idcard.disagreements(EXAMPLE, "F", dt.date(1949, 12, 30)) == ["birth_date"]


def test_disagreements_name_both_sex_and_birth_date_in_that_order():
    assert idcard.disagreements(EXAMPLE, "M", dt.date(1950, 1, 1)) == ["sex", "birth_date"]


def test_disagreements_ignore_what_is_not_recorded():
    assert idcard.disagreements(EXAMPLE, None, None) == []
    assert idcard.disagreements(EXAMPLE, "", None) == []


def test_disagreements_read_a_legacy_number():
    assert idcard.disagreements(LEGACY_EXAMPLE, "M", dt.date(1949, 12, 31)) == ["sex"]


def test_disagreements_of_an_invalid_number_raise_its_fault():
    with pytest.raises(IdCardError) as caught:
        idcard.disagreements("110105194912310021", "F", None)
    assert caught.value.reason == "checksum"


# --- bugs ----------------------------------------------------------------------------


def test_a_non_ascii_decimal_digit_is_refused_or_turned_into_an_ascii_digit():
    number = EXAMPLE[:11] + "\u0662" + EXAMPLE[12:]  # the 2 of 1231 as Arabic-Indic two
    try:
        stored = idcard.parse(number).number
    except IdCardError:
        return
    assert stored.isascii()


def test_a_superscript_digit_is_a_format_fault_not_a_crash():
    number = "\u00b2" + EXAMPLE[1:]
    assert not idcard.is_valid(number)
    assert reason_of(number) == "format"


# --- whatever the library raises, a verdict ------------------------------------------


def verdict(number: str, **kwargs) -> idcard.IdInfo | IdCardError:
    """What parse says of `number`: the info, or the fault. Any other exception fails."""
    try:
        return idcard.parse(number, **kwargs)
    except IdCardError as exc:
        return exc


def test_a_code_missing_from_the_division_table_gets_a_verdict_not_a_key_error():
    # stdnum's own validate raises KeyError('county') on this number
    assert idcard.check_char(UNLISTED_BEIJING[:17]) == UNLISTED_BEIJING[17]
    assert isinstance(verdict(UNLISTED_BEIJING), idcard.IdInfo | IdCardError)
    assert idcard.is_valid(UNLISTED_BEIJING)


@given(st.text(alphabet=CHARACTERS, min_size=18, max_size=18), st.booleans())
def test_any_18_characters_of_digits_and_x_get_a_verdict(number, legacy):
    assert isinstance(verdict(number, allow_legacy=legacy), idcard.IdInfo | IdCardError)


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_any_17_digits_with_their_check_character_get_a_verdict(first17):
    # past the check character, so every division and date reaches stdnum's table
    result = verdict(with_check(first17))
    assert isinstance(result, idcard.IdInfo | IdCardError)


@given(st.text(alphabet="0123456789", min_size=15, max_size=15))
def test_any_15_digits_get_a_verdict(number):
    assert isinstance(verdict(number), idcard.IdInfo | IdCardError)


@given(st.text())
def test_any_text_gets_a_verdict(text):
    assert isinstance(verdict(text), idcard.IdInfo | IdCardError)
    assert isinstance(verdict(text, allow_legacy=False), idcard.IdInfo | IdCardError)


@pytest.mark.parametrize(
    ("module", "target"),
    [
        (idcard.ric, "compact"),
        (idcard.ric, "get_birth_date"),
        (idcard.ric, "calc_check_digit"),
        (idcard.numdb, "get"),
    ],
)
def test_an_exception_of_any_kind_inside_stdnum_becomes_a_verdict(monkeypatch, module, target):
    def broken(*args, **kwargs):
        raise RuntimeError("stdnum failed")

    monkeypatch.setattr(module, target, broken)
    idcard.division_status.cache_clear()
    try:
        for number in (EXAMPLE, LEGACY_EXAMPLE, UNLISTED_BEIJING, "abc", ""):
            assert isinstance(verdict(number), idcard.IdInfo | IdCardError), number
    finally:
        idcard.division_status.cache_clear()
