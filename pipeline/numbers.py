"""Numbers as Dutch documents print them: `2.300.000`, `12,5`, `€ 1.250,50`, `3,2 %`."""

from __future__ import annotations

import re

# Thousands grouped by dots (or thin/normal spaces), decimals after a comma. A plain run
# of digits (`2023`, `15`) is a number too.
_NUMBER_RE = re.compile(
    r"(?P<sign>[-+−–])?\s*(?P<pre>€|EUR)?\s*(?P<sign2>[-−–])?\s*"
    r"(?P<int>\d{1,3}(?:[.\u202f\u00a0 ]\d{3})+|\d+)(?:,(?P<dec>\d+))?"
    r"\s*(?P<post>%|€|EUR|euro)?",
    re.IGNORECASE,
)
_UNITS = {"€": "€", "eur": "€", "euro": "€", "%": "%"}


def parse_number(text: str) -> tuple[int | float, str | None] | None:
    """(value, unit) when the whole of `text` is one number, else None.

    `2.300.000` -> (2300000, None), `12,5 %` -> (12.5, "%"), `€ 1.250,50` -> (1250.5, "€").
    Whole numbers stay int, so amounts compare exactly.
    """
    match = _NUMBER_RE.fullmatch(text.strip())
    if not match:
        return None
    digits = re.sub(r"[.\u202f\u00a0 ]", "", match["int"])
    value: int | float = float(f"{digits}.{match['dec']}") if match["dec"] else int(digits)
    if match["sign"] in {"-", "−", "–"} or match["sign2"]:
        value = -value
    unit_text = (match["pre"] or match["post"] or "").lower()
    return value, _UNITS.get(unit_text)
