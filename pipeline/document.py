"""One document's bytes to a ParsedDocument: the pipeline's single entry point.

Bad input never raises: every failure becomes a parse status and a one-line error, so
one broken file cannot stop a crawl, and storage can tell which files to look at again.
"""

from __future__ import annotations

import dataclasses
import logging

from pipeline.clean import clean_lines, clean_pages, furniture_indices, normalise_line, places
from pipeline.errors import DocumentError
from pipeline.header import parse_header
from pipeline.layout import Line, lines_text
from pipeline.media import DOCX, PDF, XLSX, ZIP, sniff_media_type
from pipeline.office import docx_text, question_answer_zip, xlsx_rows
from pipeline.parts import answer_references, split_answer, split_question
from pipeline.pdftext import extract_pdf
from pipeline.sections import Sections, split_sections
from pipeline.tables import find_document_tables, table_from_rows
from storage.records import (
    DocumentReference,
    HeaderFields,
    ParsedDocument,
    ParsedTable,
    ParseStatus,
)

# Bump on any change that alters the output for the same bytes, so stored documents
# parsed by an older version can be found and parsed again.
# 2.0.0: lines rebuilt from positions, tables, sub-questions, answer parts, references.
# 3.0.0: tables from drawn borders (pdfplumber) and rules, no false tables from lists,
#        furniture by place and pattern, grouped/lettered/unnumbered answer parts.
PARSER_VERSION = "3.0.0"

log = logging.getLogger(__name__)

_ERROR_MAX = 300


def _one_line(message: str) -> str:
    line = " ".join(message.split())
    return line if len(line) <= _ERROR_MAX else line[: _ERROR_MAX - 1] + "…"


def failure(
    media_type: str, status: ParseStatus, error: str, *, pages: int | None = None
) -> ParsedDocument:
    """A document that could not be read, with why in one line (also used by the pool)."""
    return ParsedDocument(
        media_type=media_type,
        parse_status=status,
        parser_version=PARSER_VERSION,
        error=_one_line(error),
        pages=pages,
    )


def _mismatch(header: HeaderFields, sections: Sections) -> str | None:
    """What the `op vraag nr. N van <date> van ASKER` line says differently from the
    header: flagged, never corrected, since either side may be the typo."""
    ref = sections.answer_ref
    if ref is None:
        return None
    problems = []
    if ref.number is not None and header.number is not None and ref.number != header.number:
        problems.append(f"number {ref.number} != {header.number}")
    if ref.asked_on and header.asked_on and ref.asked_on != header.asked_on:
        problems.append(f"date {ref.asked_on} != {header.asked_on}")
    if ref.asker and header.asker and ref.asker.lower() != header.asker.lower():
        problems.append(f"asker {ref.asker} != {header.asker}")
    return "; ".join(problems) or None


def _reading(
    media_type: str, text: str, tables: tuple[ParsedTable, ...], pages: int | None
) -> ParsedDocument:
    """The structured reading of a document's clean text (any format)."""
    sections = split_sections(text)
    header = parse_header(text)
    context, subs = split_question(sections.question_text)
    kind, refs = answer_references(sections.answer_text)
    parts = split_answer(sections.answer_text, subs, kind)
    also = tuple(DocumentReference("also_asked", n, n, k) for n, k in sections.also_asked)
    ref = sections.answer_ref
    return ParsedDocument(
        media_type=media_type,
        parse_status="ok",
        parser_version=PARSER_VERSION,
        text=text,
        header=header,
        subject=sections.subject,
        question_text=sections.question_text,
        answer_text=sections.answer_text,
        has_answer=sections.has_answer,
        pages=pages,
        context_text=context if subs else None,
        sub_questions=subs,
        answer_parts=parts,
        tables=tables,
        references=refs + also,
        answer_minister=sections.signature_name if sections.has_answer else None,
        answer_minister_title=sections.signature_title if sections.has_answer else None,
        answer_kind=kind,
        answer_ref_number=ref.number if ref else None,
        answer_ref_asked_on=ref.asked_on if ref else None,
        answer_ref_asker=ref.asker if ref else None,
        answer_ref_mismatch=_mismatch(header, sections),
    )


def _answer_position(lines: list[list[Line]]) -> tuple[int, int] | None:
    for p, page in enumerate(lines):
        for i, line in enumerate(page):
            if line.text.strip().startswith("ANTWOORD"):
                return p, i
    return None


