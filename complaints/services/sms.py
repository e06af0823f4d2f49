"""SMS intake: a message from a gateway becomes a draft at the intake desk, with the
sender's number as the contact and the text as the summary. A known monitor's number
links the draft to that monitor. The gateway's message id makes a retried delivery a
no-op. The registration number goes back by SMS when a clerk registers the draft
(services.notices queues it)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from complaints.enums import Channel, FilerKind, Language, Role
from complaints.models import Complaint, Election, Filer, SmsInbound, User
from complaints.services.admin import normalise_phone
from complaints.services.cases import ComplaintInput, create_complaint, resolve_filer_for
from complaints.services.errors import ValidationError

MAX_TEXT = 1600  # ten concatenated SMS parts
KYRGYZ_LETTERS = set("өүңӨҮҢ")


@dataclass
class Received:
    inbound: SmsInbound
    created: bool


def guess_language(text: str) -> Language:
    if any(ch in KYRGYZ_LETTERS for ch in text):
        return Language.KY
    if any("\u0400" <= ch <= "\u04ff" for ch in text):
        return Language.RU
    return Language.OTHER if any(ch.isalpha() for ch in text) else Language.RU


def open_election(session: Session) -> Election | None:
    """The election an SMS is filed in: the open one with the latest election day."""
    return session.scalar(select(Election).where(Election.is_active.is_(True))
                          .order_by(Election.election_day.desc(), Election.id.desc()).limit(1))


def receive(session: Session, *, gateway_id: str, sender: str, text: str) -> Received:
    """The draft for one gateway message (the same one again for a retried call).
    Raises ValidationError for a bad sender, an empty or long text, or no open election."""
    gateway_id = gateway_id.strip()
    errors: dict[str, str] = {}
    if not gateway_id or len(gateway_id) > 200:
        errors["gateway_id"] = "Give the gateway's message id (at most 200 characters)."
    try:
        phone = normalise_phone(sender)
    except ValueError:
        phone = None
    if phone is None:
        errors["sender"] = "Give the sender's phone number."
    text = text.strip()
    if "\x00" in text or "\x00" in gateway_id:
        errors["text" if "\x00" in text else "gateway_id"] = "A NUL character (\\0) is not accepted."
    elif not text or len(text) > MAX_TEXT:
        errors["text"] = f"The text must have 1 to {MAX_TEXT} characters."
    if errors:
        raise ValidationError("The message was not accepted.", errors)
    assert phone is not None
    known = session.scalar(select(SmsInbound).where(SmsInbound.gateway_id == gateway_id))
    if known is not None:
        return Received(known, False)
    election = open_election(session)
    if election is None:
        raise ValidationError("No election is open for filing.", {"election": "No election is open for filing."})
    monitor = session.scalar(select(User).where(User.phone == phone, User.role == Role.MONITOR,
                                                User.is_active.is_(True)))
    savepoint = session.begin_nested()
    try:
        if monitor is not None:
            filer = resolve_filer_for(session, monitor)
        else:
            filer = Filer(kind=FilerKind.VOTER, name=phone, phone=phone, consent_to_contact=True)
            session.add(filer)
        data = ComplaintInput(election_id=election.id, summary=text, language=guess_language(text))
        case: Complaint = create_complaint(session, data, filer=filer, actor=None, channel=Channel.SMS)
        inbound = SmsInbound(gateway_id=gateway_id, sender=phone, text=text, complaint_id=case.id,
                             user_id=monitor.id if monitor else None)
        session.add(inbound)
        session.flush()
    except IntegrityError:
        # The same gateway id arrived twice at once: the other request made the draft.
        savepoint.rollback()
        known = session.scalar(select(SmsInbound).where(SmsInbound.gateway_id == gateway_id))
        if known is None:
            raise
        return Received(known, False)
    savepoint.commit()
    return Received(inbound, True)


def waiting(session: Session, limit: int = 50) -> list[Complaint]:
    """SMS drafts not registered yet, oldest first (the intake desk's list)."""
    return list(session.scalars(select(Complaint).where(Complaint.channel == Channel.SMS,
                                                        Complaint.status == "draft")
                                .order_by(Complaint.created_at, Complaint.id).limit(limit)))
