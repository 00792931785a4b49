"""The replica behaves as docs/sources.md describes the parliament's services."""

from __future__ import annotations

import datetime as dt
import io
import json
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from pdfminer.high_level import extract_text

from tests.replica import HIT_CAP_ERROR, Replica, generate_dataset, load_dataset
from tests.replica.data import DOCX, XLSX

DEFAULT_THEMES = {"Economie", "Wetenschap en Innovatie"}
SCHV = "aggregaattype:Schriftelijke%20vraag"


def dates(lo: str = "", hi: str = "") -> str:
    return f"inmeta:publicatiedatum:daterange:{lo}..{hi}"


@pytest.fixture(scope="module")
def replica() -> Iterator[Replica]:
    with Replica() as running:
        yield running


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def search(replica: Replica, query: str, *, page: int = 1, size: int = 100) -> tuple[int, Any]:
    url = (f"{replica.base_url}/api/search/query/{query}"
           f"?collection=vp_collection&sort=date&max={size}&page={page}")
    status, _, body = get(url)
    return status, json.loads(body)


def schv_ids(result: Any) -> set[int]:
    return {int(hit["id"].split("/")[3]) for hit in result.get("result", [])}


def tags(hit: Any, name: str) -> list[str]:
    return [t["value"] for t in hit["metatags"]["metatag"] if t["name"] == name]


def test_dataset_facts() -> None:
    data = load_dataset()
    assert len(data.questions) >= 32
    seed = data.question(1824236)
    assert seed is not None and seed.vraagnummer == 407
    assert seed.main_document.pfile == 2064561
    assert seed.text[:4] == ["SCHRIFTELIJKE VRAAG", "nr. 407", "van ROBRECHT BOTHUYNE",
                             "datum: 29 april 2024"]
    several = [q for q in data.questions if q.titel == "Kabinetten Diversiteitsbeleid"]
    assert len(several) == 9 and len({q.vraagnummer for q in several}) == 9
    def body(lines: list[str]) -> list[str]:
        end = next(i for i, line in enumerate(lines) if line.startswith("Deze vraag werd"))
        return lines[6:end + 1]

    assert all(body(q.text) == body(several[0].text) for q in several)
    assert {d.mimetype for q in data.questions for d in q.documents} >= {DOCX, XLSX}
    producers = {d.producer for q in data.questions for d in q.documents}
    assert {"reportlab", "fpdf2"} <= producers
    assert {q.id for q in data.questions if q.answered_on is None}
    assert any(q.tijdig is False for q in data.questions)
    assert load_dataset().dumps() == data.dumps()  # deterministic round trip


def test_generate_dataset_shape() -> None:
    data = generate_dataset(300, seed=1)
    assert len(data.questions) == 300
    assert len({q.id for q in data.questions}) == 300
    assert generate_dataset(300, seed=1).dumps() == data.dumps()
    assert data.expected_ids(DEFAULT_THEMES)
    assert any(q.answered_on is None for q in data.questions)


def test_search_by_date_range_and_theme(replica: Replica) -> None:
    query = dates("2024-01-01", "2024-06-30") + f"&requiredfields={SCHV}.thema:Economie"
    status, result = search(replica, query)
    assert status == 200
    expected = {q.id for q in replica.dataset.questions
                if "Economie" in q.thema
                and dt.date(2024, 1, 1) <= q.published_on <= dt.date(2024, 6, 30)}
    assert schv_ids(result) == expected
    assert int(result["count"]) >= len(expected)  # attachments are hits of their own
    assert all(tags(h, "soort") == ["SCHV"] for h in result["result"])
    published = [tags(h, "publicatiedatum")[0] for h in result["result"]]
    assert published == sorted(published, reverse=True)
    hit = result["result"][0]
    assert tags(hit, "opendata")[0].startswith(replica.base_url + "/e/opendata/schv/")
    assert "," in tags(hit, "vraagsteller")[0]


