"""F3: the monthly meeting's screen. A village's month: its balance, the errors and
warnings to clear, the visits overdue and the changes entered; Enter opens the record
behind a line, Space acknowledges a warning (kept, with who and when, until the month
closes: ledger/acknowledgements.py), c closes the month, r reopens it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer

from fptui import schema
from fptui.cells import fit
from fptui.reads import period, queries, reconcile
from fptui.tui.text import Localised, colon, lang, t
from fptui.tui.widgets.plain import Plain, PlainLabel
from fptui.tui.widgets.virtual_list import VirtualList

SECTIONS = ("errors", "warnings", "overdue", "changes")


@dataclass
class Entry:
    """A line of the list: a section's heading, or a record to open."""

    text: str
    section: str
    household: int | None = None
    person: int | None = None
    warning: str | None = None  # the key a warning is acknowledged by


def balance_line(b: period.Balance) -> str:
    f = b.flows
    line = t(
        "rc_balance",
        start=b.start,
        births=f.births,
        deaths=f.deaths,
        moved_in=f.moved_in,
        moved_away=f.moved_away,
        late=f"{b.late.net:+d}",
        added=f"{len(b.added):+d}",
        expected=b.expected,
        end=b.end,
    )
    if b.difference:
        return f"{line}  {t('rc_difference', diff=f'{b.difference:+d}')}"
    return f"{line}  {t('rc_balanced')}"


def action_label(change: reconcile.Change) -> str:
    """What a change did, in words: an event's form title, else the write function's."""
    forms = schema.current().forms
    action = change.action
    if action.startswith("record_"):  # record_birth, record_birth_child, record_go_out_person
        kind = action.removeprefix("record_")
        for suffix in ("_person", "_child", "_spouse"):
            kind = kind.removesuffix(suffix) if kind.removesuffix(suffix) in forms else kind
        if kind in forms:
            return forms[kind].title(lang())
    key = f"act_{action}"
    from fptui.tui.text import TEXT

    return t(key) if key in TEXT else change.action


ACK_WHO_CELLS = 10  # a long account name cut, so the warning itself still shows


def warning_mark(ack: reconcile.Acknowledged | None) -> str:
    """A warning's box: `[ ] `, or `[✓] ` with who acknowledged it and when, short."""
    if ack is None:
        return "[ ] "
    who = ack.by if cell_len(ack.by) <= ACK_WHO_CELLS else fit(ack.by, ACK_WHO_CELLS - 1) + "…"
    return f"[✓] {t('rc_acked_by', by=who, at=f'{ack.at:%m-%d %H:%M}')} · "


def change_line(c: reconcile.Change) -> str:
    who = " ".join(x for x in (c.number, c.name) if x)
    more = f" (+{c.rows - 1})" if c.rows > 1 else ""
    return f"{c.at:%m-%d %H:%M} {c.user} · {action_label(c)} {who}{more}".rstrip()


