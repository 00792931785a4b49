"""Watches and alerts: what users follow, the events found for them, their deliveries.

Revision ID: 0006
Revises: 0005

- `watch`: a saved search, one question, or overdue questions (`schv watch add`).
- `watch_event`: one row per (watch, question, kind, version), stored once; `baseline`
  rows record what was already true when the watch started and are never delivered.
- `watch_delivery`: one row per (event, channel) tried: delivered, or failed with its
  reason (retried by the next run).
- The public view `watch_events` (documented in storage/dictionary).
- Indexes on question.updated_at, question.due_on and document.fetched_at: a crawl's
  derivation reads what changed since the last one, and which deadlines passed.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)

_CHANNEL_STATE = """CASE WHEN e.baseline OR {enabled} THEN NULL
         ELSE COALESCE({alias}.status, 'pending') END"""
_CHANNEL_ERROR = "CASE WHEN {alias}.status = 'failed' THEN '{alias}: ' || {alias}.last_error END"

_VIEW = f"""
CREATE VIEW watch_events AS
SELECT
    e.id AS id,
    w.name AS watch,
    e.kind AS kind,
    e.question_id AS question_id,
    q.session_year AS session_year,
    q.number AS number,
    q.title AS title,
    minister.full_name AS minister,
    q.status AS status,
    e.detected_at AS detected_at,
    e.baseline AS baseline,
    {_CHANNEL_STATE.format(enabled="1 = 0", alias="feed")} AS feed,
    {_CHANNEL_STATE.format(enabled="w.webhook_url IS NULL", alias="webhook")} AS webhook,
    {_CHANNEL_STATE.format(enabled="w.email IS NULL", alias="email")} AS email,
    COALESCE({_CHANNEL_ERROR.format(alias="webhook")}, {_CHANNEL_ERROR.format(alias="email")},
             {_CHANNEL_ERROR.format(alias="feed")}) AS error,
    q.page_url AS page_url
FROM watch_event e
JOIN watch w ON w.id = e.watch_id
JOIN question q ON q.id = e.question_id
LEFT JOIN person minister ON minister.id = q.minister_id
LEFT JOIN watch_delivery feed ON feed.event_id = e.id AND feed.channel = 'feed'
LEFT JOIN watch_delivery webhook ON webhook.event_id = e.id AND webhook.channel = 'webhook'
LEFT JOIN watch_delivery email ON email.event_id = e.id AND email.channel = 'email'
"""


def upgrade() -> None:
    op.create_table(
        "watch",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("search", sa.Text(), nullable=True),
        sa.Column("theme", sa.Text(), nullable=True),
        sa.Column("minister", sa.Text(), nullable=True),
        sa.Column("asker", sa.Text(), nullable=True),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("events", sa.Text(), nullable=False),
        sa.Column("webhook_url", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("backfill", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("checked_at", _TS, nullable=True),
        sa.Column("seen_until", _TS, nullable=True),
        sa.UniqueConstraint("name", name="uq_watch_name"),
    )
    op.create_table(
        "watch_event",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("watch_id", sa.Integer(),
                  sa.ForeignKey("watch.id", ondelete="CASCADE"), nullable=False),
        sa.Column("question_id", sa.Integer(),
                  sa.ForeignKey("question.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("version", sa.String(64), nullable=False, server_default=""),
        sa.Column("baseline", sa.Boolean(), nullable=False),
        sa.Column("detected_at", _TS, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.UniqueConstraint("watch_id", "question_id", "kind", "version",
                            name="uq_watch_event"),
    )
    op.create_index("ix_watch_event_question_id", "watch_event", ["question_id"])
    op.create_table(
        "watch_delivery",
        sa.Column("event_id", sa.Integer(),
                  sa.ForeignKey("watch_event.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("channel", sa.String(16), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_attempt_at", _TS, nullable=False),
        sa.Column("delivered_at", _TS, nullable=True),
    )
    op.execute(_VIEW)
    # What changed since a watch last looked, and passed deadlines, without table scans.
    op.create_index("ix_question_updated_at", "question", ["updated_at"])
    op.create_index("ix_question_due_on", "question", ["due_on"])
    op.create_index("ix_document_fetched_at", "document", ["fetched_at"])


def downgrade() -> None:
    op.drop_index("ix_document_fetched_at", table_name="document")
    op.drop_index("ix_question_due_on", table_name="question")
    op.drop_index("ix_question_updated_at", table_name="question")
    op.execute("DROP VIEW IF EXISTS watch_events")
    op.drop_table("watch_delivery")
    op.drop_index("ix_watch_event_question_id", table_name="watch_event")
    op.drop_table("watch_event")
    op.drop_table("watch")
