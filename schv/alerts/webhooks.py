"""Webhooks: one signed JSON POST per event, with urllib3's retries and back-off.

The body's schema is `schv.event/1` (documented in the README, "Follow a topic"). With a
secret set, `X-Schv-Signature-256: sha256=<hex>` is the HMAC-SHA256 of the exact body,
the same scheme as GitHub's webhooks, so receivers can reuse their verification code.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Any

import urllib3
from urllib3.util.retry import Retry

from config.settings import AlertSettings
from storage.watches import EventRow

SCHEMA = "schv.event/1"
SIGNATURE_HEADER = "X-Schv-Signature-256"
# Statuses worth another try within the run; others (400, 404, ...) wait for the next run.
_RETRY_STATUSES = (408, 425, 429, 500, 502, 503, 504)
# No receiver holds a crawl up longer than this per retry, whatever its Retry-After says.
_LONGEST_WAIT = 60


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def payload(event: EventRow) -> dict[str, Any]:
    """The JSON body of one event."""
    return {
        "schema": SCHEMA,
        "id": f"urn:schv:event:{event.key}",
        "kind": event.kind,
        "watch": event.watch,
        "detected_at": _iso(event.detected_at),
        "question": {
            "id": event.question_id,
            "session_year": event.session_year,
            "number": event.number,
            "title": event.title,
            "subject": event.subject,
            "status": event.status,
            "asked_on": _iso(event.asked_on),
            "due_on": _iso(event.due_on),
            "answered_on": _iso(event.answered_on),
            "minister": event.minister,
            "asker": event.asker,
            "themes": [t for t in (event.themes or "").split("; ") if t],
            "page_url": event.page_url,
            "document_url": event.document_url,
        },
        # The answer document's sha256 for `changed`, else null.
        "document_sha256": event.version or None,
    }


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


@dataclass
class Outcome:
    delivered: list[int] = field(default_factory=list)
    # event id -> reason
    failed: dict[int, str] = field(default_factory=dict)
    # Not tried: the same receiver failed earlier in this run (event id -> reason).
    deferred: dict[int, str] = field(default_factory=dict)


class WebhookSender:
    """Posts events; one connection pool for the whole run."""

    def __init__(self, settings: AlertSettings, user_agent: str) -> None:
        self.secret = settings.webhook_secret
        self.user_agent = user_agent
        retry = Retry(
            total=settings.retries,
            backoff_factor=settings.backoff,
            backoff_max=_LONGEST_WAIT,
            retry_after_max=_LONGEST_WAIT,
            status_forcelist=_RETRY_STATUSES,
            allowed_methods=None,  # POST too: receivers dedupe on X-Schv-Event-Id
            raise_on_status=False,
            respect_retry_after_header=True,
        )
        self.pool = urllib3.PoolManager(
            retries=retry, timeout=urllib3.Timeout(total=settings.timeout)
        )

    def post(self, url: str, event: EventRow) -> str | None:
        """Deliver one event; None when the receiver took it (2xx), else the reason."""
        body = json.dumps(payload(event), ensure_ascii=False, sort_keys=True).encode("utf-8")
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": self.user_agent,
            "X-Schv-Event": event.kind,
            "X-Schv-Event-Id": f"urn:schv:event:{event.key}",
        }
        if self.secret:
            headers[SIGNATURE_HEADER] = signature(self.secret, body)
        try:
            response = self.pool.request("POST", url, body=body, headers=headers,
                                         redirect=False)
        except urllib3.exceptions.HTTPError as exc:
            reason = getattr(exc, "reason", None) or exc
            return f"{type(reason).__name__}: {reason}"[:500]
        if 200 <= response.status < 300:
            return None
        return f"HTTP {response.status} from {url}"

    def deliver(self, url: str, events: list[EventRow]) -> Outcome:
        """Events in order; after a failure the rest wait for the next run, so one dead
        receiver costs one round of retries, not one per event."""
        outcome = Outcome()
        for event in events:
            if outcome.failed:
                outcome.deferred[event.id] = (
                    "not sent: the receiver failed earlier in this run "
                    f"({next(iter(outcome.failed.values()))})"
                )
                continue
            error = self.post(url, event)
            if error is None:
                outcome.delivered.append(event.id)
            else:
                outcome.failed[event.id] = error
        return outcome

    def close(self) -> None:
        self.pool.clear()
