"""The case page `/cases/<registration_number>`: one page for staff and for the filer,
cut to what the viewer may see."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from complaints import access, lifecycle
from complaints.db import db
from complaints.models import CaseHistory, CaseNote, Complaint, Evidence
from complaints.services.cases import linked_cases

bp = Blueprint("cases", __name__)


def load_case(registration_number: str) -> Complaint:
    """The case by number, if the current user may see it; 404 otherwise (a monitor is
    never told that another monitor's case exists)."""
    number = registration_number.strip().upper()
    if len(number) > 32:
        abort(404)
    case = db.session.scalar(select(Complaint).where(Complaint.registration_number == number))
    if case is None or not access.can_view(current_user, case):
        abort(404)
    return case


def case_context(case: Complaint) -> dict[str, Any]:
    """Everything the case page shows, filtered for the viewer."""
    staff = current_user.is_case_staff or current_user.role == "admin"
    history_q = select(CaseHistory).where(CaseHistory.complaint_id == case.id).order_by(CaseHistory.seq)
    if not staff:
        history_q = history_q.where(CaseHistory.internal.is_(False))
    evidence_q = select(Evidence).where(Evidence.complaint_id == case.id).order_by(Evidence.id)
    who = access.actors(current_user, case)
    history = db.session.scalars(history_q).all()
    return {
        "case": case,
        "staff": staff,
        "history": history,
        "actor_names": {h.id: access.history_actor(current_user, case, h) for h in history},
        "evidence": [e for e in db.session.scalars(evidence_q) if access.may_see_evidence(current_user, case, e)],
        "notes": db.session.scalars(select(CaseNote).where(CaseNote.complaint_id == case.id)
                                    .order_by(CaseNote.id)).all() if staff else [],
        "links": linked_cases(db.session, case),
        "allowed": lifecycle.allowed_actions(case.status, who, case),
        "recused": access.is_recused(current_user, case),
    }


@bp.route("/cases/<registration_number>")
@login_required
def detail(registration_number: str) -> Any:
    case = load_case(registration_number)
    return render_template("cases/detail.html", **case_context(case))
