"""Read-only queries: reads work, nothing can write, long queries are stopped."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from storage import QueryError, Store, readonly_query
from storage.records import PersonRecord, QuestionRecord

COUNT_TO_A_BILLION = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000) "
    "SELECT count(*) FROM n"
)

# Each must fail on both databases, whatever the reason (refused, read-only, or not
# even valid in that dialect), and leave the data as it was.
FORBIDDEN = [
    "INSERT INTO theme (name) VALUES ('x')",
    "UPDATE question SET title = 'changed'",
    "DELETE FROM question",
    "DROP TABLE question",
    "DROP VIEW written_questions",
    "CREATE TABLE evil (id integer)",
    "CREATE TEMP TABLE evil (id integer)",
    "CREATE INDEX evil ON question (title)",
    "ALTER TABLE question ADD COLUMN evil integer",
    "ATTACH DATABASE 'evil.sqlite3' AS evil",
    "DETACH DATABASE main",
    "PRAGMA user_version = 7",
    "PRAGMA journal_mode = DELETE",
    "PRAGMA foreign_keys = OFF",
    "VACUUM",
    "ANALYZE",
    "REINDEX",
    "BEGIN",
    "BEGIN READ WRITE",
    "START TRANSACTION READ WRITE",
    "COMMIT",
    "ROLLBACK",
    "SAVEPOINT s",
    "SET TRANSACTION READ WRITE",
    "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE",
    "SET default_transaction_read_only = off",
    "RESET ALL",
    "SELECT set_config('transaction_read_only', 'off', false)",
    "SELECT load_extension('evil')",
    "SELECT 1; DELETE FROM question",
    "SELECT 1; SELECT 2",
    "COMMIT; DELETE FROM question",
    "WITH gone AS (DELETE FROM question RETURNING id) SELECT * FROM gone",
    "SELECT * INTO evil FROM question",
    "COPY question TO '/tmp/schv-evil.csv'",
    "REPLACE INTO theme (name) VALUES ('x')",
    "LOCK TABLE question",
    "EXPLAIN ANALYZE DELETE FROM question",
    "/* hidden */ DELETE FROM question",
    "(DELETE FROM question)",
]


def _question(number: int) -> QuestionRecord:
    return QuestionRecord(
        id=1000 + number,
        number=number,
        session_year="2023-2024",
        title=f"Vraag {number}",
        subject=None,
        themes=("Economie",),
        asker=PersonRecord(1, "Robrecht", "Bothuyne"),
        minister=PersonRecord(2, "Jo", "Brouns"),
        asked_on=dt.date(2024, 4, number % 28 + 1),
        answered_on=None,
        status="asked",
        on_time=None,
        answer_kind=None,
        published_on=None,
        page_url=None,
        opendata_url=None,
        source_hash=str(number),
    )


@pytest.fixture
def filled_url(database_url: str, raw_dir: Path) -> Iterator[str]:
    """A migrated database holding three questions; the Store is closed again."""
    with Store.open(database_url, raw_dir) as store:
        for number in (1, 2, 3):
            store.upsert_question(_question(number))
    yield database_url


def _sqlite_files(url: str) -> dict[str, str]:
    """Hashes of the database file and of its write-ahead log when that holds data.

    A read-only reader of a WAL database may create an empty -wal (and the -shm index):
    neither holds data, so only a non-empty log counts.
    """
    path = Path(make_url(url).database or "")
    found = {}
    for candidate in (path, path.with_name(path.name + "-wal")):
        if candidate.exists() and candidate.stat().st_size > 0:
            found[candidate.name] = hashlib.sha256(candidate.read_bytes()).hexdigest()
    return found


def _titles(url: str) -> list[tuple[object, ...]]:
    return readonly_query(url, "SELECT id, title FROM question ORDER BY id", timeout=5).rows


def test_select_works(filled_url: str) -> None:
    result = readonly_query(
        filled_url,
        "SELECT id, asker, themes, asked_on FROM written_questions ORDER BY id",
        timeout=5,
    )
    assert result.columns == ["id", "asker", "themes", "asked_on"]
    # Dates come back as ISO text from both databases.
    assert result.rows == [
        (1001, "Robrecht Bothuyne", "Economie", "2024-04-02"),
        (1002, "Robrecht Bothuyne", "Economie", "2024-04-03"),
        (1003, "Robrecht Bothuyne", "Economie", "2024-04-04"),
    ]
    assert not result.truncated


def test_max_rows_truncates(filled_url: str) -> None:
    result = readonly_query(
        filled_url, "SELECT id FROM question ORDER BY id;", timeout=5, max_rows=2
    )
    assert result.rows == [(1001,), (1002,)]
    assert result.truncated


def test_semicolons_inside_strings_and_comments_are_fine(filled_url: str) -> None:
    sql = "SELECT 'a;b' AS s, count(*) AS n FROM question -- a comment; still one\n;"
    assert readonly_query(filled_url, sql, timeout=5).rows == [("a;b", 3)]


def test_other_reading_statements(filled_url: str) -> None:
    assert readonly_query(filled_url, "VALUES (1, 'a')", timeout=5).rows == [(1, "a")]
    plan = readonly_query(filled_url, "EXPLAIN SELECT * FROM question", timeout=5)
    assert plan.rows


def test_sums_are_plain_numbers(filled_url: str) -> None:
    result = readonly_query(filled_url, "SELECT sum(number) AS total FROM question", timeout=5)
    assert result.rows == [(6,)]
    assert type(result.rows[0][0]) is int  # not a Decimal from PostgreSQL


@pytest.mark.parametrize("sql", FORBIDDEN)
def test_writes_and_escapes_are_refused(filled_url: str, sql: str) -> None:
    before = _titles(filled_url)
    files = _sqlite_files(filled_url) if filled_url.startswith("sqlite") else {}
    with pytest.raises(QueryError) as caught:
        readonly_query(filled_url, sql, timeout=5)
    assert "\n" not in str(caught.value) and str(caught.value)
    assert _titles(filled_url) == before
    if files:
        assert _sqlite_files(filled_url) == files


def test_sqlite_file_is_byte_identical_after_every_attempt(raw_dir: Path, tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'schv.sqlite3'}"
    with Store.open(database_url, raw_dir) as store:
        store.upsert_question(_question(1))
    before = _sqlite_files(database_url)
    escape = tmp_path / "vacuumed.sqlite3"
    for sql in [*FORBIDDEN, f"VACUUM INTO '{escape}'"]:
        with pytest.raises(QueryError):
            readonly_query(database_url, sql, timeout=5)
    readonly_query(database_url, "SELECT * FROM written_questions", timeout=5)
    assert _sqlite_files(database_url) == before
    assert not escape.exists()
    assert not (Path(make_url(database_url).database or "").parent / "evil.sqlite3").exists()


def test_sqlite_reading_pragmas_are_allowed(raw_dir: Path, tmp_path: Path) -> None:
    filled_url = f"sqlite:///{tmp_path / 'schv.sqlite3'}"
    with Store.open(filled_url, raw_dir):
        pass
    columns = readonly_query(filled_url, "PRAGMA table_info(question)", timeout=5).rows
    assert "source_hash" in {row[1] for row in columns}
    assert readonly_query(filled_url, "PRAGMA user_version", timeout=5).rows == [(0,)]


def test_missing_sqlite_file_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "nothing-here.sqlite3"
    with pytest.raises(QueryError, match="database not found"):
        readonly_query(f"sqlite:///{path}", "SELECT 1", timeout=5)
    assert not path.exists()


def test_errors_are_one_line(filled_url: str) -> None:
    with pytest.raises(QueryError) as caught:
        readonly_query(filled_url, "SELECT no_such_column\nFROM question", timeout=5)
    message = str(caught.value)
    assert "\n" not in message
    assert "no_such_column" in message


def test_long_query_is_stopped_at_the_limit(filled_url: str) -> None:
    started = time.monotonic()
    with pytest.raises(QueryError, match=r"^query stopped after 0\.5 s$"):
        readonly_query(filled_url, COUNT_TO_A_BILLION, timeout=0.5)
    assert time.monotonic() - started < 5


@pytest.mark.postgres
def test_postgres_sleep_is_stopped(postgres_database_url: str, raw_dir: Path) -> None:
    with Store.open(postgres_database_url, raw_dir):
        pass  # migrated: queries run through the reader role's function
    with pytest.raises(QueryError, match=r"^query stopped after 0\.5 s$"):
        readonly_query(postgres_database_url, "SELECT pg_sleep(10)", timeout=0.5)
