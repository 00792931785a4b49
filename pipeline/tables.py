"""Tables from text positions: rows are physical lines, columns are x ranges.

A table is a run of lines that have two or more segments (cells pdfminer kept apart
because of the gap between them). Its columns are the x ranges of those segments,
merged where they overlap; a line with one short segment that sits inside one column
(a total under the amounts) belongs to the table too. Header lines are the leading
lines without any number; a header cell wrapped over two lines is joined.
Works the same for ruled and unruled tables: the rules themselves are not needed.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.clean import furniture_indices, normalise_line
from pipeline.layout import Line, Segment
from pipeline.numbers import parse_number
from storage.records import ParsedTable, TableCell

# Rows further apart than this many line heights are not one table (a footer under the
# last row, the next table after a paragraph).
_ROW_GAP = 2.2


@dataclass(frozen=True)
class FoundTable:
    """A table and the indices (into the page's lines) of its first and last line."""

    table: ParsedTable
    first: int
    last: int
    columns: tuple[tuple[float, float], ...] = ()


def _columns(lines: list[Line]) -> list[tuple[float, float]]:
    spans = sorted((s.x0, s.x1) for line in lines if len(line.segments) > 1 for s in line.segments)
    merged: list[list[float]] = []
    for x0, x1 in spans:
        if merged and x0 < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], x1)
        else:
            merged.append([x0, x1])
    return [(a, b) for a, b in merged]


def _column_of(seg: Segment, columns: list[tuple[float, float]]) -> int | None:
    best, best_overlap = None, 0.0
    for i, (c0, c1) in enumerate(columns):
        overlap = min(seg.x1, c1) - max(seg.x0, c0)
        if overlap > best_overlap:
            best, best_overlap = i, overlap
    return best


def _fits_one_column(line: Line, columns: list[tuple[float, float]]) -> bool:
    """A lone segment inside one column: a total under the amounts, or a wrapped cell.
    Text in the first column is taken for a total only when it is a number: prose after
    the table starts at the same left margin."""
    if len(line.segments) != 1:
        return False
    seg = line.segments[0]
    inside = [
        i for i, (c0, c1) in enumerate(columns) if min(seg.x1, c1) - max(seg.x0, c0) > 0
    ]
    if len(inside) != 1:
        return False
    return inside[0] > 0 or parse_number(seg.text) is not None


def _close(prev: Line, line: Line) -> bool:
    return prev.bottom - line.top < _ROW_GAP * max(prev.height, line.height)


def _cells(line: Line, columns: list[tuple[float, float]]) -> list[str]:
    cells = [""] * len(columns)
    for seg in line.segments:
        i = _column_of(seg, columns)
        if i is not None:
            cells[i] = f"{cells[i]} {seg.text}".strip()
    return cells


def _has_number(cells: list[str]) -> bool:
    return any(cell and parse_number(cell) is not None for cell in cells)


def _cell(text: str) -> TableCell:
    number = parse_number(text) if text else None
    if number is None:
        return TableCell(text)
    return TableCell(text, number[0], number[1])


def _build(lines: list[Line], page: int, caption: str | None) -> ParsedTable | None:
    columns = _columns(lines)
    if len(columns) < 2:
        return None
    rows = [_cells(line, columns) for line in lines]
    n_header = 0
    while n_header < len(rows) - 1 and not _has_number(rows[n_header]):
        n_header += 1
    if n_header == len(rows) - 1 and n_header > 0 and not _has_number(rows[-1]):
        n_header = 0  # no numbers anywhere: a text table whose first line is data
    header: tuple[str, ...] = ()
    if n_header:
        header = tuple(
            " ".join(r[i] for r in rows[:n_header] if r[i]) for i in range(len(columns))
        )
    body = rows[n_header:]
    if len(body) < 1 or (not header and len(body) < 2):
        return None
    return ParsedTable(
        page=page,
        header=header,
        rows=tuple(tuple(_cell(text) for text in row) for row in body),
        caption=caption,
    )


