"""`schv reparse`: parse stored raw documents again, with no network.

After a parser upgrade (`--older-than-version`), to retry failures (`--failed`) or
everything (`--all`). Runs in the same process pool, with the same limits, as a crawl,
and holds the crawl lock so it never writes beside a running crawl.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, deque
from typing import Any

from config import Settings
from schv.arguments import whole_number
from schv.output import EXIT_FAILED, EXIT_OK, EXIT_USAGE

ORDER = 25

# Statuses a parse can end in that another try may change: everything but ok, pending
# and unsupported (no reader exists for those bytes).
FAILED_STATUSES = frozenset({"empty_text", "encrypted", "corrupt", "too_large", "timeout"})


def version_key(version: str | None) -> tuple[int, ...]:
    """`1.10.0` sorts after `1.9.2`; a missing or odd version sorts first."""
    if not version:
        return ()
    parts = []
    for piece in version.split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def select_documents(rows: list[Any], args: argparse.Namespace) -> list[Any]:
    """The stored documents the options ask for."""
    if args.all:
        return list(rows)
    chosen = []
    for row in rows:
        failed = args.failed and row.parse_status in FAILED_STATUSES
        older = bool(args.older_than_version) and (
            version_key(row.parser_version) < version_key(args.older_than_version)
        )
        if failed or older:
            chosen.append(row)
    return chosen


def run(args: argparse.Namespace, settings: Settings) -> int:
    if not (args.all or args.failed or args.older_than_version):
        print("schv reparse: choose --failed, --older-than-version VERSION or --all",
              file=sys.stderr)
        return EXIT_USAGE
    from pipeline import PARSER_VERSION
    from pipeline.pool import ParsePool
    from storage import Store
    from storage.locks import LockError, database_lock

    try:
        with database_lock(settings.database.url, "crawl") as lock:
            return _reparse(args, settings, Store, ParsePool, PARSER_VERSION, lock)
    except LockError as exc:
        print(f"schv reparse: {exc}", file=sys.stderr)
        return EXIT_FAILED


def _reparse(
    args: argparse.Namespace, settings: Settings, store_cls: Any, pool_cls: Any, version: str,
    lock: Any = None,
) -> int:
    parse = settings.parse
    outcomes: Counter[str] = Counter()
    missing = 0
    with store_cls.open(settings.database.url, settings.database.raw_dir) as store:
        chosen = select_documents(store.stored_documents(), args)
        if args.limit:
            chosen = chosen[: args.limit]
        if not args.quiet:
            print(f"reparsing {len(chosen)} documents with parser {version}", file=sys.stderr)
        with pool_cls(
            parse.workers, parse.time_limit, parse.memory_limit_mb,
            max_bytes=settings.crawl.max_document_bytes,
        ) as pool:
            # Bounded: raw bytes of only a few documents per worker are in memory at once.
            window = pool.workers * 4
            pending: deque[tuple[int, Any]] = deque()
            done = 0

            def finish_one() -> None:
                nonlocal done
                pfile_id, future = pending.popleft()
                parsed = future.result()
                if lock is not None:
                    lock.ensure_held()  # LockLost: stop before writing beside a crawl
                store.record_parse(pfile_id, parsed)
                outcomes[parsed.parse_status] += 1
                done += 1
                if not args.quiet and done % 100 == 0:
                    print(f"  {done}/{len(chosen)}", file=sys.stderr)

            for row in chosen:
                if not store.blobs.exists(row.sha256):
                    missing += 1
                    continue
                pending.append((row.pfile_id, pool.submit(store.blobs.get(row.sha256),
                                                          row.declared_type)))
                if len(pending) >= window:
                    finish_one()
            while pending:
                finish_one()
    summary = ", ".join(f"{status} {n}" for status, n in sorted(outcomes.items())) or "none"
    print(f"reparsed {sum(outcomes.values())} documents: {summary}"
          + (f"; {missing} raw files missing" if missing else ""))
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = sub.add_parser(
        "reparse", help="parse stored raw documents again (no network)",
        description="Parse the raw documents kept under database.raw_dir again and "
        "replace their readings. Choose which: --failed, --older-than-version, --all.",
    )
    cmd.add_argument("--failed", action="store_true",
                     help="documents whose last parse failed (empty_text, encrypted, corrupt, "
                     "too_large, timeout)")
    cmd.add_argument("--older-than-version", metavar="VERSION",
                     help="documents parsed by a parser older than VERSION (e.g. 2.0.0)")
    cmd.add_argument("--all", action="store_true", help="every stored document")
    cmd.add_argument("--limit", type=whole_number(0, 10**9), default=0,
                     help="at most this many documents (default 0: no limit)")
    cmd.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    cmd.set_defaults(func=run)
