"""Page furniture, broken words and whitespace."""

from __future__ import annotations

import pytest

from pipeline.clean import clean_pages, is_page_number, join_lines, strip_furniture


@pytest.mark.parametrize(
    ("line", "page_no", "expected"),
    [
        ("3", 3, True),
        ("- 3 -", 3, True),
        ("– 3 –", 3, True),
        ("3/5", 3, True),
        ("3 / 5", None, True),
        ("pagina 3 van 5", 3, True),
        ("Pagina 3", 3, True),
        ("p. 3", 3, True),
        ("48", 3, False),  # a table cell at the page edge
        ("2023/2024", 2, False),
        ("4.035.000", None, False),
        ("3. Met welke partners?", 3, False),
    ],
)
def test_page_numbers(line: str, page_no: int | None, expected: bool) -> None:
    assert is_page_number(line, page_no) is expected


def test_running_header_footer_and_numbers_go() -> None:
    pages = [
        f"Vlaams Parlement - vraag 407\ninhoud {c} a\ninhoud {c} b\nVertrouwelijk\n- {i} -"
        for i, c in enumerate("wxyz", start=1)
    ]
    text = clean_pages(pages)
    assert "Vlaams Parlement" not in text
    assert "Vertrouwelijk" not in text
    assert "-" not in text
    assert text.splitlines() == [f"inhoud {c} {s}" for c in "wxyz" for s in "ab"]


def test_running_line_with_changing_page_number_goes() -> None:
    pages = [
        f"Schriftelijke vraag 407 - pagina {i} van 3\ntekst {c}" for i, c in enumerate("abc", 1)
    ]
    assert clean_pages(pages).splitlines() == ["tekst a", "tekst b", "tekst c"]


def test_content_lines_differing_by_a_number_are_not_furniture() -> None:
    pages = [f"rij {i + 10}\nmidden\nrij {i + 20}" for i in range(4)]
    assert clean_pages(pages).count("rij") == 8


def test_single_page_keeps_its_first_line() -> None:
    assert clean_pages(["SCHRIFTELIJKE VRAAG\nnr. 7\n1"]) == "SCHRIFTELIJKE VRAAG\nnr. 7"


def test_repeated_content_in_the_middle_of_pages_stays() -> None:
    pages = [
        f"kop\na {i}\nb {i}\nc {i}\nJaar Naam Steun\nd {i}\ne {i}\nf {i}\nvoet" for i in range(3)
    ]
    lines = [line for page in strip_furniture(pages) for line in page]
    assert lines.count("Jaar Naam Steun") == 3
    assert len(lines) == 3 * 7
    assert "kop" not in lines and "voet" not in lines


def test_numeric_totals_at_page_ends_are_not_furniture() -> None:
    pages = ["tekst a\n2.550.000\n1", "tekst b\n4.035.000\n2"]
    assert clean_pages(pages) == "tekst a\n2.550.000\ntekst b\n4.035.000"


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["het ondernemings-", "beleid van"], ["het ondernemingsbeleid van"]),
        (["een set KPI-", "lijsten"], ["een set KPI-lijsten"]),
        (["in Oost-", "Vlaanderen"], ["in Oost-Vlaanderen"]),
        (["de COVID-19-", "maatregelen"], ["de COVID-19-maatregelen"]),
        (["het subsidie-", "instrument"], ["het subsidie-instrument"]),
        (["kleuter-", "en lager onderwijs"], ["kleuter-", "en lager onderwijs"]),
        (["aan-", "of afwezigheid"], ["aan-", "of afwezigheid"]),
        (["zie bijlage -", "tabel"], ["zie bijlage -", "tabel"]),
        (["ondernemings\u00ad", "Beleid"], ["ondernemingsBeleid"]),
        (["woord-", "", "nieuwe alinea"], ["woord-", "", "nieuwe alinea"]),
    ],
)
def test_join_lines(lines: list[str], expected: list[str]) -> None:
    assert join_lines(lines) == expected


def test_hyphenation_joins_across_a_page_break() -> None:
    assert clean_pages(["tekst over ondernemings-\n1", "beleid\n2"]) == (
        "tekst over ondernemingsbeleid"
    )


def test_whitespace_is_normalised_and_paragraphs_kept() -> None:
    raw = "Eerste  alinea\u00a0met\tgaten  \n\n\n\nTweede\u200b alinea ﬁnaal"
    assert clean_pages([raw]) == "Eerste alinea met gaten\n\nTweede alinea finaal"


def _one_page(running: str | None, footer: str | None) -> bytes:
    from tests.corpus.render import render

    blocks = [("line", "SCHRIFTELIJKE VRAAG"), ("line", "nr. 12"),
              ("line", "Een korte vraag over de steun aan partners.")]
    return render(blocks, "ruled", running, footer)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("running", "footer"),
    [("Vlaams Parlement", "pagina"), ("Kabinetten Diversiteitsbeleid", "dash"),
     ("VLAAMS PARLEMENT - Schriftelijke vraag 12", "number")],
)
def test_furniture_of_a_one_page_document_goes(running: str, footer: str) -> None:
    """One page: no repetition to go by, so place (top band, set apart, small type)
    and pattern decide."""
    from pipeline import parse_document

    text = parse_document(_one_page(running, footer)).text or ""
    assert text.splitlines() == [
        "SCHRIFTELIJKE VRAAG", "nr. 12", "Een korte vraag over de steun aan partners."
    ]


def test_repeated_content_away_from_the_edges_stays() -> None:
    """The same closing lines at the foot of two pages' text, well above the footer
    band, are content, not a running footer."""
    from pipeline import parse_document
    from tests.corpus.render import render

    closing = [("line", "Ik evalueer de werkingsmiddelen jaarlijks."),
               ("line", "De resultaten worden gepubliceerd.")]
    filler = [("line", f"Regel {i} van het antwoord.") for i in range(30)]
    pdf = render([*filler, *closing, ("break",), *filler[:10], *closing], "plain")
    text = parse_document(pdf).text or ""
    assert text.count("Ik evalueer de werkingsmiddelen jaarlijks.") == 2


@pytest.mark.parametrize("layout", ["ruled", "plain"])
def test_a_page_with_one_line_of_text_keeps_it(layout: str) -> None:
    """Far from the page number at the foot, yet not furniture: nothing else is text."""
    from pipeline import parse_document
    from tests.corpus.render import render

    pdf = render([("line", "SCHRIFTELIJKE VRAAG nr. 1")], layout)  # type: ignore[arg-type]
    assert parse_document(pdf).text == "SCHRIFTELIJKE VRAAG nr. 1"
