"""`schv query`: one read-only SQL statement."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from config import Settings
from schv.arguments import setting
from schv.output import EXIT_OK, EXIT_USAGE, FORMATS, CommandError, write_rows

ORDER = 20


def _read_sql(args: argparse.Namespace) -> str:
    if args.file:
        try:
            return Path(args.file).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot read {args.file}: {exc.strerror}", EXIT_USAGE) from None
    if args.sql is None or args.sql == "-":
        if sys.stdin is None or sys.stdin.isatty():
            raise CommandError("no SQL given: pass it as an argument, --file, or stdin", EXIT_USAGE)
        return sys.stdin.read()
    return args.sql


def run(args: argparse.Namespace, settings: Settings) -> int:
    from storage import QueryError, readonly_query

    sql = _read_sql(args)
    timeout = args.timeout if args.timeout is not None else settings.query.timeout
    try:
        result = readonly_query(settings.database.url, sql, timeout=timeout)
    except QueryError as exc:
        raise CommandError(f"query failed: {exc}") from None
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as out:
            write_rows(args.format, result.columns, result.rows, out)
    else:
        write_rows(args.format, result.columns, result.rows, sys.stdout)
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    query = sub.add_parser("query", help="run read-only SQL against the database",
                           description="Run one read-only SQL statement. Writes are refused.")
    query.add_argument("sql", nargs="?", help="the SQL ('-' or nothing: read stdin)")
    query.add_argument("--file", "-f", metavar="PATH", help="read the SQL from a file")
    query.add_argument("--format", choices=FORMATS, default="table")
    query.add_argument("--output", "-o", metavar="FILE", help="write to FILE, not stdout")
    query.add_argument("--timeout", type=setting("query.timeout"), metavar="SECONDS",
                       help="stop the query after this long (default from config)")
    query.set_defaults(func=run)
