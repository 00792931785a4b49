"""Header fields and sections, on line-broken text and on whitespace-flattened text."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline import parse_header, split_sections
from pipeline.header import split_sections as split_sections_from_header
from pipeline.names import normalise_person_name
from pipeline.sections import AnswerRef
from tests.samples import sample

BROUNS_TITLE = "VLAAMS MINISTER VAN ECONOMIE, INNOVATIE, WERK, SOCIALE ECONOMIE EN LANDBOUW"




def seed_text() -> str:
    lines = sample("seed_sv407_2024_bothuyne_brouns.txt").splitlines()
    start = lines.index("SCHRIFTELIJKE VRAAG")  # after the record's metadata lines
    return "\n".join(line.rstrip() for line in lines[start:])


def test_split_sections_is_reachable_from_header_module() -> None:
    assert split_sections_from_header is split_sections


def test_seed_header() -> None:
    header = parse_header(seed_text())
    assert header.number == 407
    assert header.asker == "Robrecht Bothuyne"
    assert header.asked_on == dt.date(2024, 4, 29)
    assert header.minister == "Jo Brouns"
    assert header.minister_title == BROUNS_TITLE


def test_seed_sections() -> None:
    sections = split_sections(seed_text())
    assert sections.subject == (
        "Agentschap Innoveren en Ondernemen (VLAIO) - Werkingsmiddelen structurele partners"
    )
    q = sections.question_text
    assert q is not None
    assert q.startswith("Het Agentschap Innoveren en Ondernemen werkt samen")
    assert q.endswith("6. Hoe evalueert de minister deze werkingsmiddelen?")
    assert "JO BROUNS" not in q and "ANTWOORD" not in q and "VLAAMS MINISTER" not in q
    assert "\nc) Op welke manier kunnen ze hun targets opkrikken?\n" in q
    assert sections.has_answer
    assert sections.answer_ref == AnswerRef(407, dt.date(2024, 4, 29), "Robrecht Bothuyne")
    a = sections.answer_text
    assert a is not None
    assert a.startswith("1. De toegekende steun")
    assert a.endswith("bijdragen aan de realisatie van de beleidsdoelen.")
    assert "ROBRECHT" not in a


def test_seed_without_form_title_and_without_aan() -> None:
    text = seed_text().replace("SCHRIFTELIJKE VRAAG\n", "").replace("aan JO BROUNS", "JO BROUNS")
    header = parse_header(text)
    assert (header.number, header.minister, header.minister_title) == (
        407,
        "Jo Brouns",
        BROUNS_TITLE,
    )
    assert split_sections(text).subject is not None


def test_seed_flattened() -> None:
    flat = " ".join(seed_text().split())
    header = parse_header(flat)
    assert header.number == 407
    assert header.asker == "Robrecht Bothuyne"
    assert header.minister == "Jo Brouns"
    assert header.minister_title == BROUNS_TITLE
    sections = split_sections(flat)
    assert sections.subject is None  # nothing marks where a flattened subject ends
    assert sections.question_text is not None
    assert sections.question_text.startswith("Agentschap Innoveren")
    assert sections.question_text.endswith("deze werkingsmiddelen?")
    assert sections.answer_text is not None
    assert sections.answer_text.startswith("1. De toegekende steun")
    assert sections.answer_ref == AnswerRef(407, dt.date(2024, 4, 29), "Robrecht Bothuyne")


@pytest.mark.parametrize(
    ("name", "number", "minister", "title"),
    [
        (
            "pdftext_03.txt", 147, "Gwendolyn Rutten",
            "VICEMINISTER-PRESIDENT VAN DE VLAAMSE REGERING, VLAAMS MINISTER VAN BINNENLANDS"
            " BESTUUR, BESTUURSZAKEN, INBURGERING EN GELIJKE KANSEN",
        ),
        (
            "pdftext_05.txt", 256, "Hilde Crevits",
            "VICEMINISTER-PRESIDENT VAN DE VLAAMSE REGERING, VLAAMS MINISTER VAN WELZIJN,"
            " VOLKSGEZONDHEID EN GEZIN",
        ),
    ],
)  # fmt: skip
def test_flattened_fragment_header(name: str, number: int, minister: str, title: str) -> None:
    text = sample(name)
    header = parse_header(text)
    assert header.number == number
    assert header.asker == "Kurt De Loor"
    assert header.asked_on == dt.date(2024, 2, 26)
    assert header.minister == minister
    assert header.minister_title == title
    question = split_sections(text).question_text
    assert question is not None and question.startswith("Kabinetten Diversiteitsbeleid De")


def test_also_asked_list_is_read_and_removed() -> None:
    sections = split_sections(sample("pdftext_01.txt"))
    assert sections.also_asked[:2] == (("Jan Jambon", 142), ("Hilde Crevits", 256))
    assert sections.also_asked[-1] == ("Jo Brouns", 287)
    assert len(sections.also_asked) == 9
    q = sections.question_text
    assert q is not None
    assert "Deze vraag werd gesteld" not in q and "(142)" not in q
    assert q.endswith("jonger dan 30 jaar? Hoeveel van hen zijn m/v/x?")
    assert "JAN JAMBON" not in q


def test_also_asked_on_several_lines() -> None:
    text = (
        "nr. 5\nvan AN DE SMET\ndatum: 3 februari 2024\naan JO BROUNS\n"
        + BROUNS_TITLE
        + "\nOnderwerp\nVraag?\nDeze vraag werd gesteld aan de ministers Jan Jambon (142),\n"
        "Hilde Crevits (256) en Jo Brouns (287).\nJO BROUNS\n" + BROUNS_TITLE
    )
    sections = split_sections(text)
    assert sections.also_asked == (("Jan Jambon", 142), ("Hilde Crevits", 256), ("Jo Brouns", 287))
    assert sections.question_text == "Vraag?"
    assert parse_header(text).asker == "An De Smet"


def test_fragment_with_answer_header_but_no_question_header() -> None:
    sections = split_sections(sample("pdftext_07.txt"))
    assert parse_header(sample("pdftext_07.txt")).number is None  # 244 is the answer's ref
    assert sections.answer_ref == AnswerRef(244, dt.date(2024, 2, 9), "Axel Ronse")
    assert sections.answer_text is not None
    assert sections.answer_text.startswith("1. Zoals u weet")
    assert sections.question_text is not None
    assert sections.question_text.endswith("verder op de federale agenda plaatsen?")


def test_signature_without_answer_is_not_question_text() -> None:
    sections = split_sections(sample("pdftext_09.txt"))
    assert not sections.has_answer and sections.answer_text is None
    q = sections.question_text
    assert q is not None and q.endswith("landbouw enzovoort?")


def test_title_on_two_lines_and_subject_with_acronym() -> None:
    text = (
        "SCHRIFTELIJKE VRAAG\nnr. 12\nvan JOS D'HAESE\ndatum: 1ste mei 2024\naan JAN JAMBON\n"
        "MINISTER-PRESIDENT VAN DE VLAAMSE REGERING, VLAAMS MINISTER VAN\n"
        "BUITENLANDSE ZAKEN, CULTUUR, DIGITALISERING EN FACILITAIR MANAGEMENT\n"
        "VRT - Besparingen\nDe VRT bespaart.\n1. Hoeveel?"
    )
    header = parse_header(text)
    assert header.asker == "Jos D'Haese"
    assert header.asked_on == dt.date(2024, 5, 1)
    assert header.minister_title == (
        "MINISTER-PRESIDENT VAN DE VLAAMSE REGERING, VLAAMS MINISTER VAN BUITENLANDSE ZAKEN,"
        " CULTUUR, DIGITALISERING EN FACILITAIR MANAGEMENT"
    )
    sections = split_sections(text)
    assert sections.subject == "VRT - Besparingen"
    assert sections.question_text == "De VRT bespaart.\n1. Hoeveel?"
    assert sections.answer_text is None and not sections.has_answer


def test_flattened_subject_acronym_is_cut_from_title_by_the_signature() -> None:
    flat = (
        "SCHRIFTELIJKE VRAAG nr. 9 van AN DE SMET datum: 3 februari 2024 JO BROUNS "
        f"{BROUNS_TITLE} VLAIO - Steun Wat is de steun? JO BROUNS {BROUNS_TITLE} ANTWOORD "
        "op vraag nr. 9 van 3 februari 2024 van AN DE SMET De steun is groot."
    )
    assert parse_header(flat).minister_title == BROUNS_TITLE
    sections = split_sections(flat)
    assert sections.question_text == "VLAIO - Steun Wat is de steun?"
    assert sections.answer_text == "De steun is groot."


def test_mixed_case_asker_is_kept() -> None:
    text = "nr. 8 van Kurt De Loor datum: 26 februari 2024 JO BROUNS " + BROUNS_TITLE + " Onderwerp"
    header = parse_header(text)
    assert (header.number, header.asker, header.minister) == (8, "Kurt De Loor", "Jo Brouns")


def test_no_header_at_all() -> None:
    assert parse_header("Zomaar wat tekst zonder kop.").number is None
    sections = split_sections("Zomaar wat tekst zonder kop.")
    assert sections.question_text == "Zomaar wat tekst zonder kop."
    assert sections.subject is None and not sections.has_answer


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ROBRECHT BOTHUYNE", "Robrecht Bothuyne"),
        ("KURT DE LOOR", "Kurt De Loor"),
        ("KOEN VAN DEN HEUVEL", "Koen Van den Heuvel"),
        ("ORRY VAN DE WAUWER", "Orry Van de Wauwer"),
        ("WILLEM-FREDERIK SCHILTZ", "Willem-Frederik Schiltz"),
        ("JOS D'HAESE", "Jos D'Haese"),
        ("Jan Jambon", "Jan Jambon"),
    ],
)
def test_person_names(raw: str, expected: str) -> None:
    assert normalise_person_name(raw) == expected
