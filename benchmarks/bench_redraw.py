"""Bytes written to the terminal for Down in the household list and Tab in a form.

The app runs headless with a driver that renders and counts what it would write (as
bench_scale's `terminal` does), on a small demo township: the bytes depend on the screen,
not on the ledger's size. Prints each Down and each Tab (from field to field of a new
household's form), their median and maximum, against issue 15's goals (Down at most
600 bytes, Tab at most 2 KB).

    python benchmarks/bench_redraw.py [--persons 500] [--size 80x24] [--db LEDGER]

`--db` measures on a copy of a ledger already built (bench_scale's 100,000-person demo:
its township's long list of villages beside the village field is what a Tab leaving
that field redraws).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent))  # this checkout's fptui


async def count(size: tuple[int, int], downs: int = 8, tabs: int = 12) -> dict[str, list[int]]:
    from _terminal import rendering_driver

    from fptui.tui.app import FptuiApp

    written = [0]

    def count_bytes(data: str) -> None:
        written[0] += len(data.encode("utf-8"))

    out: dict[str, list[int]] = {"down": [], "tab": []}
    with rendering_driver(count_bytes):
        app = FptuiApp()
        async with app.run_test(size=size) as pilot:
            await pilot.pause(0.5)
            for _ in range(downs):
                await pilot.pause(0.1)
                before = written[0]
                await pilot.press("down")
                await pilot.pause(0.1)
                out["down"].append(written[0] - before)
            await pilot.press("ctrl+n")
            await pilot.pause(0.5)
            for _ in range(tabs):
                await pilot.pause(0.1)
                before = written[0]
                await pilot.press("tab")
                await pilot.pause(0.1)
                out["tab"].append(written[0] - before)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=500)
    parser.add_argument("--size", default="80x24")
    parser.add_argument("--db", type=Path, help="a demo ledger to measure on (copied)")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))

    from fptui import clock, db, demo
    from fptui.models import Setting

    with tempfile.TemporaryDirectory() as work:  # small: built afresh, in a second
        path = Path(work) / "demo.db"
        if args.db:
            shutil.copyfile(args.db, path)
        else:
            demo.build(path, persons=args.persons)
        db.open_database(str(path))
        clock.set_now(dt.date.fromisoformat(Setting.get_by_id("demo_today").value))
        seen = asyncio.run(count((width, height)))
        db.close_database()
    for key, goal in (("down", 600), ("tab", 2048)):
        figures = seen[key]
        median, top = statistics.median(figures), max(figures)
        verdict = "ok" if top <= goal else "OVER"
        print(f"{key:5s} each {figures}")
        print(f"{key:5s} median {median:.0f} B, max {top} B (goal <= {goal} B): {verdict}")


if __name__ == "__main__":
    main()
