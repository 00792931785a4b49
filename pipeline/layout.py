"""Physical lines of a PDF page from pdfminer's layout objects, with their x positions.

pdfminer's text boxes follow its own reading order and cut a table into columns (the
seed's `Projectduur in maandenNaamTotaal`). Here each line of pdfminer becomes a
*segment* with its x extent, and segments whose vertical extents overlap form one
physical line: a table row stays one line whose cells keep their positions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from pdfminer.layout import LTChar, LTFigure, LTPage, LTTextContainer, LTTextLine

# A gap between two printed characters wider than this many font heights separates
# cells; word spaces, even stretched by justification, stay well below it.
CELL_GAP = 0.9


@dataclass(frozen=True)
class Segment:
    """A run of text pdfminer kept together; a gap wider than a few characters ends it."""

    x0: float
    x1: float
    text: str
    height: float
    bold: bool = False


@dataclass(frozen=True)
class Line:
    """Segments on one baseline, left to right; `top`/`bottom` in PDF units (y up)."""

    top: float
    bottom: float
    segments: tuple[Segment, ...]

    @property
    def text(self) -> str:
        return " ".join(seg.text for seg in self.segments)

    @property
    def height(self) -> float:
        return max(seg.height for seg in self.segments)


def text_lines(container: Iterable[object]) -> Iterator[LTTextLine]:
    for element in container:
        if isinstance(element, LTTextLine):
            yield element
        elif isinstance(element, LTTextContainer | LTFigure):
            # Boxes hold lines; a form XObject (LTFigure) holds boxes of its own.
            yield from text_lines(element)  # type: ignore[arg-type]


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def _segments(line: LTTextLine) -> Iterator[Segment]:
    """pdfminer's line cut where two characters are a cell gap apart: pdfminer itself
    keeps narrow columns (`2023` and `BAN Flanders`) on one line."""
    chars: list[LTChar] = []
    last: LTChar | None = None

    def flush() -> Iterator[Segment]:
        text = " ".join("".join(c.get_text() for c in chars).split())
        if text:
            printed = [c for c in chars if c.get_text().strip()]
            yield Segment(
                printed[0].x0,
                printed[-1].x1,
                text,
                max(c.height for c in printed),
                all("bold" in c.fontname.lower() for c in printed),
            )

    for item in line:
        if not isinstance(item, LTChar):
            # An LTAnno is a space pdfminer inferred: keep one between words.
            if chars and chars[-1].get_text() != " ":
                chars.append(item)  # type: ignore[arg-type]
            continue
        if not item.get_text().strip():
            chars.append(item)
            continue
        if last is not None and item.x0 - last.x1 > CELL_GAP * max(last.size, item.size):
            yield from flush()
            chars = []
        chars.append(item)
        last = item
    yield from flush()


def page_lines(page: LTPage) -> list[Line]:
    """The page's physical lines from top to bottom."""
    raw = []
    for line in text_lines(page):
        for seg in _segments(line):
            raw.append((line.y0, line.y1, seg))
    # Top to bottom, then left to right; a segment joins the current line when it
    # shares most of its height with it (cells of one row may differ in font size).
    raw.sort(key=lambda r: (-r[1], r[2].x0))
    lines: list[list[tuple[float, float, Segment]]] = []
    for item in raw:
        y0, y1, _seg = item
        if lines:
            cur = lines[-1]
            top = max(r[1] for r in cur)
            bottom = min(r[0] for r in cur)
            if _overlap(y0, y1, bottom, top) >= 0.5 * min(y1 - y0, top - bottom):
                cur.append(item)
                continue
        lines.append([item])
    result = []
    for group in lines:
        segs = tuple(sorted((r[2] for r in group), key=lambda s: s.x0))
        result.append(Line(max(r[1] for r in group), min(r[0] for r in group), segs))
    return in_column_order(result)


def _prose(seg: Segment) -> bool:
    return len(seg.text) >= 20 and len(seg.text.split()) >= 4


def _gutter(lines: list[Line]) -> float | None:
    """The x between two columns of prose, when the page is set in two columns: most
    lines are two runs of several words each, all left runs ending before all right
    runs start. Table rows have short cells, so they do not qualify."""
    pairs = [ln for ln in lines if len(ln.segments) == 2 and all(map(_prose, ln.segments))]
    if len(pairs) < 5 or len(pairs) < 0.5 * len(lines):
        return None
    left_end = max(ln.segments[0].x1 for ln in pairs)
    right_start = min(ln.segments[1].x0 for ln in pairs)
    return (left_end + right_start) / 2 if left_end < right_start else None


def in_column_order(lines: list[Line]) -> list[Line]:
    """Lines in reading order: on a two-column page (older questions, ~2002-2005) the
    left column before the right one; a line across the gutter (a title, a footer)
    closes both columns above it."""
    gutter = _gutter(lines)
    if gutter is None:
        return lines
    out: list[Line] = []
    left: list[Line] = []
    right: list[Line] = []
    for line in lines:
        across = [seg for seg in line.segments if seg.x0 < gutter < seg.x1]
        if across:
            out += left + right + [line]
            left, right = [], []
            continue
        lsegs = tuple(seg for seg in line.segments if seg.x1 <= gutter)
        rsegs = tuple(seg for seg in line.segments if seg.x0 >= gutter)
        if lsegs:
            left.append(Line(line.top, line.bottom, lsegs))
        if rsegs:
            right.append(Line(line.top, line.bottom, rsegs))
    return out + left + right


def lines_text(
    lines: Sequence[Line], replaced: Mapping[int, tuple[int, Sequence[str]]] | None = None
) -> str:
    """Lines joined by newlines; a vertical gap clearly wider than the leading becomes
    a blank line, so paragraphs survive. `replaced` maps a first line index to (last
    index, texts): the lines from first to last give way to those texts (a table's
    rows, its cells read in order, however the cells wrapped)."""
    out: list[str] = []
    prev: Line | None = None
    skip_to = -1
    for i, line in enumerate(lines):
        if i <= skip_to:
            prev = line
            continue
        if prev is not None:
            gap = prev.bottom - line.top
            if gap > 0.9 * max(prev.height, line.height):
                out.append("")
        if replaced and i in replaced:
            skip_to, texts = replaced[i]
            out.extend(texts)
        else:
            out.append(line.text)
        prev = line
    return "\n".join(out)
