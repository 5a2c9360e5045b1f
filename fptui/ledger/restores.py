"""A restore, recorded in the ledger it put back.

Restoring a backup replaces the whole ledger, so the rows the replaced ledger had gained
since that backup, its audit rows among them, are gone from it (they stay in the safety
copy backup.py makes first). The restored ledger says so itself: one audit row, written
here like every other row, naming who restored which file when, where the replaced
ledger was kept, and how many audit rows it had past the backup.
"""

from __future__ import annotations

from fptui.ledger.changes import change, write_audits


def record_restore(file: str, replaced_rows: int, safety: str | None = None) -> None:
    """Record in the (restored) ledger that `file` was restored into it, replacing a
    ledger with `replaced_rows` audit rows past the backup, kept at `safety`. Who and
    when are the audit's own (the operating-system account, the clock)."""
    after = {"file": file, "replaced_audit_rows": int(replaced_rows), "replaced_ledger": safety}
    with change():
        write_audits([("restore", "ledger", 0, None, after)])
