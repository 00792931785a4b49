"""The thin hand-over from Scrapy to the pipeline (parsing) and storage (rows).

One bad item never stops the run: a storage or parsing failure is recorded on the run
and on the document, which a later run retries. Documents parse in a process pool
(pipeline.pool), awaited on the asyncio reactor, so downloads go on while they parse.
A lost crawl lock does stop it: no write after that (storage.locks).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from scrapy.utils.defer import deferred_from_coro
from sqlalchemy.exc import SQLAlchemyError

from pipeline.pool import ParsePool
from storage.locks import LockLost
from storage.records import FetchedDocument, ParsedDocument, QuestionRecord

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

    from config import Settings
    from storage import Store


class StoragePipeline:
    def __init__(self, crawler: Crawler, store: Store, settings: Settings) -> None:
        self.crawler = crawler
        self.store = store
        self.settings = settings
        self.max_bytes = settings.crawl.max_document_bytes
        self.pool: ParsePool | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        # The crawl runner opens the store once and hangs it on the crawler, so the run
        # record and the items share one engine.
        store = crawler.schv_store  # type: ignore[attr-defined]
        return cls(crawler, store, crawler.settings["SCHV_SETTINGS"])

    def open_spider(self, spider: Any = None) -> None:
        if not self.settings.crawl.download_documents:
            return  # nothing to parse: no workers to start
        self._start_pool()

    def _start_pool(self) -> None:
        parse = self.settings.parse
        self.pool = ParsePool(
            parse.workers, parse.time_limit, parse.memory_limit_mb, max_bytes=self.max_bytes
        )
        self.pool.warm()

    def close_spider(self, spider: Any = None) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None

    def _inc(self, key: str) -> None:
        if self.crawler.stats:
            self.crawler.stats.inc_value(f"schv/{key}")

    def _fail(self, what: str, exc: Exception) -> None:
        self._inc("failed")
        spider = self.crawler.spider
        message = f"{what}: {type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
        if spider is not None and hasattr(spider, "record_error"):
            spider.record_error(message)

    def _may_write(self) -> bool:
        """False once the crawl lock is lost: the item is not written and the crawl stops,
        failed, with the reason (another crawl may be writing by now)."""
        lock = getattr(self.crawler, "schv_lock", None)
        if lock is None:  # a bare pipeline in a test
            return True
        try:
            lock.ensure_held()
        except LockLost as exc:
            spider = self.crawler.spider
            if spider is not None and getattr(spider, "fatal", None) is None:
                spider.fatal = str(exc)
                if hasattr(spider, "record_error"):
                    spider.record_error(str(exc))
                assert self.crawler.engine is not None
                # Not awaited: closing waits for the items in flight, this one included.
                deferred_from_coro(self.crawler.engine.close_spider_async(reason="lock_lost"))
            return False
        return True

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        if isinstance(item, QuestionRecord):
            if not self._may_write():
                return item
            try:
                self._inc(self.store.upsert_question(item))
            except SQLAlchemyError as exc:
                self._fail(f"question {item.id}", exc)
        elif isinstance(item, FetchedDocument):
            parsed = await self._parse(item)
            if not self._may_write():
                return item
            try:
                self.store.record_document(item, parsed)
            except SQLAlchemyError as exc:
                self._fail(f"document {item.ref.pfile_id}", exc)
        return item

    async def _parse(self, item: FetchedDocument) -> ParsedDocument | None:
        if item.body is None:
            return None
        if self.pool is None:  # used without open_spider (a bare pipeline in a test)
            self._start_pool()
        assert self.pool is not None
        parsed = await asyncio.wrap_future(self.pool.submit(item.body, item.content_type))
        self._inc("documents_parsed" if parsed.parse_status == "ok" else "documents_unparsed")
        return parsed
