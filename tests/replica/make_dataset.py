"""Write `dataset.json`, the replica's curated fixture data, from the real samples.

    .venv/bin/python -m tests.replica.make_dataset [--samples DIR] [--out PATH]

The seed record is reproduced exactly; the other questions are assembled from the real
fragments (`pdftext_NN.txt`) and from sentences of the seed, so the parser meets the
parliament's own wording. Where a fragment is cut off, the missing start or end is
written in the same style and marked `# invented` below. Everything is deterministic:
running this twice gives the same file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from tests.replica.data import (
    DATASET_PATH,
    DOCX,
    PDF,
    XLSX,
    Dataset,
    Document,
    Member,
    Minister,
    OtherHit,
    Question,
    answer_lines,
    question_lines,
    several_ministers_line,
)
from tests.samples import SAMPLES

D = dt.date

# Extraction artefacts of the flattened samples, undone because we lay the text out
# again (a hyphenated line break had eaten "- en").
_ARTEFACTS = {
    "gelijkekansenen ": "gelijkekansen- en ",
    "aanof afwezigheid": "aan- of afwezigheid",
    "kleuteren lager": "kleuter- en lager",
}

# --- people (ids invented; names and titles as the 2019-2024 and 2024-2029 PDFs print them)

BOTHUYNE = Member(4173, "Robrecht", "Bothuyne", "cd&v")
DE_LOOR = Member(1873, "Kurt", "De Loor", "Vooruit")
RONSE = Member(4183, "Axel", "Ronse", "N-VA")
# Askers of the questions written for this data set are fictional people.
VERCAUTEREN = Member(5011, "Lien", "Vercauteren", "Groen")
DEWAELE = Member(5012, "Bram", "Dewaele", "Open Vld")
GOOSSENS = Member(5013, "Nele", "Goossens", "Vlaams Belang")
CALLEWAERT = Member(5014, "Pieter", "Callewaert", "N-VA")
MERTENS = Member(5015, "Ilse", "Mertens", "PVDA")
VAN_HECKE = Member(5016, "Wout", "Van Hecke", "Vlaams Belang")

_VMP = "VICEMINISTER-PRESIDENT VAN DE VLAAMSE REGERING, VLAAMS MINISTER VAN "
JAMBON = Minister(301, "Jan", "Jambon", "MINISTER-PRESIDENT VAN DE VLAAMSE REGERING, VLAAMS "
                  "MINISTER VAN BUITENLANDSE ZAKEN, CULTUUR, DIGITALISERING EN FACILITAIR "
                  "MANAGEMENT")
CREVITS = Minister(302, "Hilde", "Crevits", _VMP + "WELZIJN, VOLKSGEZONDHEID EN GEZIN")
RUTTEN = Minister(303, "Gwendolyn", "Rutten", _VMP + "BINNENLANDS BESTUUR, BESTUURSZAKEN, "
                  "INBURGERING EN GELIJKE KANSEN")
WEYTS = Minister(304, "Ben", "Weyts", _VMP + "ONDERWIJS, SPORT, DIERENWELZIJN EN VLAAMSE RAND")
DEMIR = Minister(305, "Zuhal", "Demir", "VLAAMS MINISTER VAN JUSTITIE EN HANDHAVING, OMGEVING, "
                 "ENERGIE EN TOERISME")
DIEPENDAELE = Minister(306, "Matthias", "Diependaele", "VLAAMS MINISTER VAN FINANCIËN EN "
                       "BEGROTING, WONEN EN ONROEREND ERFGOED")
PEETERS = Minister(307, "Lydia", "Peeters", "VLAAMS MINISTER VAN MOBILITEIT EN OPENBARE WERKEN")
DALLE = Minister(308, "Benjamin", "Dalle", "VLAAMS MINISTER VAN BRUSSEL, JEUGD, MEDIA EN "
                 "ARMOEDEBESTRIJDING")
BROUNS = Minister(309, "Jo", "Brouns", "VLAAMS MINISTER VAN ECONOMIE, INNOVATIE, WERK, SOCIALE "
                  "ECONOMIE EN LANDBOUW")
# Same people, new portfolios after the 2024 elections: same id, another title.
DIEPENDAELE_25 = Minister(306, "Matthias", "Diependaele", "MINISTER-PRESIDENT VAN DE VLAAMSE "
                          "REGERING, VLAAMS MINISTER VAN ECONOMIE, INNOVATIE EN INDUSTRIE, "
                          "BUITENLANDSE ZAKEN, DIGITALISERING EN FACILITAIR MANAGEMENT")
DEMIR_25 = Minister(305, "Zuhal", "Demir", "VLAAMS MINISTER VAN ONDERWIJS, JUSTITIE EN WERK")
WEYTS_25 = Minister(304, "Ben", "Weyts", _VMP + "BEGROTING EN FINANCIËN, VLAAMSE RAND, "
                    "ONROEREND ERFGOED EN DIERENWELZIJN")
GENNEZ_25 = Minister(310, "Caroline", "Gennez", "VLAAMS MINISTER VAN WELZIJN EN "
                     "ARMOEDEBESTRIJDING, CULTUUR EN GELIJKE KANSEN")
BROUNS_25 = Minister(309, "Jo", "Brouns", "VLAAMS MINISTER VAN OMGEVING EN LANDBOUW")

LEGISLATUUR = {"2022-2023": "2019-2024", "2023-2024": "2019-2024", "2024-2025": "2024-2029"}


# --- reading the samples ---------------------------------------------------------------


def _clean(text: str) -> str:
    for wrong, right in _ARTEFACTS.items():
        text = text.replace(wrong, right)
    return " ".join(text.split())


def _between(text: str, start: str | None, end: str | None) -> str:
    lo = text.index(start) + len(start) if start else 0
    hi = text.index(end, lo) if end else len(text)
    return text[lo:hi].strip()


def _numbered(text: str) -> list[str]:
    """`1. a 2. b` -> ["a", "b"]; numbers are put back when a text is laid out."""
    parts = re.split(r"(?:^|\s)\d{1,2}\. (?=\S)", " " + text)
    return [p.strip() for p in parts if p.strip()]


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.?])\s+(?=[A-Z])", text) if s.strip()]


def _number(items: Iterable[str], start: int = 1) -> list[str]:
    return [f"{i}. {item}" for i, item in enumerate(items, start=start)]


class Samples:
    def __init__(self, directory: Path) -> None:
        seed = (directory / "seed_sv407_2024_bothuyne_brouns.txt").read_text("utf-8")
        lines = seed.splitlines()
        # The record's metadata lines (title, themes, links) precede the PDF text.
        start = lines.index("SCHRIFTELIJKE VRAAG")
        self.seed_meta = lines[:start]
        self.seed_text = lines[start:]
        self.fragments = {
            int(p.stem.split("_")[1]): _clean(p.read_text("utf-8"))
            for p in sorted(directory.glob("pdftext_*.txt"))
        }

    def seed_block(self, first: str, stop: str) -> str:
        """Lines of the seed from the one starting with `first` up to `stop`, joined."""
        text = self.seed_text
        lo = next(i for i, line in enumerate(text) if line.startswith(first))
        hi = next(i for i, line in enumerate(text[lo + 1:], lo + 1) if line.startswith(stop))
        return _clean(" ".join(text[lo:hi]))


# --- assembling --------------------------------------------------------------------------


class Builder:
    def __init__(self) -> None:
        self.questions: list[Question] = []
        self._pfile = 2070001

    def pfile(self) -> int:
        self._pfile += 7  # gaps, as in real id sequences
        return self._pfile

    def add(
        self,
        *,
        id: int,
        nr: int,
        asker: Member,
        minister: Minister,
        session: str,
        themes: list[str],
        asked: dt.date,
        titel: str,
        body: Sequence[str],
        answer: Sequence[str] | None = None,
        answered: dt.date | None = None,
        late: bool = False,
        soort: str = "Antwoord",
        published: dt.date | None = None,
        aan: bool = True,
        main_type: str = PDF,
        attachments: Sequence[Document] = (),
        url_style: str = "files",
        page_style: str = "files",
        header: bool = False,
        pfile: int | None = None,
        text: Sequence[str] | None = None,
    ) -> Question:
        index = len(self.questions)
        if text is None:
            text = question_lines(nr=nr, asker=asker, asked_on=asked, minister=minister,
                                  with_aan=aan, subject=titel, body=body)
            if answer is not None:
                text += answer_lines(nr=nr, asker=asker, asked_on=asked, minister=minister,
                                     body=answer)
        if published is None:
            # Answers go public about 15 working days after they reach the asker.
            published = answered + dt.timedelta(days=21) if answered else (
                asked + dt.timedelta(days=3))
        is_pdf = main_type == PDF
        main = Document(
            pfile=pfile or self.pfile(), position=0, mimetype=main_type,
            filename=f"{id}.pdf" if is_pdf else f"{id}.docx",
            # Alternate the producers so both PDF dialects are everywhere in the set.
            producer=("reportlab" if index % 2 == 0 else "fpdf2") if is_pdf else None,
            url_style=url_style,  # type: ignore[arg-type]
        )
        docs = [main]
        for position, attachment in enumerate(attachments, start=1):
            attachment.position = position
            attachment.pfile = self.pfile()
            docs.append(attachment)
        question = Question(
            id=id, vraagnummer=nr, titel=titel, onderwerp=titel, zittingsjaar=session,
            legislatuur=LEGISLATUUR[session], thema=themes, vraagsteller=asker,
            minister=minister, asked_on=asked, answered_on=answered,
            tijdig=None if answered is None else not late,
            soort_antwoord=soort if answered else None, published_on=published,
            documents=docs, text=list(text), page_style=page_style,  # type: ignore[arg-type]
            running_header=(f"Vlaams Parlement - Schriftelijke vraag nr. {nr} ({session})"
                            if header else None),
        )
        self.questions.append(question)
        return question


def build(samples: Samples) -> Dataset:
    b = Builder()
    frag = samples.fragments

    # 1. The seed, exactly as extracted from the real PDF.
    meta = dict(line.split(": ", 1) for line in samples.seed_meta if ": " in line)
    seed_title = meta["title"]
    b.add(id=1824236, nr=407, asker=BOTHUYNE, minister=BROUNS, session="2023-2024",
          themes=["Economie", "Wetenschap en Innovatie"], asked=D(2024, 4, 29),
          titel=seed_title, body=[], answer=[], answered=D(2024, 5, 27),
          published=D(2024, 6, 17), pfile=2064561, url_style="legacy",
          page_style="legacy", text=samples.seed_text)

    seed_context = _sentences(samples.seed_block("Het Agentschap", "1. "))
    seed_subs = _numbered(samples.seed_block("1. Hoeveel", "JO BROUNS"))
    seed_answers = _numbered(samples_answer_tail(samples))
    partners = ["BAN Flanders", "Dyzo", "Federatie Vrije Beroepen", "Hefboom",
                "MicroStart Support", "Sociale Innovatiefabriek"]

    # 2. The "Kabinetten Diversiteitsbeleid" question, asked of nine ministers: one
    # record per minister, each with its own number (listed in the question itself).
    div_context = _sentences(_between(frag[3], "Kabinetten Diversiteitsbeleid", " 1. Hoeveel"))
    div_subs = _numbered(_between(frag[1], "te vervullen.", " Deze vraag werd"))
    several = "Deze vraag werd gesteld aan de ministers " + _between(
        frag[1], "gesteld aan de ministers", " JAN JAMBON")
    by_name = {m.full_name: m for m in (JAMBON, CREVITS, RUTTEN, WEYTS, DEMIR, DIEPENDAELE,
                                        PEETERS, DALLE, BROUNS)}
    pairs = [(by_name[name.strip()], int(nr))
             for name, nr in re.findall(r"([^,(]+) \((\d+)\)", several.split("ministers ")[1])]
    assert several == several_ministers_line(pairs)
    coordinated = [
        "Hierbij het gecoördineerde antwoord voor alle kabinetten van de Vlaamse Regering.",
        "1.-7. De cijfers per kabinet op 1 maart 2024 staan in bijlage 1.",
        "Kabinet Personeelsleden m v x Buitenlandse herkomst Handicap Ouder dan 55 "
        "Jonger dan 30",
        "Jambon 62 31 31 0 5 1 9 12",
        "Rutten 48 20 28 0 6 1 6 10",
        "Brouns 55 29 26 0 4 2 8 9",
        "De Vlaamse Regering hanteert voor de kabinetten dezelfde streefcijfers als voor de "
        "Vlaamse overheid als werkgever.",
    ]
    refer = ("Ik verwijs naar het gecoördineerde antwoord van viceminister-president "
             "Gwendolyn Rutten op vraag nr. 147 van 26 februari 2024.")
    div_ids = [1802311, 1802312, 1802313, 1802314, 1802315, 1802316, 1802317, 1802318, 1802319]
    xlsx = Document(pfile=0, position=1, mimetype=XLSX, filename="147-bijlage-1.xlsx",
                    search_hit=True, rows=[
                        ["Kabinet", "Personeelsleden", "m", "v", "x", "Buitenlandse herkomst",
                         "Handicap", "Ouder dan 55", "Jonger dan 30"],
                        ["Jambon", "62", "31", "31", "0", "5", "1", "9", "12"],
                        ["Rutten", "48", "20", "28", "0", "6", "1", "6", "10"],
                        ["Brouns", "55", "29", "26", "0", "4", "2", "8", "9"],
                    ])
    for schv_id, (minister, nr) in zip(div_ids, pairs, strict=True):
        answered: dt.date | None = D(2024, 3, 22)
        late = False
        answer: list[str] | None = [refer]
        attachments: list[Document] = []
        soort = "Verwijzend antwoord"
        if minister is RUTTEN:
            answer, soort, attachments = coordinated, "Gecoördineerd antwoord", [xlsx]
        elif minister is PEETERS:
            answered, late = D(2024, 5, 2), True
        elif minister is DALLE:
            answered, answer = None, None
        b.add(id=schv_id, nr=nr, asker=DE_LOOR, minister=minister, session="2023-2024",
              themes=["Economie", "Gelijke Kansen", "Vlaamse Administratie"],
              asked=D(2024, 2, 26), titel="Kabinetten Diversiteitsbeleid",
              body=[" ".join(div_context), *_number(div_subs), several], answer=answer,
              answered=answered, late=late, soort=soort, aan=False, attachments=attachments,
              header=minister is JAMBON)

    # 3. Axel Ronse to Jo Brouns (pdftext_07): the fragment starts inside question 2.
    ronse_tail = _between(frag[7], None, " JO BROUNS")
    ronse_subs = _numbered("2. Welke van die vragen werden " + ronse_tail)  # invented start
    ronse_answer = _between(frag[7], "van AXEL RONSE ", None)
    ronse_answer = ronse_answer[3:] + " bereiken."  # invented end of the cut sentence
    b.add(id=1795502, nr=244, asker=RONSE, minister=BROUNS, session="2023-2024",
          themes=["Economie", "Staatshervorming en Communautaire Aangelegenheden"],
          asked=D(2024, 2, 9), titel="Asymmetrische samenwerking - Vragen aan de federale "
          "overheid inzake economie en werk",
          body=[  # invented context, in the style of the samples
              "De Vlaamse Regering legde de federale overheid een lijst van concrete vragen "
              "voor rond asymmetrische samenwerking op het vlak van economie en werk.",
              *_number(["Welke concrete vragen heeft de Vlaamse Regering aan de federale "
                        "overheid voorgelegd?", *ronse_subs])],
          answer=_number([ronse_answer, "Zodra er een overeenstemming is, zal ik het Vlaams "
                          "Parlement daarover informeren."]),
          answered=D(2024, 3, 8), header=True)

    # 4. The World Economic Forum question to Jan Jambon (pdftext_09), not yet answered.
    wef_tail = _between(frag[9], "12. ", " JAN JAMBON")
    wef_first = ("Heeft de Vlaamse Regering afspraken met het WEF gemaakt die de normale "
                 "Vlaamse democratische besluitvormingsprocedure hypothekeren of buitenspel "
                 "zetten?")
    assert frag[9].startswith("maakt die de normale")
    wef_invented = [
        "Welke contacten had de Vlaamse Regering het voorbije jaar met het World Economic "
        "Forum (WEF)?",
        "Welke leden van de Vlaamse Regering namen deel aan de jaarvergadering in Davos?",
        "Wat waren de kosten van die deelname?",
        "Met welke partners van het WEF werden gesprekken gevoerd?",
        "Werden er engagementen aangegaan? Zo ja, welke?",
        "Is de Vlaamse Regering lid van een initiatief of platform van het WEF?",
        "Werden er studies of adviezen van het WEF gebruikt bij de beleidsvoorbereiding?",
        "Welke Vlaamse administraties werken samen met het WEF?",
        "Zijn er Vlaamse ambtenaren gedetacheerd bij het WEF?",
        "Welke financiële bijdragen betaalde de Vlaamse overheid aan het WEF?",
        wef_first,
    ]
    b.add(id=1821890, nr=611, asker=VAN_HECKE, minister=JAMBON, session="2023-2024",
          themes=["Buitenlands Beleid", "Vlaamse Regering"], asked=D(2024, 4, 22),
          titel="World Economic Forum - Samenwerking met de Vlaamse Regering",
          body=["Vorig jaar stelde ik de minister-president al een vraag over de banden "
                "tussen de Vlaamse Regering en het World Economic Forum.",
                *_number(wef_invented), *_number(_numbered("12. " + wef_tail), 12)])

    # 5. Teacher training diversity, answered by Ben Weyts (pdftext_11).
    teach = _between(frag[11], None, " b) We beschikken niet over gegevens over de aan")
    teach_answers = _numbered("1. Met de nieuwe monitor " + teach)  # invented start
    b.add(id=1807733, nr=402, asker=VERCAUTEREN, minister=WEYTS, session="2023-2024",
          themes=["Onderwijs en Vorming", "Gelijke Kansen"], asked=D(2024, 1, 15),
          titel="Lerarenopleiding - Diversiteit onder student-leraren",
          body=["De diversiteit onder leraren blijft achter bij die van de leerlingen.",
                *_number(["Hoe wordt de diversiteit onder student-leraren opgevolgd?",
                          "Hoeveel studenten telden de educatieve opleidingen in 2022-2023 "
                          "en 2023-2024? a) Wat is de genderverhouding? b) Hoeveel "
                          "studenten hebben een migratieachtergrond?"])],
          answer=[*_number(teach_answers[:1]),
                  *_number(teach_answers[1:2], 2),
                  "b) We beschikken niet over gegevens over de aan- of afwezigheid van "
                  "studenten met een migratieachtergrond."],
          answered=D(2024, 2, 9), aan=False)

    # 6. Questions written for this data set from the seed's sentences.
    def vlaio(year: int) -> list[str]:
        return [" ".join(seed_context[:2]), " ".join(seed_context[2:]),
                *_number(s.replace("2023", str(year)).replace("2024", str(year + 1))
                         for s in seed_subs[:3])]

    def table(year: int, scale: int) -> list[str]:
        rows = [f"{year} {name} {(i + 2) * scale:,}".replace(",", ".")
                for i, name in enumerate(partners[:4])]
        return ["Jaar Naam Toegekende Steun", *rows]

    economy_answers = [_clean(a) for a in seed_answers]
    pdf_attachment = Document(pfile=0, position=1, mimetype=PDF, filename="bijlage-1.pdf",
                              producer="fpdf2", lines=[
                                  "Bijlage 1", "Overzicht innovatiesteun per provincie",
                                  "Provincie Aantal projecten Steun",
                                  "Antwerpen 214 38.250.000", "Limburg 97 14.100.000",
                                  "Oost-Vlaanderen 188 31.400.000",
                                  "Vlaams-Brabant 176 35.900.000",
                                  "West-Vlaanderen 143 21.700.000"])
    pdf_attachment_2 = Document(pfile=0, position=1, mimetype=PDF, filename="bijlage.pdf",
                                producer="reportlab", search_hit=True, lines=[
                                    "Bijlage", "Rekentijd per instelling (node-uren)",
                                    "Instelling 2021 2022", "KU Leuven 1.210.000 1.380.000",
                                    "UGent 990.000 1.150.000", "UAntwerpen 410.000 455.000",
                                    "VUB 305.000 340.000", "UHasselt 120.000 150.000"])
    xlsx_2 = Document(pfile=0, position=2, mimetype=XLSX, filename="bijlage-2.xlsx",
                      rows=[["Instelling", "Gebruikers"], ["KU Leuven", "812"],
                            ["UGent", "640"], ["UAntwerpen", "233"]])
    specs: list[dict[str, object]] = [
        dict(id=1745120, nr=188, asker=BOTHUYNE, minister=BROUNS, session="2022-2023",
             themes=["Economie"], asked=D(2023, 1, 16),
             titel="Agentschap Innoveren en Ondernemen (VLAIO) - Werkingsmiddelen 2022",
             body=vlaio(2022), answer=[*_number(["De toegekende steun aan structurele "
                                                 "partners in 2022:"]), *table(2022, 125000),
                                       *_number(economy_answers[1:3], 2)],
             answered=D(2023, 2, 10), header=True),
        dict(id=1745877, nr=231, asker=DEWAELE, minister=BROUNS, session="2022-2023",
             themes=["Economie", "Internationaal Ondernemen"], asked=D(2023, 2, 6),
             titel="Flanders Investment & Trade - Exportsteun voor kmo's",
             body=["Kmo's die willen exporteren kunnen rekenen op steun van Flanders "
                   "Investment & Trade.",
                   *_number(["Hoeveel kmo's kregen exportsteun in 2022? Graag een opdeling "
                             "per sector.", "Hoe evalueert de minister deze steun?"])],
             answer=_number(["In 2022 kregen 1.412 kmo's exportsteun, waarvan 38,5 % uit de "
                             "industrie.", economy_answers[2]]),
             answered=D(2023, 3, 3), main_type=DOCX, url_style="legacy",
             page_style="legacy"),
        dict(id=1746402, nr=97, asker=GOOSSENS, minister=CREVITS, session="2022-2023",
             themes=["Welzijn en Gezin"], asked=D(2023, 2, 20),
             titel="Kinderopvang - Plaatsen in de centrumsteden",
             body=["Ouders vinden moeilijk een plaats in de kinderopvang.",
                   *_number(["Hoeveel plaatsen telde de kinderopvang in 2022 in de "
                             "centrumsteden?", "Welke uitbreiding is begroot voor 2023?"])],
             answer=_number(["Eind 2022 telde de kinderopvang in de centrumsteden 21.460 "
                             "plaatsen.", "Voor 2023 is 12,5 miljoen euro begroot voor "
                             "bijkomende plaatsen."]),
             answered=D(2023, 3, 17)),
        dict(id=1747015, nr=266, asker=CALLEWAERT, minister=BROUNS, session="2022-2023",
             themes=["Wetenschap en Innovatie", "Onderwijs en Vorming"],
             asked=D(2023, 3, 13), titel="Vlaams Supercomputer Centrum - Rekentijd",
             body=["Het Vlaams Supercomputer Centrum stelt rekenkracht ter beschikking van "
                   "onderzoekers en bedrijven.",
                   *_number(["Hoeveel rekentijd werd in 2021 en 2022 gebruikt per "
                             "instelling?", "Hoeveel gebruikers telde het centrum?",
                             "Met welke partners werden meerjarige engagementen aangegaan?"])],
             answer=_number(["De rekentijd per instelling staat in bijlage.",
                             "Het aantal gebruikers per instelling staat in bijlage 2.",
                             "Met de vijf Vlaamse universiteiten werd een engagement voor 4 "
                             "jaar aangegaan."]),
             answered=D(2023, 4, 7), attachments=[pdf_attachment_2, xlsx_2]),
        dict(id=1748301, nr=310, asker=MERTENS, minister=BROUNS, session="2022-2023",
             themes=["Economie"], asked=D(2023, 5, 8), titel="Faillissementen - Evolutie",
             body=["Het aantal faillissementen steeg in het eerste kwartaal.",
                   *_number(["Hoeveel faillissementen telde Vlaanderen in 2022?",
                             "Welke sectoren werden het zwaarst getroffen?"])],
             answer=_number(["In 2022 werden in Vlaanderen 5.923 faillissementen "
                             "uitgesproken.", "Vooral de horeca en de bouw werden getroffen."]),
             answered=D(2023, 6, 2), published=D(2023, 6, 26)),
        dict(id=1748950, nr=334, asker=DEWAELE, minister=BROUNS, session="2022-2023",
             themes=["Sociale Economie", "Werk"], asked=D(2023, 6, 5),
             titel="Maatwerkbedrijven - Doelgroepwerknemers",
             body=["Maatwerkbedrijven bieden werk aan mensen met een grote afstand tot de "
                   "arbeidsmarkt.",
                   *_number(["Hoeveel doelgroepwerknemers waren eind 2022 aan de slag?",
                             "Hoe evalueert de minister deze werkingsmiddelen?"])],
             answer=_number(["Eind 2022 waren 19.840 doelgroepwerknemers aan de slag.",
                             economy_answers[2]]),
             answered=D(2023, 6, 30), header=True),
        dict(id=1790204, nr=18, asker=BOTHUYNE, minister=BROUNS, session="2023-2024",
             themes=["Wetenschap en Innovatie"], asked=D(2023, 10, 9),
             titel="Agentschap Innoveren en Ondernemen (VLAIO) - Innovatiesteun voor kmo's",
             body=[" ".join(seed_context[:2]),
                   *_number(["Hoeveel innovatiesteun kregen kmo's in 2022? Graag "
                             "totaalbedrag (toegekend bedrag) en opdeling per provincie.",
                             "Hoe evalueert de minister deze steun?"])],
             answer=_number(["De toegekende innovatiesteun per provincie staat in bijlage 1.",
                             economy_answers[2]]),
             answered=D(2023, 11, 6), attachments=[pdf_attachment]),
        dict(id=1791466, nr=52, asker=CALLEWAERT, minister=BROUNS, session="2023-2024",
             themes=["Landbouw en Visserij"], asked=D(2023, 10, 23),
             titel="Vlaams Landbouwinvesteringsfonds (VLIF) - Investeringssteun",
             body=["Landbouwers kunnen investeringssteun krijgen via het VLIF.",
                   *_number(["Hoeveel investeringssteun werd in 2022 toegekend?",
                             "Welke investeringen kwamen het meest aan bod?"])],
             answer=_number(["In 2022 werd 96.400.000 euro investeringssteun toegekend.",
                             "Vooral stallen en emissiearme technieken kwamen aan bod."]),
             answered=D(2023, 11, 20)),
        dict(id=1793078, nr=121, asker=MERTENS, minister=BROUNS, session="2023-2024",
             themes=["Economie", "Werk"], asked=D(2023, 11, 27),
             titel="Tijdelijke werkloosheid - Steunmaatregelen voor ondernemingen",
             body=["Veel ondernemingen grijpen terug naar tijdelijke werkloosheid.",
                   *_number(["Hoeveel ondernemingen deden in 2023 een beroep op "
                             "steunmaatregelen?", "Welke sectoren waren het zwaarst "
                             "getroffen?", "Welk tijdpad zal er worden gevolgd?"])],
             answer=_number(["In 2023 deden 2.814 ondernemingen een beroep op de "
                             "maatregelen.", "Vooral de bouw en de metaalsector.",
                             "De maatregelen lopen tot eind 2024."]),
             answered=D(2024, 3, 29), late=True),
        dict(id=1796630, nr=263, asker=VERCAUTEREN, minister=WEYTS, session="2023-2024",
             themes=["Onderwijs en Vorming", "Wetenschap en Innovatie"],
             asked=D(2024, 2, 19), titel="STEM-agenda - Resultaten 2023",
             body=["De STEM-agenda wil meer jongeren naar wetenschap en techniek leiden.",
                   *_number(["Hoeveel leerlingen kozen in 2023 voor een STEM-richting?",
                             "Hoe evalueert de minister de STEM-agenda?"])],
             answer=_number(["In 2023 koos 27,4 % van de leerlingen voor een STEM-richting.",
                             "De STEM-agenda wordt in 2025 grondig geëvalueerd."]),
             answered=D(2024, 3, 15), aan=False),
        dict(id=1797215, nr=701, asker=GOOSSENS, minister=PEETERS, session="2023-2024",
             themes=["Mobiliteit en Verkeer", "Economie"], asked=D(2024, 3, 4),
             titel="Bedrijventerreinen - Bereikbaarheid met het openbaar vervoer",
             body=["Veel bedrijventerreinen zijn moeilijk bereikbaar met het openbaar "
                   "vervoer.",
                   *_number(["Hoeveel bedrijventerreinen hebben geen halte binnen 1 km?",
                             "Welke maatregelen plant de minister?"])],
             answer=_number(["Van de 1.034 bedrijventerreinen hebben er 212 geen halte "
                             "binnen 1 km.", "De vervoerregio's nemen dit op in hun "
                             "vervoerplannen."]),
             answered=D(2024, 4, 2), header=True),
        dict(id=1798842, nr=388, asker=DEWAELE, minister=DEMIR, session="2023-2024",
             themes=["Energie", "Economie"], asked=D(2024, 3, 18),
             titel="Energiepremies - Steun voor ondernemingen",
             body=["Ondernemingen kregen steun voor hun hoge energiefacturen.",
                   *_number(["Hoeveel ondernemingen kregen een energiepremie?",
                             "Wat was het totaalbedrag?"])],
             answer=_number(["In totaal kregen 18.205 ondernemingen een premie.",
                             "Het totaalbedrag was 243.500.000 euro."]),
             answered=D(2024, 7, 15), late=True),
        dict(id=1799310, nr=215, asker=CALLEWAERT, minister=DIEPENDAELE, session="2023-2024",
             themes=["Wonen"], asked=D(2024, 4, 8),
             titel="Renovatiepremie - Wachttijden",
             body=["De uitbetaling van de renovatiepremie loopt vertraging op.",
                   *_number(["Hoelang is de gemiddelde wachttijd?",
                             "Hoeveel dossiers zijn nog niet behandeld?"])]),
        dict(id=1826017, nr=455, asker=BOTHUYNE, minister=BROUNS, session="2023-2024",
             themes=["Economie"], asked=D(2024, 5, 13),
             titel="Kmo-portefeuille - Misbruik en controles",
             body=[seed_context[0], *_number(["Hoeveel controles werden in 2023 "
                                              "uitgevoerd?", "Hoeveel misbruiken werden "
                                              "vastgesteld?", seed_subs[5]])]),
        dict(id=1862140, nr=12, asker=BOTHUYNE, minister=DIEPENDAELE_25, session="2024-2025",
             themes=["Economie", "Wetenschap en Innovatie"], asked=D(2024, 10, 21),
             titel="Industriebeleid - Transformatiesteun voor de industrie",
             body=["De industrie staat voor een grote transformatie.",
                   *_number(["Hoeveel transformatiesteun werd in 2024 toegekend? Graag "
                             "totaalbedrag (toegekend bedrag) en opdeling naar sector.",
                             seed_subs[2].replace("2023", "2024"), seed_subs[5]])],
             answer=[*_number(["De toegekende transformatiesteun in 2024:"]),
                     *table(2024, 1250000), *_number(economy_answers[:2], 2)],
             answered=D(2024, 11, 18)),
        dict(id=1862977, nr=31, asker=RONSE, minister=DIEPENDAELE_25, session="2024-2025",
             themes=["Economie"], asked=D(2024, 11, 4), titel="Starters - Winwinlening",
             body=["De winwinlening helpt starters aan financiering.",
                   *_number(["Hoeveel winwinleningen werden in 2024 afgesloten?",
                             "Wat was het gemiddelde bedrag?"])],
             answer=_number(["In 2024 werden 2.107 winwinleningen afgesloten.",
                             "Het gemiddelde bedrag was 48.500 euro."]),
             answered=D(2024, 12, 2), url_style="legacy"),
        dict(id=1864402, nr=77, asker=VERCAUTEREN, minister=DIEPENDAELE_25,
             session="2024-2025", themes=["Wetenschap en Innovatie"], asked=D(2025, 1, 13),
             titel="Speerpuntclusters - Werkingsmiddelen 2025",
             body=[seed_context[0], *_number(s.replace("2023", "2024").replace("2024?",
                                             "2025?") for s in seed_subs[:2])]),
        dict(id=1865019, nr=92, asker=MERTENS, minister=DEMIR_25, session="2024-2025",
             themes=["Werk"], asked=D(2025, 1, 27),
             titel="Langdurig zieken - Activering via VDAB",
             body=["Steeds meer mensen zijn langdurig ziek.",
                   *_number(["Hoeveel langdurig zieken werden in 2024 begeleid?",
                             "Hoeveel van hen vonden werk?"])],
             answer=_number(["In 2024 begeleidde VDAB 11.870 langdurig zieken.",
                             "Van hen vond 31,2 % werk."]),
             answered=D(2025, 2, 24), header=True),
        dict(id=1865533, nr=40, asker=DE_LOOR, minister=GENNEZ_25, session="2024-2025",
             themes=["Gelijke Kansen"], asked=D(2025, 2, 10),
             titel="Discriminatie op de arbeidsmarkt - Praktijktesten",
             body=[div_context[0], *_number(["Hoeveel praktijktesten werden in 2024 "
                                             "uitgevoerd?", "Wat waren de resultaten?"])],
             answer=_number(["In 2024 werden 1.250 praktijktesten uitgevoerd.",
                             "Bij 14 % werd een vermoeden van discriminatie vastgesteld."]),
             answered=D(2025, 3, 10)),
        dict(id=1866104, nr=58, asker=GOOSSENS, minister=BROUNS_25, session="2024-2025",
             themes=["Landbouw en Visserij", "Natuur en Milieu"], asked=D(2025, 2, 24),
             titel="Stikstof - Vergunningen voor landbouwbedrijven",
             body=["Veel landbouwbedrijven wachten op een vergunning.",
                   *_number(["Hoeveel vergunningsaanvragen zijn hangende?",
                             "Welk tijdpad zal er worden gevolgd?"])]),
        dict(id=1866688, nr=66, asker=CALLEWAERT, minister=WEYTS_25, session="2024-2025",
             themes=["Begroting", "Economie"], asked=D(2025, 3, 10),
             titel="Begroting - Economische ramingen voor 2025",
             body=["De begroting steunt op economische ramingen.",
                   *_number(["Welke groeiraming werd gebruikt?",
                             "Hoe evalueert de minister die raming?"])],
             answer=_number(["De begroting gaat uit van een groei van 1,1 %.",
                             "De raming is in lijn met die van het Planbureau."]),
             answered=D(2025, 4, 7)),
        dict(id=1867250, nr=140, asker=DEWAELE, minister=DIEPENDAELE_25, session="2024-2025",
             themes=["Wetenschap en Innovatie", "Media"], asked=D(2025, 3, 24),
             titel="Artificiële intelligentie - Gebruik in bedrijven",
             body=["Het Vlaams beleidsplan AI ondersteunt bedrijven.",
                   *_number(["Hoeveel bedrijven kregen steun voor AI-projecten?",
                             "Wat was het totaalbedrag (toegekend bedrag)?"])],
             answer=_number(["In 2024 kregen 386 bedrijven steun voor AI-projecten.",
                             "Het totaalbedrag was 32.000.000 euro."]),
             answered=D(2025, 8, 18), late=True),
        dict(id=1868031, nr=173, asker=BOTHUYNE, minister=DIEPENDAELE_25, session="2024-2025",
             themes=["Economie", "Wetenschap en Innovatie"], asked=D(2025, 5, 12),
             titel="Relanceplan - Evaluatie van de innovatieprojecten",
             body=[" ".join(seed_context[:2]),
                   *_number(["Welke innovatieprojecten uit het relanceplan werden "
                             "afgerond?", seed_subs[5]])],
             published=D(2025, 5, 16)),
        dict(id=1868504, nr=201, asker=VERCAUTEREN, minister=DEMIR_25, session="2024-2025",
             themes=["Onderwijs en Vorming"], asked=D(2025, 6, 2),
             titel="Lerarentekort - Zij-instromers",
             body=["Zij-instromers helpen het lerarentekort op te vangen.",
                   *_number(["Hoeveel zij-instromers begonnen in 2024-2025?",
                             "Hoeveel van hen zijn na een jaar nog aan de slag?"])],
             answer=_number(["In 2024-2025 begonnen 3.412 zij-instromers.",
                             "Van hen is 78,5 % na een jaar nog aan de slag."]),
             answered=D(2025, 6, 27), published=D(2025, 7, 18)),
    ]
    for spec in specs:
        b.add(**spec)  # type: ignore[arg-type]

    other_hits = [
        OtherHit(id=3612207, pfile=2090011, soort="VI", aggregaattype="Vraag of interpellatie",
                 titel="Vraag om uitleg over de werkingsmiddelen van de structurele partners "
                 "van VLAIO", onderwerp="Agentschap Innoveren en Ondernemen (VLAIO)",
                 thema=["Economie"], publicatiedatum=D(2024, 5, 15), zittingsjaar="2023-2024",
                 legislatuur="2019-2024",
                 page_path="/nl/parlementaire-documenten/vragen-en-interpellaties/3612207",
                 lines=["VRAAG OM UITLEG", "van Robrecht Bothuyne aan Jo Brouns",
                        "over de werkingsmiddelen van de structurele partners van VLAIO"]),
        OtherHit(id=3688410, pfile=2090018, soort="VI", aggregaattype="Vraag of interpellatie",
                 titel="Vraag om uitleg over de innovatiesteun voor de industrie",
                 onderwerp="Innovatiesteun", thema=["Wetenschap en Innovatie"],
                 publicatiedatum=D(2025, 1, 22), zittingsjaar="2024-2025",
                 legislatuur="2024-2029",
                 page_path="/nl/parlementaire-documenten/vragen-en-interpellaties/3688410",
                 lines=["VRAAG OM UITLEG", "over de innovatiesteun voor de industrie"]),
        OtherHit(id=3640931, pfile=2090025, soort="VERS", aggregaattype="Verslag",
                 titel="Verslag van de Commissie voor Economie, Werk, Sociale Economie en "
                 "Landbouw", onderwerp="Commissievergadering",
                 thema=["Economie", "Werk"], publicatiedatum=D(2024, 3, 6),
                 zittingsjaar="2023-2024", legislatuur="2019-2024",
                 page_path="/nl/parlementaire-documenten/verslagen/3640931",
                 lines=["VERSLAG", "Commissie voor Economie, Werk, Sociale Economie en "
                        "Landbouw"]),
    ]

    blocks = {
        "topics": [{"titel": q.titel, "thema": q.thema} for q in b.questions
                   if q.id != 1824236 and q.titel != "Kabinetten Diversiteitsbeleid"]
        + [{"titel": seed_title, "thema": ["Economie", "Wetenschap en Innovatie"]},
           {"titel": "Kabinetten Diversiteitsbeleid", "thema": ["Gelijke Kansen"]}],
        "contexts": [seed_context, div_context,
                     ["De Vlaamse Regering legde de federale overheid een lijst van concrete "
                      "vragen voor."]],
        "subquestions": [*seed_subs, *div_subs, *ronse_subs, *_numbered("12. " + wef_tail)],
        "answers": [*economy_answers, ronse_answer, *teach_answers, refer],
        "names": partners,
    }
    return Dataset(questions=b.questions, other_hits=other_hits, text_blocks=blocks)


def samples_answer_tail(samples: Samples) -> str:
    """The seed's answers 4 to 6: prose, no tables, so they recombine well."""
    text = samples.seed_text
    lo = next(i for i, line in enumerate(text) if line.startswith("4. Voor alle"))
    return _clean(" ".join(text[lo:]))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=Path, default=SAMPLES)
    parser.add_argument("--out", type=Path, default=DATASET_PATH)
    args = parser.parse_args(argv)
    dataset = build(Samples(args.samples))
    args.out.write_text(dataset.dumps(), encoding="utf-8")
    print(f"wrote {len(dataset.questions)} questions to {args.out}")


if __name__ == "__main__":
    main()
