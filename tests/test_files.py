"""Files with personal data (issue 13): written whole, owner-only, never over a ledger.

Exports, visit sheets and backups go to a temporary 0600 file beside their name and are
renamed into place (fptui/files.py); an output that is a ledger is refused always, one
that exists unless --force. Each refusal is one line, exit status 2, and changes nothing.
"""

from __future__ import annotations

import hashlib
import os
import stat
import zipfile
from pathlib import Path

import pytest
from conftest import sqlite_only

from fptui import backup, cli, db, files

pytestmark = sqlite_only  # SQLite files


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def mode(path: Path | str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def one_line_refusal(capsys, *words: str) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    for word in words:
        assert word in err, err
    return err


# --- the helper ---------------------------------------------------------------------------


def test_an_atomic_write_is_owner_only_whatever_the_umask(tmp_path, umask_022):
    final = tmp_path / "out.bin"
    with files.atomic_path(final) as temp:
        assert temp.parent == tmp_path and temp.name.startswith(".out.bin.")
        assert mode(temp) == 0o600
        temp.write_bytes(b"new")
    assert final.read_bytes() == b"new"
    assert mode(final) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.bin"]


def test_a_failed_write_keeps_the_previous_file_and_leaves_no_temporary(tmp_path):
    final = tmp_path / "out.bin"
    final.write_bytes(b"previous good one")
    with pytest.raises(OSError), files.atomic_path(final) as temp:
        temp.write_bytes(b"half")
        raise OSError(28, "No space left on device")
    assert final.read_bytes() == b"previous good one"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.bin"]


def test_a_stale_temporary_of_a_killed_write_is_swept(tmp_path):
    final = tmp_path / "out.bin"
    stale = tmp_path / f".out.bin.abcd1234{files.TEMP_SUFFIX}"
    young = tmp_path / f".out.bin.efgh5678{files.TEMP_SUFFIX}"
    other = tmp_path / ".other.abcd1234.fptui-tmp"
    for path in (stale, young, other):
        path.write_bytes(b"x")
    old = os.stat(stale).st_mtime - files.STALE_SECONDS - 10
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    with files.atomic_path(final) as temp:
        temp.write_bytes(b"x")
    assert not stale.exists()
    assert young.exists() and other.exists()  # another write's, or another file's


def test_what_a_file_is_by_its_first_bytes(tmp_path, ledger_db):
    ledger_path = Path(ledger_db.url)
    assert files.is_ledger_file(ledger_path)
    wal = Path(f"{ledger_path}-wal")
    assert wal.exists() and files.is_ledger_file(wal)
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    assert not files.is_ledger_file(text)
    assert files.sqlite_problem(ledger_path) is None
    assert "not an SQLite file" in files.sqlite_problem(text)
    (tmp_path / "empty.db").write_bytes(b"")
    assert "empty" in files.sqlite_problem(tmp_path / "empty.db")
    assert "folder" in files.sqlite_problem(tmp_path)
    db.close_database()  # checkpointed: the file alone holds the ledger
    cut = tmp_path / "cut.db"
    cut.write_bytes(ledger_path.read_bytes()[:8192])
    assert "truncated" in files.sqlite_problem(cut)
    (tmp_path / "tiny.db").write_bytes(files.SQLITE_HEADER[:10])
    assert "truncated" in files.sqlite_problem(tmp_path / "tiny.db")


# --- exports, sheets and backups never replace a ledger ----------------------------------


def test_export_sheet_and_backup_refuse_to_write_over_the_ledger(family, tmp_path, capsys):
    ledger_path = tmp_path / "ledger.db"
    db.close_database()
    before = digest(ledger_path)
    other = tmp_path / "other.db"
    backup.backup(ledger_path, other)  # another ledger (a backup) is one too
    other_before = digest(other)
    for target in (ledger_path, other):
        for force in ([], ["--force"]):
            base = ["--db", str(ledger_path)]
            runs = (
                [*base, "export", "--month", "2026-02", "-o", str(target), *force],
                [*base, "followups", "--due", "all", "--sheet", str(target), *force],
                [*base, "backup", "-o", str(target), *force],
            )
            for argv in runs:
                assert cli.main(argv) == 2, argv
                one_line_refusal(capsys, "is a ledger")
            db.close_database()
    assert digest(ledger_path) == before
    assert digest(other) == other_before


def test_the_ledgers_wal_file_is_refused_too(family, tmp_path, capsys):
    ledger_path = tmp_path / "ledger.db"
    wal = Path(f"{ledger_path}-wal")
    assert wal.exists()
    argv = ["--db", str(ledger_path), "export", "--month", "2026-02", "-o", str(wal), "--force"]
    assert cli.main(argv) == 2
    one_line_refusal(capsys, "is a ledger")


def test_an_existing_output_is_replaced_only_with_force(family, tmp_path, capsys):
    ledger_path = str(tmp_path / "ledger.db")
    runs = {
        "export": ["--db", ledger_path, "export", "--month", "2026-02", "-o"],
        "sheet": ["--db", ledger_path, "followups", "--due", "all", "--sheet"],
        "backup": ["--db", ledger_path, "backup", "-o"],
    }
    for name, argv in runs.items():
        target = tmp_path / f"{name}.out"
        target.write_bytes(b"an earlier file the cadre keeps")
        assert cli.main([*argv, str(target)]) == 2, name
        one_line_refusal(capsys, "already exists", "--force")
        assert target.read_bytes() == b"an earlier file the cadre keeps"
        assert cli.main([*argv, str(target), "--force"]) == 0, name
        capsys.readouterr()
        assert target.read_bytes() != b"an earlier file the cadre keeps"
        if name == "backup":
            assert backup.check(target) > 0
        else:
            assert zipfile.ZipFile(target).testzip() is None
        db.close_database()


def test_an_output_in_a_missing_folder_or_a_folder_is_refused(family, tmp_path, capsys):
    ledger_path = str(tmp_path / "ledger.db")
    missing = tmp_path / "no-such-folder" / "out.xlsx"
    assert cli.main(["--db", ledger_path, "export", "--month", "2026-02", "-o", str(missing)]) == 2
    one_line_refusal(capsys, "folder not found")
    assert cli.main(["--db", ledger_path, "backup", "-o", str(tmp_path)]) == 2
    one_line_refusal(capsys, "is a folder")
    assert not missing.parent.exists()


def test_workbooks_sheets_and_backups_are_owner_only_under_umask_022(
    family, tmp_path, capsys, umask_022
):
    ledger_path = str(tmp_path / "ledger.db")
    out = tmp_path / "out"
    out.mkdir()
    assert cli.main(["--db", ledger_path, "export", "--month", "2026-02", "-o", str(out)]) == 0
    workbook = Path(capsys.readouterr().out.strip())
    sheet = out / "sheet.xlsx"
    assert cli.main(["--db", ledger_path, "followups", "--due", "all", "--sheet", str(sheet)]) == 0
    assert cli.main(["--db", ledger_path, "backup", "-o", str(out / "copy.db")]) == 0
    assert cli.main(["--db", ledger_path, "backup"]) == 0
    capsys.readouterr()
    written = [workbook, sheet, out / "copy.db", *backup.backups_dir(Path(ledger_path)).iterdir()]
    assert len(written) == 4
    assert {str(p): mode(p) for p in written} == {str(p): 0o600 for p in written}
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [workbook.name, "sheet.xlsx", "copy.db"]
    )
