"""Watches and their events, on SQLite and PostgreSQL: what each kind of watch matches,
that an event is stored once however often it is derived, that a watch starts from its
creation (or backfills), that a new database's first crawls flood no one, and that the
incremental derivation misses nothing a full one would find."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text, update

from storage import Store
from storage.models import Watch
from storage.records import DocumentRef, FetchedDocument, ParsedDocument, PersonRecord
from storage.repository import utc_now
from storage.watches import (
    WatchError,
    WatchSpec,
    add_watch,
    derive_events,
    pending_events,
    record_deliveries,
    remove_watch,
    resolve_question,
)
from tests.analysis_data import BOTHUYNE, BROUNS, CREVITS, QUESTIONS, fill, record

NOW = utc_now()


@pytest.fixture
def store(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    # The rows of a test are all written within seconds: without this, the look-back
    # margin would make every derivation match everything, and the incremental one
    # would go untested.
    monkeypatch.setattr("storage.watches._SLACK", dt.timedelta(0))
    fill(database_url, tmp_path / "raw")
    with Store.open(database_url, tmp_path / "raw") as opened:
        yield opened


def events(store: Store, watch: str, *, baseline: bool | None = False) -> set[tuple[int, str]]:
    condition = "" if baseline is None else (" AND baseline" if baseline else " AND NOT baseline")
    with store.engine.connect() as connection:
        rows = connection.execute(text(
            f"SELECT question_id, kind FROM watch_events WHERE watch = :w{condition}"
        ), {"w": watch}).all()
    return {(row[0], row[1]) for row in rows}


def ask(store: Store, qid: int, *, subject: str = "Innovatiesteun voor starters",
        minister: PersonRecord = BROUNS, asker: PersonRecord = BOTHUYNE,
        themes: tuple[str, ...] = ("Economie",), asked_on: dt.date | None = None,
        answered_on: dt.date | None = None, main: int | None = None) -> None:
    """Store a question as the crawl would (the API record)."""
    base = record(QUESTIONS[0])
    asked = asked_on or NOW.date() - dt.timedelta(days=3)
    store.upsert_question(dataclasses.replace(
        base, id=qid, number=qid % 1000, subject=subject, title=f"Vraag {qid}",
        minister=minister, asker=asker, themes=themes, asked_on=asked,
        answered_on=answered_on, status="answered" if answered_on else "asked",
        on_time=True if answered_on else None, source_hash=f"h{qid}-{answered_on}",
        page_url=f"https://www.vlaamsparlement.be/vraag/{qid}",
        documents=(DocumentRef(main, f"https://docs.example/{main}", 0, "main"),)
        if main else (),
    ))


def document(store: Store, qid: int, pfile: int, body: bytes, answer: str | None) -> None:
    """The main document downloaded and read, with its answer when it has one."""
    ref = DocumentRef(pfile, f"https://docs.example/{pfile}", 0, "main")
    store.record_document(
        FetchedDocument(qid, ref, "ok", 200, "application/pdf", body=body),
        ParsedDocument("application/pdf", "ok", "test", text="...", question_text="Vraag?",
                       answer_text=answer, has_answer=answer is not None),
    )


def spec(name: str, kind: str = "search", **options: object) -> WatchSpec:
    events = options.pop("events", {"search": ("asked", "answered"),
                                     "question": ("answered", "changed"),
                                     "overdue": ("overdue",)}[kind])
    return WatchSpec(name=name, kind=kind, events=events, **options)  # type: ignore[arg-type]


def finished_run(store: Store, status: str = "ok") -> int:
    run_id = store.start_run("manual", {})
    store.finish_run(run_id, status, {}, [])
    return run_id


def test_a_search_watch_starts_from_its_creation_and_stores_each_event_once(
    store: Store,
) -> None:
    finished_run(store)
    _watch, found = add_watch(store, spec("innov", search="innovatiesteun"), NOW)
    # 101 (answered) matches: asked and answered, both already true, so baseline.
    assert found == 2
    assert events(store, "innov", baseline=True) == {(101, "asked"), (101, "answered")}
    assert derive_events(store, NOW).new == 0

    ask(store, 201)
    ask(store, 202, subject="Havens")  # does not match
    later = NOW + dt.timedelta(hours=1)
    assert derive_events(store, later).new == 1
    assert events(store, "innov") == {(201, "asked")}
    # Derived again (a repeated or overlapping crawl): nothing new.
    assert derive_events(store, later + dt.timedelta(minutes=5)).new == 0

    ask(store, 201, answered_on=NOW.date())
    assert derive_events(store, later + dt.timedelta(hours=1)).new == 1
    assert events(store, "innov") == {(201, "asked"), (201, "answered")}
    assert derive_events(store, later + dt.timedelta(hours=2)).new == 0


def test_search_syntax_and_filters(store: Store) -> None:
    finished_run(store)
    for name, options in {
        "phrase": {"search": '"innovatiesteun voor kmo"'},
        "either": {"search": "havenontwikkeling OR kinderopvang"},
        "without": {"search": "vraag -havenontwikkeling", "minister": "brouns"},
        "asker": {"asker": "van dijck"},
        "theme": {"theme": "WELZIJN", "search": "zorginstellingen"},
    }.items():
        add_watch(store, spec(name, events=("asked",), backfill=True, **options), NOW)
    assert events(store, "phrase") == {(101, "asked")}
    assert events(store, "either") == {(103, "asked"), (104, "asked")}
    # "vraag" is in every question text; Brouns has 101-103, 103 is about the port.
    assert events(store, "without") == {(101, "asked"), (102, "asked")}
    assert events(store, "asker") == {(103, "asked"), (104, "asked")}
    assert events(store, "theme") == {(105, "asked")}


def test_backfill_delivers_the_past(store: Store) -> None:
    finished_run(store)
    add_watch(store, spec("past", theme="Economie", backfill=True), NOW)
    assert events(store, "past") == {
        (101, "asked"), (101, "answered"), (102, "asked"), (102, "answered"),
        (103, "asked"), (103, "answered"),
    }
    watch_id = 1
    assert len(pending_events(store, watch_id, "feed")) == 6


def test_a_new_databases_first_crawls_flood_no_one(database_url: str, tmp_path: Path) -> None:
    with Store.open(database_url, tmp_path / "raw") as store:
        add_watch(store, spec("early", theme="Economie"), NOW)
        add_watch(store, spec("eager", theme="Economie", backfill=True), NOW)
        # The first crawl fails half-way, the second completes the data: both are still
        # filling the database.
        for status in ("failed", "ok"):
            run_id = store.start_run("manual", {})
            ask(store, 300 + run_id)
            store.finish_run(run_id, status, {}, [])
            derive_events(store, NOW + dt.timedelta(minutes=run_id), run_id=run_id)
        assert events(store, "early") == set()
        assert events(store, "early", baseline=True) == {(301, "asked"), (302, "asked")}
        assert events(store, "eager") == {(301, "asked"), (302, "asked")}
        # From the run after the first success on, what happens is news.
        run_id = store.start_run("manual", {})
        ask(store, 310)
        store.finish_run(run_id, "ok", {}, [])
        derived = derive_events(store, NOW + dt.timedelta(hours=1), run_id=run_id)
        assert derived.new == 2 and derived.baseline == 0
        assert events(store, "early") == {(310, "asked")}


def test_overdue_when_the_deadline_passes(store: Store) -> None:
    finished_run(store)
    # 104 (Crevits, unanswered since January 2024) is overdue already: baseline.
    _watch, found = add_watch(store, spec("late", "overdue", minister="Crevits"), NOW)
    assert found == 1 and events(store, "late", baseline=True) == {(104, "overdue")}
    asked = NOW.date() - dt.timedelta(days=10)
    ask(store, 401, minister=CREVITS, asked_on=asked)
    ask(store, 402, minister=BROUNS, asked_on=asked)
    assert derive_events(store, NOW + dt.timedelta(hours=1)).new == 0
    # Nothing is written in between: only time passes (the deadline is 20 working days).
    for days in (20, 40, 41):
        derive_events(store, NOW + dt.timedelta(days=days))
    assert events(store, "late") == {(401, "overdue")}
    # Answered: no longer open, and no second overdue event ever.
    ask(store, 401, minister=CREVITS, asked_on=asked, answered_on=NOW.date())
    assert derive_events(store, NOW + dt.timedelta(days=42)).new == 0


def test_question_watch_answered_then_changed_once_per_version(store: Store) -> None:
    finished_run(store)
    ask(store, 501, main=9501)
    document(store, 501, 9501, b"%PDF question only", None)
    add_watch(store, spec("one", "question", question_id=501), NOW)
    assert events(store, "one", baseline=None) == set()

    ask(store, 501, main=9501, answered_on=NOW.date())
    document(store, 501, 9501, b"%PDF question and answer", "Het antwoord.")
    assert derive_events(store, NOW + dt.timedelta(hours=1)).new == 1
    # The first answer document is where `changed` starts counting, not a change.
    assert events(store, "one") == {(501, "answered")}
    assert events(store, "one", baseline=True) == {(501, "changed")}

    document(store, 501, 9501, b"%PDF question and corrected answer", "Het juiste antwoord.")
    assert derive_events(store, NOW + dt.timedelta(hours=2)).new == 1
    # The same bytes again (re-downloaded): nothing.
    document(store, 501, 9501, b"%PDF question and corrected answer", "Het juiste antwoord.")
    assert derive_events(store, NOW + dt.timedelta(hours=3)).new == 0
    with store.engine.connect() as connection:
        kinds = connection.execute(text(
            "SELECT kind, baseline FROM watch_event ORDER BY id")).all()
    assert [(kind, bool(flag)) for kind, flag in kinds] == [
        ("answered", False), ("changed", True), ("changed", False)]


def test_question_references(store: Store) -> None:
    assert resolve_question(store, "2023-2024/3") == 103
    assert resolve_question(store, "1868031") == 1868031
    ask(store, 1003, minister=CREVITS)  # number 3 again, another minister
    with pytest.raises(WatchError, match=r"2 questions; give one schv id: 103 .*1003"):
        resolve_question(store, "2023-2024/3")
    with pytest.raises(WatchError, match="no stored question"):
        resolve_question(store, "2019-2020/3")
    with pytest.raises(WatchError, match="SESSION/NUMBER"):
        resolve_question(store, "nr. 3")


def test_bad_watches_are_refused_and_removal_takes_everything(store: Store) -> None:
    for bad, message in [
        (spec("x y", search="a"), "invalid watch name"),
        (spec("all-answers", search="a"), "invalid watch name"),
        (spec("nothing"), "needs --search WORDS or a filter"),
        (spec("od", "overdue"), "needs --minister or --theme"),
        (spec("neg", search="-havens"), "nothing to search for"),
        (spec("ev", search="a", events=("read",)), "events must be some of"),
    ]:
        with pytest.raises(WatchError, match=message):
            add_watch(store, bad, NOW)
    add_watch(store, spec("keep", theme="Economie", backfill=True), NOW)
    with pytest.raises(WatchError, match="exists already"):
        add_watch(store, spec("keep", theme="Welzijn"), NOW)
    ids = [event.id for event in pending_events(store, 1, "feed")]
    record_deliveries(store, ids, "feed", NOW)
    remove_watch(store, "keep")
    with store.engine.connect() as connection:
        left = [connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                for table in ("watch", "watch_event", "watch_delivery")]
    assert left == [0, 0, 0]
    with pytest.raises(WatchError, match="no watch named"):
        remove_watch(store, "keep")


def test_a_delivery_is_recorded_once_and_delivered_stays_delivered(store: Store) -> None:
    add_watch(store, spec("w", theme="Welzijn", backfill=True), NOW)
    ids = [event.id for event in pending_events(store, 1, "webhook")]
    assert len(ids) == 4  # 104, 105 (asked and answered), 106 (withdrawn)
    record_deliveries(store, ids[:2], "webhook", NOW, "HTTP 500")
    record_deliveries(store, ids[:2], "webhook", NOW, "HTTP 500")
    record_deliveries(store, ids[:1], "webhook", NOW)
    record_deliveries(store, ids[:1], "webhook", NOW, "HTTP 500")
    assert [e.id for e in pending_events(store, 1, "webhook")] == ids[1:]
    with store.engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT event_id, status, attempts, last_error FROM watch_delivery ORDER BY 1"
        )).all()
    assert [tuple(r) for r in rows] == [(ids[0], "delivered", 3, None),
                                        (ids[1], "failed", 2, "HTTP 500")]


def test_incremental_derivation_misses_nothing_a_full_one_finds(store: Store) -> None:
    """Random writes, answers, new document versions and days passing; after every
    derivation, matching everything again (as for a new watch) must add nothing."""
    finished_run(store)
    add_watch(store, spec("econ", theme="Economie",
                          events=("asked", "answered", "overdue", "changed")), NOW)
    add_watch(store, spec("innov", search="innovatiesteun OR starters",
                          events=("asked", "answered", "changed")), NOW)
    add_watch(store, spec("late", "overdue", minister="Brouns"), NOW)
    rng = random.Random(13)
    now = NOW
    open_ids: list[int] = []
    versions = 0
    for step in range(40):
        now += dt.timedelta(hours=rng.choice((1, 6, 30, 24 * 9)))
        action = rng.random()
        if action < 0.45 or not open_ids:
            qid = 600 + step
            subject = rng.choice(["Innovatiesteun", "Starters in de haven", "Havens"])
            ask(store, qid, subject=subject, main=9000 + qid,
                minister=rng.choice([BROUNS, CREVITS]),
                themes=rng.choice([("Economie",), ("Welzijn",)]),
                asked_on=now.date() - dt.timedelta(days=rng.randrange(0, 60)))
            document(store, qid, 9000 + qid, f"q{qid}".encode(), None)
            open_ids.append(qid)
        elif action < 0.65:
            qid = open_ids.pop(rng.randrange(len(open_ids)))
            with store.engine.connect() as connection:
                row = connection.execute(text(
                    "SELECT subject, minister_id, asked_on FROM question WHERE id = :i"),
                    {"i": qid}).one()
            asked = row.asked_on if isinstance(row.asked_on, dt.date) else \
                dt.date.fromisoformat(row.asked_on)
            ask(store, qid, subject=row.subject, main=9000 + qid, asked_on=asked,
                minister=BROUNS if row.minister_id == BROUNS.id else CREVITS,
                answered_on=now.date(), themes=("Economie",))
            versions += 1
            document(store, qid, 9000 + qid, f"a{qid}-{versions}".encode(), "Antwoord.")
        else:
            # A new version of some answered question's document, or nothing at all.
            answered = [q for q in range(600, 600 + step) if q not in open_ids]
            if answered:
                qid = rng.choice(answered)
                versions += 1
                # New bytes, sometimes the same reading: then only the document row
                # says something changed.
                document(store, qid, 9000 + qid, f"a{qid}-{versions}".encode(),
                         rng.choice(["Antwoord.", f"Antwoord {versions}."]))
        derive_events(store, now)
        with store.engine.begin() as connection:
            connection.execute(update(Watch.__table__).values(seen_until=None))
        assert derive_events(store, now).new == 0, f"step {step}"
    assert events(store, "econ") and events(store, "innov") and events(store, "late")
    kinds = {kind for _q, kind in events(store, "econ")}
    assert kinds == {"asked", "answered", "overdue", "changed"}
