"""The answer deadline (20 working days) and the `open_questions` view, on SQLite and
PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import text

from storage import Store
from storage.lifecycle import belgian_holidays, due_date, easter_sunday
from tests.test_storage_repository import question


@pytest.mark.parametrize(
    ("year", "easter"),
    [(2019, dt.date(2019, 4, 21)), (2024, dt.date(2024, 3, 31)),
     (2025, dt.date(2025, 4, 20)), (2026, dt.date(2026, 4, 5))],
)
def test_easter(year: int, easter: dt.date) -> None:
    assert easter_sunday(year) == easter


def test_holidays_of_2024() -> None:
    assert belgian_holidays(2024) == {
        dt.date(2024, 1, 1), dt.date(2024, 4, 1), dt.date(2024, 5, 1), dt.date(2024, 5, 9),
        dt.date(2024, 5, 20), dt.date(2024, 7, 21), dt.date(2024, 8, 15),
        dt.date(2024, 11, 1), dt.date(2024, 11, 11), dt.date(2024, 12, 25),
    }


@pytest.mark.parametrize(
    ("asked", "due"),
    [
        # Four plain weeks: Monday -> the Monday four weeks later.
        (dt.date(2024, 2, 26), dt.date(2024, 3, 25)),
        # Asked on a Friday, and Easter Monday (1 April) is not a working day.
        (dt.date(2024, 3, 8), dt.date(2024, 4, 8)),
        # May 2024: Labour Day, Ascension and Whit Monday all fall inside.
        (dt.date(2024, 4, 29), dt.date(2024, 5, 30)),
        # Across Christmas and New Year.
        (dt.date(2024, 12, 16), dt.date(2025, 1, 15)),
        # Asked on a Sunday.
        (dt.date(2025, 3, 9), dt.date(2025, 4, 4)),
    ],
)
def test_due_date_counts_working_days(asked: dt.date, due: dt.date) -> None:
    assert due_date(asked) == due


def test_due_date_of_an_unknown_day_is_unknown() -> None:
    assert due_date(None) is None


def test_open_questions_lists_unanswered_questions_with_days_overdue(
    database_url: str, tmp_path: Path
) -> None:
    today = dt.date.today()
    asked_long_ago = today - dt.timedelta(days=100)
    asked_yesterday = today - dt.timedelta(days=1)
    with Store.open(database_url, tmp_path / "raw") as store:
        store.upsert_question(question())  # answered: not open
        store.upsert_question(question(
            id=2, answered_on=None, status="asked", on_time=None, asked_on=asked_long_ago,
            procedure=(), documents=(), source_hash="h2",
        ))
        store.upsert_question(question(
            id=3, answered_on=None, status="asked", on_time=None, asked_on=asked_yesterday,
            procedure=(), documents=(), source_hash="h3",
        ))
        with store.engine.connect() as connection:
            rows = {
                row.id: row for row in connection.execute(text(
                    "SELECT id, minister, asked_on, due_on, days_open, days_overdue "
                    "FROM open_questions ORDER BY id"
                ))
            }
            per_minister = connection.execute(text(
                "SELECT minister, count(*), max(days_overdue) FROM open_questions "
                "GROUP BY minister"
            )).all()
    assert set(rows) == {2, 3}
    old = rows[2]
    due = due_date(asked_long_ago)
    assert due is not None
    assert str(old.due_on)[:10] == due.isoformat()
    assert old.days_open == 100
    assert old.days_overdue == (today - due).days > 0
    assert rows[3].days_overdue == 0 and rows[3].days_open == 1
    assert per_minister == [("Jo Brouns", 2, (today - due).days)]


def test_answering_a_question_closes_it(database_url: str, tmp_path: Path) -> None:
    asked = question(answered_on=None, status="asked", on_time=None, procedure=(),
                     source_hash="asked")
    with Store.open(database_url, tmp_path / "raw") as store:
        store.upsert_question(asked)
        with store.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM open_questions")).scalar() == 1
        store.upsert_question(dataclasses.replace(question(), source_hash="answered"))
        with store.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM open_questions")).scalar() == 0
            status, due_on = connection.execute(
                text("SELECT status, due_on FROM question")
            ).one()
    assert status == "answered"
    assert str(due_on)[:10] == "2024-05-30"
