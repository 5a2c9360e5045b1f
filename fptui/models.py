"""The tables, and nothing else: no rules, no writes (those live in ledger.py).

All models bind to `database`, a proxy that `db.open_database` points at SQLite or
PostgreSQL. Free-form details of an event (its form's fields) are kept as JSON text in
`Event.data`, so a township can add a field to an event form without a migration.
"""

from __future__ import annotations

import peewee as pw

database = pw.DatabaseProxy()


class BaseModel(pw.Model):
    class Meta:
        database = database
        legacy_table_names = False
        only_save_dirty = True


class Area(BaseModel):
    """County > township > village > group. A village carries its 12-digit code."""

    kind = pw.CharField(max_length=12)  # county | township | village | group
    code = pw.CharField(max_length=12)
    name = pw.CharField(max_length=60)
    # (its index is the first column of (parent, code)'s: schema v16 dropped its own)
    parent = pw.ForeignKeyField(
        "self", null=True, backref="children", on_delete="RESTRICT", index=False
    )

    class Meta:
        indexes = ((("parent", "code"), True),)


class Household(BaseModel):
    # found by (village, number)'s index (schema v16 dropped its own)
    village = pw.ForeignKeyField(Area, backref="households", on_delete="RESTRICT", index=False)
    group = pw.ForeignKeyField(Area, null=True, on_delete="RESTRICT")
    number = pw.CharField(max_length=20)
    head = pw.DeferredForeignKey("Person", null=True, on_delete="SET NULL")
    address = pw.CharField(max_length=120, default="")
    registration = pw.CharField(max_length=12, default="registered")
    phone = pw.CharField(max_length=20, default="")
    one_child = pw.BooleanField(default=False)
    special_family = pw.BooleanField(default=False)
    created_on = pw.DateField()
    # Derived: number and members' names, pinyin and ID numbers (schema v3, search.py).
    search = pw.TextField(default="")
    # Schema v10: moved on by one with each change the write path makes to the row, so a
    # save over a record changed since it was read is refused (ledger/versions.py).
    version = pw.IntegerField(default=1, constraints=[pw.SQL("DEFAULT 1")])

    class Meta:
        indexes = ((("village", "number"), True),)


class Person(BaseModel):
    household = pw.ForeignKeyField(Household, backref="members", on_delete="RESTRICT")
    name = pw.CharField(max_length=40)
    sex = pw.CharField(max_length=1)  # M | F
    birth_date = pw.DateField()
    id_number = pw.CharField(max_length=18, null=True, index=True)
    ethnicity = pw.CharField(max_length=12, default="han")
    relation = pw.CharField(max_length=16, default="other")
    marital_status = pw.CharField(max_length=12, default="never")
    marriage_date = pw.DateField(null=True)
    spouse = pw.ForeignKeyField("self", null=True, backref="+", on_delete="SET NULL")
    residence = pw.CharField(max_length=12, default="here", index=True)
    out_place = pw.CharField(max_length=80, default="")
    out_contact = pw.CharField(max_length=40, default="")
    phone = pw.CharField(max_length=20, default="")
    mother = pw.ForeignKeyField("self", null=True, backref="children", on_delete="SET NULL")
    father = pw.ForeignKeyField("self", null=True, backref="+", on_delete="SET NULL")
    death_date = pw.DateField(null=True)
    disability_grade = pw.IntegerField(null=True)
    note = pw.CharField(max_length=200, default="")
    # Search keys, stored so a search text is built without converting names again
    # (schema v2); not indexed since v16: searches read search_key (schema v14).
    py_initials = pw.CharField(max_length=40, default="")
    py_full = pw.CharField(max_length=160, default="")
    # Schema v10: moved on by one with each change the write path makes to the row, so a
    # save over a record changed since it was read is refused (ledger/versions.py).
    version = pw.IntegerField(default=1, constraints=[pw.SQL("DEFAULT 1")])


