"""Media type sniffing: the bytes win over the declared Content-Type."""

from __future__ import annotations

import io
import zipfile

import pytest

from pipeline.media import DOC, DOCX, HTML, PDF, RTF, XLS, XLSX, ZIP, sniff_media_type


def _zip(*names: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buf.getvalue()


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504


@pytest.mark.parametrize(
    ("body", "declared", "expected"),
    [
        (b"%PDF-1.7\n...", "application/octet-stream", PDF),
        (b"%PDF-1.4\n...", None, PDF),
        # Junk before the header is tolerated by readers, so by us too.
        (b"\xef\xbb\xbf\r\n%PDF-1.4\n", "text/plain", PDF),
        (_zip("[Content_Types].xml", "word/document.xml"), "application/octet-stream", DOCX),
        (_zip("[Content_Types].xml", "xl/workbook.xml"), "application/zip", XLSX),
        # The ~2014 archives holding vrg.NNN.doc + antw.NNN.docx.
        (_zip("vrg.123.doc", "antw.123.docx"), "application/pdf", ZIP),
        (OLE2, "application/vnd.ms-excel", XLS),
        (OLE2, "application/msword", DOC),
        (OLE2, "application/octet-stream", DOC),
        (OLE2 + "Workbook".encode("utf-16-le"), "application/msword", XLS),
        (OLE2 + "WordDocument".encode("utf-16-le"), None, DOC),
        (b"{\\rtf1\\ansi hallo}", "application/msword", RTF),
        (b"<!DOCTYPE html><html>Not found</html>", "application/pdf", HTML),
        (b"plain bytes", "Application/PDF; charset=binary", "application/pdf"),
        (b"plain bytes", None, "application/octet-stream"),
        (b"", "", "application/octet-stream"),
    ],
)
def test_sniff(body: bytes, declared: str | None, expected: str) -> None:
    assert sniff_media_type(body, declared) == expected


def test_zip_that_stores_a_pdf_stays_a_zip() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("antw.pdf", b"%PDF-1.4\n%%EOF\n")
    assert b"%PDF-" in buf.getvalue()[:1024]
    assert sniff_media_type(buf.getvalue(), None) == ZIP


def test_damaged_zip_is_still_a_zip() -> None:
    assert sniff_media_type(b"PK\x03\x04" + b"\0" * 40, "application/pdf") == ZIP
