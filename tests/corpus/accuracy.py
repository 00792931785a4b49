"""Accuracy of the parser on the corpus, per producer (used by the tests and the benchmark).

Figures, each over one producer's documents:

- `header`: share of documents whose header fields and subject are all right;
- `question_text`, `answer_text`: similarity to the text composed (mean, worst document);
- `sub_questions`: share of documents with the right number of sub-questions;
- `aligned`: share of numbered answers whose parts answer exactly the sub-questions
  they should, in order, each with confidence >= 0.8; `order`: the same for answers
  without numbers (parts in the order of the sub-questions); `kind`: share of
  coordinated or referring answers read as such, without parts;
- `row_recall`, `row_precision`: table rows (a header counts as a row) found among
  those composed, and stored rows that were composed;
- `false_rows`: rows stored for the documents that have no table.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from storage.records import ParsedDocument, ParsedTable
from tests.corpus.build import Spec, flat

HEADER_FIELDS = ("number", "asker", "asked_on", "minister", "minister_title")


def similarity(got: str | None, want: str | None) -> float:
    if want is None:
        return 1.0 if got is None else 0.0
    return difflib.SequenceMatcher(None, flat(got or ""), want, autojunk=False).ratio()


def _rows(tables: Iterable[ParsedTable]) -> Counter[tuple[str, ...]]:
    rows: Counter[tuple[str, ...]] = Counter()
    for table in tables:
        if table.header:
            rows[tuple(flat(c) for c in table.header)] += 1
        for row in table.rows:
            rows[tuple(flat(c.text) for c in row)] += 1
    return rows


def _want_rows(tables: list[dict]) -> Counter[tuple[str, ...]]:
    rows: Counter[tuple[str, ...]] = Counter()
    for table in tables:
        rows[tuple(table["header"])] += 1
        for row in table["rows"]:
            rows[tuple(row)] += 1
    return rows


@dataclass
class Score:
    """One document's reading against what was composed."""

    name: str
    header: bool
    question_text: float
    answer_text: float
    sub_questions: bool
    aligned: bool | None  # None: no numbered answer
    order: bool | None  # None: no unnumbered answer in order
    kind: bool | None  # None: neither coordinated nor referring
    rows_right: int
    rows_found: int
    rows_wanted: int
    has_tables: bool
    problems: list[str] = field(default_factory=list)


def score(doc: ParsedDocument, spec: Spec) -> Score:
    want = spec.expected()
    head = doc.header
    wrong = [
        name for name in HEADER_FIELDS
        if head is None or getattr(head, name) != want[name]
    ]
    if doc.subject != want["subject"]:
        wrong.append("subject")
    parts_ok = [p.numbers for p in doc.answer_parts] == want["answer_parts"]
    numbered = bool(want["numbered"])
    unnumbered_order = want["answer_kind"] is None and not numbered and bool(want["answer_parts"])
    aligned = order = kind = None
    if numbered:
        aligned = parts_ok and all(p.confidence >= 0.8 for p in doc.answer_parts)
    elif unnumbered_order:
        order = parts_ok
    if want["answer_kind"] is not None:
        kind = doc.answer_kind == want["answer_kind"] and not doc.answer_parts
    got_rows = _rows(doc.tables)
    want_rows = _want_rows(want["tables"])  # type: ignore[arg-type]
    result = Score(
        name=spec.name,
        header=not wrong,
        question_text=similarity(doc.question_text, want["question_text"]),  # type: ignore[arg-type]
        answer_text=similarity(doc.answer_text, want["answer_text"]),  # type: ignore[arg-type]
        sub_questions=len(doc.sub_questions) == want["sub_questions"],
        aligned=aligned,
        order=order,
        kind=kind,
        rows_right=sum((got_rows & want_rows).values()),
        rows_found=sum(got_rows.values()),
        rows_wanted=sum(want_rows.values()),
        has_tables=bool(want["tables"]),
    )
    if wrong:
        result.problems.append(f"header fields {wrong}")
    if aligned is False or order is False:
        result.problems.append(
            f"parts {[(p.label, p.numbers, p.confidence) for p in doc.answer_parts]} "
            f"!= {want['answer_parts']}"
        )
    if kind is False:
        result.problems.append(f"answer kind {doc.answer_kind} parts {len(doc.answer_parts)}")
    if result.rows_right < max(result.rows_found, result.rows_wanted):
        result.problems.append(
            f"table rows: {result.rows_right} right of {result.rows_found} found, "
            f"{result.rows_wanted} wanted"
        )
    return result


def _share(values: list[bool | None]) -> float:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else 1.0


def summary(scores: list[Score]) -> dict[str, float]:
    """One producer's figures (see the module docstring)."""
    right = sum(s.rows_right for s in scores)
    found = sum(s.rows_found for s in scores)
    wanted = sum(s.rows_wanted for s in scores)
    return {
        "documents": len(scores),
        "header": _share([s.header for s in scores]),
        "question_mean": sum(s.question_text for s in scores) / len(scores),
        "question_worst": min(s.question_text for s in scores),
        "answer_mean": sum(s.answer_text for s in scores) / len(scores),
        "answer_worst": min(s.answer_text for s in scores),
        "sub_questions": _share([s.sub_questions for s in scores]),
        "aligned": _share([s.aligned for s in scores]),
        "order": _share([s.order for s in scores]),
        "kind": _share([s.kind for s in scores]),
        "row_recall": right / wanted if wanted else 1.0,
        "row_precision": right / found if found else 1.0,
        "false_rows": sum(s.rows_found for s in scores if not s.has_tables),
        "without_tables": sum(not s.has_tables for s in scores),
    }


# What every producer must reach (the "Done when"); `*_worst` is per document.
TARGETS = {
    "header": 1.0,
    "question_worst": 0.98,
    "answer_worst": 0.98,
    "sub_questions": 1.0,
    "aligned": 1.0,
    "row_recall": 0.95,
    "row_precision": 0.95,
}


def misses(figures: dict[str, float]) -> list[str]:
    """The targets one producer's figures miss, as readable lines."""
    out = [f"{name} {figures[name]:.3f} < {target}" for name, target in TARGETS.items()
           if figures[name] < target]
    if figures["false_rows"]:
        out.append(f"{figures['false_rows']:.0f} rows stored for documents without tables")
    return out
