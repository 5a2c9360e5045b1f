"""Backups of the ledger file, and restoring one.

A backup is a consistent copy made with SQLite's online backup API while fptui may be
open (never a file copy of a database in WAL mode, which can miss the -wal file). It is
written to a temporary name beside its final one, checked (`PRAGMA integrity_check`),
then renamed into place (files.py): a kill or a full disk leaves no half backup, and only
a checked one ever counts. Of the backups in `backups/` the last KEEP sound ones are kept;
an empty file is removed, a damaged one is left alone and never counted, and the newest
sound backup is never deleted.

A restore checks the backup whole before anything of the current file is touched: a
sound SQLite file, a schema version this fptui reads, every table and column of the
models. It is copied beside the ledger, brought to this version (`migrate`, given by the
caller: this module stands beside db.py, not above it), checked again, and given its
trace (`record`: the ledger's audit row saying who restored which file, written through
the write path by the caller); the current file is backed up, then replaced in one
SQLite transaction, so a kill leaves either the ledger as it was or the restored one.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from fptui import clock, files, models

KEEP = 12
DISK_FULL = (
    "磁盘已满，备份未写入 / the disk is full: no backup was written in {path} (the ledger and "
    "the backups there are as they were); free some space and try again"
)
DISK_FULL_RESTORE = (
    "磁盘已满，未恢复 / the disk is full: the ledger in {path} was not replaced (it is as it "
    "was); free some space and try again"
)
CORE_TABLES = {"person", "household", "event", "audit"}


class BackupError(RuntimeError):
    """A backup that cannot be made or restored; the message says why."""


def backups_dir(database: Path) -> Path:
    return database.parent / "backups"


def _name_pattern(stem: str) -> re.Pattern[str]:
    """`<stem>-YYYYMMDD-HHMMSS.db` and `<stem>-YYYYMMDD-HHMMSS-N.db` (a second one in the
    same second)."""
    return re.compile(rf"^{re.escape(stem)}-(\d{{8}}-\d{{6}})(?:-(\d+))?\.db$")


def backup(
    database: Path | str,
    target: Path | str | None = None,
    keep: int = KEEP,
    *,
    force: bool = False,
) -> Path:
    """Copy `database` to `target` (default: backups/ beside it, the last `keep` kept;
    0: none removed); an existing `target` is replaced only with `force`, and never when
    it is a ledger. The copy is checked before it takes its name."""
    database = Path(database)
    if not database.exists():
        raise BackupError(f"no database at {database}")
    problem = files.sqlite_problem(database)
    if problem:
        raise BackupError(f"{database} {problem}")
    if target is None:
        folder = backups_dir(database)
        folder.mkdir(mode=0o700, exist_ok=True)
        stamp = clock.now().strftime("%Y%m%d-%H%M%S")
        target = folder / f"{database.stem}-{stamp}.db"
        n = 1
        while target.exists():
            target = folder / f"{database.stem}-{stamp}-{n}.db"
            n += 1
    else:
        try:
            target = files.check_output(target, force=force)
        except files.FileRefused as exc:
            raise BackupError(str(exc)) from None
    target = Path(target)
    try:
        with files.atomic_path(target) as temp:
            _copy(database, temp)
    except files.FileRefused as exc:
        raise BackupError(str(exc)) from None
    if keep and target.parent == backups_dir(database):
        rotate(target.parent, database.stem, keep)
    return target


def _copy(source: Path, target: Path) -> None:
    """SQLite's online backup of `source` into the (empty) file `target`, then checked."""
    try:
        src = sqlite3.connect(source, timeout=10)
        copy = sqlite3.connect(target)
        try:
            src.backup(copy)
            # one self-contained file: opened later (checked, restored) it makes no -wal
            copy.execute("PRAGMA journal_mode = DELETE")
            result = _integrity(copy)
        finally:
            copy.close()
            src.close()
    except sqlite3.Error as exc:
        _refuse_failed(exc, target.parent, f"cannot copy {source}: {exc}")
    if result != "ok":
        raise BackupError(f"the copy of {source} failed the integrity check: {result}")


def _integrity(con: sqlite3.Connection) -> str:
    """`PRAGMA integrity_check` in one line: "ok", or what is wrong."""
    return " ".join(" ".join(row[0].split()) for row in con.execute("PRAGMA integrity_check"))


def _refuse_failed(
    exc: sqlite3.Error, folder: Path, otherwise: str, full: str = DISK_FULL
) -> NoReturn:
    """Say a copy into `folder` failed: the disk is full (`full`), or what SQLite said."""
    if files.disk_full(exc, folder):
        raise BackupError(full.format(path=folder)) from exc
    raise BackupError(otherwise) from exc


def rotate(folder: Path, stem: str, keep: int = KEEP) -> list[Path]:
    """Keep the newest `keep` sound backups of `stem` in `folder` (by the time in their
    names); remove older sound ones and empty files (they hold nothing). A file that is
    damaged (not SQLite, cut short) is not counted and not removed: a person may want to
    look at it. Files whose names are not a backup's are never touched. The removed."""
    keep = max(1, keep)  # the newest sound backup is never removed
    pattern = _name_pattern(stem)
    found = []
    for path in folder.iterdir():
        match = pattern.match(path.name)
        if match and path.is_file():
            found.append(((match[1], int(match[2] or 0)), path))
    found.sort()
    removed, sound = [], []
    for _, path in found:
        if path.stat().st_size == 0:
            removed.append(path)
        elif files.sqlite_problem(path) is None:
            sound.append(path)
    removed += sound[:-keep]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def missing_columns(path: Path | str) -> list[str]:
    """The tables (`table`) and columns (`table.column`) of fptui's models that the
    database at `path` lacks; empty for a complete ledger."""
    con = _read_only(Path(path))
    try:
        missing = []
        for model in models.MODELS:
            table = model._meta.table_name
            have = {row[1] for row in con.execute(f'PRAGMA table_info("{table}")')}
            if not have:
                missing.append(table)
                continue
            missing += [
                f"{table}.{field.column_name}"
                for field in model._meta.sorted_fields
                if field.column_name not in have
            ]
        return missing
    finally:
        con.close()


