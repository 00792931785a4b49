"""Sub-questions, answer parts and references, on the real samples' text."""

from __future__ import annotations

import pytest

from pipeline import parse_document
from pipeline.parts import answer_references, split_answer, split_question
from pipeline.sections import split_sections
from storage.records import SubQuestion
from tests.pdfs import render_pdf
from tests.samples import sample


def test_flattened_sub_questions_and_also_asked() -> None:
    # pdftext_03 (header, context) + pdftext_01 (seven sub-questions, also-asked line,
    # signature), whitespace flattened on one line as in the samples.
    head = sample("pdftext_03.txt")
    tail = sample("pdftext_01.txt")
    sections = split_sections(head[: head.index("1. Hoeveel")] + tail[tail.index("1. Hoeveel") :])
    context, subs = split_question(sections.question_text)
    assert [s.number for s in subs] == [1, 2, 3, 4, 5, 6, 7]
    assert subs[2].text.startswith("Hoeveel personeelsleden van buitenlandse")
    assert subs[6].text.endswith("Hoeveel van hen zijn m/v/x?")
    assert context is not None and context.endswith("voorbeeldrol te vervullen.")
    assert sections.also_asked[:2] == (("Jan Jambon", 142), ("Hilde Crevits", 256))
    assert len(sections.also_asked) == 9
    assert not sections.has_answer


def test_numbers_only_in_sequence() -> None:
    text = ("In 2023. werd er 5. keer gevraagd. 1. Hoeveel? 2. Sinds 2019. Waarom? "
            "4. Geen vraag. 3. Wanneer?")
    _context, subs = split_question(text)
    assert [s.number for s in subs] == [1, 2, 3]
    assert "4. Geen vraag." in subs[1].text


def test_answer_lettered_parts_and_range() -> None:
    subs = (SubQuestion(1, "a"), SubQuestion(2, "b"), SubQuestion(3, "c"))
    parts = split_answer("1 en 2. Samen beantwoord. 3. Apart. a) eerst b) dan", subs)
    assert [(p.label, p.numbers, p.confidence) for p in parts] == [
        ("1-2", (1, 2), 0.9), ("3", (3,), 1.0)
    ]


def test_answer_numbers_beyond_the_question_are_less_sure() -> None:
    subs = (SubQuestion(1, "a"), SubQuestion(2, "b"))
    parts = split_answer("1. Ja. 2. Nee. 3. Ook nog dit.", subs)
    assert [p.confidence for p in parts] == [0.8, 0.8, 0.5]


def test_unnumbered_answer() -> None:
    subs = (SubQuestion(1, "a"), SubQuestion(2, "b"))
    (part,) = split_answer("Ik verwijs naar mijn eerdere antwoord.", subs)
    assert (part.label, part.numbers, part.confidence) == ("", (), 0.3)
    (single,) = split_answer("Ja.", ())
    assert single.confidence == 0.6


def test_teacher_answer_lettered_parts() -> None:
    text = sample("pdftext_11.txt")
    subs = (SubQuestion(1, "x"), SubQuestion(2, "y"))
    parts = split_answer("1. " + text, subs)
    assert [p.numbers for p in parts] == [(1,), (2,)]
    assert "a) De genderverhoudingen" in parts[1].text


def test_references() -> None:
    kind, refs = answer_references(
        "Voor de cijfers verwijs ik naar bijlage 1 en bijlage 2. Zie ook bijlage 1."
    )
    assert kind is None
    assert [(r.kind, r.label, r.number) for r in refs] == [
        ("attachment", "bijlage 1", 1), ("attachment", "bijlage 2", 2)
    ]
    kind, refs = answer_references(
        "Ik verwijs naar het antwoord van minister Jan Jambon op vraag nr. 142."
    )
    assert kind == "referring"
    assert (refs[0].kind, refs[0].name, refs[0].number) == ("answer", "Jan Jambon", 142)
    kind, _ = answer_references("Dit is een gecoördineerd antwoord van de Vlaamse Regering.")
    assert kind == "coordinated"


