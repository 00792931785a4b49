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
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Boolean,
    Integer,
    String,
    and_,
    case,
    delete,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    union_all,
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
from storage.search import SearchFilters, filters_sql, match_sql
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
CHANNELS = ("feed", "webhook", "email")
ANSWERED = ("answered", "answered_late")
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# Names the feeds use for themselves (`schv feed all-answers`).
RESERVED_NAMES = frozenset({"all-answers"})

# A row stamped just before the newest write a derivation saw may have been committed
# just after it looked (the crawl lock keeps writers apart, but a stamp and its commit are
# not one instant): look that much further back.
_SLACK = dt.timedelta(minutes=2)
# Past this many changed questions, matching everything is as cheap as a long id list.
_TOUCHED_LIMIT = 2000

_Q = Question.__table__.alias("q")
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
class EventRow:
    """An event with what a reader needs about its question."""

    id: int
    watch_id: int
    watch: str
    kind: str
    version: str
    detected_at: dt.datetime
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

    @property
    def key(self) -> str:
        """Stable across runs and databases copies: the event's natural key."""
        base = f"watch:{self.watch_id}:question:{self.question_id}:{self.kind}"
        return f"{base}:{self.version}" if self.version else base


@dataclass
class Derived:
    """What one derivation stored."""

    new: int = 0
    baseline: int = 0
    per_watch: dict[str, int] = field(default_factory=dict)


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
        try:
            news, quiet = _derive_one(connection, watch, None, now, run_id=None,
                                      baseline=not spec.backfill)
        except QueryError as exc:
            raise WatchError(f"--search: {exc}") from None
        _mark_checked(connection, watch.id, now, mark)
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
        mark = _high_water(connection)
        known = [w for w in watches if w.seen_until is not None and w.checked_at is not None]
        touched = _touched(
            connection,
            min(w.seen_until for w in known) - _SLACK,  # type: ignore[type-var]
            min(w.checked_at for w in known).date(),  # type: ignore[type-var, union-attr]
            now.date(),
        ) if known else None
        for watch in watches:
            restrict = touched if watch in known else None
            news = quiet = 0
            if restrict is None or restrict:
                news, quiet = _derive_one(connection, watch, restrict, now, run_id=run_id,
                                          baseline=filling and not watch.backfill)
            _mark_checked(connection, watch.id, now, mark)
            derived.new += news
            derived.baseline += quiet
            derived.per_watch[watch.name] = news
    return derived


def _has_succeeded_before(connection: Connection, run_id: int | None) -> bool:
    condition = CrawlRun.status.in_(["ok", "degraded"])
    if run_id is not None:
        condition = and_(condition, CrawlRun.id < run_id)
    return connection.execute(select(exists().where(condition))).scalar_one()


def _mark_checked(
    connection: Connection, watch_id: int, now: dt.datetime, mark: dt.datetime | None
) -> None:
    connection.execute(
        update(_WATCH).where(Watch.id == watch_id).values(checked_at=now, seen_until=mark)
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
) -> set[int] | None:
    """Questions whose events may have changed: rows written or documents fetched since
    `since`, deadlines passed since `since_day`. None when so many that matching
    everything is cheaper."""
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
    ids = set(connection.execute(written.union(fetched, due).limit(_TOUCHED_LIMIT + 1))
              .scalars())
    return None if len(ids) > _TOUCHED_LIMIT else ids


def _matched(connection: Connection, watch: WatchSpec, restrict: set[int] | None) -> Any:
    """The questions `watch` follows, as a subquery (id, status, answer_text, due_on)."""
    sqlite = connection.dialect.name == "sqlite"
    params: dict[str, Any] = {}
    clause = "1 = 1"
    if watch.search:
        clause = match_sql(watch.search, params, sqlite)
    clause += filters_sql(
        SearchFilters(theme=watch.theme, minister=watch.minister, asker=watch.asker),
        params, sqlite,
    )
    query = select(_Q.c.id, _Q.c.status, _Q.c.answer_text, _Q.c.due_on).where(
        text(clause).bindparams(**params)
    )
    if watch.question_id is not None:
        query = query.where(_Q.c.id == watch.question_id)
    if restrict is not None:
        query = query.where(_Q.c.id.in_(sorted(restrict)))
    return query.subquery("matched")


