"""The accuracy corpus: question/answer documents composed from the real texts in
tests/samples, each rendered by every producer, with the fields the parser must find.

The samples are chunks of real PDFs: the seed (sv 407) complete, the diversity question
of Kurt De Loor put to nine ministers (pdftext_01/03/05), the end of Axel Ronse's
question 244 and the start of its answer (pdftext_07), the WEF questions (pdftext_09) and
an answer on teacher training (pdftext_11). Documents are composed from those pieces, so
the corpus holds what real answers hold:

- tables of 3 to 7 columns: ruled, shaded or bold headers, a header cell merged over
  two columns, a header or a cell wrapped over two lines, right-aligned amounts, a
  total row, a caption above (`Tabel 3: ...`),
  two tables one after the other, a table at the top of a page, and tables long enough
  to break across pages (their header repeated on the next page);
- documents with no table at all, numbered and lettered lists with a hanging indent, a
  signature block, the header fields `datum:` and `aan` side by side;
- running headers and footers (`Vlaams Parlement`, a repeated title, `Pagina 2 van 3`,
  `- 2 -`, a bare number) on one-page and multi-page documents;
- every way ministers number answers: `1.`, `1. en 2.`, `1, 2 en 3.`, `1 tot 3.`,
  `1-3.`, `Antwoord op de vragen 1 en 2`, lettered `5 a)`, paragraphs in the order of
  the sub-questions, a coordinated answer and a referring one.

Everything is deterministic: the same documents on every run.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from tests.corpus import seed
from tests.corpus.render import Footer, Layout, render
from tests.samples import sample

# The producers: two rendered live, two kept as fixtures (made with LibreOffice and
# WeasyPrint, which CI does not install; see tests/corpus/fixtures.py).
LIVE: dict[str, Layout] = {"reportlab": "ruled", "fpdf2": "plain"}
PRODUCERS = ("reportlab", "fpdf2", "libreoffice", "weasyprint")
# Developed against the first three; the fourth was held out (see the README).
HELD_OUT = "weasyprint"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

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
    footer: Footer = "number"
    header_pair: bool = False  # `datum: ...` and `aan ...` side by side
    # The sub-questions each answer part answers, in order; None: one part per numbered
    # line `N. ` of the answer.
    parts: list[tuple[int, ...]] | None = None
    kind: str | None = None  # "coordinated" or "referring"

    # -- what the document looks like ----------------------------------------------

    def date_text(self) -> str:
        return f"{self.asked_on.day} {MONTHS[self.asked_on.month - 1]} {self.asked_on.year}"

    def blocks(self) -> list[tuple]:
        caps, title = MINISTERS[self.minister]
        out: list[tuple] = [("line", "SCHRIFTELIJKE VRAAG"), ("line", f"nr. {self.number}"),
                            ("line", f"van {self.asker_caps}")]
        to = f"aan {caps}" if self.with_aan else caps
        if self.header_pair:
            out.append(("pair", f"datum: {self.date_text()}", to))
        else:
            out += [("line", f"datum: {self.date_text()}"), ("line", to)]
        out += [("line", title), ("line", self.subject)]
        out += [("line", line) for line in self.context]
        for n, sub in enumerate(self.sub_questions, start=1):
            first, *rest = sub.split("\n")
            out.append(("item", f"{n}.", first, 0))
            for line in rest:
                lettered = re.match(r"([a-z]\)) (.*)", line)
                out.append(("item", lettered[1], lettered[2], 1) if lettered else ("line", line))
        if self.also_asked:
            out.append(("line", self.also_asked))
        if self.answer is not None:
            out += [("line", caps), ("line", title), ("line", "ANTWOORD"),
                    ("line", f"op vraag nr. {self.number} van {self.date_text()}"),
                    ("line", f"van {self.asker_caps}")]
            out += self.answer
        return out

    def pdf(self, producer: str) -> bytes:
        if producer in LIVE:
            return render(self.blocks(), LIVE[producer], self.running_header, self.footer)
        return (FIXTURES / producer / f"{self.name}.pdf").read_bytes()

    # -- what the parser must find -------------------------------------------------

    def expected(self) -> dict[str, object]:
        title = MINISTERS[self.minister][1]
        question = self.context + [
            f"{n}. {sub}" for n, sub in enumerate(self.sub_questions, start=1)
        ]
        tables = [
            {"header": table_header(b), "rows": [tuple(_one_line(c) for c in r) for r in b[2]]}
            for b in self.answer or [] if b[0] == "table"
        ]
        parts = self.parts if self.parts is not None else _answer_numbers(self.answer)
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
            "answer_parts": parts if self.answer is not None else [],
            "numbered": self.answer is not None and self.kind is None and any(
                re.match(r"\d", _block_text(b)) for b in self.answer if b[0] in ("line", "item")
            ),
            "answer_kind": self.kind,
            "tables": tables,
        }


def _one_line(cell: str) -> str:
    return " ".join(cell.split())


def table_header(block: tuple) -> tuple[str, ...]:
    """A table block's header as one row: a merged cell over several columns (the
    block's optional `groups`: (label, columns spanned)) heads each of them."""
    header = [_one_line(h) for h in block[1]]
    groups = block[3] if len(block) > 3 else ()
    col = 0
    for label, span in groups:
        for i in range(col, col + span):
            header[i] = f"{label} {header[i]}".strip()
        col += span
    return tuple(header)


