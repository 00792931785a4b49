"""The structured reading stored through Store.record_document / record_parse and read
back through the documented views, alike on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from pipeline import parse_document
from storage import Store
from storage.records import ParsedDocument
from tests.corpus import seed
from tests.corpus.render import render
from tests.replica.data import build_xlsx
from tests.test_storage_repository import ATTACHMENT, MAIN, fetched, question


@pytest.fixture(scope="module")
def seed_doc() -> tuple[bytes, ParsedDocument]:
    if not seed.SEED.is_file():
        pytest.skip("seed sample missing")
    pdf = render(seed.seed_blocks(), "plain", "Vlaams Parlement")
    return pdf, parse_document(pdf, "application/pdf")


@pytest.fixture
def store(database_url: str, raw_dir: Path) -> Iterator[Store]:
    with Store.open(database_url, raw_dir) as opened:
        opened.upsert_question(question())
        yield opened


def rows(store: Store, sql: str) -> list[dict[str, Any]]:
    with store.engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(text(sql))]


def test_seed_reading_through_the_views(
    store: Store, seed_doc: tuple[bytes, ParsedDocument]
) -> None:
    pdf, doc = seed_doc
    store.record_document(fetched(body=pdf), doc)
    parts = rows(store, "SELECT question_id, label, answered, text FROM question_parts "
                        "ORDER BY position")
    assert [p["label"] for p in parts] == ["1", "2", "3", "4", "5", "5a", "5b", "5c", "6"]
    assert {p["question_id"] for p in parts} == {1931234}
    # Answer part 5 answers sub-question 5 and its lettered parts.
    assert [p["answered"] for p in parts] == [1] * 9
    answers = rows(store, "SELECT label, sub_questions, confidence FROM answer_parts "
                          "ORDER BY position")
    assert [(a["label"], a["sub_questions"], a["confidence"]) for a in answers] == [
        (str(n), str(n), 1.0) for n in range(1, 7)
    ]
    cells = rows(store, "SELECT table_index, row_index, header, text, value FROM answer_tables "
                        "WHERE text = 'BAN Flanders' ORDER BY table_index")
    assert [(c["table_index"], c["header"]) for c in cells] == [(0, "Naam"), (1, "Naam"),
                                                                (2, "Naam")]
    amount = rows(store, "SELECT value, text FROM answer_tables WHERE table_index = 0 "
                         "AND row_index = 0 AND column_index = 2")
    assert amount == [{"value": 2300000, "text": "2.300.000"}]
    totals = rows(store, "SELECT value FROM answer_tables t WHERE column_index = 2 AND "
                         "row_index = (SELECT max(row_index) FROM answer_tables u "
                         "WHERE u.table_index = t.table_index) ORDER BY table_index")
    assert [int(t["value"]) for t in totals] == [4035000, 1962500, 2550000]
    (parsed,) = rows(store, "SELECT * FROM parsed_documents WHERE pfile_id = 2001")
    assert parsed["parse_status"] == "ok" and parsed["needs_ocr"] == 0
    assert parsed["answer_minister"] == "Jo Brouns"
    assert parsed["answer_ref_number"] == 407 and parsed["answer_ref_mismatch"] is None
    assert parsed["parser_version"] == doc.parser_version


def test_unanswered_sub_questions_and_references(store: Store) -> None:
    from tests.pdfs import render_pdf

    lines = ["SCHRIFTELIJKE VRAAG", "nr. 407", "van ROBRECHT BOTHUYNE", "datum: 29 april 2024",
             "aan JO BROUNS", "VLAAMS MINISTER VAN ECONOMIE", "Subsidies - Overzicht",
             "1. Hoeveel?", "2. Waarom?", "3. Wanneer?", "JO BROUNS",
             "VLAAMS MINISTER VAN ECONOMIE", "ANTWOORD", "op vraag nr. 408 van 29 april 2024",
             "van ROBRECHT BOTHUYNE", "1. Zie bijlage 1.", "2. Daarom."]
    pdf = render_pdf(lines)
    store.record_document(fetched(body=pdf), parse_document(pdf))
    open_parts = rows(store, "SELECT label FROM question_parts WHERE answered = 0")
    assert open_parts == [{"label": "3"}]
    refs = rows(store, "SELECT kind, label, number FROM document_references")
    assert refs == [{"kind": "attachment", "label": "bijlage 1", "number": 1}]
    (parsed,) = rows(store, "SELECT answer_ref_mismatch FROM parsed_documents "
                            "WHERE pfile_id = 2001")
    assert parsed["answer_ref_mismatch"] == "number 408 != 407"


def test_excel_attachment_rows(store: Store) -> None:
    body = build_xlsx([["Jaar", "Bedrag"], ["2023", "1.500"]])
    store.record_document(fetched(ref=ATTACHMENT, body=body, content_type=None),
                          parse_document(body))
    cells = rows(store, "SELECT section, header, text, value FROM answer_tables "
                        "ORDER BY column_index")
    assert [(c["section"], c["header"], c["text"]) for c in cells] == [
        ("attachment", "Jaar", "2023"), ("attachment", "Bedrag", "1.500")]
    assert [int(c["value"]) for c in cells] == [2023, 1500]


def test_a_failed_parse_replaces_the_reading_and_keeps_the_bytes(
    store: Store, seed_doc: tuple[bytes, ParsedDocument]
) -> None:
    pdf, doc = seed_doc
    store.record_document(fetched(body=pdf), doc)
    failed = ParsedDocument("application/pdf", "timeout", doc.parser_version, error="slow")
    store.record_parse(MAIN.pfile_id, failed)
    assert rows(store, "SELECT count(*) AS n FROM question_parts") == [{"n": 0}]
    assert rows(store, "SELECT count(*) AS n FROM answer_tables") == [{"n": 0}]
    (parsed,) = rows(store, "SELECT parse_status, parse_error FROM parsed_documents "
                            "WHERE pfile_id = 2001")
    assert parsed == {"parse_status": "timeout", "parse_error": "slow"}
    assert store.raw_document(MAIN.pfile_id) == pdf
    # And a new parse of the same bytes brings it all back, in place.
    store.record_parse(MAIN.pfile_id, doc)
    store.record_parse(MAIN.pfile_id, doc)
    assert rows(store, "SELECT count(*) AS n FROM question_parts") == [{"n": 9}]
    listed = [(r.pfile_id, r.parse_status) for r in store.stored_documents()]
    assert listed == [(2001, "ok")]


def test_empty_text_needs_ocr(store: Store) -> None:
    scan = ParsedDocument("application/pdf", "empty_text", "2.0.0", error="no text", pages=2)
    store.record_document(fetched(), scan)
    (parsed,) = rows(store, "SELECT needs_ocr, role FROM parsed_documents WHERE pfile_id = 2001")
    assert parsed == {"needs_ocr": 1, "role": "main"}
