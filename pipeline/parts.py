"""Numbered sub-questions, numbered answer parts, and what the answer points to.

Numbers are only believed in sequence (1., 2., 3., ...): a `2023.` or a `5.` inside a
sentence does not start a part unless it is the next number expected. That works on
line-broken text and on text whose whitespace was flattened.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.names import normalise_person_name
from storage.records import AnswerPart, DocumentReference, SubQuestion

# `1. `, `1) `, and in answers `1 en 2. `, `1 tot en met 3. `, `1-3. `.
_MARKER_RE = re.compile(
    r"(?:(?<=\n)|(?<=^)|(?<=[.?!:;”\"')]\s)|(?<=[.?!:;”\"')]))[ \t]*"
    r"(?P<n>\d{1,2})(?:\s*(?P<sep>en|tot en met|t\.e\.m\.|tot|-|–|&|,)\s*(?P<m>\d{1,2}))?"
    r"[.)](?=\s+\S)",
)
_LETTER_RE = re.compile(
    r"(?:(?<=\n)|(?<=^)|(?<=[.?!:;]\s)|(?<=[.?!:;]))[ \t]*\(?(?P<l>[a-z])\)(?=\s+\S)"
)
_ATTACHMENT_RE = re.compile(r"\b(?:in\s+|als\s+)?bijlagen?\s+(?P<n>\d+|[A-Z])\b", re.IGNORECASE)
_ANSWER_REF_RE = re.compile(
    r"(?:verwijs|verwijzen|verwezen)\s+(?:ik\s+|we\s+)?(?:graag\s+)?naar\s+(?:het\s+)?"
    r"(?:gecoördineerde?\s+|gecoordineerde?\s+)?antwoord\s+(?:van|op|dat)\s+"
    r"(?:(?:de|mijn)\s+)?(?:(?:vlaamse?\s+)?(?:vice)?minister(?:-president)?\s+)?"
    r"(?:(?:van|bevoegd\s+voor)\s+[^,.;(]+?\s+)?"
    r"(?P<name>[A-ZÀ-Þ][\w’'-]+(?:\s+(?:[Vv]an|[Dd]e|[Dd]en|[Dd]er|[A-ZÀ-Þ][\w’'-]+)){0,3})?"
    r"(?:[^.]*?vraag\s+nr\.?\s*(?P<number>\d+))?",
)
_COORDINATED_RE = re.compile(r"gecoördineerde?\s+antwoord|gecoordineerde?\s+antwoord", re.I)


def _tidy(text: str) -> str:
    return re.sub(r"[ \t]*\n[ \t]*", "\n", text).strip()


def _sequence(text: str, *, ranges: bool) -> list[tuple[int, int, re.Match[str]]]:
    """Markers taken in order 1, 2, 3...: (first number, last number, match)."""
    found: list[tuple[int, int, re.Match[str]]] = []
    expected = 1
    for match in _MARKER_RE.finditer(text):
        n = int(match["n"])
        m = int(match["m"]) if match["m"] else n
        if match["m"] and not ranges:
            continue
        if n != expected or m < n:
            continue
        found.append((n, m, match))
        expected = m + 1
    return found


def _letters(text: str) -> Iterator[tuple[str, int, int]]:
    expected = "a"
    for match in _LETTER_RE.finditer(text):
        if match["l"] == expected:
            yield match["l"], match.start(), match.end()
            expected = chr(ord(expected) + 1)


def _lettered(text: str) -> tuple[tuple[str, str], ...]:
    marks = list(_letters(text))
    if len(marks) < 2:
        return ()
    parts = []
    for k, (letter, _start, end) in enumerate(marks):
        stop = marks[k + 1][1] if k + 1 < len(marks) else len(text)
        parts.append((letter, _tidy(text[end:stop])))
    return tuple(parts)


def split_question(question_text: str | None) -> tuple[str | None, tuple[SubQuestion, ...]]:
    """(context before `1.`, the numbered sub-questions); no sub-questions when the
    text is not numbered (then the whole text is context)."""
    if not question_text:
        return None, ()
    marks = _sequence(question_text, ranges=False)
    if len(marks) < 2:
        return _tidy(question_text) or None, ()
    context = _tidy(question_text[: marks[0][2].start()]) or None
    subs = []
    for k, (n, _m, match) in enumerate(marks):
        stop = marks[k + 1][2].start() if k + 1 < len(marks) else len(question_text)
        body = _tidy(question_text[match.end() : stop])
        subs.append(SubQuestion(n, body, _lettered(body)))
    return context, tuple(subs)


def split_answer(answer_text: str | None, sub_questions: tuple[SubQuestion, ...]) -> tuple[
    AnswerPart, ...
]:
    """Answer parts with the sub-question numbers they answer and how sure that is.

    1.0: numbered like the question, every sub-question answered in order; 0.9: a part
    covering a range (`1 en 2.`); 0.7: numbers that run past the question's; an
    unnumbered answer to a question with one sub-question or none gets 0.6, to a
    numbered question 0.3 (it answers all of them at once, or not)."""
    if not answer_text:
        return ()
    asked = {s.number for s in sub_questions}
    marks = _sequence(answer_text, ranges=True) if asked else []
    if len(marks) < 2 or (marks and marks[0][0] != 1):
        numbers = tuple(sorted(asked)) if len(asked) <= 1 else ()
        confidence = 0.6 if len(asked) <= 1 else 0.3
        return (AnswerPart("", numbers, _tidy(answer_text), confidence),)
    complete = {n for a, b, _ in marks for n in range(a, b + 1)} == asked
    parts = []
    for k, (n, m, match) in enumerate(marks):
        stop = marks[k + 1][2].start() if k + 1 < len(marks) else len(answer_text)
        numbers = tuple(range(n, m + 1))
        if not set(numbers) <= asked:
            confidence = 0.7 if complete else 0.5
        elif m > n:
            confidence = 0.9
        else:
            confidence = 1.0 if complete else 0.8
        label = str(n) if m == n else f"{n}-{m}"
        parts.append(AnswerPart(label, numbers, _tidy(answer_text[match.end() : stop]), confidence))
    return tuple(parts)


def answer_references(answer_text: str | None) -> tuple[str | None, tuple[DocumentReference, ...]]:
    """(answer kind, references): attachments named in the answer, and the answer of
    another minister it refers to. Kind is `referring` when the answer points to another
    minister's answer, `coordinated` when it calls itself a coordinated answer."""
    if not answer_text:
        return None, ()
    refs: list[DocumentReference] = []
    seen: set[str] = set()
    for match in _ATTACHMENT_RE.finditer(answer_text):
        label = f"bijlage {match['n']}"
        if label.lower() not in seen:
            seen.add(label.lower())
            number = int(match["n"]) if match["n"].isdigit() else None
            refs.append(DocumentReference("attachment", label, None, number))
    kind = None
    ref = _ANSWER_REF_RE.search(answer_text)
    if ref is not None:
        kind = "referring"
        name = normalise_person_name(ref["name"]) if ref["name"] else None
        number = int(ref["number"]) if ref["number"] else None
        refs.append(DocumentReference("answer", " ".join(ref.group(0).split()), name, number))
    elif _COORDINATED_RE.search(answer_text):
        kind = "coordinated"
    return kind, tuple(refs)
