"""The seed question (sv 407, Bothuyne to Brouns) as layout blocks, its tables as
tables, and what the parser must read from it."""

from __future__ import annotations

from tests.samples import SAMPLES

SEED = SAMPLES / "seed_sv407_2024_bothuyne_brouns.txt"

TABLE_1 = (
    ("Jaar", "Naam", "Toegekende Steun"),
    [
        ("2023", "BAN Flanders", "2.300.000"),
        ("2023", "Dyzo", "585.000"),
        ("2023", "Federatie Vrije Beroepen", "250.000"),
        ("2023", "Hefboom", "250.000"),
        ("2023", "MicroStart Support", "200.000"),
        ("2023", "Sociale Innovatiefabriek", "450.000"),
        ("", "", "4.035.000"),
    ],
)
TABLE_2 = (
    ("Jaar", "Naam", "Betaalde Steun\nVerwacht"),
    [
        ("2024", "BAN Flanders", "862.500"),
        ("2024", "Federatie Vrije Beroepen", "250.000"),
        ("2024", "Hefboom", "250.000"),
        ("2024", "MicroStart Support", "150.000"),
        ("2024", "Sociale Innovatiefabriek", "450.000"),
        ("", "", "1.962.500"),
    ],
)
TABLE_3 = (
    ("Projectduur in\nmaanden", "Naam", "Totaal\ntoegekende Steun"),
    [
        ("15", "Federatie Vrije Beroepen", "250.000"),
        ("48", "BAN Flanders", "2.300.000"),
        ("", "", "2.550.000"),
    ],
)
TABLES = (TABLE_1, TABLE_2, TABLE_3)
# The lines of the plain-text extraction each table replaces: header line(s) to total.
_TABLE_SPANS = (
    ("Jaar Naam Toegekende Steun", "  4.035.000"),
    ("Jaar Naam Betaalde Steun Verwacht", "1.962.500"),
    ("Projectduur in ", "2.550.000"),
)


def seed_text_lines() -> list[str]:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    return lines[lines.index("SCHRIFTELIJKE VRAAG") :]


def seed_blocks() -> list[tuple]:
    """The seed's lines, with each table's lines replaced by a positioned table."""
    lines = seed_text_lines()
    blocks: list[tuple] = []
    i = 0
    spans = list(_TABLE_SPANS)
    tables = list(TABLES)
    while i < len(lines):
        if spans and lines[i] == spans[0][0]:
            end = lines.index(spans[0][1], i)
            header, rows = tables.pop(0)
            blocks.append(("table", header, rows))
            spans.pop(0)
            i = end + 1
            continue
        blocks.append(("line", lines[i].strip()))
        i += 1
    return blocks
