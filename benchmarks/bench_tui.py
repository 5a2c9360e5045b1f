"""The household list at 100,000 persons: first paint, keystrokes, memory.

    .venv/bin/python benchmarks/bench_tui.py [--persons 100000] [--runs 5]

Prints, measured in one run:
- time from launch (process start) to the first painted household list, beside a bare
  Textual app's first paint measured the same way (goal: under 1.5 times it);
- median time from a keystroke in the search box to the updated list (goal: < 50 ms);
- peak memory of the app process (goal: under 150 MB).
Both apps run headless in a child process; "painted" is the first refresh after the
list holds its rows.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _township import township

# The process's own peak resident memory (VmHWM; ru_maxrss would carry the parent's
# peak across exec).
PEAK = """
def peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
"""

CHILD_FPTUI = (
    PEAK
    + """
import os, sys, time
from fptui import db
from fptui.tui.app import FptuiApp
from fptui.tui.screens.households import HouseholdsScreen
from fptui.tui.widgets.virtual_list import VirtualList

db.open_database(sys.argv[1])

class Timed(FptuiApp):
    def on_mount(self):
        self.set_interval(0.001, self._check)

    def _check(self):
        if isinstance(self.screen, HouseholdsScreen) and self.screen.query(VirtualList):
            if self.screen.query_one(VirtualList).count:
                self.call_after_refresh(self._done)

    def _done(self):
        elapsed = time.time() - float(os.environ["T0"])
        rss = peak_mb()
        print(f"{elapsed:.4f} {rss:.1f}", flush=True)
        self.exit()

Timed().run(headless=True)
"""
)

CHILD_BARE = (
    PEAK
    + """
import os, time
from textual.app import App
from textual.widgets import Footer, Static

class Bare(App):
    def compose(self):
        yield Static("hello")
        yield Footer()

    def on_mount(self):
        self.call_after_refresh(self._done)

    def _done(self):
        elapsed = time.time() - float(os.environ["T0"])
        rss = peak_mb()
        print(f"{elapsed:.4f} {rss:.1f}", flush=True)
        self.exit()

Bare().run(headless=True)
"""
)


def launch(code: str, *args: str) -> tuple[float, float]:
    env = {**os.environ, "T0": repr(time.time())}
    out = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    return float(out[0]), float(out[1])


async def keystrokes(path: Path) -> tuple[list[float], float]:
    """Type queries into the search box; for each key, the time from the key event reaching
    the app to the last line of the list drawn for it (the pilot's own waiting excluded)."""
    from textual import events

    from fptui import db
    from fptui.tui.app import FptuiApp
    from fptui.tui.widgets.virtual_list import VirtualList

    db.open_database(path)
    marks = {"key": 0.0, "drawn": 0.0}
    draw = VirtualList.render_line

    def timed_render_line(self, y):  # type: ignore[no-untyped-def]
        strip = draw(self, y)
        marks["drawn"] = time.perf_counter()
        return strip

    VirtualList.render_line = timed_render_line  # type: ignore[method-assign]

    class Timed(FptuiApp):
        async def on_event(self, event: events.Event) -> None:
            if isinstance(event, events.Key):
                marks["key"] = time.perf_counter()
            await super().on_event(event)

    app = Timed()
    timings = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for query in ("wang", "zsf", "李秀", "0123", "zhang x", "1234"):
            for key in [*query, *["backspace"] * len(query)]:
                await pilot.press(key)
                await pilot.pause()
                if marks["drawn"] > marks["key"]:
                    timings.append(marks["drawn"] - marks["key"])
        for _ in range(50):  # scroll through pages too
            await pilot.press("pagedown")
    VirtualList.render_line = draw  # type: ignore[method-assign]
    namespace: dict = {}
    exec(PEAK, namespace)
    return timings, namespace["peak_mb"]()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    path = township(args.persons)
    launch(CHILD_FPTUI, str(path))  # warm the file cache and bytecode once
    fptui = [launch(CHILD_FPTUI, str(path)) for _ in range(args.runs)]
    bare = [launch(CHILD_BARE) for _ in range(args.runs)]
    first = statistics.median(t for t, _ in fptui)
    base = statistics.median(t for t, _ in bare)
    print(
        f"first paint of the household list, {args.persons:,} persons: {first * 1000:.0f} ms "
        f"(bare Textual app {base * 1000:.0f} ms, ratio {first / base:.2f}; "
        f"median of {args.runs})"
    )
    timings, rss = asyncio.run(keystrokes(path))
    ms = sorted(t * 1000 for t in timings)
    print(
        f"keystroke to updated list: median {statistics.median(ms):.1f} ms, "
        f"p90 {ms[int(len(ms) * 0.9)]:.1f} ms, max {ms[-1]:.1f} ms over {len(ms)} keys"
    )
    peak = max(max(m for _, m in fptui), rss)
    print(
        f"peak memory: {peak:.0f} MB (first paint {max(m for _, m in fptui):.0f} MB, "
        f"after typing and scrolling {rss:.0f} MB; bare app {max(m for _, m in bare):.0f} MB)"
    )


if __name__ == "__main__":
    main()
