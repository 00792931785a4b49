"""Accuracy of the parser on the corpus, per field (used by the test and the benchmark)."""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable

from storage.records import ParsedDocument
from tests.corpus.build import Spec, flat

HEADER_FIELDS = ("number", "asker", "asked_on", "minister", "minister_title")


def similarity(got: str | None, want: str | None) -> float:
    if want is None:
        return 1.0 if got is None else 0.0
    return difflib.SequenceMatcher(None, flat(got or ""), want, autojunk=False).ratio()


def table_cells(doc: ParsedDocument, want: list[dict[str, object]]) -> tuple[int, int]:
    """(cells right, cells expected), header cells included, compared by position."""
    right = total = 0
    for k, table in enumerate(want):
        header = table["header"]
        rows = table["rows"]
        got = doc.tables[k] if k < len(doc.tables) else None
        total += len(header) + sum(len(r) for r in rows)
        if got is None:
            continue
        right += sum(a == b for a, b in zip(got.header, header, strict=False))
        for got_row, want_row in zip(got.rows, rows, strict=False):
            right += sum(c.text == w for c, w in zip(got_row, want_row, strict=False))
    return right, total


def score(doc: ParsedDocument, spec: Spec) -> dict[str, float]:
    """Per field: 1.0/0.0 for exact fields, a ratio for texts and table cells."""
    want = spec.expected()
    header = doc.header
    result: dict[str, float] = {}
    for name in HEADER_FIELDS:
        result[name] = float(header is not None and getattr(header, name) == want[name])
    result["subject"] = float(doc.subject == want["subject"])
    result["question_text"] = similarity(
        " ".join(filter(None, [doc.question_text])), want["question_text"]
    )
    result["answer_text"] = similarity(doc.answer_text, want["answer_text"])
    result["sub_questions"] = float(len(doc.sub_questions) == want["sub_questions"])
    got_parts = [p.numbers[0] for p in doc.answer_parts if p.numbers and p.confidence >= 0.8]
    result["answer_parts"] = float(got_parts == want["answer_parts"])
    right, total = table_cells(doc, want["tables"])
    if total:
        result["table_cells"] = right / total
    result["table_count"] = float(len(doc.tables) == len(want["tables"]))
    return result


def aggregate(scores: Iterable[dict[str, float]]) -> dict[str, tuple[float, float]]:
    """Per field: (mean, minimum) over the documents that have it."""
    by_field: dict[str, list[float]] = defaultdict(list)
    for one in scores:
        for name, value in one.items():
            by_field[name].append(value)
    return {name: (sum(v) / len(v), min(v)) for name, v in by_field.items()}
