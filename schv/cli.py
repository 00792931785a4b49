"""The `schv` command."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from config import SPECS, ConfigError, Settings, load_settings
from schv import __version__

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
_SESSION_YEAR = re.compile(r"^(\d{4})-(\d{4})$")


class CommandError(Exception):
    """A failure worth one line to the user, with an exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid date {text!r}: expected YYYY-MM-DD"
        ) from None


def _session_year(text: str) -> str:
    match = _SESSION_YEAR.match(text)
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        raise argparse.ArgumentTypeError(
            f"invalid session year {text!r}: expected two consecutive years like 2023-2024"
        )
    return text


def _theme(text: str) -> str:
    theme = " ".join(text.split())
    if not theme:
        raise argparse.ArgumentTypeError("a theme cannot be empty")
    return theme


# -- output ------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return str(value)


def print_table(
    columns: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO, width: int = 60
) -> None:
    def cut(text: str) -> str:
        text = " ".join(text.split())
        return text if len(text) <= width else text[: width - 1] + "…"

    cells = [[cut(_cell(v)) for v in row] for row in rows]
    widths = [len(c) for c in columns]
    for row in cells:
        widths = [max(w, len(v)) for w, v in zip(widths, row, strict=True)]
    out.write("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in cells:
        out.write("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() + "\n")
    out.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n")


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


def write_rows(
    fmt: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO
) -> None:
    if fmt == "table":
        print_table(columns, rows, out)
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[_cell(v) for v in row] for row in rows])
    elif fmt == "json":
        json.dump(
            [{c: _jsonable(v) for c, v in zip(columns, row, strict=True)} for row in rows],
            out, ensure_ascii=False, indent=2,
        )
        out.write("\n")
    elif fmt == "jsonl":
        for row in rows:
            out.write(json.dumps({c: _jsonable(v) for c, v in zip(columns, row, strict=True)},
                                 ensure_ascii=False) + "\n")


# -- commands ----------------------------------------------------------------------


def cmd_crawl(args: argparse.Namespace, settings: Settings) -> int:
    from schv.crawl import run_crawl

    if args.since and args.until and args.since > args.until:
        raise CommandError(f"--since {args.since} is after --until {args.until}", EXIT_USAGE)
    summary = run_crawl(
        settings,
        themes=tuple(args.theme) if args.theme else None,
        since=args.since,
        until=args.until,
        session_year=args.session_year,
        trigger=args.trigger,
        verbose=args.verbose,
        progress=not args.quiet,
    )
    print(summary.text())
    return EXIT_OK if summary.status == "ok" else EXIT_FAILED


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


def cmd_query(args: argparse.Namespace, settings: Settings) -> int:
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


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    from storage import Store

    with Store.open(settings.database.url, settings.database.raw_dir) as store:
        counts = store.row_counts()
        runs = store.recent_runs(args.runs)
        last_ok = store.last_successful_run()
    print(f"database: {_redact(settings.database.url)}")
    print("rows: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if last_ok:
        finished = last_ok.get("finished_at")
        print(f"last successful run: #{last_ok['id']} finished {finished}")
    else:
        print("last successful run: none yet")
    if runs:
        columns = ["id", "started_at", "trigger", "status", "discovered", "new", "updated",
                   "unchanged", "failed", "requests", "message"]
        print_table(columns, [[r.get(c) for c in columns] for r in runs], sys.stdout)
    return EXIT_OK


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from storage import make_engine, upgrade
    from storage.db import current_revision

    engine = make_engine(settings.database.url)
    try:
        before = current_revision(engine)
        upgrade(engine)
        after = current_revision(engine)
    finally:
        engine.dispose()
    if before == after:
        print(f"database already at revision {after}")
    else:
        print(f"database upgraded from {before or 'empty'} to {after}")
    return EXIT_OK


def cmd_config(args: argparse.Namespace, settings: Settings) -> int:
    rows = []
    for spec in SPECS:
        value = getattr(getattr(settings, spec.section), spec.key)
        if isinstance(value, tuple):
            value = ", ".join(map(str, value))
        if spec.dotted == "database.url":
            value = _redact(str(value))
        rows.append([spec.dotted, spec.env, value, settings.origins.get(spec.dotted, "default")])
    print_table(["setting", "environment variable", "value", "from"], rows, sys.stdout,
                width=70)
    return EXIT_OK


def _redact(url: str) -> str:
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


# -- parser ------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line, not argparse's usage block."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")



def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="schv",
        description="Follow the Flemish Parliament's written questions as a SQL database.",
    )
    parser.add_argument("--version", action="version", version=f"schv {__version__}")
    parser.add_argument("--config", metavar="PATH",
                        help="TOML file overriding the defaults (also $SCHV_CONFIG)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    crawl = sub.add_parser("crawl", help="discover, fetch and store written questions",
                           description="Discover written questions by theme through the "
                           "search API, fetch their details and documents, store them.")
    crawl.add_argument("--theme", action="append", type=_theme, metavar="NAME",
                       help="theme to crawl (repeatable; default from config)")
    crawl.add_argument("--since", type=_date, metavar="YYYY-MM-DD",
                       help="first publication date (default from config)")
    crawl.add_argument("--until", type=_date, metavar="YYYY-MM-DD",
                       help="last publication date (default: today)")
    crawl.add_argument("--session-year", type=_session_year, metavar="YYYY-YYYY",
                       help="crawl one session year instead of a date range")
    crawl.add_argument("--verbose", "-v", action="store_true", help="show Scrapy's log")
    crawl.add_argument("--quiet", "-q", action="store_true", help="no progress lines")
    crawl.add_argument("--trigger", default="manual", choices=["manual", "scheduled"],
                       help=argparse.SUPPRESS)
    crawl.set_defaults(func=cmd_crawl)

    query = sub.add_parser("query", help="run read-only SQL against the database",
                           description="Run one read-only SQL statement. Writes are refused.")
    query.add_argument("sql", nargs="?", help="the SQL ('-' or nothing: read stdin)")
    query.add_argument("--file", "-f", metavar="PATH", help="read the SQL from a file")
    query.add_argument("--format", choices=["table", "csv", "json", "jsonl"], default="table")
    query.add_argument("--output", "-o", metavar="FILE", help="write to FILE, not stdout")
    query.add_argument("--timeout", type=float, metavar="SECONDS",
                       help="stop the query after this long (default from config)")
    query.set_defaults(func=cmd_query)

    status = sub.add_parser("status", help="recent runs and row counts")
    status.add_argument("--runs", type=int, default=10, help="how many runs to list")
    status.set_defaults(func=cmd_status)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = db_sub.add_parser("upgrade", help="apply migrations up to the newest schema")
    upgrade.set_defaults(func=cmd_db_upgrade)

    cfg = sub.add_parser("config", help="show every setting, its value and where it came from")
    cfg.set_defaults(func=cmd_config)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config)
        return int(args.func(args, settings))
    except ConfigError as exc:
        print(f"schv: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except CommandError as exc:
        print(f"schv: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("schv: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        from sqlalchemy.exc import OperationalError

        if isinstance(exc, OperationalError):
            message = " ".join(str(exc.orig).split())[:300]
            print(f"schv: database error: {message}", file=sys.stderr)
        else:
            print(f"schv: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
