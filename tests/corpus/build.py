"""The accuracy corpus: question/answer documents composed from the real texts in
shared/samples, each rendered in both layouts, with the fields the parser must find.

The samples are chunks of real PDFs: the seed (sv 407) complete, the diversity question
of Kurt De Loor put to nine ministers (pdftext_01/03/05), the end of Axel Ronse's
question 244 and the start of its answer (pdftext_07), the WEF questions (pdftext_09) and
an answer on teacher training (pdftext_11). Documents are composed from those pieces:
headers, subjects, contexts, sub-questions, answers and tables vary, so one page and
several pages, with and without `aan`, with and without tables, with and without a
running header all occur. Everything is deterministic: same documents on every run.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from tests.corpus import seed
from tests.corpus.render import Layout, render

SAMPLES = seed.SAMPLES
LAYOUTS: tuple[Layout, ...] = ("ruled", "plain")

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december")  # fmt: skip

# (name in capitals, title) as printed; the first four as the samples print them.
MINISTERS = {
    "Jo Brouns": ("JO BROUNS", "VLAAMS MINISTER VAN ECONOMIE, INNOVATIE, WERK, SOCIALE "
                  "ECONOMIE EN LANDBOUW"),
    "Gwendolyn Rutten": ("GWENDOLYN RUTTEN", "VICEMINISTER-PRESIDENT VAN DE VLAAMSE "
                         "REGERING, VLAAMS MINISTER VAN BINNENLANDS BESTUUR, BESTUURSZAKEN, "
                         "INBURGERING EN GELIJKE KANSEN"),
    "Hilde Crevits": ("HILDE CREVITS", "VICEMINISTER-PRESIDENT VAN DE VLAAMSE REGERING, "
                      "VLAAMS MINISTER VAN WELZIJN, VOLKSGEZONDHEID EN GEZIN"),
    "Jan Jambon": ("JAN JAMBON", "MINISTER-PRESIDENT VAN DE VLAAMSE REGERING, VLAAMS "
                   "MINISTER VAN BUITENLANDSE ZAKEN, CULTUUR, DIGITALISERING EN FACILITAIR "
                   "MANAGEMENT"),
    "Ben Weyts": ("BEN WEYTS", "VICEMINISTER-PRESIDENT VAN DE VLAAMSE REGERING, VLAAMS "
                  "MINISTER VAN ONDERWIJS, SPORT, DIERENWELZIJN EN VLAAMSE RAND"),
    "Zuhal Demir": ("ZUHAL DEMIR", "VLAAMS MINISTER VAN JUSTITIE EN HANDHAVING, OMGEVING, "
                    "ENERGIE EN TOERISME"),
    "Matthias Diependaele": ("MATTHIAS DIEPENDAELE", "VLAAMS MINISTER VAN FINANCIËN EN "
                             "BEGROTING, WONEN EN ONROEREND ERFGOED"),
    "Lydia Peeters": ("LYDIA PEETERS", "VLAAMS MINISTER VAN MOBILITEIT EN OPENBARE WERKEN"),
    "Benjamin Dalle": ("BENJAMIN DALLE", "VLAAMS MINISTER VAN BRUSSEL, JEUGD, MEDIA EN "
                       "ARMOEDEBESTRIJDING"),
}


@dataclass
class Spec:
    """One composed document and what the parser must read from it."""

    name: str
    number: int
    asker: str  # `First Last`
    asker_caps: str
    asked_on: dt.date
    minister: str
    subject: str
    context: list[str]
    sub_questions: list[str]  # without their `N.`; lettered parts inside as lines
    answer: list[tuple] | None  # blocks after the ANTWOORD lines, or no answer
    with_aan: bool = True
    also_asked: str | None = None
    running_header: str | None = None
    extra_answer_subparts: dict[int, list[str]] = field(default_factory=dict)

    # -- what the document looks like ----------------------------------------------

    def date_text(self) -> str:
        return f"{self.asked_on.day} {MONTHS[self.asked_on.month - 1]} {self.asked_on.year}"

    def blocks(self) -> list[tuple]:
        caps, title = MINISTERS[self.minister]
        out: list[tuple] = [("line", "SCHRIFTELIJKE VRAAG"), ("line", f"nr. {self.number}"),
                            ("line", f"van {self.asker_caps}"),
                            ("line", f"datum: {self.date_text()}"),
                            ("line", f"aan {caps}" if self.with_aan else caps),
                            ("line", title), ("line", self.subject)]
        out += [("line", line) for line in self.context]
        for n, sub in enumerate(self.sub_questions, start=1):
            first, *rest = sub.split("\n")
            out.append(("line", f"{n}. {first}"))
            out += [("line", line) for line in rest]
        if self.also_asked:
            out.append(("line", self.also_asked))
        if self.answer is not None:
            out += [("line", caps), ("line", title), ("line", "ANTWOORD"),
                    ("line", f"op vraag nr. {self.number} van {self.date_text()}"),
                    ("line", f"van {self.asker_caps}")]
            out += self.answer
        return out

    def pdf(self, layout: Layout) -> bytes:
        return render(self.blocks(), layout, self.running_header)

    # -- what the parser must find -------------------------------------------------

    def expected(self) -> dict[str, object]:
        title = MINISTERS[self.minister][1]
        question = self.context + [
            f"{n}. {sub}" for n, sub in enumerate(self.sub_questions, start=1)
        ]
        tables = [
            {"header": tuple(h.replace("\n", " ") for h in b[1]),
             "rows": [tuple(r) for r in b[2]]}
            for b in self.answer or [] if b[0] == "table"
        ]
        return {
            "number": self.number,
            "asker": self.asker,
            "asked_on": self.asked_on,
            "minister": self.minister,
            "minister_title": title,
            "subject": self.subject,
            "question_text": flat(" ".join(question)),
            "answer_text": None if self.answer is None else flat(blocks_text(self.answer)),
            "sub_questions": len(self.sub_questions),
            "answer_parts": _answer_numbers(self.answer),
            "tables": tables,
        }


def flat(text: str) -> str:
    """Whitespace-flattened text, the form texts are compared in."""
    return " ".join(text.split())


def blocks_text(blocks: list[tuple]) -> str:
    parts: list[str] = []
    for block in blocks:
        if block[0] == "line":
            parts.append(block[1])
            continue
        header, rows = block[1], block[2]
        lines = [h.split("\n") for h in header]
        for k in range(max(len(x) for x in lines)):
            parts.append(" ".join(x[k] for x in lines if k < len(x)))
        parts += [" ".join(c for c in row if c) for row in rows]
    return "\n".join(parts)


def _answer_numbers(answer: list[tuple] | None) -> list[int]:
    if answer is None:
        return []
    found, expected = [], 1
    for block in answer:
        if block[0] == "line" and re.match(rf"{expected}\. ", block[1]):
            found.append(expected)
            expected += 1
    return found


# -- the real texts, cut into pieces ---------------------------------------------------


def _sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def _numbered(text: str) -> list[str]:
    """`1. ... 2. ... 3. ...` in flattened text -> the items without their numbers."""
    pieces = re.split(r"(?:(?<=^)|(?<=\s))(\d{1,2})\. (?=[A-Z])", text)
    items, expected = [], 1
    current = None
    for i in range(1, len(pieces), 2):
        if int(pieces[i]) == expected:
            if current is not None:
                items.append(current.strip())
            current = pieces[i + 1]
            expected += 1
        elif current is not None:
            current += f"{pieces[i]}. {pieces[i + 1]}"
    if current is not None:
        items.append(current.strip())
    return items


def _diversity_parts() -> tuple[str, list[str], str, str]:
    """(context, the 7 sub-questions, the also-asked line, the plain subject)."""
    head = _sample("pdftext_03.txt")
    tail = _sample("pdftext_01.txt")
    start = head.index("De Vlaamse overheid als werkgever")
    body = head[start:]
    # pdftext_03 stops inside question 3, pdftext_01 starts before question 1: join them.
    context = body[: body.index("1. Hoeveel")].strip()
    questions_text = tail[tail.index("1. Hoeveel") : tail.index("Deze vraag werd")]
    also = tail[tail.index("Deze vraag werd") : tail.index("JAN JAMBON")].strip()
    return context, _numbered(questions_text), also, "Kabinetten Diversiteitsbeleid"


def _wrap_sentences(text: str, per: int = 2) -> list[str]:
    """A paragraph as a few lines of sentences, as the PDFs break them."""
    sentences = re.split(r"(?<=[.?!])\s+", text.strip())
    return [" ".join(sentences[i : i + per]) for i in range(0, len(sentences), per)]


_DIVERSITY_ASKED = [
    ("Jan Jambon", 142), ("Hilde Crevits", 256), ("Gwendolyn Rutten", 147),
    ("Ben Weyts", 321), ("Zuhal Demir", 374), ("Matthias Diependaele", 200),
    ("Lydia Peeters", 705), ("Benjamin Dalle", 79), ("Jo Brouns", 287),
]  # fmt: skip


def _diversity_answer(k: int, staff: int) -> list[tuple]:
    women = staff // 2 + k
    men = staff - women - 1
    rows = [
        ("Vrouw", str(women), f"{women * 100 / staff:.1f}".replace(".", ",") + " %"),
        ("Man", str(men), f"{men * 100 / staff:.1f}".replace(".", ",") + " %"),
        ("X", "1", f"{100 / staff:.1f}".replace(".", ",") + " %"),
        ("Totaal", str(staff), "100,0 %"),
    ]
    blocks: list[tuple] = [
        ("line", f"1. Op 1 januari 2024 telde het kabinet {staff} personeelsleden."),
        ("line", "2. De verdeling naar gender is als volgt:"),
        ("table", ("Gender", "Aantal", "Aandeel"), rows),
        ("line", f"3. Het kabinet telt {k + 2} personeelsleden van buitenlandse herkomst, "
                 "zoals vooropgesteld door de dienst Diversiteitsbeleid."),
        ("line", "4. Er werken twee personen met een handicap of chronische ziekte op het "
                 "kabinet."),
        ("line", f"5. {k + 3} vrouwen voeren op het kabinet een managementfunctie uit."),
        ("line", f"6. {k + 4} medewerkers zijn ouder dan 55 jaar."),
        ("line", f"7. {k + 5} medewerkers zijn jonger dan 30 jaar. Voor de opdeling m/v/x "
                 "verwijs ik naar de tabel in bijlage 1."),
    ]
    return blocks


def _ronse() -> tuple[list[str], list[tuple]]:
    text = _sample("pdftext_07.txt")
    question = text[: text.index("JO BROUNS")]
    # The chunk starts inside question 2: its first words are the rest of that question.
    # The chunk starts inside question 2: its opening words are composed, the rest is
    # real; questions 3 to 5 become 2 to 4.
    renumbered = question.replace("3. ", "2. ", 1).replace("4. ", "3. ", 1)
    renumbered = renumbered.replace("5. ", "4. ", 1)
    items = _numbered("1. Welke vragen van de Vlaamse Regering heeft de Federale Regering "
                      + renumbered)
    answer_start = text[text.index("van AXEL RONSE") + len("van AXEL RONSE") :].strip()
    answer = [("line", answer_start + " overeenkomst te komen.")]
    answer += [("line", f"{n}. Ik verwijs naar het antwoord op vraag {n - 1}.")
               for n in range(2, len(items) + 1)]
    return items, answer


def _wef() -> list[str]:
    text = _sample("pdftext_09.txt")
    body = text[text.index("12. Op welke") : text.index("JAN JAMBON")]
    items = _numbered(body.replace("12. ", "1. ").replace("13. ", "2. ").replace("14. ", "3. "))
    return items


def _teacher_answer() -> list[tuple]:
    text = _sample("pdftext_11.txt")
    two = text[text.index("2. Cijfergegevens") : text.index("a) De gender")].strip()
    a = text[text.index("a) De gender") : text.index("b) We beschikken")].strip()
    b = text[text.index("b) We beschikken") :].strip()
    first = text[: text.index("2. Cijfergegevens")].strip()
    return [("line", "1. Voor de lerarenopleiding is er " + first.split("is er", 1)[-1].strip()),
            ("line", two), ("line", a), ("line", b + " niet over die gegevens.")]


def corpus() -> list[Spec]:
    """The composed documents (each is rendered in both layouts: 2 x 23 PDFs)."""
    specs: list[Spec] = []
    context, subs, also, subject = _diversity_parts()
    for k, (minister, number) in enumerate(_DIVERSITY_ASKED):
        specs.append(Spec(
            name=f"diversiteit-{number}", number=number, asker="Kurt De Loor",
            asker_caps="KURT DE LOOR", asked_on=dt.date(2024, 2, 26), minister=minister,
            subject=subject, context=_wrap_sentences(context), sub_questions=subs,
            answer=_diversity_answer(k, 12 + 3 * k) if k % 3 != 2 else None,
            with_aan=k % 2 == 0, also_asked=also,
            running_header="Vlaams Parlement - Schriftelijke vraag" if k % 4 == 1 else None,
        ))
    seed_lines = seed.seed_text_lines()
    seed_context = seed_lines[7 : seed_lines.index("1. Hoeveel subsidies kregen de "
                                                    "verschillende structurele partners in "
                                                    "2023? Graag ")]
    seed_subs = [
        "Hoeveel subsidies kregen de verschillende structurele partners in 2023? Graag "
        "totaalbedrag (toegekend bedrag) en opdeling naar structurele partner.",
        "Wat wordt, voor elk van deze structurele partners, begroot voor het werkingsjaar "
        "2024?",
        "Met welke structurele partners werden meerjarige engagementen aangegaan? Graag een "
        "overzicht voor 2023, met opdeling van de duurtijd en het bedrag van het engagement "
        "per partner.",
        "De middelen zijn gekoppeld aan voorwaarden.\nMet welke partners is een set van "
        "KPI’s afgesproken?",
        "Daarnaast werd gekeken welke indicatoren of aantallen behaald moeten worden.\n"
        "a) Halen alle partners de KPI’s of indicatoren/aantallen?\nb) Graag een overzicht "
        "van zij die moeten bijbenen.\nc) Op welke manier kunnen ze hun targets opkrikken?",
        "Hoe evalueert de minister deze werkingsmiddelen?",
    ]
    blocks = seed.seed_blocks()
    answer_at = next(i for i, b in enumerate(blocks) if b == ("line", "ANTWOORD"))
    seed_answer = blocks[answer_at + 3 :]
    variants = [
        ("seed", 407, dt.date(2024, 4, 29), seed_answer, "Vlaams Parlement - Schriftelijke "
         "vraag 407 - Bothuyne"),
        ("seed-no-header", 407, dt.date(2024, 4, 29), seed_answer, None),
        ("seed-one-table", 412, dt.date(2024, 5, 3), seed_answer[:12], None),
        ("seed-question-only", 418, dt.date(2024, 5, 8), None, None),
        ("seed-tables-only", 425, dt.date(2024, 5, 14),
         [b for b in seed_answer if b[0] == "table" or b[1].startswith(("1.", "2.", "3."))],
         "VLAAMS PARLEMENT"),
        ("seed-long", 431, dt.date(2024, 6, 3), seed_answer + seed_answer[-8:], None),
    ]
    for name, number, asked, answer, running in variants:
        specs.append(Spec(
            name=name, number=number, asker="Robrecht Bothuyne", asker_caps="ROBRECHT BOTHUYNE",
            asked_on=asked, minister="Jo Brouns",
            subject="Agentschap Innoveren en Ondernemen (VLAIO) - Werkingsmiddelen "
                    "structurele partners",
            context=[line.strip() for line in seed_context], sub_questions=seed_subs,
            answer=answer, with_aan=number != 412, running_header=running,
        ))
    ronse_subs, ronse_answer = _ronse()
    for k in range(3):
        specs.append(Spec(
            name=f"ronse-{k}", number=244 + k, asker="Axel Ronse", asker_caps="AXEL RONSE",
            asked_on=dt.date(2024, 2, 9 + k), minister="Jo Brouns",
            subject="Asymmetrische samenwerking - Vragen aan de federale overheid",
            context=["De Vlaamse Regering legde een reeks vragen voor aan de Federale "
                     "Regering."],
            sub_questions=ronse_subs, answer=ronse_answer if k != 1 else None,
            with_aan=k != 2,
        ))
    wef = _wef()
    for k, asker in enumerate(("Sam Van Rooy", "Filip Brusselmans", "Chris Janssens")):
        specs.append(Spec(
            name=f"wef-{k}", number=180 + k, asker=asker, asker_caps=asker.upper(),
            asked_on=dt.date(2024, 3, 11 + k), minister="Jan Jambon",
            subject="World Economic Forum (WEF) - Samenwerking met de Vlaamse Regering",
            context=["Ik verwijs naar mijn vorige vraag over het WEF."], sub_questions=wef,
            answer=[("line", f"{n}. De Vlaamse Regering bepaalt haar beleid zelf, los van "
                     "het WEF.") for n in range(1, 4)] if k != 2 else None,
            running_header="Vlaams Parlement" if k == 0 else None,
        ))
    teacher = _teacher_answer()
    for k, (minister, number) in enumerate((("Ben Weyts", 512), ("Ben Weyts", 530))):
        specs.append(Spec(
            name=f"lerarenopleiding-{k}", number=number, asker="Elisabeth Meuleman",
            asker_caps="ELISABETH MEULEMAN", asked_on=dt.date(2024, 1, 22 + k),
            minister=minister, subject="Lerarenopleiding - Diversiteit van de studenten",
            context=["Diversiteit in de klas begint bij diversiteit in de lerarenopleiding."],
            sub_questions=["Hoe monitort de minister de diversiteit onder student-leraren?",
                           "Wat is de genderverhouding in de educatieve opleidingen?\n"
                           "a) In welke opleidingen is ze het meest uitgesproken?\n"
                           "b) Hoeveel studenten hebben een migratieachtergrond?"],
            answer=teacher, with_aan=k == 0,
        ))
    return specs


def write_corpus(folder: Path) -> list[tuple[Path, Spec, Layout]]:
    """Render every document in both layouts into `folder` (for a look by eye)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for spec in corpus():
        for layout in LAYOUTS:
            path = folder / f"{spec.name}.{layout}.pdf"
            path.write_bytes(spec.pdf(layout))
            written.append((path, spec, layout))
    return written
