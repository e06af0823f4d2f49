"""E-mail notices: queued with the step, delivered over a real SMTP server (aiosmtpd on
127.0.0.1), at most once, retried with backoff, failures recorded in the case's history."""
from __future__ import annotations

import datetime as dt
import email
import socket
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from flask_babel import force_locale, gettext
from sqlalchemy import select, update

from complaints.db import utcnow
from complaints.enums import OutboxStatus
from complaints.lifecycle import State
from complaints.models import CaseHistory, OutboxMessage
from complaints.services import mailer, notices
from complaints.services.cases import resolve_filer_for
from tests.workflow_helpers import case_in_state, demo

FILER = "monitor-filer@example.org"


class Inbox:
    """An aiosmtpd handler that keeps what it receives and refuses addresses containing 'refused'."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's name)
        if "refused" in address:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[email.message.Message]:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture()
def smtp():
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


def settings(port: int, **kw) -> mailer.Settings:
    return mailer.Settings(smtp_url=f"smtp://127.0.0.1:{port}", mail_from="Aryz <notices@cec.example>",
                           timeout=10, **kw)


@pytest.fixture()
def kyrgyz_filer(session):
    """The demo monitor reads Kyrgyz and consented to contact by e-mail; older queued
    messages (from the seeded demo) are put out of the way."""
    monitor = demo(session)["users"]["monitor"]
    monitor.locale = "ky"
    filer = resolve_filer_for(session, monitor)
    filer.email, filer.consent_to_contact = FILER, True
    session.execute(update(OutboxMessage).values(next_attempt_at=utcnow() + dt.timedelta(days=3650)))
    session.commit()
    return monitor


def subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def history_actions(session, case) -> list[str]:
    return list(session.scalars(select(CaseHistory.action).where(CaseHistory.complaint_id == case.id)
                                .order_by(CaseHistory.seq)))


def test_filing_to_publication_delivers_each_notice_once_in_the_filers_language(session, kyrgyz_filer, smtp):
    inbox, port = smtp
    case = case_in_state(session, State.PUBLISHED)
    queued = notices.queued(session, case)
    assert [m.event for m in queued] == ["received", "accepted", "decided", "published"]
    assert {m.language for m in queued} == {"ky"} and {m.recipient for m in queued} == {FILER}

    first = mailer.send_due(session, settings(port))
    assert first["sent"] == 4
    second = mailer.send_due(session, settings(port))
    assert second["sent"] == 0
    got = inbox.to(FILER)
    assert len(got) == 4 and len({m["Message-ID"] for m in got}) == 4
    assert all(m["Content-Language"] == "ky" for m in got)
    assert all(case.registration_number in subject(m) for m in got), [subject(m) for m in got]
    # In Kyrgyz (the catalogue's text), not the English source.
    with force_locale("ky"):
        kyrgyz = gettext("Complaint %(number)s received", number=case.registration_number)
    assert kyrgyz != f"Complaint {case.registration_number} received"
    assert subject(got[0]) == kyrgyz
    assert f"/cases/{case.registration_number}" in got[0].get_payload(decode=True).decode()
    assert f"/public/cases/{case.registration_number}" in got[-1].get_payload(decode=True).decode()
    assert history_actions(session, case).count("notice_sent") == 4
    rows = session.scalars(select(CaseHistory).where(CaseHistory.complaint_id == case.id,
                                                     CaseHistory.action == "notice_sent")).all()
    assert all(r.internal for r in rows)


def test_deficiency_notice_names_the_defects_and_the_cure_deadline(session, kyrgyz_filer):
    case = case_in_state(session, State.DEFICIENT)
    [received, deficient] = notices.queued(session, case)
    assert deficient.event == "deficient" and "Signature missing." in deficient.body
    assert case.cure_due_at is not None
    local = case.cure_due_at.astimezone(dt.timezone(dt.timedelta(hours=6))).strftime("%Y-%m-%d %H:%M")
    assert local in deficient.body


def test_no_consent_no_message(session, kyrgyz_filer):
    filer = resolve_filer_for(session, kyrgyz_filer)
    filer.consent_to_contact = False
    session.commit()
    case = case_in_state(session, State.UNDER_EXAMINATION)
    assert notices.queued(session, case) == []


def test_respondent_served_by_email(session, kyrgyz_filer):
    from complaints.lifecycle import Action
    from complaints.services.cases import apply_action

    case = case_in_state(session, State.UNDER_EXAMINATION)
    respondent = case.respondents[0]
    respondent.email = "hq@candidate.example"
    apply_action(session, case, Action.NOTIFY_RESPONDENT, demo(session)["users"]["clerk"],
                 {"respondent_id": respondent.id})
    session.commit()
    [message] = [m for m in notices.queued(session, case) if m.recipient_role == "respondent"]
    assert message.event == "respondent_notified" and message.recipient == "hq@candidate.example"
    assert case.summary in message.body


def test_a_crash_between_send_and_mark_never_sends_twice(session, kyrgyz_filer, smtp, monkeypatch):
    inbox, port = smtp
    case = case_in_state(session, State.SUBMITTED)
    [row] = notices.queued(session, case)

    def crash(*_args, **_kw):
        raise KeyboardInterrupt("the sender was killed")

    monkeypatch.setattr(mailer, "mark_sent", crash)
    with pytest.raises(KeyboardInterrupt):
        mailer.send_due(session, settings(port))
    monkeypatch.undo()
    session.expire_all()
    assert len(inbox.to(FILER)) == 1 and session.get(OutboxMessage, row.id).status == OutboxStatus.SENDING

    # The next run (within the lease, and after it) does not send it again.
    assert mailer.send_due(session, settings(port))["sent"] == 0
    later = utcnow() + dt.timedelta(hours=1)
    counts = mailer.send_due(session, settings(port), now=later)
    assert counts == {"sent": 0, "retry": 0, "failed": 0, "unknown": 1}
    assert mailer.send_due(session, settings(port), now=later + dt.timedelta(hours=1))["unknown"] == 0
    assert len(inbox.to(FILER)) == 1
    session.expire_all()
    assert session.get(OutboxMessage, row.id).status == OutboxStatus.UNKNOWN
    assert "notice_delivery_unknown" in history_actions(session, case)


def test_two_senders_at_once_send_once(session, kyrgyz_filer, smtp):
    inbox, port = smtp
    case = case_in_state(session, State.SUBMITTED)
    [row] = notices.queued(session, case)
    now = utcnow()
    assert mailer.claim(session, row.id, now) is True
    assert mailer.claim(session, row.id, now) is False  # the second sender loses the claim
    assert mailer.send_due(session, settings(port))["sent"] == 0
    assert inbox.to(FILER) == []


def test_a_refused_recipient_is_retried_with_backoff_then_recorded_as_failed(session, kyrgyz_filer, smtp):
    inbox, port = smtp
    filer = resolve_filer_for(session, kyrgyz_filer)
    filer.email = "refused@example.org"
    session.commit()
    case = case_in_state(session, State.SUBMITTED)
    [row] = notices.queued(session, case)
    config = settings(port, max_attempts=3, retry_after=dt.timedelta(minutes=1))
    now = utcnow()
    assert mailer.send_due(session, config, now=now)["retry"] == 1
    session.refresh(row)
    assert row.status == OutboxStatus.PENDING and row.attempts == 1
    assert row.next_attempt_at - now == dt.timedelta(minutes=1) and "550" in row.last_error
    # Not due yet: nothing is tried.
    assert mailer.send_due(session, config, now=now + dt.timedelta(seconds=30))["retry"] == 0
    second = now + dt.timedelta(minutes=1)
    assert mailer.send_due(session, config, now=second)["retry"] == 1
    session.refresh(row)
    assert row.next_attempt_at - second == dt.timedelta(minutes=2)
    assert mailer.send_due(session, config, now=second + dt.timedelta(minutes=2))["failed"] == 1
    session.refresh(row)
    assert row.status == OutboxStatus.FAILED and row.attempts == 3
    assert history_actions(session, case).count("notice_failed") == 1
    assert inbox.messages == []


def test_the_demo_writes_mail_to_a_file(session, kyrgyz_filer, tmp_path):
    case = case_in_state(session, State.SUBMITTED)
    target = tmp_path / "mail.txt"
    counts = mailer.send_due(session, mailer.Settings(smtp_url=f"file://{target}", mail_from="aryz@localhost"))
    assert counts["sent"] == 1
    assert case.registration_number in target.read_text()


def test_the_command_sends(app, runner, session, kyrgyz_filer, smtp):
    inbox, port = smtp
    case_in_state(session, State.SUBMITTED)
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    result = runner.invoke(args=["notices", "send"])
    assert result.exit_code == 0, result.output
    assert "Sent 1;" in result.output and len(inbox.to(FILER)) == 1
    app.config["SMTP_URL"] = "gopher://nowhere"
    assert runner.invoke(args=["notices", "send"]).exit_code != 0
