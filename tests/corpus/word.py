"""The corpus's blocks (see tests/corpus/render.py) as a Word document, the way answers
are written: python-docx writes it, LibreOffice exports it to PDF (tests/corpus/fixtures.py).

A4, Calibri 11 (LibreOffice sets it in Carlito, its metric twin), a running header in
the page header and page fields in the footer, list items with a tab and a hanging
indent, Word's "Table Grid" tables with a bold, shaded header row that repeats on
every page, amounts aligned right.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from tests.corpus.render import Footer, numeric


def _field(paragraph, code: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), code)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _footer(paragraph, footer: Footer) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    if footer is None:
        return
    paragraph.alignment = (
        WD_ALIGN_PARAGRAPH.RIGHT if footer == "number" else WD_ALIGN_PARAGRAPH.CENTER
    )
    if footer == "pagina":
        paragraph.add_run("Pagina ")
        _field(paragraph, "PAGE")
        paragraph.add_run(" van ")
        _field(paragraph, "NUMPAGES")
    elif footer == "dash":
        paragraph.add_run("- ")
        _field(paragraph, "PAGE")
        paragraph.add_run(" -")
    else:
        _field(paragraph, "PAGE")


def _shade(cell, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    mark = OxmlElement("w:tblHeader")
    mark.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(mark)


def _fill(cell, text: str, *, bold: bool = False) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph = cell.paragraphs[0]
    for k, piece in enumerate(text.split("\n")):
        run = paragraph.add_run()
        run.bold = bold
        if k:
            run.add_break()  # a line break inside the cell, as Shift+Enter makes
        run.add_text(piece)
    if numeric(text) and not bold:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _widths(table, header, rows, cm) -> None:
    """Columns as wide as their longest line, as Word's autofit sets them (LibreOffice
    would make them all equal), within the 16 cm between the margins."""
    longest = [
        max(len(line) for cell in [header[i], *(r[i] for r in rows)] for line in cell.split("\n"))
        for i in range(len(header))
    ]
    widths = [0.5 + 0.21 * n for n in longest]
    scale = min(1.0, 16 / sum(widths))
    for i, width in enumerate(widths):
        table.columns[i].width = cm(width * scale)
        for cell in table.columns[i].cells:
            cell.width = cm(width * scale)


def docx(blocks: Sequence[tuple], running_header: str | None, footer: Footer) -> bytes:
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.shared import Cm, Pt, RGBColor

    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(2)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.5)
    if running_header:
        run = section.header.paragraphs[0].add_run(running_header)
        run.font.size = Pt(8)
        run.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    _footer(section.footer.paragraphs[0], footer)
    for block in blocks:
        kind = block[0]
        if kind == "line":
            document.add_paragraph(block[1])
        elif kind == "item":
            _, marker, text, level = block
            paragraph = document.add_paragraph(f"{marker}\t{text}")
            indent = Cm(0.75 * (level + 1))
            paragraph.paragraph_format.left_indent = indent
            paragraph.paragraph_format.first_line_indent = -Cm(0.75)
            paragraph.paragraph_format.tab_stops.add_tab_stop(indent)
        elif kind == "pair":
            paragraph = document.add_paragraph(f"{block[1]}\t{block[2]}")
            paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(9.5))
        elif kind == "space":
            document.add_paragraph("")
        elif kind == "break":
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        else:
            _, header, rows = block[:3]
            groups = block[3] if len(block) > 3 else ()
            top = 1 if groups else 0
            table = document.add_table(rows=1 + top + len(rows), cols=len(header))
            table.style = "Table Grid"
            _widths(table, header, rows, Cm)
            heads = [table.cell(top, i) for i in range(len(header))]
            if groups:
                col = 0
                for label, span in groups:
                    if label:
                        merged = table.cell(0, col).merge(table.cell(0, col + span - 1))
                        _fill(merged, label, bold=True)
                        _shade(merged, "D9D9D9")
                    else:
                        # A column without a group: its header spans both header rows.
                        for i in range(col, col + span):
                            heads[i] = table.cell(0, i).merge(table.cell(1, i))
                    col += span
            for i, text in enumerate(header):
                _fill(heads[i], text, bold=True)
                _shade(heads[i], "D9D9D9")
            for r in range(top + 1):
                _repeat_header(table.rows[r])
            for r, row in enumerate(rows, start=top + 1):
                for i, text in enumerate(row):
                    _fill(table.rows[r].cells[i], text)
            document.add_paragraph("")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()
