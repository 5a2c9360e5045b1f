"""How long `fptui demo` takes to build its township, at 10,000 and 100,000 persons.

    .venv/bin/python benchmarks/bench_demo.py [--sizes 10000,100000] [--repeat 1]
        [--against DIR]

Goal (issue 15): the demo of 100,000 persons under 60 s.

Each build runs in a child process of its own (a fresh interpreter, as `fptui demo`
starts) into a temporary directory, and prints its wall time and the CPU time it used:
on a shared machine the wall time follows the load, the CPU time much less. The builds
are the demo's own (seed 1, the day fixed), so every run builds the same ledger.

`--against DIR` times another checkout's code too (a directory holding an `fptui`
package, for example `git archive main | tar -x -C /tmp/main`), its builds alternating
with this checkout's, so that both meet the same load: a before and after, back to back.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
GOAL_SECONDS = 60.0
GOAL_PERSONS = 100_000
DAY = "2026-11-30"

# Run in the child: build, then report wall and CPU seconds (the child's own, so the
# parent's imports and the other builds are not counted).
_CHILD = """
import datetime as dt, json, sys, time
from fptui import demo
wall, cpu = time.perf_counter(), time.process_time()
s = demo.build(sys.argv[1], persons=int(sys.argv[2]), seed=1,
               today=dt.date.fromisoformat(sys.argv[3]))
print(json.dumps({"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
                  "persons": s.persons, "events": s.events}))
"""


def build(source: Path, persons: int, directory: Path) -> dict:
    """One build of the demo of `persons` with the code of `source`, in a child process."""
    path = directory / f"demo-{persons}.db"
    for side in ("", "-wal", "-shm"):
        Path(f"{path}{side}").unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(source)}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), str(persons), DAY],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"the build of {persons:,} with {source} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="persons, comma separated")
    parser.add_argument("--repeat", type=int, default=1, help="builds of each size")
    parser.add_argument("--against", type=Path, help="another checkout to time alternately")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    sources = {"this": HERE}
    if args.against is not None:
        if not (args.against / "fptui" / "__init__.py").is_file():
            raise SystemExit(f"no fptui package in {args.against}")
        sources["against"] = args.against.resolve()
    print(f"demo build, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f} at the start")
    results: dict[tuple[str, int], list[dict]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as tmp:
        for persons in sizes:
            for run in range(args.repeat):
                for name, source in sources.items():
                    r = build(source, persons, Path(tmp))
                    results.setdefault((name, persons), []).append(r)
                    print(
                        f"  {name:>7} {persons:>7,} persons (run {run + 1}): "
                        f"{r['wall']:6.1f} s wall, {r['cpu']:6.1f} s CPU, "
                        f"{r['persons']:,} persons, {r['events']:,} events, "
                        f"load {os.getloadavg()[0]:.1f}"
                    )
    print("medians:")
    for (name, persons), runs in results.items():
        wall = statistics.median(r["wall"] for r in runs)
        cpu = statistics.median(r["cpu"] for r in runs)
        verdict = ""
        if persons == GOAL_PERSONS:
            verdict = "  goal under 60 s: " + ("met" if wall < GOAL_SECONDS else "NOT met")
        print(f"  {name:>7} {persons:>7,}: {wall:6.1f} s wall, {cpu:6.1f} s CPU{verdict}")
    if "against" in sources:
        for persons in sizes:
            this = statistics.median(r["cpu"] for r in results[("this", persons)])
            other = statistics.median(r["cpu"] for r in results[("against", persons)])
            print(f"  {persons:>7,}: this / against = {this / other:.2f} (CPU)")


if __name__ == "__main__":
    main()
