"""The `fptui` command: opens the ledger, or runs one job without the screen.

fptui [--db PATH] [--schemas DIR]     open the ledger (the per-user one by default)
fptui demo [--seed N] [--persons N] [--db PATH] [--no-open]
                                      build the demo township, then open it
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from fptui import __version__
from fptui.masking import mask

# The years a month may name: the ledger's dates of birth start in 1880 (domain.toml's
# birth.earliest_year); 2200 is far past any return.
MONTH_YEARS = (1880, 2200)


SETUP_EPILOG = """\
代码 / codes:
  村的12位统计代码 = 县（区）6位 + 乡镇（街道）3位 + 村（居）3位，
  如 140121 101 201。
  A village's 12-digit code is the county's 6 digits, the township's 3 and the
  village's 3, e.g. 140121 101 201.
  乡镇可填3位（101）或9位（140121101）；
  村可填3位（201）或12位（140121101201）。
  A township takes its 3 digits or all 9, a village its 3 or all 12.
  以下情况拒绝并说明原因：位数不对；前几位不是上级的代码；
  与同级已有的代码同号（已有001时填1）；同级重名。
  县和乡镇与已有的相同（代码和名称都相同）时，在该乡镇下增加村。
  Refused, with the reason: a wrong width; first digits not the parent's code;
  the same number as a code already there (1 next to 001); a name already there.
  With the county and township as they are, villages are added to that township.

例 / example:
  fptui setup --county 140121 清徐县 --township 101 东于镇 \\
      --village 201 王家庄村 --village 202 东营村 --groups 6
  fptui --lang en setup ...    英文提示 / messages in English
"""


class _ChineseHelp(argparse.RawTextHelpFormatter):
    """Help for the cadres' commands: "用法 / usage" and the text as written."""

    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        super().add_usage(usage, actions, groups, prefix or "用法 / usage: ")


