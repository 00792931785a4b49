"""`schv export`: the public views to CSV, JSON Lines or Parquet files."""

from __future__ import annotations

import argparse
from pathlib import Path

from config import Settings
from schv.arguments import seconds
from schv.output import EXIT_OK, CommandError

ORDER = 24


def run(args: argparse.Namespace, settings: Settings) -> int:
    from storage import QueryError
    from storage.export import export_views

    try:
        exported = export_views(
            settings.database.url, Path(args.out), args.format, views=args.view,
            where=args.where, timeout=args.timeout,
        )
    except QueryError as exc:
        raise CommandError(f"export failed: {exc}") from None
    for item in exported:
        print(f"{item.view}: {item.rows} rows -> {item.path}")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from storage.export import FORMATS

    export = sub.add_parser(
        "export", help="write the views to CSV, JSON Lines or Parquet files",
        description="Write the public views (all, or those named with --view) to DIR, one "
        "file per view. Parquet keeps real types and needs pip install 'schv[parquet]'.",
    )
    export.add_argument("--format", choices=FORMATS, default="csv")
    export.add_argument("--out", required=True, metavar="DIR", help="folder for the files")
    export.add_argument("--view", action="append", metavar="NAME",
                        help="a view to export (repeatable; default: all)")
    export.add_argument("--where", metavar="SQL",
                        help="an SQL condition every exported view must meet, e.g. "
                        "\"asked_on >= '2024-01-01'\"")
    export.add_argument("--timeout", type=seconds(86400), default=600.0, metavar="SECONDS",
                        help="stop a view's export after this long (default 600)")
    export.set_defaults(func=run)
