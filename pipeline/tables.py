"""Tables of a PDF: from the lines and rectangles drawn on the page first, from the
alignment of the text where nothing is drawn.

What counts as a table (the rule the finder applies):

1. **Borders.** Drawn lines and rectangles that cross to form a grid of at least two
   columns and two rows are a table (pdfplumber's table finder, fed the page's own
   edges). Its cells are the text inside them; a cell may hold several lines, and a
   merged cell spans the columns (or rows) its borders do.
2. **Aligned cells.** Without a grid, a table is at least two columns of aligned cells
   over at least two rows with a consistent column count: a row is a physical line
   whose text runs are a cell gap apart (see pipeline.layout), the columns are those
   runs' x ranges merged where they overlap, and at least two rows (the header
   included) must fill every column. Horizontal rules, where drawn (tables ruled only
   across, a shaded header row), delimit the rows: the lines between two rules are
   one row, so a wrapped cell stays one cell.
3. **Not tables**, whatever their alignment: a numbered or lettered list with a hanging
   indent (its first column holds only list markers), the header fields of the form
   (`datum: ...` beside `aan ...`), a signature block or any other pair of runs that
   fills both columns on fewer than two lines.

Header rows are the leading rows set in bold or on a shaded background, or else the
leading rows without any number; a header cell wrapped over two lines is one cell, a
merged header cell names every column it spans. A table broken by a page break (the
last thing on its page, continued first thing on the next with the same columns) is
one table: its header repeated on the new page is dropped, a row split by the break
is joined.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pdfminer.layout import LTChar

from pipeline.layout import Line, Segment
from pipeline.numbers import parse_number
from storage.records import ParsedTable, TableCell

# Rows further apart than this many line heights are not one table (a footer under the
# last row, the next table after a paragraph).
_ROW_GAP = 2.2
# pdfplumber's tolerances (points) for borders drawn a hair apart: Word draws each
# cell's border separately and they rarely meet exactly.
_GRID_SETTINGS = {
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
    "edge_min_length": 3,
}
# A drawn object thinner than this (points) is a line, not an area.
_THIN = 2.0
# Two rules further apart than this (points) hold no table row between them: a row of
# five lines of 11 pt type fits.
_RULED_ROW = 80.0
# Two columns of two tables (or two pages of one) are the same when their x ranges
# overlap; a grid's borders are the same within this many points.
_SAME_X = 4.0
# `1.`, `12)`, `a)`, `(b)`, `-`, bullets: a list's marker, never a table cell.
_LIST_MARKER = re.compile(r"(?:\(?\d{1,2}[.)]|\(?[a-z][.)]|[-–•·▪◦*o])")
# The form's header fields, set side by side in some layouts.
_HEADER_FIELD = re.compile(r"(?:datum\s*:|aan\s+[A-ZÀ-Þ]|van\s+[A-ZÀ-Þ]{2}|nr\.\s*\d)")


@dataclass(frozen=True)
class Rule:
    """A horizontal line drawn across (part of) the page: y and x extent, y up."""

    y: float
    x0: float
    x1: float


@dataclass(frozen=True)
class Shade:
    """A filled, coloured rectangle (a shaded header row, a highlighted cell), y up."""

    x0: float
    y0: float
    x1: float
    y1: float

    def covers(self, x0: float, x1: float, y: float) -> bool:
        """Whether the band from x0 to x1 at height y lies (mostly) on this shade."""
        return self.y0 <= y <= self.y1 and min(x1, self.x1) - max(x0, self.x0) >= 0.8 * (x1 - x0)


def _shaded(x0: float, x1: float, y: float, shades: Sequence[Shade]) -> bool:
    return any(s.covers(x0, x1, y) for s in shades)


@dataclass(frozen=True)
class Grid:
    """A table pdfplumber found from drawn borders, with its cell texts row by row.
    Coordinates in PDF units, y up."""

    top: float
    bottom: float
    x0: float
    x1: float
    columns: tuple[tuple[float, float], ...]
    rows: tuple[tuple[str, ...], ...]
    row_bottoms: tuple[float, ...]
    # Positions covered by a merged cell (its text repeated there when it spans columns).
    covered: tuple[tuple[bool, ...], ...]
    bold_rows: int = 0  # leading rows set entirely in bold or shaded


@dataclass(frozen=True)
class FoundTable:
    """A table and the lines (indices into its page's content lines) it covers."""

    table: ParsedTable
    first: int
    last: int
    columns: tuple[tuple[float, float], ...]
    head_lines: int = 0  # how many lines from `first` print the header
    at_top: bool = False  # nothing above it on its page
    at_bottom: bool = False  # nothing below it on its page


# -- cells and headers ------------------------------------------------------------------


def _cell(text: str) -> TableCell:
    number = parse_number(text) if text else None
    if number is None:
        return TableCell(text)
    return TableCell(text, number[0], number[1])


def _has_number(cells: Sequence[str | None]) -> bool:
    return any(cell and parse_number(cell) is not None for cell in cells)


def _flat(text: str | None) -> str:
    return " ".join((text or "").split())


def _header_count(rows: list[list[str]], bold_rows: int) -> int:
    """How many leading rows are the header: the bold ones, else those without numbers
    (a table with no number anywhere has its first row as header)."""
    if 0 < bold_rows < len(rows):
        return bold_rows
    n = 0
    while n < len(rows) - 1 and not _has_number(rows[n]):
        n += 1
    if n == len(rows) - 1 and not _has_number(rows[-1]):
        return 1 if len(rows) > 2 else 0
    return n


def _header(rows: list[list[str]]) -> tuple[str, ...]:
    """Header rows folded into one: per column the texts top to bottom, a text that a
    merged cell repeats over rows said once."""
    out = []
    for i in range(len(rows[0]) if rows else 0):
        texts: list[str] = []
        for row in rows:
            if row[i] and (not texts or texts[-1] != row[i]):
                texts.append(row[i])
        out.append(" ".join(texts))
    return tuple(out)


def _table(
    rows: list[list[str]], page: int, caption: str | None, bold_rows: int = 0
) -> tuple[ParsedTable, int] | None:
    """The table and how many of `rows` (none of them empty) are its header."""
    rows = [[_flat(c) for c in row] for row in rows]
    if len(rows) < 2:
        return None
    n_header = _header_count(rows, bold_rows)
    header = _header(rows[:n_header]) if n_header else ()
    table = ParsedTable(
        page=page,
        header=header,
        rows=tuple(tuple(_cell(text) for text in row) for row in rows[n_header:]),
        caption=caption,
    )
    return table, n_header


def table_from_rows(
    rows: list[list[str]], page: int, section: str, caption: str | None = None
) -> ParsedTable | None:
    """A table from cells already known (Word, Excel): same header rule as for PDFs,
    one header row at most."""
    rows = [[_flat(c) for c in row] for row in rows if any(c.strip() for c in row)]
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


# -- 1. grids from drawn borders ---------------------------------------------------------


def _straight(edge: dict[str, Any]) -> bool:
    return edge["object_type"] == "rect" or edge["top"] == edge["bottom"] or (
        edge["x0"] == edge["x1"]
    )


def _cell_texts(
    cells: list[tuple[float, float, float, float]], chars: Sequence[LTChar | str], height: float
) -> tuple[list[str], list[bool]]:
    """Each cell's text (its lines top to bottom, words kept apart) and whether it is all
    bold. `chars` run line by line; a str is a space or a line end."""
    x0 = min(c[0] for c in cells)
    x1 = max(c[2] for c in cells)
    top = min(c[1] for c in cells)
    bottom = max(c[3] for c in cells)
    pieces: list[list[tuple[float, float, list[str]]]] = [[] for _ in cells]
    bold = [True] * len(cells)
    seen = [False] * len(cells)
    current: tuple[int, float, float, list[str]] | None = None
    for item in chars:
        if isinstance(item, str):
            if item == "\n":
                current = None
            elif current is not None:
                current[3].append(" ")
            continue
        cx = (item.x0 + item.x1) / 2
        cy = height - (item.y0 + item.y1) / 2
        if not (x0 <= cx < x1 and top <= cy < bottom):
            current = None
            continue
        k = next(
            (k for k, c in enumerate(cells) if c[0] <= cx < c[2] and c[1] <= cy < c[3]), None
        )
        if k is None:
            continue
        if current is None or current[0] != k:
            current = (k, -item.y1, item.x0, [])
            pieces[k].append((current[1], current[2], current[3]))
        current[3].append(item.get_text())
        if item.get_text().strip():
            seen[k] = True
            bold[k] = bold[k] and "bold" in item.fontname.lower()
    texts = [
        _flat(" ".join("".join(p[2]) for p in sorted(cell_pieces, key=lambda p: (p[0], p[1]))))
        for cell_pieces in pieces
    ]
    return texts, [b and s for b, s in zip(bold, seen, strict=True)]


def grids_from_edges(
    page: Any,
    edges: list[dict[str, Any]],
    chars: Sequence[LTChar | str],
    height: float,
    shades: Sequence[Shade] = (),
) -> tuple[Grid, ...]:
    """The tables whose borders are drawn on `page` (a pdfplumber page; `edges` are its
    drawn lines and rectangles as pdfplumber objects), with their cells' texts."""
    straight = [e for e in edges if _straight(e)]
    if len(straight) < 2:
        return ()  # one box is no grid
    settings = {
        "vertical_strategy": "explicit",
        "horizontal_strategy": "explicit",
        "explicit_vertical_lines": straight,
        "explicit_horizontal_lines": straight,
        **_GRID_SETTINGS,
    }
    grids = []
    for found in page.find_tables(settings):
        grid = _grid(found, chars, height, shades)
        if grid is not None:
            grids.append(grid)
    return tuple(grids)


def _grid(
    found: Any, chars: Sequence[LTChar | str], height: float, shades: Sequence[Shade]
) -> Grid | None:
    rows = found.rows
    xs = sorted({cell[0] for cell in found.cells})
    if len(rows) < 2 or len(xs) < 2:
        return None
    cells = list(found.cells)
    texts, bold = _cell_texts(cells, chars, height)
    text_of = dict(zip(cells, texts, strict=True))
    bold_of = dict(zip(cells, bold, strict=True))
    table_rows: list[tuple[str, ...]] = []
    covered: list[tuple[bool, ...]] = []
    for row in rows:
        row_top = min(c[1] for c in row.cells if c is not None)
        out: list[str] = []
        flags: list[bool] = []
        for x, cell in zip(xs, row.cells, strict=True):
            if cell is not None:
                out.append(text_of[cell])
                flags.append(False)
                continue
            # Covered by a merged cell: one spanning columns (same top) names this column
            # too; one spanning rows was read in the row it starts.
            span = next((c for c in cells if c[0] < x + 1 < c[2] and c[1] < row_top + 1 < c[3]),
                        None)
            out.append(text_of[span] if span is not None and span[1] == row_top else "")
            flags.append(True)
        table_rows.append(tuple(out))
        covered.append(tuple(flags))
    filled = {i for row in table_rows for i, t in enumerate(row) if t}
    if len(filled) < 2:
        return None  # a box around a paragraph, a shaded line: one column of text
    x1s = sorted({cell[2] for cell in cells})
    columns = tuple((x, min((e for e in x1s if e > x), default=x)) for x in xs)
    bold_rows = 0
    for row in rows:
        present = [c for c in row.cells if c is not None and text_of[c]]
        shaded = all(_shaded(c[0], c[2], height - (c[1] + c[3]) / 2, shades) for c in present)
        if not present or not (shaded or all(bold_of[c] for c in present)):
            break
        bold_rows += 1
    x0, top, x1, bottom = found.bbox
    bottoms = tuple(height - max(c[3] for c in row.cells if c is not None) for row in rows)
    return Grid(height - top, height - bottom, x0, x1, columns, tuple(table_rows), bottoms,
                tuple(covered), bold_rows)


def _grid_table(grid: Grid, page: int, caption: str | None) -> tuple[ParsedTable, int] | None:
    rows = [list(row) for row in grid.rows if any(row)]
    n_header = _header_count(rows, grid.bold_rows)
    # A merged cell names every column it covers in the header; in the body its text
    # stays in its first position.
    body = [
        ["" if hidden else text for text, hidden in zip(row, flags, strict=True)]
        for row, flags in zip(grid.rows, grid.covered, strict=True)
        if any(row)
    ][n_header:]
    return _table(rows[:n_header] + body, page, caption, n_header)


# -- 2. tables from aligned text ----------------------------------------------------------


def _is_list_line(line: Line) -> bool:
    return bool(_LIST_MARKER.fullmatch(line.segments[0].text))


def _is_header_field(line: Line) -> bool:
    return any(_HEADER_FIELD.match(seg.text) for seg in line.segments)


def _candidate(line: Line) -> bool:
    return len(line.segments) > 1 and not _is_list_line(line) and not _is_header_field(line)


def _merge_spans(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[list[float]] = []
    for x0, x1 in sorted(spans):
        if merged and x0 < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], x1)
        else:
            merged.append([x0, x1])
    return [(a, b) for a, b in merged]