def test_open_ended_ranges_and_session_filters(replica: Replica) -> None:
    _, since = search(replica, dates("2025-01-01") + f"&requiredfields={SCHV}")
    assert schv_ids(since) == {q.id for q in replica.dataset.questions
                               if q.published_on >= dt.date(2025, 1, 1)}
    _, until = search(replica, dates("", "2023-06-30") + f"&requiredfields={SCHV}")
    assert schv_ids(until) == {q.id for q in replica.dataset.questions
                               if q.published_on <= dt.date(2023, 6, 30)}
    _, session = search(replica, f"+inmeta:zittingsjaar=2022-2023&requiredfields={SCHV}")
    assert schv_ids(session) == {q.id for q in replica.dataset.questions
                                 if q.zittingsjaar == "2022-2023"}
    _, term = search(replica, f"+inmeta:legislatuur=2024-2029&requiredfields={SCHV}")
    assert schv_ids(term) == {q.id for q in replica.dataset.questions
                              if q.legislatuur == "2024-2029"}


def test_or_filter_and_fully_encoded_segment(replica: Replica) -> None:
    plain = (f"+inmeta:legislatuur=2019-2024&requiredfields={SCHV}"
             ".(thema:Economie%7Cthema:Wetenschap%20en%20Innovatie)")
    _, result = search(replica, plain)
    expected = {q.id for q in replica.dataset.questions
                if q.legislatuur == "2019-2024" and DEFAULT_THEMES & set(q.thema)}
    assert schv_ids(result) == expected
    # The same query with the whole segment percent-encoded by the client.
    raw = ("+inmeta:legislatuur=2019-2024&requiredfields=aggregaattype:Schriftelijke vraag"
           ".(thema:Economie|thema:Wetenschap en Innovatie)")
    _, encoded = search(replica, quote(raw, safe=""))
    assert schv_ids(encoded) == expected


def test_theme_filter_can_be_ignored() -> None:
    with Replica(server_side_theme_filter=False) as loose:
        query = dates("2023-01-01") + f"&requiredfields={SCHV}.thema:Economie"
        _, result = search(loose, query)
        found = schv_ids(result)
        assert found == {q.id for q in loose.dataset.questions}
        assert found > loose.expected_ids({"Economie"})


def test_non_schv_hits_only_without_precise_filter(replica: Replica) -> None:
    _, broad = search(replica, dates("2023-01-01") + "&requiredfields=thema:Economie")
    soorten = {tags(h, "soort")[0] for h in broad["result"]}
    assert {"SCHV", "VI", "VERS"} <= soorten
    _, precise = search(replica, dates("2023-01-01") + f"&requiredfields={SCHV}")
    assert {tags(h, "soort")[0] for h in precise["result"]} == {"SCHV"}


def test_attachments_are_extra_hits_with_the_same_schv_id(replica: Replica) -> None:
    _, result = search(replica, dates("2024-01-01", "2024-12-31") + f"&requiredfields={SCHV}")
    ids = [int(h["id"].split("/")[3]) for h in result["result"]]
    assert ids.count(1802313) == 2  # main PDF and the xlsx bijlage
    mimetypes = {tags(h, "mimetype")[0] for h in result["result"] if "1802313" in h["id"]}
    assert mimetypes == {"application/pdf", XLSX}


