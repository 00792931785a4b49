"""A PDF's pages in one pdfminer layout pass: positioned lines, drawn rules and the
tables their lines and rectangles form.

pdfplumber opens the document with our LAParams, so `page.layout` is the very LTPage
pdfminer's layout analysis produces: the lines come from it, and so do the drawn lines
and rectangles that pdfplumber's table finder turns into cells. The finder is handed
those edges explicitly, so pdfplumber never converts every character of the page into
its own objects (which would cost a second pass over the page): a page without drawn
lines costs nothing beyond pdfminer's layout.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from typing import Any

import pdfplumber
from pdfminer.layout import (
    LAParams,
    LTChar,
    LTCurve,
    LTFigure,
    LTLine,
    LTPage,
    LTRect,
)
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import PdfminerException

from pipeline.errors import CorruptPdf, DocumentError, EncryptedPdf, MemoryLimit
from pipeline.layout import Line, page_lines, text_lines
from pipeline.tables import Grid, Rule, Shade, grids_from_edges

__all__ = ["CorruptPdf", "DocumentError", "EncryptedPdf", "PdfPage", "PdfText", "extract_pdf"]

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
# A drawn object thinner than this (points) is a line, not an area.
_THIN = 2.0
# Rules shorter than this are underlines, bullets or glyph parts, not table borders.
_MIN_RULE = 15.0


@dataclass(frozen=True)
class PdfPage:
    """One page: its physical lines (top to bottom, y up), its horizontal rules, and
    the tables its drawn lines form (`grids`)."""

    width: float
    height: float
    lines: list[Line]
    rules: tuple[Rule, ...] = ()
    grids: tuple[Grid, ...] = ()
    shades: tuple[Shade, ...] = ()


@dataclass(frozen=True)
class PdfText:
    pages: list[PdfPage]

    @property
    def has_text(self) -> bool:
        return any(page.lines for page in self.pages)


def _drawn(container: Any) -> list[LTCurve]:
    found: list[LTCurve] = []
    for obj in container:
        if isinstance(obj, LTCurve):  # LTLine and LTRect are curves too
            found.append(obj)
        elif isinstance(obj, LTFigure):
            found.extend(_drawn(obj))
    return found


def _edge_objects(page: pdfplumber.page.Page, drawn: list[LTCurve]) -> list[dict[str, Any]]:
    """pdfplumber's objects for the drawn lines and rectangles only (its coordinates:
    top-down); curves count where they are straight and thin, as Word's borders are."""
    objects = []
    for obj in drawn:
        if isinstance(obj, LTRect | LTLine):
            objects.append(page.process_object(obj))
        elif obj.width < _THIN or obj.height < _THIN:
            # A straight stroke drawn as a path: its bounding box is the line.
            item = page.process_object(obj)
            item = {**item, "object_type": "line"}
            if obj.height < _THIN:
                item["top"] = item["bottom"] = (item["top"] + item["bottom"]) / 2
            else:
                item["x0"] = item["x1"] = (item["x0"] + item["x1"]) / 2
            objects.append(item)
    return objects


def _rules(drawn: list[LTCurve]) -> tuple[Rule, ...]:
    """Horizontal strokes long enough to be table rules, and the top and bottom edges
    of rectangles (a shaded header row is bounded by them), in PDF units (y up)."""
    rules: list[Rule] = []
    for obj in drawn:
        if obj.width < _MIN_RULE:
            continue
        if obj.height < _THIN:
            rules.append(Rule((obj.y0 + obj.y1) / 2, obj.x0, obj.x1))
        elif isinstance(obj, LTRect):
            rules += [Rule(obj.y1, obj.x0, obj.x1), Rule(obj.y0, obj.x0, obj.x1)]
    return _joined(rules)


def _joined(rules: list[Rule]) -> tuple[Rule, ...]:
    """Rules on one height that meet end to end made one: many producers draw a row's
    border cell by cell."""
    out: list[Rule] = []
    for rule in sorted(set(rules), key=lambda r: (-round(r.y, 1), r.x0)):
        last = out[-1] if out else None
        if last is not None and abs(last.y - rule.y) < 0.5 and rule.x0 - last.x1 <= _THIN:
            out[-1] = Rule(last.y, last.x0, max(last.x1, rule.x1))
        else:
            out.append(rule)
    return tuple(out)


