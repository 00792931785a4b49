"""Dutch and ISO dates."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline import parse_dutch_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("29 april 2024", dt.date(2024, 4, 29)),
        ("1 mei 2024", dt.date(2024, 5, 1)),
        ("3 februari 2024", dt.date(2024, 2, 3)),
        ("maandag 29 april 2024", dt.date(2024, 4, 29)),
        ("Woensdag, 1 mei 2024", dt.date(2024, 5, 1)),
        ("1ste mei 2024", dt.date(2024, 5, 1)),
        ("1e mei 2024", dt.date(2024, 5, 1)),
        ("2de december 2023", dt.date(2023, 12, 2)),
        ("29 APRIL 2024", dt.date(2024, 4, 29)),
        ("  29\napril\u00a02024 ", dt.date(2024, 4, 29)),
        ("12 okt. 2023", dt.date(2023, 10, 12)),
        ("29/04/2024", dt.date(2024, 4, 29)),
        ("2024-04-29", dt.date(2024, 4, 29)),
        # The date as written, not the UTC instant (which would be the 28th).
        ("2024-04-29T00:00:00+02:00", dt.date(2024, 4, 29)),
        ("2024-04-29T23:30:00-05:00", dt.date(2024, 4, 29)),
        ("2024-04-29T10:00:00Z", dt.date(2024, 4, 29)),
        ("2024-04-29T10:00:00.000+01:00", dt.date(2024, 4, 29)),
    ],
)
def test_parses(text: str, expected: dt.date) -> None:
    assert parse_dutch_date(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "april 2024", "29 aprl 2024", "31 februari 2024", "29 april", "2024-13-01",
     "29 april 2024 extra", "nr. 407"],
)  # fmt: skip
def test_rejects_with_the_text_in_the_message(text: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_dutch_date(text)
    assert repr(text) in str(info.value)
