"""`schv search`: full-text search, ranked hits with highlighted snippets."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import sys
from typing import TextIO

from config import Settings
from schv.arguments import whole_number
from schv.output import EXIT_OK, CommandError

ORDER = 22

_BOLD, _RESET = "\x1b[1m", "\x1b[0m"


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def _marks(out: TextIO, fmt: str) -> tuple[str, str]:
    if fmt == "text" and out.isatty() and not os.environ.get("NO_COLOR"):
        return _BOLD, _RESET
    return "[", "]"


def run(args: argparse.Namespace, settings: Settings) -> int:
    from storage import QueryError
    from storage.search import SearchFilters, search

    filters = SearchFilters(theme=args.theme, minister=args.minister, since=args.since,
                            asker=args.asker)
    try:
        hits = search(
            settings.database.url, " ".join(args.terms), filters=filters, limit=args.limit,
            timeout=settings.query.timeout, marks=_marks(sys.stdout, args.format),
        )
    except QueryError as exc:
        raise CommandError(f"search failed: {exc}") from None
    out = sys.stdout
    if args.format == "json":
        json.dump([dataclasses.asdict(h) for h in hits], out, ensure_ascii=False, indent=2)
        out.write("\n")
        return EXIT_OK
    if args.format == "jsonl":
        for hit in hits:
            out.write(json.dumps(dataclasses.asdict(hit), ensure_ascii=False) + "\n")
        return EXIT_OK
    for rank, hit in enumerate(hits, 1):
        number = f"nr. {hit.number}" if hit.number is not None else f"id {hit.id}"
        facts = [f"{hit.session_year or '?'} {number}", hit.asked_on or "no date",
                 hit.minister or "no minister", hit.status]
        out.write(f"{rank:>2}. {' · '.join(facts)}\n")
        out.write(f"    {hit.subject or hit.title or '(no subject)'}\n")
        if hit.snippet:
            out.write(f"    {hit.snippet}\n")
        if hit.page_url:
            out.write(f"    {hit.page_url}\n")
    out.write(f"({len(hits)} hit{'s' if len(hits) != 1 else ''})\n")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    search = sub.add_parser(
        "search", help="full-text search over subjects, questions and answers",
        description='Search the questions\' title, subject, question and answer text. Words '
        'must all occur; "a phrase", word OR word, -word to leave out; on SQLite word* '
        "for a prefix. Best hits first.",
    )
    search.add_argument("terms", nargs="+", help="what to search for")
    search.add_argument("--theme", help="only questions with this theme")
    search.add_argument("--minister", help="only questions to a minister whose name has this")
    search.add_argument("--asker", help="only questions by a member whose name has this")
    search.add_argument("--since", type=_date, metavar="YYYY-MM-DD",
                        help="only questions asked on or after this date")
    search.add_argument("--limit", type=whole_number(1, 10_000), default=20,
                        help="most hits shown (default 20)")
    search.add_argument("--format", choices=("text", "json", "jsonl"), default="text")
    search.set_defaults(func=run)
