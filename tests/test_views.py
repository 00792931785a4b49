"""The analysis views give the hand-computed figures, the same on SQLite and PostgreSQL;
migration 0003 goes down and up again cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect

from scraper.opendata import to_record
from storage import make_engine, readonly_query
from storage.db import downgrade, upgrade
from tests.analysis_data import fill


@pytest.fixture
def filled_url(database_url: str, raw_dir: Path) -> str:
    fill(database_url, raw_dir)
    return database_url


def _rows(url: str, sql: str) -> list[tuple[object, ...]]:
    return readonly_query(url, sql, timeout=10).rows


def test_answer_latency_per_minister(filled_url: str) -> None:
    rows = _rows(
        filled_url,
        "SELECT value, minister_id, questions, answered, unanswered, median_days, on_time_share "
        "FROM answer_latency WHERE dimension = 'minister' ORDER BY value",
    )
    # Crevits: 104 open, 105 answered in 30 days on time, 106 withdrawn (left out).
    assert rows == [
        ("Hilde Crevits", 4, 2, 1, 1, 30.0, 1.0),
        # Brouns: 10, 20, 40 days -> median 20; two of three on time.
        ("Jo Brouns", 2, 3, 3, 0, 20.0, pytest.approx(2 / 3)),
    ]


def test_answer_latency_per_theme_and_session_year(filled_url: str) -> None:
    rows = _rows(
        filled_url,
        "SELECT dimension, value, questions, answered, median_days FROM answer_latency "
        "WHERE dimension <> 'minister' ORDER BY dimension, value",
    )
    assert rows == [
        # All five (106 withdrawn): answered in 10, 20, 40, 30 -> median (20 + 30) / 2.
        ("session_year", "2023-2024", 5, 4, 25.0),
        ("theme", "Economie", 3, 3, 20.0),
        ("theme", "Welzijn", 2, 1, 30.0),
        # One question with two themes counts in both.
        ("theme", "Wetenschap en Innovatie", 1, 1, 20.0),
    ]


def test_questions_per_member(filled_url: str) -> None:
    rows = _rows(
        filled_url,
        "SELECT member_id, member, party, session_year, questions, answered, unanswered, "
        "answered_on_time, ministers, first_asked_on, last_asked_on "
        "FROM questions_per_member ORDER BY member_id",
    )
    assert rows == [
        (1, "Robrecht Bothuyne", "CD&V", "2023-2024", 4, 3, 0, 3, 2, "2024-01-09", "2024-01-14"),
        (3, "Kris Van Dijck", "N-VA", "2023-2024", 2, 1, 1, 0, 2, "2024-01-11", "2024-01-12"),
    ]


def test_party_comes_from_the_open_data_record() -> None:
    raw = {
        "id": 7, "naam": "Vraag", "onderwerp": "x", "vraagnummer": 1, "zittingsjaar": "2023-2024",
        "vraagsteller": {"id": 5, "voornaam": "An", "naam": "Peeters", "fractie": "Groen"},
        "minister": {"id": 6, "voornaam": "Jo", "naam": "Brouns"},
    }
    record = to_record(raw, opendata_base_url="https://ws.vlpar.be/e/opendata",
                       page_base_url="https://www.vlaamsparlement.be")
    assert record.asker is not None and record.asker.party == "Groen"
    assert record.minister is not None and record.minister.party is None


def test_migration_0003_goes_down_and_up(filled_url: str) -> None:
    engine = make_engine(filled_url)
    try:
        downgrade(engine, "0002")
        inspector = inspect(engine)
        assert {"answer_latency", "questions_per_member"}.isdisjoint(inspector.get_view_names())
        assert "party" not in {c["name"] for c in inspector.get_columns("person")}
        assert not [t for t in inspector.get_table_names() if t.startswith("question_fts")]
        upgrade(engine)
    finally:
        engine.dispose()
    # Search works again over the questions stored before the upgrade.
    hits = _rows(filled_url, "SELECT count(*) FROM written_questions")
    assert hits == [(6,)]
    from storage.search import search

    assert [hit.id for hit in search(filled_url, "havenontwikkeling")] == [103]
