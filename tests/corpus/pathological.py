"""Real PDFs that are hard on a parser: many pages densely packed with tiny text, so
pdfminer needs a long time and a lot of memory for them (one layout object per glyph)."""

from __future__ import annotations

import io


def dense_pdf(pages: int, lines_per_page: int = 180, chars_per_line: int = 160) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, invariant=True)
    text = ("subsidie 2.300.000 partner " * 10)[:chars_per_line]
    for _ in range(pages):
        pdf.setFont("Helvetica", 3)
        for i in range(lines_per_page):
            pdf.drawString(10, 830 - i * 4.5, text)
        pdf.showPage()
    pdf.save()
    return buf.getvalue()
