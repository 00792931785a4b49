"""Daemon benchmark: N scheduled runs (default 50) in one `schv daemon` process against
the replica, every second; prints the daemon's resident memory after each run and its
growth from the first to the last run (target: less than 10%).

    .venv/bin/python benchmarks/daemon.py [--runs 50] [--database-url URL]

The first crawl is a full one, the others incremental; each is a child process, so only
the daemon's own memory (scheduler, logging, child handling) is measured.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.crawling import ROOT, replica_env, schv_command, table_count
from tests.replica import Replica


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, Replica() as replica:
        database_url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        env = replica_env(replica.base_url, database_url, Path(tmp) / "raw",
                          SCHV_SCHEDULE_INTERVAL="1", SCHV_SCHEDULE_JITTER="0")
        started = time.perf_counter()
        daemon = subprocess.Popen(
            [*schv_command(), "daemon", "--max-runs", str(args.runs)],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        samples: list[int] = []
        failures: list[str] = []

        def follow() -> None:
            assert daemon.stderr is not None
            for line in daemon.stderr:
                if "crawl finished" in line or "crawl ended" in line:
                    samples.append(rss_kib(daemon.pid))
                    if "crawl ended" in line:
                        failures.append(line.strip())
                    print(f"run {len(samples):3d}: daemon RSS {samples[-1] / 1024:.1f} MB",
                          flush=True)

        reader = threading.Thread(target=follow, daemon=True)
        reader.start()
        code = daemon.wait(timeout=60 * args.runs)
        reader.join(timeout=10)
        wall = time.perf_counter() - started
        runs = table_count(database_url, "crawl_run")

    if code != 0 or len(samples) < 2:
        print(f"daemon exit code {code}, {len(samples)} runs seen", file=sys.stderr)
        return 1
    growth = (samples[-1] - samples[0]) / samples[0]
    print(f"scheduled runs       : {len(samples)} ({runs} recorded, {len(failures)} failed)")
    print(f"wall time            : {wall:.1f} s")
    print(f"daemon RSS first run : {samples[0] / 1024:.1f} MB")
    print(f"daemon RSS last run  : {samples[-1] / 1024:.1f} MB")
    print(f"daemon RSS peak      : {max(samples) / 1024:.1f} MB")
    print(f"growth first -> last : {growth:+.1%} (target < 10%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
