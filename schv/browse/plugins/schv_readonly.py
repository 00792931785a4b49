"""Datasette plugin loaded by `schv browse` (--plugins-dir): every SQLite connection gets
the authorizer of `schv query`, so nothing served can write, ATTACH or load extensions,
whatever Datasette or another installed plugin would try."""

from __future__ import annotations

import sqlite3
from typing import Any

from datasette import hookimpl

from storage.query import sqlite_authorizer

# Datasette's own SQL function (datasette/sql_functions.py): it escapes the words typed
# into a table's search box, in Python, touching nothing else.
_DATASETTE_FUNCTIONS = frozenset({"escape_fts"})


def _authorizer(
    action: int, arg1: str | None, arg2: str | None, db: str | None, trigger: str | None
) -> int:
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in _DATASETTE_FUNCTIONS:
        return sqlite3.SQLITE_OK
    return sqlite_authorizer(action, arg1, arg2, db, trigger)


@hookimpl
def prepare_connection(conn: Any, database: str) -> None:
    # Datasette's own in-memory databases (`_internal`, `_memory`) hold its catalogue and
    # must stay writable; the served file is every other name.
    if not database.startswith("_"):
        conn.set_authorizer(_authorizer)