def find_tables(lines: list[Line], page: int) -> list[FoundTable]:
    """The tables on one page, top to bottom."""
    found: list[FoundTable] = []
    i = 0
    while i < len(lines):
        if len(lines[i].segments) < 2:
            i += 1
            continue
        j = i
        while j + 1 < len(lines) and _close(lines[j], lines[j + 1]):
            nxt = lines[j + 1]
            if len(nxt.segments) > 1 or _fits_one_column(nxt, _columns(lines[i : j + 1])):
                j += 1
            else:
                break
        block = lines[i : j + 1]
        if sum(len(line.segments) > 1 for line in block) >= 2:
            caption = lines[i - 1].text if i > 0 and len(lines[i - 1].segments) == 1 else None
            table = _build(block, page, caption)
            if table is not None:
                found.append(FoundTable(table, i, j, tuple(_columns(block))))
        i = j + 1
    return found


def _fits_columns(line: Line, columns: list[tuple[float, float]]) -> bool:
    """Every segment of `line` lies within one column, each in a different one (a lone
    segment under the same rule as `_fits_one_column`)."""
    if len(line.segments) == 1:
        return _fits_one_column(line, columns)
    seen = set()
    for seg in line.segments:
        inside = [
            i for i, (c0, c1) in enumerate(columns) if min(seg.x1, c1) - max(seg.x0, c0) > 0
        ]
        if len(inside) != 1 or inside[0] in seen:
            return False
        seen.add(inside[0])
    return True


# A table continued on the next page starts within this many lines of its top (the
# running header comes first).
_CONTINUATION_WINDOW = 3


def without_furniture(pages: list[list[Line]]) -> list[list[Line]]:
    """The pages' lines minus running headers/footers and page numbers: a short running
    header under a table's last column would look like one more row."""
    texts = [[normalise_line(line.text) for line in page] for page in pages]
    drops = furniture_indices(texts)
    return [
        [line for i, line in enumerate(page) if i not in drop]
        for page, drop in zip(pages, drops, strict=True)
    ]


def find_document_tables(pages: list[list[Line]]) -> list[tuple[int, FoundTable]]:
    """Tables of all pages as (page index, table); a table broken by a page break is
    one table, continued in the first lines of the next page that fit its columns.
    Pass pages `without_furniture`: line indices refer to the lines given."""
    result: list[tuple[int, FoundTable]] = []
    for index, lines in enumerate(pages):
        tables = find_tables(lines, index + 1)
        prev = result[-1] if result else None
        if prev is not None and prev[0] == index - 1 and prev[1].columns:
            found = _continuation(prev[1], lines, pages[index - 1])
            if found is not None:
                first, last, rows = found
                merged = ParsedTable(
                    page=prev[1].table.page,
                    header=prev[1].table.header,
                    rows=prev[1].table.rows + rows,
                    section=prev[1].table.section,
                    caption=prev[1].table.caption,
                )
                result[-1] = (prev[0], FoundTable(merged, prev[1].first, prev[1].last,
                                                  prev[1].columns))
                tables = [t for t in tables if t.last < first or t.first > last]
        result.extend((index, t) for t in tables)
    return result


def _continuation(
    prev: FoundTable, lines: list[Line], prev_lines: list[Line]
) -> tuple[int, int, tuple[tuple[TableCell, ...], ...]] | None:
    if prev.last < len(prev_lines) - _CONTINUATION_WINDOW:
        return None  # the table ended well before the page did
    columns = list(prev.columns)
    window = range(min(_CONTINUATION_WINDOW, len(lines)))
    start = next((i for i in window if _fits_columns(lines[i], columns)), None)
    if start is None:
        return None
    end = start
    while end + 1 < len(lines) and _close(lines[end], lines[end + 1]) and _fits_columns(
        lines[end + 1], columns
    ):
        end += 1
    rows = [_cells(line, columns) for line in lines[start : end + 1]]
    header = list(prev.table.header)
    if header and rows and rows[0] == header:
        rows = rows[1:]  # the header repeated on the new page
    return start, end, tuple(tuple(_cell(t) for t in row) for row in rows)


def table_from_rows(
    rows: list[list[str]], page: int, section: str, caption: str | None = None
) -> ParsedTable | None:
    """A table from cells already known (Word, Excel): same header rule as for PDFs."""
    rows = [[" ".join(c.split()) for c in row] for row in rows if any(c.strip() for c in row)]
    if not rows:
        return None
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    header: tuple[str, ...] = ()
    if len(rows) > 1 and not _has_number(rows[0]):
        header, rows = tuple(rows[0]), rows[1:]
    return ParsedTable(
        page=page,
        header=header,
        rows=tuple(tuple(_cell(t) for t in row) for row in rows),
        section=section,
        caption=caption,
    )
