"""Retries that wait: exponential backoff, and the server's Retry-After when it asks for
longer. Scrapy's own RetryMiddleware re-queues at once, which hammers a server that just
said 503."""

from __future__ import annotations

import email.utils
import time
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import reactor
from twisted.internet.task import deferLater

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings


def retry_after_seconds(value: str | bytes | None, now: float | None = None) -> float | None:
    """Seconds asked for by a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def backoff_delay(
    attempt: int, base: float, cap: float, retry_after: float | None = None
) -> float:
    """Wait before retry number `attempt` (1-based): base, 2*base, 4*base ... capped, or
    the server's Retry-After when that is longer (also capped, so a hostile header cannot
    park the crawl for a day)."""
    delay = base * (2 ** max(0, attempt - 1))
    if retry_after is not None:
        delay = max(delay, retry_after)
    return min(delay, cap)


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings: BaseSettings):
        super().__init__(settings)
        self.base = settings.getfloat("SCHV_RETRY_BACKOFF_BASE", 1.0)
        self.cap = settings.getfloat("SCHV_RETRY_BACKOFF_MAX", 300.0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        o = cls(crawler.settings)
        o.crawler = crawler
        return o

    async def _wait(self, request: Request, retry_after: float | None) -> None:
        attempt = request.meta.get("retry_times", 0) + 1
        delay = backoff_delay(attempt, self.base, self.cap, retry_after)
        if retry_after is not None and self.crawler.stats:
            self.crawler.stats.inc_value("schv/retry_after_honoured")
        if delay > 0:
            await maybe_deferred_to_future(deferLater(reactor, delay))

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, f"HTTP {response.status}")
        if retry is None:
            return response
        await self._wait(request, retry_after_seconds(response.headers.get("Retry-After")))
        return retry

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> Request | Response | None:
        if request.meta.get("dont_retry", False) or not isinstance(
            exception, self.exceptions_to_retry
        ):
            return None
        retry = self._retry(request, exception)
        if retry is None:
            return None
        await self._wait(request, None)
        return retry