def _columns(lines: Sequence[Line]) -> list[tuple[float, float]]:
    return _merge_spans([(s.x0, s.x1) for ln in lines if len(ln.segments) > 1 for s in ln.segments])


def _inside(seg: Segment, columns: Sequence[tuple[float, float]]) -> list[int]:
    return [i for i, (c0, c1) in enumerate(columns) if min(seg.x1, c1) - max(seg.x0, c0) > 0]


def _column_of(seg: Segment, columns: Sequence[tuple[float, float]]) -> int | None:
    best, best_overlap = None, 0.0
    for i, (c0, c1) in enumerate(columns):
        overlap = min(seg.x1, c1) - max(seg.x0, c0)
        if overlap > best_overlap:
            best, best_overlap = i, overlap
    return best


def _fits_one_column(line: Line, columns: Sequence[tuple[float, float]]) -> bool:
    """A lone segment inside one column: a total under the amounts, or a wrapped cell.
    Text in the first column is taken for a total only when it is a number: prose after
    the table starts at the same left margin."""
    if len(line.segments) != 1:
        return False
    inside = _inside(line.segments[0], columns)
    if len(inside) != 1:
        return False
    return inside[0] > 0 or parse_number(line.segments[0].text) is not None


def _fits_columns(line: Line, columns: Sequence[tuple[float, float]]) -> bool:
    """Every segment of `line` lies within one column, each in a different one."""
    if len(line.segments) == 1:
        return _fits_one_column(line, columns)
    seen = set()
    for seg in line.segments:
        inside = _inside(seg, columns)
        if len(inside) != 1 or inside[0] in seen:
            return False
        seen.add(inside[0])
    return True


