"""Analysis views, full-text search, party of members, the SELECT-only role.

Revision ID: 0003
Revises: 0002

- `person.party`: the member's group (`fractie`) as the open data API gives it.
- Views `answer_latency` and `questions_per_member` (documented in storage/dictionary).
- Full-text search kept in sync by the database itself:
  SQLite: an FTS5 table `question_fts` (rowid = question id, diacritics folded) filled by
  triggers on `question`; PostgreSQL: a generated `tsvector` column
  `question.search_vector` (`dutch` configuration, weighted subject > question > answer)
  with a GIN index.
- PostgreSQL only: the NOLOGIN role `schv_reader` with SELECT on this schema, and the
  SECURITY DEFINER function `schv_readonly_rows` owned by it, through which `schv query`
  runs user SQL (storage/reader_role.py says why a SET ROLE alone is no boundary). A
  migrating user who may not create roles gets a warning, the rest of the migration goes
  on, and `schv query` then refuses to run on PostgreSQL, saying why.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.reader_role import drop_reader_grants, setup_reader_role

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("schv.migrations")


# The subject as the view shows it: the API's, else the document's subject line.
_SUBJECT = "COALESCE(NULLIF({p}subject, ''), {p}doc_subject)"

# -- views ---------------------------------------------------------------------------

# One row per (dimension, value): medians cannot be added up, so each breakdown the
# analysts asked for (per minister, per theme, per session year) gets its own rows.
# Withdrawn questions are left out. The median is the mean of the middle one or two
# answered questions, found with window functions that both databases have.
_LATENCY_VIEW = """
CREATE VIEW answer_latency AS
WITH base AS (
    SELECT q.id, q.session_year, q.minister_id, q.on_time,
           CASE WHEN q.answered_on IS NOT NULL AND q.asked_on IS NOT NULL
                THEN {days} END AS days
      FROM question q
     WHERE q.status <> 'withdrawn'
),
keyed AS (
    SELECT 'minister' AS dimension, p.full_name AS value, b.minister_id AS minister_id,
           b.days AS days, b.on_time AS on_time
      FROM base b LEFT JOIN person p ON p.id = b.minister_id
    UNION ALL
    SELECT 'theme', t.name, NULL, b.days, b.on_time
      FROM base b
      JOIN question_theme qt ON qt.question_id = b.id
      JOIN theme t ON t.id = qt.theme_id
    UNION ALL
    SELECT 'session_year', b.session_year, NULL, b.days, b.on_time FROM base b
),
ranked AS (
    SELECT k.dimension, k.value, k.minister_id, k.days, k.on_time,
           row_number() OVER (PARTITION BY k.dimension, k.value, k.minister_id
                              ORDER BY k.days NULLS LAST) AS rn,
           count(k.days) OVER (PARTITION BY k.dimension, k.value, k.minister_id) AS n
      FROM keyed k
)
SELECT
    dimension,
    value,
    minister_id,
    count(*) AS questions,
    count(days) AS answered,
    count(*) - count(days) AS unanswered,
    CAST(avg(CASE WHEN days IS NOT NULL AND rn IN ((n + 1) / 2, (n + 2) / 2)
                  THEN days END) AS DOUBLE PRECISION) AS median_days,
    CAST(avg(CASE WHEN days IS NULL THEN NULL
                  WHEN on_time THEN 1.0 WHEN NOT on_time THEN 0.0 END)
         AS DOUBLE PRECISION) AS on_time_share
FROM ranked
GROUP BY dimension, value, minister_id
"""

_DAYS = {
    "sqlite": "CAST(julianday(q.answered_on) - julianday(q.asked_on) AS INTEGER)",
    "postgresql": "(q.answered_on - q.asked_on)",
}

_MEMBER_VIEW = """
CREATE VIEW questions_per_member AS
SELECT
    q.asker_id AS member_id,
    p.full_name AS member,
    p.party AS party,
    q.session_year AS session_year,
    count(*) AS questions,
    count(q.answered_on) AS answered,
    sum(CASE WHEN q.answered_on IS NULL AND q.status <> 'withdrawn' THEN 1 ELSE 0 END)
        AS unanswered,
    sum(CASE WHEN q.on_time THEN 1 ELSE 0 END) AS answered_on_time,
    count(DISTINCT q.minister_id) AS ministers,
    min(q.asked_on) AS first_asked_on,
    max(q.asked_on) AS last_asked_on
