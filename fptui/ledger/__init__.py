"""THE write path: every change to the ledger goes through a function of this package.

Each function is named after what the cadre does, cleans its input by the schema form
(`schema.validate.clean`, the same rules the screens use), and makes its change in one
transaction together with an audit record per row touched (who, when, what, before,
after). A refused change raises `InvalidInput` naming the field and the rule, and the
database is left as it was.

One module per thing a cadre does, each over the two below it:

    areas.py        the county, township, villages and groups
    households.py   households, their head and search text
    persons.py      persons already living here when the ledger opens, card corrections
    events.py       births, deaths, marriages, moves, pregnancies, benefits
    visits.py       follow-up visits planned, done, moved, cancelled
    corrections.py  an event edited or voided
    months.py       a village's month closed and reopened
    acknowledgements.py  warnings acknowledged at a month end, with who and when
    opening.py      a village's existing register loaded at once
    restores.py     a restored backup's trace in the ledger it put back
    changes.py      one transaction, its numbered audit rows, who made it
    findings.py     the logic checks' findings kept by each change; `check_full` repairs
    versions.py     record versions: a save over a record changed since is refused
    rows.py         rows read inside a change; a missing one is a refusal

`from fptui import ledger` and `ledger.record_birth(...)` is how screens, the CLI, the
demo and the tests call it. Calls nest: inside `batch()` many changes share one commit.
"""

from fptui.ledger.acknowledgements import acknowledge_warning, withdraw_acknowledgement
from fptui.ledger.areas import SetUp, add_area, set_up, set_up_errors, typed_village_code
from fptui.ledger.changes import (
    batch,
    current_user,
    set_user,
    settle_findings,
    take_touched,
    take_touched_villages,
)
from fptui.ledger.corrections import edit_event, void_event
from fptui.ledger.events import (
    MARRIED,
    confirm_benefit,
    record_birth,
    record_contraception,
    record_death,
    record_divorce,
    record_event,
    record_go_out,
    record_marriage,
    record_migrant_left,
    record_move_in,
    record_move_out,
    record_pregnancy_outcome,
    record_return,
    record_widowhood,
    register_migrant,
    register_pregnancy,
)
from fptui.ledger.findings import check_full, recheck_everything
from fptui.ledger.households import add_household, edit_household, reindex_households, set_head
from fptui.ledger.months import MONTH, close_month, close_months, reopen_month
from fptui.ledger.opening import open_ledger
from fptui.ledger.persons import add_person, edit_person
from fptui.ledger.restores import record_restore
from fptui.ledger.rows import HOUSEHOLD, PERSON
from fptui.ledger.visits import (
    FOLLOWUP,
    ensure_monthly_followups,
    mark_followup_done,
    mark_followups_done,
    regenerate_followups,
    reschedule_followup,
)
from fptui.schema import current

__all__ = [
    "FOLLOWUP",
    "HOUSEHOLD",
    "MARRIED",
    "MONTH",
    "PERSON",
    "SetUp",
    "acknowledge_warning",
    "add_area",
    "add_household",
    "add_person",
    "batch",
    "check_full",
    "close_month",
    "close_months",
    "confirm_benefit",
    "current",
    "current_user",
    "edit_event",
    "edit_household",
    "edit_person",
    "ensure_monthly_followups",
    "mark_followup_done",
    "mark_followups_done",
    "open_ledger",
    "recheck_everything",
    "record_birth",
    "record_contraception",
    "record_death",
    "record_divorce",
    "record_event",
    "record_go_out",
    "record_marriage",
    "record_migrant_left",
    "record_move_in",
    "record_move_out",
    "record_pregnancy_outcome",
    "record_restore",
    "record_return",
    "record_widowhood",
    "regenerate_followups",
    "register_migrant",
    "register_pregnancy",
    "reindex_households",
    "reopen_month",
    "reschedule_followup",
    "set_head",
    "set_up",
    "set_up_errors",
    "set_user",
    "settle_findings",
    "take_touched",
    "take_touched_villages",
    "typed_village_code",
    "void_event",
    "withdraw_acknowledgement",
]
