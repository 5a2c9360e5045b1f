"""F8 by month: `[` and `]` move to the month before and after (never past this one), `y`
shows the statistical year to date; other months are counted in a thread, the keys
live meanwhile; figures equal what `reads.score` and `fptui score` give."""

from __future__ import annotations

import asyncio
import json
import threading

import pytest

from fptui import ledger
from fptui.reads import score
from fptui.tui import text
from fptui.tui.app import FptuiApp
from fptui.tui.screens.score import CasesScreen, ScoreScreen
from fptui.tui.widgets.virtual_list import VirtualList
from tests.tui.waiting import workers_done

SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def february_birth(family):
    """A birth on 1 February entered on 10 March (today): February loses points for a late
    entry and an incomplete record; March has nothing to count."""
    ledger.record_birth(
        {"mother": family["wife"].id, "name": "王二", "sex": "M", "date": "2026-02-01"}
    )
    return family


async def scored(app, pilot) -> None:
    for _ in range(100):  # the live score is computed in a worker thread at start
        await pilot.pause()
        if app.live.result is not None:
            await pilot.pause()
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the score was never computed")


async def settled(app, pilot) -> None:
    await workers_done(app)
    await pilot.pause()


def title(app) -> str:
    return str(app.screen.query_one("#score-title").render())


def total_line(app) -> str:
    return str(app.screen.query_one("#score-total").render())


def shown(app) -> list[tuple[str, ...]]:
    table = app.screen.query_one("#indicators")
    return [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


def expected(result: score.Score) -> list[tuple[str, ...]]:
    """The rows F8 shows for a score: title, figure, target, points, lost."""
    return [
        (
            i.title("zh"),
            i.shown_figure(),
            "" if i.target is None else f"{i.target:g}",
            f"{i.points:g}",
            f"−{i.lost:.2f}" if i.lost else "0",
        )
        for i in result.indicators
    ]


@pytest.mark.parametrize("size", SIZES)
async def test_brackets_move_by_month_and_y_shows_the_year_to_date_as_the_cli_counts_it(
    february_birth, ledger_db, size, capsys
):
    from fptui import cli

    command = ["--db", ledger_db.url, "score", "--month", "2026-03", "--format", "json"]
    assert cli.main([*command, "--year-to-date"]) == 0
    by_cli = json.loads(capsys.readouterr().out)
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await scored(app, pilot)
        village = app.live.village
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(app.screen, ScoreScreen)
        assert title(app) == "2026-03得分"
        march = app.live.result
        assert shown(app) == expected(march)
        # [ : February, counted as reads.score counts it
        await pilot.press("left_square_bracket")
        await settled(app, pilot)
        assert title(app) == "2026-02得分"
        february = score.score_month("2026-02", village)
        assert shown(app) == expected(february)
        assert f"合计 {february.total:.2f}/100" in total_line(app)
        assert february.total < march.total  # the late, incomplete birth
        # ] : back to this month, the live score at once; ] again stays on it
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert title(app) == "2026-03得分" and shown(app) == expected(app.live.result)
        await pilot.press("right_square_bracket")
        await settled(app, pilot)
        assert title(app) == "2026-03得分" and shown(app) == expected(app.live.result)
        assert any("这个月还没到" in str(n.message) for n in app._notifications)
        # y : January to March, what `fptui score --year-to-date` prints
        await pilot.press("y")
        await settled(app, pilot)
        assert title(app) == "2026-01至2026-03得分（统计年度累计）"
        year = score.score_month("2026-03", village, year_to_date=True)
        assert shown(app) == expected(year)
        assert f"合计 {year.total:.2f}/100" in total_line(app)
        assert by_cli["period"] == year.period.key == "2026-01..2026-03"
        assert by_cli["total"] == round(year.total, 2)
        assert [(i["figure"], i["lost"]) for i in by_cli["indicators"]] == [
            (i.shown_figure(), round(i.lost, 2)) for i in year.indicators
        ]
        # Enter lists the cases of the span shown: the birth entered late
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CasesScreen)
        cases_title = str(app.screen.query_one("#cases-title").render())
        assert "2026-01..2026-03" in cases_title
        timely = year.indicators[0]
        assert app.screen.query_one(VirtualList).count == len(timely.figure.cases) == 1
        assert "王二" in app.screen.query_one(VirtualList).row(0)
        await pilot.press("escape")
        await pilot.pause()
        # y again: this month alone
        await pilot.press("y")
        await settled(app, pilot)
        assert title(app) == "2026-03得分" and shown(app) == expected(app.live.result)


@pytest.mark.parametrize("size", SIZES)
async def test_keys_stay_live_while_a_month_is_counted(february_birth, size, monkeypatch):
    release = threading.Event()
    counted = score.score_month

    def slow(*args, **kwargs):
        release.wait(10)
        return counted(*args, **kwargs)

    monkeypatch.setattr(score, "score_month", slow)
    app = FptuiApp()
    async with app.run_test(size=size) as pilot:
        await scored(app, pilot)
        await pilot.press("f8")
        await pilot.pause()
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert title(app) == "2026-02得分"
        assert "得分计算中…" in total_line(app) and shown(app) == []
        await pilot.press("right_square_bracket")  # answered while February is counted
        await pilot.pause()
        assert title(app) == "2026-03得分" and shown(app) == expected(app.live.result)
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert "得分计算中…" in total_line(app)
        release.set()
        await settled(app, pilot)
        assert title(app) == "2026-02得分"
        assert shown(app) == expected(counted("2026-02", app.live.village))


async def test_a_database_error_while_counting_is_a_message_not_the_end(
    february_birth, monkeypatch
):
    import peewee as pw

    def gone(*args, **kwargs):
        raise pw.OperationalError("server closed the connection")

    monkeypatch.setattr(score, "score_month", gone)
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await scored(app, pilot)
        await pilot.press("f8", "left_square_bracket")
        await settled(app, pilot)
        assert "得分计算失败" in total_line(app) and "server closed" in total_line(app)
        assert any("得分计算失败" in str(n.message) for n in app._notifications)
        assert app.is_running and app._exception is None
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert title(app) == "2026-03得分" and shown(app) == expected(app.live.result)


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_footer_shows_the_month_keys_within_80_columns(family, lang):
    from textual.widgets._footer import FooterKey

    app = FptuiApp(lang)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await scored(app, pilot)
            await pilot.press("f8")
            await pilot.pause()
            keys = {k.key_display: k for k in app.screen.query(FooterKey)}
            assert {"[", "]", "y", "Esc"} <= set(keys)
            assert keys["y"].description == text.t("score_ytd")
            for key in keys.values():
                assert key.region.width > 0 and key.region.right <= 80, key.key_display
    finally:
        text.set_lang("zh")
