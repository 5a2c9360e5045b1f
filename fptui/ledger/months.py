"""Closing a village's month (its figures frozen, after a backup) and reopening it.

A close is refused while the month does not balance, errors are open or a warning is
not acknowledged; the balance and the findings come from `reads/` (period, checks), the
same functions the month end screen and the return show. The warnings acknowledged are
those kept for the month (acknowledgements.py) and any the caller names (`fptui close
--ack`), which the close then keeps too; a reopen removes them (see acknowledgements.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import peewee as pw

from fptui import clock
from fptui.ledger.acknowledgements import (
    acknowledged_keys,
    drop_acknowledged,
    store_acknowledged,
)
from fptui.ledger.changes import (
    audit,
    change,
    current_user,
    dumps,
    settle_findings,
    snapshot,
    write_audits,
)
from fptui.models import Area, FrozenReturn, MonthClose, database
from fptui.schema import Text, current
from fptui.schema.validate import InvalidInput, clean, refuse

MONTH = Text("月份", "Month")


def close_month(
    village: Any,
    month: str,
    acknowledged: set[str] | frozenset[str] = frozenset(),
) -> MonthClose:
    """Close a village's month: refused while it does not balance, errors are open, or a
    warning is not acknowledged (kept acknowledged for the month, or named by
    "code:person" in `acknowledged`, which the close keeps); a backup of the ledger is
    made first; then the month's figures are frozen.
    """
    from fptui.reads import checks

    village_id = int(getattr(village, "id", village))
    _ready_to_close(village_id, month)
    settle_findings()
    row = _close(village_id, month, checks.kept(village_id), acknowledged, True)
    _freeze_whole(month)
    return row


def close_months(
    villages: Iterable[Any],
    month: str,
    acknowledged: set[str] | frozenset[str] = frozenset(),
    *,
    backup: bool = True,
    findings: list | None = None,
) -> list[tuple[int, MonthClose | InvalidInput]]:
    """Close the month in several villages at once, as `close_month` would each: the
    kept findings are read once for all, and one backup is made, before the first close (none with
    `backup=False`: the demo, rebuilt from its seed). `findings`: the checks' findings
    when the caller has just run them in this transaction (the demo). Each village's
    close or refusal."""
    from fptui.reads import checks

    ids = [int(getattr(v, "id", v)) for v in villages]
    if findings is None:
        settle_findings()
        findings = checks.kept(ids[0]) if len(ids) == 1 else checks.kept()
    by_village = checks.by_village(findings, ids)
    out: list[tuple[int, MonthClose | InvalidInput]] = []
    backed_up = not backup
    for village_id in ids:
        try:
            _ready_to_close(village_id, month)
            row = _close(village_id, month, by_village[village_id], acknowledged, not backed_up)
        except InvalidInput as refused:
            out.append((village_id, refused))
            continue
        backed_up = True
        out.append((village_id, row))
    _freeze_whole(month, findings if len(ids) > 1 else None)
    return out


def _ready_to_close(village_id: int, month: str) -> None:
    """Refuse a month already closed or not ended; months close in order, the first
    no earlier than the ledger's first record and each later one the month after the
    last close."""
    from fptui.reads import period
    from fptui.reads.calendar import Period

    if period.closed(village_id, month) is not None:
        raise refuse("month", MONTH, "period", "already_closed", month=month)
    if clock.today() <= Period.month(month).end:
        raise refuse("month", MONTH, "period", "not_ended", month=month)
    done = period.closed_months(village_id)
    if done:
        # months close in order: only the one after the last close
        following = period.add_months(done[-1], 1)
        if month > following:
            raise refuse("month", MONTH, "period", "earlier_open", month=following)
        if month != following:
            raise refuse("month", MONTH, "period", "not_next", month=month, next=following)
        return
    first = period.first_month(village_id)
    if first is not None and month < first:
        raise refuse("month", MONTH, "period", "before_ledger", month=month, first=first)


def _close(
    village_id: int,
    month: str,
    findings: list,
    acknowledged: set[str] | frozenset[str],
    backup: bool,
) -> MonthClose:
    """Refuse an imbalance, open errors or warnings not acknowledged; else back up (when
    `backup`) and freeze the month's figures."""
    from fptui.reads import period

    b = period.balance(village_id, month, findings)
    if b.difference:
        raise refuse(
            "month",
            MONTH,
            "period",
            "not_balanced",
            month=month,
            end=b.end,
            expected=b.expected,
            diff=b.difference,
        )
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        raise refuse("month", MONTH, "period", "errors_open", count=len(errors))
    warnings = {f.key for f in findings if f.severity == "warning"}
    kept = set(acknowledged_keys(village_id, month))
    open_warnings = warnings - kept - set(acknowledged)
    if open_warnings:
        raise refuse("month", MONTH, "period", "warnings_open", count=len(open_warnings))
    path = getattr(database.obj, "database", None)
    if backup and isinstance(database.obj, pw.SqliteDatabase) and path and path != ":memory:":
        from fptui import backup as backups

        backups.backup(path)
    with change():
        row = MonthClose.create(
            village=village_id,
            month=month,
            closed_at=clock.now(),
            closed_by=current_user(),
            # the warnings the meeting accepted are kept with what it closed
            figures=dumps({**period.figures(b), "acknowledged": sorted(warnings)}),
        )
        audit("close_month", row, None)
        # those named by the caller are kept with the others, by who closed, now
        store_acknowledged(village_id, month, warnings & set(acknowledged))
        _freeze(village_id, month, findings)
    return row


