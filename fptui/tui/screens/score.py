"""F8: every indicator with its figure, target and points lost; Enter lists the records
behind the lost points, and Enter on one opens its household to fix it.

`[` and `]` move to the month before and after (never past the current month), `y` shows
the statistical year to the shown month's end instead. The current month is the app's
live score, kept up to date after each save; another month, or the year to date, is
counted by `reads.score.score_month` (the one `fptui score` prints) in a thread, the
screen live meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from fptui import clock
from fptui.reads import score
from fptui.tui.text import Localised, lang, t
from fptui.tui.widgets.plain import Plain, PlainLabel, cells
from fptui.tui.widgets.virtual_list import VirtualList


def this_month() -> str:
    return f"{clock.today():%Y-%m}"


class ScoreScreen(Localised, Screen[None]):
    BINDINGS = [
        # priority: the table's own Enter would hide this one from the footer
        Binding("enter", "cases", "score_cases", key_display="Enter", priority=True),
        Binding("left_square_bracket", "month(-1)", "score_prev", key_display="["),
        Binding("right_square_bracket", "month(1)", "score_next", key_display="]"),
        Binding("y", "year_to_date", "score_ytd"),
        Binding("escape", "back", "back", key_display="Esc"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.month = this_month()
        self.year_to_date = False
        self.computed: score.Score | None = None  # another month's, or the year's
        self.failed: str | None = None

    def compose(self) -> ComposeResult:
        yield PlainLabel("", id="score-title", classes="screen-title")
        yield DataTable(id="indicators", cursor_type="row", zebra_stripes=True)
        yield Plain("", id="score-total")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(
            t("col_indicator"), t("col_figure"), t("col_target"), t("col_points"), t("col_lost")
        )
        self.load()
        table.focus()

    @property
    def live(self) -> bool:
        """The current month alone: the app's live score shows it."""
        return not self.year_to_date and self.month == this_month()

    def result(self) -> score.Score | None:
        """The score shown: the live one, or the one counted for the month or span."""
        return self.app.live.result if self.live else self.computed

    def heading(self) -> str:
        if not self.year_to_date:
            return t("score_month_title", month=self.month)
        span = score.period_of(self.month, year_to_date=True)
        return t("score_ytd_title", start=f"{span.start:%Y-%m}", end=self.month)

    def load(self) -> None:
        result = self.result()
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        self.query_one("#score-title", PlainLabel).update(self.heading())
        if result is None:
            waiting = t("score_month_failed", error=self.failed) if self.failed else None
            self.query_one("#score-total", Static).update(waiting or t("score_computing"))
            return
        for i in result.indicators:
            target = "" if i.target is None else f"{i.target:g}"
            lost = f"−{i.lost:.2f}" if i.lost else "0"
            table.add_row(*cells(i.title(lang()), i.shown_figure(), target, f"{i.points:g}", lost))
        table.move_cursor(row=min(max(cursor, 0), len(result.indicators) - 1))
        state = f"  {t('score_vetoed')}" if result.failed else ""
        self.query_one("#score-total", Static).update(
            f"{t('score_total')} {result.total:.2f}/100{state}    {t('score_hint')}"
        )

    def recount(self) -> None:
        """Show the month or span chosen: the live score at once, else counted anew."""
        self.computed, self.failed = None, None
        self.load()
        if not self.live:
            self._count(self.month, self.year_to_date, self.app.live.village)

    @work(thread=True, exclusive=True, group="score-month", exit_on_error=False)
    def _count(self, month: str, year_to_date: bool, village: int | None) -> None:
        # A month's score runs the checks over the village: seconds in a township, so
        # in a thread; a database error (a server gone) is a message, not the app's end.
        import peewee as pw

        from fptui import db as _db

        try:
            result = score.score_month(month, village, year_to_date=year_to_date)
        except pw.DatabaseError as error:
            self.app.call_from_thread(self._failed, month, year_to_date, str(error))
            return
        finally:
            _db.close_database()  # this thread's own connection
        self.app.call_from_thread(self._counted, month, year_to_date, result)

    def _wanted(self, month: str, year_to_date: bool) -> bool:
        """Still what the screen shows (not left, nor moved on meanwhile)."""
        return self.is_attached and (month, year_to_date) == (self.month, self.year_to_date)

    def _counted(self, month: str, year_to_date: bool, result: score.Score) -> None:
        if not self._wanted(month, year_to_date) or self.live:
            return
        self.computed = result
        self.load()
        for screen in self.app.screen_stack:  # the records listed from this score
            if isinstance(screen, CasesScreen) and screen.owner is self:
                screen.load()

    def _failed(self, month: str, year_to_date: bool, error: str) -> None:
        if not self._wanted(month, year_to_date):
            return
        self.failed = error
        self.load()
        self.app.notify(t("score_month_failed", error=error), severity="error", timeout=10)

    def score_changed(self) -> None:
        """A save moved the score: the live one is current; another month's is recounted."""
        if self.live:
            self.load()
        else:
            self.recount()

    def action_month(self, step: int) -> None:
        from fptui.reads import period

        target = period.add_months(self.month, step)
        if target > this_month():
            self.app.notify(t("score_future"))
            return
        self.month = target
        self.recount()

    def action_year_to_date(self) -> None:
        self.year_to_date = not self.year_to_date
        self.recount()

    @on(DataTable.RowSelected)
    def _row(self) -> None:
        self.action_cases()

    def action_cases(self) -> None:
        result = self.result()
        if result is None:
            return
        indicator = result.indicators[self.query_one(DataTable).cursor_row]
        self.app.push_screen(CasesScreen(indicator.key, self), lambda _: self.load())

    def action_back(self) -> None:
        self.dismiss(None)


