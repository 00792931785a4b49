"""Watches, the events found for them, and what was delivered where.

Events are derived from the data's state, not from a log of what a crawl did: for each
watch, the (question, kind, version) facts the stored rows now imply, minus those already
stored, are inserted under the unique key (watch, question, kind, version). Deriving again
therefore finds nothing new, however often a crawl is repeated, interrupted or overlaps
an earlier one. Kinds:

- `asked`: a matching question is stored;
- `answered`: it has its answer (status `answered` or `answered_late`);
- `overdue`: it is unanswered past its deadline (`due_on` before today);
- `changed`: its answer document's bytes (sha256) differ from the first answer seen.

A watch starts from the state at its creation: what is already true then is stored as
its *baseline* (never delivered) unless it was made with backfill. A database's first
crawls (before any run succeeded) likewise set baselines rather than flood anyone.

Functions over a Store (one transaction each); storage knows nothing of the channels.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Date,
    Integer,
    and_,
    bindparam,
    delete,
    exists,
    func,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection

from storage.models import (
    CrawlRun,
    Document,
    Question,
    QuestionDocument,
    UTCDateTime,
    Watch,
    WatchDelivery,
    WatchEvent,
)
from storage.query import QueryError
from storage.search import match_sql
from storage.upsert import dialect_insert

if TYPE_CHECKING:
    from storage.repository import Store

EVENT_KINDS = ("asked", "answered", "overdue", "changed")
WATCH_KINDS = ("search", "question", "overdue")
DEFAULT_EVENTS = {
    "search": ("asked", "answered"),
    "question": ("answered", "changed"),
    "overdue": ("overdue",),
}
ANSWERED = ("answered", "answered_late")
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# Names the feeds use for themselves (`schv feed all-answers`).
RESERVED_NAMES = frozenset({"all-answers"})

# A row stamped just before the newest write a derivation saw may have been committed
# just after it looked (the crawl lock keeps writers apart, but a stamp and its commit are
# not one instant): look that much further back.
_SLACK = dt.timedelta(minutes=2)
# Events inserted at once after which PostgreSQL's statistics are refreshed.
_ANALYZE_AFTER = 5000
# Changed questions from which the statistics are refreshed before matching them.
_MANY = 1000

_EVENT = WatchEvent.__table__
_DELIVERY = WatchDelivery.__table__
_WATCH = Watch.__table__


class WatchError(ValueError):
    """A watch that cannot be made or found, worded for the user."""


@dataclass(frozen=True)
class WatchSpec:
    name: str
    kind: str
    events: tuple[str, ...]
    search: str | None = None
    theme: str | None = None
    minister: str | None = None
    asker: str | None = None
    question_id: int | None = None
    webhook_url: str | None = None
    email: tuple[str, ...] = ()
    backfill: bool = False

    def describe(self) -> str:
        """What it follows, in one line."""
        parts = []
        if self.kind == "question":
            parts.append(f"question {self.question_id}")
        elif self.kind == "overdue":
            parts.append("overdue questions")
        if self.search:
            parts.append(f"search {self.search!r}")
        for label in ("theme", "minister", "asker"):
            value = getattr(self, label)
            if value:
                parts.append(f"{label} {value!r}")
        return ", ".join(parts) or "every question"


@dataclass(frozen=True)
class WatchRow(WatchSpec):
    id: int = 0
    created_at: dt.datetime | None = None
    checked_at: dt.datetime | None = None
    seen_until: dt.datetime | None = None

    def channels(self) -> tuple[str, ...]:
        """Where its events go: the feed always, then what it was given."""
        return ("feed",) + (("webhook",) if self.webhook_url else ()) + (
            ("email",) if self.email else ()
        )


@dataclass(frozen=True)
class QuestionFacts:
    """What a reader of a feed, payload or e-mail needs about a question."""

    question_id: int
    session_year: str | None
    number: int | None
    title: str | None
    subject: str | None
    status: str
    asked_on: dt.date | None
    answered_on: dt.date | None
    due_on: dt.date | None
    minister: str | None
    asker: str | None
    themes: str | None
    page_url: str | None
    document_url: str | None


# The columns of QuestionFacts, from written_questions `wq` and question `q`.
_FACT_COLUMNS = """wq.id AS question_id, wq.session_year, wq.number, wq.title, wq.subject,
    wq.status, wq.asked_on, wq.answered_on, q.due_on, wq.minister, wq.asker, wq.themes,
    wq.page_url, wq.document_url"""


def _facts(row: Any) -> dict[str, Any]:
    """QuestionFacts' fields from a row with _FACT_COLUMNS (SQLite gives dates as text)."""
    return {
        name: _date(getattr(row, name)) if name in ("asked_on", "answered_on", "due_on")
        else getattr(row, name)
        for name in QuestionFacts.__dataclass_fields__
    }


