"""PostgreSQL servers where the migrating user is not a superuser: with CREATEROLE the
reader role is set up; without, the migration still succeeds with a warning and
`schv query` refuses in one line until an administrator runs `schv db reader-role`."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from storage import QueryError, Store, readonly_query
from storage.locks import database_lock

pytestmark = pytest.mark.postgres


@pytest.fixture
def own_database(postgres_admin_url: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """A database owned by a fresh non-superuser login (CREATEROLE when the test's
    parameter says so); the URL logs in as that user."""
    createrole: bool = request.param
    name = f"schv_t_{uuid.uuid4().hex[:12]}"
    admin = make_url(postgres_admin_url)
    conninfo = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(f"CREATE ROLE {name} LOGIN{' CREATEROLE' if createrole else ''}")
        connection.execute(f"CREATE DATABASE {name} OWNER {name}")
    try:
        yield admin.set(username=name, database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            connection.execute(f"DROP ROLE IF EXISTS {name}")


def _administrator_fixes(
    own_database: str, postgres_admin_url: str, monkeypatch: pytest.MonkeyPatch
) -> str:
    """`schv db reader-role` run by a superuser on the owner's database; its URL."""
    from schv.cli import main

    admin_url = make_url(postgres_admin_url).set(
        database=make_url(own_database).database).render_as_string(hide_password=False)
    monkeypatch.setenv("SCHV_DATABASE_URL", admin_url)
    assert main(["db", "reader-role"]) == 0
    return admin_url


@pytest.mark.parametrize("own_database", [True], indirect=True)
def test_owner_with_createrole_gets_the_reader_role_but_queries_wait_for_a_superuser(
    own_database: str, raw_dir: Path, caplog: pytest.LogCaptureFixture,
    postgres_admin_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The role and its function need CREATEROLE; taking the advisory-lock functions from
    PUBLIC needs a superuser. Until one has, a query could hold the crawl lock's key, so
    `schv query` refuses, saying so."""
    with caplog.at_level(logging.WARNING, logger="schv.migrations"), \
            Store.open(own_database, raw_dir):
        pass
    assert any("schv query refuses PostgreSQL until a superuser runs schv db reader-role"
               in r.getMessage() for r in caplog.records)
    with pytest.raises(QueryError, match=r"^refused: the role schv_reader may still call "
                                         r"lo_close\(integer\) and \d+ more"):
        readonly_query(own_database, "SELECT pg_try_advisory_lock(23631, 1)", timeout=5)

    _administrator_fixes(own_database, postgres_admin_url, monkeypatch)
    assert readonly_query(own_database, "SELECT current_user", timeout=5).rows == [
        ("schv_reader",)]
    with pytest.raises(QueryError, match="permission denied for function pg_try_advisory_lock"):
        readonly_query(own_database, "SELECT pg_try_advisory_lock(23631, 1)", timeout=5)
    # The owner's own crawls and migrations still take their locks.
    with database_lock(own_database, "crawl", wait=0), Store.open(own_database, raw_dir):
        pass


@pytest.mark.parametrize("own_database", [False], indirect=True)
def test_owner_without_createrole_migrates_and_query_refuses_clearly(
    own_database: str, raw_dir: Path, caplog: pytest.LogCaptureFixture,
    postgres_admin_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    with caplog.at_level(logging.WARNING, logger="schv.migrations"), \
            Store.open(own_database, raw_dir) as store:
        assert store.row_counts()["question"] == 0
    assert any("cannot set up the role schv_reader" in r.getMessage() for r in caplog.records)
    with pytest.raises(QueryError, match=r"^refused: the read-only query function "
                                         r"schv_readonly_rows is missing in this database"):
        readonly_query(own_database, "SELECT 1", timeout=5)

    # The administrator's fix, then the owner is told to get the membership.
    admin_url = _administrator_fixes(own_database, postgres_admin_url, monkeypatch)
    with pytest.raises(QueryError, match=r"may not act as schv_reader; .*GRANT schv_reader"):
        readonly_query(own_database, "SELECT 1", timeout=5)
    assert readonly_query(admin_url, "SELECT current_user", timeout=5).rows == [
        ("schv_reader",)]
