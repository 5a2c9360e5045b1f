"""The month end of a village at 100,000 persons, and closing every village at once.

    .venv/bin/python benchmarks/bench_reconcile.py [--persons 100000]

Goal (issue 7): the month end screen's data for one village (balance, findings, overdue
visits, the month's changes) under 1 s. Closing the month in every village (one check
run, one backup) is printed for information; it works on a copy of the township.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _township import township


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    args = parser.parse_args()
    cached = township(args.persons)
    work = Path(tempfile.mkdtemp(prefix="fptui-bench-")) / "ledger.db"
    shutil.copy(cached, work)

    from fptui import clock, db, ledger
    from fptui.models import Area, Setting
    from fptui.reads import period, reconcile

    db.open_database(work)
    today = dt.date.fromisoformat(Setting.get_by_id("demo_today").value)
    clock.set_now(today)
    villages = [a.id for a in Area.select().where(Area.kind == "village").order_by(Area.id)]
    month = reconcile.default_month(villages[0])
    timings = []
    for village in villages[:7]:
        started = time.perf_counter()
        r = reconcile.reconcile(village, month)
        timings.append(time.perf_counter() - started)
    print(
        f"{args.persons:,} persons, {len(villages)} villages; month end of {month}, one "
        f"village: median {statistics.median(timings) * 1000:.0f} ms, "
        f"max {max(timings) * 1000:.0f} ms (goal under 1000 ms)"
    )
    print(
        f"  last: {len(r.errors)} errors, {len(r.warnings)} warnings, {len(r.overdue)} "
        f"overdue, {len(r.changes)} changes, difference {r.balance.difference}"
    )
    started = time.perf_counter()
    overview = reconcile.township(month)
    print(
        f"  township overview (every village: closed?, difference, errors, warnings): "
        f"{time.perf_counter() - started:.2f} s for {len(overview)} villages (in a worker)"
    )
    from fptui.reads import checks

    known = checks.run()
    started = time.perf_counter()
    reconcile.township(month, known)
    print(
        f"  the same with the live score's findings (as the screen has them): "
        f"{time.perf_counter() - started:.2f} s"
    )
    started = time.perf_counter()
    balances = [period.balance(v, month).difference for v in villages]
    print(
        f"  every village's balance: {(time.perf_counter() - started) * 1000:.0f} ms "
        f"({sum(1 for d in balances if d)} off)"
    )
    clock.set_now(dt.datetime.combine(today, dt.time(12)))
    warnings = set()
    for f in known:
        warnings.add(f.key)
    started = time.perf_counter()
    results = ledger.close_months(villages, month, warnings)
    closed = sum(1 for _, r in results if not isinstance(r, Exception))
    print(
        f"  close {month} in every village at once: {time.perf_counter() - started:.1f} s "
        f"({closed} closed, {len(villages) - closed} refused; one backup)"
    )
    shutil.rmtree(work.parent)


if __name__ == "__main__":
    main()
