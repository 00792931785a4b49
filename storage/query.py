"""Run a user's SQL strictly read-only, with a time limit.

Used by `schv query`, `schv search`, `schv export` and anything else that passes SQL it
did not write. The guards do not trust the SQL text:

- SQLite: the file is opened read-only (`mode=ro`) and an authorizer refuses every action
  that is not a read (writes, DDL, ATTACH, pragma writes) and every function not on an
  explicit list (so load_extension, fts3_tokenizer); FTS5 reads are reads and pass. One
  statement per call (sqlite3 refuses more).
- PostgreSQL: one statement of a kind that returns rows (so no COMMIT, SET TRANSACTION,
  ANALYZE, LOCK, COPY), in a READ ONLY transaction that is always rolled back, run as the
  SELECT-only role `schv_reader` through a SECURITY DEFINER function owned by it (see
  READER_ROLE below), with `statement_timeout`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import re
import sqlite3
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
from sqlalchemy.engine import URL

from storage.db import normalize_url


class QueryError(Exception):
    """Why a query was refused or failed, as one line fit for a terminal."""

    def __init__(self, message: str) -> None:
        super().__init__(_one_line(message))


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]
    # True when max_rows cut the result short.
    truncated: bool = field(default=False)


def readonly_query(
    url: str, sql: str, *, timeout: float, max_rows: int | None = None
) -> QueryResult:
    """Run one SQL statement read-only against the database at `url`."""
    if timeout <= 0:
        raise QueryError("timeout must be greater than 0")
    if not sql.strip():
        raise QueryError("empty query")
    try:
        parsed = normalize_url(url)
    except Exception as exc:
        raise QueryError(f"invalid database URL: {exc}") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_query(parsed, sql, timeout, max_rows)
    if backend == "postgresql":
        return _postgres_query(parsed, sql, timeout, max_rows)
    raise QueryError(f"unsupported database: {backend}")


def _one_line(message: str) -> str:
    lines = [line.strip() for line in str(message).strip().splitlines() if line.strip()]
    return lines[0] if lines else "query failed"


def _fetch(cursor: Any, max_rows: int | None) -> tuple[list[tuple[Any, ...]], bool]:
    if max_rows is None:
        rows = cursor.fetchall()
        truncated = False
    else:
        rows = cursor.fetchmany(max_rows + 1)
        truncated = len(rows) > max_rows
        rows = rows[:max_rows]
    return [tuple(_plain(value) for value in row) for row in rows], truncated


def _plain(value: Any) -> Any:
    """A value as a plain Python scalar, the same whichever database produced it."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, memoryview):
        return value.tobytes()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return value


def _format_seconds(timeout: float) -> str:
    return f"{timeout:g}"


# -- SQLite -------------------------------------------------------------------------

# Pragmas that only read, whatever their argument (it names a table or an index).
_READ_PRAGMAS_WITH_ARGUMENT = frozenset(
    {
        "table_info",
        "table_xinfo",
        "table_list",
        "index_info",
        "index_xinfo",
        "index_list",
        "foreign_key_list",
    }
)
# Pragmas that read when given no value and write when given one.
_READ_PRAGMAS_WITHOUT_VALUE = frozenset(
    {
        "application_id",
        "collation_list",
        "compile_options",
        "data_version",
        "database_list",
        "encoding",
        "foreign_keys",
        "freelist_count",
        "function_list",
        "journal_mode",
        "module_list",
        "page_count",
        "page_size",
        "pragma_list",
        "schema_version",
        "user_version",
    }
)


