"""`POST /api/v1/complaints/<number>/evidence`: a file (multipart) or a link, through
the same intake as the web form (complaints.services.evidence_store)."""
from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import current_app
from flask_babel import gettext as _
from flask_smorest.fields import Upload

from complaints.api.common import ApiError, Blueprint, Text, api_user, authenticate, register_error_handlers
from complaints.api.complaints import load_case
from complaints.api.schemas import EvidenceOut
from complaints.db import db
from complaints.i18n import N_
from complaints.services import evidence_store

bp = Blueprint("api_evidence", __name__, url_prefix="/api/v1/complaints", description=N_("Evidence intake."))
bp.before_request(authenticate)
register_error_handlers(bp)


class EvidenceUpload(ma.Schema):
    file = Upload(metadata={"description": N_("The file (photo, video, audio, document). Its type is sniffed "
                                           "from its content; a name that disagrees with it is refused.")})
    url = Text(max_length=2000, metadata={"description": N_("Instead of a file: a link to a publication.")})
    description = Text(max_length=2000)


class EvidenceStored(EvidenceOut):
    registration_number = ma.fields.String(required=True)
    version = ma.fields.Integer(required=True)


@bp.route("/<registration_number>/evidence", methods=["POST"])
@bp.arguments(EvidenceUpload, location="multipart")
@bp.response(201, EvidenceStored)
@bp.doc(summary=N_("Attach evidence"),
        description=N_("201 with the stored file's SHA-256, media type and size. 413 when the file or the case's "
                    "files together are too large; 415 for a type not accepted or a name that disagrees with "
                    "the content; 422 for an empty or already attached file."))
def add_evidence(args: dict[str, Any], registration_number: str) -> Any:
    user = api_user()
    case = load_case(registration_number)
    upload = args.get("file")
    url = (args.get("url") or "").strip()
    description = args.get("description")
    session = db.session()
    config = current_app.config
    if upload is not None and getattr(upload, "filename", None) is not None:
        if url:
            raise ApiError(422, _("Send a file or a link, not both."), {"url": _("Send a file or a link, not both.")})
        evidence = evidence_store.intake_file(
            session, case, upload.stream, upload.filename, actor=user, evidence_dir=config["EVIDENCE_DIR"],
            max_file=config["EVIDENCE_MAX_FILE"], max_case=config["EVIDENCE_MAX_CASE"], description=description)
    elif url:
        evidence = evidence_store.add_link(session, case, url, actor=user, description=description)
    else:
        raise ApiError(422, _("Attach a file (field `file`) or give a link (field `url`)."),
                       {"file": _("Attach a file or give a link.")})
    body = {"id": evidence.id, "kind": evidence.kind, "sha256": evidence.sha256, "media_type": evidence.media_type,
            "size": evidence.size, "original_name": evidence.original_name, "url": evidence.url,
            "description": evidence.description, "captured_at": evidence.captured_at,
            "confidential": bool(evidence.confidential), "submitted_at": evidence.submitted_at,
            "registration_number": case.registration_number, "version": case.version}
    return body, 201