def _close(prev: Line, line: Line) -> bool:
    return prev.bottom - line.top < _ROW_GAP * max(prev.height, line.height)


def _ruled_spans(lines: Sequence[Line], rules: Sequence[Rule]) -> list[int | None]:
    """Per line, the id of the stack of horizontal rules it sits inside (None when
    outside any): two or more rules of the same width one above the other, close
    enough to hold table rows between them."""
    stacks: list[list[Rule]] = []
    for rule in sorted(rules, key=lambda r: -r.y):
        for stack in stacks:
            last = stack[-1]
            if abs(last.x0 - rule.x0) <= _SAME_X and abs(last.x1 - rule.x1) <= _SAME_X and (
                last.y - rule.y < _RULED_ROW
            ):
                stack.append(rule)
                break
        else:
            stacks.append([rule])
    spans = [(s[0].y, s[-1].y, s[0].x0, s[0].x1) for s in stacks if len(s) >= 2]
    out: list[int | None] = []
    for line in lines:
        mid = (line.top + line.bottom) / 2
        x0 = line.segments[0].x0
        out.append(next(
            (k for k, (top, bottom, a, b) in enumerate(spans)
             if bottom < mid < top and a - _SAME_X <= x0 <= b),
            None,
        ))
    return out


def _bands(block: Sequence[Line], rules: Sequence[Rule]) -> list[int]:
    """Per line of a block, how many rules (crossing the block) lie above it: lines
    with the same count sit between the same two rules."""
    x0 = min(s.x0 for ln in block for s in ln.segments)
    x1 = max(s.x1 for ln in block for s in ln.segments)
    crossing = [r for r in rules if r.x0 - _SAME_X <= x0 and r.x1 + _SAME_X >= (x0 + x1) / 2]
    return [sum(r.y > (ln.top + ln.bottom) / 2 for r in crossing) for ln in block]


