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

# Functions outside the SQLite authorizer's list: fts3_tokenizer returns a native pointer
# (one argument) and registers a tokenizer from one (two arguments).
HOSTILE_SQLITE = [
    "SELECT fts3_tokenizer('simple')",
    "SELECT hex(fts3_tokenizer('simple'))",
    "SELECT fts3_tokenizer('evil', x'0000000000000000')",
    "SELECT FTS3_Tokenizer('porter')",
    "SELECT fts5(NULL)",
    "SELECT sqlite_log(1, 'evil')",
    "SELECT load_extension('/tmp/evil')",
    "SELECT rtreenode(2, x'00')",
    "SELECT optimize(question_fts) FROM question_fts",
]

# The reader role reaches no advisory lock (a query could hold the crawl lock's key,
# storage.locks: classid 0x5C4F = 23631, objid 1, and stop every crawl), no large
# object and no server file, directly or through a function that runs SQL.
HOSTILE_POSTGRES_FUNCTIONS = [
    "SELECT pg_advisory_lock(23631, 1)",
    "SELECT pg_try_advisory_lock(23631, 1)",
    "SELECT pg_try_advisory_lock(23631)",
    "SELECT pg_advisory_lock_shared(23631, 2)",
    "SELECT pg_advisory_xact_lock(23631, 1)",
    "SELECT pg_try_advisory_xact_lock_shared(1)",
    "SELECT pg_advisory_unlock_all()",
    "SELECT pg_catalog.pg_try_advisory_lock(23631, 1), pg_sleep(0)",
    "SELECT query_to_xml('SELECT pg_try_advisory_lock(23631, 1)', true, true, '')",
    "SELECT lo_get(1)",
    "SELECT lo_open(1, 262144)",
    "SELECT loread(0, 10)",
    "SELECT lo_export(1, '/tmp/schv-evil')",
    "SELECT lo_import('/etc/hostname', 4242)",
    "SELECT pg_stat_file('.')",
    "SELECT pg_read_binary_file('/etc/hostname')",
    "SELECT pg_ls_waldir()",
    "SELECT pg_ls_tmpdir()",
    "SELECT pg_current_logfile()",
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


@pytest.mark.parametrize("shared_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("sql", HOSTILE_SQLITE)
def test_sqlite_functions_outside_the_list_are_refused(
    shared_url: str, sql: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _snapshot(shared_url)
    code, out, err = _schv(shared_url, "query", sql, capsys=capsys)
    assert (code, out) == (1, "")
    assert err == "schv: query failed: refused: the query may only read (not authorized)\n"
    assert _snapshot(shared_url) == before


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
@pytest.mark.parametrize("sql", HOSTILE_POSTGRES_FUNCTIONS)
def test_postgres_reader_reaches_no_lock_large_object_or_file_function(
    shared_postgres_url: str, sql: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _schv(shared_postgres_url, "query", sql, capsys=capsys)
    assert (code, out) == (1, "")
    assert err.startswith("schv: query failed: permission denied for function ")
    assert err.count("\n") == 1
    assert not Path("/tmp/schv-evil").exists()


@pytest.mark.postgres
def test_postgres_query_cannot_hold_the_crawl_lock(shared_postgres_url: str) -> None:
    """While a query runs, a crawl can still take its lock: the key is out of reach."""
    import threading

    from storage.locks import database_lock

    outcome: list[object] = []

    def query() -> None:
        try:
            outcome.append(readonly_query(
                shared_postgres_url,
                "SELECT pg_advisory_lock(23631, 1), pg_sleep(3)", timeout=10,
            ))
        except QueryError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=query)
    thread.start()
    try:
        with database_lock(shared_postgres_url, "crawl", wait=0):
            pass
    finally:
        thread.join()
    assert isinstance(outcome[0], QueryError)


@pytest.mark.postgres
def test_postgres_reader_role_has_no_guarded_function(shared_postgres_url: str) -> None:
    from storage.reader_role import GUARDED_NAMES, reachable_functions

    engine = create_engine(shared_postgres_url)
    try:
        with engine.connect() as connection:
            assert reachable_functions(connection) == []
            # Yet every name is a real function of this server, or the check proves
            # nothing (adminpack's are there only when it is installed).
            present = set(connection.execute(text(
                "SELECT DISTINCT proname FROM pg_proc WHERE proname = ANY(:names)"
            ), {"names": list(GUARDED_NAMES)}).scalars())
    finally:
        engine.dispose()
    assert set(GUARDED_NAMES) - present <= {
        "pg_file_write", "pg_file_rename", "pg_file_unlink", "pg_file_sync", "pg_logdir_ls"}


# What analysts write: aggregates, window functions, dates, JSON, strings and full-text
# search. The guards above must leave all of it working. (SQLite, PostgreSQL, expected.)
ANALYST = [
    ("SELECT count(*), sum(id), min(id), max(id), avg(id), total(id) FROM question",
     "SELECT count(*), sum(id), min(id), max(id), avg(id), sum(id) FROM question",
     [(6, 621, 101, 106, 103.5, 621)]),
    ("SELECT group_concat(id, ',') FROM (SELECT id FROM question ORDER BY id)",
     "SELECT string_agg(id::text, ',' ORDER BY id) FROM question",
     [("101,102,103,104,105,106",)]),
    ("SELECT id, row_number() OVER w, rank() OVER w, lag(id) OVER w, "
     "first_value(id) OVER w, ntile(2) OVER w FROM question WINDOW w AS (ORDER BY id) "
     "ORDER BY id LIMIT 2",
     "SELECT id, row_number() OVER w, rank() OVER w, lag(id) OVER w, "
     "first_value(id) OVER w, ntile(2) OVER w FROM question WINDOW w AS (ORDER BY id) "
     "ORDER BY id LIMIT 2",
     [(101, 1, 1, None, 101, 1), (102, 2, 2, 101, 101, 1)]),
    ("SELECT strftime('%Y-%m', asked_on), date(asked_on, '+1 day'), "
     "CAST(julianday('2024-01-19') - julianday(asked_on) AS INTEGER) "
     "FROM question WHERE id = 101",
     "SELECT to_char(asked_on, 'YYYY-MM'), (asked_on + 1)::text, "
     "('2024-01-19'::date - asked_on) FROM question WHERE id = 101",
     [("2024-01", "2024-01-10", 10)]),
    ("SELECT upper(subject), lower(substr(subject, 1, 4)), length(subject), "
     "replace(subject, ' ', '_'), instr(subject, 'steun'), trim('  x ') "
     "FROM question WHERE id = 101",
     "SELECT upper(subject), lower(substr(subject, 1, 4)), length(subject), "
     "replace(subject, ' ', '_'), strpos(subject, 'steun'), trim('  x ') "
     "FROM question WHERE id = 101",
     [("INNOVATIESTEUN VOOR KMO'S", "inno", 25, "Innovatiesteun_voor_kmo's", 10, "x")]),
    ("SELECT coalesce(NULL, 'a'), nullif(1, 1), abs(-2), round(2.567, 1), "
     "CASE WHEN 1 > 0 THEN 'yes' END, printf('%05d', 42)",
     "SELECT coalesce(NULL, 'a'), nullif(1, 1), abs(-2), round(2.567, 1), "
     "CASE WHEN 1 > 0 THEN 'yes' END, to_char(42, 'FM00000')",
     [("a", None, 2, 2.6, "yes", "00042")]),
    ("SELECT json_extract(json_object('n', 7, 'xs', json_array(1, 2)), '$.xs[1]'), "
     "json_array_length('[1,2,3]'), '{\"a\": {\"b\": 4}}' ->> '$.a.b'",
     "SELECT (json_build_object('n', 7, 'xs', json_build_array(1, 2)) -> 'xs' ->> 1)::int, "
     "json_array_length('[1,2,3]'), ('{\"a\": {\"b\": 4}}'::jsonb #>> '{a,b}')::int",
     [(2, 3, 4)]),
    ("SELECT rowid, snippet(question_fts, 1, '[', ']', '…', 4) IS NOT NULL, "
     "bm25(question_fts) < 0 FROM question_fts WHERE question_fts MATCH 'creatieve'",
     "SELECT id, ts_headline('dutch', subject, websearch_to_tsquery('dutch', 'creatieve')) "
     "IS NOT NULL, ts_rank(search_vector, websearch_to_tsquery('dutch', 'creatieve')) > 0 "
     "FROM question WHERE search_vector @@ websearch_to_tsquery('dutch', 'creatieve')",
     [(102, True, True)]),
    ("SELECT rowid FROM question_fts WHERE question_fts MATCH 'innovatiesteun*' "
     "ORDER BY rank",
     "SELECT id FROM question WHERE to_tsvector('dutch', subject) @@ "
     "to_tsquery('dutch', 'innovatiesteun') ORDER BY ts_rank(search_vector, "
     "to_tsquery('dutch', 'innovatiesteun')) DESC",
     [(101,)]),
]


@pytest.mark.parametrize(("sqlite_sql", "postgres_sql", "expected"), ANALYST)
def test_analyst_sql_still_works(
    shared_url: str, sqlite_sql: str, postgres_sql: str, expected: list[tuple[object, ...]]
) -> None:
    sql = sqlite_sql if shared_url.startswith("sqlite") else postgres_sql
    rows = readonly_query(shared_url, sql, timeout=10).rows
    # SQLite has no booleans: 1 and 0 stand for them.
    assert [tuple(v if not isinstance(v, bool) else int(v) for v in row) for row in rows] == [
        tuple(v if not isinstance(v, bool) else int(v) for v in row) for row in expected]


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
