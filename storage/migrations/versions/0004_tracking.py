"""Incremental updates, answer tracking, run history, alarms.

Revision ID: 0004
Revises: 0003

Adds the answer deadline (`question.due_on`, back-filled here from `asked_on`), the run
history columns of incremental crawls, and the public view `open_questions`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.lifecycle import due_date

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_RUN_COUNTS = ("newly_answered", "documents_failed", "rechecked")

# Days are whole calendar days counted from today in the database's own clock, so the
# view needs no refresh. Only the date arithmetic differs by dialect.
_DAYS_SQLITE = "CAST(julianday(date('now')) - julianday({column}) AS INTEGER)"
_DAYS_POSTGRESQL = "(CURRENT_DATE - {column})"

_VIEW_TEMPLATE = """
CREATE VIEW open_questions AS
SELECT
    q.id AS id,
    q.number AS number,
    q.session_year AS session_year,
    q.title AS title,
    minister.full_name AS minister,
    asker.full_name AS asker,
    q.asked_on AS asked_on,
    q.due_on AS due_on,
    {days_open} AS days_open,
    CASE WHEN {days_overdue} > 0 THEN {days_overdue} ELSE 0 END AS days_overdue,
    q.page_url AS page_url,
    q.minister_id AS minister_id
FROM question q
LEFT JOIN person asker ON asker.id = q.asker_id
LEFT JOIN person minister ON minister.id = q.minister_id
WHERE q.status = 'asked'
"""


def _view_sql(dialect: str) -> str:
    days = _DAYS_POSTGRESQL if dialect == "postgresql" else _DAYS_SQLITE
    return _VIEW_TEMPLATE.format(
        days_open=days.format(column="q.asked_on"),
        days_overdue=days.format(column="q.due_on"),
    )


def upgrade() -> None:
    op.add_column("question", sa.Column("due_on", sa.Date(), nullable=True))
    for name in _RUN_COUNTS:
        op.add_column(
            "crawl_run", sa.Column(name, sa.Integer(), nullable=False, server_default="0")
        )
    op.add_column("crawl_run", sa.Column("mode", sa.String(16), nullable=True))
    op.add_column("crawl_run", sa.Column("watermark", sa.Date(), nullable=True))

    # Back-fill the deadline of questions stored before this revision. Working days need
    # the holiday calendar, which lives in Python, not in SQL.
    bind = op.get_bind()
    question = sa.table(
        "question", sa.column("id", sa.Integer()), sa.column("asked_on", sa.Date()),
        sa.column("due_on", sa.Date()),
    )
    rows = bind.execute(
        sa.select(question.c.id, question.c.asked_on).where(question.c.asked_on.is_not(None))
    ).all()
    for row in rows:
        asked = row.asked_on
        if isinstance(asked, str):  # SQLite can hand back the stored text
            asked = dt.date.fromisoformat(asked)
        bind.execute(
            sa.update(question).where(question.c.id == row.id).values(due_on=due_date(asked))
        )
    op.execute(_view_sql(bind.dialect.name))


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS open_questions")
    for name in ("watermark", "mode", *reversed(_RUN_COUNTS)):
        op.drop_column("crawl_run", name)
    op.drop_column("question", "due_on")
