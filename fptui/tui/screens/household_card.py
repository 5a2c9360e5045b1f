"""The household card: its fields, its members, its events as a timeline."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from fptui import schema
from fptui.reads import queries
from fptui.tui.lines import event_line
from fptui.tui.text import Localised, choice, colon, lang, listing, t
from fptui.tui.widgets.plain import Plain, PlainLabel, cells
from fptui.tui.widgets.quiet import QuietTable
from fptui.tui.widgets.score_panel import ScorePanel


class HouseholdCardScreen(Localised, Screen[None]):
    BINDINGS = [
        # priority: the members table's own Enter would hide this one from the footer
        Binding("enter", "open_person", "open", key_display="Enter", priority=True),
        Binding("a", "add_person", "fk_person"),
        Binding("b", "birth", "fk_birth"),
        Binding("x", "event", "fk_event"),
        Binding("e", "edit", "edit"),
        Binding("h", "make_head", "key_head"),
        Binding("f", "followups", "key_visits"),
        Binding("escape", "back", "back", key_display="Esc"),
    ]

    def __init__(self, household_id: int) -> None:
        super().__init__()
        self.household_id = household_id
        self.member_ids: list[int] = []

    def compose(self) -> ComposeResult:
        yield PlainLabel("", id="card-title", classes="screen-title")
        yield Plain("", id="card-fields")
        yield QuietTable(id="members", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="timeline-box"):
            yield PlainLabel(t("open_followups"), classes="section-title")
            yield Plain("", id="card-followups")
            yield PlainLabel(t("timeline"), classes="section-title")
            yield Plain("", id="timeline")
        yield ScorePanel(id="score-panel")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        table = self.query_one("#members", DataTable)
        table.add_columns(
            t("col_name"),
            t("col_sex"),
            t("col_age"),
            t("col_relation"),
            t("col_marital"),
            t("col_residence"),
            t("col_id"),
        )
        self.load()
        table.focus()

    def load(self) -> None:
        self.app.refresh_score()
        card = queries.household_card(self.household_id)
        if card is None:
            self.dismiss(None)
            return
        h = card.household
        place = " ".join(
            x for x in (card.village.name, card.group.name if card.group else "") if x
        )
        self.query_one("#card-title", PlainLabel).update(
            f"{t('household_card')} · {h.number} · {place}"
        )
        flags = [t(k) for k in ("one_child", "special_family") if getattr(h, k)]
        fields = [
            f"{t('head')}{colon()}{card.head.name if card.head else '—'}    "
            f"{t('registration')}{colon()}{choice('registration', h.registration)}    "
            f"{t('phone')}{colon()}{h.phone or '—'}",
            f"{t('address')}{colon()}{h.address or '—'}"
            + (f"    {t('flags')}{colon()}{listing(flags)}" if flags else ""),
        ]
        self.query_one("#card-fields", Static).update("\n".join(fields))
        table = self.query_one("#members", DataTable)
        chosen = self.selected_member()  # the cursor stays on the same person
        table.clear()
        self.member_ids = []
        for m in card.members:
            table.add_row(
                *cells(
                    m.name,
                    choice("sex", m.sex),
                    str(m.age),
                    choice("relation", m.relation),
                    choice("marital_status", m.marital_status),
                    choice("residence", m.residence),
                    m.id_masked,
                )
            )
            self.member_ids.append(m.id)
        if self.member_ids:
            row = self.member_ids.index(chosen) if chosen in self.member_ids else 0
            table.move_cursor(row=row)
        from fptui.reads import followups

        visits = followups.open_list("all", household=self.household_id)
        self.query_one("#card-followups", Static).update(
            "\n".join(
                f"{v.due_on}  {followups.title(v.kind, lang())}  {v.person}"
                + (
                    f"  {t('col_late')} {t('days_late', n=v.days_overdue)}"
                    if v.days_overdue
                    else ""
                )
                for v in visits
            )
            or t("no_followups")
        )
        lines = [event_line(e) for e in card.events] or [t("no_events")]
        self.query_one("#timeline", Static).update("\n".join(lines))

    def selected_member(self) -> int | None:
        table = self.query_one("#members", DataTable)
        if not self.member_ids or table.row_count == 0:
            return None
        return self.member_ids[min(table.cursor_row, len(self.member_ids) - 1)]

    def _after(self, _: Any = None) -> None:
        self.load()

    @on(DataTable.RowSelected)
    def _row(self) -> None:
        self.action_open_person()

    def action_open_person(self) -> None:
        person = self.selected_member()
        if person is None:
            self.app.notify(t("no_person"))
            return
        from fptui.tui.screens.person_card import PersonCardScreen

        self.app.push_screen(PersonCardScreen(person), self._after)

    def action_add_person(self) -> None:
        from fptui.tui.forms import person_form

        self.app.push_screen(person_form(self.household_id), self._after)

    def action_birth(self) -> None:
        from fptui.tui.forms import event_form

        self.app.push_screen(event_form("birth", household_id=self.household_id), self._after)

    def action_event(self) -> None:
        self.app.pick_event(self.household_id, self.selected_member(), self._after)

    def action_edit(self) -> None:
        from fptui.tui.forms import household_form

        self.app.push_screen(household_form(household_id=self.household_id), self._after)

    def action_make_head(self) -> None:
        """h: the chosen member becomes the head; the head before them is asked their
        relation to the new one (a picker of the relations, 户主 left out)."""
        person = self.selected_member()
        if person is None:
            return
        card = queries.household_card(self.household_id)
        old = card.head
        if old is None or old.id == person:
            self._make_head(person, None)
            return
        from fptui.tui.screens.dialogs import Picker

        relations = schema.current().choices["relation"]
        options = [(o.key, o.label(lang())) for o in relations.options if o.key != "head"]

        def chosen(value: object) -> None:
            if value is not False and value is not None:
                self._make_head(person, str(value))

        title = t("previous_head_relation", name=old.name)
        self.app.push_screen(Picker(title, options), chosen)

    def _make_head(self, person: int, previous_relation: str | None) -> None:
        from fptui import ledger
        from fptui.schema.validate import InvalidInput

        try:
            ledger.set_head(self.household_id, person, previous_relation=previous_relation)
        except InvalidInput as exc:
            self.app.notify(exc.text(lang()), severity="error", markup=False)
            return
        self.app.notify(t("saved"), timeout=2)
        self.load()

    def action_followups(self) -> None:
        from fptui.tui.screens.followups import FollowupsScreen

        self.app.push_screen(FollowupsScreen(due="all", household=self.household_id), self._after)

    def action_back(self) -> None:
        self.dismiss(None)