@dataclass(frozen=True)
class EventRow(QuestionFacts):
    """An event with its question's facts."""

    id: int
    watch_id: int
    watch: str
    kind: str
    version: str
    detected_at: dt.datetime

    @property
    def key(self) -> str:
        """The event's natural key: the same in every run, feed and payload."""
        base = f"watch:{self.watch_id}:question:{self.question_id}:{self.kind}"
        return f"{base}:{self.version}" if self.version else base


@dataclass
class Derived:
    """What one derivation stored."""

    new: int = 0
    baseline: int = 0


# -- managing watches --------------------------------------------------------------------


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(part for part in (value or "").split(",") if part)


def _watch_row(row: Any) -> WatchRow:
    return WatchRow(
        id=row.id, name=row.name, kind=row.kind, events=_split(row.events),
        search=row.search, theme=row.theme, minister=row.minister, asker=row.asker,
        question_id=row.question_id, webhook_url=row.webhook_url, email=_split(row.email),
        backfill=bool(row.backfill), created_at=row.created_at, checked_at=row.checked_at,
        seen_until=row.seen_until,
    )


def check_spec(spec: WatchSpec) -> None:
    """Raise WatchError when `spec` cannot be a watch."""
    if not NAME_PATTERN.match(spec.name) or spec.name in RESERVED_NAMES:
        raise WatchError(
            f"invalid watch name {spec.name!r}: letters, digits, '.', '_' and '-', up to 64, "
            f"starting with a letter or digit; not {', '.join(sorted(RESERVED_NAMES))}"
        )
    if spec.kind not in WATCH_KINDS:
        raise WatchError(f"unknown watch kind {spec.kind!r}")
    unknown = [kind for kind in spec.events if kind not in EVENT_KINDS]
    if unknown or not spec.events:
        raise WatchError(f"events must be some of {', '.join(EVENT_KINDS)}, got {unknown}")
    if spec.kind == "question" and spec.question_id is None:
        raise WatchError("a question watch needs the question")
    if spec.kind == "overdue" and not (spec.theme or spec.minister):
        raise WatchError("an overdue watch needs --minister or --theme")
    if spec.kind == "search" and not (spec.search or spec.theme or spec.minister or spec.asker):
        raise WatchError("a search watch needs --search WORDS or a filter")


def add_watch(store: Store, spec: WatchSpec, now: dt.datetime) -> tuple[WatchRow, int]:
    """Store a new watch and what is already true for it: as its silent baseline, or,
    with backfill, as events to deliver. Returns the watch and how many events it has."""
    check_spec(spec)
    with store._write() as connection:
        if connection.execute(select(Watch.id).where(Watch.name == spec.name)).first():
            raise WatchError(f"a watch named {spec.name!r} exists already")
        watch_id = connection.execute(
            _WATCH.insert().values(
                name=spec.name, kind=spec.kind, events=",".join(spec.events),
                search=spec.search, theme=spec.theme, minister=spec.minister,
                asker=spec.asker, question_id=spec.question_id,
                webhook_url=spec.webhook_url, email=",".join(spec.email) or None,
                backfill=spec.backfill, created_at=now, checked_at=None,
            )
        ).inserted_primary_key[0]
        watch = _load(connection, int(watch_id))
        mark = _high_water(connection)
        _refresh_statistics(connection)
        try:
            news, quiet = _derive(connection, [watch], None, now, run_id=None,
                                  quiet={watch.id} if not spec.backfill else set())
        except QueryError as exc:
            raise WatchError(f"--search: {exc}") from None
        _mark_checked(connection, [watch.id], now, mark)
        _analyze(connection, news + quiet)
    return _load_by_name(store, spec.name) or watch, news + quiet


def _load(connection: Connection, watch_id: int) -> WatchRow:
    return _watch_row(connection.execute(select(_WATCH).where(Watch.id == watch_id)).one())


def _load_by_name(store: Store, name: str) -> WatchRow | None:
    with store._read() as connection:
        row = connection.execute(select(_WATCH).where(Watch.name == name)).first()
    return _watch_row(row) if row is not None else None


def get_watch(store: Store, name: str) -> WatchRow:
    watch = _load_by_name(store, name)
    if watch is None:
        raise WatchError(f"no watch named {name!r} (schv watch list shows them)")
    return watch


