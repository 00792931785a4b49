"""The scheduler daemon: runs `schv crawl --trigger scheduled` as a child process on a
schedule, one at a time, and stops cleanly on SIGTERM or SIGINT.

Each crawl is its own process, exactly what a user runs by hand: Twisted's reactor cannot
restart in one process, a leak or crash in a crawl dies with it, and a time limit can end
it for certain. The daemon itself only waits, starts children and writes one log line per
event.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from types import FrameType
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from config import Settings
from config.cron import cron_trigger
from schv.output import EXIT_BUSY

log = logging.getLogger("schv.daemon")

# After SIGTERM, a crawl that is still alive this many seconds later is killed.
KILL_AFTER_SECONDS = 30.0
_POLL_SECONDS = 0.5
_MAX_STDERR_LINES = 20


def schedule_period(settings: Settings, now: dt.datetime) -> dt.timedelta:
    """The time between two runs (for the catch-up decision at start-up)."""
    schedule = settings.schedule
    if schedule.interval > 0:
        return dt.timedelta(seconds=schedule.interval)
    trigger = cron_trigger(schedule.cron, schedule.timezone)
    first = trigger.get_next_fire_time(None, now)
    second = trigger.get_next_fire_time(first, first + dt.timedelta(seconds=1)) if first else None
    if first is None or second is None:
        return dt.timedelta(days=1)
    return second - first


def crawl_command(config_path: str | None) -> list[str]:
    """The very `schv crawl` a user runs, marked as scheduled. `--wait`: a manual crawl
    that holds the lock delays the scheduled one (the time limit still applies)."""
    command = [sys.executable, "-m", "schv"]
    if config_path:
        command += ["--config", config_path]
    return [*command, "crawl", "--trigger", "scheduled", "--wait", "--quiet"]


class Daemon:
    def __init__(
        self,
        settings: Settings,
        *,
        command: Sequence[str],
        max_runs: int | None = None,
    ) -> None:
        self.settings = settings
        self.command = list(command)
        self.max_runs = max_runs
        self.runs = 0
        self.stopping = threading.Event()
        self._stop_requested_at: float | None = None
        self._scheduler: BackgroundScheduler | None = None

    # -- the scheduled job -------------------------------------------------------------

    def crawl_once(self) -> int | None:
        """Run one crawl child to its end (or its time limit); its exit code, or None
        when the daemon is stopping and started nothing."""
        if self.stopping.is_set():
            return None
        limit = self.settings.schedule.crawl_time_limit
        started = time.monotonic()
        # Own session: a Ctrl-C in the terminal reaches the daemon, which decides.
        proc = subprocess.Popen(
            self.command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
        log.info("crawl started: pid %d", proc.pid)
        stdout, stderr = self._supervise(proc, started, limit)
        self.runs += 1
        seconds = time.monotonic() - started
        code = proc.returncode
        for line in [ln for ln in stderr.splitlines() if ln.strip()][-_MAX_STDERR_LINES:]:
            log.warning("crawl pid %d: %s", proc.pid, line.strip())
        summary = " | ".join(ln.strip() for ln in stdout.splitlines() if ln.strip())
        if code == 0:
            log.info("crawl finished in %.1f s: %s", seconds, summary)
        elif code == EXIT_BUSY:
            log.warning("crawl skipped: another crawl holds the database")
        else:
            log.error("crawl ended with exit code %s after %.1f s: %s", code, seconds,
                      summary or "no summary")
        if self.max_runs is not None and self.runs >= self.max_runs:
            log.info("%d runs done, as asked: stopping", self.runs)
            self.request_stop()
        return code

    def _supervise(
        self, proc: subprocess.Popen[str], started: float, limit: float
    ) -> tuple[str, str]:
        terminated_at: float | None = None
        while True:
            try:
                return proc.communicate(timeout=_POLL_SECONDS)
            except subprocess.TimeoutExpired:
                pass
            now = time.monotonic()
            if terminated_at is None:
                why = None
                if now - started >= limit:
                    why = f"time limit of {limit:.0f} s reached"
                elif self._stop_requested_at is not None and (
                    now - self._stop_requested_at >= self.settings.schedule.shutdown_grace
                ):
                    why = "shutdown grace period over"
                if why:
                    log.warning("stopping crawl pid %d: %s", proc.pid, why)
                    # Scrapy's own handler: finish in-flight items, record the run.
                    proc.send_signal(signal.SIGTERM)
                    terminated_at = now
            elif now - terminated_at >= KILL_AFTER_SECONDS and proc.poll() is None:
                log.error("crawl pid %d still alive %.0f s after SIGTERM: killing it",
                          proc.pid, KILL_AFTER_SECONDS)
                proc.kill()
                terminated_at = float("inf")  # killed; wait for the exit

    # -- life cycle --------------------------------------------------------------------

    def request_stop(self, *_args: Any) -> None:
        if not self.stopping.is_set():
            self._stop_requested_at = time.monotonic()
            self.stopping.set()

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        log.info("%s received: no new crawl will start", signal.Signals(signum).name)
        self.request_stop()

    def _trigger(self) -> CronTrigger | IntervalTrigger:
        schedule = self.settings.schedule
        if schedule.interval > 0:
            return IntervalTrigger(seconds=schedule.interval, timezone=ZoneInfo(schedule.timezone),
                                   jitter=schedule.jitter or None)
        return cron_trigger(schedule.cron, schedule.timezone, schedule.jitter)

    def needs_catch_up(self, last_ok_finished: dt.datetime | None, now: dt.datetime) -> bool:
        return last_ok_finished is None or now - last_ok_finished > schedule_period(
            self.settings, now
        )

    def serve(self, last_ok_finished: dt.datetime | None) -> int:
        """Schedule crawls until SIGTERM/SIGINT (or max_runs); 0 on a clean stop."""
        schedule = self.settings.schedule
        tz = ZoneInfo(schedule.timezone)
        now = dt.datetime.now(tz)
        scheduler = BackgroundScheduler(
            timezone=tz,
            job_defaults={
                # Missed runs (machine asleep, a long crawl) collapse into one, run late
                # only within the grace time; never two crawls of this job at once.
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": schedule.misfire_grace_time,
            },
        )
        extra: dict[str, Any] = {}
        if self.needs_catch_up(last_ok_finished, now):
            log.info("catch-up: the last successful run is %s; crawling now",
                     "missing" if last_ok_finished is None
                     else f"from {last_ok_finished.isoformat(timespec='seconds')}")
            extra["next_run_time"] = now
        job = scheduler.add_job(self.crawl_once, self._trigger(), id="crawl", name="schv crawl",
                                **extra)
        self._scheduler = scheduler
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        scheduler.start()
        when = (f"every {schedule.interval} s" if schedule.interval > 0
                else f"cron '{schedule.cron}' {schedule.timezone}")
        log.info("daemon started: %s, jitter %d s, next run %s", when, schedule.jitter,
                 job.next_run_time.isoformat(timespec="seconds") if job.next_run_time else "-")
        while not self.stopping.wait(1.0):
            pass
        # Nothing new from here on; shutdown(wait=True) lets the running crawl finish,
        # which _supervise cuts short after the grace period.
        scheduler.pause()
        log.info("stopping: waiting up to %d s for a running crawl", schedule.shutdown_grace)
        scheduler.shutdown(wait=True)
        log.info("daemon stopped after %d crawls", self.runs)
        return 0
