"""Standard 5-field cron expressions as APScheduler triggers: one translation, used both to
validate `schedule.cron` and by the daemon to schedule, so what passes the check is what
runs."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def _day(token: str) -> int:
    if token.isdigit() and int(token) <= 7:
        return int(token)
    if token.lower() in _NAMES:
        return _NAMES.index(token.lower())
    raise ValueError(f"not a weekday: {token!r}")


def cron_weekdays(field: str) -> str:
    """A cron weekday field as APScheduler day names.

    APScheduler 3 numbers weekdays from 0 = Monday, cron from 0 (or 7) = Sunday, so
    numbers are turned into names; ranges are expanded, because `0-6` would become the
    backwards range `sun-sat` in APScheduler's order."""
    if not any(ch.isdigit() for ch in field.split("/")[0]) and "/" not in field:
        return field  # `*`, names and name ranges mean the same in both
    days: set[int] = set()
    for item in field.split(","):
        body, _, step = item.partition("/")
        stride = int(step) if step else 1
        if stride < 1:
            raise ValueError(f"bad step in {item!r}")
        if body == "*":
            low, high = 0, 6
        elif "-" in body:
            first, last = body.split("-", 1)
            low, high = _day(first), _day(last)
        else:
            low = _day(body)
            high = 6 if step else low
        if low > high:
            raise ValueError(f"backwards range {body!r}")
        days.update(d % 7 for d in range(low, high + 1, stride))
    return ",".join(_NAMES[d] for d in sorted(days))


def cron_trigger(expression: str, timezone: str, jitter: int | None = None) -> CronTrigger:
    """A trigger for a standard 5-field cron expression (not CronTrigger.from_crontab,
    which reads weekday numbers APScheduler's way)."""
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError("expected 5 fields")
    minute, hour, day, month, weekday = fields
    return CronTrigger(
        minute=minute, hour=hour, day=day, month=month,
        day_of_week=cron_weekdays(weekday), timezone=ZoneInfo(timezone), jitter=jitter or None,
    )
