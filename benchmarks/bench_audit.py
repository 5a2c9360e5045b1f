"""The ledger's size per 100,000 persons (the audit's share of it) and the demo's build time.

    .venv/bin/python benchmarks/bench_audit.py [--persons 100000] [--seed 1]

Goals (issue 15): at most 80 MB per 100,000 persons; the 100,000-person demo built in
under 60 s. The demo is built afresh into a temporary folder (its seconds are the
build's own, `demo.build`'s Summary), so the file measured is a fresh ledger: the v12
migration rewrites an older ledger's audit rows but runs no VACUUM, and such a file
keeps its size (its freed pages take the next rows) until one is run.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path

from fptui import db, demo

SIZE_GOAL_MB = 80.0
BUILD_GOAL_S = 60.0
BUILD_GOAL_PERSONS = 100_000


def sizes(path: Path) -> dict[str, float]:
    """Bytes of each table with its indexes, from SQLite's dbstat."""
    con = sqlite3.connect(path)
    try:
        tables = dict(con.execute("SELECT name, tbl_name FROM sqlite_master WHERE rootpage > 0"))
        out: dict[str, float] = {}
        for name, size in con.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"):
            table = tables.get(name, name)
            out[table] = out.get(table, 0) + size
        return out
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=BUILD_GOAL_PERSONS)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=Path(__file__).parent) as tmp:
        path = Path(tmp) / "demo.db"
        cpu = time.process_time()
        summary = demo.build(path, persons=args.persons, seed=args.seed)
        cpu = time.process_time() - cpu
        db.close_database()
        size = path.stat().st_size
        parts = sizes(path)
    per = 100_000 / summary.persons
    mb = size * per / 1e6
    verdict = "met" if summary.seconds < BUILD_GOAL_S else "NOT met"
    goal = (
        f" [goal < {BUILD_GOAL_S:.0f} s: {verdict}]" if args.persons == BUILD_GOAL_PERSONS else ""
    )
    print(
        f"demo of {summary.persons:,} persons ({summary.events:,} events): built in "
        f"{summary.seconds:.1f} s ({cpu:.1f} s of CPU){goal}"
    )
    print(
        f"database: {size / 1e6:.1f} MB, {mb:.1f} MB per 100,000 persons "
        f"[goal <= {SIZE_GOAL_MB:.0f} MB: {'met' if mb <= SIZE_GOAL_MB else 'NOT met'}]"
    )
    total = sum(parts.values())
    for table, part in sorted(parts.items(), key=lambda kv: -kv[1])[:6]:
        print(
            f"  {table:<14} with its indexes {part * per / 1e6:6.1f} MB per 100,000 "
            f"({part / total:.0%})"
        )
    # the audit is its rows and, since schema v16, its changes' rows (when, who, what)
    log = parts.get("audit", 0) + parts.get("change", 0)
    print(
        f"  the audit log (audit and change) {log * per / 1e6:6.1f} MB per 100,000 "
        f"({log / total:.0%})"
    )


if __name__ == "__main__":
    main()
