"""The follow-up lists cadres work from: overdue, due this week or month, all open."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static

from fptui import clock
from fptui.cells import fit
from fptui.reads import followups, queries
from fptui.tui.text import Localised, colon, lang, t
from fptui.tui.widgets.plain import Plain, PlainLabel
from fptui.tui.widgets.virtual_list import VirtualList

DUE_KEYS = {"1": "overdue", "2": "7d", "3": "30d", "4": "all"}
WIDTHS = (10, 5, 6, 12, 8)


def followup_line(r: followups.Row) -> str:
    place = f"{r.village} {t('group_short', n=r.group)}" if r.group else r.village
    late = t("days_late", n=r.days_overdue) if r.days_overdue else ""
    cols = (r.due_on.isoformat(), late, r.household, place, r.person)
    return (
        " ".join(fit(c, w) for c, w in zip(cols, WIDTHS)) + " " + followups.title(r.kind, lang())
    )


def header_line() -> str:
    cols = (t("col_due"), t("col_late"), t("col_number"), t("col_village"), t("col_name"))
    return " ".join(fit(c, w) for c, w in zip(cols, WIDTHS)) + " " + t("col_visit")


class FollowupsScreen(Localised, Screen[None]):
    BINDINGS = [
        Binding("enter", "done", "fk_done", key_display="Enter"),
        Binding("r", "reschedule", "reschedule"),
        Binding("1", "due('overdue')", "key_overdue"),
        Binding("2", "due('7d')", "key_7d"),
        Binding("3", "due('30d')", "key_30d"),
        Binding("4", "due('all')", "key_all"),
        Binding("f4", "pick_village", "village", key_display="F4", show=False),
        Binding("f5", "pick_group", "group", key_display="F5", show=False),
        Binding("s", "sheet", "visit_sheet", show=False),
        Binding("escape", "back", "back", key_display="Esc"),
    ]

    def __init__(
        self, *, due: str = "overdue", village: int | None = None, household: int | None = None
    ) -> None:
        super().__init__()
        self.due = due
        self.village = village
        self.group: int | None = None
        self.household = household
        self.rows: list[followups.Row] = []

    def compose(self) -> ComposeResult:
        yield PlainLabel("", id="fu-title", classes="screen-title")
        yield Plain("", id="fu-counts")
        yield VirtualList(header=header_line(), id="fu-list")
        yield Plain("", id="empty")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        from fptui import ledger

        ledger.ensure_monthly_followups()  # this month's special-family visits exist
        self.load()
        self.query_one(VirtualList).focus()

    def load(self) -> None:
        self.app.refresh_score()
        self.rows = followups.open_list(
            self.due, village=self.village, group=self.group, household=self.household
        )
        rows = self.rows
        lst = self.query_one(VirtualList)
        lst.reset(
            len(rows), lambda o, n: [followup_line(r) for r in rows[o : o + n]], keep_cursor=True
        )
        self.query_one("#fu-title", PlainLabel).update(f"{t('followups')} · {self._scope()}")
        c = followups.counts(village=self.village)
        self.query_one("#fu-counts", Static).update(
            f"{t('due_' + self.due)}{colon()}{len(rows)}    "
            + t("fu_counts", overdue=c["overdue"], week=c["week"], open=c["open"])
        )
        self.query_one("#empty", Static).update("" if rows else t("no_followups"))

    def _scope(self) -> str:
        if self.household is not None:
            card = queries.household_card(self.household)
            return f"{t('household_card')} {card.household.number}" if card else ""
        village = next((v.name for v in queries.villages() if v.id == self.village), None)
        group = next((g.name for g in queries.groups(self.village) if g.id == self.group), "")
        return f"{village or t('all_villages')} {group}".strip()

    def selected(self) -> followups.Row | None:
        lst = self.query_one(VirtualList)
        return self.rows[lst.cursor] if self.rows else None

    def on_virtual_list_selected(self) -> None:
        self.action_done()

    def _after(self, _: Any = None) -> None:
        self.load()

    def action_done(self) -> None:
        row = self.selected()
        if row is None:
            return
        self.app.push_screen(done_form(row), self._after)

    def action_reschedule(self) -> None:
        row = self.selected()
        if row is None:
            return
        self.app.push_screen(reschedule_form(row), self._after)

    def action_due(self, due: str) -> None:
        self.due = due
        self.load()

    def action_pick_village(self) -> None:
        from fptui.tui.screens.dialogs import Picker

        options = [(None, t("all_villages"))] + [(v.id, v.name) for v in queries.villages()]
        self.app.push_screen(Picker(t("choose_village"), options), self._set("village"))

    def action_pick_group(self) -> None:
        from fptui.tui.screens.dialogs import Picker

        if self.village is None:
            self.action_pick_village()
            return
        options = [(None, t("all_groups"))] + [
            (g.id, g.name) for g in queries.groups(self.village)
        ]
        self.app.push_screen(Picker(t("choose_group"), options), self._set("group"))

    def _set(self, what: str) -> Callable[[Any], None]:
        def chosen(value: Any) -> None:
            if value is False:
                return
            setattr(self, what, value)
            if what == "village":
                self.group = None
            self.household = None
            self.load()

        return chosen

    def action_sheet(self) -> None:
        """Write the visit sheet of what is listed, to take door to door."""
        from pathlib import Path

        from fptui.reports import visit_sheet

        unit = self._scope() or t("all_villages")
        name = f"{clock.today():%Y-%m-%d}_{unit.replace(' ', '_')}_{t('visit_sheet')}.xlsx"
        path = visit_sheet.write(Path.cwd() / name, self.rows, unit=unit, lang=lang())
        self.app.notify(t("sheet_written", path=str(path)), timeout=8)

    def action_back(self) -> None:
        self.dismiss(None)


def done_form(row: followups.Row):
    from fptui import ledger, schema
    from fptui.tui.screens.form import FormField, FormScreen

    form = schema.current().forms["followup_done"]
    start = {"date": clock.today().isoformat(), "by": ledger.current_user()}
    fields = [FormField(form, f, start.get(f.key, "")) for f in form.fields]
    title = f"{followups.title(row.kind, lang())} · {row.person} · {t('col_due')} {row.due_on}"
    return FormScreen(
        title,
        fields,
        lambda values: ledger.mark_followup_done(row.id, values).id,
        draft_key=f"followup_done:{row.id}",
    )


def reschedule_form(row: followups.Row):
    from fptui import ledger, schema
    from fptui.tui.screens.form import FormField, FormScreen

    form = schema.current().forms["followup_reschedule"]
    fields = [FormField(form, f) for f in form.fields]
    title = f"{t('reschedule')} · {followups.title(row.kind, lang())} · {row.person}"
    return FormScreen(
        title,
        fields,
        lambda values: ledger.reschedule_followup(row.id, values).id,
        draft_key=f"followup_reschedule:{row.id}",
    )
