"""The first screen: every household, found by typing, narrowed by village, group, status."""

from __future__ import annotations

from collections.abc import Callable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static

from fptui.cells import fit
from fptui.reads import queries
from fptui.tui.text import Localised, choice, t
from fptui.tui.widgets.plain import Plain
from fptui.tui.widgets.quiet import SteadyInput
from fptui.tui.widgets.score_panel import ScorePanel
from fptui.tui.widgets.virtual_list import PAGE, VirtualList

# Seconds after the last key before a broad search's exact count is read (in a worker).
COUNT_AFTER = 0.3

# Column widths in terminal cells; the address takes what is left.
WIDTHS = (8, 16, 10, 4)


def household_line(row: queries.HouseholdRow) -> str:
    place = f"{row.village} {t('group_short', n=row.group)}" if row.group else row.village
    mark = f"[{t('migrant_mark')}] " if row.registration == "migrant" else ""
    return " ".join(
        (
            fit(row.number, WIDTHS[0]),
            fit(place, WIDTHS[1]),
            fit(row.head, WIDTHS[2]),
            fit(str(row.living), WIDTHS[3]),
            mark + row.address,
        )
    )


def header_line() -> str:
    cols = (t("col_number"), t("col_village"), t("col_head"), t("col_living"))
    return " ".join(fit(c, w) for c, w in zip(cols, WIDTHS)) + " " + t("col_address")


