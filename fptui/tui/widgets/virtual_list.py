"""A list over any number of rows that reads only the rows in view (Textual's Line API).

Textual's DataTable holds every row as widgets' data: 100,000 rows took 14 s and 140 MB
here. This list is a ScrollView whose virtual height is the row count; `render_line`
asks a `fetch(offset, limit)` callback for a page of rows when a line of it is first
drawn, and keeps a few pages. The cursor, its movement and the selection message are
drawn and handled here, so every long list in fptui behaves the same.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from fptui.cells import fit

Fetch = Callable[[int, int], list[str]]

PAGE = 100


class VirtualList(ScrollView, can_focus=True):
    """Rows fetched a page at a time; one highlighted cursor row; Enter selects it."""

    DEFAULT_CSS = """
    VirtualList {
        height: 1fr;
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
    }
    VirtualList > .virtual-list--cursor {
        background: $accent;
        color: $text;
        text-style: bold;
    }
    VirtualList:focus > .virtual-list--cursor {
        background: $accent;
    }
    VirtualList > .virtual-list--header {
        color: $text-muted;
        text-style: bold;
    }
    """
    COMPONENT_CLASSES = {"virtual-list--cursor", "virtual-list--header"}
    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("enter", "select", "Open", show=False),
    ]

    class Selected(Message):
        """Enter was pressed on row `index`."""

        def __init__(self, sender: VirtualList, index: int) -> None:
            super().__init__()
            self.list = sender
            self.index = index

        @property
        def control(self) -> VirtualList:
            return self.list

    def __init__(
        self,
        *,
        header: str = "",
        count: int = 0,
        fetch: Fetch | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.header = header
        self.count = count
        self.cursor = 0
        self._fetch: Fetch = fetch or (lambda offset, limit: [])
        self._pages: OrderedDict[int, list[str]] = OrderedDict()

    # --- data -------------------------------------------------------------------------

    def reset(self, count: int, fetch: Fetch, *, keep_cursor: bool = False) -> None:
        """Show `count` rows read through `fetch`; the cursor goes to the first row."""
        self.count = count
        self._fetch = fetch
        self._pages.clear()
        self.cursor = min(self.cursor, max(count - 1, 0)) if keep_cursor else 0
        self.virtual_size = Size(self.size.width, count + self._top)
        if not keep_cursor and self.scroll_offset.y:
            self.scroll_to(y=0, animate=False)
        self.refresh()

    def recount(self, count: int) -> None:
        """The same rows, `count` of them now (an exact count after "at least"): the rows
        read and on the screen stay; only the scroll range changes."""
        self.count = count
        self.cursor = min(self.cursor, max(count - 1, 0))
        self.virtual_size = Size(self.size.width, count + self._top)

    def row(self, index: int) -> str | None:
        if not 0 <= index < self.count:
            return None
        page = index // PAGE
        rows = self._pages.get(page)
        if rows is None:
            rows = self._fetch(page * PAGE, PAGE)
            self._pages[page] = rows
            while len(self._pages) > 8:
                self._pages.popitem(last=False)
        offset = index - page * PAGE
        return rows[offset] if offset < len(rows) else None

    @property
    def _top(self) -> int:
        return 1 if self.header else 0

    # --- drawing ----------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if self.header and y == 0:
            style = self.get_component_rich_style("virtual-list--header")
            return Strip([Segment(fit(self.header, width), style)], width)
        index = y - self._top + self.scroll_offset.y
        text = self.row(index)
        if text is None:
            return Strip.blank(width, self.rich_style)
        style: Style = self.rich_style
        if index == self.cursor:
            style = self.get_component_rich_style("virtual-list--cursor")
        return Strip([Segment(fit(text, width), style)], width)

    # --- moving -----------------------------------------------------------------------

    @property
    def _visible(self) -> int:
        return max(1, self.scrollable_content_region.height - self._top)

    def move_to(self, index: int, *, to_top: bool = False) -> None:
        """Put the cursor on row `index`, scrolling as little as needed (or, `to_top`,
        until the row is the first in view: a section's heading with its rows under it)."""
        if self.count == 0:
            return
        was, self.cursor = self.cursor, max(0, min(index, self.count - 1))
        top = self.scroll_offset.y
        if to_top or self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + self._visible:
            self.scroll_to(y=self.cursor - self._visible + 1, animate=False)
        if self.scroll_offset.y != top:
            self.refresh()  # every line moved
        elif was != self.cursor:  # only the row left and the row reached change
            self.refresh_line(was + self._top)
            self.refresh_line(self.cursor + self._top)

    def action_cursor_up(self) -> None:
        self.move_to(self.cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_to(self.cursor + 1)

    def action_page_up(self) -> None:
        self.move_to(self.cursor - self._visible)

    def action_page_down(self) -> None:
        self.move_to(self.cursor + self._visible)

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(self.count - 1)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Enter is the screen's own where the screen binds it (open a record, mark a
        visit done): the list's Enter would take the key first and hide the screen's
        word from the footer. Elsewhere Enter selects the row (`Selected`)."""
        if action == "select":
            screen = self.screen
            return "enter" not in screen._bindings.key_to_bindings
        return True

    def action_select(self) -> None:
        if self.count:
            self.post_message(self.Selected(self, self.cursor))

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        """A resize is painted by the layout that made it (the list's new region). Textual's
        ScrollView also leaves the whole list marked for the next update, so the first
        Down after a resize (the score panel's arrival below the list) sent every row."""
        resized = self._size != size
        changed = super()._size_updated(size, virtual_size, container_size, layout)
        if resized:
            self._repaint_regions.clear()
        return changed

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, self.count + self._top)
