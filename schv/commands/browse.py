"""`schv browse`: the database in a browser, read-only, through Datasette."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from config import Settings
from schv.arguments import whole_number
from schv.output import EXIT_OK, EXIT_USAGE, CommandError

ORDER = 26

# Only this machine: the database is not meant to be published by accident.
HOST = "127.0.0.1"


def datasette_command(database: Path, metadata: Path, port: int, timeout: float) -> list[str]:
    from schv.browse import PLUGINS_DIR

    return [
        sys.executable, "-m", "datasette", "serve", str(database),
        "--host", HOST, "--port", str(port),
        "--metadata", str(metadata),
        "--plugins-dir", str(PLUGINS_DIR),
        "--setting", "sql_time_limit_ms", str(max(1, int(timeout * 1000))),
    ]


def run(args: argparse.Namespace, settings: Settings) -> int:
    from schv.browse import datasette_metadata
    from storage import QueryError
    from storage.readonly import sqlite_path

    try:
        import datasette  # noqa: F401
    except ImportError:
        raise CommandError("schv browse needs Datasette: pip install 'schv[browse]'") from None
    try:
        path = sqlite_path(settings.database.url)
    except QueryError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    if path is None:
        raise CommandError(
            "schv browse serves SQLite databases only (Datasette reads SQLite); use "
            "schv query or schv export with PostgreSQL", EXIT_USAGE,
        )
    if not path.is_file():
        raise CommandError(f"database not found: {path} (run schv crawl first)")
    with tempfile.TemporaryDirectory(prefix="schv-browse-") as folder:
        metadata = Path(folder) / "metadata.json"
        metadata.write_text(
            json.dumps(datasette_metadata(path.stem, settings.alerts.feed_dir)),
            encoding="utf-8",
        )
        command = datasette_command(path, metadata, args.port, settings.query.timeout)
        print(f"serving {path} read-only on http://{HOST}:{args.port}/, feeds at "
              f"http://{HOST}:{args.port}/-/feeds (Ctrl-C stops)",
              file=sys.stderr, flush=True)
        try:
            code = subprocess.call(command)
        except KeyboardInterrupt:
            return EXIT_OK
    if code not in (0, -2, 130):
        raise CommandError(f"Datasette stopped with exit code {code}")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    browse = sub.add_parser(
        "browse", help="browse the database read-only in a web browser (Datasette)",
        description=f"Serve the SQLite database read-only on http://{HOST}:PORT/ with "
        "Datasette, titles and column descriptions from the data dictionary, and the "
        "watches' Atom feeds at /-/feeds. Needs "
        "pip install 'schv[browse]'.",
    )
    browse.add_argument("--port", type=whole_number(0, 65535), default=8001,
                        help="port (default 8001)")
    browse.set_defaults(func=run)