def _demo_path() -> Path:
    from fptui.db import default_path

    return default_path().with_name("demo.db")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fptui", description="Village population and family-services ledger."
    )
    parser.add_argument("--version", action="version", version=f"fptui {__version__}")
    parser.add_argument("--db", help="database file or URL (default: the per-user ledger)")
    parser.add_argument(
        "--schemas",
        metavar="DIR",
        help="the township's own schema folder (default: $FPTUI_SCHEMAS, else the shipped one)",
    )
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="interface language")
    sub = parser.add_subparsers(dest="command")
    demo = sub.add_parser("demo", help="build a synthetic township and open it")
    demo.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    demo.add_argument("--persons", type=int, default=5000, help="about how many people")
    demo.add_argument("--db", dest="demo_db", help="where to write it (default: demo.db)")
    demo.add_argument("--no-open", action="store_true", help="only write the database")
    fu = sub.add_parser("followups", help="list open follow-ups (visits) by due date")
    fu.add_argument(
        "--due",
        choices=("overdue", "7d", "30d", "all"),
        default="overdue",
        help="overdue (default), due within 7 or 30 days, or all open ones",
    )
    fu.add_argument("--village", help="village code, name or number in the list")
    fu.add_argument("--group", help="group number within the village")
    fu.add_argument("--format", choices=("table", "json"), default="table")
    fu.add_argument("--sheet", metavar="PATH", help="also write the visit sheet (xlsx) here")
    fu.add_argument("--force", action="store_true", help="replace the sheet if PATH exists")
    chk = sub.add_parser(
        "check", help="the logic checks' findings, as kept; exit status 1 if any error"
    )
    chk.add_argument("--village", help="village code, name or number in the list")
    chk.add_argument("--format", choices=("table", "json"), default="table")
    chk.add_argument(
        "--full",
        action="store_true",
        help="run every check over the whole ledger and put the kept findings right",
    )
    ex = sub.add_parser("export", help="write the monthly return (xlsx)")
    ex.add_argument("--month", required=True, help="YYYY-MM")
    ex.add_argument("--village", help="village code, name or number (default: the township)")
    ex.add_argument("-o", "--output", help="file or folder (default: YYYY-MM_<unit>_月报.xlsx)")
    ex.add_argument("--force", action="store_true", help="replace the workbook if it exists")
    rp = sub.add_parser("report", help="print the monthly return's tables for scripts")
    rp.add_argument("--month", required=True, help="YYYY-MM")
    rp.add_argument("--village", help="village code, name or number (default: the township)")
    rp.add_argument("--format", choices=("json",), default="json")
    cl = sub.add_parser("close", help="close a month (refused if it does not balance)")
    cl.add_argument("--month", required=True, help="YYYY-MM")
    cl.add_argument("--village", help="village code, name or number (default: every village)")
    cl.add_argument(
        "--ack",
        action="append",
        default=[],
        metavar="CODE:ID",
        help="acknowledge a warning (as `fptui check --format json` names it); kept, "
        "with who and when, as the month end screen keeps it",
    )
    ro = sub.add_parser("reopen", help="reopen a closed month, with the reason")
    ro.add_argument("--month", required=True, help="YYYY-MM")
    ro.add_argument("--village", help="village code, name or number (default: every village)")
    ro.add_argument("--reason", required=True)
    bk = sub.add_parser("backup", help="copy the ledger safely (SQLite's online backup)")
    bk.add_argument("-o", "--output", help="file to write (default: backups/ beside it)")
    bk.add_argument(
        "--force", action="store_true", help="replace PATH if it exists (never a ledger)"
    )
    rs = sub.add_parser("restore", help="replace the ledger by a checked backup")
    rs.add_argument("path", help="the backup file")
    st = sub.add_parser(
        "setup",
        help="建立县、乡镇、村和村民小组 / add the county, township, villages and groups",
        description=(
            "建立县（区）、乡镇（街道）、村（居）和村民小组；\n"
            "再次运行，可在已有的乡镇下增加村。\n"
            "Add the county, township, villages and groups;\n"
            "run again to add villages to a township."
        ),
        epilog=SETUP_EPILOG,
        formatter_class=_ChineseHelp,
        add_help=False,
    )
    sta = st.add_argument_group("参数 / arguments")
    sta.add_argument("-h", "--help", action="help", help="显示本帮助 / show this help")
    sta.add_argument(
        "--county",
        nargs=2,
        metavar=("CODE", "NAME"),
        required=True,
        help="县（区）代码（6位）和名称\ncounty code (6 digits) and name",
    )
    sta.add_argument(
        "--township",
        nargs=2,
        metavar=("CODE", "NAME"),
        required=True,
        help="乡镇（街道）代码（3位，或县代码加3位共9位）和名称\n"
        "township code (3 digits, or 9: the county's 6 and\nits 3) and name",
    )
    sta.add_argument(
        "--village",
        nargs=2,
        metavar=("CODE", "NAME"),
        action="append",
        required=True,
        help="村（居）代码（3位，或完整的12位）和名称，可重复\n"
        "village code (3 digits, or all 12) and name;\nrepeat for each village",
    )
    sta.add_argument(
        "--groups",
        metavar="N",
        default="0",
        help="每村的村民小组数（0-99，默认0）\n"
        "groups (村民小组) in each village (0-99, default 0)",
    )
    sc = sub.add_parser("score", help="the score of a month (目标管理考核)")
    sc.add_argument("--month", required=True, help="YYYY-MM")
    sc.add_argument("--village", help="village code, name or number in the list")
    sc.add_argument(
        "--year-to-date",
        action="store_true",
        help="from the start of the statistical year to the end of the month",
    )
    sc.add_argument("--format", choices=("table", "json"), default="table")
    return parser


def _use_schemas(option: str | None) -> str | None:
    """Make a township's own schema folder (--schemas, else FPTUI_SCHEMAS) the one every
    command reads, checked whole first (forms and rules, the return's layouts and words):
    a mistake in it is one line before anything runs, not a traceback halfway through a
    job. The refusal, or None."""
    folder, named_by = option, "--schemas"
    if not folder:
        folder, named_by = os.environ.get("FPTUI_SCHEMAS", ""), "FPTUI_SCHEMAS"
    if not folder:
        return None  # the shipped folder
    from fptui import schema
    from fptui.reads import schemas
    from fptui.reports import layout
    from fptui.schema.loader import set_default_dir

    path = Path(folder).expanduser()
    if not path.is_dir():
        return f"fptui: 找不到规则文件夹 / schema folder not found ({named_by}): {folder}"
    try:
        loaded = schemas.load(path)  # check and figure names held against the code too
        layout.load(path)
        layout.words(path)
    except (OSError, ValueError) as exc:  # SchemaError, and a file that is not UTF-8
        reason = " ".join(str(exc).split())
        return f"fptui: 规则文件有误 / schema error ({named_by}): {reason}"
    set_default_dir(path)
    schema.use(loaded)
    return None