class Event(BaseModel):
    """A ledger change, dated when it happened and when it was entered."""

    kind = pw.CharField(max_length=24, index=True)
    # person and village: found by the indexes below, which start with them (v16)
    person = pw.ForeignKeyField(
        Person, null=True, backref="events", on_delete="RESTRICT", index=False
    )
    household = pw.ForeignKeyField(Household, backref="events", on_delete="RESTRICT")
    village = pw.ForeignKeyField(Area, on_delete="RESTRICT", index=False)
    happened_on = pw.DateField(index=True)
    entered_on = pw.DateField()
    entered_by = pw.CharField(max_length=40)
    data = pw.TextField(default="{}")  # JSON of the event form's own fields
    # Schema v10: moved on by one with each change the write path makes to the row, so a
    # save over a record changed since it was read is refused (ledger/versions.py).
    version = pw.IntegerField(default=1, constraints=[pw.SQL("DEFAULT 1")])

    class Meta:
        # Schema v13 (db._v13_village_indexes): a village's events of some kinds in a
        # period, and a person's events of a kind, read through their own index entries
        # whatever the size of the rest of the ledger (the month end, the return).
        indexes = (
            (("village", "kind", "happened_on"), False),
            (("person", "kind", "happened_on"), False),
        )


class FollowUp(BaseModel):
    person = pw.ForeignKeyField(Person, backref="followups", on_delete="RESTRICT")
    # found by (household, due_on)'s index (schema v16 dropped its own)
    household = pw.ForeignKeyField(
        Household, backref="followups", on_delete="RESTRICT", index=False
    )
    kind = pw.CharField(max_length=24)
    due_on = pw.DateField(index=True)
    window_start = pw.DateField(null=True)
    # open|done|cancelled; not indexed since v17 (db._v17_no_status_index)
    status = pw.CharField(max_length=10, default="open")
    source_event = pw.ForeignKeyField(Event, null=True, on_delete="SET NULL")
    done_on = pw.DateField(null=True)
    done_by = pw.CharField(max_length=40, default="")
    outcome = pw.CharField(max_length=24, default="")
    note = pw.CharField(max_length=200, default="")
    # Schema v4: which visit of its rule (0, 1, ...) and why it was rescheduled or ended.
    step = pw.IntegerField(default=0)
    reason = pw.CharField(max_length=200, default="")

    class Meta:
        # Schema v13 (db._v13_village_indexes): a village's visits due in a period, read
        # household by household, not the whole ledger's visits of that period.
        indexes = ((("household", "due_on"), False),)


class Change(BaseModel):
    """Schema v16: one saved change (one transaction): when, by whom, what it was. Its id
    is the id of its first audit row, the number its rows share (`Audit.change`)."""

    id = pw.IntegerField(primary_key=True)
    at = pw.DateTimeField()
    user = pw.CharField(max_length=40)
    action = pw.CharField(max_length=32)

    class Meta:
        indexes = ((("at",), False),)  # a month's changes


class Audit(BaseModel):
    """What one change did to one row (schema v16, ledger/changes.py): an update's changed
    columns before and after, a delete's row before; an insert of a household, person,
    event or visit names its row, which holds its values (the history of a record is its
    row as it is, taken back through its later rows' befores), a person's also keeping
    its residence; other inserts keep their row. When, who and the change's action are
    its `Change`'s; `action` is the row's own only where it differs from the change's.
    Read with those filled in through `AuditLog` (the view audit_log)."""

    # Schema v7: the change this row belongs to (rows from before v7: NULL, each its own
    # change, Change.id the row's id).
    change = pw.IntegerField(null=True)
    action = pw.CharField(max_length=32, null=True)
    table = pw.CharField(max_length=24)
    record_id = pw.IntegerField()
    # The household the row is about (a household's own: its id), else minus the village
    # or area it names; NULL when it names none (an area, a restore): a village's rows of
    # the log are found through it (reads/reconcile.py).
    place = pw.IntegerField(null=True)
    before = pw.TextField(null=True)
    after = pw.TextField(null=True)

    class Meta:
        # (record_id): a record's rows (schema v12); (place, change): a village's rows of
        # the log from a change on (schema v16)
        indexes = ((("record_id",), False), (("place", "change"), False))


