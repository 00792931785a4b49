"""The replica's data model: written questions, their documents, and other search hits.

`dataset.json` (written by `make_dataset.py` from the real samples) is the curated set the
tests assert on; `generate_dataset` recombines its text blocks into any number of
same-shaped questions for benchmarks.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from xml.sax.saxutils import escape

DATASET_PATH = Path(__file__).with_name("dataset.json")

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

STATUS_ASKED = "Vraag gesteld aan de minister"
STATUS_ON_TIME = "Tijdig beantwoord"
STATUS_LATE = "Laattijdig beantwoord"

UrlStyle = Literal["files", "legacy"]

MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)


def dutch_date(day: dt.date) -> str:
    """`29 april 2024`, as the PDFs write dates."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _last_sunday(year: int, month: int) -> dt.date:
    day = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


def brussels_midnight(day: dt.date) -> str:
    """Midnight in Brussels as an ISO datetime with its offset.

    The EU summer-time rule is computed here so the replica needs no tz database.
    """
    summer = _last_sunday(day.year, 3) <= day < _last_sunday(day.year, 10)
    offset = dt.timezone(dt.timedelta(hours=2 if summer else 1))
    return dt.datetime(day.year, day.month, day.day, tzinfo=offset).isoformat()


@dataclass
class Member:
    id: int
    voornaam: str
    naam: str
    fractie: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "voornaam": self.voornaam, "naam": self.naam,
                "fractie": self.fractie}

    @property
    def full_name(self) -> str:
        return f"{self.voornaam} {self.naam}"


@dataclass
class Minister:
    id: int
    voornaam: str
    naam: str
    titel: str  # in capitals, exactly as the PDFs print it under the name

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "voornaam": self.voornaam, "naam": self.naam,
                "titel": self.titel}

    @property
    def full_name(self) -> str:
        return f"{self.voornaam} {self.naam}"


@dataclass
class Document:
    """One pfile. A main document's text is its question's `text`; attachments carry
    their own `lines` (PDF/DOCX) or `rows` (XLSX)."""

    pfile: int
    position: int
    mimetype: str
    filename: str
    producer: str | None = None  # "reportlab" | "fpdf2" for PDFs
    url_style: UrlStyle = "files"
    # Whether the search API indexes this file as a hit of its own (attachments only).
    search_hit: bool = False
    lines: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "pfile": self.pfile, "position": self.position, "mimetype": self.mimetype,
            "filename": self.filename, "producer": self.producer,
            "url_style": self.url_style, "search_hit": self.search_hit,
        }
        if self.lines:
            out["lines"] = self.lines
        if self.rows:
            out["rows"] = self.rows
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Document:
        return cls(
            pfile=int(data["pfile"]), position=int(data["position"]),
            mimetype=data["mimetype"], filename=data["filename"],
            producer=data.get("producer"), url_style=data.get("url_style", "files"),
            search_hit=bool(data.get("search_hit", False)),
            lines=list(data.get("lines", [])), rows=[list(r) for r in data.get("rows", [])],
        )


