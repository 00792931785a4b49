"""The issue's bar: the seed (sv 407), rendered as a PDF by every producer of the
corpus, parses to its header, six sub-questions (the 5th with a, b, c), answer parts 1-6
matched to them and its three tables row for row, amounts as integers."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline import parse_document
from storage.records import ParsedDocument
from tests.corpus import seed
from tests.corpus.build import PRODUCERS, corpus

BROUNS_TITLE = "VLAAMS MINISTER VAN ECONOMIE, INNOVATIE, WERK, SOCIALE ECONOMIE EN LANDBOUW"


@pytest.fixture(scope="module", params=PRODUCERS)
def doc(request: pytest.FixtureRequest) -> ParsedDocument:
    spec = next(s for s in corpus() if s.name == "seed")
    return parse_document(spec.pdf(request.param), "application/pdf")


def test_header(doc: ParsedDocument) -> None:
    assert doc.parse_status == "ok", doc.error
    assert doc.pages is not None and doc.pages >= 2  # a table crosses a page break
    h = doc.header
    assert h is not None
    assert (h.number, h.asker, h.asked_on) == (407, "Robrecht Bothuyne", dt.date(2024, 4, 29))
    assert (h.minister, h.minister_title) == ("Jo Brouns", BROUNS_TITLE)
    assert doc.subject == (
        "Agentschap Innoveren en Ondernemen (VLAIO) - Werkingsmiddelen structurele partners"
    )


def test_sub_questions(doc: ParsedDocument) -> None:
    assert [s.number for s in doc.sub_questions] == [1, 2, 3, 4, 5, 6]
    assert doc.context_text is not None
    assert doc.context_text.startswith("Het Agentschap Innoveren en Ondernemen werkt samen")
    assert doc.context_text.endswith("Vlaanderen.")
    assert doc.sub_questions[0].text.startswith("Hoeveel subsidies kregen")
    fifth = doc.sub_questions[4]
    assert [letter for letter, _ in fifth.parts] == ["a", "b", "c"]
    assert fifth.parts[1] == ("b", "Graag een overzicht van zij die moeten bijbenen.")
    assert doc.sub_questions[5].text == "Hoe evalueert de minister deze werkingsmiddelen?"
    assert all(not s.parts for i, s in enumerate(doc.sub_questions) if i != 4)


def test_answer_block(doc: ParsedDocument) -> None:
    assert doc.answer_minister == "Jo Brouns"
    assert doc.answer_minister_title == BROUNS_TITLE
    assert (doc.answer_ref_number, doc.answer_ref_asked_on, doc.answer_ref_asker) == (
        407, dt.date(2024, 4, 29), "Robrecht Bothuyne"
    )
    assert doc.answer_ref_mismatch is None
    assert doc.answer_kind is None
    assert doc.answer_text is not None and doc.answer_text.startswith("1. De toegekende steun")
    parts = doc.answer_parts
    assert [p.numbers for p in parts] == [(1,), (2,), (3,), (4,), (5,), (6,)]
    assert all(p.confidence == 1.0 for p in parts)
    assert parts[4].text.startswith("microStart Support behaalde niet alle streefcijfers")


def _rows(doc: ParsedDocument, k: int) -> list[tuple[str, ...]]:
    return [tuple(cell.text for cell in row) for row in doc.tables[k].rows]


def test_three_tables_exactly(doc: ParsedDocument) -> None:
    assert len(doc.tables) == 3
    for k, (header, rows) in enumerate(seed.TABLES):
        table = doc.tables[k]
        assert table.header == tuple(h.replace("\n", " ") for h in header)
        assert _rows(doc, k) == rows
        assert table.section == "answer"
    assert doc.tables[0].caption == "equivalent voor 1 jaar (2023)."
    assert doc.tables[2].header == ("Projectduur in maanden", "Naam", "Totaal toegekende Steun")


def test_amounts_are_integers(doc: ParsedDocument) -> None:
    first = doc.tables[0].rows[0]
    assert [c.value for c in first] == [2023, None, 2300000]
    assert isinstance(first[2].value, int)
    assert first[1].text == "BAN Flanders"
    totals = [table.rows[-1][-1].value for table in doc.tables]
    assert totals == [4035000, 1962500, 2550000]
    assert all(isinstance(t, int) for t in totals)
