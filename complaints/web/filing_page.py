"""The filing form, shared by the monitor's new complaint, the clerk's intake, a draft's
edit and a deficient case's correction.

A POST is checked whole before anything is written: the form, the filer, the
respondents, the late-filing question. Only then, in one step, is the draft created
(if need be), the evidence attached, the content saved and (on "submit") the complaint
received; the request commits once (complaints.web.transaction). A refused POST writes
no row. Uploads are still never asked for twice: each file is streamed into the
content-addressed store at once (a file on disk, not a row), and the form carries a
signed list of those files (`staged_evidence`) until the complaint is saved."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from complaints import access
from complaints.db import db, utcnow
from complaints.enums import Channel, ComplaintKind, Role
from complaints.forms.filing import MAX_ROWS, FilingForm, IntakeForm, opt_int, to_utc
from complaints.lifecycle import Action, State, TransitionError
from complaints.models import Complaint, Election, Evidence, Filer
from complaints.models.election import election_zone
from complaints.services import cases as svc
from complaints.services import deadlines, evidence_store, filing, media
from complaints.services.errors import ServiceError, ValidationError
from complaints.web import form_keys, transaction
from complaints.web.errors import status_for
from complaints.web.filing_choices import (
    chosen_election,
    fill_from_case,
    open_elections,
    setup_choices,
)
from complaints.web.staged_uploads import attach_evidence, keep_staged, staged_files, store_uploads

#: The session key holding a just-issued tracking code until the receipt shows it once.
RECEIPT_KEY = "fresh_tracking_code"


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


def _filer_errors(form: FilingForm, submitting: bool) -> bool:
    """Check a typed-in filer (nothing written); True when it is fine."""
    if not form.typed_filer:
        return True
    sub = form.filer.form
    if sub.is_blank and not submitting:
        return True
    errors = filing.filer_errors(_filer_input(form), complaint_kind=form.kind.data or "violation")
    for key, message in errors.items():
        getattr(sub, key).errors.append(_(message))
    return not errors


def _filer(form: FilingForm, case: Complaint | None, submitting: bool) -> Filer | None:
    """The filer the form names (None: keep the case's), written in the saving step."""
    if not form.typed_filer:
        return svc.resolve_filer_for(db.session, current_user)
    if form.filer.form.is_blank and not submitting:
        return None
    user_id = None if current_user.is_staff else current_user.id
    return filing.typed_filer(db.session, _filer_input(form), current=case.filer if case else None, user_id=user_id)


def _respondents_ok(form: FilingForm) -> bool:
    chosen = [e.form.respondent_id.data for e in form.respondents
              if not e.form.is_blank and e.form.respondent_id.data]
    if len(set(chosen)) != len(chosen):
        form.respondents[0].form.respondent_id.errors.append(_("The same respondent is listed twice."))
        return False
    return True


def _respondent_ids(form: FilingForm, election: Election) -> list[int]:
    """The rows' respondents; new names join the registry (written in the saving step)."""
    ids: list[int] = []
    for entry in form.respondents:
        row = entry.form
        if row.is_blank:
            continue
        if row.respondent_id.data:
            ids.append(row.respondent_id.data)
        else:
            found = filing.find_or_add_respondent(db.session, row.new_kind.data, row.new_name.data,
                                                  election_id=election.id)
            if " ".join((row.new_name.data or "").split()).casefold() != found.name_folded:
                # The same name in another script or spelling: the registry's record is used.
                flash(_("“%(typed)s” is already in the registry as “%(name)s”: the case names that record.",
                        typed=row.new_name.data, name=found.name), "info")
            ids.append(found.id)
    if len(set(ids)) != len(ids):
        raise ValidationError("The same respondent is listed twice.",
                                  {"respondents": "The same respondent is listed twice."})
    return ids


def filing_due(case: Complaint, received: dt.datetime | None = None) -> tuple[bool, dt.datetime | None]:
    """Whether filing now (or at `received`) is past the filing clock, and when it ran out."""
    return _filing_due(case.election, case.kind, case.act_date, case.awareness_at, received)


def _filing_due(election: Election, kind: ComplaintKind | str, act_date: dt.datetime | None,
                awareness_at: dt.datetime | None, received: dt.datetime | None) -> tuple[bool, dt.datetime | None]:
    start = act_date if kind == ComplaintKind.APPEAL else awareness_at
    if start is None:
        return False, None
    due = deadlines.filing_due(election, start)
    return (received or utcnow()) > due, due


def editable_case(complaint_id: int) -> Complaint:
    """A draft or deficient case the current user may edit; 404 when they may not see it."""
    case = db.session.get(Complaint, complaint_id) if 0 < complaint_id < 2**62 else None
    if case is None or not access.can_view(current_user, case):
        abort(404)
    if current_user.role == Role.MONITOR and not access.owns(current_user, case):
        abort(404)
    return case


def evidence_of(case: Complaint | None) -> list[Evidence]:
    if case is None or case.id is None:
        return []
    return list(db.session.scalars(select(Evidence).where(Evidence.complaint_id == case.id).order_by(Evidence.id)))




def _render(form: FilingForm, case: Complaint | None, election: Election | None, status: int = 200,
            late_due: dt.datetime | None = None, staged: list[evidence_store.StoredFile] | None = None) -> Any:
    setup_choices(form, election, case)
    intake = isinstance(form, IntakeForm)
    return render_template("monitor/filing.html", form=form, case=case, election=election, intake=intake,
                           evidence=evidence_of(case), staged=staged or [], late_due=late_due, max_rows=MAX_ROWS,
                           max_file_mb=current_app.config["EVIDENCE_MAX_FILE"] // (1024 * 1024),
                           max_case_mb=current_app.config["EVIDENCE_MAX_CASE"] // (1024 * 1024),
                           accept=",".join("." + e for e in media.allowed_extensions()),
                           filing_days=election.filing_days if election else None), status


def _channel(form: FilingForm) -> Channel:
    if not isinstance(form, IntakeForm):
        return Channel.WEB
    return Channel(form.channel.data) if form.channel.data in {c.value for c in IntakeForm.channels} \
        else Channel.PAPER


def handle_filing(form: FilingForm, case: Complaint | None) -> Any:
    """GET: the form (empty or from `case`). POST: check it all, then save or submit in one step."""
    if request.method == "GET":
        if case is not None:
            fill_from_case(form, case)
        else:
            elections = open_elections()
            if elections:  # the latest election (the one voting now, in the demo) unless another is chosen
                form.election_id.data = elections[0].id
        election = case.election if case is not None else chosen_election(form)
        late, due = filing_due(case) if case is not None and case.status == State.DRAFT else (False, None)
        return _render(form, case, election, late_due=due if late else None)

    key = form.form_key.data
    if case is None and not form.draft_id.data:
        earlier = form_keys.find(db.session, current_user, key)
        if earlier is not None and earlier.complaint_id is not None:
            # This form was posted before: go on with the case that post made.
            form.draft_id.data = str(earlier.complaint_id)
    if case is None and form.draft_id.data:
        case = editable_case(opt_int(form.draft_id.data) or 0)
        if case.status != State.DRAFT:
            return replay_receipt(case, key) or abort(404)
    election = case.election if case is not None else chosen_election(form)
    setup_choices(form, election, case)
    staged = staged_files(form)
    button = form.button
    if case is not None and form.version.data and form.version.data != str(case.version):
        form.version.data = str(case.version)
        form.form_errors.append(_("This complaint was changed elsewhere while you were editing it. "
                                  "Check the form and send it again."))
        keep_staged(form, staged)
        return _render(form, case, election, 409, staged=staged)
    adding_row = button in ("add_respondent", "add_allegation")
    if election is None:
        if any(f.filename for f in request.files.getlist(form.evidence_files.name)):
            form.evidence_files.errors = list(form.evidence_files.errors) + [
                _("Choose the election, then attach the files again.")]
        if not adding_row:
            form.validate()
        keep_staged(form, staged)
        return _render(form, case, None, 422, staged=staged)
    uploaded, refused = store_uploads(form)
    staged += [f for f in uploaded if all(f.sha256 != s.sha256 for s in staged)]
    keep_staged(form, staged)
    if adding_row:
        rows = form.respondents if button == "add_respondent" else form.allegations
        if len(rows) < MAX_ROWS:
            rows.append_entry()
        form.evidence_files.errors = refused
        return _render(form, case, election, 422 if refused else 200, staged=staged)

    submitting = button == "submit" and (case is None or case.status == State.DRAFT)
    valid = form.validate()
    valid = _form_checks(form, election) and valid
    valid = _filer_errors(form, submitting) and valid
    valid = _respondents_ok(form) and valid
    if submitting:
        valid = form.check_complete() and valid
    form.evidence_files.errors = list(form.evidence_files.errors) + refused
    if not valid or refused:
        return _render(form, case, election, 422, staged=staged)
    data = form.to_input(election.timezone)
    received = to_utc(form.received_at.data, election.timezone) if isinstance(form, IntakeForm) else None
    if submitting:
        late, due = _filing_due(election, data.kind, data.act_date, data.awareness_at, received)
        if late and not (data.late_reason or "").strip() and form.confirm_late.data != "1":
            form.confirm_late.data = "1"
            form.late_reason.errors = [_("This complaint is past the filing deadline. Say why it is late, or "
                                         "submit again to file it as it is.")]
            return _render(form, case, election, 200, late_due=due, staged=staged)

    saved, code = None, None
    try:
        with transaction.attempt() as step:
            if case is None:
                key_row, other = form_keys.claim(db.session, current_user, key)
                if other is not None and other.complaint_id is not None:
                    # A concurrent post of the same form made the case meanwhile.
                    return replay_receipt(editable_case(other.complaint_id), key) or \
                        redirect(url_for("monitor.edit_draft", complaint_id=other.complaint_id))
                saved = svc.create_complaint(
                    db.session, svc.ComplaintInput(election_id=election.id),
                    filer=None if form.typed_filer else svc.resolve_filer_for(db.session, current_user),
                    actor=current_user, channel=_channel(form))
                form_keys.bind(key_row, saved)
            else:
                saved = case
            if not attach_evidence(form, saved, staged):
                step.undo()
            else:
                data.respondent_ids = _respondent_ids(form, election)
                if isinstance(form, IntakeForm) and saved.status == State.DRAFT:
                    saved.channel = _channel(form)  # set by whoever registers it, before it is received
                svc.update_draft(db.session, saved, data, actor=current_user, filer=_filer(form, case, submitting),
                                 expected_version=saved.version)
                if submitting:
                    code = svc.apply_action(db.session, saved, Action.SUBMIT, current_user,
                                            {"received_at": received, "late_reason": data.late_reason}).tracking_code
    except (ServiceError, TransitionError) as exc:
        show_errors(form, getattr(exc, "fields", {}) or {"": exc.message})
        return _render(form, case, election, status_for(exc), staged=staged)
    if step.undone or saved is None:
        return _render(form, case, election, 422, staged=staged)

    if submitting:
        form_keys.remember_receipt(db.session, current_user, key, saved, code)
        session[RECEIPT_KEY] = {"case": saved.id, "code": code}
        return redirect(url_for("monitor.receipt", registration_number=saved.registration_number))
    if saved.status == State.DEFICIENT:
        flash(_("Your corrections are saved. Answer the deficiency notice on the case page to send them."),
              "success")
        return redirect(url_for("cases.detail", registration_number=saved.registration_number))
    flash(_("Draft saved. You can come back to it from “My complaints”."), "success")
    return redirect(url_for("monitor.edit_draft", complaint_id=saved.id))


def replay_receipt(case: Complaint, key: str | None) -> Any:
    """The receipt again, when `key` is the form that already filed `case`; else None."""
    row = form_keys.find(db.session, current_user, key)
    if row is None or row.complaint_id != case.id or case.registration_number is None:
        return None
    session[RECEIPT_KEY] = {"case": case.id, "code": form_keys.receipt_code(row)}
    return redirect(url_for("monitor.receipt", registration_number=case.registration_number))