def _white(color: Any) -> bool:
    values = color if isinstance(color, tuple | list) else (color,)
    numbers = [v for v in values if isinstance(v, int | float)]
    # Gray 1, RGB (1, 1, 1), CMYK (0, 0, 0, 0): paper.
    return bool(numbers) and (
        all(v >= 0.97 for v in numbers) if len(numbers) != 4 else all(v <= 0.03 for v in numbers)
    )


def _shades(drawn: list[LTCurve]) -> tuple[Shade, ...]:
    """Filled rectangles of a colour other than the paper's: shaded rows and cells."""
    return tuple(
        Shade(obj.x0, obj.y0, obj.x1, obj.y1)
        for obj in drawn
        if isinstance(obj, LTRect) and obj.fill and obj.height >= _THIN
        and not _white(obj.non_stroking_color)
    )


def _chars(layout: LTPage) -> list[LTChar | str]:
    """The page's characters line by line; a str is a space pdfminer inferred (LTAnno)
    or a line end ("\\n"), so cell texts keep their word breaks."""
    out: list[LTChar | str] = []
    for line in text_lines(layout):
        for item in line:
            out.append(item if isinstance(item, LTChar) else " ")
        out.append("\n")
    return out


def _page(page: pdfplumber.page.Page) -> PdfPage:
    layout = page.layout
    lines = page_lines(layout)
    drawn = _drawn(layout)
    grids: tuple[Grid, ...] = ()
    shades = _shades(drawn)
    if drawn:
        edges = _edge_objects(page, drawn)
        vertical = [e for e in edges if e["x1"] - e["x0"] < _THIN or e["object_type"] == "rect"]
        if edges and vertical:
            grids = grids_from_edges(page, edges, _chars(layout), float(layout.height), shades)
    return PdfPage(
        float(layout.width), float(layout.height), lines, _rules(drawn), grids, shades
    )


def extract_pdf(body: bytes) -> PdfText:
    """The pages; raises EncryptedPdf or CorruptPdf, never pdfminer's own errors.

    A PDF with only images or drawings yields pages without lines: whether that is a
    failure is the caller's call (see PdfText.has_text).
    """
    if not body:
        raise CorruptPdf("empty body")
    if b"%%EOF" not in body[-_EOF_WINDOW:]:
        raise CorruptPdf("truncated PDF: no %%EOF marker at the end")
    try:
        with pdfplumber.open(io.BytesIO(body), laparams=laparams_dict()) as pdf:
            pages = []
            for page in pdf.pages:
                pages.append(_page(page))
                # pdfplumber caches each page's layout: let it go once read.
                page.close()
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
        raise _translate(cause) from exc
    except DocumentError:
        raise
    except Exception as exc:
        raise _translate(exc) from exc
    if not pages:
        raise CorruptPdf("PDF has no pages")
    return PdfText(pages)


def laparams_dict() -> dict[str, Any]:
    """LAPARAMS as the keyword arguments pdfplumber builds its LAParams from."""
    return {k: v for k, v in vars(LAPARAMS).items() if not k.startswith("_")}


def _translate(exc: BaseException) -> DocumentError:
    if isinstance(exc, PDFEncryptionError | PDFPasswordIncorrect):
        return EncryptedPdf(f"encrypted PDF: {type(exc).__name__} {exc}".strip())
    if isinstance(exc, MemoryError):
        # The worker's memory limit (see pipeline.pool), not a property of the file alone.
        return MemoryLimit("memory limit exceeded while reading the PDF")
    if isinstance(exc, PSException | RecursionError):
        return CorruptPdf(f"unreadable PDF: {type(exc).__name__}: {exc}".rstrip(": "))
    # pdfminer lets plain KeyError/TypeError/zlib.error/struct.error escape on damaged
    # files; to the caller they all mean the same thing.
    log.debug("pdfminer failed", exc_info=exc)
    return CorruptPdf(f"unreadable PDF: {type(exc).__name__}: {exc}")

