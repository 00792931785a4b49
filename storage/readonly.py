"""A read-only connection for SQL that schv itself writes (search, exports).

User SQL goes through storage.query instead. Here the SQL is ours and takes bound
parameters, but the connection still cannot write: SQLite opens the file `mode=ro` (and
never creates a missing one), PostgreSQL runs in a READ ONLY transaction that is rolled
back. Both stop a statement after `timeout` seconds.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from storage.db import make_engine, normalize_url
from storage.query import QueryError, sqlite_file, stop_after


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL; None for other databases."""
    parsed = normalize_url(url)
    return sqlite_file(parsed) if parsed.get_backend_name() == "sqlite" else None


@contextmanager
def read_connection(url: str, *, timeout: float) -> Iterator[Connection]:
    """A connection that can only read, for the duration of the block."""
    try:
        path = sqlite_path(url)
    except QueryError:
        raise
    except Exception as exc:
        raise QueryError(f"invalid database URL: {exc}") from None
    if path is not None:
        if not path.is_file():
            raise QueryError(f"database not found: {path}")
        engine = create_engine(
            f"sqlite:///file:{quote(str(path.resolve()))}?mode=ro&uri=true", poolclass=NullPool
        )

        @event.listens_for(engine, "connect")
        def _limit(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA busy_timeout = 5000")
            dbapi_connection.set_progress_handler(
                stop_after(time.monotonic() + timeout), 1000
            )
    else:
        engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            if path is None:
                connection.exec_driver_sql("SET TRANSACTION READ ONLY")
                connection.exec_driver_sql(
                    f"SET LOCAL statement_timeout = {max(1, int(timeout * 1000))}"
                )
            try:
                yield connection
            finally:
                connection.rollback()
    finally:
        engine.dispose()
