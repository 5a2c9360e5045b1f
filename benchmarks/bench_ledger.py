"""Demo generation time, and the time to record one event at 100,000 persons.

    .venv/bin/python benchmarks/bench_ledger.py [--persons 100000] [--events 300]

Goals (issue 2): 100,000 persons generated in under 60 s; one recorded event (its own
transaction with synchronous=FULL, audit rows included) under 5 ms, median.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from fptui import clock, db, demo, ledger
from fptui.models import Person


def generate(directory: Path, persons: int) -> Path:
    summary = demo.build(directory / f"demo{persons}.db", persons=persons, seed=1)
    db.close_database()
    print(
        f"demo generation, {persons:>7,} persons asked ({summary.persons:,} made, "
        f"{summary.events:,} events): {summary.seconds:6.1f} s"
    )
    return summary.path


def record_events(path: Path, count: int) -> None:
    db.open_database(path)
    ledger.set_user("bench")
    rng = random.Random(5)
    total = Person.select().count()
    here = [p for (p,) in Person.select(Person.id).where(Person.residence == "here").tuples()]
    women = [
        p
        for (p,) in Person.select(Person.id)
        .where(
            Person.residence == "here",
            Person.sex == "F",
            Person.marital_status.in_(["first", "remarried"]),
        )
        .tuples()
    ]
    timings = []
    for i in range(count):
        if i % 3 == 2:
            values = {
                "mother": rng.choice(women),
                "name": "测试婴儿",
                "sex": "F",
                "date": clock.today(),
            }
            started = time.perf_counter()
            ledger.record_birth(values)
        else:
            person = here.pop(rng.randrange(len(here)))
            values = {"date": clock.today(), "destination": "太原", "contact": "13800000000"}
            started = time.perf_counter()
            ledger.record_go_out(person, values)
        timings.append(time.perf_counter() - started)
    db.close_database()
    ms = sorted(t * 1000 for t in timings)
    print(
        f"one recorded event at {total:,} persons: "
        f"median {statistics.median(ms):.2f} ms, p90 {ms[int(len(ms) * 0.9)]:.2f} ms, "
        f"max {ms[-1]:.2f} ms over {count} events (go out and births, synchronous=FULL)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=Path(__file__).parent) as tmp:
        generate(Path(tmp), 5000)
        big = generate(Path(tmp), args.persons)
        record_events(big, args.events)


if __name__ == "__main__":
    main()
