"""The written-questions spider: search → open data details → documents.

Thin on purpose: URLs and response reading live in scraper.search and scraper.opendata;
storing and parsing happen in the item pipeline. What it owns is the order of requests and
the bookkeeping that keeps them few: each question fetched once, details in batches,
documents only when new, changed or previously failed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DontCloseSpider
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from scraper.errors import SourceChanged
from scraper.opendata import JSON_ACCEPT, list_records, list_url, to_record
from scraper.plan import CrawlPlan
from scraper.search import SearchScope, parse_search_page, search_url, split_range, wanted
from storage.records import DocumentRef, FetchedDocument, QuestionRecord

MAX_ERRORS_KEPT = 200


def _one_line(text: str, limit: int = 300) -> str:
    return " ".join(str(text).split())[:limit]


class SchvSpider(scrapy.Spider):
    name = "schv"

    def __init__(self, plan: CrawlPlan, known: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.plan = plan
        # storage.KnownState or None: what earlier runs already hold.
        self.known = known
        self.seen: set[int] = set()
        self.hints: dict[int, tuple[dt.date | None, dt.date | None]] = {}
        self.pending: list[int] = []
        # Queued from storage (re-checks, unfinished documents), not from a search hit.
        self.queued: set[int] = set()
        self.errors: list[str] = []
        self.fatal: str | None = None
        self._theme_filter_warned = False

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SchvSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._flush_on_idle, signal=signals.spider_idle)
        return spider

    # -- bookkeeping -------------------------------------------------------------------

    def _inc(self, key: str, count: int = 1) -> None:
        if self.crawler.stats:
            self.crawler.stats.inc_value(f"schv/{key}", count)

    def record_error(self, message: str) -> None:
        self.logger.warning(message)
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(_one_line(message))

    def _stop(self, reason: str, message: str) -> CloseSpider:
        """Stop the whole run: the source is unreachable or no longer what we know."""
        self.fatal = self.fatal or _one_line(message)
        self.record_error(message)
        return CloseSpider(reason)

    def _allowed(self, url: str) -> bool:
        return urlsplit(url).netloc.lower() in self.plan.allowed_hosts

    # -- discovery ---------------------------------------------------------------------

    def _scopes(self) -> list[SearchScope]:
        plan = self.plan
        server_filter = plan.options.server_side_theme_filter
        themes: Iterable[str | None] = plan.themes if server_filter else [None]
        if plan.session_year:
            return [SearchScope(session_year=plan.session_year, theme=t) for t in themes]
        return [SearchScope(since=plan.since, until=plan.until, theme=t) for t in themes]

    def _search(self, scope: SearchScope, page: int = 1) -> Request:
        plan = self.plan
        url = search_url(
            plan.sources.search_api_url,
            scope,
            page=page,
            page_size=plan.sources.search_page_size,
            collection=plan.sources.search_collection,
        )
        return Request(
            url,
            callback=self.parse_search,
            errback=self.source_unreachable,
            headers={"Accept": JSON_ACCEPT},
            meta={"scope": scope, "page": page, "kind": "search"},
            dont_filter=True,
        )

    async def start(self) -> AsyncIterator[Request]:
        if self.plan.mode == "incremental":
            self._queue_known_work()
        for scope in self._scopes():
            yield self._search(scope)

    # -- incremental -------------------------------------------------------------------

    def _queue_known_work(self) -> None:
        """Queue the details of questions storage says need them whatever discovery finds:
        unanswered ones due for a re-check and ones with unfinished documents. Their
        search-hit hints come from storage too (a hit found later replaces them), so an
        unchanged record hashes as before."""
        known = self.known
        if known is None:
            return
        unfinished = sorted(known.unfinished) if self.plan.options.download_documents else []
        for schv_id in (*known.recheck, *unfinished):
            if schv_id in self.queued:
                continue
            stored = known.questions.get(schv_id)
            if stored is None:
                continue
            self.queued.add(schv_id)
            self.hints[schv_id] = (stored.published_on, stored.asked_on)
            self.pending.append(schv_id)
        self._inc("rechecked", len(known.recheck))

    def _unchanged_hit(self, hit: Any) -> bool:
        """A known question whose hit says what storage holds: its details would be the
        same, so an incremental crawl does not ask for them."""
        stored = self.known.questions.get(hit.schv_id) if self.known else None
        if stored is None:
            return False
        answered = hit.first("statusdatumSchvBeantwoord")
        answered_on = answered[:10] if answered else None
        stored_answer = stored.answered_on.isoformat() if stored.answered_on else None
        return hit.published_on == stored.published_on and answered_on == stored_answer

    def _json(self, response: Response, what: str) -> Any:
        ctype = response.headers.get("Content-Type", b"").decode("latin-1").lower()
        try:
            return json.loads(response.body)
        except ValueError:
            start = _one_line(response.text[:80]) if hasattr(response, "text") else ""
            raise self._stop(
                "source_changed",
                f"{what} {response.url}: expected JSON, got {ctype or 'no content type'} "
                f"(HTTP {response.status}) starting {start!r}",
            ) from None

    def parse_search(self, response: Response) -> Iterator[Request]:
        scope: SearchScope = response.meta["scope"]
        page_no: int = response.meta["page"]
        plan = self.plan
        payload = self._json(response, "search API")
        try:
            page = parse_search_page(payload, f"search API {response.url}")
        except SourceChanged as exc:
            raise self._stop("source_changed", str(exc)) from None
        if page_no == 1 and page.count > plan.sources.search_hit_cap:
            yield from self._split(scope, page.count)
            return
        self._inc("search_hits", len(page.hits))
        if page.unreadable:
            self.record_error(f"search API {response.url}: {page.unreadable} hits without an id")
        for hit in page.hits:
            if hit.soort != "SCHV":
                self._inc("skipped_not_schv")
                continue
            if scope.theme and scope.theme.casefold() not in {t.casefold() for t in hit.themes}:
                self._warn_theme_filter(scope.theme)
            if not wanted(hit, plan.themes):
                self._inc("skipped_other_theme")
                continue
            if hit.schv_id in self.seen:
                continue
            self.seen.add(hit.schv_id)
            self._inc("discovered")
            asked = hit.first("themadatum")
            self.hints[hit.schv_id] = (
                hit.published_on,
                dt.date.fromisoformat(asked[:10]) if asked and asked[:10].count("-") == 2 else None,
            )
            if hit.schv_id in self.queued:
                continue  # already on its way, now with the hit's fresher hints
            if plan.mode == "incremental" and self._unchanged_hit(hit):
                self._inc("unchanged")
                continue
            self.pending.append(hit.schv_id)
        served = page_no * plan.sources.search_page_size
        more = page.lastindex < page.count and served < page.count
        if page.hits and more:
            yield self._search(scope, page_no + 1)
        while len(self.pending) >= plan.sources.opendata_batch_size:
            yield self._details(self._take_batch())

    def _warn_theme_filter(self, theme: str) -> None:
        self._inc("theme_filter_ignored")
        if not self._theme_filter_warned:
            self._theme_filter_warned = True
            self.logger.warning(
                "the search API returned hits outside theme %r: its server-side theme filter "
                "seems ignored; filtering on our side (set crawl.server_side_theme_filter = "
                "false to save requests)",
                theme,
            )

    def _split(self, scope: SearchScope, count: int) -> Iterator[Request]:
        cap = self.plan.sources.search_hit_cap
        if scope.session_year or scope.since is None or scope.until is None:
            raise self._stop(
                "too_many_hits",
                f"search for {scope.describe()} has {count} hits, more than the API's cap of "
                f"{cap}; narrow it with --since/--until",
            )
        halves = split_range(scope.since, scope.until)
        if not halves:
            raise self._stop(
                "too_many_hits",
                f"search for {scope.describe()} has {count} hits on one day, more than the "
                f"API's cap of {cap}",
            )
        self._inc("search_splits")
        for since, until in halves:
            yield self._search(SearchScope(since=since, until=until, theme=scope.theme))

    def source_unreachable(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        reason = _one_line(failure.getErrorMessage() or failure.type.__name__)
        status = getattr(getattr(failure.value, "response", None), "status", None)
        what = "search API" if request.meta.get("kind") == "search" else "open data API"
        detail = f"HTTP {status}" if status else reason
        raise self._stop("source_unreachable", f"{what} unreachable: {request.url}: {detail}")

    # -- details -----------------------------------------------------------------------

    def _take_batch(self) -> list[int]:
        size = self.plan.sources.opendata_batch_size
        batch, self.pending = self.pending[:size], self.pending[size:]
        return batch

    def _details(self, ids: list[int]) -> Request:
        return Request(
            list_url(self.plan.sources.opendata_api_url, ids),
            callback=self.parse_details,
            errback=self.source_unreachable,
            headers={"Accept": JSON_ACCEPT},
            meta={"ids": ids, "kind": "opendata"},
            dont_filter=True,
        )

    def _flush_on_idle(self) -> None:
        if self.pending and self.fatal is None:
            while self.pending:
                self.crawler.engine.crawl(self._details(self._take_batch()))
            raise DontCloseSpider

    def parse_details(
        self, response: Response
    ) -> Iterator[QuestionRecord | FetchedDocument | Request]:
        ids: list[int] = response.meta["ids"]
        where = f"open data API {response.url}"
        ctype = response.headers.get("Content-Type", b"").decode("latin-1").lower()
        if "xml" in ctype:
            raise self._stop(
                "source_changed",
                f"{where}: answered XML although we asked for JSON (Accept: {JSON_ACCEPT})",
            )
        payload = self._json(response, "open data API")
        try:
            raws = {int(r["id"]): r for r in list_records(payload, where)}
        except (SourceChanged, ValueError, TypeError) as exc:
            raise self._stop("source_changed", f"{where}: {exc}") from None
        for schv_id in ids:
            raw = raws.get(schv_id)
            if raw is None:
                self._inc("failed")
                self.record_error(f"question {schv_id}: unknown to open data")
                continue
            published, asked = self.hints.get(schv_id, (None, None))
            try:
                record = to_record(
                    raw,
                    opendata_base_url=self.plan.sources.opendata_api_url,
                    page_base_url=self.plan.sources.page_base_url,
                    published_on=published,
                    asked_on_hint=asked,
                )
            except SourceChanged as exc:
                raise self._stop("source_changed", str(exc)) from None
            stored = self.known.questions.get(schv_id) if self.known else None
            if stored is not None and stored.status == "asked" and record.status in (
                "answered", "answered_late"
            ):
                self._inc("newly_answered")
            yield record
            yield from self._documents(record)

    # -- documents ---------------------------------------------------------------------

    def _documents(self, record: QuestionRecord) -> Iterator[FetchedDocument | Request]:
        if not self.plan.options.download_documents:
            return
        stored = self.known.questions.get(record.id) if self.known else None
        unchanged = stored is not None and stored.source_hash == record.source_hash
        for ref in record.documents:
            state = self.known.documents.get(ref.pfile_id) if self.known else None
            fetched_ok = state is not None and state.fetch_status == "ok"
            if fetched_ok and unchanged:
                self._inc("documents_skipped_unchanged")
                continue
            if not self._allowed(ref.url):
                self._inc("documents_failed")
                yield FetchedDocument(
                    question_id=record.id,
                    ref=ref,
                    fetch_status="failed",
                    error=f"host not allowed: {urlsplit(ref.url).netloc}",
                )
                continue
            headers: dict[str, str] = {}
            if fetched_ok and state is not None:
                # Changed question, same file id: ask whether the file changed at all.
                if state.etag:
                    headers["If-None-Match"] = state.etag
                if state.last_modified:
                    headers["If-Modified-Since"] = state.last_modified
            yield Request(
                ref.url,
                callback=self.parse_document,
                errback=self.document_failed,
                headers=headers,
                meta={
                    "question_id": record.id,
                    "ref": ref,
                    "kind": "document",
                    "download_maxsize": self.plan.options.max_document_bytes,
                    "handle_httpstatus_all": True,
                },
                dont_filter=True,
            )

    def parse_document(self, response: Response) -> Iterator[FetchedDocument]:
        ref: DocumentRef = response.meta["ref"]
        question_id: int = response.meta["question_id"]
        headers = response.headers
        if response.status == 304:
            self._inc("documents_not_modified")
            return
        if response.status != 200:
            self._inc("documents_failed")
            yield FetchedDocument(
                question_id=question_id,
                ref=ref,
                fetch_status="failed",
                http_status=response.status,
                error=f"HTTP {response.status}",
            )
            return
        self._inc("documents_fetched")
        yield FetchedDocument(
            question_id=question_id,
            ref=ref,
            fetch_status="ok",
            http_status=response.status,
            content_type=headers.get("Content-Type", b"").decode("latin-1") or None,
            etag=headers.get("ETag", b"").decode("latin-1") or None,
            last_modified=headers.get("Last-Modified", b"").decode("latin-1") or None,
            body=response.body,
        )

    def document_failed(self, failure: Failure) -> Iterator[FetchedDocument]:
        request = failure.request  # type: ignore[attr-defined]
        ref: DocumentRef = request.meta["ref"]
        message = _one_line(failure.getErrorMessage() or failure.type.__name__)
        too_large = "max size" in message.lower() or "maxsize" in message.lower()
        self._inc("documents_failed")
        self.record_error(f"document {ref.pfile_id} ({ref.url}): {message}")
        yield FetchedDocument(
            question_id=request.meta["question_id"],
            ref=ref,
            fetch_status="too_large" if too_large else "failed",
            error=message,
        )
