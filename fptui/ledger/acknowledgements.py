"""Warnings acknowledged at a village's month end, kept with who and when.

A warning (a logic check of severity "warning", named by `reconcile.warning_key`) does
not stop a month's close once the meeting has looked at it and accepted it. Each
acknowledgement is a row (village, month, warning, who, when), written by one change with
its audit record; acknowledging it again, or withdrawing it, removes the row, audited too.
The month-end screen shows them with who and when, and `close_month` counts them (with
any passed to it, as `fptui close --ack` does, which are then stored by the close).

Until the month closes they can be given and withdrawn; a closed month's are refused,
as its figures are frozen. At the close they stay as rows: the close froze their keys
in its figures (`acknowledged`) and the rows keep who accepted each and when.

A reopen removes the month's acknowledgements, in the reopen's own change (audited with
its reason): a month is reopened to correct it, and what the meeting accepted before the
correction is looked at again before the next close, never revived silently.

A warning that no longer exists (the record behind it corrected) is simply not shown and
not counted: only the month's current warnings are looked up among these rows.
"""

from __future__ import annotations

from typing import Any

from fptui import clock
from fptui.ledger.changes import change, current_user, snapshot, write_audits
from fptui.models import Acknowledgement, Area
from fptui.schema import Text
from fptui.schema.validate import refuse

WARNING = Text("警告", "Warning")
VILLAGE = Text("村", "Village")
_MONTH = Text("月份", "Month")


def _checked(village: Any, month: str, warning: str) -> tuple[int, str, str]:
    """The village's id, the month (YYYY-MM) and the warning's key, or a refusal naming
    the field: a village that is not one, a closed month, a key that is not a warning's."""
    from fptui.reads import period
    from fptui.reads.calendar import Period

    village_id = int(getattr(village, "id", village))
    if not Area.select().where((Area.id == village_id) & (Area.kind == "village")).exists():
        raise refuse("village", VILLAGE, "ledger", "not_a_village")
    try:
        month = Period.month(month).key
    except (AttributeError, TypeError, ValueError):
        raise refuse("month", _MONTH, "ledger", "not_found") from None
    warning = (warning or "").strip()
    if not warning or len(warning) > Acknowledgement.warning.max_length:
        raise refuse("warning", WARNING, "ledger", "not_found")
    if period.closed(village_id, month) is not None:
        raise refuse("month", _MONTH, "period", "already_closed", month=month)
    return village_id, month, warning


def _row(village_id: int, month: str, warning: str) -> Acknowledgement | None:
    return Acknowledgement.get_or_none(
        (Acknowledgement.village == village_id)
        & (Acknowledgement.month == month)
        & (Acknowledgement.warning == warning)
    )


def acknowledge_warning(village: Any, month: str, warning: str) -> Acknowledgement:
    """Keep the warning acknowledged for the village's month, by the current user, now.
    Already acknowledged (by another cadre, a moment ago): that acknowledgement stands."""
    with change():
        village_id, month, warning = _checked(village, month, warning)
        row = _row(village_id, month, warning)
        if row is not None:
            return row
        row = Acknowledgement.create(
            village=village_id,
            month=month,
            warning=warning,
            acknowledged_by=current_user(),
            acknowledged_at=clock.now(),
        )
        write_audits([("acknowledge_warning", "acknowledgement", row.id, None, snapshot(row))])
    return row


def withdraw_acknowledgement(village: Any, month: str, warning: str) -> bool:
    """Withdraw the warning's acknowledgement (audited, with who and when it was given);
    False when it was not acknowledged."""
    with change():
        village_id, month, warning = _checked(village, month, warning)
        row = _row(village_id, month, warning)
        if row is None:
            return False
        before = snapshot(row)
        row.delete_instance()
        write_audits([("withdraw_acknowledgement", "acknowledgement", row.id, before, {})])
    return True


def store_acknowledged(village_id: int, month: str, warnings: set[str]) -> None:
    """Inside a close's change: keep the warnings it was told were acknowledged (those
    of the village's current warnings not kept yet), by the user closing, now."""
    kept = set(acknowledged_keys(village_id, month))
    records = []
    for warning in sorted(warnings - kept):
        row = Acknowledgement.create(
            village=village_id,
            month=month,
            warning=warning,
            acknowledged_by=current_user(),
            acknowledged_at=clock.now(),
        )
        records.append(("acknowledge_warning", "acknowledgement", row.id, None, snapshot(row)))
    if records:
        write_audits(records)


def drop_acknowledged(village_id: int, month: str, reason: str) -> None:
    """Inside a reopen's change: remove the month's acknowledgements, each audited with
    the reopen's reason."""
    records = []
    for row in Acknowledgement.select().where(
        (Acknowledgement.village == village_id) & (Acknowledgement.month == month)
    ):
        records.append(
            ("reopen_month", "acknowledgement", row.id, snapshot(row), {"reason": reason})
        )
        row.delete_instance()
    if records:
        write_audits(records)


def acknowledged_keys(village_id: int, month: str) -> list[str]:
    """The keys of the warnings kept acknowledged for the village's month."""
    return [
        w
        for (w,) in Acknowledgement.select(Acknowledgement.warning)
        .where((Acknowledgement.village == village_id) & (Acknowledgement.month == month))
        .tuples()
    ]
