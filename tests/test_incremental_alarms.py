"""Staleness and yield alarms: a crawl that finished but cannot be trusted is `degraded`,
says why, exits non-zero (configurable) and shows in `schv status`."""

from __future__ import annotations

from pathlib import Path

from tests.crawling import replica_env, run_schv
from tests.replica import Replica
from tests.test_incremental import new_question, run_rows


def test_empty_discovery_where_there_were_hits_is_degraded(
    replica: Replica, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env = replica_env(replica.base_url, database_url, tmp_path / "raw",
                      SCHV_CRAWL_DOWNLOAD_DOCUMENTS="false")
    added = [replica.add_question(new_question(replica, n)) for n in range(1, 4)]
    assert run_schv(["crawl", "-q"], env).returncode == 0
    # The search API silently stops listing the recent questions (an empty index, a
    # renamed field): the crawl itself "succeeds".
    with replica._lock:
        replica.dataset.questions = [
            q for q in replica.dataset.questions if q not in added
        ]
    result = run_schv(["crawl", "-q"], env)
    assert result.returncode == 1
    assert "crawl #2 degraded" in result.stdout
    assert "discovery found nothing" in result.stdout and "found 3 questions" in result.stdout
    assert "run degraded" in result.stderr
    status = run_schv(["status"], env)
    assert "ALARM: the last run #2 is degraded: discovery found nothing" in status.stdout
    assert run_rows(database_url)[-1]["status"] == "degraded"

    # The exit code is configurable; the run is degraded all the same.
    env["SCHV_ALARMS_DEGRADED_EXIT_CODE"] = "0"
    again = run_schv(["crawl", "-q"], env)
    assert again.returncode == 0 and "degraded" in again.stdout
    # A degraded run never becomes the base of the next incremental window.
    assert run_rows(database_url)[-1]["params_json"] == run_rows(database_url)[1]["params_json"]


def test_html_page_with_status_200_is_degraded_with_its_reason(
    replica: Replica, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env = replica_env(replica.base_url, database_url, tmp_path / "raw")
    replica.fail_next("search", status=200, times=10,
                      body="<html><body>Onderhoud</body></html>")
    result = run_schv(["crawl", "-q"], env)
    assert result.returncode == 1
    assert "degraded" in result.stdout and "expected JSON" in result.stdout
    row = run_rows(database_url)[-1]
    assert row["status"] == "degraded" and "expected JSON" in row["message"]


def test_a_field_that_stops_being_filled_is_degraded(replica: Replica, tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env = replica_env(replica.base_url, database_url, tmp_path / "raw",
                      SCHV_CRAWL_DOWNLOAD_DOCUMENTS="false")
    assert run_schv(["crawl", "-q"], env).returncode == 0
    expected = sorted(replica.expected_ids(["Economie", "Wetenschap en Innovatie"]))
    # The open data API stops sending titles for most questions.
    with replica._lock:
        for schv_id in expected[:15]:
            question = replica.dataset.question(schv_id)
            assert question is not None
            question.titel = ""
    result = run_schv(["crawl", "-q", "--full"], env)
    assert result.returncode == 1, result.stdout
    assert "title filled in 0 of 15 questions of this run, usually 100%" in result.stdout
