"""The document search API: query syntax, response reading, range splitting.

Pure functions; the spider turns them into requests. The syntax is the search
appliance's, glued into one path segment (see docs/sources.md, surface 1).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from scraper.errors import SourceChanged

SCHV_AGGREGATE = "Schriftelijke vraag"
# The earliest publication date we ask for when no start is given: older questions
# exist only as scanned or two-column documents anyway.
EPOCH = dt.date(1995, 1, 1)
_FEED_ID = re.compile(r"be\.vlp\.feed/(\d+)/pfls/(\d+)")
_OPENDATA_ID = re.compile(r"/schv/(\d+)\b")


@dataclass(frozen=True)
class SearchScope:
    """One discovery query: a publication-date range or a session year, maybe a theme."""

    since: dt.date | None = None
    until: dt.date | None = None
    session_year: str | None = None
    theme: str | None = None

    def describe(self) -> str:
        what = (
            f"session year {self.session_year}"
            if self.session_year
            else f"published {self.since or '…'}..{self.until or '…'}"
        )
        return f"{what}, theme {self.theme}" if self.theme else what


def build_query(scope: SearchScope) -> str:
    """The `{query}` path segment, before URL encoding."""
    if scope.session_year:
        query = f"+inmeta:zittingsjaar={scope.session_year}"
    else:
        since = scope.since.isoformat() if scope.since else ""
        until = scope.until.isoformat() if scope.until else ""
        query = f"inmeta:publicatiedatum:daterange:{since}..{until}"
    required = f"aggregaattype:{SCHV_AGGREGATE}"
    if scope.theme:
        required += f".thema:{scope.theme}"
    return f"{query}&requiredfields={required}"


def search_url(
    base_url: str, scope: SearchScope, *, page: int, page_size: int, collection: str
) -> str:
    # `:`, `&`, `=`, `+` and `.` are the appliance's own syntax inside the segment and
    # must stay literal; spaces and `|` are percent-encoded as public clients do.
    segment = quote(build_query(scope), safe=":&=+.")
    params = urlencode({"collection": collection, "sort": "date", "max": page_size,
                        "page": page})
    return f"{base_url.rstrip('/')}/query/{segment}?{params}"


def split_range(since: dt.date, until: dt.date) -> tuple[tuple[dt.date, dt.date], ...]:
    """Halve a date range (both ends inclusive). A single day cannot be split."""
    if since >= until:
        return ()
    middle = since + (until - since) // 2
    return ((since, middle), (middle + dt.timedelta(days=1), until))


@dataclass(frozen=True)
class Hit:
    schv_id: int
    pfile_id: int | None
    soort: str | None
    themes: tuple[str, ...]
    published_on: dt.date | None
    metatags: Mapping[str, tuple[str, ...]]

    def first(self, name: str) -> str | None:
        values = self.metatags.get(name)
        return values[0] if values else None


@dataclass(frozen=True)
class SearchPage:
    count: int
    lastindex: int
    hits: tuple[Hit, ...]
    # Hits we could not read (no id); reported, never silently dropped.
    unreadable: int = 0


def _metatags(raw: Any, where: str) -> dict[str, tuple[str, ...]]:
    if raw in (None, {}):
        return {}
    container = raw.get("metatag") if isinstance(raw, dict) else None
    if isinstance(container, dict):  # a single metatag may come unwrapped
        container = [container]
    if not isinstance(container, list):
        raise SourceChanged(f"{where}: 'metatags.metatag' is not a list ({type(raw).__name__})")
    tags: dict[str, list[str]] = {}
    for tag in container:
        if not isinstance(tag, dict) or "name" not in tag:
            raise SourceChanged(f"{where}: a metatag without a name: {str(tag)[:80]}")
        value = tag.get("value")
        if value is not None:
            tags.setdefault(str(tag["name"]), []).append(str(value).strip())
    return {k: tuple(v) for k, v in tags.items()}


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _hit(raw: Any, where: str) -> Hit | None:
    if not isinstance(raw, dict):
        raise SourceChanged(f"{where}: a result is not an object")
    tags = _metatags(raw.get("metatags"), where)
    match = _FEED_ID.search(str(raw.get("id", "")))
    schv_id = int(match.group(1)) if match else None
    pfile_id = int(match.group(2)) if match else None
    if schv_id is None:
        # Some hits carry the question id only in their open data link.
        opendata = _OPENDATA_ID.search((tags.get("opendata") or ("",))[0])
        schv_id = int(opendata.group(1)) if opendata else None
    if schv_id is None:
        return None
    soort = tags.get("soort", (None,))[0]
    return Hit(
        schv_id=schv_id,
        pfile_id=pfile_id,
        soort=soort,
        themes=tags.get("thema", ()),
        published_on=_date((tags.get("publicatiedatum") or (None,))[0]),
        metatags=tags,
    )


def parse_search_page(payload: Any, where: str) -> SearchPage:
    """Read one page of search results, or raise SourceChanged saying what differed."""
    if not isinstance(payload, dict):
        raise SourceChanged(f"{where}: expected a JSON object, got {type(payload).__name__}")
    if "error" in payload and "result" not in payload:
        raise SourceChanged(f"{where}: the search API answered an error: {payload['error']}")
    if "count" not in payload:
        raise SourceChanged(f"{where}: no 'count' in the response (keys: {sorted(payload)})")
    try:
        count = int(str(payload["count"]).replace(".", "").replace(",", ""))
    except ValueError:
        raise SourceChanged(f"{where}: 'count' is not a number: {payload['count']!r}") from None
    results = payload.get("result") or []
    if not isinstance(results, list):
        raise SourceChanged(f"{where}: 'result' is not a list")
    hits = [_hit(r, where) for r in results]
    try:
        lastindex = int(payload.get("lastindex") or 0)
    except (TypeError, ValueError):
        raise SourceChanged(f"{where}: 'lastindex' is not a number") from None
    return SearchPage(
        count=count,
        lastindex=lastindex,
        hits=tuple(h for h in hits if h is not None),
        unreadable=sum(h is None for h in hits),
    )


def wanted(hit: Hit, themes: Iterable[str]) -> bool:
    """Client-side check: a written question in one of the themes asked for."""
    if hit.soort != "SCHV":
        return False
    wanted_themes = {t.casefold() for t in themes}
    return any(t.casefold() in wanted_themes for t in hit.themes)
