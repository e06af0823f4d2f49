"""Intake's actions (DOMAIN.md section 3, up to the examination): receive a complaint,
correct a draft, mark it deficient and cure it (or let the cure window lapse),
declare it inadmissible and confirm or overturn that, transfer it, accept it, and
the filer's withdrawal."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from complaints.enums import ComplaintKind, InadmissibilityGround
from complaints.lifecycle import Action
from complaints.models import Complaint, Election, Filer, TransferTarget, User
from complaints.services import deadlines, history
from complaints.services.content import (
    ComplaintInput,
    apply_content,
    completeness_errors,
    hash_tracking_code,
    new_tracking_code,
)
from complaints.services.errors import ValidationError
from complaints.services.handlers import Effect, assignee, handles, not_future, refuse


@handles(Action.EDIT)
def _edit(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
          now: dt.datetime) -> Effect:
    content = data.get("content")
    if not isinstance(content, ComplaintInput):
        raise ValidationError(_("Nothing to change."))
    changes = apply_content(session, case, content)
    filer = data.get("filer")
    if isinstance(filer, Filer) and filer is not case.filer:
        changes["filer_id"] = {"from": case.filer_id, "to": filer.id}
        case.filer = filer
        return Effect({"changes": changes, "filer": history.filer_identity(filer)})
    return Effect({"changes": changes})


@handles(Action.SUBMIT)
def _submit(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
            now: dt.datetime) -> Effect:
    errors: dict[str, str] = {}
    received_at = not_future(data, "received_at", now, _("The time received cannot be in the future."), errors)
    refuse(errors)
    session.flush()
    session.refresh(case)
    missing = completeness_errors(case)
    if missing:
        raise ValidationError(_("The complaint is not complete yet."), missing)
    # Received before the facts happened or became known would make a late filing look timely.
    happened = [t for t in (case.incident_at, case.awareness_at) if t is not None]
    if happened and received_at < max(happened):
        message = _("The time received cannot be before the incident or before the filer learned of it.")
        raise ValidationError(message, {"received_at": message})
    election = case.election
    seq = session.execute(update(Election).where(Election.id == election.id)
                          .values(case_seq=Election.case_seq + 1).returning(Election.case_seq)).scalar_one()
    session.refresh(election, ["case_seq"])
    case.seq = seq
    case.registration_number = f"{election.code}-{seq:06d}"
    case.received_at = received_at
    case.submitted_at = now
    code = new_tracking_code()
    case.tracking_code_hash = hash_tracking_code(code)
    start = case.act_date if case.kind == ComplaintKind.APPEAL else case.awareness_at
    assert start is not None
    case.filing_due_at = deadlines.filing_due(election, start)
    case.decision_due_at = deadlines.decision_due(election, received_at)
    case.late = received_at > case.filing_due_at
    if case.late and data.get("late_reason"):
        case.late_reason = data["late_reason"]
    return Effect({"registration_number": case.registration_number, "received_at": received_at,
                   "late": case.late, "filing_due_at": case.filing_due_at, "decision_due_at": case.decision_due_at,
                   "channel": case.channel.value}, tracking_code=code)


@handles(Action.MARK_DEFICIENT)
def _deficient(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
               now: dt.datetime) -> Effect:
    case.defects = list(data["defects"])
    case.cure_due_at = deadlines.cure_due(case.election, now)
    return Effect({"defects": case.defects, "cure_due_at": case.cure_due_at})


@handles(Action.CURE)
def _cure(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
          now: dt.datetime) -> Effect:
    missing = completeness_errors(case)
    if missing:
        raise ValidationError(_("The complaint is still not complete."), missing)
    cured = case.defects or []
    late = case.cure_due_at is not None and now > case.cure_due_at
    case.cure_due_at = None
    return Effect({"cured_defects": cured, "late": late})


@handles(Action.CURE_LAPSED)
def _cure_lapsed(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
                 now: dt.datetime) -> Effect:
    due = case.cure_due_at
    assert due is not None
    election = case.election
    grounds = [InadmissibilityGround.MISSING_ELEMENTS.value]
    case.inadmissible_grounds = grounds
    case.inadmissible_reasons = (
        f"The defects listed in the deficiency notice were not cured by "
        f"{deadlines.local(election, due):%Y-%m-%d %H:%M} ({election.timezone}): " + "; ".join(case.defects or []))
    case.inadmissible_basis = "Constitutional law on elections, art. 44(4)"
    case.how_to_appeal = (f"To the higher commission or the court within {election.appeal_days} days of the "
                          "commission's confirmation.")
    case.inadmissible_confirmed_at = None
    case.inadmissible_confirmed_by_id = None
    return Effect({"grounds": grounds, "defects": case.defects, "cure_due_at": due})


@handles(Action.DECLARE_INADMISSIBLE)
def _inadmissible(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
                  now: dt.datetime) -> Effect:
    grounds = list(dict.fromkeys(g.value for g in data["grounds"]))
    case.inadmissible_grounds = grounds
    case.inadmissible_reasons = data["reasons"]
    case.inadmissible_basis = data["legal_basis"]
    case.how_to_appeal = data["how_to_appeal"]
    case.inadmissible_confirmed_at = None
    case.inadmissible_confirmed_by_id = None
    return Effect({"grounds": grounds, "reasons": data["reasons"], "legal_basis": data["legal_basis"]})


@handles(Action.CONFIRM_INADMISSIBILITY)
def _confirm(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
             now: dt.datetime) -> Effect:
    case.inadmissible_confirmed_at = now
    case.inadmissible_confirmed_by_id = actor.id if actor else None
    case.appeal_due_at = deadlines.appeal_due(case.election, now)
    return Effect({"appeal_due_at": case.appeal_due_at})


@handles(Action.OVERTURN_INADMISSIBILITY)
def _overturn(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
              now: dt.datetime) -> Effect:
    return Effect()


@handles(Action.TRANSFER)
def _transfer(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
              now: dt.datetime) -> Effect:
    body = session.scalar(select(TransferTarget).where(TransferTarget.code == data["transfer_to"],
                                                       TransferTarget.retired_at.is_(None)))
    if body is None:
        codes = session.scalars(select(TransferTarget.code).where(TransferTarget.retired_at.is_(None))
                                .order_by(TransferTarget.position, TransferTarget.id))
        refuse({"transfer_to": _("Choose one of: %(values)s.", values=", ".join(codes))})
    assert body is not None
    case.transferred_to = body.code
    case.transfer_note = data.get("note")
    return Effect({"transfer_to": body.code, "transfer_kind": body.kind.value})


@handles(Action.ACCEPT)
def _accept(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
            now: dt.datetime) -> Effect:
    errors: dict[str, str] = {}
    user = assignee(session, case, data["assignee_id"], errors) if data.get("assignee_id") else None
    refuse(errors)
    case.defects = None
    if user is not None:
        case.assignee = user
        return Effect({"assignee_id": user.id, "assignee": user.display_name})
    return Effect()


@handles(Action.WITHDRAW)
def _withdraw(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
              now: dt.datetime) -> Effect:
    reason = data.get("reason")
    case.withdrawal_reason = reason
    case.withdrawn_at = now
    return Effect({"reason": reason})
