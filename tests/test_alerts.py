"""Delivery, on SQLite and PostgreSQL, to real receivers on 127.0.0.1: a webhook receiver
(HTTP), an SMTP server (aiosmtpd), and the Atom feeds read back with feedparser. A failed
delivery is recorded with its reason, never fails the run, and is delivered once by the
next run."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest

from config import Settings, load_settings
from schv.alerts import run_alerts
from schv.alerts.webhooks import SCHEMA, SIGNATURE_HEADER
from storage import Store
from storage.repository import utc_now
from storage.watches import WatchSpec, add_watch, delivery_overview
from tests.alerting import MailServer, Receiver, free_port, parts
from tests.analysis_data import QUESTIONS, fill, record

SECRET = "s3cret-for-tests"


def settings_for(tmp_path: Path, smtp_port: int, **extra: str) -> Settings:
    return load_settings(environ={
        "SCHV_ALERTS_FEED_DIR": str(tmp_path / "feeds"),
        "SCHV_ALERTS_WEBHOOK_SECRET": SECRET,
        "SCHV_ALERTS_RETRIES": "2",
        "SCHV_ALERTS_BACKOFF": "0",
        "SCHV_ALERTS_TIMEOUT": "5",
        "SCHV_ALERTS_SMTP_HOST": "127.0.0.1",
        "SCHV_ALERTS_SMTP_PORT": str(smtp_port),
        "SCHV_ALERTS_SMTP_STARTTLS": "false",
        "SCHV_ALERTS_EMAIL_FROM": "schv@example.org",
        **extra,
    })


@pytest.fixture
def store(database_url: str, tmp_path: Path) -> Iterator[Store]:
    fill(database_url, tmp_path / "raw")
    with Store.open(database_url, tmp_path / "raw") as opened:
        run_id = opened.start_run("manual", {})
        opened.finish_run(run_id, "ok", {}, [])
        yield opened


def new_question(store: Store, qid: int, subject: str) -> None:
    store.upsert_question(dataclasses.replace(
        record(QUESTIONS[0]), id=qid, number=qid, subject=subject, title=f"Vraag {qid}",
        asked_on=utc_now().date(), answered_on=None, status="asked", on_time=None,
        source_hash=f"new{qid}", page_url=f"https://www.vlaamsparlement.be/vraag/{qid}",
    ))


def watch(store: Store, receiver: Receiver, name: str = "innov") -> None:
    add_watch(store, WatchSpec(
        name=name, kind="search", events=("asked", "answered"), search="innovatiesteun",
        webhook_url=receiver.url, email=("journalist@example.org",),
    ), utc_now())


def test_webhook_email_and_feed_deliver_each_event_once(
    store: Store, tmp_path: Path
) -> None:
    with Receiver() as receiver, MailServer() as mail:
        settings = settings_for(tmp_path, mail.port)
        watch(store, receiver)
        new_question(store, 701, "Innovatiesteun voor starters")
        new_question(store, 702, "Innovatiesteun voor scale-ups")
        report = run_alerts(settings, store)
        assert report.new_events == 2
        assert dict(report.delivered) == {"feed": 2, "webhook": 2, "email": 2}
        assert not report.failed

        posts = receiver.accepted()
        assert [p.json["question"]["id"] for p in posts] == [701, 702]
        first = posts[0]
        assert first.json["schema"] == SCHEMA and first.json["kind"] == "asked"
        assert first.json["watch"] == "innov"
        assert first.json["question"]["subject"] == "Innovatiesteun voor starters"
        assert first.json["question"]["minister"] == "Jo Brouns"
        assert first.json["question"]["themes"] == ["Economie"]
        expected = "sha256=" + hmac.new(SECRET.encode(), first.body, hashlib.sha256).hexdigest()
        assert first.headers[SIGNATURE_HEADER] == expected
        assert first.headers["X-Schv-Event"] == "asked"
        assert first.headers["X-Schv-Event-Id"] == first.json["id"]

        messages = mail.received()
        assert len(messages) == 1
        recipients, message = messages[0]
        assert recipients == ["journalist@example.org"]
        assert message["Subject"] == "schv innov: 2 new events"
        bodies = parts(message)
        assert set(bodies) == {"text/plain", "text/html"}
        for qid in (701, 702):
            assert f"https://www.vlaamsparlement.be/vraag/{qid}" in bodies["text/plain"]
            assert f'href="https://www.vlaamsparlement.be/vraag/{qid}"' in bodies["text/html"]

        feed_file = tmp_path / "feeds" / "innov.atom"
        feed = feedparser.parse(feed_file.read_bytes())
        assert not feed.bozo, feed.bozo_exception
        assert feed.version == "atom10"
        assert [e.id for e in feed.entries] == [p.json["id"] for p in reversed(posts)]
        assert feed.entries[0].title == "Asked: 2023-2024 nr. 702: Innovatiesteun voor scale-ups"
        assert feed.entries[0].link == "https://www.vlaamsparlement.be/vraag/702"
        assert "Jo Brouns" in feed.entries[0].content[0].value
        answers = feedparser.parse((tmp_path / "feeds" / "all-answers.atom").read_bytes())
        assert not answers.bozo and len(answers.entries) == 4  # 101, 102, 103, 105

        # Nothing new: nothing sent, the feed not even rewritten.
        written = feed_file.stat().st_mtime_ns
        again = run_alerts(settings, store)
        assert (again.new_events, dict(again.delivered), dict(again.failed)) == (0, {}, {})
        assert len(receiver.posts) == 2 and len(mail.received()) == 1
        assert feed_file.stat().st_mtime_ns == written


def test_failures_are_recorded_and_delivered_once_by_the_next_run(
    store: Store, tmp_path: Path
) -> None:
    port = free_port()
    mail = MailServer(port)  # not started: the SMTP server is down
    with Receiver() as receiver:
        settings = settings_for(tmp_path, port)
        receiver.status = 500
        watch(store, receiver)
        new_question(store, 711, "Innovatiesteun in de haven")
        new_question(store, 712, "Innovatiesteun voor de zorg")
        report = run_alerts(settings, store)
        assert report.new_events == 2
        assert dict(report.delivered) == {"feed": 2}
        assert dict(report.failed) == {"webhook": 2, "email": 2}
        # The first event was tried 1 + retries times; the second waited for next run.
        assert len(receiver.posts) == 3
        assert {p.json["question"]["id"] for p in receiver.posts} == {711}
        counts, failing = delivery_overview(store)
        assert counts["failed"] == 4
        reasons = {(f.channel, f.events): f.last_error or "" for f in failing}
        assert "HTTP 500" in reasons[("webhook", 2)]
        assert "Connection" in reasons[("email", 2)] or "refused" in reasons[("email", 2)]

        receiver.status = 200
        with mail:
            retry = run_alerts(settings, store)
            assert retry.new_events == 0
            assert dict(retry.delivered) == {"webhook": 2, "email": 2}
            assert not retry.failed
            assert [p.json["question"]["id"] for p in receiver.accepted()] == [711, 712]
            assert len(mail.received()) == 1
            assert mail.received()[0][1]["Subject"] == "schv innov: 2 new events"
            # And only once.
            run_alerts(settings, store)
            assert len(receiver.accepted()) == 2 and len(mail.received()) == 1
        counts, failing = delivery_overview(store)
        assert counts["failed"] == 0 and failing == []


def test_an_unwritable_feed_folder_is_a_recorded_failure(store: Store, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the feed folder should be")
    settings = settings_for(tmp_path, free_port(), SCHV_ALERTS_FEED_DIR=str(blocker))
    add_watch(store, WatchSpec(name="w", kind="search", events=("asked",),
                               theme="Welzijn", backfill=True), utc_now())
    report = run_alerts(settings, store)
    assert dict(report.failed) == {"feed": 3}
    assert any("cannot write the feed" in problem for problem in report.problems)
    blocker.unlink()
    settings = settings_for(tmp_path, free_port(), SCHV_ALERTS_FEED_DIR=str(blocker))
    assert dict(run_alerts(settings, store).delivered) == {"feed": 3}


def test_feeds_are_stable_and_valid(store: Store, tmp_path: Path) -> None:
    settings = settings_for(tmp_path, free_port())
    add_watch(store, WatchSpec(name="welzijn", kind="search", events=("asked", "answered"),
                               theme="Welzijn", backfill=True), utc_now())
    run_alerts(settings, store)
    path = tmp_path / "feeds" / "welzijn.atom"
    first = path.read_bytes()
    os.remove(path)
    run_alerts(settings, store)
    # Rendered again from the database alone: the same bytes.
    assert path.read_bytes() == first
    feed = feedparser.parse(first)
    assert not feed.bozo
    ids = [entry.id for entry in feed.entries]
    assert len(ids) == len(set(ids)) == 4
    assert all(entry.id.startswith("urn:schv:event:watch:") for entry in feed.entries)
    assert {entry.tags[0].term for entry in feed.entries} == {"asked", "answered"}


def test_the_payload_has_the_documented_shape(store: Store, tmp_path: Path) -> None:
    """The README's schema block lists exactly these keys."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- webhook-payload -->")[1].split("```json")[1].split("```")[0]
    documented = json.loads(block)
    with Receiver() as receiver:
        watch(store, receiver)
        new_question(store, 721, "Innovatiesteun")
        run_alerts(settings_for(tmp_path, free_port()), store)
        sent = receiver.posts[0].json
    assert set(sent) == set(documented)
    assert set(sent["question"]) == set(documented["question"])
    assert dt.datetime.fromisoformat(sent["detected_at"]).tzinfo is not None