FROM question q
LEFT JOIN person p ON p.id = q.asker_id
WHERE q.asker_id IS NOT NULL
GROUP BY q.asker_id, p.full_name, p.party, q.session_year
"""

# -- full-text search: SQLite ---------------------------------------------------------

_SQLITE_FTS = [
    # A table with its own copy of the text (not external content): the subject is an
    # expression, and snippet()/highlight() need the text at hand.
    """CREATE VIRTUAL TABLE question_fts USING fts5(
        title, subject, question_text, answer_text,
        tokenize = 'unicode61 remove_diacritics 2')""",
    # `ORDER BY rank` ranks with bm25 weighting a match in the title or subject most.
    """INSERT INTO question_fts (question_fts, rank)
        VALUES ('rank', 'bm25(10.0, 10.0, 3.0, 1.0)')""",
    f"""CREATE TRIGGER question_fts_insert AFTER INSERT ON question BEGIN
        INSERT INTO question_fts (rowid, title, subject, question_text, answer_text)
        VALUES (new.id, new.title, {_SUBJECT.format(p="new.")}, new.question_text,
                new.answer_text);
    END""",
    f"""CREATE TRIGGER question_fts_update
        AFTER UPDATE OF title, subject, doc_subject, question_text, answer_text ON question
    BEGIN
        DELETE FROM question_fts WHERE rowid = old.id;
        INSERT INTO question_fts (rowid, title, subject, question_text, answer_text)
        VALUES (new.id, new.title, {_SUBJECT.format(p="new.")}, new.question_text,
                new.answer_text);
    END""",
    """CREATE TRIGGER question_fts_delete AFTER DELETE ON question BEGIN
        DELETE FROM question_fts WHERE rowid = old.id;
    END""",
    # Questions stored before this migration.
    f"""INSERT INTO question_fts (rowid, title, subject, question_text, answer_text)
        SELECT id, title, {_SUBJECT.format(p="")}, question_text, answer_text
          FROM question""",
]

_SQLITE_FTS_DROP = [
    "DROP TRIGGER IF EXISTS question_fts_delete",
    "DROP TRIGGER IF EXISTS question_fts_update",
    "DROP TRIGGER IF EXISTS question_fts_insert",
    "DROP TABLE IF EXISTS question_fts",
]

# -- full-text search: PostgreSQL -----------------------------------------------------

# to_tsvector with an explicit regconfig is immutable, so it may define a stored
# generated column: PostgreSQL recomputes it on every write, no trigger needed.
POSTGRES_SEARCH_VECTOR = f"""
    setweight(to_tsvector('dutch'::regconfig,
              coalesce(title, '') || ' ' || coalesce({_SUBJECT.format(p="")}, '')), 'A')
    || setweight(to_tsvector('dutch'::regconfig, coalesce(question_text, '')), 'B')
    || setweight(to_tsvector('dutch'::regconfig, coalesce(answer_text, '')), 'C')"""

_POSTGRES_FTS = [
    f"ALTER TABLE question ADD COLUMN search_vector tsvector "
    f"GENERATED ALWAYS AS ({POSTGRES_SEARCH_VECTOR}) STORED",
    "CREATE INDEX ix_question_search_vector ON question USING gin (search_vector)",
]

_POSTGRES_FTS_DROP = [
    "DROP INDEX IF EXISTS ix_question_search_vector",
    "ALTER TABLE question DROP COLUMN IF EXISTS search_vector",
]

# -- the SELECT-only role (PostgreSQL): storage/reader_role.py, also run by hand there ---


def _exec(sql: str) -> None:
    op.execute(sa.text(sql))


# -- upgrade / downgrade --------------------------------------------------------------


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    _exec("ALTER TABLE person ADD COLUMN party TEXT")
    _exec(_LATENCY_VIEW.format(days=_DAYS[dialect]))
    _exec(_MEMBER_VIEW)
    if dialect == "postgresql":
        for statement in _POSTGRES_FTS:
            _exec(statement)
        # The guard on server functions came with revision 0005.
        warning = setup_reader_role(op.get_bind(), guard=False)
        if warning:
            log.warning("schv: %s", warning)
    else:
        for statement in _SQLITE_FTS:
            _exec(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        drop_reader_grants(op.get_bind())
        for statement in _POSTGRES_FTS_DROP:
            _exec(statement)
    else:
        for statement in _SQLITE_FTS_DROP:
            _exec(statement)
    _exec("DROP VIEW IF EXISTS questions_per_member")
    _exec("DROP VIEW IF EXISTS answer_latency")
    # Both have DROP COLUMN (SQLite since 3.35): no table rebuild under the views.
    _exec("ALTER TABLE person DROP COLUMN party")
