"""Report tables: the population change of a month, counted independently here."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from fptui import clock, ledger
from fptui.models import Person
from fptui.reads import tables

D = dt.date


@pytest.fixture
def month_of_march(family, ledger_db):
    """The family (2 registered) plus a month of events in March 2026."""
    h = family["household"].id
    with clock.frozen(D(2026, 1, 15)):
        ledger.record_birth(
            {"mother": family["wife"].id, "name": "王一", "sex": "F", "date": "2026-01-10"}
        )
    with clock.frozen(D(2026, 3, 31)):
        ledger.record_birth(
            {"mother": family["wife"].id, "name": "王二", "sex": "M", "date": "2026-03-02"}
        )
        ledger.record_move_in(
            h,
            {
                "date": "2026-03-05",
                "from_place": "太原",
                "name": "周敏",
                "sex": "F",
                "birth_date": "1990-01-01",
            },
        )
        ledger.record_go_out(
            family["husband"].id, {"date": "2026-03-06", "destination": "北京", "contact": "微信"}
        )
        grandma = ledger.add_person(h, {"name": "赵奶奶", "sex": "F", "birth_date": "1940-01-01"})
        ledger.record_death(grandma.id, {"date": "2026-03-20"})
        migrants = ledger.add_household(
            {"village": ledger_db.village.id, "number": "0100", "registration": "migrant"}
        )
        ledger.register_migrant(
            migrants,
            {
                "date": "2026-03-08",
                "origin": "内蒙古",
                "name": "孟和",
                "sex": "M",
                "birth_date": "1991-01-01",
            },
        )
    with clock.frozen(D(2026, 4, 5)):
        ledger.record_move_out(family["wife"].id, {"date": "2026-04-02", "to_place": "北京"})
    return family


def test_the_months_flows_and_populations(month_of_march, ledger_db):
    (row,) = tables.population_change("2026-03", ledger_db.village.id)
    f = row.flows
    assert (f.births, f.births_male, f.births_female) == (1, 1, 0)
    assert f.births_by_order == {"1": 0, "2": 1, "3+": 0}
    assert (f.deaths, f.deaths_female, f.moved_in, f.moved_away) == (1, 1, 1, 0)
    # 1 March: husband, wife, 王一 and 赵奶奶 (added to the ledger without an event)
    assert row.start == 4
    # 31 March: + 王二 + 周敏 - 赵奶奶; the wife moved away only in April; the migrant is
    # not registered; going out does not leave the registered population
    assert row.end == 5
    assert row.balance == 0


def test_april_starts_where_march_ended_and_counts_the_move_away(month_of_march, ledger_db):
    (april,) = tables.population_change("2026-04", ledger_db.village.id)
    assert (april.start, april.flows.moved_away, april.end) == (5, 1, 4)
    assert (
        april.end
        == Person.select()
        .where(Person.residence.in_(("here", "out")), Person.name != "孟和")
        .count()
    )


def test_year_to_date_rates_per_mille_and_the_sex_ratio(month_of_march, ledger_db):
    (row,) = tables.population_change("2026-03", ledger_db.village.id)
    # births since 1 January: 王一 (F) and 王二 (M); on 31 December: husband, wife and
    # 赵奶奶 (3); on 31 March: 5; the average population is 4
    assert (row.ytd.births, row.ytd_start) == (2, 3)
    assert row.birth_rate == pytest.approx(2 * 1000 / 4)
    assert row.death_rate == pytest.approx(1 * 1000 / 4)
    assert row.natural_growth_rate == pytest.approx(1000 / 4)
    assert row.sex_ratio_at_birth == pytest.approx(100.0)


def _domain(tmp_path, **stats: str) -> None:
    """Use a copy of the schemas whose statistics section says `stats`."""
    import shutil

    from fptui import schema

    copy = tmp_path / "schemas"
    shutil.copytree(schema.DEFAULT_DIR, copy)
    path = copy / "domain.toml"
    text = path.read_text(encoding="utf-8")
    for key, value in stats.items():
        text = re.sub(rf"^{key} = .*$", f"{key} = {value}", text, flags=re.M)
    path.write_text(text, encoding="utf-8")
    schema.use(schema.load(copy))


def test_rates_divide_by_the_end_population_when_the_township_says_so(
    month_of_march, ledger_db, tmp_path
):
    from fptui import schema

    _domain(tmp_path, rate_denominator='"end"')
    try:
        (row,) = tables.population_change("2026-03", ledger_db.village.id)
        # by hand: births 2, deaths 1 since 1 January; 5 on 31 March
        assert row.birth_rate == pytest.approx(2 * 1000 / 5)
        assert row.death_rate == pytest.approx(1 * 1000 / 5)
        assert row.natural_growth_rate == pytest.approx(1000 / 5)
    finally:
        schema.use(None)


def test_a_part_year_rate_is_annualised_when_the_township_says_so(
    month_of_march, ledger_db, tmp_path
):
    from fptui import schema

    _domain(tmp_path, annualise_part_year="true")
    try:
        (row,) = tables.population_change("2026-03", ledger_db.village.id)
        # by hand: 1 January to 31 March is 90 days of 365; the average population is 4
        assert row.birth_rate == pytest.approx(2 * 1000 / 4 * 365 / 90)
        assert row.death_rate == pytest.approx(1 * 1000 / 4 * 365 / 90)
    finally:
        schema.use(None)


def test_a_rate_denominator_the_loader_does_not_know_is_refused(tmp_path):
    from fptui import schema
    from fptui.schema import SchemaError

    with pytest.raises(SchemaError) as caught:
        _domain(tmp_path, rate_denominator='"median"')
    assert caught.value.key == "statistics.rate_denominator"
    assert "average, end" in str(caught.value)
    schema.use(None)


def test_zero_denominators_give_no_rate():
    assert tables.per_mille(0, 0, 0) is None
    assert tables.sex_ratio(3, 0) is None
    assert tables.sex_ratio(106, 100) == pytest.approx(106.0)


def test_a_township_has_a_row_per_village_and_a_total(month_of_march, ledger_db):
    rows = tables.population_change("2026-03")
    assert [r.unit for r in rows] == ["王家庄村", "东营村", "合计"]
    assert rows[-1].end == rows[0].end + rows[1].end
    assert rows[-1].flows.births == sum(r.flows.births for r in rows[:-1])


def test_the_registers_name_each_birth_death_and_move_with_ids_masked(month_of_march):
    (birth,) = tables.births_register("2026-03")
    assert (birth["name"], birth["sex"], birth["birth_order"], birth["mother"]) == (
        "王二",
        "M",
        2,
        "李秀英",
    )
    assert birth["household"] == "0001" and birth["village"] == "王家庄村"
    (death,) = tables.deaths_register("2026-03")
    assert (death["name"], death["age"], death["date"]) == ("赵奶奶", 86, D(2026, 3, 20))
    moves = [(r["kind"], r["name"], r["place"]) for r in tables.migration_register("2026-03")]
    assert moves == [
        ("move_in", "周敏", "太原"),
        ("go_out", "王强", "北京"),
        ("migrant_in", "孟和", "内蒙古"),
    ]
    husband = month_of_march["husband"]
    assert all(
        "*" in r["id_masked"] or not r["id_masked"] for r in tables.migration_register("2026-03")
    )
    assert husband.id_number not in str(tables.migration_register("2026-03"))


def test_women_of_reproductive_age_by_children_and_method(family, ledger_db):
    with clock.frozen(D(2026, 3, 31)):
        for name, day in (("王一", "2020-01-10"), ("王二", "2024-03-02")):
            ledger.record_birth(
                {"mother": family["wife"].id, "name": name, "sex": "F", "date": day}
            )
        ledger.record_contraception(
            family["wife"].id, {"date": "2026-03-25", "method": "iud", "informed_choice": "是"}
        )
        ledger.add_person(
            family["household"], {"name": "周敏", "sex": "F", "birth_date": "1990-01-01"}
        )
        ledger.add_person(
            family["household"], {"name": "赵奶奶", "sex": "F", "birth_date": "1940-01-01"}
        )
    (row, _other, _total) = tables.women_of_reproductive_age("2026-03")
    # the wife (married, two children) and 周敏 (36, never married); not the grandmother
    assert (row.women, row.married) == (2, 1)
    assert row.by_children == {"0": 0, "1": 0, "2": 1, "3+": 0}
    assert row.by_method == {"iud": 1} and row.prevalence == pytest.approx(100.0)


def test_follow_up_work_per_kind(month_of_march):
    rows = {r.kind: r for r in tables.followup_work("2026-03")}
    # 王二's visit, due 9 March, never done; the mother moved away in April, which
    # cancelled it (figures are as the ledger stands: closing a month freezes them)
    visit = rows["postpartum_visit"]
    assert (visit.due, visit.on_time, visit.overdue, visit.cancelled) == (1, 0, 0, 1)
    assert visit.on_time_rate is None
    assert rows["special_family_contact"].on_time_rate is None  # none due: "-"


def test_benefit_rosters_count_recipients_new_and_ended(month_of_march):
    with clock.frozen(D(2026, 3, 31)):
        ledger.confirm_benefit(
            month_of_march["husband"].id,
            {"date": "2026-03-10", "scheme": "reward", "year": "2026", "amount": "960"},
        )
    reward, special = tables.benefit_rosters("2026-03")
    assert (reward.recipients, reward.new, reward.ended) == (1, 1, 0)
    assert (special.recipients, special.new) == (0, 0)


def test_the_score_sheet_is_the_panels_computation(family):
    from fptui.reads import score

    rows = tables.score_sheet("2026-03")
    result = score.score(score.Period.month("2026-03"))
    assert [r["key"] for r in rows[:-1]] == [i.key for i in result.indicators]
    assert rows[-1]["earned"] == pytest.approx(result.total)
    assert sum(r["earned"] for r in rows[:-1]) == pytest.approx(rows[-1]["earned"])
