"""The structured reading of a document: sub-questions, answer parts, tables, references.

Rows hang off the document (pfile id), like its text: the views join them to questions
through question_document. A new parse of a document replaces all of its rows.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import (
    Date,
    Float,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    delete,
    insert,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base
from storage.records import ParsedDocument

_FK = "document.pfile_id"


class ParsedReading(Base):
    """Document-level fields of a parse (one row per parsed document)."""

    __tablename__ = "parsed_reading"

    pfile_id: Mapped[int] = mapped_column(ForeignKey(_FK, ondelete="CASCADE"), primary_key=True)
    context_text: Mapped[str | None] = mapped_column(Text)
    answer_minister: Mapped[str | None] = mapped_column(Text)
    answer_minister_title: Mapped[str | None] = mapped_column(Text)
    answer_kind: Mapped[str | None] = mapped_column(String(16))
    answer_ref_number: Mapped[int | None] = mapped_column(Integer)
    answer_ref_asked_on: Mapped[dt.date | None] = mapped_column(Date)
    answer_ref_asker: Mapped[str | None] = mapped_column(Text)
    answer_ref_mismatch: Mapped[str | None] = mapped_column(Text)


class ParsedQuestionPart(Base):
    __tablename__ = "parsed_question_part"

    pfile_id: Mapped[int] = mapped_column(ForeignKey(_FK, ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(Integer)
    letter: Mapped[str | None] = mapped_column(String(4))
    text: Mapped[str] = mapped_column(Text)


class ParsedAnswerPart(Base):
    __tablename__ = "parsed_answer_part"

    pfile_id: Mapped[int] = mapped_column(ForeignKey(_FK, ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(Text)
    # The sub-question numbers it answers, comma-separated; NULL when unmatched.
    numbers: Mapped[str | None] = mapped_column(Text)
    first_number: Mapped[int | None] = mapped_column(Integer)
    last_number: Mapped[int | None] = mapped_column(Integer)
    confidence: Mapped[float] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text)


class ParsedCell(Base):
    """One cell of a table; `row_index` -1 is the header row."""

    __tablename__ = "parsed_table_cell"

    pfile_id: Mapped[int] = mapped_column(ForeignKey(_FK, ondelete="CASCADE"), primary_key=True)
    table_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    row_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    column_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    value: Mapped[Any] = mapped_column(Numeric(asdecimal=False), nullable=True)
    unit: Mapped[str | None] = mapped_column(String(8))


class ParsedTableEntry(Base):
    __tablename__ = "parsed_table"

    pfile_id: Mapped[int] = mapped_column(ForeignKey(_FK, ondelete="CASCADE"), primary_key=True)
    table_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    page: Mapped[int] = mapped_column(Integer)
    section: Mapped[str] = mapped_column(String(16))
    caption: Mapped[str | None] = mapped_column(Text)
    header_json: Mapped[str] = mapped_column(Text)
    n_rows: Mapped[int] = mapped_column(Integer)
    n_columns: Mapped[int] = mapped_column(Integer)


class ParsedReference(Base):
    __tablename__ = "parsed_reference"

    pfile_id: Mapped[int] = mapped_column(ForeignKey(_FK, ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text)
    number: Mapped[int | None] = mapped_column(Integer)


_TABLES = (
    ParsedReading.__table__,
    ParsedQuestionPart.__table__,
    ParsedAnswerPart.__table__,
    ParsedCell.__table__,
    ParsedTableEntry.__table__,
    ParsedReference.__table__,
)


def _rows(pfile_id: int, parsed: ParsedDocument) -> dict[Any, list[dict[str, Any]]]:
    question_parts = []
    for sub in parsed.sub_questions:
        question_parts.append({"number": sub.number, "letter": None, "text": sub.text})
        question_parts += [{"number": sub.number, "letter": ltr, "text": t} for ltr, t in sub.parts]
    tables, cells = [], []
    for t_index, table in enumerate(parsed.tables):
        width = max([len(table.header)] + [len(r) for r in table.rows])
        tables.append({
            "table_index": t_index, "page": table.page, "section": table.section,
            "caption": table.caption, "header_json": json.dumps(list(table.header),
                                                                ensure_ascii=False),
            "n_rows": len(table.rows), "n_columns": width,
        })
        for c_index, text in enumerate(table.header):
            cells.append({"table_index": t_index, "row_index": -1, "column_index": c_index,
                          "text": text, "value": None, "unit": None})
        for r_index, row in enumerate(table.rows):
            for c_index, cell in enumerate(row):
                cells.append({"table_index": t_index, "row_index": r_index,
                              "column_index": c_index, "text": cell.text,
                              "value": cell.value, "unit": cell.unit})
    reading = {
        "context_text": parsed.context_text,
        "answer_minister": parsed.answer_minister,
        "answer_minister_title": parsed.answer_minister_title,
        "answer_kind": parsed.answer_kind,
        "answer_ref_number": parsed.answer_ref_number,
        "answer_ref_asked_on": parsed.answer_ref_asked_on,
        "answer_ref_asker": parsed.answer_ref_asker,
        "answer_ref_mismatch": parsed.answer_ref_mismatch,
    }
    result: dict[Any, list[dict[str, Any]]] = {
        ParsedReading.__table__: [reading],
        ParsedQuestionPart.__table__: [
            {"position": i, **row} for i, row in enumerate(question_parts)
        ],
        ParsedAnswerPart.__table__: [
            {
                "position": i, "label": part.label, "text": part.text,
                "numbers": ",".join(map(str, part.numbers)) or None,
                "first_number": part.numbers[0] if part.numbers else None,
                "last_number": part.numbers[-1] if part.numbers else None,
                "confidence": part.confidence,
            }
            for i, part in enumerate(parsed.answer_parts)
        ],
        ParsedTableEntry.__table__: tables,
        ParsedCell.__table__: cells,
        ParsedReference.__table__: [
            {"position": i, "kind": r.kind, "label": r.label, "name": r.name, "number": r.number}
            for i, r in enumerate(parsed.references)
        ],
    }
    for rows in result.values():
        for row in rows:
            row["pfile_id"] = pfile_id
    return result


def write_parsed(connection: Connection, pfile_id: int, parsed: ParsedDocument) -> None:
    """Replace the structured rows of `pfile_id` with those of `parsed`, in the caller's
    transaction. A parse that is not `ok` leaves no rows: they belonged to older bytes
    or an older parser, and the document's status says why there are none now."""
    for table in _TABLES:
        connection.execute(delete(table).where(table.c.pfile_id == pfile_id))
    if parsed.parse_status != "ok":
        return
    for table, rows in _rows(pfile_id, parsed).items():
        if rows:
            connection.execute(insert(table), rows)
