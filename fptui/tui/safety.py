"""When the screens meet a failure or are stopped: no traceback, typed work kept.

`FptuiApp` hands every exception Textual would have printed (with each frame's local
variables: names and ID numbers) to `failed()`: the forms open keep their typed values as
drafts, `fptui.crash` writes its report without values, and the app ends with one line
in the interface's language and exit status 3. A lost SSH connection (SIGHUP) or a
`kill` (SIGTERM, SIGINT) keeps the drafts the same way and ends the app quietly.

A form (`FormScreen` with a `draft_key`) asks `restore()` when it opens: a draft of the
same form and record fills it again, with a line saying so (Ctrl+Z drops it); saving or
discarding the form deletes the draft (`drop()`). A failure the cadre can act on, met
while saving (the ledger busy, the disk full, the server gone), is shown in the form,
which stays open with everything typed (`shown_in_form()`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from fptui import crash, drafts
from fptui.tui.text import lang, t

if TYPE_CHECKING:
    from textual.app import App


@runtime_checkable
class FormScreen(Protocol):
    """What of a form (`fptui.tui.screens.form.FormScreen`, which imports this module)
    the drafts need."""

    draft_key: str | None
    fields: list[Any]
    app: Any

    def dirty(self) -> bool: ...
    def typed(self) -> dict[str, str]: ...
    def input(self, key: str) -> Any: ...
    def mount(self, *widgets: Any, before: Any = None) -> Any: ...
    def query(self, selector: str) -> Any: ...
    def query_one(self, selector: str, expect_type: Any = None) -> Any: ...


# After a signal the app is given this long to end by itself; then the process ends
# anyway (its drafts are on disk by then): a hung-up terminal must not keep it alive.
GRACE_SECONDS = 5.0


def ledger() -> str | None:
    """The open ledger's location (a file's absolute path, or a server URL without
    credentials), or None."""
    try:
        from fptui import models

        return crash.ledger_of(models.database.obj)
    except Exception:
        return None


# --- drafts ------------------------------------------------------------------------


def _forms(app: App[Any]) -> list[FormScreen]:
    try:
        stack = list(app.screen_stack)
    except Exception:
        return []
    return [s for s in stack if isinstance(s, FormScreen)]


def typed_changes(form: FormScreen) -> dict[str, str]:
    """The fields the cadre changed from what the form opened with, as typed. Only these
    go into a draft: a field left alone must not carry an old value back over a change
    another cadre saves meanwhile."""
    typed = form.typed()
    return {
        f.key: typed[f.key] for f in form.fields if not f.read_only and typed[f.key] != f.initial
    }


def keep_drafts(app: App[Any]) -> int:
    """Write a draft of every open form holding unsaved changes; how many were kept."""
    where = ledger()
    if where is None:
        return 0
    kept = 0
    for form in _forms(app):
        try:
            if form.draft_key and form.dirty():
                drafts.keep(where, form.draft_key, typed_changes(form))
                kept += 1
        except Exception:  # a form half built, a full disk: keep the others
            continue
    return kept


def restore(form: FormScreen) -> bool:
    """Fill a form just opened from its draft, if there is one; say so above the footer."""
    where = ledger()
    if not form.draft_key or where is None:
        return False
    values = drafts.load(where, form.draft_key)
    if not values:
        return False
    changed = False
    for f in form.fields:
        if f.read_only or f.key not in values:
            continue
        box = form.input(f.key)
        if box.value != values[f.key]:
            box.value = values[f.key]
            changed = True
    if not changed:  # nothing the form does not already hold
        drafts.drop(where, form.draft_key)
        return False
    from fptui.tui.widgets.plain import Plain

    form.mount(Plain(t("draft_restored"), id="form-draft"), before="#form-preview")
    return True


def drop(form: FormScreen) -> None:
    """The form was saved, or its changes discarded: its draft goes."""
    where = ledger()
    if form.draft_key and where is not None:
        with contextlib.suppress(OSError):
            drafts.drop(where, form.draft_key)


def drop_all(app: App[Any]) -> None:
    """Quitting on purpose (nothing unsaved, or its loss confirmed): no draft stays."""
    for form in _forms(app):
        drop(form)


def discard_restored(form: FormScreen) -> None:
    """Ctrl+Z: put back the values the form opened with, and delete the draft."""
    lines = form.query("#form-draft")
    if not lines:
        return
    for f in form.fields:
        if not f.read_only:
            form.input(f.key).value = f.initial
    lines.remove()
    drop(form)
    form.app.notify(t("draft_dropped"), timeout=3)


def shown_in_form(form: FormScreen, error: Exception) -> bool:
    """A known failure met while saving (busy, disk full, server gone): said in the form,
    which stays open with what was typed. False for anything else."""
    category = crash.category(error)
    if category is None:
        return False
    from textual.widgets import Static

    line = crash.message(category, lang=lang(), ending=False)
    with contextlib.suppress(Exception):
        form.query_one("#form-error", Static).update(line)
    form.app.notify(line, severity="error", timeout=10)
    return True


# --- the end of the app ------------------------------------------------------------


def failed(app: App[Any], error: BaseException) -> str:
    """An exception nobody handled: drafts kept, report written; the line to show."""
    kept = 0
    with contextlib.suppress(Exception):
        kept = keep_drafts(app)
    return crash.fail(error, ledger=ledger(), where="screens", lang=lang(), drafts=kept)


def panicked(app: App[Any], renderables: Iterable[object]) -> str:
    """Textual gave up on its own (its input thread failed) with a traceback to print:
    the report keeps that traceback's types and places; the line to show."""
    kept = 0
    with contextlib.suppress(Exception):
        kept = keep_drafts(app)
    raised: list[crash.Raised] = []
    for renderable in renderables:
        trace = getattr(renderable, "trace", None)
        for stack in getattr(trace, "stacks", []):
            frames = tuple(
                crash.Frame(crash.short_file(f.filename), f.lineno, f.name) for f in stack.frames
            )
            raised.append(crash.Raised(stack.exc_type, None, frames))
    if not raised:
        raised = [crash.Raised("textual panic", None, ())]
    try:
        report = crash.write_report(raised, ledger=ledger(), where="screens (Textual)")
        kind = raised[0].type.rsplit(".", 1)[-1]
        return crash.message(None, kind=kind, report=report, lang=lang(), drafts=kept)
    except Exception:
        return "出错了 / something went wrong"


