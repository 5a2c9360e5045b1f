"""A township's own schema folder: `fptui --schemas DIR`, or FPTUI_SCHEMAS, is read by every
command (the rules, the checks' messages, the return's layouts and words); a missing or
broken folder is refused in one line, exit status 2, before anything runs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from fptui import cli, ledger, schema
from fptui.reports import layout
from fptui.schema.loader import default_dir, set_default_dir


@pytest.fixture(autouse=True)
def shipped_folder_after() -> Iterator[None]:
    """The folder `--schemas` sets is the process's: each test leaves the shipped one."""
    yield
    set_default_dir(None)


@pytest.fixture
def township(tmp_path) -> Path:
    """A township's copy of the shipped schemas with its own words: a check's message, a
    sheet's title and the return's title."""
    copy = tmp_path / "township-schemas"
    shutil.copytree(schema.DEFAULT_DIR, copy)
    edit(copy / "checks.toml", "{name}：已婚但无结婚日期", "{name}：已婚，结婚日期未填（本镇）")
    edit(copy / "reports" / "1_population.toml", '"人口变动情况"', '"人口变动（本镇）"')
    edit(copy / "return.toml", '"人口和计生服务月报"', '"本镇月报"')
    return copy


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def married_with_no_date(family: dict) -> None:
    ledger.edit_person(family["wife"].id, {"marriage_date": None})


def test_fptui_schemas_dir_is_read_by_the_checks_and_the_return(
    ledger_db, family, township, capsys
):
    married_with_no_date(family)
    assert cli.main(["--schemas", str(township), "--db", ledger_db.url, "check"]) == 1
    assert "李秀英：已婚，结婚日期未填（本镇）" in capsys.readouterr().out
    month = ["--month", "2026-03"]
    assert cli.main(["--schemas", str(township), "--db", ledger_db.url, "report", *month]) == 0
    sheets = json.loads(capsys.readouterr().out)["sheets"]
    assert sheets[0]["title"] == "人口变动（本镇）"
    assert default_dir() == township.resolve()
    assert layout.words()["title"]("zh") == "本镇月报"  # what the workbook's cover says
    set_default_dir(None)
    assert layout.words()["title"]("zh") == "人口和计生服务月报"
    assert cli.main(["--db", ledger_db.url, "check"]) == 1
    assert "李秀英：已婚但无结婚日期" in capsys.readouterr().out


def test_fptui_schemas_environment_variable_names_the_folder_too(
    ledger_db, family, township, tmp_path, capsys, monkeypatch
):
    married_with_no_date(family)
    monkeypatch.setenv("FPTUI_SCHEMAS", str(township))
    assert cli.main(["--db", ledger_db.url, "check"]) == 1
    assert "（本镇）" in capsys.readouterr().out
    # the option wins over the environment
    monkeypatch.setenv("FPTUI_SCHEMAS", str(tmp_path / "nowhere"))
    assert cli.main(["--schemas", str(township), "--db", ledger_db.url, "check"]) == 1
    assert "（本镇）" in capsys.readouterr().out
    set_default_dir(None)  # as a new process starts
    monkeypatch.setenv("FPTUI_SCHEMAS", "")  # set but empty: the shipped folder
    assert cli.main(["--db", ledger_db.url, "check"]) == 1
    assert "已婚但无结婚日期" in capsys.readouterr().out


def refusal(capsys) -> str:
    """What was printed for a refused folder: one line on stderr, nothing on stdout."""
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    return err.strip()


def test_a_missing_folder_is_refused_in_one_line_with_status_2(tmp_path, capsys, monkeypatch):
    missing = tmp_path / "nowhere"
    database = tmp_path / "demo.db"
    demo = ["demo", "--no-open", "--persons", "50", "--db", str(database)]
    assert cli.main(["--schemas", str(missing), *demo]) == 2
    line = refusal(capsys)
    assert line.startswith("fptui: 找不到规则文件夹 / schema folder not found (--schemas): ")
    assert line.endswith(str(missing))
    monkeypatch.setenv("FPTUI_SCHEMAS", str(missing))
    assert cli.main(demo) == 2
    assert "(FPTUI_SCHEMAS)" in refusal(capsys)
    assert not database.exists()  # refused before anything ran
    assert default_dir() == schema.DEFAULT_DIR


@pytest.mark.parametrize(
    ("file", "old", "new", "key"),
    [
        ("choices.toml", "[sex]", "[sex", "(syntax)"),
        ("domain.toml", "legal_age_male = 22", 'legal_age_male = "22"', "marriage.legal_age_male"),
        ("checks.toml", "[checks.married_no_date]", "[checks.maried]", "checks.maried"),
        ("reports/1_population.toml", '"population_change"', '"nothing"', "report.table"),
        ("return.toml", "cover = ", "covers = ", "covers"),
    ],
)
def test_a_broken_schema_is_refused_in_one_line_naming_file_and_key(
    township, tmp_path, capsys, file, old, new, key
):
    edit(township / file, old, new)
    database = tmp_path / "ledger.db"
    assert cli.main(["--schemas", str(township), "--db", str(database), "check"]) == 2
    line = refusal(capsys)
    assert line.startswith("fptui: 规则文件有误 / schema error (--schemas): ")
    assert f"{township / file}: {key}: " in line
    assert not database.exists()
    assert default_dir() == schema.DEFAULT_DIR


def test_the_fptui_process_exits_2_with_no_traceback(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "fptui.cli", "--schemas", str(tmp_path / "nowhere"), "check"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stdout == "" and len(done.stderr.splitlines()) == 1
    assert "schema folder not found" in done.stderr
