"""A kill never leaves a half file (issue 13): export, visit sheet, backup and restore,
each killed with SIGKILL at random moments 10 times while a child process writes in a
loop. Afterwards the file at the final name is the previous one or a complete new one,
never a partial one; what a kill leaves is only a hidden temporary file, owner-only,
beside it (swept by a later write once it is an hour old).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from conftest import sqlite_only

from fptui import backup, cli, db, demo, files

pytestmark = [
    sqlite_only,  # SQLite files
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL"),
]

KILLS = 10

LOOP = """
import sys
from fptui import cli
argvs = [a.split("\\x1f") for a in sys.argv[1:]]
print("ready", flush=True)
n = 0
while True:
    code = cli.main(argvs[n % len(argvs)])
    print(f"done {code}", flush=True)
    n += 1
"""


@pytest.fixture(scope="module")
def township(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("kill") / "ledger.db"
    demo.build(path, persons=800, seed=3)
    db.close_database()
    return path


def kill_while(argvs: list[list[str]], check, seed: int) -> int:
    """Run the CLI commands `argvs` over and over in a child; SIGKILL it at random
    moments, calling `check()` after each; how many commands finished. At least KILLS
    kills, and more (up to four times as many) while fewer than KILLS commands have
    finished: on a loaded machine a command takes longer, and the kills must still
    land both within commands and between them."""
    rng = random.Random(seed)
    finished = kills = 0
    while kills < KILLS or (finished <= KILLS and kills < 4 * KILLS):
        kills += 1
        child = subprocess.Popen(
            [sys.executable, "-c", LOOP, *("\x1f".join(a) for a in argvs)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.1, 1.2))
        child.send_signal(signal.SIGKILL)
        out, err = child.communicate()
        assert "Traceback" not in err, err
        done = [line for line in out.splitlines() if line.startswith("done")]
        assert all(line == "done 0" for line in done), (out, err)
        finished += len(done)
        check()
    return finished


def only_temporaries_beside(final: Path, *also: Path) -> None:
    """Nothing in the folder but `final` (with SQLite's side files, for a ledger), `also`,
    and owner-only temporaries of `final`."""
    sides = {f"{final.name}-wal", f"{final.name}-shm", f"{final.name}-journal"}
    for path in final.parent.iterdir():
        if path == final or path in also or path.name in sides:
            continue
        assert path.name.startswith(f".{final.name}.") and files.TEMP_SUFFIX in path.name, path
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def a_whole_workbook(path: Path) -> None:
    with zipfile.ZipFile(path) as book:
        assert book.testzip() is None
        assert "xl/workbook.xml" in book.namelist()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def sound(path: Path) -> None:
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok", path
    finally:
        con.close()


def test_a_killed_export_leaves_the_previous_workbook_or_a_whole_new_one(township, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    final = out / "return.xlsx"
    argv = ["--db", str(township), "export", "--month", "2026-01", "-o", str(final), "--force"]
    assert cli.main(argv) == 0
    db.close_database()

    def check() -> None:
        a_whole_workbook(final)
        only_temporaries_beside(final)

    assert kill_while([argv], check, seed=13) > KILLS  # the kills fell between writes too


def test_a_killed_visit_sheet_leaves_the_previous_sheet_or_a_whole_new_one(township, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    final = out / "visits.xlsx"
    argv = ["--db", str(township), "followups", "--due", "all", "--sheet", str(final), "--force"]
    assert cli.main(argv) == 0
    db.close_database()

    def check() -> None:
        a_whole_workbook(final)
        only_temporaries_beside(final)

    assert kill_while([argv], check, seed=14) > KILLS


def test_a_killed_backup_leaves_only_whole_checked_backups(township, tmp_path):
    ledger = tmp_path / "ledger.db"
    backup.backup(township, ledger)
    first = backup.backup(ledger)
    folder = backup.backups_dir(ledger)

    def check() -> None:
        made = [p for p in folder.iterdir() if not p.name.startswith(".")]
        # a kill after a backup took its name and before the rotation leaves one more:
        # the next backup rotates it away
        assert 1 <= len(made) <= backup.KEEP + 1
        for path in made:
            assert path.stat().st_size > 0
            sound(path)
        for path in folder.iterdir():
            if path.name.startswith("."):
                assert files.TEMP_SUFFIX in path.name
        sound(ledger)

    assert kill_while([["--db", str(ledger), "backup"]], check, seed=15) > KILLS
    assert not first.exists()  # rotated away: more than twelve were made


def test_a_killed_restore_leaves_the_ledger_as_it_was_or_the_backup_restored(township, tmp_path):
    ledger = tmp_path / "ledger.db"
    one = backup.backup(township, tmp_path / "one.db")
    con = sqlite3.connect(one)
    marked = con.execute("SELECT id FROM person ORDER BY id LIMIT 1").fetchone()[0]
    con.close()
    two = tmp_path / "two.db"
    backup.backup(one, two)
    con = sqlite3.connect(two)
    con.execute("UPDATE person SET note = 'two' WHERE id = ?", (marked,))
    con.commit()
    con.close()
    audits = {}
    for name, path in (("one", one), ("two", two)):
        con = sqlite3.connect(path)
        audits[name] = con.execute("SELECT COUNT(*) FROM audit").fetchone()[0]
        con.close()
    assert cli.main(["--db", str(ledger), "restore", str(one)]) == 0
    db.close_database()

    def check() -> None:
        sound(ledger)
        con = sqlite3.connect(ledger)
        try:
            note = con.execute("SELECT note FROM person WHERE id = ?", (marked,)).fetchone()[0]
            rows = con.execute("SELECT COUNT(*) FROM audit").fetchone()[0]
            last = con.execute("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
        finally:
            con.close()
        which = "two" if note == "two" else "one"
        assert rows == audits[which] + 1  # the backup's rows and the restore's own
        assert last == ("restore",)
        assert backup.missing_columns(ledger) == []
        only_temporaries_beside(ledger, one, two, backup.backups_dir(ledger))
        for path in (one, two):
            sound(path)

    argvs = [["--db", str(ledger), "restore", str(p)] for p in (two, one)]
    assert kill_while(argvs, check, seed=16) > KILLS
