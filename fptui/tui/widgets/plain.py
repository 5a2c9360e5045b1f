"""Text widgets that show what they are given, as given.

Names, addresses and notes are the cadres' own words: `[3号]` in an address is text, not
markup, and must neither vanish nor crash a card. Every screen shows text through these.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Footer, Label, Static


class Plain(Static):
    def __init__(self, content: Any = "", **kwargs: Any) -> None:
        super().__init__(content, markup=False, **kwargs)

    def show(self, content: Any, kind: str | None = None, kinds: tuple[str, ...] = ()) -> None:
        """Show `content` (with the class `kind`, one of `kinds`), redrawing only if that
        changes what is shown: an update of the same text still sends its lines again."""
        if content != self.content:
            self.update(content)
        for name in kinds:
            if self.has_class(name) != (name == kind):
                self.set_class(name == kind, name)


class PlainLabel(Label):
    def __init__(self, content: Any = "", **kwargs: Any) -> None:
        super().__init__(content, markup=False, **kwargs)


def cells(*values: object) -> list[Text]:
    """DataTable cells as plain text (a str cell would be read as markup)."""
    return [Text(str(v)) for v in values]


class QuietFooter(Footer):
    """Textual's footer, built anew only when the keys it shows change. Textual's builds
    itself anew (a whole line sent, three times over) on every focus move, even between
    two fields of a form whose keys are the same: on a slow link that is most of a Tab."""

    _shown: tuple[object, ...] | None = None

    def _keys(self) -> tuple[object, ...]:
        return tuple(
            (binding.key, self.app.get_key_display(binding), binding.description, on, tip)
            for (_, binding, on, tip) in self.screen.active_bindings.values()
            if binding.show
        )

    def compose(self):  # type: ignore[no-untyped-def]
        self._shown = self._keys() if self._bindings_ready else None
        yield from super().compose()

    def bindings_changed(self, screen: Screen) -> None:
        same_screen = self.is_attached and screen is self.screen
        if same_screen and self._shown is not None and self._keys() == self._shown:
            return  # the same keys: nothing to draw again
        super().bindings_changed(screen)
