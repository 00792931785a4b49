"""`schv feed NAME`: print a watch's Atom feed (or all-answers), as the crawl writes it."""

from __future__ import annotations

import argparse
import sys

from config import Settings
from schv.output import EXIT_OK, CommandError

ORDER = 28


def run(args: argparse.Namespace, settings: Settings) -> int:
    from schv.alerts.feeds import ANSWERS_FEED, answers_feed, watch_feed
    from storage import Store
    from storage.watches import WatchError, get_watch, latest_answers, recent_events

    site = settings.sources.page_base_url
    entries = settings.alerts.feed_entries
    with Store.open(settings.database.url, settings.database.raw_dir) as store:
        if args.name == ANSWERS_FEED:
            body = answers_feed(latest_answers(store, entries), site)
        else:
            try:
                watch = get_watch(store, args.name)
            except WatchError as exc:
                raise CommandError(str(exc)) from None
            body = watch_feed(watch, recent_events(store, watch.id, entries), site)
    sys.stdout.buffer.write(body)
    sys.stdout.flush()
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    feed = sub.add_parser(
        "feed", help="print a watch's Atom feed (all-answers: the newest answers)",
        description="Print the Atom feed of the watch NAME, or all-answers for the newest "
        "answers of any question: the same feed every crawl writes to alerts.feed_dir.",
    )
    feed.add_argument("name", help="a watch's name, or all-answers")
    feed.set_defaults(func=run)
