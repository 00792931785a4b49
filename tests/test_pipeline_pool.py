"""The parse pool: real pathological PDFs hit the time and memory limits, get their own
status, and the pool goes on parsing the next document."""

from __future__ import annotations

import os
import signal

import pytest

from pipeline.pool import ParsePool
from storage.records import ParsedDocument
from tests.corpus import seed
from tests.corpus.pathological import dense_pdf
from tests.corpus.render import render


def _seed_pdf() -> bytes:
    if not seed.SEED.is_file():
        pytest.skip("seed sample missing")
    return render(seed.seed_blocks(), "ruled")


def _die(body: bytes, declared: str | None, max_bytes: int | None = None) -> ParsedDocument:
    # Stands in for a crash inside native code (a segfault): no real PDF makes
    # pure-Python pdfminer die by a signal without a memory limit.
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError("unreachable")


def test_parses_in_parallel_and_resolves_every_future() -> None:
    pdf = _seed_pdf()
    with ParsePool(2, time_limit=60, memory_limit_mb=512) as pool:
        futures = [pool.submit(pdf, "application/pdf") for _ in range(4)]
        docs = [f.result(timeout=60) for f in futures]
    assert {d.parse_status for d in docs} == {"ok"}
    assert all(len(d.tables) == 3 for d in docs)


def test_a_slow_pdf_times_out_and_the_pool_goes_on() -> None:
    with ParsePool(1, time_limit=0.5, memory_limit_mb=0) as pool:
        slow = pool.parse(dense_pdf(8), "application/pdf")
        assert slow.parse_status == "timeout"
        assert slow.error == "parsing took longer than 0.5 s; worker stopped"
        assert slow.media_type == "application/pdf"
        # The killed worker was replaced: the next document parses.
        assert pool.parse(render([("line", "SCHRIFTELIJKE VRAAG nr. 1")], "plain")).parse_status \
            == "ok"


def test_a_pdf_over_the_memory_limit_is_too_large() -> None:
    big = dense_pdf(1, lines_per_page=1000, chars_per_line=400)
    with ParsePool(1, time_limit=60, memory_limit_mb=64) as pool:
        doc = pool.parse(big, "application/pdf")
        assert doc.parse_status == "too_large", doc.error
        assert doc.error and "memory" in doc.error
        assert pool.parse(_seed_pdf()).parse_status == "ok"


def test_a_dying_worker_is_corrupt_not_a_crash() -> None:
    with ParsePool(1, time_limit=30, memory_limit_mb=0, parse=_die) as pool:
        doc = pool.parse(b"%PDF-1.4 whatever", None)
    assert (doc.parse_status, doc.media_type) == ("corrupt", "application/pdf")
    assert doc.error == "parser process died (exit code -9)"


def test_the_size_limit_is_passed_to_the_workers() -> None:
    pdf = _seed_pdf()
    with ParsePool(1, max_bytes=len(pdf) - 1) as pool:
        assert pool.parse(pdf).parse_status == "too_large"
