"""Small modal screens: pick one of a list, confirm discarding changes, list the keys."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option

from fptui.tui.text import Localised, t


class Picker(Localised, ModalScreen[Any]):
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
            yield Label(self.title_text, classes="dialog-title")
            yield OptionList(
                *(Option(f"{i + 1:>2} {label}", id=str(i)) for i, label in enumerate(self.labels))
            )
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_key(self, event: Any) -> None:
        if event.character and event.character.isdigit() and event.character != "0":
            index = int(event.character) - 1
            if index < len(self.values) and len(self.values) <= 9:
                event.stop()
                self.dismiss(self.values[index])

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.values[int(event.option.id or 0)])

    def action_close(self) -> None:
        self.dismiss(False)


class ConfirmDiscard(Localised, ModalScreen[bool]):
    """Asked by Esc on a changed form: Y drops the changes, N (or Esc) keeps editing."""

    BINDINGS = [
        Binding("y", "answer(True)", "discard_yes"),
        Binding("n,escape", "answer(False)", "discard_no"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(t("discard_title"), classes="dialog-title")
            yield Label(t("discard_body"))
            yield Label(f"{t('discard_yes')}    {t('discard_no')}")
        yield Footer(compact=True, show_command_palette=False)

    def action_answer(self, drop: bool) -> None:
        self.dismiss(drop)


class KeysHelp(Localised, ModalScreen[None]):
    """F1: every key that works on the screen below, with what it does."""

    BINDINGS = [Binding("escape,f1,q", "close", "close")]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(t("keys_title"), classes="dialog-title")
            width = max((len(k) for k, _ in self.keys), default=4) + 2
            for key, description in self.keys:
                yield Label(f"{key:<{width}}{description}")
        yield Footer(compact=True, show_command_palette=False)

    def action_close(self) -> None:
        self.dismiss(None)
