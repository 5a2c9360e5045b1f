"""F9: the month's return to Excel: which month, which village (or the township), a
progress bar while the sheets are written, and where the file went."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, ProgressBar

from fptui import clock
from fptui.reads import queries
from fptui.tui.text import Localised, lang, t
from fptui.tui.widgets.plain import Plain, PlainLabel
from fptui.tui.widgets.quiet import SteadyInput


def last_month() -> str:
    return f"{clock.today().replace(day=1) - dt.timedelta(days=1):%Y-%m}"


class ExportScreen(Localised, Screen[None]):
    BINDINGS = [
        Binding("ctrl+s", "export", "export", key_display="Ctrl+S", priority=True),
        Binding("f4", "pick_village", "village", key_display="F4"),
        Binding("escape", "back", "back", key_display="Esc"),
    ]

    def __init__(self, village: int | None = None, folder: Path | None = None) -> None:
        super().__init__()
        self.village = village
        self.folder = folder or Path.cwd()
        self.written: Path | None = None

    def compose(self) -> ComposeResult:
        yield PlainLabel(t("export_title"), classes="screen-title")
        yield Plain(t("export_month"))
        yield SteadyInput(value=last_month(), id="month", compact=True)
        yield Plain("", id="export-unit")
        yield ProgressBar(total=9, show_eta=False, id="export-progress")
        yield Plain(t("export_hint"), id="export-result")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self._show_unit()
        self.query_one("#month", Input).focus()

    def _unit(self) -> str:
        if self.village is None:
            from fptui.models import Area

            township = Area.get_or_none(Area.kind == "township")
            return township.name if township else t("all_villages")
        return next((v.name for v in queries.villages() if v.id == self.village), "")

    def _show_unit(self) -> None:
        self.query_one("#export-unit", Plain).update(f"{t('export_unit')}{self._unit()}  (F4)")

    def action_pick_village(self) -> None:
        from fptui.tui.screens.dialogs import Picker

        options = [(None, t("export_township"))] + [(v.id, v.name) for v in queries.villages()]

        def chosen(value: object) -> None:
            if value is not False:
                self.village = value  # type: ignore[assignment]
                self._show_unit()

        self.app.push_screen(Picker(t("choose_village"), options), chosen)

    def action_export(self) -> None:
        import re

        month = self.query_one("#month", Input).value.strip()
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
            self.query_one("#export-result", Plain).update(t("export_bad_month"))
            return
        if month > f"{clock.today():%Y-%m}":  # a return of a month not yet begun
            self.query_one("#export-result", Plain).update(t("export_future", month=month))
            return
        self.query_one("#export-result", Plain).update(t("export_running"))
        self.query_one(ProgressBar).update(progress=0)
        self._write(month, self._unit())

    @work(thread=True, exclusive=True, group="export")
    def _write(self, month: str, unit: str) -> None:
        from fptui import db
        from fptui.ledger import current_user
        from fptui.reports import xlsx

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(
                self.query_one(ProgressBar).update, total=total, progress=done
            )

        from fptui import crash, files

        try:
            path = xlsx.write(
                self.folder / xlsx.file_name(month, unit),
                month,
                unit=unit,
                village=self.village,
                lang=lang(),
                prepared_by=current_user(),
                progress=progress,
            )
        except (OSError, files.FileRefused, db.DatabaseError) as exc:
            # a full disk, a folder not writable: said on the screen, which stays open
            # (the previous workbook of that name, if any, is left as it was)
            category = crash.category(exc)
            if category is None and not isinstance(exc, files.FileRefused):
                raise
            said = str(exc) if category is None else crash.message(category, lang=lang())
            self.app.call_from_thread(self.query_one("#export-result", Plain).update, said)
            return
        finally:
            db.close_database()  # this thread's own connection
        self.written = path
        self.app.call_from_thread(
            self.query_one("#export-result", Plain).update, t("export_done", path=str(path))
        )

    def action_back(self) -> None:
        self.dismiss(None)