def list_watches(store: Store) -> list[WatchRow]:
    with store._read() as connection:
        rows = connection.execute(select(_WATCH).order_by(Watch.name)).all()
    return [_watch_row(row) for row in rows]


def remove_watch(store: Store, name: str) -> None:
    with store._write() as connection:
        # The events and deliveries go too (ON DELETE CASCADE); said explicitly because
        # SQLite enforces foreign keys only per connection (storage.db turns them on).
        ids = select(WatchEvent.id).join(Watch, Watch.id == WatchEvent.watch_id).where(
            Watch.name == name
        )
        connection.execute(delete(_DELIVERY).where(WatchDelivery.event_id.in_(ids)))
        connection.execute(delete(_EVENT).where(WatchEvent.watch_id.in_(
            select(Watch.id).where(Watch.name == name))))
        if connection.execute(delete(_WATCH).where(Watch.name == name)).rowcount == 0:
            raise WatchError(f"no watch named {name!r} (schv watch list shows them)")


_REFERENCE = re.compile(r"^(\d{4}-\d{4})/(\d+)$")


def resolve_question(store: Store, reference: str) -> int:
    """A schv id, or `SESSION/NUMBER` such as `2023-2024/407` (which must be stored, and
    be one question: a number repeats across ministers)."""
    reference = reference.strip()
    if reference.isdigit():
        return int(reference)
    match = _REFERENCE.match(reference)
    if not match:
        raise WatchError(
            f"--question {reference!r}: expected a schv id or SESSION/NUMBER like 2023-2024/407"
        )
    with store._read() as connection:
        rows = connection.execute(
            text("SELECT q.id, p.full_name FROM question q LEFT JOIN person p "
                 "ON p.id = q.minister_id WHERE q.session_year = :s AND q.number = :n "
                 "ORDER BY q.id"),
            {"s": match.group(1), "n": int(match.group(2))},
        ).all()
    if not rows:
        raise WatchError(
            f"no stored question {reference} (give its schv id to watch it before it is stored)"
        )
    if len(rows) > 1:
        choices = ", ".join(f"{row[0]} ({row[1] or 'no minister'})" for row in rows)
        raise WatchError(f"{reference} is {len(rows)} questions; give one schv id: {choices}")
    return int(rows[0][0])


# -- deriving events ---------------------------------------------------------------------


def derive_events(store: Store, now: dt.datetime, *, run_id: int | None = None) -> Derived:
    """Store every new event of every watch in one transaction; see the module docstring.

    `run_id` is the crawl that just ended: while no run before it has succeeded, the
    database is still being filled and what is found becomes baseline, not news.
    """
    derived = Derived()
    with store._write() as connection:
        watches = [_watch_row(row) for row in connection.execute(select(_WATCH)).all()]
        if not watches:
            return derived
        filling = not _has_succeeded_before(connection, run_id)
        quiet = {w.id for w in watches if filling and not w.backfill}
        mark = _high_water(connection)
        # Watches derived before look only at what changed since; the others at all.
        known = [w for w in watches if w.seen_until is not None and w.checked_at is not None]
        fresh = [w for w in watches if w not in known]
        if known:
            touched = _touched(
                connection,
                min(w.seen_until for w in known) - _SLACK,  # type: ignore[operator, type-var]
                min(w.checked_at for w in known).date(),  # type: ignore[type-var, union-attr]
                now.date(),
            )
            if len(touched) > _MANY:
                _refresh_statistics(connection)
            if touched:
                news, silent = _derive(connection, known, touched, now, run_id, quiet)
                derived.new += news
                derived.baseline += silent
        if fresh:
            _refresh_statistics(connection)
            news, silent = _derive(connection, fresh, None, now, run_id, quiet)
            derived.new += news
            derived.baseline += silent
        _mark_checked(connection, [w.id for w in watches], now, mark)
        _analyze(connection, derived.new + derived.baseline)
    return derived


def _analyze(connection: Connection, inserted: int) -> None:
    """PostgreSQL: fresh statistics after a bulk insert (a watch's baseline can be tens of
    thousands of events), so the next derivation does not plan for an empty table."""
    if connection.dialect.name == "postgresql" and inserted >= _ANALYZE_AFTER:
        connection.exec_driver_sql("ANALYZE watch_event")


