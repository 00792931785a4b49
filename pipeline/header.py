"""The header of a question/answer PDF: number, asker, date, minister and title."""

from __future__ import annotations

from pipeline.dates import parse_dutch_date
from pipeline.grammar import locate_header
from pipeline.names import normalise_person_name
from pipeline.sections import Sections, split_sections
from storage.records import HeaderFields

__all__ = ["HeaderFields", "Sections", "parse_header", "split_sections"]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def parse_header(text: str) -> HeaderFields:
    """Header fields of the (cleaned or whitespace-flattened) text; None where absent."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    span = locate_header(text)
    if span is None:
        return HeaderFields()
    title = _one_line(span.title) if span.title else None
    asked_on = None
    if span.date:
        try:
            asked_on = parse_dutch_date(span.date)
        except ValueError:
            asked_on = None  # `31 februari`: a typo in the PDF must not fail the document
    return HeaderFields(
        number=int(span.number) if span.number else None,
        asker=normalise_person_name(span.asker) if span.asker else None,
        asked_on=asked_on,
        minister=normalise_person_name(span.minister) if span.minister else None,
        minister_title=title,
    )
