"""Where the parts of a question/answer PDF sit in its text.

Every pattern joins tokens with `\\s+` so it matches line-broken text as well as text
whose whitespace was flattened onto one line; the spans found index the original text,
so callers can slice it and keep its paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.dates import DUTCH_DATE_PATTERN

# One word of a name printed in capitals: `BROUNS`, `D'HAESE`, `WILLEM-FREDERIK`.
NAME_WORD = r"[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’\-]*(?!\w)"
# Names stay on one line: in line-broken text that stops a name at its line end.
NAME = rf"{NAME_WORD}(?:[ \t]+{NAME_WORD}){{0,6}}"
# How a minister's title starts: `VLAAMS MINISTER VAN ...`, `VICEMINISTER-PRESIDENT
# VAN ...`, `MINISTER-PRESIDENT VAN ...`.
TITLE_START = r"(?:VLAAMSE?\s+)?(?:VICE-?\s*)?MINISTER(?:-\s*PRESIDENT)?\b"
DATE = rf"(?i:{DUTCH_DATE_PATTERN})"

# The header sits at the top; bounding the search keeps body text from matching.
HEADER_WINDOW = 2000
_NUMBER_RE = re.compile(r"(?i:\bnr)\.?\s*(?P<number>\d+)")
_FORM_RE = re.compile(r"SCHRIFTELIJKE\s+VRAAG\b", re.IGNORECASE)
# Without the form's title line, the number must open the text: a `nr.` further down is
# a reference (`op vraag nr. 244`, `decreet nr. 5`), not this question's number.
NUMBER_LEAD = 100
# The asker is whatever sits between `van` and `datum`: normally capitals, but a name in
# mixed case is no reason to lose it.
_ASKER_RE = re.compile(r"\s*(?i:\bvan)\s+(?P<asker>[^\n]{2,80}?)\s+(?i:datum)\b")
_DATE_RE = re.compile(rf"(?i:\bdatum)\s*:?\s*(?P<date>{DATE})")
# A minister's name is the capitals before the title, so it cannot start the title.
_MINISTER_WORD = rf"(?!{TITLE_START}){NAME_WORD}"
_MINISTER_RE = re.compile(
    rf"\s*(?:(?i:aan)\s+)?"
    rf"(?:(?P<name>{_MINISTER_WORD}(?:[ \t]+{_MINISTER_WORD}){{0,6}}?),?\s+)?"
    rf"(?P<title>{TITLE_START})"
)
_TITLE_START_RE = re.compile(TITLE_START)
_TOKEN_RE = re.compile(r"\S+")
# A word of a title: capitals and the punctuation of an enumeration, nothing else.
_TITLE_WORD_RE = re.compile(r"[A-ZÀ-ÖØ-Þ'’&\-]+,?")
_NAME_WORD_RE = re.compile(NAME_WORD)

ANSWER_RE = re.compile(
    rf"\bANTWOORD\b(?P<ref>\s+(?i:op\s+vraag\s+nr)\.?\s*(?P<number>\d+)"
    rf"(?:\s+(?i:van)\s+(?P<date>{DATE}))?"
    rf"(?:\s+(?i:van)\s+(?P<asker>{NAME}))?)?"
)
_ANSWER_LINE_RE = re.compile(r"(?m)^[ \t]*ANTWOORD[ \t]*$")
_ANSWER_BARE_RE = re.compile(r"\bANTWOORD\b")


@dataclass(frozen=True)
class HeaderSpan:
    """The header's raw fields and where it ends (just after the minister's title)."""

    number: str | None
    asker: str | None
    date: str | None
    minister: str | None
    title: str | None
    end: int


@dataclass(frozen=True)
class Signature:
    """The minister's name and title printed between the question and `ANTWOORD`."""

    start: int
    name: str | None
    title: str


def _search(regex: re.Pattern[str], text: str, pos: int, limit: int) -> re.Match[str] | None:
    return regex.search(text, pos, min(len(text), pos + limit))


def title_end(text: str, start: int) -> int:
    """End of a title in capitals that starts at `start`.

    On one line the title runs until a word with lower case (the subject) starts; it
    continues on the next line only if that whole line is in capitals, because a
    subject line may well start with an acronym (`VLAIO - ...`).
    """
    end = start
    for match in _TOKEN_RE.finditer(text, start):
        gap = text[end : match.start()]
        if "\n" in gap:
            line_end = text.find("\n", match.start())
            line = text[match.start() : line_end if line_end >= 0 else len(text)]
            if not all(_TITLE_WORD_RE.fullmatch(tok) for tok in line.split()):
                break
        if not _TITLE_WORD_RE.fullmatch(match.group()):
            break
        end = match.end()
    return end