class CasesScreen(Localised, Screen[None]):
    """The records behind one indicator's lost points, in the month or span F8 shows."""

    BINDINGS = [
        Binding("enter", "open", "open", key_display="Enter"),
        Binding("escape", "back", "back", key_display="Esc"),
    ]

    def __init__(self, key: str, owner: ScoreScreen | None = None) -> None:
        super().__init__()
        self.key = key
        self.owner = owner  # the score screen whose score is listed; None: the live one
        self.cases: list[score.Case] = []

    def compose(self) -> ComposeResult:
        yield PlainLabel("", id="cases-title", classes="screen-title")
        yield VirtualList(id="cases")
        yield Plain("", id="empty")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.load()
        self.query_one(VirtualList).focus()

    def _result(self) -> score.Score | None:
        source: Callable[[], score.Score | None] = (
            self.owner.result if self.owner is not None else lambda: self.app.live.result
        )
        return source()

    def load(self) -> None:
        result = self._result()
        indicator = (
            next((i for i in result.indicators if i.key == self.key), None) if result else None
        )
        self.cases = indicator.figure.cases if indicator is not None else []
        cases = self.cases
        if indicator is None:  # being counted again after a save
            self.query_one("#cases-title", PlainLabel).update(t("score_computing"))
        else:
            lost = f"−{indicator.lost:.2f}" if indicator.lost else "0"
            span = result.period.key if result is not None else ""
            self.query_one("#cases-title", PlainLabel).update(
                f"{indicator.title(lang())} · {span} · {indicator.shown_figure()} · {lost}"
            )
        self.query_one(VirtualList).reset(
            len(cases), lambda o, n: [c.text(lang()) for c in cases[o : o + n]], keep_cursor=True
        )
        empty = t("no_cases") if indicator is not None else t("score_computing")
        self.query_one("#empty", Static).update("" if cases else empty)

    def score_changed(self) -> None:
        self.load()

    def on_virtual_list_selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        if not self.cases:
            return
        case = self.cases[self.query_one(VirtualList).cursor]
        if case.household is None:
            self.app.notify(t("case_no_record"))
            return
        from fptui.tui.screens.household_card import HouseholdCardScreen

        self.app.push_screen(HouseholdCardScreen(case.household), self._back_here)

    def _back_here(self, _: Any = None) -> None:
        self.load()

    def action_back(self) -> None:
        self.dismiss(None)