def _spanned(
    seg: Segment, line: Line, columns: Sequence[tuple[float, float]], rules: Sequence[Rule]
) -> list[int]:
    """The columns a merged header cell spans: those under a rule drawn just below it
    and short of the table's width (as a header over two columns has), else all the
    columns the text overlaps (centred over them)."""
    for rule in rules:
        if not line.bottom - 1.2 * line.height <= rule.y <= line.bottom + _THIN:
            continue
        if rule.x0 - _SAME_X <= seg.x0 and seg.x1 <= rule.x1 + _SAME_X:
            under = [i for i, (c0, c1) in enumerate(columns)
                     if rule.x0 - _SAME_X <= (c0 + c1) / 2 <= rule.x1 + _SAME_X]
            if 2 <= len(under) < len(columns):
                return under
    return _inside(seg, columns)


def _cells(
    line: Line, columns: Sequence[tuple[float, float]], rules: Sequence[Rule] = ()
) -> list[str]:
    """The line's text per column; in a line without numbers (a header) a text that
    spans several columns goes to each of them."""
    cells = [""] * len(columns)
    header = not any(parse_number(seg.text) is not None for seg in line.segments)
    for seg in line.segments:
        spans = _spanned(seg, line, columns, rules) if header else []
        targets = spans if len(spans) > 1 else [_column_of(seg, columns)]
        for i in targets:
            if i is not None:
                cells[i] = f"{cells[i]} {seg.text}".strip()
    return cells


