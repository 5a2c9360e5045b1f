"""What fptui does with an error nobody expected: one line for the cadre, a report for
the maintainer, never a traceback, never a value.

A traceback shows the ledger's data: Textual's prints the local variables of every frame
(a person's name and full ID number, many times over) and an exception's message can
quote them too. So this module keeps only what cannot hold data: the exception types of
the chain, and for each frame its file name, line number and function name; for the few
database failures whose wording is fixed and known (SQLite's "database is locked",
"database or disk is full", a PostgreSQL server gone), a fixed category. The message text
of an exception is read to recognise those, never written anywhere.

The screens (`fptui.tui`) and the command line (`fptui.cli`) both call `fail()`. It is a
small helper that imports no layer of fptui (only the version and the clock), and its
words are its own rather than `tui/text.py`'s: it must still speak when the interface
modules themselves are what failed to import.
"""

from __future__ import annotations

import contextlib
import errno
import os
import platform
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from fptui import __version__, clock

# The exit status of a run that ended on a failure (2 is a refused command line, 1 a
# finding such as a logic error).
EXIT_STATUS = 3

# --- what a failure is ----------------------------------------------------------------

# A database failure is recognised by its exception's class name (sqlite3's, peewee's
# and psycopg2's share them) and by fixed wording; the wording is compared, never kept.
_DATABASE_ERRORS = {"OperationalError", "InterfaceError", "DatabaseError"}
_SQLITE = {
    "database is locked": "locked",
    "database table is locked": "locked",
    "database or disk is full": "disk_full",
    "disk i/o error": "io_error",
    "unable to open database file": "io_error",
    "attempt to write a readonly database": "readonly",
    "database disk image is malformed": "corrupt",
    "file is not a database": "corrupt",
}
# libpq's and psycopg2's words when the server is down, restarting or out of reach.
_SERVER_GONE = (
    "server closed the connection",
    "could not connect to server",
    "connection to server at",
    "connection refused",
    "connection already closed",
    "no connection to the server",
    "terminating connection",
    "could not receive data from server",
    "could not send data to server",
    "ssl connection has been closed",
    "the database system is shutting down",
    "the database system is starting up",
    "the database system is in recovery mode",
    "timeout expired",
)
_ERRNO = {
    errno.ENOSPC: "disk_full",
    errno.EDQUOT: "disk_full",
    errno.EFBIG: "disk_full",
    errno.EIO: "io_error",
    errno.EROFS: "readonly",
}


def _category_of(type_names: tuple[str, ...], text: str, number: int | None = None) -> str | None:
    """The known category of one exception, from its class names and its wording."""
    if number in _ERRNO:
        return _ERRNO[number]
    if "DiskFull" in type_names:  # fptui.db's: a save refused on a full disk
        return "disk_full"
    if not _DATABASE_ERRORS.intersection(type_names):
        return None
    text = " ".join(text.lower().split())
    for words, category in _SQLITE.items():
        if text == words or text.startswith(words):
            return category
    if any(words in text for words in _SERVER_GONE):
        return "server_gone"
    return None


def _causes(error: BaseException) -> list[BaseException]:
    """The exception and what it was raised from or during, outermost first."""
    out: list[BaseException] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        out.append(current)
        inner = getattr(current, "error", None)  # Textual's WorkerFailed wraps the real one
        if isinstance(inner, BaseException) and type(current).__name__ == "WorkerFailed":
            current = inner
            continue
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    return out


def _text(error: BaseException) -> str:
    """An exception's wording, for recognising it only; an OSError's names a file: unread."""
    if isinstance(error, OSError):
        return ""
    try:
        return str(error)
    except Exception:
        return ""


def _category_of_error(error: BaseException) -> str | None:
    names = tuple(k.__name__ for k in type(error).__mro__)
    number = error.errno if isinstance(error, OSError) else None
    return _category_of(names, _text(error), number)


def category(error: BaseException) -> str | None:
    """The known failure behind `error` (`locked`, `disk_full`, `io_error`, `readonly`,
    `corrupt`, `server_gone`), or None when it is not one of them."""
    for e in _causes(error):
        found = _category_of_error(e)
        if found:
            return found
    return None


