"""The live score of a whole ledger kept village by village (score_panel.LiveScore): after
each kind of save it equals the score counted afresh, and only the villages the save
touched are counted again (issue 15: a save costs a village's work, not the county's)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fptui import clock, db, demo, ledger
from fptui.models import Area, FollowUp, Household, MonthClose, Person
from fptui.reads import score
from fptui.reads.calendar import Period
from fptui.schema.validate import InvalidInput
from fptui.tui.widgets.score_panel import LiveScore

TODAY = dt.date(2026, 11, 23)
DAY = "2026-11-23"


def figures(result: score.Score) -> dict[str, tuple]:
    """Each indicator's counts, cases (as a set: the order is village by village) and
    points lost."""
    return {
        i.key: (
            i.figure.numerator,
            i.figure.denominator,
            i.figure.yes,
            sorted((c.text.zh, c.household, c.person) for c in i.figure.cases),
            i.lost,
        )
        for i in result.indicators
    } | {"total": result.total, "vetoed": tuple(result.vetoed)}


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("live") / "demo.db"
    demo.build(path, persons=900, seed=7, today=TODAY)
    db.close_database()
    return path


@pytest.fixture
def township(demo_path, tmp_path):
    path = tmp_path / "demo.db"
    path.write_bytes(demo_path.read_bytes())
    db.open_database(path)
    ledger.set_user("tester")
    ledger.take_touched(), ledger.take_touched_villages()
    with clock.frozen(TODAY):
        yield path
    ledger.set_user("")
    db.close_database()


def villages() -> list[int]:
    return [v for (v,) in Area.select(Area.id).where(Area.kind == "village").tuples()]


def test_the_township_is_the_sum_of_its_villages(township):
    period = Period.month("2026-11")
    whole = score.score(period)
    assert len(villages()) >= 2
    parts = {
        key: {v: score.figures(period, v)[key][v] for v in villages()}
        for key in score.indicators_of().indicators
    }
    assert figures(score.judged(period, None, parts)) == figures(whole)
    # and one village alone is its own part
    v = villages()[1]
    assert figures(score.score(period, v)) == figures(
        score.judged(period, v, {k: {v: p[v]} for k, p in parts.items()})
    )


def test_after_every_kind_of_save_the_live_score_is_counted_afresh(township, monkeypatch):
    live = LiveScore()
    live.load(None)
    period = Period.month("2026-11")
    assert figures(live.result) == figures(score.score(period))
    counted: list[int | None] = []
    real = score.figures

    def spy(period, village=None, *args, **kwargs):
        counted.append(village)
        return real(period, village, *args, **kwargs)

    monkeypatch.setattr(score, "figures", spy)
    first, second = villages()[:2]

    def step(name: str, write, recounted: set[int]) -> None:
        counted.clear()
        write()
        live.refresh(ledger.take_touched(), ledger.take_touched_villages())
        assert figures(live.result) == figures(score.score(period)), name
        assert set(counted) - {None} == recounted, name
        assert counted.count(None) == 1, name  # only the fresh count above: the township's

    home = Household.select().where(Household.village == first).order_by(Household.id).first()
    person = Person.select().where(Person.household == home.id).first()
    step("edit_person", lambda: ledger.edit_person(person.id, {"phone": "13900000001"}), {first})
    mother = (
        Person.select()
        .join(Household, on=(Person.household == Household.id))
        .where(
            (Household.village == second)
            & (Person.sex == "F")
            & (Person.residence == "here")
            & (Person.marital_status == "first")
            & Person.birth_date.between(dt.date(1990, 1, 1), dt.date(2004, 1, 1))
        )
        .first()
    )
    step(
        "record_birth",
        lambda: ledger.record_birth(
            {"mother": mother.id, "name": "钱小", "sex": "M", "date": DAY}
        ),
        {second},
    )
    visit = (
        FollowUp.select()
        .join(Household, on=(FollowUp.household == Household.id))
        .where((FollowUp.status == "open") & (Household.village == first))
        .first()
    )
    step(
        "mark_followup_done",
        lambda: ledger.mark_followup_done(visit.id, {"date": DAY, "outcome": "phone"}),
        {first},
    )
    closed = (
        MonthClose.select().where(MonthClose.village == second).order_by(MonthClose.month.desc())
    ).first()
    step(
        "reopen_month",
        lambda: ledger.reopen_month(second, closed.month, "补录出生"),
        {second},
    )
    # a household moved to another village: both villages are counted again
    step(
        "edit_household: another village",
        lambda: ledger.edit_household(
            home.id, {"village": second, "group": None, "number": "9901"}
        ),
        {first, second},
    )


def test_a_new_day_counts_everything_again(township):
    live = LiveScore()
    live.load(None)
    person = Person.select().where(Person.residence == "here").first()
    with clock.frozen(TODAY + dt.timedelta(days=9)):  # into December: a new month too
        ledger.edit_person(person.id, {"phone": "13900000002"})
        result = live.refresh(ledger.take_touched(), ledger.take_touched_villages())
        assert result.period.key == "2026-12"
        assert figures(result) == figures(score.score(Period.month("2026-12")))


def test_a_village_score_counts_only_its_village(township):
    first, second = villages()[:2]
    live = LiveScore()
    live.load(first)
    period = Period.month("2026-11")
    home = Household.select().where(Household.village == second).first()
    person = Person.select().where(Person.household == home.id).first()
    ledger.edit_person(person.id, {"phone": "13900000003"})
    live.refresh(ledger.take_touched(), ledger.take_touched_villages())
    assert figures(live.result) == figures(score.score(period, first))
    assert list(live.caches) == [first]


def test_a_household_moved_where_its_number_is_taken_is_refused_by_name(township):
    first, second = villages()[:2]
    home = Household.select().where(Household.village == first).order_by(Household.id).first()
    taken = Household.select().where(
        (Household.village == second) & (Household.number == home.number)
    )
    assert taken.exists()  # the demo numbers every village's households from 0001
    with pytest.raises(InvalidInput) as refused:
        ledger.edit_household(home.id, {"village": second, "group": None})
    assert refused.value.fields == ["number"]
    assert "户号" in str(refused.value.text("zh"))
    assert Household.get_by_id(home.id).village_id == first  # nothing written
