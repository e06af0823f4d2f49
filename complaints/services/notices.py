"""Telling the parties: an e-mail notice for each step that concerns them, queued in the
outbox in the same transaction as the step (an ON_CHANGE listener), and the SMS reply
that gives an SMS filer the registration number.

Who gets what (DOMAIN.md section 3): the filer, when they consented to contact and gave an
e-mail address, for: received (the receipt), deficient (the defects and the cure
deadline), accepted, hearing scheduled, decided (with the appeal deadline),
inadmissibility confirmed (the appeal window opens), published. A respondent whose
registry record has an e-mail address is served by e-mail: the notice with the reply
deadline, and the hearing. Texts go through gettext in the recipient's language, so the
catalogues cover them. Delivery is services.mailer's."""
from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app, has_app_context
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from complaints.enums import Channel, OutboxChannel
from complaints.lifecycle import Action
from complaints.models import Complaint, OutboxMessage, RespondentNotice, SmsInbound, User
from complaints.models.election import election_zone

LANGUAGES = ("ky", "ru", "en")


@contextmanager
def _in_language(lang: str) -> Iterator[None]:
    if has_app_context():
        with force_locale(lang):
            yield
    else:
        yield


def _base_url() -> str:
    if not has_app_context():
        return "http://127.0.0.1:5000"
    config = current_app.config
    return str(config.get("BASE_URL") or config.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000").rstrip("/")


def _local(case: Complaint, moment: dt.datetime | None) -> str:
    if moment is None:
        return "—"
    zone = election_zone(case.election)
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") + f" ({zone.key})"


def filer_language(session: Session, case: Complaint) -> str:
    """The filer's account language, else the case's language of filing, else Russian."""
    filer = case.filer
    account_locale = None
    if filer is not None and filer.user_id is not None:
        user = session.get(User, filer.user_id)
        account_locale = user.locale if user is not None else None
    if account_locale in LANGUAGES:
        return str(account_locale)
    lang = getattr(case.language, "value", case.language)
    return str(lang) if lang in LANGUAGES else "ru"


def _filer_link(case: Complaint) -> str:
    if case.filer is not None and case.filer.user_id is not None:
        return f"{_base_url()}/cases/{case.registration_number}"
    return f"{_base_url()}/track?number={case.registration_number}"


# Each step's message: (subject, body) in the current language, built from the case.
def _received(case: Complaint) -> tuple[str, str]:
    return (_("Complaint %(number)s received", number=case.registration_number),
            _("Your complaint was received on %(when)s and registered as %(number)s. "
              "Keep this number: it identifies your complaint. The commission decides by %(due)s.",
              when=_local(case, case.received_at), number=case.registration_number,
              due=_local(case, case.decision_due_at)))


def _deficient(case: Complaint) -> tuple[str, str]:
    defects = "\n".join(f"- {d}" for d in (case.defects or []))
    return (_("Complaint %(number)s: defects to cure", number=case.registration_number),
            _("Your complaint %(number)s has defects to cure:\n%(defects)s\n"
              "Cure them by %(due)s, or the complaint will be left without consideration.",
              number=case.registration_number, defects=defects, due=_local(case, case.cure_due_at)))


def _accepted(case: Complaint) -> tuple[str, str]:
    return (_("Complaint %(number)s accepted for examination", number=case.registration_number),
            _("Your complaint %(number)s was found admissible and is under examination.",
              number=case.registration_number))


def _hearing(case: Complaint) -> tuple[str, str]:
    return (_("Complaint %(number)s: hearing scheduled", number=case.registration_number),
            _("The commission will hear complaint %(number)s on %(when)s at %(place)s.",
              number=case.registration_number, when=_local(case, case.hearing_at), place=case.hearing_place or "—"))


def _decided(case: Complaint) -> tuple[str, str]:
    outcome = case.decision.outcome.value if case.decision is not None else "—"
    return (_("Complaint %(number)s decided", number=case.registration_number),
            _("The commission decided complaint %(number)s: %(outcome)s. "
              "An appeal may be filed until %(due)s.",
              number=case.registration_number, outcome=_(outcome.replace("_", " ")),
              due=_local(case, case.appeal_due_at)))


def _appeal_window(case: Complaint) -> tuple[str, str]:
    return (_("Complaint %(number)s: the appeal window is open", number=case.registration_number),
            _("The commission confirmed that complaint %(number)s is left without consideration "
              "(%(reasons)s). An appeal may be filed until %(due)s.",
              number=case.registration_number, reasons=case.inadmissible_reasons or "—",
              due=_local(case, case.appeal_due_at)))


def _published(case: Complaint) -> tuple[str, str]:
    return (_("Complaint %(number)s: decision published", number=case.registration_number),
            _("The decision on complaint %(number)s is published in the public register: %(link)s",
              number=case.registration_number, link=f"{_base_url()}/public/cases/{case.registration_number}"))


def _respondent_notice(case: Complaint, notice: RespondentNotice) -> tuple[str, str]:
    return (_("Notice of complaint %(number)s", number=case.registration_number),
            _("A complaint (%(number)s) was filed concerning you:\n%(summary)s\n"
              "You may reply to the commission by %(due)s.",
              number=case.registration_number, summary=case.summary, due=_local(case, notice.reply_due_at)))


FILER_STEPS: dict[str, tuple[str, Callable[[Complaint], tuple[str, str]]]] = {
    Action.SUBMIT.value: ("received", _received),
    Action.MARK_DEFICIENT.value: ("deficient", _deficient),
    Action.ACCEPT.value: ("accepted", _accepted),
    Action.SCHEDULE_HEARING.value: ("hearing_scheduled", _hearing),
    Action.DECIDE.value: ("decided", _decided),
    Action.CONFIRM_INADMISSIBILITY.value: ("appeal_window_open", _appeal_window),
    Action.PUBLISH.value: ("published", _published),
}


def _queue(session: Session, case: Complaint, *, channel: OutboxChannel, event: str, role: str, recipient: str,
           lang: str, subject: str, body: str) -> OutboxMessage | None:
    """One message per (case version, event, recipient): a step never queues it twice."""
    key = f"{case.id}:{case.version}:{event}:{role}:{recipient}"[:200]
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)) is not None:
        return None
    domain = _mail_domain()
    message = OutboxMessage(channel=channel, complaint_id=case.id, event=event, recipient_role=role,
                            recipient=recipient, language=lang, subject=subject[:300], body=body, dedupe_key=key,
                            message_id=f"<{uuid.uuid4().hex}@{domain}>")
    session.add(message)
    return message


