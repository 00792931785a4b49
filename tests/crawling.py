"""Running the real `schv` command against the replica, for the end-to-end tests and the
benchmarks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]


def schv_command() -> list[str]:
    """The installed console script when there is one (what users run), else the module."""
    script = Path(sys.executable).with_name("schv")
    if script.exists():
        return [str(script)]
    found = shutil.which("schv")
    return [found] if found else [sys.executable, "-m", "schv"]


def replica_env(base_url: str, database_url: str, raw_dir: Path, **extra: str) -> dict[str, str]:
    """Environment that points schv at the replica, with throttling off so tests are fast
    (politeness itself is checked separately)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCHV_")}
    env.update(
        SCHV_DATABASE_URL=database_url,
        SCHV_DATABASE_RAW_DIR=str(raw_dir),
        SCHV_ALERTS_FEED_DIR=str(raw_dir.parent / "feeds"),
        SCHV_SEARCH_API_URL=f"{base_url}/api/search",
        SCHV_OPENDATA_API_URL=f"{base_url}/e/opendata",
        SCHV_DOCUMENT_BASE_URL=base_url,
        SCHV_PAGE_BASE_URL=base_url,
        SCHV_CRAWL_SINCE="2020-01-01",
        SCHV_CRAWL_UNTIL="2026-12-31",
        SCHV_POLITENESS_DOWNLOAD_DELAY="0",
        SCHV_POLITENESS_AUTOTHROTTLE="false",
        SCHV_POLITENESS_RETRY_BACKOFF_BASE="0.05",
    )
    env.update(extra)
    return env


def run_schv(
    args: Sequence[str], env: Mapping[str, str], *, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*schv_command(), *args],
        env=dict(env),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def view_rows(database_url: str) -> dict[int, dict[str, object]]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            result = connection.execute(text("SELECT * FROM written_questions"))
            return {row["id"]: dict(row) for row in result.mappings()}
    finally:
        engine.dispose()


def table_count(database_url: str, table: str) -> int:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
    finally:
        engine.dispose()
