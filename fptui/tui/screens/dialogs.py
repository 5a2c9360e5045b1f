"""Small modal screens: pick one of a list, confirm (discarding changes, or an action),
list the keys."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList
from textual.widgets.option_list import Option

from fptui.tui.text import Localised, t
from fptui.tui.widgets.plain import Plain, PlainLabel
from fptui.tui.widgets.quiet import QuietOptionList


class Once(ModalScreen[Any]):
    """A dialog that closes once: a second answer (a key typed twice quickly, Enter after
    a number) while it is closing is nothing, not Textual's `ScreenStackError`."""

    _dismissed = False

    def dismiss(self, result: Any = None) -> AwaitComplete:
        if self._dismissed or not self.is_active:
            return AwaitComplete.nothing()
        self._dismissed = True
        return super().dismiss(result)


class Picker(Localised, Once):
    """Choose one option by its number (1-9), or with the arrows and Enter.

    Dismisses with the option's value, or with False when closed by Esc.
    """

    BINDINGS = [Binding("escape", "close", "back", key_display="Esc")]

    def __init__(self, title: str, options: list[tuple[Any, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.values = [value for value, _ in options]
        self.labels = [label for _, label in options]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield PlainLabel(self.title_text, classes="dialog-title")
            yield QuietOptionList(
                *(
                    Option(Text(f"{i + 1:>2} {label}"), id=str(i))
                    for i, label in enumerate(self.labels)
                )
            )
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    typed = ""

    def on_key(self, event: Any) -> None:
        """Digits pick by number: at once when no longer number starts with them (`3` of 9
        options, `12` of 12), else the option is highlighted for Enter (`1` of 12)."""
        if not (event.character and event.character.isdigit()):
            return
        event.stop()
        typed = self.typed + event.character
        if not 1 <= int(typed) <= len(self.values):
            typed = event.character if 1 <= int(event.character) <= len(self.values) else ""
        self.typed = typed
        if not typed:
            return
        index = int(typed) - 1
        if int(typed) * 10 > len(self.values):
            self.dismiss(self.values[index])
        else:
            self.query_one(OptionList).highlighted = index

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.values[int(event.option.id or 0)])

    def action_close(self) -> None:
        self.dismiss(False)


class ConfirmDiscard(Localised, Once):
    """Asked by Esc on a changed form: Y drops the changes, N (or Esc) keeps editing."""

    BINDINGS = [
        Binding("y", "answer(True)", "fk_discard"),
        Binding("n,escape", "answer(False)", "fk_keep"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield PlainLabel(t("discard_title"), classes="dialog-title")
            yield PlainLabel(t("discard_body"))
            yield PlainLabel(f"{t('discard_yes')}    {t('discard_no')}")
        yield Footer(compact=True, show_command_palette=False)

    def action_answer(self, drop: bool) -> None:
        self.dismiss(drop)


class Confirm(Localised, Once):
    """A yes-or-no question before something that cannot simply be undone."""

    BINDINGS = [
        Binding("y", "answer(True)", "fk_yes"),
        Binding("n,escape", "answer(False)", "fk_no"),
    ]

    def __init__(self, title: str, body: str) -> None:
        super().__init__()
        self.title_text, self.body = title, body

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield PlainLabel(self.title_text, classes="dialog-title")
            yield Plain(self.body)  # wraps: a body may be longer than the dialog is wide
            yield PlainLabel(f"{t('confirm_yes')}    {t('confirm_no')}")
        yield Footer(compact=True, show_command_palette=False)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class KeysHelp(Localised, Once):
    """F1: every key that works on the screen below, with what it does."""

    BINDINGS = [Binding("escape,f1,q", "close", "close", key_display="Esc")]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield PlainLabel(t("keys_title"), classes="dialog-title")
            width = max((len(k) for k, _ in self.keys), default=4) + 2
            with VerticalScroll(id="keys-list"):
                for key, description in self.keys:
                    yield PlainLabel(f"{key:<{width}}{description}")
        yield Footer(compact=True, show_command_palette=False)

    def action_close(self) -> None:
        self.dismiss(None)
