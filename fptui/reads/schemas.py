"""The schemas, read and held against what the computations offer.

`schema.load` checks every file by its own rules, but cannot know which logic checks
and figures exist: they live here, above it. Loading through `load` checks those names
too, so a township's schema folder with a misspelt check is refused when it is read,
not when the score panel first runs.
"""

from __future__ import annotations

from pathlib import Path

from fptui import schema
from fptui.reads import checks, score
from fptui.schema import Schemas


def load(directory: Path | str | None = None) -> Schemas:
    """The schemas of `directory` (default: the shipped ones), every name checked."""
    loaded = schema.load(directory)
    checks.rules_of(loaded)
    score.indicators_of(loaded)
    return loaded
