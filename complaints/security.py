"""Passwords (argon2), sessions, the login throttle, and the response headers every page gets."""
from __future__ import annotations

from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, Response, current_app, render_template, request
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

_default = PasswordHasher()
#: Tests hash thousands of passwords: cheap parameters there, the library's defaults elsewhere.
_cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def _hasher() -> PasswordHasher:
    try:
        return _cheap if current_app.config.get("PASSWORD_HASH_CHEAP") else _default
    except RuntimeError:
        return _default


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


#: Burn the same time on unknown users as on known ones.
_DUMMY_HASH = _default.hash("not a real password")


def dummy_verify(password: str) -> None:
    verify_password(_DUMMY_HASH, password)


def end_sessions(user: Any) -> None:
    """End every session `user` holds, on every device: each session carries the account's
    generation, and a session whose generation is behind is not signed in any more.
    Call it on logout, password change, deactivation and role change; the caller commits."""
    user.session_generation = (user.session_generation or 0) + 1


limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)


def login_key() -> str:
    """Throttle per account and address together."""
    username = (request.form.get("username") or "").strip().casefold()[:64]
    return f"login:{username}:{get_remote_address()}"


CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def _has_nul(values: Any) -> bool:
    return any("\x00" in value for value in values)


def refuse_nul_bytes() -> Any:
    """A NUL byte in a form field, a query parameter or a path is never meant: PostgreSQL
    cannot store one and no page needs it. 400 with a clear message, before any view runs."""
    if request.path.startswith(("/api/", "/webhooks/")):
        # The API refuses NUL field by field (422 with `fields`); both read their own bodies
        # (a webhook must see the raw body to check its signature).
        return None
    try:
        found = "\x00" in request.path or _has_nul(request.args.values())
        if not found and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            found = _has_nul(request.form.values()) or _has_nul(f.filename or "" for f in request.files.values())
    except UnicodeDecodeError:
        found = True
    if not found:
        return None
    message = _("The request contained a NUL character (\\0), which no field accepts. Remove it and try again.")
    return render_template("error.html", status=400, message=message), 400


def init_app(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
    app.before_request(refuse_nul_bytes)

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
        if app.config.get("HSTS"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if _private(request):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def _private(req: Any) -> bool:
    """A response no browser or proxy may keep: anything shown to a signed-in account,
    staff and filer pages, the API, and a tracked case's status."""
    from flask_login import current_user

    if req.endpoint == "static":
        return False
    if req.path.startswith(("/cases", "/complaints", "/dashboard", "/api", "/track", "/login", "/admin")):
        return True
    return bool(getattr(current_user, "is_authenticated", False))


__all__ = ["hash_password", "verify_password", "dummy_verify", "end_sessions", "limiter", "login_key", "init_app"]
