"""Text widgets that show what they are given, as given.

Names, addresses and notes are the cadres' own words: `[3号]` in an address is text, not
markup, and must neither vanish nor crash a card. Every screen shows text through these.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Label, Static


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
