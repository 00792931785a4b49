"""Search benchmark: `schv search`-style queries over N generated questions (default 50,000).

Fills a fresh SQLite file (and PostgreSQL when a URL is given, or SCHV_TEST_POSTGRES_URL is
set) with generated Dutch-looking questions and answers, inserted in bulk straight into the
tables (the full-text indexes are filled by the database's own triggers / generated column,
as in production), then times storage.search.search() — what `schv search` runs, opening
its read-only connection each time — for a mix of rare words, common words, phrases, OR,
and theme / minister / date filters. Prints p50 and p95 per database. Target: p95 under
50 ms on SQLite.

    .venv/bin/python benchmarks/search.py [--questions 50000] [--rounds 5]
        [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage import make_engine, upgrade
from storage.search import SearchFilters, search
from tests.databases import temporary_postgres_database

THEMES = ["Economie", "Wetenschap en Innovatie", "Welzijn", "Mobiliteit", "Onderwijs",
          "Energie", "Cultuur", "Landbouw", "Werk", "Wonen"]
MINISTERS = [(9001 + i, f"Minister{i}", name) for i, name in enumerate(
    ["Brouns", "Crevits", "Diependaele", "Demir", "Weyts", "Peeters", "Gennez", "Depraetere",
     "Somers", "Dalle"])]
# Words the queries use, at a chosen frequency rank among ~20,000 content words: text
# follows Zipf's law (frequency ~ 1/rank), so rank 30 is in about a third of the questions
# and rank 3000 in a few hundred. Everything else is generated compounds.
RANKED_WORDS = {
    "steun": 30, "subsidie": 40, "onderzoek": 50, "energie": 60, "innovatie": 100,
    "budget": 120, "klimaat": 150, "digitaal": 250, "haven": 300, "school": 350,
    "premie": 400, "netwerk": 600, "fiets": 800, "kinderopvang": 1200, "wachtlijst": 1500,
    "innovatiesteun": 3000,
}
_PARTS = ["steun", "subsidie", "innovatie", "bedrijf", "onderzoek", "haven", "energie",
          "school", "zorg", "wacht", "lijst", "kinder", "opvang", "weg", "werk", "fiets",
          "water", "klimaat", "premie", "budget", "project", "regio", "stad", "gemeente",
          "digitaal", "netwerk", "kennis", "centrum", "fonds", "investering", "export"]
FILLER = ["de", "het", "een", "van", "in", "op", "voor", "met", "en", "dat", "is", "zijn",
          "wordt", "werd", "welke", "hoeveel", "minister", "vraag", "antwoord", "jaar",
          "Vlaanderen", "Vlaamse", "overheid", "middelen", "maatregelen", "cijfers"]
VOCABULARY_SIZE = 20_000


def _vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    """Content words by frequency rank, and the cumulative Zipf weights to draw them."""
    generated: list[str] = []
    seen = set(RANKED_WORDS)
    while len(generated) < VOCABULARY_SIZE:
        word = "".join(rng.choice(_PARTS) for _ in range(rng.choice((2, 2, 3))))
        word += rng.choice(["", "en", "ing", "s", "beleid", "plan"])
        if word not in seen:
            seen.add(word)
            generated.append(word)
    words = generated[: VOCABULARY_SIZE - len(RANKED_WORDS)]
    for word, rank in sorted(RANKED_WORDS.items(), key=lambda item: item[1]):
        words.insert(rank - 1, word)
    cumulative, total = [], 0.0
    for rank in range(1, len(words) + 1):
        total += 1.0 / rank
        cumulative.append(total)
    return words, cumulative


def _text(rng: random.Random, vocabulary: tuple[list[str], list[float]], words: int) -> str:
    content = rng.choices(vocabulary[0], cum_weights=vocabulary[1], k=words)
    picks = [rng.choice(FILLER) if rng.random() < 0.45 else word for word in content]
    return " ".join(picks).capitalize() + "."


def fill(url: str, questions: int, seed: int = 5) -> None:
    rng = random.Random(seed)
    vocabulary = _vocabulary(rng)
    engine = make_engine(url)
    upgrade(engine)
    now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    stamp = now.replace(tzinfo=None) if url.startswith("sqlite") else now
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO person (id, first_name, last_name, full_name, party, updated_at) "
                 "VALUES (:id, :first, :last, :full, :party, :at)"),
            [{"id": pid, "first": first, "last": last, "full": f"{first} {last}",
              "party": None, "at": stamp} for pid, first, last in MINISTERS]
            + [{"id": 100 + i, "first": "Lid", "last": f"Nr{i}", "full": f"Lid Nr{i}",
                "party": rng.choice(["CD&V", "N-VA", "Groen", "Vooruit", "Open VLD"]),
                "at": stamp} for i in range(120)],
        )
        connection.execute(text("INSERT INTO theme (id, name) VALUES (:id, :name)"),
                           [{"id": i + 1, "name": name} for i, name in enumerate(THEMES)])
        batch: list[dict[str, object]] = []
        links: list[dict[str, object]] = []
        for n in range(questions):
            asked = dt.date(2019, 9, 1) + dt.timedelta(days=rng.randrange(2000))
            answered = asked + dt.timedelta(days=rng.randrange(5, 60)) if rng.random() < 0.85 \
                else None
            batch.append({
                "id": 1_000_000 + n, "number": n % 900 + 1,
                "session_year": f"{asked.year}-{asked.year + 1}",
                "title": _text(rng, vocabulary, 8), "subject": _text(rng, vocabulary, 6),
                "asked_on": asked, "answered_on": answered, "published_on": asked,
                "status": "answered" if answered else "asked",
                "on_time": (answered - asked).days <= 20 if answered else None,
                "asker_id": 100 + rng.randrange(120), "minister_id": rng.choice(MINISTERS)[0],
                "procedure_json": "[]", "source_hash": str(n),
                "question_text": _text(rng, vocabulary, 90),
                "answer_text": _text(rng, vocabulary, 130) if answered else None,
                "at": stamp,
            })
            links.append({"q": 1_000_000 + n, "t": rng.randrange(len(THEMES)) + 1})
            if len(batch) == 2000 or n == questions - 1:
                connection.execute(text(
                    "INSERT INTO question (id, number, session_year, title, subject, asked_on, "
                    "answered_on, published_on, status, on_time, asker_id, minister_id, "
                    "procedure_json, source_hash, question_text, answer_text, first_seen_at, "
                    "updated_at, last_checked_at) VALUES (:id, :number, :session_year, :title, "
                    ":subject, :asked_on, :answered_on, :published_on, :status, :on_time, "
                    ":asker_id, :minister_id, :procedure_json, :source_hash, :question_text, "
                    ":answer_text, :at, :at, :at)"), batch)
                connection.execute(text(
                    "INSERT INTO question_theme (question_id, theme_id) VALUES (:q, :t)"), links)
                batch, links = [], []
    if not url.startswith("sqlite"):
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()


QUERIES: list[tuple[str, SearchFilters]] = [
    ("innovatiesteun", SearchFilters()),
    ("subsidie", SearchFilters()),
    ("haven energie", SearchFilters()),
    ('"innovatie budget"', SearchFilters()),
    ("klimaat OR fiets", SearchFilters()),
    ("onderzoek", SearchFilters(theme="Economie")),
    ("premie", SearchFilters(minister="Brouns")),
    ("steun", SearchFilters(since=dt.date(2023, 1, 1))),
    ("kinderopvang wachtlijst", SearchFilters(theme="Welzijn", since=dt.date(2021, 1, 1))),
    ("digitaal netwerk -school", SearchFilters()),
]


def matches(url: str) -> list[int]:
    """How many questions each query's first word is in (SQLite's index), for the record."""
    import sqlite3

    path = make_url(url).database or ""
    with sqlite3.connect(path) as connection:
        return [connection.execute(
            "SELECT count(*) FROM question_fts WHERE question_fts MATCH ?",
            (query.split()[0].strip('"'),)).fetchone()[0] for query, _ in QUERIES]


def measure(url: str, rounds: int) -> list[float]:
    search(url, "warm", limit=20)  # first open: page cache, imports
    timings = []
    for _ in range(rounds):
        for query, filters in QUERIES:
            started = time.perf_counter()
            search(url, query, filters=filters, limit=20)
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def report(label: str, url: str, questions: int, rounds: int) -> None:
    started = time.perf_counter()
    fill(url, questions)
    filled = time.perf_counter() - started
    if url.startswith("sqlite"):
        print("questions holding each query's first word: " + ", ".join(
            f"{query.split()[0].strip(chr(34))} {count}"
            for (query, _), count in zip(QUERIES, matches(url), strict=True)))
    timings = sorted(measure(url, rounds))
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    print(f"{label:<10} {questions} questions filled in {filled:.1f} s; {len(timings)} searches: "
          f"p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=5, help="times each query is run")
    parser.add_argument("--postgres-url", default=os.environ.get("SCHV_TEST_POSTGRES_URL"),
                        help="server to create a scratch database on (default: "
                        "$SCHV_TEST_POSTGRES_URL; none: SQLite only)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="schv-bench-search-") as folder:
        report("sqlite", f"sqlite:///{Path(folder) / 'schv.sqlite3'}", args.questions,
               args.rounds)
    if args.postgres_url:
        with temporary_postgres_database(args.postgres_url, "schv_bench") as url:
            report("postgresql", url, args.questions, args.rounds)
    else:
        print("postgresql skipped: give --postgres-url or set SCHV_TEST_POSTGRES_URL")
    return 0


if __name__ == "__main__":
    sys.exit(main())
