"""The two PDF layouts rendered live in the tests (the other producers are fixtures, see
tests/corpus/fixtures.py).

- `ruled` (reportlab): A4, Helvetica 10, running header on top in 8 pt, tables ruled
  across only (a rule above and below the header and under each row), a bold header,
  right-aligned amounts.
- `plain` (fpdf2): US Letter, Times 11, wide margins, tables without any lines, all
  left-aligned, header in bold.

A document is a list of blocks:

- `("line", text)`: a paragraph line, wrapped when long;
- `("item", marker, text, level)`: a list item with a hanging indent (`1.`, `a)`);
- `("pair", left, right)`: two texts side by side (a header `datum: ... | aan ...`, a
  signature block);
- `("space",)`: the gap between paragraphs; `("break",)`: a page break;
- `("table", header, rows)` or `("table", header, rows, groups)`: header cells and
  row cells may hold `\\n` (a cell over two lines); `groups` ((label, columns), ...)
  is a header row of merged cells above the header (`("", 2)` leaves two columns
  without one). A table cut by a page break repeats its header on the next page.

`footer` is how pages are numbered: `number` (`2`, right), `pagina` (`Pagina 2 van 3`),
`dash` (`- 2 -`) or None.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from collections.abc import Sequence
from typing import Literal

Layout = Literal["ruled", "plain"]
Footer = Literal["number", "pagina", "dash"] | None
Block = tuple

_LATIN1 = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "…": "...", "–": "-", "—": "-"})


def page_label(footer: Footer, page: int, pages: int) -> str | None:
    if footer == "number":
        return str(page)
    if footer == "pagina":
        return f"Pagina {page} van {pages}"
    if footer == "dash":
        return f"- {page} -"
    return None


def numeric(cell: str) -> bool:
    return bool(cell) and cell.replace(".", "").replace(",", "").replace("€", "").replace(
        "%", "").replace("-", "").strip().isdigit()


def render(
    blocks: Sequence[Block],
    layout: Layout,
    running_header: str | None = None,
    footer: Footer = "number",
) -> bytes:
    if layout == "ruled":
        # Two passes: the page count is printed on every page (`Pagina 2 van 3`).
        pages = _ruled(blocks, running_header, footer, 0)[1]
        return _ruled(blocks, running_header, footer, pages)[0]
    if layout == "plain":
        return _plain(blocks, running_header, footer)
    raise ValueError(layout)


def _ruled(
    blocks: Sequence[Block], running: str | None, footer: Footer, total: int
) -> tuple[bytes, int]:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, invariant=True)
    width, height = A4
    left, top, bottom, leading, size = 60, height - 72, 72, 13, 10
    state: dict = {"page": 1, "y": top}

    def furniture() -> None:
        pdf.setFont("Helvetica", 8)
        if running:
            pdf.drawString(left, height - 40, running)
        label = page_label(footer, state["page"], total)
        if label and footer == "number":
            pdf.drawRightString(width - left, 40, label)
        elif label:
            pdf.drawCentredString(width / 2, 40, label)
        pdf.setFont("Helvetica", size)

    def new_page() -> None:
        pdf.showPage()
        state["page"] += 1
        state["y"] = top
        furniture()

    def need(h: float) -> bool:
        if state["y"] - h < bottom:
            new_page()
            return True
        return False

    furniture()
    for block in blocks:
        kind = block[0]
        if kind == "line":
            for piece in textwrap.wrap(block[1], 95) or [""]:
                need(leading)
                pdf.drawString(left, state["y"], piece)
                state["y"] -= leading
        elif kind == "item":
            _, marker, text, level = block
            indent = left + 20 * level
            for k, piece in enumerate(textwrap.wrap(text, 90 - 4 * level) or [""]):
                need(leading)
                if k == 0:
                    pdf.drawString(indent, state["y"], marker)
                pdf.drawString(indent + 20, state["y"], piece)
                state["y"] -= leading
        elif kind == "pair":
            need(leading)
            pdf.drawString(left, state["y"], block[1])
            pdf.drawString(left + 270, state["y"], block[2])
            state["y"] -= leading
        elif kind == "space":
            state["y"] -= 7
        elif kind == "break":
            new_page()
        else:
            _ruled_table(pdf, block, state, left, leading, need, stringWidth)
    pdf.showPage()
    pages = state["page"]
    pdf.save()
    return buf.getvalue(), pages


def _ruled_table(pdf, block, state, left, leading, need, string_width) -> None:
    _, header, rows = block[:3]
    head = [cell.split("\n") for cell in header]
    body = [[cell.split("\n") for cell in row] for row in rows]
    widths = [
        max(
            [string_width(p, "Helvetica-Bold", 10) for p in head[i]]
            + [string_width(p, "Helvetica", 10) for r in body for p in r[i]]
        )
        + 16
        for i in range(len(header))
    ]
    xs = [left]
    for w in widths:
        xs.append(xs[-1] + w)

    def rule(y: float) -> None:
        pdf.line(xs[0], y, xs[-1], y)

    groups = block[3] if len(block) > 3 else ()

    def draw_header() -> None:
        n = max(len(h) for h in head)
        rule(state["y"] + leading - 2)
        pdf.setFont("Helvetica-Bold", 10)
        if groups:
            col = 0
            for label, span in groups:
                if label:
                    pdf.drawCentredString((xs[col] + xs[col + span]) / 2, state["y"], label)
                    pdf.line(xs[col] + 4, state["y"] - 3, xs[col + span] - 4, state["y"] - 3)
                col += span
            state["y"] -= leading
        for k in range(n):
            for i, parts in enumerate(head):
                if k < len(parts):
                    pdf.drawString(xs[i] + 8, state["y"], parts[k])
            state["y"] -= leading
        pdf.setFont("Helvetica", 10)
        rule(state["y"] + leading - 2)

    need(leading * (max(len(h) for h in head) + 2))
    state["y"] -= 4
    draw_header()
    for row in body:
        n = max(len(c) for c in row)
        if need(leading * n):
            draw_header()
        for k in range(n):
            for i, cell in enumerate(row):
                if k >= len(cell):
                    continue
                if numeric(cell[k]):
                    pdf.drawRightString(xs[i + 1] - 8, state["y"], cell[k])
                else:
                    pdf.drawString(xs[i] + 8, state["y"], cell[k])
            state["y"] -= leading
        rule(state["y"] + leading - 3)
    state["y"] -= 6


def _plain(blocks: Sequence[Block], running: str | None, footer: Footer) -> bytes:
    from fpdf import FPDF

    class Doc(FPDF):
        def header(self) -> None:
            if running:
                self.set_font("Times", "I", 8)
                self.cell(0, 6, running.translate(_LATIN1), align="C")
                self.ln(10)

        def footer(self) -> None:
            label = page_label(footer, self.page_no(), 0)
            if label:
                self.set_y(-15)
                self.set_font("Times", "", 8)
                self.cell(0, 8, label.replace(" van 0", " van {nb}"), align="C")

    pdf = Doc(format="Letter")
    pdf.set_margins(30, 20, 30)
    pdf.set_auto_page_break(True, margin=22)
    pdf.set_creation_date(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    pdf.add_page()
    pdf.set_font("Times", "", 11)
    step = 5.5

    def safe(text: str) -> str:
        return text.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")

    for block in blocks:
        kind = block[0]
        if kind == "line":
            for piece in textwrap.wrap(block[1], 88) or [""]:
                pdf.cell(0, step, safe(piece))
                pdf.ln(step)
        elif kind == "item":
            _, marker, text, level = block
            for k, piece in enumerate(textwrap.wrap(text, 82 - 4 * level) or [""]):
                pdf.set_x(30 + 7 * level)
                pdf.cell(7, step, safe(marker) if k == 0 else "")
                pdf.cell(0, step, safe(piece))
                pdf.ln(step)
        elif kind == "pair":
            pdf.cell(85, step, safe(block[1]))
            pdf.cell(0, step, safe(block[2]))
            pdf.ln(step)
        elif kind == "space":
            pdf.ln(3)
        elif kind == "break":
            pdf.add_page()
        else:
            _plain_table(pdf, block, step, safe)
    return bytes(pdf.output())


def _plain_table(pdf, block, step, safe) -> None:
    _, header, rows = block[:3]
    head = [cell.split("\n") for cell in header]
    body = [[cell.split("\n") for cell in row] for row in rows]
    pdf.set_font("Times", "B", 11)
    bold_widths = [max(pdf.get_string_width(safe(p)) for p in h) for h in head]
    pdf.set_font("Times", "", 11)
    widths = [
        max([bold_widths[i]] + [pdf.get_string_width(safe(p)) for r in body for p in r[i]]) + 9
        for i in range(len(header))
    ]

    groups = block[3] if len(block) > 3 else ()

    def draw_header() -> None:
        pdf.set_font("Times", "B", 11)
        if groups:
            col = 0
            for label, span in groups:
                pdf.cell(sum(widths[col : col + span]), step, safe(label), align="C")
                col += span
            pdf.ln(step)
        for k in range(max(len(h) for h in head)):
            for i, parts in enumerate(head):
                pdf.cell(widths[i], step, safe(parts[k]) if k < len(parts) else "")
            pdf.ln(step)
        pdf.set_font("Times", "", 11)

    pdf.ln(2)
    if pdf.will_page_break(step * (max(len(h) for h in head) + 2)):
        pdf.add_page()
    draw_header()
    for row in body:
        n = max(len(c) for c in row)
        if pdf.will_page_break(step * n):
            pdf.add_page()
            draw_header()
        for k in range(n):
            for i, cell in enumerate(row):
                pdf.cell(widths[i], step, safe(cell[k]) if k < len(cell) else "")
            pdf.ln(step)
    pdf.ln(2)
