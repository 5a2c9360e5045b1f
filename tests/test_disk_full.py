"""A full disk (issue 13): a save, an export, a visit sheet, a backup and a restore are
refused in one line saying the disk is full, and nothing saved is lost: the ledger reads
as before, a previous workbook or backup is as it was, no half file takes a final name.

The disk is a 2 MB tmpfs (mounting one needs root: skipped, with the reason, where it is
not permitted). A file size limit (RLIMIT_FSIZE) in a child process stands in for it for
an export everywhere on POSIX; not for a save, which SQLite then reports as a "disk I/O
error", not as a full disk.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import sqlite_only

from fptui import backup, cli, db, ledger

pytestmark = [sqlite_only, pytest.mark.skipif(os.name != "posix", reason="POSIX only")]

SETUP = ["setup", "--county", "140121", "清徐县", "--township", "140121101", "东于镇"]


def rows(path: Path) -> str:
    """Every row of every table, as a digest."""
    con = sqlite3.connect(path)
    try:
        tables = [t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        data = [con.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in tables]
    finally:
        con.close()
    return hashlib.sha256(repr(data).encode()).hexdigest()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def small_disk(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    run = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", str(disk)],
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {run.stderr.strip()}")
    try:
        yield disk
    finally:
        db.close_database()
        subprocess.run(["umount", "-l", str(disk)], check=False)


def fill(disk: Path) -> Path:
    """Fill the disk to the last byte; the filler, to remove."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (1 << 16, 4096, 1):
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * size)
    finally:
        os.close(fd)
    return filler


def one_line(capsys, *words: str) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    for word in words:
        assert word in err, err
    return err


def make_ledger(path: Path) -> None:
    assert cli.main(["--db", str(path), *SETUP, "--village", "140121101201", "王家庄村"]) == 0
    db.open_database(path)
    ledger.set_user("tester")
    village = ledger.add_area.__globals__["Area"].get(code="140121101201")
    household = ledger.add_household({"village": village.id, "number": "0001"})
    ledger.add_person(household, {"name": "王强", "sex": "M", "birth_date": "1990-01-01"})


def test_a_save_on_a_full_disk_says_so_and_loses_nothing(small_disk, capsys):
    path = small_disk / "ledger.db"
    make_ledger(path)  # open: its -wal and -shm stay, as under a running fptui
    before = rows(path)
    filler = fill(small_disk)
    with pytest.raises(db.DiskFull, match="the disk is full"):
        household = ledger.add_household({"village": 3, "number": "0002", "address": "x" * 99})
        for n in range(200):
            ledger.add_person(household, {"name": f"王{n}", "sex": "M", "birth_date": "2000-1-1"})
    argv = ["--db", str(path), *SETUP, "--village", "140121101202", "东营村", "--groups", "9"]
    assert cli.main(argv) == 2
    one_line(capsys, "fptui setup:", "the disk is full", "not saved")
    db.close_database()
    filler.unlink()
    assert rows(path) == before
    assert cli.main(argv) == 0  # room again: the same save goes through
    capsys.readouterr()


def test_a_full_disk_before_the_ledger_opens_says_so(small_disk):
    path = small_disk / "ledger.db"
    make_ledger(path)
    db.close_database()
    before = rows(path)
    filler = fill(small_disk)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "fptui.cli",
            "--db",
            str(path),
            *SETUP,
            "--village",
            "140121101202",
            "东营村",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2, run.stderr
    assert run.stderr.count("\n") == 1 and "the disk is full" in run.stderr, run.stderr
    filler.unlink()
    assert rows(path) == before


def test_export_sheet_and_backup_on_a_full_disk_keep_the_previous_files(
    family, small_disk, tmp_path, capsys
):
    ledger_path = str(tmp_path / "ledger.db")
    workbook, sheet, copy = small_disk / "r.xlsx", small_disk / "v.xlsx", small_disk / "c.db"
    export = ["--db", ledger_path, "export", "--month", "2026-02", "-o", str(workbook), "--force"]
    visits = ["--db", ledger_path, "followups", "--due", "all", "--sheet", str(sheet), "--force"]
    assert cli.main(export) == 0
    assert cli.main(visits) == 0
    capsys.readouterr()
    kept = {p: digest(p) for p in (workbook, sheet)}
    filler = fill(small_disk)
    for argv, name in ((export, "export"), (visits, "followups")):
        assert cli.main(argv) == 2
        one_line(capsys, f"fptui {name}:", "the disk is full", "was not written")
    assert cli.main(["--db", ledger_path, "backup", "-o", str(copy)]) == 2
    one_line(capsys, "fptui backup:", "the disk is full", "no backup was written")
    assert {p: digest(p) for p in (workbook, sheet)} == kept
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler", "r.xlsx", "v.xlsx"]
    filler.unlink()


def test_backup_and_restore_on_a_full_disk_change_nothing(small_disk, capsys):
    path = small_disk / "ledger.db"
    make_ledger(path)
    db.close_database()
    first = backup.backup(path)
    ledger_rows, first_bytes = rows(path), digest(first)
    filler = fill(small_disk)
    assert cli.main(["--db", str(path), "backup"]) == 2
    one_line(capsys, "fptui backup:", "the disk is full")
    assert cli.main(["--db", str(path), "restore", str(first)]) == 2
    one_line(capsys, "fptui restore:", "the disk is full")
    assert sorted(backup.backups_dir(path).iterdir()) == [first]
    filler.unlink()
    assert digest(first) == first_bytes
    assert rows(path) == ledger_rows
    assert sorted(p.name for p in small_disk.iterdir() if p.name.startswith(".")) == []


# --- a file size limit, where no disk can be mounted ---------------------------------------

LIMITED = """
import resource, signal, sys
from fptui import cli
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG)
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
sys.exit(cli.main(sys.argv[2:]))
"""


def limited(limit: int, *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", LIMITED, str(limit), *argv],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_file_size_limit_is_a_full_disk_to_an_export(family, tmp_path):
    ledger_path = tmp_path / "ledger.db"
    workbook = tmp_path / "r.xlsx"
    workbook.write_bytes(b"the previous return")
    run = limited(
        4096, "--db", str(ledger_path), "export", "--month", "2026-02", "-o", str(workbook),
        "--force",
    )  # fmt: skip
    assert run.returncode == 2, run.stderr
    assert run.stderr.count("\n") == 1 and "the disk is full" in run.stderr, run.stderr
    assert workbook.read_bytes() == b"the previous return"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
