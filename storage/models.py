"""Typed SQLAlchemy models: the tables as the code sees them.

The migrations in `storage/migrations/versions` create the same tables by hand; a test
compares both so they cannot drift apart. Users read the views, not these tables.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp that is always timezone-aware UTC in Python.

    SQLite has no time zone type: it stores the UTC wall time as text and this type puts
    the UTC zone back on reading, so both databases hand out the same values.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; storage keeps timezone-aware UTC only")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    pass


class Person(Base):
    __tablename__ = "person"

    # The open data API's person id: a natural key, so never generated here.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    first_name: Mapped[str] = mapped_column(Text)
    last_name: Mapped[str] = mapped_column(Text)
    full_name: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # The member's group (`fractie`) as the open data API gives it; NULL for ministers.
    party: Mapped[str | None] = mapped_column(Text)


class Theme(Base):
    __tablename__ = "theme"
    __table_args__ = (UniqueConstraint("name", name="uq_theme_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(Text)


class Question(Base):
    __tablename__ = "question"
    __table_args__ = (
        Index("ix_question_session_year_number", "session_year", "number"),
        Index("ix_question_published_on", "published_on"),
        Index("ix_question_asked_on", "asked_on"),
        Index("ix_question_minister_id", "minister_id"),
        # What changed since a watch last looked (storage.watches), and deadlines.
        Index("ix_question_updated_at", "updated_at"),
        Index("ix_question_due_on", "due_on"),
    )

    # The schv id: the parliament's key, never generated here.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    number: Mapped[int | None] = mapped_column(Integer)
    session_year: Mapped[str | None] = mapped_column(String(16))
    title: Mapped[str | None] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(Text)
    asked_on: Mapped[dt.date | None] = mapped_column(Date)
    answered_on: Mapped[dt.date | None] = mapped_column(Date)
    published_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    on_time: Mapped[bool | None] = mapped_column(Boolean)
    answer_kind: Mapped[str | None] = mapped_column(Text)
    asker_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    minister_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    page_url: Mapped[str | None] = mapped_column(Text)
    opendata_url: Mapped[str | None] = mapped_column(Text)
    procedure_json: Mapped[str] = mapped_column(Text)
    source_hash: Mapped[str] = mapped_column(String(64))
    # From the main document, not the API: filled in by record_document.
    question_text: Mapped[str | None] = mapped_column(Text)
    answer_text: Mapped[str | None] = mapped_column(Text)
    doc_subject: Mapped[str | None] = mapped_column(Text)
    doc_number: Mapped[int | None] = mapped_column(Integer)
    doc_asker: Mapped[str | None] = mapped_column(Text)
    doc_asked_on: Mapped[dt.date | None] = mapped_column(Date)
    doc_minister: Mapped[str | None] = mapped_column(Text)
    doc_minister_title: Mapped[str | None] = mapped_column(Text)
    first_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    last_checked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # 20 working days after asked_on (storage.lifecycle.due_date); the answer deadline.
    due_on: Mapped[dt.date | None] = mapped_column(Date)


class QuestionTheme(Base):
    __tablename__ = "question_theme"

    question_id: Mapped[int] = mapped_column(
        ForeignKey("question.id", ondelete="CASCADE"), primary_key=True
    )
    theme_id: Mapped[int] = mapped_column(
        ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True
    )


class Document(Base):
    __tablename__ = "document"
    __table_args__ = (Index("ix_document_fetched_at", "fetched_at"),)

    # The parliament's pfile id: one row per file even when several questions list it.
    pfile_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    url: Mapped[str] = mapped_column(Text)
    declared_type: Mapped[str | None] = mapped_column(Text)
    media_type: Mapped[str | None] = mapped_column(Text)
    size: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    fetch_status: Mapped[str] = mapped_column(String(16), server_default="pending")
    http_status: Mapped[int | None] = mapped_column(Integer)
    fetch_error: Mapped[str | None] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    fetched_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    parse_status: Mapped[str] = mapped_column(String(16), server_default="pending")
    parse_error: Mapped[str | None] = mapped_column(Text)
    parser_version: Mapped[str | None] = mapped_column(Text)
    pages: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text)
    parsed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")


class QuestionDocument(Base):
    __tablename__ = "question_document"
    # The primary key leads with question_id; the document side needs its own index.
    __table_args__ = (Index("ix_question_document_pfile_id", "pfile_id"),)

    question_id: Mapped[int] = mapped_column(
        ForeignKey("question.id", ondelete="CASCADE"), primary_key=True
    )
    pfile_id: Mapped[int] = mapped_column(ForeignKey("document.pfile_id"), primary_key=True)
    # No unique (question_id, position): reordering attachments would trip over it.
    position: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(Text)


class CrawlRun(Base):
    __tablename__ = "crawl_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    trigger: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    params_json: Mapped[str] = mapped_column(Text)
    requests: Mapped[int] = mapped_column(Integer, server_default="0")
    discovered: Mapped[int] = mapped_column(Integer, server_default="0")
    new: Mapped[int] = mapped_column(Integer, server_default="0")
    updated: Mapped[int] = mapped_column(Integer, server_default="0")
    unchanged: Mapped[int] = mapped_column(Integer, server_default="0")
    failed: Mapped[int] = mapped_column(Integer, server_default="0")
    documents_fetched: Mapped[int] = mapped_column(Integer, server_default="0")
    documents_parsed: Mapped[int] = mapped_column(Integer, server_default="0")
    errors_json: Mapped[str] = mapped_column(Text, server_default="[]")
    message: Mapped[str | None] = mapped_column(Text)
    newly_answered: Mapped[int] = mapped_column(Integer, server_default="0")
    documents_failed: Mapped[int] = mapped_column(Integer, server_default="0")
    rechecked: Mapped[int] = mapped_column(Integer, server_default="0")
    # "full" or "incremental".
    mode: Mapped[str | None] = mapped_column(String(16))
    # Latest publication date this run covered without a gap since crawl.since; the next
    # incremental run starts there minus the overlap. NULL for runs with a narrower scope.
    watermark: Mapped[dt.date | None] = mapped_column(Date)


class Watch(Base):
    """What a user follows (`schv watch add`): a search, one question, or overdue questions,
    the events it wants and where they go besides its feed."""

    __tablename__ = "watch"
    __table_args__ = (UniqueConstraint("name", name="uq_watch_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64))
    # "search", "question" or "overdue": which options it was made with.
    kind: Mapped[str] = mapped_column(String(16))
    search: Mapped[str | None] = mapped_column(Text)
    theme: Mapped[str | None] = mapped_column(Text)
    minister: Mapped[str | None] = mapped_column(Text)
    asker: Mapped[str | None] = mapped_column(Text)
    # No foreign key: a question may be watched before a crawl has stored it.
    question_id: Mapped[int | None] = mapped_column(Integer)
    # Comma-separated event kinds: asked, answered, overdue, changed.
    events: Mapped[str] = mapped_column(Text)
    webhook_url: Mapped[str | None] = mapped_column(Text)
    # Comma-separated addresses.
    email: Mapped[str | None] = mapped_column(Text)
    # Deliver what was already true when the watch was made (and in a new database's
    # first crawls); otherwise that is its silent baseline.
    backfill: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # When its events were last derived (NULL: never), and the newest write that
    # derivation saw (question.updated_at, document.fetched_at): the next one looks only
    # at rows written since, and at deadlines passed since.
    checked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    seen_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class WatchEvent(Base):
    """Something a watch wants that the data now shows, stored once per natural key."""

    __tablename__ = "watch_event"
    __table_args__ = (
        UniqueConstraint("watch_id", "question_id", "kind", "version", name="uq_watch_event"),
        Index("ix_watch_event_question_id", "question_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    watch_id: Mapped[int] = mapped_column(ForeignKey("watch.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    # The answer document's sha256 for `changed`; '' for the other kinds.
    version: Mapped[str] = mapped_column(String(64), server_default="")
    # Part of what was already true when the watch started: kept so it is never
    # delivered later, but delivered nowhere.
    baseline: Mapped[bool] = mapped_column(Boolean)
    detected_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # The crawl after which it was found; NULL when found by `schv watch add`.
    run_id: Mapped[int | None] = mapped_column(Integer)


class WatchDelivery(Base):
    """One event on one channel (feed, webhook, email): delivered, or why not yet."""

    __tablename__ = "watch_delivery"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("watch_event.id", ondelete="CASCADE"), primary_key=True
    )
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    # "delivered" or "failed" (retried at the next run).
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    last_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


# The crawl_run columns a caller may set through finish_run's counts.
RUN_COUNT_COLUMNS: tuple[str, ...] = (
    "requests",
    "discovered",
    "new",
    "updated",
    "unchanged",
    "failed",
    "documents_fetched",
    "documents_parsed",
    "newly_answered",
    "documents_failed",
    "rechecked",
)


# Full-text search objects that the database maintains by itself (migration 0003): the
# SQLite FTS5 table with its shadow tables, PostgreSQL's generated tsvector column and
# its index. Not mapped; left out when the models are compared with the migrated schema.
UNMAPPED_SEARCH_OBJECTS = frozenset({"search_vector", "ix_question_search_vector"})


def is_mapped_object(name: str | None, type_: str, _parent_names: object) -> bool:
    """Alembic `include_name` hook: False for the full-text search objects."""
    if type_ == "table" and name is not None and name.startswith("question_fts"):
        return False
    return name not in UNMAPPED_SEARCH_OBJECTS
