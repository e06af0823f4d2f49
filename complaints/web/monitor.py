"""The monitors' pages: the filing form (new, edit a draft, correct a deficient case),
the receipt, "my complaints", tracking without an account, the clerk's intake form,
and the respondent type-ahead.

Uploads are never asked for twice: on every POST the files are stored on the draft
first (the draft is created if need be, as soon as the election is known), then the
rest of the form is validated and the form comes back with what was typed, the files
already attached, and the draft's id."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import and_, func, or_, select

from complaints import access, labels, lifecycle
from complaints.db import db, utcnow
from complaints.enums import Channel, ComplaintKind, Role
from complaints.forms.filing import MAX_ROWS, FilingForm, IntakeForm, TrackForm, choice, opt_int, to_local, to_utc
from complaints.lifecycle import Action, State
from complaints.models import CaseHistory, Complaint, District, Election, Evidence, Filer, Precinct, Region, Respondent
from complaints.models.election import election_zone
from complaints.security import limiter
from complaints.services import cases as svc
from complaints.services import deadlines, evidence_store, filing
from complaints.services.errors import ConflictError, NotPermitted, TransitionError, ValidationError
from complaints.web import form_keys
from complaints.web.auth import roles_required
from complaints.web.cases import load_case
from complaints.web.filters import named

bp = Blueprint("monitor", __name__)

#: The session key holding a just-issued tracking code until the receipt shows it once.
RECEIPT_KEY = "fresh_tracking_code"


# --------------------------------------------------------------------------- choices

def _elections() -> list[Election]:
    return list(db.session.scalars(select(Election).where(Election.is_active.is_(True))
                                   .order_by(Election.election_day.desc(), Election.id)))


def _place_choices() -> tuple[list[Any], list[Any], list[Any]]:
    regions = db.session.scalars(select(Region).order_by(Region.name)).all()
    districts = db.session.execute(select(District.id, District.name, District.region_id, Region.name)
                                   .join(Region).order_by(Region.name, District.name)).all()
    precincts = db.session.execute(select(Precinct.id, Precinct.number, Precinct.district_id, District.name)
                                   .join(District).order_by(Precinct.number)).all()
    blank = choice("", "—")
    return ([blank] + [choice(r.id, r.name) for r in regions],
            [blank] + [choice(d_id, f"{name} ({rname})", {"data-region": str(rid)})
                       for d_id, name, rid, rname in districts],
            [blank] + [choice(p_id, f"{number} ({dname})", {"data-district": str(did)})
                       for p_id, number, did, dname in precincts])


def _respondent_label(r: Respondent) -> str:
    extra = labels.label(r.kind)
    if r.affiliation:
        extra += f", {r.affiliation}"
    return f"{r.name} ({extra})"


def setup_choices(form: FilingForm, election: Election | None, case: Complaint | None = None) -> None:
    elections = _elections()
    form.election_id.choices = [choice("", "—")] + [choice(e.id, named(e)) for e in elections]
    if election is not None and election not in elections:
        form.election_id.choices.append(choice(election.id, named(election)))
    staff = current_user.is_staff
    registry = db.session.scalars(filing.registry_query(election.id if election else None, include_private=staff)
                                  .order_by(Respondent.name_folded).limit(2000)).all()
    if case is not None:
        known = {r.id for r in registry}
        registry = list(registry) + [r for r in case.respondents if r.id not in known]
    respondent_choices = [choice("", _("— choose from the registry —"))] + \
        [choice(r.id, _respondent_label(r)) for r in registry]
    for entry in form.respondents:
        entry.form.respondent_id.choices = respondent_choices
    categories = election.categories if election else []
    category_choices = [choice("", "—")] + [choice(c.id, named(c)) for c in categories]
    for entry in form.allegations:
        entry.form.category_id.choices = category_choices
    form.region_id.choices, form.district_id.choices, form.precinct_id.choices = _place_choices()


def _chosen_election(form: FilingForm) -> Election | None:
    election_id = opt_int(form.election_id.data if form.election_id.data is not None
                          else request.form.get("election_id"))
    if not election_id or election_id < 0:
        return None
    election = db.session.get(Election, election_id)
    return election if election is not None and election.is_active else None


# --------------------------------------------------------------------------- form <-> case

def fill_from_case(form: FilingForm, case: Complaint) -> None:
    """Put a saved draft (or deficient case) into the form for editing."""
    zone = case.election.timezone
    form.draft_id.data = str(case.id)
    form.version.data = str(case.version)
    form.election_id.data = case.election_id
    form.kind.data = str(case.kind)
    for name in ("summary", "remedy_sought", "place_detail", "act_description", "late_reason", "latitude",
                 "longitude", "region_id", "district_id", "precinct_id"):
        getattr(form, name).data = getattr(case, name)
    form.language.data = str(case.language)
    form.incident_at.data = to_local(case.incident_at, zone)
    form.awareness_at.data = to_local(case.awareness_at, zone)
    form.act_date.data = to_local(case.act_date, zone)
    while len(form.respondents) > 0:
        form.respondents.pop_entry()
    for r in case.respondents:
        form.respondents.append_entry({"respondent_id": r.id})
    if not case.respondents:
        form.respondents.append_entry()
    while len(form.allegations) > 0:
        form.allegations.pop_entry()
    for a in case.allegations:
        form.allegations.append_entry({"category_id": a.category_id, "legal_provision": a.legal_provision,
                                       "facts": a.facts})
    if not case.allegations:
        form.allegations.append_entry()
    own = None if current_user.is_staff else svc.resolve_filer_for(db.session, current_user)
    if case.filer is not None and (form.typed_filer or case.filer is not own):
        form.on_behalf.data = not isinstance(form, IntakeForm)
        f = case.filer
        form.filer.form.process(data={"kind": str(f.kind), "name": f.name, "identity_number": f.identity_number,
                                      "address": f.address, "phone": f.phone, "email": f.email,
                                      "organisation": f.organisation, "accreditation_number": f.accreditation_number,
                                      "consent_to_contact": f.consent_to_contact})
    if isinstance(form, IntakeForm):
        form.channel.data = str(case.channel)


def _field_for(form: FilingForm, key: str) -> Any:
    """The form field a service error key names (e.g. 'allegations-0-category_id')."""
    if key.startswith("allegations-"):
        _, index, name = key.split("-", 2)
        rows = [e.form for e in form.allegations if not e.form.is_blank]
        if index.isdigit() and int(index) < len(rows):
            return getattr(rows[int(index)], name, None)
        return None
    if key in ("respondent_ids", "respondents"):
        return form.respondents[0].form.respondent_id
    if key == "allegations":
        return form.allegations[0].form.category_id
    if key == "filer":
        return form.filer.form.kind if form.typed_filer else None
    field = getattr(form, key, None)
    return field if hasattr(field, "errors") else None


def show_errors(form: FilingForm, errors: dict[str, str]) -> None:
    for key, message in errors.items():
        field = _field_for(form, key)
        target = field.errors if field is not None else form.form_errors
        if isinstance(target, tuple):
            target = field.errors = list(target)
        target.append(_(message))


def _form_checks(form: FilingForm, election: Election | None) -> bool:
    """What WTForms validators cannot say alone; True when all is well. Times are read
    in the election's zone."""
    ok = True
    zone = election_zone(election).key
    now = utcnow() + dt.timedelta(minutes=5)
    for f in (form.incident_at, form.awareness_at, form.act_date) + \
            ((form.received_at,) if isinstance(form, IntakeForm) else ()):
        value = to_utc(f.data, zone)
        if value is not None and value > now:
            f.errors.append(_("This time is in the future."))
            ok = False
    if form.incident_at.data and form.awareness_at.data and form.awareness_at.data < form.incident_at.data:
        form.awareness_at.errors.append(_("You cannot have learned of it before it happened."))
        ok = False
    for link in form.links():
        if not link.lower().startswith(("http://", "https://")):
            form.evidence_links.errors.append(_("“%(link)s” is not a web address (http:// or https://).",
                                                link=link[:100]))
            ok = False
    return ok


