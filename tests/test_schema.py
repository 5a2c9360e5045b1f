"""fptui.schema (loader, model) and fptui.validate: rules as data, values cleaned by them."""

from __future__ import annotations

import datetime as dt
import shutil
import string
from decimal import Decimal
from pathlib import Path

import pytest

from fptui import idcard, schema
from fptui.schema import ChoiceList, Form, Option, SchemaError, Schemas, Text, validate
from fptui.schema.validate import FieldError, InvalidInput

TODAY = dt.date(2026, 3, 10)
EXAMPLE_ID = "11010519491231002X"  # a woman born 1949-12-31
EVENT_KINDS = {
    "birth",
    "death",
    "marriage",
    "divorce",
    "widowhood",
    "move_in",
    "move_out",
    "go_out",
    "return",
    "migrant_in",
    "migrant_left",
    "pregnancy",
    "pregnancy_outcome",
    "contraception",
    "benefit",
}
DOMAIN_ENTRY = (
    "[entry]\n# An event entered within this many days of happening counts as timely.\n"
    "timely_days = 7\n"
)


@pytest.fixture(scope="module")
def shipped() -> Schemas:
    return schema.load()


@pytest.fixture
def copy(tmp_path) -> Path:
    """A copy of the shipped schemas folder, to break one thing at a time."""
    directory = tmp_path / "schemas"
    shutil.copytree(schema.DEFAULT_DIR, directory)
    return directory


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def load_error(directory: Path) -> SchemaError:
    with pytest.raises(SchemaError) as caught:
        schema.load(directory)
    return caught.value


def assert_refusal(error: SchemaError, file: Path, key: str, expected: str) -> None:
    """The error names the file, the dotted key and what was expected, in its str too."""
    assert error.file == str(file)
    assert error.key == key
    assert expected in error.expected
    assert str(error).startswith(f"{file}: {key}: ")
    assert expected in str(error)


# === the shipped schemas ==============================================================


def test_the_shipped_schemas_load(shipped):
    assert isinstance(shipped, Schemas)


def test_default_dir_is_the_shipped_schemas_folder():
    assert schema.DEFAULT_DIR.is_dir()
    assert (schema.DEFAULT_DIR / "choices.toml").is_file()
    assert (schema.DEFAULT_DIR / "forms").is_dir()


def test_load_with_no_folder_reads_the_shipped_one(shipped):
    assert schema.load(None).forms.keys() == shipped.forms.keys()
    assert schema.load(str(schema.DEFAULT_DIR)).forms.keys() == shipped.forms.keys()


@pytest.mark.parametrize("form", ["household", "person", "birth"])
def test_the_household_person_and_birth_forms_exist(shipped, form):
    assert form in shipped.forms


def test_every_event_kind_of_domain_md_has_a_form(shipped):
    assert set(shipped.forms) >= EVENT_KINDS
    assert set(shipped.event_kinds) == EVENT_KINDS


def test_household_and_person_cards_are_not_events(shipped):
    assert shipped.forms["household"].subject is None
    assert shipped.forms["person"].subject is None
    assert "household" not in shipped.event_kinds


@pytest.mark.parametrize("kind", sorted(EVENT_KINDS))
def test_every_event_form_has_a_required_date_that_cannot_be_in_the_future(shipped, kind):
    date = shipped.forms[kind].field("date")
    assert date.type == "date"
    assert date.required
    assert not date.allow_future


def test_the_subjects_of_events(shipped):
    assert shipped.forms["birth"].subject == "birth"
    assert shipped.forms["move_in"].subject == "new_person"
    assert shipped.forms["migrant_in"].subject == "new_person"
    assert shipped.forms["death"].subject == "person"


def test_new_person_events_name_only_fields_of_the_person_card(shipped):
    person = shipped.forms["person"]
    for kind in ("move_in", "migrant_in"):
        fields = shipped.forms[kind].person_fields
        assert "name" in fields
        assert all(person.has(f) for f in fields)


def test_pregnancy_events_are_for_women_only(shipped):
    assert shipped.forms["pregnancy"].sex == "F"
    assert shipped.forms["pregnancy_outcome"].sex == "F"


def test_the_death_event_sets_residence_dead_and_copies_its_date(shipped):
    death = shipped.forms["death"]
    assert death.sets == {"residence": "dead"}
    assert death.copies == {"death_date": "date"}
    assert death.residence_from == ("here", "out", "in_migrant")


def test_the_marriage_event_moves_marital_states(shipped):
    marriage = shipped.forms["marriage"]
    assert marriage.marital_from == ("never", "divorced", "widowed")
    assert marriage.marital_to == {
        "never": "first",
        "divorced": "remarried",
        "widowed": "remarried",
    }
    assert marriage.mirror_spouse


def test_the_person_card_fields_in_order(shipped):
    keys = [f.key for f in shipped.forms["person"].fields]
    assert keys[:4] == ["name", "id_number", "sex", "birth_date"]
    assert "residence" in keys and "disability_grade" in keys


def test_residence_on_the_person_card_changes_only_through_events(shipped):
    assert shipped.forms["person"].field("residence").editable is False
    assert shipped.forms["person"].field("name").editable is True


def test_the_id_number_fills_sex_and_birth_date(shipped):
    assert shipped.forms["person"].field("id_number").fills == {
        "sex": "sex",
        "birth_date": "birth_date",
    }
    assert shipped.forms["birth"].field("id_number").fills == {"sex": "sex", "birth_date": "date"}


def test_sex_choices_are_male_and_female(shipped):
    sex = shipped.choices["sex"]
    assert sex.keys == ("M", "F")
    assert sex.label == Text("性别", "Sex")
    assert [o.letter for o in sex.options] == ["m", "f"]


def test_marital_status_choices(shipped):
    assert shipped.choices["marital_status"].keys == (
        "never",
        "first",
        "remarried",
        "divorced",
        "widowed",
    )


def test_residence_choices(shipped):
    assert shipped.choices["residence"].keys == (
        "here",
        "out",
        "in_migrant",
        "dead",
        "moved_away",
        "left",
    )


def test_yes_no_choices(shipped):
    assert shipped.choices["yes_no"].keys == ("yes", "no")


def test_every_choice_field_names_an_existing_choice_list(shipped):
    for form in shipped.forms.values():
        for f in form.fields:
            if f.type == "choice":
                assert f.choices in shipped.choices, (form.key, f.key)


