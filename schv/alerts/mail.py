"""E-mail: one digest per watch per run, plain text with an HTML alternative, sent with
the standard library's smtplib (STARTTLS and login as configured)."""

from __future__ import annotations

import html
import logging
import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from config.settings import AlertSettings
from schv.alerts.feeds import KIND_LABELS, facts, facts_html, heading
from storage.watches import EventRow, WatchRow

log = logging.getLogger("schv.alerts")


def digest(watch: WatchRow, events: Sequence[EventRow], sender: str) -> EmailMessage:
    """The message for one watch's events, oldest first."""
    count = len(events)
    message = EmailMessage()
    message["Subject"] = (
        f"schv {watch.name}: {count} new event{'s' if count != 1 else ''}"
    )
    message["From"] = sender
    message["To"] = ", ".join(watch.email)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="schv.invalid")
    intro = f"Watch {watch.name} ({watch.describe()}):"
    lines = [intro, ""]
    blocks = [f"<p>{html.escape(intro)}</p>"]
    for event in events:
        title = f"{KIND_LABELS[event.kind]}: {heading(event)}"
        pairs = facts(event)
        lines.append(f"* {title}")
        lines += [f"  {label}: {value}" for label, value in pairs]
        if event.page_url:
            lines.append(f"  {event.page_url}")
        lines.append("")
        blocks.append(f"<h3>{html.escape(title)}</h3>{facts_html(pairs, event.page_url)}")
    lines.append("-- schv (schv watch remove " + watch.name + " stops these)")
    message.set_content("\n".join(lines))
    message.add_alternative(
        "<html><body>" + "".join(blocks) + "</body></html>", subtype="html"
    )
    return message


class Mailer:
    """One SMTP session for the run's digests, opened on first use."""

    def __init__(self, settings: AlertSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if not s.smtp_host:
            raise smtplib.SMTPException("alerts.smtp_host is not set")
        smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.timeout)
        try:
            smtp.ehlo()
            if s.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if s.smtp_user:
                smtp.login(s.smtp_user, s.smtp_password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, message: EmailMessage) -> str | None:
        """None when the server accepted the message for every recipient, else why not."""
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            refused = self._smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            return f"{type(exc).__name__}: {exc}"[:500]
        if refused:
            # The others have it: sending again would repeat it to them.
            log.warning("alerts: e-mail refused for %s", ", ".join(sorted(refused)))
        return None

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None
