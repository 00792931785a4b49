"""A local replica of the Flemish Parliament's four surfaces, on one 127.0.0.1 port.

Paths follow docs/sources.md: the search API (`/api/search/query/...`), the open data
API (`/e/opendata/schv/...`), the document store (`/files/pfile`, `/pfile`), the detail
pages, and `/robots.txt`. Tests point every `*_url` setting at `Replica.base_url`.
"""

from __future__ import annotations

import copy
import datetime as dt
import email.utils
import hashlib
import html
import json
import re
import threading
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple
from urllib.parse import parse_qs, unquote
from xml.sax.saxutils import escape

from tests.pdfs import render_pdf
from tests.replica.data import (
    DOCX,
    PDF,
    STATUS_ASKED,
    XLSX,
    Dataset,
    Document,
    OtherHit,
    Question,
    answer_lines,
    brussels_midnight,
    build_docx,
    build_xlsx,
    load_dataset,
)

HIT_CAP_ERROR = "the api is limited to 10 000 search results. Please reduce the date range."
ROBOTS_TXT = "User-agent: *\nDisallow: /private/\n"
KINDS = ("search", "opendata_one", "opendata_list", "document", "page", "robots", "other")
_LOGGED_HEADERS = ("User-Agent", "Accept", "If-None-Match", "If-Modified-Since")
_DATE_FIELDS = ("publicatiedatum", "themadatum", "statusdatumSchvBeantwoord")
_PAGE_PATHS = ("/nl/parlementaire-documenten/schriftelijke-vragen/",
               "/parlementaire-documenten/schriftelijke-vragen/")


class LoggedRequest(NamedTuple):
    method: str
    path: str  # path + query, as sent
    status: int
    headers: dict[str, str]  # only the headers of interest (User-Agent, Accept, ...)
    time: float = 0.0  # time.monotonic() when the request arrived, for pacing checks


@dataclass
class _Fault:
    key: str
    status: int
    times: int
    retry_after: int | None
    body: bytes | None
    content_type: str | None
    delay: float


@dataclass
class _Response:
    status: int
    body: bytes = b""
    content_type: str = "application/json;charset=UTF-8"
    headers: dict[str, str] = field(default_factory=dict)


class SearchQueryError(ValueError):
    """Syntax the replica does not understand: answered with HTTP 400."""


def kind_of(path: str) -> str:
    """Which surface a request path belongs to (for counts and fault injection)."""
    path = path.split("?", 1)[0]
    if path.startswith("/api/search/query/"):
        return "search"
    if path == "/e/opendata/schv/lijst":
        return "opendata_list"
    if path.startswith("/e/opendata/schv/"):
        return "opendata_one"
    if path in ("/files/pfile", "/pfile"):
        return "document"
    if path.startswith(_PAGE_PATHS):
        return "page"
    if path == "/robots.txt":
        return "robots"
    return "other"


# --- search query syntax -----------------------------------------------------------------

# A requiredfields expression: a list of OR alternatives, each a list of AND-ed atoms; an
# atom is a (name, value) term or a nested expression in parentheses.
Expr = list[list[Any]]