# The SQL functions a query may call, by name; every other is refused. An allowlist,
# because a denylist misses what a SQLite build adds: `fts3_tokenizer()` returns a native
# pointer and, given one, registers a tokenizer from it; `load_extension()` runs native
# code from any file; `fts5()` takes a pointer; `optimize()` (FTS3) and `sqlite_log()`
# write; the rtree* functions are for debugging. Names of newer SQLite versions are listed
# too, so an upgrade of the library does not take functions from analysts.
SQLITE_FUNCTIONS = frozenset(
    {
        # core scalar functions
        "abs", "changes", "char", "coalesce", "concat", "concat_ws", "format", "glob",
        "hex", "if", "ifnull", "iif", "instr", "last_insert_rowid", "length", "like",
        "likelihood", "likely", "lower", "ltrim", "max", "min", "nullif", "octet_length",
        "printf", "quote", "random", "randomblob", "replace", "round", "rtrim", "sign",
        "soundex", "sqlite_compileoption_get", "sqlite_compileoption_used",
        "sqlite_offset", "sqlite_source_id", "sqlite_version", "substr", "substring",
        "subtype", "total_changes", "trim", "typeof", "unhex", "unicode", "unistr",
        "unistr_quote", "unlikely", "upper", "zeroblob",
        # dates and times
        "current_date", "current_time", "current_timestamp", "date", "datetime",
        "julianday", "strftime", "time", "timediff", "unixepoch",
        # aggregates
        "avg", "count", "group_concat", "median", "percentile", "percentile_cont",
        "percentile_disc", "string_agg", "sum", "total",
        # window functions
        "cume_dist", "dense_rank", "first_value", "lag", "last_value", "lead",
        "nth_value", "ntile", "percent_rank", "rank", "row_number",
        # mathematics
        "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "ceil", "ceiling",
        "cos", "cosh", "degrees", "exp", "floor", "ln", "log", "log10", "log2", "mod", "pi",
        "pow", "power", "radians", "sin", "sinh", "sqrt", "tan", "tanh", "trunc",
        # JSON (`->` and `->>` are functions to the authorizer)
        "->", "->>", "json", "json_array", "json_array_length", "json_error_position",
        "json_extract", "json_group_array", "json_group_object", "json_insert",
        "json_object", "json_patch", "json_pretty", "json_quote", "json_remove",
        "json_replace", "json_set", "json_type", "json_valid", "jsonb", "jsonb_array",
        "jsonb_extract", "jsonb_group_array", "jsonb_group_object", "jsonb_insert",
        "jsonb_object", "jsonb_patch", "jsonb_remove", "jsonb_replace", "jsonb_set",
        # full-text search: MATCH and the FTS5 (and FTS3) auxiliary functions
        "match", "bm25", "highlight", "snippet", "matchinfo", "offsets",
    }
)


def sqlite_authorizer(
    action: int, arg1: str | None, arg2: str | None, _db: str | None, _trigger: str | None
) -> int:
    if action in (sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_RECURSIVE):
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_FUNCTION:
        allowed = (arg2 or "").lower() in SQLITE_FUNCTIONS
        return sqlite3.SQLITE_OK if allowed else sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_UPDATE and arg1 == "sqlite_master":
        # Connecting an FTS5 table (question_fts) asks for this while it declares its
        # schema. A user's UPDATE of sqlite_master is refused by SQLite itself ("may not
        # be modified"; writable_schema is a pragma write, denied below), and the file is
        # open read-only.
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA:
        name = (arg1 or "").lower()
        if name in _READ_PRAGMAS_WITH_ARGUMENT:
            return sqlite3.SQLITE_OK
        if name in _READ_PRAGMAS_WITHOUT_VALUE and arg2 is None:
            return sqlite3.SQLITE_OK
    # Everything else: writes, DDL, ATTACH/DETACH (and so VACUUM INTO), transactions,
    # savepoints, ANALYZE, REINDEX, pragma writes.
    return sqlite3.SQLITE_DENY


def sqlite_file(url: URL) -> Path:
    """The file of a SQLite URL; in-memory and URI forms cannot be opened read-only."""
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise QueryError("only a SQLite database file can be queried")
    return Path(database)