def _fail(command: str | None, message: object) -> int:
    """Say what to fix in one line on stderr (passwords masked); exit status 2."""
    prefix = f"fptui {command}" if command else "fptui"
    print(f"{prefix}: {mask(' '.join(str(message).split()))}", file=sys.stderr)
    return 2


def _output_problem(exc: BaseException, target: Path | str) -> str | None:
    """The one line for a file that could not be written (refused, the disk full, no
    permission), or None for an error that is not about the file."""
    from fptui import files

    if isinstance(exc, files.FileRefused):
        return str(exc)
    if files.disk_full(exc):
        return (
            f"磁盘已满，未写入（原有文件不变）/ the disk is full: {target} was not written "
            "(a file already there is as it was); free some space and try again"
        )
    while exc is not None and not isinstance(exc, OSError):
        exc = exc.__cause__ or exc.__context__  # xlsxwriter's FileCreateError wraps it
    if isinstance(exc, OSError):
        return f"cannot write {target}: {exc.strerror or exc}"
    return None


def _write_output(command: str, target: Path, write: Callable[[], object]) -> int | None:
    """Run `write`; a file problem is one line and exit status 2, else None."""
    try:
        write()
    except Exception as exc:
        problem = _output_problem(exc, target)
        if problem is None:
            raise
        return _fail(command, problem)
    return None


def _open_app(database: str, lang: str) -> int:
    from fptui.db import DatabaseError, open_database

    try:
        open_database(database)
    except DatabaseError as exc:
        return _fail(None, exc)
    from fptui.tui import app

    return app.run(database, lang=lang)


def _village(text: str | None) -> tuple[int | None, str]:
    """The village a --village value names: its 12-digit code, its name, or its number in
    the list (1, 2, … as `fptui check` and the pickers show them)."""
    from fptui.reads import queries

    if not text:
        return None, ""
    villages = queries.villages()
    for number, v in enumerate(villages, 1):
        if text in (v.code, v.name, str(number)):
            return v.id, v.name
    raise SystemExit(
        f"fptui: no village {text!r}; villages: "
        + ", ".join(f"{v.code} {v.name}" for v in queries.villages())
    )


def _followups(args: argparse.Namespace) -> int:
    import json

    from fptui import files
    from fptui.reads import followups, queries

    if args.sheet:
        try:  # before the list is printed: a refusal is the only line
            files.check_output(args.sheet, force=args.force)
        except files.FileRefused as exc:
            return _fail("followups", exc)
    village, unit = _village(args.village)
    group = None
    if args.group:
        groups = {g.code: g for g in queries.groups(village)}
        if village is None or args.group not in groups:
            print(
                f"fptui: no group {args.group!r} in that village (give --village too)",
                file=sys.stderr,
            )
            return 2
        group = groups[args.group].id
        unit = f"{unit} {groups[args.group].name}"
    rows = followups.open_list(args.due, village=village, group=group)
    if args.format == "json":
        print(
            json.dumps(
                [
                    {
                        "id": r.id,
                        "household": r.household,
                        "village": r.village,
                        "group": r.group,
                        "person": r.person,
                        "kind": r.kind,
                        "title": followups.title(r.kind, args.lang),
                        "due_on": r.due_on.isoformat(),
                        "days_overdue": r.days_overdue,
                    }
                    for r in rows
                ],
                ensure_ascii=False,
                indent=1,
            )
        )
    else:
        from fptui.cells import fit

        for r in rows:
            place = f"{r.village} {r.group}".strip()
            print(
                f"{r.due_on}  {fit(str(r.days_overdue or ''), 4)} {fit(r.household, 6)} "
                f"{fit(place, 14)} {fit(r.person, 8)} {followups.title(r.kind, args.lang)}"
            )
        print(f"{len(rows)}")
    if args.sheet:
        from fptui.reports import visit_sheet

        # every village's visits: the sheet is the township's, as the return is
        failed = _write_output(
            "followups",
            Path(args.sheet),
            lambda: visit_sheet.write(args.sheet, rows, unit=_unit(village, unit), lang=args.lang),
        )
        if failed is not None:
            return failed
        print(f"visit sheet: {args.sheet}", file=sys.stderr)
    return 0


