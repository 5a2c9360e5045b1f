"""The set-up form: the county, the township, its villages and their groups, typed in the
app, for a ledger that has no village yet (the first screen then) and for Ctrl+N with no
village to put a household in.

A form like every other (`FormScreen`): Tab and Enter move, each wrong value is said
beside its field, Ctrl+S saves, Esc goes back (asking first if anything was typed).
Every rule is the ledger's: `ledger.set_up_errors` checks as the cadre leaves a field,
`ledger.set_up` saves the whole set-up in one change. Ctrl+N adds a line for another
village. Saved, the household list shows the first village typed.
"""

from __future__ import annotations

from typing import Any

from textual.binding import Binding

from fptui import schema
from fptui.ledger.areas import MAX_GROUPS, field_label, village_field
from fptui.schema import validate
from fptui.tui import safety
from fptui.tui.screens.form import FormField, FormScreen
from fptui.tui.text import listing, t
from fptui.tui.widgets.plain import Plain

DRAFT_KEY = "setup"
CODE_LENGTH = 12  # the longest code typed: a village's whole 12 digits
NAME_LENGTH = 60
MAX_VILLAGE_LINES = 99  # of a draft read back: more is not a draft this form kept


def _field(key: str) -> schema.Field:
    """A field's label and its mark (* required); its checks are `ledger.set_up_errors`."""
    if key == "groups":
        return schema.Field(key, "int", field_label(key), min=0, max=MAX_GROUPS)
    length = CODE_LENGTH if "_code" in key else NAME_LENGTH
    return schema.Field(key, "text", field_label(key), required=True, max_length=length)


def _village_keys(n: int) -> list[str]:
    return [village_field("code", n), village_field("name", n)]


def _keys(villages: int) -> list[str]:
    keys = ["county_code", "county_name", "township_code", "township_name"]
    for n in range(1, villages + 1):
        keys += _village_keys(n)
    return [*keys, "groups"]


FORM = schema.Form(
    "setup", schema.Text("设置区划", "Set up the areas"), tuple(_field(k) for k in _keys(1))
)


def _drafted_villages() -> int:
    """How many village lines a draft kept from a set-up left unsaved fills (at least 1)."""
    from fptui import drafts

    where = safety.ledger()
    if where is None:
        return 1
    try:
        kept = drafts.load(where, DRAFT_KEY) or {}
    except Exception:  # an unreadable draft: the form opens empty, as with none
        return 1
    ends = [k.rsplit("_", 1)[-1] for k in kept if k.startswith("village_")]
    return max([1, *(int(n) for n in ends if n.isdigit() and int(n) <= MAX_VILLAGE_LINES)])


def _preview(values: dict[str, Any]) -> str:
    """The villages' 12-digit codes as typed so far, split as they are made (the
    county's 6, the township's 3, the village's 3): the line under the fields."""
    from fptui import ledger

    shown = []
    n = 1
    while village_field("code", n) in values:
        code = ledger.typed_village_code(
            values.get("county_code"),
            values.get("township_code"),
            values[village_field("code", n)],
        )
        if code is not None:
            name = str(values.get(village_field("name", n)) or "").strip()
            shown.append(f"{code[:6]} {code[6:9]} {code[9:]} {name}".rstrip())
        n += 1
    return t("setup_preview", codes=listing(shown)) if shown else ""


def open_set_up(app: Any) -> None:
    """The set-up form; once saved, the household list shows the first village typed."""

    def done(result: Any) -> None:
        for screen in reversed(app.screen_stack):
            if hasattr(screen, "set_up_done"):  # the household list
                screen.set_up_done(result)
                return

    app.push_screen(SetupScreen(), done)


class SetupScreen(FormScreen):
    """The county, township, villages and groups, saved together by `ledger.set_up`."""

    BINDINGS = [Binding("ctrl+n", "add_village", "add_village", key_display="Ctrl+N")]

    def __init__(self) -> None:
        self.villages = _drafted_villages()
        super().__init__(
            t("setup_title"),
            [FormField(FORM, _field(k)) for k in _keys(self.villages)],
            self._submit,
            preview=_preview,
            saved=self._saved,
            draft_key=DRAFT_KEY,
        )

    def on_mount(self) -> None:
        super().on_mount()
        codes = Plain(t("setup_codes"), id="setup-codes")
        codes.styles.padding = (0, 1)
        self.mount(codes, after=".screen-title")

    # --- the rules are the ledger's ---------------------------------------------------

    def _entries(self, values: dict[str, Any]) -> dict[str, Any]:
        return {
            "county": (values.get("county_code"), values.get("county_name")),
            "township": (values.get("township_code"), values.get("township_name")),
            "villages": [
                (values.get(village_field("code", n)), values.get(village_field("name", n)))
                for n in range(1, self.villages + 1)
            ],
            "groups": values.get("groups"),
        }

    def check(self) -> dict[str, validate.FieldError]:
        """Every wrong value of the form, by field, as `ledger.set_up` would refuse it."""
        from fptui import ledger

        values, errors = self.values()
        self.state.notes = {}
        for error in ledger.set_up_errors(**self._entries(values)):
            errors.setdefault(error.field, error)
        return errors

    def _submit(self, values: dict[str, Any]) -> Any:
        from fptui import ledger

        return ledger.set_up(**self._entries(values))

    def _saved(self, done: Any) -> str:
        names = listing([v.name for v in done.villages])
        return t("setup_saved", villages=names, n=done.added)

    # --- another village --------------------------------------------------------------

    async def action_add_village(self) -> None:
        """Ctrl+N: a line for another village, before the groups, with the cursor in it."""
        from textual.containers import Horizontal

        from fptui.tui.screens.form import HINT, choice_hint
        from fptui.tui.text import lang
        from fptui.tui.widgets.plain import PlainLabel
        from fptui.tui.widgets.quiet import SteadyInput

        self.villages += 1
        added = [FormField(FORM, _field(k)) for k in _village_keys(self.villages)]
        rows = [
            Horizontal(
                PlainLabel(f"*{f.field.label(lang())}", classes="form-label"),
                SteadyInput(id=f"in-{f.key}", compact=True, select_on_focus=False),
                Plain(choice_hint(f), id=f"msg-{f.key}", classes=HINT),
                classes="form-row",
            )
            for f in added
        ]
        groups_row = self.input("groups").parent
        await self.query_one("#form-fields").mount_all(rows, before=groups_row)
        self.fields[-1:-1] = added
        self.input(added[0].key).focus()
