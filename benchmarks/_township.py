"""A demo township of a given size, built once and kept in benchmarks/.cache/."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

CACHE = Path(__file__).parent / ".cache"


def _version() -> str:
    """A digest of the code and rules that shape the demo: a change builds it anew."""
    root = Path(__file__).parent.parent
    digest = hashlib.sha256()
    for path in sorted([*root.glob("fptui/**/*.py"), *root.glob("schemas/**/*.toml")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def township(persons: int, seed: int = 1) -> Path:
    """The path of a fresh copy of the cached demo township (built the first time)."""
    CACHE.mkdir(exist_ok=True)
    master = CACHE / f"demo-{persons}-{seed}-{_version()}.db"
    if not master.exists():
        # Built in a child process, so the benchmark's own peak memory is its own.
        code = (
            "import sys; from fptui import demo; "
            "s = demo.build(sys.argv[1], persons=int(sys.argv[2]), seed=int(sys.argv[3])); "
            "print(f'(built {s.persons:,} persons in {s.seconds:.1f} s)')"
        )
        subprocess.run(
            [sys.executable, "-c", code, str(master), str(persons), str(seed)], check=True
        )
    copy = CACHE / f"work-{persons}-{seed}.db"
    shutil.copyfile(master, copy)
    return copy
