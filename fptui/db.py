"""Opening the database: SQLite by default, by URL so PostgreSQL can follow.

SQLite runs with WAL, foreign keys on, `synchronous=FULL` (a saved card survives a power
cut) and a busy timeout. A new file is created readable by its owner alone (0600); SQLite
gives its -wal and -shm files the same permissions. The schema is versioned with
`PRAGMA user_version`: a new database is created at the latest version; an older one is
brought forward by the ordered steps in MIGRATIONS, each in its own transaction.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import peewee as pw
from platformdirs import user_data_path

from fptui import files, models
from fptui.masking import mask

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": 2,  # FULL
    "busy_timeout": 5000,
    "cache_size": -8000,  # 8 MB a connection: the score worker has one too
}


# How long a PostgreSQL session waits for a row another session holds, as SQLite's
# busy_timeout: then the save is refused as busy (ledger/changes.py), not left hanging.
PG_LOCK_TIMEOUT_MS = SQLITE_PRAGMAS["busy_timeout"]


class DatabaseError(RuntimeError):
    """A database fptui cannot open or use; the message says why and what to do."""


class DiskFull(DatabaseError, pw.OperationalError):
    """A save refused because the disk (or the quota) is full: nothing of it was written,
    what was saved before is kept. A peewee error too, so every `except pw.DatabaseError`
    that shows a message shows this one."""

    def __init__(self) -> None:
        super().__init__(
            "磁盘已满，本次未保存（之前保存的记录都在）/ the disk is full: this change was not "
            "saved (everything saved before is kept); free some space and save again"
        )


@contextmanager
def full_disk_refused() -> Iterator[None]:
    """Turn SQLite's "database or disk is full" (PostgreSQL's "No space left on device"),
    or any error of a save where the ledger's disk has next to no room left, raised inside
    the block into DiskFull."""
    try:
        yield
    except pw.OperationalError as exc:
        if not isinstance(exc, DiskFull) and files.disk_full(exc, _folder()):
            raise DiskFull() from exc
        raise


def _folder() -> Path | None:
    """The folder of the SQLite ledger open, where a full disk would stop a save."""
    name = getattr(models.database.obj, "database", None)
    if not isinstance(models.database.obj, pw.SqliteDatabase) or name in (None, ":memory:"):
        return None
    return Path(name).resolve().parent


class _SqliteDatabase(pw.SqliteDatabase):
    """SQLite as peewee drives it, except after SQLite has rolled a transaction back by
    itself (a full disk, an I/O error): peewee's own ROLLBACK then fails with "cannot
    rollback - no transaction is active" and that error hides the real one. With no
    transaction open there is nothing to roll back, so nothing is sent."""

    def _rolled_back(self) -> bool:
        return not self.is_closed() and not self.connection().in_transaction

    def rollback(self) -> None:
        if not self._rolled_back():
            super().rollback()

    def execute_sql(self, sql, *args, **kwargs):  # type: ignore[no-untyped-def]
        # (peewee 3 passes a `commit` argument too: whatever is given is passed on)
        if sql.startswith("ROLLBACK TO SAVEPOINT") and self._rolled_back():
            return None
        return super().execute_sql(sql, *args, **kwargs)


def default_path() -> Path:
    """Where `fptui` keeps its ledger unless `--db` says otherwise."""
    return user_data_path("fptui", appauthor=False) / "ledger.db"


def sqlite_path(url: str | os.PathLike[str]) -> Path | None:
    """The file of an SQLite URL (`sqlite:///path`) or plain path; None for a server's."""
    return _url_to_path(os.fspath(url))


def _url_to_path(url: str) -> Path | None:
    """The file of an SQLite URL or plain path; None for other databases."""
    if url.startswith("sqlite:///"):
        return Path(url[len("sqlite:///") :])
    if "://" in url:
        return None
    return Path(url)


