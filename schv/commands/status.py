"""`schv status`: how fresh the data is, recent runs, row counts, alarms, alert deliveries
waiting for a retry."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from config import Settings
from schv.arguments import whole_number
from schv.output import EXIT_OK, print_table, redact

ORDER = 30


def _age(then: dt.datetime | None, now: dt.datetime) -> str:
    if then is None:
        return "never"
    seconds = max(0, int((now - then).total_seconds()))
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} days ago"


def run(args: argparse.Namespace, settings: Settings) -> int:
    from storage import Store
    from storage.repository import utc_now
    from storage.tracking import freshness
    from storage.watches import delivery_overview

    with Store.open(settings.database.url, settings.database.raw_dir) as store:
        counts = store.row_counts()
        runs = store.recent_runs(args.runs)
        last_ok = store.last_successful_run()
        fresh = freshness(store)
        alerts, failing = delivery_overview(store)
    now = utc_now()
    print(f"database: {redact(settings.database.url)}")
    print("rows: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if last_ok:
        print(f"last successful run: #{last_ok['id']} finished {last_ok.get('finished_at')} "
              f"({_age(last_ok.get('finished_at'), now)})")
    else:
        print("last successful run: none yet")
    print(f"freshness: newest publication date {fresh['newest_published_on'] or 'none'}, "
          f"last change stored {_age(fresh['last_change'], now)}, "
          f"{fresh['open']} questions waiting for an answer")
    if alerts["watches"]:
        print(f"alerts: {alerts['watches']} watches, {alerts['events']} events, "
              f"{alerts['delivered']} deliveries done, {alerts['failed']} waiting for a retry")
    for channel in failing:
        print(f"DELIVERY FAILING: watch {channel.watch} {channel.channel}: {channel.events} "
              f"event{'s' if channel.events != 1 else ''} not delivered after "
              f"{channel.attempts} attempt{'s' if channel.attempts != 1 else ''} (last "
              f"{_age(channel.last_attempt_at, now)}): {channel.last_error}")
    latest = runs[0] if runs else None
    if latest is not None and latest["status"] in ("degraded", "failed"):
        print(f"ALARM: the last run #{latest['id']} is {latest['status']}: {latest['message']}")
    if runs:
        columns = ["id", "started_at", "finished_at", "trigger", "mode", "status", "requests",
                   "discovered", "new", "updated", "newly_answered", "rechecked",
                   "documents_parsed", "failed", "documents_failed", "message"]
        print_table(columns, [[r.get(c) for c in columns] for r in runs], sys.stdout)
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    status = sub.add_parser("status", help="how fresh the data is, recent runs, alarms")
    status.add_argument("--runs", type=whole_number(0, 10_000), default=10,
                        help="how many runs to list (default 10)")
    status.set_defaults(func=run)
