"""Word (.docx) and Excel (.xlsx) files read with the standard library: both are zips of
XML. The ~2014 zip of `vrg.NNN.doc` + `antw.NNN.docx` is read as question + answer."""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree

from pipeline.errors import CorruptPdf, DocumentError

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
# A zip bomb guard: no part of an office file we read may unpack to more than this.
MAX_PART_BYTES = 64 * 1024 * 1024


class CorruptOffice(DocumentError):
    status = CorruptPdf.status


class Unsupported(DocumentError):
    status = "unsupported"


def _read(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > MAX_PART_BYTES:
        raise CorruptOffice(f"{name} unpacks to {info.file_size} bytes")
    return archive.read(name)


def _open(body: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(body))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise CorruptOffice(f"unreadable zip: {exc}") from exc


def docx_text(body: bytes) -> tuple[str, list[list[list[str]]]]:
    """(paragraphs joined by newlines, tables as rows of cell texts)."""
    with _open(body) as archive:
        try:
            root = ElementTree.fromstring(_read(archive, "word/document.xml"))
        except (KeyError, ElementTree.ParseError) as exc:
            raise CorruptOffice(f"unreadable word/document.xml: {exc}") from exc
    lines: list[str] = []
    tables: list[list[list[str]]] = []
    body_el = root.find(f"{_W}body")
    for block in body_el if body_el is not None else []:
        if block.tag == f"{_W}p":
            lines.append(_paragraph(block))
        elif block.tag == f"{_W}tbl":
            rows = []
            for tr in block.iter(f"{_W}tr"):
                cells = [
                    " ".join(_paragraph(p) for p in tc.iter(f"{_W}p")).strip()
                    for tc in tr.findall(f"{_W}tc")
                ]
                rows.append(cells)
                lines.append(" ".join(c for c in cells if c))
            tables.append(rows)
    return "\n".join(lines), tables


def _paragraph(p: ElementTree.Element) -> str:
    parts = []
    for el in p.iter():
        if el.tag == f"{_W}t" and el.text:
            parts.append(el.text)
        elif el.tag in {f"{_W}tab", f"{_W}br"}:
            parts.append(" ")
    return " ".join("".join(parts).split())


def xlsx_rows(body: bytes) -> list[tuple[str, list[list[str]]]]:
    """Every sheet as (name, rows of cell texts), empty rows left out."""
    with _open(body) as archive:
        try:
            shared = _shared_strings(archive)
            workbook = ElementTree.fromstring(_read(archive, "xl/workbook.xml"))
            names = [s.get("name", "") for s in workbook.iter(f"{_S}sheet")]
            sheet_files = sorted(
                (n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)),
                key=lambda n: int(re.findall(r"\d+", n)[-1]),
            )
            sheets = []
            for k, name in enumerate(sheet_files):
                root = ElementTree.fromstring(_read(archive, name))
                sheets.append((names[k] if k < len(names) else name, _sheet_rows(root, shared)))
        except (KeyError, ElementTree.ParseError, ValueError, IndexError) as exc:
            raise CorruptOffice(f"unreadable workbook: {type(exc).__name__}: {exc}") from exc
    return sheets


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    root = ElementTree.fromstring(_read(archive, "xl/sharedStrings.xml"))
    return ["".join(t.text or "" for t in si.iter(f"{_S}t")) for si in root.iter(f"{_S}si")]


def _column_index(ref: str) -> int:
    letters = re.match(r"[A-Z]+", ref)
    n = 0
    for ch in letters.group() if letters else "A":
        n = n * 26 + ord(ch) - 64
    return n - 1


def _sheet_rows(root: ElementTree.Element, shared: list[str]) -> list[list[str]]:
    rows = []
    for row in root.iter(f"{_S}row"):
        cells: dict[int, str] = {}
        for c in row.findall(f"{_S}c"):
            kind = c.get("t")
            value = c.find(f"{_S}v")
            if kind == "s" and value is not None and value.text is not None:
                text = shared[int(value.text)]
            elif kind == "inlineStr":
                text = "".join(t.text or "" for t in c.iter(f"{_S}t"))
            else:
                text = value.text if value is not None and value.text else ""
            cells[_column_index(c.get("r", "A"))] = text
        if any(v.strip() for v in cells.values()):
            width = max(cells) + 1
            rows.append([cells.get(i, "") for i in range(width)])
    return rows


def question_answer_zip(body: bytes) -> tuple[bytes | None, bytes | None]:
    """The (question, answer) members of a `vrg.NNN.*` + `antw.NNN.*` zip."""
    with _open(body) as archive:
        names = archive.namelist()
        vrg = next((n for n in names if re.search(r"(^|/)vrg[^/]*$", n, re.I)), None)
        antw = next((n for n in names if re.search(r"(^|/)antw[^/]*$", n, re.I)), None)
        if vrg is None and antw is None:
            raise Unsupported("zip without vrg.* or antw.* members")
        return (
            _read(archive, vrg) if vrg else None,
            _read(archive, antw) if antw else None,
        )
