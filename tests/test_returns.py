"""A closed month's return stays as it was closed: every table, however often exported."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl

from fptui import clock, ledger
from fptui.models import FrozenReturn
from fptui.reads import returns, tables
from fptui.reports import xlsx
from fptui.schema import Text

D = dt.date


def cells(path) -> dict[str, list[list]]:
    book = openpyxl.load_workbook(path)
    out = {}
    for ws in book.worksheets[1:]:  # the cover carries the export's date
        foot = ws.max_row  # the signature line carries it too
        out[ws.title] = [[c.value for c in row] for row in ws.iter_rows(max_row=foot - 1)]
    return out


def export(tmp_path, name: str, village: int | None) -> dict[str, list[list]]:
    return cells(xlsx.write(tmp_path / name, "2026-02", unit="东于镇", village=village))


def later_entries(family) -> None:
    """What arrives after February closed: a birth, a death and a pregnancy of February
    (late entries), a visit done."""
    ledger.record_birth(
        {"mother": family["wife"].id, "name": "王补", "sex": "F", "date": "2026-02-25"}
    )
    ledger.register_pregnancy(family["wife"].id, {"date": "2026-02-20", "edd": "2026-09-01"})
    ledger.record_death(family["husband"].id, {"date": "2026-02-27"})


def test_a_closed_months_return_does_not_move_with_later_entries(family, ledger_db, tmp_path):
    v = ledger_db.village.id
    with clock.frozen(D(2026, 2, 10)):
        ledger.record_birth(
            {"mother": family["wife"].id, "name": "王一", "sex": "M", "date": "2026-02-05"}
        )
    with clock.frozen(D(2026, 3, 3)):
        ledger.close_month(v, "2026-02")
        closed = export(tmp_path, "a.xlsx", v)
    with clock.frozen(D(2026, 3, 20)):
        later_entries(family)
        again = export(tmp_path, "b.xlsx", v)
        live = {name: returns.plain(fn("2026-02", v)) for name, fn in tables.TABLES.items()}
    assert again == closed  # every sheet, every cell
    # counted now, the month would read otherwise: the births register has the late birth
    assert len(live["births_register"]) == 2
    assert len(returns.rows("births_register", "2026-02", v)) == 1


def test_the_whole_ledgers_return_is_kept_once_every_village_closed(family, ledger_db, tmp_path):
    v, other = ledger_db.village.id, ledger_db.other_village.id
    with clock.frozen(D(2026, 3, 3)):
        ledger.close_month(v, "2026-02")
        assert returns.frozen("2026-02", None) is None  # one village still open
        ledger.close_month(other, "2026-02")
        assert returns.frozen("2026-02", None) is not None
        closed = export(tmp_path, "a.xlsx", None)
    with clock.frozen(D(2026, 3, 20)):
        later_entries(family)
        assert export(tmp_path, "b.xlsx", None) == closed


def test_reopening_drops_the_kept_return_and_the_month_is_counted_again(family, ledger_db):
    v, other = ledger_db.village.id, ledger_db.other_village.id
    with clock.frozen(D(2026, 3, 3)):
        ledger.close_months([v, other], "2026-02")
        assert FrozenReturn.select().count() == 3  # two villages and the whole ledger
    with clock.frozen(D(2026, 3, 20)):
        later_entries(family)
        ledger.reopen_month(v, "2026-02", "补登出生后重新结账")
        assert returns.frozen("2026-02", v) is None
        assert returns.frozen("2026-02", None) is None
        assert returns.frozen("2026-02", other) is not None
        assert len(returns.rows("births_register", "2026-02", v)) == 1  # counted now


def test_fptui_report_says_a_month_is_closed_and_gives_its_kept_tables(family, ledger_db, capsys):
    from fptui import cli

    v = ledger_db.village.id
    with clock.frozen(D(2026, 3, 3)):
        ledger.close_month(v, "2026-02")
    with clock.frozen(D(2026, 3, 20)):
        later_entries(family)
        args = ["--db", ledger_db.url, "report", "--month", "2026-02", "--village", "王家庄村"]
        assert cli.main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["closed"] is True
    births = next(s for s in out["sheets"] if s["table"] == "births_register")
    assert births["rows"] == []  # February had no birth when it closed
    population = next(s for s in out["sheets"] if s["table"] == "population_change")
    assert population["rows"][0]["balance"] == 0 and population["rows"][0]["end"] == 2


def test_rows_keep_their_texts_dates_and_properties():
    row = tables.FollowupRow("prenatal", due=4, on_time=3, cancelled=0)
    kept = returns.revive(
        json.loads(json.dumps(returns.plain([row, D(2026, 2, 1), Text("甲", "A")])))
    )
    assert kept[0]["on_time_rate"] == 75.0 and kept[0]["due"] == 4
    assert kept[1] == D(2026, 2, 1) and kept[2] == Text("甲", "A")
