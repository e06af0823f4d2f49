"""Delivering the e-mail outbox over SMTP (or, in the demo, to a local file), at most once.

Each message goes through three short transactions:

1. claim: `UPDATE ... SET status='sending', claimed_at=now, attempts=attempts+1 WHERE
   id=? AND status='pending'`, committed. Only one sender wins a message, however many
   run at once (cron overlapping a `--loop`).
2. send, outside any transaction, with the Message-ID fixed when the message was queued.
3. mark: 'sent' (and a `notice_sent` history row on the case), or back to 'pending' with
   the next attempt after an exponential backoff, or 'failed' after the last attempt
   (and a `notice_failed` history row), committed.

A sender that dies between 2 and 3 leaves the message 'sending'. The server may or may not
have it; we cannot know, so it is never sent again: once its lease has run out, the next
run marks it 'unknown' and records `notice_delivery_unknown` in the case's history for a
person to check (the Message-ID lets the mail server's log answer). At most once, never
twice: a duplicate legal notice is worse than a missing one that the history flags."""
from __future__ import annotations

import datetime as dt
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from complaints.db import utcnow
from complaints.enums import OutboxChannel, OutboxStatus
from complaints.models import Complaint, OutboxMessage
from complaints.services import history


@dataclass
class Settings:
    smtp_url: str
    mail_from: str
    max_attempts: int = 5
    retry_after: dt.timedelta = dt.timedelta(minutes=1)
    lease: dt.timedelta = dt.timedelta(minutes=10)
    timeout: float = 30.0

    def backoff(self, attempts: int) -> dt.timedelta:
        """1, 2, 4, 8... times `retry_after`, at most six hours."""
        return min(self.retry_after * (2 ** max(attempts - 1, 0)), dt.timedelta(hours=6))


def settings_from(config: Any, root: Path) -> Settings:
    url = str(config.get("SMTP_URL") or "")
    if url.startswith("file://") and not url.startswith("file:///"):
        url = "file://" + str(root / url[len("file://"):])
    return Settings(smtp_url=url, mail_from=str(config.get("MAIL_FROM") or "aryz@localhost"),
                    max_attempts=int(config.get("NOTICE_MAX_ATTEMPTS", 5)),
                    retry_after=dt.timedelta(seconds=int(config.get("NOTICE_RETRY_SECONDS", 60))),
                    lease=dt.timedelta(seconds=int(config.get("NOTICE_LEASE_SECONDS", 600))))


class Transport:
    """Sends one EmailMessage; raises on failure (smtplib's exceptions, OSError)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.url = urlsplit(settings.smtp_url)
        if self.url.scheme not in {"smtp", "smtps", "file"}:
            raise ValueError(f"SMTP_URL must be smtp://host:port, smtps://host:port or file:///path, "
                             f"not {settings.smtp_url!r}")
        self._smtp: smtplib.SMTP | None = None

    def send(self, message: EmailMessage) -> None:
        if self.url.scheme == "file":
            path = Path(unquote(self.url.path))
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as out:
                out.write(message.as_string() + "\n\n")
            return
        if self._smtp is None:
            self._smtp = self._connect()
        self._smtp.send_message(message)

    def _connect(self) -> smtplib.SMTP:
        host, port = self.url.hostname or "127.0.0.1", self.url.port
        if self.url.scheme == "smtps":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port or 465, timeout=self.settings.timeout,
                                                  context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(host, port or 25, timeout=self.settings.timeout)
            smtp.ehlo()
            if smtp.has_extn("starttls"):
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
        if self.url.username:
            smtp.login(unquote(self.url.username), unquote(self.url.password or ""))
        return smtp

    def reset(self) -> None:
        """Drop the connection after an error (the next message opens a new one)."""
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self._smtp = None

    close = reset


def build_email(row: OutboxMessage, mail_from: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = mail_from
    message["To"] = row.recipient
    message["Subject"] = row.subject
    message["Message-ID"] = row.message_id
    message["Date"] = format_datetime(row.created_at)
    message.set_content(row.body)
    message["Content-Language"] = row.language  # after set_content, which resets Content-* headers
    return message


def _record(session: Session, row: OutboxMessage, action: str, **extra: Any) -> None:
    if row.complaint_id is None:
        return
    case = session.get(Complaint, row.complaint_id)
    if case is None:
        return
    payload = {"outbox_id": row.id, "event": row.event, "recipient_role": row.recipient_role,
               "message_id": row.message_id, "attempts": row.attempts, **extra}
    history.append(session, case, actor=None, action=action, from_state=case.status.value,
                   to_state=case.status.value, payload=payload, internal=True)


def expire_stale(session: Session, settings: Settings, now: dt.datetime) -> int:
    """Messages left 'sending' past their lease: delivery unknown, never retried."""
    stale = session.scalars(select(OutboxMessage).where(
        OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_at < now - settings.lease)).all()
    for row in stale:
        row.status = OutboxStatus.UNKNOWN
        row.last_error = "the sender stopped between sending and recording; delivery unknown, not resent"
        _record(session, row, "notice_delivery_unknown")
    session.commit()
    return len(stale)


def claim(session: Session, message_id: int, now: dt.datetime) -> bool:
    claimed: Any = session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.SENDING, claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False))
    session.commit()
    return bool(claimed.rowcount)


def mark_sent(session: Session, row: OutboxMessage, now: dt.datetime) -> None:
    row.status = OutboxStatus.SENT
    row.sent_at = now
    row.last_error = None
    _record(session, row, "notice_sent")
    session.commit()


def mark_failed_attempt(session: Session, row: OutboxMessage, settings: Settings, now: dt.datetime,
                        error: str) -> None:
    row.last_error = error[:2000]
    if row.attempts >= settings.max_attempts:
        row.status = OutboxStatus.FAILED
        _record(session, row, "notice_failed", error=error[:500])
    else:
        row.status = OutboxStatus.PENDING
        row.next_attempt_at = now + settings.backoff(row.attempts)
    session.commit()


def send_due(session: Session, settings: Settings, *, now: dt.datetime | None = None, batch: int = 100,
             transport: Transport | None = None) -> dict[str, int]:
    """Deliver the e-mail messages that are due. Commits as it goes (claim, then mark)."""
    now = now or utcnow()
    counts = {"sent": 0, "retry": 0, "failed": 0, "unknown": expire_stale(session, settings, now)}
    transport = transport or Transport(settings)
    seen: set[int] = set()
    try:
        while True:
            ids = [i for i in session.scalars(select(OutboxMessage.id).where(
                OutboxMessage.channel == OutboxChannel.EMAIL, OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.next_attempt_at <= now).order_by(OutboxMessage.id).limit(batch)).all()
                if i not in seen]
            session.commit()
            if not ids:
                break
            seen.update(ids)
            for message_id in ids:
                _deliver(session, settings, transport, message_id, now, counts)
    finally:
        transport.close()
    return counts


def _deliver(session: Session, settings: Settings, transport: Transport, message_id: int, now: dt.datetime,
             counts: dict[str, int]) -> None:
    if not claim(session, message_id, now):
        return  # another sender has it
    row = session.get(OutboxMessage, message_id, populate_existing=True)
    assert row is not None
    try:
        transport.send(build_email(row, settings.mail_from))
    except (smtplib.SMTPException, OSError) as exc:
        transport.reset()
        mark_failed_attempt(session, row, settings, now, f"{type(exc).__name__}: {exc}")
        counts["failed" if row.status == OutboxStatus.FAILED else "retry"] += 1
        return
    mark_sent(session, row, now)
    counts["sent"] += 1
