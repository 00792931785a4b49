"""Configuration: defaults, files, environment, and one-line errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from config import SPECS, ConfigError, load_settings

README = Path(__file__).resolve().parents[1] / "README.md"


def test_defaults() -> None:
    s = load_settings(environ={})
    assert s.database.url == "sqlite:///data/schv.sqlite3"
    assert s.sources.search_api_url == "https://ws.vlpar.be/api/search"
    assert s.sources.opendata_api_url == "https://ws.vlpar.be/e/opendata"
    assert s.crawl.themes == ("Economie", "Wetenschap en Innovatie")
    assert s.politeness.obey_robots_txt is True
    assert s.politeness.concurrent_requests_per_host <= 2
    assert "http" in s.politeness.user_agent
    assert s.schedule.timezone == "Europe/Brussels"


def test_fixed_environment_names() -> None:
    s = load_settings(
        environ={
            "SCHV_DATABASE_URL": "postgresql+psycopg://u@h/db",
            "SCHV_SEARCH_API_URL": "http://127.0.0.1:1/api/search",
            "SCHV_OPENDATA_API_URL": "http://127.0.0.1:1/e/opendata",
            "SCHV_CRAWL_THEMES": "Werk; Sport",
            "SCHV_POLITENESS_RETRY_HTTP_CODES": "503, 429",
            "SCHV_CRAWL_DOWNLOAD_DOCUMENTS": "no",
        }
    )
    assert s.database.url == "postgresql+psycopg://u@h/db"
    assert s.sources.search_api_url == "http://127.0.0.1:1/api/search"
    assert s.sources.opendata_api_url == "http://127.0.0.1:1/e/opendata"
    assert s.crawl.themes == ("Werk", "Sport")
    assert s.politeness.retry_http_codes == (503, 429)
    assert s.crawl.download_documents is False
    assert s.origins["database.url"] == "SCHV_DATABASE_URL"


def test_file_overrides_defaults_and_env_overrides_file(tmp_path: Path) -> None:
    path = tmp_path / "schv.toml"
    path.write_text('[crawl]\nsince = "2024-01-01"\nthemes = ["Werk"]\n', encoding="utf-8")
    s = load_settings(path, environ={"SCHV_CRAWL_SINCE": "2024-02-01"})
    assert s.crawl.themes == ("Werk",)
    assert s.crawl.since == "2024-02-01"
    assert s.origins["crawl.themes"] == str(path)


@pytest.mark.parametrize(
    ("toml", "env", "message"),
    [
        ("[crawl]\nthemse = []\n", {}, r"unknown setting 'crawl\.themse'"),
        ("[crawler]\n", {}, r"unknown section \[crawler\]"),
        ("[crawl]\nsince = 2024\n", {}, r"crawl\.since .*expected text"),
        ("", {"SCHV_CRAWL_SINCE": "29/04/2024"}, r"crawl\.since .*YYYY-MM-DD"),
        ("", {"SCHV_POLITENESS_CONCURRENT_REQUESTS_PER_HOST": "50"}, r"between 1 and 8"),
        ("", {"SCHV_SEARCH_API_URL": "ftp://x"}, r"sources\.search_api_url .*http"),
        ("", {"SCHV_SCHEDULE_CRON": "every day"}, r"schedule\.cron"),
        ("", {"SCHV_SCHEDULE_TIMEZONE": "Mars/Olympus"}, r"unknown time zone"),
        ("", {"SCHV_CRAWL_THEMES": " ; "}, r"crawl\.themes .*must not be empty"),
        ("", {"SCHV_DATABSE_URL": "sqlite://"}, r"unknown environment variable SCHV_DATABSE_URL"),
        ("[crawl]\nsince = \"2025-01-01\"\nuntil = \"2024-01-01\"\n", {}, r"is after"),
        ("[crawl\n", {}, r"not valid TOML"),
    ],
)
def test_errors_are_one_line_naming_the_key(
    tmp_path: Path, toml: str, env: dict[str, str], message: str
) -> None:
    path = tmp_path / "c.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as info:
        load_settings(path, environ=env)
    assert "\n" not in str(info.value)


def test_missing_file() -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_settings("/nonexistent/schv.toml", environ={})


def test_readme_documents_every_setting() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [s.dotted for s in SPECS if not re.search(rf"`{re.escape(s.dotted)}`", text)]
    missing += [s.env for s in SPECS if f"`{s.env}`" not in text]
    assert missing == []
