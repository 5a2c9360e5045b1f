"""A search key in the household list, by the search keys' index against the LIKE scan.

    .venv/bin/python benchmarks/bench_search.py [--persons 10000 100000]
        [--ledger 100000=path/to/demo.db ...]

For each size, on the demo township (built once with a fixed day and kept in
benchmarks/.cache/, or a demo ledger given by --ledger, migrated on a copy), the time of
one search key: what the list asks for (queries.household_page: the count and the first
page, one query) against the scan it replaced (a LIKE over every household's search
text, all matching ids read, as queries.household_ids did before the index). Medians
over many keys of four kinds, each key run three times: a common surname's pinyin, a
rare person's full pinyin name, the last 4 digits of an ID number, a household number.

Goals (issue 15): a rare search (full pinyin name, ID digits) at 100,000 within 2 x the
same at 10,000; every key under 50 ms at 1,000,000 (not built here: the ratio says how
a key grows with the ledger).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent))  # this worktree's fptui
sys.path.insert(0, str(Path(__file__).parent))
from _township import CACHE, _version

DAY = dt.date(2026, 11, 30)  # the demo's today: the same township on any day it is run
KEYS = 25  # keys of each kind
RUNS = 3  # runs of each key


def built(persons: int, seed: int = 1) -> Path:
    """The cached demo township of `persons` (built the first time, in a child process)."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"search-{persons}-{seed}-{DAY}-{_version()}.db"
    if not path.exists():
        code = (
            "import sys, datetime as dt; from fptui import demo; "
            "s = demo.build(sys.argv[1], persons=int(sys.argv[2]), seed=int(sys.argv[3]), "
            "today=dt.date.fromisoformat(sys.argv[4])); "
            "print(f'(built {s.persons:,} persons in {s.seconds:.1f} s)')"
        )
        subprocess.run(
            [sys.executable, "-c", code, str(path), str(persons), str(seed), str(DAY)],
            check=True,
        )
    return path


def scan_ids(query: str) -> list[int]:
    """The search before the index: a LIKE over every household's search text."""
    import peewee as pw

    from fptui.models import Household, database
    from fptui.search import patterns

    select = Household.select(Household.id).order_by(
        Household.village, pw.fn.LENGTH(Household.number), Household.number
    )
    for alternatives in patterns(query):
        condition = None
        for pattern in alternatives:
            like = pw.NodeList((Household.search, pw.SQL("LIKE"), pattern, pw.SQL("ESCAPE"), "\\"))
            condition = like if condition is None else (condition | like)
        select = select.where(condition)
    return [hid for (hid,) in database.execute(select)]


def keys(rng: random.Random) -> dict[str, list[str]]:
    """Search keys of each kind, drawn from the ledger."""
    from fptui.models import Household, Person
    from fptui.pinyin import search_keys

    names = Counter(name for (name,) in Person.select(Person.name).tuples())
    surname = Counter(name[0] for name in names.elements()).most_common(1)[0][0]
    rare = sorted(n for n, count in names.items() if count == 1)
    ids = sorted(
        i
        for (i,) in Person.select(Person.id_number).where(Person.id_number.is_null(False)).tuples()
    )
    numbers = sorted({n for (n,) in Household.select(Household.number).tuples()})
    return {
        "common surname": [search_keys(surname)[1].split()[0]] * KEYS,
        "rare full pinyin": [search_keys(n)[1].split()[0] for n in rng.sample(rare, KEYS)],
        "ID last 4 digits": [i[-4:] for i in rng.sample(ids, KEYS)],
        "household number": rng.sample(numbers, KEYS),
    }


def timed(search: Callable[[str], object], words: list[str]) -> tuple[float, object]:
    """The median of `search` over `words`, each run RUNS times, in ms; the last result."""
    times = []
    result = None
    for word in words:
        for _ in range(RUNS):
            started = time.perf_counter()
            result = search(word)
            times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, result


def measure(persons: int, source: Path) -> dict[str, tuple[float, float, int]]:
    from fptui import db
    from fptui.models import SearchKey
    from fptui.reads.queries import HouseholdFilter, household_page

    work = Path(tempfile.mkdtemp(prefix="fptui-bench-")) / "ledger.db"
    shutil.copy(source, work)
    started = time.perf_counter()
    db.open_database(work)
    opened = time.perf_counter() - started
    rows = SearchKey.select().count()
    size = work.stat().st_size
    print(
        f"{persons:,} persons: opened (and migrated where older) in {opened:.1f} s; "
        f"{rows:,} search keys; file {size / 1e6:.0f} MB"
    )
    out = {}
    for kind, words in keys(random.Random(persons)).items():
        index, (count, _) = timed(lambda w: household_page(HouseholdFilter(query=w)), words)
        scan, ids = timed(scan_ids, words)
        assert count == len(ids), (kind, count, len(ids))  # the last word: the same households
        out[kind] = (scan, index, count)
        print(
            f"  {kind:17} scan {scan:7.2f} ms   index {index:6.2f} ms   ({count} found, last key)"
        )
    db.close_database()
    shutil.rmtree(work.parent, ignore_errors=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--ledger", action="append", default=[], help="PERSONS=PATH")
    args = parser.parse_args()
    given = {int(n): Path(p) for n, p in (item.split("=", 1) for item in args.ledger)}
    results = {n: measure(n, given.get(n) or built(n)) for n in args.persons}
    small, large = min(results), max(results)
    if small == large:
        return
    print(f"\nper key, {large:,} against {small:,} persons (median ms; ratio):")
    for kind in results[small]:
        (s_scan, s_index, _), (l_scan, l_index, _) = results[small][kind], results[large][kind]
        verdict = ""
        if kind in ("rare full pinyin", "ID last 4 digits"):
            ratio = l_index / s_index
            verdict = "  goal within 2x: " + ("met" if ratio <= 2 else "NOT met")
        print(
            f"  {kind:17} scan {s_scan:6.2f} -> {l_scan:7.2f} ({l_scan / s_scan:5.1f}x)   "
            f"index {s_index:5.2f} -> {l_index:5.2f} ({l_index / s_index:4.1f}x){verdict}"
        )


if __name__ == "__main__":
    main()
