"""The home page, the language switch and the health check."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import text

from complaints.db import db
from complaints.web.auth import safe_next

bp = Blueprint("main", __name__)


@bp.route("/")
def index() -> Any:
    return render_template("index.html", user=current_user)


@bp.route("/lang/<code>", methods=["POST"])
def set_language(code: str) -> Any:
    """Remember the language for this session and, when signed in, for the account."""
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    session["lang"] = code
    if current_user.is_authenticated:
        current_user.locale = code
    return redirect(safe_next(request.form.get("next")) or url_for("main.index"))


@bp.route("/healthz")
def healthz() -> Any:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any database failure means unhealthy
        current_app.logger.warning("health check failed: %s", exc)
        return jsonify(status="unavailable", database="error"), 503
    limits = rate_limit_storage()
    return jsonify(status="ok" if limits != "unreachable" else "degraded", database="ok", rate_limits=limits)


def rate_limit_storage() -> str:
    """"ok", "off", or "unreachable" (limits then count per process, in memory, until it is back)."""
    from complaints.security import limiter

    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return "off"
    try:
        alive = bool(limiter.storage.check())
    except Exception as exc:  # noqa: BLE001 - whatever the storage raises, it is not answering
        current_app.logger.warning("rate-limit storage check failed: %s", exc)
        alive = False
    return "ok" if alive else "unreachable"