def flat(text: str) -> str:
    """Whitespace-flattened text, the form texts are compared in."""
    return " ".join(text.split())


def _block_text(block: tuple) -> str:
    if block[0] == "line":
        return block[1]
    if block[0] == "item":
        return f"{block[1]} {block[2]}"
    if block[0] == "pair":
        return f"{block[1]} {block[2]}".strip()
    return ""


def blocks_text(blocks: list[tuple]) -> str:
    """The text the blocks print, line by line; a table row by row, each cell whole
    (however the producer wrapped it)."""
    parts: list[str] = []
    for block in blocks:
        if block[0] != "table":
            text = _block_text(block)
            if text:
                parts.append(text)
            continue
        for row in (table_header(block), *block[2]):
            parts.append(" ".join(_one_line(cell) for cell in row if cell))
    return "\n".join(parts)


def _answer_numbers(answer: list[tuple] | None) -> list[tuple[int, ...]]:
    if answer is None:
        return []
    found: list[tuple[int, ...]] = []
    expected = 1
    for block in answer:
        if block[0] in ("line", "item") and re.match(rf"{expected}\. ", _block_text(block)):
            found.append((expected,))
            expected += 1
    return found


# -- the real texts, cut into pieces ---------------------------------------------------


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


def _diversity_parts(head_name: str = "pdftext_03.txt") -> tuple[str, list[str], str, str]:
    """(context, the 7 sub-questions, the also-asked line, the plain subject); the
    question's head from pdftext_03 (Rutten) or pdftext_05 (Crevits)."""
    head = sample(head_name)
    tail = sample("pdftext_01.txt")
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
    text = sample("pdftext_07.txt")
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
    text = sample("pdftext_09.txt")
    body = text[text.index("12. Op welke") : text.index("JAN JAMBON")]
    items = _numbered(body.replace("12. ", "1. ").replace("13. ", "2. ").replace("14. ", "3. "))
    return items


def _teacher_answer() -> list[tuple]:
    text = sample("pdftext_11.txt")
    two = text[text.index("2. Cijfergegevens") : text.index("a) De gender")].strip()
    a = text[text.index("a) De gender") : text.index("b) We beschikken")].strip()
    b = text[text.index("b) We beschikken") :].strip()
    first = text[: text.index("2. Cijfergegevens")].strip()
    return [("line", "1. Voor de lerarenopleiding is er " + first.split("is er", 1)[-1].strip()),
            ("line", two), ("line", a), ("line", b + " niet over die gegevens.")]


_CABINETS = [minister for minister, _number in _DIVERSITY_ASKED]


def _pct(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f}".replace(".", ",") + " %"


def _cabinets_table() -> tuple:
    """Seven columns, one row per cabinet and a total row."""
    rows = []
    totals = [0, 0, 0, 0]
    for k, minister in enumerate(_CABINETS):
        staff = 12 + 3 * k
        women = staff // 2 + k
        men = staff - women - 1
        rows.append((minister, str(women), str(men), "1", str(staff), _pct(women, staff),
                     _pct(men, staff)))
        for i, v in enumerate((women, men, 1, staff)):
            totals[i] += v
    rows.append(("Totaal", *map(str, totals), _pct(totals[0], totals[3]),
                 _pct(totals[1], totals[3])))
    return ("table", ("Kabinet", "Vrouw", "Man", "X", "Totaal", "Aandeel\nvrouwen",
                      "Aandeel\nmannen"), rows)


