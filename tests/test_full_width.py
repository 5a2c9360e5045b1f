"""Full-width input (an input method left in full-width mode) is the same as ASCII: in
every field and in search (NFKC), where IDs and dates already took it."""

from __future__ import annotations

from decimal import Decimal

from fptui import ledger, schema
from fptui.models import Household, Person
from fptui.reads.queries import HouseholdFilter, household_ids
from fptui.schema import validate


def test_a_household_number_and_phone_typed_full_width_are_saved_as_digits(ledger_db):
    forms = schema.current().forms
    data = validate.clean(
        forms["household"],
        {"village": ledger_db.village.id, "number": "００９", "phone": "１３９０００００００１"},
    )
    assert (data["number"], data["phone"]) == ("009", "13900000001")
    household = ledger.add_household(
        {"village": ledger_db.village.id, "number": "００９", "phone": "１３９０００００００１"}
    )
    row = Household.get_by_id(household.id)
    assert (row.number, row.phone) == ("009", "13900000001")


def test_a_decimal_and_a_choice_typed_full_width_are_understood(family):
    forms = schema.current().forms
    benefit = validate.clean(
        forms["benefit"],
        {"date": "2026-03-01", "scheme": "reward", "year": "２０２６", "amount": "１２．５"},
    )
    assert (benefit["year"], benefit["amount"]) == (2026, Decimal("12.5"))
    person = ledger.add_person(
        family["household"], {"name": "王小", "sex": "Ｆ", "birth_date": "２０２０－０１－０２"}
    )
    assert Person.get_by_id(person.id).sex == "F"


def test_search_finds_a_household_by_digits_and_letters_typed_full_width(family):
    assert household_ids(HouseholdFilter(query="０００１")) == [family["household"].id]
    assert household_ids(HouseholdFilter(query="ｗｑ")) == household_ids(
        HouseholdFilter(query="wq")
    )
