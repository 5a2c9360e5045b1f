"""The logic checks' findings kept in the ledger (models.Finding), in the transaction of
the change that causes or clears them.

`keep` runs when the outermost change has done its work, before it commits
(changes.py), over the households it touched and those whose findings a change there
moves: a child's home when a mother or father changes (birth order, mother's age,
birth before marriage), every other holder of an ID number one of them holds (a
duplicate), the homes of their events and follow-ups. A finding some kept row names
for a duplicate that no longer exists is cleared too. Many households at once (an
import, the demo) are checked village by village, or the whole ledger in one run.

The checks whose findings change with the day (reads/checks.py, `dated`) are not kept:
they run when findings are read. `check_full` runs every check over the ledger and puts
the table right: what `fptui check --full` does, one change audited as one action.
"""

from __future__ import annotations

from typing import Any

import peewee as pw

from fptui.ledger.changes import after_change, change, pending, write_audits
from fptui.models import Area, Event, FollowUp, Household, Person
from fptui.models import Finding as Kept
from fptui.reads import checks

# More households than this in one change (an import, the demo): checked by village.
MANY = 200


def _ids(households: set[int]) -> list[list[int]]:
    ids = sorted(households)
    return [ids[i : i + 500] for i in range(0, len(ids), 500)]


def _widened(households: set[int]) -> set[int]:
    """The households and those whose findings a change in them may move."""
    out = set(households)
    for part in _ids(households):
        people = Person.select(Person.id).where(Person.household.in_(part))
        mothers = Person.select(Person.mother).where(
            Person.household.in_(part) & Person.mother.is_null(False)
        )
        numbers = Person.select(Person.id_number).where(
            Person.household.in_(part) & Person.id_number.is_null(False)
        )
        for query in (
            Person.select(Person.household).where(
                Person.mother.in_(people) | Person.father.in_(people) | Person.mother.in_(mothers)
            ),
            Person.select(Person.household).where(Person.id_number.in_(numbers)),
            Event.select(Event.household).where(Event.person.in_(people)),
            FollowUp.select(FollowUp.household).where(FollowUp.person.in_(people)),
        ):
            out |= {h for (h,) in query.distinct().tuples()}
    return out


def _villages_of(households: set[int]) -> set[int]:
    out: set[int] = set()
    for part in _ids(households):
        out |= {
            v
            for (v,) in Household.select(Household.village_id)
            .where(Household.id.in_(part))
            .distinct()
            .tuples()
        }
    return out


def _homes_of_villages(villages: set[int]) -> set[int]:
    if not villages:
        return set()
    return {
        h
        for (h,) in Household.select(Household.id)
        .where(Household.village.in_(sorted(villages)))
        .tuples()
    }


def _unique(found: list[checks.Finding]) -> list[checks.Finding]:
    seen: set[tuple] = set()
    out = []
    for f in found:
        mark = (f.code, f.person, f.household, f.event, f.message.zh)
        if mark not in seen:
            seen.add(mark)
            out.append(f)
    return out


def _replace(households: set[int], villages: set[int]) -> None:
    """Check these households and every household of these villages again, and replace
    their kept findings by what the checks find now."""
    found: list[checks.Finding] = []
    for village in sorted(villages):
        found += checks.run(village=village, dated=False)
    if households:
        found += checks.run(households=households, dated=False)
    covered = set(households) | _homes_of_villages(villages)
    # a finding filed under a home outside (another holder of a shared ID number): that
    # home is checked whole, so its other findings stay
    extra = {f.household for f in found if f.household is not None} - covered
    while extra:
        covered |= extra
        households = households | extra
        found += checks.run(households=extra, dated=False)
        extra = {f.household for f in found if f.household is not None} - covered
    found = [f for f in _unique(found) if f.household in covered]
    for part in _ids(households):
        Kept.delete().where(Kept.household.in_(part)).execute()
    if villages:
        Kept.delete().where(Kept.village.in_(sorted(villages))).execute()
    _insert(checks.rows(found))
    _stale_duplicates(covered)


