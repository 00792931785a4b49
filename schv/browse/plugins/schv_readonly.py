"""Datasette plugin loaded by `schv browse` (--plugins-dir): every SQLite connection gets
the authorizer of `schv query`, so nothing served can write, ATTACH or load extensions,
whatever Datasette or another installed plugin would try."""

from __future__ import annotations

from typing import Any

from datasette import hookimpl

from storage.query import sqlite_authorizer


@hookimpl
def prepare_connection(conn: Any, database: str) -> None:
    # Datasette's own in-memory databases (`_internal`, `_memory`) hold its catalogue and
    # must stay writable; the served file is every other name.
    if not database.startswith("_"):
        conn.set_authorizer(sqlite_authorizer)
