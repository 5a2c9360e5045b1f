"""Every command-line error is one line naming what to fix, exit status 2 (issue 13):
bad ledger files, a --db in a missing folder, impossible months, the demo over a real
ledger, and passwords never shown. Each refusal changes nothing."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import sqlite_only

from fptui import cli, db, demo, ledger
from fptui.masking import mask

pytestmark = sqlite_only  # SQLite files


def one_line(capsys, *words: str) -> str:
    captured = capsys.readouterr()
    err = captured.err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    for word in words:
        assert word in err, err
    return err


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- bad ledger files ---------------------------------------------------------------------


@pytest.fixture
def sound(family, tmp_path) -> Path:
    """A ledger file, closed (its WAL checkpointed into it)."""
    db.close_database()
    return tmp_path / "ledger.db"


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("text", "not an SQLite file"),
        ("empty", "is empty (0 bytes)"),
        ("truncated", "is truncated"),
        ("folder", "is a folder"),
    ],
)
@pytest.mark.parametrize("command", [["check"], ["backup"], ["score", "--month", "2026-02"]])
def test_a_bad_file_as_db_is_one_line_and_left_as_it_is(
    sound, tmp_path, capsys, kind, words, command
):
    bad = tmp_path / f"bad-{kind}.db"
    if kind == "text":
        bad.write_text("户号,姓名\n0001,王强\n")
    elif kind == "empty":
        bad.write_bytes(b"")
    elif kind == "truncated":
        bad.write_bytes(sound.read_bytes()[:8192])
    else:
        bad.mkdir()
    before = None if kind == "folder" else digest(bad)
    assert cli.main(["--db", str(bad), *command]) == 2
    one_line(capsys, str(bad), words)
    if before is not None:
        assert digest(bad) == before
    assert not Path(f"{bad}-wal").exists()


def test_a_db_in_a_missing_folder_is_refused_not_created(tmp_path, capsys):
    missing = tmp_path / "no-such-folder" / "ledger.db"
    for argv in (
        ["--db", str(missing), "check"],
        ["--db", f"sqlite:///{missing}", "check"],
        ["--db", str(missing), "backup"],
        ["--db", str(missing)],
        ["demo", "--db", str(missing), "--persons", "50", "--no-open"],
    ):
        assert cli.main(argv) == 2, argv
        one_line(capsys, "folder not found", str(missing.parent))
    assert not missing.parent.exists()


# --- months -------------------------------------------------------------------------------


@pytest.mark.parametrize("month", ["0000-01", "9999-12", "2026-13", "1879-12", "2201-01", "26-1"])
@pytest.mark.parametrize("command", ["export", "report", "score", "close"])
def test_an_impossible_month_is_one_line(ledger_db, capsys, month, command):
    argv = ["--db", ledger_db.url, command, "--month", month]
    if command == "export":
        argv += ["-o", str(Path(ledger_db.url).parent / "out.xlsx")]
    assert cli.main(argv) == 2
    one_line(capsys, "--month must be YYYY-MM", "1880..2200", repr(month))
    assert not (Path(ledger_db.url).parent / "out.xlsx").exists()


def test_the_first_and_last_years_are_months(ledger_db, capsys):
    for month in ("1880-01", "2200-12"):
        assert cli.main(["--db", ledger_db.url, "report", "--month", month]) == 0
    capsys.readouterr()


# --- the demo -----------------------------------------------------------------------------


def test_the_demo_refuses_a_real_ledger(family, tmp_path, capsys):
    real = tmp_path / "ledger.db"
    db.close_database()
    before = digest(real)
    for argv in (
        ["--db", str(real), "demo", "--persons", "50", "--no-open"],
        ["demo", "--db", str(real), "--persons", "50", "--no-open"],
    ):
        assert cli.main(argv) == 2
        one_line(capsys, "not a demo ledger", str(real))
    assert digest(real) == before
    assert not list(real.parent.glob("backups"))


def test_the_demo_refuses_any_other_file(tmp_path, capsys):
    for name, content in (("notes.txt", b"keep me"), ("empty.db", b"")):
        other = tmp_path / name
        other.write_bytes(content)
        assert cli.main(["demo", "--db", str(other), "--persons", "50", "--no-open"]) == 2
        one_line(capsys, "not a demo ledger")
        assert other.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.db", "notes.txt"]


def test_the_demo_writes_a_new_file_and_replaces_its_own(tmp_path, capsys):
    path = tmp_path / "demo.db"
    assert cli.main(["demo", "--db", str(path), "--persons", "50", "--no-open"]) == 0
    assert (
        cli.main(["demo", "--db", str(path), "--persons", "60", "--no-open", "--seed", "2"]) == 0
    )
    capsys.readouterr()
    db.close_database()
    con = sqlite3.connect(path)
    assert con.execute("SELECT value FROM setting WHERE key = 'demo_persons'").fetchone() == (
        "60",
    )
    con.close()
    assert (path.stat().st_mode & 0o777) == 0o600
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "demo.db"]
    assert leftovers == []


@pytest.mark.parametrize("persons", [50, 53, 57, 60])
def test_a_small_demo_is_built(tmp_path, persons):
    summary = demo.build(tmp_path / "small.db", persons=persons, seed=1)
    db.close_database()
    assert summary.persons >= persons
    assert any("will not balance" in f for f in summary.faults)


def test_fewer_than_fifty_persons_is_one_line(tmp_path, capsys):
    assert cli.main(["demo", "--db", str(tmp_path / "d.db"), "--persons", "49"]) == 2
    one_line(capsys, "--persons must be at least 50")


# --- who, and passwords -------------------------------------------------------------------


def test_the_audit_names_the_account_not_the_environment(monkeypatch):
    import pwd

    from fptui.ledger.changes import current_user

    monkeypatch.setenv("LOGNAME", "mallory")
    monkeypatch.setenv("USER", "mallory")
    monkeypatch.setenv("USERNAME", "mallory")
    ledger.set_user("")
    assert current_user() == pwd.getpwuid(os.getuid()).pw_name
    ledger.set_user("tester")
    assert current_user() == "tester"  # set_user still names who, for the tests and the demo
    ledger.set_user("")


def test_mask_hides_the_password_of_any_url():
    assert (
        mask("cannot open postgresql://user:s3cr:et@server:5432/ledger: refused")
        == "cannot open postgresql://user:***@server:5432/ledger: refused"
    )
    assert mask("postgres://u:p%40ss@h/db and mysql://a:b@c/d") == (
        "postgres://u:***@h/db and mysql://a:***@c/d"
    )
    assert mask("host=server password='x y' user=u") == "host=server password=*** user=u"
    assert mask("postgresql://server/ledger and /home/u/ledger.db") == (
        "postgresql://server/ledger and /home/u/ledger.db"
    )


@pytest.mark.parametrize("command", [["backup"], ["restore", "x.db"], ["check"], []])
def test_a_server_url_password_is_never_printed(command, tmp_path):
    url = "postgresql://cadre:hunter2@127.0.0.1:1/ledger"
    run = subprocess.run(
        [sys.executable, "-m", "fptui.cli", "--db", url, *command],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert run.returncode == 2, run.stderr
    assert "hunter2" not in run.stdout + run.stderr
    assert run.stderr.count("\n") == 1, run.stderr
    assert "cadre:***@127.0.0.1" in run.stderr
