"""Evidence uploads kept across POSTs of the filing form: each file is streamed into the
content-addressed store at once (a file, not a row) and the form carries a signed list of
those files until the complaint is saved, so nothing is asked for twice."""
from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer

from complaints.db import db
from complaints.forms.filing import FilingForm
from complaints.models import Complaint
from complaints.services import evidence_store


def staging_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="staged-evidence")


def staged_files(form: FilingForm) -> list[evidence_store.StoredFile]:
    """The files stored by an earlier POST of this form (signed for this user)."""
    raw = form.staged_evidence.data or ""
    if not raw or len(raw) > 20000:
        return []
    try:
        token = staging_serializer().loads(raw)
    except BadSignature:
        return []
    if not isinstance(token, dict) or token.get("u") != current_user.id:
        return []
    files: list[Any] = []
    for sha, name in token.get("f", [])[:50]:
        stored = evidence_store.stored_file(current_app.config["EVIDENCE_DIR"], str(sha), str(name))
        if stored is not None and all(f.sha256 != stored.sha256 for f in files):
            files.append(stored)
    return files


def store_uploads(form: FilingForm) -> tuple[list[evidence_store.StoredFile], list[str]]:
    """Stream this POST's files into the store (no row); a message for each refused one."""
    cfg = current_app.config
    stored, errors = [], []
    for storage in request.files.getlist(form.evidence_files.name):
        if storage is None or not storage.filename:
            continue
        try:
            stored.append(evidence_store.store_file(storage.stream, storage.filename,  # type: ignore[arg-type]
                                                    evidence_dir=cfg["EVIDENCE_DIR"],
                                                    max_file=cfg["EVIDENCE_MAX_FILE"]))
        except evidence_store.EvidenceRejected as exc:
            errors.append(exc.message)
    return stored, errors


def keep_staged(form: FilingForm, files: list[evidence_store.StoredFile]) -> None:
    form.staged_evidence.data = staging_serializer().dumps({"u": current_user.id, "f": [[f.sha256, f.name] for f in files]}) \
        if files else ""


def attach_evidence(form: FilingForm, case: Complaint, files: list[evidence_store.StoredFile]) -> bool:
    """Attach the stored files and the links to `case`; False (with messages) if any is refused."""
    cfg = current_app.config
    file_errors: list[str] = []
    for stored in files:
        try:
            evidence_store.attach_file(db.session, case, stored, actor=current_user, evidence_dir=cfg["EVIDENCE_DIR"],
                                       max_case=cfg["EVIDENCE_MAX_CASE"],
                                       description=form.evidence_description.data)
        except evidence_store.EvidenceRejected as exc:
            file_errors.append(exc.message)
    link_errors: list[str] = []
    for link in form.links():
        try:
            evidence_store.add_link(db.session, case, link, actor=current_user,
                                    description=form.evidence_description.data)
        except evidence_store.EvidenceRejected as exc:
            link_errors.append(exc.message)
    form.evidence_files.errors = list(form.evidence_files.errors) + file_errors
    form.evidence_links.errors = list(form.evidence_links.errors) + link_errors
    return not file_errors and not link_errors
