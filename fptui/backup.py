"""Backups of the ledger file, and restoring one.

A backup is a consistent copy made with SQLite's online backup API while fptui may be
open (never a file copy of a database in WAL mode, which can miss the -wal file). A
restore checks the backup with `PRAGMA integrity_check` and that it is an fptui ledger
before anything of the current file is touched; the current file is itself backed up
first, so a restore can be undone.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from fptui import clock

KEEP = 12


class BackupError(RuntimeError):
    """A backup that cannot be made or restored; the message says why."""


def backups_dir(database: Path) -> Path:
    return database.parent / "backups"


def backup(database: Path | str, target: Path | str | None = None, keep: int = KEEP) -> Path:
    """Copy `database` to `target` (default: backups/ beside it, the last `keep` kept)."""
    database = Path(database)
    if not database.exists():
        raise BackupError(f"no database at {database}")
    if target is None:
        folder = backups_dir(database)
        folder.mkdir(mode=0o700, exist_ok=True)
        stamp = clock.now().strftime("%Y%m%d-%H%M%S")
        target = folder / f"{database.stem}-{stamp}.db"
        n = 1
        while target.exists():
            target = folder / f"{database.stem}-{stamp}-{n}.db"
            n += 1
    target = Path(target)
    fd = os.open(target, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)  # owner-only
    os.close(fd)
    source = sqlite3.connect(database)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    if keep and target.parent == backups_dir(database):
        old = sorted(target.parent.glob(f"{database.stem}-*.db"))  # by the time in their names
        for path in old[:-keep]:
            path.unlink()
    return target


def check(path: Path | str) -> None:
    """Refuse a file that is not a sound fptui ledger, saying why."""
    path = Path(path)
    if not path.exists():
        raise BackupError(f"no file at {path}")
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = con.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a readable database ({exc})") from None
    if result != "ok":
        raise BackupError(f"{path} failed the integrity check: {result}")
    if not {"person", "household", "event", "audit"} <= tables:
        raise BackupError(f"{path} is not an fptui ledger")


def restore(backup_file: Path | str, database: Path | str) -> Path:
    """Replace `database` by the checked backup; returns the safety copy of the old one."""
    check(backup_file)
    database = Path(database)
    safety = backup(database, keep=0) if database.exists() else None
    source = sqlite3.connect(backup_file)
    target = sqlite3.connect(database)
    try:
        source.backup(target)  # the database's own file, WAL and all, is rewritten in place
    finally:
        target.close()
        source.close()
    os.chmod(database, 0o600)
    return safety or database