def test_every_choice_default_is_an_option_of_its_list(shipped):
    for form in shipped.forms.values():
        for f in form.fields:
            if f.type == "choice" and f.default is not None:
                assert f.default in shipped.choices[f.choices].keys, (form.key, f.key)


def test_every_state_an_event_sets_or_requires_is_a_residence_choice(shipped):
    residence = shipped.choices["residence"].keys
    for form in shipped.forms.values():
        assert set(form.residence_from) <= set(residence), form.key
        if "residence" in form.sets:
            assert form.sets["residence"] in residence, form.key


def test_every_field_and_form_has_a_chinese_and_english_label(shipped):
    for form in shipped.forms.values():
        assert form.title.zh and form.title.en
        for f in form.fields:
            assert f.label.zh and f.label.en, (form.key, f.key)
    for choices in shipped.choices.values():
        assert choices.label.zh and choices.label.en
        for o in choices.options:
            assert o.label.zh and o.label.en, (choices.key, o.key)


def test_domain_values_are_the_defaults_of_domain_md(shipped):
    assert shipped.domain == {
        "marriage": {"legal_age_male": 22, "legal_age_female": 20},
        "birth": {
            "mother_age_min": 15,
            "mother_age_max": 55,
            "father_age_min": 15,
            "earliest_year": 1880,
        },
        "entry": {"timely_days": 7},
        "statistics": {
            "year_start_month": 1,
            "annualise_part_year": False,
            "rate_denominator": "average",
        },
        "ids": {"allow_legacy_15": True},
        "benefits": {"reward_age": 60, "special_mother_age": 49, "special_disability_grade": 3},
    }


RULES_USED = {
    "field": {
        "required",
        "too_long",
        "not_integer",
        "not_number",
        "below_min",
        "above_max",
        "pattern",
        "not_a_choice",
        "must_be_yes",
        "unknown_field",
    },
    "date": {"format", "impossible", "future", "too_early", "birth_too_early"},
    "idcard": {
        "length",
        "format",
        "date",
        "checksum",
        "birth_too_early",
        "division",
        "division_unknown",
        "legacy_format",
        "legacy_refused",
        "sex_disagrees",
        "birth_date_disagrees",
    },
}


def test_every_rule_the_code_refuses_with_has_a_message(shipped):
    for group, rules in RULES_USED.items():
        assert rules <= set(shipped.messages[group]), group


def test_every_message_has_chinese_and_english_and_names_the_label(shipped):
    for group, messages in shipped.messages.items():
        for rule, text in messages.items():
            assert text.zh and text.en, (group, rule)
            for lang in ("zh", "en"):
                names = {n for _, n, _, _ in string.Formatter().parse(text(lang)) if n}
                assert "label" in names, (group, rule, lang)


def test_schemas_message_fills_in_the_label_and_parameters(shipped):
    assert shipped.message("field", "required", label="姓名") == "姓名：必填"
    assert shipped.message("field", "too_long", "en", label="Name", max_length=40) == (
        "Name: at most 40 characters"
    )


# === the model ========================================================================


def test_text_gives_english_or_falls_back_to_chinese():
    assert Text("姓名", "Name")() == "姓名"
    assert Text("姓名", "Name")("zh") == "姓名"
    assert Text("姓名", "Name")("en") == "Name"
    assert Text("姓名", "")("en") == "姓名"


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("1", "M"),
        ("2", "F"),
        (" 2 ", "F"),
        ("m", "M"),
        ("F", "F"),
        ("f", "F"),
        ("男", "M"),
        ("女", "F"),
        ("male", "M"),
        ("Female", "F"),
        ("FEMALE", "F"),
    ],
)
def test_a_choice_is_found_by_number_letter_key_or_label(shipped, typed, key):
    assert shipped.choices["sex"].find(typed).key == key


@pytest.mark.parametrize("typed", ["", "  ", "0", "3", "9", "-1", "x", "男性"])
def test_a_typed_value_naming_no_option_finds_nothing(shipped, typed):
    assert shipped.choices["sex"].find(typed) is None


def test_a_choice_is_found_by_key_when_it_has_no_letter(shipped):
    assert shipped.choices["relation"].find("daughter").key == "daughter"
    assert shipped.choices["relation"].find("9").key == "other"
    assert shipped.choices["relation"].find("10") is None


def test_label_of_gives_the_label_of_a_key_or_the_key_itself(shipped):
    sex = shipped.choices["sex"]
    assert sex.label_of("F") == "女"
    assert sex.label_of("F", "en") == "Female"
    assert sex.label_of("Q") == "Q"
    assert sex.label_of(None) == ""


def test_choice_list_keys_are_in_the_given_order():
    choices = ChoiceList(
        "c", Text("c", ""), (Option("b", Text("乙", "B")), Option("a", Text("甲", "A")))
    )
    assert choices.keys == ("b", "a")
    assert choices.find("1").key == "b"


def test_form_field_and_has(shipped):
    person: Form = shipped.forms["person"]
    assert person.field("name").label == Text("姓名", "Name")
    assert person.has("name")
    assert not person.has("nmae")
    with pytest.raises(KeyError):
        person.field("nmae")


def test_current_loads_the_shipped_schemas_once_and_use_replaces_them(shipped):
    try:
        schema.use(None)
        first = schema.current()
        assert schema.current() is first
        assert first.forms.keys() == shipped.forms.keys()
        schema.use(shipped)
        assert schema.current() is shipped
        schema.use(None)
        assert schema.current() is not shipped
    finally:
        schema.use(None)


def test_schemas_in_use_come_from_the_folder_given(copy):
    edit(
        copy / "forms" / "person.toml",
        'label = { zh = "姓名", en = "Name" }',
        'label = { zh = "名字" }',
    )
    try:
        schema.use(schema.load(copy))
        assert schema.current().forms["person"].field("name").label("en") == "名字"
    finally:
        schema.use(None)


# === loader errors ====================================================================


def test_a_copy_of_the_shipped_schemas_loads(copy, shipped):
    assert schema.load(copy).forms.keys() == shipped.forms.keys()


def test_invalid_toml_syntax_is_refused_naming_the_file(copy):
    path = copy / "choices.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n[broken\n", encoding="utf-8")
    error = load_error(copy)
    assert_refusal(error, path, "(syntax)", "not valid TOML")
    assert "line" in error.expected


def test_invalid_toml_syntax_in_a_form_file_is_refused_naming_that_file(copy):
    path = copy / "forms" / "events.toml"
    edit(path, 'subject = "birth"', 'subject = "birth')
    assert_refusal(load_error(copy), path, "(syntax)", "not valid TOML")


