"""The Store and the written_questions view, run alike on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from storage import KnownState, Store
from storage.records import (
    DocumentRef,
    DocumentState,
    FetchedDocument,
    HeaderFields,
    ParsedDocument,
    PersonRecord,
    ProcedureStep,
    QuestionRecord,
)

BOTHUYNE = PersonRecord(id=4321, first_name="Robrecht", last_name="Bothuyne")
BROUNS = PersonRecord(id=5678, first_name="Jo", last_name="Brouns")
MAIN = DocumentRef(
    pfile_id=2001,
    url="https://docs.vlaamsparlement.be/pfile?id=2001",
    position=0,
    role="main",
    declared_type="application/pdf",
)
ATTACHMENT = DocumentRef(
    pfile_id=2002,
    url="https://docs.vlaamsparlement.be/pfile?id=2002",
    position=1,
    role="attachment",
    name="bijlage 1",
)

VIEW_COLUMNS = [
    "id",
    "number",
    "session_year",
    "title",
    "subject",
    "asked_on",
    "answered_on",
    "asker",
    "minister",
    "themes",
    "status",
    "question_text",
    "answer_text",
    "page_url",
    "document_url",
    "published_on",
    "on_time",
    "asker_id",
    "minister_id",
    "attachments",
    "updated_at",
]


def question(**changes: Any) -> QuestionRecord:
    base = QuestionRecord(
        id=1931234,
        number=407,
        session_year="2023-2024",
        title="Vlaamse steun aan innovatieprojecten",
        subject="Steun voor innovatie",
        themes=("Wetenschap en Innovatie", "Economie"),
        asker=BOTHUYNE,
        minister=BROUNS,
        asked_on=dt.date(2024, 4, 29),
        answered_on=dt.date(2024, 5, 24),
        status="answered",
        on_time=True,
        answer_kind="Antwoord",
        published_on=dt.date(2024, 6, 14),
        page_url="https://www.vlaamsparlement.be/nl/parlementaire-documenten/schriftelijke-vragen/1931234",
        opendata_url="https://ws.vlpar.be/e/opendata/schv/1931234",
        procedure=(
            ProcedureStep("Vraag gesteld aan de minister", dt.date(2024, 4, 29)),
            ProcedureStep("Tijdig beantwoord", dt.date(2024, 5, 24), MAIN.url),
        ),
        documents=(MAIN, ATTACHMENT),
        source_hash="hash-1",
    )
    return dataclasses.replace(base, **changes)


def pdf_parse(**changes: Any) -> ParsedDocument:
    base = ParsedDocument(
        media_type="application/pdf",
        parse_status="ok",
        parser_version="1.0",
        text="SCHRIFTELIJKE VRAAG nr. 407 ... ANTWOORD ...",
        header=HeaderFields(
            number=407,
            asker="ROBRECHT BOTHUYNE",
            asked_on=dt.date(2024, 4, 29),
            minister="JO BROUNS",
            minister_title="VLAAMS MINISTER VAN ECONOMIE",
        ),
        subject="Steun voor innovatie",
        question_text="1. Hoeveel projecten kregen steun?",
        answer_text="1. Er kregen 12 projecten steun.",
        has_answer=True,
        pages=3,
    )
    return dataclasses.replace(base, **changes)


def fetched(ref: DocumentRef = MAIN, **changes: Any) -> FetchedDocument:
    base = FetchedDocument(
        question_id=1931234,
        ref=ref,
        fetch_status="ok",
        http_status=200,
        content_type="application/pdf",
        etag='"v1"',
        last_modified="Fri, 14 Jun 2024 10:00:00 GMT",
        body=b"%PDF-1.7 question and answer",
    )
    return dataclasses.replace(base, **changes)


@pytest.fixture
def store(database_url: str, raw_dir: Path) -> Iterator[Store]:
    with Store.open(database_url, raw_dir) as opened:
        yield opened


def rows(store: Store, sql: str, **params: Any) -> list[dict[str, Any]]:
    with store.engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(text(sql), params)]


def scalar(store: Store, sql: str, **params: Any) -> Any:
    with store.engine.connect() as connection:
        return connection.execute(text(sql), params).scalar()


def iso(value: Any) -> Any:
    # SQLite hands out dates as ISO text, PostgreSQL as dates: compare them as text.
    return value.isoformat() if isinstance(value, dt.date) else value


# -- upserts -------------------------------------------------------------------------


def test_new_then_unchanged_then_updated(store: Store) -> None:
    assert store.upsert_question(question()) == "new"
    assert store.upsert_question(question()) == "unchanged"
    assert store.upsert_question(question(title="Nieuwe titel", source_hash="hash-2")) == (
        "updated"
    )
    assert store.upsert_question(question(title="Nieuwe titel", source_hash="hash-2")) == (
        "unchanged"
    )
    assert store.row_counts() == {
        "question": 1,
        "person": 2,
        "theme": 2,
        "document": 2,
        "crawl_run": 0,
    }
    assert scalar(store, "SELECT title FROM question") == "Nieuwe titel"


def test_stored_question_row(store: Store) -> None:
    store.upsert_question(question())
    [row] = rows(store, "SELECT * FROM question")
    assert row["id"] == 1931234
    assert (row["number"], row["session_year"], row["status"]) == (407, "2023-2024", "answered")
    assert (row["asker_id"], row["minister_id"]) == (BOTHUYNE.id, BROUNS.id)
    assert iso(row["asked_on"]) == "2024-04-29"
    assert json.loads(row["procedure_json"]) == [
        {"status": "Vraag gesteld aan de minister", "date": "2024-04-29", "document_url": None},
        {"status": "Tijdig beantwoord", "date": "2024-05-24", "document_url": MAIN.url},
    ]
    persons = rows(store, "SELECT id, first_name, last_name, full_name FROM person ORDER BY id")
    assert persons == [
        {
            "id": 4321,
            "first_name": "Robrecht",
            "last_name": "Bothuyne",
            "full_name": "Robrecht Bothuyne",
        },
        {"id": 5678, "first_name": "Jo", "last_name": "Brouns", "full_name": "Jo Brouns"},
    ]


def test_unchanged_only_touches_last_checked_at(store: Store) -> None:
    store.upsert_question(question())
    sql = "SELECT first_seen_at, updated_at, last_checked_at, title FROM question"
    [first] = rows(store, sql)
    assert store.upsert_question(question(title="ignored: same hash")) == "unchanged"
    [second] = rows(store, sql)
    assert second["title"] == first["title"]
    assert second["first_seen_at"] == first["first_seen_at"]
    assert second["updated_at"] == first["updated_at"]
    assert second["last_checked_at"] > first["last_checked_at"]


def test_updated_keeps_first_seen_and_moves_updated_at(store: Store) -> None:
    store.upsert_question(question())
    sql = "SELECT first_seen_at, updated_at FROM question"
    [first] = rows(store, sql)
    store.upsert_question(question(source_hash="hash-2"))
    [second] = rows(store, sql)
    assert second["first_seen_at"] == first["first_seen_at"]
    assert second["updated_at"] > first["updated_at"]


def test_update_replaces_themes_documents_and_persons(store: Store) -> None:
    store.upsert_question(question())
    other_attachment = DocumentRef(
        pfile_id=2003,
        url="https://docs.vlaamsparlement.be/files/pfile?id=2003",
        position=1,
        role="attachment",
    )
    renamed = PersonRecord(id=BROUNS.id, first_name="Jo", last_name="Brouns-Renamed")
    store.upsert_question(
        question(
            themes=("Werk", "Economie", "Economie"),
            documents=(MAIN, other_attachment),
            minister=renamed,
            source_hash="hash-2",
        )
    )
    themes = rows(
        store,
        "SELECT t.name FROM question_theme qt JOIN theme t ON t.id = qt.theme_id ORDER BY t.name",
    )
    assert [r["name"] for r in themes] == ["Economie", "Werk"]
    links = rows(store, "SELECT pfile_id, position, role FROM question_document ORDER BY pfile_id")
    assert links == [
        {"pfile_id": 2001, "position": 0, "role": "main"},
        {"pfile_id": 2003, "position": 1, "role": "attachment"},
    ]
    # Themes and documents are kept as rows even when no question links them any more.
    assert store.row_counts()["theme"] == 3
    assert store.row_counts()["document"] == 3
    assert scalar(store, "SELECT full_name FROM person WHERE id = 5678") == "Jo Brouns-Renamed"


def test_reruns_never_duplicate(store: Store) -> None:
    second = question(id=1931235, number=408, source_hash="other", documents=(ATTACHMENT,))
    for _ in range(3):
        store.upsert_question(question())
        store.upsert_question(second)
        store.upsert_question(question(source_hash=f"changing-{_}"))
    counts = store.row_counts()
    assert counts == {"question": 2, "person": 2, "theme": 2, "document": 2, "crawl_run": 0}
    assert scalar(store, "SELECT COUNT(*) FROM question_theme") == 4
    assert scalar(store, "SELECT COUNT(*) FROM question_document") == 3


def test_question_without_persons_themes_or_documents(store: Store) -> None:
    bare = question(asker=None, minister=None, themes=(), documents=(), procedure=())
    assert store.upsert_question(bare) == "new"
    assert store.row_counts()["person"] == 0
    assert scalar(store, "SELECT procedure_json FROM question") == "[]"


def test_upsert_keeps_document_state(store: Store) -> None:
    store.upsert_question(question())
    store.record_document(fetched(), pdf_parse())
    before = store.known_state().documents[MAIN.pfile_id]
    moved = dataclasses.replace(
        MAIN, url="https://docs.vlaamsparlement.be/files/pfile?id=2001", declared_type=None
    )
    store.upsert_question(question(documents=(moved, ATTACHMENT), source_hash="hash-2"))
    assert store.known_state().documents[MAIN.pfile_id] == before
    [doc] = rows(store, "SELECT url, declared_type, text FROM document WHERE pfile_id = 2001")
    assert doc["url"] == moved.url
    assert doc["declared_type"] == "application/pdf"  # not erased by a ref that lacks one
    assert doc["text"] == pdf_parse().text


def test_known_state(store: Store) -> None:
    assert store.known_state() == KnownState(questions={}, documents={})
    store.upsert_question(question())
    store.record_document(fetched(), pdf_parse())
    state = store.known_state()
    assert {i: q.source_hash for i, q in state.questions.items()} == {1931234: "hash-1"}
    assert state.questions[1931234].status == "answered"
    assert state.documents == {
        2001: DocumentState(
            fetch_status="ok",
            parse_status="ok",
            sha256=hashlib.sha256(fetched().body or b"").hexdigest(),
            etag='"v1"',
            last_modified="Fri, 14 Jun 2024 10:00:00 GMT",
            attempts=0,
        ),
        2002: DocumentState("pending", "pending", None, None, None, 0),
    }


# -- documents -----------------------------------------------------------------------


def test_record_document_keeps_raw_bytes_and_fills_the_question(store: Store) -> None:
    store.upsert_question(question())
    body = fetched().body
    store.record_document(fetched(), pdf_parse())

    assert store.raw_document(MAIN.pfile_id) == body
    sha = hashlib.sha256(body or b"").hexdigest()
    assert store.blobs.path(sha).read_bytes() == body
    [doc] = rows(store, "SELECT * FROM document WHERE pfile_id = 2001")
    assert doc["sha256"] == sha
    assert doc["size"] == len(body or b"")
    assert (doc["fetch_status"], doc["parse_status"], doc["http_status"]) == ("ok", "ok", 200)
    assert (doc["media_type"], doc["parser_version"], doc["pages"]) == ("application/pdf", "1.0", 3)
    assert doc["fetched_at"] is not None and doc["parsed_at"] is not None

    [q] = rows(store, "SELECT * FROM question")
    assert q["question_text"] == "1. Hoeveel projecten kregen steun?"
    assert q["answer_text"] == "1. Er kregen 12 projecten steun."
    assert (q["doc_number"], q["doc_asker"], q["doc_minister"]) == (
        407,
        "ROBRECHT BOTHUYNE",
        "JO BROUNS",
    )
    assert q["doc_minister_title"] == "VLAAMS MINISTER VAN ECONOMIE"
    assert iso(q["doc_asked_on"]) == "2024-04-29"
    assert q["doc_subject"] == "Steun voor innovatie"


def test_an_attachment_does_not_overwrite_the_question_text(store: Store) -> None:
    store.upsert_question(question())
    store.record_document(fetched(), pdf_parse())
    store.record_document(
        fetched(ATTACHMENT, body=b"attachment", content_type="application/pdf"),
        pdf_parse(question_text="not the question", answer_text="not the answer"),
    )
    [q] = rows(store, "SELECT question_text, answer_text FROM question")
    assert q == {
        "question_text": "1. Hoeveel projecten kregen steun?",
        "answer_text": "1. Er kregen 12 projecten steun.",
    }
    assert store.raw_document(ATTACHMENT.pfile_id) == b"attachment"


def test_shared_main_document_fills_every_question(store: Store) -> None:
    store.upsert_question(question())
    store.upsert_question(question(id=1931299, minister=BOTHUYNE, source_hash="x"))
    store.record_document(fetched(), pdf_parse())
    assert store.row_counts()["document"] == 2
    texts = rows(store, "SELECT question_text FROM question ORDER BY id")
    assert [t["question_text"] for t in texts] == ["1. Hoeveel projecten kregen steun?"] * 2


def test_failed_attempts_are_counted_and_reset(store: Store) -> None:
    store.upsert_question(question())
    store.record_document(fetched(), pdf_parse())
    good = store.known_state().documents[MAIN.pfile_id]

    failure = fetched(
        fetch_status="failed",
        http_status=503,
        body=None,
        etag=None,
        last_modified=None,
        error="HTTP 503",
    )
    store.record_document(failure, None)
    store.record_document(failure, None)
    state = store.known_state().documents[MAIN.pfile_id]
    assert (state.fetch_status, state.attempts) == ("failed", 2)
    # The bytes, their validators and their reading stay those of the last good download.
    assert (state.sha256, state.etag, state.last_modified) == (
        good.sha256,
        good.etag,
        good.last_modified,
    )
    assert state.parse_status == "ok"
    assert store.raw_document(MAIN.pfile_id) == fetched().body
    assert scalar(store, "SELECT fetch_error FROM document WHERE pfile_id = 2001") == "HTTP 503"

    store.record_document(fetched(), pdf_parse(parse_status="corrupt", error="bad xref", text=None))
    assert store.known_state().documents[MAIN.pfile_id].attempts == 3
    store.record_document(fetched(), pdf_parse())
    state = store.known_state().documents[MAIN.pfile_id]
    assert (state.fetch_status, state.parse_status, state.attempts) == ("ok", "ok", 0)
    assert scalar(store, "SELECT fetch_error FROM document WHERE pfile_id = 2001") is None


def test_new_bytes_without_a_parse_make_the_old_reading_pending(store: Store) -> None:
    store.upsert_question(question())
    store.record_document(fetched(), pdf_parse())
    store.record_document(fetched(body=b"%PDF-1.7 a newer version", etag='"v2"'), None)
    state = store.known_state().documents[MAIN.pfile_id]
    assert (state.parse_status, state.etag) == ("pending", '"v2"')
    assert store.raw_document(MAIN.pfile_id) == b"%PDF-1.7 a newer version"


def test_record_document_for_an_unknown_document_creates_it(store: Store) -> None:
    lone = DocumentRef(
        pfile_id=9999, url="https://docs.vlaamsparlement.be/pfile?id=9999", position=0, role="main"
    )
    store.record_document(fetched(lone, fetch_status="too_large", body=None), None)
    state = store.known_state().documents[9999]
    assert (state.fetch_status, state.parse_status, state.attempts) == ("too_large", "pending", 1)
    assert store.raw_document(9999) is None
    assert store.raw_document(123456) is None


# -- runs ----------------------------------------------------------------------------


def test_runs(store: Store) -> None:
    assert store.recent_runs() == []
    assert store.last_successful_run() is None
    first = store.start_run("manual", {"since": dt.date(2024, 1, 1), "themes": ["Economie"]})
    store.finish_run(
        first,
        "ok",
        {"requests": 12, "discovered": 5, "new": 4, "unchanged": 1, "bogus": 99},
        [],
        "all fine",
    )
    second = store.start_run("scheduled", {})
    store.finish_run(second, "degraded", {"failed": 2}, ["pfile 2001: HTTP 503", "timeout"])
    third = store.start_run("test", {})
    assert first < second < third

    runs = store.recent_runs()
    assert [r["id"] for r in runs] == [third, second, first]
    assert runs[0]["status"] == "running" and runs[0]["finished_at"] is None
    assert runs[1]["errors"] == ["pfile 2001: HTTP 503", "timeout"]
    assert runs[1]["failed"] == 2 and runs[1]["trigger"] == "scheduled"
    done = runs[2]
    assert done["params"] == {"since": "2024-01-01", "themes": ["Economie"]}
    assert (done["requests"], done["discovered"], done["new"], done["unchanged"]) == (12, 5, 4, 1)
    assert done["updated"] == 0 and done["message"] == "all fine"
    assert done["started_at"].tzinfo is not None
    assert done["finished_at"] >= done["started_at"]
    assert "bogus" not in done

    assert store.recent_runs(limit=1)[0]["id"] == third
    last_ok = store.last_successful_run()
    assert last_ok is not None and last_ok["id"] == first
    last_ok_or_degraded = store.last_successful_run(include_degraded=True)
    assert last_ok_or_degraded is not None and last_ok_or_degraded["id"] == second
    assert store.row_counts()["crawl_run"] == 3
    with pytest.raises(KeyError):
        store.finish_run(424242, "ok", {}, [])


# -- the written_questions view ------------------------------------------------------


def view_rows(store: Store) -> list[dict[str, Any]]:
    with store.engine.connect() as connection:
        result = connection.execute(text("SELECT * FROM written_questions ORDER BY id"))
        assert list(result.keys()) == VIEW_COLUMNS
        return [dict(r._mapping) for r in result]


def test_view_columns_and_values(store: Store) -> None:
    store.upsert_question(question())
    store.record_document(fetched(), pdf_parse())
    [row] = view_rows(store)
    updated_at = row.pop("updated_at")
    assert updated_at is not None
    assert {k: iso(v) for k, v in row.items()} == {
        "id": 1931234,
        "number": 407,
        "session_year": "2023-2024",
        "title": "Vlaamse steun aan innovatieprojecten",
        "subject": "Steun voor innovatie",
        "asked_on": "2024-04-29",
        "answered_on": "2024-05-24",
        "asker": "Robrecht Bothuyne",
        "minister": "Jo Brouns",
        "themes": "Economie; Wetenschap en Innovatie",
        "status": "answered",
        "question_text": "1. Hoeveel projecten kregen steun?",
        "answer_text": "1. Er kregen 12 projecten steun.",
        "page_url": question().page_url,
        "document_url": MAIN.url,
        "published_on": "2024-06-14",
        "on_time": True,  # 1 on SQLite, true on PostgreSQL: equal in Python
        "asker_id": 4321,
        "minister_id": 5678,
        "attachments": 1,
    }


def test_view_of_a_bare_question(store: Store) -> None:
    store.upsert_question(
        question(
            subject=None,
            themes=(),
            asker=None,
            minister=None,
            documents=(),
            on_time=None,
            asked_on=None,
            answered_on=None,
            status="asked",
        )
    )
    [row] = view_rows(store)
    assert row["themes"] is None  # no themes: NULL on both databases, never ''
    assert (row["asker"], row["minister"], row["document_url"]) == (None, None, None)
    assert (row["subject"], row["on_time"], row["asked_on"]) == (None, None, None)
    assert row["attachments"] == 0
    assert row["status"] == "asked"


def test_view_subject_falls_back_to_the_document(store: Store) -> None:
    store.upsert_question(question(subject=None))
    store.record_document(fetched(), pdf_parse(subject="Onderwerp uit het document"))
    assert view_rows(store)[0]["subject"] == "Onderwerp uit het document"


def test_view_sorts_themes_bytewise_on_both_databases(store: Store) -> None:
    # Mixed case and accents: a locale-aware sort would put these in another order.
    store.upsert_question(question(themes=("economie", "Zorg", "Économie", "Armoedebeleid")))
    assert view_rows(store)[0]["themes"] == "Armoedebeleid; Zorg; economie; Économie"


# -- concurrency ---------------------------------------------------------------------


def test_concurrent_writers_share_persons_and_themes(database_url: str, raw_dir: Path) -> None:
    # Two processes (scheduler and a manual run) may open and write at the same time:
    # migrations, shared persons/themes/documents must neither fail nor duplicate.
    def work(offset: int) -> list[str]:
        with Store.open(database_url, raw_dir) as store:
            return [
                store.upsert_question(question(id=offset + n, source_hash=f"{offset}-{n}"))
                for n in range(15)
            ]

    with ThreadPoolExecutor(max_workers=3) as pool:
        outcomes = list(pool.map(work, (10_000, 20_000, 30_000)))
    assert outcomes == [["new"] * 15] * 3
    with Store.open(database_url, raw_dir) as store:
        assert store.row_counts() == {
            "question": 45,
            "person": 2,
            "theme": 2,
            "document": 2,
            "crawl_run": 0,
        }
