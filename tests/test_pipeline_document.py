"""parse_document on real PDFs from two producers, and on bytes that are no good."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest

from pipeline import PARSER_VERSION, parse_document
from pipeline.pdftext import CorruptPdf, DocumentError, EncryptedPdf, extract_pdf
from tests.pdfs import Producer, render_pdf
from tests.samples import sample

PRODUCERS: tuple[Producer, ...] = ("reportlab", "fpdf2")
BROUNS_TITLE = "VLAAMS MINISTER VAN ECONOMIE, INNOVATIE, WERK, SOCIALE ECONOMIE EN LANDBOUW"
# ASCII only: fpdf2's core fonts cannot print an em dash in the header.
RUNNING = "Vlaams Parlement - Schriftelijke vraag 407 - Bothuyne"


def seed_lines() -> list[str]:
    lines = sample("seed_sv407_2024_bothuyne_brouns.txt").splitlines()
    return lines[lines.index("SCHRIFTELIJKE VRAAG") :]


def filler(n: int) -> list[str]:
    return [f"Regel {i}: de minister antwoordt uitvoerig over het beleid." for i in range(n)]


@pytest.mark.parametrize("producer", PRODUCERS)
def test_seed_pdf(producer: Producer) -> None:
    doc = parse_document(
        render_pdf(seed_lines(), producer=producer, running_header=RUNNING), "application/pdf"
    )
    assert doc.parse_status == "ok", doc.error
    assert doc.error is None
    assert doc.media_type == "application/pdf"
    assert doc.parser_version == PARSER_VERSION
    assert doc.pages == 2
    assert doc.header is not None
    assert doc.header.number == 407
    assert doc.header.asker == "Robrecht Bothuyne"
    assert doc.header.asked_on == dt.date(2024, 4, 29)
    assert doc.header.minister == "Jo Brouns"
    assert doc.header.minister_title == BROUNS_TITLE
    assert doc.subject is not None
    assert doc.subject.startswith("Agentschap Innoveren en Ondernemen (VLAIO)")
    assert doc.question_text is not None
    assert "6. Hoe evalueert de minister deze werkingsmiddelen?" in doc.question_text
    assert "ANTWOORD" not in doc.question_text
    assert "JO BROUNS" not in doc.question_text
    assert doc.has_answer
    answer = doc.answer_text
    assert answer is not None
    assert answer.startswith("1. De toegekende steun")
    assert answer.rstrip().endswith("realisatie van de beleidsdoelen.")
    # The table crossing the page break survives, without the furniture between.
    assert "maandenNaamTotaal\ntoegekende Steun\n15 Federatie Vrije Beroepen" in answer
    assert doc.text is not None
    for text in (doc.text, answer):
        assert RUNNING not in text
        assert not re.search(r"(?m)^\s*\d{1,2}\s*$", text), "a bare page number is left"


@pytest.mark.parametrize("producer", PRODUCERS)
def test_seed_pdf_without_form_title(producer: Producer) -> None:
    """The brief's reading of the sample drops the `SCHRIFTELIJKE VRAAG` line; still fine."""
    doc = parse_document(render_pdf(seed_lines()[1:], producer=producer))
    assert doc.header is not None
    assert (doc.header.number, doc.header.minister) == (407, "Jo Brouns")


@pytest.mark.parametrize("producer", PRODUCERS)
def test_multi_page_running_header_is_removed(producer: Producer) -> None:
    body = filler(160)
    doc = parse_document(render_pdf(body, producer=producer, running_header=RUNNING))
    assert doc.parse_status == "ok", doc.error
    assert doc.pages is not None and doc.pages >= 3
    assert doc.text is not None
    assert "Vlaams Parlement" not in doc.text
    # Every line of content, in order, and nothing else.
    assert doc.text.splitlines() == body


@pytest.mark.parametrize("producer", PRODUCERS)
def test_hyphenated_words_are_joined(producer: Producer) -> None:
    lines = [
        "Het ondernemings-",
        "beleid steunt op een KPI-",
        "lijst en op het subsidie-",
        "instrument voor kleuter-",
        "en lager onderwijs in Oost-",
        "Vlaanderen.",
    ]
    doc = parse_document(render_pdf(lines, producer=producer))
    assert doc.text == (
        "Het ondernemingsbeleid steunt op een KPI-lijst en op het subsidie-instrument"
        " voor kleuter-\nen lager onderwijs in Oost-Vlaanderen."
    )


@pytest.mark.parametrize("producer", PRODUCERS)
def test_question_without_answer(producer: Producer) -> None:
    lines = seed_lines()
    question_only = lines[: lines.index("ANTWOORD ")]  # keeps the minister's signature
    doc = parse_document(render_pdf(question_only, producer=producer))
    assert doc.parse_status == "ok", doc.error
    assert doc.answer_text is None
    assert doc.has_answer is False
    assert doc.header is not None and doc.header.number == 407
    assert doc.question_text is not None
    assert doc.question_text.endswith("6. Hoe evalueert de minister deze werkingsmiddelen?")


def test_text_inside_a_form_xobject_is_read_in_page_order() -> None:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, invariant=True)
    pdf.beginForm("kop")
    pdf.drawString(72, 700, "SCHRIFTELIJKE VRAAG")
    pdf.drawString(72, 686, "nr. 3")
    pdf.endForm()
    pdf.doForm("kop")
    pdf.drawString(72, 600, "Tekst onder het formulier.")
    pdf.showPage()
    pdf.save()
    doc = parse_document(buf.getvalue())
    assert doc.text is not None
    assert doc.text.index("nr. 3") < doc.text.index("Tekst onder het formulier.")
    assert doc.header is not None and doc.header.number == 3