def _filer_input(form: FilingForm) -> filing.FilerInput:
    sub = form.filer.form
    return filing.FilerInput(kind=sub.kind.data, name=sub.name.data, identity_number=sub.identity_number.data,
                             address=sub.address.data, phone=sub.phone.data, email=sub.email.data,
                             organisation=sub.organisation.data, accreditation_number=sub.accreditation_number.data,
                             consent_to_contact=bool(sub.consent_to_contact.data))


def _resolve_filer(form: FilingForm, case: Complaint, submitting: bool) -> tuple[Filer | None, bool]:
    """The filer the form names (None: keep the case's), and whether the form is fine."""
    if not form.typed_filer:
        return svc.resolve_filer_for(db.session, current_user), True
    sub = form.filer.form
    if sub.is_blank and not submitting:
        return None, True
    errors = filing.filer_errors(_filer_input(form), complaint_kind=form.kind.data or "violation")
    for key, message in errors.items():
        getattr(sub, key).errors.append(_(message))
    if errors:
        return None, False
    user_id = None if current_user.is_staff else current_user.id
    return filing.typed_filer(db.session, _filer_input(form), current=case.filer, user_id=user_id), True


def _respondent_ids(form: FilingForm, election: Election) -> list[int] | None:
    ids: list[int] = []
    for entry in form.respondents:
        row = entry.form
        if row.is_blank:
            continue
        if row.respondent_id.data:
            ids.append(row.respondent_id.data)
        else:
            ids.append(filing.find_or_add_respondent(db.session, row.new_kind.data, row.new_name.data,
                                                     election_id=election.id).id)
    if len(set(ids)) != len(ids):
        form.respondents[0].form.respondent_id.errors.append(_("The same respondent is listed twice."))
        return None
    return ids