def check(path: Path | str, newest: int | None = None) -> int:
    """Refuse a file that is not a sound fptui ledger this fptui can read, saying why in
    one line; its schema version. `newest`: the latest version this fptui knows (a
    ledger at it must have every table and column of the models)."""
    path = Path(path)
    if not path.exists():
        raise BackupError(f"no file at {path}")
    problem = files.sqlite_problem(path)
    if problem:
        raise BackupError(f"{path} {problem}")
    try:
        con = _read_only(path)
        try:
            result = _integrity(con)
            version = con.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a readable database ({exc})") from None
    if result != "ok":
        raise BackupError(f"{path} failed the integrity check: {result}")
    if version == 0 or not CORE_TABLES.issubset(tables):
        raise BackupError(f"{path} is not an fptui ledger")
    if newest is not None and version > newest:
        raise BackupError(
            f"{path} 来自更新版本的 fptui / was made by a newer fptui (schema version "
            f"{version}; this one reads up to {newest}): restore it with that fptui"
        )
    if newest is not None and version == newest:
        _refuse_incomplete(path, path)
    return version


def _refuse_incomplete(path: Path, named: Path) -> None:
    missing = missing_columns(path)
    if missing:
        more = f" and {len(missing) - 4} more" if len(missing) > 4 else ""
        raise BackupError(
            f"{named} is not a complete fptui ledger (missing {', '.join(missing[:4])}{more})"
        )


def _last_audit(path: Path) -> int:
    con = _read_only(path)
    try:
        return con.execute("SELECT MAX(id) FROM audit").fetchone()[0] or 0
    finally:
        con.close()


def _audit_rows_past(database: Path, last: int) -> int:
    """How many audit rows `database` has after row `last` (what a restore drops)."""
    if not database.exists():
        return 0
    try:
        con = _read_only(database)
        try:
            return con.execute("SELECT COUNT(*) FROM audit WHERE id > ?", (last,)).fetchone()[0]
        finally:
            con.close()
    except sqlite3.DatabaseError:  # a ledger with no audit table yet
        return 0


@dataclass(frozen=True)
class Restored:
    safety: Path | None  # the ledger as it was, kept in backups/ (None: there was none)
    replaced_rows: int  # audit rows the replaced ledger had past the backup's last one


def restore(
    backup_file: Path | str,
    database: Path | str,
    *,
    newest: int | None = None,
    migrate: Callable[[Path], None] | None = None,
    record: Callable[[Path, int, Path | None], None] | None = None,
) -> Restored:
    """Replace `database` by the checked backup. `migrate(copy)` brings a copy of the
    backup to this fptui's schema; `record(copy, replaced_rows, safety)` writes the
    restore's audit row into it. The current ledger is backed up first (`safety`)."""
    backup_file, database = Path(backup_file), Path(database)
    check(backup_file, newest)
    if database.exists():
        problem = files.sqlite_problem(database)
        if problem:
            raise BackupError(f"{database} {problem}: restore replaces only a ledger file")
        if database.resolve() == backup_file.resolve():
            raise BackupError(f"{backup_file} is the ledger itself")
    if not database.parent.is_dir():
        raise BackupError(f"找不到文件夹 / folder not found: {database.parent}")
    replaced = _audit_rows_past(database, _last_audit(backup_file))
    copy = files.temp_beside(database)
    try:
        try:
            src = _read_only(backup_file)
            dst = sqlite3.connect(copy)
            try:
                src.backup(dst)
            finally:
                dst.close()
                src.close()
        except sqlite3.Error as exc:
            _refuse_failed(
                exc, copy.parent, f"cannot copy {backup_file}: {exc}", DISK_FULL_RESTORE
            )
        if migrate is not None:
            try:
                migrate(copy)
            except Exception as exc:
                if files.disk_full(exc, copy.parent):
                    raise BackupError(DISK_FULL_RESTORE.format(path=copy.parent)) from exc
                reason = " ".join(str(exc).split())
                raise BackupError(f"{backup_file} cannot be read as a ledger: {reason}") from exc
        _refuse_incomplete(copy, backup_file)
        safety = backup(database, keep=0) if database.exists() else None
        if record is not None:
            record(copy, replaced, safety)
        _put_in_place(copy, database)
    finally:
        files.remove_temp(copy)
    return Restored(safety, replaced)


def _put_in_place(copy: Path, database: Path) -> None:
    """Copy `copy` into `database` in one SQLite transaction: other connections, and the
    database's -wal file, see the old ledger or the new one, never a mix."""
    if not database.exists():
        files.temp_beside(database).replace(database)  # created 0600, then filled
    src = _read_only(copy)
    dst = sqlite3.connect(database, timeout=10)
    try:
        src.backup(dst)
    except sqlite3.Error as exc:
        _refuse_failed(exc, database.parent, f"cannot write {database}: {exc}", DISK_FULL_RESTORE)
    finally:
        dst.close()
        src.close()
    database.chmod(0o600)