def _group_line(
    line: Line, first: Line, columns: Sequence[tuple[float, float]], rules: Sequence[Rule]
) -> bool:
    """`line`, just above a table, is a header row of merged cells over its columns
    (`Steun` over `Toegekend` and `Betaald`): no number, nothing over the first column,
    a text spanning two columns or more."""
    if not _close(line, first) or any(parse_number(s.text) is not None for s in line.segments):
        return False
    if _is_list_line(line) or _is_header_field(line):
        return False
    if any(0 in _inside(seg, columns) for seg in line.segments):
        return False
    return any(len(_spanned(seg, line, columns, rules)) > 1 for seg in line.segments)


def _styled(line: Line, shades: Sequence[Shade]) -> bool:
    """Set as a header: in bold, or on a shaded background."""
    return all(s.bold for s in line.segments) or _shaded(
        line.segments[0].x0, line.segments[-1].x1, (line.top + line.bottom) / 2, shades
    )


def _rows(
    block: Sequence[Line],
    columns: Sequence[tuple[float, float]],
    bands: Sequence[int] | None,
    shades: Sequence[Shade],
    rules: Sequence[Rule],
) -> tuple[list[list[str]], list[bool], list[int]]:
    """The block's rows, whether each is set as a header (see `_styled`) and how many
    lines each takes.
    Between two rules a new row starts with each line that fills every column; the
    other lines continue the row above (a wrapped cell). Without rules every line is
    a row."""
    rows: list[list[str]] = []
    bold: list[bool] = []
    spans: list[int] = []
    for k, line in enumerate(block):
        cells = _cells(line, columns, rules)
        new_band = bands is None or k == 0 or bands[k] != bands[k - 1]
        if new_band or all(cells):
            rows.append(cells)
            bold.append(_styled(line, shades))
            spans.append(1)
            continue
        rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], cells, strict=True)]
        bold[-1] = bold[-1] and _styled(line, shades)
        spans[-1] += 1
    return rows, bold, spans


