"""End to end: a crawl against the replica where one document is a pathological PDF and
one is broken: each gets its own status, the crawl goes on, the raw bytes stay, and
`schv reparse` parses them again later with no network (the replica is gone)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from tests.corpus.pathological import dense_pdf
from tests.crawling import replica_env, run_schv, view_rows
from tests.replica import Replica


def _statuses(database_url: str) -> dict[int, tuple[str, str | None, str | None]]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            result = connection.execute(
                text("SELECT pfile_id, parse_status, parser_version, sha256 FROM document")
            )
            return {r.pfile_id: (r.parse_status, r.parser_version, r.sha256) for r in result}
    finally:
        engine.dispose()


def _count(database_url: str, view: str) -> int:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(f"SELECT count(*) FROM {view}")).scalar_one())
    finally:
        engine.dispose()


def test_pathological_documents_then_reparse_offline(database_url: str, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    with Replica() as replica:
        # The first two documents fetched: one that parses for seconds, one broken PDF.
        replica.fail_next("document", status=200, body=dense_pdf(14),
                          content_type="application/pdf")
        replica.fail_next("document", status=200, body=b"%PDF-1.4\n1 0 obj <<>> garbage\n%%EOF",
                          content_type="application/pdf")
        env = replica_env(replica.base_url, database_url, raw, SCHV_PARSE_TIME_LIMIT="1.5",
                          SCHV_PARSE_WORKERS="2")
        result = run_schv(["crawl", "-q"], env)
        expected_ok = len(replica.expected_ids(("Economie", "Wetenschap en Innovatie")))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    statuses = _statuses(database_url)
    by_status: dict[str, list[int]] = {}
    for pfile_id, (status, _version, _sha) in statuses.items():
        by_status.setdefault(status, []).append(pfile_id)
    assert len(by_status["timeout"]) == 1
    assert len(by_status["corrupt"]) == 1
    assert len(by_status["ok"]) >= expected_ok - 2
    # Every document's raw bytes were kept, the failed ones included.
    assert all(sha for _status, _version, sha in statuses.values())
    assert len(view_rows(database_url)) == expected_ok
    parts_before = _count(database_url, "question_parts")
    assert parts_before > 0
    assert _count(database_url, "answer_tables") > 0

    # The replica is gone: reparse reads only the raw folder and the database.
    offline = {k: v for k, v in env.items() if not k.startswith("SCHV_PARSE_TIME_LIMIT")}
    offline["SCHV_SEARCH_API_URL"] = "http://127.0.0.1:9/api/search"
    offline["SCHV_OPENDATA_API_URL"] = "http://127.0.0.1:9/e/opendata"
    offline["SCHV_DOCUMENT_BASE_URL"] = "http://127.0.0.1:9"
    failed = run_schv(["reparse", "--failed", "-q"], offline)
    assert failed.returncode == 0, failed.stderr
    assert failed.stdout.strip() == "reparsed 2 documents: corrupt 1, ok 1"
    after = _statuses(database_url)
    assert after[by_status["timeout"][0]][0] == "ok"
    assert after[by_status["corrupt"][0]][0] == "corrupt"

    none = run_schv(["reparse", "--older-than-version", "2.0.0", "-q"], offline)
    assert none.stdout.strip() == "reparsed 0 documents: none"
    everything = run_schv(["reparse", "--all", "-q"], offline)
    assert everything.returncode == 0, everything.stderr
    assert everything.stdout.startswith(f"reparsed {len(statuses)} documents:")
    # Parsing the same bytes again changes nothing and duplicates nothing.
    assert _count(database_url, "question_parts") == parts_before
    usage = run_schv(["reparse"], offline)
    assert usage.returncode == 2 and "choose --failed" in usage.stderr