def _create_private(path: Path) -> None:
    """Create `path` empty and owner-only before SQLite opens it."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def connect(url: str | os.PathLike[str]) -> pw.Database:
    """A connected database for `url` (a path, `sqlite:///path` or a server URL)."""
    url = os.fspath(url)
    path = _url_to_path(url)
    if path is not None:
        if str(path) != ":memory:":
            problem = files.sqlite_problem(path) if path.exists() else None
            if problem:
                raise DatabaseError(f"{path} {problem}")
            _create_private(path)
        database: pw.Database = _SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS)
    else:
        from playhouse.db_url import connect as url_connect

        params = {}
        if url.split("://")[0] in ("postgres", "postgresql", "postgresext", "postgresqlext"):
            params["options"] = f"-c lock_timeout={PG_LOCK_TIMEOUT_MS}"
        try:
            database = url_connect(url, **params)
        except (ImportError, RuntimeError, ValueError) as exc:
            raise DatabaseError(f"cannot open {url.split('://')[0]} database: {exc}") from None
    try:
        database.connect(reuse_if_open=True)
    except pw.PeeweeException as exc:  # a file SQLite cannot open, a server, no driver
        if path is not None and files.disk_full(exc, path.parent):
            raise DiskFull() from exc
        reason = " ".join(str(exc).split())
        raise DatabaseError(mask(f"cannot open {url}: {reason}")) from None
    return database


def open_database(url: str | os.PathLike[str]) -> pw.Database:
    """Connect, bind the models to it and bring its schema to the latest version."""
    database = connect(url)
    models.database.initialize(database)
    migrate(database)
    return database


def close_database() -> None:
    if models.database.obj is not None and not models.database.is_closed():
        models.database.close()


# --- versions ---------------------------------------------------------------------------


def get_version(database: pw.Database) -> int:
    if isinstance(database, pw.SqliteDatabase):
        return database.execute_sql("PRAGMA user_version").fetchone()[0]
    if not database.table_exists("setting"):
        return 0
    row = models.Setting.get_or_none(models.Setting.key == "schema_version")
    return int(row.value) if row else 0


def _set_version(database: pw.Database, version: int) -> None:
    if isinstance(database, pw.SqliteDatabase):
        database.execute_sql(f"PRAGMA user_version = {int(version)}")
    else:
        models.Setting.insert(key="schema_version", value=str(version)).on_conflict(
            conflict_target=[models.Setting.key], update={models.Setting.value: str(version)}
        ).execute()


def _migrator(database: pw.Database):
    from playhouse.migrate import SchemaMigrator

    return SchemaMigrator.from_database(database)


def _v2_search_keys(database: pw.Database) -> None:
    """v2: stored pinyin search keys on persons, filled in for everyone already there."""
    from playhouse.migrate import migrate as run

    from fptui.pinyin import search_keys

    m = _migrator(database)
    person = models.Person
    run(
        m.add_column("person", "py_initials", person.py_initials),
        m.add_column("person", "py_full", person.py_full),  # indexed: the fields say so
    )
    rows = database.execute_sql("SELECT id, name FROM person").fetchall()
    for pid, name in rows:
        initials, full = search_keys(name)
        person.update(py_initials=initials, py_full=full).where(person.id == pid).execute()


def _v3_household_search(database: pw.Database) -> None:
    """v3: each household's search text (search.py), built for every household there.

    Written out here rather than calling the ledger: a migration stays as it was when
    its version was made, whatever the write path later becomes."""
    from playhouse.migrate import migrate as run

    from fptui.search import search_text

    run(_migrator(database).add_column("household", "search", models.Household.search))
    members: dict[int, list[tuple]] = {}
    for household, *member in database.execute_sql(
        "SELECT household_id, name, py_initials, py_full, id_number FROM person "
        "ORDER BY household_id, id"
    ).fetchall():
        members.setdefault(household, []).append(tuple(member))
    numbers = database.execute_sql("SELECT id, number FROM household").fetchall()
    mark = database.param
    database.cursor().executemany(
        f"UPDATE household SET search = {mark} WHERE id = {mark}",
        [(search_text(number, members.get(hid, [])), hid) for hid, number in numbers],
    )


def _v4_followup_steps(database: pw.Database) -> None:
    """v4: a follow-up knows which visit of its rule it is, and why it moved or ended."""
    from playhouse.migrate import migrate as run

    m = _migrator(database)
    run(
        m.add_column("follow_up", "step", models.FollowUp.step),
        m.add_column("follow_up", "reason", models.FollowUp.reason),
    )


def _v5_household_order(database: pw.Database) -> None:
    """v5: an index in the household list's own order (village, then numbers in their
    natural order), so the first screen is read without sorting 35,000 rows."""
    database.execute_sql(
        'CREATE INDEX IF NOT EXISTS "household_list_order" '
        'ON "household" ("village_id", length("number"), "number")'
    )


def _v6_close_figures(database: pw.Database) -> None:
    """v6: a closed month keeps its figures, so later entries cannot move them."""
    from playhouse.migrate import migrate as run

    run(_migrator(database).add_column("month_close", "figures", models.MonthClose.figures))


def _v7_audit_time(database: pw.Database) -> None:
    """v7: the audit log by time, and the rows of one save numbered as one change, for
    the month's changes on the reconciliation screen. Older rows have no number."""
    from playhouse.migrate import migrate as run

    run(_migrator(database).add_column("audit", "change", models.Audit.change))
    database.execute_sql('CREATE INDEX IF NOT EXISTS "audit_at" ON "audit" ("at")')


