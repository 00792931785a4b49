"""Full-text search: ranked hits with highlighted snippets, filters, diacritics, an index
the database keeps in sync by itself, and hostile search text that stays plain text."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from schv.cli import main
from storage import QueryError
from storage.search import SearchFilters, fts5_query, search
from tests.analysis_data import fill


@pytest.fixture
def filled_url(database_url: str, raw_dir: Path) -> str:
    fill(database_url, raw_dir)
    return database_url


def _ids(url: str, query: str, **filters: object) -> list[int]:
    return [hit.id for hit in search(url, query, filters=SearchFilters(**filters))]  # type: ignore[arg-type]


def test_hits_with_highlighted_snippet(filled_url: str) -> None:
    [hit] = search(filled_url, "innovatiesteun", marks=("<b>", "</b>"))
    assert hit.id == 101
    assert hit.minister == "Jo Brouns" and hit.asker == "Robrecht Bothuyne"
    assert hit.asked_on == "2024-01-09"
    assert "<b>innovatiesteun</b>" in hit.snippet.lower()


def test_subject_ranks_above_answer_text(filled_url: str, raw_dir: Path) -> None:
    engine = create_engine(filled_url)
    with engine.begin() as connection:
        # 105's answer mentions the harbour once; 103 is about it (subject and question).
        connection.execute(text("UPDATE question SET answer_text = 'Zie ook havenontwikkeling.' "
                                "WHERE id = 105"))
    engine.dispose()
    assert _ids(filled_url, "havenontwikkeling") == [103, 105]


def test_diacritics_and_the_dutch_configuration(filled_url: str) -> None:
    # "créatieve" in the subject, "creatieve" in the question: either spelling finds it.
    assert _ids(filled_url, "créatieve") == [102]
    assert _ids(filled_url, "creatieve") == [102]
    if filled_url.startswith("sqlite"):
        assert _ids(filled_url, "ruines") == [105]  # diacritics folded
        assert _ids(filled_url, "zorginstel*") == [105]  # prefix
    else:
        assert _ids(filled_url, "wachtlijst") == [104]  # stemmed: wachtlijsten


def test_phrase_or_and_not(filled_url: str) -> None:
    assert _ids(filled_url, '"creatieve sector"') == [102]
    assert sorted(_ids(filled_url, "havenontwikkeling OR kinderopvang")) == [103, 104]
    assert _ids(filled_url, "vraag -ingetrokken -kinderopvang -haven -havenontwikkeling "
                            "-subsidies -innovatiesteun -zorginstellingen") == []


def test_filters(filled_url: str) -> None:
    assert sorted(_ids(filled_url, "hoeveel")) == [101, 105]
    assert _ids(filled_url, "hoeveel", theme="welzijn") == [105]
    assert _ids(filled_url, "hoeveel", minister="brouns") == [101]
    assert _ids(filled_url, "hoeveel", since=dt.date(2024, 1, 10)) == [105]
    assert _ids(filled_url, "hoeveel", theme="Economie", minister="Crevits") == []


def test_the_index_follows_inserts_updates_and_deletes(filled_url: str) -> None:
    engine = create_engine(filled_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(
                "UPDATE question SET answer_text = 'De zonnepanelen werden geplaatst.' "
                "WHERE id = 104"))
        assert _ids(filled_url, "zonnepanelen") == [104]
        with engine.begin() as connection:
            connection.execute(text("UPDATE question SET subject = 'Windmolens' WHERE id = 104"))
        assert _ids(filled_url, "windmolens") == [104]
        assert _ids(filled_url, "kinderopvang") == [104]  # still in the question text
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM question_theme WHERE question_id = 104"))
            connection.execute(text("DELETE FROM question WHERE id = 104"))
        assert _ids(filled_url, "zonnepanelen") == []
    finally:
        engine.dispose()


@pytest.mark.parametrize("hostile", [
    'NEAR(a b', '"', "subject:haven", "^haven", "haven AND", "(", "*", "a' OR 1=1 --",
    "'); DROP TABLE question; --",
])
def test_hostile_search_text_is_plain_text(filled_url: str, hostile: str) -> None:
    try:
        hits = search(filled_url, hostile)
    except QueryError as exc:
        assert str(exc).startswith("nothing to search for")
        return
    assert isinstance(hits, list)
    assert _ids(filled_url, "havenontwikkeling") == [103]


def test_fts5_query_quotes_every_word() -> None:
    assert fts5_query("innovatie steun") == '"innovatie" AND "steun"'
    assert fts5_query('"creatieve sector" OR kunst') == '("creatieve sector" OR "kunst")'
    assert fts5_query("haven -antwerpen") == '("haven") NOT "antwerpen"'
    assert fts5_query("steun*") == '"steun"*'
    assert fts5_query('subject:x ab"c') == '"subject:x" AND "ab""c"'
    with pytest.raises(QueryError):
        fts5_query("-alleen -negatief")


def test_schv_search_command(filled_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    os.environ["SCHV_DATABASE_URL"] = filled_url
    try:
        code = main(["search", "hoeveel", "--theme", "Economie", "--since", "2024-01-01"])
        out, _ = capsys.readouterr()
        assert code == 0
        lines = out.splitlines()
        assert lines[0] == " 1. 2023-2024 nr. 1 · 2024-01-09 · Jo Brouns · answered"
        assert lines[1].strip() == "Innovatiesteun voor kmo's"
        assert "[Hoeveel]" in lines[2]
        assert lines[-1] == "(1 hit)"
        code = main(["search", "--format", "jsonl", "kinderopvang"])
        out, _ = capsys.readouterr()
        assert [json.loads(line)["id"] for line in out.splitlines()] == [104]
        code = main(["search", "--since", "gisteren", "x"])
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        del os.environ["SCHV_DATABASE_URL"]
    _, err = capsys.readouterr()
    assert code == 2 and "not a date" in err and err.count("\n") == 1


def test_missing_database_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(QueryError, match="database not found"):
        search(f"sqlite:///{tmp_path / 'none.sqlite3'}", "x")
    assert not (tmp_path / "none.sqlite3").exists()