def _parse_pdf(body: bytes) -> ParsedDocument:
    pdf = extract_pdf(body)
    texts = [[normalise_line(line.text) for line in page.lines] for page in pdf.pages]
    drops = furniture_indices(texts, [places(page.lines, page.height) for page in pdf.pages])
    content = [
        [line for i, line in enumerate(page.lines) if i not in drop]
        for page, drop in zip(pdf.pages, drops, strict=True)
    ]
    pages = [
        (lines, p.rules, p.grids, p.shades) for lines, p in zip(content, pdf.pages, strict=True)
    ]
    found = find_document_tables(pages)
    text = clean_lines([
        lines_text(lines, replaced).split("\n")
        for lines, replaced in zip(content, found.texts, strict=True)
    ])
    if not any(ch.isalnum() for ch in text):
        # Scanned or image-only: nothing to read without OCR.
        return failure(
            PDF, "empty_text", "no extractable text (a scan? needs OCR)", pages=len(pdf.pages)
        )
    tables: list[ParsedTable] = []
    answer_at = _answer_position(content)
    for page_index, table in found.tables:
        in_answer = answer_at is not None and (page_index, table.first) > answer_at
        tables.append(
            dataclasses.replace(table.table, section="answer" if in_answer else "question")
        )
    return _reading(PDF, text, tuple(tables), len(pdf.pages))


def _docx_tables(text: str, tables: list[list[list[str]]]) -> tuple[ParsedTable, ...]:
    answer_at = text.find("ANTWOORD")
    result = []
    for rows in tables:
        first = " ".join(c for c in rows[0] if c) if rows else ""
        at = text.find(first) if first else -1
        section = "answer" if 0 <= answer_at < at else "question"
        table = table_from_rows(rows, 1, section)
        if table is not None:
            result.append(table)
    return tuple(result)


def _parse_docx(body: bytes, media_type: str = DOCX) -> ParsedDocument:
    text, tables = docx_text(body)
    text = clean_pages([text])
    if not any(ch.isalnum() for ch in text):
        return failure(media_type, "empty_text", "no text in the Word document")
    return _reading(media_type, text, _docx_tables(text, tables), None)


def _parse_xlsx(body: bytes) -> ParsedDocument:
    sheets = xlsx_rows(body)
    found = (
        table_from_rows(rows, k, "attachment", name)
        for k, (name, rows) in enumerate(sheets, start=1)
    )
    tables = tuple(t for t in found if t is not None)
    text = "\n\n".join(
        "\n".join(" ".join(c for c in row if c) for row in rows) for _name, rows in sheets
    ).strip()
    if not tables:
        return failure(XLSX, "empty_text", "no cells in the workbook", pages=len(sheets))
    return ParsedDocument(
        media_type=XLSX, parse_status="ok", parser_version=PARSER_VERSION, text=text,
        pages=len(sheets), tables=tables,
    )


def _parse_zip(body: bytes) -> ParsedDocument:
    """The ~2014 archive: `vrg.NNN.doc` (question) + `antw.NNN.docx` (answer)."""
    question, answer = question_answer_zip(body)
    texts: list[str] = []
    tables: list[list[list[str]]] = []
    notes = []
    for label, member in (("question", question), ("answer", answer)):
        if member is None:
            notes.append(f"no {label} file in the zip")
        elif sniff_media_type(member, None) == DOCX:
            member_text, member_tables = docx_text(member)
            texts.append(member_text)
            tables.extend(member_tables)
        else:
            notes.append(f"{label} file is {sniff_media_type(member, None)}, not readable")
    if not texts:
        return failure(ZIP, "unsupported", "; ".join(notes))
    text = clean_pages(["\n".join(texts)])
    doc = _reading(ZIP, text, _docx_tables(text, tables), None)
    return dataclasses.replace(doc, error=_one_line("; ".join(notes)) if notes else None)


_READERS = {PDF: _parse_pdf, DOCX: _parse_docx, XLSX: _parse_xlsx, ZIP: _parse_zip}


def parse_document(
    body: bytes, declared_type: str | None = None, *, max_bytes: int | None = None
) -> ParsedDocument:
    """Read `body` as the document it is (whatever the server declared)."""
    body = body or b""
    media_type = sniff_media_type(body, declared_type)
    if max_bytes is not None and len(body) > max_bytes:
        return failure(
            media_type, "too_large", f"{len(body)} bytes exceeds the limit of {max_bytes}"
        )
    reader = _READERS.get(media_type)
    if reader is None:
        # Legacy .doc, RTF, ...: recorded as such, so a later reader can pick them up.
        return failure(media_type, "unsupported", f"unsupported media type {media_type}")
    try:
        return reader(body)
    except DocumentError as exc:
        return failure(media_type, exc.status, str(exc) or type(exc).__name__)
    except MemoryError:
        # The worker's memory limit (pipeline.pool): the document is too big to read here.
        return failure(media_type, "too_large", "memory limit exceeded while parsing")
    except Exception as exc:
        # A bug of ours, not bad input; still one bad file must not stop the crawl, but
        # the traceback has to reach the logs.
        log.exception("parser failed on a %d-byte %s", len(body), media_type)
        return failure(media_type, "corrupt", f"parser error {type(exc).__name__}: {exc}")
