"""The open data API: question details in JSON, read into storage records.

Pure functions; the spider fetches, these read. Anything that is not the shape described
in docs/sources.md raises SourceChanged naming the field.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qs, urlsplit

from scraper.errors import SourceChanged
from storage.records import (
    DocumentRef,
    PersonRecord,
    ProcedureStep,
    QuestionRecord,
    QuestionStatus,
)

JSON_ACCEPT = "application/json"


def detail_url(base_url: str, schv_id: int) -> str:
    return f"{base_url.rstrip('/')}/schv/{schv_id}"


def list_url(base_url: str, ids: Sequence[int]) -> str:
    # Literal commas, as public clients send them.
    return f"{base_url.rstrip('/')}/schv/lijst?id={','.join(str(int(i)) for i in ids)}"


def page_url(page_base_url: str, schv_id: int) -> str:
    return f"{page_base_url.rstrip('/')}/nl/parlementaire-documenten/schriftelijke-vragen/{schv_id}"


def list_records(payload: Any, where: str) -> list[dict[str, Any]]:
    """The question objects in a /schv or /schv/lijst JSON answer.

    The list form is not documented; we accept a bare list, or one list-valued key
    (`items`, ...), with each element either the record or a one-key wrapper around it.
    """
    if isinstance(payload, dict) and "id" in payload:
        items: Any = [payload]
    elif isinstance(payload, list):
        items = payload
    elif isinstance(payload, dict):
        lists = [v for v in payload.values() if isinstance(v, list)]
        if len(lists) != 1:
            raise SourceChanged(
                f"{where}: expected one list of questions, found keys {sorted(payload)}"
            )
        items = lists[0]
    else:
        raise SourceChanged(f"{where}: expected JSON object or list, got {type(payload).__name__}")
    records = []
    for item in items:
        if isinstance(item, dict) and "id" not in item and len(item) == 1:
            item = next(iter(item.values()))
        if not isinstance(item, dict) or "id" not in item:
            raise SourceChanged(f"{where}: a list element has no 'id': {str(item)[:120]}")
        records.append(item)
    return records


def _date(value: Any) -> dt.date | None:
    """The calendar date as written: `2024-04-29T00:00:00+02:00` is the 29th, even though
    it is the 28th in UTC."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _int(value: Any, field: str, where: str, *, required: bool = False) -> int | None:
    if value in (None, ""):
        if required:
            raise SourceChanged(f"{where}: missing '{field}'")
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise SourceChanged(f"{where}: '{field}' is not a number: {value!r}") from None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _person(raw: Any, field: str, where: str) -> PersonRecord | None:
    if raw in (None, {}, []):
        return None
    if isinstance(raw, list):  # a single person may come as a one-element list
        raw = raw[0]
    if not isinstance(raw, dict):
        raise SourceChanged(f"{where}: '{field}' is not an object")
    person_id = _int(raw.get("id"), f"{field}.id", where)
    if person_id is None:
        return None
    return PersonRecord(
        id=person_id,
        first_name=_text(raw.get("voornaam")) or "",
        last_name=_text(raw.get("naam")) or "",
        party=_party(raw.get("fractie")),
    )


def _party(raw: Any) -> str | None:
    # A plain name, or an object with one (`naam`) as other open data endpoints give it.
    if isinstance(raw, dict):
        raw = raw.get("naam") or raw.get("name")
    return _text(raw) if isinstance(raw, str) else None


def _themes(raw: Any, where: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str | dict):
        raw = [raw]
    if not isinstance(raw, list):
        raise SourceChanged(f"{where}: 'thema' is not a list")
    names = []
    for item in raw:
        name = item.get("naam") or item.get("name") if isinstance(item, dict) else item
        if _text(name):
            names.append(_text(name))
    return tuple(sorted(set(names), key=names.index))  # type: ignore[arg-type]


