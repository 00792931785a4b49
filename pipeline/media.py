"""Media type from the bytes: the server's Content-Type is often wrong or generic."""

from __future__ import annotations

import io
import zipfile

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ZIP = "application/zip"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
PPT = "application/vnd.ms-powerpoint"
RTF = "application/rtf"
HTML = "text/html"
OCTET = "application/octet-stream"

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Declared types we believe for an OLE2 file when its directory names no known stream.
_OLE2_DECLARED = {DOC, XLS, PPT, "application/excel", "application/x-msexcel"}
# OLE2 directory entries hold stream names in UTF-16LE; these name the application.
_OLE2_STREAMS = (
    ("WordDocument".encode("utf-16-le"), DOC),
    ("Workbook".encode("utf-16-le"), XLS),
    ("Book".encode("utf-16-le"), XLS),  # Excel 5/95
    ("PowerPoint Document".encode("utf-16-le"), PPT),
)
# The spec lets readers find the header anywhere in the first 1024 bytes, and some
# producers do put junk (a BOM, whitespace, a mail header) before it.
_PDF_WINDOW = 1024


def _normalise_declared(declared: str | None) -> str | None:
    """`Application/PDF; charset=binary` -> `application/pdf`; blank -> None."""
    if not declared:
        return None
    base = declared.split(";", 1)[0].strip().lower()
    return base or None


def _sniff_zip(body: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
            if "ppt/presentation.xml" in names:
                return PPTX
            # OpenDocument stores its own media type, uncompressed, as the first entry.
            if "mimetype" in names:
                declared = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                if declared.startswith("application/vnd.oasis.opendocument"):
                    return declared
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, RuntimeError):
        # A damaged archive is still recognisably a zip; the parser reports the damage.
        pass
    return ZIP


def _sniff_ole2(body: bytes, declared: str | None) -> str:
    # Directory sectors can sit anywhere, but in small office files they are early;
    # bounding the scan keeps this cheap on large attachments.
    head = body[: 4 * 1024 * 1024]
    for name, media_type in _OLE2_STREAMS:
        if name in head:
            return media_type
    if declared in _OLE2_DECLARED:
        return declared
    return DOC


def sniff_media_type(body: bytes, declared: str | None) -> str:
    """The media type the bytes show, falling back on `declared` only when they don't tell."""
    declared_type = _normalise_declared(declared)
    if body.startswith(b"%PDF-"):
        return PDF
    if body.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _sniff_zip(body)
    if body.startswith(_OLE2_MAGIC):
        return _sniff_ole2(body, declared_type)
    if body.startswith(b"{\\rtf"):
        return RTF
    # Checked after the container magics: a zip may store a PDF uncompressed near its start.
    if b"%PDF-" in body[:_PDF_WINDOW]:
        return PDF
    # Error pages served with the document's Content-Type must not pass as documents.
    head = body[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return HTML
    return declared_type or OCTET