def _parse_required(text: str) -> Expr:
    """`a:x.b:y|(c:z.d:w)` -> OR of ANDs. `.` binds tighter than `|`, as in boolean
    algebra; parentheses group. Values are percent-decoded after splitting, so an
    encoded `.` (%2E) inside a value does not split it."""
    text = re.sub("%7[cC]", "|", text)
    text = re.sub("%28", "(", text)
    text = re.sub("%29", ")", text)
    pos = 0

    def parse_or() -> Expr:
        nonlocal pos
        alternatives = [parse_and()]
        while pos < len(text) and text[pos] == "|":
            pos += 1
            alternatives.append(parse_and())
        return alternatives

    def parse_and() -> list[Any]:
        nonlocal pos
        atoms = [parse_atom()]
        while pos < len(text) and text[pos] == ".":
            pos += 1
            atoms.append(parse_atom())
        return atoms

    def parse_atom() -> Any:
        nonlocal pos
        if pos < len(text) and text[pos] == "(":
            pos += 1
            inner = parse_or()
            if pos >= len(text) or text[pos] != ")":
                raise SearchQueryError("requiredfields: missing ')'")
            pos += 1
            return inner
        match = re.compile(r"[^.|()]+").match(text, pos)
        if not match:
            raise SearchQueryError(f"requiredfields: expected a term at {text[pos:]!r}")
        pos = match.end()
        name, sep, value = match.group().partition(":")
        if not sep or not name or not value:
            raise SearchQueryError(f"requiredfields: expected name:value, got {match.group()!r}")
        return (unquote(name), unquote(value))

    expr = parse_or()
    if pos != len(text):
        raise SearchQueryError(f"requiredfields: unexpected {text[pos:]!r}")
    return expr


def _date(text: str) -> dt.date | None:
    if text == "":
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise SearchQueryError(f"not a date (YYYY-MM-DD): {text!r}") from None


@dataclass
class SearchQuery:
    ranges: list[tuple[str, dt.date | None, dt.date | None]]
    equals: list[tuple[str, str]]
    required: Expr | None

    @classmethod
    def parse(cls, segment: str) -> SearchQuery:
        # A client may encode the whole segment (":" -> %3A) or only the values.
        if ":" not in segment and "%3A" in segment.upper():
            segment = unquote(segment)
        if "/" in segment:
            raise SearchQueryError("the query must be one path segment")
        head, *params = segment.split("&")
        query = cls(ranges=[], equals=[], required=None)
        for param in params:
            name, sep, value = param.partition("=")
            if name != "requiredfields" or not sep:
                raise SearchQueryError(f"unsupported search parameter {param!r}")
            if query.required is not None:
                raise SearchQueryError("requiredfields given twice")
            query.required = _parse_required(value)
        for token in re.split(r"[\s+]+", unquote(head)):
            if not token:
                continue
            if match := re.fullmatch(r"inmeta:(\w+):daterange:([\d-]*)\.\.([\d-]*)", token):
                name, lo, hi = match.groups()
                if name not in _DATE_FIELDS:
                    raise SearchQueryError(f"no date field {name!r}")
                if not lo and not hi:
                    raise SearchQueryError("daterange needs at least one end")
                query.ranges.append((name, _date(lo), _date(hi)))
            elif match := re.fullmatch(r"inmeta:(\w+)=(.+)", token):
                query.equals.append((match.group(1), match.group(2)))
            else:
                raise SearchQueryError(f"unsupported query term {token!r}")
        return query

    def matches(self, tags: Sequence[tuple[str, str]], *, theme_filter: bool) -> bool:
        values: dict[str, list[str]] = {}
        for name, value in tags:
            values.setdefault(name, []).append(value)
        for name, lo, hi in self.ranges:
            days = [dt.date.fromisoformat(v) for v in values.get(name, [])]
            if not any((lo is None or d >= lo) and (hi is None or d <= hi) for d in days):
                return False
        for name, value in self.equals:
            if value not in values.get(name, []):
                return False

        def term(atom: Any) -> bool:
            if isinstance(atom, list):
                return expr(atom)
            name, value = atom
            # The real API may ignore thema: (sources.md [I]); the spider filters anyway.
            if name == "thema" and not theme_filter:
                return True
            return value in values.get(name, [])

        def expr(alternatives: Expr) -> bool:
            return any(all(term(a) for a in group) for group in alternatives)

        return self.required is None or expr(self.required)


# --- the replica ---------------------------------------------------------------------------


@dataclass
class _Hit:
    schv_id: int
    pfile: int
    published: dt.date
    url: str
    snippet: str
    tags: list[tuple[str, str]]


