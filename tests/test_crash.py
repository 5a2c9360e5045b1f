"""A power cut must not lose a saved change: kill a writer with SIGKILL, 20 times.

A child process records events in a loop and prints each event's id once the ledger
function has returned (the transaction committed). The parent kills it at a random
moment; afterwards the file passes `PRAGMA integrity_check` and every reported event
is there.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import sqlite_only

from fptui import db, ledger

CHILD = """
import sys
from fptui import db, ledger
db.open_database(sys.argv[1])
ledger.set_user("crash-test")
person = int(sys.argv[2])
print("ready", flush=True)
while True:
    from fptui.models import Person
    if Person.get_by_id(person).residence == "here":
        event = ledger.record_go_out(person, {"date": "2026-01-05", "destination": "太原",
                                              "contact": "13800000000"})
    else:
        # the same day: a go-out is never dated before the return recorded before it
        event = ledger.record_return(person, {"date": "2026-01-05"})
    print(event.id, flush=True)
"""

pytestmark = sqlite_only  # SQLite files: this module has no PostgreSQL form


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_events_reported_committed_survive_sigkill(tmp_path: Path):
    path = tmp_path / "crash.db"
    db.open_database(path)
    county = ledger.add_area("county", "140121", "清徐县")
    township = ledger.add_area("township", "140121101", "东于镇", county)
    village = ledger.add_area("village", "140121101201", "王家庄村", township)
    household = ledger.add_household({"village": village.id, "number": "1"})
    person = ledger.add_person(household, {"name": "王强", "sex": "M", "birth_date": "1990-1-1"})
    db.close_database()

    rng = random.Random(20261123)
    committed: list[int] = []
    for _ in range(20):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(path), str(person.id)],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.6))
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate()
        reported = [int(line) for line in out.split() if line.isdigit()]
        committed += reported

        con = sqlite3.connect(path)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        present = {row[0] for row in con.execute("SELECT id FROM event")}
        con.close()
        assert set(committed) <= present, sorted(set(committed) - present)[:5]
    assert len(committed) > 20  # the children did real work between the kills
