"""A form generated from schema fields: one line per field, its error beside it.

The form knows nothing of households or events: it is given the fields (each with the
schema form it belongs to, for the rules), the starting values, and a `submit` callback
that calls the ledger. Every check is `validate.clean`, the write path's own, run when a
field loses the focus and again on save; the ledger's refusals (a duplicate ID number, a
person in the wrong state) come back as the same FieldErrors and are shown the same way.
`validate.notes` (an ID number's division code not in the table) are shown beside their
field too, in the warning colour, and stop nothing.

An edit form (`partial`) sends only the fields whose value differs from the record as it
opened, so a save never writes back what another cadre changed meanwhile; its `submit`
passes the version it opened, and a save over a record changed since is refused by the
ledger (`ledger.changed_since`). The form then keeps what was typed, and its `reload`
(Ctrl+R) loads the record as it is now and puts the changed fields back on top.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static
from textual.widgets.input import Selection

from fptui import clock, schema
from fptui.schema import validate
from fptui.tui import safety
from fptui.tui.text import TEXT, Localised, lang, t
from fptui.tui.widgets.plain import Plain, PlainLabel, QuietFooter
from fptui.tui.widgets.quiet import SteadyInput


@dataclass
class FormField:
    form: schema.Form
    field: schema.Field
    initial: str = ""
    # For fields that name a record (mother, village...): (value, label) to choose from.
    options: list[tuple[Any, str]] | None = None
    read_only: bool = False
    # Options that depend on other fields (a village's groups): given the form's values.
    options_for: Callable[[dict[str, Any]], list[tuple[Any, str]]] | None = None
    # A default that follows other fields (the father, the mother's spouse): given the
    # form's values; put in again as they change, until the cadre types in the field.
    initial_for: Callable[[dict[str, Any]], str] | None = None

    @property
    def key(self) -> str:
        return self.field.key

    @property
    def chooses(self) -> bool:
        """Its value is one of a list: shown selected on entry, so typing replaces it."""
        return (
            self.options is not None
            or self.options_for is not None
            or self.field.type in ("choice", "bool")
        )


@dataclass
class _State:
    touched: set[str] = field(default_factory=set)
    errors: dict[str, validate.FieldError] = field(default_factory=dict)
    notes: dict[str, validate.FieldError] = field(default_factory=dict)  # not refusals
    tried_to_save: bool = False  # from then on every error stays in view
    checked: dict[str, validate.FieldError] = field(default_factory=dict)  # the last check
    # The save step's refusals (a duplicate number, a closed month), by field, with the
    # value refused: each stays beside its field until that value is changed.
    refused: dict[str, tuple[validate.FieldError, str]] = field(default_factory=dict)
    # Its refusals that name no field of the form: shown below it until the next save.
    refused_form: list[str] = field(default_factory=list)
    # What the form itself put in a field (from an ID number, a default that follows
    # another field): replaced when its source changes, unless the cadre changed it.
    filled: dict[str, str] = field(default_factory=dict)


def shown(value: Any, f: schema.Field) -> str:
    """A clean value as the cadre would type it back."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if f.type == "bool":
        return schema.current().choices["yes_no"].label_of("yes" if value else "no", lang())
    if f.type == "choice" and f.choices:
        return schema.current().choices[f.choices].label_of(value, lang())
    return str(value)


# More options than this are not listed beside their field (a township's 60 villages
# wrapped over 20 lines, and redrawn whole as they came and went with an error): the
# field says how to choose on one line, shows what the text typed matches, and F4 lists
# them all in a picker.
LONG_LIST = 9


def choice_hint(f: FormField, typed: str = "") -> str:
    """What is shown beside a field while it holds no error: its options (for a long
    list, those the text `typed` matches, or how to choose), or the ways to type it."""
    if f.read_only:
        return ""
    if f.options is not None and len(f.options) > LONG_LIST:
        return _long_hint(f.options, typed.strip())
    if f.options is not None:
        return "  ".join(f"{i}={label}" for i, (_, label) in enumerate(f.options, 1))
    if f.field.type in ("choice", "bool"):
        options = schema.current().choices[f.field.choices or "yes_no"].options
        if lang() == "en":
            return ", ".join(f"{i} {o.label('en')}" for i, o in enumerate(options, 1))
        return " ".join(f"{i}{o.label('zh')}" for i, o in enumerate(options, 1))
    if f.field.type == "date":  # today's, as the ways it may be typed: the day alone too
        today = clock.today()
        return f"{today.isoformat()} / {today.month}-{today.day} / {today.day}"
    return ""


