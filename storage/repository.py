"""The Store: everything the crawler and the CLI write to, or read from, the database.

Each public method is one transaction. Writes are upserts on the parliament's natural
keys (schv id, pfile id, person id, theme name), so reruns, overlapping windows and
crashes never duplicate anything.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Self

from sqlalchemy import (
    ColumnElement,
    Engine,
    Row,
    and_,
    case,
    delete,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection

from storage.blobs import BlobStore
from storage.db import WRITE_OPTION, make_engine
from storage.db import upgrade as upgrade_schema
from storage.lifecycle import due_date
from storage.models import (
    RUN_COUNT_COLUMNS,
    CrawlRun,
    Document,
    Person,
    Question,
    QuestionDocument,
    QuestionTheme,
    Theme,
)
from storage.parsed import write_parsed
from storage.records import (
    DocumentRef,
    DocumentState,
    FetchedDocument,
    KnownQuestion,
    KnownState,
    ParsedDocument,
    PersonRecord,
    QuestionRecord,
    UpsertOutcome,
)
from storage.upsert import upsert

_PERSON = Person.__table__
_THEME = Theme.__table__
_QUESTION = Question.__table__
_QUESTION_THEME = QuestionTheme.__table__
_DOCUMENT = Document.__table__
_QUESTION_DOCUMENT = QuestionDocument.__table__
_CRAWL_RUN = CrawlRun.__table__

# Question columns that come from the API record and are rewritten when it changes.
# The doc_* and text columns come from the main document (record_document) instead.
_API_COLUMNS: tuple[str, ...] = (
    "number",
    "session_year",
    "title",
    "subject",
    "asked_on",
    "answered_on",
    "published_on",
    "status",
    "on_time",
    "answer_kind",
    "asker_id",
    "minister_id",
    "page_url",
    "opendata_url",
    "procedure_json",
    "source_hash",
    "due_on",
)
_DOCUMENT_READING_COLUMNS: tuple[str, ...] = (
    "question_text",
    "answer_text",
    "doc_subject",
    "doc_number",
    "doc_asker",
    "doc_asked_on",
    "doc_minister",
    "doc_minister_title",
)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _changed(table: Any, excluded: Any, columns: Iterable[str]) -> ColumnElement[bool]:
    return or_(*(table.c[name].is_distinct_from(excluded[name]) for name in columns))


class Store:
    """Storage for one database and its raw document folder."""

    def __init__(self, engine: Engine, raw_dir: str | os.PathLike[str]) -> None:
        self.engine = engine
        self.blobs = BlobStore(raw_dir)
        self._owns_engine = False

    @classmethod
    def open(cls, url: str, raw_dir: str | os.PathLike[str], *, upgrade: bool = True) -> Self:
        """Open `url`, migrating it to the newest schema unless `upgrade` is False."""
        engine = make_engine(url)
        try:
            if upgrade:
                upgrade_schema(engine)
        except BaseException:
            engine.dispose()
            raise
        store = cls(engine, raw_dir)
        store._owns_engine = True
        return store

    def close(self) -> None:
        """Release the connections of an engine this Store opened itself."""
        if self._owns_engine:
            self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self.engine.connect() as connection:
            connection.execution_options(**{WRITE_OPTION: True})
            with connection.begin():
                yield connection

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        # One snapshot for the whole read; the connection rolls back on close.
        with self.engine.connect() as connection, connection.begin():
            yield connection

    # -- questions -------------------------------------------------------------------

    def upsert_question(self, q: QuestionRecord) -> UpsertOutcome:
        """Store one API record with its persons, themes and document links.

        "unchanged" (same non-empty source_hash) only touches last_checked_at: the record
        and everything derived from it are then already stored as they are.
        """
        now = utc_now()
        with self._write() as connection:
            previous = connection.execute(
                select(Question.source_hash).where(Question.id == q.id)
            ).scalar_one_or_none()
            if previous is not None and q.source_hash and previous == q.source_hash:
                connection.execute(
                    update(_QUESTION).where(_QUESTION.c.id == q.id).values(last_checked_at=now)
                )
                return "unchanged"
            self._upsert_persons(connection, (q.asker, q.minister), now)
            theme_ids = self._upsert_themes(connection, q.themes)
            self._upsert_question_row(connection, q, now)
            self._replace_theme_links(connection, q.id, theme_ids)
            documents = _unique_documents(q.documents)
            self._upsert_document_refs(connection, documents)
            self._replace_document_links(connection, q.id, documents)
        return "new" if previous is None else "updated"

    def _upsert_persons(
        self, connection: Connection, persons: Iterable[PersonRecord | None], now: dt.datetime
    ) -> None:
        rows = {
            p.id: {
                "id": p.id,
                "first_name": p.first_name,
                "last_name": p.last_name,
                "full_name": p.full_name,
                "party": p.party,
                "updated_at": now,
            }
            for p in persons
            if p is not None
        }
        names = ("first_name", "last_name", "full_name", "party")
        upsert(
            connection,
            _PERSON,
            # Key order: concurrent writers then lock rows in the same order, no deadlock.
            [rows[key] for key in sorted(rows)],
            keys=["id"],
            update=[*names, "updated_at"],
            where=lambda excluded: _changed(_PERSON, excluded, names),
        )

    def _upsert_themes(self, connection: Connection, themes: Iterable[str]) -> list[int]:
        names = sorted({name.strip() for name in themes if name and name.strip()})
        if not names:
            return []
        upsert(connection, _THEME, [{"name": name} for name in names], keys=["name"])
        return list(connection.execute(select(Theme.id).where(Theme.name.in_(names))).scalars())

    def _upsert_question_row(
        self, connection: Connection, q: QuestionRecord, now: dt.datetime
    ) -> None:
        row = {
            "id": q.id,
            "number": q.number,
            "session_year": q.session_year,
            "title": q.title,
            "subject": q.subject,
            "asked_on": q.asked_on,
            "answered_on": q.answered_on,
            "published_on": q.published_on,
            "status": q.status,
            "on_time": q.on_time,
            "answer_kind": q.answer_kind,
            "asker_id": q.asker.id if q.asker else None,
            "minister_id": q.minister.id if q.minister else None,
            "page_url": q.page_url,
            "opendata_url": q.opendata_url,
            "procedure_json": _procedure_json(q),
            "source_hash": q.source_hash,
            "due_on": due_date(q.asked_on),
            "first_seen_at": now,
            "updated_at": now,
            "last_checked_at": now,
        }
        upsert(
            connection,
            _QUESTION,
            [row],
            keys=["id"],
            update=[*_API_COLUMNS, "updated_at", "last_checked_at"],
        )

    def _replace_theme_links(
        self, connection: Connection, question_id: int, theme_ids: Sequence[int]
    ) -> None:
        connection.execute(
            delete(_QUESTION_THEME).where(
                _QUESTION_THEME.c.question_id == question_id,
                _QUESTION_THEME.c.theme_id.not_in(theme_ids),
            )
        )
        upsert(
            connection,
            _QUESTION_THEME,
            [{"question_id": question_id, "theme_id": theme_id} for theme_id in theme_ids],
            keys=["question_id", "theme_id"],
        )

    def _upsert_document_refs(
        self, connection: Connection, documents: Sequence[DocumentRef]
    ) -> None:
        # A known document keeps its fetch and parse state: only where it lives and what
        # it claims to be may change. A new one starts pending.
        upsert(
            connection,
            _DOCUMENT,
            [
                {
                    "pfile_id": ref.pfile_id,
                    "url": ref.url,
                    "declared_type": ref.declared_type,
                    "fetch_status": "pending",
                    "parse_status": "pending",
                    "attempts": 0,
                }
                for ref in sorted(documents, key=lambda ref: ref.pfile_id)
            ],
            keys=["pfile_id"],
            update=lambda excluded: {
                "url": excluded.url,
                "declared_type": func.coalesce(excluded.declared_type, _DOCUMENT.c.declared_type),
            },
            where=lambda excluded: or_(
                _DOCUMENT.c.url.is_distinct_from(excluded.url),
                and_(
                    excluded.declared_type.is_not(None),
                    _DOCUMENT.c.declared_type.is_distinct_from(excluded.declared_type),
                ),
            ),
        )

    def _replace_document_links(
        self, connection: Connection, question_id: int, documents: Sequence[DocumentRef]
    ) -> None:
        connection.execute(
            delete(_QUESTION_DOCUMENT).where(
                _QUESTION_DOCUMENT.c.question_id == question_id,
                _QUESTION_DOCUMENT.c.pfile_id.not_in([ref.pfile_id for ref in documents]),
            )
        )
        link_columns = ("position", "role", "name")
        upsert(
            connection,
            _QUESTION_DOCUMENT,
            [
                {
                    "question_id": question_id,
                    "pfile_id": ref.pfile_id,
                    "position": ref.position,
                    "role": ref.role,
                    "name": ref.name,
                }
                for ref in documents
            ],
            keys=["question_id", "pfile_id"],
            update=link_columns,
            where=lambda excluded: _changed(_QUESTION_DOCUMENT, excluded, link_columns),
        )

    # -- documents -------------------------------------------------------------------

    def known_state(self) -> KnownState:
        with self._read() as connection:
            questions = connection.execute(
                select(
                    Question.id,
                    Question.published_on,
                    Question.answered_on,
                    Question.asked_on,
                    Question.status,
                    Question.source_hash,
                )
            ).all()
            documents = connection.execute(
                select(
                    Document.pfile_id,
                    Document.fetch_status,
                    Document.parse_status,
                    Document.sha256,
                    Document.etag,
                    Document.last_modified,
                    Document.attempts,
                )
            ).all()
        return KnownState(
            questions={
                row.id: KnownQuestion(
                    row.published_on, row.answered_on, row.asked_on, row.status,
                    row.source_hash or "",
                )
                for row in questions
            },
            documents={row.pfile_id: _document_state(row) for row in documents},
        )

    def record_document(self, fetched: FetchedDocument, parsed: ParsedDocument | None) -> None:
        """Store a download attempt and, if given, its parse.

        The raw bytes go to the blob store first: a crash in between leaves an unused
        blob, never a row pointing at a missing file. `attempts` counts consecutive
        failures (a failed fetch, or a parse that is not "ok") and is reset by a success.
        """
        now = utc_now()
        sha: str | None = None
        if fetched.body is not None:
            sha = self.blobs.put(fetched.body)
        failed = fetched.fetch_status != "ok" or (
            parsed is not None and parsed.parse_status != "ok"
        )
        values, update_set = _document_values(fetched, parsed, sha, now)
        insert_row = {
            "pfile_id": fetched.ref.pfile_id,
            "url": fetched.ref.url,
            **values,
            "attempts": 1 if failed else 0,
        }
        with self._write() as connection:
            upsert(
                connection,
                _DOCUMENT,
                [insert_row],
                keys=["pfile_id"],
                update=lambda excluded: {
                    **update_set(excluded),
                    "attempts": _DOCUMENT.c.attempts + 1 if failed else literal(0),
                },
            )
            if parsed is not None:
                write_parsed(connection, fetched.ref.pfile_id, parsed)
            if parsed is not None and _has_reading(parsed):
                self._copy_reading_to_questions(connection, fetched.ref.pfile_id, parsed, now)

    def record_parse(self, pfile_id: int, parsed: ParsedDocument) -> None:
        """Store a new parse of stored bytes (`schv reparse`): no download is involved,
        so the fetch columns stay as they are."""
        now = utc_now()
        ok = parsed.parse_status == "ok"
        with self._write() as connection:
            connection.execute(
                update(_DOCUMENT)
                .where(_DOCUMENT.c.pfile_id == pfile_id)
                .values(
                    **_parse_values(parsed, now),
                    attempts=literal(0) if ok else _DOCUMENT.c.attempts + 1,
                )
            )
            write_parsed(connection, pfile_id, parsed)
            if _has_reading(parsed):
                self._copy_reading_to_questions(connection, pfile_id, parsed, now)

    def stored_documents(self) -> list[Row[Any]]:
        """Documents whose raw bytes were kept: pfile_id, sha256, declared_type,
        parse_status and parser_version, for `schv reparse` to choose from."""
        with self._read() as connection:
            return list(
                connection.execute(
                    select(
                        Document.pfile_id,
                        Document.sha256,
                        Document.declared_type,
                        Document.parse_status,
                        Document.parser_version,
                    )
                    .where(Document.sha256.is_not(None))
                    .order_by(Document.pfile_id)
                ).all()
            )

    def _copy_reading_to_questions(
        self, connection: Connection, pfile_id: int, parsed: ParsedDocument, now: dt.datetime
    ) -> None:
        header = parsed.header
        reading: dict[str, Any] = {
            "question_text": parsed.question_text,
            "answer_text": parsed.answer_text,
            "doc_subject": parsed.subject,
            "doc_number": header.number if header else None,
            "doc_asker": header.asker if header else None,
            "doc_asked_on": header.asked_on if header else None,
            "doc_minister": header.minister if header else None,
            "doc_minister_title": header.minister_title if header else None,
        }
        main_of = select(QuestionDocument.question_id).where(
            QuestionDocument.pfile_id == pfile_id, QuestionDocument.position == 0
        )
        connection.execute(
            update(_QUESTION)
            .where(_QUESTION.c.id.in_(main_of))
            # updated_at tells users a row changed: leave it when the reading is the same.
            .where(or_(*(_QUESTION.c[name].is_distinct_from(v) for name, v in reading.items())))
            .values(**reading, updated_at=now)
        )

    def raw_document(self, pfile_id: int) -> bytes | None:
        with self._read() as connection:
            sha = connection.execute(
                select(Document.sha256).where(Document.pfile_id == pfile_id)
            ).scalar_one_or_none()
        if sha is None or not self.blobs.exists(sha):
            return None
        return self.blobs.get(sha)

    # -- runs ------------------------------------------------------------------------

    def start_run(self, trigger: str, params: Mapping[str, Any]) -> int:
        with self._write() as connection:
            result = connection.execute(
                _CRAWL_RUN.insert().values(
                    started_at=utc_now(),
                    trigger=trigger,
                    status="running",
                    params_json=json.dumps(dict(params), default=str, sort_keys=True),
                )
            )
            run_id = result.inserted_primary_key[0] if result.inserted_primary_key else None
        if run_id is None:
            raise RuntimeError("the database returned no id for the new crawl run")
        return int(run_id)

    def finish_run(
        self,
        run_id: int,
        status: str,
        counts: Mapping[str, int],
        errors: Sequence[str],
        message: str | None = None,
    ) -> None:
        known_counts = {k: int(v) for k, v in counts.items() if k in RUN_COUNT_COLUMNS}
        with self._write() as connection:
            result = connection.execute(
                update(_CRAWL_RUN)
                .where(_CRAWL_RUN.c.id == run_id)
                .values(
                    finished_at=utc_now(),
                    status=status,
                    errors_json=json.dumps(list(errors), ensure_ascii=False),
                    message=message,
                    **known_counts,
                )
            )
            if result.rowcount == 0:
                raise KeyError(f"no crawl run {run_id}")

    def recent_runs(self, limit: int = 10) -> list[dict[str, Any]]:
        """The newest runs first, JSON columns decoded (`params`, `errors`)."""
        with self._read() as connection:
            rows = connection.execute(
                select(_CRAWL_RUN).order_by(_CRAWL_RUN.c.id.desc()).limit(limit)
            ).all()
        return [_run_dict(row) for row in rows]

    def last_successful_run(self, *, include_degraded: bool = False) -> dict[str, Any] | None:
        statuses = ["ok", "degraded"] if include_degraded else ["ok"]
        with self._read() as connection:
            row = connection.execute(
                select(_CRAWL_RUN)
                .where(_CRAWL_RUN.c.status.in_(statuses))
                .order_by(_CRAWL_RUN.c.id.desc())
                .limit(1)
            ).first()
        return _run_dict(row) if row is not None else None

    def row_counts(self) -> dict[str, int]:
        tables = {
            "question": _QUESTION,
            "person": _PERSON,
            "theme": _THEME,
            "document": _DOCUMENT,
            "crawl_run": _CRAWL_RUN,
        }
        counts = [
            select(func.count()).select_from(table).scalar_subquery().label(name)
            for name, table in tables.items()
        ]
        with self._read() as connection:
            row = connection.execute(select(*counts)).one()
        return {name: int(row._mapping[name]) for name in tables}


def _unique_documents(documents: Iterable[DocumentRef]) -> list[DocumentRef]:
    # The link's primary key is (question, pfile): a file listed twice keeps its first place.
    seen: dict[int, DocumentRef] = {}
    for ref in documents:
        seen.setdefault(ref.pfile_id, ref)
    return list(seen.values())


def _procedure_json(q: QuestionRecord) -> str:
    steps = [
        {
            "status": step.status,
            "date": step.date.isoformat() if step.date else None,
            "document_url": step.document_url,
        }
        for step in q.procedure
    ]
    return json.dumps(steps, ensure_ascii=False)


def _document_state(row: Row[Any]) -> DocumentState:
    return DocumentState(
        fetch_status=row.fetch_status,
        parse_status=row.parse_status,
        sha256=row.sha256,
        etag=row.etag,
        last_modified=row.last_modified,
        attempts=row.attempts,
    )


def _has_reading(parsed: ParsedDocument) -> bool:
    return parsed.parse_status == "ok" and any(
        value is not None
        for value in (parsed.question_text, parsed.answer_text, parsed.header, parsed.subject)
    )


def _document_values(
    fetched: FetchedDocument,
    parsed: ParsedDocument | None,
    sha: str | None,
    now: dt.datetime,
) -> tuple[dict[str, Any], Any]:
    """The columns a download attempt sets, and how a known row is updated from them."""
    values: dict[str, Any] = {
        "declared_type": fetched.content_type or fetched.ref.declared_type,
        "fetch_status": fetched.fetch_status,
        "http_status": fetched.http_status,
        "fetch_error": fetched.error,
        "fetched_at": now,
        "etag": fetched.etag,
        "last_modified": fetched.last_modified,
    }
    overwrite = ["fetch_status", "http_status", "fetch_error", "fetched_at"]
    if sha is not None and fetched.body is not None:
        values.update(sha256=sha, size=len(fetched.body))
        # New bytes: the validators describe them, even when the server sent none.
        overwrite += ["sha256", "size", "etag", "last_modified"]
    if parsed is not None:
        parse_values = _parse_values(parsed, now)
        values.update(parse_values)
        overwrite += list(parse_values)

    def update_set(excluded: Any) -> dict[str, Any]:
        result: dict[str, Any] = {name: excluded[name] for name in overwrite}
        result["declared_type"] = func.coalesce(excluded.declared_type, _DOCUMENT.c.declared_type)
        if sha is None and fetched.fetch_status == "ok":
            # A 304-style answer without a body may still bring fresher validators;
            # a failed attempt leaves those of the stored bytes alone.
            for name in ("etag", "last_modified"):
                result[name] = func.coalesce(excluded[name], _DOCUMENT.c[name])
        if sha is not None and parsed is None:
            # New bytes without a parse: the old reading belonged to other bytes.
            result["parse_status"] = case(
                (_DOCUMENT.c.sha256.is_distinct_from(excluded.sha256), literal("pending")),
                else_=_DOCUMENT.c.parse_status,
            )
        return result

    return values, update_set


def _parse_values(parsed: ParsedDocument, now: dt.datetime) -> dict[str, Any]:
    """The document columns a parse sets, from a crawl or from `schv reparse`."""
    return {
        "media_type": parsed.media_type,
        "parse_status": parsed.parse_status,
        "parse_error": parsed.error,
        "parser_version": parsed.parser_version,
        "pages": parsed.pages,
        "text": parsed.text,
        "parsed_at": now,
    }


def _run_dict(row: Row[Any]) -> dict[str, Any]:
    data = dict(row._mapping)
    data["params"] = json.loads(data.pop("params_json") or "{}")
    data["errors"] = json.loads(data.pop("errors_json") or "[]")
    return data
