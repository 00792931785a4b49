"""End to end: the real `schv crawl` in a subprocess, against the replica on 127.0.0.1,
checked through the `written_questions` view, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.crawling import replica_env, run_schv, table_count, view_rows
from tests.replica import Replica

DEFAULT_THEMES = ("Economie", "Wetenschap en Innovatie")
SEED_ID = 1824236



def _as_date(value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value  # type: ignore[return-value]
    return dt.date.fromisoformat(str(value))


def test_crawl_stores_exactly_the_themes_and_a_rerun_changes_nothing(
    replica: Replica, database_url: str, tmp_path: Path
) -> None:
    env = replica_env(replica.base_url, database_url, tmp_path / "raw")
    first = run_schv(
        ["crawl", "--theme", "Economie", "--theme", "Wetenschap en Innovatie"], env
    )
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in first.stderr
    # Progress on stderr (a log file gets whole lines), the summary on stdout.
    wanted = len(replica.expected_ids(DEFAULT_THEMES))
    progress = [line for line in first.stderr.splitlines() if line.startswith("requests ")]
    assert progress and f"discovered {wanted} · new {wanted}" in progress[-1]
    assert f"discovered {wanted}, new {wanted}" in first.stdout

    rows = view_rows(database_url)
    expected = replica.expected_ids(DEFAULT_THEMES)
    assert set(rows) == expected
    assert len(expected) >= 25

    for question in (replica.dataset.question(i) for i in expected):
        row = rows[question.id]
        assert row["number"] == question.vraagnummer
        assert row["session_year"] == question.zittingsjaar
        assert row["title"] == question.titel
        assert _as_date(row["asked_on"]) == question.asked_on
        assert _as_date(row["answered_on"]) == question.answered_on
        assert row["asker"] == question.vraagsteller.full_name
        assert row["minister"] == question.minister.full_name
        assert row["themes"] == "; ".join(sorted(question.thema))
        assert row["document_url"] == replica.document_url(question.main_document)
        assert row["status"] == (
            "asked" if not question.answered else "answered" if question.tijdig
            else "answered_late"
        )

    seed = rows[SEED_ID]
    assert (seed["number"], seed["asker"], seed["minister"]) == (
        407, "Robrecht Bothuyne", "Jo Brouns"
    )
    assert seed["themes"] == "Economie; Wetenschap en Innovatie"
    assert _as_date(seed["asked_on"]) == dt.date(2024, 4, 29)
    assert seed["page_url"].endswith("/schriftelijke-vragen/1824236")
    assert "Hoe evalueert de minister deze werkingsmiddelen?" in seed["question_text"]
    assert seed["answer_text"].startswith("1. De toegekende steun")

    counts = {t: table_count(database_url, t) for t in ("question", "document", "person")}
    documents_before = replica.counts_by_kind()["document"]
    assert documents_before >= len(expected)
    replica.reset_log()

    second = run_schv(
        ["crawl", "--theme", "Economie", "--theme", "Wetenschap en Innovatie"], env
    )
    assert second.returncode == 0, second.stderr
    assert "nothing changed" in second.stdout
    assert "new 0, updated 0" in second.stdout
    assert {t: table_count(database_url, t) for t in counts} == counts
    assert set(view_rows(database_url)) == expected
    # Unchanged questions: no document is downloaded again.
    assert replica.counts_by_kind()["document"] == 0


def test_documents_are_kept_raw_and_failures_recorded(
    replica: Replica, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    raw = tmp_path / "raw"
    result = run_schv(["crawl", "-q"], replica_env(replica.base_url, database_url, raw))
    assert result.returncode == 0, result.stderr
    stored = [p for p in raw.rglob("*") if p.is_file()]
    assert len(stored) == table_count(database_url, "document")
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as connection:
        statuses = dict(
            connection.execute(
                text(
                    "SELECT d.pfile_id, d.parse_status FROM document d "
                    "JOIN question_document qd ON qd.pfile_id = d.pfile_id "
                    "WHERE qd.question_id = 1745877 AND qd.position = 0"
                )
            ).all()
        )
    engine.dispose()
    # The .docx main document is kept and read like a PDF (the parser issue added
    # Word); a format still unreadable would be `unsupported`, never silently dropped.
    assert list(statuses.values()) == ["ok"]


def test_politeness_user_agent_and_robots(replica: Replica, tmp_path: Path) -> None:
    env = replica_env(
        replica.base_url, f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path / "raw"
    )
    result = run_schv(["crawl", "-q", "--since", "2024-04-01", "--until", "2024-06-30"], env)
    assert result.returncode == 0, result.stderr
    log = replica.requests_log
    assert log[0].path == "/robots.txt"
    agents = {entry.headers.get("User-Agent") for entry in log}
    assert len(agents) == 1
    agent = agents.pop() or ""
    assert agent.startswith("schv/") and "https://" in agent
    opendata = [e for e in log if e.path.startswith("/e/opendata")]
    assert opendata and all("application/json" in e.headers.get("Accept", "") for e in opendata)
    # Details come in batches: one list request, not one request per question.
    assert all(e.path.startswith("/e/opendata/schv/lijst?id=") for e in opendata)


def test_search_range_is_split_under_the_hit_cap(replica: Replica, tmp_path: Path) -> None:
    replica.set_hit_cap(10)
    database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env = replica_env(replica.base_url, database_url, tmp_path / "raw",
                      SCHV_SEARCH_HIT_CAP="10", SCHV_SEARCH_PAGE_SIZE="5",
                      SCHV_CRAWL_DOWNLOAD_DOCUMENTS="false")
    result = run_schv(["crawl", "-q"], env)
    assert result.returncode == 0, result.stderr
    assert set(view_rows(database_url)) == replica.expected_ids(DEFAULT_THEMES)


def test_client_side_theme_filter_when_the_server_ignores_it(tmp_path: Path) -> None:
    with Replica(server_side_theme_filter=False) as replica:
        database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
        env = replica_env(replica.base_url, database_url, tmp_path / "raw",
                          SCHV_CRAWL_DOWNLOAD_DOCUMENTS="false")
        result = run_schv(["crawl", "-q", "--theme", "Werk"], env)
        assert result.returncode == 0, result.stderr
        assert set(view_rows(database_url)) == replica.expected_ids(["Werk"])
        assert "theme filter seems ignored" in result.stderr


def test_session_year(replica: Replica, tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env = replica_env(replica.base_url, database_url, tmp_path / "raw",
                      SCHV_CRAWL_DOWNLOAD_DOCUMENTS="false")
    result = run_schv(["crawl", "-q", "--session-year", "2023-2024"], env)
    assert result.returncode == 0, result.stderr
    expected = {
        q.id for q in replica.dataset.questions
        if q.zittingsjaar == "2023-2024" and set(q.thema) & set(DEFAULT_THEMES)
    }
    assert expected and set(view_rows(database_url)) == expected


def test_retry_after_is_honoured(replica: Replica, tmp_path: Path) -> None:
    replica.fail_next("search", status=503, retry_after=1, times=1)
    database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env = replica_env(replica.base_url, database_url, tmp_path / "raw",
                      SCHV_CRAWL_DOWNLOAD_DOCUMENTS="false")
    result = run_schv(["crawl", "-q", "--theme", "Economie"], env)
    assert result.returncode == 0, result.stderr
    searches = [e for e in replica.requests_log if e.path.startswith("/api/search")]
    assert searches[0].status == 503 and searches[1].status == 200
    assert searches[1].time - searches[0].time >= 0.95
    assert set(view_rows(database_url)) == replica.expected_ids(["Economie"])


def test_unreachable_source_fails_in_one_line_and_keeps_the_data(
    replica: Replica, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env = replica_env(replica.base_url, database_url, tmp_path / "raw",
                      SCHV_CRAWL_DOWNLOAD_DOCUMENTS="false")
    assert run_schv(["crawl", "-q"], env).returncode == 0
    before = view_rows(database_url)

    env["SCHV_SEARCH_API_URL"] = "http://127.0.0.1:9/api/search"
    env["SCHV_POLITENESS_RETRY_TIMES"] = "1"
    result = run_schv(["crawl", "-q"], env)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert "search API unreachable: http://127.0.0.1:9/api/search" in result.stdout
    assert view_rows(database_url) == before
    status = run_schv(["status"], env)
    assert status.returncode == 0 and "failed" in status.stdout


def test_html_error_page_instead_of_json_fails_loudly(
    replica: Replica, tmp_path: Path
) -> None:
    replica.fail_next("opendata_list", status=200, times=50)
    database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env = replica_env(replica.base_url, database_url, tmp_path / "raw")
    result = run_schv(["crawl", "-q", "--theme", "Economie"], env)
    assert result.returncode == 1
    assert "expected JSON" in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "env_extra", "message"),
    [
        (["crawl", "--since", "2024-02-30"], {}, "invalid date '2024-02-30'"),
        (["crawl", "--session-year", "2023-2025"], {}, "invalid session year"),
        (["crawl", "--since", "2024-05-01", "--until", "2024-01-01"], {}, "is after"),
        (["crawl"], {"SCHV_POLITENESS_RETRY_TIMES": "many"}, "politeness.retry_times"),
        (["crawl"], {"SCHV_DATABASE_URL": "mysql://x"}, "database.url"),
        (["status"], {"SCHV_CRAWL_SINCE": "yesterday"}, "crawl.since"),
    ],
)
def test_bad_arguments_and_config_give_one_line(
    replica: Replica, tmp_path: Path, args: list[str], env_extra: dict[str, str], message: str
) -> None:
    database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env = replica_env(replica.base_url, database_url, tmp_path / "raw", **env_extra)
    result = run_schv(args, env)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len([line for line in result.stderr.splitlines() if line.strip()]) <= 2
    assert not (tmp_path / "db.sqlite3").exists()
    assert replica.counts_by_kind()["search"] == 0
