"""Files that hold personal data: written whole or not at all, owner-only, never over a ledger.

A workbook, a visit sheet or a backup names people. Written straight to its final name, a
kill or a full disk leaves a 0-byte file where the previous good one was, and a file
created under the usual umask (022) is readable by every account on the machine. So every
such file is written here: to a temporary name in the same folder, created 0600 whatever
the umask, synced to the disk, then renamed over the final name (and the folder synced);
on any failure the temporary file is removed and the final name keeps what it had.

This module also knows what an SQLite file looks like from its first bytes (a ledger, a
backup, a WAL file), so that no output ever replaces a ledger, and so that a file given as
a ledger that is empty, truncated, a folder or something else is refused in one line
before SQLite sees it. It imports no layer of fptui: the reports, the backups, the
database and the command line all use it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import struct
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"
WAL_MAGIC = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")
TEMP_SUFFIX = ".fptui-tmp"
# A temporary file this old was left by a killed process (a write takes seconds).
STALE_SECONDS = 3600
FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
NEARLY_FULL = 1 << 20  # free bytes below which a failed write is put down to a full disk


class FileRefused(ValueError):
    """An output or input file fptui will not use; the message says why, in one line."""


# --- what a file is ---------------------------------------------------------------------


def _head(path: Path, size: int = 100) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read(size)
    except OSError:
        return b""


def is_sqlite(path: Path | str) -> bool:
    """Whether `path` is an SQLite database (a ledger, a backup) by its header bytes."""
    path = Path(path)
    return path.is_file() and _head(path, len(SQLITE_HEADER)) == SQLITE_HEADER


def is_ledger_file(path: Path | str) -> bool:
    """An SQLite database, or one of its side files (-wal, -shm, -journal): writing over
    any of them loses saved records."""
    path = Path(path)
    if not path.is_file():
        return False
    head = _head(path, len(SQLITE_HEADER))
    if head == SQLITE_HEADER or head[:4] in WAL_MAGIC:
        return True
    for side in ("-wal", "-shm", "-journal"):
        if path.name.endswith(side) and is_sqlite(path.with_name(path.name[: -len(side)])):
            return True
    return False


def sqlite_problem(path: Path | str) -> str | None:
    """What is wrong with `path` as an SQLite file that exists, in a few words; None when
    its header is sound. A file the header says is longer than it is was cut short (a
    copy stopped halfway); that is not checked while a -wal or -journal file beside it
    still holds pages SQLite will put back."""
    path = Path(path)
    if path.is_dir():
        return "是文件夹 / is a folder, not a ledger file"
    if not path.is_file():
        return "不是普通文件 / is not a regular file"
    size = path.stat().st_size
    if size == 0:
        return "是空文件 / is empty (0 bytes), not a ledger"
    head = _head(path)
    if not head.startswith(SQLITE_HEADER[: min(len(head), len(SQLITE_HEADER))]):
        return "不是台帐文件 / is not a ledger (not an SQLite file)"
    if size < 100:
        return "文件不完整 / is truncated (shorter than an SQLite header)"
    (page_size,) = struct.unpack(">H", head[16:18])
    page_size = 65536 if page_size == 1 else page_size
    counter, pages, valid_for = (struct.unpack(">I", head[i : i + 4])[0] for i in (24, 28, 92))
    pending = any(
        Path(f"{path}{side}").is_file() and Path(f"{path}{side}").stat().st_size > 0
        for side in ("-wal", "-journal")
    )
    if pages and counter == valid_for and not pending and size < pages * page_size:
        return f"文件不完整 / is truncated ({size} of {pages * page_size} bytes)"
    return None


# --- where an output may go --------------------------------------------------------------


def check_output(path: Path | str, *, force: bool = False) -> Path:
    """Refuse an output path that is a ledger (always), a folder, in a missing folder, or
    that exists (unless `force`); the path."""
    path = Path(path)
    if is_ledger_file(path):
        raise FileRefused(
            f"{path} 是台帐（SQLite 文件），不能覆盖 / is a ledger (an SQLite file): "
            "fptui never writes over one; give another file name"
        )
    if path.is_dir():
        raise FileRefused(f"{path} 是文件夹 / is a folder: give a file name")
    if not path.parent.is_dir():
        raise FileRefused(f"找不到文件夹 / folder not found: {path.parent}")
    if path.exists() and not force:
        raise FileRefused(
            f"{path} 已存在 / already exists: give --force to replace it, or another name"
        )
    return path


def disk_full(exc: BaseException | None, folder: Path | str | None = None) -> bool:
    """Whether `exc` (or what it was raised from) says the disk or the quota is full; or,
    for `folder`, whether it failed where the disk has next to no room left (SQLite
    reports a full disk met while opening its -shm file as a "disk I/O error")."""
    seen, failed = 0, exc is not None
    while exc is not None and seen < 10:
        if isinstance(exc, OSError) and exc.errno in FULL_ERRNOS:
            return True
        if "disk is full" in str(exc) or "No space left" in str(exc):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    if failed and folder is not None:
        try:
            return shutil.disk_usage(folder).free < NEARLY_FULL
        except OSError:
            return False
    return False


# --- writing -----------------------------------------------------------------------------


def _sync_folder(folder: Path) -> None:
    """Make a rename in `folder` last through a power cut (POSIX; not on Windows)."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_file(path: Path | str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sweep(final: Path) -> None:
    """Remove what a killed write of `final` left: temporary files older than an hour
    (a younger one may be another process's write in progress)."""
    pattern = re.compile(rf"^\.{re.escape(final.name)}\.[^.]+{re.escape(TEMP_SUFFIX)}(-.*)?$")
    with contextlib.suppress(OSError):
        for path in final.parent.iterdir():
            if pattern.match(path.name):
                with contextlib.suppress(OSError):
                    if time.time() - path.stat().st_mtime > STALE_SECONDS:
                        path.unlink()


@contextlib.contextmanager
def atomic_path(final: Path | str, *, replace_ledger: bool = False) -> Iterator[Path]:
    """A temporary path beside `final`, created empty and 0600, for the caller to write
    whole; when the block ends without an error it is synced and renamed over `final`
    (the folder synced too); on an error it is removed (with SQLite's side files), and
    `final` keeps what it had. A ledger at `final` is refused (`replace_ledger`: only the
    demo, which has checked that `final` is its own)."""
    final = Path(final)
    if is_ledger_file(final) and not replace_ledger:
        raise FileRefused(f"{final} is a ledger (an SQLite file): fptui never writes over one")
    temp = temp_beside(final)
    try:
        yield temp
        sync_file(temp)
        os.replace(temp, final)
    except BaseException:
        remove_temp(temp)
        raise
    _sync_folder(final.parent)


def write_bytes(final: Path | str, data: bytes) -> Path:
    """Write `data` as the whole of `final`, atomically and owner-only (`atomic_path`)."""
    final = Path(final)
    with atomic_path(final) as temp:
        fd = os.open(temp, os.O_WRONLY | os.O_TRUNC)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
    return final


def temp_beside(final: Path | str) -> Path:
    """A new empty file beside `final`, 0600 whatever the umask, named so that `sweep`
    finds it once it is stale (`.<name>.<random>.fptui-tmp`)."""
    final = Path(final)
    sweep(final)
    fd, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=TEMP_SUFFIX, dir=final.parent)
    os.close(fd)
    return Path(name)


def remove_temp(temp: Path) -> None:
    """Remove a temporary file and what SQLite may have made beside it."""
    for side in ("", "-journal", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            Path(f"{temp}{side}").unlink()