def test_paging_and_lastindex(replica: Replica) -> None:
    query = dates("2023-01-01") + f"&requiredfields={SCHV}"
    _, whole = search(replica, query)
    total = int(whole["count"])
    seen: list[str] = []
    page = 1
    while True:
        status, part = search(replica, query, page=page, size=7)
        assert status == 200 and part["count"] == str(total)
        if not part.get("result"):
            break
        seen += [h["id"] for h in part["result"]]
        assert part["lastindex"] == len(seen)
        page += 1
    assert seen == [h["id"] for h in whole["result"]]
    assert page == -(-total // 7) + 1


def test_bad_requests_give_400(replica: Replica) -> None:
    for query in ("inmeta:publicatiedatum:daterange:2024-13-01..",
                  "inmeta:publicatiedatum:daterange:..",
                  "freetext&requiredfields=x:y",
                  f"inmeta:zittingsjaar=2023-2024&partialfields={SCHV}",
                  "inmeta:zittingsjaar=2023-2024&requiredfields=(thema:Economie"):
        status, body = search(replica, query)
        assert status == 400 and "error" in body, query
    status, body = search(replica, "inmeta:zittingsjaar=2023-2024", size=101)
    assert status == 400


def test_hit_cap() -> None:
    with Replica(hit_cap=10) as capped:
        query = dates("2023-01-01") + f"&requiredfields={SCHV}"
        status, first = search(capped, query, size=10)
        assert status == 200 and int(first["count"]) > 10
        status, body = search(capped, query, page=2, size=10)
        assert (status, body) == (400, {"error": HIT_CAP_ERROR})
        capped.set_hit_cap(1000)
        assert search(capped, query, page=2, size=10)[0] == 200


def test_opendata_xml_by_default_json_on_accept(replica: Replica) -> None:
    url = f"{replica.base_url}/e/opendata/schv/1824236"
    status, headers, body = get(url)
    assert status == 200 and headers["Content-Type"].startswith("application/xml")
    assert b"<themas><thema>Economie</thema>" in body and b"<bestand-ordered><URL>" in body
    status, headers, body = get(url, {"Accept": "application/json"})
    record = json.loads(body)
    assert headers["Content-Type"].startswith("application/json")
    assert record["vraagnummer"] == 407 and record["thema"] == ["Economie",
                                                                 "Wetenschap en Innovatie"]
    assert record["procedureverloop"][0]["status"] == "Vraag gesteld aan de minister"
    assert record["procedureverloop"][1]["status"] == "Tijdig beantwoord"
    assert record["procedureverloop"][0]["datum"] == "2024-04-29T00:00:00+02:00"
    assert record["bestand-ordered"][0]["URL"].endswith("/pfile?id=2064561")
    assert record["minister"]["titel"].startswith("VLAAMS MINISTER VAN ECONOMIE")
    assert get(f"{replica.base_url}/e/opendata/schv/1000001")[0] == 404


def test_opendata_unanswered_and_late(replica: Replica) -> None:
    accept = {"Accept": "application/json"}
    open_q = json.loads(get(f"{replica.base_url}/e/opendata/schv/1802318", accept)[2])
    assert [s["status"] for s in open_q["procedureverloop"]] == ["Vraag gesteld aan de minister"]
    assert open_q["tijdig"] is None
    late = json.loads(get(f"{replica.base_url}/e/opendata/schv/1802317", accept)[2])
    assert late["procedureverloop"][-1]["status"] == "Laattijdig beantwoord"
    assert late["tijdig"] is False


def test_opendata_list(replica: Replica) -> None:
    base = f"{replica.base_url}/e/opendata/schv/lijst?id="
    status, _, body = get(base + "1824236,42,1745120", {"Accept": "application/json"})
    assert status == 200
    assert [r["id"] for r in json.loads(body)["items"]] == [1745120, 1824236]
    status, _, body = get(base + "1824236,1745120")
    assert status == 200 and body.count(b"<schv>") == 2 and b"<items>" in body
    assert get(base + "1824236,abc")[0] == 400


def test_documents_are_real_pdfs(replica: Replica) -> None:
    for q in (replica.dataset.question(1824236), replica.dataset.question(1802312)):
        assert q is not None
        status, headers, body = get(f"{replica.base_url}/files/pfile?id={q.main_document.pfile}")
        assert status == 200 and body.startswith(b"%PDF-")
        assert headers["Content-Type"] == "application/pdf"
        assert int(headers["Content-Length"]) == len(body)
        text = extract_text(io.BytesIO(body))
        assert "SCHRIFTELIJKE VRAAG" in text and f"nr. {q.vraagnummer}" in text


def test_docx_and_xlsx_are_valid_zips(replica: Replica) -> None:
    docx = replica.dataset.question(1745877)
    xlsx = replica.dataset.question(1802313)
    assert docx is not None and xlsx is not None
    for doc, part in ((docx.documents[0], "word/document.xml"),
                      (xlsx.documents[1], "xl/worksheets/sheet1.xml")):
        status, headers, body = get(f"{replica.base_url}/pfile?id={doc.pfile}")
        assert status == 200 and headers["Content-Type"] == doc.mimetype
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            assert archive.testzip() is None and part in archive.namelist()
    assert get(f"{replica.base_url}/files/pfile?id=1")[0] == 404


def test_etag_and_last_modified_give_304(replica: Replica) -> None:
    url = f"{replica.base_url}/files/pfile?id=2064561"
    _, headers, _ = get(url)
    assert get(url, {"If-None-Match": headers["ETag"]})[0] == 304
    assert get(url, {"If-None-Match": '"other"'})[0] == 200
    assert get(url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert get(url, {"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"})[0] == 200


def test_fault_injection_and_log(replica: Replica) -> None:
    replica.reset_log()
    replica.fail_next("opendata_one", status=503, retry_after=1)
    url = f"{replica.base_url}/e/opendata/schv/1824236"
    status, headers, _ = get(url, {"User-Agent": "schv-test"})
    assert status == 503 and headers["Retry-After"] == "1"
    assert get(url)[0] == 200
    replica.fail_next("/api/search/", status=200, body="<html>Onderhoud</html>",
                      content_type="text/html")
    status, headers, body = get(f"{replica.base_url}/api/search/query/x")
    assert status == 200 and body == b"<html>Onderhoud</html>"
    log = replica.requests_log
    assert [(r.status, r.headers.get("User-Agent")) for r in log[:1]] == [(503, "schv-test")]
    counts = replica.counts_by_kind()
    assert counts["opendata_one"] == 2 and counts["search"] == 1


def test_pages_robots_and_unknown_paths(replica: Replica) -> None:
    status, _, body = get(f"{replica.base_url}/nl/parlementaire-documenten/"
                          "schriftelijke-vragen/1824236")
    assert status == 200 and b"Download pdf" in body and b"Werkingsmiddelen" in body
    old_page = "/parlementaire-documenten/schriftelijke-vragen/1824236"
    assert get(replica.base_url + old_page)[0] == 200
    status, _, body = get(f"{replica.base_url}/robots.txt")
    assert status == 200 and b"Disallow: /private/" in body
    assert get(f"{replica.base_url}/private/x")[0] == 404
    assert get(f"{replica.base_url}/nothing")[0] == 404


def test_publish_answer_changes_record_and_document() -> None:
    with Replica() as fresh:
        question = fresh.dataset.question(1826017)
        assert question is not None
        url = f"{fresh.base_url}/files/pfile?id={question.main_document.pfile}"
        _, before, body = get(url)
        assert "ANTWOORD" not in extract_text(io.BytesIO(body))
        fresh.publish_answer(1826017, dt.date(2024, 6, 20), late=True)
        _, after, body = get(url)
        assert after["ETag"] != before["ETag"] and "ANTWOORD" in extract_text(io.BytesIO(body))
        record = json.loads(get(f"{fresh.base_url}/e/opendata/schv/1826017",
                                {"Accept": "application/json"})[2])
        assert record["procedureverloop"][-1]["status"] == "Laattijdig beantwoord"
        _, result = search(fresh, dates("2024-06-20", "2024-06-20") + f"&requiredfields={SCHV}")
        assert 1826017 in schv_ids(result)
        # The module's shared replica is untouched: each Replica copies its data set.
        shared = load_dataset().question(1826017)
        assert shared is not None and shared.answered_on is None


def test_expected_ids_for_default_themes(replica: Replica) -> None:
    expected = replica.expected_ids(DEFAULT_THEMES)
    assert {1824236, 1802311, 1802319, 1795502, 1868031} <= expected
    assert 1821890 not in expected and 1807733 not in expected


def test_concurrent_requests_on_a_large_data_set() -> None:
    from concurrent.futures import ThreadPoolExecutor

    with Replica(generate_dataset(300)) as big:
        pfiles = [q.main_document.pfile for q in big.dataset.questions[:40]]
        with ThreadPoolExecutor(16) as pool:
            statuses = list(pool.map(
                lambda p: get(f"{big.base_url}/files/pfile?id={p}")[0], pfiles * 2))
        assert statuses == [200] * 80
        _, result = search(big, dates("2023-01-01") + f"&requiredfields={SCHV}")
        assert int(result["count"]) >= 300
