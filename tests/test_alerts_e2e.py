"""End to end, against the replica, on SQLite and PostgreSQL, with the real `schv` in
subprocesses: a watch on a subject and a watch on one unanswered question; the replica
publishes new questions and that answer; the next crawl delivers exactly the expected
events to a real SMTP server, a real HTTP receiver and the feeds; a repeated crawl
delivers nothing new; a receiver answering 500 and an SMTP server that is down do not
fail the crawl, are recorded, and the next run delivers their events once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import feedparser

from tests.alerting import MailServer, Receiver, free_port
from tests.crawling import replica_env, run_schv
from tests.replica import Replica
from tests.test_incremental import new_question

# Unanswered in the replica's data set: 2024-2025 nr. 77 to Diependaele.
WATCHED = 1864402
# The subject of the template question that new_question copies (1868031).
SUBJECT = "relanceplan"


def delivered(receiver: Receiver) -> list[tuple[str, str, int]]:
    return [(p.json["watch"], p.json["kind"], p.json["question"]["id"])
            for p in receiver.accepted()]


def entries(path: Path) -> list[str]:
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, feed.bozo_exception
    return [entry.id for entry in feed.entries]


def crawl(env: dict[str, str]) -> str:
    result = run_schv(["crawl", "-q"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_watches_get_exactly_their_events_from_every_crawl(
    replica: Replica, database_url: str, tmp_path: Path
) -> None:
    port = free_port()
    mail = MailServer(port)
    feeds = tmp_path / "feeds"
    with Receiver() as receiver:
        env = replica_env(
            replica.base_url, database_url, tmp_path / "raw",
            SCHV_ALERTS_FEED_DIR=str(feeds), SCHV_ALERTS_SMTP_HOST="127.0.0.1",
            SCHV_ALERTS_SMTP_PORT=str(port), SCHV_ALERTS_SMTP_STARTTLS="false",
            SCHV_ALERTS_RETRIES="1", SCHV_ALERTS_BACKOFF="0", SCHV_ALERTS_TIMEOUT="5",
            SCHV_ALERTS_WEBHOOK_SECRET="e2e",
        )
        mail.start()
        first = crawl(env)
        assert "alerts:" not in first  # nobody watches anything yet

        added = run_schv(["watch", "add", "relance", "--search", SUBJECT,
                          "--webhook", receiver.url, "--email", "desk@example.org"], env)
        assert added.returncode == 0, added.stderr
        # 1868031 is stored already and matches: the watch starts after it.
        assert "starts now: 1 event already true kept as baseline" in added.stdout
        added = run_schv(["watch", "add", "speer", "--question", "2024-2025/77",
                          "--webhook", receiver.url, "--email", "analyst@example.org"], env)
        assert added.returncode == 0, added.stderr
        assert f"question {WATCHED}; events answered, changed" in added.stdout

        for n in (1, 2):
            replica.add_question(new_question(replica, n))
        replica.publish_answer(WATCHED, dt.date.today() - dt.timedelta(days=1))
        second = crawl(env)
        assert "alerts: 3 new events" in second, second
        assert sorted(delivered(receiver)) == [
            ("relance", "asked", 1_900_001), ("relance", "asked", 1_900_002),
            ("speer", "answered", WATCHED),
        ]
        messages = {rcpt[0]: msg for rcpt, msg in mail.received()}
        assert set(messages) == {"desk@example.org", "analyst@example.org"}
        assert messages["desk@example.org"]["Subject"] == "schv relance: 2 new events"
        assert messages["analyst@example.org"]["Subject"] == "schv speer: 1 new event"
        assert len(entries(feeds / "relance.atom")) == 2
        speer = feedparser.parse((feeds / "speer.atom").read_bytes())
        assert [e.title for e in speer.entries] == [
            "Answered: 2024-2025 nr. 77: Speerpuntclusters - Werkingsmiddelen 2025"]
        link = speer.entries[0].link
        assert link.startswith(replica.base_url) and link.endswith(str(WATCHED))
        assert f"urn:schv:answer:{WATCHED}" in entries(feeds / "all-answers.atom")
        printed = run_schv(["feed", "speer"], env)
        assert printed.returncode == 0
        assert printed.stdout.encode() == (feeds / "speer.atom").read_bytes()

        # The same crawl again: nothing new anywhere.
        before = {path.name: path.read_bytes() for path in feeds.iterdir()}
        third = crawl(env)
        assert "alerts: 0 new events" in third
        assert len(receiver.posts) == 3 and len(mail.received()) == 2
        assert {path.name: path.read_bytes() for path in feeds.iterdir()} == before

        # A receiver that fails, an SMTP server that is down.
        receiver.status = 500
        mail.stop()
        replica.add_question(new_question(replica, 3))
        replica.publish_answer(1_900_001, dt.date.today())
        fourth = crawl(env)
        assert "alerts: 2 new events" in fourth and "FAILED" in fourth, fourth
        assert len(receiver.accepted()) == 3 and len(mail.received()) == 2
        assert len(entries(feeds / "relance.atom")) == 4
        status = run_schv(["status"], env)
        assert status.returncode == 0
        assert "DELIVERY FAILING: watch relance webhook: 2 events" in status.stdout
        assert "HTTP 500" in status.stdout
        assert "DELIVERY FAILING: watch relance email: 2 events" in status.stdout

        # Both back: the next run delivers them, once.
        receiver.status = 200
        mail.start()
        fifth = crawl(env)
        assert "alerts: 0 new events" in fifth
        assert sorted(delivered(receiver)[3:]) == [
            ("relance", "answered", 1_900_001), ("relance", "asked", 1_900_003)]
        assert len(mail.received()) == 3
        rcpt, message = mail.received()[-1]
        assert rcpt == ["desk@example.org"]
        assert message["Subject"] == "schv relance: 2 new events"
        crawl(env)
        assert len(receiver.accepted()) == 5 and len(mail.received()) == 3
        status = run_schv(["status"], env)
        assert "DELIVERY FAILING" not in status.stdout
        assert "alerts: 2 watches, 5 events, 15 deliveries done, 0 waiting" in status.stdout
        mail.stop()