def _v8_frozen_returns(database: pw.Database) -> None:
    """v8: a closed month keeps its whole return (every table), not only its balance."""
    database.create_tables([models.FrozenReturn])


def _v9_names_as_said(database: pw.Database) -> None:
    """v9: names found by how they are said (pinyin.py): a surname by its own reading
    and the common one (曾超军 by zcj and ccj), a given name's character by each of its
    readings. Every person's keys are read again, then every household's search text is
    rebuilt from them; written out here rather than through the ledger, like v3."""
    from fptui.pinyin import search_keys
    from fptui.search import search_text

    mark = database.param
    people = database.execute_sql(
        "SELECT id, household_id, name, id_number FROM person ORDER BY household_id, id"
    ).fetchall()
    keys = {pid: search_keys(name) for pid, _, name, _ in people}
    database.cursor().executemany(
        f"UPDATE person SET py_initials = {mark}, py_full = {mark} WHERE id = {mark}",
        [(*keys[pid], pid) for pid in keys],
    )
    members: dict[int, list[tuple]] = {}
    for pid, household, name, id_number in people:
        members.setdefault(household, []).append((name, *keys[pid], id_number))
    numbers = database.execute_sql("SELECT id, number FROM household").fetchall()
    database.cursor().executemany(
        f"UPDATE household SET search = {mark} WHERE id = {mark}",
        [(search_text(number, members.get(hid, [])), hid) for hid, number in numbers],
    )


def _v10_versions(database: pw.Database) -> None:
    """v10: households, persons and events carry a version, moved on by every change the
    write path makes to them, so a save over a record changed since it was read is
    refused (ledger/versions.py). Every row there starts at 1. A column with a default:
    SQLite and PostgreSQL add it without rewriting the table."""
    for table in ("household", "person", "event"):
        database.execute_sql(
            f'ALTER TABLE "{table}" ADD COLUMN "version" INTEGER NOT NULL DEFAULT 1'
        )


def _v11_acknowledgements(database: pw.Database) -> None:
    """v11: the warnings a month-end meeting acknowledged are kept, with who and when
    (ledger/acknowledgements.py), not forgotten when the screen is left."""
    database.create_tables([models.Acknowledgement])


