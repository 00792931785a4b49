"""The one dialect-aware upsert (INSERT ... ON CONFLICT) used by the repository.

SQLite and PostgreSQL spell ON CONFLICT the same way and SQLAlchemy gives both the same
`excluded`/`on_conflict_*` API, but through two different Insert classes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, CursorResult, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

Insert = sqlite.Insert | postgresql.Insert
# Receives the statement's `excluded` namespace (the row that was proposed).
SetBuilder = Callable[[Any], Mapping[str, Any]]
WhereBuilder = Callable[[Any], ColumnElement[bool]]


def dialect_insert(connection: Connection, table: Table) -> Insert:
    name = connection.dialect.name
    if name == "sqlite":
        return sqlite.insert(table)
    if name == "postgresql":
        return postgresql.insert(table)
    raise NotImplementedError(f"storage supports SQLite and PostgreSQL, not {name}")


def upsert(
    connection: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    keys: Sequence[str],
    update: Sequence[str] | SetBuilder | None = None,
    where: WhereBuilder | None = None,
) -> CursorResult[Any] | None:
    """Insert `rows`; on a `keys` conflict update the `update` columns, or do nothing.

    `update` is a list of column names copied from the proposed row, or a function of
    `excluded` giving the SET clause (for expressions such as counters). `where` limits
    the update to rows that really differ, so unchanged rows are not rewritten.
    Rows must not repeat a key: PostgreSQL refuses to update one row twice.
    """
    if not rows:
        return None
    statement = dialect_insert(connection, table).values(list(rows))
    if update is None:
        return connection.execute(statement.on_conflict_do_nothing(index_elements=list(keys)))
    excluded = statement.excluded
    set_ = update(excluded) if callable(update) else {name: excluded[name] for name in update}
    return connection.execute(
        statement.on_conflict_do_update(
            index_elements=list(keys),
            set_=dict(set_),
            where=where(excluded) if where is not None else None,
        )
    )