def _amount(n: int) -> str:
    return f"{n:,}".replace(",", ".")


_PARTNERS = ["BAN Flanders", "Dyzo", "Federatie Vrije Beroepen", "Hefboom",
             "MicroStart Support", "Sociale Innovatiefabriek"]
_TOWNS = ["Aalst", "Antwerpen", "Asse", "Beveren", "Bilzen", "Brugge", "Deinze",
          "Dendermonde", "Diest", "Dilbeek", "Geel", "Genk", "Gent", "Geraardsbergen", "Halle",
          "Hasselt", "Herentals", "Ieper", "Knokke-Heist", "Kortrijk", "Leuven", "Lier",
          "Lokeren", "Maasmechelen", "Mechelen", "Menen", "Mol", "Ninove", "Oostende",
          "Oudenaarde", "Roeselare", "Ronse", "Sint-Niklaas", "Sint-Truiden", "Tienen",
          "Tongeren", "Turnhout", "Vilvoorde", "Waregem", "Zaventem"]  # fmt: skip


def _partners_by_year() -> tuple:
    """Five columns, amounts per year and a total column and row."""
    rows = []
    sums = [0, 0, 0, 0]
    for k, partner in enumerate(_PARTNERS):
        years = [150_000 + 50_000 * ((k * 7 + y) % 5) for y in range(3)]
        values = [*years, sum(years)]
        sums = [a + b for a, b in zip(sums, values, strict=True)]
        rows.append((partner, *map(_amount, values)))
    rows.append(("Totaal", *map(_amount, sums)))
    return ("table", ("Partner", "2021", "2022", "2023", "Totaal"), rows)


def _partners_terms() -> tuple:
    """Four columns, a header cell merged over two columns, a header and a cell over two
    lines."""
    rows = [
        ("BAN Flanders", "48", _amount(2_300_000), _amount(862_500)),
        ("Federatie Vrije\nBeroepen", "15", _amount(250_000), _amount(250_000)),
        ("Sociale\nInnovatiefabriek", "12", _amount(450_000), _amount(450_000)),
    ]
    return ("table", ("Partner", "Looptijd\n(maanden)", "Toegekend", "Betaald"), rows,
            (("", 2), ("Steun (euro)", 2)))


def _towns_table(columns: int, offset: int) -> tuple:
    """A long table (every town, 40 rows): it breaks across pages in every layout."""
    header = ("Gemeente", "Aanvragen", "Toegekend", "Geweigerd", "Bedrag", "Aandeel")
    rows = []
    for k, town in enumerate(_TOWNS):
        asked = 20 + (k * 13 + offset) % 70
        granted = asked - (k + offset) % 9
        row = (town, str(asked), str(granted), str(asked - granted),
               _amount(granted * 12_500), _pct(granted, asked))
        rows.append(row[:columns])
    return ("table", header[:columns], rows)


def _teachers_table() -> tuple:
    """Six columns: programmes by academic year."""
    header = ("Opleiding", "2019-2020", "2020-2021", "2021-2022", "2022-2023", "2023-2024")
    programmes = ["Bachelor kleuteronderwijs", "Bachelor lager onderwijs",
                  "Bachelor secundair onderwijs", "Educatieve master", "Educatief graduaat"]
    rows = [(p, *(_amount(900 + 137 * k + 61 * y) for y in range(5)))
            for k, p in enumerate(programmes)]
    return ("table", header, rows)


