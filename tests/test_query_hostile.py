"""`schv query` is strictly read-only: hostile statements fail in one line and change
nothing (the SQLite file byte for byte, PostgreSQL's rows), long queries are stopped, and
the formats, --output, --file and stdin work."""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from schv.cli import main
from storage import QueryError, readonly_query
from tests.analysis_data import fill
from tests.crawling import ROOT, run_schv
from tests.databases import temporary_postgres_database

# Through the command, on both databases. Each must exit 1 with one line on stderr.
HOSTILE = [
    "INSERT INTO theme (name) VALUES ('evil')",
    "UPDATE question SET title = 'changed'",
    "DELETE FROM question",
    "DROP TABLE question",
    "DROP VIEW written_questions",
    "CREATE TABLE evil (id integer)",
    "CREATE VIEW evil AS SELECT 1",
    "ALTER TABLE person ADD COLUMN evil integer",
    "ATTACH DATABASE 'attached-evil.sqlite3' AS evil",
    "PRAGMA user_version = 7",
    "PRAGMA writable_schema = ON",
    "PRAGMA journal_mode = DELETE",
    "VACUUM",
    "VACUUM INTO 'vacuumed-evil.sqlite3'",
    "REINDEX",
    "SELECT load_extension('/tmp/evil')",
    "SELECT 1; DELETE FROM question",
    "SELECT count(*) FROM question; DROP TABLE question;",
    "WITH gone AS (DELETE FROM question RETURNING id) SELECT count(*) FROM gone",
    "WITH t AS (SELECT 1) INSERT INTO theme (name) SELECT 'evil' FROM t",
    "BEGIN READ WRITE",
    "COMMIT",
    "DELETE FROM question_fts",
    "INSERT INTO question_fts (question_fts) VALUES ('delete-all')",
    "UPDATE sqlite_master SET sql = 'evil'",
]

# PostgreSQL's own ways out of a read-only transaction or above a SELECT-only role.
HOSTILE_POSTGRES = [
    "BEGIN TRANSACTION READ WRITE",
    "SET TRANSACTION READ WRITE",
    "SET ROLE postgres",
    "RESET ROLE",
    "SELECT set_config('transaction_read_only', 'off', false)",
    # Within one statement: climb back to the session user, then read a server file.
    "SELECT set_config('role', 'none', false), pg_read_file('/etc/hostname')",
    "SELECT set_config('role', 'postgres', false)",
    "SELECT set_config('role', 'none', false), current_user",
    "SELECT query_to_xml('SELECT set_config(''role'', ''none'', false)', true, true, '')",
    "SELECT pg_read_file('/etc/hostname')",
    "SELECT pg_ls_dir('.')",
    "SELECT lo_import('/etc/hostname')",
    "SELECT query_to_xml('DELETE FROM question RETURNING id', true, true, '')",
    "SELECT query_to_xml('SELECT pg_read_file(''/etc/hostname'')', true, true, '')",
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity",
    "COPY question TO '/tmp/schv-evil.csv'",
    "COPY (SELECT 1) TO PROGRAM 'touch /tmp/schv-evil'",
    "DO $$ BEGIN DELETE FROM question; END $$",
    "CALL evil()",
    "LOCK TABLE question",
    "ANALYZE question",
    "EXPLAIN ANALYZE DELETE FROM question",
    "SELECT nextval('theme_id_seq')",
    "SELECT * INTO evil FROM question",
    "CREATE TEMP TABLE evil AS SELECT 1",
    "PREPARE evil AS DELETE FROM question",
    "NOTIFY evil",
]


@pytest.fixture
def filled_url(database_url: str, raw_dir: Path) -> str:
    fill(database_url, raw_dir)
    return database_url


@pytest.fixture(
    scope="module",
    params=[pytest.param("sqlite", id="sqlite"),
            pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)],
)
def shared_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """One filled database for all hostile statements: each test checks that nothing
    changed, so sharing it loses nothing and saves a database per statement."""
    folder = tmp_path_factory.mktemp("hostile")
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'schv.sqlite3'}"
        fill(url, folder / "raw")
        yield url
        return
    admin_url: str = request.getfixturevalue("postgres_admin_url")
    with temporary_postgres_database(admin_url) as url:
        fill(url, folder / "raw")
        yield url


