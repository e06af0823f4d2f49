"""The commission's decision and what follows it: decide (with sanctions), publish,
appeals and their outcome, reopening on remand, and closing the case."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from complaints.enums import Appellant, Role
from complaints.lifecycle import Action
from complaints.models import Appeal, Complaint, Decision, Sanction, User
from complaints.services import deadlines
from complaints.services.handlers import Effect, handles, not_future, refuse


@handles(Action.DECIDE)
def _decide(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
            now: dt.datetime) -> Effect:
    party_ids = {r.id for r in case.respondents}
    errors = {f"sanctions-{i}-respondent_id": _("Sanctions apply to a respondent of this case.")
              for i, s in enumerate(data["sanctions"]) if s.get("respondent_id") not in (None, *party_ids)}
    refuse(errors)
    sanctions = [Sanction(kind=s["kind"], respondent_id=s.get("respondent_id"), amount=s.get("amount"),
                          note=s.get("note")) for s in data["sanctions"]]
    votes = [data["votes_for"], data["votes_against"], data["votes_abstain"]]
    decision = Decision(complaint=case, outcome=data["outcome"], reasons=data["reasons"],
                        legal_basis=data["legal_basis"], remedy=data.get("remedy"), votes_for=votes[0],
                        votes_against=votes[1], votes_abstain=votes[2], dissent=data.get("dissent"),
                        decided_at=now, decided_by_id=actor.id if actor else None, sanctions=sanctions)
    session.add(decision)
    case.decided_at = now
    case.appeal_due_at = deadlines.appeal_due(case.election, now)
    return Effect({"outcome": data["outcome"].value, "votes": votes,
                   "sanctions": [{"kind": s.kind.value, "respondent_id": s.respondent_id, "amount": s.amount}
                                 for s in sanctions], "appeal_due_at": case.appeal_due_at})


@handles(Action.PUBLISH)
def _publish(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
             now: dt.datetime) -> Effect:
    decision = case.decision
    assert decision is not None  # the rule's guard
    # Only a text someone redacted is public: the full reasons name private people and
    # their identity numbers, so without one the register shows the outcome alone.
    decision.public_text = (data.get("public_text") or "").strip() or None
    decision.published_at = now
    case.published_at = now
    return Effect({"decision_id": decision.id})


@handles(Action.FILE_APPEAL)
def _file_appeal(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
                 now: dt.datetime) -> Effect:
    errors: dict[str, str] = {}
    body, appellant = data["appeal_body"], data["appellant"]
    filed_at = not_future(data, "filed_at", now, _("The appeal cannot be filed in the future."), errors)
    if actor is not None and actor.role == Role.MONITOR and appellant != Appellant.FILER:
        errors["appellant"] = _("You can appeal only as the filer.")
    if appellant == Appellant.FILER and case.filer is not None and case.filer.is_anonymous:
        errors["appellant"] = _("An anonymous filer cannot appeal.")
    refuse(errors)
    case_number = data.get("case_number")
    session.add(Appeal(complaint=case, appellant=appellant, body=body, case_number=case_number,
                       filed_at=filed_at, note=data.get("note"), recorded_by_id=actor.id if actor else None))
    late = case.appeal_due_at is not None and filed_at > case.appeal_due_at
    return Effect({"appeal_body": body.value, "appellant": appellant.value, "case_number": case_number,
                   "filed_at": filed_at, "late": late})


@handles(Action.RECORD_APPEAL_OUTCOME)
def _appeal_outcome(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
                    now: dt.datetime) -> Effect:
    appeal = case.appeal
    assert appeal is not None  # the rule's guard
    appeal.outcome = data["appeal_outcome"]
    appeal.outcome_at = now
    appeal.note = data.get("note") or appeal.note
    return Effect({"appeal_outcome": appeal.outcome.value, "appeal_body": appeal.body.value})


@handles(Action.REOPEN)
def _reopen(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
            now: dt.datetime) -> Effect:
    case.decision_due_at = deadlines.decision_due(case.election, now)
    case.appeal_due_at = None
    case.hearing_at = None
    return Effect({"decision_due_at": case.decision_due_at})


@handles(Action.CLOSE)
def _close(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
           now: dt.datetime) -> Effect:
    case.closed_at = now
    return Effect({"reason": data.get("reason") or "final"})
