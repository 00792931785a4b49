"""`schv status`: recent runs, row counts, the last successful run."""

from __future__ import annotations

import argparse
import sys

from config import Settings
from schv.output import EXIT_OK, print_table, redact

ORDER = 30


def run(args: argparse.Namespace, settings: Settings) -> int:
    from storage import Store

    with Store.open(settings.database.url, settings.database.raw_dir) as store:
        counts = store.row_counts()
        runs = store.recent_runs(args.runs)
        last_ok = store.last_successful_run()
    print(f"database: {redact(settings.database.url)}")
    print("rows: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if last_ok:
        print(f"last successful run: #{last_ok['id']} finished {last_ok.get('finished_at')}")
    else:
        print("last successful run: none yet")
    if runs:
        columns = ["id", "started_at", "trigger", "status", "discovered", "new", "updated",
                   "unchanged", "failed", "requests", "message"]
        print_table(columns, [[r.get(c) for c in columns] for r in runs], sys.stdout)
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    status = sub.add_parser("status", help="recent runs and row counts")
    status.add_argument("--runs", type=int, default=10, help="how many runs to list")
    status.set_defaults(func=run)
