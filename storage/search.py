"""Full-text search over the questions' title, subject, question and answer text.

The indexes are kept by the database itself (migration 0003): SQLite's FTS5 table
`question_fts` (diacritics folded, no stemming) and PostgreSQL's `question.search_vector`
(`dutch` configuration: stemming, no diacritics folding). This module only reads them.

Search syntax, the same on both: words (all must occur), `"a phrase"`, `OR` between
words, `-word` to leave out. SQLite also takes `word*` for a prefix; PostgreSQL stems
instead (`steun` finds `steunen`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError

from storage.query import QueryError
from storage.readonly import read_connection, sqlite_path

# The databases mark matches with these; callers choose what the user sees.
_OPEN, _CLOSE = "\x02", "\x03"


@dataclass(frozen=True)
class SearchHit:
    id: int
    session_year: str | None
    number: int | None
    asked_on: str | None
    answered_on: str | None
    status: str
    minister: str | None
    asker: str | None
    title: str | None
    subject: str | None
    page_url: str | None
    # Higher is better; only comparable within one search.
    score: float
    # Text around the matches, with the matches between `open` and `close`.
    snippet: str


@dataclass(frozen=True)
class SearchFilters:
    theme: str | None = None
    minister: str | None = None
    since: dt.date | None = None
    asker: str | None = None


_TOKEN = re.compile(r'-?"[^"]*"?|\S+')


def fts5_query(user_query: str) -> str:
    """The user's search as an FTS5 query in which every word is a quoted string.

    Quoting makes any character safe (FTS5 operators like `:` `^` `(` `NEAR` lose their
    meaning); only the documented syntax above is translated.
    """
    positive: list[str] = []
    negative: list[str] = []
    pending_or = False
    for token in _TOKEN.findall(user_query):
        if token == "OR":
            pending_or = bool(positive)
            continue
        negate = token.startswith("-") and len(token) > 1
        body = token[1:] if negate else token
        prefix = body.endswith("*") and not body.startswith('"')
        words = body.strip('"').rstrip("*") if not body.startswith('"') else body.strip('"')
        if not re.search(r"\w", words):
            continue
        term = '"' + words.replace('"', '""') + '"' + ("*" if prefix else "")
        if negate:
            negative.append(term)
        elif pending_or and positive:
            positive[-1] = f"({positive[-1]} OR {term})"
        else:
            positive.append(term)
        pending_or = False
    if not positive:
        raise QueryError("nothing to search for: give at least one word that is not negated")
    query = " AND ".join(positive)
    for term in negative:
        query = f"({query}) NOT {term}"
    return query


def search(
    url: str,
    user_query: str,
    *,
    filters: SearchFilters | None = None,
    limit: int = 20,
    timeout: float = 10.0,
    marks: tuple[str, str] = ("[", "]"),
) -> list[SearchHit]:
    """The best `limit` questions for `user_query`, best first."""
    if limit < 1:
        raise QueryError("limit must be at least 1")
    filters = filters or SearchFilters()
    sqlite = sqlite_path(url) is not None
    with read_connection(url, timeout=timeout) as connection:
        try:
            if sqlite:
                rows = _sqlite_search(connection, user_query, filters, limit)
            else:
                rows = _postgres_search(connection, user_query, filters, limit)
        except (OperationalError, DBAPIError) as exc:
            raise QueryError(_message(exc, timeout)) from None
    return [_hit(row, marks) for row in rows]


def _message(exc: DBAPIError, timeout: float) -> str:
    message = " ".join(str(exc.orig).split())
    if "interrupt" in message or "statement timeout" in message:
        return f"search stopped after {timeout:g} s"
    if "no such table: question_fts" in message or "search_vector" in message:
        return "the database has no search index yet: run schv db upgrade"
    return f"search failed: {message}"


def match_sql(user_query: str, params: dict[str, Any], sqlite: bool) -> str:
    """A condition on `question q`: the question matches `user_query` (the syntax above).
    For callers that only filter (watches); search() ranks with its own joins."""
    if sqlite:
        params["match"] = fts5_query(user_query)
        return "q.id IN (SELECT rowid FROM question_fts WHERE question_fts MATCH :match)"
    fts5_query(user_query)  # the same rules on both: at least one word not negated
    params["query"] = user_query
    return "q.search_vector @@ websearch_to_tsquery('dutch', :query)"


def filters_sql(filters: SearchFilters, params: dict[str, Any], sqlite: bool) -> str:
    """The filters as conditions on `question q`, each starting with " AND "."""
    clauses = []
    if filters.theme:
        clauses.append(
            "EXISTS (SELECT 1 FROM question_theme qt JOIN theme t ON t.id = qt.theme_id "
            "WHERE qt.question_id = q.id AND lower(t.name) = lower(:theme))"
        )
        params["theme"] = filters.theme
    for role in ("minister", "asker"):
        name = getattr(filters, role)
        if name:
            clauses.append(
                f"q.{role}_id IN (SELECT id FROM person WHERE lower(full_name) "
                f"LIKE lower(:{role}) ESCAPE '\\')"
            )
            params[role] = "%" + re.sub(r"([\\%_])", r"\\\1", name) + "%"
    if filters.since:
        clauses.append("q.asked_on >= :since")
        params["since"] = filters.since.isoformat() if sqlite else filters.since
    return "".join(f" AND {clause}" for clause in clauses)


_COLUMNS = """q.id, q.session_year, q.number, q.asked_on, q.answered_on, q.status,
    m.full_name AS minister, a.full_name AS asker, q.title,
    COALESCE(NULLIF(q.subject, ''), q.doc_subject) AS subject, q.page_url"""


def _sqlite_search(
    connection: Any, user_query: str, filters: SearchFilters, limit: int
) -> list[Any]:
    params: dict[str, Any] = {"match": fts5_query(user_query), "limit": limit,
                              "open": _OPEN, "close": _CLOSE}
    # ORDER BY rank lets FTS5 hand rows over best first, so the LIMIT stops the scan and
    # snippet() runs only for the rows returned. rank is bm25 with the column weights
    # set by migration 0003 (title and subject count most).
    sql = f"""
        SELECT {_COLUMNS}, -f.rank AS score,
               snippet(question_fts, -1, :open, :close, '…', 24) AS snippet
          FROM question_fts f
          JOIN question q ON q.id = f.rowid
          LEFT JOIN person m ON m.id = q.minister_id
          LEFT JOIN person a ON a.id = q.asker_id
         WHERE question_fts MATCH :match{filters_sql(filters, params, sqlite=True)}
         ORDER BY f.rank
         LIMIT :limit"""
    return list(connection.execute(text(sql), params))


def _postgres_search(
    connection: Any, user_query: str, filters: SearchFilters, limit: int
) -> list[Any]:
    if not re.search(r"\w", user_query.replace("OR", "")):
        raise QueryError("nothing to search for: give at least one word")
    params: dict[str, Any] = {"query": user_query, "limit": limit}
    headline = (
        f'StartSel="{_OPEN}", StopSel="{_CLOSE}", MaxWords=24, MinWords=8, '
        'MaxFragments=2, FragmentDelimiter=" … "'
    )
    params["headline"] = headline
    # Rank and cut first; ts_headline (slow: it re-parses the text) only for the hits.
    sql = f"""
        WITH query AS (SELECT websearch_to_tsquery('dutch', :query) AS tsq),
        hits AS (
            SELECT q.id, ts_rank_cd(q.search_vector, query.tsq) AS score
              FROM question q
              CROSS JOIN query
              LEFT JOIN person m ON m.id = q.minister_id
             WHERE q.search_vector @@ query.tsq{filters_sql(filters, params, sqlite=False)}
             ORDER BY score DESC, q.id
             LIMIT :limit)
        SELECT {_COLUMNS}, hits.score AS score,
               ts_headline('dutch',
                   concat_ws(' … ', COALESCE(NULLIF(q.subject, ''), q.doc_subject),
                             q.question_text, q.answer_text),
                   query.tsq, :headline) AS snippet
          FROM hits
          JOIN question q ON q.id = hits.id
          CROSS JOIN query
          LEFT JOIN person m ON m.id = q.minister_id
          LEFT JOIN person a ON a.id = q.asker_id
         ORDER BY hits.score DESC, q.id"""
    return list(connection.execute(text(sql), params))


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _hit(row: Any, marks: tuple[str, str]) -> SearchHit:
    snippet = " ".join((row.snippet or "").split())
    snippet = snippet.replace(_OPEN, marks[0]).replace(_CLOSE, marks[1])
    return SearchHit(
        id=row.id,
        session_year=row.session_year,
        number=row.number,
        asked_on=_iso(row.asked_on),
        answered_on=_iso(row.answered_on),
        status=row.status,
        minister=row.minister,
        asker=row.asker,
        title=row.title,
        subject=row.subject,
        page_url=row.page_url,
        score=float(row.score),
        snippet=snippet,
    )
