"""Kept findings at 100,000 persons (issue 15, item 1): what reading them saves.

    .venv/bin/python benchmarks/bench_findings.py [--persons 100000] [--saves 20]
    .venv/bin/python benchmarks/bench_findings.py --db COPY.db   # a demo ledger already built

Prints, on the demo township: opening it (with the v12 migration's one full check when
the ledger is older), a save to the updated score (the save keeps the findings of the
households it touched in its own transaction; the live score reads them again and
re-scores the month: median and p90), the score of one village, `fptui check` (the kept
findings) and `fptui check --full` (every check over the ledger, the table put right).
Run it with the code before and after to compare: with the code before, the same steps
run the checks instead (there is no table to read).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _township import township


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--db", help="a copy of a demo ledger to use (it is changed)")
    args = parser.parse_args()
    path = Path(args.db) if args.db else township(args.persons)

    from fptui import cli, clock, db, ledger
    from fptui.models import Area, Household, Person, Setting
    from fptui.reads import score
    from fptui.tui.widgets.score_panel import LiveScore

    started = time.perf_counter()
    db.open_database(path)
    print(f"open (and migrate): {time.perf_counter() - started:.2f} s")
    today = dt.date.fromisoformat(Setting.get_by_id("demo_today").value)
    clock.set_now(today)
    persons = Person.select().count()
    village = Area.select().where(Area.kind == "village").order_by(Area.id).first().id
    homes = Household.select(Household.id).where(Household.village == village)
    size = Person.select().where(Person.household.in_(homes)).count()
    print(f"{persons:,} persons; one village of {size:,}")

    live = LiveScore()
    started = time.perf_counter()
    live.load(village)
    print(f"live score loaded for the village: {_ms(time.perf_counter() - started)}")
    rng = random.Random(3)
    people = [
        p
        for (p,) in Person.select(Person.id)
        .where((Person.residence == "here") & Person.household.in_(homes))
        .tuples()
    ]
    timings = []
    for _ in range(args.saves):
        person = rng.choice(people)
        started = time.perf_counter()
        ledger.edit_person(person, {"note": f"核对 {rng.random():.4f}"})  # the save
        live.refresh(
            ledger.take_touched(), ledger.take_touched_villages()
        )  # the panel's new figures
        timings.append(time.perf_counter() - started)
    ms = sorted(t * 1000 for t in timings)
    print(
        f"save to updated score: median {statistics.median(ms):.1f} ms, "
        f"p90 {ms[int(len(ms) * 0.9)]:.1f} ms over {len(ms)} saves"
    )
    month = f"{today:%Y-%m}"
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        score.score_month(month, village)
        runs.append(time.perf_counter() - started)
    print(f"score of one village: {_ms(statistics.median(runs))} (median of 3)")
    db.close_database()

    for argv, name in ((["check"], "fptui check"), (["check", "--full"], "fptui check --full")):
        out, err = io.StringIO(), io.StringIO()
        started = time.perf_counter()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                cli.main(["--db", str(path), *argv])
        except SystemExit:  # the code before: no --full
            print(f"{name}: not in this code")
            continue
        took = time.perf_counter() - started
        tail = out.getvalue().strip().splitlines()[-1:]
        note = err.getvalue().strip().splitlines()[-1:] if err.getvalue().strip() else []
        print(f"{name}: {took:.2f} s ({'; '.join(tail + note)})")
        db.close_database()


if __name__ == "__main__":
    main()