def _join_wrapped(
    rows: list[list[str]], bold: list[bool], spans: list[int]
) -> tuple[list[list[str]], list[bool], list[int]]:
    """Without rules, a line below the first row with a number that holds no number
    and leaves a column empty is a cell wrapped onto a second line: joined to the row
    above."""
    first = next((k for k, row in enumerate(rows) if _has_number(row)), len(rows))
    out, out_bold, out_spans = rows[: first + 1], bold[: first + 1], spans[: first + 1]
    for row, b, n in zip(rows[first + 1 :], bold[first + 1 :], spans[first + 1 :], strict=True):
        if not _has_number(row) and not all(row):
            out[-1] = [f"{a} {c}".strip() for a, c in zip(out[-1], row, strict=True)]
            out_spans[-1] += n
            continue
        out.append(row)
        out_bold.append(b)
        out_spans.append(n)
    return out, out_bold, out_spans


def _wrapped_line(block: Sequence[Line], line: Line) -> bool:
    """`line` continues a wrapped cell of the block's last row: no number, each run
    inside one column, and no further below it than the rows are from each other."""
    if len(block) < 2 or any(parse_number(s.text) is not None for s in line.segments):
        return False
    columns = _columns(block)
    if not all(len(_inside(seg, columns)) == 1 for seg in line.segments):
        return False
    pitch = block[-2].top - block[-1].top
    return line.top <= block[-1].top and block[-1].top - line.top <= 1.1 * pitch


def _aligned_table(
    block: Sequence[Line],
    rules: Sequence[Rule],
    shades: Sequence[Shade],
    page: int,
    caption: str | None,
) -> tuple[ParsedTable, list[tuple[float, float]], int] | None:
    """The table in a block of lines, its columns, and how many lines its header takes."""
    # A header of merged cells straddles the columns: the columns come from the lines
    # that are rows of cells.
    columns = _columns(block)
    if len(columns) < 2:
        return None
    crossing = _bands(block, rules)
    bands = crossing if len(set(crossing)) > 1 else None
    rows, bold, spans = _rows(block, columns, bands, shades, rules)
    if bands is None:
        # Without rules a header wrapped over two lines comes as two rows: the leading
        # rows without numbers are folded into one below.
        n = 0
        while n < len(rows) - 1 and not _has_number(rows[n]):
            n += 1
        if 1 < n < len(rows) and any(_has_number(r) for r in rows[n:]):
            rows = [list(_header(rows[:n])), *rows[n:]]
            bold = [all(bold[:n]), *bold[n:]]
            spans = [sum(spans[:n]), *spans[n:]]
        rows, bold, spans = _join_wrapped(rows, bold, spans)
    full = sum(all(cells) for cells in rows)
    if full < 2:
        return None
    if all(_LIST_MARKER.fullmatch(r[0]) or not r[0] for r in rows):
        return None  # a list whose items happen to line up
    bold_rows = 0
    while bold_rows < len(bold) and bold[bold_rows]:
        bold_rows += 1
    made = _table(rows, page, caption, bold_rows)
    if made is None:
        return None
    return made[0], columns, sum(spans[: made[1]])


def _caption(lines: Sequence[Line], first: int) -> str | None:
    if first > 0 and len(lines[first - 1].segments) == 1:
        return lines[first - 1].text
    return None


