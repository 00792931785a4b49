"""The parts of a question/answer text: subject, question, answer and cross-references."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from pipeline.dates import parse_dutch_date
from pipeline.grammar import find_answer, find_signature, locate_header
from pipeline.names import normalise_person_name

# "Deze vraag werd gesteld aan de ministers Jan Jambon (142), Hilde Crevits (256), ..."
_ALSO_ASKED_RE = re.compile(
    r"Deze\s+vraag\s+werd\s+(?:ook\s+)?gesteld\s+aan\s+"
    r"(?P<list>[^()]*?\(\s*\d+\s*\)(?:\s*(?:,|\ben\b)\s*[^().?!]*?\(\s*\d+\s*\))*)"
    r"[ \t]*\.?",
    re.IGNORECASE,
)
_ALSO_ASKED_ITEM_RE = re.compile(r"(?P<name>[^,()]+?)\s*\(\s*(?P<number>\d+)\s*\)")


@dataclass(frozen=True)
class AnswerRef:
    """The `op vraag nr. N van <date>` / `van ASKER` lines under `ANTWOORD`."""

    number: int | None
    asked_on: dt.date | None
    asker: str | None


@dataclass(frozen=True)
class Sections:
    subject: str | None = None
    question_text: str | None = None
    answer_text: str | None = None
    has_answer: bool = False
    answer_ref: AnswerRef | None = None
    # The same question put to other ministers: (name, their question number).
    also_asked: tuple[tuple[str, int], ...] = ()
    # The minister block above `ANTWOORD`: who answers, with which title.
    signature_name: str | None = None
    signature_title: str | None = None


def _tidy(text: str) -> str | None:
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text or None


def _subject(text: str, header_end: int) -> tuple[str | None, int]:
    """The subject line after the title, and where the question starts.

    Only line-broken text says where the subject ends; in flattened text the subject
    runs into the question unmarked, so it stays part of the question.
    """
    rest = text[header_end:]
    if not rest.startswith("\n") and rest.strip():
        return None, header_end
    lines = rest.split("\n")
    offset = header_end
    subject: list[str] = []
    for line in lines:
        stripped = line.strip()
        if subject and not (stripped and stripped[0].islower()):
            break  # a wrapped subject continues in lower case; anything else is the question
        if stripped:
            subject.append(" ".join(stripped.split()))
        offset += len(line) + 1
    return (" ".join(subject) or None), min(offset, len(text))


def _also_asked(question: str) -> tuple[str, tuple[tuple[str, int], ...]]:
    match = _ALSO_ASKED_RE.search(question)
    if not match:
        return question, ()
    items: list[tuple[str, int]] = []
    for item in _ALSO_ASKED_ITEM_RE.finditer(match["list"]):
        words = item["name"].split()
        # Drop the glue before a name: "de ministers", "en", "minister-president".
        while words and not words[0][:1].isupper():
            words.pop(0)
        if words:
            items.append((normalise_person_name(" ".join(words)), int(item["number"])))
    return question[: match.start()] + question[match.end() :], tuple(items)


def _answer_ref(match: re.Match[str]) -> AnswerRef | None:
    # Only the full marker pattern has these groups; a bare `ANTWOORD` line has none.
    if not match.groupdict().get("ref"):
        return None
    asked_on = None
    if match["date"]:
        try:
            asked_on = parse_dutch_date(match["date"])
        except ValueError:
            asked_on = None
    asker = normalise_person_name(match["asker"]) if match["asker"] else None
    return AnswerRef(int(match["number"]), asked_on, asker)


def split_sections(text: str) -> Sections:
    """Cut a question/answer text into its parts; any part not found is None."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    header = locate_header(text)
    header_end = header.end if header else 0
    subject, question_start = _subject(text, header_end) if header else (None, 0)
    answer = find_answer(text, question_start)
    question_end = answer.start() if answer else len(text)
    signature = find_signature(
        text, question_start, question_end, header.minister if header else None
    )
    if signature is not None:
        question_end = signature.start
    question, also_asked = _also_asked(text[question_start:question_end])
    answer_text = answer_ref = None
    if answer is not None:
        answer_text = _tidy(text[answer.end() :])
        answer_ref = _answer_ref(answer)
    return Sections(
        subject=subject,
        question_text=_tidy(question),
        answer_text=answer_text,
        has_answer=answer is not None,
        answer_ref=answer_ref,
        also_asked=also_asked,
        signature_name=(
            normalise_person_name(signature.name) if signature and signature.name else None
        ),
        signature_title=signature.title if signature else None,
    )
