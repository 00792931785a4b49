"""Backoff arithmetic of the retry middleware (the waiting itself is exercised against
the replica in the spider tests)."""

from __future__ import annotations

import email.utils

from scraper.middlewares import backoff_delay, retry_after_seconds


def test_retry_after_forms() -> None:
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds(b"0") == 0.0
    now = 1_700_000_000.0
    http_date = email.utils.formatdate(now + 30, usegmt=True)
    assert retry_after_seconds(http_date, now=now) == 30.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_backoff_doubles_is_capped_and_yields_to_retry_after() -> None:
    assert [backoff_delay(n, 1.0, 300.0) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 8.0]
    assert backoff_delay(20, 1.0, 300.0) == 300.0
    assert backoff_delay(1, 1.0, 300.0, retry_after=12.0) == 12.0
    assert backoff_delay(5, 1.0, 300.0, retry_after=3.0) == 16.0
    # A hostile Retry-After cannot park the crawl for a day.
    assert backoff_delay(1, 1.0, 300.0, retry_after=86_400.0) == 300.0
