"""Several cadres saving at once: ten processes on one SQLite file, two on PostgreSQL.

    .venv/bin/python benchmarks/bench_concurrency.py [--processes 10] [--saves 200]
                                                     [--pg URL] [--pg-processes 2]

Each process is a cadre with a connection of its own, saving into one ledger as fast as
it can, all starting at one moment: three card edits (with the version each last saved,
as the edit form sends it) for every event recorded (a contraceptive service). Printed:
saves per second over all processes, the median, p95 and slowest save, and the saves
that failed (any exception or refusal). Goals (issue 13): no failure; p95 under 200 ms
on SQLite.

PostgreSQL runs when `--pg URL` is given or FPTUI_TEST_PG is set, else it is skipped
with the reason. Its database is a scratch one, as the tests': the public schema is
emptied first.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

SERVICE = {"method": "condom", "informed_choice": "1"}


def _ledger(url: str, processes: int) -> list[list[int]]:
    """A village with a household of two persons for each process; their ids."""
    from fptui import db, ledger, schema

    schema.use(None)
    db.open_database(url)
    ledger.set_user("bench")
    county = ledger.add_area("county", "140121", "清徐县")
    township = ledger.add_area("township", "140121101", "东于镇", county)
    village = ledger.add_area("village", "140121101201", "王家庄村", township)
    people = []
    for n in range(processes):
        home = ledger.add_household({"village": village.id, "number": f"{n + 1:04d}"})
        people.append(
            [
                ledger.add_person(
                    home, {"name": "测试", "sex": "M", "birth_date": "1980-01-01"}
                ).id
                for _ in range(2)
            ]
        )
    db.close_database()
    return people


def _cadre(url: str, n: int, people: list[int], saves: int, ready: Any, out: mp.Queue) -> None:
    """One process: connected, it waits at `ready` for the others, then makes `saves`
    saves; puts (timings in ms, failures)."""
    import datetime as dt

    from fptui import db, ledger, schema

    schema.use(None)
    db.open_database(url)
    ledger.set_user(f"cadre{n}")
    versions = dict.fromkeys(people, 1)
    service = {**SERVICE, "date": dt.date.today().isoformat()}
    timings: list[float] = []
    failures: Counter[str] = Counter()
    ready.wait()  # every cadre imported and connected: they start together
    for i in range(saves):
        person = people[i % len(people)]
        began = time.perf_counter()
        try:
            if i % 4 == 3:
                ledger.record_contraception(person, service)
            else:
                saved = ledger.edit_person(
                    person, {"note": f"核对 {n}-{i}"}, expected_version=versions[person]
                )
                versions[person] = saved.version
        except Exception as exc:  # a refusal or a database error: a failed save
            failures[type(exc).__name__ + ": " + str(exc)[:60]] += 1
        timings.append((time.perf_counter() - began) * 1000)
    db.close_database()
    out.put((timings, dict(failures)))


def run(label: str, url: str, processes: int, saves: int, goal_p95: float | None) -> bool:
    """Run `processes` cadres of `saves` saves each on `url`; print the figures."""
    people = _ledger(url, processes)
    context = mp.get_context("spawn")  # each cadre imports fptui and connects afresh
    queue: mp.Queue = context.Queue()
    ready = context.Barrier(processes + 1)
    workers = [
        context.Process(target=_cadre, args=(url, n, people[n], saves, ready, queue))
        for n in range(processes)
    ]
    for w in workers:
        w.start()
    ready.wait(timeout=120)
    start = time.time()
    found = [queue.get(timeout=600) for _ in workers]
    ended = time.time()
    for w in workers:
        w.join()
    timings = sorted(t for ts, _ in found for t in ts)
    failures: Counter[str] = Counter()
    for _, f in found:
        failures.update(f)
    done = len(timings) - sum(failures.values())
    p95, p99 = (timings[int(len(timings) * q) - 1] for q in (0.95, 0.99))
    print(
        f"{label}, {processes} processes x {saves} saves: {done:,} of {len(timings):,} saved "
        f"in {ended - start:.1f} s, {done / (ended - start):,.0f} saves/s; latency median "
        f"{statistics.median(timings):.1f} ms, p95 {p95:.1f} ms"
        + (f" (goal < {goal_p95:.0f} ms)" if goal_p95 else "")
        + f", p99 {p99:.1f} ms, slowest {timings[-1]:.0f} ms; failures "
        f"{sum(failures.values())} (goal 0)"
    )
    for reason, count in failures.most_common(3):
        print(f"    {count} x {reason}")
    return not failures and (goal_p95 is None or p95 < goal_p95)


def _empty_pg(url: str) -> None:
    import psycopg2

    con = psycopg2.connect(url)
    con.autocommit = True
    con.cursor().execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    con.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=10)
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--pg", default=os.environ.get("FPTUI_TEST_PG", ""))
    parser.add_argument("--pg-processes", type=int, default=2)
    args, _ = parser.parse_known_args()  # `tasks.py bench` gives all scripts one set
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        url = str(Path(folder) / "ledger.db")
        ok &= run("SQLite", url, args.processes, args.saves, goal_p95=200.0)
    if not args.pg:
        print("PostgreSQL: skipped (no --pg URL and FPTUI_TEST_PG is not set)")
        return 0 if ok else 1
    try:
        _empty_pg(args.pg)
    except ImportError:
        print("PostgreSQL: skipped (psycopg2 is not installed: pip install -e '.[postgresql]')")
        return 0 if ok else 1
    ok &= run("PostgreSQL", args.pg, args.pg_processes, args.saves, goal_p95=None)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