def _long_hint(options: list[tuple[Any, str]], typed: str) -> str:
    """One line for a long list: the option the text typed names, else those whose label
    holds it, else how to choose (the cadre types a name, or presses F4)."""
    if not typed:
        return t("choose_long")
    chosen = _choose(options, typed)
    if chosen is not _NOTHING:
        return next(f"= {label}" for value, label in options if value == chosen)
    matches = [f"{i}={label}" for i, (_, label) in enumerate(options, 1) if typed in label]
    return "  ".join(matches) if matches else t("choose_none")


def options_of(f: FormField) -> list[tuple[Any, str]]:
    """The options F4 lists for a field: a record's, or a choice's labels; else none."""
    if f.read_only:
        return []
    if f.options is not None:
        return list(f.options)
    if f.field.type in ("choice", "bool"):
        options = schema.current().choices[f.field.choices or "yes_no"].options
        return [(o.key, o.label(lang())) for o in options]
    return []


class FormScreen(Localised, Screen[Any]):
    """Tab, Shift+Tab and Enter move; Ctrl+S or F2 saves; Esc asks before dropping."""

    BINDINGS = [
        Binding("ctrl+s", "save", "save", key_display="Ctrl+S", priority=True),
        Binding("f2", "save", "save", show=False, priority=True),
        Binding("escape", "back", "back", key_display="Esc"),
        Binding("ctrl+r", "reload", "reload", key_display="Ctrl+R", priority=True),
        Binding("ctrl+z", "drop_draft", "drop_draft", key_display="Ctrl+Z", show=False),
        Binding("f4", "pick", "pick_choice", key_display="F4", show=False),
    ]

    # Textual's Screen repaints itself whole, all 24 lines, whenever the focus moves; the
    # two inputs (their :focus style) and the footer (its keys) repaint their own lines,
    # so a Tab on a slow link sends the fields that changed, not the screen (issue 15).
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def __init__(
        self,
        title: str,
        fields: list[FormField],
        submit: Callable[[dict[str, Any]], Any],
        *,
        partial: bool = False,
        preview: Callable[[dict[str, Any]], str] | None = None,
        saved: Callable[[Any], str | None] | None = None,
        reload: Callable[[], dict[str, str]] | None = None,
        draft_key: str | None = None,
        start: str | None = None,
    ) -> None:
        """`saved`: what to say once `submit` returned (given its result), when there is
        more to say than "saved" (where a late entry is counted). `reload`: the record's
        fields as they are now (shown as typed), for Ctrl+R; it also takes the record's
        new version for the next `submit`. `draft_key`: the form's kind and record
        (`person:12`): what is typed is kept under it when fptui ends unsaved, and offered
        back here (`fptui.tui.safety`). `start`: the field the cursor starts in, when the
        fields before it hold what is usually right (the birth form's mother and father)."""
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.submit = submit
        self.partial = partial
        self.preview = preview
        self.saved = saved
        self.reload = reload
        self.draft_key = draft_key
        self.start = start
        self.state = _State()
        self.state.filled = {f.key: f.initial for f in fields if f.initial_for is not None}
        self._opened = self._resolved({f.key: f.initial for f in fields})

    # --- layout -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield PlainLabel(self.title_text, classes="screen-title")
        # Not a Tab stop of its own: focused, it tints (redraws) the whole form, and a key
        # typed there goes nowhere; each field scrolls itself into view as it is reached.
        with VerticalScroll(id="form-fields", can_focus=False):
            for f in self.fields:
                with Horizontal(classes="form-row"):
                    mark = "*" if f.field.required else " "
                    yield PlainLabel(f"{mark}{f.field.label(lang())}", classes="form-label")
                    yield SteadyInput(
                        value=f.initial,
                        id=f"in-{f.key}",
                        compact=True,
                        disabled=f.read_only,
                        select_on_focus=f.chooses,
                    )
                    yield Plain(choice_hint(f, f.initial), id=f"msg-{f.key}", classes=HINT)
        yield Plain("", id="form-preview")
        yield Plain("", id="form-error")
        yield QuietFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        first = next((f for f in self.fields if f.key == self.start and not f.read_only), None)
        first = first or next((f for f in self.fields if not f.read_only), None)
        if first:
            self.input(first.key).focus()
        self._update_preview()
        safety.restore(self)

    def input(self, key: str) -> Input:
        return self.query_one(f"#in-{key}", Input)

    # --- values and checks ------------------------------------------------------------

    def typed(self) -> dict[str, str]:
        return {f.key: self.input(f.key).value for f in self.fields}

    def _resolved(self, raw: dict[str, str]) -> dict[str, Any]:
        """Text as values, a record's choice as its id (a group by the village typed)."""
        out: dict[str, Any] = {}
        for f in sorted(self.fields, key=lambda f: f.options_for is not None):
            options = f.options_for(out) if f.options_for is not None else f.options
            text = raw.get(f.key, "").strip()
            out[f.key] = _choose(options, text) if options is not None and text else text
        return out

    def changed(self) -> set[str]:
        """The fields whose value the cadre changed from the record as it opened."""
        now = self._resolved(self.typed())
        return {
            f.key for f in self.fields if not f.read_only and now[f.key] != self._opened[f.key]
        }

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pick":
            return bool(self._focused_field() and options_of(self._focused_field()))
        return self.reload is not None if action == "reload" else True

    def _focused_field(self) -> FormField | None:
        focused = self.focused
        return next((f for f in self.fields if focused and focused.id == f"in-{f.key}"), None)

    def dirty(self) -> bool:
        return any(self.input(f.key).value != f.initial for f in self.fields)

    def values(self) -> tuple[dict[str, Any], dict[str, validate.FieldError]]:
        """What to hand the ledger (record choices as their ids), and choice errors."""
        out: dict[str, Any] = {}
        errors: dict[str, validate.FieldError] = {}
        for f in self.fields:
            if f.read_only:
                continue
            raw = self.input(f.key).value.strip()
            if f.options is None or not raw:
                out[f.key] = raw
                continue
            chosen = _choose(f.options, raw)
            if chosen is _NOTHING:
                if len(f.options) > LONG_LIST:  # the one-line hint says no more than F4
                    hint = schema.Text(*TEXT["choose_in_f4"])
                else:
                    hint = schema.Text(choice_hint(f), choice_hint(f))
                errors[f.key] = validate.FieldError(
                    f.key, "field", "not_a_choice", f.field.label, {"options": hint}
                )
            else:
                out[f.key] = chosen
        return out, errors

    def _fill_from_ids(self) -> None:
        """Whatever else the form holds, a valid ID number fills sex and birth date: the
        blank ones, and those an earlier number filled and the cadre has not changed
        since (emptied when the number now cannot be read). What the cadre typed stays."""
        from fptui import idcard

        keys = {f.key for f in self.fields}
        earliest = schema.current().domain["birth"]["earliest_year"]
        for f in self.fields:
            if f.field.type != "idcard" or f.read_only:
                continue
            raw = self.input(f.key).value.strip()
            try:
                info = idcard.parse(raw, earliest_year=earliest) if raw else None
            except idcard.IdCardError:
                info = None
            for attr, target in f.field.fills.items():
                if target in keys:
                    told = shown(getattr(info, attr), f.form.field(target)) if info else ""
                    self._put(target, told)

    def _put(self, key: str, text: str) -> None:
        """Put `text` in a field still as the form left it (blank, or what it put there),
        never over the cadre's own: what he typed, or a blank he made."""
        box = self.input(key)
        ours = self.state.filled.get(key)
        if box.value != ours if ours is not None else box.value.strip():
            return  # typed by the cadre (or as the record opened): his
        if box.value != text:
            box.value = text  # (Textual puts the cursor after a first value: no selection)
            f = next(f for f in self.fields if f.key == key)
            if box.has_focus and f.chooses:  # filled as the cursor came in: still replaced
                box.selection = Selection(0, len(text))
        if text:
            self.state.filled[key] = text
        else:
            self.state.filled.pop(key, None)

    def check(self) -> dict[str, validate.FieldError]:
        """Every error of the form as it stands, by field; fills what an ID number says."""
        self._fill_from_ids()
        values, errors = self.values()
        by_form: dict[str, tuple[schema.Form, dict[str, Any]]] = {}
        for f in self.fields:
            if f.key in values and f.key not in errors:
                by_form.setdefault(f.form.key, (f.form, {}))[1][f.key] = values[f.key]
        self.state.notes = {}
        for form, group in by_form.values():
            self.state.notes.update((n.field, n) for n in validate.notes(form, group))
            try:
                cleaned = validate.clean(form, group, partial=self.partial)
            except validate.InvalidInput as exc:
                for e in exc.errors:
                    errors.setdefault(e.field, e)
                continue
            self._fill(form, cleaned)
        return errors

    def _fill(self, form: schema.Form, cleaned: dict[str, Any]) -> None:
        """Put into blank inputs what the ID number told (sex, date of birth)."""
        keys = {f.key for f in self.fields}
        for f in self.fields:
            if f.form is not form or f.field.type != "idcard" or not cleaned.get(f.key):
                continue
            for target in f.field.fills.values():
                if target not in keys or cleaned.get(target) is None:
                    continue
                if not self.input(target).value.strip():
                    self._put(target, shown(cleaned[target], form.field(target)))

    def show_errors(self, errors: dict[str, validate.FieldError], everywhere: bool) -> None:
        """Beside each field its error (once left, or everywhere after a save was tried),
        or its note, or its choices; below the form what names no field. The save step's
        refusals join the checks' errors while their fields hold the value refused."""
        self.state.checked = errors
        self._forget_changed_refusals()
        errors = {**errors}
        for key, (error, _) in self.state.refused.items():
            errors.setdefault(key, error)
        self.state.errors = errors
        keys = {f.key for f in self.fields}
        for f in self.fields:
            msg = self.query_one(f"#msg-{f.key}", Plain)
            error = errors.get(f.key)
            note = self.state.notes.get(f.key)
            if error is not None and (
                everywhere or f.key in self.state.touched or f.key in self.state.refused
            ):
                msg.show(error.message(lang()), "error", KINDS)
            elif note is not None and error is None:
                # beside the field; the save goes ahead
                msg.show(note.message(lang()), "note", KINDS)
            else:
                self._show_hint(f)
        others = [e.message(lang()) for k, e in errors.items() if k not in keys]
        below = [*others, *self.state.refused_form] if everywhere else self.state.refused_form
        self.query_one("#form-error", Plain).show("\n".join(dict.fromkeys(below)))

    def _show_hint(self, f: FormField) -> None:
        """The field's hint beside it, on one line (never wrapping: the form below it
        keeps its place), redrawn only if it changed."""
        hint = choice_hint(f, self.input(f.key).value)
        self.query_one(f"#msg-{f.key}", Plain).show(hint, "hint", KINDS)

    def _forget_changed_refusals(self) -> bool:
        """Drop the save step's refusals whose field's value changed; True if any was."""
        gone = [k for k, (_, v) in self.state.refused.items() if self.input(k).value != v]
        for key in gone:
            del self.state.refused[key]
        return bool(gone)

    def _update_preview(self) -> None:
        if self.preview is None:
            return
        values, _ = self.values()
        try:
            text = self.preview(values)
        except Exception:  # a preview must never stop the typing
            text = ""
        self.query_one("#form-preview", Plain).show(text)

    # --- events -----------------------------------------------------------------------

    @on(Input.Blurred)
    def _left_field(self, event: Input.Blurred) -> None:
        key = (event.input.id or "")[3:]
        self.state.touched.add(key)
        self._normalise(key)
        self.show_errors(self.check(), everywhere=self.state.tried_to_save)

    def _normalise(self, key: str) -> None:
        """Show a date as it was understood (`11-5` becomes `2026-11-05`)."""
        f = next((f for f in self.fields if f.key == key), None)
        box = self.input(key)
        if f is None or f.field.type != "date" or not box.value.strip():
            return
        try:
            value = validate.clean_field(f.field, box.value, schema.current())
        except validate.InvalidInput:
            return
        if shown(value, f.field) != box.value:
            box.value = shown(value, f.field)
            box.cursor_position = len(box.value)  # typing on goes after it, not inside

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self._update_preview()
        if self._forget_changed_refusals():  # the value refused is gone, and its message
            self.show_errors(self.state.checked, everywhere=self.state.tried_to_save)
        typed = next((f for f in self.fields if event.input.id == f"in-{f.key}"), None)
        if typed is not None and typed.options is not None and len(typed.options) > LONG_LIST:
            self._show_hint(typed)  # what the text typed so far matches, as it is typed
        dependent = [
            f for f in self.fields if f.options_for is not None and event.input.id != f"in-{f.key}"
        ]
        if dependent:
            values, _ = self.values()
            for f in dependent:
                f.options = f.options_for(values)
                if f.key not in self.state.errors:
                    self._show_hint(f)
            for f in dependent:
                if f.initial_for is not None:
                    self._put(f.key, f.initial_for(values))

    @on(Input.Submitted)
    def _next(self) -> None:
        self.focus_next()

    # --- actions ----------------------------------------------------------------------

    def action_save(self) -> None:
        self.state.tried_to_save = True
        self.state.refused, self.state.refused_form = {}, []
        errors = self.check()
        if not errors:
            values, _ = self.values()
            if self.partial:  # what the cadre changed; the rest stays as it is now
                changed = self.changed()
                values = {k: v for k, v in values.items() if k in changed}
            try:
                result = self.submit(values)
            except validate.InvalidInput as exc:
                errors = self._refused(exc)
            except Exception as exc:  # busy, disk full, server gone: said, form kept
                if safety.shown_in_form(self, exc):
                    return
                raise
            else:
                safety.drop(self)
                note = self.saved(result) if self.saved is not None else None
                self.app.notify(note or t("saved"), timeout=6 if note else 2)
                self.dismiss(result)
                return
        self.show_errors(errors, everywhere=True)
        if self.reload is not None and any(e.rule == "changed_since" for e in errors.values()):
            self.app.notify(t("reload_hint"), severity="error", timeout=6)
            return
        self.app.notify(t("form_errors", n=len(errors)), severity="error", timeout=3)
        first = next((f for f in self.fields if f.key in errors and not f.read_only), None)
        if first is not None:
            self.input(first.key).focus()

    def _refused(self, exc: validate.InvalidInput) -> dict[str, validate.FieldError]:
        """The save step's refusals, kept: beside a field of the form (with the value
        refused, until it is changed), or below the form (until the next save)."""
        errors: dict[str, validate.FieldError] = {}
        for e in exc.errors:
            errors.setdefault(e.field, e)
        keys = {f.key for f in self.fields}
        for key, e in errors.items():
            if key in keys:
                self.state.refused[key] = (e, self.input(key).value)
            else:
                self.state.refused_form.append(e.message(lang()))
        if self.reload is not None and any(e.rule == "changed_since" for e in errors.values()):
            self.state.refused_form.append(t("reload_hint"))
        return errors

    def action_reload(self) -> None:
        """The record as it is now, with the fields the cadre changed put back on top."""
        if self.reload is None:
            return
        self.state.refused, self.state.refused_form = {}, []
        typed, changed = self.typed(), self.changed()
        fresh = self.reload()
        for f in self.fields:
            f.initial = fresh.get(f.key, f.initial)
        self._opened = self._resolved({f.key: f.initial for f in self.fields})
        for f in self.fields:
            self.input(f.key).value = typed[f.key] if f.key in changed else f.initial
        self.show_errors(self.check(), everywhere=False)
        self.query_one("#form-error", Static).update(t("reloaded"))
        self.app.notify(t("reloaded"), timeout=4)

    def action_back(self) -> None:
        if not self.dirty():
            safety.drop(self)
            self.dismiss(None)
            return
        from fptui.tui.screens.dialogs import ConfirmDiscard

        def answered(drop: bool | None) -> None:
            if drop:
                safety.drop(self)
                self.dismiss(None)

        self.app.push_screen(ConfirmDiscard(), answered)

    def action_drop_draft(self) -> None:
        safety.discard_restored(self)

    def action_pick(self) -> None:
        """F4: the focused field's options in a picker; the one chosen is put in the
        field (as its number) and the cursor moves on, as after Enter."""
        f = self._focused_field()
        options = options_of(f) if f is not None else []
        if f is None or not options:
            return
        from fptui.tui.screens.dialogs import Picker

        box = self.input(f.key)

        def chosen(number: int | bool | None) -> None:
            if number is False or number is None or not box.is_attached:
                return
            box.value = str(number)
            # after the form is back, its focus as it was (the field): then the next
            self.call_after_refresh(lambda: box.has_focus and self.focus_next())

        numbered = [(i, label) for i, (_, label) in enumerate(options, 1)]
        self.app.push_screen(Picker(f.field.label(lang()), numbered), chosen)


_NOTHING = object()
HINT = "form-msg hint"
KINDS = ("error", "note", "hint")  # a message's kinds: its colour, a hint on one line


def _choose(options: list[tuple[Any, str]], typed: str) -> Any:
    """The value of the option `typed` names: its number, or its label (or its first
    word), or the start of one label only (`东营` for 东营村 when no other starts so)."""
    if typed.isdigit() and 1 <= int(typed) <= len(options):
        return options[int(typed) - 1][0]
    for value, label in options:
        if label == typed or label.split()[0] == typed:
            return value
    starting = [value for value, label in options if label.startswith(typed)] if typed else []
    return starting[0] if len(starting) == 1 else _NOTHING
