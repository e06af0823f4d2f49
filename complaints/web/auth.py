"""Logging in and out, the current user, and the role check used by every view."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import refresh
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from sqlalchemy import select
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from complaints.db import db
from complaints.forms import AppForm
from complaints.models import User
from complaints.security import dummy_verify, end_sessions, limiter, login_key, verify_password

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to see this page.")
login_manager.session_protection = "strong"

F = TypeVar("F", bound=Callable[..., Any])


def init_login(app: Flask) -> None:
    login_manager.init_app(app)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The session's account, if it is active and the session is of its current generation."""
    ident, _dot, generation = user_id.partition(".")
    if not (ident.isdigit() and generation.isdigit() and len(ident) < 12 and len(generation) < 12):
        return None
    user = db.session.get(User, int(ident))
    if user is None or not user.is_active or user.session_generation != int(generation):
        return None
    return user


def roles_required(*roles: str) -> Callable[[F], F]:
    """Log in first; then 403 unless the user has one of `roles`."""
    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapped  # type: ignore[return-value]
    return decorator


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no protocol-relative trick."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


#: Where each role's work starts: (endpoint, query arguments).
HOMES: dict[str, tuple[str, dict[str, str]]] = {
    "monitor": ("monitor.mine", {}),
    "clerk": ("workflow.queue", {}),
    "investigator": ("workflow.queue", {"mine": "1"}),
    "commissioner": ("workflow.queue", {"escalated": "1"}),
    "admin": ("admin.index", {}),
}


def home_for(user: User) -> str:
    """Where a login lands: the role's own work; the home page for a role without one."""
    role = getattr(user.role, "value", user.role)
    endpoint, args = HOMES.get(role, ("main.index", {}))
    return url_for(endpoint, **args)  # type: ignore[arg-type]


class LoginForm(AppForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)],
                           render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)],
                             render_kw={"autocomplete": "current-password"})


def _login_limit() -> str:
    return str(current_app.config["LOGIN_ATTEMPTS"])


def _address_limit() -> str:
    return str(current_app.config["LOGIN_ADDRESS_ATTEMPTS"])


def _failed(response: Any) -> bool:
    return bool(response.status_code != 302)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, key_func=login_key, methods=["POST"], deduct_when=_failed)
# Only failures count against an address: an office behind one NAT signs in all day.
@limiter.limit(_address_limit, methods=["POST"], deduct_when=_failed)
def login() -> Any:
    form = LoginForm()
    if current_user.is_authenticated and request.method == "GET":
        return redirect(home_for(current_user))
    if form.validate_on_submit():
        username = form.username.data.strip()
        user = db.session.scalar(select(User).where(User.username == username))
        # One hash verification whatever the account's state, so timing tells nothing.
        if user is None:
            dummy_verify(form.password.data or "")
        elif verify_password(user.password_hash, form.password.data) and user.is_active:
            login_user(user)
            refresh()  # the account's language from now on, the welcome included
            # A token seen before login (say, planted by another site) is worthless after it.
            session.pop("csrf_token", None)
            g.pop("csrf_token", None)
            flash(_("Welcome, %(name)s.", name=user.display_name), "success")
            return redirect(safe_next(request.args.get("next")) or home_for(user))
        form.password.errors = [_("Unknown username or wrong password.")]
        return render_template("auth/login.html", form=form), 200
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["GET", "POST"])
def logout() -> Any:
    if request.method == "POST":
        if current_user.is_authenticated:
            # A copy of this session's cookie must not outlive the logout.
            end_sessions(current_user)
        logout_user()
        flash(_("You are logged out."), "success")
        return redirect(url_for("main.index"))
    if not current_user.is_authenticated:
        return redirect(url_for("main.index"))
    return render_template("auth/logout.html")