def test_answer_ref_mismatch_is_flagged() -> None:
    lines = ["SCHRIFTELIJKE VRAAG", "nr. 407", "van ROBRECHT BOTHUYNE", "datum: 29 april 2024",
             "aan JO BROUNS", "VLAAMS MINISTER VAN ECONOMIE", "Onderwerp van de vraag",
             "1. Eerste vraag?", "2. Tweede vraag?", "JO BROUNS", "VLAAMS MINISTER VAN ECONOMIE",
             "ANTWOORD", "op vraag nr. 408 van 30 april 2024", "van ROBRECHT BOTHUYNE",
             "1. Eerste antwoord.", "2. Tweede antwoord."]
    doc = parse_document(render_pdf(lines))
    assert doc.header is not None and doc.header.number == 407
    assert doc.answer_ref_number == 408
    assert doc.answer_ref_mismatch == "number 408 != 407; date 2024-04-30 != 2024-04-29"
    assert [p.numbers for p in doc.answer_parts] == [(1,), (2,)]


_SUBS = tuple(SubQuestion(n, f"Vraag {n}?") for n in range(1, 5))


@pytest.mark.parametrize(
    ("answer", "numbers"),
    [
        ("1. en 2. Samen.\n3. Apart.\n4. Ook.", [(1, 2), (3,), (4,)]),
        ("1, 2 en 3. Samen.\n4. Apart.", [(1, 2, 3), (4,)]),
        ("1 tot 3. Samen.\n4. Apart.", [(1, 2, 3), (4,)]),
        ("1 tot en met 3. Samen.\n4. Apart.", [(1, 2, 3), (4,)]),
        ("1-3. Samen.\n4. Apart.", [(1, 2, 3), (4,)]),
        ("Antwoord op de vragen 1 en 2\nSamen.\nAntwoord op vraag 3\nApart.\n"
         "Antwoord op vraag 4:\nOok.", [(1, 2), (3,), (4,)]),
        ("1. Ja.\n2. Nee.\n3 a) Eerst.\n3 b) Dan.\n4. Klaar.", [(1,), (2,), (3,), (3,), (4,)]),
    ],
)
def test_answer_labels_for_several_or_lettered_parts(
    answer: str, numbers: list[tuple[int, ...]]
) -> None:
    parts = split_answer(answer, _SUBS)
    assert [p.numbers for p in parts] == numbers
    assert all(p.confidence >= 0.8 for p in parts)
    assert parts[-1].text in {"Apart.", "Ook.", "Klaar."}


def test_unnumbered_answer_in_the_order_of_the_sub_questions() -> None:
    answer = "Eerste alinea.\n\nTweede alinea.\n\nDerde.\n\nVierde."
    parts = split_answer(answer, _SUBS)
    assert [(p.numbers, p.text) for p in parts] == [
        ((1,), "Eerste alinea."), ((2,), "Tweede alinea."), ((3,), "Derde."), ((4,), "Vierde.")
    ]
    # A paragraph more or less than sub-questions: no guess.
    (whole,) = split_answer("Eerste alinea.\n\nTweede alinea.", _SUBS)
    assert whole.numbers == () and whole.confidence == 0.3


@pytest.mark.parametrize(
    ("answer", "kind"),
    [("Ik verwijs naar het antwoord van minister-president Jan Jambon op vraag nr. 142.",
      "referring"),
     ("Dit is een gecoördineerd antwoord van de Vlaamse Regering.", "coordinated")],
)
def test_coordinated_or_referring_answer_has_no_parts(answer: str, kind: str) -> None:
    found, refs = answer_references(answer)
    assert found == kind
    assert split_answer(answer, _SUBS, found) == ()
    if kind == "referring":
        assert [(r.kind, r.name, r.number) for r in refs] == [("answer", "Jan Jambon", 142)]