def _stale_duplicates(covered: set[int]) -> None:
    """A duplicate kept under another home whose other holder was in the change (now
    another number, or voided): that home's ID duplicates are checked again."""
    homes = {
        h
        for (h,) in Kept.select(Kept.household)
        .where(Kept.code == "id_duplicate")
        .distinct()
        .tuples()
        if h is not None
    } - covered
    if not homes:
        return
    found = [
        f
        for f in checks.run(households=homes, only=["id_duplicate"], dated=False)
        if f.household in homes
    ]
    for part in _ids(homes):
        Kept.delete().where((Kept.code == "id_duplicate") & Kept.household.in_(part)).execute()
    _insert(checks.rows(_unique(found)))


def _insert(rows: list[dict[str, Any]]) -> None:
    for i in range(0, len(rows), 100):
        Kept.insert_many(rows[i : i + 100]).execute()


def _everything() -> list[checks.Finding]:
    return _unique(checks.run(dated=False))


# Named among the households touched: the whole ledger is checked again.
EVERYTHING = -1


def recheck_everything() -> None:
    """The ledger was written past the write path (the demo's planted faults, an old
    system's import): keep the findings of the whole ledger again, at the end of the
    batch under way (once, however many changes it holds), else now."""
    batch = pending()
    if batch is not None:
        batch.add(EVERYTHING)
    else:
        with change():
            keep({EVERYTHING})


@after_change
def keep(touched: set[int | None]) -> None:
    """Keep the findings of the households a change touched (and those it may move)."""
    households = {h for h in touched if h is not None}
    if EVERYTHING in households:
        Kept.delete().execute()
        _insert(checks.rows(_everything()))
        return
    if not households:
        return
    if len(households) <= MANY:
        _replace(_widened(households), set())
        return
    villages = _villages_of(households)
    every = {v for (v,) in Area.select(Area.id).where(Area.kind == "village").tuples()}
    if villages >= every:  # the whole ledger: one run, the table written anew
        Kept.delete().execute()
        _insert(checks.rows(_everything()))
        return
    # households elsewhere whose findings move, and those no longer there (voided, in
    # no village): by id
    _replace(_widened(households) - _homes_of_villages(villages), villages)


_COLUMNS = ("code", "severity", "village", "household", "person", "event", "values")


def _marks(rows: list[dict[str, Any]]) -> list[tuple]:
    return [tuple(r[c] for c in _COLUMNS) for r in rows]


def check_full() -> tuple[int, int]:
    """Run every check over the ledger and put the kept findings right: (rows added,
    rows removed). One change, audited as one action with the two counts."""
    with change():
        want = checks.rows(_everything())
        have = list(
            Kept.select(
                Kept.id,
                Kept.code,
                Kept.severity,
                Kept.village,
                Kept.household,
                Kept.person,
                Kept.event,
                Kept.values,
            ).dicts()
        )
        wanted: dict[tuple, list[dict[str, Any]]] = {}
        for row, mark in zip(want, _marks(want), strict=True):
            wanted.setdefault(mark, []).append(row)
        removed = []
        for row, mark in zip(have, _marks(have), strict=True):
            left = wanted.get(mark)
            if left:
                left.pop()
            else:
                removed.append(row["id"])
        added = [row for rows in wanted.values() for row in rows]
        for i in range(0, len(removed), 500):
            Kept.delete().where(Kept.id.in_(removed[i : i + 500])).execute()
        _insert(added)
        write_audits(
            [
                (
                    "check_full",
                    "finding",
                    0,
                    None,
                    {"added": len(added), "removed": len(removed), "kept": len(want)},
                )
            ]
        )
    return len(added), len(removed)


def count() -> int:
    """How many findings the ledger keeps."""
    return Kept.select(pw.fn.COUNT(Kept.id)).scalar() or 0
