"""One document's bytes to a ParsedDocument: the pipeline's single entry point.

Bad input never raises: every failure becomes a parse status and a one-line error, so
one broken file cannot stop a crawl, and storage can tell which files to look at again.
"""

from __future__ import annotations

import logging

from pipeline.clean import clean_pages
from pipeline.errors import DocumentError
from pipeline.header import parse_header
from pipeline.media import PDF, sniff_media_type
from pipeline.pdftext import extract_pdf
from pipeline.sections import split_sections
from storage.records import ParsedDocument, ParseStatus

# Bump on any change that alters the output for the same bytes, so stored documents
# parsed by an older version can be found and parsed again.
PARSER_VERSION = "1.0.0"

log = logging.getLogger(__name__)

_ERROR_MAX = 300


def _one_line(message: str) -> str:
    line = " ".join(message.split())
    return line if len(line) <= _ERROR_MAX else line[: _ERROR_MAX - 1] + "…"


def _failure(
    media_type: str, status: ParseStatus, error: str, *, pages: int | None = None
) -> ParsedDocument:
    return ParsedDocument(
        media_type=media_type,
        parse_status=status,
        parser_version=PARSER_VERSION,
        error=_one_line(error),
        pages=pages,
    )


def _parse_pdf(body: bytes) -> ParsedDocument:
    pdf = extract_pdf(body)
    text = clean_pages(pdf.pages)
    if not any(ch.isalnum() for ch in text):
        # Scanned or image-only: nothing to read without OCR.
        return _failure(PDF, "empty_text", "no extractable text", pages=len(pdf.pages))
    sections = split_sections(text)
    return ParsedDocument(
        media_type=PDF,
        parse_status="ok",
        parser_version=PARSER_VERSION,
        text=text,
        header=parse_header(text),
        subject=sections.subject,
        question_text=sections.question_text,
        answer_text=sections.answer_text,
        has_answer=sections.has_answer,
        pages=len(pdf.pages),
    )


def parse_document(
    body: bytes, declared_type: str | None = None, *, max_bytes: int | None = None
) -> ParsedDocument:
    """Read `body` as the document it is (whatever the server declared)."""
    body = body or b""
    media_type = sniff_media_type(body, declared_type)
    if max_bytes is not None and len(body) > max_bytes:
        return _failure(
            media_type, "too_large", f"{len(body)} bytes exceeds the limit of {max_bytes}"
        )
    if media_type != PDF:
        return _failure(media_type, "unsupported", f"unsupported media type {media_type}")
    try:
        return _parse_pdf(body)
    except DocumentError as exc:
        return _failure(media_type, exc.status, str(exc) or type(exc).__name__)
    except Exception as exc:
        # A bug of ours, not bad input; still one bad file must not stop the crawl, but
        # the traceback has to reach the logs.
        log.exception("parser failed on a %d-byte %s", len(body), media_type)
        return _failure(media_type, "corrupt", f"parser error {type(exc).__name__}: {exc}")