def kind(error: BaseException) -> str:
    """The exception's type name as the one line shows it (a worker's, not its wrapper)."""
    real = next((e for e in _causes(error) if type(e).__name__ != "WorkerFailed"), error)
    return type(real).__name__


# --- the report -----------------------------------------------------------------------


@dataclass(frozen=True)
class Frame:
    file: str
    line: int
    function: str


@dataclass(frozen=True)
class Raised:
    """One exception of a chain as the report keeps it: no message, no values."""

    type: str
    category: str | None
    frames: tuple[Frame, ...]


def short_file(path: str) -> str:
    """A source file as the report names it: from the package on (`fptui/ledger/rows.py`,
    `textual/app.py`), the standard library's by its name: no home folder, no user name."""
    parts = Path(path).parts
    for marker in ("site-packages", "dist-packages"):
        if marker in parts:
            return "/".join(parts[len(parts) - parts[::-1].index(marker) :])
    here = Path(__file__).resolve().parent
    with contextlib.suppress(ValueError):
        return "fptui/" + Path(path).resolve().relative_to(here).as_posix()
    return Path(path).name


def frames_of(tb: TracebackType | None) -> tuple[Frame, ...]:
    """File, line and function of each frame, outermost first; locals are never read."""
    return tuple(
        Frame(short_file(frame.f_code.co_filename), line, frame.f_code.co_name)
        for frame, line in traceback.walk_tb(tb)
    )


def chain(error: BaseException) -> list[Raised]:
    """The exception and its causes as the report keeps them."""
    return [
        Raised(
            f"{type(e).__module__}.{type(e).__qualname__}".removeprefix("builtins."),
            _category_of_error(e),
            frames_of(e.__traceback__),
        )
        for e in _causes(error)
    ]


def report_text(raised: list[Raised], where: str) -> str:
    """The report: what ran, when, and the stack of each exception of the chain."""
    lines = [
        "fptui error report",
        "(exception types and the places in the code only: no data, no messages)",
        f"fptui: {__version__}",
        f"time: {clock.now().isoformat(timespec='seconds')}",
        f"python: {platform.python_version()} ({sys.platform})",
        f"where: {where}",
    ]
    for n, r in enumerate(raised):
        lines.append("")
        head = "error" if n == 0 else "raised while handling / from"
        known = f" [{r.category}]" if r.category else ""
        lines.append(f"{head}: {r.type}{known}")
        lines.extend(f"  {f.file}:{f.line} in {f.function}" for f in r.frames)
    return "\n".join(lines) + "\n"


def data_folder() -> Path:
    """The per-user data folder (`~/.local/share/fptui` on Linux)."""
    from platformdirs import user_data_path

    return user_data_path("fptui", appauthor=False)


def report_folders(ledger: str | None) -> list[Path]:
    """Where a report may go, best first: beside an SQLite ledger, else (a server's
    ledger, or that folder cannot be written) the per-user data folder."""
    folders = []
    if ledger and "://" not in ledger and ledger != ":memory:":
        folders.append(Path(ledger).parent)
    folders.append(data_folder())
    return folders


