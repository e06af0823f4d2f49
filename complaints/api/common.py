"""What every API blueprint shares: bearer-token auth, the JSON error shape, a strict
request parser, and field types that refuse what the database would choke on."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import marshmallow as ma
from flask import Response, current_app, g, jsonify, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_smorest import Blueprint as SmorestBlueprint
from webargs.flaskparser import FlaskParser
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import CombinedMultiDict
from werkzeug.exceptions import HTTPException

from complaints import access
from complaints.db import db
from complaints.inputs import MAX_ID, BoundedList, Id, Text, When, flatten  # noqa: F401 (the API's field types)
from complaints.lifecycle import TransitionError
from complaints.models import User
from complaints.services import tokens
from complaints.services.errors import ConflictError, NotPermitted, ValidationError
from complaints.web.errors import CODES, MESSAGES

#: Refused outright rather than stored: JSON nested deeper than any real request.
MAX_DEPTH = 32


class ApiError(Exception):
    """An error answered as `{"error": {"code", "message", "fields"}}`."""

    def __init__(self, status: int, message: str | None = None, fields: Mapping[str, Any] | None = None,
                 code: str | None = None, headers: Mapping[str, str] | None = None,
                 extra: Mapping[str, Any] | None = None) -> None:
        super().__init__(message or MESSAGES.get(status, ""))
        self.status = status
        self.message = message or _(MESSAGES.get(status, ""))
        self.fields = dict(fields or {})
        self.code = code or CODES.get(status, "error")
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})


def error_response(status: int, message: str, fields: Mapping[str, Any] | None = None, code: str | None = None,
                   headers: Mapping[str, str] | None = None, extra: Mapping[str, Any] | None = None) -> Response:
    body: dict[str, Any] = {"code": code or CODES.get(status, "error"), "message": message,
                            "fields": dict(fields or {})}
    body.update(extra or {})
    response = jsonify(error=body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _handle(exc: Exception) -> Response:
    """The contract's error shape. The request's transaction is already rolled back
    (complaints.web.transaction), or was never written to (an error before the view)."""
    if isinstance(exc, ApiError):
        return error_response(exc.status, exc.message, exc.fields, exc.code, exc.headers, exc.extra)
    if isinstance(exc, ValidationError):
        status = int(getattr(exc, "status", 422) or 422)
        return error_response(status, exc.message, exc.fields)
    if isinstance(exc, ConflictError):
        return error_response(409, exc.message, code="stale_version" if exc.current_version else "conflict",
                              extra={"current_version": exc.current_version,
                                     "current_status": exc.current_status})
    if isinstance(exc, TransitionError):
        status = 403 if exc.forbidden else 409
        return error_response(status, exc.message, code="forbidden" if exc.forbidden else "not_allowed_now",
                              extra={"allowed_actions": exc.allowed})
    if isinstance(exc, NotPermitted):
        return error_response(403, exc.message)
    assert isinstance(exc, HTTPException)
    status = exc.code or 500
    data = getattr(exc, "data", None) or {}
    fields = flatten(data["messages"]) if "messages" in data else {}
    message = data.get("message") or _(MESSAGES.get(status, exc.description or ""))
    headers: dict[str, str] = dict(data.get("headers") or {})
    if status == 405 and getattr(exc, "valid_methods", None):
        headers["Allow"] = ", ".join(exc.valid_methods or [])  # type: ignore[attr-defined]  # a MethodNotAllowed
    if status == 429:
        headers.setdefault("Retry-After", "60")
    return error_response(status, message, fields, headers=headers)


def register_error_handlers(bp: Any) -> None:
    for exc_class in (ApiError, HTTPException, ValidationError, ConflictError, TransitionError, NotPermitted):
        bp.register_error_handler(exc_class, _handle)


# --------------------------------------------------------------------------- parsing

def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max([_depth(v, level + 1) for v in value.values()] or [level])
    if isinstance(value, list):
        return max([_depth(v, level + 1) for v in value] or [level])
    return level


def parse_json_body(raw: bytes) -> Any:
    """Strict JSON: UTF-8, no NaN/Infinity, not absurdly deep. Raises ApiError 400."""
    try:
        value = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise ApiError(400, _("The body is not valid JSON (UTF-8, no NaN or Infinity)."),
                       code="invalid_json") from None
    if _depth(value) > MAX_DEPTH:
        raise ApiError(400, _("The JSON body is nested too deeply."), code="invalid_json")
    return value


def _read_json_body(req: Any) -> bytes:
    """The body of a JSON request, read only up to API_MAX_JSON_BYTES (413 beyond): the
    upload cap is for files, not for a JSON document to hold a worker."""
    if req.is_json:
        req.max_content_length = int(current_app.config.get("API_MAX_JSON_BYTES", 1024 * 1024))
    data: bytes = req.get_data(cache=True)
    return data


def json_body() -> Any:
    """The request's JSON body; 415 when something else was sent, 400 when it is broken."""
    raw = _read_json_body(request)
    if not request.is_json:
        if raw:
            raise ApiError(415, _("Send the body as application/json."))
        raise ApiError(422, _("A JSON body is required."), {"body": _("A JSON body is required.")})
    return parse_json_body(raw)


