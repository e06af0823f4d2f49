"""Cases as the API shows them, cut to what the caller may see: staff see everything;
a monitor (on their own case) sees no internal rows, no staff names and no other
party's private data."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from complaints import access
from complaints.api import schemas
from complaints.models import CaseHistory, Complaint, Evidence, User
from complaints.services.cases import linked_cases

#: History payload keys a filer does not see (who on the staff works on it).
STAFF_PAYLOAD_KEYS = frozenset({"assignee", "assignee_id", "previous"})


is_staff = access.is_staff


def allowed_for(user: User, case: Complaint) -> list[str]:
    return [r.action.value for r in access.offered_actions(user, case) if r.action in schemas.API_ACTIONS]


def summary(user: User, case: Complaint) -> dict[str, Any]:
    staff = is_staff(user)
    respondent = case.primary_respondent
    return {
        "registration_number": case.registration_number, "status": case.status, "kind": case.kind,
        "channel": case.channel, "election_id": case.election_id, "received_at": case.received_at,
        "incident_at": case.incident_at, "region_id": case.region_id,
        "region": case.region.name if case.region else None,
        "category": case.primary_category.code if case.primary_category else None,
        "respondent": (respondent.name if staff else respondent.public_name) if respondent else None,
        "due_at": case.due_at, "due_clock": case.due_clock.value if case.due_clock else None,
        "overdue": case.is_overdue(), "late": bool(case.late),
        "assignee": case.assignee.display_name if staff and case.assignee else None,
        "version": case.version, "updated_at": case.updated_at,
    }


def _filer(case: Complaint) -> dict[str, Any] | None:
    f = case.filer
    if f is None:
        return None
    return {"kind": f.kind, "name": f.name, "organisation": f.organisation,
            "accreditation_number": f.accreditation_number, "identity_number": f.identity_number,
            "address": f.address, "phone": f.phone, "email": f.email,
            "consent_to_contact": bool(f.consent_to_contact)}


def _history(session: Session, user: User, case: Complaint) -> list[dict[str, Any]]:
    staff = is_staff(user)
    query = select(CaseHistory).where(CaseHistory.complaint_id == case.id,
                                      access.history_clause(access.audience(user, case))).order_by(CaseHistory.seq)
    rows = []
    for h in session.scalars(query):
        payload = dict(h.payload or {})
        if not staff:
            payload = {k: v for k, v in payload.items() if k not in STAFF_PAYLOAD_KEYS}
        rows.append({"seq": h.seq, "at": h.at, "actor": access.history_actor(user, case, h) if staff else None,
                     "actor_role": h.actor_role, "action": h.action, "from_state": h.from_state,
                     "to_state": h.to_state, "note": h.note, "payload": payload, "internal": bool(h.internal)})
    return rows


def detail(session: Session, user: User, case: Complaint) -> dict[str, Any]:
    staff = is_staff(user)
    out = summary(user, case)
    evidence = session.scalars(select(Evidence).where(Evidence.complaint_id == case.id).order_by(Evidence.id))
    decision = case.decision
    appeal = case.appeal
    out.update({
        "summary": case.summary, "remedy_sought": case.remedy_sought, "awareness_at": case.awareness_at,
        "act_date": case.act_date, "act_description": case.act_description, "district_id": case.district_id,
        "precinct_id": case.precinct_id, "latitude": case.latitude, "longitude": case.longitude,
        "place_detail": case.place_detail, "language": case.language.value,
        "receiving_body": case.receiving_body.value,
        "filer": _filer(case),
        "respondents": [{"id": r.id, "kind": r.kind, "name": r.name if staff else r.public_name,
                         "affiliation": r.affiliation, "party_id": r.party_id, "election_id": r.election_id,
                         "candidate_status": r.candidate_status.value if r.candidate_status else None,
                         "is_public": bool(r.is_public)} for r in case.respondents],
        "allegations": [{"category_id": a.category_id, "category": a.category.code,
                         "legal_provision": a.legal_provision, "facts": a.facts} for a in case.allegations],
        "evidence": [{"id": e.id, "kind": e.kind, "sha256": e.sha256, "media_type": e.media_type, "size": e.size,
                      "original_name": e.original_name, "url": e.url, "description": e.description,
                      "captured_at": e.captured_at, "confidential": bool(e.confidential),
                      "submitted_at": e.submitted_at} for e in evidence
                     if access.may_see_evidence(user, case, e)],
        "defects": list(case.defects) if case.defects else None,
        "inadmissible_reasons": case.inadmissible_reasons, "how_to_appeal": case.how_to_appeal,
        "transferred_to": case.transferred_to,
        "hearing_at": case.hearing_at, "hearing_place": case.hearing_place,
        "conclusion": case.conclusion if staff else None,
        "decision": None if decision is None else {
            "outcome": decision.outcome.value, "reasons": decision.reasons, "legal_basis": decision.legal_basis,
            "remedy": decision.remedy, "votes_for": decision.votes_for, "votes_against": decision.votes_against,
            "votes_abstain": decision.votes_abstain, "dissent": decision.dissent,
            "decided_at": decision.decided_at, "published_at": decision.published_at,
            "sanctions": [{"kind": s.kind.value, "respondent_id": s.respondent_id, "amount": s.amount,
                           "note": s.note} for s in decision.sanctions]},
        "appeal": None if appeal is None else {
            "appellant": appeal.appellant.value, "body": appeal.body.value, "case_number": appeal.case_number,
            "filed_at": appeal.filed_at, "outcome": appeal.outcome.value if appeal.outcome else None,
            "outcome_at": appeal.outcome_at},
        "deadlines": {"filing_due_at": case.filing_due_at, "decision_due_at": case.decision_due_at,
                      "cure_due_at": case.cure_due_at, "reply_due_at": case.reply_due_at,
                      "appeal_due_at": case.appeal_due_at, "overdue_since": case.overdue_since},
        "links": [{"kind": kind, "registration_number": other.registration_number}
                  for kind, other in access.visible_links(user, linked_cases(session, case))],
        "history": _history(session, user, case),
        "allowed_actions": allowed_for(user, case),
    })
    return out
