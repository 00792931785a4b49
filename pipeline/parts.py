"""Numbered sub-questions, numbered answer parts, and what the answer points to.

Numbers are only believed in sequence (1., 2., 3., ...): a `2023.` or a `5.` inside a
sentence does not start a part unless it is the next number expected. That works on
line-broken text and on text whose whitespace was flattened.

Ministers label answer parts in many ways, all read here: `1.`, `1)`, one label for
several sub-questions (`1. en 2.`, `1, 2 en 3.`, `1 tot 3.`, `1 tot en met 3.`,
`1-3.`, a line `Antwoord op de vragen 1 en 2`), lettered parts (`5 a)`, `5 b)`), and
no labels at all: one paragraph per sub-question, in their order. A coordinated or
referring answer without labels has no parts; what it refers to is kept as a
reference.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pipeline.names import normalise_person_name
from storage.records import AnswerPart, DocumentReference, SubQuestion

# Where a label may start: a line start, or right after a sentence.
_LABEL_AT = r"(?:(?<=\n)|(?<=^)|(?<=[.?!:;”\"')]\s)|(?<=[.?!:;”\"')]))[ \t]*"
# Between the numbers of one label: a list (`,`, `en`, `&`) or a range.
_SEP = r"\s*(?:,|en|&|tot\s+en\s+met|t\.e\.m\.|tot|-|–)\s*"
_RANGE_SEP = re.compile(r"tot|t\.e\.m\.|-|–")
# `1. `, `1) `, and in answers `1. en 2. `, `1, 2 en 3. `, `1 tot 3. `, `1-3. `, `5 a) `.
_MARKER_RE = re.compile(
    _LABEL_AT
    + r"(?P<numbers>\d{1,2}(?:[.)]?" + _SEP + r"\d{1,2})*)"
    + r"(?:[.)]|\s*(?P<letter>[a-z])\))(?=\s+\S)",
)
# A label of its own line: `Antwoord op de vragen 1 en 2`, `Antwoord op vraag 3:`.
_ANSWER_LABEL_RE = re.compile(
    r"(?:(?<=\n)|(?<=^))[ \t]*(?i:antwoord\s+op\s+(?:de\s+)?vra(?:ag|gen))\s+"
    r"(?P<numbers>\d{1,2}(?:" + _SEP + r"\d{1,2})*)[ \t]*[.:]?(?=[ \t]*\n|\s*$)",
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


def _numbers(label: str) -> tuple[int, ...]:
    """`1, 2 en 3` -> (1, 2, 3); `1 tot 3` -> (1, 2, 3); empty when out of order."""
    values = [int(n) for n in re.findall(r"\d{1,2}", label)]
    seps = re.findall(r"(?<=\d)[.)]?\s*(,|en|&|tot\s+en\s+met|t\.e\.m\.|tot|-|–)\s*(?=\d)",
                      label)
    out = [values[0]]
    for sep, value in zip(seps, values[1:], strict=False):
        if value <= out[-1]:
            return ()
        if _RANGE_SEP.fullmatch(sep) or sep.startswith("tot"):
            out.extend(range(out[-1] + 1, value + 1))
        else:
            out.append(value)
    return tuple(out)


@dataclass(frozen=True)
class _Mark:
    numbers: tuple[int, ...]
    letter: str | None
    start: int
    end: int

    @property
    def label(self) -> str:
        first, last = self.numbers[0], self.numbers[-1]
        base = str(first) if first == last else f"{first}-{last}"
        return base + (self.letter or "")


def _sequence(text: str, *, grouped: bool) -> list[_Mark]:
    """Labels taken in order 1, 2, 3... (`grouped`: labels for several numbers, lettered
    labels and `Antwoord op vraag N` lines too, as answers have them)."""
    found: list[_Mark] = []
    expected = 1
    matches = list(_MARKER_RE.finditer(text))
    if grouped:
        matches += _ANSWER_LABEL_RE.finditer(text)
        matches.sort(key=lambda m: m.start())
    for match in matches:
        numbers = _numbers(match["numbers"])
        letter = match.groupdict().get("letter")
        if not numbers or (len(numbers) > 1 and not grouped) or (letter and not grouped):
            continue
        if letter and found and found[-1].letter and numbers == found[-1].numbers:
            if ord(letter) != ord(found[-1].letter) + 1:
                continue
        elif numbers[0] != expected or (letter not in (None, "a")):
            continue
        found.append(_Mark(numbers, letter, match.start(), match.end()))
        expected = numbers[-1] + 1
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
    marks = _sequence(question_text, grouped=False)
    if len(marks) < 2:
        return _tidy(question_text) or None, ()
    context = _tidy(question_text[: marks[0].start]) or None
    subs = []
    for k, mark in enumerate(marks):
        stop = marks[k + 1].start if k + 1 < len(marks) else len(question_text)
        body = _tidy(question_text[mark.end : stop])
        subs.append(SubQuestion(mark.numbers[0], body, _lettered(body)))
    return context, tuple(subs)


def _paragraphs(text: str) -> list[str]:
    return [p for p in (_tidy(p) for p in re.split(r"\n[ \t]*\n", text)) if p]


def split_answer(
    answer_text: str | None, sub_questions: tuple[SubQuestion, ...], kind: str | None = None
) -> tuple[AnswerPart, ...]:
    """Answer parts with the sub-question numbers they answer and how sure that is.

    1.0: labelled like the question, every sub-question answered in order; 0.9: a label
    for several sub-questions (`1 en 2.`) or a lettered part (`5 a)`); 0.7: numbers
    that run past the question's. Without labels: one paragraph per sub-question gets
    0.7 each; an answer to a question with one sub-question or none is one part at
    0.6, to a numbered question one part at 0.3 (it answers all of them at once, or
    not); a coordinated or referring answer (`kind`) has no parts."""
    if not answer_text:
        return ()
    asked = {s.number for s in sub_questions}
    marks = _sequence(answer_text, grouped=True) if asked else []
    if len(marks) < 2 or marks[0].numbers[0] != 1:
        if kind is not None:
            return ()
        paragraphs = _paragraphs(answer_text)
        if len(asked) > 1 and len(paragraphs) == len(asked):
            return tuple(
                AnswerPart(str(s.number), (s.number,), text, 0.7)
                for s, text in zip(sub_questions, paragraphs, strict=True)
            )
        numbers = tuple(sorted(asked)) if len(asked) <= 1 else ()
        confidence = 0.6 if len(asked) <= 1 else 0.3
        return (AnswerPart("", numbers, _tidy(answer_text), confidence),)
    complete = {n for mark in marks for n in mark.numbers} == asked
    parts = []
    for k, mark in enumerate(marks):
        stop = marks[k + 1].start if k + 1 < len(marks) else len(answer_text)
        if not set(mark.numbers) <= asked:
            confidence = 0.7 if complete else 0.5
        elif len(mark.numbers) > 1 or mark.letter:
            confidence = 0.9
        else:
            confidence = 1.0 if complete else 0.8
        text = _tidy(answer_text[mark.end : stop])
        parts.append(AnswerPart(mark.label, mark.numbers, text, confidence))
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