def _attach(form: FilingForm, case: Complaint) -> None:
    """Store the uploaded files and links on the case; refused ones get a message."""
    cfg = current_app.config
    file_errors: list[str] = []
    for storage in request.files.getlist(form.evidence_files.name):
        if storage is None or not storage.filename:
            continue
        try:
            evidence_store.intake_file(db.session, case, storage.stream, storage.filename, actor=current_user,
                                       evidence_dir=cfg["EVIDENCE_DIR"], max_file=cfg["EVIDENCE_MAX_FILE"],
                                       max_case=cfg["EVIDENCE_MAX_CASE"],
                                       description=form.evidence_description.data)
        except (evidence_store.EvidenceRejected, TransitionError, NotPermitted) as exc:
            file_errors.append(exc.message)
    kept: list[str] = []
    link_errors: list[str] = []
    for link in form.links():
        try:
            evidence_store.add_link(db.session, case, link, actor=current_user,
                                    description=form.evidence_description.data)
        except (evidence_store.EvidenceRejected, TransitionError, NotPermitted) as exc:
            kept.append(link)
            link_errors.append(exc.message)
    form.evidence_links.data = "\n".join(kept)
    form.evidence_files.errors = list(form.evidence_files.errors) + file_errors
    form.evidence_links.errors = list(form.evidence_links.errors) + link_errors


def filing_due(case: Complaint, received: dt.datetime | None = None) -> tuple[bool, dt.datetime | None]:
    """Whether filing now (or at `received`) is past the filing clock, and when it ran out."""
    start = case.act_date if case.kind == ComplaintKind.APPEAL else case.awareness_at
    if start is None:
        return False, None
    due = deadlines.filing_due(case.election, start)
    return (received or utcnow()) > due, due


def _editable_case(complaint_id: int) -> Complaint:
    """A draft or deficient case the current user may edit; 404 when they may not see it."""
    case = db.session.get(Complaint, complaint_id) if 0 < complaint_id < 2**62 else None
    if case is None or not access.can_view(current_user, case):
        abort(404)
    if current_user.role == Role.MONITOR and not access.owns(current_user, case):
        abort(404)
    return case


def _evidence_of(case: Complaint | None) -> list[Evidence]:
    if case is None or case.id is None:
        return []
    return list(db.session.scalars(select(Evidence).where(Evidence.complaint_id == case.id).order_by(Evidence.id)))


