"""One-line renderings of records that several screens show alike.

An event reads the same on the household card's timeline, the person card's and the
picker that chooses one to correct, so its line is drawn here once.
"""

from __future__ import annotations

from fptui import schema
from fptui.reads import queries
from fptui.tui.text import choice, lang, t


def event_line(e: queries.EventRow) -> str:
    """One line of a timeline: date, what happened, to whom, and its own details."""
    forms = schema.current().forms
    title = forms[e.kind].title(lang()) if e.kind in forms else e.kind
    details = []
    for key, value in e.data.items():
        form = forms.get(e.kind)
        if form is None or not form.has(key) or key in ("mother", "father", "spouse", "name"):
            continue
        f = form.field(key)
        if f.type == "choice" and f.choices:
            value = choice(f.choices, value)
        elif f.type == "bool":
            continue
        elif f.type == "idcard":
            continue  # a full ID number belongs on the card only
        details.append(str(value))
    if "birth_order" in e.data:
        details.append(t("birth_order_short", n=e.data["birth_order"]))
    late = " *" if e.late else ""
    return f"{e.happened_on}  {title}  {e.person}  {' '.join(details)}{late}"