def _refresh_statistics(connection: Connection) -> None:
    """PostgreSQL, before matching many questions at once: statistics of the tables as
    they are now. A first crawl fills them faster than autovacuum looks, and a plan made
    for empty tables loops over them (measured: minutes instead of seconds)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            "ANALYZE question, question_theme, question_document, document, watch_event"
        )


def _has_succeeded_before(connection: Connection, run_id: int | None) -> bool:
    condition = CrawlRun.status.in_(["ok", "degraded"])
    if run_id is not None:
        condition = and_(condition, CrawlRun.id < run_id)
    return connection.execute(select(exists().where(condition))).scalar_one()


def _mark_checked(
    connection: Connection, watch_ids: list[int], now: dt.datetime, mark: dt.datetime | None
) -> None:
    connection.execute(
        update(_WATCH).where(Watch.id.in_(watch_ids)).values(checked_at=now, seen_until=mark)
    )


def _high_water(connection: Connection) -> dt.datetime | None:
    """The newest write a derivation can see. Written rows are compared with this, not
    with the clock of the derivation: only the writers' own timestamps are compared."""
    newest = [
        connection.execute(select(func.max(column))).scalar_one()
        for column in (Question.__table__.c.updated_at, Document.__table__.c.fetched_at)
    ]
    values = [_utc(value) for value in newest if value is not None]
    return max(values) if values else None  # type: ignore[type-var]


def _touched(
    connection: Connection, since: dt.datetime, since_day: dt.date, today: dt.date
) -> set[int]:
    """Questions whose events may have changed: rows written or documents fetched since
    `since`, deadlines passed since `since_day`."""
    q = Question.__table__
    written = select(q.c.id).where(q.c.updated_at >= since)
    fetched = (
        select(QuestionDocument.question_id)
        .join(Document, Document.pfile_id == QuestionDocument.pfile_id)
        .where(QuestionDocument.position == 0, Document.fetched_at >= since)
    )
    # One day more: a deadline is a date, a check a moment of it.
    due = select(q.c.id).where(
        q.c.status == "asked",
        q.c.due_on >= since_day - dt.timedelta(days=1),
        q.c.due_on < today,
    )
    return set(connection.execute(written.union(fetched, due)).scalars())


# -- matching: the full-text part ----------------------------------------------------------


def _searched(
    connection: Connection, watches: Sequence[WatchRow], touched: set[int] | None
) -> list[tuple[int, int]]:
    """(watch, question) for every search watch and every question (among `touched`)
    its words match. The rest of the matching is one SQL statement (_derive)."""
    searching = [w for w in watches if w.search]
    if not searching:
        return []
    if connection.dialect.name == "sqlite":
        return _searched_sqlite(connection, searching, touched)
    if touched is None:
        return [(w.id, qid) for w in searching for qid in _index_matches(connection, w)]
    # A few changed rows against many searches: each row's tsvector is read and
    # decompressed once (the MATERIALIZED copy), not once per search.
    params: dict[str, Any] = {"touched": sorted(touched), "watches": [w.id for w in searching]}
    for w in searching:
        match_sql(w.search or "", {}, sqlite=False)  # the same checks as `schv search`
    rows = connection.execute(text(
        "WITH t AS MATERIALIZED (SELECT id, search_vector || ''::tsvector AS v FROM question "
        "  WHERE id IN (SELECT unnest(CAST(:touched AS integer[])))), "
        "s AS MATERIALIZED (SELECT id, websearch_to_tsquery('dutch', search) AS tsq "
        "  FROM watch WHERE id IN (SELECT unnest(CAST(:watches AS integer[])))) "
        "SELECT s.id, t.id FROM t JOIN s ON t.v @@ s.tsq"), params).all()
    return [(row[0], row[1]) for row in rows]


def _searched_sqlite(
    connection: Connection, searching: Sequence[WatchRow], touched: set[int] | None
) -> list[tuple[int, int]]:
    # FTS5 reads a term's whole list of rows in well under a millisecond; given the
    # touched rows as a constraint instead, it looks each one up (measured: 30x slower),
    # hence the MATERIALIZED list of matches, intersected after.
    sql = "SELECT rowid FROM question_fts WHERE question_fts MATCH :match"
    params: dict[str, Any] = {}
    if touched is not None:
        sql = (f"WITH found AS MATERIALIZED ({sql}) SELECT rowid FROM found "
               "WHERE rowid IN (SELECT value FROM json_each(:touched))")
        params["touched"] = json.dumps(sorted(touched))
    pairs = []
    found: dict[str, list[int]] = {}
    for watch in searching:
        query = watch.search or ""
        if query not in found:
            match_sql(query, params, sqlite=True)
            found[query] = sorted(connection.execute(text(sql), params).scalars())
        pairs += [(watch.id, qid) for qid in found[query]]
    return pairs


