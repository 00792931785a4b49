"""The corpus's blocks (see tests/corpus/render.py) as HTML and CSS, printed to PDF by
WeasyPrint: the held-out producer (written without looking at how the parser reads it).

It differs from the other three on purpose: narrower text column (2.2 cm top, 2.8 cm
sides), DejaVu Sans 10 pt with a looser line height, running header and page count in
CSS page-margin boxes, list markers in a hanging box, and tables the way web and
report styles draw them: a heavy rule above and below, a thin rule under each row,
no vertical lines, a shaded header, cells padded generously; a header repeats on every
page (thead).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from tests.corpus.render import Footer, numeric

_PAGE = """
@page {
  size: A4;
  margin: 2.2cm 2.8cm 2.4cm 2.8cm;
  @top-left { content: RUNNING; font: 7.5pt "DejaVu Sans"; color: #555; }
  @bottom-center { content: FOOTER; font: 8pt "DejaVu Sans"; }
}
"""
_CSS = """
body { font: 10pt/1.4 "DejaVu Sans"; margin: 0; }
p { margin: 0 0 1pt 0; }
.item { padding-left: calc(var(--level) * 1.6em + 1.6em); text-indent: -1.6em; margin: 0 0 1pt 0; }
.item .marker { display: inline-block; width: 1.6em; text-indent: 0; }
.pair .left { display: inline-block; width: 55%; }
.space { height: 0.8em; }
.break { page-break-after: always; }
table { border-collapse: collapse; margin: 4pt 0 6pt 0;
        border-top: 1.2pt solid #000; border-bottom: 1.2pt solid #000; }
th { background: #e2e2e2; text-align: left; font-weight: bold;
     border-bottom: 0.6pt solid #000; padding: 3pt 7pt; vertical-align: bottom; }
td { border-bottom: 0.4pt solid #999; padding: 3pt 7pt; vertical-align: top; }
td.num { text-align: right; }
"""

_FOOTERS = {
    "number": '"" counter(page)',
    "pagina": '"Pagina " counter(page) " van " counter(pages)',
    "dash": '"- " counter(page) " -"',
    None: '""',
}


def _cell(text: str) -> str:
    return "<br>".join(html.escape(part) for part in text.split("\n"))


def _css_string(text: str | None) -> str:
    return '"' + (text or "").replace("\\", "\\\\").replace('"', '\\"') + '"'


def document(blocks: Sequence[tuple], running_header: str | None, footer: Footer) -> str:
    body: list[str] = []
    for block in blocks:
        kind = block[0]
        if kind == "line":
            body.append(f"<p>{html.escape(block[1])}</p>")
        elif kind == "item":
            _, marker, text, level = block
            body.append(f'<div class="item" style="--level: {level}"><span class="marker">'
                        f"{html.escape(marker)}</span>{html.escape(text)}</div>")
        elif kind == "pair":
            body.append(f'<div class="pair"><span class="left">{html.escape(block[1])}</span>'
                        f"{html.escape(block[2])}</div>")
        elif kind == "space":
            body.append('<div class="space"></div>')
        elif kind == "break":
            body.append('<div class="break"></div>')
        else:
            _, header, rows = block[:3]
            groups = block[3] if len(block) > 3 else ()
            head = "".join(f"<th>{_cell(h)}</th>" for h in header)
            if groups:
                top, below, col = [], [], 0
                for label, span in groups:
                    if label:
                        top.append(f'<th colspan="{span}">{_cell(label)}</th>')
                        below += [f"<th>{_cell(h)}</th>" for h in header[col : col + span]]
                    else:
                        top += [f'<th rowspan="2">{_cell(h)}</th>'
                                for h in header[col : col + span]]
                    col += span
                head = "".join(top) + "</tr><tr>" + "".join(below)
            lines = []
            for row in rows:
                cells = "".join(
                    f'<td class="num">{_cell(c)}</td>' if numeric(c) else f"<td>{_cell(c)}</td>"
                    for c in row
                )
                lines.append(f"<tr>{cells}</tr>")
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(lines)}"
                        "</tbody></table>")
    style = _PAGE.replace("RUNNING", _css_string(running_header)).replace(
        "FOOTER", _FOOTERS[footer])
    return (f'<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">'
            f"<style>{_CSS}</style><style>{style}</style></head>"
            f"<body>{''.join(body)}</body></html>")


def pdf(blocks: Sequence[tuple], running_header: str | None, footer: Footer) -> bytes:
    from weasyprint import HTML

    return HTML(string=document(blocks, running_header, footer)).write_pdf()
