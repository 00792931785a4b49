"""Cron weekday numbers read as cron reads them (0 and 7 = Sunday), in the check of
`schedule.cron` and in the daemon alike."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from config import ConfigError, load_settings
from config.cron import cron_trigger, cron_weekdays


@pytest.mark.parametrize(
    ("field", "names"),
    [
        ("*", "*"),
        ("1", "mon"),
        ("0,6", "sun,sat"),
        ("7", "sun"),
        ("0-6", "sun,mon,tue,wed,thu,fri,sat"),
        ("5-7", "sun,fri,sat"),
        ("1-5", "mon,tue,wed,thu,fri"),
        ("*/2", "sun,tue,thu,sat"),
        ("mon-fri", "mon-fri"),
    ],
)
def test_weekday_fields(field: str, names: str) -> None:
    assert cron_weekdays(field) == names


def test_sunday_as_seven_fires_on_sunday() -> None:
    brussels = ZoneInfo("Europe/Brussels")
    monday = dt.datetime(2026, 11, 23, 12, 0, tzinfo=brussels)
    fire = cron_trigger("0 6 * * 7", "Europe/Brussels").get_next_fire_time(None, monday)
    assert fire is not None and fire.date() == dt.date(2026, 11, 29)  # a Sunday
    assert fire.weekday() == 6


@pytest.mark.parametrize("expression", ["0 6 * * 9", "0 6 * * 5-2", "0 6 * *", "61 6 * * *"])
def test_config_rejects_what_the_daemon_could_not_run(expression: str) -> None:
    with pytest.raises(ConfigError, match=r"schedule\.cron"):
        load_settings(environ={"SCHV_SCHEDULE_CRON": expression})


def test_config_accepts_cron_sunday_seven() -> None:
    assert load_settings(environ={"SCHV_SCHEDULE_CRON": "0 6 * * 7"}).schedule.cron == "0 6 * * 7"
