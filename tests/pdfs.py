"""Real PDF files for the tests and the replica, from two different producers.

`reportlab` and `fpdf2` write differently structured PDFs (fonts, object layout, text
operators), so a parser that passes on both is not tuned to one producer's quirks.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from typing import Literal

Producer = Literal["reportlab", "fpdf2"]


def render_pdf(
    lines: Sequence[str],
    *,
    producer: Producer = "reportlab",
    running_header: str | None = None,
    page_numbers: bool = True,
    wrap: int = 95,
    title: str | None = None,
) -> bytes:
    """Lay `lines` out one per line (long ones wrapped) on as many pages as needed.

    `running_header` is printed on top of every page and page numbers at the bottom, as
    the parliament's PDFs do, so the parser has to strip them.
    """
    wrapped: list[str] = []
    for line in lines:
        wrapped.extend(textwrap.wrap(line, wrap) or [""])
    if producer == "reportlab":
        return _reportlab(wrapped, running_header, page_numbers, title)
    if producer == "fpdf2":
        return _fpdf2(wrapped, running_header, page_numbers, title)
    raise ValueError(f"unknown producer {producer!r}")


def _reportlab(
    lines: list[str], header: str | None, numbers: bool, title: str | None
) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, invariant=True)
    if title:
        pdf.setTitle(title)
    width, height = A4
    top, bottom, left, leading = height - 72, 72, 60, 13
    page = 1

    def furniture() -> None:
        pdf.setFont("Helvetica", 8)
        if header:
            pdf.drawString(left, height - 40, header)
        if numbers:
            pdf.drawRightString(width - left, 40, str(page))
        pdf.setFont("Helvetica", 10)

    furniture()
    y = top
    for line in lines:
        if y < bottom:
            pdf.showPage()
            page += 1
            furniture()
            y = top
        pdf.drawString(left, y, line)
        y -= leading
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _fpdf2(lines: list[str], header: str | None, numbers: bool, title: str | None) -> bytes:
    from fpdf import FPDF

    class Doc(FPDF):
        def header(self) -> None:
            if header:
                self.set_font("Times", "I", 8)
                self.cell(0, 6, header, align="C")
                self.ln(10)

        def footer(self) -> None:
            if numbers:
                self.set_y(-15)
                self.set_font("Times", "", 8)
                self.cell(0, 8, f"{self.page_no()}", align="C")

    pdf = Doc(format="Letter")
    pdf.set_margins(25, 20, 25)
    pdf.set_auto_page_break(True, margin=20)
    if title:
        pdf.set_title(title)
    # A fixed date keeps the bytes, and so the sha256, the same on every run.
    import datetime as dt

    pdf.set_creation_date(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    pdf.add_page()
    pdf.set_font("Times", "", 11)
    for line in lines:
        # The core fonts are Latin-1; the samples' typographic quotes and ellipses map
        # onto their closest Latin-1 forms, as many real producers do.
        safe = (
            line.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
            .replace("…", "...").replace("–", "-").replace("—", "-")
        )
        pdf.cell(0, 5.5, safe.encode("latin-1", "replace").decode("latin-1"))
        pdf.ln(5.5)
    return bytes(pdf.output())