def test_an_unknown_field_type_is_refused_listing_the_types(copy):
    path = copy / "forms" / "person.toml"
    edit(path, 'type = "text"', 'type = "txt"')
    error = load_error(copy)
    assert_refusal(error, path, "forms.person.fields[0].type", "expected one of text, int")
    assert "got 'txt'" in str(error)
    assert "idcard" in str(error)


def test_a_misspelt_key_is_refused_not_ignored(copy):
    path = copy / "forms" / "person.toml"
    edit(path, "required = true", "requird = true")
    error = load_error(copy)
    assert_refusal(error, path, "forms.person.fields[0].requird", "unknown key")
    assert "required" in error.expected


def test_a_choice_field_naming_a_missing_choice_list_is_refused(copy):
    path = copy / "forms" / "person.toml"
    edit(path, 'choices = "ethnicity"', 'choices = "ethnicities"')
    assert_refusal(
        load_error(copy),
        path,
        "forms.person.fields[4].choices",
        "no choice list 'ethnicities' in choices.toml",
    )


def test_a_choice_field_naming_no_choice_list_is_refused(copy):
    path = copy / "forms" / "person.toml"
    edit(path, 'choices = "ethnicity"\n', "")
    assert_refusal(load_error(copy), path, "forms.person.fields[4].choices", "missing")


def test_blank_if_naming_a_field_not_in_the_form_is_refused(copy):
    path = copy / "forms" / "person.toml"
    edit(path, 'blank_if = { marital_status = "never" }', 'blank_if = { marital = "never" }')
    assert_refusal(
        load_error(copy),
        path,
        "forms.person.fields[7].blank_if.marital",
        "no field 'marital' in this form",
    )


def test_a_field_without_a_label_is_refused(copy):
    path = copy / "forms" / "person.toml"
    edit(path, 'label = { zh = "姓名", en = "Name" }\n', "")
    assert_refusal(load_error(copy), path, "forms.person.fields[0].label", "missing")


def test_a_choice_list_without_a_label_is_refused(copy):
    path = copy / "choices.toml"
    edit(path, 'label = { zh = "性别", en = "Sex" }\n', "")
    assert_refusal(load_error(copy), path, "sex.label", "missing")


def test_a_form_without_a_title_is_refused(copy):
    path = copy / "forms" / "household.toml"
    edit(path, 'title = { zh = "户", en = "Household" }\n', "")
    assert_refusal(load_error(copy), path, "forms.household.title", "missing")


def test_a_label_without_chinese_is_refused(copy):
    path = copy / "forms" / "person.toml"
    edit(path, 'label = { zh = "姓名", en = "Name" }', 'label = { en = "Name" }')
    assert_refusal(load_error(copy), path, "forms.person.fields[0].label.zh", "missing")


def test_a_blank_chinese_label_is_refused(copy):
    path = copy / "forms" / "person.toml"
    edit(path, 'label = { zh = "姓名", en = "Name" }', 'label = { zh = " ", en = "Name" }')
    assert_refusal(load_error(copy), path, "forms.person.fields[0].label.zh", "non-empty")


def test_a_label_in_a_third_language_is_refused(copy):
    path = copy / "forms" / "person.toml"
    edit(path, 'label = { zh = "姓名", en = "Name" }', 'label = { zh = "姓名", fr = "Nom" }')
    assert_refusal(load_error(copy), path, "forms.person.fields[0].label.fr", "unknown key")


def test_a_label_written_as_a_plain_string_is_refused(copy):
    path = copy / "forms" / "person.toml"
    edit(path, 'label = { zh = "姓名", en = "Name" }', 'label = "姓名"')
    assert_refusal(
        load_error(copy), path, "forms.person.fields[0].label", "expected a table, got a string"
    )


def test_a_duplicate_option_key_is_refused(copy):
    path = copy / "choices.toml"
    edit(path, '{ key = "F", zh = "女"', '{ key = "M", zh = "女"')
    assert_refusal(load_error(copy), path, "sex.options[1].key", "duplicate option key 'M'")


def test_a_choice_list_without_options_is_refused(copy):
    path = copy / "choices.toml"
    edit(
        path,
        'options = [\n  { key = "yes", zh = "是", en = "Yes", letter = "y" },\n'
        '  { key = "no", zh = "否", en = "No", letter = "n" },\n]',
        "options = []",
    )
    assert_refusal(load_error(copy), path, "yes_no.options", "at least one option")


def test_a_misspelt_option_key_is_refused(copy):
    path = copy / "choices.toml"
    edit(path, 'letter = "m"', 'leter = "m"')
    assert_refusal(load_error(copy), path, "sex.options[0].leter", "unknown key")


