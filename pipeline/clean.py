"""From page lines to one clean text: no page furniture, no broken words.

Page furniture (running headers and footers, page numbers) sits at the top or bottom
edge of a page and is found three ways: by repetition (the same line on most pages),
by its pattern (`Vlaams Parlement ...`, `Pagina 2 van 3`, `- 2 -`) and, where the
positions are known (PDF), by its place: in the page's outer band, set apart from the
text by a gap and in smaller type, as a running title on a one-page document is.

Line breaks are kept (the section parser relies on them); paragraphs are separated by
one blank line.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

from pipeline.layout import Line

# How many non-empty lines at each end of a page can be furniture.
FURNITURE_DEPTH = 3
# The outer bands of a page (share of its height) where headers and footers are set,
# the gap (in line heights) that sets them apart from the text, and how much smaller
# than the body text their type is.
_BAND = 0.13
_APART = 1.2
_SMALL = 0.9
# Running lines by their words: the parliament's name or the document's title and
# number opening the line, or a page count anywhere in it.
# The form's own title (`SCHRIFTELIJKE VRAAG nr. 407`, in capitals) is not one.
_RUNNING = re.compile(
    r"(?:vlaams\s+parlement\b|(?-i:Schriftelijke\s+vraag)\s+(?:nr\.?\s*)?\d+)"
    r"|.*\b(?:pagina|blz\.?|page)\s+\d+\s+(?:van|of|/)\s+\d+",
    re.IGNORECASE,
)

_LIGATURES = str.maketrans(
    {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "ft", "ﬆ": "st"}
)
# Spaces pdfminer and producers emit besides U+0020; the soft hyphen and zero-width
# characters are invisible in print, so they only break words and searches.
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")

# `3`, `- 3 -`, `3/5`, `3 van 5`, `pagina 3`, `Pagina 3 van 5`, `p. 3`.
_PAGE_NUMBER = re.compile(
    r"(?:(?:pagina|page|blz\.?|p\.)\s*)?[-–—]?\s*(?P<n>\d{1,4})\s*[-–—]?"
    r"(?:\s*(?:/|van|of)\s*(?P<of>\d{1,4}))?",
    re.IGNORECASE,
)
# A line ending in a hyphen glued to a word character: a candidate for a broken word.
_HYPHEN_END = re.compile(r"(\w)[-\u00ad]$")
# Dutch elides a shared word part with a hyphen ("kleuter- en lager onderwijs"): when the
# next line starts with a conjunction the hyphen is real and the space after it too.
_ELISION_NEXT = re.compile(r"(?:en|of|tot|noch|als|dan|t\.e\.m\.|à)\b", re.IGNORECASE)
_VOWELS = set("aeiouyáéíóúàèëïöüâêîôû")


def normalise_line(line: str) -> str:
    line = _SPACES.sub(" ", _INVISIBLE.sub("", line.translate(_LIGATURES))).strip()
    # A soft hyphen only matters where it breaks the line; elsewhere it splits a word.
    trailing = line.endswith("\u00ad")
    return line.replace("\u00ad", "") + ("\u00ad" if trailing else "")


def _furniture_key(line: str, page_no: int) -> str:
    """The line with its page number folded out: `Vraag 407 - pagina 2 van 3` is the same
    running line on every page. Only the page's own number is folded, so content lines
    that differ by other numbers (`rij 1`, `rij 2`) never look alike."""
    return re.sub(rf"(?<!\d){page_no}(?!\d)", "#", line.lower(), count=1)


def _can_be_running(key: str) -> bool:
    # Number-only lines (totals, page numbers) repeat by chance; page numbers have
    # their own rule.
    return sum(ch.isalpha() for ch in key) >= 3


def is_page_number(line: str, page_no: int | None = None) -> bool:
    """`3`, `- 3 -`, `3/5`, `pagina 3 van 5`. The number must be `page_no` when given:
    a table cell alone on the last line of a page looks just like a page number."""
    match = _PAGE_NUMBER.fullmatch(line)
    if not match:
        return False
    n = int(match["n"])
    if match["of"] is not None and n > int(match["of"]):
        return False  # 2023/2024 and the like
    return page_no is None or n == page_no


def _edge_indices(lines: list[str]) -> tuple[list[int], list[int]]:
    filled = [i for i, line in enumerate(lines) if line]
    return filled[:FURNITURE_DEPTH], filled[-FURNITURE_DEPTH:][::-1]


@dataclass(frozen=True)
class Place:
    """Where a line sits on its page: in the top or bottom band and set apart from the
    text by a gap (`edge`), and whether its type is smaller than the page's body text.
    Unknown (text without positions): anywhere."""

    edge: bool = True
    small: bool = False


def _running_lines(
    pages: list[list[str]], where: Sequence[Sequence[Place]] | None = None
) -> set[str]:
    """Keys of lines found at the top or bottom of most pages (set apart in the page's
    outer bands, where their places are known: a table's header repeated at the top of
    each page is no running header)."""
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for page_no, lines in enumerate(pages, start=1):
        top, bottom = _edge_indices(lines)
        edges = [i for i in top + bottom if where is None or where[page_no - 1][i].edge]
        counts.update({_furniture_key(lines[i], page_no) for i in edges})
    counts = Counter({key: n for key, n in counts.items() if _can_be_running(key)})
    # "Most pages", but never a coincidence between two pages of a long document.
    threshold = max(2, (len(pages) + 1) // 2)
    return {key for key, n in counts.items() if n >= threshold}


def places(lines: Sequence[Line], height: float) -> list[Place]:
    """Each line's Place; `lines` top to bottom, positions in PDF units (y up)."""
    n = len(lines)
    if not n:
        return []
    body = median(line.height for line in lines)
    edge = [False] * n

    def in_band(line: Line, top: bool) -> bool:
        middle = (line.top + line.bottom) / 2
        return middle >= height * (1 - _BAND) if top else middle <= height * _BAND

    for order, from_top in ((list(range(n)), True), (list(range(n - 1, -1, -1)), False)):
        for k in range(min(FURNITURE_DEPTH, n - 1)):
            line, nxt = lines[order[k]], lines[order[k + 1]]
            # Set apart from the text, not from the other edge's furniture: a page whose
            # only text is one line keeps it.
            if not in_band(line, from_top) or in_band(nxt, not from_top):
                break
            gap = line.bottom - nxt.top if from_top else nxt.bottom - line.top
            if gap >= _APART * max(line.height, nxt.height):
                for i in order[: k + 1]:
                    edge[i] = True
                break
    return [Place(edge[i], line.height <= _SMALL * body) for i, line in enumerate(lines)]


