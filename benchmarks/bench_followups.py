"""Follow-up lists and regeneration at 100,000 persons.

    .venv/bin/python benchmarks/bench_followups.py [--persons 100000]

Goals (issue 4): the overdue list under 100 ms; regenerating every follow-up from the
events under 30 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _township import township


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    args = parser.parse_args()
    path = township(args.persons)

    from fptui import clock, db, ledger
    from fptui.models import FollowUp, Setting
    from fptui.reads import followups

    db.open_database(path)
    today = dt.date.fromisoformat(Setting.get_by_id("demo_today").value)
    clock.set_now(today)
    total = FollowUp.select().count()
    open_ = FollowUp.select().where(FollowUp.status == "open").count()
    print(f"{args.persons:,} persons: {total:,} follow-ups, {open_:,} open")
    for due in ("overdue", "7d", "all"):
        timings = []
        for _ in range(7):
            started = time.perf_counter()
            rows = followups.open_list(due)
            timings.append(time.perf_counter() - started)
        print(
            f"{due:>8} list: {len(rows):>6,} rows, "
            f"median {statistics.median(timings) * 1000:6.1f} ms"
        )
    started = time.perf_counter()
    counts = followups.counts()
    print(f"  counts: {counts} in {(time.perf_counter() - started) * 1000:.1f} ms")
    FollowUp.delete().where(FollowUp.status == "open").execute()  # lose every open visit
    started = time.perf_counter()
    added, removed, kept = ledger.regenerate_followups()
    seconds = time.perf_counter() - started
    print(
        f"regenerate every follow-up from the events: {seconds:.1f} s "
        f"({added:,} open visits planned again, {removed} removed, {kept} kept)"
    )
    started = time.perf_counter()
    again = ledger.regenerate_followups()
    print(f"regenerate again (nothing to change): {time.perf_counter() - started:.1f} s, {again}")
    db.close_database()


if __name__ == "__main__":
    main()