def _check(args: argparse.Namespace) -> int:
    import json

    from fptui.reads import checks

    village, _ = _village(args.village)
    if args.full:
        from fptui import ledger

        added, removed = ledger.check_full()
        print(
            f"全面核查：新增 {added} 条，删除 {removed} 条 / full check: "
            f"{added} added, {removed} removed",
            file=sys.stderr,
        )
    findings = checks.kept(village)
    if args.format == "json":
        print(
            json.dumps(
                [
                    {
                        "code": f.code,
                        "severity": f.severity,
                        "message": f.text(args.lang),
                        "household": f.household,
                        "person": f.person,
                        "event": f.event,
                    }
                    for f in findings
                ],
                ensure_ascii=False,
                indent=1,
            )
        )
    else:
        for f in findings:
            print(f"{f.severity:<7} {f.code:<24} {f.text(args.lang)}")
        errors = sum(f.severity == "error" for f in findings)
        print(f"{errors} errors, {len(findings) - errors} warnings")
    return 1 if any(f.severity == "error" for f in findings) else 0


def _setup(args: argparse.Namespace) -> int:
    """Areas already there (same code and name) are used, not doubled: run again with a
    new --village to add it to the township."""
    from fptui import ledger
    from fptui.schema.validate import InvalidInput

    try:
        done = ledger.set_up(args.county, args.township, args.village, args.groups)
    except InvalidInput as exc:
        print(f"fptui setup: {exc.text(args.lang)}", file=sys.stderr)
        return 2
    for village in done.villages:
        print(f"{village.code} {village.name}")
    return 0


def _month(text: str) -> bool:
    """A month as YYYY-MM, its year 1880..2200; else say so in one line."""
    import re

    low, high = MONTH_YEARS
    if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text) and low <= int(text[:4]) <= high:
        return True
    _fail(
        None,
        f"--month must be YYYY-MM (a year {low}..{high}, a month 01..12), got {text!r}",
    )
    return False


def _unit(village: int | None, name: str) -> str:
    from fptui.models import Area

    if village is not None:
        return name
    township = Area.get_or_none(Area.kind == "township")
    return township.name if township else "全部"


def _export(args: argparse.Namespace) -> int:
    from fptui import files
    from fptui.ledger import current_user
    from fptui.reports import xlsx

    if not _month(args.month):
        return 2
    from fptui import clock

    if args.month > f"{clock.today():%Y-%m}":
        return _fail(
            "export",
            f"{args.month} has not begun (today is {clock.today()}); "
            "a return is of this month or an earlier one",
        )
    village, name = _village(args.village)
    unit = _unit(village, name)
    target = Path(args.output) if args.output else Path.cwd()
    if target.is_dir():
        target = target / xlsx.file_name(args.month, unit)
    try:
        files.check_output(target, force=args.force)
    except files.FileRefused as exc:
        return _fail("export", exc)
    failed = _write_output(
        "export",
        target,
        lambda: xlsx.write(
            target,
            args.month,
            unit=unit,
            village=village,
            lang=args.lang,
            prepared_by=current_user(),
        ),
    )
    if failed is not None:
        return failed
    print(target)
    return 0


def _report(args: argparse.Namespace) -> int:
    import json

    from fptui.reads import returns
    from fptui.reports import layout
    from fptui.schema import Text

    if not _month(args.month):
        return 2
    village, name = _village(args.village)
    kept = returns.frozen(args.month, village)

    def plain(value: object) -> object:
        """JSON as `returns.plain` keeps a row, each text in the language asked for."""
        if isinstance(value, dict):
            if value.keys() == {"$text"}:
                return Text(*value["$text"])(args.lang)
            if value.keys() == {"$date"}:
                return value["$date"]
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    out = {
        "month": args.month,
        "unit": _unit(village, name),
        "closed": kept is not None,
        "sheets": [
            {
                "key": lay.key,
                "title": lay.title(args.lang),
                "table": lay.table,
                "rows": plain(returns.plain(returns.rows(lay.table, args.month, village, kept))),
            }
            for lay in layout.load()
        ],
    }
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


def _villages_for(args: argparse.Namespace) -> list[tuple[int, str]]:
    from fptui.reads import queries

    village, name = _village(args.village)
    if village is not None:
        return [(village, name)]
    return [(v.id, v.name) for v in queries.villages()]


