"""A small, hand-checked data set for the analysis tests (views, search, exports)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from storage import Store
from storage.records import PersonRecord, QuestionRecord

BOTHUYNE = PersonRecord(1, "Robrecht", "Bothuyne", "CD&V")
DEPRAETERE = PersonRecord(3, "Kris", "Van Dijck", "N-VA")
BROUNS = PersonRecord(2, "Jo", "Brouns")
CREVITS = PersonRecord(4, "Hilde", "Crevits")

START = dt.date(2024, 1, 8)

# (id, asker, minister, themes, days to answer or None, on_time, status, subject, question)
QUESTIONS = [
    (101, BOTHUYNE, BROUNS, ("Economie",), 10, True, "answered",
     "Innovatiesteun voor kmo's", "Hoeveel innovatiesteun ging naar kmo's in 2023?"),
    (102, BOTHUYNE, BROUNS, ("Economie", "Wetenschap en Innovatie"), 20, True, "answered",
     "Subsidies voor de créatieve sector", "Welke subsidies kreeg de creatieve sector?"),
    (103, DEPRAETERE, BROUNS, ("Economie",), 40, False, "answered_late",
     "Havenontwikkeling", "Wat is de stand van de havenontwikkeling in Antwerpen?"),
    (104, DEPRAETERE, CREVITS, ("Welzijn",), None, None, "asked",
     "Wachtlijsten kinderopvang", "Hoe lang zijn de wachtlijsten in de kinderopvang?"),
    (105, BOTHUYNE, CREVITS, ("Welzijn",), 30, True, "answered",
     "Ruïnes van zorginstellingen", "Hoeveel zorginstellingen staan leeg?"),
    (106, BOTHUYNE, CREVITS, ("Welzijn",), None, None, "withdrawn",
     "Ingetrokken vraag", "Deze vraag werd ingetrokken."),
]


def record(row: tuple, session_year: str = "2023-2024") -> QuestionRecord:  # type: ignore[type-arg]
    qid, asker, minister, themes, days, on_time, status, subject, _question = row
    return QuestionRecord(
        id=qid,
        number=qid - 100,
        session_year=session_year,
        title=f"Vraag {qid}",
        subject=subject,
        themes=themes,
        asker=asker,
        minister=minister,
        asked_on=START + dt.timedelta(days=qid - 100),
        answered_on=None if days is None else START + dt.timedelta(days=qid - 100 + days),
        status=status,
        on_time=on_time,
        answer_kind=None,
        published_on=START,
        page_url=f"https://www.vlaamsparlement.be/vraag/{qid}",
        opendata_url=None,
        source_hash=f"h{qid}",
    )


def fill(url: str, raw_dir: Path) -> None:
    """Store the questions, then their texts the way the document pipeline would."""
    from sqlalchemy import text

    with Store.open(url, raw_dir) as store:
        for row in QUESTIONS:
            store.upsert_question(record(row))
        with store.engine.begin() as connection:
            for row in QUESTIONS:
                connection.execute(
                    text("UPDATE question SET question_text = :q, answer_text = :a WHERE id = :id"),
                    {"q": row[8], "a": f"Antwoord op vraag {row[0]}." if row[4] else None,
                     "id": row[0]},
                )
