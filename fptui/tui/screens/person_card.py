"""The person card: every field, the full ID number, parents and spouse, and events."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from fptui import clock, schema
from fptui.dates import age_on
from fptui.reads import queries
from fptui.tui.lines import event_line
from fptui.tui.screens.form import shown
from fptui.tui.text import Localised, colon, lang, t
from fptui.tui.widgets.plain import Plain, PlainLabel


class PersonCardScreen(Localised, Screen[None]):
    BINDINGS = [
        Binding("e", "edit", "edit"),
        Binding("x", "event", "fk_event"),
        Binding("c", "correct_event", "fk_correct"),
        Binding("d", "void_event", "fk_void"),
        Binding("escape", "back", "back", key_display="Esc"),
    ]

    def __init__(self, person_id: int) -> None:
        super().__init__()
        self.person_id = person_id

    def compose(self) -> ComposeResult:
        yield PlainLabel("", id="card-title", classes="screen-title")
        with VerticalScroll(id="person-box"):
            yield Plain("", id="person-fields")
            yield PlainLabel(t("timeline"), classes="section-title")
            yield Plain("", id="timeline")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.load()
        self.query_one("#person-box").focus()

    def load(self) -> None:
        self.app.refresh_score()
        p = queries.person(self.person_id)
        if p is None:  # voided with the event that made them (a birth, a move in)
            self.dismiss(None)
            return
        form = schema.current().forms["person"]
        age = age_on(p.birth_date, p.death_date or clock.today())
        self.query_one("#card-title", PlainLabel).update(
            f"{t('person_card')} · {p.name} · {t('age_years', n=age)}"
        )
        lines = []
        pairs = []
        for f in form.fields:
            value = shown(getattr(p, f.key), f) or "—"
            pairs.append(f"{f.label(lang())}{colon()}{value}")
        for key, label in (("mother", "mother"), ("father", "father"), ("spouse", "spouse")):
            other = getattr(p, f"{key}_id")
            if other:
                pairs.append(f"{t(label)}{colon()}{queries.person(other).name}")
        for i in range(0, len(pairs), 2):
            lines.append("    ".join(pairs[i : i + 2]))
        self.query_one("#person-fields", Static).update("\n".join(lines))
        events = [event_line(e) for e in queries.person_events(self.person_id)]
        self.query_one("#timeline", Static).update("\n".join(events) or t("no_events"))

    def _after(self, _: Any = None) -> None:
        self.load()

    def action_edit(self) -> None:
        from fptui.tui.forms import person_form

        p = queries.person(self.person_id)
        self.app.push_screen(person_form(p.household_id, self.person_id), self._after)

    def action_event(self) -> None:
        p = queries.person(self.person_id)
        self.app.pick_event(p.household_id, self.person_id, self._after, only_person=True)

    def action_correct_event(self) -> None:
        """Choose one of the timeline's events and correct its date or details."""
        from fptui.tui.forms import event_edit_form

        self._pick_event("choose_event_to_correct", event_edit_form)

    def action_void_event(self) -> None:
        """Choose one of the timeline's events entered in error and void it, with why."""
        from fptui.tui.forms import event_void_form

        self._pick_event("choose_event_to_void", event_void_form)

    def _pick_event(self, title: str, form: Any) -> None:
        from fptui.tui.screens.dialogs import Picker

        events = queries.person_events(self.person_id)
        if not events:
            self.app.notify(t("no_events"))
            return

        def chosen(event_id: Any) -> None:
            if event_id not in (False, None):
                self.app.push_screen(form(event_id), self._after)

        options = [(e.id, event_line(e)) for e in events]
        self.app.push_screen(Picker(t(title), options), chosen)

    def action_back(self) -> None:
        self.dismiss(None)
