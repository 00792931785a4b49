"""Dates as the parliament writes them: Dutch prose in the PDFs, ISO in the APIs."""

from __future__ import annotations

import datetime as dt
import re

MONTHS: dict[str, int] = {
    "januari": 1, "jan": 1,
    "februari": 2, "feb": 2, "febr": 2,
    "maart": 3, "mrt": 3, "maa": 3,
    "april": 4, "apr": 4,
    "mei": 5,
    "juni": 6, "jun": 6,
    "juli": 7, "jul": 7,
    "augustus": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")

_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY_ALT = "|".join(WEEKDAYS)

# Reused by the header and section parsers to find a date inside running text; `\s+`
# because extraction may break the line anywhere or flatten it.
DUTCH_DATE_PATTERN = (
    rf"(?:(?:{_WEEKDAY_ALT}),?\s+)?"
    rf"\d{{1,2}}(?:ste|de|e)?\s+(?:{_MONTH_ALT})\.?\s+\d{{4}}"
)

_DUTCH_RE = re.compile(
    rf"(?:(?:{_WEEKDAY_ALT}),?\s+)?(?P<day>\d{{1,2}})(?:ste|de|e)?\.?\s+"
    rf"(?P<month>{_MONTH_ALT})\.?\s+(?P<year>\d{{4}})",
    re.IGNORECASE,
)
_NUMERIC_RE = re.compile(r"(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})[/.-](?P<year>\d{4})")
_ISO_RE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ].*)?")


def parse_dutch_date(text: str) -> dt.date:
    """`29 april 2024`, `woensdag 1ste mei 2024`, `29/04/2024` or an ISO (date)time.

    An ISO datetime keeps its calendar date as written: `2024-04-29T00:00:00+02:00` is
    the 29th, because the API means a Belgian calendar day, not an instant to convert.
    """
    if not isinstance(text, str):
        raise ValueError(f"not a recognised date: {text!r}")
    cleaned = " ".join(text.replace("\u00a0", " ").split())
    try:
        if _ISO_RE.fullmatch(cleaned):
            if len(cleaned) == 10:
                return dt.date.fromisoformat(cleaned)
            # `Z` is accepted by fromisoformat only from 3.11 on; normalise to be explicit.
            return dt.datetime.fromisoformat(cleaned.replace("Z", "+00:00")).date()
        match = _DUTCH_RE.fullmatch(cleaned)
        if match:
            month = MONTHS[match["month"].lower()]
            return dt.date(int(match["year"]), month, int(match["day"]))
        match = _NUMERIC_RE.fullmatch(cleaned)
        if match:
            return dt.date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError as exc:  # a well-formed but impossible date: 31 februari 2024
        raise ValueError(f"invalid date {text!r}: {exc}") from exc
    raise ValueError(f"not a recognised date: {text!r}")