def find_tables(
    lines: Sequence[Line],
    rules: Sequence[Rule],
    grids: Sequence[Grid],
    page: int,
    shades: Sequence[Shade] = (),
) -> list[FoundTable]:
    """The tables on one page (its content lines, furniture removed), top to bottom."""
    found: list[FoundTable] = []
    in_grid: list[int | None] = []
    for line in lines:
        mid = (line.top + line.bottom) / 2
        in_grid.append(next(
            (k for k, g in enumerate(grids)
             if g.bottom <= mid <= g.top and line.segments[0].x0 < g.x1
             and line.segments[-1].x1 > g.x0),
            None,
        ))
    heads: list[tuple[Grid, list[int]]] = []
    for k, grid in enumerate(grids):
        idx = [i for i, g in enumerate(in_grid) if g == k]
        if not idx:
            continue
        if grid.bold_rows == len(grid.rows) and not any(_has_number(r) for r in grid.rows):
            # Boxes around header cells only (each shaded cell drawn as a rectangle): the
            # header of the rows below, if any follow.
            heads.append((grid, idx))
            continue
        made = _grid_table(grid, page, _caption(lines, idx[0]))
        if made is not None:
            table, n_header = made
            head = grid.row_bottoms[n_header - 1] if n_header else grid.top
            head_lines = sum((lines[i].top + lines[i].bottom) / 2 > head for i in idx)
            found.append(FoundTable(table, idx[0], idx[-1], grid.columns, head_lines))
    ruled = _ruled_spans(lines, rules)
    i = 0
    taken = -1  # the last line of the table found before
    while i < len(lines):
        if in_grid[i] is not None or not (_candidate(lines[i]) or ruled[i] is not None):
            i += 1
            continue
        j = i
        while j + 1 < len(lines) and in_grid[j + 1] is None and _close(lines[j], lines[j + 1]):
            nxt = lines[j + 1]
            same_rules = ruled[j + 1] is not None and ruled[j + 1] == ruled[i]
            block = lines[i : j + 1]
            if same_rules or _candidate(nxt) or _fits_one_column(nxt, _columns(block)) or (
                _wrapped_line(block, nxt)
            ):
                j += 1
            else:
                break
        if i - 1 > taken and in_grid[i - 1] is None and _group_line(
            lines[i - 1], lines[i], _columns(lines[i : j + 1]), rules
        ):
            i -= 1
        block = lines[i : j + 1]
        made = _aligned_table(block, rules, shades, page, _caption(lines, i))
        if made is not None:
            table, columns, head_lines = made
            found.append(FoundTable(table, i, j, tuple(columns), head_lines))
            taken = j
        i = j + 1
    found = _headed(found, heads, lines, page)
    found.sort(key=lambda f: f.first)
    return [
        dataclasses.replace(f, at_top=f.first == 0, at_bottom=f.last == len(lines) - 1)
        for f in found
    ]


def _headed(
    found: list[FoundTable],
    heads: list[tuple[Grid, list[int]]],
    lines: Sequence[Line],
    page: int,
) -> list[FoundTable]:
    """Tables without a header of their own under a boxed header (`heads`) with as many
    columns get it; a boxed header with no such table under it is a table itself."""
    out = list(found)
    for grid, idx in heads:
        below = next((k for k, f in enumerate(out) if f.first == idx[-1] + 1), None)
        if below is not None and not out[below].table.header and (
            len(out[below].columns) == len(grid.columns)
        ):
            under = out[below]
            table = dataclasses.replace(
                under.table, header=_header([list(r) for r in grid.rows]),
                caption=_caption(lines, idx[0]),
            )
            out[below] = dataclasses.replace(under, table=table, first=idx[0],
                                             head_lines=len(idx))
            continue
        made = _grid_table(grid, page, _caption(lines, idx[0]))
        if made is not None:
            out.append(FoundTable(made[0], idx[0], idx[-1], grid.columns, len(idx)))
    return out


# -- 3. a document's tables, across page breaks -------------------------------------------


def _same_columns(a: Sequence[tuple[float, float]], b: Sequence[tuple[float, float]]) -> bool:
    return len(a) == len(b) and all(
        min(x1, y1) - max(x0, y0) > -_SAME_X for (x0, x1), (y0, y1) in zip(a, b, strict=True)
    )


def _continues(prev: FoundTable, cur: FoundTable) -> bool:
    if not (prev.at_bottom and cur.at_top and _same_columns(prev.columns, cur.columns)):
        return False
    # A new table with a header of its own starts here; the same header repeated, or
    # none, is the old table going on.
    return not cur.table.header or cur.table.header == prev.table.header


def _merge(start: FoundTable, rows: tuple[tuple[TableCell, ...], ...], at_bottom: bool) -> (
    tuple[FoundTable, bool]
):
    """The table with the rows of its next page; and whether the first of them was the
    rest of a row the page break split (no number, a column empty: joined to it)."""
    table = start.table
    split = bool(rows and table.rows) and not _has_number([c.text for c in rows[0]]) and not (
        all(c.text for c in rows[0])
    )
    if split:
        joined = tuple(
            _cell(f"{a.text} {b.text}".strip())
            for a, b in zip(table.rows[-1], rows[0], strict=True)
        )
        body = (*table.rows[:-1], joined, *rows[1:])
    else:
        body = table.rows + rows
    merged = ParsedTable(page=table.page, header=table.header, rows=body, caption=table.caption)
    return dataclasses.replace(start, table=merged, at_bottom=at_bottom), split


