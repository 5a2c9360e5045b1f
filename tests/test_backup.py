"""Backups: a consistent copy, the last twelve kept; a restore checks before it replaces."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest
from conftest import snapshot, sqlite_only

from fptui import backup, cli, db, ledger
from fptui.models import Person

pytestmark = sqlite_only  # SQLite files: this module has no PostgreSQL form


def test_a_backup_restores_to_an_identical_ledger(family, tmp_path, capsys):
    database = tmp_path / "ledger.db"
    before = snapshot()
    assert cli.main(["--db", str(database), "backup"]) == 0
    copy = capsys.readouterr().out.strip()
    assert stat.S_IMODE(os.stat(copy).st_mode) == 0o600
    ledger.edit_person(family["wife"].id, {"name": "改过的名字"})
    assert snapshot() != before
    db.close_database()
    assert cli.main(["--db", str(database), "restore", copy]) == 0
    assert "restored" in capsys.readouterr().out
    db.open_database(database)
    after = snapshot()
    trace = after["AuditLog"].pop()  # the restore's own row (test_restore.py)
    assert trace[4:6] == ("restore", "ledger")
    assert after == before
    assert Person.get_by_id(family["wife"].id).name == "李秀英"


def test_a_corrupt_backup_is_refused_and_the_ledger_untouched(family, tmp_path, capsys):
    database = tmp_path / "ledger.db"
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 4000)
    before = snapshot()
    db.close_database()
    assert cli.main(["--db", str(database), "restore", str(bad)]) == 2
    assert "fptui restore" in capsys.readouterr().err
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE notes (x)")
    con.close()
    with pytest.raises(backup.BackupError, match="not an fptui ledger"):
        backup.restore(other, database)
    with pytest.raises(backup.BackupError, match="no file"):
        backup.restore(tmp_path / "missing.db", database)
    db.open_database(database)
    assert snapshot() == before


def test_only_the_last_twelve_backups_are_kept(family, tmp_path):
    import datetime as dt

    from fptui import clock

    database = tmp_path / "ledger.db"
    for minute in range(14):
        with clock.frozen(dt.datetime(2026, 3, 10, 9, minute)):
            backup.backup(database)
    kept = sorted(backup.backups_dir(database).glob("ledger-*.db"))
    assert len(kept) == 12
