"""The `fptui` command: opens the ledger, or runs one job without the screen.

fptui [--db PATH]                     open the ledger (the per-user one by default)
fptui demo [--seed N] [--persons N] [--db PATH] [--no-open]
                                      build the demo township, then open it
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from fptui import __version__


def _demo_path() -> Path:
    from fptui.db import default_path

    return default_path().with_name("demo.db")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fptui", description="Village population and family-services ledger."
    )
    parser.add_argument("--version", action="version", version=f"fptui {__version__}")
    parser.add_argument("--db", help="database file or URL (default: the per-user ledger)")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="interface language")
    sub = parser.add_subparsers(dest="command")
    demo = sub.add_parser("demo", help="build a synthetic township and open it")
    demo.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    demo.add_argument("--persons", type=int, default=5000, help="about how many people")
    demo.add_argument("--db", dest="demo_db", help="where to write it (default: demo.db)")
    demo.add_argument("--no-open", action="store_true", help="only write the database")
    return parser


def _open_app(database: str, lang: str) -> int:
    from fptui.db import DatabaseError, open_database

    try:
        open_database(database)
    except DatabaseError as exc:
        print(f"fptui: {exc}", file=sys.stderr)
        return 2
    from fptui.tui import app

    return app.run(database, lang=lang)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "demo":
        from fptui import demo

        if args.persons < 50:
            print("fptui demo: --persons must be at least 50", file=sys.stderr)
            return 2
        path = Path(args.demo_db or args.db or _demo_path())
        summary = demo.build(path, persons=args.persons, seed=args.seed)
        print("\n".join(summary.lines()))
        if args.no_open:
            return 0
        return _open_app(str(path), args.lang)
    from fptui.db import default_path

    return _open_app(os.fspath(args.db or default_path()), args.lang)


if __name__ == "__main__":
    sys.exit(main())