class Replica:
    """The parliament's web services on 127.0.0.1, backed by a `Dataset`.

    Thread-safe: the HTTP server answers from worker threads while tests mutate the
    data, inject faults and read the request log.
    """

    def __init__(
        self,
        dataset: Dataset | None = None,
        *,
        hit_cap: int = 10000,
        server_side_theme_filter: bool = True,
    ) -> None:
        # A private copy: mutations in one test must not leak into the next.
        self.dataset = copy.deepcopy(dataset) if dataset is not None else load_dataset()
        self.hit_cap = hit_cap
        self.server_side_theme_filter = server_side_theme_filter
        self.requests_log: list[LoggedRequest] = []
        self._lock = threading.RLock()
        self._faults: list[_Fault] = []
        self._cache: dict[tuple[int, int], bytes] = {}
        self._render_locks: dict[int, threading.Lock] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._base_url = ""

    # -- lifecycle

    def start(self, port: int = 0) -> str:
        if self._server is not None:
            return self._base_url
        replica = self

        class Handler(_Handler):
            pass

        Handler.replica = replica
        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self._base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="schv-replica", daemon=True
        )
        self._thread.start()
        return self._base_url

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> Replica:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if not self._base_url:
            raise RuntimeError("the replica is not started")
        return self._base_url

    # -- observability and control

    def counts_by_kind(self) -> dict[str, int]:
        with self._lock:
            counts = Counter(kind_of(r.path) for r in self.requests_log)
        return {kind: counts.get(kind, 0) for kind in KINDS}

    def reset_log(self) -> None:
        with self._lock:
            self.requests_log.clear()

    def fail_next(
        self,
        kind_or_path_prefix: str,
        *,
        status: int = 503,
        times: int = 1,
        retry_after: int | None = None,
        body: bytes | str | None = None,
        content_type: str | None = None,
        delay: float = 0.0,
    ) -> None:
        """Answer the next `times` matching requests with `status` (and `body`).

        A kind from `KINDS` or a path prefix matches. `status=200` with an HTML body
        imitates an error page served in place of JSON; `delay` holds the answer back.
        """
        data = body.encode("utf-8") if isinstance(body, str) else body
        with self._lock:
            self._faults.append(_Fault(kind_or_path_prefix, status, times, retry_after,
                                       data, content_type, delay))

    def set_hit_cap(self, n: int) -> None:
        with self._lock:
            self.hit_cap = n

    def expected_ids(self, themes: Iterable[str]) -> set[int]:
        with self._lock:
            return self.dataset.expected_ids(themes)

    # -- mutations

    def add_question(self, record: Question | Mapping[str, Any]) -> Question:
        question = record if isinstance(record, Question) else Question.from_json(record)
        with self._lock:
            pfiles = {d.pfile for d, _ in self._documents().values()}
            if self.dataset.question(question.id) is not None:
                raise ValueError(f"question {question.id} exists already")
            if pfiles.intersection(d.pfile for d in question.documents):
                raise ValueError("a pfile id of this question is taken")
            self.dataset.questions.append(question)
        return question

    def publish_answer(
        self,
        schv_id: int,
        answered_on: dt.date,
        late: bool = False,
        *,
        answer: Sequence[str] | None = None,
        published_on: dt.date | None = None,
    ) -> Question:
        """Answer a question as the parliament would: an answer step in the procedure,
        the answer appended to the main document (new bytes, new ETag), and a new
        publication date (`published_on`, by default the answer date)."""
        with self._lock:
            q = self.dataset.question(schv_id)
            if q is None:
                raise KeyError(schv_id)
            if q.answered_on is not None:
                raise ValueError(f"question {schv_id} is answered already")
            body = list(answer) if answer is not None else [
                "1. De gevraagde gegevens worden verzameld en zullen in de loop van het "
                "jaar worden meegedeeld.",
                "2. Met de subsidie voor de werkingsmiddelen probeer ik een marktfalen te "
                "compenseren.",
            ]
            q.text = q.text + answer_lines(nr=q.vraagnummer, asker=q.vraagsteller,
                                           asked_on=q.asked_on, minister=q.minister, body=body)
            q.answered_on = answered_on
            q.tijdig = not late
            q.soort_antwoord = "Antwoord"
            q.published_on = published_on or answered_on
            q.revision += 1
            return q

    # -- URLs

    def document_url(self, doc: Document) -> str:
        path = "/files/pfile" if doc.url_style == "files" else "/pfile"
        return f"{self.base_url}{path}?id={doc.pfile}"

    def page_url(self, q: Question) -> str:
        prefix = _PAGE_PATHS[0] if q.page_style == "files" else _PAGE_PATHS[1]
        return f"{self.base_url}{prefix}{q.id}"

    def opendata_url(self, schv_id: int) -> str:
        return f"{self.base_url}/e/opendata/schv/{schv_id}"

    # -- internals shared by the handler

    def _take_fault(self, path: str) -> _Fault | None:
        kind = kind_of(path)
        with self._lock:
            for fault in self._faults:
                if fault.key == kind or path.startswith(fault.key):
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def _log(self, method: str, path: str, status: int, headers: Mapping[str, str]) -> None:
        with self._lock:
            self.requests_log.append(
                LoggedRequest(method, path, status, dict(headers), time.monotonic())
            )

    def _documents(self) -> dict[int, tuple[Document, Question | OtherHit]]:
        out: dict[int, tuple[Document, Question | OtherHit]] = {}
        for q in self.dataset.questions:
            for d in q.documents:
                out[d.pfile] = (d, q)
        for h in self.dataset.other_hits:
            out[h.pfile] = (Document(pfile=h.pfile, position=0, mimetype=PDF,
                                     filename=f"{h.id}.pdf", producer="reportlab"), h)
        return out

    def document_bytes(self, pfile: int) -> tuple[bytes, str, dt.date] | None:
        """(bytes, content type, last modified day) of a pfile, rendered once and cached."""
        with self._lock:
            found = self._documents().get(pfile)
            if found is None:
                return None
            doc, owner = found
            revision = owner.revision if isinstance(owner, Question) else 0
            modified = (owner.published_on if isinstance(owner, Question)
                        else owner.publicatiedatum)
            if doc.lines:
                lines = list(doc.lines)
            elif isinstance(owner, OtherHit):
                lines = list(owner.lines)
            else:
                lines = list(owner.text) if doc.position == 0 else []
            header = owner.running_header if isinstance(owner, Question) else None
            cached = self._cache.get((pfile, revision))
            render_lock = self._render_locks.setdefault(pfile, threading.Lock())
        if cached is None:
            # One rendering per document even when several clients ask at once.
            with render_lock:
                with self._lock:
                    cached = self._cache.get((pfile, revision))
                if cached is None:
                    cached = _render(doc, lines, header)
                    with self._lock:
                        self._cache[(pfile, revision)] = cached
        return cached, doc.mimetype, modified

    def warm(self) -> None:
        """Render every document now (for benchmarks that should not time rendering)."""
        with self._lock:
            pfiles = list(self._documents())
        for pfile in pfiles:
            self.document_bytes(pfile)

    # -- search

    def _hits(self) -> list[_Hit]:
        hits: list[_Hit] = []
        for q in self.dataset.questions:
            base = [
                ("soort", "SCHV"),
                ("opendata", self.opendata_url(q.id)),
                ("aggregaattype", "Schriftelijke vraag"),
                ("onderwerp", q.onderwerp),
                ("titel", q.titel),
                ("nummer", str(q.vraagnummer)),
                ("vraagsteller", f"{q.vraagsteller.naam}, {q.vraagsteller.voornaam}"),
                ("minister", f"{q.minister.naam}, {q.minister.voornaam}"),
                *[("thema", t) for t in q.thema],
                ("themadatum", q.asked_on.isoformat()),
                *([("statusdatumSchvBeantwoord", q.answered_on.isoformat())]
                  if q.answered_on else []),
                ("publicatiedatum", q.published_on.isoformat()),
                ("zittingsjaar", q.zittingsjaar),
                ("legislatuur", q.legislatuur),
            ]
            snippet = " ".join(q.text[7:10])[:240]
            for doc in q.documents:
                if doc.position > 0 and not doc.search_hit:
                    continue
                tags = [*base[:2], ("document", self.document_url(doc)),
                        ("mimetype", doc.mimetype), *base[2:]]
                hits.append(_Hit(q.id, doc.pfile, q.published_on, self.page_url(q),
                                 snippet, tags))
        for h in self.dataset.other_hits:
            tags = [("soort", h.soort), ("document", f"{self.base_url}/files/pfile?id={h.pfile}"),
                    ("mimetype", PDF), ("aggregaattype", h.aggregaattype),
                    ("onderwerp", h.onderwerp), ("titel", h.titel),
                    *[("thema", t) for t in h.thema],
                    ("publicatiedatum", h.publicatiedatum.isoformat()),
                    ("zittingsjaar", h.zittingsjaar), ("legislatuur", h.legislatuur)]
            hits.append(_Hit(h.id, h.pfile, h.publicatiedatum, self.base_url + h.page_path,
                             " ".join(h.lines)[:240], tags))
        hits.sort(key=lambda h: (-h.published.toordinal(), h.schv_id, h.pfile))
        return hits

    def search(self, segment: str, params: Mapping[str, list[str]]) -> _Response:
        try:
            query = SearchQuery.parse(segment)
            collection = params.get("collection", [""])[-1]
            if collection != "vp_collection":
                raise SearchQueryError(f"unknown collection {collection!r}")
            if params.get("sort", ["date"])[-1] != "date":
                raise SearchQueryError("only sort=date is supported")
            size = _int_param(params, "max", 10)
            page = _int_param(params, "page", 1)
            if not 1 <= size <= 100:
                raise SearchQueryError("max must be between 1 and 100")
            if page < 1:
                raise SearchQueryError("page starts at 1")
        except SearchQueryError as exc:
            return _json(400, {"error": str(exc)})
        with self._lock:
            theme_filter = self.server_side_theme_filter
            cap = self.hit_cap
            matched = [h for h in self._hits() if query.matches(h.tags, theme_filter=theme_filter)]
        total = len(matched)
        if page * size > cap and total > cap:
            return _json(400, {"error": HIT_CAP_ERROR})
        start = (page - 1) * size
        window = matched[start:start + size]
        body: dict[str, Any] = {"count": str(total), "lastindex": start + len(window)}
        if window:
            body["result"] = [
                {"id": f"http://be.vlp.feed/{h.schv_id}/pfls/{h.pfile}", "url": h.url,
                 "rank": start + i + 1, "snippet": h.snippet,
                 "metatags": {"metatag": [{"name": n, "value": v} for n, v in h.tags]}}
                for i, h in enumerate(window)
            ]
        else:
            body["lastindex"] = total
        body["facet_category"] = _facets(matched)
        return _json(200, body)

    # -- open data

    def record(self, q: Question) -> dict[str, Any]:
        main = self.document_url(q.main_document)
        steps = [{"status": STATUS_ASKED, "datum": brussels_midnight(q.asked_on),
                  "document": main}]
        if q.answered_on is not None:
            steps.append({"status": q.answer_status, "datum": brussels_midnight(q.answered_on),
                          "document": main})
        return {
            "id": q.id, "vraagnummer": q.vraagnummer, "titel": q.titel,
            "onderwerp": q.onderwerp, "zittingsjaar": q.zittingsjaar, "thema": list(q.thema),
            "vraagsteller": q.vraagsteller.to_json(), "minister": q.minister.to_json(),
            "procedureverloop": steps, "soort-antwoord": q.soort_antwoord, "tijdig": q.tijdig,
            "bestand-ordered": [{"URL": self.document_url(d), "bestandsnaam": d.filename,
                                 "mimetype": d.mimetype} for d in q.documents],
        }

    def opendata(self, ids: list[int], *, as_list: bool, want_json: bool) -> _Response:
        with self._lock:
            found = [self.dataset.question(i) for i in sorted(set(ids))]
            records = [self.record(q) for q in found if q is not None]
        if not as_list and not records:
            return _json(404, {"error": f"no written question {ids[0]}"})
        if want_json:
            return _json(200, {"items": records} if as_list else records[0])
        if as_list:
            xml = "<items>" + "".join(_xml_record(r) for r in records) + "</items>"
        else:
            xml = _xml_record(records[0])
        body = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + xml).encode()
        return _Response(200, body, "application/xml;charset=UTF-8")

    def page(self, schv_id: int) -> _Response:
        with self._lock:
            q = self.dataset.question(schv_id)
            if q is None:
                return _Response(404, b"<html><body>Pagina niet gevonden</body></html>",
                                 "text/html; charset=utf-8")
            link = self.document_url(q.main_document)
            rows = [("Nummer", str(q.vraagnummer)), ("Zittingsjaar", q.zittingsjaar),
                    ("Vraagsteller", q.vraagsteller.full_name),
                    ("Minister", q.minister.full_name), ("Thema", ", ".join(q.thema)),
                    ("Datum vraag", q.asked_on.isoformat()),
                    ("Status", q.answer_status or STATUS_ASKED)]
        items = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in rows)
        page = (f'<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>'
                f"{html.escape(q.titel)} | Vlaams Parlement</title></head><body>"
                f"<h1>{html.escape(q.titel)}</h1><dl>{items}</dl>"
                f'<a href="{html.escape(link)}">Download pdf</a></body></html>')
        return _Response(200, page.encode(), "text/html; charset=utf-8")


