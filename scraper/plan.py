"""What one crawl is asked to do, fixed before it starts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

from config import Settings


@dataclass(frozen=True)
class CrawlPlan:
    themes: tuple[str, ...]
    since: dt.date | None
    until: dt.date | None
    session_year: str | None
    search_api_url: str
    opendata_api_url: str
    document_base_url: str
    page_base_url: str
    search_collection: str
    search_page_size: int
    search_hit_cap: int
    opendata_batch_size: int
    server_side_theme_filter: bool
    download_documents: bool
    max_document_bytes: int

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        themes: tuple[str, ...] | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        session_year: str | None = None,
        today: dt.date | None = None,
    ) -> CrawlPlan:
        crawl, sources = settings.crawl, settings.sources
        default_since = dt.date.fromisoformat(crawl.since) if crawl.since else None
        default_until = dt.date.fromisoformat(crawl.until) if crawl.until else None
        return cls(
            themes=themes or crawl.themes,
            since=since or default_since,
            # A concrete end makes the range splittable; today is the natural one.
            until=until or default_until or today or dt.date.today(),
            session_year=session_year,
            search_api_url=sources.search_api_url,
            opendata_api_url=sources.opendata_api_url,
            document_base_url=sources.document_base_url,
            page_base_url=sources.page_base_url,
            search_collection=sources.search_collection,
            search_page_size=sources.search_page_size,
            search_hit_cap=sources.search_hit_cap,
            opendata_batch_size=sources.opendata_batch_size,
            server_side_theme_filter=crawl.server_side_theme_filter,
            download_documents=crawl.download_documents,
            max_document_bytes=crawl.max_document_bytes,
        )

    @property
    def allowed_hosts(self) -> frozenset[str]:
        """Hosts we may request: those of the configured sources, nothing else."""
        urls = (self.search_api_url, self.opendata_api_url, self.document_base_url)
        return frozenset(urlsplit(u).netloc.lower() for u in urls)

    def describe(self) -> str:
        scope = (
            f"session year {self.session_year}"
            if self.session_year
            else f"published {self.since or 'any time'} to {self.until or 'today'}"
        )
        return f"themes {', '.join(self.themes)}; {scope}"