def corpus() -> list[Spec]:
    """The composed documents (each rendered by every producer)."""
    specs: list[Spec] = []
    context, subs, also, subject = _diversity_parts()
    crevits_context = _diversity_parts("pdftext_05.txt")[0]
    footers: list[Footer] = ["number", "pagina", "dash", None]
    for k, (minister, number) in enumerate(_DIVERSITY_ASKED):
        answer: list[tuple] | None = (
            _diversity_answer(k, 12 + 3 * k) if k % 3 != 2 else None
        )
        parts = None
        kind = None
        if k == 4:
            # One coordinated answer for all cabinets: no parts, one big table.
            answer = [("line", "Dit is een gecoördineerd antwoord van de Vlaamse Regering op de "
                       "vragen aan alle ministers."),
                      ("line", "Tabel 1: Personeelsleden per kabinet op 1 januari 2024"),
                      _cabinets_table(),
                      ("line", "Alle kabinetten halen de streefcijfers voor personeelsleden "
                               "van buitenlandse herkomst.")]
            kind = "coordinated"
        elif k == 7:
            answer = [("line", "Ik verwijs naar het antwoord van minister-president Jan Jambon "
                               "op vraag nr. 142 van 26 februari 2024.")]
            kind = "referring"
        elif k == 6:
            # `1. en 2.` answers two sub-questions at once.
            body = _diversity_answer(k, 12 + 3 * k)
            answer = [("line", "1. en 2. Het kabinet telt "
                       f"{12 + 3 * k} personeelsleden, verdeeld als volgt:"), *body[2:]]
            parts = [(1, 2), (3,), (4,), (5,), (6,), (7,)]
        specs.append(Spec(
            name=f"diversiteit-{number}", number=number, asker="Kurt De Loor",
            asker_caps="KURT DE LOOR", asked_on=dt.date(2024, 2, 26), minister=minister,
            subject=subject,
            context=_wrap_sentences(crevits_context if k == 1 else context),
            sub_questions=subs, answer=answer, with_aan=k % 2 == 0, also_asked=also,
            running_header={1: "Vlaams Parlement - Schriftelijke vraag", 3: subject,
                            5: "VLAAMS PARLEMENT"}.get(k % 6),
            footer=footers[k % 4], header_pair=k in (0, 4, 8), parts=parts, kind=kind,
        ))
    specs += _seed_specs()
    specs += _other_specs()
    return specs


