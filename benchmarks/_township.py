"""A demo township of a given size, built once and kept in benchmarks/.cache/."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

CACHE = Path(__file__).parent / ".cache"


def _version() -> str:
    """A digest of the code and rules that shape the demo: a change builds it anew."""
    root = Path(__file__).parent.parent
    digest = hashlib.sha256()
    for path in sorted([*root.glob("fptui/*.py"), *root.glob("schemas/**/*.toml")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def township(persons: int, seed: int = 1) -> Path:
    """The path of a fresh copy of the cached demo township (built the first time)."""
    from fptui import db, demo

    CACHE.mkdir(exist_ok=True)
    master = CACHE / f"demo-{persons}-{seed}-{_version()}.db"
    if not master.exists():
        summary = demo.build(master, persons=persons, seed=seed)
        db.close_database()
        print(f"(built {summary.persons:,} persons in {summary.seconds:.1f} s)")
    copy = CACHE / f"work-{persons}-{seed}.db"
    shutil.copyfile(master, copy)
    return copy