def _index_matches(connection: Connection, watch: WatchRow) -> list[int]:
    """PostgreSQL, every question: the matches of one search from the GIN index alone.

    Left to itself the planner scans the table and tests `@@` row by row, pricing that by
    rows, not by the stored tsvectors it must read and decompress for each: measured on
    10,000 questions, 260 ms against 10 ms from the index for a word in half of them. The
    settings end with this statement."""
    params: dict[str, Any] = {}
    condition = match_sql(watch.search or "", params, sqlite=False)
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    connection.exec_driver_sql("SET LOCAL enable_indexscan = off")
    try:
        return list(connection.execute(
            text(f"SELECT q.id FROM question q WHERE {condition}"), params).scalars())
    finally:
        connection.exec_driver_sql("SET LOCAL enable_seqscan TO DEFAULT")
        connection.exec_driver_sql("SET LOCAL enable_indexscan TO DEFAULT")


# -- matching: one statement for all watches ----------------------------------------------

# The candidates: (watch, question) pairs, from the searches' matches, a question
# watch's question, or for a watch with filters only the (touched) questions its first
# filter selects; then all the filters, each resolved once per watch (which persons,
# which themes), not per row. The filters are uncorrelated IN lists, which both
# databases build once: a correlated EXISTS under OR is run again for every row by
# PostgreSQL (measured: minutes, not seconds, for 200 watches over 10,000 questions).
# {pairs} is a dialect-specific row source, {touched*} conditions on the (touched)
# questions.
_CANDIDATES = """
scope AS MATERIALIZED (
    SELECT id, events, search, theme, minister, asker, question_id FROM watch
     WHERE id IN ({watch_ids})),
ministers AS MATERIALIZED (
    SELECT s.id AS watch_id, p.id AS person_id
      FROM scope s JOIN person p ON lower(p.full_name) LIKE {like_minister} ESCAPE '!'
     WHERE s.minister IS NOT NULL),
askers AS MATERIALIZED (
    SELECT s.id AS watch_id, p.id AS person_id
      FROM scope s JOIN person p ON lower(p.full_name) LIKE {like_asker} ESCAPE '!'
     WHERE s.asker IS NOT NULL),
themes AS MATERIALIZED (
    SELECT s.id AS watch_id, t.id AS theme_id
      FROM scope s JOIN theme t ON lower(t.name) = lower(s.theme)
     WHERE s.theme IS NOT NULL),
searched AS MATERIALIZED ({pairs}),
candidate AS (
    SELECT f.watch_id AS watch_id, f.question_id AS question_id
      FROM searched f
    UNION ALL
    SELECT s.id, s.question_id
      FROM scope s
     WHERE s.search IS NULL AND s.question_id IS NOT NULL AND {touched_watch}
    UNION ALL
    SELECT s.id, q.id
      FROM scope s
      JOIN ministers wm ON wm.watch_id = s.id
      JOIN question q ON q.minister_id = wm.person_id
     WHERE s.search IS NULL AND s.question_id IS NULL AND {touched}
    UNION ALL
    SELECT s.id, qt.question_id
      FROM scope s
      JOIN themes wt ON wt.watch_id = s.id
      JOIN question_theme qt ON qt.theme_id = wt.theme_id
     WHERE s.search IS NULL AND s.question_id IS NULL AND s.minister IS NULL
       AND {touched_theme}
    UNION ALL
    SELECT s.id, q.id
      FROM scope s
      JOIN askers wa ON wa.watch_id = s.id
      JOIN question q ON q.asker_id = wa.person_id
     WHERE s.search IS NULL AND s.question_id IS NULL AND s.minister IS NULL
       AND s.theme IS NULL AND {touched}
    UNION ALL
    SELECT s.id, q.id
      FROM scope s CROSS JOIN question q
     WHERE s.search IS NULL AND s.question_id IS NULL AND s.minister IS NULL
       AND s.theme IS NULL AND s.asker IS NULL AND {touched}),
matched AS MATERIALIZED (
    SELECT c.watch_id, s.events, q.id AS question_id, q.status, q.due_on,
           q.answer_text IS NOT NULL AS has_answer
      FROM candidate c
      JOIN scope s ON s.id = c.watch_id
      JOIN question q ON q.id = c.question_id
     WHERE (s.question_id IS NULL OR s.question_id = q.id)
       AND (s.theme IS NULL OR (s.id, q.id) IN (
            SELECT wt.watch_id, qt.question_id
              FROM themes wt JOIN question_theme qt ON qt.theme_id = wt.theme_id))
       AND (s.minister IS NULL OR (s.id, q.minister_id) IN (
            SELECT watch_id, person_id FROM ministers))
       AND (s.asker IS NULL OR (s.id, q.asker_id) IN (
            SELECT watch_id, person_id FROM askers)))
"""