class ReconcileScreen(Localised, Screen[None]):
    BINDINGS = [
        Binding("enter", "open", "open", key_display="Enter"),
        Binding("space", "acknowledge", "fk_ack", key_display="Space"),
        Binding("c", "close_month", "fk_close_month"),
        Binding("r", "reopen", "rc_reopen", show=False),
        Binding("left_square_bracket", "month(-1)", "fk_prev", key_display="["),
        Binding("right_square_bracket", "month(1)", "fk_next", key_display="]"),
        Binding("f4", "pick_village", "village", key_display="F4"),
        Binding("1", "section('errors')", "rc_errors", show=False),
        Binding("2", "section('warnings')", "rc_warnings", show=False),
        Binding("3", "section('overdue')", "rc_overdue", show=False),
        Binding("4", "section('changes')", "rc_changes", show=False),
        Binding("escape", "back", "back", key_display="Esc"),
    ]

    def __init__(self, village: int | None = None, month: str | None = None) -> None:
        super().__init__()
        villages = queries.villages()
        self.village = village if village is not None else (villages[0].id if villages else None)
        self.month = month
        self.entries: list[Entry] = []
        self.result: reconcile.Reconciliation | None = None
        self.requested = 0  # the counts asked for (a newer one wins)...
        self.shown = 0  # ...and the one shown
        self.computing = False  # a count is running in the worker

    def compose(self) -> ComposeResult:
        yield PlainLabel("", id="rc-title", classes="screen-title")
        yield Plain("", id="rc-balance")
        yield Plain("", id="rc-state")
        yield VirtualList(id="rc-list")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        if self.village is not None and self.month is None:
            self.month = reconcile.default_month(self.village)
        self.load()
        self.query_one(VirtualList).focus()

    # --- reading ------------------------------------------------------------------------

    def load(self) -> None:
        """Count the month again, in a worker (a village's month end reads its findings,
        balance and changes: a quarter of a second at 100,000); the last figures stay
        shown, marked as being counted, until the new ones arrive."""
        self.app.refresh_score()
        if self.village is None or self.month is None:
            self.query_one("#rc-title", PlainLabel).update(t("rc_title"))
            self.query_one("#rc-state", Plain).update(t("rc_no_village"))
            return
        self.requested += 1
        if self.result is None or self._showing() != (self.village, self.month):
            self._title(self.month, t("score_computing"))
        self.query_one("#rc-state", Plain).update(t("score_computing"))
        if not self.computing:  # else the latest is counted when the one running is done
            self._start()

    def _start(self) -> None:
        assert self.village is not None and self.month is not None
        self.computing = True
        self._compute(self.requested, self.village, self.month)

    def _done(self, request: int) -> bool:
        """A count came back: the latest asked for, or the next is started (one at a
        time: a held `]` counts the month it stops on, not every month it passed)."""
        self.computing = False
        if request == self.requested:
            return True
        if self.is_attached and self.village is not None and self.month is not None:
            self._start()
        return False

    @work(thread=True, group="month-end", exit_on_error=False)
    def _compute(self, request: int, village: int, month: str) -> None:
        import peewee as pw

        from fptui import db as _db

        try:
            result = reconcile.reconcile(village, month)
        except pw.DatabaseError as error:  # a server gone: a message, not the app's end
            self.app.call_from_thread(self._failed, request, str(error))
            return
        except Exception as error:  # a bug: the app's own report, as on the screen's thread
            self.app.call_from_thread(self.app._handle_exception, error)
            return
        finally:
            _db.close_database()  # this thread's own connection
        self.app.call_from_thread(self._show, request, result)

    def _failed(self, request: int, error: str) -> None:
        if not self._done(request):
            return
        self.query_one("#rc-state", Plain).update(t("rc_count_failed", error=error))
        self.app.notify(t("rc_count_failed", error=error), severity="error", timeout=10)

    def _showing(self) -> tuple[int, str] | None:
        return None if self.result is None else (self.result.village, self.result.month)

    def counting(self) -> bool:
        """A newer count is on its way than the figures shown."""
        return self.shown != self.requested

    def _title(self, month: str, state: str) -> None:
        name = next((v.name for v in queries.villages() if v.id == self.village), "")
        self.query_one("#rc-title", PlainLabel).update(
            f"{t('rc_title')} · {name} · {month} · {state}"
        )

    def _show(self, request: int, r: reconcile.Reconciliation) -> None:
        """A count arrived: shown if it is the latest asked for (an older one, or one for
        a month or village no longer shown, is dropped)."""
        if not self._done(request) or (r.village, r.month) != (self.village, self.month):
            return
        self.shown = request
        self.result = r
        if r.closed is not None:
            state = t(
                "rc_closed", by=r.closed.closed_by, at=f"{r.closed.closed_at:%Y-%m-%d %H:%M}"
            )
        else:
            state = t("rc_open")
        self._title(r.month, state)
        self.query_one("#rc-balance", Plain).update(balance_line(r.balance))
        self.query_one("#rc-state", Plain).update(self._state_line(r))
        self.entries = self._entries(r)
        entries = self.entries
        self.query_one(VirtualList).reset(
            len(entries), lambda o, n: [e.text for e in entries[o : o + n]], keep_cursor=True
        )

    def _state_line(self, r: reconcile.Reconciliation) -> str:
        blockers = r.blockers()
        if "closed" in blockers:
            return t("rc_state_closed")
        if not blockers:
            return t("rc_ready")
        parts = []
        if "not_ended" in blockers:
            parts.append(t("rc_block_not_ended"))
        if "difference" in blockers:
            parts.append(t("rc_block_difference", diff=f"{blockers['difference']:+d}"))
        if "errors" in blockers:
            parts.append(t("rc_block_errors", n=blockers["errors"]))
        if "warnings" in blockers:
            parts.append(t("rc_block_warnings", n=blockers["warnings"]))
        return t("rc_blocked") + colon() + " · ".join(parts)

    def _entries(self, r: reconcile.Reconciliation) -> list[Entry]:
        out: list[Entry] = []
        acked = len(r.acknowledged)
        heads = {
            "errors": t("rc_errors_head", n=len(r.errors)),
            "warnings": t("rc_warnings_head", n=len(r.warnings), ack=acked),
            "overdue": t("rc_overdue_head", n=len(r.overdue)),
            "changes": t("rc_changes_head", n=len(r.changes)),
        }
        if r.balance.added:  # 补登: who the register gained without an event, by name
            out.append(Entry(f"── {t('rc_added_head', n=len(r.balance.added))} ──", "added"))
            for pid in r.balance.added:
                p = queries.person(pid)
                if p is not None:
                    number = p.household.number
                    out.append(Entry(f" + {p.name} {number}", "added", p.household_id, pid))
        for section in SECTIONS:
            out.append(Entry(f"── {heads[section]} ──", section))
            if section == "errors":
                out += [
                    Entry(f" ✗ {f.text(lang())}", section, f.household, f.person) for f in r.errors
                ]
            elif section == "warnings":
                for f in r.warnings:
                    key = reconcile.warning_key(f)
                    out.append(
                        Entry(
                            f" {warning_mark(r.acknowledged.get(key))}{f.text(lang())}",
                            section,
                            f.household,
                            f.person,
                            key,
                        )
                    )
            elif section == "overdue":
                from fptui.reads import followups

                out += [
                    Entry(
                        f" {row.due_on} {t('rc_late', n=row.days_overdue)} {row.household} "
                        f"{row.person} {followups.title(row.kind, lang())}",
                        section,
                        row.household_id,
                        row.person_id,
                    )
                    for row in r.overdue
                ]
            else:
                out += [
                    Entry(f" {change_line(c)}", section, c.household, c.person) for c in r.changes
                ]
        return out

    def selected(self) -> Entry | None:
        if not self.entries:
            return None
        return self.entries[self.query_one(VirtualList).cursor]

    # --- keys ---------------------------------------------------------------------------

    def on_virtual_list_selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        """The record behind the line: the person's card, else the household's."""
        entry = self.selected()
        if entry is None or entry.text.startswith("──"):
            return
        if entry.person is None and entry.household is None:
            self.app.notify(t("case_no_record"))  # a village's own change: the month, an area
            return
        if entry.person is not None and queries.person(entry.person) is not None:
            from fptui.tui.screens.person_card import PersonCardScreen

            self.app.push_screen(PersonCardScreen(entry.person), self._back_here)
            return
        if entry.household is not None:
            from fptui.tui.screens.household_card import HouseholdCardScreen

            self.app.push_screen(HouseholdCardScreen(entry.household), self._back_here)

    def _back_here(self, _: Any = None) -> None:
        self.load()

    def action_acknowledge(self) -> None:
        """Space: acknowledge the warning, kept with who and when; again: withdraw it."""
        if self._showing() != (self.village, self.month):
            self.app.notify(t("score_computing"))  # another month's lines are still shown
            return
        entry = self.selected()
        if entry is None or entry.warning is None or self.result is None:
            self.app.notify(t("rc_ack_only_warnings"))
            return
        import peewee as pw

        from fptui import ledger
        from fptui.schema.validate import InvalidInput

        acknowledged = self.result.acknowledged
        try:
            if entry.warning in acknowledged:
                ledger.withdraw_acknowledgement(self.village, self.month, entry.warning)
                acknowledged.pop(entry.warning, None)
            else:
                row = ledger.acknowledge_warning(self.village, self.month, entry.warning)
                acknowledged[entry.warning] = reconcile.Acknowledged(
                    row.acknowledged_by, row.acknowledged_at
                )
        except InvalidInput as error:  # a closed month, a ledger busy
            self.app.notify(error.text(lang()), severity="error", timeout=10)
            return
        except pw.DatabaseError as error:  # a full disk, a server gone: not saved
            self.app.notify(str(error), severity="error", timeout=10)
            return
        # The box shows at once; the month's figures are counted again in the worker.
        self.entries = entries = self._entries(self.result)
        self.query_one(VirtualList).reset(
            len(entries), lambda o, n: [e.text for e in entries[o : o + n]], keep_cursor=True
        )
        self.load()

    def action_section(self, section: str) -> None:
        for i, entry in enumerate(self.entries):
            if entry.section == section:
                self.query_one(VirtualList).move_to(i, to_top=True)
                return

    def action_month(self, step: int) -> None:
        if self.month is None:
            return
        target = _next_month(self.month, step)
        if target is None:
            self.app.notify(t("rc_future"))
            return
        self.month = target
        self.load()
        self.query_one(VirtualList).move_to(0)

    def action_pick_village(self) -> None:
        from fptui.tui.screens.dialogs import Picker

        def chosen(value: Any) -> None:
            if value is False or value is None:
                return
            self.village = value
            self.month = reconcile.default_month(value)
            self.load()
            self.query_one(VirtualList).move_to(0)

        options = [(v.id, v.name) for v in queries.villages()]
        self.app.push_screen(Picker(t("choose_village"), options), chosen)

    def action_close_month(self) -> None:
        """Ask, then close: backup, then the figures frozen (ledger.close_month refuses
        what is not ready and says why)."""
        r = self.result
        if r is None:
            return
        if self.counting():
            self.app.notify(t("score_computing"))  # closed on the figures as they are
            return
        if r.closed is not None:
            self.app.notify(t("rc_state_closed"), severity="warning")
            return
        from fptui.tui.screens.dialogs import Confirm

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            import sqlite3

            from fptui import ledger
            from fptui.backup import BackupError
            from fptui.schema.validate import InvalidInput

            try:
                ledger.close_month(self.village, self.month)  # the acknowledged kept
            except InvalidInput as error:
                self.app.notify(error.text(lang()), severity="error", timeout=10)
                return
            except (OSError, sqlite3.Error, BackupError) as error:  # no backup: not closed
                self.app.notify(t("rc_backup_failed", error=str(error)), severity="error")
                return
            self.app.notify(t("rc_closed_done", month=self.month))
            self.load()

        self.app.push_screen(
            Confirm(
                t("rc_confirm_title", month=self.month, village=self._village_name()),
                t("rc_confirm_body"),
            ),
            answered,
        )

    def action_reopen(self) -> None:
        r = self.result
        if r is None or r.closed is None:
            self.app.notify(t("rc_not_closed"))
            return
        from fptui import ledger
        from fptui.tui.screens.form import FormField, FormScreen

        form = schema.current().forms["month_reopen"]
        fields = [FormField(form, f) for f in form.fields]
        village, month = self.village, self.month

        def save(values: dict) -> int:
            ledger.reopen_month(village, month, values.get("reason") or "")
            return 1

        title = f"{form.title(lang())} · {self._village_name()} {month}"
        form_screen = FormScreen(title, fields, save, draft_key=f"month_reopen:{village}:{month}")
        self.app.push_screen(form_screen, self._back_here)

    def action_back(self) -> None:
        self.dismiss(None)

    def _village_name(self) -> str:
        """The village the question is about: a township's cadre closes many."""
        return next((v.name for v in queries.villages() if v.id == self.village), "")