_AUDIT_CONTEXT = ("household", "village", "person", "parent", "area", "version")
_AUDIT_CHUNK = 5000


def _audit_stored(before: dict | None, after: dict | None) -> tuple[dict | None, dict | None]:
    """What an audit row of v12 keeps of an older one's whole rows (as changes.stored
    writes it; written out here, as a migration stays what it was)."""
    if before is None and after is None:  # an insert of v16's, whose row holds its values
        return None, None
    if before is None:  # an insert: its values, less the id (record_id) and empty ones
        after = after or {}
        return None, {k: v for k, v in after.items() if k != "id" and v is not None and v != ""}
    if not after or "id" not in before or "id" not in after:
        return before, after  # a delete's row before; a void's or a restore's own record
    missing = object()
    keys = [
        k for k in before.keys() | after.keys() if before.get(k, missing) != after.get(k, missing)
    ]
    old = {k: before[k] for k in keys if k in before}
    new = {k: after[k] for k in keys if k in after}
    new.update({k: after[k] for k in _AUDIT_CONTEXT if k in after and k not in new})
    return old, new


def _audit_json(value: dict | None) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _v12_audit_changes(database: pw.Database) -> None:
    """v12: an audit row keeps what changed, not the whole row twice: an insert its row
    (less its id and empty values), an update the columns it changed before and after
    (and where the row is), a delete the row before; compact JSON. Every row there is
    rewritten, 5,000 at a time by id; the index on (table, record_id) becomes one on
    record_id. SQLite's file keeps its size (the freed pages take the next rows) until
    a VACUUM, which this step does not run: it would copy the whole file at opening."""
    database.execute_sql('DROP INDEX IF EXISTS "audit_table_record_id"')
    database.execute_sql('CREATE INDEX IF NOT EXISTS "audit_record_id" ON "audit" ("record_id")')
    mark, last = database.param, 0
    while True:
        rows = database.execute_sql(
            f"SELECT id, before, after FROM audit WHERE id > {mark} ORDER BY id LIMIT {mark}",
            (last, _AUDIT_CHUNK),
        ).fetchall()
        if not rows:
            return
        last = rows[-1][0]
        changed = []
        for row_id, before_text, after_text in rows:
            before = json.loads(before_text) if before_text is not None else None
            after = json.loads(after_text) if after_text is not None else None
            new_before, new_after = (_audit_json(v) for v in _audit_stored(before, after))
            if (new_before, new_after) != (before_text, after_text):
                changed.append((new_before, new_after, row_id))
        if changed:
            database.cursor().executemany(
                f"UPDATE audit SET before = {mark}, after = {mark} WHERE id = {mark}", changed
            )


# The indexes of schema v13: (model, its Meta.indexes' fields) each.
VILLAGE_INDEXES: tuple[tuple[type[pw.Model], tuple[str, ...]], ...] = (
    (models.Event, ("village", "kind", "happened_on")),
    (models.Event, ("person", "kind", "happened_on")),
    (models.FollowUp, ("household", "due_on")),
)


def _audit_place(database: pw.Database, of: str = "") -> str:
    """SQL for the household an audit row of schema v12 to v15 is about (a household's own
    rows: its id), else the village or area it names (a close, an acknowledgement, a kept
    return) as minus its id, apart from the households' ids; NULL when it names none (a
    restore, an area). Read from the row's JSON, after before before. Indexed with the
    time by v13 (`audit_place`); v16 stores it in the row (Audit.place) from this. `of`:
    the table's alias with its dot, where a query names it."""
    sqlite = isinstance(database, pw.SqliteDatabase)

    def value(column: str, key: str) -> str:
        if sqlite:
            return f"json_extract({of}\"{column}\", '$.{key}')"
        return f"CAST(CAST({of}\"{column}\" AS jsonb) ->> '{key}' AS integer)"

    named = ", ".join(
        ("" if key == "household" else "-") + value(column, key)
        for key in ("household", "village", "area")
        for column in ("after", "before")
    )
    return f'CASE WHEN {of}"table" = \'household\' THEN {of}"record_id" ELSE COALESCE({named}) END'