# A filter value as a LIKE pattern for "contains, case-insensitively" (schv search's
# --minister): its own % and _ escaped with !.
_LIKE = "'%' || replace(replace(replace(lower({column}), '!', '!!'), '%', '!%'), '_', '!_') || '%'"

_KINDS = ("SELECT 'asked' AS kind UNION ALL SELECT 'answered' UNION ALL SELECT 'overdue' "
          "UNION ALL SELECT 'changed'")

# Events already stored are left out by ON CONFLICT on their unique key, an index probe
# either way: an anti-join instead is planned from statistics, and PostgreSQL, believing
# the table empty after a first crawl, scans it for every row (quadratic).
_INSERT = """,
prior_changed AS MATERIALIZED (
    SELECT watch_id, question_id FROM watch_event
     WHERE kind = 'changed' AND watch_id IN ({watch_ids})
     GROUP BY watch_id, question_id)
INSERT INTO watch_event (watch_id, question_id, kind, version, baseline, detected_at, run_id)
SELECT m.watch_id, m.question_id, k.kind,
       CASE WHEN k.kind = 'changed' THEN doc.sha256 ELSE '' END,
       -- The first answer document seen is where `changed` starts counting, not a change.
       {quiet} OR (k.kind = 'changed' AND prior.watch_id IS NULL),
       :now, :run_id
  FROM matched m
  JOIN ({kinds}) k ON ',' || m.events || ',' LIKE '%,' || k.kind || ',%'
  LEFT JOIN question_document main
         ON main.question_id = m.question_id AND main.position = 0 AND k.kind = 'changed'
  LEFT JOIN document doc ON doc.pfile_id = main.pfile_id
  LEFT JOIN prior_changed prior
         ON prior.watch_id = m.watch_id AND prior.question_id = m.question_id
 WHERE k.kind = 'asked'
    OR (k.kind = 'answered' AND m.status IN ('answered', 'answered_late'))
    OR (k.kind = 'overdue' AND m.status = 'asked' AND m.due_on < :today)
    OR (k.kind = 'changed' AND m.status IN ('answered', 'answered_late')
        AND m.has_answer AND doc.sha256 IS NOT NULL)
ON CONFLICT DO NOTHING
RETURNING baseline
"""


def _derive(
    connection: Connection,
    watches: Sequence[WatchRow],
    touched: set[int] | None,
    now: dt.datetime,
    run_id: int | None,
    quiet: set[int],
) -> tuple[int, int]:
    """Insert the new events of `watches`, looking at `touched` questions only (None:
    all), in one INSERT ... SELECT; events of `quiet` watches become baseline. Returns
    how many are news and how many baseline."""
    sqlite = connection.dialect.name == "sqlite"
    pairs = _searched(connection, watches, touched)
    params: dict[str, Any] = {"now": now, "run_id": run_id, "today": now.date()}
    if sqlite:
        params["pairs"] = json.dumps(pairs)
        pair_source = ("SELECT json_extract(value, '$[0]') AS watch_id, "
                       "json_extract(value, '$[1]') AS question_id FROM json_each(:pairs)")
        ids_of = "SELECT value FROM json_each(:touched)"
        params["touched"] = json.dumps(sorted(touched or ()))
    else:
        params["pair_watches"] = [p[0] for p in pairs]
        params["pair_questions"] = [p[1] for p in pairs]
        pair_source = ("SELECT * FROM unnest(CAST(:pair_watches AS integer[]), "
                       "CAST(:pair_questions AS integer[])) AS p(watch_id, question_id)")
        ids_of = "SELECT unnest(CAST(:touched AS integer[]))"
        params["touched"] = sorted(touched or ())
    watch_ids = ", ".join(str(int(w.id)) for w in watches)
    quiet_ids = ", ".join(str(int(i)) for i in sorted(quiet))
    sql = "WITH " + _CANDIDATES.format(
        watch_ids=watch_ids, pairs=pair_source,
        touched="1 = 1" if touched is None else f"q.id IN ({ids_of})",
        touched_watch="1 = 1" if touched is None else f"s.question_id IN ({ids_of})",
        touched_theme="1 = 1" if touched is None else f"qt.question_id IN ({ids_of})",
        like_minister=_LIKE.format(column="s.minister"),
        like_asker=_LIKE.format(column="s.asker"),
    ) + _INSERT.format(
        watch_ids=watch_ids, kinds=_KINDS,
        quiet=f"m.watch_id IN ({quiet_ids})" if quiet_ids else "1 = 0",
    )
    statement = text(sql).bindparams(
        bindparam("now", type_=UTCDateTime()), bindparam("today", type_=Date()),
        bindparam("run_id", type_=Integer()),
    )
    flags = [bool(flag) for flag in connection.execute(statement, params).scalars()]
    return flags.count(False), flags.count(True)


