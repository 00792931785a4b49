"""A question's answer deadline: 20 working days after the day it was asked.

Working days are Monday to Friday except Belgian public holidays (the parliament's own
recesses are not counted out: the rules of procedure do not suspend the deadline for them).
Pure functions, shared by storage (the `due_on` column) and its migration.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

ANSWER_WORKING_DAYS = 20

# (month, day) of the fixed Belgian public holidays.
_FIXED_HOLIDAYS = ((1, 1), (5, 1), (7, 21), (8, 15), (11, 1), (11, 11), (12, 25))
# Days after Easter Sunday: Easter Monday, Ascension Day, Whit Monday.
_EASTER_OFFSETS = (1, 39, 50)


def easter_sunday(year: int) -> dt.date:
    """Gregorian Easter (the anonymous Gregorian algorithm, a.k.a. Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


@lru_cache(maxsize=64)
def belgian_holidays(year: int) -> frozenset[dt.date]:
    easter = easter_sunday(year)
    return frozenset(
        [dt.date(year, month, day) for month, day in _FIXED_HOLIDAYS]
        + [easter + dt.timedelta(days=offset) for offset in _EASTER_OFFSETS]
    )


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in belgian_holidays(day.year)


def due_date(asked_on: dt.date | None, working_days: int = ANSWER_WORKING_DAYS) -> dt.date | None:
    """The day the answer is due: `working_days` working days after `asked_on`."""
    if asked_on is None:
        return None
    day = asked_on
    left = working_days
    while left:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day