def _freeze(area: int | None, month: str, findings: list | None) -> None:
    """Keep the month's whole return as it stands (reads/returns.py): a closed month then
    exports the same figures, whatever is entered later. Its audit row names it, without
    the tables themselves (they are the FrozenReturn row)."""
    from fptui.reads import returns

    row = FrozenReturn.create(
        area=area, month=month, made_at=clock.now(), tables=returns.snapshot(month, area, findings)
    )
    write_audits([("freeze_return", "frozen_return", row.id, None, _frozen_record(row))])


def _frozen_record(row: FrozenReturn) -> dict[str, Any]:
    return {"id": row.id, "area": row.area_id, "month": row.month, "made_at": row.made_at}


def _freeze_whole(month: str, findings: list | None = None) -> None:
    """Once every village has closed `month`, keep the whole ledger's return of it too."""
    villages = Area.select().where(Area.kind == "village").count()
    closed = MonthClose.select().where(MonthClose.month == month).count()
    kept = FrozenReturn.select().where(FrozenReturn.area.is_null() & (FrozenReturn.month == month))
    if villages == 0 or closed < villages or kept.exists():
        return
    if findings is None:
        from fptui.reads import checks

        settle_findings()
        findings = checks.kept()
    with change():
        _freeze(None, month, findings)


def reopen_month(village: Any, month: str, reason: str) -> None:
    """Reopen the village's latest closed month, with the reason (audited); its frozen
    figures and its acknowledged warnings are dropped (they are acknowledged again
    before the next close). An earlier month stays closed: later closes counted from it."""
    from fptui.reads import period

    village_id = int(getattr(village, "id", village))
    reason = clean(current().forms["month_reopen"], {"reason": reason})["reason"]
    with change():
        row = period.closed(village_id, month)
        if row is None:
            raise refuse("month", MONTH, "period", "not_closed", month=month)
        last = period.closed_months(village_id)[-1]
        if month != last:  # a later close was counted from this one's figures
            raise refuse("month", MONTH, "period", "not_latest", month=month, last=last)
        before = {**snapshot(row), "reason": reason}
        row.delete_instance()
        records = [("reopen_month", "month_close", row.id, before, {"reason": reason})]
        # the return kept at the close goes, and the whole ledger's with it
        for kept in FrozenReturn.select().where(
            (FrozenReturn.month == month)
            & ((FrozenReturn.area == village_id) | FrozenReturn.area.is_null())
        ):
            kept.delete_instance()
            records.append(
                (
                    "reopen_month",
                    "frozen_return",
                    kept.id,
                    _frozen_record(kept),
                    {"reason": reason},
                )
            )
        write_audits(records)
        drop_acknowledged(village_id, month, reason)
