"""One crawl, start to end: open the store, run the spider, record the run.

A crawl owns its process (Twisted's reactor cannot restart), which is why the daemon
starts `schv crawl` as a child process instead of calling this.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from config import Settings
from scraper.plan import CrawlPlan
from scraper.settings import scrapy_settings

COUNT_KEYS = (
    "discovered",
    "new",
    "updated",
    "unchanged",
    "failed",
    "documents_fetched",
    "documents_parsed",
    "documents_failed",
)


@dataclass
class CrawlSummary:
    run_id: int
    status: str
    seconds: float
    counts: dict[str, int]
    requests: int
    errors: list[str] = field(default_factory=list)
    message: str | None = None

    @property
    def changed(self) -> bool:
        c = self.counts
        return bool(c["new"] or c["updated"] or c["documents_fetched"])

    def text(self) -> str:
        c = self.counts
        line = (
            f"crawl #{self.run_id} {self.status} in {self.seconds:.1f} s: "
            f"discovered {c['discovered']}, new {c['new']}, updated {c['updated']}, "
            f"unchanged {c['unchanged']}, failed {c['failed']}; documents fetched "
            f"{c['documents_fetched']}, parsed {c['documents_parsed']}, failed "
            f"{c['documents_failed']}; {self.requests} requests"
        )
        if self.status == "ok" and not self.changed:
            line += "\nnothing changed since the last run"
        if self.message:
            line += f"\nreason: {self.message}"
        return line


# Download trouble is reported by the spider itself, once, with what it means for the run;
# these loggers would say it again in Scrapy's words (`--verbose` shows them).
_QUIET_LOGGERS = (
    "scrapy.downloadermiddlewares",
    "scrapy.core.downloader",
    "scrapy.core.engine",
)


class _OneLine(logging.Filter):
    """Keep log records to their message: a user sees what went wrong, not a traceback
    (`--verbose` shows them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith(_QUIET_LOGGERS) and record.levelno < logging.CRITICAL:
            return False
        if record.name == "scrapy.core.scraper" and record.getMessage().startswith(
            "Error downloading"
        ):
            return False
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True


def _install_log_handler(verbose: bool) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    # On the handler, not the root logger: Scrapy resets the root logger's level.
    handler.setLevel(logging.INFO if verbose else logging.WARNING)
    if not verbose:
        handler.addFilter(_OneLine())
    logging.getLogger().handlers[:] = [handler]
    logging.captureWarnings(True)


def run_crawl(
    settings: Settings,
    *,
    themes: tuple[str, ...] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    session_year: str | None = None,
    trigger: str = "manual",
    verbose: bool = False,
    progress: bool = True,
    extra_scrapy_settings: dict[str, Any] | None = None,
) -> CrawlSummary:
    # Imported here so `schv --help` and config errors do not pay for Scrapy's import.
    from scrapy.crawler import CrawlerProcess

    from scraper.spiders.schv import SchvSpider
    from storage import Store

    plan = CrawlPlan.from_settings(
        settings, themes=themes, since=since, until=until, session_year=session_year
    )
    started = time.monotonic()
    store = Store.open(settings.database.url, settings.database.raw_dir)
    try:
        run_id = store.start_run(trigger, plan.params())
        try:
            known = store.known_state()
            scrapy_conf = scrapy_settings(settings, log_level="INFO" if verbose else "WARNING")
            scrapy_conf["SCHV_PROGRESS"] = progress
            scrapy_conf.update(extra_scrapy_settings or {})
            _install_log_handler(verbose)
            process = CrawlerProcess(scrapy_conf)
            crawler = process.create_crawler(SchvSpider)
            crawler.schv_store = store  # type: ignore[attr-defined]
            process.crawl(crawler, plan=plan, known=known)
            process.start()
        except BaseException as exc:
            # Never leave a run marked "running" behind.
            status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
            store.finish_run(run_id, status, {}, [], message=f"{type(exc).__name__}: {exc}")
            raise

        spider: Any = crawler.spider
        stats = crawler.stats.get_stats() if crawler.stats else {}
        counts = {key: int(stats.get(f"schv/{key}", 0)) for key in COUNT_KEYS}
        requests = int(stats.get("downloader/request_count", 0))
        reason = stats.get("finish_reason", "finished")
        fatal = getattr(spider, "fatal", None)
        errors = list(getattr(spider, "errors", []))
        # An exception in our own callbacks is a bug: the run must not pass as ok.
        bugs = {k.split("/", 1)[1]: v for k, v in stats.items()
                if k.startswith("spider_exceptions/") and k.count("/") == 1}
        if bugs and not fatal:
            fatal = "internal error in the spider: " + ", ".join(
                f"{name} x{count}" for name, count in sorted(bugs.items())
            )
        if fatal:
            status = "failed"
        elif reason == "finished":
            status = "ok"
        else:
            status = "interrupted"
        message = fatal or (None if status == "ok" else f"stopped: {reason}")
        store.finish_run(
            run_id, status, {**counts, "requests": requests}, errors, message=message
        )
        return CrawlSummary(
            run_id=run_id,
            status=status,
            seconds=time.monotonic() - started,
            counts=counts,
            requests=requests,
            errors=errors,
            message=message,
        )
    finally:
        store.close()