@dataclass
class Question:
    id: int
    vraagnummer: int
    titel: str
    onderwerp: str
    zittingsjaar: str
    legislatuur: str
    thema: list[str]
    vraagsteller: Member
    minister: Minister
    asked_on: dt.date
    answered_on: dt.date | None
    tijdig: bool | None
    soort_antwoord: str | None
    published_on: dt.date
    documents: list[Document]
    text: list[str]
    # "legacy" = the older detail page path without /nl/ (seen in older data).
    page_style: UrlStyle = "files"
    running_header: str | None = None
    # Bumped by mutations so cached renderings of the main document are not reused.
    revision: int = 0

    @property
    def answered(self) -> bool:
        return self.answered_on is not None

    @property
    def answer_status(self) -> str | None:
        if self.answered_on is None:
            return None
        return STATUS_ON_TIME if self.tijdig else STATUS_LATE

    @property
    def main_document(self) -> Document:
        return self.documents[0]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "vraagnummer": self.vraagnummer, "titel": self.titel,
            "onderwerp": self.onderwerp, "zittingsjaar": self.zittingsjaar,
            "legislatuur": self.legislatuur, "thema": self.thema,
            "vraagsteller": self.vraagsteller.to_json(), "minister": self.minister.to_json(),
            "asked_on": self.asked_on.isoformat(),
            "answered_on": self.answered_on.isoformat() if self.answered_on else None,
            "tijdig": self.tijdig, "soort_antwoord": self.soort_antwoord,
            "published_on": self.published_on.isoformat(),
            "page_style": self.page_style, "running_header": self.running_header,
            "documents": [d.to_json() for d in self.documents],
            "text": self.text,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Question:
        answered = data.get("answered_on")
        return cls(
            id=int(data["id"]), vraagnummer=int(data["vraagnummer"]), titel=data["titel"],
            onderwerp=data["onderwerp"], zittingsjaar=data["zittingsjaar"],
            legislatuur=data["legislatuur"], thema=list(data["thema"]),
            vraagsteller=Member(**data["vraagsteller"]), minister=Minister(**data["minister"]),
            asked_on=dt.date.fromisoformat(data["asked_on"]),
            answered_on=dt.date.fromisoformat(answered) if answered else None,
            tijdig=data.get("tijdig"), soort_antwoord=data.get("soort_antwoord"),
            published_on=dt.date.fromisoformat(data["published_on"]),
            documents=[Document.from_json(d) for d in data["documents"]],
            text=list(data["text"]), page_style=data.get("page_style", "files"),
            running_header=data.get("running_header"),
        )


@dataclass
class OtherHit:
    """A search hit that is not a written question (oral question, report)."""

    id: int
    pfile: int
    soort: str
    aggregaattype: str
    titel: str
    onderwerp: str
    thema: list[str]
    publicatiedatum: dt.date
    zittingsjaar: str
    legislatuur: str
    page_path: str
    lines: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "pfile": self.pfile, "soort": self.soort,
            "aggregaattype": self.aggregaattype, "titel": self.titel,
            "onderwerp": self.onderwerp, "thema": self.thema,
            "publicatiedatum": self.publicatiedatum.isoformat(),
            "zittingsjaar": self.zittingsjaar, "legislatuur": self.legislatuur,
            "page_path": self.page_path, "lines": self.lines,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> OtherHit:
        values = dict(data)
        values["publicatiedatum"] = dt.date.fromisoformat(values["publicatiedatum"])
        return cls(**values)


@dataclass
class Dataset:
    questions: list[Question]
    other_hits: list[OtherHit] = field(default_factory=list)
    # Real sentences from the samples, recombined by `generate_dataset`.
    text_blocks: dict[str, Any] = field(default_factory=dict)

    def question(self, schv_id: int) -> Question | None:
        for question in self.questions:
            if question.id == schv_id:
                return question
        return None

    def expected_ids(self, themes: Iterable[str]) -> set[int]:
        """Schv ids whose themes intersect `themes` (what a theme crawl must find)."""
        wanted = set(themes)
        return {q.id for q in self.questions if wanted.intersection(q.thema)}

    def to_json(self) -> dict[str, Any]:
        return {
            "about": "Fixture data set of the schv replica; regenerate with "
                     "`python -m tests.replica.make_dataset`. Texts reuse the real "
                     "samples in tests/samples.",
            "questions": [q.to_json() for q in self.questions],
            "other_hits": [h.to_json() for h in self.other_hits],
            "text_blocks": self.text_blocks,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Dataset:
        return cls(
            questions=[Question.from_json(q) for q in data["questions"]],
            other_hits=[OtherHit.from_json(h) for h in data.get("other_hits", [])],
            text_blocks=dict(data.get("text_blocks", {})),
        )

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=1) + "\n"


def load_dataset(path: Path = DATASET_PATH) -> Dataset:
    return Dataset.from_json(json.loads(path.read_text(encoding="utf-8")))


# --- document text -------------------------------------------------------------------


