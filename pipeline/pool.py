"""Parsing in a pool of processes, each document with a time and a memory limit.

pdfminer is pure Python: threads would not parse in parallel, and parsing on the
crawl's event loop would stall the downloads. A document that runs past the time limit
gets its worker killed (pebble replaces it) and the status `timeout`; one that needs more
memory than the limit fails inside its worker with MemoryError (`too_large`); a worker
that dies outright (a crash in a C extension, the kernel's OOM killer) gives `corrupt`.
None of these ever reaches the caller as an exception.
"""

from __future__ import annotations

import concurrent.futures
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from pebble import ProcessExpired, ProcessPool

from pipeline.document import failure, parse_document
from pipeline.media import sniff_media_type
from storage.records import ParsedDocument, ParseStatus

log = logging.getLogger(__name__)

Parser = Callable[..., ParsedDocument]


def _limit_memory(limit_mb: int) -> None:
    """Worker initializer: cap the address space, so a runaway parse raises MemoryError
    in this worker instead of pushing the machine into swap or the OOM killer.

    The cap is `limit_mb` on top of what the worker maps when it starts: a worker forked
    from a crawl already maps Scrapy, Twisted and SQLAlchemy, which is not the parse's
    doing and varies from machine to machine."""
    if limit_mb <= 0:
        return
    import resource

    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            baseline = int(statm.read().split()[0]) * resource.getpagesize()
    except OSError:
        baseline = 0
    limit = baseline + limit_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1
    )


class ParsePool:
    """A killable process pool for `parse_document`; `submit` returns a Future that
    always resolves to a ParsedDocument."""

    def __init__(
        self,
        workers: int = 0,
        time_limit: float = 60.0,
        memory_limit_mb: int = 1024,
        *,
        max_bytes: int | None = None,
        parse: Parser = parse_document,
    ) -> None:
        self.workers = workers or default_workers()
        self.time_limit = time_limit
        self.memory_limit_mb = memory_limit_mb
        self.max_bytes = max_bytes
        self._parse = parse
        # forkserver, not fork: the crawl process runs threads (Twisted's pool, the
        # database driver), and a fork taken while one of them holds a lock can leave the
        # new worker stuck on it; workers are re-created after every timeout kill.
        self._pool = ProcessPool(
            max_workers=self.workers,
            initializer=_limit_memory,
            initargs=(memory_limit_mb,),
            context=multiprocessing.get_context("forkserver"),
        )

    def submit(self, body: bytes, declared_type: str | None = None) -> Future[ParsedDocument]:
        outer: Future[ParsedDocument] = Future()
        inner = self._pool.schedule(
            self._parse,
            args=(body, declared_type),
            kwargs={"max_bytes": self.max_bytes},
            timeout=self.time_limit,
        )

        def done(future: Future[Any]) -> None:
            outer.set_result(self._outcome(future, body, declared_type))

        inner.add_done_callback(done)
        return outer

    def warm(self) -> None:
        """Start the workers now, without waiting for them: the forkserver and each
        worker's imports then run while the crawl is still discovering, instead of
        delaying the first document."""
        for _ in range(self.workers):
            self._pool.schedule(self._parse, args=(b"", None), timeout=self.time_limit)

    def parse(self, body: bytes, declared_type: str | None = None) -> ParsedDocument:
        """Blocking form of `submit`."""
        return self.submit(body, declared_type).result()

    def _outcome(
        self, future: Future[Any], body: bytes, declared_type: str | None
    ) -> ParsedDocument:
        try:
            return future.result()
        except concurrent.futures.TimeoutError:
            return _failed(
                body, declared_type, "timeout",
                f"parsing took longer than {self.time_limit:g} s; worker stopped",
            )
        except ProcessExpired as exc:
            code = exc.exitcode
            if self.memory_limit_mb > 0 and code is not None and code < 0:
                # CPython cannot always raise MemoryError cleanly at an address-space
                # cap: it may abort (SIGABRT) or crash (SIGSEGV) instead. Pure-Python
                # pdfminer has no other way to die by a signal.
                return _failed(
                    body, declared_type, "too_large",
                    f"parser process died (signal {-code}), over its memory limit of "
                    f"{self.memory_limit_mb} MB",
                )
            return _failed(
                body, declared_type, "corrupt", f"parser process died (exit code {code})"
            )
        except MemoryError:
            return _failed(body, declared_type, "too_large", "memory limit exceeded")
        except concurrent.futures.CancelledError:
            return _failed(body, declared_type, "timeout", "parse cancelled at shutdown")
        except Exception as exc:
            log.exception("parser pool failed")
            return _failed(body, declared_type, "corrupt", f"parser pool error {exc!r}"[:300])

    def close(self) -> None:
        """Stop the workers; documents still queued resolve as cancelled."""
        self._pool.stop()
        self._pool.join()

    def __enter__(self) -> ParsePool:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _failed(body: bytes, declared: str | None, status: ParseStatus, error: str) -> ParsedDocument:
    return failure(sniff_media_type(body, declared), status, error)
