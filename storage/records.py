"""What storage accepts: plain records with no HTTP or Scrapy in them.

The scraper builds these from the parliament's API; the pipeline adds what it reads from
the documents. Storage upserts them on their natural keys.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

QuestionStatus = Literal["asked", "answered", "answered_late", "withdrawn", "unknown"]
DocumentRole = Literal["main", "attachment"]
UpsertOutcome = Literal["new", "updated", "unchanged"]
FetchStatus = Literal["pending", "ok", "failed", "too_large"]
# The parser issue adds encrypted, timeout; `pending` = not parsed yet.
ParseStatus = Literal[
    "pending", "ok", "empty_text", "encrypted", "corrupt", "too_large", "timeout", "unsupported"
]


@dataclass(frozen=True)
class PersonRecord:
    """A member or minister, keyed by the open data API's person id."""

    id: int
    first_name: str
    last_name: str
    # The member's group (`fractie`); None for ministers or when the API gives none.
    party: str | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class DocumentRef:
    """A file listed in a question's `bestand-ordered`, before any download."""

    pfile_id: int
    url: str
    position: int  # 0 = main document, 1.. = attachments, in the API's order
    role: DocumentRole
    name: str | None = None
    declared_type: str | None = None


@dataclass(frozen=True)
class ProcedureStep:
    status: str
    date: dt.date | None
    document_url: str | None = None


@dataclass(frozen=True)
class QuestionRecord:
    """One written question as the open data API describes it (schv id = natural key)."""

    id: int
    number: int | None
    session_year: str | None
    title: str | None
    subject: str | None
    themes: tuple[str, ...]
    asker: PersonRecord | None
    minister: PersonRecord | None
    asked_on: dt.date | None
    answered_on: dt.date | None
    status: QuestionStatus
    on_time: bool | None
    answer_kind: str | None
    published_on: dt.date | None
    page_url: str | None
    opendata_url: str | None
    procedure: tuple[ProcedureStep, ...] = ()
    documents: tuple[DocumentRef, ...] = ()
    # sha256 of the canonical JSON of the API record: a changed hash means "updated".
    source_hash: str = ""


@dataclass(frozen=True)
class HeaderFields:
    """What the first lines of a question/answer PDF say (see pipeline.header)."""

    number: int | None = None
    asker: str | None = None
    asked_on: dt.date | None = None
    minister: str | None = None
    minister_title: str | None = None


@dataclass(frozen=True)
class SubQuestion:
    """A numbered sub-question (`5.`), with its lettered parts (`a)`, `b)`) if any.

    `text` is the whole sub-question, lettered parts included; `parts` repeats each
    lettered part on its own as (letter, text)."""

    number: int
    text: str
    parts: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class AnswerPart:
    """A numbered part of the answer and the sub-questions it answers.

    `numbers` is empty for an unnumbered answer; `confidence` (0..1) says how sure the
    match to the sub-questions of the same numbers is."""

    label: str
    numbers: tuple[int, ...]
    text: str
    confidence: float


@dataclass(frozen=True)
class TableCell:
    """One cell as printed, and its value when it is a number in Dutch notation."""

    text: str
    value: int | float | None = None
    unit: str | None = None  # "€" or "%" when printed with the number


@dataclass(frozen=True)
class ParsedTable:
    """A table found from text positions: an optional header row, then the rows."""

    page: int
    header: tuple[str, ...]
    rows: tuple[tuple[TableCell, ...], ...]
    section: str = "answer"  # "question", "answer" or "attachment"
    caption: str | None = None  # the line of text just above the table


@dataclass(frozen=True)
class DocumentReference:
    """A pointer in the text: `attachment` (bijlage 1), `answer` (another minister's
    answer, coordinated or referring) or `also_asked` (the same question to others)."""

    kind: str
    label: str
    name: str | None = None
    number: int | None = None


@dataclass(frozen=True)
class ParsedDocument:
    """The pipeline's reading of one document's bytes."""

    media_type: str
    parse_status: ParseStatus
    parser_version: str
    text: str | None = None
    header: HeaderFields | None = None
    subject: str | None = None
    question_text: str | None = None
    answer_text: str | None = None
    has_answer: bool = False
    pages: int | None = None
    error: str | None = None
    # The structured reading (parser issue); empty when the document is not a Q&A text.
    context_text: str | None = None
    sub_questions: tuple[SubQuestion, ...] = ()
    answer_parts: tuple[AnswerPart, ...] = ()
    tables: tuple[ParsedTable, ...] = ()
    references: tuple[DocumentReference, ...] = ()
    answer_minister: str | None = None
    answer_minister_title: str | None = None
    # "coordinated", "referring" or None (an answer of its own).
    answer_kind: str | None = None
    # The `op vraag nr. N van <date> van ASKER` line, and what in it disagrees with the
    # header (e.g. "number 408 != 407"); None when it agrees or is absent.
    answer_ref_number: int | None = None
    answer_ref_asked_on: dt.date | None = None
    answer_ref_asker: str | None = None
    answer_ref_mismatch: str | None = None


@dataclass(frozen=True)
class FetchedDocument:
    """A download attempt of one DocumentRef: bytes, or why there are none."""

    question_id: int
    ref: DocumentRef
    fetch_status: FetchStatus
    http_status: int | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    body: bytes | None = field(default=None, repr=False)
    error: str | None = None


@dataclass(frozen=True)
class DocumentState:
    """What storage already knows of one document, so a crawl can skip unchanged work."""

    fetch_status: FetchStatus
    parse_status: ParseStatus
    sha256: str | None
    etag: str | None
    last_modified: str | None
    attempts: int


@dataclass(frozen=True)
class KnownQuestion:
    """What storage holds of one question that a search hit can be compared with."""

    published_on: dt.date | None
    answered_on: dt.date | None
    asked_on: dt.date | None
    status: str
    source_hash: str = ""


@dataclass(frozen=True)
class KnownState:
    """Everything a crawl needs to decide what is new: stored questions, document states."""

    questions: dict[int, KnownQuestion]  # schv id -> what is stored
    documents: dict[int, DocumentState]  # pfile id -> state
    # Unanswered questions due for a re-check of their details, oldest check first.
    recheck: tuple[int, ...] = ()
    # Questions with a document never fetched, or a failed one due for a retry.
    unfinished: frozenset[int] = frozenset()
