"""Shared fixtures: a fresh database per test, on SQLite and on PostgreSQL.

PostgreSQL tests need `SCHV_TEST_POSTGRES_URL` (an account allowed to create databases,
e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test) and are skipped without it. Each
test gets its own database, created and dropped around it, so tests never see each
other's rows.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.databases import temporary_postgres_database
from tests.replica import Replica

POSTGRES_URL_ENV = "SCHV_TEST_POSTGRES_URL"


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    """The URL of a PostgreSQL account that may create and drop databases."""
    url = os.environ.get(POSTGRES_URL_ENV, "").strip()
    if not url:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_URL_ENV} (a URL to a server)")
    # Accept the bare schemes the application accepts.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix) :]
    return url


@pytest.fixture
def postgres_database_url(postgres_admin_url: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped after the test."""
    with temporary_postgres_database(postgres_admin_url) as url:
        yield url


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL: a SQLite file in tmp_path, or a new PostgreSQL one."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'schv.sqlite3'}"
        return
    admin_url: str = request.getfixturevalue("postgres_admin_url")
    with temporary_postgres_database(admin_url) as url:
        yield url


@pytest.fixture
def replica() -> Iterator[Replica]:
    """The replica of the parliament's services with the curated data set, on 127.0.0.1."""
    with Replica() as served:
        yield served


@pytest.fixture
def raw_dir(tmp_path: Path) -> Path:
    return tmp_path / "raw"
