"""Person names as printed in capitals (`KURT DE LOOR`) to the usual Flemish form."""

from __future__ import annotations

import re

# Flemish surnames capitalise their first particle (`Kurt De Loor`, `Koen Van den
# Heuvel`) and write the particles after it in lower case.
PARTICLES = frozenset(
    {"van", "de", "der", "den", "het", "ter", "ten", "te", "vanden", "vander", "vande",
     "le", "la", "du", "des", "del", "della", "di", "da", "dos", "von", "op", "in", "'t"}
)  # fmt: skip
_LOWER_AFTER_PARTICLE = frozenset({"de", "der", "den", "het", "ter", "ten", "te", "'t", "la"})
_PIECES = re.compile(r"([-'’])")


def _capitalise(word: str) -> str:
    # `WILLEM-FREDERIK` -> `Willem-Frederik`, `D'HAESE` -> `D'Haese`.
    return "".join(piece[:1].upper() + piece[1:].lower() for piece in _PIECES.split(word))


def normalise_person_name(raw: str) -> str:
    """`ROBRECHT BOTHUYNE` -> `Robrecht Bothuyne`; a name already in mixed case is kept."""
    words = raw.split()
    if any(ch.islower() for ch in raw):
        return " ".join(words)
    out: list[str] = []
    in_particles = False
    for i, word in enumerate(words):
        lower = word.lower()
        if i > 0 and in_particles and lower in _LOWER_AFTER_PARTICLE:
            out.append(lower)
            continue
        in_particles = i > 0 and lower in PARTICLES
        out.append(_capitalise(word))
    return " ".join(out)