def _each_village(args: argparse.Namespace, action: str, change: object) -> int:
    """Run a month change for each chosen village; report each; 1 if any was refused."""
    from fptui.schema.validate import InvalidInput

    if not _month(args.month):
        return 2
    status = 0
    for village, name in _villages_for(args):
        try:
            change(village)  # type: ignore[operator]
            print(f"{name} {args.month}{_said(action, args.lang)}")
        except InvalidInput as exc:
            print(f"{name} {exc.text(args.lang)}", file=sys.stderr)
            status = 1
    return status


# What `fptui close` and `fptui reopen` say of each village's month, in --lang.
_OUTCOMES = {"closed": ("：已结账", ": closed"), "reopened": ("：已重开", ": reopened")}


def _said(outcome: str, lang: str) -> str:
    zh, en = _OUTCOMES[outcome]
    return en if lang == "en" else zh


def _close(args: argparse.Namespace) -> int:
    """Close the month in each chosen village: one check run and one backup for all."""
    from fptui import ledger

    if not _month(args.month):
        return 2
    import sqlite3

    from fptui.backup import BackupError

    names = dict(_villages_for(args))
    status = 0
    try:
        results = ledger.close_months(list(names), args.month, frozenset(args.ack))
    except (OSError, sqlite3.Error, BackupError) as exc:  # the backup failed: nothing closed
        failed = "备份失败，未结账" if args.lang == "zh" else "backup failed, nothing closed"
        print(f"fptui close: {failed}: {exc}", file=sys.stderr)
        return 1
    for village, result in results:
        if isinstance(result, Exception):
            print(f"{names[village]} {result.text(args.lang)}", file=sys.stderr)
            if result.errors[0].rule == "not_balanced":
                _print_where(village, args.month, args.lang)
            status = 1
        else:
            print(f"{names[village]} {args.month}{_said('closed', args.lang)}")
    return status


def _print_where(village: int, month: str, lang: str) -> None:
    """Who is behind a difference: those the status check names, those added by hand."""
    from fptui.models import Person
    from fptui.reads import period

    b = period.balance(village, month)
    for finding in b.persons:
        print(f"  {finding.text(lang)}", file=sys.stderr)
    for pid in b.added:
        person = Person.get_by_id(pid)
        added = "added without an event" if lang == "en" else "无事件补登"
        print(f"  {person.name} ({person.household.number}): {added}", file=sys.stderr)


def _reopen(args: argparse.Namespace) -> int:
    from fptui import ledger

    return _each_village(
        args, "reopened", lambda v: ledger.reopen_month(v, args.month, args.reason)
    )


def _score(args: argparse.Namespace) -> int:
    import json

    from fptui.reads import score

    if not _month(args.month):
        return 2
    village, unit = _village(args.village)
    result = score.score_month(args.month, village, year_to_date=args.year_to_date)
    period = result.period
    if args.format == "json":
        print(
            json.dumps(
                {
                    "month": args.month,
                    "period": period.key,
                    "unit": unit or None,
                    "total": round(result.total, 2),
                    "failed": result.failed,
                    "indicators": [
                        {
                            "key": i.key,
                            "title": i.title(args.lang),
                            "figure": i.shown_figure(),
                            "target": i.target,
                            "points": i.points,
                            "lost": round(i.lost, 2),
                            "cases": len(i.figure.cases),
                        }
                        for i in result.indicators
                    ],
                },
                ensure_ascii=False,
                indent=1,
            )
        )
        return 0
    from fptui.cells import fit

    for i in result.indicators:
        target = "" if i.target is None else f"{i.target:g}"
        print(
            f"{fit(i.title(args.lang), 30)} {i.shown_figure():>8} {target:>5} "
            f"{i.points:>5g} {(-i.lost or 0.0):>7.2f}"
        )
    state = " (一票否决)" if result.failed else ""
    print(f"{fit('合计' if args.lang == 'zh' else 'Total', 30)} {result.total:.2f}/100{state}")
    return 0


def _missing_folder(url: str | None, option: str) -> str | None:
    """A --db file in a folder that does not exist: a mistyped path, never a new ledger
    made there (nor the folders to hold it)."""
    from fptui.db import sqlite_path

    path = sqlite_path(url) if url else None
    if path is None or str(path) == ":memory:" or path.parent.is_dir():
        return None
    return (
        f"找不到文件夹 / folder not found for {option}: {path.parent} "
        "(check the path, or make the folder first)"
    )


