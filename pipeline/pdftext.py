"""Text of a PDF, page by page, with pdfminer's layout analysis."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams
from pdfminer.pdfdocument import PDFEncryptionError
from pdfminer.psexceptions import PSException

from pipeline.errors import CorruptPdf, DocumentError, EncryptedPdf, MemoryLimit
from pipeline.layout import Line, lines_text, page_lines

__all__ = ["CorruptPdf", "DocumentError", "EncryptedPdf", "PdfText", "extract_pdf"]

log = logging.getLogger(__name__)

# pdfminer's defaults, spelled out so a library upgrade cannot silently change the text
# (and with it every stored hash). boxes_flow keeps top-to-bottom reading order for the
# parliament's single-column layout; vertical text is page furniture, not content.
# all_texts: some producers (PDF printers, OCR layers) put the whole page in a form
# XObject, whose text pdfminer otherwise leaves unanalysed inside an LTFigure.
LAPARAMS = LAParams(
    line_overlap=0.5,
    char_margin=2.0,
    line_margin=0.5,
    word_margin=0.1,
    boxes_flow=0.5,
    detect_vertical=False,
    all_texts=True,
)
# A complete PDF ends with %%EOF, give or take trailing whitespace or junk some producers
# add. pdfminer recovers from a cut-off file by scanning for objects, which would store a
# truncated download as a short "ok" text instead of asking for a refetch.
_EOF_WINDOW = 4096


@dataclass(frozen=True)
class PdfText:
    """Raw text per page (paragraphs separated by a blank line) and its lines with
    their positions, which the table finder reads."""

    pages: list[str]
    lines: list[list[Line]] | None = None

    @property
    def has_text(self) -> bool:
        return any(page.strip() for page in self.pages)


def extract_pdf(body: bytes) -> PdfText:
    """Pages of text; raises EncryptedPdf or CorruptPdf, never pdfminer's own errors.

    A PDF with only images or drawings yields pages of empty strings: whether that is a
    failure is the caller's call (see PdfText.has_text).
    """
    if not body:
        raise CorruptPdf("empty body")
    if b"%%EOF" not in body[-_EOF_WINDOW:]:
        raise CorruptPdf("truncated PDF: no %%EOF marker at the end")
    try:
        lines = [page_lines(page) for page in extract_pages(io.BytesIO(body), laparams=LAPARAMS)]
    except PDFEncryptionError as exc:
        raise EncryptedPdf(f"encrypted PDF: {type(exc).__name__} {exc}".strip()) from exc
    except PSException as exc:
        raise CorruptPdf(f"unreadable PDF: {type(exc).__name__}: {exc}") from exc
    except MemoryError as exc:
        # The worker's memory limit (see pipeline.pool), not a property of the file alone.
        raise MemoryLimit("memory limit exceeded while reading the PDF") from exc
    except RecursionError as exc:
        raise CorruptPdf(f"unreadable PDF: {type(exc).__name__}") from exc
    except Exception as exc:
        # pdfminer lets plain KeyError/TypeError/zlib.error/struct.error escape on damaged
        # files; to the caller they all mean the same thing.
        log.debug("pdfminer failed", exc_info=True)
        raise CorruptPdf(f"unreadable PDF: {type(exc).__name__}: {exc}") from exc
    if not lines:
        raise CorruptPdf("PDF has no pages")
    return PdfText(pages=[lines_text(page) for page in lines], lines=lines)
