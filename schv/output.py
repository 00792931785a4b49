"""Shared by the commands: exit codes, one-line errors, and printing rows."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Sequence
from typing import Any, TextIO

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
# Another crawl or daemon holds the database (sysexits' EX_TEMPFAIL: try again later).
EXIT_BUSY = 75
FORMATS = ("table", "csv", "json", "jsonl")


class CommandError(Exception):
    """A failure worth one line to the user, with an exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


def redact(url: str) -> str:
    """A database URL fit to print: the password hidden."""
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return str(value)


def print_table(
    columns: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO, width: int = 60
) -> None:
    def cut(text: str) -> str:
        text = " ".join(text.split())
        return text if len(text) <= width else text[: width - 1] + "…"

    cells = [[cut(_cell(v)) for v in row] for row in rows]
    widths = [len(c) for c in columns]
    for row in cells:
        widths = [max(w, len(v)) for w, v in zip(widths, row, strict=True)]
    out.write("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in cells:
        out.write("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() + "\n")
    out.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n")


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


def write_rows(
    fmt: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO
) -> None:
    if fmt == "table":
        print_table(columns, rows, out)
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[_cell(v) for v in row] for row in rows])
    elif fmt == "json":
        json.dump(
            [{c: _jsonable(v) for c, v in zip(columns, row, strict=True)} for row in rows],
            out, ensure_ascii=False, indent=2,
        )
        out.write("\n")
    elif fmt == "jsonl":
        for row in rows:
            out.write(json.dumps({c: _jsonable(v) for c, v in zip(columns, row, strict=True)},
                                 ensure_ascii=False) + "\n")
