"""Closing a village's month (its figures frozen, after a backup) and reopening it.

A close is refused while the month does not balance, errors are open or a warning is
not acknowledged; the balance and the findings come from `reads/` (period, checks), the
same functions the month end screen and the return show.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import peewee as pw

from fptui import clock
from fptui.ledger.changes import audit, change, current_user, dumps, snapshot, write_audits
from fptui.models import (
    MonthClose,
    database,
)
from fptui.schema import Text, current
from fptui.schema.validate import InvalidInput, clean, refuse

MONTH = Text("月份", "Month")


def close_month(
    village: Any,
    month: str,
    acknowledged: set[str] | frozenset[str] = frozenset(),
) -> MonthClose:
    """Close a village's month: refused while it does not balance, errors are open, or a
    warning is not acknowledged (by "code:person" in `acknowledged`); a backup of the
    ledger is made first; then the month's figures are frozen.
    """
    from fptui.reads import checks

    village_id = int(getattr(village, "id", village))
    _ready_to_close(village_id, month)
    return _close(village_id, month, checks.run(village=village_id), acknowledged, True)


def close_months(
    villages: Iterable[Any],
    month: str,
    acknowledged: set[str] | frozenset[str] = frozenset(),
    *,
    backup: bool = True,
    findings: list | None = None,
) -> list[tuple[int, MonthClose | InvalidInput]]:
    """Close the month in several villages at once, as `close_month` would each: the
    checks run once over all, and one backup is made, before the first close (none with
    `backup=False`: the demo, rebuilt from its seed). `findings`: the checks' findings
    when the caller has just run them in this transaction (the demo). Each village's
    close or refusal."""
    from fptui.reads import checks

    ids = [int(getattr(v, "id", v)) for v in villages]
    if findings is None:
        findings = checks.run(village=ids[0]) if len(ids) == 1 else checks.run()
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
    open_warnings = warnings - set(acknowledged)
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
    return row


def reopen_month(village: Any, month: str, reason: str) -> None:
    """Reopen the village's latest closed month, with the reason (audited); its frozen
    figures are dropped. An earlier month stays closed: later closes counted from it."""
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
        write_audits([("reopen_month", "month_close", row.id, before, {"reason": reason})])