class HouseholdsScreen(Localised, Screen):
    """Search as you type; the list reads only the rows in view."""

    BINDINGS = [
        # Enter in the search box or the list opens the household: priority, so the
        # footer shows it over the search box's own Enter.
        Binding("enter", "open", "open", key_display="Enter", priority=True),
        Binding("ctrl+n", "new_household", "fk_new_household", key_display="Ctrl+N"),
        Binding("f3", "reconcile", "reconcile", key_display="F3"),
        Binding("f4", "pick_village", "village", key_display="F4"),
        Binding("f5", "pick_group", "group", key_display="F5", show=False),
        Binding("f6", "pick_status", "status", key_display="F6", show=False),
        Binding("f7", "followups", "fk_followups", key_display="F7"),
        Binding("f9", "export", "fk_export_return", key_display="F9"),
        Binding("ctrl+f", "focus_search", "search", key_display="Ctrl+F", show=False),
        Binding("escape", "clear_search", "clear_search", key_display="Esc", show=False),
        Binding("up", "cursor('up')", show=False),
        Binding("down", "cursor('down')", show=False),
        Binding("pageup", "cursor('page_up')", show=False),
        Binding("pagedown", "cursor('page_down')", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filter = queries.HouseholdFilter()
        self.count = 0  # households the filter matches
        self.exact = True  # False: at least `count`, the exact count being read
        self._count_timer: Timer | None = None
        self.pages: dict[int, list[int]] = {}  # their ids, a list page at a time, as read

    def compose(self) -> ComposeResult:
        # The rows are read before the first layout, so the list is painted once, full.
        self._read_ids()
        with Horizontal(id="list-top"):
            yield SteadyInput(placeholder=t("search_hint"), id="search", compact=True)
            yield Plain(self._filters_text(), id="filters")
        yield Plain("" if self.count else self._empty_text(), id="empty")
        yield VirtualList(
            header=header_line(), id="households", count=self.count, fetch=self._fetch()
        )
        yield ScorePanel(id="score-panel")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#search", Input).focus()
        if not self.count and not queries.villages():  # first use: the areas first
            from fptui.tui.screens.setup import open_set_up

            open_set_up(self.app)

    def set_up_done(self, result: object) -> None:
        """The set-up form closed: saved (`ledger.SetUp`), the list of its first village;
        left unsaved, the list as it was (it says what to do)."""
        villages = getattr(result, "villages", None)
        if villages:
            self.filter = queries.HouseholdFilter(village=villages[0].id)
            self.query_one("#search", Input).value = ""
        self.refresh_list()

    # --- the list ---------------------------------------------------------------------

    def _read_ids(self) -> None:
        """The count and the first page of the matching households. A word that finds
        thousands of a county's households shows its first page at once and "at least"
        a count; the exact count is read in a worker, off the key's path."""
        self.count, first, self.exact = queries.household_first(self.filter, PAGE)
        self.pages = {0: first}
        if self._count_timer is not None:
            self._count_timer.stop()
            self._count_timer = None
        if not self.exact:  # once the typing pauses: not a count for every key typed
            flt = self.filter
            self._count_timer = self.set_timer(COUNT_AFTER, lambda: self._count_exactly(flt))

    @work(thread=True, exclusive=True, group="household-count", exit_on_error=False)
    def _count_exactly(self, flt: queries.HouseholdFilter) -> None:
        import peewee as pw

        from fptui import db

        try:
            count = queries.household_count(flt)
        except pw.DatabaseError:  # the list keeps "at least"; the next key tries again
            return
        finally:
            db.close_database()  # this thread's own connection
        self.app.call_from_thread(self._counted, flt, count)

    def _counted(self, flt: queries.HouseholdFilter, count: int) -> None:
        if flt != self.filter or self.exact or not self.is_mounted:
            return  # another search since, or already exact
        self.count, self.exact = count, True
        self.query_one(VirtualList).recount(self.count)
        self.query_one("#filters", Static).update(self._filters_text())

    def _page(self, page: int) -> list[int]:
        """The ids of one page of the list (a query when first needed)."""
        if page not in self.pages:
            self.pages[page] = queries.household_ids_page(self.filter, page * PAGE, PAGE)
        return self.pages[page]

    def _fetch(self) -> Callable[[int, int], list[str]]:
        pages = self.pages

        def fetch(offset: int, limit: int) -> list[str]:
            ids = []
            for page in range(offset // PAGE, (offset + limit - 1) // PAGE + 1):
                if self.pages is not pages:  # a later search: this list is gone
                    return []
                ids += self._page(page)
            start = offset - (offset // PAGE) * PAGE
            return [household_line(r) for r in queries.household_rows(ids[start:][:limit])]

        return fetch

    def refresh_list(self, keep_cursor: bool = False) -> None:
        """Read the matching ids again and show them (after a search or a saved change)."""
        self.app.refresh_score()
        self._read_ids()
        self.query_one(VirtualList).reset(self.count, self._fetch(), keep_cursor=keep_cursor)
        self.query_one("#filters", Static).update(self._filters_text())
        empty = "" if self.count else self._empty_text()
        box = self.query_one("#empty", Static)
        if str(box.render()) != empty:  # an unchanged text need not lay the screen out again
            box.update(empty)

    def _empty_text(self) -> str:
        """Why the list is empty, and what to do."""
        if not queries.villages():
            return t("setup_needed")
        if not self.filter.query and self.filter == queries.HouseholdFilter(
            village=self.filter.village
        ):
            return t("no_households")
        return t("nothing_found")

    def _filters_text(self) -> str:
        f = self.filter
        village = next((v.name for v in queries.villages() if v.id == f.village), None)
        group = next((g.name for g in queries.groups(f.village) if g.id == f.group), None)
        parts = [village or t("all_villages")]
        if group:
            parts.append(group)
        if f.residence:
            parts.append(choice("residence", f.residence))
        parts.append(t("count", n=self.count) if self.exact else t("count_over", n=self.count - 1))
        return " · ".join(parts)

    def selected_household(self) -> int | None:
        if not self.count:
            return None
        cursor = self.query_one(VirtualList).cursor
        ids = self._page(cursor // PAGE)
        return ids[cursor % PAGE] if cursor % PAGE < len(ids) else None

    @on(Input.Changed, "#search")
    def _search(self, event: Input.Changed) -> None:
        self.filter = queries.HouseholdFilter(
            event.value, self.filter.village, self.filter.group, self.filter.residence
        )
        self.refresh_list()

    @on(Input.Submitted, "#search")
    def _submitted(self) -> None:
        self.action_open()

    @on(VirtualList.Selected)
    def _selected(self) -> None:
        self.action_open()

    # --- actions ----------------------------------------------------------------------

    def action_cursor(self, how: str) -> None:
        getattr(
            self.query_one(VirtualList),
            f"action_{how}" if how.startswith("page") else f"action_cursor_{how}",
        )()

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_clear_search(self) -> None:
        """Esc: an empty search box and the whole list again."""
        box = self.query_one("#search", Input)
        box.value = ""
        box.focus()

    def action_open(self) -> None:
        household = self.selected_household()
        if household is not None:
            from fptui.tui.screens.household_card import HouseholdCardScreen

            self.app.push_screen(HouseholdCardScreen(household), lambda _: self.refresh_list(True))

    def action_followups(self) -> None:
        from fptui.tui.screens.followups import FollowupsScreen

        self.app.push_screen(FollowupsScreen(village=self.filter.village))

    def action_reconcile(self) -> None:
        """F3: the month end of the village shown; with all villages shown, the
        township's overview of every village's month."""
        self.app.open_reconcile(self.filter.village)

    def action_export(self) -> None:
        from fptui.tui.screens.export import ExportScreen

        self.app.push_screen(ExportScreen(self.filter.village))

    def action_new_household(self) -> None:
        self.app.new_household(self.filter.village)

    def action_pick_village(self) -> None:
        from fptui.tui.screens.dialogs import Picker

        options = [(None, t("all_villages"))] + [(v.id, v.name) for v in queries.villages()]
        self.app.push_screen(Picker(t("choose_village"), options), self._set_village)

    def _set_village(self, village: int | bool | None) -> None:
        if village is False:  # the picker was closed without a choice
            return
        self.filter = queries.HouseholdFilter(
            self.filter.query, village, None, self.filter.residence
        )
        self.refresh_list()

    def action_pick_group(self) -> None:
        from fptui.tui.screens.dialogs import Picker

        if self.filter.village is None:  # the village first, then its groups
            from fptui.tui.screens.dialogs import Picker

            options = [(v.id, v.name) for v in queries.villages()]

            def then_groups(village: int | bool) -> None:
                if village is not False:
                    self._set_village(village)
                    self.action_pick_group()

            self.app.push_screen(Picker(t("choose_village"), options), then_groups)
            return
        groups = queries.groups(self.filter.village)
        options = [(None, t("all_groups"))] + [(g.id, g.name) for g in groups]
        self.app.push_screen(Picker(t("choose_group"), options), self._set_group)

    def _set_group(self, group: int | bool | None) -> None:
        if group is False:
            return
        self.filter = queries.HouseholdFilter(
            self.filter.query, self.filter.village, group, self.filter.residence
        )
        self.refresh_list()

    def action_pick_status(self) -> None:
        from fptui import schema
        from fptui.tui.screens.dialogs import Picker
        from fptui.tui.text import lang

        states = schema.current().choices["residence"].options
        options = [(None, t("any_status"))] + [(o.key, o.label(lang())) for o in states]
        self.app.push_screen(Picker(t("choose_status"), options), self._set_status)

    def _set_status(self, status: str | bool | None) -> None:
        if status is False:
            return
        self.filter = queries.HouseholdFilter(
            self.filter.query, self.filter.village, self.filter.group, status
        )
        self.refresh_list()