def watch_signals(app: App[Any]) -> None:
    """SIGHUP (the SSH connection dropped), SIGTERM and SIGINT end the app with its forms'
    drafts kept, and exit status 128 + the signal's number."""
    import asyncio

    loop = asyncio.get_running_loop()
    for number in (signal.SIGHUP, signal.SIGTERM, signal.SIGINT):
        # no signal handlers on Windows' loop (NotImplementedError) or off the main
        # thread (RuntimeError, ValueError): the app runs on, without the draft net
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(number, stopped, app, number)


def stopped(app: App[Any], number: int) -> None:
    """A signal asked the app to end: keep the drafts, then end it."""
    from rich.text import Text

    status = 128 + number
    kept = 0
    with contextlib.suppress(Exception):
        kept = keep_drafts(app)
    line = None
    if number != signal.SIGHUP:  # after a hang-up no terminal is left to read it
        line = t("stopped_by_signal")
        if kept:
            line = f"{line}{' ' if lang() == 'en' else ''}{crash.words('drafts', lang())}"
    # a hung-up terminal can block the app's last writes: end regardless, in a while
    timer = threading.Timer(GRACE_SECONDS, os._exit, (status,))
    timer.daemon = True
    timer.start()
    app.exit(return_code=status, message=Text(line) if line else None)
