"""Reading open data API records into storage records."""

from __future__ import annotations

import datetime as dt

import pytest

from scraper.errors import SourceChanged
from scraper.opendata import list_records, list_url, pfile_id, to_record

TITLE = "Agentschap Innoveren en Ondernemen (VLAIO) - Werkingsmiddelen structurele partners"
SEED = {
    "id": 1824236,
    "vraagnummer": 407,
    "titel": TITLE,
    "onderwerp": TITLE,
    "zittingsjaar": "2023-2024",
    "thema": ["Wetenschap en Innovatie", "Economie"],
    "vraagsteller": {"id": 4321, "voornaam": "Robrecht", "naam": "Bothuyne"},
    "minister": {"id": 3211, "voornaam": "Jo", "naam": "Brouns"},
    "procedureverloop": [
        {"status": "Vraag gesteld aan de minister", "datum": "2024-04-29T00:00:00+02:00"},
        {"status": "Tijdig beantwoord", "datum": "2024-05-27T00:00:00+02:00"},
    ],
    "tijdig": True,
    "bestand-ordered": [
        {"URL": "https://docs.vlaamsparlement.be/pfile?id=2064561", "mimetype": "application/pdf"},
        {"URL": "https://docs.vlaamsparlement.be/files/pfile?id=2064562"},
    ],
}


def _record(raw: dict = SEED, **kw: object):  # type: ignore[no-untyped-def]
    return to_record(
        raw,
        opendata_base_url="https://ws.vlpar.be/e/opendata",
        page_base_url="https://www.vlaamsparlement.be",
        **kw,  # type: ignore[arg-type]
    )


def test_seed_record() -> None:
    record = _record(published_on=dt.date(2024, 6, 20))
    assert record.id == 1824236 and record.number == 407
    assert record.asker is not None and record.asker.full_name == "Robrecht Bothuyne"
    assert record.minister is not None and record.minister.id == 3211
    # The date as written in Brussels, not shifted to UTC (which would be the 28th).
    assert record.asked_on == dt.date(2024, 4, 29)
    assert record.answered_on == dt.date(2024, 5, 27)
    assert record.status == "answered" and record.on_time is True
    assert record.themes == ("Wetenschap en Innovatie", "Economie")
    main, attachment = record.documents
    assert (main.pfile_id, main.role, main.position) == (2064561, "main", 0)
    assert (attachment.pfile_id, attachment.role) == (2064562, "attachment")
    assert record.page_url == (
        "https://www.vlaamsparlement.be/nl/parlementaire-documenten/schriftelijke-vragen/1824236"
    )


def test_unanswered_and_late() -> None:
    asked = {**SEED, "procedureverloop": SEED["procedureverloop"][:1], "tijdig": None}
    record = _record(asked)
    assert record.status == "asked" and record.answered_on is None
    late = {**SEED, "procedureverloop": [
        SEED["procedureverloop"][0],
        {"status": "Laattijdig beantwoord", "datum": "2024-07-01T00:00:00+02:00"},
    ], "tijdig": False}
    assert _record(late).status == "answered_late"


def test_hash_changes_with_content_and_publication_date() -> None:
    base = _record(published_on=dt.date(2024, 6, 20)).source_hash
    assert _record(published_on=dt.date(2024, 6, 20)).source_hash == base
    assert _record(published_on=dt.date(2024, 6, 21)).source_hash != base
    assert _record({**SEED, "titel": "x"}, published_on=dt.date(2024, 6, 20)).source_hash != base


def test_list_shapes() -> None:
    assert [r["id"] for r in list_records({"items": [SEED, {"schv": {"id": 5}}]}, "t")] == [
        1824236, 5
    ]
    assert [r["id"] for r in list_records([SEED], "t")] == [1824236]
    assert [r["id"] for r in list_records(SEED, "t")] == [1824236]
    with pytest.raises(SourceChanged, match="one list"):
        list_records({"a": [], "b": []}, "t")
    with pytest.raises(SourceChanged, match="no 'id'"):
        list_records({"items": [{"x": 1, "y": 2}]}, "t")


def test_bad_records_fail_loudly() -> None:
    with pytest.raises(SourceChanged, match="'id' is not a number"):
        _record({**SEED, "id": "abc"})
    with pytest.raises(SourceChanged, match="without 'URL'"):
        _record({**SEED, "bestand-ordered": [{"naam": "x.pdf"}]})
    with pytest.raises(SourceChanged, match="without a pfile id"):
        _record({**SEED, "bestand-ordered": [{"URL": "https://docs.vlaamsparlement.be/x.pdf"}]})


def test_urls() -> None:
    assert list_url("https://ws.vlpar.be/e/opendata/", [1, 2]) == (
        "https://ws.vlpar.be/e/opendata/schv/lijst?id=1,2"
    )
    assert pfile_id("https://docs.vlaamsparlement.be/files/pfile?id=42") == 42