def locate_header(text: str) -> HeaderSpan | None:
    """The header fields found in the first lines, each optional; None when none are."""
    window = text[:HEADER_WINDOW]
    pos = 0
    number = asker = date = minister = title = None
    end = 0
    form = _FORM_RE.search(window)
    lead = form.end() if form else len(window) - len(window.lstrip())
    if m := _NUMBER_RE.match(window, lead) or _search(_NUMBER_RE, window, lead, NUMBER_LEAD):
        number, pos = m["number"], m.end()
    if m := _search(_ASKER_RE, text, pos, 200):
        asker, pos = m["asker"], m.end("asker")
    if m := _search(_DATE_RE, window, pos, 200):
        date, pos = m["date"], m.end()
        end = pos
    # Without any of number and date this is no header, and capitals further down are
    # the minister's signature above the answer.
    if (number or date) and (m := _search(_MINISTER_RE, window, pos, 300)):
        minister = m["name"] or None
        stop = title_end(text, m.start("title"))
        title, end = text[m.start("title") : stop], stop
    if not any((number, asker, date, minister, title)):
        return None
    if title is not None and m is not None:
        end = _trim_title(text, m.start("title"), end, minister)
        title = text[m.start("title") : end]
    return HeaderSpan(number, asker, date, minister, title, end)


def _trim_title(text: str, start: int, end: int, minister: str | None) -> int:
    """Cut a title that ran on into the subject, using the signature's copy of it.

    In flattened text a subject that starts with an acronym (`VLAIO - ...`) looks like
    more title; the signature above `ANTWOORD` repeats the title with a clear end.
    """
    answer = find_answer(text, end)
    if answer is None:
        return end
    sig = find_signature(text, end, answer.start(), minister)
    if sig is None:
        return end
    wanted = sig.title.split()
    tokens = list(_TOKEN_RE.finditer(text, start, end))
    if len(tokens) > len(wanted) and [t.group() for t in tokens[: len(wanted)]] == wanted:
        return tokens[len(wanted) - 1].end()
    return end


def find_answer(text: str, start: int = 0) -> re.Match[str] | None:
    """The `ANTWOORD` marker, preferring the form followed by `op vraag nr.`."""
    best = None
    for match in ANSWER_RE.finditer(text, start):
        if match["ref"]:
            return match
        best = best or match
    return _ANSWER_LINE_RE.search(text, start) or best or _ANSWER_BARE_RE.search(text, start)


def find_signature(
    text: str, start: int, end: int, expected_name: str | None = None
) -> Signature | None:
    """The minister block ending at `end` (where `ANTWOORD` starts, or the text ends).

    Walks back over words in capitals; crossing a line break only when the whole line
    above is in capitals, so a question line ending in an acronym stays in the question.
    """
    tokens = list(_TOKEN_RE.finditer(text, start, end))
    first = len(tokens)
    for i in range(len(tokens) - 1, -1, -1):
        tok = tokens[i]
        if not _TITLE_WORD_RE.fullmatch(tok.group()):
            break
        if i + 1 < len(tokens) and "\n" in text[tok.end() : tokens[i + 1].start()]:
            line_start = text.rfind("\n", 0, tok.start()) + 1
            line = text[max(line_start, start) : tok.end()]
            if not all(_TITLE_WORD_RE.fullmatch(w) for w in line.split()):
                break
        first = i
    run = tokens[first:]
    kw_index = next(
        (i for i, tok in enumerate(run) if _TITLE_START_RE.match(text, tok.start())), None
    )
    if kw_index is None:
        return None
    name_tokens = [tok for tok in run[:kw_index] if _NAME_WORD_RE.fullmatch(tok.group())]
    if expected_name:
        # The header names the same minister: trust it over a guess at where the
        # question's last capitals end.
        wanted = expected_name.split()
        got = [tok.group() for tok in name_tokens]
        if got[-len(wanted) :] == wanted:
            name_tokens = name_tokens[-len(wanted) :]
    # A Flemish minister's name has two to four words; more is question text in capitals.
    name_tokens = name_tokens[-4:]
    block_start = name_tokens[0].start() if name_tokens else run[kw_index].start()
    name = " ".join(tok.group() for tok in name_tokens) or None
    title = " ".join(tok.group() for tok in run[kw_index:])
    return Signature(block_start, name, title)
