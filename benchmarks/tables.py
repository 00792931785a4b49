"""Table finders compared on the corpus, per producer: the parser's (pdfplumber's finder
fed the edges of pdfminer's own layout pass, aligned text where nothing is drawn) against
pdfplumber used on its own, with its `lines` and with its `text` strategy (each page
opened, its text extracted and its tables found by pdfplumber alone).

Prints per producer and finder: table row recall and precision (a header counts as a
row), rows stored for documents without tables, and pages per CPU-second of the whole
reading (text and tables). The README quotes it to say why the parser reads tables the
way it does.

    .venv/bin/python benchmarks/tables.py
"""

from __future__ import annotations

import io
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pdfplumber

from pipeline import parse_document
from pipeline.pdftext import laparams_dict
from tests.corpus.build import PRODUCERS, corpus


def _flat(text: str | None) -> str:
    return " ".join((text or "").split())


def plumber_rows(pdf: bytes, strategy: str) -> tuple[Counter[tuple[str, ...]], int]:
    """pdfplumber alone: every page's text, then its tables' rows."""
    rows: Counter[tuple[str, ...]] = Counter()
    with pdfplumber.open(io.BytesIO(pdf), laparams=laparams_dict()) as doc:
        pages = len(doc.pages)
        for page in doc.pages:
            page.extract_text()
            settings = {"vertical_strategy": strategy, "horizontal_strategy": strategy}
            for table in page.find_tables(settings):
                for row in table.extract():
                    cells = tuple(_flat(c) for c in row)
                    if any(cells):
                        rows[cells] += 1
    return rows, pages


def parser_rows(pdf: bytes) -> tuple[Counter[tuple[str, ...]], int]:
    doc = parse_document(pdf, "application/pdf")
    rows: Counter[tuple[str, ...]] = Counter()
    for table in doc.tables:
        if table.header:
            rows[tuple(_flat(c) for c in table.header)] += 1
        for row in table.rows:
            rows[tuple(_flat(c.text) for c in row)] += 1
    return rows, doc.pages or 0


def main() -> int:
    specs = corpus()
    finders = {
        "parser": parser_rows,
        "pdfplumber lines": lambda pdf: plumber_rows(pdf, "lines"),
        "pdfplumber text": lambda pdf: plumber_rows(pdf, "text"),
    }
    print(f"{'producer':<12}{'finder':<18}{'recall':>8}{'precision':>10}{'false rows':>11}"
          f"{'pages/CPU-s':>13}")
    for producer in PRODUCERS:
        pdfs = [(spec, spec.pdf(producer)) for spec in specs]
        for name, finder in finders.items():
            right = found = wanted = false_rows = pages = 0
            start = time.process_time()
            for spec, pdf in pdfs:
                got, n = finder(pdf)
                pages += n
                want: Counter[tuple[str, ...]] = Counter()
                for table in spec.expected()["tables"]:  # type: ignore[union-attr]
                    want[tuple(table["header"])] += 1
                    for row in table["rows"]:
                        want[tuple(row)] += 1
                right += sum((got & want).values())
                found += sum(got.values())
                wanted += sum(want.values())
                if not want:
                    false_rows += sum(got.values())
            cpu = time.process_time() - start
            print(f"{producer:<12}{name:<18}{right / wanted:>8.3f}"
                  f"{(right / found if found else 1.0):>10.3f}{false_rows:>11}"
                  f"{pages / cpu:>13.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
