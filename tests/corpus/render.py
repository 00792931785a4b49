"""Two clearly different PDF layouts for the accuracy corpus, tables included.

- `ruled`: reportlab, A4, Helvetica 10, running header on top, page number bottom
  right, tables with ruling lines and right-aligned amounts.
- `plain`: fpdf2, US Letter, Times 11, wide margins, `Pagina N` footer centred, tables
  without any lines, everything left-aligned, header cells wrapped over two lines.

A document is a list of blocks: `("line", text)` (wrapped when long) or
`("table", header, rows)` where header cells may hold `\\n` for a wrapped header.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from collections.abc import Sequence
from typing import Literal

Layout = Literal["ruled", "plain"]
Block = tuple  # ("line", str) | ("table", tuple[str, ...], list[tuple[str, ...]])

_LATIN1 = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "…": "...", "–": "-", "—": "-"})


def render(blocks: Sequence[Block], layout: Layout, running_header: str | None = None) -> bytes:
    if layout == "ruled":
        return _ruled(blocks, running_header)
    if layout == "plain":
        return _plain(blocks, running_header)
    raise ValueError(layout)


def _ruled(blocks: Sequence[Block], running: str | None) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, invariant=True)
    width, height = A4
    left, top, bottom, leading, size = 60, height - 72, 72, 13, 10
    state = {"page": 1, "y": top}

    def furniture() -> None:
        pdf.setFont("Helvetica", 8)
        if running:
            pdf.drawString(left, height - 40, running)
        pdf.drawRightString(width - left, 40, str(state["page"]))
        pdf.setFont("Helvetica", size)

    def need(h: float) -> None:
        if state["y"] - h < bottom:
            pdf.showPage()
            state["page"] += 1
            state["y"] = top
            furniture()

    furniture()
    for block in blocks:
        if block[0] == "line":
            for piece in textwrap.wrap(block[1], 95) or [""]:
                need(leading)
                pdf.drawString(left, state["y"], piece)
                state["y"] -= leading
            continue
        _, header, rows = block
        head_lines = [cell.split("\n") for cell in header]
        widths = [
            max(
                [stringWidth(p, "Helvetica", size) for p in head_lines[i]]
                + [stringWidth(r[i], "Helvetica", size) for r in rows]
            )
            + 16
            for i in range(len(header))
        ]
        n_head = max(len(h) for h in head_lines)
        need(leading * (n_head + 1 + min(len(rows), 3)))
        xs = [left]
        for w in widths:
            xs.append(xs[-1] + w)
        state["y"] -= 4
        pdf.line(xs[0], state["y"] + leading - 2, xs[-1], state["y"] + leading - 2)
        for k in range(n_head):
            for i, parts in enumerate(head_lines):
                if k < len(parts):
                    pdf.drawString(xs[i] + 8, state["y"], parts[k])
            state["y"] -= leading
        pdf.line(xs[0], state["y"] + leading - 2, xs[-1], state["y"] + leading - 2)
        for row in rows:
            need(leading)
            for i, cell in enumerate(row):
                if _numeric(cell):
                    pdf.drawRightString(xs[i + 1] - 8, state["y"], cell)
                else:
                    pdf.drawString(xs[i] + 8, state["y"], cell)
            pdf.line(xs[0], state["y"] - 3, xs[-1], state["y"] - 3)
            state["y"] -= leading
        state["y"] -= 6
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _numeric(cell: str) -> bool:
    return bool(cell) and cell.replace(".", "").replace(",", "").replace("€", "").strip().isdigit()


def _plain(blocks: Sequence[Block], running: str | None) -> bytes:
    from fpdf import FPDF

    class Doc(FPDF):
        def header(self) -> None:
            if running:
                self.set_font("Times", "I", 8)
                self.cell(0, 6, running.translate(_LATIN1), align="C")
                self.ln(10)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("Times", "", 8)
            self.cell(0, 8, f"Pagina {self.page_no()}", align="C")

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
        if block[0] == "line":
            for piece in textwrap.wrap(block[1], 88) or [""]:
                pdf.cell(0, step, safe(piece))
                pdf.ln(step)
            continue
        _, header, rows = block
        head_lines = [cell.split("\n") for cell in header]
        widths = [
            max(
                [pdf.get_string_width(safe(p)) for p in head_lines[i]]
                + [pdf.get_string_width(safe(r[i])) for r in rows]
            )
            + 9
            for i in range(len(header))
        ]
        n_head = max(len(h) for h in head_lines)
        pdf.ln(2)
        for k in range(n_head):
            for i, parts in enumerate(head_lines):
                pdf.cell(widths[i], step, safe(parts[k]) if k < len(parts) else "")
            pdf.ln(step)
        for row in rows:
            for i, cell in enumerate(row):
                pdf.cell(widths[i], step, safe(cell))
            pdf.ln(step)
        pdf.ln(2)
    return bytes(pdf.output())
