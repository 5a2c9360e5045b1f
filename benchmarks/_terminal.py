"""The app as a terminal sees it, for the benchmarks that count its bytes: Textual's
headless driver made to render, every string it would write handed to `on_write`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from unittest import mock


@contextmanager
def rendering_driver(on_write: Callable[[str], None]) -> Iterator[None]:
    """While inside, `App.run_test` renders its updates and gives them to `on_write`."""
    import textual.drivers.headless_driver as headless

    class Rendering(headless.HeadlessDriver):
        @property
        def is_headless(self) -> bool:  # so the app renders its updates to `write`
            return False

        def write(self, data: str) -> None:
            on_write(data)

        def flush(self) -> None:
            pass

    with mock.patch.object(headless, "HeadlessDriver", Rendering):
        yield
