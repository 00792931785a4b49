"""Incremental crawls against the replica, with the real `schv crawl` in a subprocess, on
SQLite and PostgreSQL: the request economy of the issue's Done-when, new questions and
published answers picked up, re-checks of unanswered questions, and a crawl killed with
SIGKILL completed by the next one."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import signal
import subprocess
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.crawling import ROOT, replica_env, run_schv, schv_command, table_count, view_rows
from tests.replica import Question, Replica

THEMES = ("Economie", "Wetenschap en Innovatie")
# An unanswered question in both default themes: its document holds the question only.
TEMPLATE_ID = 1868031



def new_question(replica: Replica, n: int, *, asked_days_ago: int = 10) -> Question:
    """A fresh unanswered question in the default themes, published a few days ago."""
    template = replica.dataset.question(TEMPLATE_ID)
    assert template is not None and template.answered_on is None
    asked = dt.date.today() - dt.timedelta(days=asked_days_ago)
    question = copy.deepcopy(template)
    return dataclasses.replace(
        question,
        id=1_900_000 + n,
        vraagnummer=500 + n,
        titel=f"{template.titel} ({n})",
        asked_on=asked,
        published_on=asked + dt.timedelta(days=3),
        documents=[dataclasses.replace(d, pfile=2_100_000 + 10 * n + d.position)
                   for d in question.documents],
        revision=0,
    )


def document_downloads(replica: Replica) -> list[str]:
    """Paths of documents served with their bytes (200), not 304s."""
    return [e.path for e in replica.requests_log
            if e.path.startswith(("/files/pfile", "/pfile")) and e.status == 200]


def run_rows(database_url: str) -> list[dict[str, object]]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            result = connection.execute(text("SELECT * FROM crawl_run ORDER BY id"))
            return [dict(row) for row in result.mappings()]
    finally:
        engine.dispose()


def test_incremental_run_requests_only_the_overlap_window_and_picks_up_changes(
    replica: Replica, database_url: str, tmp_path: Path
) -> None:
    env = replica_env(replica.base_url, database_url, tmp_path / "raw")
    for n in range(1, 6):
        replica.add_question(new_question(replica, n))
    full = run_schv(["crawl", "-q"], env)
    assert full.returncode == 0, full.stdout + full.stderr
    assert "full crawl" in full.stdout
    expected = replica.expected_ids(THEMES)
    assert set(view_rows(database_url)) == expected

    # Nothing changed: only robots.txt and the overlap window's search pages (one page per
    # theme here); nothing is due for a re-check yet (all checked moments ago).
    replica.reset_log()
    quiet = run_schv(["crawl", "-q"], env)
    assert quiet.returncode == 0, quiet.stdout + quiet.stderr
    assert "incremental crawl" in quiet.stdout and "nothing changed" in quiet.stdout
    counts = replica.counts_by_kind()
    assert counts["search"] == len(THEMES)
    assert counts["opendata_list"] == counts["opendata_one"] == 0
    assert counts["document"] == 0
    assert sum(counts.values()) == counts["search"] + counts["robots"]
    # The window is the watermark (today) minus the 45-day overlap.
    since = (dt.date.today() - dt.timedelta(days=45)).isoformat()
    searches = [e.path for e in replica.requests_log if e.path.startswith("/api/search")]
    assert all(f"daterange:{since}.." in s for s in searches), searches

    # Five answers published (their publication date moves to today): exactly those five
    # documents are downloaded again, and the questions are answered.
    answered = [1_900_000 + n for n in range(1, 6)]
    for schv_id in answered:
        replica.publish_answer(schv_id, dt.date.today() - dt.timedelta(days=1))
    replica.reset_log()
    result = run_schv(["crawl", "-q"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    downloads = document_downloads(replica)
    pfiles = {2_100_000 + 10 * n for n in range(1, 6)}
    assert sorted(downloads) == sorted(f"/files/pfile?id={p}" for p in pfiles)
    assert replica.counts_by_kind()["opendata_list"] == 1
    rows = view_rows(database_url)
    for schv_id in answered:
        assert rows[schv_id]["status"] == "answered"
        assert rows[schv_id]["answer_text"], schv_id
    assert "newly answered 5" in result.stdout
    last = run_rows(database_url)[-1]
    assert (last["mode"], last["status"], last["newly_answered"], last["updated"]) == (
        "incremental", "ok", 5, 5
    )
    assert last["documents_parsed"] == 5
    open_ids = {r[0] for r in _open_questions(database_url)}
    assert not open_ids & set(answered)
    status = run_schv(["status"], env)
    assert status.returncode == 0
    assert f"last successful run: #{last['id']}" in status.stdout
    newest = max(q.published_on for q in replica.dataset.questions).isoformat()
    assert f"freshness: newest publication date {newest}" in status.stdout
    assert f"{len(open_ids)} questions waiting for an answer" in status.stdout


def _open_questions(database_url: str) -> list[tuple[object, ...]]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return [tuple(r) for r in connection.execute(
                text("SELECT id, minister, days_overdue FROM open_questions")
            )]
    finally:
        engine.dispose()


def test_recheck_finds_an_answer_published_outside_the_window(
    replica: Replica, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    # Every unanswered question is due at every run (interval 0 days).
    env = replica_env(replica.base_url, database_url, tmp_path / "raw",
                      SCHV_TRACKING_RECHECK_CADENCE="100000:0")
    assert run_schv(["crawl", "-q"], env).returncode == 0
    unanswered = {i for i, r in view_rows(database_url).items() if r["status"] == "asked"}
    assert TEMPLATE_ID in unanswered

    replica.reset_log()
    nothing = run_schv(["crawl", "-q"], env)
    assert nothing.returncode == 0, nothing.stdout
    # One /schv/lijst request for all the unanswered questions (fewer than 100), no document.
    assert replica.counts_by_kind()["opendata_list"] == 1
    assert replica.counts_by_kind()["document"] == 0
    assert f"re-checked {len(unanswered)} unanswered" in nothing.stdout
    assert "nothing changed" in nothing.stdout

    # The answer's publication date lies long before the overlap window: only the
    # re-check can see it.
    replica.publish_answer(TEMPLATE_ID, dt.date(2025, 6, 20), late=True,
                           published_on=dt.date(2025, 7, 1))
    replica.reset_log()
    found = run_schv(["crawl", "-q"], env)
    assert found.returncode == 0, found.stdout
    assert document_downloads(replica) == ["/files/pfile?id=2070274"]
    row = view_rows(database_url)[TEMPLATE_ID]
    assert row["status"] == "answered_late" and row["answer_text"]
    assert "newly answered 1" in found.stdout


def test_default_cadence_skips_old_questions_and_rechecks_young_ones(
    replica: Replica, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env = replica_env(replica.base_url, database_url, tmp_path / "raw")
    replica.add_question(new_question(replica, 1, asked_days_ago=5))
    assert run_schv(["crawl", "-q"], env).returncode == 0
    # Pretend every check happened two days ago: the 5-day-old question is due (daily),
    # the ones asked more than two years ago never are, those 1-2 years old are not due
    # before a month has passed.
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text(
            "UPDATE question SET last_checked_at = datetime(last_checked_at, '-2 days')"
        ))
    engine.dispose()
    replica.reset_log()
    result = run_schv(["crawl", "-q"], env)
    assert result.returncode == 0, result.stdout
    assert "re-checked 1 unanswered" in result.stdout
    lists = [e.path for e in replica.requests_log if e.path.startswith("/e/opendata/schv/lijst")]
    assert len(lists) == 1 and "1900001" in lists[0]


def test_full_flag_and_explicit_window_are_not_incremental(
    replica: Replica, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env = replica_env(replica.base_url, database_url, tmp_path / "raw",
                      SCHV_CRAWL_DOWNLOAD_DOCUMENTS="false")
    assert run_schv(["crawl", "-q"], env).returncode == 0
    full = run_schv(["crawl", "-q", "--full"], env)
    assert full.returncode == 0 and "full crawl of 2020-01-01..2026-12-31" in full.stdout
    narrow = run_schv(["crawl", "-q", "--since", "2024-01-01", "--until", "2024-12-31"], env)
    assert narrow.returncode == 0 and "full crawl of 2024-01-01..2024-12-31" in narrow.stdout
    runs = run_rows(database_url)
    # A hand-picked window leaves no watermark: the next incremental run goes on from the
    # last run that covered everything.
    assert [r["mode"] for r in runs] == ["full", "full", "full"]
    assert runs[0]["watermark"] is not None and runs[2]["watermark"] is None
    assert "incremental" in run_schv(["crawl", "-q"], env).stdout


def test_crawl_killed_with_sigkill_is_completed_by_the_next_run(
    replica: Replica, database_url: str, tmp_path: Path
) -> None:
    env = replica_env(replica.base_url, database_url, tmp_path / "raw")
    assert run_schv(["crawl", "-q"], env).returncode == 0
    new_ids = {1_900_000 + n for n in range(1, 9)}
    for n in range(1, 9):
        replica.add_question(new_question(replica, n))
    # One request at a time, 0.4 s apart: the crawl is surely among the documents when
    # it is killed.
    slow = {**env, "SCHV_POLITENESS_CONCURRENT_REQUESTS_PER_HOST": "1",
            "SCHV_POLITENESS_DOWNLOAD_DELAY": "0.4"}
    replica.reset_log()
    stored_before = _documents_ok(database_url)
    child = subprocess.Popen([*schv_command(), "crawl", "-q"], env=slow, cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Killed once the first new document is stored, however slow the machine: waiting on
    # the replica's count instead killed a loaded machine's crawl before any was stored.
    deadline = time.monotonic() + 60
    while _documents_ok(database_url) == stored_before and time.monotonic() < deadline:
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert _documents_ok(database_url) < table_count(database_url, "document"), (
        "the kill came too late to test anything"
    )

    replica.reset_log()
    result = run_schv(["crawl", "-q"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    expected = replica.expected_ids(THEMES)
    assert new_ids <= expected
    rows = view_rows(database_url)
    assert set(rows) == expected
    assert table_count(database_url, "question") == len(expected)
    assert _documents_ok(database_url) == table_count(database_url, "document")
    assert all(rows[i]["title"] and rows[i]["question_text"] for i in new_ids)
    # Only the unfinished work is done again: no document fetched before the kill.
    assert len(document_downloads(replica)) < len(new_ids)
    runs = run_rows(database_url)
    killed = runs[1]
    assert killed["status"] == "interrupted" and "abandoned" in killed["message"]
    assert runs[-1]["status"] == "ok"


def _documents_ok(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(
                text("SELECT count(*) FROM document WHERE fetch_status = 'ok'")
            ).scalar_one())
    finally:
        engine.dispose()
