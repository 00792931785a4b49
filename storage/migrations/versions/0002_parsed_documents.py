"""Structured parse results (sub-questions, answer parts, tables, attachments).

Revision ID: 0002
Revises: 0001

Written by hand, like 0001. The views use only SQL both SQLite and PostgreSQL read the
same way (CASE for flags, CAST(... AS TEXT) and || for labels).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk() -> sa.Column:
    return sa.Column(
        "pfile_id",
        sa.Integer(),
        sa.ForeignKey("document.pfile_id", ondelete="CASCADE"),
        primary_key=True,
    )


_VIEWS = {
    "question_parts": """
CREATE VIEW question_parts AS
SELECT
    qd.question_id AS question_id,
    qp.number AS number,
    qp.letter AS letter,
    CAST(qp.number AS TEXT) || COALESCE(qp.letter, '') AS label,
    qp.text AS text,
    CASE WHEN EXISTS (
        SELECT 1 FROM parsed_answer_part ap
         WHERE ap.pfile_id = qp.pfile_id
           AND ap.first_number <= qp.number AND ap.last_number >= qp.number
    ) THEN 1 ELSE 0 END AS answered,
    qp.pfile_id AS pfile_id,
    qp.position AS position
FROM parsed_question_part qp
JOIN question_document qd ON qd.pfile_id = qp.pfile_id AND qd.position = 0
""",
    "answer_parts": """
CREATE VIEW answer_parts AS
SELECT
    qd.question_id AS question_id,
    ap.label AS label,
    ap.numbers AS sub_questions,
    ap.confidence AS confidence,
    ap.text AS text,
    ap.pfile_id AS pfile_id,
    ap.position AS position
FROM parsed_answer_part ap
JOIN question_document qd ON qd.pfile_id = ap.pfile_id AND qd.position = 0
""",
    "answer_tables": """
CREATE VIEW answer_tables AS
SELECT
    qd.question_id AS question_id,
    c.pfile_id AS pfile_id,
    c.table_index AS table_index,
    t.section AS section,
    t.page AS page,
    t.caption AS caption,
    c.row_index AS row_index,
    c.column_index AS column_index,
    h.text AS header,
    c.text AS text,
    c.value AS value,
    c.unit AS unit
FROM parsed_table_cell c
JOIN parsed_table t ON t.pfile_id = c.pfile_id AND t.table_index = c.table_index
JOIN question_document qd ON qd.pfile_id = c.pfile_id
LEFT JOIN parsed_table_cell h
  ON h.pfile_id = c.pfile_id AND h.table_index = c.table_index
 AND h.row_index = -1 AND h.column_index = c.column_index
WHERE c.row_index >= 0
""",
    "document_references": """
CREATE VIEW document_references AS
SELECT
    qd.question_id AS question_id,
    r.pfile_id AS pfile_id,
    r.kind AS kind,
    r.label AS label,
    r.name AS name,
    r.number AS number
FROM parsed_reference r
JOIN question_document qd ON qd.pfile_id = r.pfile_id
""",
    "parsed_documents": """
CREATE VIEW parsed_documents AS
SELECT
    d.pfile_id AS pfile_id,
    qd.question_id AS question_id,
    qd.role AS role,
    d.media_type AS media_type,
    d.parse_status AS parse_status,
    CASE WHEN d.parse_status = 'empty_text' THEN 1 ELSE 0 END AS needs_ocr,
    d.parse_error AS parse_error,
    d.parser_version AS parser_version,
    d.pages AS pages,
    r.answer_minister AS answer_minister,
    r.answer_minister_title AS answer_minister_title,
    r.answer_kind AS answer_kind,
    r.answer_ref_number AS answer_ref_number,
    r.answer_ref_asked_on AS answer_ref_asked_on,
    r.answer_ref_asker AS answer_ref_asker,
    r.answer_ref_mismatch AS answer_ref_mismatch,
    d.parsed_at AS parsed_at
FROM document d
LEFT JOIN question_document qd ON qd.pfile_id = d.pfile_id
LEFT JOIN parsed_reading r ON r.pfile_id = d.pfile_id
""",
}


def upgrade() -> None:
    op.create_table(
        "parsed_reading",
        _fk(),
        sa.Column("context_text", sa.Text(), nullable=True),
        sa.Column("answer_minister", sa.Text(), nullable=True),
        sa.Column("answer_minister_title", sa.Text(), nullable=True),
        sa.Column("answer_kind", sa.String(16), nullable=True),
        sa.Column("answer_ref_number", sa.Integer(), nullable=True),
        sa.Column("answer_ref_asked_on", sa.Date(), nullable=True),
        sa.Column("answer_ref_asker", sa.Text(), nullable=True),
        sa.Column("answer_ref_mismatch", sa.Text(), nullable=True),
    )
    op.create_table(
        "parsed_question_part",
        _fk(),
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("letter", sa.String(4), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
    )
    op.create_table(
        "parsed_answer_part",
        _fk(),
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("numbers", sa.Text(), nullable=True),
        sa.Column("first_number", sa.Integer(), nullable=True),
        sa.Column("last_number", sa.Integer(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
    )
    op.create_table(
        "parsed_table",
        _fk(),
        sa.Column("table_index", sa.Integer(), primary_key=True),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(16), nullable=False),
        sa.Column("caption", sa.Text(), nullable=True),
        sa.Column("header_json", sa.Text(), nullable=False),
        sa.Column("n_rows", sa.Integer(), nullable=False),
        sa.Column("n_columns", sa.Integer(), nullable=False),
    )
    op.create_table(
        "parsed_table_cell",
        _fk(),
        sa.Column("table_index", sa.Integer(), primary_key=True),
        sa.Column("row_index", sa.Integer(), primary_key=True),
        sa.Column("column_index", sa.Integer(), primary_key=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("value", sa.Numeric(), nullable=True),
        sa.Column("unit", sa.String(8), nullable=True),
    )
    op.create_table(
        "parsed_reference",
        _fk(),
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("number", sa.Integer(), nullable=True),
    )
    for sql in _VIEWS.values():
        op.execute(sql)


def downgrade() -> None:
    for name in reversed(list(_VIEWS)):
        op.execute(f"DROP VIEW IF EXISTS {name}")
    for table in (
        "parsed_reference",
        "parsed_table_cell",
        "parsed_table",
        "parsed_answer_part",
        "parsed_question_part",
        "parsed_reading",
    ):
        op.drop_table(table)
