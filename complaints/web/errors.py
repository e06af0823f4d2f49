"""Error pages: HTML for people, JSON (CONTRACT.md error shape) under /api/.

The services' refusals map to statuses here, once for every page (the API blueprints
have the same mapping in complaints.api.common): ValidationError 422 (or its own
status), ConflictError 409, NotPermitted 403, TransitionError 403 for a role that may
never take the action and 409 for a state that does not allow it now. The request's
transaction is already rolled back when these run (complaints.web.transaction)."""
from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from complaints.services.errors import ConflictError, NotPermitted, ServiceError, TransitionError

MESSAGES = {
    400: "The request could not be understood.",
    401: "Please log in.",
    403: "You may not do this.",
    404: "There is nothing here.",
    405: "This method is not allowed here.",
    409: "The case changed meanwhile.",
    413: "The upload is too large.",
    415: "This type of content is not accepted.",
    422: "Some fields need attention.",
    429: "Too many attempts. Wait a little and try again.",
    500: "Something went wrong on our side. Nothing you sent was saved; please try again.",
}

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type", 422: "unprocessable",
         429: "rate_limited", 500: "server_error"}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, message: str | None = None, fields: dict[str, Any] | None = None,
               code: str | None = None) -> Any:
    body: dict[str, Any] = {"code": code or CODES.get(status, "error"), "message": message or MESSAGES.get(status, "")}
    if fields:
        body["fields"] = fields
    return jsonify(error=body), status


def status_for(exc: ServiceError | TransitionError) -> int:
    """The HTTP status of a service's refusal."""
    if isinstance(exc, TransitionError):
        return 403 if exc.forbidden else 409
    if isinstance(exc, ConflictError):
        return 409
    if isinstance(exc, NotPermitted):
        return 403
    return int(getattr(exc, "status", 422) or 422)


def init_app(app: Flask) -> None:
    @app.errorhandler(ServiceError)
    @app.errorhandler(TransitionError)
    def _refused(exc: ServiceError | TransitionError) -> Any:
        status = status_for(exc)
        if wants_json():
            return json_error(status, exc.message)
        return render_template("error.html", status=status, message=exc.message), status

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError) -> Any:
        message = _("The form expired or was sent from elsewhere. Go back, reload the page and send it again.")
        if wants_json():
            return json_error(400, message, code="csrf")
        return render_template("error.html", status=400, message=message), 400

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Any:
        status = exc.code or 500
        message = MESSAGES.get(status) or exc.description or ""
        if status == 413:
            limit = app.config.get("EVIDENCE_MAX_FILE", 0) // (1024 * 1024)
            total = app.config.get("EVIDENCE_MAX_CASE", 0) // (1024 * 1024)
            message = _("The upload is too large: at most %(file)s MB a file and %(total)s MB a complaint.",
                        file=limit, total=total)
        if wants_json():
            response = json_error(status, message)
        else:
            response = (render_template("error.html", status=status, message=_(message)), status)
        resp = app.make_response(response)
        if status == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
            resp.headers["Allow"] = ", ".join(exc.valid_methods)
        if status == 429:
            resp.headers.setdefault("Retry-After", "60")
        return resp

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Any:
        if isinstance(exc, HTTPException):
            return _http(exc)
        app.logger.exception("unhandled error")
        if wants_json():
            return json_error(500)
        return render_template("error.html", status=500, message=_(MESSAGES[500])), 500