def _write_new(folder: Path, stem: str, text: bytes) -> Path:
    """Create `stem.txt` (or `stem-1.txt`, ...) in `folder`, owner-only, and fill it."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    for n in range(100):
        path = folder / f"{stem}{f'-{n}' if n else ''}.txt"
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            continue
        try:
            os.fchmod(fd, 0o600)
            os.write(fd, text)
            os.fsync(fd)
        except OSError:
            os.close(fd)
            with contextlib.suppress(OSError):
                path.unlink()  # the part written before the disk filled
            raise
        os.close(fd)
        return path
    raise FileExistsError(folder / stem)


def write_report(raised: list[Raised], *, ledger: str | None, where: str) -> Path | None:
    """Write the report, owner-only (0600), beside the ledger; None when no folder took it
    (a full disk)."""
    text = report_text(raised, where).encode()
    stem = f"fptui-error-{clock.now():%Y%m%d-%H%M%S}-{os.getpid()}"
    for folder in report_folders(ledger):
        try:
            return _write_new(folder, stem, text)
        except OSError:
            continue
    return None


# --- the message ----------------------------------------------------------------------

WORDS: dict[str, tuple[str, str]] = {
    "unexpected": (
        "出错了（{kind}）：已写入错误报告 {report}；请联系维护人员。",
        "Something went wrong ({kind}): an error report was written to {report}; "
        "please contact your maintainer.",
    ),
    "unexpected_no_report": (
        "出错了（{kind}）：错误报告未能写入；请联系维护人员。",
        "Something went wrong ({kind}): the error report could not be written; "
        "please contact your maintainer.",
    ),
    "locked": (
        "台帐正忙（另一个程序正在写入）：请稍后再试。",
        "The ledger is busy (another program is writing to it): try again in a moment.",
    ),
    "disk_full": (
        "磁盘已满：请腾出磁盘空间后再试。",
        "The disk is full: free some space, then try again.",
    ),
    "io_error": (
        "读写台帐文件出错：请检查磁盘或U盘是否连接正常，然后重新打开 fptui。",
        "The ledger file could not be read or written: check the disk (or USB drive), "
        "then open fptui again.",
    ),
    "readonly": (
        "台帐文件不能写入（只读）：请检查文件和文件夹的权限。",
        "The ledger file cannot be written (read-only): check the file's and folder's "
        "permissions.",
    ),
    "corrupt": (
        "台帐文件已损坏：请联系维护人员，用 fptui restore 从备份恢复。",
        "The ledger file is damaged: contact your maintainer to restore it from a backup "
        "(fptui restore).",
    ),
    "server_gone": (
        "无法连接数据库服务器：请检查网络，或请乡镇管理员检查服务器。",
        "Cannot reach the database server: check the network, or ask the township's "
        "administrator to check the server.",
    ),
    "nothing_lost": ("已保存的内容不会丢失。", "Nothing saved is lost."),
    "report": ("错误报告：{report}", "Error report: {report}"),
    "drafts": (
        "未保存的表单已留作草稿，下次打开时恢复。",
        "Unsaved forms were kept as drafts and come back when opened again.",
    ),
}


def words(key: str, lang: str, **params: object) -> str:
    zh, en = WORDS[key]
    return (en if lang == "en" else zh).format(**params)


def message(
    category: str | None,
    *,
    kind: str = "",
    report: Path | None = None,
    lang: str = "zh",
    drafts: int = 0,
    ending: bool = True,
) -> str:
    """One line: what happened, and what to do. `ending`: the program stops with it (a
    failure met while saving a form is shown in the form instead, which stays open)."""
    sep = " " if lang == "en" else ""
    if category is None:
        key = "unexpected" if report is not None else "unexpected_no_report"
        parts = [words(key, lang, kind=kind, report=report)]
    else:
        parts = [words(category, lang)]
        if category not in ("corrupt", "io_error"):
            parts.append(words("nothing_lost", lang))
        if ending and report is not None:
            parts.append(words("report", lang, report=report))
    if drafts:
        parts.append(words("drafts", lang))
    return sep.join(parts)


def fail(
    error: BaseException, *, ledger: str | None, where: str, lang: str = "zh", drafts: int = 0
) -> str:
    """Record an error that ends the program: the report written (best effort), the one
    line to show returned. Never raises."""
    try:
        report = write_report(chain(error), ledger=ledger, where=where)
        return message(category(error), kind=kind(error), report=report, lang=lang, drafts=drafts)
    except Exception:  # the last resort must not fail in turn
        return "出错了 / something went wrong"


def ledger_of(database: object) -> str | None:
    """Where the ledger a peewee database is bound to lives, as a string: an SQLite
    file's absolute path, a server's `postgresql://host:port/name` (never its user or
    password); None when none is open."""
    import peewee as pw

    name = getattr(database, "database", None)
    if not isinstance(database, pw.Database) or not isinstance(name, str) or not name:
        return None
    if isinstance(database, pw.SqliteDatabase):
        return name if name == ":memory:" else os.path.realpath(name)
    params = database.connect_params or {}
    port = params.get("port")
    server = f"{params.get('host') or 'localhost'}{f':{port}' if port else ''}"
    scheme = "mysql" if isinstance(database, pw.MySQLDatabase) else "postgresql"
    return f"{scheme}://{server}/{name}"