def _audit_place_index(database: pw.Database) -> None:
    """The audit log by the household (or village) a row is about, then time: an
    expression index, which the models cannot declare. Not on an audit of v16's (a ledger
    set back to v12 runs this step again), whose rows have their place as a column."""
    if "at" not in {c.name for c in database.get_columns("audit")}:
        return
    database.execute_sql(
        f'CREATE INDEX IF NOT EXISTS "audit_place" ON "audit" (({_audit_place(database)}), "at")'
    )


def _v13_village_indexes(database: pw.Database) -> None:
    """v13: indexes that let a village's month end and return read only that village's
    rows (its events by kind and day, a person's events by kind, its households' visits
    by due day, its rows of the audit log by time), so their time does not grow with the
    rest of the ledger. Made as the models declare them (same names), if not there."""
    for model, fields in VILLAGE_INDEXES:
        index = next(
            i
            for i in model._meta.fields_to_index()
            if tuple(getattr(e, "name", None) for e in i._expressions) == fields
        )
        database.execute(model._schema._create_index(index, safe=True))
    _audit_place_index(database)


def _v14_search_index(database: pw.Database) -> None:
    """v14: households found through an index of search keys (search.py), not a scan of
    every household's search text: the keys are read from that text, which the write
    path has kept since v3, so a search finds exactly what it found before."""
    from fptui.search import index_keys

    _search_key_layout(database)
    database.create_tables([models.SearchKey])
    database.execute_sql('DELETE FROM "search_key"')  # a ledger set back past it: afresh
    mark = database.param
    rows = database.execute_sql("SELECT id, search FROM household ORDER BY id")
    sql = f"INSERT INTO search_key (key, household_id) VALUES ({mark}, {mark})"
    while batch := rows.fetchmany(2000):
        database.cursor().executemany(
            sql, [(key, hid) for hid, text in batch for key in sorted(index_keys(text or ""))]
        )


def _search_key_layout(database: pw.Database) -> None:
    """On SQLite the search keys are the table's own B-tree (WITHOUT ROWID): the key is
    stored once, not in a row and again in its primary key's index."""
    models.SearchKey._meta.without_rowid = isinstance(database, pw.SqliteDatabase)


def _v15_findings(database: pw.Database) -> None:
    """v15: the logic checks' findings kept in the ledger (models.Finding), by the write
    path from now on (ledger/findings.py); filled here by one full check of the ledger as
    it stands, so the score and the month end read them at once. The checks are the
    reads' (the one place they live): the one import of this layer from above it."""
    from fptui.reads import checks

    database.create_tables([models.Finding])
    rows = checks.rows(checks.run(dated=False))
    for i in range(0, len(rows), 100):
        models.Finding.insert_many(rows[i : i + 100]).execute()


# Tables whose inserts an audit row of v16 names without their values (the row holds
# them), and what of them it keeps: the residence a person came into the ledger with is
# what the status check compares the card with (reads/checks.py), so it stays written.
_LEAN_INSERTS = {"household": (), "person": ("residence",), "event": (), "follow_up": ()}
# Columns an audit row never held: derived ones (search text and keys) and the version.
_NOT_AUDITED = {"search", "py_initials", "py_full", "version"}
# Indexes v16 drops: pinyin keys no query reads (search goes through search_key since
# v14), and links whose index is the first column of another index of the same table.
_UNREAD_INDEXES = (
    "person_py_initials",
    "person_py_full",
    "event_person_id",
    "event_village_id",
    "follow_up_household_id",
    "household_village_id",
    "area_parent_id",
    "month_close_village_id",
    "frozen_return_area_id",
    "acknowledgement_village_id",
)