def _leading_rows(
    lines: Sequence[Line], columns: Sequence[tuple[float, float]], taken: int
) -> int:
    """How many lines at the top of a page (before line `taken`) continue a table with
    these columns: rows too few to make a table of their own, a total row."""
    n = 0
    while n < taken and _fits_columns(lines[n], columns) and (
        n == 0 or _close(lines[n - 1], lines[n])
    ):
        n += 1
    return n


def _repeated_header(rows: Sequence[Sequence[TableCell]], header: tuple[str, ...]) -> int:
    """How many of the leading rows print `header` again (wrapped over lines or not)."""
    texts = [[c.text for c in row] for row in rows]
    for n in range(1, min(3, len(texts)) + 1):
        if header and _header(texts[:n]) == header:
            return n
    return 0


def _row_texts(table: ParsedTable, *, header: bool = True) -> list[str]:
    rows = [table.header] if header and table.header else []
    rows += [tuple(c.text for c in row) for row in table.rows]
    return [" ".join(c for c in row if c) for row in rows]


@dataclass(frozen=True)
class DocumentTables:
    """A document's tables as (page index, table), and per page the text each table
    prints, row by row (`{first line: (last line, texts)}`): a cell wrapped over lines
    reads as one, and a header repeated on a continuation page is printed once."""

    tables: list[tuple[int, FoundTable]]
    texts: list[dict[int, tuple[int, list[str]]]]


def find_document_tables(
    pages: Sequence[tuple[Sequence[Line], Sequence[Rule], Sequence[Grid], Sequence[Shade]]],
) -> DocumentTables:
    """Tables of all pages, a table broken by page breaks as one (given on the page it
    starts on). Line indices refer to the lines given."""
    result: list[tuple[int, FoundTable]] = []
    texts: list[dict[int, tuple[int, list[str]]]] = []
    open_at: int | None = None  # the result entry that runs to the foot of the last page
    tail: tuple[int, int] | None = None  # (page, first line) of the text of its last rows

    def carry(rows: tuple[tuple[TableCell, ...], ...], at_bottom: bool) -> list[str]:
        """Add `rows` to the open table; the texts to print for them on this page."""
        assert open_at is not None and tail is not None
        page, start = result[open_at]
        merged, split = _merge(start, rows, at_bottom)
        result[open_at] = (page, merged)
        added = _row_texts(ParsedTable(page=0, header=(), rows=rows))
        if split:
            # The split row prints whole where it starts.
            last, before = texts[tail[0]][tail[1]]
            texts[tail[0]][tail[1]] = (last, [*before[:-1], *_row_texts(ParsedTable(
                page=0, header=(), rows=merged.table.rows[-len(rows):][:1]))])
            added = added[1:]
        return added

    for index, (lines, rules, grids, shades) in enumerate(pages):
        tables = find_tables(lines, rules, grids, index + 1, shades)
        page_texts = {t.first: (t.last, _row_texts(t.table)) for t in tables}
        texts.append(page_texts)
        if open_at is not None:
            start = result[open_at][1]
            if tables and _continues(start, tables[0]):
                head, tables = tables[0], tables[1:]
                page_texts[head.first] = (head.last, carry(head.table.rows, head.at_bottom))
                tail = (index, head.first)
                if not tables:
                    open_at = open_at if head.at_bottom else None
                    continue
            else:
                n = _leading_rows(lines, start.columns, tables[0].first if tables else len(lines))
                rows = [
                    tuple(_cell(c) for c in _cells(line, start.columns))
                    for line in lines[:n]
                ]
                rows = rows[_repeated_header(rows, start.table.header):]
                if n:
                    page_texts[0] = (n - 1, carry(tuple(rows), n == len(lines)))
                    tail = (index, 0)
        result.extend((index, t) for t in tables)
        open_at = len(result) - 1 if tables and tables[-1].at_bottom else None
        if tables:
            tail = (index, tables[-1].first)
    return DocumentTables(result, texts)