def _procedure(raw: Any, where: str) -> tuple[ProcedureStep, ...]:
    if raw is None:
        return ()
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list):
        raise SourceChanged(f"{where}: 'procedureverloop' is not a list")
    steps = []
    for step in raw:
        if not isinstance(step, dict) or "status" not in step:
            raise SourceChanged(f"{where}: a procedureverloop step without 'status'")
        document = step.get("document")
        if isinstance(document, dict):
            document = document.get("URL") or document.get("url")
        steps.append(
            ProcedureStep(
                status=_text(step.get("status")) or "",
                date=_date(step.get("datum")),
                document_url=_text(document),
            )
        )
    return tuple(steps)


def pfile_id(url: str) -> int | None:
    ids = parse_qs(urlsplit(url).query).get("id")
    try:
        return int(ids[0]) if ids else None
    except ValueError:
        return None


def _documents(raw: Any, where: str) -> tuple[DocumentRef, ...]:
    if raw is None:
        return ()
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list):
        raise SourceChanged(f"{where}: 'bestand-ordered' is not a list")
    refs = []
    for position, entry in enumerate(raw):
        url = _text(entry.get("URL") or entry.get("url")) if isinstance(entry, dict) else None
        if not url:
            raise SourceChanged(f"{where}: a 'bestand-ordered' entry without 'URL'")
        file_id = pfile_id(url)
        if file_id is None:
            raise SourceChanged(f"{where}: document URL without a pfile id: {url}")
        refs.append(
            DocumentRef(
                pfile_id=file_id,
                url=url,
                position=position,
                role="main" if position == 0 else "attachment",
                name=_text(entry.get("bestandsnaam") or entry.get("naam")),
                declared_type=_text(entry.get("mimetype")),
            )
        )
    return tuple(refs)


def _status(steps: Iterable[ProcedureStep], on_time: bool | None) -> tuple[
    QuestionStatus, dt.date | None, dt.date | None
]:
    asked_on = answered_on = None
    status: QuestionStatus = "asked"
    for step in steps:
        label = step.status.casefold()
        if "ingetrokken" in label:
            status = "withdrawn"
        elif "beantwoord" in label or "antwoord" in label:
            answered_on = step.date or answered_on
            late = "laattijdig" in label or "te laat" in label or on_time is False
            status = "answered_late" if late else "answered"
        elif "gesteld" in label or "ingediend" in label:
            asked_on = step.date or asked_on
    return status, asked_on, answered_on


def source_hash(raw: Mapping[str, Any]) -> str:
    canonical = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def to_record(
    raw: Mapping[str, Any],
    *,
    opendata_base_url: str,
    page_base_url: str,
    published_on: dt.date | None = None,
    asked_on_hint: dt.date | None = None,
) -> QuestionRecord:
    """One open data question object as a QuestionRecord."""
    where = f"open data question {raw.get('id')!r}"
    schv_id = _int(raw.get("id"), "id", where, required=True)
    assert schv_id is not None
    steps = _procedure(raw.get("procedureverloop"), where)
    on_time_raw = raw.get("tijdig")
    on_time = on_time_raw if isinstance(on_time_raw, bool) else None
    status, asked_on, answered_on = _status(steps, on_time)
    answer_kind = raw.get("soort-antwoord")
    return QuestionRecord(
        id=schv_id,
        number=_int(raw.get("vraagnummer"), "vraagnummer", where),
        session_year=_text(raw.get("zittingsjaar")),
        title=_text(raw.get("titel")),
        subject=_text(raw.get("onderwerp")),
        themes=_themes(raw.get("thema"), where),
        asker=_person(raw.get("vraagsteller"), "vraagsteller", where),
        minister=_person(raw.get("minister"), "minister", where),
        asked_on=asked_on or asked_on_hint,
        answered_on=answered_on,
        status=status,
        on_time=on_time,
        answer_kind=_text(answer_kind) if not isinstance(answer_kind, dict) else None,
        published_on=published_on,
        page_url=page_url(page_base_url, schv_id),
        opendata_url=detail_url(opendata_base_url, schv_id),
        procedure=steps,
        documents=_documents(raw.get("bestand-ordered"), where),
        # The publication date comes from the search hit; a move of it is a change too.
        source_hash=source_hash(
            {"record": raw, "published_on": published_on.isoformat() if published_on else None}
        ),
    )
