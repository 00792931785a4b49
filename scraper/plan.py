"""What one crawl is asked to do, fixed before it starts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from config import Settings
from config.settings import CrawlSettings, SourcesSettings


@dataclass(frozen=True)
class CrawlPlan:
    """The run's own scope (themes, window) beside the configured sources and options."""

    themes: tuple[str, ...]
    since: dt.date | None
    until: dt.date | None
    session_year: str | None
    sources: SourcesSettings
    options: CrawlSettings
    # "full": details of every question found; "incremental": only of what changed, is
    # unfinished, or is due for a re-check (see SchvSpider).
    mode: str = "full"
    # Stored on the run when its window reaches back to crawl.since without a gap (see
    # storage.tracking.last_watermark); None for narrower, hand-picked scopes.
    watermark: dt.date | None = None

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
        crawl = settings.crawl
        default_since = dt.date.fromisoformat(crawl.since) if crawl.since else None
        default_until = dt.date.fromisoformat(crawl.until) if crawl.until else None
        return cls(
            themes=themes or crawl.themes,
            since=since or default_since,
            # A concrete end makes the range splittable; today is the natural one.
            until=until or default_until or today or dt.date.today(),
            session_year=session_year,
            sources=settings.sources,
            options=crawl,
        )

    @property
    def allowed_hosts(self) -> frozenset[str]:
        """Hosts we may request: those of the configured sources, nothing else."""
        s = self.sources
        urls = (s.search_api_url, s.opendata_api_url, s.document_base_url)
        return frozenset(urlsplit(u).netloc.lower() for u in urls)

    def params(self) -> dict[str, object]:
        """The scope as recorded on the run."""
        return {
            "themes": list(self.themes),
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "session_year": self.session_year,
            "mode": self.mode,
        }

    def with_scope(self, **changes: Any) -> CrawlPlan:
        return replace(self, **changes)


def incremental_since(
    watermark: dt.date, overlap_days: int, configured_since: dt.date | None
) -> dt.date:
    """Where an incremental discovery starts: the watermark minus the overlap, never
    before the configured start."""
    since = watermark - dt.timedelta(days=overlap_days)
    return max(since, configured_since) if configured_since else since
