"""Errors nobody expected, on the command line and in `fptui.crash` itself (issue 13).

`fptui <command>` meeting one prints one line in the interface's language on stderr,
writes an owner-only report beside the ledger (exception types, files, lines and
functions: no message, no value) and exits with status 3. Failures with fixed wording
(the ledger busy, the disk full, the server gone) are recognised and said plainly.
"""

from __future__ import annotations

import errno
import os
import re
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import peewee as pw
import pytest

from fptui import cli, crash
from fptui.db import DiskFull
from fptui.reads import checks

NAME = "赵铁柱"
ID_NUMBER = "11010519491231002X"


def report_in(line: str) -> Path:
    found = re.search(r"(/\S+?fptui-error-[\d-]+\.txt)", line)
    assert found, line
    return Path(found.group(1))


def failing_check(village: int | None = None) -> None:
    person = {"name": NAME, "id_number": ID_NUMBER}  # a local Textual's traceback shows
    raise ValueError(f"bad person {person['name']} {person['id_number']}")


# --- the command line ---------------------------------------------------------------


def test_an_unexpected_error_is_one_line_status_3_and_a_report_without_data(
    ledger_db, monkeypatch, capsys, tmp_path
):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    monkeypatch.setattr(checks, "kept", failing_check)
    assert cli.main(["--db", ledger_db.url, "check"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("fptui: 出错了（ValueError）：已写入错误报告 ")
    assert err.rstrip().endswith("；请联系维护人员。")
    assert NAME not in err and ID_NUMBER not in err and "Traceback" not in err

    report = report_in(err)
    expected = tmp_path / ("data-home/fptui" if "://" in ledger_db.url else "")
    assert report.parent.resolve() == expected.resolve()
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    text = report.read_text()
    assert NAME not in text and ID_NUMBER not in text and "bad person" not in text
    assert "error: ValueError" in text and "where: command line" in text
    assert re.search(r"fptui/cli\.py:\d+ in _check", text)
    assert re.search(r"test_crash_report\.py:\d+ in failing_check", text)


def test_the_line_speaks_the_interface_language(ledger_db, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    monkeypatch.setattr(checks, "kept", failing_check)
    assert cli.main(["--db", ledger_db.url, "--lang", "en", "check"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("fptui: Something went wrong (ValueError): an error report was written")


def test_a_known_failure_is_said_plainly(ledger_db, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))

    def gone(village: int | None = None) -> None:
        raise pw.InterfaceError("connection already closed")

    monkeypatch.setattr(checks, "kept", gone)
    assert cli.main(["--db", ledger_db.url, "check"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("fptui: 无法连接数据库服务器：请检查网络，或请乡镇管理员检查服务器。")
    assert err.count("\n") == 1


def test_ctrl_c_on_a_long_job_is_one_line_too(ledger_db, monkeypatch, capsys):
    def interrupted(village: int | None = None) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(checks, "kept", interrupted)
    assert cli.main(["--db", ledger_db.url, "check"]) == 130
    assert capsys.readouterr().err == "fptui: 已中断 / interrupted\n"


def test_a_real_lock_met_by_a_read_is_the_busy_message(ledger_db, monkeypatch, capsys, tmp_path):
    """Writes wait, then are refused by the ledger itself; a read job meeting SQLite's
    own lock (peewee's error raised while handling sqlite3's) is said plainly."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    error = real_sqlite_error(tmp_path, "locked")

    def locked(village: int | None = None) -> None:
        raise error

    monkeypatch.setattr(checks, "kept", locked)
    assert cli.main(["--db", ledger_db.url, "check"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith(
        "fptui: 台帐正忙（另一个程序正在写入）：请稍后再试。已保存的内容不会丢失。错误报告："
    )
    text = report_in(err).read_text()
    assert "peewee.OperationalError [locked]" in text
    assert "sqlite3.OperationalError [locked]" in text
    assert "database is locked" not in text


CHILD = """
import sys
from fptui.reads import checks

def run(village=None):
    person = {"name": sys.argv[1], "id_number": sys.argv[2]}
    raise ValueError(f"{person['name']} {person['id_number']}")

checks.kept = run  # what `fptui check` reads
from fptui.cli import main
sys.exit(main(sys.argv[3:]))
"""


def test_the_fptui_process_exits_3_with_one_line_on_stderr(ledger_db, tmp_path):
    run = subprocess.run(
        [sys.executable, "-c", CHILD, NAME, ID_NUMBER, "--db", ledger_db.url, "check"],
        capture_output=True,
        text=True,
        env={**os.environ, "XDG_DATA_HOME": str(tmp_path / "data-home")},
        timeout=60,
    )
    assert run.returncode == 3
    assert run.stdout == ""
    assert run.stderr.count("\n") == 1, run.stderr
    assert run.stderr.startswith("fptui: 出错了（ValueError）：已写入错误报告 ")
    assert NAME not in run.stderr and ID_NUMBER not in run.stderr
    report = report_in(run.stderr)
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    assert NAME not in report.read_text() and ID_NUMBER not in report.read_text()


# --- what a failure is ------------------------------------------------------------------


def real_sqlite_error(tmp_path: Path, what: str) -> BaseException:
    path = tmp_path / f"{what}.db"
    database = pw.SqliteDatabase(str(path), pragmas={"busy_timeout": 0})
    database.execute_sql("CREATE TABLE t (x TEXT)")
    if what == "locked":
        holder = sqlite3.connect(path)
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("INSERT INTO t VALUES ('a')")
    else:  # a file allowed no more pages than it has: SQLite's own "full"
        pages = database.execute_sql("PRAGMA page_count").fetchone()[0]
        database.execute_sql(f"PRAGMA max_page_count = {pages}")
    try:
        with database.atomic():
            database.execute_sql("INSERT INTO t VALUES (?)", (f"{NAME} {ID_NUMBER}" * 200,))
    except pw.OperationalError as error:
        return error
    finally:
        database.close()
    raise AssertionError("no error")


def test_real_sqlite_failures_through_peewee_are_recognised(tmp_path):
    assert crash.category(real_sqlite_error(tmp_path, "locked")) == "locked"
    assert crash.category(real_sqlite_error(tmp_path, "full")) == "disk_full"


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (pw.OperationalError("disk I/O error"), "io_error"),
        (sqlite3.OperationalError("attempt to write a readonly database"), "readonly"),
        (sqlite3.DatabaseError("database disk image is malformed"), "corrupt"),
        (
            pw.OperationalError(
                "server closed the connection unexpectedly\n\tThis probably means the "
                "server terminated abnormally\n\tbefore or while processing the request.\n"
            ),
            "server_gone",
        ),
        (
            pw.OperationalError(
                'connection to server at "10.0.0.5", port 5432 failed: Connection refused\n'
                "\tIs the server running on that host and accepting TCP/IP connections?\n"
            ),
            "server_gone",
        ),
        (
            pw.OperationalError("terminating connection due to administrator command"),
            "server_gone",
        ),
        (pw.InterfaceError("connection already closed"), "server_gone"),
        (OSError(errno.ENOSPC, "No space left on device", f"/{NAME}.xlsx"), "disk_full"),
        (DiskFull(), "disk_full"),  # the write path's refusal, whatever SQLite called it
        (OSError(errno.EDQUOT, "Disk quota exceeded"), "disk_full"),
        (ValueError("database is locked"), None),  # the words, not a database's error
        (pw.IntegrityError(f"UNIQUE constraint failed: person.id_number {ID_NUMBER}"), None),
        (RuntimeError(f"{NAME} {ID_NUMBER}"), None),
    ],
)
def test_failures_with_fixed_wording_have_a_category(error, expected):
    assert crash.category(error) == expected


def test_the_category_is_found_behind_what_was_raised_while_handling_it():
    try:
        try:
            raise pw.OperationalError("database or disk is full")
        except pw.OperationalError:
            raise RuntimeError(f"rollback failed for {NAME}") from None
    except RuntimeError as error:
        assert crash.category(error) is None  # `from None`: not its cause
    try:
        try:
            raise pw.OperationalError("database or disk is full")
        except pw.OperationalError as inner:
            raise RuntimeError(f"rollback failed for {NAME}") from inner
    except RuntimeError as error:
        assert crash.category(error) == "disk_full"
        raised = crash.chain(error)
    assert [r.type for r in raised] == ["RuntimeError", "peewee.OperationalError"]
    assert raised[1].category == "disk_full"
    assert raised[0].frames[-1].function.startswith("test_the_category")


# --- the report -------------------------------------------------------------------------


def test_a_report_goes_to_the_data_folder_when_the_ledgers_cannot_take_it(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")  # a file where the ledger's folder should be: nothing is made
    try:
        raise ValueError(NAME)
    except ValueError as error:
        path = crash.write_report(crash.chain(error), ledger=str(blocked / "l.db"), where="t")
    assert path is not None and path.parent == tmp_path / "data-home" / "fptui"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert NAME not in path.read_text()


def test_a_server_ledgers_report_goes_to_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    assert crash.report_folders("postgresql://server/ledger") == [tmp_path / "data-home/fptui"]


def test_the_ledger_is_named_without_credentials(tmp_path):
    local = pw.SqliteDatabase(str(tmp_path / "x" / ".." / "ledger.db"))
    assert crash.ledger_of(local) == str((tmp_path / "ledger.db").resolve())
    server = pw.PostgresqlDatabase("ledger", host="town", port=5433, user="u", password="pw")
    assert crash.ledger_of(server) == "postgresql://town:5433/ledger"
    assert crash.ledger_of(None) is None


def test_file_names_in_a_report_hold_no_home_folder():
    assert crash.short_file("/home/wang/.venv/lib/python3.11/site-packages/peewee.py") == (
        "peewee.py"
    )
    assert crash.short_file("/x/site-packages/textual/app.py") == "textual/app.py"
    assert crash.short_file(crash.__file__) == "fptui/crash.py"
    assert crash.short_file("/home/wang/script.py") == "script.py"


def test_a_failure_while_failing_still_gives_a_line(monkeypatch):
    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(crash, "write_report", broken)
    assert crash.fail(ValueError(NAME), ledger=None, where="t") == "出错了 / something went wrong"
