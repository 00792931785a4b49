"""The data dictionary: one TOML file per public view, the single home of the views'
descriptions. The README's data dictionary is generated from it (`python -m schv.docs`),
`schv browse` shows it, and a test checks it against the real schema on both databases."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

DICTIONARY_DIR = Path(__file__).parent


@dataclass(frozen=True)
class ColumnDoc:
    name: str
    type: str
    description: str


@dataclass(frozen=True)
class ViewDoc:
    name: str
    title: str
    description: str
    order: int
    columns: tuple[ColumnDoc, ...]


def load_dictionary(folder: Path = DICTIONARY_DIR) -> list[ViewDoc]:
    views = []
    for path in sorted(folder.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        views.append(
            ViewDoc(
                name=data["name"],
                title=data.get("title", data["name"]),
                description=" ".join(data["description"].split()),
                order=int(data.get("order", 100)),
                columns=tuple(
                    ColumnDoc(c["name"], c["type"], " ".join(c["description"].split()))
                    for c in data["columns"]
                ),
            )
        )
    return sorted(views, key=lambda v: (v.order, v.name))


def markdown(views: list[ViewDoc] | None = None) -> str:
    parts = []
    for view in views if views is not None else load_dictionary():
        rows = "\n".join(
            f"| `{c.name}` | {c.type} | {c.description} |" for c in view.columns
        )
        parts.append(
            f"### `{view.name}`\n\n{view.description}\n\n"
            f"| column | type | meaning |\n|---|---|---|\n{rows}\n"
        )
    return "\n".join(parts)
