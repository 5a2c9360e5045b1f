"""F8: every indicator with its figure, target and points lost; Enter lists the records
behind the lost points, and Enter on one opens its household to fix it."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from fptui.reads import score
from fptui.tui.text import Localised, lang, t
from fptui.tui.widgets.plain import Plain, PlainLabel, cells
from fptui.tui.widgets.virtual_list import VirtualList


class ScoreScreen(Localised, Screen[None]):
    BINDINGS = [
        # priority: the table's own Enter would hide this one from the footer
        Binding("enter", "cases", "score_cases", key_display="Enter", priority=True),
        Binding("escape", "back", "back", key_display="Esc"),
    ]

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

    def load(self) -> None:
        result = self.app.live.result
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        if result is None:
            self.query_one("#score-total", Static).update(t("score_computing"))
            return
        self.query_one("#score-title", PlainLabel).update(
            t("score_label", month=result.period.key)
        )
        for i in result.indicators:
            target = "" if i.target is None else f"{i.target:g}"
            lost = f"−{i.lost:.2f}" if i.lost else "0"
            table.add_row(*cells(i.title(lang()), i.shown_figure(), target, f"{i.points:g}", lost))
        table.move_cursor(row=min(cursor, len(result.indicators) - 1))
        state = f"  {t('score_vetoed')}" if result.failed else ""
        self.query_one("#score-total", Static).update(
            f"{t('score_total')} {result.total:.2f}/100{state}    {t('score_hint')}"
        )

    def score_changed(self) -> None:
        self.load()

    @on(DataTable.RowSelected)
    def _row(self) -> None:
        self.action_cases()

    def action_cases(self) -> None:
        result = self.app.live.result
        if result is None:
            return
        indicator = result.indicators[self.query_one(DataTable).cursor_row]
        self.app.push_screen(CasesScreen(indicator.key), lambda _: self.load())

    def action_back(self) -> None:
        self.dismiss(None)


class CasesScreen(Localised, Screen[None]):
    """The records behind one indicator's lost points."""

    BINDINGS = [
        Binding("enter", "open", "open", key_display="Enter"),
        Binding("escape", "back", "back", key_display="Esc"),
    ]

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.cases: list[score.Case] = []

    def compose(self) -> ComposeResult:
        yield PlainLabel("", id="cases-title", classes="screen-title")
        yield VirtualList(id="cases")
        yield Plain("", id="empty")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.load()
        self.query_one(VirtualList).focus()

    def load(self) -> None:
        result = self.app.live.result
        indicator = next(i for i in result.indicators if i.key == self.key)
        self.cases = indicator.figure.cases
        cases = self.cases
        lost = f"−{indicator.lost:.2f}" if indicator.lost else "0"
        self.query_one("#cases-title", PlainLabel).update(
            f"{indicator.title(lang())} · {indicator.shown_figure()} · {lost}"
        )
        self.query_one(VirtualList).reset(
            len(cases), lambda o, n: [c.text(lang()) for c in cases[o : o + n]], keep_cursor=True
        )
        self.query_one("#empty", Static).update("" if cases else t("no_cases"))

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
