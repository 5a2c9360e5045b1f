"""Keys sent as a terminal sends a burst: every key posted at once, no pause between."""

from __future__ import annotations

import unicodedata

from textual import events
from textual.app import App
from textual.keys import _character_to_key, _get_unicode_name_from_key

NAMED = {"tab": "\t", "enter": "\r", "escape": "\x1b", "ctrl+s": "\x13", "backspace": "\x7f"}


def key_event(key: str) -> events.Key:
    """The event the driver makes for `key` (a name such as `tab`, or one character)."""
    if len(key) == 1:
        name = key if key.isalnum() else _character_to_key(key)
        return events.Key(name, key)
    if key in NAMED:
        return events.Key(key, NAMED[key])
    try:
        return events.Key(key, unicodedata.lookup(_get_unicode_name_from_key(key)))
    except KeyError:
        return events.Key(key, None)


def burst(app: App, *keys: str) -> None:
    """Post every key to the app in one go, as the driver does with a burst of input."""
    for key in keys:
        event = key_event(key)
        event.set_sender(app)
        app.post_message(event)


async def drained(pilot, limit: float = 20.0) -> None:
    """Wait until every key of a burst has been let go and the app has settled (however
    loaded the machine): a test asserts on the end state, never on a guess of time."""
    import asyncio

    app = pilot.app
    loop = asyncio.get_running_loop()
    give_up = loop.time() + limit
    while loop.time() < give_up:
        await pilot.pause()
        pump = app._key_pump
        if not app._held_keys and app._released_key is None and (pump is None or pump.done()):
            await pilot.pause(0.1)
            if not app._held_keys and not app._busy():
                return
    raise AssertionError("the burst was not handled in time")
