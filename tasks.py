"""Set up a local virtual environment and run fptui's everyday jobs.

Only the standard library is used, so `python3 tasks.py demo` works on a machine that has
nothing but Python 3.11+. The environment is made once in `.venv` and re-installed only
when `pyproject.toml` changes.

    python3 tasks.py demo    set up, build the demo township, open it
    python3 tasks.py test    set up with the test extra, run ruff, the layers' contracts
                             (lint-imports) and the whole test suite
    python3 tasks.py bench   set up, run every benchmark script
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".setup-stamp"


def _run(*args: str | Path) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True)


def setup(extra: str = "") -> None:
    """Make `.venv` and install fptui into it (editable), unless already up to date."""
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extra.encode()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not PY.exists():
        print(f"+ creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    target = f".[{extra}]" if extra else "."
    # editable_mode=compat: a plain .pth entry instead of an import hook that cost
    # every start of fptui about 12 ms.
    _run(
        PY,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--config-settings",
        "editable_mode=compat",
        "-e",
        target,
    )
    STAMP.write_text(wanted)


def demo(args: list[str]) -> int:
    setup()
    return subprocess.call([str(BIN / "fptui"), "demo", *args], cwd=ROOT)


def test(args: list[str]) -> int:
    # FPTUI_TEST_PG=postgresql://... runs the same suite against that server (.ci/run).
    setup("test,postgresql" if os.environ.get("FPTUI_TEST_PG") else "test")
    for cmd in (["ruff", "check", "."], ["ruff", "format", "--check", "."], ["lint-imports"]):
        _run(BIN / cmd[0], *cmd[1:])
    return subprocess.call([str(PY), "-m", "pytest", *args], cwd=ROOT)


def bench(args: list[str]) -> int:
    setup("test")
    status = 0
    for script in sorted((ROOT / "benchmarks").glob("bench_*.py")):
        status |= subprocess.call([str(PY), str(script), *args], cwd=ROOT)
    return status


JOBS = {"demo": demo, "test": test, "bench": bench}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in JOBS:
        print(__doc__)
        return 2
    try:
        return JOBS[sys.argv[1]](sys.argv[2:])
    except subprocess.CalledProcessError as exc:
        return exc.returncode or 1


if __name__ == "__main__":
    sys.exit(main())
