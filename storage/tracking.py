"""What an incremental crawl reads from, and writes to, the run history.

Functions over a Store (one transaction each), kept apart from repository.py because they
serve one purpose: deciding how little the next crawl may do, and checking afterwards that
it did not do too little.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, select, update

from storage.models import CrawlRun, Document, Question, QuestionDocument, QuestionTheme, Theme

if TYPE_CHECKING:
    from storage.repository import Store

ABANDONED = "abandoned: the crawl process ended without finishing (killed?)"


def freshness(store: Store) -> dict[str, Any]:
    """How current the data is, for `schv status`: the newest publication date, the last
    change stored, and how many questions still wait for an answer."""
    with store._read() as connection:
        row = connection.execute(
            select(
                func.max(Question.published_on),
                func.max(Question.updated_at),
                func.count().filter(Question.status == "asked"),
            )
        ).one()
    return {"newest_published_on": row[0], "last_change": row[1], "open": row[2]}


def recheck_interval(age_days: int, cadence: Sequence[tuple[int, int]]) -> int | None:
    """Days between re-checks of an unanswered question `age_days` old; None = no more."""
    for max_age, every in cadence:
        if age_days <= max_age:
            return every
    return None


def due_for_recheck(
    store: Store, cadence: Sequence[tuple[int, int]], now: dt.datetime
) -> tuple[int, ...]:
    """Unanswered questions whose last check is older than their age's interval, the
    longest unchecked first."""
    if not cadence:
        return ()
    with store._read() as connection:
        rows = connection.execute(
            select(Question.id, Question.asked_on, Question.first_seen_at,
                   Question.last_checked_at)
            .where(Question.status == "asked")
            .order_by(Question.last_checked_at, Question.id)
        ).all()
    due = []
    today = now.date()
    for row in rows:
        asked = row.asked_on or row.first_seen_at.date()
        every = recheck_interval((today - asked).days, cadence)
        if every is None:
            continue
        # A little slack: a daily check must not slip a day because the run started
        # a few minutes earlier than yesterday's.
        if row.last_checked_at <= now - dt.timedelta(days=every) + dt.timedelta(hours=1):
            due.append(row.id)
    return tuple(due)


def unfinished_questions(store: Store, retries: int, now: dt.datetime) -> frozenset[int]:
    """Questions with a document never fetched (a crawl stopped half-way), or a failed
    one whose back-off (2^attempts hours) has passed and that has retries left."""
    with store._read() as connection:
        rows = connection.execute(
            select(QuestionDocument.question_id, Document.fetch_status, Document.attempts,
                   Document.fetched_at)
            .join(Document, Document.pfile_id == QuestionDocument.pfile_id)
            .where(Document.fetch_status != "ok")
        ).all()
    ids = set()
    for row in rows:
        never_tried = row.fetch_status == "pending"
        retry_due = row.attempts < retries and (
            row.fetched_at is None
            or row.fetched_at <= now - dt.timedelta(hours=2 ** min(row.attempts, 10))
        )
        if never_tried or retry_due:
            ids.add(row.question_id)
    return frozenset(ids)


# -- runs ------------------------------------------------------------------------------


def close_abandoned_runs(store: Store) -> int:
    """Mark runs still "running" as interrupted. Only call this holding the crawl lock:
    then no other crawl is alive, and a "running" row was left by a killed process."""
    with store._write() as connection:
        result = connection.execute(
            update(CrawlRun.__table__)
            .where(CrawlRun.status == "running")
            .values(status="interrupted", message=ABANDONED)
        )
    return int(result.rowcount or 0)


def set_run_scope(store: Store, run_id: int, mode: str, watermark: dt.date | None) -> None:
    with store._write() as connection:
        connection.execute(
            update(CrawlRun.__table__)
            .where(CrawlRun.id == run_id)
            .values(mode=mode, watermark=watermark)
        )


def _covers(params: dict[str, Any], themes: Iterable[str]) -> bool:
    done = {str(t).casefold() for t in params.get("themes") or []}
    return {t.casefold() for t in themes} <= done


def last_watermark(store: Store, themes: Iterable[str]) -> dict[str, Any] | None:
    """The newest successful run with a watermark whose themes include `themes`."""
    wanted = list(themes)
    with store._read() as connection:
        rows = connection.execute(
            select(CrawlRun.id, CrawlRun.watermark, CrawlRun.params_json, CrawlRun.finished_at)
            .where(CrawlRun.status == "ok", CrawlRun.watermark.is_not(None))
            .order_by(CrawlRun.id.desc())
            .limit(50)
        ).all()
    for row in rows:
        if _covers(json.loads(row.params_json or "{}"), wanted):
            return {"id": row.id, "watermark": row.watermark, "finished_at": row.finished_at}
    return None


def stored_in_window(
    store: Store, since: dt.date | None, until: dt.date | None, themes: Iterable[str]
) -> int:
    """Questions already stored whose publication date lies in the window: what an
    earlier discovery of the same window found."""
    conditions = [Theme.name.in_(list(themes))]
    if since is not None:
        conditions.append(Question.published_on >= since)
    if until is not None:
        conditions.append(Question.published_on <= until)
    with store._read() as connection:
        return int(
            connection.execute(
                select(func.count(func.distinct(Question.id)))
                .select_from(Question)
                .join(QuestionTheme, QuestionTheme.question_id == Question.id)
                .join(Theme, Theme.id == QuestionTheme.theme_id)
                .where(and_(*conditions))
            ).scalar_one()
        )


@dataclass(frozen=True)
class FillRate:
    field: str
    run_filled: int
    run_total: int
    usual_filled: int
    usual_total: int

    @property
    def run_rate(self) -> float:
        return self.run_filled / self.run_total if self.run_total else 0.0

    @property
    def usual_rate(self) -> float:
        return self.usual_filled / self.usual_total if self.usual_total else 0.0


_FILLED_FIELDS = ("title", "subject", "asked_on", "asker_id", "minister_id", "question_text")


def fill_rates(store: Store, since: dt.datetime, *, documents: bool) -> list[FillRate]:
    """How often each field is filled among the questions this run wrote (updated at or
    after `since`) and among all the others; answer_text only over answered questions."""
    fields = [f for f in _FILLED_FIELDS if documents or f != "question_text"]
    touched = Question.updated_at >= since
    columns: list[Any] = []
    for name in fields:
        column = Question.__table__.c[name]
        columns += [func.count(column), func.count()]
    answered = Question.status.in_(["answered", "answered_late"])
    with store._read() as connection:
        run = connection.execute(select(*columns).where(touched)).one()
        usual = connection.execute(select(*columns).where(~touched)).one()
        if documents:
            answer_cols = [func.count(Question.answer_text), func.count()]
            run_a = connection.execute(select(*answer_cols).where(touched, answered)).one()
            usual_a = connection.execute(
                select(*answer_cols).where(~touched, answered)
            ).one()
    rates = [
        FillRate(name, run[2 * i], run[2 * i + 1], usual[2 * i], usual[2 * i + 1])
        for i, name in enumerate(fields)
    ]
    if documents:
        rates.append(FillRate("answer_text", run_a[0], run_a[1], usual_a[0], usual_a[1]))
    return rates
