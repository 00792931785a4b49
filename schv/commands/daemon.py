"""`schv daemon`: keep the database current on a schedule."""

from __future__ import annotations

import argparse
import logging
import sys

from config import Settings
from schv.arguments import whole_number
from schv.output import EXIT_BUSY, CommandError

ORDER = 15


def _setup_logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    # APScheduler's own lines repeat ours ("Running job ..."); its warnings stay.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # Migrations at start-up: one line per revision would drown the daemon's own events.
    logging.getLogger("alembic").setLevel(logging.WARNING)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from schv.daemon import Daemon, crawl_command
    from storage import Store
    from storage.locks import LockBusy, LockError, database_lock

    _setup_logging()
    try:
        with database_lock(settings.database.url, "daemon", wait=0):
            with Store.open(settings.database.url, settings.database.raw_dir) as store:
                last_ok = store.last_successful_run()
            daemon = Daemon(settings, command=crawl_command(args.config),
                            max_runs=args.max_runs)
            return daemon.serve(last_ok.get("finished_at") if last_ok else None)
    except LockBusy as exc:
        raise CommandError(f"{exc}: refusing to start a second one", EXIT_BUSY) from None
    except LockError as exc:
        raise CommandError(str(exc)) from None


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    daemon = sub.add_parser(
        "daemon",
        help="crawl on a schedule until stopped (SIGTERM/SIGINT)",
        description="Run `schv crawl` on the configured schedule ([schedule] cron, "
        "timezone, jitter), one crawl at a time, each as its own process with a time "
        "limit. Catches up at start when the last successful run is older than one period. "
        "Stops cleanly on SIGTERM or SIGINT.",
    )
    daemon.add_argument("--max-runs", type=whole_number(1, 10**6), metavar="N",
                        help="stop after N crawls (for tests and benchmarks)")
    daemon.set_defaults(func=run)