def _schv(url: str, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    os.environ["SCHV_DATABASE_URL"] = url
    try:
        code = main(list(args))
    finally:
        del os.environ["SCHV_DATABASE_URL"]
    out, err = capsys.readouterr()
    return code, out, err


def _snapshot(url: str) -> object:
    """Everything that could change: the files (SQLite) or every table's rows."""
    if url.startswith("sqlite"):
        path = Path(make_url(url).database or "")
        return hashlib.sha256(path.read_bytes()).hexdigest()
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            tables = connection.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )).scalars().all()
            return {
                table: connection.execute(
                    text(f"SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) "
                         f'FROM "{table}" t')
                ).scalar()
                for table in tables
            } | {"tables": tuple(tables)}
    finally:
        engine.dispose()


def _data_files(folder: Path) -> set[str]:
    """Files in the database's folder, leaving out SQLite's WAL index (-shm) and an
    empty -wal: any reader of a WAL database makes those, they hold no data, and the next
    writer removes them (see test_readers_leave_no_data_file)."""
    return {
        p.name for p in folder.iterdir()
        if not p.name.endswith("-shm")
        and not (p.name.endswith("-wal") and p.stat().st_size == 0)
    }


@pytest.mark.parametrize("sql", HOSTILE)
def test_hostile_statements_fail_and_change_nothing(
    shared_url: str, sql: str, capsys: pytest.CaptureFixture[str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # where a relative ATTACH/VACUUM INTO would land
    folders = [tmp_path]
    if shared_url.startswith("sqlite"):
        folders.append(Path(make_url(shared_url).database or "").parent)
    before = _snapshot(shared_url)
    files = [_data_files(folder) for folder in folders]
    code, out, err = _schv(shared_url, "query", sql, capsys=capsys)
    assert code == 1
    assert out == ""
    assert err.startswith("schv: query failed: ") and err.count("\n") == 1
    assert _snapshot(shared_url) == before
    assert [_data_files(folder) for folder in folders] == files


@pytest.fixture(scope="module")
def shared_postgres_url(
    postgres_admin_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with temporary_postgres_database(postgres_admin_url) as url:
        fill(url, tmp_path_factory.mktemp("hostile-pg") / "raw")
        yield url


@pytest.mark.postgres
@pytest.mark.parametrize("sql", HOSTILE_POSTGRES)
def test_postgres_escapes_fail_and_change_nothing(
    shared_postgres_url: str, sql: str, capsys: pytest.CaptureFixture[str]
) -> None:
    shared_url = shared_postgres_url
    before = _snapshot(shared_url)
    code, out, err = _schv(shared_url, "query", sql, capsys=capsys)
    assert code == 1, out
    assert err.startswith("schv: query failed: ") and err.count("\n") == 1
    assert _snapshot(shared_url) == before
    assert not Path("/tmp/schv-evil.csv").exists() and not Path("/tmp/schv-evil").exists()


@pytest.mark.postgres
def test_postgres_query_runs_as_the_reader_role(postgres_database_url: str, raw_dir: Path) -> None:
    fill(postgres_database_url, raw_dir)
    rows = readonly_query(
        postgres_database_url,
        "SELECT current_user, session_user <> current_user, "
        "current_setting('transaction_read_only')",
        timeout=5,
    ).rows
    assert rows == [("schv_reader", True, "on")]


@pytest.mark.postgres
def test_postgres_user_outside_the_reader_role_is_refused_clearly(
    postgres_database_url: str, raw_dir: Path
) -> None:
    fill(postgres_database_url, raw_dir)
    login = f"schv_t_{uuid.uuid4().hex[:8]}"
    admin = make_url(postgres_database_url)
    admin_conninfo = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_conninfo, autocommit=True) as connection:
        connection.execute(f"CREATE ROLE {login} LOGIN")
    try:
        url = admin.set(username=login).render_as_string(hide_password=False)
        with pytest.raises(QueryError, match=r"^refused: this database user may not act as "
                                             r"schv_reader; .*GRANT schv_reader TO"):
            readonly_query(url, "SELECT count(*) FROM question", timeout=5)
    finally:
        with psycopg.connect(admin_conninfo, autocommit=True) as connection:
            connection.execute(f"DROP ROLE {login}")


def test_readers_leave_no_data_file(raw_dir: Path, tmp_path: Path) -> None:
    """What "no new file" means in WAL mode: a reader leaves at most SQLite's -shm index
    and an empty -wal (it may not delete them: a writer could be using them); the next
    writer to close removes both."""
    from storage import Store

    url = f"sqlite:///{tmp_path / 'db' / 'schv.sqlite3'}"
    fill(url, raw_dir)
    folder = tmp_path / "db"
    assert {p.name for p in folder.iterdir()} == {"schv.sqlite3"}
    readonly_query(url, "SELECT * FROM question_fts WHERE question_fts MATCH 'steun*'", timeout=5)
    extra = {p.name: p.stat().st_size for p in folder.iterdir()}
    assert set(extra) <= {"schv.sqlite3", "schv.sqlite3-wal", "schv.sqlite3-shm"}
    assert extra.get("schv.sqlite3-wal", 0) == 0
    with Store.open(url, raw_dir):
        pass
    assert {p.name for p in folder.iterdir()} == {"schv.sqlite3"}


def test_long_query_is_stopped(filled_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    endless = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
               "SELECT count(*) FROM n")
    code, _out, err = _schv(filled_url, "query", "--timeout", "0.5", endless, capsys=capsys)
    assert code == 1
    assert err == "schv: query failed: query stopped after 0.5 s\n"


def test_fts_search_through_query(filled_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    sql = (
        "SELECT rowid FROM question_fts WHERE question_fts MATCH 'creatieve' ORDER BY rowid"
        if filled_url.startswith("sqlite") else
        "SELECT id FROM question WHERE search_vector @@ websearch_to_tsquery('dutch', "
        "'creatieve') ORDER BY id"
    )
    code, out, _err = _schv(filled_url, "query", "--format", "jsonl", sql, capsys=capsys)
    assert code == 0
    assert [list(json.loads(line).values()) for line in out.splitlines()] == [[102]]


def test_formats_and_output_file(
    filled_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sql = ("SELECT id, asked_on, on_time, subject FROM written_questions "
           "WHERE id IN (101, 104) ORDER BY id")
    code, out, _ = _schv(filled_url, "query", "--format", "csv", sql, capsys=capsys)
    assert code == 0
    on_time = "True" if "postgresql" in filled_url else "1"
    assert out.splitlines() == [
        "id,asked_on,on_time,subject",
        f"101,2024-01-09,{on_time},Innovatiesteun voor kmo's",
        "104,2024-01-12,,Wachtlijsten kinderopvang",
    ]
    code, out, _ = _schv(filled_url, "query", "--format", "json", sql, capsys=capsys)
    assert [row["id"] for row in json.loads(out)] == [101, 104]
    code, out, _ = _schv(filled_url, "query", sql, capsys=capsys)
    lines = out.splitlines()
    assert lines[0].split() == ["id", "asked_on", "on_time", "subject"]
    assert lines[-1] == "(2 rows)"
    target = tmp_path / "out.jsonl"
    code, out, _ = _schv(filled_url, "query", "--format", "jsonl", "--output", str(target), sql,
                         capsys=capsys)
    assert code == 0 and out == ""
    assert [json.loads(line)["asked_on"] for line in target.read_text().splitlines()] == [
        "2024-01-09", "2024-01-12"]


def test_long_cells_are_cut_in_tables(filled_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _schv(filled_url, "query", "SELECT repeat('x', 500) AS long"
                         if "postgresql" in filled_url else
                         "SELECT printf('%.500c', 'x') AS long", capsys=capsys)
    assert code == 0
    assert max(len(line) for line in out.splitlines()) < 100
    assert "…" in out


def test_sql_from_file_and_stdin(filled_url: str, tmp_path: Path) -> None:
    """The real installed command, as a user runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCHV_")}
    env["SCHV_DATABASE_URL"] = filled_url
    report = tmp_path / "report.sql"
    report.write_text("-- how many\nSELECT count(*) AS n FROM written_questions;\n")
    by_file = run_schv(["query", "--format", "csv", "--file", str(report)], env)
    assert (by_file.returncode, by_file.stdout) == (0, "n\n6\n")
    import subprocess

    from tests.crawling import schv_command

    by_stdin = subprocess.run(
        [*schv_command(), "query", "--format", "csv"], input="SELECT 40 + 2 AS answer",
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert (by_stdin.returncode, by_stdin.stdout) == (0, "answer\n42\n")
    missing = run_schv(["query", "--file", str(tmp_path / "nope.sql")], env)
    assert missing.returncode == 2
    assert missing.stderr.count("\n") == 1 and "cannot read" in missing.stderr
