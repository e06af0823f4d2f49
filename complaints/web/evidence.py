"""Evidence files: download (only for those who may see the item; every download is
a history row: chain of custody, so downloads are POSTs) and upload from the case page."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from complaints import access
from complaints.db import db
from complaints.forms.filing import EvidenceUploadForm
from complaints.models import Complaint, Evidence
from complaints.services import cases as svc
from complaints.services import evidence_store
from complaints.services.errors import ConflictError
from complaints.web import transaction
from complaints.web.cases import case_context, load_case

bp = Blueprint("evidence", __name__)


@bp.route("/cases/<registration_number>/evidence/<int:evidence_id>", methods=["POST"])
@login_required
def download(registration_number: str, evidence_id: int) -> Any:
    """The file, as an attachment. A POST (with the form's CSRF token), because it writes
    the download into the history: a link on another site must not create entries."""
    case = load_case(registration_number)
    evidence = db.session.scalar(select(Evidence).where(Evidence.id == evidence_id,
                                                        Evidence.complaint_id == case.id)) \
        if 0 < evidence_id < 2**62 else None
    if evidence is None or not evidence.storage_key or not access.may_see_evidence(current_user, case, evidence):
        abort(404)
    path = evidence_store.path_for(evidence, current_app.config["EVIDENCE_DIR"])
    if not path.is_file():
        current_app.logger.error("evidence file missing: %s", evidence.storage_key)
        abort(404)
    svc.record_history_only(db.session, case, actor=current_user, action="evidence_downloaded",
                            payload={"evidence_id": evidence.id, "sha256": evidence.sha256},
                            internal=True)
    response = send_file(path, mimetype=evidence.media_type or "application/octet-stream", as_attachment=True,
                         download_name=evidence.original_name or f"evidence-{evidence.id}", max_age=0,
                         conditional=False, etag=False)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/cases/<registration_number>/evidence", methods=["POST"])
@login_required
def upload(registration_number: str) -> Any:
    case = load_case(registration_number)
    form = EvidenceUploadForm()
    target = url_for("cases.detail", registration_number=case.registration_number) + "#h-evidence"
    if not form.validate_on_submit():
        return _again(case, form)
    evidence_store.may_add(case, current_user)
    if form.version.data and form.version.data != str(case.version):
        # Adding evidence does not overwrite anything, so a stale page is no reason to refuse it.
        current_app.logger.info("evidence added from a stale page of %s", case.registration_number)
    try:
        stored, problems, statuses = _store(case, form)
    except ConflictError:
        # Another upload to this case won the race: nothing of this request is kept.
        form.files.errors = [_("The case changed while your files were being stored; nothing was "
                               "added. Send them again.")]
        return _again(load_case(registration_number), form, 409)
    if not stored and not problems:
        form.files.errors = [_("Choose a file or give a link.")]
        return _again(case, form)
    if problems:
        form.files.errors = problems
        if stored:
            form.files.errors.append(_("Nothing was added: send the files again without the refused ones."))
        return _again(case, form, statuses[0])
    flash(_("%(n)s item(s) added to the evidence.", n=len(stored)), "success")
    return redirect(target)


def _store(case: Complaint, form: EvidenceUploadForm) -> tuple[list[Evidence], list[str], list[int]]:
    """Add every file and link in one step: if any is refused, none is kept (and the
    form says which ones to fix)."""
    cfg = current_app.config
    stored: list[Evidence] = []
    problems: list[str] = []
    statuses: list[int] = []
    with transaction.attempt() as step:
        for storage in form.files.data or []:
            if storage is None or not getattr(storage, "filename", ""):
                continue
            try:
                stored.append(evidence_store.intake_file(
                    db.session, case, storage.stream, storage.filename, actor=current_user,
                    evidence_dir=cfg["EVIDENCE_DIR"], max_file=cfg["EVIDENCE_MAX_FILE"],
                    max_case=cfg["EVIDENCE_MAX_CASE"], description=form.description.data))
            except evidence_store.EvidenceRejected as exc:
                problems.append(exc.message)
                statuses.append(exc.status)
        for link in form.link_list():
            try:
                stored.append(evidence_store.add_link(db.session, case, link, actor=current_user,
                                                      description=form.description.data))
            except evidence_store.EvidenceRejected as exc:
                problems.append(exc.message)
                statuses.append(exc.status)
        if problems:
            step.undo()
    return stored, problems, statuses


def _again(case: Any, form: EvidenceUploadForm, status: int = 422) -> Any:
    """The case page again, with the upload form's errors (and any other input) kept."""
    context = case_context(case)
    context["evidence_form"] = form
    return render_template("cases/detail.html", **context), status



@bp.app_context_processor
def _upload_form() -> dict[str, Any]:
    return {"evidence_upload_form": lambda: EvidenceUploadForm(formdata=None)}
