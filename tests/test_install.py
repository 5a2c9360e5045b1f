"""A plain install works anywhere: the wheel carries every module and the default schemas,
and fptui run from it alone, outside the checkout, builds the demo, checks it and writes
the monthly return.

The wheel is installed with `pip install --target` beside this environment's
dependencies, so no package index is needed after the build (`.ci/run` installs it into a
fresh virtual environment as a user would). It runs with `python -S`: the editable
install's .pth, which puts the checkout on the path, is not read.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from conftest import sqlite_only

ROOT = Path(__file__).resolve().parent.parent

# The demo writes an SQLite file: the wheel is checked once, on the SQLite run.
pytestmark = sqlite_only


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of what it is made of: setuptools leaves build/ in the
    folder it builds, and a build/ left from earlier can carry deleted files into it."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    for name in ("fptui", "schemas"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", tmp / "dist", src],
        capture_output=True,
        text=True,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    if built.returncode and "No matching distribution found for setuptools" in built.stderr:
        pytest.skip("the build backend (setuptools>=68) could not be fetched: no package index")
    assert built.returncode == 0, built.stderr
    (found,) = (tmp / "dist").glob("fptui-*.whl")
    return found


def test_the_wheel_carries_every_module_and_every_schema_file(wheel):
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    modules = {f"fptui/{p.relative_to(ROOT / 'fptui').as_posix()}" for p in _files("fptui", "py")}
    schemas = {
        f"fptui/_schemas/{p.relative_to(ROOT / 'schemas').as_posix()}"
        for p in _files("schemas", "toml")
    }
    assert {"fptui/_schemas/choices.toml", "fptui/_schemas/forms/person.toml"} <= schemas
    assert "fptui/_schemas/reports/1_population.toml" in schemas
    assert modules - names == set()  # a package missing from pyproject.toml's list
    assert schemas - names == set()
    assert "fptui/py.typed" in names
    # nothing of the checkout's own layout (schemas/, tests/) at the top of site-packages
    assert {n.split("/")[0] for n in names if ".dist-info/" not in n} == {"fptui"}


def test_fptui_runs_from_the_installed_wheel_outside_the_checkout(wheel, tmp_path):
    site = tmp_path / "site"
    _run(
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-deps",
        "--no-index",
        "--target",
        site,
        wheel,
        cwd=tmp_path,
    )
    work = tmp_path / "work"
    work.mkdir()
    # the installed copy first, then this environment's site-packages for the dependencies
    deps = dict.fromkeys(sysconfig.get_path(k) for k in ("purelib", "platlib"))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), *deps])}
    env.pop("FPTUI_SCHEMAS", None)

    def fptui(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-S", "-m", "fptui.cli", *args],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
        )

    where = subprocess.run(
        [
            sys.executable,
            "-S",
            "-c",
            "import fptui, fptui.schema as s; print(fptui.__file__); print(s.DEFAULT_DIR)",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert where == [str(site / "fptui" / "__init__.py"), str(site / "fptui" / "_schemas")]

    demo = fptui("demo", "--no-open", "--persons", "300", "--db", "x.db")
    assert demo.returncode == 0, demo.stderr
    assert "deliberate faults" in demo.stdout
    # the demo plants errors on purpose: check finds them (1); anything else is a failure
    check = fptui("--db", "x.db", "check")
    assert check.returncode == 1, check.stderr
    assert re.fullmatch(r"[1-9]\d* errors, \d+ warnings", check.stdout.splitlines()[-1])
    month = dt.date.today().strftime("%Y-%m")
    export = fptui("--db", "x.db", "export", "--month", month, "-o", "return.xlsx")
    assert export.returncode == 0, export.stderr
    assert (work / "return.xlsx").stat().st_size > 0
    assert not list(ROOT.glob("x.db*")) and not (ROOT / "return.xlsx").exists()


def _files(folder: str, ext: str) -> list[Path]:
    return [p for p in (ROOT / folder).rglob(f"*.{ext}") if "__pycache__" not in p.parts]


def _run(*args: str | Path, cwd: Path) -> None:
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