def _mail_domain() -> str:
    sender = str(current_app.config.get("MAIL_FROM") or "") if has_app_context() else ""
    return sender.rpartition("@")[2].strip(">") or "aryz.localhost"


def on_change(session: Session, case: Complaint, action: str, from_state: str | None, to_state: str) -> None:
    """Queue the messages a step owes the parties (ON_CHANGE listener: same transaction)."""
    if case.is_generated or case.registration_number is None:
        return
    step = FILER_STEPS.get(action)
    filer = case.filer
    if step is not None and filer is not None and filer.consent_to_contact and filer.email:
        event, build = step
        lang = filer_language(session, case)
        with _in_language(lang):
            subject, body = build(case)
            body = f"{body}\n\n{_('Your case: %(link)s', link=_filer_link(case))}\n"
        _queue(session, case, channel=OutboxChannel.EMAIL, event=event, role="filer", recipient=filer.email,
               lang=lang, subject=subject, body=body)
    if action in (Action.NOTIFY_RESPONDENT.value, Action.SCHEDULE_HEARING.value):
        _to_respondents(session, case, action)
    if action == Action.SUBMIT.value and case.channel == Channel.SMS:
        _sms_registered(session, case)


def _to_respondents(session: Session, case: Complaint, action: str) -> None:
    lang = getattr(case.language, "value", case.language)
    lang = lang if lang in LANGUAGES else "ru"
    if action == Action.NOTIFY_RESPONDENT.value:
        notice = session.scalar(select(RespondentNotice).where(RespondentNotice.complaint_id == case.id)
                                .order_by(RespondentNotice.id.desc()).limit(1))
        if notice is None or not notice.respondent.email:
            return
        with _in_language(lang):
            subject, body = _respondent_notice(case, notice)
        _queue(session, case, channel=OutboxChannel.EMAIL, event="respondent_notified", role="respondent",
               recipient=notice.respondent.email, lang=lang, subject=subject, body=body)
        return
    # A hearing: every respondent already served by e-mail is told too.
    served = session.scalars(select(RespondentNotice).where(RespondentNotice.complaint_id == case.id)).all()
    for address in sorted({n.respondent.email for n in served if n.respondent.email}):
        with _in_language(lang):
            subject, body = _hearing(case)
        _queue(session, case, channel=OutboxChannel.EMAIL, event="hearing_scheduled", role="respondent",
               recipient=address, lang=lang, subject=subject, body=body)


def _sms_registered(session: Session, case: Complaint) -> None:
    """The SMS filer gets the registration number back. Queued only: sending SMS through a
    gateway is not built yet (the outbox row is the record of what is owed)."""
    inbound = session.scalar(select(SmsInbound).where(SmsInbound.complaint_id == case.id).limit(1))
    if inbound is None:
        return
    lang = filer_language(session, case)
    with _in_language(lang):
        body = _("Your complaint is registered as %(number)s.", number=case.registration_number)
    _queue(session, case, channel=OutboxChannel.SMS, event="registered", role="sender", recipient=inbound.sender,
           lang=lang, subject="", body=body)


def queued(session: Session, case: Complaint) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.complaint_id == case.id)
                                .order_by(OutboxMessage.id)))


def register_listener(listeners: list[Any]) -> None:
    if on_change not in listeners:
        listeners.append(on_change)
