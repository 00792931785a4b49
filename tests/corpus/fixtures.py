"""Make the corpus's fixture PDFs of the producers CI does not install.

    .venv/bin/pip install -e '.[fixtures]'   # python-docx, WeasyPrint
    apt-get install libreoffice-writer-nogui fonts-crosextra-carlito   # for libreoffice
    .venv/bin/python -m tests.corpus.fixtures libreoffice weasyprint

- `libreoffice`: each document written as a Word file (tests/corpus/word.py) and
  exported by `soffice --headless --convert-to pdf`, as ministers' answers are.
- `weasyprint`: each document as HTML and CSS (tests/corpus/html.py) printed by
  WeasyPrint: other margins and fonts, tables ruled across only with shaded headers.

The PDFs go to tests/corpus/fixtures/<producer>/<document>.pdf, where Spec.pdf reads them.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.corpus.build import FIXTURES, Spec, corpus


def libreoffice(specs: list[Spec], out: Path) -> None:
    from tests.corpus.word import docx

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for spec in specs:
            (folder / f"{spec.name}.docx").write_bytes(
                docx(spec.blocks(), spec.running_header, spec.footer)
            )
        subprocess.run(
            [soffice, "--headless", f"-env:UserInstallation=file://{folder}/profile",
             "--convert-to", "pdf", "--outdir", str(out),
             *sorted(str(p) for p in folder.glob("*.docx"))],
            check=True, capture_output=True, timeout=600,
        )


def weasyprint(specs: list[Spec], out: Path) -> None:
    from tests.corpus.html import pdf

    for spec in specs:
        (out / f"{spec.name}.pdf").write_bytes(
            pdf(spec.blocks(), spec.running_header, spec.footer)
        )


MAKERS = {"libreoffice": libreoffice, "weasyprint": weasyprint}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("producers", nargs="+", choices=sorted(MAKERS))
    args = parser.parse_args()
    specs = corpus()
    for producer in args.producers:
        out = FIXTURES / producer
        if out.exists():
            shutil.rmtree(out)
        out.mkdir(parents=True)
        MAKERS[producer](specs, out)
        size = sum(p.stat().st_size for p in out.glob("*.pdf"))
        print(f"{producer}: {len(list(out.glob('*.pdf')))} PDFs, {size / 1024:.0f} KiB in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
