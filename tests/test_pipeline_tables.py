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


# -- what is not a table ------------------------------------------------------------------

_LIST = [("line", "De minister antwoordt in drie punten:"),
         ("item", "1.", "De steun wordt jaarlijks geëvalueerd door het agentschap en de "
          "partners samen, op basis van de afgesproken streefcijfers en het bereik.", 0),
         ("item", "2.", "Partners die achterblijven krijgen een jaar om bij te benen.", 0),
         ("item", "a)", "Eerst volgt een gesprek met het agentschap.", 1),
         ("item", "b)", "Daarna een plan met nieuwe streefcijfers.", 1),
         ("item", "3.", "De evaluatie wordt gepubliceerd.", 0),
         ("item", "-", "in het jaarverslag;", 0), ("item", "-", "op de website.", 0)]


@pytest.mark.parametrize("layout", ["ruled", "plain"])
def test_lists_with_a_hanging_indent_are_no_table(layout: Layout) -> None:
    assert _tables(render(_LIST, layout)) == []


@pytest.mark.parametrize("layout", ["ruled", "plain"])
def test_signature_block_and_header_pair_are_no_table(layout: Layout) -> None:
    blocks = [("pair", "datum: 29 april 2024", "aan JO BROUNS"),
              ("line", "Tot slot dank ik de vraagsteller voor de vraag."),
              ("pair", "Brussel, 3 juni 2024", "Jo Brouns"),
              ("pair", "", "Vlaams minister van Economie, Innovatie en Werk")]
    assert _tables(render(blocks, layout)) == []


# -- tables drawn with borders ---------------------------------------------------------------


def _grid_pdf(merged_header: bool) -> bytes:
    """A Word-like grid drawn cell by cell with reportlab: borders as rectangles, a
    header merged over two columns above two sub-headers, a cell over two lines."""
    import io

    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, invariant=True)
    xs, top, h = [60, 160, 260, 360], 700, 18
    rows = [["Partner", "Steun", ""], ["", "Toegekend", "Betaald"],
            ["BAN Flanders", "2.300.000", "862.500"], ["Federatie Vrije\nBeroepen", "250.000",
                                                       "250.000"]]
    y = top
    pdf.drawString(60, top + 20, "Tabel 1: Steun per partner")
    for r, row in enumerate(rows):
        height = h * max(len(c.split("\n")) for c in row)
        for i, text in enumerate(row):
            x0, x1 = xs[i], xs[i + 1]
            if merged_header and r == 0 and i == 1:
                x1 = xs[3]
            if merged_header and r == 0 and i == 2:
                continue
            if merged_header and r == 1 and i == 0:
                continue
            span = height + (h if merged_header and r == 0 and i == 0 else 0)
            pdf.rect(x0, y - span, x1 - x0, span)
            for k, part in enumerate(text.split("\n")):
                pdf.drawString(x0 + 4, y - 13 - k * 14, part)
        y -= height
    pdf.drawString(60, y - 30, "Na de tabel volgt gewone tekst.")
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def test_grid_with_merged_header_and_wrapped_cell() -> None:
    (table,) = _tables(_grid_pdf(merged_header=True))
    assert table.header == ("Partner", "Steun Toegekend", "Steun Betaald")
    assert [[c.text for c in r] for r in table.rows] == [
        ["BAN Flanders", "2.300.000", "862.500"], ["Federatie Vrije Beroepen", "250.000", "250.000"]
    ]
    assert table.rows[0][1].value == 2300000
    assert table.caption == "Tabel 1: Steun per partner"


def test_rules_drawn_cell_by_cell_delimit_rows() -> None:
    """Only horizontal rules, each drawn per cell (as HTML renderers do), a shaded
    header, a first-column cell over two lines: one row per band between rules."""
    import io

    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, invariant=True)
    xs = [60, 200, 300, 400]
    rows = [("Opleiding", "2022", "2023"), ("Bachelor\nkleuteronderwijs", "900", "961"),
            ("Educatieve master", "1.311", "1.372"), ("Educatief\ngraduaat", "1.448", "1.509")]
    y = 700
    pdf.setFillGray(0.85)
    pdf.rect(xs[0], y - 18, xs[-1] - xs[0], 18, stroke=0, fill=1)
    pdf.setFillGray(0)
    for row in rows:
        height = 16 * max(len(c.split("\n")) for c in row) + 2
        for i, text in enumerate(row):
            for k, part in enumerate(text.split("\n")):
                if text[:1].isdigit():
                    pdf.drawRightString(xs[i + 1] - 6, y - 13 - 16 * k, part)
                else:
                    pdf.drawString(xs[i] + 6, y - 13 - 16 * k, part)
            pdf.line(xs[i], y - height, xs[i + 1], y - height)
        y -= height
    pdf.showPage()
    pdf.save()
    (table,) = _tables(buf.getvalue())
    assert table.header == ("Opleiding", "2022", "2023")
    assert [r[0].text for r in table.rows] == [
        "Bachelor kleuteronderwijs", "Educatieve master", "Educatief graduaat"
    ]


@pytest.mark.parametrize("layout", ["ruled", "plain"])
def test_two_tables_one_after_the_other_and_one_at_the_top_of_a_page(layout: Layout) -> None:
    first = ("table", ("Partner", "2022", "2023", "Totaal"),
             [("Dyzo", "585.000", "600.000", "1.185.000"),
              ("Hefboom", "250.000", "250.000", "500.000")])
    second = ("table", ("Partner", "Looptijd", "Bedrag"),
              [("Dyzo", "12", "585.000"), ("Hefboom", "24", "250.000")])
    pdf = render([("line", "Tabel 1: Per jaar"), first, ("line", "Tabel 2: Looptijd"), second,
                  ("line", "Zie ook de volgende bladzijde."), ("break",), first], layout)
    tables = _tables(pdf)
    assert [t.header for t in tables] == [first[1], second[1], first[1]]
    assert [len(t.rows) for t in tables] == [2, 2, 2]
    assert [t.page for t in tables] == [1, 1, 2]
    assert tables[1].caption == "Tabel 2: Looptijd"
