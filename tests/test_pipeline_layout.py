"""Reading order from positions: one column, tables as rows, two columns of prose."""

from __future__ import annotations

import io

from pipeline import parse_document
from pipeline.layout import lines_text
from pipeline.pdftext import extract_pdf


def _two_columns() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, invariant=True)
    pdf.setFont("Helvetica", 10)
    pdf.drawString(60, 800, "SCHRIFTELIJKE VRAAG nr. 12 van AN PEETERS datum: 3 mei 2004")
    for i in range(12):
        pdf.drawString(60, 770 - 13 * i, f"Linkerkolom regel {i} met genoeg woorden erin.")
        pdf.drawString(320, 770 - 13 * i, f"Rechterkolom regel {i} met genoeg woorden erin.")
    pdf.drawString(60, 560, "Onderaan over de hele breedte van de bladzijde een slotzin.")
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def test_two_columns_are_read_one_after_the_other() -> None:
    text = lines_text(extract_pdf(_two_columns()).pages[0].lines)
    lines = [line for line in text.splitlines() if line]
    assert lines[0].startswith("SCHRIFTELIJKE VRAAG")
    assert lines[1:13] == [f"Linkerkolom regel {i} met genoeg woorden erin." for i in range(12)]
    assert lines[13:25] == [f"Rechterkolom regel {i} met genoeg woorden erin." for i in range(12)]
    assert lines[25].startswith("Onderaan over de hele breedte")
    assert parse_document(_two_columns()).tables == ()
