"""Engines and migrations, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from storage import current_revision, head_revision, make_engine, upgrade
from storage.db import downgrade, normalize_url
from storage.models import Base, is_mapped_object

TABLES = {
    "person",
    "theme",
    "question",
    "question_theme",
    "document",
    "question_document",
    "crawl_run",
}


def test_upgrade_twice_reaches_head_and_is_a_no_op(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        assert current_revision(engine) is None
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        inspector = inspect(engine)
        assert set(inspector.get_table_names()) >= TABLES
        assert "written_questions" in inspector.get_view_names()
        with engine.connect() as connection:
            versions = connection.execute(text("SELECT version_num FROM alembic_version"))
            assert versions.scalars().all() == [head_revision()]
    finally:
        engine.dispose()


def test_downgrade_to_base_and_up_again(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        downgrade(engine, "base")
        assert current_revision(engine) is None
        assert not TABLES & set(inspect(engine).get_table_names())
        upgrade(engine)
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_models_match_the_migrated_schema(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_name": is_mapped_object}
            )
            differences = compare_metadata(context, Base.metadata)
        assert differences == []
    finally:
        engine.dispose()


def test_in_memory_sqlite_can_be_migrated() -> None:
    engine = make_engine("sqlite://")
    try:
        upgrade(engine)
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_sqlite_file_gets_its_folder_and_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "deeper" / "still" / "schv.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            pragmas = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
            }
        assert path.parent.is_dir()
        assert pragmas == {
            "journal_mode": "wal",
            "foreign_keys": 1,
            "busy_timeout": 30000,
            "synchronous": 1,  # NORMAL
        }
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "url",
    [
        "postgres://user@db.example:5432/schv",
        "postgresql://user@db.example:5432/schv",
        "postgresql+psycopg://user@db.example:5432/schv",
    ],
)
def test_postgres_urls_get_the_psycopg_driver(url: str) -> None:
    parsed = normalize_url(url)
    assert parsed.drivername == "postgresql+psycopg"
    assert (parsed.host, parsed.port, parsed.database) == ("db.example", 5432, "schv")
    engine = make_engine(url)  # no connection is made until first use
    try:
        assert engine.dialect.driver == "psycopg"
    finally:
        engine.dispose()


def test_processes_opening_a_new_sqlite_database_at_once_do_not_fail(tmp_path: Path) -> None:
    # Switching a fresh file to WAL takes a lock SQLite gives no busy wait for; without a
    # retry about one start in ten failed with "database is locked" here.
    for trial in range(30):
        url = f"sqlite:///{tmp_path / f'fresh-{trial}.sqlite3'}"
        errors: list[BaseException] = []

        def open_one(url: str = url, errors: list[BaseException] = errors) -> None:
            engine = make_engine(url)
            try:
                with engine.connect() as connection:
                    mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
                    assert mode == "wal"
            except BaseException as exc:
                errors.append(exc)
            finally:
                engine.dispose()

        threads = [threading.Thread(target=open_one) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
