"""The monitors' pages: the filing form (new, edit a draft, correct a deficient case,
and the clerk's intake: complaints.web.filing_page does the form), the receipt, "my
complaints", tracking without an account, and the respondent type-ahead."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import and_, func, or_, select

from complaints import access, lifecycle
from complaints.db import db, utcnow
from complaints.enums import Role
from complaints.forms.filing import FilingForm, IntakeForm, TrackForm, opt_int
from complaints.i18n import N_
from complaints.lifecycle import Action, State
from complaints.models import CaseHistory, Complaint
from complaints.security import limiter
from complaints.services import cases as svc
from complaints.services import filing
from complaints.web.auth import roles_required
from complaints.web.cases import load_case
from complaints.web.filing_choices import respondent_label
from complaints.web.filing_page import (
    RECEIPT_KEY,
    editable_case,
    evidence_of,
    handle_filing,
    replay_receipt,
)

bp = Blueprint("monitor", __name__)


# --------------------------------------------------------------------------- routes

@bp.route("/complaints/new", methods=["GET", "POST"])
@roles_required(*access.PAGE_ROLES["monitor.new_complaint"])
def new_complaint() -> Any:
    return handle_filing(FilingForm(), None)


@bp.route("/complaints/intake", methods=["GET", "POST"])
@roles_required(*access.PAGE_ROLES["monitor.intake"])
def intake() -> Any:
    return handle_filing(IntakeForm(), None)


@bp.route("/complaints/<int:complaint_id>/edit", methods=["GET", "POST"])
@login_required
def edit_draft(complaint_id: int) -> Any:
    case = editable_case(complaint_id)
    if request.method == "POST" and case.status != State.DRAFT:
        replay = replay_receipt(case, request.form.get("form_key"))
        if replay is not None:
            return replay
    if not access.may_take(current_user, case, Action.EDIT):
        if case.registration_number:
            flash(_("This complaint can no longer be edited."), "warning")
            return redirect(url_for("cases.detail", registration_number=case.registration_number))
        abort(404)
    form_cls = IntakeForm if case.channel in IntakeForm.channels and current_user.role == Role.CLERK else FilingForm
    return handle_filing(form_cls(), case)


@bp.route("/cases/<registration_number>/receipt")
@login_required
def receipt(registration_number: str) -> Any:
    case = load_case(registration_number)
    fresh = session.get(RECEIPT_KEY)
    code = None
    if isinstance(fresh, dict) and fresh.get("case") == case.id:
        code = fresh.get("code")
        session.pop(RECEIPT_KEY, None)
    evidence = evidence_of(case)
    response = current_app.make_response(render_template("monitor/receipt.html", case=case, code=code,
                                                         evidence=evidence))
    response.headers["Cache-Control"] = "no-store"
    return response


def waits_on_filer(case: Complaint, now: dt.datetime | None = None) -> bool:
    """The monitor has something to do: cure a deficiency, or appeal while the window is open."""
    now = now or utcnow()
    if case.status == State.DEFICIENT:
        return True
    if case.status in (State.DECIDED, State.PUBLISHED, State.APPEAL_DECIDED):
        return case.appeal_due_at is not None and case.appeal_due_at > now
    if case.status == State.INADMISSIBLE:
        return case.inadmissible_confirmed_at is not None and case.appeal_due_at is not None and \
            case.appeal_due_at > now
    return False


@bp.route("/complaints/mine")
@roles_required(*access.PAGE_ROLES["monitor.mine"])
def mine() -> Any:
    status = request.args.get("status", "")
    now = utcnow()
    query = access.visible_cases(current_user)
    if status == "waiting":
        query = query.where(or_(
            Complaint.status == State.DEFICIENT,
            and_(Complaint.status.in_([State.DECIDED, State.PUBLISHED, State.APPEAL_DECIDED]),
                 Complaint.appeal_due_at > now),
            and_(Complaint.status == State.INADMISSIBLE, Complaint.inadmissible_confirmed_at.is_not(None),
                 Complaint.appeal_due_at > now)))
    elif status in {s.value for s in State}:
        query = query.where(Complaint.status == State(status))
    else:
        status = ""
    page = max(1, min(opt_int(request.args.get("page")) or 1, 10_000))
    per_page = 50
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(query.order_by(Complaint.updated_at.desc(), Complaint.id.desc())
                              .offset((page - 1) * per_page).limit(per_page)).all()
    return render_template("monitor/mine.html", cases=rows, status=status, states=list(State), page=page,
                           pages=max(1, -(-total // per_page)), total=total, waits=waits_on_filer, now=now)


GENERIC_TRACK_MISS = N_("No complaint matches this registration number and tracking code. Check both and try again.")


@bp.route("/track", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def track() -> Any:
    form = TrackForm()
    case = None
    history: list[CaseHistory] = []
    miss = False
    if form.validate_on_submit():
        number = form.registration_number.data.strip().upper()
        found = db.session.scalar(select(Complaint).where(Complaint.registration_number == number))
        if found is not None and svc.tracking_code_matches(found, form.tracking_code.data):
            case = found
            history = list(db.session.scalars(
                select(CaseHistory).where(CaseHistory.complaint_id == case.id, CaseHistory.internal.is_(False),
                                          CaseHistory.action.in_([a.value for a in lifecycle.FILER_VISIBLE_ACTIONS]))
                .order_by(CaseHistory.seq)))
        else:
            if found is None:
                svc.hash_tracking_code(form.tracking_code.data)  # the same work either way
            miss = True
    status = 200
    return render_template("monitor/track.html", form=form, case=case, history=history,
                           miss=_(GENERIC_TRACK_MISS) if miss else None), status


@bp.route("/complaints/respondents")
@login_required
def respondent_search() -> Any:
    """Type-ahead over the respondent registry: [{id, name, kind, label}], at most 20."""
    q = (request.args.get("q") or "")[:100]
    election_id = opt_int(request.args.get("election"))
    rows = filing.search_respondents(db.session, q, election_id=election_id if election_id and election_id > 0
                                     else None, include_private=current_user.is_staff)
    return jsonify([{"id": r.id, "name": r.name, "kind": r.kind.value, "label": respondent_label(r)}
                    for r in rows])
