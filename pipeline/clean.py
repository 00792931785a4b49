"""From raw page texts to one clean text: no page furniture, no broken words.

Line breaks are kept (the section parser and the later table parser rely on them);
paragraphs are separated by one blank line.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

# How many non-empty lines at each end of a page can be furniture.
FURNITURE_DEPTH = 3

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


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Keys of lines found at the top or bottom of most pages."""
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for page_no, lines in enumerate(pages, start=1):
        top, bottom = _edge_indices(lines)
        counts.update({_furniture_key(lines[i], page_no) for i in top + bottom})
    counts = Counter({key: n for key, n in counts.items() if _can_be_running(key)})
    # "Most pages", but never a coincidence between two pages of a long document.
    threshold = max(2, (len(pages) + 1) // 2)
    return {key for key, n in counts.items() if n >= threshold}


def furniture_indices(pages: Sequence[Sequence[str]]) -> list[set[int]]:
    """Per page, the indices of its lines that are running headers/footers or page
    numbers (lines already normalised)."""
    split = [list(lines) for lines in pages]
    running = _running_lines(split)
    result: list[set[int]] = []
    for page_no, lines in enumerate(split, start=1):
        top, bottom = _edge_indices(lines)
        drop: set[int] = set()
        for edge in (top, bottom):
            for i in edge:
                # Furniture sits at the very edge: stop at the first line of content.
                line = lines[i]
                if _furniture_key(line, page_no) in running or is_page_number(line, page_no):
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


def clean_pages(pages: Sequence[str]) -> str:
    """One text for the whole document; empty when the pages held nothing but furniture."""
    lines: list[str] = []
    for page_lines in strip_furniture(pages):
        # A page break is a line break: a word or paragraph may continue on the next page.
        lines.extend(page_lines)
    text = "\n".join(join_lines(lines))
    return re.sub(r"\n{3,}", "\n\n", text).strip()
