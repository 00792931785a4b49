"""Alerts: after every crawl, find the watches' new events and deliver them.

`run_alerts` is what the crawl calls at its end (manual and scheduled runs alike) and
what tests call on their own. It never raises for a channel: a delivery that fails is
recorded with its reason (storage.watches) and tried again by the next run; an event is
never dropped. Events come from storage.watches.derive_events; channels:

- feeds (schv.alerts.feeds): every watch's feed and all-answers.atom, rewritten;
- webhooks (schv.alerts.webhooks): one signed POST per event;
- e-mail (schv.alerts.mail): one digest per watch per run.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from config import Settings
from schv.alerts.feeds import ANSWERS_FEED, answers_feed, feed_path, watch_feed, write_feed
from schv.alerts.mail import Mailer, digest
from schv.alerts.webhooks import WebhookSender
from storage.watches import (
    WatchRow,
    derive_events,
    latest_answers,
    list_watches,
    pending_events,
    pending_ids,
    recent_events_of,
    record_deliveries,
)

if TYPE_CHECKING:
    from storage import Store

log = logging.getLogger("schv.alerts")


@dataclass
class AlertReport:
    watches: int = 0
    new_events: int = 0
    baseline: int = 0
    delivered: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    # One line per (watch, channel) that failed this run.
    problems: list[str] = field(default_factory=list)

    def text(self) -> str:
        """A line for the crawl's summary; empty when nobody watches anything."""
        if not self.watches:
            return ""
        line = f"alerts: {self.new_events} new event{'s' if self.new_events != 1 else ''}"
        if self.baseline:
            line += f" ({self.baseline} already true, kept as baseline)"
        if self.delivered:
            line += "; delivered " + ", ".join(
                f"{channel} {n}" for channel, n in sorted(self.delivered.items())
            )
        if self.failed:
            line += "; FAILED " + ", ".join(
                f"{channel} {n}" for channel, n in sorted(self.failed.items())
            ) + " (retried next run)"
        return "\n".join([line, *(f"  {problem}" for problem in self.problems)])


def run_alerts(
    settings: Settings, store: Store, *, run_id: int | None = None,
    now: dt.datetime | None = None,
) -> AlertReport:
    """Derive the new events, then deliver everything not yet delivered."""
    from storage.repository import utc_now

    now = now or utc_now()
    report = AlertReport()
    derived = derive_events(store, now, run_id=run_id)
    report.new_events, report.baseline = derived.new, derived.baseline
    watches = list_watches(store)
    report.watches = len(watches)
    _guard(report, "feed", lambda: _feeds(settings, store, watches, report, now))
    hooks = [w for w in watches if w.webhook_url]
    if hooks:
        _guard(report, "webhook", lambda: _webhooks(settings, store, hooks, report, now))
    mailed = [w for w in watches if w.email]
    if mailed:
        _guard(report, "email", lambda: _emails(settings, store, mailed, report, now))
    return report


def _guard(report: AlertReport, channel: str, work: Callable[[], None]) -> None:
    # A bug in one channel must not keep the others from delivering; what it did not
    # record stays pending and is tried again next run.
    try:
        work()
    except Exception as exc:
        log.warning("alerts: %s delivery stopped: %s: %s", channel, type(exc).__name__, exc)
        report.problems.append(f"{channel}: stopped: {type(exc).__name__}: {exc}")


def _record(
    report: AlertReport, store: Store, watch: WatchRow, channel: str, now: dt.datetime,
    delivered: list[int], failed: dict[int, str], *, attempted: bool = True,
) -> None:
    record_deliveries(store, delivered, channel, now)
    by_reason: dict[str, list[int]] = {}
    for event_id, reason in failed.items():
        by_reason.setdefault(reason, []).append(event_id)
    for reason, ids in by_reason.items():
        record_deliveries(store, ids, channel, now, reason, attempted=attempted)
        report.problems.append(f"{watch.name} {channel}: {len(ids)} not delivered: {reason}")
    if delivered:
        report.delivered[channel] += len(delivered)
    if failed:
        report.failed[channel] += len(failed)


def _feeds(settings: Settings, store: Store, watches: list[WatchRow], report: AlertReport,
           now: dt.datetime) -> None:
    site = settings.sources.page_base_url
    folder = settings.alerts.feed_dir
    pending = pending_ids(store, "feed")
    # A feed is rewritten when it has something new (or went missing), not at every run:
    # 200 feeds rendered for nothing would cost a crawl seconds.
    due = [w for w in watches if w.id in pending or not feed_path(folder, w.name).is_file()]
    entries = recent_events_of(store, [w.id for w in due], settings.alerts.feed_entries)
    for watch in due:
        waiting = pending.get(watch.id, [])
        try:
            write_feed(folder, watch.name, watch_feed(watch, entries.get(watch.id, []), site))
        except OSError as exc:
            reason = f"cannot write the feed: {exc}"
            _record(report, store, watch, "feed", now, [], dict.fromkeys(waiting, reason))
            continue
        _record(report, store, watch, "feed", now, waiting, {})
    try:
        write_feed(folder, ANSWERS_FEED, answers_feed(
            latest_answers(store, settings.alerts.feed_entries), site))
    except OSError as exc:
        report.problems.append(f"{ANSWERS_FEED} feed: cannot write: {exc}")


def _webhooks(settings: Settings, store: Store, watches: list[WatchRow], report: AlertReport,
              now: dt.datetime) -> None:
    sender = WebhookSender(settings.alerts, settings.politeness.user_agent)
    try:
        for watch in watches:
            assert watch.webhook_url is not None
            outcome = sender.deliver(watch.webhook_url, pending_events(store, watch.id,
                                                                       "webhook"))
            _record(report, store, watch, "webhook", now, outcome.delivered, outcome.failed)
            if outcome.deferred:
                _record(report, store, watch, "webhook", now, [], outcome.deferred,
                        attempted=False)
    finally:
        sender.close()


def _emails(settings: Settings, store: Store, watches: list[WatchRow], report: AlertReport,
            now: dt.datetime) -> None:
    mailer = Mailer(settings.alerts)
    try:
        for watch in watches:
            events = pending_events(store, watch.id, "email")
            if not events:
                continue
            error = mailer.send(digest(watch, events, settings.alerts.email_from))
            ids = [event.id for event in events]
            if error is None:
                _record(report, store, watch, "email", now, ids, {})
            else:
                _record(report, store, watch, "email", now, [], dict.fromkeys(ids, error))
    finally:
        mailer.close()