def _demo(args: argparse.Namespace) -> int:
    from fptui import demo
    from fptui.db import DatabaseError, sqlite_path

    if args.persons < 50:
        return _fail("demo", "--persons must be at least 50")
    named = args.demo_db or args.db
    path = sqlite_path(named) if named else _demo_path()
    if path is None:  # the demo replaces its file: never a shared server's database
        return _fail("demo", "the demo is an SQLite file; give a file path")
    if not named:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        summary = demo.build(path, persons=args.persons, seed=args.seed)
    except (demo.DemoRefused, DatabaseError) as exc:
        return _fail("demo", exc)
    print("\n".join(summary.lines()))
    if args.no_open:
        return 0
    return _open_app(str(path), args.lang)


def _backup(args: argparse.Namespace, database: str) -> int:
    """`backup` and `restore`: SQLite files only (a server's ledger: pg_dump)."""
    from fptui import backup, db, ledger

    path = db.sqlite_path(database)
    if path is None:
        return _fail(
            args.command,
            f"{database} is a database server's: backups and restores are for SQLite "
            "ledger files; back it up on its server (pg_dump)",
        )
    if args.command == "backup":
        target = args.output
        try:
            written = backup.backup(path, target, force=args.force)
        except backup.BackupError as exc:
            return _fail("backup", exc)
        except Exception as exc:  # the disk full, no permission
            problem = _output_problem(exc, target or backup.backups_dir(path))
            if problem is None:
                raise
            return _fail("backup", problem)
        print(written)
        return 0
    source = Path(args.path)

    def migrate(copy: Path) -> None:
        try:
            db.open_database(copy)
        finally:
            db.close_database()

    def record(copy: Path, replaced: int, safety: Path | None) -> None:
        db.open_database(copy)
        try:
            ledger.record_restore(str(source.resolve()), replaced, safety and str(safety))
        finally:
            db.close_database()

    try:
        done = backup.restore(source, path, newest=db.LATEST, migrate=migrate, record=record)
    except (backup.BackupError, db.DatabaseError) as exc:
        return _fail("restore", exc)
    except Exception as exc:  # the disk full, no permission
        problem = _output_problem(exc, path)
        if problem is None:
            raise
        return _fail("restore", problem)
    print(
        f"restored {source} into {path} (the ledger before: {done.safety or 'none'}; "
        f"{done.replaced_rows} audit rows of it were past the backup)"
    )
    return 0


def _main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    refusal = _use_schemas(args.schemas)
    if refusal:
        print(refusal, file=sys.stderr)
        return 2
    for url, option in ((args.db, "--db"), (getattr(args, "demo_db", None), "demo --db")):
        missing = _missing_folder(url, option)
        if missing:
            return _fail(None, missing)
    if args.command == "demo":
        return _demo(args)
    from fptui.db import DatabaseError, default_path, open_database

    database = os.fspath(args.db or default_path())
    if args.command is None:
        return _open_app(database, args.lang)
    if args.command in ("backup", "restore"):
        return _backup(args, database)
    try:
        open_database(database)
    except DatabaseError as exc:
        return _fail(None, exc)
    jobs = {
        "followups": _followups,
        "check": _check,
        "score": _score,
        "setup": _setup,
        "export": _export,
        "report": _report,
        "close": _close,
        "reopen": _reopen,
    }
    try:
        return jobs[args.command](args)
    except DatabaseError as exc:  # a save refused as the disk is full, above all
        return _fail(args.command, exc)


def main(argv: list[str] | None = None) -> int:
    """The `fptui` command; whatever it did not expect ends in one line, an error report
    without values (`fptui.crash`) and exit status 3: never a traceback."""
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print("fptui: 已中断 / interrupted", file=sys.stderr)
        return 130
    except Exception as error:
        from fptui import crash

        line = crash.fail(error, ledger=_ledger_in_use(), where="command line", lang=_lang(argv))
        print(f"fptui: {line}", file=sys.stderr)
        return crash.EXIT_STATUS


def _lang(argv: list[str] | None) -> str:
    """--lang, read without the parser (which may be what failed)."""
    args = list(sys.argv[1:] if argv is None else argv)
    pairs = zip(args, [*args[1:], ""])
    return "en" if "--lang=en" in args or ("--lang", "en") in pairs else "zh"


def _ledger_in_use() -> str | None:
    """The ledger opened before the failure, if any: its report goes beside it."""
    try:
        from fptui import crash, models

        return crash.ledger_of(models.database.obj)
    except Exception:
        return None


if __name__ == "__main__":
    sys.exit(main())
