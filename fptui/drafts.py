"""Drafts: a form's typed values kept when fptui ends before they were saved.

A cadre over SSH loses the connection, or fptui meets an error, with half a birth
registration typed: those values are written here (by the screens, at that moment) and
offered back the next time the same form is opened for the same record. A draft is keyed
by the ledger (its file, or its server and database) and the form's key, which names the
form's kind and its record (`person:12`, `event:birth:person:None:household:3`); it is
deleted once the form is saved or its changes discarded.

Drafts hold what was typed (names, ID numbers), so each is a file readable by its owner
alone (0600) in the per-user data folder (`~/.local/share/fptui/drafts` on Linux), never
beside a ledger that other accounts may reach; the file's name is a hash of the key, so
the folder's listing tells nothing. A small helper: it imports no layer of fptui.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path

from fptui import clock

VERSION = 1


def folder() -> Path:
    """The drafts folder in the per-user data folder."""
    from platformdirs import user_data_path

    return user_data_path("fptui", appauthor=False) / "drafts"


def path(ledger: str, key: str) -> Path:
    """The file of the draft of form `key` on `ledger`."""
    digest = hashlib.sha256(f"{ledger}\n{key}".encode()).hexdigest()[:32]
    return folder() / f"{digest}.json"


def keep(ledger: str, key: str, values: dict[str, str]) -> Path:
    """Write (or replace) a draft, owner-only, whole or not at all (a temporary file
    synced, then renamed over the old one)."""
    target = path(ledger, key)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    body = json.dumps(
        {
            "fptui_draft": VERSION,
            "ledger": ledger,
            "form": key,
            "written": clock.now().isoformat(timespec="seconds"),
            "values": values,
        },
        ensure_ascii=False,
        indent=1,
    ).encode()
    temporary = target.with_name(f".{target.stem}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, body)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    os.close(fd)
    os.replace(temporary, target)
    return target


def load(ledger: str, key: str) -> dict[str, str] | None:
    """The values of the draft of form `key` on `ledger`, or None (none, or unreadable)."""
    try:
        data = json.loads(path(ledger, key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("ledger") != ledger or data.get("form") != key:
        return None
    values = data.get("values")
    if not isinstance(values, dict):
        return None
    return {str(k): str(v) for k, v in values.items()}


def drop(ledger: str, key: str) -> None:
    """Delete the draft (saved, or its changes discarded); nothing if there is none."""
    with contextlib.suppress(FileNotFoundError):
        path(ledger, key).unlink()