def _int_param(params: Mapping[str, list[str]], name: str, default: int) -> int:
    raw = params.get(name, [str(default)])[-1]
    if not re.fullmatch(r"\d+", raw):
        raise SearchQueryError(f"{name} must be a number")
    return int(raw)


def _facets(hits: Sequence[_Hit]) -> list[dict[str, Any]]:
    out = []
    for name in ("aggregaattype", "thema", "zittingsjaar"):
        counts = Counter(v for h in hits for n, v in h.tags if n == name)
        out.append({"name": name, "facet": [{"value": v, "count": c}
                                            for v, c in sorted(counts.items())]})
    return out


def _json(status: int, data: Any) -> _Response:
    return _Response(status, json.dumps(data, ensure_ascii=False).encode("utf-8"))


def _xml_value(name: str, value: Any) -> str:
    if value is None:
        return f"<{name}/>"
    if isinstance(value, bool):
        value = "true" if value else "false"
    if isinstance(value, dict):
        return f"<{name}>" + "".join(_xml_value(k, v) for k, v in value.items()) + f"</{name}>"
    return f"<{name}>{escape(str(value))}</{name}>"


def _xml_record(record: Mapping[str, Any]) -> str:
    """The JSON record as XML: lists become repeated elements, themes are wrapped."""
    parts = []
    for name, value in record.items():
        if name == "thema":
            parts.append("<themas>" + "".join(_xml_value("thema", t) for t in value)
                         + "</themas>")
        elif isinstance(value, list):
            parts.extend(_xml_value(name, item) for item in value)
        else:
            parts.append(_xml_value(name, value))
    return "<schv>" + "".join(parts) + "</schv>"


