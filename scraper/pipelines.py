"""The thin hand-over from Scrapy to the pipeline (parsing) and storage (rows).

One bad item never stops the run: a storage or parsing failure is recorded on the run
and on the document, which a later run retries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError

from pipeline import parse_document
from storage.records import FetchedDocument, ParsedDocument, QuestionRecord

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

    from storage import Store


class StoragePipeline:
    def __init__(self, crawler: Crawler, store: Store, max_bytes: int) -> None:
        self.crawler = crawler
        self.store = store
        self.max_bytes = max_bytes

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        # The crawl runner opens the store once and hangs it on the crawler, so the run
        # record and the items share one engine.
        store = crawler.schv_store  # type: ignore[attr-defined]
        settings = crawler.settings["SCHV_SETTINGS"]
        return cls(crawler, store, settings.crawl.max_document_bytes)

    def _inc(self, key: str) -> None:
        if self.crawler.stats:
            self.crawler.stats.inc_value(f"schv/{key}")

    def _fail(self, what: str, exc: Exception) -> None:
        self._inc("failed")
        spider = self.crawler.spider
        message = f"{what}: {type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
        if spider is not None and hasattr(spider, "record_error"):
            spider.record_error(message)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if isinstance(item, QuestionRecord):
            try:
                self._inc(self.store.upsert_question(item))
            except SQLAlchemyError as exc:
                self._fail(f"question {item.id}", exc)
        elif isinstance(item, FetchedDocument):
            parsed = self._parse(item)
            try:
                self.store.record_document(item, parsed)
            except SQLAlchemyError as exc:
                self._fail(f"document {item.ref.pfile_id}", exc)
        return item

    def _parse(self, item: FetchedDocument) -> ParsedDocument | None:
        if item.body is None:
            return None
        parsed = parse_document(item.body, item.content_type, max_bytes=self.max_bytes)
        self._inc("documents_parsed" if parsed.parse_status == "ok" else "documents_unparsed")
        return parsed
