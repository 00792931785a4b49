"""The real sample texts (chunks of the parliament's PDFs, as extracted) the tests use,
copied here from the team's shared samples so no test depends on a folder outside the
repository."""

from pathlib import Path

SAMPLES = Path(__file__).resolve().parent


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")
