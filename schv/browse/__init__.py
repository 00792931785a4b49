"""What `schv browse` hands to Datasette: metadata from the data dictionary, a plugin
that makes every connection Datasette opens as read-only as `schv query`'s, and one that
serves the watches' Atom feeds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from storage.dictionary import load_dictionary

PLUGINS_DIR = Path(__file__).parent / "plugins"


def datasette_metadata(database_name: str, feed_dir: str | None = None) -> dict[str, Any]:
    """Datasette metadata: the views' titles, descriptions and column descriptions, and
    where the feeds plugin finds the watches' Atom feeds."""
    tables = {
        view.name: {
            "title": view.title,
            "description": view.description,
            "columns": {column.name: column.description for column in view.columns},
        }
        for view in load_dictionary()
    }
    return {
        "title": "schv: written questions of the Flemish Parliament",
        "description": "The views are the documented public interface; the tables may "
        "change with migrations. Read-only.",
        "license": "Modellicentie Gratis Hergebruik Vlaanderen v1.0",
        "license_url": "https://www.vlaanderen.be/digitaal-vlaanderen/onze-oplossingen/"
        "open-data/voorwaarden-voor-het-hergebruik-van-overheidsinformatie/"
        "modellicentie-gratis-hergebruik",
        "databases": {database_name: {"tables": tables}},
        "plugins": {"schv-feeds": {"dir": str(Path(feed_dir).resolve())}} if feed_dir else {},
    }