def _audit_log_view(database: pw.Database) -> None:
    """The view audit_log: the audit as one row per row written with its change's time,
    user and (where the row has none of its own) action, as before v16 (models.AuditLog)."""
    create = (
        'CREATE VIEW IF NOT EXISTS "audit_log"'
        if isinstance(database, pw.SqliteDatabase)
        else 'CREATE OR REPLACE VIEW "audit_log"'
    )
    database.execute_sql(
        f'{create} AS SELECT a."id", c."at", c."user", a."change", '
        'COALESCE(a."action", c."action") AS "action", a."table", a."record_id", a."place", '
        'a."before", a."after" FROM "audit" a '
        'JOIN "change" c ON c."id" = COALESCE(a."change", a."id")'
    )


def _v16_smaller_audit(database: pw.Database) -> None:
    """v16: a smaller audit. When, who and what of a change are written once, in its row of
    the new table change (its id the number its audit rows share: their first's id; a row
    from before v7, its own id); an audit row keeps its action only where it differs from
    its change's, and the place it is about (the household, else minus the village or
    area) as a column, indexed with the change, instead of v13's index over its JSON and
    time. An insert of a household, person, event or visit no longer copies the row that
    holds its values: its values are the row as it is, taken back through the record's
    later audit rows (a delete keeps the row it took away). Dropped only where that gives
    back exactly what the insert's row says; otherwise (a row written past the write
    path) the insert's values are kept. The view audit_log shows the rows as before.

    A change's time and user are its first row's: rows of one change were stamped a
    second apart at most (when its writing crossed a second), none by another user.
    SQLite's file keeps its size until a VACUUM (as v12), its freed pages taking the next
    rows. Indexes no query reads are dropped (_UNREAD_INDEXES)."""
    for name in ("audit_at", "audit_place", *_UNREAD_INDEXES):
        database.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
    if "at" in {c.name for c in database.get_columns("audit")}:  # (not a ledger set back)
        _v16_changes(database)
    for table, kept in _LEAN_INSERTS.items():
        _v16_lean_inserts(database, table, kept)
    _v16_updates_placed(database)
    models.Audit._schema.create_indexes(safe=True)
    _audit_log_view(database)


def _v16_changes(database: pw.Database) -> None:
    """v16's change table, filled from the audit's rows, and the audit rewritten without
    when and who, with its place."""
    sqlite = isinstance(database, pw.SqliteDatabase)
    database.execute_sql('DROP INDEX IF EXISTS "audit_record_id"')
    database.execute_sql('DROP VIEW IF EXISTS "audit_log"')
    database.create_tables([models.Change])
    database.execute_sql(
        'INSERT INTO "change" ("id", "at", "user", "action") SELECT "id", "at", "user", '
        '"action" FROM "audit" WHERE "change" IS NULL OR "change" = "id"'
    )
    # a change whose first row is not there (none is ever deleted): its first row left
    database.execute_sql(
        'INSERT INTO "change" ("id", "at", "user", "action") SELECT f."change", a."at", '
        'a."user", a."action" FROM (SELECT "change", MIN("id") AS "first" FROM "audit" '
        'WHERE "change" IS NOT NULL GROUP BY "change") f JOIN "audit" a ON a."id" = f."first" '
        'WHERE NOT EXISTS (SELECT 1 FROM "change" c WHERE c."id" = f."change")'
    )
    database.execute_sql('ALTER TABLE "audit" RENAME TO "audit_v15"')
    if not sqlite:  # its primary key's index keeps its name: the new table's takes it
        database.execute_sql('ALTER INDEX "audit_pkey" RENAME TO "audit_v15_pkey"')
    models.Audit._schema.create_table()
    database.execute_sql(
        'INSERT INTO "audit" ("id", "change", "action", "table", "record_id", "place", '
        '"before", "after") SELECT o."id", o."change", CASE WHEN o."action" = c."action" '
        f'THEN NULL ELSE o."action" END, o."table", o."record_id", '
        f"{_audit_place(database, 'o.')}, "
        'o."before", o."after" FROM "audit_v15" o JOIN "change" c '
        'ON c."id" = COALESCE(o."change", o."id")'
    )
    database.execute_sql('DROP TABLE "audit_v15"')
    if not sqlite:  # the new table's sequence goes on from the rows it took over
        database.execute_sql(
            "SELECT setval(pg_get_serial_sequence('audit', 'id'), "
            'COALESCE(MAX("id"), 0) + 1, false) FROM "audit"'
        )


