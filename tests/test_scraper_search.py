"""The search API's query syntax and response reading, without the network."""

from __future__ import annotations

import datetime as dt

import pytest

from scraper.errors import SourceChanged
from scraper.search import (
    SearchScope,
    build_query,
    parse_search_page,
    search_url,
    split_range,
    wanted,
)


def test_date_range_query_with_theme() -> None:
    scope = SearchScope(since=dt.date(2024, 1, 1), until=dt.date(2024, 1, 31), theme="Economie")
    assert build_query(scope) == (
        "inmeta:publicatiedatum:daterange:2024-01-01..2024-01-31"
        "&requiredfields=aggregaattype:Schriftelijke vraag.thema:Economie"
    )


def test_open_ended_and_session_year_queries() -> None:
    assert build_query(SearchScope(since=dt.date(2024, 1, 1))).startswith(
        "inmeta:publicatiedatum:daterange:2024-01-01..&"
    )
    assert build_query(SearchScope(session_year="2023-2024")).startswith(
        "+inmeta:zittingsjaar=2023-2024&requiredfields="
    )


def test_search_url_encodes_spaces_but_keeps_the_syntax() -> None:
    url = search_url(
        "https://ws.vlpar.be/api/search/",
        SearchScope(since=dt.date(2024, 1, 1), until=dt.date(2024, 2, 1),
                    theme="Wetenschap en Innovatie"),
        page=3,
        page_size=100,
        collection="vp_collection",
    )
    assert url == (
        "https://ws.vlpar.be/api/search/query/inmeta:publicatiedatum:daterange:"
        "2024-01-01..2024-02-01&requiredfields=aggregaattype:Schriftelijke%20vraag."
        "thema:Wetenschap%20en%20Innovatie?collection=vp_collection&sort=date&max=100&page=3"
    )


def test_split_range_halves_and_stops_at_one_day() -> None:
    first, second = split_range(dt.date(2024, 1, 1), dt.date(2024, 1, 10))
    assert first == (dt.date(2024, 1, 1), dt.date(2024, 1, 5))
    assert second == (dt.date(2024, 1, 6), dt.date(2024, 1, 10))
    assert split_range(dt.date(2024, 1, 1), dt.date(2024, 1, 1)) == ()
    assert split_range(dt.date(2024, 1, 1), dt.date(2024, 1, 2)) == (
        (dt.date(2024, 1, 1), dt.date(2024, 1, 1)),
        (dt.date(2024, 1, 2), dt.date(2024, 1, 2)),
    )


def _hit(schv_id: int, soort: str, themes: list[str]) -> dict:
    tags = [{"name": "soort", "value": soort}, {"name": "publicatiedatum", "value": "2024-05-02"}]
    tags += [{"name": "thema", "value": t} for t in themes]
    return {"id": f"http://be.vlp.feed/{schv_id}/pfls/99{schv_id}", "metatags": {"metatag": tags}}


def test_parse_page_reads_repeated_metatags_and_filters() -> None:
    page = parse_search_page(
        {
            "count": "3",
            "lastindex": 3,
            "result": [
                _hit(1, "SCHV", ["Economie", "Werk"]),
                _hit(2, "VI", ["Economie"]),
                _hit(3, "SCHV", ["Cultuur"]),
            ],
        },
        "test",
    )
    assert page.count == 3 and page.lastindex == 3
    first = page.hits[0]
    assert (first.schv_id, first.pfile_id, first.themes) == (1, 991, ("Economie", "Werk"))
    assert first.published_on == dt.date(2024, 5, 2)
    kept = [h.schv_id for h in page.hits if wanted(h, ["economie", "Wetenschap en Innovatie"])]
    assert kept == [1]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("<html>", "expected a JSON object"),
        ({"results": []}, "no 'count'"),
        ({"count": "many", "result": []}, "not a number"),
        ({"count": "1", "result": {"a": 1}}, "not a list"),
        ({"error": "the api is limited to 10 000 search results."}, "limited to 10 000"),
        ({"count": "1", "result": [{"id": "x", "metatags": {"metatag": "soort"}}]}, "not a list"),
    ],
)
def test_unknown_shapes_fail_loudly(payload: object, message: str) -> None:
    with pytest.raises(SourceChanged, match=message):
        parse_search_page(payload, "search API")
