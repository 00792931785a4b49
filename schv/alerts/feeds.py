"""Atom feeds with feedgen: one per watch and one of all new answers.

A feed is rendered from the database alone (entries, their ids and dates all come from
stored rows), so rendering it twice with nothing new gives the same bytes, and a reader
that polls it sees each event once under its stable id.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from feedgen.feed import FeedGenerator

from storage.watches import EventRow, QuestionFacts, WatchRow

ANSWERS_FEED = "all-answers"
KIND_LABELS = {
    "asked": "Asked",
    "answered": "Answered",
    "overdue": "Overdue",
    "changed": "Answer changed",
}


def _at(day: dt.date | None) -> dt.datetime:
    day = day or dt.date(1970, 1, 1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def heading(row: QuestionFacts) -> str:
    """`2023-2024 nr. 407: subject`, for titles of entries and e-mails."""
    number = (f"{row.session_year or '?'} nr. {row.number}" if row.number is not None
              else f"id {row.question_id}")
    return f"{number}: {row.subject or row.title or '(no title)'}"


def facts(row: QuestionFacts) -> list[tuple[str, str]]:
    """The question's facts as (label, value) pairs, for feeds and e-mails alike."""
    pairs = [
        ("minister", row.minister or "unknown"),
        ("asked by", row.asker or "unknown"),
        ("status", row.status),
        ("asked on", row.asked_on.isoformat() if row.asked_on else "unknown"),
    ]
    if row.due_on is not None:
        pairs.append(("due on", row.due_on.isoformat()))
    if row.answered_on is not None:
        pairs.append(("answered on", row.answered_on.isoformat()))
    if row.themes:
        pairs.append(("themes", row.themes))
    return pairs


def facts_html(pairs: Sequence[tuple[str, str]], link: str | None) -> str:
    items = "".join(
        f"<li>{html.escape(label)}: {html.escape(value)}</li>" for label, value in pairs
    )
    more = f'<p><a href="{html.escape(link)}">{html.escape(link)}</a></p>' if link else ""
    return f"<ul>{items}</ul>{more}"


def _new_feed(feed_id: str, title: str, subtitle: str, site: str, updated: dt.datetime
              ) -> FeedGenerator:
    feed = FeedGenerator()
    feed.id(feed_id)
    feed.title(title)
    feed.subtitle(subtitle)
    feed.link(href=site, rel="alternate")
    feed.language("nl")
    feed.updated(updated)
    return feed


def watch_feed(watch: WatchRow, events: Sequence[EventRow], site: str) -> bytes:
    """The watch's feed: its newest events (newest first), one entry each."""
    updated = events[0].detected_at if events else watch.created_at or _at(None)
    feed = _new_feed(
        f"urn:schv:feed:watch:{watch.id}", f"schv watch {watch.name}",
        f"{watch.describe()}; events: {', '.join(watch.events)}", site, updated,
    )
    for event in events:
        entry = feed.add_entry(order="append")
        entry.id(f"urn:schv:event:{event.key}")
        entry.title(f"{KIND_LABELS[event.kind]}: {heading(event)}")
        entry.updated(event.detected_at)
        entry.published(event.detected_at)
        if event.page_url:
            entry.link(href=event.page_url, rel="alternate")
        if event.asker:
            entry.author(name=event.asker)
        entry.category(term=event.kind, label=KIND_LABELS[event.kind])
        # Content, not a summary: Atom wants one of content or a link, and a question
        # may have no page yet.
        entry.content(facts_html(facts(event), event.page_url), type="html")
    return bytes(feed.atom_str(pretty=True))


def answers_feed(rows: Sequence[QuestionFacts], site: str) -> bytes:
    """The newest answers of any question, newest first (`rows` from latest_answers)."""
    updated = _at(rows[0].answered_on) if rows else _at(None)
    feed = _new_feed("urn:schv:feed:all-answers", "schv: all new answers",
                     "The newest answers to written questions of the Flemish Parliament",
                     site, updated)
    for row in rows:
        answered = _at(row.answered_on)
        entry = feed.add_entry(order="append")
        entry.id(f"urn:schv:answer:{row.question_id}")
        entry.title(f"Answered: {heading(row)}")
        entry.updated(answered)
        entry.published(answered)
        if row.page_url:
            entry.link(href=row.page_url, rel="alternate")
        if row.asker:
            entry.author(name=row.asker)
        entry.category(term="answered", label="Answered")
        entry.content(facts_html(facts(row), row.page_url), type="html")
    return bytes(feed.atom_str(pretty=True))


def feed_path(folder: str | os.PathLike[str], name: str) -> Path:
    return Path(folder) / f"{name}.atom"


def write_feed(folder: str | os.PathLike[str], name: str, body: bytes) -> Path:
    """Write atomically (a reader or `schv browse` never sees half a file); an unchanged
    feed is not rewritten, so its modification time says when it last changed."""
    path = feed_path(folder, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_file() and path.read_bytes() == body:
        return path
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(body)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