_SEED_SUBS = [
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


def _relabel(answer: list[tuple], labels: dict[str, str]) -> list[tuple]:
    """The answer with the labels of its numbered lines replaced (`1. ` -> `1 tot 3. `),
    the lines of the parts a grouped label swallows dropped."""
    out = []
    for block in answer:
        if block[0] == "line" and (m := re.match(r"(\d)\. ", block[1])):
            label = labels.get(m[1], f"{m[1]}.")
            if label == "":
                out.append(("line", block[1][m.end():]))
                continue
            out.append(("line", f"{label} {block[1][m.end():]}"))
        else:
            out.append(block)
    return out


def _seed_specs() -> list[Spec]:
    seed_lines = seed.seed_text_lines()
    seed_context = seed_lines[7 : seed_lines.index("1. Hoeveel subsidies kregen de "
                                                    "verschillende structurele partners in "
                                                    "2023? Graag ")]
    blocks = seed.seed_blocks()
    answer_at = next(i for i, b in enumerate(blocks) if b == ("line", "ANTWOORD"))
    seed_answer = blocks[answer_at + 3 :]
    fifth = next(i for i, b in enumerate(seed_answer) if b[0] == "line" and b[1].startswith("5. "))
    lettered = [
        *seed_answer[:fifth],
        ("line", "5 a) Niet alle partners halen hun streefcijfers: microStart Support "
                 "behaalde ze niet."),
        ("line", "5 b) Het gaat enkel om microStart Support."),
        ("line", "5 c) Voor werkingsjaar 2023 kan microStart Support de achterstand niet "
                 "meer inhalen; het nieuwe werkingsjaar biedt kansen."),
        *seed_answer[fifth + 1 :],
    ]
    partners = [
        ("line", "1, 2 en 3. De steun aan de structurele partners staat in de tabellen "
                 "hieronder."),
        ("line", "Tabel 1: Toegekende werkingsmiddelen per partner (in euro)"),
        _partners_by_year(),
        ("line", "Tabel 2: Looptijd en betalingen van de engagementen"),
        _partners_terms(),
        ("line", "4. Met alle partners is een set van KPI’s afgesproken."),
        ("line", "5. microStart Support behaalde niet alle streefcijfers."),
        ("line", "6. Ik evalueer de werkingsmiddelen jaarlijks."),
    ]
    top_of_page = [
        ("line", "1 tot 3. De toegekende en begrote steun per partner staat in de tabel op "
                 "de volgende bladzijde."),
        ("break",),
        _partners_by_year(),
        ("line", "4. Met alle partners is een set van KPI’s afgesproken."),
        ("line", "5. microStart Support behaalde niet alle streefcijfers."),
        ("line", "6. Ik evalueer de werkingsmiddelen jaarlijks."),
    ]
    signed = [*_relabel(seed_answer, {"1": "1-3.", "2": "", "3": ""}), ("space",),
              ("pair", "Brussel, 3 juni 2024", "Jo Brouns"),
              ("pair", "", "Vlaams minister van Economie")]
    variants = [
        ("seed", 407, dt.date(2024, 4, 29), seed_answer,
         "Vlaams Parlement - Schriftelijke vraag 407 - Bothuyne", None, "number"),
        ("seed-no-header", 407, dt.date(2024, 4, 29), seed_answer, None, None, "pagina"),
        ("seed-one-table", 412, dt.date(2024, 5, 3), seed_answer[:12], None, None, "dash"),
        ("seed-question-only", 418, dt.date(2024, 5, 8), None, None, None, "number"),
        ("seed-tables-only", 425, dt.date(2024, 5, 14),
         [b for b in seed_answer if b[0] == "table" or b[1].startswith(("1.", "2.", "3."))],
         "VLAAMS PARLEMENT", None, None),
        ("seed-long", 431, dt.date(2024, 6, 3), seed_answer + seed_answer[-8:], None, None,
         "pagina"),
        ("seed-lettered", 436, dt.date(2024, 6, 5), lettered, "Vlaams Parlement",
         [(1,), (2,), (3,), (4,), (5,), (5,), (5,), (6,)], "number"),
        ("seed-partners", 440, dt.date(2024, 6, 10), partners, None,
         [(1, 2, 3), (4,), (5,), (6,)], "pagina"),
        ("seed-top-of-page", 442, dt.date(2024, 6, 11), top_of_page, "Vlaams Parlement",
         [(1, 2, 3), (4,), (5,), (6,)], "dash"),
        ("seed-signed", 445, dt.date(2024, 6, 12), signed, None,
         [(1, 2, 3), (4,), (5,), (6,)], "number"),
    ]
    specs = []
    for name, number, asked, answer, running, parts, footer in variants:
        specs.append(Spec(
            name=name, number=number, asker="Robrecht Bothuyne", asker_caps="ROBRECHT BOTHUYNE",
            asked_on=asked, minister="Jo Brouns",
            subject="Agentschap Innoveren en Ondernemen (VLAIO) - Werkingsmiddelen "
                    "structurele partners",
            context=[line.strip() for line in seed_context], sub_questions=_SEED_SUBS,
            answer=answer, with_aan=number != 412, running_header=running, footer=footer,
            header_pair=number in (425, 440), parts=parts,
        ))
    return specs


def _other_specs() -> list[Spec]:
    specs = []
    ronse_subs, ronse_answer = _ronse()
    for k in range(3):
        specs.append(Spec(
            name=f"ronse-{k}", number=244 + k, asker="Axel Ronse", asker_caps="AXEL RONSE",
            asked_on=dt.date(2024, 2, 9 + k), minister="Jo Brouns",
            subject="Asymmetrische samenwerking - Vragen aan de federale overheid",
            context=["De Vlaamse Regering legde een reeks vragen voor aan de Federale "
                     "Regering."],
            sub_questions=ronse_subs, answer=ronse_answer if k != 1 else None,
            with_aan=k != 2, running_header="Vlaams Parlement" if k == 2 else None,
            footer="pagina" if k == 0 else "number",
        ))
    wef = _wef()
    wef_answers: list[tuple[list[tuple] | None, list[tuple[int, ...]] | None]] = [
        ([("line", f"{n}. De Vlaamse Regering bepaalt haar beleid zelf, los van het WEF.")
          for n in range(1, 4)], None),
        ([("line", "Antwoord op de vragen 1 en 2"),
          ("line", "De Vlaamse Regering bepaalt haar beleid zelf, los van het WEF."),
          ("line", "Antwoord op vraag 3"),
          ("line", "Er zijn geen gedeelde standpunten of doelen met het WEF.")],
         [(1, 2), (3,)]),
        (None, None),
    ]
    for k, asker in enumerate(("Sam Van Rooy", "Filip Brusselmans", "Chris Janssens")):
        answer, parts = wef_answers[k]
        specs.append(Spec(
            name=f"wef-{k}", number=180 + k, asker=asker, asker_caps=asker.upper(),
            asked_on=dt.date(2024, 3, 11 + k), minister="Jan Jambon",
            subject="World Economic Forum (WEF) - Samenwerking met de Vlaamse Regering",
            context=["Ik verwijs naar mijn vorige vraag over het WEF."], sub_questions=wef,
            answer=answer, parts=parts,
            running_header={0: "Vlaams Parlement", 1: "World Economic Forum (WEF)"}.get(k),
            footer="dash" if k == 1 else "number", header_pair=k == 2,
        ))
    teacher = _teacher_answer()
    # In the order of the sub-questions, without numbers: one paragraph each.
    unnumbered = [("line", teacher[0][1][3:]), ("space",),
                  *[("line", b[1]) for b in teacher[1:]]]
    unnumbered[2] = ("line", unnumbered[2][1][3:])
    for k, (answer, parts) in enumerate(((teacher, None), (unnumbered, [(1,), (2,)]))):
        specs.append(Spec(
            name=f"lerarenopleiding-{k}", number=512 + 18 * k, asker="Elisabeth Meuleman",
            asker_caps="ELISABETH MEULEMAN", asked_on=dt.date(2024, 1, 22 + k),
            minister="Ben Weyts", subject="Lerarenopleiding - Diversiteit van de studenten",
            context=["Diversiteit in de klas begint bij diversiteit in de lerarenopleiding."],
            sub_questions=["Hoe monitort de minister de diversiteit onder student-leraren?",
                           "Wat is de genderverhouding in de educatieve opleidingen?\n"
                           "a) In welke opleidingen is ze het meest uitgesproken?\n"
                           "b) Hoeveel studenten hebben een migratieachtergrond?"],
            answer=answer, with_aan=k == 0, parts=parts,
            running_header="Lerarenopleiding - Diversiteit van de studenten" if k else None,
            footer="pagina",
        ))
    # Long tables that break across pages, 3 to 7 columns.
    for k, columns in enumerate((3, 4, 5, 6, 6)):
        table = _towns_table(columns, k)
        answer = [
            ("line", "1. Het aantal aanvragen per gemeente staat in de tabel hieronder."),
            ("line", f"Tabel {k + 1}: Aanvragen en toekenningen per gemeente in 2023"),
            table,
            ("line", "2. De aanvragen worden binnen de dertig dagen behandeld."),
        ]
        if k == 4:
            answer += [("line", "3. Per opleiding ziet de verdeling er zo uit:"),
                       ("item", "-", "de cijfers zijn voorlopig;", 0),
                       ("item", "-", "de graduaten worden apart geteld.", 0),
                       _teachers_table()]
        specs.append(Spec(
            name=f"gemeenten-{k}", number=600 + k, asker="An Peeters", asker_caps="AN PEETERS",
            asked_on=dt.date(2024, 9, 2 + k), minister="Jo Brouns",
            subject="Ondernemerschapssteun - Aanvragen per gemeente",
            context=["Gemeenten kunnen voor hun ondernemers steun aanvragen bij VLAIO."],
            sub_questions=["Hoeveel aanvragen kwamen er per gemeente?",
                           "Hoe snel worden de aanvragen behandeld?",
                           *(["Hoe zijn de studenten per opleiding verdeeld?"] if k == 4 else [])],
            answer=answer, running_header="Vlaams Parlement" if k % 2 else None,
            footer=_footer_for(k), header_pair=k == 3,
        ))
    return specs


def _footer_for(k: int) -> Footer:
    return ("pagina", "dash", "number", None, "pagina")[k % 5]


def documents() -> list[tuple[Spec, str, bytes]]:
    """Every document as rendered by every producer: (spec, producer, PDF)."""
    return [(spec, producer, spec.pdf(producer)) for producer in PRODUCERS for spec in corpus()]


def write_corpus(folder: Path, producers: tuple[str, ...] = tuple(LIVE)) -> None:
    """Render the live producers' documents into `folder` (for a look by eye)."""
    folder.mkdir(parents=True, exist_ok=True)
    for spec in corpus():
        for producer in producers:
            (folder / f"{spec.name}.{producer}.pdf").write_bytes(spec.pdf(producer))
