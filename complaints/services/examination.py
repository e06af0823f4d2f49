"""The examination's actions: assign, serve the respondent and record the reply,
request and add evidence, internal notes, the working group's draft conclusion,
links between cases, the hearing; and the sweep's overdue mark."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from complaints.lifecycle import Action
from complaints.models import CaseLink, CaseNote, Complaint, RespondentNotice, User
from complaints.services import deadlines
from complaints.services.errors import ValidationError
from complaints.services.handlers import Echo, Effect, assignee, handles, not_future, refuse, respondent_of


@handles(Action.ASSIGN)
def _assign(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
            now: dt.datetime) -> Effect:
    errors: dict[str, str] = {}
    user = assignee(session, case, data["assignee_id"], errors)
    refuse(errors)
    assert user is not None
    previous = case.assignee.display_name if case.assignee else None
    case.assignee = user
    return Effect({"assignee_id": user.id, "assignee": user.display_name, "previous": previous})


@handles(Action.NOTIFY_RESPONDENT)
def _notify(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
            now: dt.datetime) -> Effect:
    errors: dict[str, str] = {}
    respondent = respondent_of(case, data["respondent_id"], errors)
    served_at = not_future(data, "served_at", now, _("The time served cannot be in the future."), errors)
    refuse(errors)
    assert respondent is not None
    due = deadlines.reply_due(case.election, served_at)
    session.add(RespondentNotice(complaint=case, respondent=respondent, served_at=served_at, reply_due_at=due,
                                 created_by_id=actor.id if actor else None))
    case.reply_due_at = due
    return Effect({"respondent_id": respondent.id, "respondent": respondent.public_name, "served_at": served_at,
                   "reply_due_at": due})


@handles(Action.RECORD_REPLY)
def _reply(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
           now: dt.datetime) -> Effect:
    errors: dict[str, str] = {}
    respondent = respondent_of(case, data["respondent_id"], errors)
    received = not_future(data, "received_at", now, _("The reply cannot be received in the future."), errors)
    refuse(errors)
    assert respondent is not None
    notice = next((n for n in reversed(case.notices) if n.respondent_id == respondent.id
                   and n.reply_received_at is None), None)
    if notice is None:
        raise ValidationError(_("Notify the respondent before recording a reply."),
                              {"respondent_id": _("This respondent has not been served a notice.")})
    notice.reply_text = data["reply"]
    notice.reply_received_at = received
    open_dues = [n.reply_due_at for n in case.notices if n.reply_received_at is None]
    case.reply_due_at = min(open_dues) if open_dues else None
    return Effect({"respondent_id": respondent.id, "respondent": respondent.public_name,
                   "late": received > notice.reply_due_at})


@handles(Action.REQUEST_EVIDENCE)
def _request_evidence(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
                      now: dt.datetime) -> Effect:
    session.add(CaseNote(complaint=case, author_id=actor.id if actor else None, kind="evidence_request",
                         body=data["note"]))
    return Effect()


@handles(Action.ADD_EVIDENCE)
def _add_evidence(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
                  now: dt.datetime) -> Effect:
    return Effect({"evidence": data["evidence"]})


@handles(Action.ADD_NOTE)
def _add_note(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
              now: dt.datetime) -> Effect:
    session.add(CaseNote(complaint=case, author_id=actor.id if actor else None, kind="note", body=data["note"]))
    return Effect()


@handles(Action.DRAFT_CONCLUSION)
def _conclusion(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
                now: dt.datetime) -> Effect:
    text = data["conclusion"]
    case.conclusion = text
    session.add(CaseNote(complaint=case, author_id=actor.id if actor else None, kind="conclusion", body=text))
    return Effect({"conclusion": text})


@handles(Action.LINK_CASE)
def _link(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
          now: dt.datetime) -> Effect:
    kind = data["link_kind"]
    number = data["other_case"].upper()
    other = session.scalar(select(Complaint).where(Complaint.registration_number == number))
    if other is None:
        refuse({"other_case": _("No case numbered %(number)s.", number=number)})
    assert other is not None
    if other.id == case.id:
        refuse({"other_case": _("A case cannot be linked to itself.")})
    exists = session.scalar(select(CaseLink).where(CaseLink.complaint_id == case.id,
                                                   CaseLink.other_id == other.id, CaseLink.kind == kind))
    if exists is not None:
        raise ValidationError(_("These cases are already linked that way."),
                              {"other_case": _("Already linked.")})
    session.add(CaseLink(complaint=case, other=other, kind=kind, created_by_id=actor.id if actor else None))
    # Both histories record the link.
    incoming = Echo(other, "linked", {"link_kind": kind.value, "other": case.registration_number,
                                      "direction": "incoming"})
    return Effect({"link_kind": kind.value, "other": other.registration_number}, echoes=[incoming])


@handles(Action.SCHEDULE_HEARING)
def _hearing(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
             now: dt.datetime) -> Effect:
    when, place = data["hearing_at"], data["hearing_place"]
    if when < now - dt.timedelta(hours=1):
        refuse({"hearing_at": _("The hearing cannot be in the past.")})
    case.hearing_at = when
    case.hearing_place = place
    return Effect({"hearing_at": when, "hearing_place": place,
                   "notified": [r.public_name for r in case.respondents] + ["filer"]})


@handles(Action.MARK_OVERDUE)
def _overdue(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
             now: dt.datetime) -> Effect:
    case.overdue_since = now
    case.escalated_to = deadlines.escalation_target(case)
    return Effect({"clock": case.due_clock.value if case.due_clock else None, "due_at": case.due_at,
                   "escalated_to": case.escalated_to})
