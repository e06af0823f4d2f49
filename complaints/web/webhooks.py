"""/webhooks/sms: SMS gateways deliver incoming messages here.

Authentication (SMS_WEBHOOK_SECRET): either `X-Signature: sha256=<hex HMAC-SHA256 of the
raw body>` or, for gateways that can only send a fixed header, `X-Webhook-Secret: <the
secret>`; both compared in constant time. The body is a form or JSON with `sender`,
`text` and `gateway_id`. Answers: 201 with the draft for a new message, 200 with the same
draft for a retried one, 401 unsigned or badly signed, 413 over 16 kB, 422 bad fields,
503 when no secret is configured."""
from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.datastructures import MultiDict

from complaints.db import db
from complaints.services import sms
from complaints.services.errors import ValidationError

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")
MAX_BODY = 16 * 1024


@bp.record_once
def _exempt_from_csrf(state: Any) -> None:
    # Gateways sign the body instead of carrying a CSRF token (no cookies, no browser).
    csrf = state.app.extensions.get("csrf")
    if csrf is not None:
        csrf.exempt(bp)


def _error(status: int, code: str, message: str, fields: dict[str, str] | None = None) -> Response:
    response = jsonify({"error": {"code": code, "message": message, "fields": fields or {}}})
    response.status_code = status
    return response


def signed(body: bytes, secret: str) -> bool:
    signature = request.headers.get("X-Signature", "")
    if signature:
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(signature.strip().lower(), expected)
    given = request.headers.get("X-Webhook-Secret", "")
    return bool(given) and hmac.compare_digest(given.encode(), secret.encode())


def _read_body() -> bytes | None:
    """The raw body, or None when it is longer than MAX_BODY (declared or actual)."""
    if request.content_length is not None and request.content_length > MAX_BODY:
        return None
    body = request.stream.read(MAX_BODY + 1)
    return None if len(body) > MAX_BODY else body


def _fields(body: bytes) -> MultiDict[str, str] | None:
    mimetype = request.mimetype
    if mimetype == "application/json":
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None
        if not isinstance(data, dict):
            return None
        return MultiDict({k: str(v) for k, v in data.items() if isinstance(v, str | int)})
    if mimetype == "application/x-www-form-urlencoded":
        from urllib.parse import parse_qsl

        try:
            return MultiDict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError:
            return None
    return None


@bp.route("/sms", methods=["POST"])
def sms_inbound() -> Any:
    secret = str(current_app.config.get("SMS_WEBHOOK_SECRET") or "")
    if not secret:
        return _error(503, "not_configured", "SMS intake is not configured (SMS_WEBHOOK_SECRET).")
    body = _read_body()
    if body is None:
        return _error(413, "too_large", f"The body is larger than {MAX_BODY} bytes.")
    if not signed(body, secret):
        return _error(401, "unauthorized", "Sign the body: X-Signature: sha256=<HMAC-SHA256 of the body>.")
    fields = _fields(body)
    if fields is None:
        return _error(415, "unsupported", "Send a form (application/x-www-form-urlencoded) or a JSON object.")
    try:
        received = sms.receive(db.session(), gateway_id=fields.get("gateway_id", ""), sender=fields.get("sender", ""),
                               text=fields.get("text", ""))
    except ValidationError as exc:
        return _error(422, "invalid", str(exc), exc.fields)
    return jsonify({"draft_id": received.inbound.complaint_id, "created": received.created}), \
        201 if received.created else 200
