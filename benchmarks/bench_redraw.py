"""Bytes written to the terminal for each key of a tour of the screens (issue 15).

The app runs headless with a driver that renders and counts what it would write (as
bench_scale's `terminal` does), on a small demo township: the bytes depend on the screen,
not on the ledger's size. The tour: Down in the household list, Tab through a new
household's form (and F4's list of villages, Down in it), Down and Up in a household
card's members, Down in a person card, Down in the follow-up list, Down in the village
picker (and its opening and closing), Esc on a changed form and N in the question it
asks. Each key's bytes, their
median and maximum are printed against issue 15's goals: a key that moves the cursor
(Down, Up) at most 600 bytes, Tab in a form at most 2 KB.

    python benchmarks/bench_redraw.py [--persons 500] [--size 80x24] [--db LEDGER]

`--db` measures on a copy of a ledger already built (bench_scale's 100,000-person demo:
its township's 60 villages are what the village field and its picker offer).
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

# What each step's key may send at most (issue 15): moving the cursor, a line or two
# changed, 600 bytes; Tab in a form 2 KB. A dialog opened or closed (Textual paints the
# whole terminal, several times) is not a line or two, and is shown without a goal.
GOALS = {"down": 600, "up": 600, "tab": 2048}


async def tour(size: tuple[int, int]) -> list[tuple[str, str, list[int]]]:
    """(screen, key, the bytes of each press) for every step of the tour."""
    from _terminal import rendering_driver

    from fptui.tui.app import FptuiApp

    written = [0]

    def count_bytes(data: str) -> None:
        written[0] += len(data.encode("utf-8"))

    out: list[tuple[str, str, list[int]]] = []
    with rendering_driver(count_bytes):
        app = FptuiApp()
        async with app.run_test(size=size) as pilot:

            async def settled() -> None:
                """Until the screen's workers are done (the live score below the list
                arriving resizes it): what they draw is not the next key's."""
                from textual.worker import WorkerState

                for _ in range(600):
                    await pilot.pause(0.05)
                    busy = (WorkerState.PENDING, WorkerState.RUNNING)
                    if not any(w.state in busy for w in app.workers):
                        break
                await pilot.pause(0.1)

            async def go(*keys: str, wait: float = 0.5) -> None:
                await pilot.press(*keys)
                await pilot.pause(wait)

            async def measure(screen: str, key: str, times: int) -> None:
                figures = []
                for _ in range(times):
                    await settled()
                    before = written[0]
                    await pilot.press(key)
                    await pilot.pause(0.1)
                    figures.append(written[0] - before)
                out.append((screen, key, figures))

            await pilot.pause(0.5)
            await measure("household list", "down", 8)
            await go("ctrl+n")
            await measure("household form", "tab", 12)
            await go("shift+tab", wait=0.2)  # back in the first field, the village
            while app.focused is not None and app.focused.id != "in-village":
                await go("shift+tab", wait=0.2)
            await go("f4")
            await measure("village picker (F4 in the form)", "down", 8)
            await go("escape", "escape")  # the picker, then the form (unchanged)
            await go("home", "enter")  # the first household's card
            await measure("household card", "down", 3)
            await measure("household card", "up", 3)
            await go("enter")  # its first member's card
            await measure("person card", "down", 4)
            await go("escape", "escape")  # the household card, the list
            await go("f7")
            await measure("follow-up list", "down", 8)
            await go("escape")
            await measure("village picker opened (list)", "f4", 1)
            await measure("village picker (F4 in the list)", "down", 8)
            await measure("village picker closed", "escape", 1)
            await go("ctrl+n", "tab", "tab", "9", "escape")  # a changed form
            await measure("discard question", "n", 1)
            await go("escape", "y")
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
        seen = asyncio.run(tour((width, height)))
        db.close_database()
    print(f"bytes per key at {width}x{height}")
    for screen, key, figures in seen:
        median, top = statistics.median(figures), max(figures)
        goal = GOALS.get(key)
        verdict = "" if goal is None else (" ok" if top <= goal else " OVER")
        print(f"{screen:34s} {key:5s} median {median:6.0f} B, max {top:6d} B{verdict}")
        print(f"{'':34s}       each {figures}")
    for key, goal in GOALS.items():
        top = max((max(f) for _, k, f in seen if k == key), default=0)
        print(f"{key:5s} max {top} B (goal <= {goal} B): {'ok' if top <= goal else 'OVER'}")


if __name__ == "__main__":
    main()
