"""The logic check `duplicate_event`: vital events already in a ledger twice (two saves
that raced before saves waited for each other, an import run twice, a double entry)."""

from __future__ import annotations

from fptui import ledger
from fptui.models import Event
from fptui.reads import checks

SERVICE = {"date": "2026-03-01", "method": "iud", "informed_choice": "1"}


def found() -> list[checks.Finding]:
    return [f for f in checks.run() if f.code == "duplicate_event"]


def copy_of(event: Event, **changes) -> int:
    """The event stored a second time, as a race or an import left it."""
    row = {f.name: getattr(event, f.name) for f in Event._meta.sorted_fields if f.name != "id"}
    return Event.insert(**{**row, **changes}).execute()


def test_two_deaths_of_one_person(family):
    """Checked before the check existed: no finding."""
    husband, home = family["husband"].id, family["household"].id
    death = ledger.record_death(husband, {"date": "2026-03-01"})
    assert found() == []
    second = copy_of(death, happened_on=death.happened_on.replace(day=2))
    (f,) = found()
    assert (f.severity, f.household, f.person, f.event) == ("error", home, husband, second)
    assert f.text("zh") == "王强：有2条死亡登记（2026-03-01、2026-03-02），应只有一条"
    assert f.text("en") == "王强: 2 Death records (2026-03-01, 2026-03-02); there should be one"
    Event.delete().where(Event.id == second).execute()  # the duplicate taken out
    assert found() == []


def test_two_births_of_one_child_record(family):
    wife = family["wife"].id
    birth = ledger.record_birth({"mother": wife, "name": "王小", "sex": "M", "date": "2026-03-01"})
    copy_of(birth)
    (f,) = found()
    assert f.person == birth.person_id and "有2条出生登记" in f.text("zh")


def test_one_child_entered_as_two_children_of_one_name_and_day(family):
    wife = family["wife"].id
    first = {"mother": wife, "name": "王小", "sex": "M", "date": "2026-03-01"}
    ledger.record_birth(first)
    twin = ledger.record_birth({**first, "name": "王二"})  # twins: two names
    assert found() == []
    again = ledger.record_birth(first)
    (f,) = found()
    assert (f.person, f.event) == (again.person_id, again.id)
    assert f.text("zh") == "王小：有2条出生登记（2026-03-01、2026-03-01），应只有一条"
    ledger.void_event(again.id, "重复录入")
    assert found() == [] and Event.get_by_id(twin.id)


def test_the_same_service_entered_twice_the_same_day(family):
    wife = family["wife"].id
    ledger.record_contraception(wife, SERVICE)
    ledger.record_contraception(wife, {**SERVICE, "date": "2026-03-02"})  # another visit
    assert found() == []
    again = ledger.record_contraception(wife, SERVICE)
    (f,) = found()
    assert f.event == again.id and "有2条避孕服务" in f.text("zh")
    ledger.void_event(again.id, "重复录入")
    assert found() == []


def test_a_village_or_touched_households_see_only_their_own(family, ledger_db):
    death = ledger.record_death(family["husband"].id, {"date": "2026-03-01"})
    copy_of(death)
    home = family["household"].id
    assert [f.household for f in checks.run(households={home})] == [home]
    assert [f.code for f in checks.run(village=ledger_db.other_village.id)] == []