def _sqlite_query(url: URL, sql: str, timeout: float, max_rows: int | None) -> QueryResult:
    path = sqlite_file(url)
    if not path.is_file():
        raise QueryError(f"database not found: {path}")
    # mode=ro: SQLite itself refuses writes and will not create a missing file.
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    try:
        connection = sqlite3.connect(uri, uri=True, isolation_level=None)
    except sqlite3.Error as exc:
        raise QueryError(f"cannot open database: {exc}") from None
    try:
        connection.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        connection.set_authorizer(sqlite_authorizer)
        deadline = time.monotonic() + timeout
        connection.set_progress_handler(stop_after(deadline), 1000)
        try:
            # execute() refuses a string holding more than one statement.
            cursor = connection.execute(sql)
            rows, truncated = _fetch(cursor, max_rows)
        except sqlite3.OperationalError as exc:
            if time.monotonic() >= deadline and "interrupt" in str(exc).lower():
                raise QueryError(f"query stopped after {_format_seconds(timeout)} s") from None
            raise QueryError(_sqlite_message(exc)) from None
        except (sqlite3.Error, sqlite3.Warning) as exc:
            raise QueryError(_sqlite_message(exc)) from None
        columns = [d[0] for d in cursor.description or ()]
        return QueryResult(columns=columns, rows=rows, truncated=truncated)
    finally:
        connection.close()


def stop_after(deadline: float) -> Callable[[], int]:
    """A SQLite progress handler that interrupts the statement at `deadline`."""

    def handler() -> int:
        return 1 if time.monotonic() >= deadline else 0

    return handler


def _sqlite_message(exc: BaseException) -> str:
    message = str(exc)
    if "not authorized" in message or "authorization denied" in message:
        return "refused: the query may only read (not authorized)"
    if "one statement at a time" in message:
        return "refused: one statement at a time"
    if "readonly" in message:
        return "refused: the database is opened read-only"
    return message


# -- PostgreSQL ---------------------------------------------------------------------

# Only statements that can return rows. A denylist would have to know every command
# that runs in a READ ONLY transaction yet still acts (ANALYZE, LOCK, COPY ... TO a server
# file) or leaves the transaction (COMMIT, SET TRANSACTION, ...); an allowlist does not.
_PG_ALLOWED_FIRST_WORDS = frozenset({"select", "with", "values", "table", "explain", "show"})
_WORD = re.compile(r"[A-Za-z_]+")


def _postgres_query(url: URL, sql: str, timeout: float, max_rows: int | None) -> QueryResult:
    statement = _single_statement(sql)
    first_word = _WORD.match(statement.lstrip("( \t\r\n"))
    word = first_word.group(0).lower() if first_word else ""
    if word not in _PG_ALLOWED_FIRST_WORDS:
        shown = word.upper() or "this statement"
        raise QueryError(
            f"refused: {shown} is not allowed; only SELECT, WITH, VALUES, TABLE, EXPLAIN "
            "and SHOW can be run"
        )
    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        connection = psycopg.connect(conninfo, autocommit=True, connect_timeout=10)
    except psycopg.Error as exc:
        raise QueryError(f"cannot connect: {exc}") from None
    try:
        return _postgres_run(connection, statement, timeout, max_rows)
    finally:
        connection.close()


# Created by migration 0003 (storage/reader_role.py): a NOLOGIN role with SELECT on the
# schema, and a SECURITY DEFINER function owned by it that runs one statement and returns
# its rows as JSON arrays. SET ROLE alone is no boundary: `SELECT set_config('role',
# 'none', false), ...` climbs back to the session user inside the same statement. Inside
# a SECURITY DEFINER function PostgreSQL refuses any change of role.
# (Constants imported where used: `schv db reader-role` must not find its own
# module imported already by the storage package.)
# Statements that cannot be a subquery; their output lines come back one by one.
_LINE_STATEMENTS = frozenset({"explain", "show"})


