"""The Textual application: screens over the ledger, keys for everything.

Screens read through `queries` and write only through `ledger` (inside the forms'
submit callbacks). Only the household list is imported before the first paint.
"""

from __future__ import annotations

import asyncio
import sys
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandList, CommandPalette
from textual.notifications import Notification
from textual.screen import Screen
from textual.widgets.option_list import Option

from fptui.reads import queries
from fptui.tui import text
from fptui.tui.text import Localised, lang, t


class FptuiApp(Localised, App[None]):
    CSS_PATH = Path(__file__).with_name("app.tcss")
    BINDINGS = [
        Binding("f1", "keys", "help", key_display="F1"),
        Binding("f8", "score", "score", key_display="F8", show=False),
        Binding("ctrl+q", "quit", "quit", key_display="Ctrl+Q", show=False),
    ]
    ENABLE_COMMAND_PALETTE = True
    # What a screen focuses when it opens, before its own on_mount chooses: Textual's
    # "*" took a form's scroll box (then the first field took it back), restyling every
    # field twice, a third of the time a form took to open. Scroll boxes that are meant
    # to scroll by keys are named.
    AUTO_FOCUS = "Input, VirtualList, DataTable, OptionList, #keys-list, #person-box"

    def __init__(self, lang_code: str = "zh") -> None:
        text.set_lang(lang_code)
        super().__init__()
        self.title = t("app_title")
        from fptui.tui.widgets.score_panel import LiveScore

        self.live = LiveScore()
        self._held_keys: deque[events.Key] = deque()
        self._released_key: events.Key | None = None
        self._key_pump: asyncio.Task[None] | None = None

    def on_mount(self) -> None:
        # The full check runs after the first paint, in a thread: the list is usable at once.
        self.call_after_refresh(self.load_score)
        self.check_size(*self.size)
        if not self.is_headless:
            from fptui.tui import safety

            safety.watch_signals(self)

    # --- keys: one at a time, each to the screen that is there once the last is done --

    # A key that waits longer than this for the app to settle goes on anyway (a screen
    # that never settles must not swallow the keyboard)...
    KEY_SETTLE_LIMIT = 0.5
    # ...but not to a screen still being put up (a slow laptop, a loaded server): a key
    # let go then could close it halfway through its mounting.
    KEY_MOUNT_LIMIT = 10.0

    async def on_event(self, event: events.Event) -> None:
        """A key from the terminal waits its turn: Textual hands each key to the focused
        widget as soon as it arrives, while the key before it may still be on its way (a
        binding runs when the key has bubbled back up to the app) or may have opened or
        closed a screen that is not ready yet. A burst then lost keys (typed before the
        form was there), moved a Tab before the text typed ahead of it, or closed a picker
        twice. So keys are held, and each is let go only when the one before it is done
        and every screen it opened or closed has settled."""
        if isinstance(event, events.Key) and not event.is_forwarded:
            if event is self._released_key:
                self._released_key = None
            else:
                self._held_keys.append(event)
                if self._key_pump is None or self._key_pump.done():
                    self._key_pump = asyncio.create_task(self._pump_keys())
                return
        await super().on_event(event)

    async def _pump_keys(self) -> None:
        try:
            while self._held_keys and not (self._closing or self._closed):
                await self._settled()
                event = self._held_keys.popleft()
                self._released_key = event
                if not self.post_message(event):
                    self._held_keys.clear()
                    self._released_key = None
                await self._settled()  # the key itself, and what it set off
        except Exception as error:  # a bug here must not leave the keyboard dead quietly
            self._held_keys.clear()
            self._handle_exception(error)

    async def _settled(self) -> None:
        """Until nothing is left to do for a while (a handler that awaits leaves its queue
        empty meanwhile: idle has to be seen a few times running), or the limit."""
        loop = asyncio.get_running_loop()
        give_up = loop.time() + self.KEY_SETTLE_LIMIT
        spins = idle = 0
        mounting_limit = loop.time() + self.KEY_MOUNT_LIMIT
        while idle < 3 and (
            loop.time() < give_up or (self._mounting() and loop.time() < mounting_limit)
        ):
            spins += 1
            await asyncio.sleep(0 if spins < 100 else 0.001)
            idle = 0 if self._busy() else idle + 1

    def _mounting(self) -> bool:
        """The screen on top is not mounted yet."""
        try:
            return not self.screen.is_mounted
        except Exception:
            return True  # no screen yet

    _dispatching = 0

    async def _dispatch_message(self, message: Any) -> None:
        self._dispatching += 1
        try:
            await super()._dispatch_message(message)
        finally:
            self._dispatching -= 1

    def _busy(self) -> bool:
        """The app is handling a message, or something of the current screen or the app
        has messages or callbacks waiting, or the screen is not mounted yet."""
        if self._released_key is not None or self._dispatching:
            return True
        try:
            screen = self.screen
        except Exception:
            return True  # no screen yet
        if not screen.is_mounted or screen._callbacks:
            return True
        return any(
            pump._next_callbacks or not pump._message_queue.empty()
            for pump in (self, *screen.walk_children(with_self=True))
        )

    # --- failures: one line and a report without values, never Textual's traceback ----

    def _handle_exception(self, error: Exception) -> None:
        """Anything raised and not handled, anywhere in the app (Textual's own prints a
        traceback with every frame's locals: names, ID numbers). Forms are kept as drafts,
        `fptui.crash` writes its report, and the app ends with one line, status 3."""
        if self._exception is None:
            self._exception = error  # run_test raises it at its end: tests still see it
            self._exception_event.set()
        self._say_and_end(lambda safety: safety.failed(self, error))

    def _fatal_error(self) -> None:
        import sys

        self._handle_exception(sys.exc_info()[1] or RuntimeError("fatal error"))

    def panic(self, *renderables: Any) -> None:
        """Textual gives up with a traceback (its input thread failed): the same end."""
        self._say_and_end(lambda safety: safety.panicked(self, renderables))

    _ended_on_failure = False

    def _say_and_end(self, line: Callable[[Any], str]) -> None:
        """End the app with status 3 and the one line `line(safety)` gives (the first
        failure's only: what fails while the app ends adds nothing)."""
        from rich.text import Text

        from fptui.crash import EXIT_STATUS
        from fptui.tui import safety

        self._return_code = EXIT_STATUS
        if not self._ended_on_failure:
            self._ended_on_failure = True
            try:
                said = line(safety)
            except Exception:
                said = "出错了 / something went wrong"
            self._exit_renderables.append(Text(f"fptui: {said}"))
            self.bell()
        self._close_messages_no_wait()

    def _print_error_renderables(self) -> None:
        """The lines the app ends with, each one line however long (the terminal wraps
        it): a report's path stays whole to copy."""
        for renderable in self._exit_renderables:
            self.error_console.print(renderable, soft_wrap=True)
        self._exit_renderables.clear()

    # The live score is read in a worker thread, one read at a time, never on the
    # screen's thread: the panels show the last figures until the new ones arrive.
    _score_busy = False  # a load or a refresh is running
    _score_touched: set[int] = set()  # households saved since the last refresh began
    _score_villages: set[int] = set()  # villages their rows named, before and after

    @work(thread=True, exclusive=True, group="score", exit_on_error=False)
    def load_score(self, village: int | None = None) -> None:
        self._score_busy = True
        try:
            self._score_work(lambda: self.live.load(village))
        finally:
            # The write path (and pypinyin with it) is imported here, after the first
            # paint and the score: never by a key (a search key refreshes the score).
            from fptui import ledger  # noqa: F401

            self.call_from_thread(self._score_done)

    @work(thread=True, exclusive=True, group="score", exit_on_error=False)
    def _refresh_worker(self, households: set[int], villages: set[int]) -> None:
        try:
            self._score_work(lambda: self.live.refresh(households, villages))
        finally:
            self.call_from_thread(self._score_done)

    def _score_work(self, compute: Callable[[], object]) -> None:
        """Compute the score in this thread, on this thread's own connection; a database
        error is a message, not the app's end."""
        import peewee as pw

        from fptui import db as _db

        try:
            compute()
        except pw.DatabaseError as error:  # a message, not the app's end
            self.call_from_thread(
                self.notify, t("score_failed", error=str(error)), severity="error", timeout=10
            )
            return
        except Exception as error:  # a bug: the app's own report, as on the screen's thread
            self.call_from_thread(self._handle_exception, error)
            return
        finally:
            _db.close_database()  # this thread's own connection
        self.call_from_thread(self.show_score)

    def _score_done(self) -> None:
        self._score_busy = False
        self.refresh_score()  # the saves made while it ran

    def show_score(self) -> None:
        """Put the current score on every score panel of the screens open."""
        from fptui.tui.widgets.score_panel import ScorePanel

        for screen in self.screen_stack:
            for panel in screen.query(ScorePanel):
                panel.show(self.live.result)
            if hasattr(screen, "score_changed"):
                screen.score_changed()

    def refresh_score(self) -> None:
        """After a save: check again only the households it touched, and re-score, in a
        worker. Saves made while a refresh runs join the next one."""
        # The households saved are kept by the write path: not imported yet, nothing was
        # saved (a search key calls this: it must not import the write path).
        # (a module the score's worker is still importing has its functions only once
        # it is done: until then nothing was saved either)
        changes = sys.modules.get("fptui.ledger.changes")
        take_touched = getattr(changes, "take_touched", None)
        take_villages = getattr(changes, "take_touched_villages", None)
        if take_touched is not None and take_villages is not None:
            self._score_touched = self._score_touched | take_touched()
            self._score_villages = self._score_villages | take_villages()
        if self._score_busy or not self.live.loaded or not self._score_touched:
            return  # still loading or refreshing: the households touched wait for it
        households, self._score_touched = self._score_touched, set()
        villages, self._score_villages = self._score_villages, set()
        self._score_busy = True
        self._refresh_worker(households, villages)

    def score_current(self) -> bool:
        """The live score has every save in it (none waiting, none being counted)."""
        self.refresh_score()
        return self.live.loaded and not self._score_busy

    def action_score(self) -> None:
        from fptui.tui.screens.score import ScoreScreen

        self.push_screen(ScoreScreen(), self._reload)

    def get_default_screen(self) -> Screen:
        # The household list is the first screen itself: a default screen under it
        # would be styled and laid out for nothing before the first paint.
        from fptui.tui.screens.households import HouseholdsScreen

        return HouseholdsScreen()

    # --- keys help and the command palette --------------------------------------------

    def action_keys(self) -> None:
        """F1: every key of this screen and of the app (those the footer leaves out too),
        in the interface's language; keys that do the same share a line (Ctrl+S/F2)."""
        from textual.binding import Binding as _Binding

        from fptui.tui.screens.dialogs import KeysHelp

        labels: dict[str, list[str]] = {}
        for binding in [*type(self.screen).BINDINGS, *type(self).BINDINGS]:
            if not isinstance(binding, _Binding) or not binding.description:
                continue
            words = help_words(binding.description)
            label = binding.key_display or "/".join(key_label(k) for k in binding.key.split(","))
            if label not in labels.setdefault(words, []):
                labels[words].append(label)
        keys = [("/".join(shown), words) for words, shown in labels.items()]
        keys.append(("Ctrl+P", t("palette_title")))
        self.push_screen(KeysHelp(keys))

    def get_key_display(self, binding: Binding) -> str:
        """A key in the footer as the cadre types it: `Ctrl+S`, `Esc`, `F8`, `[`, `a`."""
        return binding.key_display or key_label(binding.key.split(",")[0])

    # --- issue 14: Textual's own words in ours, and a terminal too small ----------------

    def action_command_palette(self) -> None:
        """Ctrl+P: Textual's palette with its words (the search box's hint) in ours."""
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(Palette(id="--command-palette", placeholder=t("palette_placeholder")))

    def action_help_quit(self) -> None:
        """Ctrl+C (where no field takes it to copy): how to quit, in our words (Textual's
        own hint is English)."""
        self.notify(t("ctrl_c_quits_not"), markup=False)

    MIN_SIZE = (80, 24)
    _size_notice: Notification | None = None

    def on_resize(self, event: events.Resize) -> None:
        self.check_size(event.size.width, event.size.height)

    def check_size(self, width: int, height: int) -> None:
        """Below 80x24 a notice stays on every screen (the footer and forms are laid out
        for 80x24) saying how large it is and must be; it goes once the terminal is
        large enough. It takes no key: the keys work as before."""
        old = self._size_notice
        if old is not None and old in self._notifications:
            self._unnotify(old)
        self._size_notice = None
        need_w, need_h = self.MIN_SIZE
        if width >= need_w and height >= need_h:
            return
        words = t("too_small", need=f"{need_w}×{need_h}", now=f"{width}×{height}")
        # As long as the terminal stays small (a day is as good as for ever here); added
        # at once, not by a message, so that the next resize finds it to take away.
        self._size_notice = Notification(words, "", "warning", 24 * 3600, markup=False)
        self._notifications.add(self._size_notice)
        self._refresh_notifications()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        household = self.current_household()
        yield SystemCommand(t("new_household"), t("palette_new_household"), self.new_household)
        yield SystemCommand(t("search"), t("palette_search"), self.go_search)
        yield SystemCommand(t("followups"), t("palette_followups"), self.open_followups)
        yield SystemCommand(t("score"), t("palette_score"), self.action_score)
        yield SystemCommand(t("export_return"), t("palette_export"), self.open_export)
        yield SystemCommand(t("reconcile"), t("palette_reconcile"), self.open_reconcile)
        yield SystemCommand(t("switch_village"), t("palette_village"), self.switch_village)
        yield SystemCommand(t("palette_set_up"), t("palette_set_up_help"), self.set_up)
        if household is not None:
            yield SystemCommand(
                t("new_person"), t("palette_new_person"), lambda: self.new_person(household)
            )
            yield SystemCommand(
                t("record_birth"), t("palette_birth"), lambda: self.record_birth(household)
            )
            yield SystemCommand(
                t("record_event"),
                t("palette_event"),
                lambda: self.pick_event(household, self.current_person(), self._reload),
            )
        yield SystemCommand(t("help"), t("keys_title"), self.action_keys)
        yield SystemCommand(t("quit"), t("quit"), self.action_quit)

    # --- what the current screen is about ---------------------------------------------

    def _screens(self) -> list[Screen]:
        return list(reversed(self.screen_stack))

    def current_household(self) -> int | None:
        """The household whose card is open (a row merely highlighted in a list is not)."""
        for screen in self._screens():
            if hasattr(screen, "household_id"):
                return screen.household_id
        return None

    def current_person(self) -> int | None:
        for screen in self._screens():
            if hasattr(screen, "person_id"):
                return screen.person_id
            if hasattr(screen, "selected_member"):
                return screen.selected_member()
        return None

    def _reload(self, _: Any = None) -> None:
        self.refresh_score()
        for screen in self._screens():
            if hasattr(screen, "load"):
                screen.load()
                return
            if hasattr(screen, "refresh_list"):
                screen.refresh_list(True)
                return

    # --- actions the screens and the palette share ------------------------------------

    def set_up(self) -> None:
        """The set-up form from the palette: another village, or a new township."""
        from fptui.tui.screens.setup import open_set_up

        open_set_up(self)

    def new_household(self, village: int | None = None) -> None:
        if not queries.villages():  # no village to put it in: the set-up form first
            from fptui.tui.screens.setup import open_set_up

            return open_set_up(self)
        from fptui.tui.forms import household_form

        def opened(household_id: int | None) -> None:
            self._reload()
            if household_id:
                from fptui.tui.screens.household_card import HouseholdCardScreen

                self.push_screen(HouseholdCardScreen(household_id), self._reload)

        self.push_screen(household_form(village), opened)

    def open_followups(self) -> None:
        from fptui.tui.screens.followups import FollowupsScreen

        self.push_screen(FollowupsScreen(), self._reload)

    def open_reconcile(self, village: int | None = None) -> None:
        """The month end of a village; with several villages and none chosen, the
        township's overview first."""
        from fptui.tui.screens.reconcile import ReconcileScreen, TownshipMonthScreen

        if village is None and len(queries.villages()) > 1:
            self.push_screen(TownshipMonthScreen(), self._reload)
            return
        self.push_screen(ReconcileScreen(village), self._reload)

    def open_export(self) -> None:
        from fptui.tui.screens.export import ExportScreen

        self.push_screen(ExportScreen())

    def new_person(self, household_id: int) -> None:
        from fptui.tui.forms import person_form

        self.push_screen(person_form(household_id), self._reload)

    def record_birth(self, household_id: int) -> None:
        from fptui.tui.forms import event_form

        self.push_screen(event_form("birth", household_id=household_id), self._reload)

    def _unsaved(self) -> bool:
        from fptui.tui.screens.form import FormScreen

        return any(isinstance(s, FormScreen) and s.dirty() for s in self.screen_stack)

    async def action_quit(self) -> None:
        """Ctrl+Q: quit, asking first if a form holds unsaved changes."""
        from fptui.tui import safety

        if not self._unsaved():
            safety.drop_all(self)
            self.exit()
            return
        from fptui.tui.screens.dialogs import ConfirmDiscard

        def answered(drop: bool | None) -> None:
            if drop:
                safety.drop_all(self)
                self.exit()

        self.push_screen(ConfirmDiscard(), answered)

    def go_search(self) -> None:
        from fptui.tui.screens.households import HouseholdsScreen

        if self._unsaved():
            self.notify(t("save_first"), severity="warning")
            return
        while len(self.screen_stack) > 1 and not isinstance(self.screen, HouseholdsScreen):
            self.pop_screen()
        if isinstance(self.screen, HouseholdsScreen):
            self.screen.action_focus_search()

    def switch_village(self) -> None:
        from fptui.tui.screens.households import HouseholdsScreen

        self.go_search()
        if isinstance(self.screen, HouseholdsScreen):
            self.screen.action_pick_village()

    def pick_event(
        self,
        household_id: int,
        person_id: int | None,
        then: Callable[[Any], None],
        *,
        only_person: bool = False,
    ) -> None:
        """Choose an event for the person (or the household's arrivals) and open its form."""
        from fptui import schema
        from fptui.tui.forms import event_form
        from fptui.tui.screens.dialogs import Picker

        forms = schema.current().forms
        options: list[tuple[Any, str]] = []
        if person_id is not None:
            p = queries.person(person_id)
            options += [
                ((k, person_id), f"{forms[k].title(lang())} · {p.name}")
                for k in queries.events_for(p)
            ]
        if not only_person:
            options += [
                ((k, None), forms[k].title(lang()))
                for k, f in forms.items()
                if f.subject in ("birth", "new_person")
            ]
        if not options:
            self.notify(t("no_events_apply"))
            return

        def chosen(choice: Any) -> None:
            if not choice:
                return
            kind, person = choice
            self.push_screen(event_form(kind, person_id=person, household_id=household_id), then)

        self.push_screen(Picker(t("choose_event"), options), chosen)


