"""Datasette plugin loaded by `schv browse` (--plugins-dir): the watches' Atom feeds, as
the last crawl wrote them to alerts.feed_dir, at /-/feeds/NAME.atom (the list at
/-/feeds). Only files named like a watch are served, and only from that folder."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import Response

from storage.watches import NAME_PATTERN

# The key of this plugin's configuration in the metadata schv.browse hands to Datasette.
CONFIG_KEY = "schv-feeds"


def _folder(datasette: Any) -> Path | None:
    folder = (datasette.plugin_config(CONFIG_KEY) or {}).get("dir")
    return Path(folder) if folder else None


async def _feed(datasette: Any, request: Any) -> Response:
    name = request.url_vars["name"]
    folder = _folder(datasette)
    path = folder / f"{name}.atom" if folder and NAME_PATTERN.match(name) else None
    if path is None or not path.is_file():
        return Response(f"no feed {name!r} (yet: feeds are written after each crawl)\n",
                        status=404)
    return Response(path.read_bytes(), content_type="application/atom+xml; charset=utf-8")


async def _index(datasette: Any) -> Response:
    folder = _folder(datasette)
    names = sorted(p.stem for p in folder.glob("*.atom")) if folder and folder.is_dir() else []
    items = "".join(
        f'<li><a href="/-/feeds/{html.escape(n)}.atom">{html.escape(n)}</a></li>'
        for n in names if NAME_PATTERN.match(n)
    )
    body = (f"<!DOCTYPE html><html><head><title>schv feeds</title></head><body>"
            f"<h1>Atom feeds</h1><ul>{items or '<li>none yet</li>'}</ul></body></html>")
    return Response(body, content_type="text/html; charset=utf-8")


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [
        (r"^/-/feeds/(?P<name>[^/]+)\.atom$", _feed),
        (r"^/-/feeds/?$", _index),
    ]
