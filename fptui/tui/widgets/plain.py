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


class PlainLabel(Label):
    def __init__(self, content: Any = "", **kwargs: Any) -> None:
        super().__init__(content, markup=False, **kwargs)


def cells(*values: object) -> list[Text]:
    """DataTable cells as plain text (a str cell would be read as markup)."""
    return [Text(str(v)) for v in values]