def furniture_indices(
    pages: Sequence[Sequence[str]], where: Sequence[Sequence[Place]] | None = None
) -> list[set[int]]:
    """Per page, the indices of its lines that are running headers/footers or page
    numbers (lines already normalised; `where` their places, when known)."""
    split = [list(lines) for lines in pages]
    running = _running_lines(split, where)
    result: list[set[int]] = []
    for page_no, lines in enumerate(split, start=1):
        top, bottom = _edge_indices(lines)
        drop: set[int] = set()
        for edge in (top, bottom):
            for i in edge:
                # Furniture sits at the very edge: stop at the first line of content.
                line = lines[i]
                place = where[page_no - 1][i] if where is not None else Place()
                if (
                    (place.edge and _furniture_key(line, page_no) in running)
                    or is_page_number(line, page_no)
                    or (
                        where is not None
                        and place.edge
                        and (place.small or _RUNNING.match(line) is not None)
                    )
                ):
                    drop.add(i)
                else:
                    break
        result.append(drop)
    return result


def strip_furniture(pages: Sequence[str]) -> list[list[str]]:
    """Per page, its normalised lines minus running headers/footers and page numbers."""
    split = [[normalise_line(line) for line in page.splitlines()] for page in pages]
    result: list[list[str]] = []
    for lines, drop in zip(split, furniture_indices(split), strict=True):
        kept = [line for i, line in enumerate(lines) if i not in drop]
        # Blank edges would turn every page break into a paragraph break.
        while kept and not kept[0]:
            kept.pop(0)
        while kept and not kept[-1]:
            kept.pop()
        result.append(kept)
    return result


def _join_hyphenated(prev: str, nxt: str) -> str | None:
    """`prev` + `nxt` as one line if `prev` ends in a word broken by a hyphen, else None."""
    match = _HYPHEN_END.search(prev)
    if not match or not nxt:
        return None
    before, first = match.group(1), nxt[0]
    if prev.endswith("\u00ad"):  # a soft hyphen only ever marks a break
        return prev[:-1] + nxt
    if _ELISION_NEXT.match(nxt):
        return None
    if before.islower() and first.islower():
        # Dutch keeps the hyphen where two vowels would otherwise merge
        # (subsidie-instrument, zee-egel); a hyphenator does not split there.
        if before.lower() in _VOWELS and first.lower() in _VOWELS:
            return prev + nxt
        return prev[:-1] + nxt
    if first.isalnum():
        # KPI-lijst, Oost-Vlaanderen, COVID-19: a real hyphen that fell at the line end.
        return prev + nxt
    return None


def join_lines(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if out and out[-1] and line:
            joined = _join_hyphenated(out[-1], line)
            if joined is not None:
                out[-1] = joined
                continue
        out.append(line)
    return out


def clean_lines(pages: Sequence[Sequence[str]]) -> str:
    """One text from the pages' lines (furniture already gone): blank edges dropped,
    words broken over a line end joined."""
    lines: list[str] = []
    for page in pages:
        kept = [normalise_line(line) for line in page]
        # Blank edges would turn every page break into a paragraph break.
        while kept and not kept[0]:
            kept.pop(0)
        while kept and not kept[-1]:
            kept.pop()
        # A page break is a line break: a word or paragraph may continue on the next page.
        lines.extend(kept)
    text = "\n".join(join_lines(lines))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def clean_pages(pages: Sequence[str]) -> str:
    """One text for the whole document; empty when the pages held nothing but furniture."""
    return clean_lines(strip_furniture(pages))
