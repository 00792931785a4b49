"""Exports: one file per view, row counts equal to the views', real types in Parquet, the
same values from both databases, a filter, and one-line errors."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from schv.cli import main
from storage import QueryError, readonly_query
from storage.dictionary import load_dictionary
from storage.export import export_views
from tests.analysis_data import fill

VIEWS = [view.name for view in load_dictionary()]


@pytest.fixture
def filled_url(database_url: str, raw_dir: Path) -> str:
    fill(database_url, raw_dir)
    return database_url


def _count(url: str, view: str) -> int:
    return int(readonly_query(url, f"SELECT count(*) FROM {view}", timeout=10).rows[0][0])


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_every_view_with_its_row_count(filled_url: str, tmp_path: Path, fmt: str) -> None:
    exported = export_views(filled_url, tmp_path / "out", fmt)
    assert [item.view for item in exported] == VIEWS
    for item in exported:
        expected = _count(filled_url, item.view)
        assert item.rows == expected, item.view
        if fmt == "csv":
            with item.path.open(encoding="utf-8", newline="") as handle:
                assert sum(1 for _ in csv.reader(handle)) == expected + 1
        elif fmt == "jsonl":
            assert len(item.path.read_text(encoding="utf-8").splitlines()) == expected
        else:
            assert pq.read_metadata(item.path).num_rows == expected
    assert _count(filled_url, "written_questions") == 6


def test_parquet_types_follow_the_dictionary(filled_url: str, tmp_path: Path) -> None:
    export_views(filled_url, tmp_path, "parquet",
                 views=["written_questions", "answer_latency", "questions_per_member"])
    questions = pq.read_table(tmp_path / "written_questions.parquet")
    schema = questions.schema
    assert schema.field("asked_on").type == pa.date32()
    assert schema.field("answered_on").type == pa.date32()
    assert schema.field("id").type == pa.int64()
    assert schema.field("on_time").type == pa.bool_()
    assert schema.field("updated_at").type == pa.timestamp("us", tz="UTC")
    row = questions.filter(pa.compute.equal(questions["id"], 101)).to_pylist()[0]
    assert row["asked_on"] == dt.date(2024, 1, 9)
    assert row["answered_on"] == dt.date(2024, 1, 19)
    assert row["on_time"] is True
    latency = pq.read_table(tmp_path / "answer_latency.parquet")
    assert latency.schema.field("median_days").type == pa.float64()
    assert latency.schema.field("questions").type == pa.int64()
    members = pq.read_table(tmp_path / "questions_per_member.parquet")
    assert members.schema.field("first_asked_on").type == pa.date32()


def test_filter_applies_to_every_view(filled_url: str, tmp_path: Path) -> None:
    exported = export_views(filled_url, tmp_path, "jsonl", views=["written_questions"],
                            where="asked_on >= '2024-01-12'")
    rows = [json.loads(line) for line in exported[0].path.read_text().splitlines()]
    assert sorted(row["id"] for row in rows) == [104, 105, 106]


def test_jsonl_values_are_the_same_from_both_databases(filled_url: str, tmp_path: Path) -> None:
    exported = export_views(filled_url, tmp_path, "jsonl", views=["written_questions"],
                            where="id = 101")
    [row] = [json.loads(line) for line in exported[0].path.read_text().splitlines()]
    assert {k: row[k] for k in ("id", "asked_on", "on_time", "themes", "attachments")} == {
        "id": 101, "asked_on": "2024-01-09", "on_time": True, "themes": "Economie",
        "attachments": 0}
    assert row["updated_at"].endswith("+00:00")


@pytest.mark.parametrize("where, message", [
    ("no_such_column = 1", "cannot export written_questions"),
    ("1 = 1; DELETE FROM question", "one statement at a time"),
])
def test_bad_filter_is_one_line_and_changes_nothing(
    filled_url: str, tmp_path: Path, where: str, message: str
) -> None:
    with pytest.raises(QueryError, match=message) as caught:
        export_views(filled_url, tmp_path, "csv", views=["written_questions"], where=where)
    assert "\n" not in str(caught.value)
    assert _count(filled_url, "written_questions") == 6
    assert not (tmp_path / "written_questions.csv").exists()


def test_schv_export_command(filled_url: str, tmp_path: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    os.environ["SCHV_DATABASE_URL"] = filled_url
    try:
        code = main(["export", "--format", "csv", "--out", str(tmp_path / "e"),
                     "--view", "questions_per_member", "--view", "answer_latency"])
        out, _ = capsys.readouterr()
        assert code == 0
        assert out.splitlines() == [
            f"questions_per_member: 2 rows -> {tmp_path / 'e' / 'questions_per_member.csv'}",
            f"answer_latency: 6 rows -> {tmp_path / 'e' / 'answer_latency.csv'}",
        ]
        code = main(["export", "--out", str(tmp_path / "e"), "--view", "nope"])
        _, err = capsys.readouterr()
    finally:
        del os.environ["SCHV_DATABASE_URL"]
    assert code == 1
    assert err.startswith("schv: export failed: unknown view: nope") and err.count("\n") == 1