def _next_month(month: str, step: int) -> str | None:
    """The month `step` months away, or None if it has not begun."""
    from fptui import clock

    target = period.add_months(month, step)
    return None if target > f"{clock.today():%Y-%m}" else target


OVERVIEW_WIDTHS = (16, 22, 10, 10)


def overview_header() -> str:
    cols = (t("village"), t("rc_col_state"), t("rc_col_difference"), t("rc_col_errors"))
    return " ".join(fit(c, w) for c, w in zip(cols, OVERVIEW_WIDTHS)) + " " + t("rc_col_warnings")


def overview_line(v: reconcile.VillageMonth) -> str:
    if v.closed is not None:
        state = t("rc_closed", by=v.closed.closed_by, at=f"{v.closed.closed_at:%m-%d}")
    else:
        state = t("rc_open")
    diff = f"{v.difference:+d}" if v.difference else "0"
    # today's findings stand in the way of an open month; a closed one is past them
    errors, warnings = ("—", "—") if v.closed is not None else (str(v.errors), str(v.warnings))
    cols = (v.name, state, diff, errors)
    return " ".join(fit(c, w) for c, w in zip(cols, OVERVIEW_WIDTHS)) + " " + warnings


class TownshipMonthScreen(Localised, Screen[None]):
    """F3 with every village shown: each village's month at a glance (closed or not, its
    difference, errors and warnings); Enter opens the village's month end."""

    BINDINGS = [
        Binding("enter", "open", "open", key_display="Enter"),
        Binding("left_square_bracket", "month(-1)", "fk_prev", key_display="["),
        Binding("right_square_bracket", "month(1)", "fk_next", key_display="]"),
        Binding("escape", "back", "back", key_display="Esc"),
    ]

    def __init__(self, month: str | None = None) -> None:
        super().__init__()
        self.month = month
        self.rows: list[reconcile.VillageMonth] = []

    def compose(self) -> ComposeResult:
        yield PlainLabel("", id="tm-title", classes="screen-title")
        yield Plain("", id="tm-state")
        yield VirtualList(header=overview_header(), id="tm-list")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        if self.month is None:
            self.month = reconcile.township_month()
        self.load()
        self.query_one(VirtualList).focus()

    def load(self) -> None:
        self.query_one("#tm-title", PlainLabel).update(
            f"{t('rc_title')} · {t('rc_township')} · {self.month}"
        )
        self.query_one("#tm-state", Plain).update(t("score_computing"))
        # The live score's findings are the township's, kept current after each save:
        # then only the balances are counted; else the checks run too, in the thread.
        live = self.app.live
        # (a save still being counted into the live score: the thread checks again)
        township_wide = self.app.score_current() and live.village is None
        self._compute(self.month, live.findings() if township_wide else None)

    @work(thread=True, exclusive=True, group="township-month", exit_on_error=False)
    def _compute(self, month: str, findings: list | None) -> None:
        # A township's checks take seconds: counted in a thread, the screen stays live.
        # A database error (a township server gone) is a message, not the app's end.
        import peewee as pw

        from fptui import db as _db

        try:
            rows = reconcile.township(month, findings)
        except pw.DatabaseError as error:
            self.app.call_from_thread(self._failed, str(error))
            return
        finally:
            _db.close_database()  # this thread's own connection
        self.app.call_from_thread(self._show, month, rows)

    def _failed(self, error: str) -> None:
        self.query_one("#tm-state", Plain).update(t("rc_count_failed", error=error))
        self.app.notify(t("rc_count_failed", error=error), severity="error", timeout=10)

    def _show(self, month: str, rows: list[reconcile.VillageMonth]) -> None:
        if month != self.month:
            return  # a month left before it was counted
        self.rows = rows
        closed = sum(1 for r in rows if r.closed is not None)
        self.query_one("#tm-state", Plain).update(
            t("rc_township_state", closed=closed, n=len(rows))
        )
        self.query_one(VirtualList).reset(
            len(rows), lambda o, n: [overview_line(r) for r in rows[o : o + n]], keep_cursor=True
        )

    def on_virtual_list_selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        if not self.rows:
            return
        row = self.rows[self.query_one(VirtualList).cursor]
        self.app.push_screen(ReconcileScreen(row.village, self.month), lambda _: self.load())

    def action_month(self, step: int) -> None:
        target = _next_month(self.month or "", step) if self.month else None
        if target is None:
            self.app.notify(t("rc_future"))
            return
        self.month = target
        self.load()

    def action_back(self) -> None:
        self.dismiss(None)
