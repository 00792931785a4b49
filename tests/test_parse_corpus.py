"""Accuracy on the corpus: 23 documents composed from the real samples, each rendered in
two layouts (46 PDFs). Header fields 100%, question and answer text similarity >= 0.98,
table cells >= 95% — per document for the texts, over the corpus for the rest."""

from __future__ import annotations

import pytest

from pipeline import parse_document
from storage.records import ParsedDocument
from tests.corpus.accuracy import HEADER_FIELDS, aggregate, score
from tests.corpus.build import LAYOUTS, Spec, corpus


@pytest.fixture(scope="module")
def parsed() -> list[tuple[Spec, ParsedDocument]]:
    return [
        (spec, parse_document(spec.pdf(layout), "application/pdf"))
        for spec in corpus()
        for layout in LAYOUTS
    ]


@pytest.fixture(scope="module")
def scores(parsed: list[tuple[Spec, ParsedDocument]]) -> dict[str, tuple[float, float]]:
    return aggregate(score(doc, spec) for spec, doc in parsed)


def test_corpus_is_varied_and_all_parse(parsed: list[tuple[Spec, ParsedDocument]]) -> None:
    assert len(parsed) >= 40
    assert all(doc.parse_status == "ok" for _, doc in parsed)
    pages = {doc.pages for _, doc in parsed}
    assert 1 in pages and max(p or 0 for p in pages) >= 2
    assert sum(len(doc.tables) for _, doc in parsed) >= 20
    assert sum(doc.answer_text is None for _, doc in parsed) >= 4  # questions still open


@pytest.mark.parametrize("field", (*HEADER_FIELDS, "subject"))
def test_header_fields_all_right(scores: dict[str, tuple[float, float]], field: str) -> None:
    assert scores[field][1] == 1.0, scores[field]


@pytest.mark.parametrize("field", ["question_text", "answer_text"])
def test_texts_similar(scores: dict[str, tuple[float, float]], field: str) -> None:
    mean, worst = scores[field]
    assert worst >= 0.98, (field, mean, worst)


def test_table_cells(scores: dict[str, tuple[float, float]]) -> None:
    assert scores["table_cells"][0] >= 0.95
    assert scores["table_count"][0] >= 0.95


def test_structure(scores: dict[str, tuple[float, float]]) -> None:
    assert scores["sub_questions"][0] >= 0.95
    assert scores["answer_parts"][0] >= 0.95
