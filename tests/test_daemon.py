"""`schv daemon` as a real process on a schedule of a few seconds, against the replica:
several scheduled crawls that pick up changes, a clean stop on SIGTERM, the grace period
and the time limit. Plus the pure schedule helpers."""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, text

from config import load_settings
from config.cron import cron_trigger
from schv.daemon import Daemon, schedule_period
from tests.crawling import ROOT, replica_env, schv_command, view_rows
from tests.replica import Replica
from tests.test_incremental import new_question

BRUSSELS = ZoneInfo("Europe/Brussels")



def runs(database_url: str) -> list[dict[str, object]]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            try:
                result = connection.execute(text("SELECT * FROM crawl_run ORDER BY id"))
            except Exception:  # the schema is not there yet
                return []
            return [dict(row) for row in result.mappings()]
    finally:
        engine.dispose()


def wait_until(check: Callable[[], bool], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.2)


def start_daemon(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([*schv_command(), "daemon"], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_daemon_crawls_on_schedule_picks_up_changes_and_stops_on_sigterm(
    replica: Replica, database_url: str, tmp_path: Path
) -> None:
    env = replica_env(replica.base_url, database_url, tmp_path / "raw",
                      SCHV_SCHEDULE_INTERVAL="3", SCHV_SCHEDULE_JITTER="0")
    daemon = start_daemon(env)
    try:
        # No successful run yet: the catch-up run starts at once.
        wait_until(lambda: sum(r["status"] == "ok" for r in runs(database_url)) >= 1)
        first = set(view_rows(database_url))
        added = replica.add_question(new_question(replica, 1))
        wait_until(lambda: added.id in view_rows(database_url))
        wait_until(lambda: sum(r["status"] == "ok" for r in runs(database_url)) >= 3)
    finally:
        daemon.send_signal(signal.SIGTERM)
        _out, err = daemon.communicate(timeout=120)
    assert daemon.returncode == 0, err
    assert added.id not in first
    history = runs(database_url)
    assert len(history) >= 3
    assert {r["trigger"] for r in history} == {"scheduled"}
    assert [r["mode"] for r in history[:2]] == ["full", "incremental"]
    assert all(r["status"] == "ok" for r in history), history
    assert "catch-up" in err and "SIGTERM received" in err and "daemon stopped" in err
    assert "Traceback" not in err
    # One line per event, each with a time stamp and a level.
    events = [line for line in err.splitlines() if "schv.daemon:" in line]
    assert len(events) >= 2 * len(history)
    assert all(line[:4].isdigit() for line in err.splitlines() if line.strip())


def test_sigterm_during_a_crawl_stops_it_after_the_grace_period(
    replica: Replica, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env = replica_env(replica.base_url, database_url, tmp_path / "raw",
                      SCHV_SCHEDULE_INTERVAL="3600", SCHV_SCHEDULE_SHUTDOWN_GRACE="1",
                      SCHV_POLITENESS_CONCURRENT_REQUESTS_PER_HOST="1",
                      SCHV_POLITENESS_DOWNLOAD_DELAY="0.5")
    daemon = start_daemon(env)
    try:
        wait_until(lambda: replica.counts_by_kind()["document"] >= 1)
    finally:
        daemon.send_signal(signal.SIGTERM)
        _out, err = daemon.communicate(timeout=120)
    assert daemon.returncode == 0, err
    assert "shutdown grace period over" in err
    history = runs(database_url)
    # The crawl was told to stop and recorded itself so: nothing is left "running".
    assert len(history) == 1 and history[0]["status"] == "interrupted"


def test_a_crawl_over_its_time_limit_is_stopped(replica: Replica, tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env = replica_env(replica.base_url, database_url, tmp_path / "raw",
                      # Long enough for the child to start on a loaded machine (its run
                      # row must exist to be marked), far shorter than the slow crawl.
                      SCHV_SCHEDULE_INTERVAL="3600", SCHV_SCHEDULE_CRAWL_TIME_LIMIT="10",
                      SCHV_POLITENESS_CONCURRENT_REQUESTS_PER_HOST="1",
                      SCHV_POLITENESS_DOWNLOAD_DELAY="0.5")
    daemon = start_daemon(env)
    try:
        wait_until(lambda: any(r["finished_at"] for r in runs(database_url)))
    finally:
        daemon.send_signal(signal.SIGTERM)
        _out, err = daemon.communicate(timeout=120)
    assert daemon.returncode == 0, err
    assert "time limit of 10 s reached" in err
    assert runs(database_url)[0]["status"] == "interrupted"


# -- the schedule, without processes -----------------------------------------------------


def test_cron_weekday_numbers_mean_what_cron_means() -> None:
    # Cron: 1 = Monday (APScheduler 3's own numbering would make it Tuesday).
    trigger = cron_trigger("0 6 * * 1", "Europe/Brussels")
    start = dt.datetime(2026, 11, 26, 12, tzinfo=BRUSSELS)  # a Thursday
    fire = trigger.get_next_fire_time(None, start)
    assert fire == dt.datetime(2026, 11, 30, 6, tzinfo=BRUSSELS)
    weekend = cron_trigger("30 7 * * 0,6", "Europe/Brussels")
    assert weekend.get_next_fire_time(None, start).weekday() == 5  # Saturday


def test_cron_follows_brussels_time_across_daylight_saving() -> None:
    trigger = cron_trigger("0 6 * * *", "Europe/Brussels")
    before = trigger.get_next_fire_time(None, dt.datetime(2026, 3, 27, 12, tzinfo=BRUSSELS))
    after = trigger.get_next_fire_time(before, before + dt.timedelta(seconds=1))
    assert before.hour == after.hour == 6
    # The night of 28 to 29 March the clocks go forward: 23 real hours in between.
    assert after.astimezone(dt.UTC) - before.astimezone(dt.UTC) == dt.timedelta(hours=23)


def test_catch_up_only_when_the_last_success_is_older_than_one_period() -> None:
    settings = load_settings(environ={"SCHV_SCHEDULE_CRON": "0 6 * * *"})
    daemon = Daemon(settings, command=["true"])
    now = dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC)
    assert schedule_period(settings, now) == dt.timedelta(days=1)
    assert daemon.needs_catch_up(None, now)
    assert daemon.needs_catch_up(now - dt.timedelta(days=1, minutes=1), now)
    assert not daemon.needs_catch_up(now - dt.timedelta(hours=20), now)
    hourly = load_settings(environ={"SCHV_SCHEDULE_INTERVAL": "3600"})
    assert schedule_period(hourly, now) == dt.timedelta(hours=1)
