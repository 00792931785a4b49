"""`schv watch`: follow a search, one question, or overdue questions (see "Follow a topic"
in the README). Events are found and delivered at the end of every crawl."""

from __future__ import annotations

import argparse
import sys
from email.utils import parseaddr
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from config import Settings
from schv.output import EXIT_OK, EXIT_USAGE, CommandError, print_table

if TYPE_CHECKING:
    from storage import Store
    from storage.watches import WatchSpec

ORDER = 27


def _events(text: str) -> tuple[str, ...]:
    from storage.watches import EVENT_KINDS

    kinds = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = [kind for kind in kinds if kind not in EVENT_KINDS]
    if unknown or not kinds:
        raise argparse.ArgumentTypeError(
            f"expected some of {','.join(EVENT_KINDS)} separated by commas, got {text!r}"
        )
    return kinds


def _webhook(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise argparse.ArgumentTypeError(f"expected an http(s) URL, got {text!r}")
    return text


def _address(text: str) -> str:
    _name, address = parseaddr(text)
    if "@" not in address or address != text.strip():
        raise argparse.ArgumentTypeError(f"expected an e-mail address, got {text!r}")
    return address


def _spec(args: argparse.Namespace, store: Store) -> WatchSpec:
    from storage.watches import DEFAULT_EVENTS, WatchSpec, resolve_question

    question_id = None
    if args.question is not None:
        if args.overdue or args.search or args.theme or args.minister or args.asker:
            raise CommandError("--question follows one question: no --search, --overdue or "
                               "filters with it", EXIT_USAGE)
        kind = "question"
        question_id = resolve_question(store, args.question)
    elif args.overdue:
        if args.search:
            raise CommandError("--overdue takes --minister or --theme, not --search",
                               EXIT_USAGE)
        kind = "overdue"
    else:
        kind = "search"
    return WatchSpec(
        name=args.name, kind=kind, events=args.events or DEFAULT_EVENTS[kind],
        search=args.search, theme=args.theme, minister=args.minister, asker=args.asker,
        question_id=question_id, webhook_url=args.webhook, email=tuple(args.email or ()),
        backfill=args.backfill,
    )


def add(args: argparse.Namespace, settings: Settings) -> int:
    from storage import Store
    from storage.repository import utc_now
    from storage.watches import WatchError, add_watch

    with Store.open(settings.database.url, settings.database.raw_dir) as store:
        try:
            watch, found = add_watch(store, _spec(args, store), utc_now())
        except WatchError as exc:
            raise CommandError(str(exc), EXIT_USAGE) from None
    print(f"watch {watch.name}: {watch.describe()}; events {', '.join(watch.events)}; "
          f"delivered to {', '.join(watch.channels())}")
    if watch.backfill:
        print(f"{found} past event{'s' if found != 1 else ''} will be delivered by the next "
              "crawl")
    else:
        print(f"starts now: {found} event{'s' if found != 1 else ''} already true kept as "
              "baseline (--backfill delivers the past)")
    return EXIT_OK


def list_(args: argparse.Namespace, settings: Settings) -> int:
    from storage import Store
    from storage.watches import list_watches, watch_counts

    with Store.open(settings.database.url, settings.database.raw_dir) as store:
        watches = list_watches(store)
        counts = watch_counts(store)
    rows = [
        [w.name, w.describe(), ",".join(w.events), ",".join(w.channels()),
         counts.get(w.id, {}).get("events", 0), counts.get(w.id, {}).get("delivered", 0),
         counts.get(w.id, {}).get("failed", 0), w.checked_at]
        for w in watches
    ]
    print_table(["name", "follows", "events", "channels", "found", "delivered", "failing",
                 "checked_at"], rows, sys.stdout)
    return EXIT_OK


def show(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import text

    from schv.alerts.feeds import feed_path
    from storage import Store
    from storage.watches import WatchError, get_watch

    with Store.open(settings.database.url, settings.database.raw_dir) as store:
        try:
            watch = get_watch(store, args.name)
        except WatchError as exc:
            raise CommandError(str(exc)) from None
        with store.engine.connect() as connection:
            events = connection.execute(text(
                "SELECT detected_at, kind, question_id, number, title, feed, webhook, email, "
                "error FROM watch_events WHERE watch = :name AND NOT baseline "
                "ORDER BY detected_at DESC, id DESC LIMIT :limit"),
                {"name": watch.name, "limit": args.limit}).all()
    print(f"watch {watch.name}: {watch.describe()}")
    print(f"events: {', '.join(watch.events)}")
    print(f"feed: {feed_path(settings.alerts.feed_dir, watch.name)}")
    if watch.webhook_url:
        print(f"webhook: {watch.webhook_url}")
    if watch.email:
        print(f"e-mail: {', '.join(watch.email)}")
    print(f"created {watch.created_at}{' with backfill' if watch.backfill else ''}; "
          f"last checked {watch.checked_at or 'never'}")
    print_table(["detected_at", "kind", "question_id", "number", "title", "feed", "webhook",
                 "email", "error"], [list(row) for row in events], sys.stdout, width=50)
    return EXIT_OK


def remove(args: argparse.Namespace, settings: Settings) -> int:
    from schv.alerts.feeds import feed_path
    from storage import Store
    from storage.watches import WatchError, remove_watch

    with Store.open(settings.database.url, settings.database.raw_dir) as store:
        try:
            remove_watch(store, args.name)
        except WatchError as exc:
            raise CommandError(str(exc)) from None
    Path(feed_path(settings.alerts.feed_dir, args.name)).unlink(missing_ok=True)
    print(f"watch {args.name} removed, with its events and feed")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    watch = sub.add_parser(
        "watch", help="follow a search, a question or overdue questions: feeds, webhooks, "
        "e-mail after every crawl",
    )
    actions = watch.add_subparsers(dest="watch_command", metavar="ACTION", required=True)
    new = actions.add_parser(
        "add", help="start following something",
        description="A watch follows a search (--search and/or filters), one question "
        "(--question), or overdue questions (--overdue with --minister or --theme). After "
        "every crawl its new events go to its Atom feed (alerts.feed_dir/NAME.atom) and to "
        "its webhook and e-mail addresses. It starts from now: what is already true is not "
        "delivered unless --backfill.",
    )
    new.add_argument("name", help="the watch's name (letters, digits, . _ -)")
    what = new.add_mutually_exclusive_group()
    what.add_argument("--question", metavar="ID",
                      help="one question: its schv id, or SESSION/NUMBER like 2023-2024/407")
    what.add_argument("--overdue", action="store_true",
                      help="questions left unanswered past their deadline")
    new.add_argument("--search", metavar="WORDS",
                     help='words as for schv search (one argument: quote it): words, '
                     '"a phrase", OR, -word')
    new.add_argument("--theme", help="only questions with this theme")
    new.add_argument("--minister", help="only questions to a minister whose name has this")
    new.add_argument("--asker", help="only questions by a member whose name has this")
    new.add_argument("--events", type=_events, metavar="KINDS",
                     help="asked,answered,overdue,changed (default: search asked,answered; "
                     "question answered,changed; overdue overdue)")
    new.add_argument("--webhook", type=_webhook, metavar="URL",
                     help="POST each event as JSON to this URL")
    new.add_argument("--email", type=_address, action="append", metavar="ADDRESS",
                     help="send a digest per crawl to this address (repeatable)")
    new.add_argument("--backfill", action="store_true",
                     help="deliver what is already true too, at the next crawl")
    new.set_defaults(func=add)
    actions.add_parser("list", help="every watch, what it found and delivered").set_defaults(
        func=list_)
    one = actions.add_parser("show", help="a watch and its latest events with their delivery")
    one.add_argument("name")
    one.add_argument("--limit", type=int, default=20, help="events shown (default 20)")
    one.set_defaults(func=show)
    gone = actions.add_parser("remove", help="stop following: the watch, its events, its feed")
    gone.add_argument("name")
    gone.set_defaults(func=remove)
