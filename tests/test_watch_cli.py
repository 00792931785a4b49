"""`schv watch`, `schv feed` and the alert settings, through the real command line."""

from __future__ import annotations

import os
from pathlib import Path

import feedparser
import pytest

from config import ConfigError, load_settings
from tests.analysis_data import fill
from tests.crawling import run_schv


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    database = f"sqlite:///{tmp_path / 'schv.sqlite3'}"
    fill(database, tmp_path / "raw")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SCHV_")}
    environment.update(
        SCHV_DATABASE_URL=database,
        SCHV_DATABASE_RAW_DIR=str(tmp_path / "raw"),
        SCHV_ALERTS_FEED_DIR=str(tmp_path / "feeds"),
    )
    return environment


def test_add_list_show_feed_remove(env: dict[str, str], tmp_path: Path) -> None:
    added = run_schv(["watch", "add", "welzijn", "--theme", "Welzijn", "--backfill",
                      "--webhook", "http://127.0.0.1:9/hook", "--email", "a@example.org"], env)
    assert added.returncode == 0, added.stderr
    assert "watch welzijn: theme 'Welzijn'; events asked, answered; delivered to feed, " \
        "webhook, email" in added.stdout
    assert "4 past events will be delivered by the next crawl" in added.stdout
    quiet = run_schv(["watch", "add", "q104", "--question", "2023-2024/4"], env)
    assert quiet.returncode == 0, quiet.stderr
    assert "question 104; events answered, changed; delivered to feed" in quiet.stdout
    assert "starts now: 0 events already true" in quiet.stdout

    listed = run_schv(["watch", "list"], env)
    assert listed.returncode == 0
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["name", "follows", "events", "channels", "found", "delivered",
                                "failing", "checked_at"]
    assert any(line.startswith("q104 ") for line in lines)
    assert any(line.startswith("welzijn ") and " 4 " in line for line in lines)

    shown = run_schv(["watch", "show", "welzijn"], env)
    assert shown.returncode == 0
    assert "webhook: http://127.0.0.1:9/hook" in shown.stdout
    assert shown.stdout.count("pending") == 12  # 4 events x 3 channels, none tried yet

    feed = run_schv(["feed", "welzijn"], env)
    assert feed.returncode == 0
    parsed = feedparser.parse(feed.stdout.encode())
    assert not parsed.bozo and len(parsed.entries) == 4
    answers = feedparser.parse(run_schv(["feed", "all-answers"], env).stdout.encode())
    assert len(answers.entries) == 4

    removed = run_schv(["watch", "remove", "welzijn"], env)
    assert removed.returncode == 0 and "removed" in removed.stdout
    again = run_schv(["watch", "show", "welzijn"], env)
    assert again.returncode == 1 and "no watch named 'welzijn'" in again.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["watch", "add", "x", "--question", "2023-2024/99"], "no stored question 2023-2024/99"),
    (["watch", "add", "x", "--question", "1", "--theme", "Economie"], "--question follows"),
    (["watch", "add", "x", "--overdue"], "an overdue watch needs --minister or --theme"),
    (["watch", "add", "x"], "needs --search WORDS or a filter"),
    (["watch", "add", "x y", "--theme", "Economie"], "invalid watch name"),
    (["watch", "add", "x", "--search=-haven"], "nothing to search for"),
    (["watch", "add", "x", "--theme", "E", "--events", "asked,read"], "--events"),
    (["watch", "add", "x", "--theme", "E", "--webhook", "ftp://h/"], "--webhook"),
    (["watch", "add", "x", "--theme", "E", "--email", "nobody"], "--email"),
    (["feed", "nothing"], "no watch named 'nothing'"),
])
def test_mistakes_are_one_line_and_change_nothing(
    env: dict[str, str], args: list[str], message: str
) -> None:
    result = run_schv(args, env)
    assert result.returncode in (1, 2), result.stdout
    assert message in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert "(0 rows)" in run_schv(["watch", "list"], env).stdout


def test_secrets_come_from_the_environment_only(tmp_path: Path, env: dict[str, str]) -> None:
    config = tmp_path / "schv.toml"
    config.write_text('[alerts]\nsmtp_password = "hunter2"\n')
    with pytest.raises(ConfigError, match="secret: set it in the environment "
                       r"\(SCHV_ALERTS_SMTP_PASSWORD\), not in a file"):
        load_settings(config, environ={})
    settings = load_settings(environ={"SCHV_ALERTS_SMTP_PASSWORD": "hunter2",
                                      "SCHV_ALERTS_WEBHOOK_SECRET": "s3cret"})
    assert settings.alerts.smtp_password == "hunter2"
    shown = run_schv(["config"], {**env, "SCHV_ALERTS_SMTP_PASSWORD": "hunter2",
                                  "SCHV_ALERTS_WEBHOOK_SECRET": "s3cret"})
    assert shown.returncode == 0
    assert "hunter2" not in shown.stdout and "s3cret" not in shown.stdout
    assert shown.stdout.count("(set, not shown)") == 2