# The footer's short words, and the whole words F1 says for them.
HELP_WORDS = {
    "fk_new_household": "new_household",
    "fk_export_return": "export_return",
    "fk_followups": "followups",
    "fk_person": "new_person",
    "fk_birth": "record_birth",
    "fk_event": "record_event",
    "fk_correct": "correct_event",
    "fk_void": "void_event",
    "fk_done": "followup_done",
    "fk_ack": "rc_ack",
    "fk_close_month": "rc_close",
    "fk_prev": "rc_prev",
    "fk_next": "rc_next",
}


def help_words(description: str) -> str:
    """What F1 says a key does: the whole words, where the footer's are shortened."""
    from fptui.tui.text import TEXT

    key = HELP_WORDS.get(description, description)
    return t(key) if key in TEXT else description


class Palette(CommandPalette):
    """Textual's command palette saying "no match" in the interface's language."""

    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                from rich.align import Align
                from rich.text import Text

                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(t("palette_no_match"), style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:  # nothing typed: nothing to say
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)


KEY_NAMES = {
    "escape": "Esc",
    "enter": "Enter",
    "space": "Space",
    "tab": "Tab",
    "backspace": "Backspace",
    "delete": "Del",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
}


def key_label(key: str) -> str:
    """A binding's key as written on the keyboard: `ctrl+s` is Ctrl+S (never ^s), a
    letter stays as typed (`c`, not `C`), `left_square_bracket` is `[`."""
    from textual.keys import format_key

    *modifiers, name = key.strip().split("+")
    if len(name) == 1:
        shown = name.upper() if modifiers else name
    elif name in KEY_NAMES:
        shown = KEY_NAMES[name]
    elif name[0] == "f" and name[1:].isdigit():
        shown = name.upper()
    else:
        shown = format_key(name)
    return "+".join([*(m.capitalize() for m in modifiers), shown])


def run(database: str, *, lang: str = "zh") -> int:
    """Open the TUI on an already opened database; the exit status (3 after a failure,
    128 + the signal's number when a signal ended it)."""
    app = FptuiApp(lang)
    app.run()
    return app.return_code or 0
