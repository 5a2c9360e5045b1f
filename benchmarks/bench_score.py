"""The live score at 100,000 persons: a full check, and a saved change to new figures.

    .venv/bin/python benchmarks/bench_score.py [--persons 100000] [--changes 30]

Goals (issue 5): the full check of the ledger under 5 s; the median time from saving
one change to the updated panel figures under 100 ms. "Updated figures" is what the app
does after a save: re-check the households the change touched, re-score the month.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _township import township


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--changes", type=int, default=30)
    args = parser.parse_args()
    path = township(args.persons)

    from fptui import clock, db, ledger
    from fptui.models import Area, Person, Setting
    from fptui.reads import checks
    from fptui.tui.widgets.score_panel import LiveScore

    db.open_database(path)
    clock.set_now(dt.date.fromisoformat(Setting.get_by_id("demo_today").value))
    started = time.perf_counter()
    findings = checks.run()
    print(
        f"full check of {args.persons:,} persons: {time.perf_counter() - started:.2f} s, "
        f"{len(findings)} findings"
    )
    village = Area.select().where(Area.kind == "village").order_by(Area.id).first().id
    rng = random.Random(3)
    for scope, name in ((None, "township"), (village, "one village")):
        live = LiveScore()
        started = time.perf_counter()
        live.load(scope)
        loaded = time.perf_counter() - started
        people = [
            p for (p,) in Person.select(Person.id).where(Person.residence == "here").tuples()
        ]
        timings = []
        for _ in range(args.changes):
            person = rng.choice(people)
            started = time.perf_counter()
            ledger.edit_person(person, {"note": f"核对 {rng.random():.4f}"})  # the save
            live.refresh(
                ledger.take_touched(), ledger.take_touched_villages()
            )  # the panel's new figures
            timings.append(time.perf_counter() - started)
        ms = sorted(t * 1000 for t in timings)
        print(
            f"{name:>11}: first score {loaded:.2f} s (in a worker); save to updated "
            f"figures median {statistics.median(ms):.1f} ms, p90 {ms[int(len(ms) * 0.9)]:.1f} "
            f"ms over {len(ms)} saves; total {live.result.total:.2f}"
        )
    db.close_database()


if __name__ == "__main__":
    main()