def test_broken_bytes_are_corrupt() -> None:
    doc = parse_document(b"%PDF-1.4\nthis is not really a pdf\n%%EOF\n", "application/pdf")
    assert doc.parse_status == "corrupt"
    assert doc.media_type == "application/pdf"
    assert doc.error and "\n" not in doc.error
    assert doc.text is None and doc.header is None


def test_html_error_page_served_as_pdf_is_unsupported() -> None:
    doc = parse_document(b"<html><body>502 Bad Gateway</body></html>", "application/pdf")
    assert (doc.parse_status, doc.media_type) == ("unsupported", "text/html")


@pytest.mark.parametrize("producer", PRODUCERS)
@pytest.mark.parametrize("keep", [0.3, 0.6, 0.9, 0.999])
def test_truncated_pdf_is_corrupt(producer: Producer, keep: float) -> None:
    pdf = render_pdf(filler(120), producer=producer)
    doc = parse_document(pdf[: int(len(pdf) * keep)])
    assert doc.parse_status == "corrupt"
    assert doc.error


def test_damaged_object_in_a_complete_file_is_corrupt_not_an_exception() -> None:
    pdf = bytearray(render_pdf(filler(10)))
    start = pdf.index(b"stream") + len(b"stream\n")
    pdf[start : start + 40] = b"\x00" * 40  # breaks the compressed page content
    doc = parse_document(bytes(pdf))
    assert doc.parse_status in {"corrupt", "empty_text"}


def _reportlab_encrypted(user_password: str) -> bytes:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    enc = pdfencrypt.StandardEncryption(user_password, ownerPassword="eigenaar", canCopy=0)
    pdf = canvas.Canvas(buf, encrypt=enc, invariant=True)
    pdf.drawString(72, 720, "SCHRIFTELIJKE VRAAG nr. 1")
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _fpdf2_encrypted() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, "SCHRIFTELIJKE VRAAG nr. 1")
    pdf.set_encryption(owner_password="eigenaar", user_password="secret")
    return bytes(pdf.output())


@pytest.mark.parametrize("make", [lambda: _reportlab_encrypted("secret"), _fpdf2_encrypted])
def test_encrypted_pdf(make: object) -> None:
    body = make()  # type: ignore[operator]
    doc = parse_document(body)
    assert doc.parse_status == "encrypted"
    assert doc.error
    with pytest.raises(EncryptedPdf) as info:
        extract_pdf(body)
    assert isinstance(info.value, DocumentError)
    assert info.value.status == "encrypted"


def test_owner_password_only_is_read() -> None:
    # Copy protection without a user password: any reader opens it, so must we.
    doc = parse_document(_reportlab_encrypted(""))
    assert doc.parse_status == "ok", doc.error
    assert doc.header is not None and doc.header.number == 1


def _reportlab_rectangle() -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, invariant=True)
    pdf.rect(100, 100, 300, 400, fill=1)
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _fpdf2_rectangle() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 50, style="F")
    return bytes(pdf.output())


@pytest.mark.parametrize("make", [_reportlab_rectangle, _fpdf2_rectangle])
def test_pdf_without_text_is_empty_text(make: object) -> None:
    doc = parse_document(make())  # type: ignore[operator]
    assert doc.parse_status == "empty_text"
    assert doc.pages == 1
    assert doc.text is None


def test_only_page_numbers_is_empty_text() -> None:
    doc = parse_document(render_pdf(["", ""], running_header=None, page_numbers=True))
    assert doc.parse_status == "empty_text"


def test_extract_pdf_raises_typed_errors() -> None:
    with pytest.raises(CorruptPdf) as info:
        extract_pdf(b"garbage")
    assert info.value.status == "corrupt"
    with pytest.raises(CorruptPdf):
        extract_pdf(b"")


def _office_zip(part: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<doc/>")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("body", "declared", "media_type"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "application/msword",
         "application/msword"),
        (b"{\\rtf1 hallo}", None, "application/rtf"),
        (b"\x00\x01binary", None, "application/octet-stream"),
    ],
)  # fmt: skip
def test_other_formats_are_unsupported(body: bytes, declared: str | None, media_type: str) -> None:
    doc = parse_document(body, declared)
    assert doc.parse_status == "unsupported"
    assert doc.media_type == media_type
    assert doc.error and media_type in doc.error


def test_too_large() -> None:
    pdf = render_pdf(["SCHRIFTELIJKE VRAAG"])
    doc = parse_document(pdf, "application/pdf", max_bytes=len(pdf) - 1)
    assert (doc.parse_status, doc.media_type) == ("too_large", "application/pdf")
    assert doc.error and str(len(pdf)) in doc.error
    assert parse_document(pdf, max_bytes=len(pdf)).parse_status == "ok"


def test_parser_bug_is_a_status_not_an_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.document as document

    def boom(text: str) -> None:
        raise RuntimeError("boom\nwith a second line")

    monkeypatch.setattr(document, "split_sections", boom)
    doc = parse_document(render_pdf(["SCHRIFTELIJKE VRAAG"]))
    assert doc.parse_status == "corrupt"
    assert doc.error == "parser error RuntimeError: boom with a second line"
