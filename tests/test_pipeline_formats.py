"""Word, Excel and the old vrg/antw zip, read with the standard library; what cannot be
read is recorded as unsupported, never dropped."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from xml.sax.saxutils import escape

import pytest

from pipeline import parse_document
from pipeline.media import DOCX, XLSX, ZIP
from tests.replica.data import build_docx, build_xlsx

QUESTION = ["SCHRIFTELIJKE VRAAG", "nr. 88", "van AN PEETERS", "datum: 14 maart 2014",
            "aan PHILIPPE MUYTERS",
            "VLAAMS MINISTER VAN FINANCIËN, BEGROTING, WERK, RUIMTELIJKE ORDENING EN SPORT",
            "Sportinfrastructuur - Subsidies", "De minister kent subsidies toe.",
            "1. Hoeveel projecten kregen steun?", "2. Welk bedrag ging naar elke provincie?"]
ANSWER = ["PHILIPPE MUYTERS",
          "VLAAMS MINISTER VAN FINANCIËN, BEGROTING, WERK, RUIMTELIJKE ORDENING EN SPORT",
          "ANTWOORD", "op vraag nr. 88 van 14 maart 2014", "van AN PEETERS",
          "1. Er kregen 12 projecten steun.", "2. De verdeling staat in bijlage 1."]
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _docx_with_table(lines: list[str], rows: list[list[str]], after: list[str]) -> bytes:
    """A Word document: paragraphs, a table, more paragraphs."""
    base = zipfile.ZipFile(io.BytesIO(build_docx(lines)))
    xml = base.read("word/document.xml").decode()
    cells = "".join(
        "<w:tr>" + "".join(f"<w:tc><w:p><w:r><w:t>{escape(c)}</w:t></w:r></w:p></w:tc>"
                           for c in row) + "</w:tr>"
        for row in rows
    )
    tail = "".join(f"<w:p><w:r><w:t>{escape(t)}</w:t></w:r></w:p>" for t in after)
    xml = xml.replace("</w:body>", f"<w:tbl>{cells}</w:tbl>{tail}</w:body>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in base.namelist():
            archive.writestr(name, xml if name == "word/document.xml" else base.read(name))
    return out.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_docx_question_and_answer_with_table() -> None:
    body = _docx_with_table(
        QUESTION + ANSWER, [["Provincie", "Bedrag"], ["Antwerpen", "€ 1.250.000"],
                            ["Limburg", "480.000"]], ["Dat is het volledige overzicht."]
    )
    doc = parse_document(body, "application/octet-stream")
    assert (doc.parse_status, doc.media_type) == ("ok", DOCX)
    assert doc.header is not None
    assert (doc.header.number, doc.header.asker, doc.header.asked_on) == (
        88, "An Peeters", dt.date(2014, 3, 14))
    assert doc.header.minister == "Philippe Muyters"
    assert [s.number for s in doc.sub_questions] == [1, 2]
    assert [p.numbers for p in doc.answer_parts] == [(1,), (2,)]
    (table,) = doc.tables
    assert table.header == ("Provincie", "Bedrag") and table.section == "answer"
    assert [(c.text, c.value, c.unit) for c in table.rows[0]] == [
        ("Antwerpen", None, None), ("€ 1.250.000", 1250000, "€")]
    assert [r.label for r in doc.references if r.kind == "attachment"] == ["bijlage 1"]


@pytest.mark.parametrize("writer", ["replica", "openpyxl"])
def test_xlsx_attachment_as_table_rows(writer: str) -> None:
    rows = [["Jaar", "Partner", "Bedrag"], ["2023", "Dyzo", "585.000"],
            ["2024", "Hefboom", "250000"]]
    if writer == "replica":
        body = build_xlsx(rows)
    else:
        openpyxl = pytest.importorskip("openpyxl")
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "Bijlage 1"
        for row in rows:
            sheet.append([int(c) if c.isdigit() else c for c in row])
        out = io.BytesIO()
        book.save(out)
        body = out.getvalue()
    doc = parse_document(body, None)
    assert (doc.parse_status, doc.media_type) == ("ok", XLSX)
    (table,) = doc.tables
    assert table.section == "attachment" and table.caption == "Bijlage 1"
    assert table.header == ("Jaar", "Partner", "Bedrag")
    values = [[c.value for c in r] for r in table.rows]
    assert values == [[2023, None, 585000], [2024, None, 250000]]


def test_zip_of_question_docx_and_answer_docx() -> None:
    body = _zip({"vrg.088.docx": build_docx(QUESTION), "antw.088.docx": build_docx(ANSWER)})
    doc = parse_document(body, "application/zip")
    assert (doc.parse_status, doc.media_type, doc.error) == ("ok", ZIP, None)
    assert doc.header is not None and doc.header.number == 88
    assert [s.number for s in doc.sub_questions] == [1, 2]
    assert doc.answer_text is not None and doc.answer_text.startswith("1. Er kregen 12")


def test_zip_with_legacy_doc_question_keeps_the_answer_and_says_so() -> None:
    legacy = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + b"\0" * 64
    body = _zip({"vrg.088.doc": legacy, "antw.088.docx": build_docx(ANSWER)})
    doc = parse_document(body)
    assert doc.parse_status == "ok"
    assert doc.error == "question file is application/msword, not readable"
    assert doc.answer_text is not None and "12 projecten" in doc.answer_text


def test_zip_without_readable_members_is_unsupported() -> None:
    legacy = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + b"\0" * 64
    assert parse_document(_zip({"vrg.1.doc": legacy})).parse_status == "unsupported"
    assert parse_document(_zip({"readme.txt": b"x"})).parse_status == "unsupported"


def test_broken_docx_is_corrupt() -> None:
    body = _zip({"word/document.xml": b"<w:document><unclosed>"})
    doc = parse_document(body)
    assert (doc.parse_status, doc.media_type) == ("corrupt", DOCX)
    assert doc.error and "document.xml" in doc.error


def test_legacy_doc_is_unsupported() -> None:
    legacy = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + b"\0" * 64
    doc = parse_document(legacy, "application/msword")
    assert doc.parse_status == "unsupported"
    assert doc.error == "unsupported media type application/msword"