# -- reading events, recording deliveries --------------------------------------------------

_EVENT_COLUMNS = f"""e.id, e.watch_id, w.name AS watch, e.kind, e.version, e.detected_at,
    {_FACT_COLUMNS}"""

# {events}: the events wanted, chosen (and cut) before the view's per-row work.
_EVENT_FROM = """FROM ({events}) e
    JOIN watch w ON w.id = e.watch_id
    JOIN written_questions wq ON wq.id = e.question_id
    JOIN question q ON q.id = e.question_id"""


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _event_rows(connection: Connection, where: str, params: dict[str, Any],
                order: str, *, events: str | None = None) -> list[EventRow]:
    events = events or f"SELECT * FROM watch_event e WHERE {where}"
    sql = f"SELECT {_EVENT_COLUMNS} {_EVENT_FROM.format(events=events)} ORDER BY {order}"
    statement = text(sql).columns(detected_at=UTCDateTime())
    rows = connection.execute(statement, params).all()
    return [
        EventRow(id=row.id, watch_id=row.watch_id, watch=row.watch, kind=row.kind,
                 version=row.version or "", detected_at=row.detected_at, **_facts(row))
        for row in rows
    ]


def recent_events(store: Store, watch_id: int, limit: int) -> list[EventRow]:
    """The watch's newest delivered-or-deliverable events (no baseline), newest first."""
    return recent_events_of(store, [watch_id], limit).get(watch_id, [])


def recent_events_of(
    store: Store, watch_ids: Sequence[int], limit: int
) -> dict[int, list[EventRow]]:
    """recent_events for several watches in one query (the feeds after a crawl)."""
    if not watch_ids:
        return {}
    ranked = (
        "SELECT * FROM (SELECT e.*, row_number() OVER (PARTITION BY e.watch_id "
        "ORDER BY e.detected_at DESC, e.id DESC) AS nth FROM watch_event e "
        f"WHERE e.watch_id IN ({', '.join(str(int(i)) for i in watch_ids)}) "
        f"AND NOT e.baseline) ranked WHERE nth <= {int(limit)}"
    )
    found: dict[int, list[EventRow]] = {}
    with store._read() as connection:
        for event in _event_rows(connection, "", {}, "e.watch_id, e.detected_at DESC, e.id DESC",
                                 events=ranked):
            found.setdefault(event.watch_id, []).append(event)
    return found


_UNDELIVERED = ("NOT e.baseline AND NOT EXISTS (SELECT 1 FROM watch_delivery d "
                "WHERE d.event_id = e.id AND d.channel = :c AND d.status = 'delivered')")


def pending_events(store: Store, watch_id: int, channel: str) -> list[EventRow]:
    """Events of the watch not yet delivered on `channel`, oldest first."""
    with store._read() as connection:
        return _event_rows(connection, f"e.watch_id = :w AND {_UNDELIVERED}",
                           {"w": watch_id, "c": channel}, "e.id")


def pending_ids(store: Store, channel: str) -> dict[int, list[int]]:
    """Per watch, its events not yet delivered on `channel`, oldest first."""
    found: dict[int, list[int]] = {}
    with store._read() as connection:
        rows = connection.execute(text(
            f"SELECT e.watch_id, e.id FROM watch_event e WHERE {_UNDELIVERED} ORDER BY e.id"
        ), {"c": channel}).all()
    for watch_id, event_id in rows:
        found.setdefault(watch_id, []).append(event_id)
    return found


def record_deliveries(
    store: Store, event_ids: Sequence[int], channel: str, now: dt.datetime,
    error: str | None = None, *, attempted: bool = True,
) -> None:
    """Record that the events were delivered on `channel` (error None), or why not.
    `attempted` False: not tried at all this time (the attempt count stays)."""
    if not event_ids:
        return
    status = "delivered" if error is None else "failed"
    rows = [
        {"event_id": event_id, "channel": channel, "status": status,
         "attempts": 1 if attempted else 0, "last_error": error, "last_attempt_at": now,
         "delivered_at": now if error is None else None}
        for event_id in sorted(set(event_ids))
    ]
    with store._write() as connection:
        statement = dialect_insert(connection, _DELIVERY).values(rows)
        excluded = statement.excluded
        connection.execute(statement.on_conflict_do_update(
            index_elements=["event_id", "channel"],
            set_={
                "status": excluded.status,
                "attempts": _DELIVERY.c.attempts + (1 if attempted else 0),
                "last_error": excluded.last_error,
                "last_attempt_at": excluded.last_attempt_at,
                "delivered_at": excluded.delivered_at,
            },
            # Delivered stays delivered, whatever a later attempt says.
            where=_DELIVERY.c.status != "delivered",
        ))


