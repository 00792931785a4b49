"""Regenerate the README's generated blocks: `python -m schv.docs` (`--check` to only
compare). The configuration table comes from config.SPECS and defaults.toml, the data
dictionary from storage/dictionary/*.toml, so neither is written twice by hand."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from config import SPECS, load_settings
from storage.dictionary import markdown as dictionary_markdown

README = Path(__file__).resolve().parents[1] / "README.md"


def config_table() -> str:
    settings = load_settings(environ={})
    lines = ["| setting | environment variable | default | meaning |", "|---|---|---|---|"]
    for spec in SPECS:
        value = getattr(getattr(settings, spec.section), spec.key)
        if isinstance(value, tuple):
            value = ", ".join(map(str, value))
        if isinstance(value, bool):
            value = str(value).lower()
        shown = "(empty)" if value == "" else f"`{value}`"
        lines.append(f"| `{spec.dotted}` | `{spec.env}` | {shown} | {spec.help} |")
    return "\n".join(lines) + "\n"


BLOCKS = {"config-table": config_table, "data-dictionary": dictionary_markdown}


def render(text: str) -> str:
    for name, make in BLOCKS.items():
        pattern = re.compile(
            rf"(<!-- BEGIN {name} -->\n).*?(<!-- END {name} -->)", flags=re.DOTALL
        )
        if not pattern.search(text):
            raise SystemExit(f"README has no generated block {name!r}")
        text = pattern.sub(lambda m, make=make: m.group(1) + make() + m.group(2), text)
    return text


def main(argv: list[str]) -> int:
    current = README.read_text(encoding="utf-8")
    fresh = render(current)
    if "--check" in argv:
        if fresh != current:
            print("README is out of date: run python -m schv.docs", file=sys.stderr)
            return 1
        return 0
    if fresh != current:
        README.write_text(fresh, encoding="utf-8")
        print("README updated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
