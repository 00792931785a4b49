"""End to end: a real crawl of the replica fills the analysis views and the search index
(party from the open data API's `fractie`, texts from the parsed PDFs)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from storage import readonly_query
from storage.search import search
from tests.crawling import replica_env, run_schv
from tests.replica import Replica

THEMES = ("Economie", "Wetenschap en Innovatie")


def test_crawl_fills_views_and_search(database_url: str, tmp_path: Path) -> None:
    with Replica() as replica:
        env = replica_env(replica.base_url, database_url, tmp_path / "raw")
        result = run_schv(["crawl", "--theme", THEMES[0], "--theme", THEMES[1]], env)
        assert result.returncode == 0, result.stderr
        expected = [replica.dataset.question(i) for i in replica.expected_ids(THEMES)]

    members = readonly_query(
        database_url,
        "SELECT member_id, party, sum(questions) FROM questions_per_member "
        "GROUP BY member_id, party",
        timeout=10,
    ).rows
    asked = Counter((q.vraagsteller.id, q.vraagsteller.fractie) for q in expected)
    assert {(m, p): n for m, p, n in members} == asked

    latency = readonly_query(
        database_url,
        "SELECT value, questions FROM answer_latency WHERE dimension = 'minister'",
        timeout=10,
    ).rows
    assert dict(latency) == Counter(q.minister.full_name for q in expected)

    # Every stored question can be found by a word of its title.
    question = expected[0]
    word = max(question.titel.split(), key=len).strip(".,;:?!()'\"")
    assert question.id in [hit.id for hit in search(database_url, word, limit=100)]