def question_lines(
    *,
    nr: int,
    asker: Member,
    asked_on: dt.date,
    minister: Minister,
    with_aan: bool,
    subject: str,
    body: Sequence[str],
) -> list[str]:
    """The question part of a main document, header first, as the real PDFs lay it out."""
    lines = [
        "SCHRIFTELIJKE VRAAG",
        f"nr. {nr}",
        f"van {asker.full_name.upper()}",
        f"datum: {dutch_date(asked_on)}",
        # Some real extractions lack the "aan" before the minister's name.
        f"aan {minister.full_name.upper()}" if with_aan else minister.full_name.upper(),
        minister.titel,
        subject,
    ]
    lines.extend(body)
    return lines


def answer_lines(
    *, nr: int, asker: Member, asked_on: dt.date, minister: Minister, body: Sequence[str]
) -> list[str]:
    lines = [
        minister.full_name.upper(),
        minister.titel,
        "ANTWOORD",
        f"op vraag nr. {nr} van {dutch_date(asked_on)}",
        f"van {asker.full_name.upper()}",
    ]
    lines.extend(body)
    return lines


def several_ministers_line(pairs: Sequence[tuple[Minister, int]]) -> str:
    names = ", ".join(f"{m.full_name} ({nr})" for m, nr in pairs)
    return f"Deze vraag werd gesteld aan de ministers {names}"


# --- non-PDF files -------------------------------------------------------------------

_ZIP_TIME = (2024, 1, 1, 0, 0, 0)  # fixed, so the bytes and their sha256 never change


