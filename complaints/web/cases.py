"""The case page `/cases/<registration_number>`: one page for staff and for the filer,
cut to what the viewer may see."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from complaints import access
from complaints.db import db
from complaints.models import CaseHistory, CaseNote, Complaint, Evidence
from complaints.services.cases import linked_cases

bp = Blueprint("cases", __name__)


def load_case(registration_number: str) -> Complaint:
    """The case by number, if the current user may see it; 404 otherwise (a monitor is
    never told that another monitor's case exists)."""
    case = access.find_visible_case(db.session, current_user, registration_number)
    if case is None:
        abort(404)
    return case


def case_context(case: Complaint) -> dict[str, Any]:
    """Everything the case page shows, filtered for the viewer; what it offers comes from
    the policy (complaints.access) as lists and booleans."""
    user = current_user
    notes = access.may_see_notes(user, case)
    history_q = select(CaseHistory).where(CaseHistory.complaint_id == case.id,
                                          access.history_clause(access.audience(user, case))) \
        .order_by(CaseHistory.seq)
    evidence_q = select(Evidence).where(Evidence.complaint_id == case.id).order_by(Evidence.id)
    evidence = [e for e in db.session.scalars(evidence_q) if access.may_see_evidence(user, case, e)]
    history = db.session.scalars(history_q).all()
    return {
        "case": case,
        "staff": notes,
        "history": history,
        "actor_names": {h.id: access.history_actor(user, case, h) for h in history},
        "evidence": evidence,
        "downloadable": {e.id for e in evidence if e.storage_key},
        "notes": db.session.scalars(select(CaseNote).where(CaseNote.complaint_id == case.id)
                                    .order_by(CaseNote.id)).all() if notes else [],
        "links": access.visible_links(user, linked_cases(db.session, case)),
        "allowed": access.offered_actions(user, case),
        "recused": access.recused_staff(user, case),
        "can_add_evidence": access.may_add_evidence(user, case),
        "can_print_notice": access.may_print_notice(user, case),
    }


@bp.route("/cases/<registration_number>")
@login_required
def detail(registration_number: str) -> Any:
    case = load_case(registration_number)
    return render_template("cases/detail.html", **case_context(case))