def _render(form: FilingForm, case: Complaint | None, election: Election | None, status: int = 200,
            late_due: dt.datetime | None = None) -> Any:
    setup_choices(form, election, case)
    intake = isinstance(form, IntakeForm)
    return render_template("monitor/filing.html", form=form, case=case, election=election, intake=intake,
                           evidence=_evidence_of(case), late_due=late_due, max_rows=MAX_ROWS,
                           max_file_mb=current_app.config["EVIDENCE_MAX_FILE"] // (1024 * 1024),
                           max_case_mb=current_app.config["EVIDENCE_MAX_CASE"] // (1024 * 1024),
                           accept=",".join("." + e for e in evidence_store.allowed_extensions()),
                           filing_days=election.filing_days if election else None), status


def handle_filing(form: FilingForm, case: Complaint | None) -> Any:
    """GET: the form (empty or from `case`). POST: attach uploads, validate, save or submit."""
    if request.method == "GET":
        if case is not None:
            fill_from_case(form, case)
        else:
            elections = _elections()
            if elections:  # the latest election (the one voting now, in the demo) unless another is chosen
                form.election_id.data = elections[0].id
        election = case.election if case is not None else _chosen_election(form)
        late, due = filing_due(case) if case is not None and case.status == State.DRAFT else (False, None)
        return _render(form, case, election, late_due=due if late else None)

    key = form.form_key.data
    if case is None and not form.draft_id.data:
        earlier = form_keys.find(db.session, current_user, key)
        if earlier is not None and earlier.complaint_id is not None:
            # This form was posted before: go on with the case that post made.
            form.draft_id.data = str(earlier.complaint_id)
    if case is None and form.draft_id.data:
        draft_id = opt_int(form.draft_id.data) or 0
        case = _editable_case(draft_id)
        if case.status != State.DRAFT:
            return replay_receipt(case, key) or abort(404)
    election = case.election if case is not None else _chosen_election(form)
    setup_choices(form, election, case)
    button = form.button
    if case is not None and form.version.data and form.version.data != str(case.version):
        form.version.data = str(case.version)
        form.form_errors.append(_("This complaint was changed elsewhere while you were editing it. "
                                  "Check the form and send it again."))
        return _render(form, case, election, 409)
    adding_row = button in ("add_respondent", "add_allegation")
    valid = True if adding_row else form.validate()
    if not adding_row:
        valid = _form_checks(form, election) and valid
    if button == "submit" and (case is None or case.status == State.DRAFT):
        valid = form.check_complete() and valid
    if election is None:
        if request.files.getlist(form.evidence_files.name) and any(f.filename for f in
                                                                    request.files.getlist(form.evidence_files.name)):
            form.evidence_files.errors = list(form.evidence_files.errors) + [
                _("Choose the election, then attach the files again.")]
        return _render(form, case, None, 422)

    channel = Channel(form.channel.data) if isinstance(form, IntakeForm) and form.channel.data in \
        {c.value for c in IntakeForm.channels} else (Channel.PAPER if isinstance(form, IntakeForm) else Channel.WEB)
    if case is None:
        key_row, other = form_keys.claim(db.session, current_user, key)
        if other is not None and other.complaint_id is not None:
            # A concurrent post of the same form made the case meanwhile.
            return replay_receipt(_editable_case(other.complaint_id), key) or \
                redirect(url_for("monitor.edit_draft", complaint_id=other.complaint_id))
        own = None if form.typed_filer else svc.resolve_filer_for(db.session, current_user)
        case = svc.create_complaint(db.session, svc.ComplaintInput(election_id=election.id), filer=own,
                                    actor=current_user, channel=channel)
        form_keys.bind(key_row, case)
    _attach(form, case)
    db.session.commit()
    form.draft_id.data = str(case.id)
    form.version.data = str(case.version)

    if adding_row:
        rows = form.respondents if button == "add_respondent" else form.allegations
        if len(rows) < MAX_ROWS:
            rows.append_entry()
        return _render(form, case, election)
    if form.evidence_files.errors or form.evidence_links.errors:
        valid = False
    submitting = button == "submit" and case.status == State.DRAFT
    filer, filer_ok = _resolve_filer(form, case, submitting)
    respondent_ids = _respondent_ids(form, election) if valid and filer_ok else None
    if not valid or not filer_ok or respondent_ids is None:
        db.session.rollback()
        return _render(form, case, election, 422)

    data = form.to_input(election.timezone)
    data.respondent_ids = respondent_ids
    if isinstance(form, IntakeForm) and case.channel != channel:
        case.channel = channel  # the draft's channel: set by whoever registers it, before it is received
    try:
        svc.update_draft(db.session, case, data, actor=current_user, filer=filer,
                         expected_version=case.version)
    except (ValidationError, ConflictError, TransitionError) as exc:
        db.session.rollback()
        show_errors(form, getattr(exc, "fields", {}) or {"": exc.message})
        return _render(form, case, election, 422)
    db.session.commit()
    form.version.data = str(case.version)

    if not submitting:
        if case.status == State.DEFICIENT:
            flash(_("Your corrections are saved. Answer the deficiency notice on the case page to send them."),
                  "success")
            return redirect(url_for("cases.detail", registration_number=case.registration_number))
        flash(_("Draft saved. You can come back to it from “My complaints”."), "success")
        return redirect(url_for("monitor.edit_draft", complaint_id=case.id))

    received = to_utc(form.received_at.data, election.timezone) if isinstance(form, IntakeForm) else None
    late, due = filing_due(case, received)
    if late and not (data.late_reason or "").strip() and form.confirm_late.data != "1":
        form.confirm_late.data = "1"
        form.late_reason.errors = [_("This complaint is past the filing deadline. Say why it is late, or submit "
                                     "again to file it as it is.")]
        return _render(form, case, election, 200, late_due=due)
    try:
        result = svc.apply_action(db.session, case, Action.SUBMIT, current_user,
                                  {"received_at": received, "late_reason": data.late_reason})
    except (ValidationError, TransitionError) as exc:
        db.session.rollback()
        show_errors(form, getattr(exc, "fields", {}) or {"": exc.message})
        return _render(form, case, election, 422)
    form_keys.remember_receipt(db.session, current_user, key, case, result.tracking_code)
    db.session.commit()
    session[RECEIPT_KEY] = {"case": case.id, "code": result.tracking_code}
    return redirect(url_for("monitor.receipt", registration_number=case.registration_number))


