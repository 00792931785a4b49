"""One crawl, start to end: open the store, run the spider, record the run.

A crawl owns its process (Twisted's reactor cannot restart), which is why the daemon
starts `schv crawl` as a child process instead of calling this.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from dataclasses import replace as replace_record
from typing import TYPE_CHECKING, Any

from config import Settings
from scraper.plan import CrawlPlan, incremental_since
from scraper.settings import scrapy_settings

if TYPE_CHECKING:
    from storage import Store
    from storage.locks import HeldLock

def _count_keys() -> tuple[str, ...]:
    """The run counts the spider keeps in its stats: the crawl_run count columns, except
    requests, which Scrapy counts itself."""
    from storage.models import RUN_COUNT_COLUMNS

    return tuple(key for key in RUN_COUNT_COLUMNS if key != "requests")


@dataclass
class CrawlSummary:
    run_id: int
    status: str
    seconds: float
    counts: dict[str, int]
    requests: int
    errors: list[str] = field(default_factory=list)
    message: str | None = None
    mode: str = "full"
    window: str = ""
    # What the watches got from this run (schv.alerts); empty without watches.
    alerts: str = ""

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
        line += (
            f"\n{self.mode} crawl of {self.window}; re-checked {c['rechecked']} unanswered, "
            f"newly answered {c['newly_answered']}"
        )
        if self.status == "ok" and not self.changed:
            line += "\nnothing changed since the last run"
        if self.message:
            line += f"\nreason: {self.message}"
        if self.alerts:
            line += f"\n{self.alerts}"
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
    full: bool = False,
    wait: float | None = 0,
    verbose: bool = False,
    progress: bool = True,
    extra_scrapy_settings: dict[str, Any] | None = None,
) -> CrawlSummary:
    """One crawl under the database's crawl lock (storage.locks; `wait` as there).

    Without a scope of its own (no since/until/session year) and after a first successful
    run, the crawl is incremental: see `_choose_scope`.
    """
    from storage import Store
    from storage.locks import database_lock

    with database_lock(settings.database.url, "crawl", wait=wait) as lock:
        store = Store.open(settings.database.url, settings.database.raw_dir)
        try:
            return _locked_crawl(
                settings, store, lock,
                themes=themes, since=since, until=until, session_year=session_year,
                trigger=trigger, full=full, verbose=verbose, progress=progress,
                extra_scrapy_settings=extra_scrapy_settings,
            )
        finally:
            store.close()


def _choose_scope(
    settings: Settings,
    store: Store,
    plan: CrawlPlan,
    *,
    explicit: bool,
    full: bool,
    today: dt.date,
) -> CrawlPlan:
    """Full or incremental, and the watermark the run will leave if it succeeds.

    The watermark is the last publication date a run saw with no gap back to
    crawl.since: a full crawl of the configured window, or an incremental one (whose
    own start lies on an earlier watermark). Hand-picked windows leave none.
    """
    from storage import tracking

    configured = dt.date.fromisoformat(settings.crawl.since) if settings.crawl.since else None
    reached = min(plan.until, today) if plan.until else today
    if not explicit and not full:
        base = tracking.last_watermark(store, plan.themes)
        if base is not None:
            start = incremental_since(
                base["watermark"], settings.tracking.overlap_days, configured
            )
            return plan.with_scope(mode="incremental", since=start, watermark=reached)
    reaches_start = plan.session_year is None and (
        plan.since is None or (configured is not None and plan.since <= configured)
    )
    return plan.with_scope(mode="full", watermark=reached if reaches_start else None)


def _alarms(
    settings: Settings,
    store: Store,
    plan: CrawlPlan,
    counts: dict[str, int],
    stored_before: int,
    started_at: dt.datetime,
) -> list[str]:
    """Why a run that finished is not to be trusted: reasons, one line each."""
    from storage import tracking

    reasons = []
    if counts["discovered"] == 0 and stored_before > 0:
        reasons.append(
            f"discovery found nothing in {_window(plan)} where earlier runs found "
            f"{stored_before} questions: the search API may have changed or stopped"
        )
    alarms = settings.alarms
    rates = tracking.fill_rates(
        store, started_at, documents=settings.crawl.download_documents
    )
    for rate in rates:
        if min(rate.run_total, rate.usual_total) < alarms.min_sample or not rate.usual_rate:
            continue
        if rate.run_rate < rate.usual_rate * alarms.fill_rate_drop:
            reasons.append(
                f"{rate.field} filled in {rate.run_filled} of {rate.run_total} questions "
                f"of this run, usually {rate.usual_rate:.0%}: the source or the parser "
                "may have changed"
            )
    return reasons


def _window(plan: CrawlPlan) -> str:
    if plan.session_year:
        return f"session year {plan.session_year}"
    since = plan.since.isoformat() if plan.since else "the start"
    return f"{since}..{plan.until.isoformat() if plan.until else 'today'}"


def _locked_crawl(
    settings: Settings,
    store: Store,
    lock: HeldLock,
    *,
    themes: tuple[str, ...] | None,
    since: dt.date | None,
    until: dt.date | None,
    session_year: str | None,
    trigger: str,
    full: bool,
    verbose: bool,
    progress: bool,
    extra_scrapy_settings: dict[str, Any] | None,
) -> CrawlSummary:
    # Imported here so `schv --help` and config errors do not pay for Scrapy's import.
    from scrapy.crawler import CrawlerProcess

    from scraper.spiders.schv import SchvSpider
    from storage import tracking
    from storage.locks import LockLost
    from storage.repository import utc_now

    started = time.monotonic()
    # We hold the crawl lock: a run still marked running was left by a killed process.
    tracking.close_abandoned_runs(store)
    now = utc_now()
    plan = CrawlPlan.from_settings(
        settings, themes=themes, since=since, until=until, session_year=session_year
    )
    explicit = since is not None or until is not None or session_year is not None
    plan = _choose_scope(settings, store, plan, explicit=explicit, full=full, today=now.date())
    stored_before = 0 if plan.session_year else tracking.stored_in_window(
        store, plan.since, plan.until, plan.themes
    )
    run_id = store.start_run(trigger, plan.params())
    tracking.set_run_scope(store, run_id, plan.mode, plan.watermark)
    try:
        known = store.known_state()
        incremental = plan.mode == "incremental"
        known = replace_record(
            known,
            recheck=tracking.due_for_recheck(store, settings.tracking.cadence, now)
            if incremental else (),
            unfinished=tracking.unfinished_questions(
                store, settings.tracking.document_retries, now
            ) if incremental else frozenset(),
        )
        scrapy_conf = scrapy_settings(settings, log_level="INFO" if verbose else "WARNING")
        scrapy_conf["SCHV_PROGRESS"] = progress
        scrapy_conf.update(extra_scrapy_settings or {})
        _install_log_handler(verbose)
        process = CrawlerProcess(scrapy_conf)
        crawler = process.create_crawler(SchvSpider)
        crawler.schv_store = store  # type: ignore[attr-defined]
        # The pipeline asks it before each write (scraper.pipelines).
        crawler.schv_lock = lock  # type: ignore[attr-defined]
        process.crawl(crawler, plan=plan, known=known)
        process.start()
    except BaseException as exc:
        # Never leave a run marked "running" behind.
        status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
        store.finish_run(run_id, status, {}, [], message=f"{type(exc).__name__}: {exc}")
        raise

    spider: Any = crawler.spider
    stats = crawler.stats.get_stats() if crawler.stats else {}
    counts = {key: int(stats.get(f"schv/{key}", 0)) for key in _count_keys()}
    requests = int(stats.get("downloader/request_count", 0))
    reason = stats.get("finish_reason", "finished")
    fatal = getattr(spider, "fatal", None)
    errors = list(getattr(spider, "errors", []))
    if not fatal:
        # Lost after the last write: the run must not pass as ok all the same.
        try:
            lock.ensure_held()
        except LockLost as exc:
            fatal = str(exc)
            errors.append(fatal)
    # An exception in our own callbacks is a bug: the run must not pass as ok.
    bugs = {k.split("/", 1)[1]: v for k, v in stats.items()
            if k.startswith("spider_exceptions/") and k.count("/") == 1}
    if bugs and not fatal:
        fatal = "internal error in the spider: " + ", ".join(
            f"{name} x{count}" for name, count in sorted(bugs.items())
        )
    if fatal:
        # An answer in a shape we do not know is the source drifting, not an outage.
        status = "degraded" if reason == "source_changed" else "failed"
    elif reason == "finished":
        status = "ok"
    else:
        status = "interrupted"
    message = fatal or (None if status == "ok" else f"stopped: {reason}")
    if status == "ok":
        reasons = _alarms(settings, store, plan, counts, stored_before, now)
        if reasons:
            status, message = "degraded", "; ".join(reasons)
    if status == "degraded":
        logging.getLogger("schv.crawl").warning("run degraded: %s", message)
    store.finish_run(run_id, status, {**counts, "requests": requests}, errors, message=message)
    alerts = _alerts(settings, store, run_id)
    return CrawlSummary(
        run_id=run_id,
        status=status,
        seconds=time.monotonic() - started,
        counts=counts,
        requests=requests,
        errors=errors,
        message=message,
        mode=plan.mode,
        window=_window(plan),
        alerts=alerts,
    )


def _alerts(settings: Settings, store: Store, run_id: int) -> str:
    """Derive and deliver the watches' events. Never fails the crawl: whatever goes wrong
    here leaves the events to the next run, which derives from the data, not the run."""
    from schv.alerts import run_alerts

    try:
        return run_alerts(settings, store, run_id=run_id).text()
    except Exception as exc:
        logging.getLogger("schv.crawl").warning("alerts failed: %s: %s",
                                                type(exc).__name__, exc)
        return f"alerts: not done this run ({type(exc).__name__}: {exc}); the next run catches up"
