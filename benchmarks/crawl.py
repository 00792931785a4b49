"""Crawl benchmark: a generated replica of N questions (default 300), throttling off.

Prints wall time, requests by kind, and the crawl process's peak resident memory.

    .venv/bin/python benchmarks/crawl.py [--questions 300] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.crawling import replica_env, run_schv, table_count
from tests.replica import Replica, generate_dataset


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args()

    dataset = generate_dataset(args.questions)
    themes = sorted({t for q in dataset.questions for t in q.thema})
    with tempfile.TemporaryDirectory() as tmp, Replica(dataset) as replica:
        print(f"rendering {args.questions} questions' documents ...", flush=True)
        replica.warm()  # so PDF generation on the replica side is not timed
        replica.reset_log()
        database_url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        env = replica_env(
            replica.base_url, database_url, Path(tmp) / "raw",
            SCHV_CRAWL_SINCE="2000-01-01",
            SCHV_CRAWL_THEMES=";".join(themes),
        )
        started = time.perf_counter()
        result = run_schv(["crawl", "-q"], env, timeout=1800)
        wall = time.perf_counter() - started
        if result.returncode != 0:
            print(result.stdout, result.stderr, sep="\n", file=sys.stderr)
            return 1
        # The crawl is this process's only child, so the children's peak is its peak.
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        counts = replica.counts_by_kind()
        stored = table_count(database_url, "question")
        documents = table_count(database_url, "document")

    print(f"questions in replica : {args.questions} ({len(themes)} themes crawled)")
    print(f"questions stored     : {stored}")
    print(f"documents stored     : {documents}")
    print(f"wall time            : {wall:.2f} s ({stored / wall:.1f} questions/s)")
    print("requests by kind     : " + ", ".join(f"{k} {v}" for k, v in counts.items() if v))
    print(f"requests in all      : {sum(counts.values())}")
    print(f"peak RSS of crawl    : {peak_kib / 1024:.1f} MB (target < 300 MB)")
    print(f"cpu count            : {os.cpu_count()}")
    print(result.stdout.strip().splitlines()[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
