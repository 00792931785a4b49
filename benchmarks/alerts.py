"""Alerts benchmark: what matching the watches adds to a crawl, with N questions (default
10,000) and W watches (default 200). Target: under 1 s.

Makes W watches (a mix of searches with and without filters, filter-only watches,
one-question watches and overdue watches) on a new database, then stores the search
benchmark's generated questions (benchmarks/search.py), each with a main document, and
times the first derivation: every watch against every question, as after a new
database's first crawl (the worst case a crawl meets). Then, per round, writes what an
incremental crawl writes (new questions, answers published, answer documents replaced)
and times `derive_events`, the matching every crawl runs at its end, and the feeds written
after it. Last, a broad `schv watch add --backfill`, and every watch re-matched against
every question with all its events already stored (which must find nothing: a check
that the crawls' matching, which looks only at what changed, missed nothing). SQLite
always; PostgreSQL with --postgres-url or SCHV_TEST_POSTGRES_URL.

    .venv/bin/python benchmarks/alerts.py [--questions 10000] [--watches 200] [--rounds 5]
        [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text, update

from benchmarks.search import MINISTERS, RANKED_WORDS, THEMES, _text, _vocabulary, fill
from config import load_settings
from schv.alerts import run_alerts
from storage import Store
from storage.models import Watch
from storage.watches import WatchSpec, add_watch, derive_events
from tests.databases import temporary_postgres_database

FIRST_ID = 1_000_000
# What one incremental crawl writes (a busy day).
NEW, ANSWERED, REPLACED = 60, 40, 10


def _stamp(url: str, moment: dt.datetime) -> object:
    return moment.replace(tzinfo=None) if url.startswith("sqlite") else moment


def add_documents(store: Store, url: str, questions: int) -> None:
    """A main document per question (what `changed` compares), fetched at fill time."""
    at = _stamp(url, dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    with store.engine.begin() as connection:
        for start in range(0, questions, 5000):
            ids = range(FIRST_ID + start, FIRST_ID + min(questions, start + 5000))
            connection.execute(text(
                "INSERT INTO document (pfile_id, url, sha256, fetch_status, parse_status, "
                "fetched_at, attempts) VALUES (:p, :u, :s, 'ok', 'ok', :at, 0)"),
                [{"p": i, "u": f"https://docs.example/{i}", "s": hashlib.sha256(
                    str(i).encode()).hexdigest(), "at": at} for i in ids])
            connection.execute(text(
                "INSERT INTO question_document (question_id, pfile_id, position, role) "
                "VALUES (:q, :q, 0, 'main')"), [{"q": i} for i in ids])
        connection.execute(text(
            "UPDATE question SET due_on = asked_on WHERE status = 'asked'"))
        # Written over the years, as crawls wrote them, not all in one instant.
        connection.execute(text(
            "UPDATE question SET updated_at = " + (
                "asked_on || ' 12:00:00.000000'" if url.startswith("sqlite")
                else "asked_on + time '12:00'")))


def watch_specs(count: int, questions: int, rng: random.Random) -> list[WatchSpec]:
    words = list(RANKED_WORDS)
    ministers = [last for _id, _first, last in MINISTERS]
    all_events = ("asked", "answered", "overdue", "changed")
    specs = []
    for n in range(count):
        shape = n % 10
        name = f"w{n:03d}"
        if shape < 5:  # a search, sometimes two words or a phrase
            query = rng.choice(words)
            if shape == 1:
                query += " " + rng.choice(words)
            if shape == 2:
                query = f"{query} OR {rng.choice(words)}"
            specs.append(WatchSpec(name, "search", ("asked", "answered"), search=query))
        elif shape == 5:  # a search with filters
            specs.append(WatchSpec(name, "search", all_events, search=rng.choice(words),
                                   theme=rng.choice(THEMES), minister=rng.choice(ministers)))
        elif shape == 6:  # everything about a theme or to a minister
            specs.append(WatchSpec(name, "search", ("asked", "answered"),
                                   theme=rng.choice(THEMES)) if n % 20 < 10 else
                         WatchSpec(name, "search", ("asked", "answered"),
                                   minister=rng.choice(ministers)))
        elif shape in (7, 8):  # one question
            specs.append(WatchSpec(name, "question", ("answered", "changed"),
                                   question_id=FIRST_ID + rng.randrange(questions)))
        else:  # overdue questions of a minister
            specs.append(WatchSpec(name, "overdue", ("overdue",),
                                   minister=rng.choice(ministers)))
    return specs


def crawl_writes(store: Store, url: str, round_no: int, rng: random.Random,
                 questions: int) -> None:
    """What an incremental crawl writes: new questions, published answers, replaced
    answer documents, all stamped now."""
    now = dt.datetime.now(dt.UTC)
    at = _stamp(url, now)
    base = FIRST_ID + questions + 1000 * round_no
    vocabulary = _vocabulary(rng)
    with store.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO question (id, number, session_year, title, subject, asked_on, "
            "published_on, status, asker_id, minister_id, procedure_json, source_hash, "
            "question_text, first_seen_at, updated_at, last_checked_at, due_on) VALUES "
            "(:id, 1, '2025-2026', :title, :subject, :asked, :asked, 'asked', 100, :m, '[]', "
            ":id, :text, :at, :at, :at, :due)"),
            [{"id": base + i, "title": _text(rng, vocabulary, 8),
              "subject": _text(rng, vocabulary, 6),
              "asked": now.date(), "due": now.date() + dt.timedelta(days=28),
              "m": rng.choice(MINISTERS)[0], "text": _text(rng, vocabulary, 90),
              "at": at} for i in range(NEW)])
        connection.execute(text(
            "INSERT INTO question_theme (question_id, theme_id) VALUES (:q, :t)"),
            [{"q": base + i, "t": rng.randrange(len(THEMES)) + 1} for i in range(NEW)])
        open_ids = [row[0] for row in connection.execute(text(
            "SELECT id FROM question WHERE status = 'asked' AND id < :b ORDER BY id"),
            {"b": FIRST_ID + questions})]
        for qid in rng.sample(open_ids, min(ANSWERED, len(open_ids))):
            connection.execute(text(
                "UPDATE question SET status = 'answered', answered_on = :d, "
                "answer_text = 'Antwoord.', updated_at = :at WHERE id = :q"),
                {"d": now.date(), "at": at, "q": qid})
        answered = [row[0] for row in connection.execute(text(
            "SELECT id FROM question WHERE status = 'answered' AND id < :b ORDER BY id"),
            {"b": FIRST_ID + questions})]
        for qid in rng.sample(answered, REPLACED):
            connection.execute(text(
                "UPDATE document SET sha256 = :s, fetched_at = :at WHERE pfile_id = :q"),
                {"s": hashlib.sha256(f"{qid}-{round_no}".encode()).hexdigest(), "at": at,
                 "q": qid})


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def report(label: str, url: str, args: argparse.Namespace, folder: Path) -> None:
    rng = random.Random(7)
    with Store.open(url, folder / "raw") as store:
        # The worst case a crawl meets: watches made on a new, empty database, whose first
        # crawl then stores everything (all of it becomes their baseline).
        for spec in watch_specs(args.watches, args.questions, rng):
            add_watch(store, spec, dt.datetime.now(dt.UTC))
        started = time.perf_counter()
        fill(url, args.questions)
        add_documents(store, url, args.questions)
        filled = time.perf_counter() - started
        run_id = store.start_run("manual", {})
        store.finish_run(run_id, "ok", {}, [])
        started = time.perf_counter()
        first = derive_events(store, dt.datetime.now(dt.UTC), run_id=run_id)
        first_crawl = time.perf_counter() - started
        print(f"{label:<10} {args.questions} questions filled in {filled:.1f} s; "
              f"{args.watches} watches")
        print(f"{label:<10} first crawl of a new database, every watch against every "
              f"question: {_ms(first_crawl)} ({first.baseline} events, all baseline)")
        assert first.new == 0

        settings = load_settings(environ={"SCHV_ALERTS_FEED_DIR": str(folder / "feeds")})
        run_alerts(settings, store)  # the first feeds
        incremental, delivery, found = [], [], []
        for round_no in range(args.rounds):
            crawl_writes(store, url, round_no, rng, args.questions)
            started = time.perf_counter()
            derived = derive_events(store, dt.datetime.now(dt.UTC), run_id=run_id + 1)
            incremental.append(time.perf_counter() - started)
            found.append(derived.new)
            started = time.perf_counter()
            run_alerts(settings, store)  # finds nothing more: the feeds are its cost
            delivery.append(time.perf_counter() - started)

        broad = WatchSpec("backfill", "search", ("asked", "answered"), search="steun",
                          backfill=True)
        started = time.perf_counter()
        _watch, backfilled = add_watch(store, broad, dt.datetime.now(dt.UTC))
        made = time.perf_counter() - started

        with store.engine.begin() as connection:
            connection.execute(update(Watch.__table__).values(seen_until=None))
        started = time.perf_counter()
        extra = derive_events(store, dt.datetime.now(dt.UTC)).new
        rematch = time.perf_counter() - started
        assert extra == 0, f"matching everything found {extra} events the crawls missed"

    def figures(values: list[float]) -> str:
        return f"median {_ms(statistics.median(values))}, max {_ms(max(values))}"

    print(f"{label:<10} each crawl ({NEW} new, {ANSWERED} answered, {REPLACED} documents "
          f"replaced; {statistics.median(found):.0f} events found): matching "
          f"{figures(incremental)}  <- target < 1 s")
    print(f"{label:<10} then the feeds of the watches with news: {figures(delivery)}")
    print(f"{label:<10} schv watch add --backfill, a word in a third of the questions: "
          f"{_ms(made)} ({backfilled} events)")
    print(f"{label:<10} every watch re-matched against every question, all events "
          f"present: {_ms(rematch)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--watches", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5, help="crawls simulated")
    parser.add_argument("--postgres-url", default=os.environ.get("SCHV_TEST_POSTGRES_URL"),
                        help="server to create a scratch database on (default: "
                        "$SCHV_TEST_POSTGRES_URL; none: SQLite only)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="schv-bench-alerts-") as folder:
        report("sqlite", f"sqlite:///{Path(folder) / 'schv.sqlite3'}", args, Path(folder))
    if args.postgres_url:
        with tempfile.TemporaryDirectory(prefix="schv-bench-alerts-") as folder, \
                temporary_postgres_database(args.postgres_url, "schv_bench") as url:
            report("postgresql", url, args, Path(folder))
    else:
        print("postgresql skipped: give --postgres-url or set SCHV_TEST_POSTGRES_URL")
    return 0


if __name__ == "__main__":
    sys.exit(main())
