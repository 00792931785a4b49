"""Parser benchmark: accuracy per field on the corpus, and pages per second on one
process and on the parse pool.

The corpus is the 46 PDFs of tests/corpus (23 documents from the real samples, two
layouts), parsed `--rounds` times. Also prints the largest resident memory of any pool
worker, and the per-worker memory limit it ran under.

    .venv/bin/python benchmarks/parse.py [--workers 2] [--rounds 3] [--memory-limit-mb 512]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline import PARSER_VERSION, parse_document
from pipeline.pool import ParsePool, default_workers
from tests.corpus.accuracy import aggregate, score
from tests.corpus.build import LAYOUTS, corpus


def _descendants(root: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [root]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def worker_stats() -> list[tuple[float, float]]:
    """(CPU seconds, peak resident MB) of each process under this one: the pool's
    workers sit under the forkserver, where RUSAGE_CHILDREN does not see them."""
    ticks = os.sysconf("SC_CLK_TCK")
    stats = []
    for pid in _descendants(os.getpid()):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        peak = next((int(line.split()[1]) / 1024 for line in status.splitlines()
                     if line.startswith("VmHWM:")), 0.0)
        stats.append(((int(fields[11]) + int(fields[12])) / ticks, peak))
    return stats


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--memory-limit-mb", type=int, default=512)
    args = parser.parse_args()

    specs = corpus()
    pdfs = [(spec, spec.pdf(layout)) for spec in specs for layout in LAYOUTS]
    # Other processes compete for the same cores: say so, the figures depend on it.
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{os.cpu_count()} CPUs, load average {load}")
    print(f"parser {PARSER_VERSION}; corpus: {len(specs)} documents x {len(LAYOUTS)} layouts "
          f"= {len(pdfs)} PDFs, {args.rounds} rounds")

    # Accuracy (one pass, in process).
    scores = []
    pages = 0
    for spec, pdf in pdfs:
        doc = parse_document(pdf, "application/pdf")
        pages += doc.pages or 0
        scores.append(score(doc, spec))
    print(f"\n{'field':<16}{'mean':>8}{'worst':>8}")
    for name, (mean, worst) in aggregate(scores).items():
        print(f"{name:<16}{mean:>8.3f}{worst:>8.3f}")

    work = [pdf for _spec, pdf in pdfs] * args.rounds
    total_pages = pages * args.rounds

    start, cpu_start = time.perf_counter(), time.process_time()
    for pdf in work:
        parse_document(pdf, "application/pdf")
    single = time.perf_counter() - start
    single_cpu = time.process_time() - cpu_start

    with ParsePool(args.workers, time_limit=120, memory_limit_mb=args.memory_limit_mb) as pool:
        # Workers start lazily: warm them so process start-up is not timed.
        for future in [pool.submit(work[0]) for _ in range(args.workers)]:
            future.result()
        start = time.perf_counter()
        futures = [pool.submit(pdf, "application/pdf") for pdf in work]
        statuses = {f.result().parse_status for f in futures}
        pooled = time.perf_counter() - start
        workers = worker_stats()
    pool_cpu = sum(cpu for cpu, _peak in workers)
    child_peak_mb = max((peak for _cpu, peak in workers), default=0.0)

    print(f"\n{total_pages} pages")
    print(f"one process : {single:7.2f} s  {total_pages / single:7.1f} pages/s  "
          f"({single_cpu:.2f} CPU-s)")
    print(f"pool of {args.workers:<4}: {pooled:7.2f} s  {total_pages / pooled:7.1f} pages/s  "
          f"({pool_cpu:.2f} CPU-s in the workers, warm-up included; "
          f"statuses {sorted(statuses)})")
    print(f"speed-up    : {single / pooled:.2f}x")
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"largest worker resident memory: {child_peak_mb:.0f} MB "
          f"(limit: {args.memory_limit_mb} MB of address space on top of its start)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
