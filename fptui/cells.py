"""Text measured in terminal cells, where a CJK character takes two: columns of names
line up on the screen and in `fptui followups` or `fptui score` alike.

rich (which Textual brings) does the measuring; this module only names the one use.
"""

from __future__ import annotations

from rich.cells import set_cell_size


def fit(text: str, width: int) -> str:
    """`text` padded or cut to exactly `width` terminal cells (CJK characters are two)."""
    return set_cell_size(text, width)