def _postgres_run(
    connection: psycopg.Connection[Any], sql: str, timeout: float, max_rows: int | None
) -> QueryResult:
    from storage.reader_role import READER_FUNCTION

    first = _WORD.match(sql.lstrip("( \t\r\n"))
    lines = bool(first) and first.group(0).lower() in _LINE_STATEMENTS  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        milliseconds = str(max(1, int(timeout * 1000)))
        cursor.execute("SELECT set_config('statement_timeout', %s, false)", (milliseconds,))
        cursor.execute("SELECT set_config('default_transaction_read_only', 'on', false)")
        cursor.execute("BEGIN TRANSACTION READ ONLY")
        try:
            _enter_reader_role(cursor)
            columns = _describe(connection, sql)
            cursor.execute(
                f"SELECT {READER_FUNCTION}(%s, %s)", (sql, lines), prepare=False
            )
            rows, truncated = _fetch_json_rows(cursor, max_rows)
        except psycopg.errors.QueryCanceled:
            raise QueryError(f"query stopped after {_format_seconds(timeout)} s") from None
        except psycopg.Error as exc:
            raise QueryError(_postgres_message(exc)) from None
        finally:
            if not connection.closed:
                with contextlib.suppress(psycopg.Error):
                    cursor.execute("ROLLBACK")
    return QueryResult(columns=columns, rows=rows, truncated=truncated)


def _enter_reader_role(cursor: psycopg.Cursor[Any]) -> None:
    from storage.reader_role import (
        GUARDED_NAMES,
        REACHABLE_FUNCTIONS_SQL,
        READER_FUNCTION,
        READER_ROLE,
        unguarded_message,
    )

    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (READER_ROLE,))
    if cursor.fetchone() is None:
        raise QueryError(
            f"refused: the SELECT-only role {READER_ROLE} does not exist; an administrator "
            f"must run CREATE ROLE {READER_ROLE} NOLOGIN, then schv db reader-role"
        )
    cursor.execute(
        "SELECT 1 FROM pg_proc WHERE proname = %s AND pg_get_userbyid(proowner) = %s",
        (READER_FUNCTION, READER_ROLE),
    )
    if cursor.fetchone() is None:
        raise QueryError(
            f"refused: the read-only query function {READER_FUNCTION} is missing in this "
            "database; run schv db upgrade, then (as a superuser or the database owner with "
            "CREATEROLE) schv db reader-role"
        )
    # Refuse rather than run where the role could take the crawl lock's key.
    cursor.execute(REACHABLE_FUNCTIONS_SQL, {"names": list(GUARDED_NAMES), "role": READER_ROLE})
    reachable = [row[0] for row in cursor.fetchall()]
    if reachable:
        raise QueryError(f"refused: {unguarded_message(reachable)}")
    try:
        cursor.execute(f"SET LOCAL ROLE {READER_ROLE}")
    except psycopg.errors.InsufficientPrivilege:
        raise QueryError(
            f"refused: this database user may not act as {READER_ROLE}; an administrator "
            f"must run GRANT {READER_ROLE} TO <user>"
        ) from None


def _describe(connection: psycopg.Connection[Any], sql: str) -> list[str]:
    """The statement's column names, from the server's parse: nothing is executed.

    Also where a second statement hidden from the text check is refused: a prepared
    statement holds exactly one.
    """
    pgconn = connection.pgconn
    prepared = pgconn.prepare(b"", sql.encode("utf-8"))
    if prepared.status != psycopg.pq.ExecStatus.COMMAND_OK:
        message = (prepared.error_message or b"cannot prepare").decode("utf-8", "replace")
        raise QueryError(message.removeprefix("ERROR:").strip())
    described = pgconn.describe_prepared(b"")
    if described.status != psycopg.pq.ExecStatus.COMMAND_OK:
        raise QueryError((described.error_message or b"cannot describe").decode("utf-8", "replace"))
    if described.nfields == 0:
        raise QueryError("the statement returned no rows")
    return [
        (described.fname(i) or b"?").decode("utf-8", "replace") for i in range(described.nfields)
    ]


