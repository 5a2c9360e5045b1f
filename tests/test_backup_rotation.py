"""Backups count only when checked (issue 13): the copy passes `PRAGMA integrity_check`
before it takes its name, and rotation keeps the last twelve sound ones. An empty file
is not a backup (and holds nothing: it is removed), a damaged one is neither counted nor
removed, and the only sound backup is never deleted."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import sqlite_only

from fptui import backup, clock, db

pytestmark = sqlite_only  # SQLite files


def at(minute: int) -> clock.frozen:
    return clock.frozen(dt.datetime(2026, 3, 10, 9, minute))


def test_empty_files_do_not_count_and_the_only_good_backup_is_kept(family, tmp_path):
    database = tmp_path / "ledger.db"
    with at(0):
        good = backup.backup(database)
    folder = backup.backups_dir(database)
    # what an older fptui left when killed or out of space: 0-byte files, newer names
    empties = [folder / f"ledger-20260310-09{m:02d}00.db" for m in range(1, 14)]
    for path in empties:
        path.write_bytes(b"")
    with at(20):
        newest = backup.backup(database)
    assert sorted(folder.iterdir()) == [good, newest]
    assert backup.check(good) > 0
    for path in empties:
        path.write_bytes(b"")
    assert backup.rotate(folder, "ledger", keep=1) == [*empties, good]
    assert sorted(folder.iterdir()) == [newest]  # keep=1: the newest sound one, always
    assert backup.rotate(folder, "ledger", keep=0) == []


def test_damaged_backups_are_neither_counted_nor_removed(family, tmp_path):
    database = tmp_path / "ledger.db"
    with at(0):
        good = backup.backup(database)
    folder = backup.backups_dir(database)
    cut = folder / "ledger-20260310-090100.db"
    cut.write_bytes(good.read_bytes()[: 4096 * 3])
    cut.write_bytes(cut.read_bytes()[:8192])  # shorter than its header says
    garbage = folder / "ledger-20260310-090200.db"
    garbage.write_bytes(b"not a database at all")
    unrelated = folder / "notes.txt"
    unrelated.write_text("the township's notes")
    made = []
    for minute in range(3, 3 + 13):
        with at(minute):
            made.append(backup.backup(database))
    kept = sorted(p for p in folder.iterdir() if backup.files.sqlite_problem(p) is None)
    assert kept == made[-12:]  # the last twelve sound ones; the oldest sound one went
    assert good not in kept and not good.exists()
    assert cut.exists() and garbage.exists() and unrelated.exists()


def test_a_second_backup_in_the_same_second_sorts_after_the_first(family, tmp_path):
    database = tmp_path / "ledger.db"
    with at(0):
        first = backup.backup(database)
        second = backup.backup(database)
    assert second.name == "ledger-20260310-090000-1.db"
    folder = backup.backups_dir(database)
    for minute in range(1, 12):
        with at(minute):
            backup.backup(database)
    kept = sorted(folder.iterdir())
    assert len(kept) == 12
    assert first not in kept and second in kept  # the older of the two went first


def test_a_copy_that_fails_its_check_takes_no_name(family, tmp_path, monkeypatch):
    database = tmp_path / "ledger.db"
    # a copy damaged on its way to the disk, as a bad disk would make it
    monkeypatch.setattr(backup, "_integrity", lambda con: "page 3: btreeInitPage error")
    target = tmp_path / "copy.db"
    with pytest.raises(backup.BackupError, match="failed the integrity check"):
        backup.backup(database, target)
    with pytest.raises(backup.BackupError, match="failed the integrity check"):
        backup.backup(database)
    monkeypatch.undo()
    assert not target.exists()
    assert list(backup.backups_dir(database).iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "backups",
        "ledger.db",
        "ledger.db-shm",
        "ledger.db-wal",
    ]
    db.close_database()
