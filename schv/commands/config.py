"""`schv config`: every setting, its value, and where the value came from."""

from __future__ import annotations

import argparse
import sys

from config import SPECS, Settings
from schv.output import EXIT_OK, print_table, redact

ORDER = 95


def run(args: argparse.Namespace, settings: Settings) -> int:
    rows = []
    for spec in SPECS:
        value = getattr(getattr(settings, spec.section), spec.key)
        if isinstance(value, tuple):
            value = ", ".join(map(str, value))
        if spec.dotted == "database.url":
            value = redact(str(value))
        if spec.secret and value:
            value = "(set, not shown)"
        rows.append([spec.dotted, spec.env, value, settings.origins.get(spec.dotted, "default")])
    print_table(["setting", "environment variable", "value", "from"], rows, sys.stdout,
                width=70)
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    sub.add_parser(
        "config", help="show every setting, its value and where it came from"
    ).set_defaults(func=run)
