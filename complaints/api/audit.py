"""The signed checkpoints of the case history (docs/TRUST.md), public: no token needed."""
from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from complaints.api.common import Blueprint, register_error_handlers
from complaints.db import db
from complaints.i18n import N_
from complaints.services import transparency

bp = Blueprint("api_audit", __name__, url_prefix="/api/v1",
               description=N_("Signed checkpoints of the case history: no token needed."))
register_error_handlers(bp)


class CheckpointArgs(ma.Schema):
    after = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**62),
                           metadata={"description": N_("Only checkpoints over more than this many rows.")})
    limit = fields.Integer(load_default=1000, validate=validate.Range(min=1, max=1000))


class CheckpointOut(ma.Schema):
    tree_size = fields.Integer(required=True, metadata={"description": N_("History rows covered (seq 1..n).")})
    root = fields.String(required=True, metadata={"description": N_("RFC 9162 Merkle tree root, hex.")})
    signed_at = fields.String(required=True)
    key_id = fields.String(required=True)
    public_key = fields.String(required=True, metadata={"description": N_("Ed25519 public key, hex.")})
    signature = fields.String(required=True, metadata={"description": N_("Ed25519 signature, base64.")})
    previous_size = fields.Integer(allow_none=True, required=True)
    consistency = fields.List(fields.String(), required=True,
                              metadata={"description": N_("RFC 9162 consistency proof from the previous checkpoint.")})


class CheckpointsOut(ma.Schema):
    format = fields.String(required=True)
    hashing = fields.String(required=True)
    public_keys = fields.List(fields.String(), required=True)
    checkpoints = fields.List(fields.Nested(CheckpointOut), required=True)


@bp.route("/audit/checkpoints", methods=["GET"])
@bp.arguments(CheckpointArgs, location="query")
@bp.response(200, CheckpointsOut)
@bp.doc(summary=N_("Signed checkpoints of the history, oldest first"), security=[],
        description=N_("Save a copy: `flask audit verify --checkpoints FILE` and tools/verify_proof.py check "
                    "the history against it. Page with `after` (the last tree_size you have)."))
def checkpoints(args: dict[str, Any]) -> Any:
    return transparency.published(db.session(), after=args["after"], limit=args["limit"])
