"""Textual's table and option list, sending fewer bytes for a cursor move (issue 15).

On a 2G link (about 6 KB/s) a key that moves the cursor must send the rows that changed
and little else. Textual's OptionList repaints every visible option when the highlight
moves (a picker of a township's 60 villages: 2.9 KB per Down); its DataTable repaints the
two rows, but each cell as its own styled run, the same colours sent again per cell; its
Input blinks its cursor by redrawing its whole line twice a second, keys or not.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.reactive import Reactive
from textual.strip import Strip
from textual.widgets import DataTable, Input, OptionList


class SteadyInput(Input):
    """An Input whose cursor does not blink: a blink redraws the field's line (about 130
    bytes) twice a second, 4% of a 2G link before any key, and in between its keys."""

    cursor_blink: Reactive[bool] = Reactive(False, init=False)


class QuietOptionList(OptionList):
    """An OptionList whose highlight move redraws the option left and the one reached."""

    # Not a repaint of the whole list: the watcher below redraws the two options' lines.
    highlighted: Reactive[int | None] = Reactive(None, repaint=False)

    def watch_highlighted(self, old: int | None, new: int | None) -> None:
        for index in {old, new} - {None}:
            try:
                first, height = self._index_to_line[index], self._heights[index]  # type: ignore[index]
            except KeyError:  # options replaced meanwhile: they are all redrawn anyway
                continue
            self.refresh_lines(first, height)
        super().watch_highlighted(new)  # scrolls to it (all redrawn if it scrolls), tells


class QuietTable(DataTable):  # type: ignore[type-arg]
    """A DataTable of whole-row choice whose cursor move sends the two rows it changes,
    each as one run per colour, not one per cell (about half the bytes). A click still
    chooses the row (each cell says which row it is; a row cursor needs no column)."""

    def _set_hover_cursor(self, active: bool) -> None:
        """Textual's redraws the row under the mouse on every key that moves the cursor,
        the mouse's faint cursor shown or not (row 0 when no mouse was ever there): a
        third row sent with each Down. Redrawn here only when that cursor comes or goes."""
        if active != self._show_hover_cursor:
            super()._set_hover_cursor(active)

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        if self.cursor_type != "row":
            return strip
        segments = []
        for text, style, control in strip:
            if style is not None and style.meta and "column" in style.meta:
                style = style + Style.from_meta({**style.meta, "column": 0})
            segments.append(Segment(text, style, control))
        return Strip(segments, strip.cell_length).simplify()
