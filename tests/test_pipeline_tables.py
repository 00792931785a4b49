"""Dutch numbers, and tables found from text positions in real PDFs of both layouts."""

from __future__ import annotations

import pytest

from pipeline import parse_document
from pipeline.numbers import parse_number
from pipeline.tables import table_from_rows
from tests.corpus.render import Layout, render
from tests.pdfs import render_pdf


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2.300.000", (2300000, None)),
        ("12,5", (12.5, None)),
        ("€ 1.250,50", (1250.5, "€")),
        ("3,2 %", (3.2, "%")),
        ("2023", (2023, None)),
        ("-15", (-15, None)),
        ("1 250 000", (1250000, None)),
        ("EUR 40", (40, "€")),
        ("BAN Flanders", None),
        ("12.5", None),  # not Dutch: a dot groups exactly three digits
        ("2023-2024", None),
        ("", None),
    ],
)
def test_parse_number(text: str, expected: object) -> None:
    assert parse_number(text) == expected


def _tables(pdf: bytes) -> list:
    return list(parse_document(pdf).tables)


@pytest.mark.parametrize("layout", ["ruled", "plain"])
def test_table_between_paragraphs(layout: Layout) -> None:
    rows = [("Antwerpen", "1.204", "12,5 %"), ("Gent", "987", "10,3 %"), ("", "2.191", "")]
    pdf = render(
        [("line", "Het aantal aanvragen per stad is als volgt verdeeld over de provincies:"),
         ("table", ("Stad", "Aanvragen", "Aandeel"), rows),
         ("line", "Die cijfers zijn voorlopig en worden in het najaar nog aangevuld.")],
        layout,
    )
    (table,) = _tables(pdf)
    assert table.header == ("Stad", "Aanvragen", "Aandeel")
    assert [[c.text for c in r] for r in table.rows] == [list(r) for r in rows]
    assert [c.value for c in table.rows[0]] == [None, 1204, 12.5]
    assert table.rows[0][2].unit == "%"
    assert table.caption == (
        "Het aantal aanvragen per stad is als volgt verdeeld over de provincies:"
    )


@pytest.mark.parametrize("layout", ["ruled", "plain"])
def test_table_across_a_page_break_is_one_table(layout: Layout) -> None:
    filler = [("line", f"Regel {i} van de inleiding over het beleid.") for i in range(40)]
    rows = [(str(2000 + i), f"Partner {i}", f"{100 + i}.000") for i in range(20)]
    pdf = render(
        [*filler, ("table", ("Jaar", "Naam", "Bedrag"), rows), ("line", "Einde.")],
        layout,
        running_header="VLAAMS PARLEMENT",
    )
    (table,) = _tables(pdf)
    assert [tuple(c.text for c in r) for r in table.rows] == rows


def test_plain_text_is_no_table() -> None:
    pdf = render_pdf(
        ["Een gewone alinea zonder kolommen, over twee regels verdeeld en met",
         "cijfers als 2.300.000 euro en 12,5 procent midden in de zin."]
    )
    assert _tables(pdf) == []


def test_table_from_rows_header_rule() -> None:
    table = table_from_rows([["Jaar", "Bedrag"], ["2023", "1.000"], ["", ""]], 1, "attachment")
    assert table is not None
    assert table.header == ("Jaar", "Bedrag")
    assert [[c.value for c in r] for r in table.rows] == [[2023, 1000]]
    numbers_first = table_from_rows([["2023", "1.000"], ["2024", "2.000"]], 1, "answer")
    assert numbers_first is not None and numbers_first.header == ()
    assert len(numbers_first.rows) == 2


def test_table_in_question_section() -> None:
    blocks = [("line", "SCHRIFTELIJKE VRAAG"), ("line", "nr. 12"), ("line", "van AN PEETERS"),
              ("line", "datum: 3 mei 2024"), ("line", "aan JO BROUNS"),
              ("line", "VLAAMS MINISTER VAN ECONOMIE"), ("line", "Subsidies - Overzicht"),
              ("line", "Ik kreeg deze cijfers:"),
              ("table", ("Jaar", "Bedrag"), [("2022", "10"), ("2023", "12")]),
              ("line", "1. Klopt dat?"), ("line", "2. Waarom?"),
              ("line", "JO BROUNS"), ("line", "VLAAMS MINISTER VAN ECONOMIE"),
              ("line", "ANTWOORD"), ("line", "op vraag nr. 12 van 3 mei 2024"),
              ("line", "van AN PEETERS"), ("line", "1. Ja."),
              ("table", ("Jaar", "Bedrag"), [("2024", "15")]), ("line", "2. Daarom.")]
    doc = parse_document(render(blocks, "plain"))
    assert [t.section for t in doc.tables] == ["question", "answer"]