def _v16_lean_inserts(database: pw.Database, table: str, kept: tuple[str, ...]) -> None:
    """Take out of `table`'s insert rows the values its records give back: each record's
    row as it is (or as its delete took it away), taken back through its later audit
    rows' befores, newest first, to the moment of the insert; where that state is the
    insert's values exactly (empty values count alike, as an insert left them out), the
    insert keeps only `kept` (or nothing); else it is left as it was. 5,000 records at a
    time, by id."""
    mark = database.param
    top = database.execute_sql(f'SELECT MAX("id") FROM "{table}"').fetchone()[0] or 0
    top = max(
        top,
        database.execute_sql(
            f'SELECT MAX("record_id") FROM "audit" WHERE "table" = {mark}', (table,)
        ).fetchone()[0]
        or 0,
    )
    for low in range(0, top + 1, 5000):
        cursor = database.execute_sql(
            f'SELECT * FROM "{table}" WHERE "id" BETWEEN {mark} AND {mark}', (low, low + 4999)
        )
        names = [_v16_field(d[0]) for d in cursor.description]
        rows = {}
        for values in cursor.fetchall():
            row = dict(zip(names, (_v16_value(v) for v in values)))
            rows[row["id"]] = {k: v for k, v in row.items() if k not in _NOT_AUDITED}
        history: dict[int, list[tuple]] = {}
        for row_id, record, before, after in database.execute_sql(
            f'SELECT "id", "record_id", "before", "after" FROM "audit" WHERE "table" = {mark} '
            f'AND "record_id" BETWEEN {mark} AND {mark} ORDER BY "id" DESC',
            (table, low, low + 4999),
        ).fetchall():
            history.setdefault(record, []).append((row_id, before, after))
        lean = []
        for record, entries in history.items():
            state: dict | None = rows.get(record)
            for row_id, before_text, after_text in entries:  # newest first
                before = json.loads(before_text) if before_text is not None else None
                if before is None:  # an insert: the state now is the one it made
                    after = json.loads(after_text) if after_text else {}
                    if state is not None and _v16_same(state, after):
                        values = {k: after[k] for k in kept if k in after}
                        lean.append((_audit_json(values) if values else None, row_id))
                    state = None  # the record was not there before it
                elif "id" in before:  # a delete: the row it took away
                    state = {k: v for k, v in before.items() if k not in _NOT_AUDITED}
                elif state is not None:  # an update: its columns as they were
                    state = {**state, **{k: v for k, v in before.items() if k != "version"}}
        if lean:
            database.cursor().executemany(
                f'UPDATE "audit" SET "after" = {mark} WHERE "id" = {mark}', lean
            )


def _v16_updates_placed(database: pw.Database) -> None:
    """An update of a row of _LEAN_INSERTS' tables no longer names in its after the
    household the row is in (it did since v12 when the update left it): that is its
    place. Taken out where it is the place and not a column the update changed."""
    mark, last = database.param, 0
    tables = ", ".join(f"'{t}'" for t in _LEAN_INSERTS)
    while True:
        rows = database.execute_sql(
            f'SELECT "id", "place", "before", "after" FROM "audit" WHERE "id" > {mark} AND '
            f'"table" IN ({tables}) AND "before" IS NOT NULL AND "after" IS NOT NULL '
            f'ORDER BY "id" LIMIT {mark}',
            (last, _AUDIT_CHUNK),
        ).fetchall()
        if not rows:
            return
        last = rows[-1][0]
        changed = []
        for row_id, place, before_text, after_text in rows:
            before, after = json.loads(before_text), json.loads(after_text)
            if not isinstance(before, dict) or not isinstance(after, dict):
                continue
            if place is not None and after.get("household") == place and "household" not in before:
                del after["household"]
                changed.append((_audit_json(after), row_id))
        if changed:
            database.cursor().executemany(
                f'UPDATE "audit" SET "after" = {mark} WHERE "id" = {mark}', changed
            )