def _derive_one(
    connection: Connection,
    watch: WatchRow,
    restrict: set[int] | None,
    now: dt.datetime,
    *,
    run_id: int | None,
    baseline: bool,
) -> tuple[int, int]:
    """Insert the new events of one watch with one INSERT ... SELECT; returns how many
    are news and how many baseline."""
    matched = _matched(connection, watch, restrict)
    kinds = union_all(
        *(select(literal(kind, String(16)).label("kind")) for kind in watch.events)
    ).subquery("k")
    main = QuestionDocument.__table__.alias("main")
    doc = Document.__table__.alias("doc")
    answered = matched.c.status.in_(ANSWERED)
    applies = or_(
        kinds.c.kind == "asked",
        and_(kinds.c.kind == "answered", answered),
        and_(kinds.c.kind == "overdue", matched.c.status == "asked",
             matched.c.due_on < now.date()),
        and_(kinds.c.kind == "changed", answered, matched.c.answer_text.is_not(None),
             doc.c.sha256.is_not(None)),
    )
    version = case((kinds.c.kind == "changed", doc.c.sha256), else_=literal(""))
    seen = _EVENT.alias("seen")
    earlier = _EVENT.alias("earlier")
    # The first answer document seen is where `changed` starts counting, not a change.
    first_version = ~exists().where(
        earlier.c.watch_id == watch.id, earlier.c.question_id == matched.c.id,
        earlier.c.kind == "changed",
    )
    is_baseline: Any = literal(True, Boolean) if baseline else and_(
        kinds.c.kind == "changed", first_version
    )
    candidates = (
        select(
            literal(watch.id, Integer), matched.c.id, kinds.c.kind, version,
            is_baseline, literal(now, UTCDateTime()), literal(run_id, Integer),
        )
        .select_from(matched.join(kinds, literal_column("1") == literal_column("1")))
        .outerjoin(main, and_(main.c.question_id == matched.c.id, main.c.position == 0,
                              kinds.c.kind == "changed"))
        .outerjoin(doc, doc.c.pfile_id == main.c.pfile_id)
        .where(applies)
        .where(~exists().where(
            seen.c.watch_id == watch.id, seen.c.question_id == matched.c.id,
            seen.c.kind == kinds.c.kind, seen.c.version == version,
        ))
    )
    statement = dialect_insert(connection, _EVENT).from_select(
        ["watch_id", "question_id", "kind", "version", "baseline", "detected_at", "run_id"],
        candidates,
    ).on_conflict_do_nothing().returning(_EVENT.c.baseline)
    # Counted from RETURNING: psycopg reports no rowcount for INSERT ... SELECT here.
    flags = [bool(flag) for flag in connection.execute(statement).scalars()]
    return flags.count(False), flags.count(True)


# -- reading events, recording deliveries --------------------------------------------------

_EVENT_COLUMNS = """e.id, e.watch_id, w.name AS watch, e.kind, e.version, e.detected_at,
    e.question_id, wq.session_year, wq.number, wq.title, wq.subject, wq.status,
    wq.asked_on, wq.answered_on, q.due_on, wq.minister, wq.asker, wq.themes, wq.page_url,
    wq.document_url"""

_EVENT_FROM = """FROM watch_event e
    JOIN watch w ON w.id = e.watch_id
    JOIN written_questions wq ON wq.id = e.question_id
    JOIN question q ON q.id = e.question_id"""


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _event_rows(connection: Connection, where: str, params: dict[str, Any],
                order: str, limit: int | None = None) -> list[EventRow]:
    sql = f"SELECT {_EVENT_COLUMNS} {_EVENT_FROM} WHERE {where} ORDER BY {order}"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    statement = text(sql).columns(detected_at=UTCDateTime())
    rows = connection.execute(statement, params).all()
    return [
        EventRow(
            id=row.id, watch_id=row.watch_id, watch=row.watch, kind=row.kind,
            version=row.version or "", detected_at=row.detected_at,
            question_id=row.question_id, session_year=row.session_year, number=row.number,
            title=row.title, subject=row.subject, status=row.status,
            asked_on=_date(row.asked_on), answered_on=_date(row.answered_on),
            due_on=_date(row.due_on), minister=row.minister, asker=row.asker,
            themes=row.themes, page_url=row.page_url, document_url=row.document_url,
        )
        for row in rows
    ]


def recent_events(store: Store, watch_id: int, limit: int) -> list[EventRow]:
    """The watch's newest delivered-or-deliverable events (no baseline), newest first."""
    with store._read() as connection:
        return _event_rows(connection, "e.watch_id = :w AND NOT e.baseline", {"w": watch_id},
                           "e.detected_at DESC, e.id DESC", limit)


def pending_events(store: Store, watch_id: int, channel: str) -> list[EventRow]:
    """Events of the watch not yet delivered on `channel`, oldest first."""
    with store._read() as connection:
        return _event_rows(
            connection,
            "e.watch_id = :w AND NOT e.baseline AND NOT EXISTS (SELECT 1 FROM "
            "watch_delivery d WHERE d.event_id = e.id AND d.channel = :c "
            "AND d.status = 'delivered')",
            {"w": watch_id, "c": channel}, "e.id",
        )


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


@dataclass(frozen=True)
class AnswerRow:
    id: int
    session_year: str | None
    number: int | None
    title: str | None
    subject: str | None
    status: str
    asked_on: dt.date | None
    answered_on: dt.date | None
    minister: str | None
    asker: str | None
    themes: str | None
    page_url: str | None


def latest_answers(store: Store, limit: int) -> list[AnswerRow]:
    """The newest answers, for the "all new answers" feed."""
    with store._read() as connection:
        rows = connection.execute(text(
            "SELECT id, session_year, number, title, subject, status, asked_on, answered_on, "
            "minister, asker, themes, page_url FROM written_questions "
            "WHERE status IN ('answered', 'answered_late') AND answered_on IS NOT NULL "
            "ORDER BY answered_on DESC, id DESC LIMIT :limit"), {"limit": limit}).all()
    return [
        AnswerRow(**{**row._asdict(), "asked_on": _date(row.asked_on),
                     "answered_on": _date(row.answered_on)})
        for row in rows
    ]