class AuditLog(BaseModel):
    """The audit log as one row per row written, when, who and action filled in from the
    change (the view audit_log, schema v16): for reading, and for reading by hand."""

    at = pw.DateTimeField()
    user = pw.CharField(max_length=40)
    change = pw.IntegerField(null=True)
    action = pw.CharField(max_length=32)
    table = pw.CharField(max_length=24)
    record_id = pw.IntegerField()
    place = pw.IntegerField(null=True)
    before = pw.TextField(null=True)
    after = pw.TextField(null=True)

    class Meta:
        table_name = "audit_log"


class MonthClose(BaseModel):
    village = pw.ForeignKeyField(Area, on_delete="RESTRICT", index=False)  # (village, month)
    month = pw.CharField(max_length=7)  # YYYY-MM
    closed_at = pw.DateTimeField()
    closed_by = pw.CharField(max_length=40)
    # Schema v6: the month's figures as closed (JSON), frozen: start, flows, end.
    figures = pw.TextField(default="{}")

    class Meta:
        indexes = ((("village", "month"), True),)


class FrozenReturn(BaseModel):
    """Schema v8: the monthly return as it stood when its month closed, every table of
    it (JSON), so a closed month exports the same figures however often: a village's
    at its close, the whole ledger's (area null) once every village closed the month."""

    area = pw.ForeignKeyField(Area, null=True, on_delete="RESTRICT", index=False)  # (area, month)
    month = pw.CharField(max_length=7)  # YYYY-MM
    made_at = pw.DateTimeField()
    tables = pw.TextField()

    class Meta:
        indexes = ((("area", "month"), False),)


class Acknowledgement(BaseModel):
    """Schema v11: a warning the month-end meeting accepted for a village's month (its key
    as `reconcile.warning_key` gives it), who accepted it and when; kept until the month
    closes, and after (ledger/acknowledgements.py)."""

    village = pw.ForeignKeyField(Area, on_delete="RESTRICT", index=False)  # its 3 columns
    month = pw.CharField(max_length=7)  # YYYY-MM
    warning = pw.CharField(max_length=80)
    acknowledged_by = pw.CharField(max_length=40)
    acknowledged_at = pw.DateTimeField()

    class Meta:
        indexes = ((("village", "month", "warning"), True),)


class SearchKey(BaseModel):
    """A household's search keys (search.py `index_keys`): each word of its search text,
    as a key a search finds by its start through the primary key's index, a range that
    does not grow with the ledger. Written by the write path with the text itself."""

    key = pw.BlobField()  # UTF-8, its first byte the key's kind: bytes compare alike
    # No index of its own (it would double the table): a household's keys are found
    # from its search text, which holds them all (ledger/households.py).
    household = pw.ForeignKeyField(Household, backref="+", on_delete="CASCADE", index=False)

    class Meta:
        primary_key = pw.CompositeKey("key", "household")


class Finding(BaseModel):
    """Schema v15: a logic check's finding (reads/checks.py), kept by the write path in the
    transaction of the change that causes or clears it (ledger/findings.py), so the
    score, the month end and the return read a village's findings instead of checking
    the ledger again. Filed under a household and its village; the message in both
    values its message names (JSON, each in both languages), so the message and the
    severity are those of checks.toml as it is when read. Plain ids, not links: a voided
    row's findings go in the same change that deletes the row."""

    code = pw.CharField(max_length=40)
    severity = pw.CharField(max_length=10)  # error | warning, when kept
    village = pw.IntegerField(null=True, index=True)
    household = pw.IntegerField(null=True, index=True)
    person = pw.IntegerField(null=True)
    event = pw.IntegerField(null=True)
    values = pw.TextField(default="{}")  # {"name": ["王丽", "王丽"], ...}: zh, en


class Setting(BaseModel):
    key = pw.CharField(max_length=60, primary_key=True)
    value = pw.TextField()


MODELS: list[type[BaseModel]] = [
    Area,
    Household,
    Person,
    Event,
    FollowUp,
    Change,
    Audit,
    MonthClose,
    FrozenReturn,
    Acknowledgement,
    SearchKey,
    Finding,
    Setting,
]