def _render(doc: Document, lines: list[str], header: str | None) -> bytes:
    if doc.mimetype == DOCX:
        return build_docx(lines)
    if doc.mimetype == XLSX:
        return build_xlsx(doc.rows)
    producer = "fpdf2" if doc.producer == "fpdf2" else "reportlab"
    return render_pdf(lines, producer=producer, running_header=header,
                      page_numbers=True)


class _Handler(BaseHTTPRequestHandler):
    replica: Replica
    protocol_version = "HTTP/1.1"  # keep-alive, as Scrapy expects from real servers
    server_version = "schv-replica/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the requests_log is the record; stderr noise would bury test output

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def _serve(self, *, head: bool) -> None:
        replica = self.replica
        fault = replica._take_fault(self.path)
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after else {}
            reason = self.responses.get(fault.status, ("Error",))[0]
            body = fault.body if fault.body is not None else (
                f"<html><body><h1>{fault.status} {reason}</h1></body></html>".encode())
            response = _Response(fault.status, body,
                                 fault.content_type or "text/html; charset=utf-8", headers)
        else:
            try:
                response = self._route()
            except Exception as exc:  # a replica bug must show up as a 500, not a hang
                response = _json(500, {"error": f"replica error: {exc!r}"})
        self._send(response, head)

    def _send(self, response: _Response, head: bool) -> None:
        # Logged before the bytes go out, so a client that has its answer sees the entry.
        logged = {h: self.headers[h] for h in _LOGGED_HEADERS if self.headers[h] is not None}
        self.replica._log(self.command, self.path, response.status, logged)
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if not head and response.status != 304:
            self.wfile.write(response.body)

    def _route(self) -> _Response:
        replica = self.replica
        path, _, query = self.path.partition("?")
        params = parse_qs(query, keep_blank_values=True)
        if path.startswith("/api/search/query/"):
            return replica.search(path[len("/api/search/query/"):], params)
        if path == "/e/opendata/schv/lijst":
            raw = ",".join(params.get("id", []))
            ids = [part.strip() for part in raw.split(",") if part.strip()]
            if not ids or not all(part.isdigit() for part in ids):
                return _json(400, {"error": "id must be a comma-separated list of numbers"})
            return replica.opendata([int(i) for i in ids], as_list=True,
                                    want_json=self._wants_json())
        if path.startswith("/e/opendata/schv/"):
            tail = path[len("/e/opendata/schv/"):]
            if not tail.isdigit():
                return _json(400, {"error": f"not a numeric id: {tail!r}"})
            return replica.opendata([int(tail)], as_list=False, want_json=self._wants_json())
        if path in ("/files/pfile", "/pfile"):
            return self._document(params)
        for prefix in _PAGE_PATHS:
            if path.startswith(prefix) and path[len(prefix):].isdigit():
                return replica.page(int(path[len(prefix):]))
        if path == "/robots.txt":
            return _Response(200, ROBOTS_TXT.encode(), "text/plain; charset=utf-8")
        return _Response(404, b"<html><body>Not found</body></html>", "text/html; charset=utf-8")

    def _wants_json(self) -> bool:
        return "application/json" in (self.headers.get("Accept") or "")

    def _document(self, params: Mapping[str, list[str]]) -> _Response:
        raw = params.get("id", [""])[-1]
        found = self.replica.document_bytes(int(raw)) if raw.isdigit() else None
        if found is None:
            return _Response(404, b"<html><body>Bestand niet gevonden</body></html>",
                             "text/html; charset=utf-8")
        body, mimetype, modified = found
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        stamp = dt.datetime(modified.year, modified.month, modified.day, tzinfo=dt.UTC)
        headers = {"ETag": etag, "Last-Modified": email.utils.format_datetime(stamp, usegmt=True),
                   "Accept-Ranges": "none"}
        not_modified = False
        if (inm := self.headers.get("If-None-Match")) is not None:
            # If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2).
            tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
            not_modified = etag in tags or "*" in tags
        elif (ims := self.headers.get("If-Modified-Since")) is not None:
            try:
                since = email.utils.parsedate_to_datetime(ims)
                not_modified = since.tzinfo is not None and stamp <= since
            except (TypeError, ValueError):
                not_modified = False
        if not_modified:
            return _Response(304, b"", mimetype, headers)
        return _Response(200, body, mimetype, headers)