class ApiParser(FlaskParser):
    """webargs' parser with our JSON rules, and a `multipart` location (form fields and files)."""

    __location_map__ = dict(multipart="load_multipart", **FlaskParser.__location_map__)

    def load_multipart(self, req: Any, schema: ma.Schema) -> Any:
        if req.mimetype != "multipart/form-data":
            raise ApiError(415, _("Send the upload as multipart/form-data."))
        return MultiDictProxy(CombinedMultiDict([req.files, req.form]), schema)

    def _raw_load_json(self, req: Any) -> Any:
        raw = _read_json_body(req)
        if not req.is_json:
            if raw:
                raise ApiError(415, _("Send the body as application/json."))
            return ma.missing
        if not raw.strip():
            return ma.missing
        return parse_json_body(raw)


class Blueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = ApiParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {**SmorestBlueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
                                             "multipart": "multipart/form-data"}


# --------------------------------------------------------------------------- auth

def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def token_user() -> User | None:
    """The account the request's bearer token belongs to (None: no token or not a live one),
    looked up once per request."""
    cache = request.environ
    if "aryz.token_user" not in cache:
        token = bearer_token()
        cache["aryz.token_user"] = tokens.authenticate(db.session(), token) if token else None
    user: User | None = cache["aryz.token_user"]
    return user


def rate_key() -> str:
    """Per token when it is a live one (hashed: no secret in the limiter's storage), else per
    address: a made-up token per request must not buy a fresh allowance."""
    token = bearer_token()
    if token and token_user() is not None:
        return "api-token:" + hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return "api-addr:" + (get_remote_address() or "")


def rate_limit() -> str:
    return str(current_app.config.get("API_RATE_LIMIT", "300 per minute"))


def authenticate() -> None:
    """before_request of the authenticated blueprints: only `Authorization: Bearer` counts,
    never the session cookie (which is why CSRF does not apply to the API)."""
    user = token_user()
    if user is None:
        raise ApiError(401, _("Give a valid API token: Authorization: Bearer <token>."),
                       headers={"WWW-Authenticate": 'Bearer realm="aryz"'})
    g.api_user = user


def api_user() -> User:
    user = g.get("api_user")
    if user is None:
        raise ApiError(401, headers={"WWW-Authenticate": 'Bearer realm="aryz"'})
    return user


def staff_only(user: User) -> None:
    if not access.is_staff(user):
        raise ApiError(403)


__all__ = ["ApiError", "Blueprint", "BoundedList", "Text", "Id", "When", "api_user", "authenticate", "json_body",
           "register_error_handlers", "rate_key", "rate_limit", "MAX_ID", "staff_only"]