def _fetch_json_rows(
    cursor: psycopg.Cursor[Any], max_rows: int | None
) -> tuple[list[tuple[Any, ...]], bool]:
    rows, truncated = _fetch(cursor, max_rows)
    return [tuple(row[0]) for row in rows], truncated


def _postgres_message(exc: psycopg.Error) -> str:
    message = str(exc).removeprefix("ERROR:").strip()
    if "read-only transaction" in message:
        return f"refused: the query may only read ({_one_line(message)})"
    return message


def _single_statement(sql: str) -> str:
    """`sql` without trailing semicolons; QueryError if it holds more than one statement.

    Knows enough of PostgreSQL's lexer (quotes, dollar quotes, comments) to find the
    semicolons that really separate statements.
    """
    statements = [part for part in _split_statements(sql) if _strip_comments(part).strip()]
    if len(statements) != 1:
        raise QueryError("refused: one statement at a time" if statements else "empty query")
    return _strip_comments(statements[0]).strip()


def _split_statements(sql: str) -> Sequence[str]:
    parts: list[str] = []
    start = 0
    i = 0
    n = len(sql)
    while i < n:
        char = sql[i]
        if char == ";":
            parts.append(sql[start:i])
            start = i + 1
            i += 1
        elif char in "'\"":
            i = _skip_quoted(sql, i, char)
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end < 0 else end + 1
        elif sql.startswith("/*", i):
            i = _skip_block_comment(sql, i)
        elif char == "$":
            i = _skip_dollar_quoted(sql, i)
        else:
            i += 1
    parts.append(sql[start:])
    return parts


def _skip_quoted(sql: str, i: int, quote_char: str) -> int:
    # Doubling the quote escapes it; backslash escapes (E'...') are handled too.
    escaped_backslash = (
        quote_char == "'"
        and i > 0
        and sql[i - 1] in "eE"
        and (i == 1 or not (sql[i - 2].isalnum() or sql[i - 2] == "_"))
    )
    i += 1
    while i < len(sql):
        if escaped_backslash and sql[i] == "\\":
            i += 2
            continue
        if sql[i] == quote_char:
            if sql.startswith(quote_char * 2, i):
                i += 2
                continue
            return i + 1
        i += 1
    raise QueryError("unterminated quoted string")


def _skip_block_comment(sql: str, i: int) -> int:
    depth = 0
    while i < len(sql):
        if sql.startswith("/*", i):
            depth += 1
            i += 2
        elif sql.startswith("*/", i):
            depth -= 1
            i += 2
            if depth == 0:
                return i
        else:
            i += 1
    raise QueryError("unterminated comment")


_DOLLAR_TAG = re.compile(r"\$([A-Za-z_][A-Za-z_0-9]*)?\$")


def _skip_dollar_quoted(sql: str, i: int) -> int:
    match = _DOLLAR_TAG.match(sql, i)
    # `$1` parameters or a `$` inside an identifier are not quotes.
    if match is None or (i > 0 and (sql[i - 1].isalnum() or sql[i - 1] == "_")):
        return i + 1
    tag = match.group(0)
    end = sql.find(tag, match.end())
    if end < 0:
        raise QueryError("unterminated dollar-quoted string")
    return end + len(tag)


def _strip_comments(sql: str) -> str:
    """The text with comments replaced by spaces (strings left as they are)."""
    out: list[str] = []
    i = 0
    n = len(sql)
    while i < n:
        char = sql[i]
        if char in "'\"":
            end = _skip_quoted(sql, i, char)
            out.append(sql[i:end])
            i = end
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end < 0 else end + 1
            out.append(" ")
        elif sql.startswith("/*", i):
            i = _skip_block_comment(sql, i)
            out.append(" ")
        elif char == "$":
            end = _skip_dollar_quoted(sql, i)
            out.append(sql[i:end])
            i = end
        else:
            out.append(char)
            i += 1
    return "".join(out)