def _v16_field(column: str) -> str:
    """A column's name as an audit row names it: a link by its field (household_id:
    household)."""
    return column[: -len("_id")] if column.endswith("_id") else column


def _v16_value(value: object) -> object:
    """A column's value as an audit row's JSON holds it (a date as its ISO text)."""
    import datetime as dt

    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _v16_same(state: dict, inserted: dict) -> bool:
    """Whether a record's state is what its insert wrote, the version apart (an insert
    left out empty values: None and "" count alike)."""

    def empty(value: object) -> object:
        return "" if value is None else value

    keys = (state.keys() | inserted.keys()) - {"id", "version"}
    return all(empty(state.get(k)) == empty(inserted.get(k)) for k in keys)


def _v17_no_status_index(database: pw.Database) -> None:
    """v17: no index on a visit's status. Three values, most rows 'open': with no table
    statistics (a ledger new or just built, before any ANALYZE), SQLite chose it over a
    person's own index for "this person's open visits", reading every open visit of the
    ledger on each event saved (a 1,000,000-person demo stalled on it)."""
    database.execute_sql('DROP INDEX IF EXISTS "follow_up_status"')


# MIGRATIONS[v] brings a database from version v to v + 1.
# Version 1 was the first release's tables (tests/data/schema_v1.sql).
MIGRATIONS: dict[int, Callable[[pw.Database], None]] = {
    1: _v2_search_keys,
    2: _v3_household_search,
    3: _v4_followup_steps,
    4: _v5_household_order,
    5: _v6_close_figures,
    6: _v7_audit_time,
    7: _v8_frozen_returns,
    8: _v9_names_as_said,
    9: _v10_versions,
    10: _v11_acknowledgements,
    11: _v12_audit_changes,
    12: _v13_village_indexes,
    13: _v14_search_index,
    14: _v15_findings,
    15: _v16_smaller_audit,
    16: _v17_no_status_index,
}
LATEST = 1 + len(MIGRATIONS)


def migrate(database: pw.Database) -> int:
    """Bring the schema to LATEST; return the version it was at."""
    version = get_version(database)
    if version > LATEST:
        raise DatabaseError(
            f"this database has schema version {version}, newer than this fptui "
            f"understands ({LATEST}); install a newer fptui"
        )
    if version == 0:
        if database.get_tables():
            raise DatabaseError("this file is not an fptui ledger (it has other tables)")
        with database.atomic():
            _search_key_layout(database)
            database.create_tables(models.MODELS)
            _v5_household_order(database)  # an expression index the models cannot declare
            _audit_log_view(database)
            _set_version(database, LATEST)
        return 0
    sqlite = isinstance(database, pw.SqliteDatabase)
    if sqlite and version < LATEST:
        # SQLite rebuilds a table to change a column; its documented procedure turns
        # foreign keys off around the rebuild and checks them before committing.
        database.execute_sql("PRAGMA foreign_keys = OFF")
    try:
        for step in range(version, LATEST):
            with database.atomic():
                MIGRATIONS[step](database)
                if sqlite and database.execute_sql("PRAGMA foreign_key_check").fetchone():
                    raise DatabaseError(f"migration to version {step + 1} broke a link")
                _set_version(database, step + 1)
    finally:
        if sqlite:
            database.execute_sql("PRAGMA foreign_keys = ON")
    return version
