"""Engines and schema migrations.

SQLite is the default and PostgreSQL is supported alike; this is the one place that knows
how each is opened. Migrations run programmatically so an installed package needs no
alembic.ini.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# Set on a connection to start its transaction with BEGIN IMMEDIATE on SQLite: a writer
# then waits for the lock up front (busy_timeout applies) instead of failing half-way
# when it upgrades a read lock.
WRITE_OPTION = "schv_write"

_BUSY_TIMEOUT_SECONDS = 30.0
_SQLITE_PRAGMAS = (
    # The scheduler and a manual command may meet; wait rather than fail at once.
    f"PRAGMA busy_timeout={int(_BUSY_TIMEOUT_SECONDS * 1000)}",
    "PRAGMA foreign_keys=ON",
    # Safe with WAL (no corruption on power loss, at worst the last commits) and faster.
    "PRAGMA synchronous=NORMAL",
)


def normalize_url(url: str) -> URL:
    """Parse a database URL; bare PostgreSQL schemes get the psycopg (3) driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix) :]
            break
    return make_url(url)


def _sqlite_file(url: URL) -> Path | None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`, with the per-dialect settings the rest of storage relies on."""
    parsed = normalize_url(url)
    if parsed.get_backend_name() != "sqlite":
        kwargs.setdefault("pool_pre_ping", True)
        return create_engine(parsed, **kwargs)

    path = _sqlite_file(parsed)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, **kwargs)
    _install_sqlite_hooks(engine)
    return engine


def _enable_wal(cursor: sqlite3.Cursor) -> None:
    """WAL lets readers (schv query, status) work while a crawl writes.

    Switching a new database to WAL needs a lock for which SQLite does not call the busy
    handler: two processes opening a fresh database at once (the scheduler and a manual
    command) would see "database is locked" straight away. So retry, within the same
    time a busy writer is given. Once a file is in WAL mode it stays so, and this
    returns at once."""
    deadline = time.monotonic() + _BUSY_TIMEOUT_SECONDS
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.02)


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module, which would otherwise
        # begin only before DML: reads and DDL would escape the transaction (see the
        # SQLAlchemy docs, "Serializable isolation / Savepoints / Transactional DDL").
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            for pragma in _SQLITE_PRAGMAS:
                cursor.execute(pragma)
            _enable_wal(cursor)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


# Any constant works; it only has to be the same for every schv process.
_MIGRATION_LOCK_KEY = 0x5C4F


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database to `revision`; at that revision already, nothing happens.

    Two processes starting at once (the scheduler and a manual command) migrate one after
    the other: the second then finds the schema current. SQLite serialises them with
    BEGIN IMMEDIATE, PostgreSQL with a transaction-scoped advisory lock. A database at
    the head already is left without taking that lock: an analyst's login may read but
    not take advisory locks (storage/reader_role.py).
    """
    if revision == "head" and current_revision(engine) == head_revision():
        return
    with engine.connect() as connection:
        connection.execution_options(**{WRITE_OPTION: True})
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK_KEY})")
            command.upgrade(_alembic_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    with engine.connect() as connection:
        connection.execution_options(**{WRITE_OPTION: True})
        with connection.begin():
            command.downgrade(_alembic_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS_DIR}")
    return head
