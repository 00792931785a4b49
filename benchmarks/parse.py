"""Parser benchmark: accuracy per producer on the corpus, pages per second per producer,
on one process and on the parse pool, and the workers' peak memory.

The corpus is tests/corpus: every document composed from the real samples, rendered by
four producers (reportlab and fpdf2 live; LibreOffice and WeasyPrint from fixtures;
WeasyPrint was held out while the parser was developed). Figures per producer (see
tests/corpus/accuracy.py): header fields right, question and answer text similarity
(mean and worst document), sub-question counts right, numbered answers whose parts are
all matched, table row recall and precision, rows stored for documents without tables.

    .venv/bin/python benchmarks/parse.py [--workers 2] [--rounds 2] [--memory-limit-mb 512]
    # another parser version, for a comparison on the same corpus and machine state:
    git archive <rev> pipeline | tar -x -C /tmp/old && \\
        .venv/bin/python benchmarks/parse.py --parser /tmp/old
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


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


ROWS = [
    ("documents", "documents", "{:.0f}"),
    ("without_tables", "  of which without a table", "{:.0f}"),
    ("header", "header fields all right", "{:.3f}"),
    ("question_mean", "question text, mean", "{:.3f}"),
    ("question_worst", "question text, worst", "{:.3f}"),
    ("answer_mean", "answer text, mean", "{:.3f}"),
    ("answer_worst", "answer text, worst", "{:.3f}"),
    ("sub_questions", "sub-question count", "{:.3f}"),
    ("aligned", "numbered answers aligned", "{:.3f}"),
    ("order", "unnumbered, in order", "{:.3f}"),
    ("kind", "coordinated/referring", "{:.3f}"),
    ("row_recall", "table row recall", "{:.3f}"),
    ("row_precision", "table row precision", "{:.3f}"),
    ("false_rows", "rows, docs without tables", "{:.0f}"),
    ("pages", "pages", "{:.0f}"),
    ("pages_per_s", "pages/s (one process)", "{:.1f}"),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=0, help="pool size (default: CPUs)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--memory-limit-mb", type=int, default=512)
    parser.add_argument("--parser", type=Path, default=None,
                        help="a folder holding another version of the `pipeline` package")
    parser.add_argument("--producers", default=None, help="comma-separated subset")
    parser.add_argument("--problems", action="store_true", help="list documents that miss")
    args = parser.parse_args()
    if args.parser is not None:
        sys.path.insert(0, str(args.parser.resolve()))
    sys.path.insert(1 if args.parser else 0, str(ROOT))

    from pipeline import PARSER_VERSION, parse_document
    from pipeline.pool import ParsePool, default_workers
    from tests.corpus.accuracy import misses, score, summary
    from tests.corpus.build import HELD_OUT, PRODUCERS, corpus

    workers = args.workers or default_workers()
    producers = args.producers.split(",") if args.producers else list(PRODUCERS)
    specs = corpus()
    pdfs = {p: [(spec, spec.pdf(p)) for spec in specs] for p in producers}
    # Other processes compete for the same cores: say so, the figures depend on it.
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{os.cpu_count()} CPUs, load average {load}")
    print(f"parser {PARSER_VERSION} ({Path(sys.modules['pipeline'].__file__).parent}); "
          f"{len(specs)} documents x {len(producers)} producers, {args.rounds} rounds; "
          f"held out while developing: {HELD_OUT}")

    figures: dict[str, dict[str, float]] = {}
    problems: list[str] = []
    for producer, items in pdfs.items():
        scores, pages = [], 0
        for spec, pdf in items:
            doc = parse_document(pdf, "application/pdf")
            pages += doc.pages or 0
            one = score(doc, spec)
            scores.append(one)
            problems += [f"{producer} {spec.name}: {p}" for p in one.problems]
            for name in ("question_text", "answer_text"):
                if getattr(one, name) < 0.98:
                    problems.append(f"{producer} {spec.name}: {name} {getattr(one, name):.3f}")
        start = time.process_time()
        for _ in range(args.rounds):
            for _spec, pdf in items:
                parse_document(pdf, "application/pdf")
        cpu = time.process_time() - start
        figures[producer] = {**summary(scores), "pages": pages,
                             "pages_per_s": pages * args.rounds / cpu}

    width = max(12, *(len(p) + 2 for p in producers))
    print(f"\n{'':<30}" + "".join(f"{p:>{width}}" for p in producers))
    for key, label, fmt in ROWS:
        print(f"{label:<30}" + "".join(f"{fmt.format(figures[p][key]):>{width}}"
                                        for p in producers))
    print("(pages/s per producer: pages over the parsing process's CPU seconds)")
    for producer in producers:
        missed = misses(figures[producer])
        print(f"{producer}: " + ("meets every target" if not missed else "MISSES "
                                 + "; ".join(missed)))
    if args.problems and problems:
        print("\n" + "\n".join(problems))

    work = [pdf for items in pdfs.values() for _spec, pdf in items] * args.rounds
    total_pages = sum(figures[p]["pages"] for p in producers) * args.rounds
    start, cpu_start = time.perf_counter(), time.process_time()
    for pdf in work:
        parse_document(pdf, "application/pdf")
    single = time.perf_counter() - start
    single_cpu = time.process_time() - cpu_start
    with ParsePool(workers, time_limit=120, memory_limit_mb=args.memory_limit_mb) as pool:
        # Workers start lazily: warm them so process start-up is not timed.
        for future in [pool.submit(work[0]) for _ in range(workers)]:
            future.result()
        start = time.perf_counter()
        futures = [pool.submit(pdf, "application/pdf") for pdf in work]
        statuses = {f.result().parse_status for f in futures}
        pooled = time.perf_counter() - start
        stats = worker_stats()
    pool_cpu = sum(cpu for cpu, _peak in stats)
    child_peak_mb = max((peak for _cpu, peak in stats), default=0.0)
    print(f"\nall producers: {total_pages:.0f} pages")
    print(f"one process : {single:7.2f} s  {total_pages / single:7.1f} pages/s  "
          f"({single_cpu:.2f} CPU-s, {total_pages / single_cpu:.1f} pages per CPU-s)")
    print(f"pool of {workers:<4}: {pooled:7.2f} s  {total_pages / pooled:7.1f} pages/s  "
          f"({pool_cpu:.2f} CPU-s in the workers, warm-up included; "
          f"statuses {sorted(statuses)})")
    print(f"speed-up    : {single / pooled:.2f}x")
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"largest worker resident memory: {child_peak_mb:.0f} MB "
          f"(limit: {args.memory_limit_mb} MB of address space on top of its start)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