def replay_receipt(case: Complaint, key: str | None) -> Any:
    """The receipt again, when `key` is the form that already filed `case`; else None."""
    row = form_keys.find(db.session, current_user, key)
    if row is None or row.complaint_id != case.id or case.registration_number is None:
        return None
    session[RECEIPT_KEY] = {"case": case.id, "code": form_keys.receipt_code(row)}
    return redirect(url_for("monitor.receipt", registration_number=case.registration_number))


# --------------------------------------------------------------------------- routes

@bp.route("/complaints/new", methods=["GET", "POST"])
@roles_required(Role.MONITOR.value)
def new_complaint() -> Any:
    return handle_filing(FilingForm(), None)


@bp.route("/complaints/intake", methods=["GET", "POST"])
@roles_required(Role.CLERK.value)
def intake() -> Any:
    return handle_filing(IntakeForm(), None)


@bp.route("/complaints/<int:complaint_id>/edit", methods=["GET", "POST"])
@login_required
def edit_draft(complaint_id: int) -> Any:
    case = _editable_case(complaint_id)
    if request.method == "POST" and case.status != State.DRAFT:
        replay = replay_receipt(case, request.form.get("form_key"))
        if replay is not None:
            return replay
    if not any(rule.action == Action.EDIT for rule in
               lifecycle.allowed_actions(case.status, access.actors(current_user, case), case)):
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
    evidence = _evidence_of(case)
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
@roles_required(Role.MONITOR.value)
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


GENERIC_TRACK_MISS = "No complaint matches this registration number and tracking code. Check both and try again."


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
    return jsonify([{"id": r.id, "name": r.name, "kind": r.kind.value, "label": _respondent_label(r)}
                    for r in rows])