def test_a_choice_list_that_is_not_a_table_is_refused(copy):
    path = copy / "choices.toml"
    path.write_text("foo = 3\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert_refusal(load_error(copy), path, "foo", "expected a table, got an integer")


def test_a_duplicate_field_key_is_refused(copy):
    path = copy / "forms" / "person.toml"
    edit(path, 'key = "note"', 'key = "name"')
    assert_refusal(load_error(copy), path, "forms.person.fields[13].key", "duplicate field key")


def test_a_form_defined_in_two_files_is_refused(copy):
    path = copy / "forms" / "household.toml"
    path.write_text(
        path.read_text(encoding="utf-8") + '\n[forms.death]\ntitle = { zh = "死亡" }\n',
        encoding="utf-8",
    )
    assert_refusal(load_error(copy), path, "forms.death", "defined in another form file")


def test_residence_from_naming_an_unknown_state_is_refused(copy):
    edit(
        copy / "forms" / "events.toml",
        'residence_from = ["in_migrant"]',
        'residence_from = ["in_migrnt"]',
    )
    error = load_error(copy)
    assert error.file == str(copy / "forms" / "events.toml")
    assert error.key == "forms.migrant_left.residence_from[0]"
    assert "no residence option 'in_migrnt' in choices.toml" in str(error)


def test_marital_from_naming_an_unknown_state_is_refused(copy):
    edit(
        copy / "forms" / "events.toml",
        'marital_from = ["first", "remarried"]',
        'marital_from = ["frist", "remarried"]',
    )
    error = load_error(copy)
    assert error.file == str(copy / "forms" / "events.toml")
    assert error.key == "forms.divorce.marital_from[0]"
    assert "no marital_status option 'frist' in choices.toml" in str(error)


def test_person_fields_naming_a_field_the_person_card_lacks_are_refused(copy):
    edit(copy / "forms" / "events.toml", '"marriage_date", "phone"]', '"marriage_date", "mobile"]')
    error = load_error(copy)
    assert error.key == "forms.move_in.person_fields"
    assert "the person form has no field 'mobile'" in str(error)


def test_an_unknown_event_subject_is_refused(copy):
    path = copy / "forms" / "events.toml"
    edit(path, 'subject = "person"', 'subject = "persn"')
    assert_refusal(
        load_error(copy), path, "forms.death.subject", "expected one of person, new_person, birth"
    )


def test_an_event_form_without_a_date_field_is_refused(copy):
    path = copy / "forms" / "events.toml"
    edit(
        path,
        'key = "date"\ntype = "date"\nlabel = { zh = "死亡日期"',
        'key = "day"\ntype = "date"\nlabel = { zh = "死亡日期"',
    )
    assert_refusal(load_error(copy), path, "forms.death.fields", "needs a `date` field")


def test_copies_naming_a_missing_field_are_refused(copy):
    path = copy / "forms" / "events.toml"
    edit(path, 'copies = { death_date = "date" }', 'copies = { death_date = "day" }')
    assert_refusal(
        load_error(copy), path, "forms.death.copies.death_date", "no field 'day' in this form"
    )


def test_a_bad_regular_expression_in_a_pattern_is_refused(copy):
    path = copy / "forms" / "household.toml"
    edit(path, "pattern = '^[0-9A-Za-z-]+$'", "pattern = '^[0-9A-Za-z-+$'")
    assert_refusal(
        load_error(copy),
        path,
        "forms.household.fields[2].pattern",
        "not a valid regular expression",
    )


@pytest.mark.parametrize(
    ("old", "new", "key", "expected"),
    [
        (
            "max_length = 40",
            'max_length = "40"',
            "max_length",
            "expected an integer, got a string",
        ),
        (
            "required = true",
            'required = "yes"',
            "required",
            "expected true or false, got a string",
        ),
        ("required = true", "required = 1", "required", "expected true or false, got an integer"),
        ('key = "name"', "key = 7", "key", "expected a string, got an integer"),
    ],
)
def test_a_field_value_of_the_wrong_type_is_refused(copy, old, new, key, expected):
    path = copy / "forms" / "person.toml"
    edit(path, old, new)
    assert_refusal(load_error(copy), path, f"forms.person.fields[0].{key}", expected)


def test_a_minimum_that_is_not_a_number_is_refused(copy):
    path = copy / "forms" / "person.toml"
    edit(path, "min = 1", 'min = "1"')
    assert_refusal(
        load_error(copy), path, "forms.person.fields[12].min", "expected a number, got a string"
    )


def test_a_form_file_with_fields_that_are_not_a_list_is_refused(copy):
    path = copy / "forms" / "extra.toml"
    path.write_text('[forms.x]\ntitle = { zh = "x" }\nfields = 3\n', encoding="utf-8")
    assert_refusal(load_error(copy), path, "forms.x.fields", "expected a list, got an integer")


def test_a_form_file_with_a_misspelt_top_table_is_refused(copy):
    path = copy / "forms" / "extra.toml"
    path.write_text('[form.x]\ntitle = { zh = "x" }\n', encoding="utf-8")
    assert_refusal(load_error(copy), path, "form", "unknown key; expected one of forms")


def test_year_start_month_13_is_refused(copy):
    path = copy / "domain.toml"
    edit(path, "year_start_month = 1", "year_start_month = 13")
    assert_refusal(
        load_error(copy),
        path,
        "statistics.year_start_month",
        "expected a month 1 to 12, got 13",
    )


def test_year_start_month_0_is_refused(copy):
    path = copy / "domain.toml"
    edit(path, "year_start_month = 1", "year_start_month = 0")
    assert_refusal(load_error(copy), path, "statistics.year_start_month", "got 0")


def test_year_start_month_10_is_accepted(copy):
    edit(copy / "domain.toml", "year_start_month = 1", "year_start_month = 10")
    assert schema.load(copy).domain["statistics"]["year_start_month"] == 10


def test_a_string_where_domain_toml_wants_an_integer_is_refused(copy):
    path = copy / "domain.toml"
    edit(path, "timely_days = 7", 'timely_days = "7"')
    assert_refusal(
        load_error(copy), path, "entry.timely_days", "expected an integer, got a string"
    )


def test_true_where_domain_toml_wants_an_integer_is_refused(copy):
    path = copy / "domain.toml"
    edit(path, "timely_days = 7", "timely_days = true")
    assert_refusal(
        load_error(copy), path, "entry.timely_days", "expected an integer, got a boolean"
    )


def test_an_integer_where_domain_toml_wants_true_or_false_is_refused(copy):
    path = copy / "domain.toml"
    edit(path, "allow_legacy_15 = true", "allow_legacy_15 = 1")
    assert_refusal(
        load_error(copy), path, "ids.allow_legacy_15", "expected true or false, got an integer"
    )


def test_a_missing_domain_value_is_refused(copy):
    path = copy / "domain.toml"
    edit(path, "timely_days = 7", "")
    assert_refusal(load_error(copy), path, "entry.timely_days", "missing")


def test_a_misspelt_domain_value_is_refused(copy):
    path = copy / "domain.toml"
    edit(path, "timely_days = 7", "timely_days = 7\ntimley = 3")
    assert_refusal(load_error(copy), path, "entry.timley", "unknown key")


def test_a_missing_domain_section_is_refused(copy):
    path = copy / "domain.toml"
    edit(path, DOMAIN_ENTRY, "")
    assert_refusal(load_error(copy), path, "entry", "missing section")


def test_an_unknown_domain_section_is_refused(copy):
    path = copy / "domain.toml"
    path.write_text("[extra]\nx = 1\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert_refusal(load_error(copy), path, "extra", "unknown key")


def test_a_domain_section_that_is_not_a_table_is_refused(copy):
    path = copy / "domain.toml"
    edit(path, DOMAIN_ENTRY, "")
    path.write_text("entry = 7\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    error = load_error(copy)
    assert error.file == str(path)
    assert error.key == "entry"
    assert "expected a table, got an integer" in str(error)


def test_a_missing_messages_group_is_refused(copy):
    path = copy / "messages.toml"
    path.write_text(path.read_text(encoding="utf-8").split("[ledger]")[0], encoding="utf-8")
    error = load_error(copy)
    assert error.file == str(path)
    assert error.key.endswith("ledger")
    assert "missing" in str(error)


def test_a_misspelt_messages_group_is_refused(copy):
    path = copy / "messages.toml"
    edit(path, "[ledger]", "[ledgr]")
    assert_refusal(load_error(copy), path, "ledgr", "unknown key")


def test_a_forms_folder_with_no_form_files_is_refused(copy):
    for path in (copy / "forms").glob("*.toml"):
        path.unlink()
    assert_refusal(load_error(copy), copy / "forms", "(folder)", "expected form files *.toml")


def test_a_missing_forms_folder_is_refused(copy):
    shutil.rmtree(copy / "forms")
    assert_refusal(load_error(copy), copy / "forms", "(folder)", "expected form files")


def test_a_missing_person_form_file_is_refused_naming_the_missing_form(copy):
    (copy / "forms" / "person.toml").unlink()
    assert_refusal(load_error(copy), copy / "forms", "forms.person", "missing form")


def test_a_missing_household_form_file_is_refused_naming_the_missing_form(copy):
    (copy / "forms" / "household.toml").unlink()
    assert_refusal(load_error(copy), copy / "forms", "forms.household", "missing form")


@pytest.mark.parametrize("name", ["choices.toml", "domain.toml", "messages.toml"])
def test_a_missing_schema_file_is_refused_naming_it(copy, name):
    (copy / name).unlink()
    assert_refusal(load_error(copy), copy / name, "(file)", "file not found")


def test_a_missing_folder_is_refused(tmp_path):
    error = load_error(tmp_path / "nowhere")
    assert "file not found" in str(error)


def test_schema_error_is_a_value_error_with_file_key_and_expectation():
    error = SchemaError(Path("a/b.toml"), "x.y", "expected z")
    assert isinstance(error, ValueError)
    assert (error.file, error.key, error.expected) == (str(Path("a/b.toml")), "x.y", "expected z")
    assert str(error) == f"{Path('a/b.toml')}: x.y: expected z"


# --- loader bugs ----------------------------------------------------------------------


def test_residence_from_naming_an_unknown_state_names_the_events_file(copy):
    path = copy / "forms" / "events.toml"
    edit(path, 'residence_from = ["in_migrant"]', 'residence_from = ["in_migrnt"]')
    assert load_error(copy).file == str(path)


def test_marital_from_naming_an_unknown_state_names_the_marital_from_key(copy):
    edit(
        copy / "forms" / "events.toml",
        'marital_from = ["first", "remarried"]',
        'marital_from = ["frist", "remarried"]',
    )
    assert load_error(copy).key.startswith("forms.divorce.marital_from")


@pytest.mark.parametrize("case", ["domain_section_not_a_table", "messages_group_missing"])
def test_a_top_level_key_is_named_without_a_leading_dot(copy, case):
    if case == "domain_section_not_a_table":
        path = copy / "domain.toml"
        edit(path, DOMAIN_ENTRY, "")
        path.write_text("entry = 7\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
        key = "entry"
    else:
        path = copy / "messages.toml"
        path.write_text(path.read_text(encoding="utf-8").split("[ledger]")[0], encoding="utf-8")
        key = "ledger"
    assert load_error(copy).key == key


def test_fills_naming_something_an_id_number_does_not_give_is_refused(copy):
    edit(
        copy / "forms" / "person.toml",
        'fills = { sex = "sex", birth_date = "birth_date" }',
        'fills = { sexx = "sex", birth_date = "birth_date" }',
    )
    load_error(copy)


def test_a_choice_default_that_is_not_an_option_is_refused(copy):
    edit(copy / "forms" / "person.toml", 'default = "han"', 'default = "hann"')
    load_error(copy)


def test_an_event_setting_an_unknown_residence_state_is_refused(copy):
    edit(
        copy / "forms" / "events.toml",
        'sets = { residence = "dead" }',
        'sets = { residence = "deadd" }',
    )
    load_error(copy)


def test_an_event_form_requiring_an_unknown_sex_is_refused(copy):
    edit(copy / "forms" / "events.toml", 'sex = "F"', 'sex = "W"')
    load_error(copy)


# === validate.clean ===================================================================


def clean(shipped: Schemas, form: str, values: dict, **kwargs) -> dict:
    return validate.clean(shipped.forms[form], values, schemas=shipped, today=TODAY, **kwargs)


def refused(shipped: Schemas, form: str, values: dict, **kwargs) -> list[FieldError]:
    with pytest.raises(InvalidInput) as caught:
        clean(shipped, form, values, **kwargs)
    return caught.value.errors


def only_error(shipped: Schemas, form: str, values: dict, **kwargs) -> FieldError:
    errors = refused(shipped, form, values, **kwargs)
    assert len(errors) == 1, [(e.field, e.rule) for e in errors]
    return errors[0]


PERSON = {"name": "张三", "sex": "M", "birth_date": "1990-01-01"}


def test_a_complete_person_is_cleaned_with_defaults_for_blank_fields(shipped):
    out = clean(shipped, "person", PERSON)
    assert out["name"] == "张三"
    assert out["sex"] == "M"
    assert out["birth_date"] == dt.date(1990, 1, 1)
    assert out["ethnicity"] == "han"
    assert out["relation"] == "other"
    assert out["marital_status"] == "never"
    assert out["residence"] == "here"
    assert out["id_number"] is None
    assert out["phone"] is None
    assert set(out) == {f.key for f in shipped.forms["person"].fields}


def test_text_is_stripped(shipped):
    assert clean(shipped, "person", {**PERSON, "name": "  张三 "})["name"] == "张三"


def test_a_missing_required_name_is_refused_with_its_message(shipped):
    values = {k: v for k, v in PERSON.items() if k != "name"}
    error = only_error(shipped, "person", values)
    assert (error.field, error.group, error.rule) == ("name", "field", "required")
    assert error.message("zh", shipped) == "姓名：必填"
    assert error.message("en", shipped) == "Name: required"


@pytest.mark.parametrize("blank", ["", "   ", None])
def test_a_blank_required_name_is_refused(shipped, blank):
    error = only_error(shipped, "person", {**PERSON, "name": blank})
    assert (error.field, error.rule) == ("name", "required")


def test_every_missing_required_field_is_reported(shipped):
    errors = refused(shipped, "person", {})
    assert [(e.field, e.rule) for e in errors] == [
        ("name", "required"),
        ("sex", "required"),
        ("birth_date", "required"),
    ]


@pytest.mark.parametrize(
    ("typed", "key"),
    [("2", "F"), ("f", "F"), ("F", "F"), ("女", "F"), ("female", "F"), ("1", "M"), ("男", "M")],
)
def test_a_choice_is_given_by_number_letter_chinese_label_or_key(shipped, typed, key):
    assert clean(shipped, "person", {**PERSON, "sex": typed})["sex"] == key


@pytest.mark.parametrize(
    ("field", "typed", "key"),
    [
        ("ethnicity", "2", "hui"),
        ("ethnicity", "满族", "manchu"),
        ("relation", "head", "head"),
        ("relation", "配偶", "spouse"),
        ("marital_status", "Divorced", "divorced"),
        ("marital_status", "2", "first"),
    ],
)
def test_other_choice_fields_are_given_the_same_ways(shipped, field, typed, key):
    assert clean(shipped, "person", {**PERSON, field: typed})[field] == key


def test_a_wrong_choice_is_refused_listing_the_options(shipped):
    error = only_error(shipped, "person", {**PERSON, "sex": "9"})
    assert (error.field, error.group, error.rule) == ("sex", "field", "not_a_choice")
    assert error.message("zh", shipped) == "性别：请选择 1男 2女"
    assert error.message("en", shipped) == "Sex: choose one of 1 Male, 2 Female"


def test_a_wrong_choice_of_a_long_list_lists_every_option(shipped):
    error = only_error(shipped, "person", {**PERSON, "marital_status": "married"})
    assert error.rule == "not_a_choice"
    assert error.message("zh", shipped) == "婚姻状况：请选择 1未婚 2初婚 3再婚 4离婚 5丧偶"


def test_the_id_number_fills_a_blank_sex_and_birth_date(shipped):
    out = clean(shipped, "person", {"name": "张三", "id_number": EXAMPLE_ID})
    assert out["id_number"] == EXAMPLE_ID
    assert out["sex"] == "F"
    assert out["birth_date"] == dt.date(1949, 12, 31)


def test_an_id_number_agreeing_with_sex_and_birth_date_is_accepted(shipped):
    values = {"name": "张三", "id_number": EXAMPLE_ID, "sex": "女", "birth_date": "19491231"}
    out = clean(shipped, "person", values)
    assert (out["sex"], out["birth_date"]) == ("F", dt.date(1949, 12, 31))


def test_a_lowercase_x_in_the_id_number_is_stored_as_capital_x(shipped):
    out = clean(shipped, "person", {"name": "张三", "id_number": EXAMPLE_ID.lower()})
    assert out["id_number"] == EXAMPLE_ID


def test_an_id_number_disagreeing_with_the_sex_is_refused_on_the_id_number(shipped):
    values = {"name": "张三", "id_number": EXAMPLE_ID, "sex": "M", "birth_date": "1949-12-31"}
    error = only_error(shipped, "person", values)
    assert (error.field, error.group, error.rule) == ("id_number", "idcard", "sex_disagrees")
    assert error.message("zh", shipped) == "身份证号：号码显示性别为女，与登记的男不符"
    assert error.message("en", shipped) == (
        "ID number: the number says Female, the record says Male"
    )


def test_an_id_number_disagreeing_with_the_birth_date_is_refused_on_the_id_number(shipped):
    values = {"name": "张三", "id_number": EXAMPLE_ID, "sex": "F", "birth_date": "1949-12-30"}
    error = only_error(shipped, "person", values)
    assert (error.field, error.rule) == ("id_number", "birth_date_disagrees")
    assert error.message("zh", shipped) == (
        "身份证号：号码中的出生日期1949-12-31与登记的1949-12-30不符"
    )


def test_an_id_number_disagreeing_with_both_gives_two_errors(shipped):
    values = {"name": "张三", "id_number": EXAMPLE_ID, "sex": "M", "birth_date": "1950-01-01"}
    errors = refused(shipped, "person", values)
    assert [(e.field, e.rule) for e in errors] == [
        ("id_number", "sex_disagrees"),
        ("id_number", "birth_date_disagrees"),
    ]


@pytest.mark.parametrize(
    ("number", "rule", "zh"),
    [
        ("110105194912310021", "checksum", "身份证号：校验码错误"),
        ("1101051949123100", "length", "身份证号：应为18位"),
        ("11010519490230002X", "date", "身份证号：其中的出生日期不存在"),
        ("A1010519491231002X", "format", "身份证号：前17位应为数字，末位为数字或X"),
    ],
)
def test_an_invalid_id_number_is_refused_with_the_reason(shipped, number, rule, zh):
    error = only_error(shipped, "person", {**PERSON, "id_number": number})
    assert (error.field, error.group, error.rule) == ("id_number", "idcard", rule)
    assert error.message("zh", shipped) == zh


def test_a_legacy_id_number_is_upgraded_when_domain_toml_allows_it(shipped):
    out = clean(shipped, "person", {"name": "张三", "id_number": "110105491231002"})
    assert out["id_number"] == EXAMPLE_ID
    assert out["sex"] == "F"


def test_a_legacy_id_number_is_refused_when_domain_toml_forbids_it(copy):
    edit(copy / "domain.toml", "allow_legacy_15 = true", "allow_legacy_15 = false")
    strict = schema.load(copy)
    with pytest.raises(InvalidInput) as caught:
        validate.clean(
            strict.forms["person"],
            {**PERSON, "id_number": "110105491231002"},
            schemas=strict,
            today=TODAY,
        )
    [error] = caught.value.errors
    assert (error.field, error.rule) == ("id_number", "legacy_refused")
    assert error.message("en", strict) == "ID number: 15-digit legacy numbers are not accepted"


def test_a_name_of_40_characters_is_accepted_and_41_refused(shipped):
    assert clean(shipped, "person", {**PERSON, "name": "张" * 40})["name"] == "张" * 40
    error = only_error(shipped, "person", {**PERSON, "name": "张" * 41})
    assert (error.field, error.rule) == ("name", "too_long")
    assert error.message("zh", shipped) == "姓名：最多40个字"
    assert error.message("en", shipped) == "Name: at most 40 characters"


@pytest.mark.parametrize("phone", ["abc", "12345", "138-0013-800a", "+", "1380013800012345678901"])
def test_a_bad_phone_is_refused_with_a_hint(shipped, phone):
    error = only_error(shipped, "person", {**PERSON, "phone": phone})
    assert (error.field, error.rule) == ("phone", "pattern")
    assert error.message("zh", shipped) == "联系电话：格式不对，应为6-20位数字，可含空格或-"


@pytest.mark.parametrize(
    "phone", ["13800138000", "0351-5721234", "138 0013 8000", "+8613800138000"]
)
def test_a_good_phone_is_accepted(shipped, phone):
    assert clean(shipped, "person", {**PERSON, "phone": phone})["phone"] == phone


@pytest.mark.parametrize(
    ("grade", "rule"), [("0", "below_min"), (0, "below_min"), ("5", "above_max"), (5, "above_max")]
)
def test_a_disability_grade_outside_1_to_4_is_refused(shipped, grade, rule):
    error = only_error(shipped, "person", {**PERSON, "disability_grade": grade})
    assert (error.field, error.rule) == ("disability_grade", rule)


def test_disability_grade_range_messages(shipped):
    low = only_error(shipped, "person", {**PERSON, "disability_grade": "0"})
    high = only_error(shipped, "person", {**PERSON, "disability_grade": "5"})
    assert low.message("zh", shipped) == "残疾等级：不能小于1"
    assert high.message("en", shipped) == "Disability grade: must be at most 4"


@pytest.mark.parametrize("grade", ["abc", "1.5", "一", 2.0, True])
def test_a_disability_grade_that_is_not_a_whole_number_is_refused(shipped, grade):
    error = only_error(shipped, "person", {**PERSON, "disability_grade": grade})
    assert (error.field, error.rule) == ("disability_grade", "not_integer")
    assert error.message("zh", shipped) == "残疾等级：应为整数"


@pytest.mark.parametrize(("grade", "value"), [("1", 1), (4, 4), (" 3 ", 3)])
def test_a_disability_grade_from_1_to_4_is_accepted(shipped, grade, value):
    assert (
        clean(shipped, "person", {**PERSON, "disability_grade": grade})["disability_grade"]
        == value
    )


def test_a_birth_date_in_the_future_is_refused(shipped):
    error = only_error(shipped, "person", {**PERSON, "birth_date": "2026-03-11"})
    assert (error.field, error.group, error.rule) == ("birth_date", "date", "future")
    assert error.message("zh", shipped) == "出生日期：不能晚于今天"


def test_a_birth_date_given_as_a_future_date_object_is_refused(shipped):
    error = only_error(shipped, "person", {**PERSON, "birth_date": dt.date(2026, 3, 11)})
    assert error.rule == "future"


def test_a_birth_date_given_as_a_date_object_is_kept(shipped):
    out = clean(shipped, "person", {**PERSON, "birth_date": dt.date(1990, 1, 1)})
    assert out["birth_date"] == dt.date(1990, 1, 1)


@pytest.mark.parametrize(("typed", "rule"), [("abc", "format"), ("1990-02-30", "impossible")])
def test_a_bad_birth_date_is_refused_with_the_date_reason(shipped, typed, rule):
    error = only_error(shipped, "person", {**PERSON, "birth_date": typed})
    assert (error.field, error.group, error.rule) == ("birth_date", "date", rule)


def test_an_unknown_field_key_is_refused(shipped):
    error = only_error(shipped, "person", {**PERSON, "nmae": "张三"})
    assert (error.field, error.rule) == ("nmae", "unknown_field")
    assert error.message("en", shipped) == "nmae: not a field of this form"


def test_partial_checks_only_the_given_fields(shipped):
    assert clean(shipped, "person", {"phone": "13800138000"}, partial=True) == {
        "phone": "13800138000"
    }


def test_partial_adds_no_defaults(shipped):
    out = clean(shipped, "person", {"name": "李四"}, partial=True)
    assert out == {"name": "李四"}


def test_partial_still_refuses_a_required_field_given_blank(shipped):
    error = only_error(shipped, "person", {"name": ""}, partial=True)
    assert (error.field, error.rule) == ("name", "required")


def test_partial_still_refuses_a_bad_value(shipped):
    error = only_error(shipped, "person", {"disability_grade": "9"}, partial=True)
    assert error.rule == "above_max"


def test_partial_with_an_id_number_checks_it_against_a_given_sex_only(shipped):
    assert clean(shipped, "person", {"id_number": EXAMPLE_ID}, partial=True) == {
        "id_number": EXAMPLE_ID
    }
    error = only_error(shipped, "person", {"id_number": EXAMPLE_ID, "sex": "M"}, partial=True)
    assert (error.field, error.rule) == ("id_number", "sex_disagrees")


def test_all_errors_are_reported_together_in_form_order(shipped):
    values = {  # given in reverse form order
        "disability_grade": "9",
        "phone": "x",
        "birth_date": "abc",
        "sex": "9",
        "name": "",
    }
    errors = refused(shipped, "person", values)
    assert [(e.field, e.rule) for e in errors] == [
        ("name", "required"),
        ("sex", "not_a_choice"),
        ("birth_date", "format"),
        ("phone", "pattern"),
        ("disability_grade", "above_max"),
    ]


def test_invalid_input_joins_every_message_in_each_language(shipped):
    with pytest.raises(InvalidInput) as caught:
        clean(shipped, "person", {"birth_date": "1990-1-1"})
    exc = caught.value
    assert exc.fields == ["name", "sex"]
    assert exc.text("zh") == "姓名：必填；性别：必填"
    assert exc.text("en") == "Name: required; Sex: required"
    assert str(exc) == "姓名：必填；性别：必填"


def test_refuse_makes_one_error():
    exc = validate.refuse("mother", Text("母亲", "Mother"), "ledger", "must_be_female")
    assert isinstance(exc, InvalidInput)
    assert exc.fields == ["mother"]
    assert exc.errors[0].rule == "must_be_female"


def test_a_household_number_must_match_its_pattern(shipped):
    assert clean(shipped, "household", {"village": 1, "number": "0001-A"})["number"] == "0001-A"
    errors = refused(shipped, "household", {"village": 1, "number": "00 01"})
    assert [(e.field, e.rule) for e in errors] == [("number", "pattern")]
    assert errors[0].message("zh", shipped) == "户号：格式不对，应为数字、字母或-"


def test_household_booleans_default_to_false_and_accept_yes(shipped):
    out = clean(shipped, "household", {"village": 1, "number": "1", "one_child": "是"})
    assert out["one_child"] is True
    assert out["special_family"] is False
    assert out["registration"] == "registered"


def test_a_benefit_amount_must_be_a_number_not_below_zero(shipped):
    base = {"date": "2026-03-01", "scheme": "reward", "year": "2026"}
    assert clean(shipped, "benefit", {**base, "amount": "960.50"})["amount"] == Decimal("960.50")
    for amount, rule in (("abc", "not_number"), ("NaN", "not_number"), ("-1", "below_min")):
        error = only_error(shipped, "benefit", {**base, "amount": amount})
        assert (error.field, error.rule) == ("amount", rule)


# --- the birth form --------------------------------------------------------------------


def child_id(born: dt.date, sex: str) -> str:
    return idcard.make("140121", born, 3, sex)


BIRTH = {"mother": 1, "name": "王小红", "sex": "F", "date": "2026-03-01"}


def test_a_birth_is_cleaned(shipped):
    out = clean(shipped, "birth", BIRTH)
    assert out["mother"] == 1
    assert out["date"] == dt.date(2026, 3, 1)
    assert out["father"] is None


def test_the_birth_id_number_agreeing_with_the_date_is_accepted(shipped):
    number = child_id(dt.date(2026, 3, 1), "F")
    assert clean(shipped, "birth", {**BIRTH, "id_number": number})["id_number"] == number


def test_the_birth_id_number_is_checked_against_the_date_field(shipped):
    number = child_id(dt.date(2026, 3, 1), "F")
    error = only_error(shipped, "birth", {**BIRTH, "date": "2026-03-02", "id_number": number})
    assert (error.field, error.rule) == ("id_number", "birth_date_disagrees")
    assert error.params == {"id_value": "2026-03-01", "value": "2026-03-02"}
    assert error.message("zh", shipped) == (
        "婴儿身份证号：号码中的出生日期2026-03-01与登记的2026-03-02不符"
    )


def test_the_birth_id_number_is_checked_against_the_childs_sex(shipped):
    number = child_id(dt.date(2026, 3, 1), "F")
    error = only_error(shipped, "birth", {**BIRTH, "sex": "M", "id_number": number})
    assert (error.field, error.rule) == ("id_number", "sex_disagrees")


def test_a_birth_in_the_future_is_refused(shipped):
    error = only_error(shipped, "birth", {**BIRTH, "date": "2026-03-11"})
    assert (error.field, error.rule) == ("date", "future")


def test_a_birth_needs_a_mother(shipped):
    values = {k: v for k, v in BIRTH.items() if k != "mother"}
    error = only_error(shipped, "birth", values)
    assert (error.field, error.rule) == ("mother", "required")


def test_a_person_field_takes_an_object_with_an_id(shipped):
    class Row:
        id = 42

    assert clean(shipped, "birth", {**BIRTH, "mother": Row()})["mother"] == 42


# --- pregnancy outcome and contraception -------------------------------------------------


def test_a_live_birth_outcome_needs_the_childs_name_and_sex(shipped):
    errors = refused(shipped, "pregnancy_outcome", {"date": "2026-03-01", "outcome": "1"})
    assert [(e.field, e.rule) for e in errors] == [
        ("child_name", "required"),
        ("child_sex", "required"),
    ]
    assert errors[0].message("zh", shipped) == "婴儿姓名：必填"


def test_a_live_birth_outcome_with_the_child_is_accepted(shipped):
    values = {"date": "2026-03-01", "outcome": "活产", "child_name": "小明", "child_sex": "m"}
    out = clean(shipped, "pregnancy_outcome", values)
    assert (out["outcome"], out["child_name"], out["child_sex"]) == ("live_birth", "小明", "M")


@pytest.mark.parametrize("outcome", ["stillbirth", "miscarriage", "induced", "other", "3"])
def test_other_outcomes_need_no_child_name(shipped, outcome):
    out = clean(shipped, "pregnancy_outcome", {"date": "2026-03-01", "outcome": outcome})
    assert out["child_name"] is None


def test_a_pregnancy_outcome_needs_its_outcome(shipped):
    error = only_error(shipped, "pregnancy_outcome", {"date": "2026-03-01"})
    assert (error.field, error.rule) == ("outcome", "required")


CONTRACEPTION = {"date": "2026-03-01", "method": "iud"}


@pytest.mark.parametrize("choice", ["yes", "是", "1", "y", "Y", True])
def test_contraception_chosen_by_the_client_is_accepted(shipped, choice):
    out = clean(shipped, "contraception", {**CONTRACEPTION, "informed_choice": choice})
    assert out["informed_choice"] is True


@pytest.mark.parametrize("choice", ["no", "否", "2", "n", False])
def test_contraception_not_chosen_by_the_client_is_refused(shipped, choice):
    error = only_error(shipped, "contraception", {**CONTRACEPTION, "informed_choice": choice})
    assert (error.field, error.rule) == ("informed_choice", "must_be_yes")
    assert error.message("zh", shipped) == "本人知情选择：必须为“是”"


def test_contraception_without_the_informed_choice_is_refused(shipped):
    error = only_error(shipped, "contraception", CONTRACEPTION)
    assert (error.field, error.rule) == ("informed_choice", "required")


def test_an_informed_choice_naming_no_option_lists_yes_and_no(shipped):
    error = only_error(shipped, "contraception", {**CONTRACEPTION, "informed_choice": "maybe"})
    assert error.rule == "not_a_choice"
    assert error.message("en", shipped) == (
        "Chosen by the client (informed choice): choose one of 1 Yes, 2 No"
    )


def test_a_contraceptive_method_is_chosen_by_number(shipped):
    out = clean(shipped, "contraception", {**CONTRACEPTION, "method": "7", "informed_choice": "1"})
    assert out["method"] == "condom"


# --- validate bugs ---------------------------------------------------------------------


def test_the_birth_id_number_fills_a_blank_sex_and_date(shipped):
    number = child_id(dt.date(2026, 3, 1), "F")
    out = clean(shipped, "birth", {"mother": 1, "name": "王小红", "id_number": number})
    assert (out["sex"], out["date"]) == ("F", dt.date(2026, 3, 1))


def test_a_birth_date_filled_from_the_id_number_cannot_be_in_the_future(shipped):
    number = child_id(dt.date(2030, 1, 1), "F")
    assert idcard.is_valid(number)
    error = only_error(shipped, "person", {"name": "张三", "id_number": number})
    assert error.rule == "future"


def test_a_message_fptui_shows_must_be_in_messages_toml(copy):
    path = copy / "messages.toml"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text(
        "\n".join(x for x in lines if not x.startswith("too_long =")) + "\n", encoding="utf-8"
    )
    assert_refusal(load_error(copy), path, "field.too_long", "missing")


def test_a_misspelt_message_placeholder_is_refused(copy):
    path = copy / "messages.toml"
    edit(path, '"{label}：必填"', '"{lable}：必填"')
    assert_refusal(load_error(copy), path, "field.required.zh", "unknown placeholder {lable}")