def _zip(parts: Mapping[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buf.getvalue()


_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"


def build_docx(lines: Sequence[str]) -> bytes:
    """The smallest Word document Word and python-docx open: one paragraph per line."""
    paragraphs = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>' for line in lines
    )
    return _zip({
        "[Content_Types].xml": _XML
        + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels": _XML + f'<Relationships xmlns="{_RELS_NS}">'
        f'<Relationship Id="rId1" Type="{_OFFICE_DOC}" Target="word/document.xml"/>'
        "</Relationships>",
        "word/document.xml": _XML
        + '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{paragraphs}</w:body></w:document>",
    })


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def build_xlsx(rows: Sequence[Sequence[str]], sheet: str = "Bijlage 1") -> bytes:
    """A one-sheet workbook; cells that read as plain integers are stored as numbers."""
    xml_rows = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{_column(c)}{r}"
            if value.isdigit():
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>')
        xml_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    main_ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    return _zip({
        "[Content_Types].xml": _XML
        + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": _XML + f'<Relationships xmlns="{_RELS_NS}">'
        f'<Relationship Id="rId1" Type="{_OFFICE_DOC}" Target="xl/workbook.xml"/>'
        "</Relationships>",
        "xl/workbook.xml": _XML + f'<workbook xmlns="{main_ns}" xmlns:r="{rel_ns}">'
        f'<sheets><sheet name="{escape(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": _XML + f'<Relationships xmlns="{_RELS_NS}">'
        f'<Relationship Id="rId1" Type="{rel_ns}/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>",
        "xl/worksheets/sheet1.xml": _XML + f'<worksheet xmlns="{main_ns}">'
        f"<sheetData>{''.join(xml_rows)}</sheetData></worksheet>",
    })


# --- synthetic data sets -------------------------------------------------------------

_SESSIONS = (
    ("2022-2023", "2019-2024", dt.date(2023, 1, 9), dt.date(2023, 7, 14)),
    ("2023-2024", "2019-2024", dt.date(2023, 9, 25), dt.date(2024, 5, 10)),
    ("2024-2025", "2024-2029", dt.date(2024, 10, 7), dt.date(2025, 7, 11)),
)


def generate_dataset(n: int, seed: int = 0, *, base: Dataset | None = None) -> Dataset:
    """`n` synthetic questions shaped like the curated ones, deterministic for `seed`.

    People, minister titles, topics and sentences come from the curated data set, so the
    texts are real sentences recombined. Ids start at 1900001 (questions) and 2200001
    (pfiles), away from the curated ids. About 1 in 40 questions is asked of three
    ministers at once (one record each, same text).
    """
    base = base or load_dataset()
    rng = random.Random(seed)
    blocks = base.text_blocks
    members = list({q.vraagsteller.id: q.vraagsteller for q in base.questions}.values())
    ministers: dict[str, list[Minister]] = {}
    for q in base.questions:
        pool = ministers.setdefault(q.legislatuur, [])
        if all(m.id != q.minister.id for m in pool):
            pool.append(q.minister)
    numbers: dict[tuple[int, str], int] = {}
    pfiles = iter(range(2200001, 2200001 + 10 * n + 10))
    questions: list[Question] = []

    def next_number(minister: Minister, session: str) -> int:
        key = (minister.id, session)
        numbers[key] = numbers.get(key, 0) + rng.randint(1, 9)
        return numbers[key]

    while len(questions) < n:
        session, term, start, end = rng.choice(_SESSIONS)
        asked = start + dt.timedelta(days=rng.randrange((end - start).days))
        topic = rng.choice(blocks["topics"])
        asker = rng.choice(members)
        group = 3 if rng.random() < 0.025 and n - len(questions) >= 3 else 1
        chosen = rng.sample(ministers[term], group)
        pairs = [(m, next_number(m, session)) for m in chosen]
        context = rng.choice(blocks["contexts"])
        subs = rng.sample(blocks["subquestions"], rng.randint(2, 5))
        body = list(context) + [f"{i}. {s}" for i, s in enumerate(subs, start=1)]
        if group > 1:
            body.append(several_ministers_line(pairs))
        for minister, nr in pairs:
            schv_id = 1900001 + len(questions)
            answered = rng.random() < 0.75
            late = answered and rng.random() < 0.12
            text = question_lines(
                nr=nr, asker=asker, asked_on=asked, minister=minister,
                with_aan=rng.random() < 0.7, subject=topic["titel"], body=body,
            )
            answered_on = None
            if answered:
                answered_on = asked + dt.timedelta(days=rng.randint(60, 200) if late
                                                   else rng.randint(14, 30))
                answers = rng.sample(blocks["answers"], len(subs))
                text += answer_lines(
                    nr=nr, asker=asker, asked_on=asked, minister=minister,
                    body=[f"{i}. {s}" for i, s in enumerate(answers, start=1)],
                )
            published = (answered_on + dt.timedelta(days=21)) if answered_on else (
                asked + dt.timedelta(days=rng.randint(1, 5)))
            docx = rng.random() < 0.03
            main = Document(
                pfile=next(pfiles), position=0, mimetype=DOCX if docx else PDF,
                filename=f"{schv_id}.docx" if docx else f"{schv_id}.pdf",
                producer=None if docx else rng.choice(("reportlab", "fpdf2")),
                url_style="legacy" if rng.random() < 0.2 else "files",
            )
            documents = [main]
            if answered and rng.random() < 0.08:
                documents.append(Document(
                    pfile=next(pfiles), position=1, mimetype=XLSX,
                    filename=f"{schv_id}-bijlage-1.xlsx", search_hit=rng.random() < 0.5,
                    rows=[["Jaar", "Naam", "Bedrag"], *[
                        [str(asked.year), rng.choice(blocks["names"]),
                         str(rng.randint(10, 900) * 1000)] for _ in range(4)]],
                ))
            questions.append(Question(
                id=schv_id, vraagnummer=nr, titel=topic["titel"], onderwerp=topic["titel"],
                zittingsjaar=session, legislatuur=term, thema=list(topic["thema"]),
                vraagsteller=asker, minister=minister, asked_on=asked,
                answered_on=answered_on, tijdig=(not late) if answered else None,
                soort_antwoord="Antwoord" if answered else None, published_on=published,
                documents=documents, text=list(text),
                running_header=(f"Vlaams Parlement - Schriftelijke vraag nr. {nr} ({session})"
                                if rng.random() < 0.5 else None),
            ))
            if len(questions) == n:
                break
    other_hits = []
    for i, hit in enumerate(base.other_hits * max(1, n // 100)):
        clone = OtherHit.from_json(hit.to_json())
        clone.id = 3900001 + i
        clone.pfile = 2200001 + 10 * n + 20 + i
        other_hits.append(clone)
    return Dataset(questions=questions, other_hits=other_hits, text_blocks=blocks)
