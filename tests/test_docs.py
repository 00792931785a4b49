"""The README's generated blocks and the data dictionary match the code and the schema."""

from __future__ import annotations

from sqlalchemy import inspect

from schv.docs import README, render
from storage import make_engine, upgrade
from storage.dictionary import load_dictionary


def test_readme_generated_blocks_are_current() -> None:
    current = README.read_text(encoding="utf-8")
    assert render(current) == current, "run: python -m schv.docs"


def test_dictionary_matches_the_views_exactly(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        inspector = inspect(engine)
        views = set(inspector.get_view_names())
        documented = {view.name: view for view in load_dictionary()}
        # Every public view is documented, and every documented view exists.
        assert views == set(documented)
        for name, doc in documented.items():
            actual = [c["name"] for c in inspector.get_columns(name)]
            assert actual == [c.name for c in doc.columns], name
            assert all(c.description for c in doc.columns), name
    finally:
        engine.dispose()
