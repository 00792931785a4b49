"""`schv crawl`: discover, fetch and store written questions."""

from __future__ import annotations

import argparse
import datetime as dt
import re

from config import Settings
from schv.arguments import seconds
from schv.output import EXIT_BUSY, EXIT_FAILED, EXIT_OK, EXIT_USAGE, CommandError

ORDER = 10
_SESSION_YEAR = re.compile(r"^(\d{4})-(\d{4})$")


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid date {text!r}: expected YYYY-MM-DD") from None


def parse_session_year(text: str) -> str:
    match = _SESSION_YEAR.match(text)
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        raise argparse.ArgumentTypeError(
            f"invalid session year {text!r}: expected two consecutive years like 2023-2024"
        )
    return text


def parse_theme(text: str) -> str:
    theme = " ".join(text.split())
    if not theme:
        raise argparse.ArgumentTypeError("a theme cannot be empty")
    return theme


def _check_window(args: argparse.Namespace, settings: Settings) -> None:
    """The publication dates to crawl, options and settings together, must not run
    backwards: such a window finds nothing and would pass for "nothing new"."""
    if args.session_year:
        return
    crawl = settings.crawl
    since = (args.since, "--since") if args.since else (
        (dt.date.fromisoformat(crawl.since), "crawl.since") if crawl.since else None)
    until = (args.until, "--until") if args.until else (
        (dt.date.fromisoformat(crawl.until), "crawl.until") if crawl.until
        else (dt.date.today(), "today"))
    if since and since[0] > until[0]:
        first = f"{since[1]} {since[0]}"
        last = "today" if until[1] == "today" else f"{until[1]} {until[0]}"
        raise CommandError(f"{first} is after {last}: no publication date to crawl",
                           EXIT_USAGE)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from schv.crawl import run_crawl
    from storage.locks import LockBusy, LockError

    _check_window(args, settings)
    try:
        summary = run_crawl(
            settings,
            themes=tuple(args.theme) if args.theme else None,
            since=args.since,
            until=args.until,
            session_year=args.session_year,
            trigger=args.trigger,
            full=args.full,
            wait=None if args.wait is not None and args.wait < 0 else (args.wait or 0),
            verbose=args.verbose,
            progress=not args.quiet,
        )
    except LockBusy as exc:
        hint = "" if args.wait else "; use --wait to wait for it"
        raise CommandError(f"{exc}{hint}", EXIT_BUSY) from None
    except LockError as exc:
        raise CommandError(str(exc), EXIT_FAILED) from None
    print(summary.text())
    if summary.status == "ok":
        return EXIT_OK
    if summary.status == "degraded":
        return settings.alarms.degraded_exit_code
    return EXIT_FAILED


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    crawl = sub.add_parser(
        "crawl",
        help="discover, fetch and store written questions",
        description="Discover written questions by theme through the search API, fetch "
        "their details and documents, store them.",
    )
    crawl.add_argument("--theme", action="append", type=parse_theme, metavar="NAME",
                       help="theme to crawl (repeatable; default from config)")
    crawl.add_argument("--since", type=parse_date, metavar="YYYY-MM-DD",
                       help="first publication date (default from config)")
    crawl.add_argument("--until", type=parse_date, metavar="YYYY-MM-DD",
                       help="last publication date (default: today)")
    crawl.add_argument("--session-year", type=parse_session_year, metavar="YYYY-YYYY",
                       help="crawl one session year instead of a date range")
    crawl.add_argument("--full", action="store_true",
                       help="crawl the whole configured window, even after a successful run "
                       "(default: incremental once a first crawl succeeded)")
    # Without SECONDS, `const` (not passed through `type`) means as long as it takes.
    crawl.add_argument("--wait", nargs="?", type=seconds(7 * 86400, zero=True), const=-1.0,
                       metavar="SECONDS",
                       help="when another crawl is running, wait for it (up to SECONDS; "
                       "default: exit at once with code 75)")
    crawl.add_argument("--verbose", "-v", action="store_true", help="show Scrapy's log")
    crawl.add_argument("--quiet", "-q", action="store_true", help="no progress lines")
    crawl.add_argument("--trigger", default="manual", choices=["manual", "scheduled"],
                       help=argparse.SUPPRESS)
    crawl.set_defaults(func=run)