@dataclass(frozen=True)
class FailingChannel:
    watch: str
    channel: str
    events: int
    attempts: int
    last_error: str | None
    last_attempt_at: dt.datetime | None


def delivery_overview(store: Store) -> tuple[dict[str, int], list[FailingChannel]]:
    """For `schv status`: counts (watches, events, delivered, failed), and the channels
    with deliveries waiting for a retry."""
    with store._read() as connection:
        totals = connection.execute(select(
            select(func.count()).select_from(_WATCH).scalar_subquery(),
            select(func.count()).select_from(_EVENT)
            .where(WatchEvent.baseline.is_(False)).scalar_subquery(),
            select(func.count()).select_from(_DELIVERY)
            .where(WatchDelivery.status == "delivered").scalar_subquery(),
            select(func.count()).select_from(_DELIVERY)
            .where(WatchDelivery.status == "failed").scalar_subquery(),
        )).one()
        rows = connection.execute(
            select(Watch.name, WatchDelivery.channel, func.count(),
                   func.max(WatchDelivery.attempts), func.max(WatchDelivery.last_attempt_at))
            .select_from(_DELIVERY)
            .join(_EVENT, WatchEvent.id == WatchDelivery.event_id)
            .join(_WATCH, Watch.id == WatchEvent.watch_id)
            .where(WatchDelivery.status == "failed")
            .group_by(Watch.name, WatchDelivery.channel)
            .order_by(Watch.name, WatchDelivery.channel)
        ).all()
        failing = []
        for name, channel, count, attempts, last in rows:
            error = connection.execute(
                select(WatchDelivery.last_error)
                .join(_EVENT, WatchEvent.id == WatchDelivery.event_id)
                .join(_WATCH, Watch.id == WatchEvent.watch_id)
                .where(Watch.name == name, WatchDelivery.channel == channel,
                       WatchDelivery.status == "failed")
                .order_by(WatchDelivery.last_attempt_at.desc(), WatchDelivery.event_id.desc())
                .limit(1)
            ).scalar_one_or_none()
            failing.append(FailingChannel(name, channel, int(count), int(attempts or 0),
                                          error, _utc(last)))
    counts = {"watches": totals[0], "events": totals[1], "delivered": totals[2],
              "failed": totals[3]}
    return counts, failing


def _utc(value: Any) -> dt.datetime | None:
    # max() of a timestamp comes back untyped (text) from SQLite.
    if value is None or isinstance(value, dt.datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=dt.UTC)
    parsed = dt.datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def watch_counts(store: Store) -> dict[int, dict[str, int]]:
    """Per watch id: events (not baseline), and deliveries delivered / failed."""
    with store._read() as connection:
        events = connection.execute(
            select(WatchEvent.watch_id, func.count())
            .where(WatchEvent.baseline.is_(False)).group_by(WatchEvent.watch_id)
        ).all()
        deliveries = connection.execute(
            select(WatchEvent.watch_id, WatchDelivery.status, func.count())
            .join(_EVENT, WatchEvent.id == WatchDelivery.event_id)
            .group_by(WatchEvent.watch_id, WatchDelivery.status)
        ).all()
    counts: dict[int, dict[str, int]] = {}
    for watch_id, count in events:
        counts.setdefault(watch_id, {})["events"] = int(count)
    for watch_id, status, count in deliveries:
        counts.setdefault(watch_id, {})[status] = int(count)
    return counts


def latest_answers(store: Store, limit: int) -> list[QuestionFacts]:
    """The newest answers, for the "all new answers" feed."""
    with store._read() as connection:
        rows = connection.execute(text(
            f"SELECT {_FACT_COLUMNS} FROM written_questions wq JOIN question q "
            "ON q.id = wq.id WHERE wq.status IN ('answered', 'answered_late') "
            "AND wq.answered_on IS NOT NULL "
            "ORDER BY wq.answered_on DESC, wq.id DESC LIMIT :limit"), {"limit": limit}).all()
    return [QuestionFacts(**_facts(row)) for row in rows]
