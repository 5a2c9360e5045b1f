"""Exporting the monthly return of a 100,000-person township: time and peak memory.

    .venv/bin/python benchmarks/bench_export.py [--persons 100000]

Goals (issue 6): under 5 s and under 200 MB. Run in a child process, so its peak memory
(VmHWM) is the export's own. The open month (last month) is counted; the month before it,
closed by the demo, is read as kept at its close (issue 12): both are measured.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _township import township

CHILD = """
import datetime as dt, sys, time
from fptui import clock, db
from fptui.models import Setting
from fptui.reports import xlsx
db.open_database(sys.argv[1])
today = dt.date.fromisoformat(Setting.get_by_id("demo_today").value)
clock.set_now(today)
first = today.replace(day=1)
for _ in range(int(sys.argv[3])):
    first = (first - dt.timedelta(days=1)).replace(day=1)
month = f"{first:%Y-%m}"
started = time.perf_counter()
path = xlsx.write(sys.argv[2], month, unit="东于镇")
seconds = time.perf_counter() - started
peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(f"{month} {seconds:.2f} {peak / 1024:.0f} {path.stat().st_size}")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    args = parser.parse_args()
    path = township(args.persons)
    with tempfile.TemporaryDirectory() as tmp:
        for which, ago in (("open", 1), ("closed", 2)):
            result = subprocess.run(
                [sys.executable, "-c", CHILD, str(path), str(Path(tmp) / "r.xlsx"), str(ago)],
                capture_output=True,
                text=True,
                check=True,
            )
            month, seconds, peak, size = result.stdout.split()
            print(
                f"export of {month} ({which}), township of {args.persons:,} persons: "
                f"{float(seconds):.2f} s, peak memory {peak} MB, "
                f"workbook {int(size) / 1024:.0f} KB"
            )


if __name__ == "__main__":
    main()
