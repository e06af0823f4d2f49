"""/admin: elections and their settings, categories, transfer bodies, accounts and API
tokens, for the admin role (403 for anyone else). Every change goes through
services.admin, which writes it to the history chain; the request commits once."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select
from wtforms.fields.choices import SelectChoice

from complaints import access
from complaints.db import db
from complaints.enums import RespondentKind
from complaints.forms.admin import BodyForm, CategoryForm, ConfirmForm, ElectionForm, NewUserForm, UserForm
from complaints.models import ApiToken, Category, Election, Respondent, TransferTarget, User
from complaints.services import admin as svc
from complaints.services.errors import ValidationError
from complaints.web.auth import safe_next
from complaints.web.filters import label

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def _admins_only() -> Any:
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if not access.can_administer(current_user):
        abort(403)
    return None


def _get(model: Any, ident: int) -> Any:
    record = db.session.get(model, ident)
    if record is None:
        abort(404)
    return record


def _field_errors(form: Any, exc: ValidationError) -> None:
    """Put the service's field errors next to the form's fields."""
    for name, message in exc.fields.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = [*field.errors, _(message)]
        else:
            flash(_(message), "error")


@bp.route("/")
def index() -> Any:
    elections = db.session.scalars(select(Election).order_by(Election.election_day.desc())).all()
    return render_template("admin/index.html", elections=elections, recent=svc.admin_history(db.session(), 20))


# --------------------------------------------------------------------------- elections

@bp.route("/elections/new", methods=["GET", "POST"])
def new_election() -> Any:
    form = ElectionForm()
    if form.validate_on_submit():
        try:
            election = svc.save_election(db.session(), current_user, None, form.data_for_service())
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            flash(_("Election %(code)s created.", code=election.code), "success")
            return redirect(url_for("admin.election", election_id=election.id))
    return render_template("admin/election.html", form=form, election=None), 422 if form.errors else 200


@bp.route("/elections/<int:election_id>", methods=["GET", "POST"])
def election(election_id: int) -> Any:
    record = _get(Election, election_id)
    form = ElectionForm(obj=record)
    if form.validate_on_submit():
        try:
            svc.save_election(db.session(), current_user, record, form.data_for_service())
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            flash(_("Election %(code)s saved.", code=record.code), "success")
            return redirect(url_for("admin.election", election_id=record.id))
    categories = db.session.scalars(select(Category).where(Category.election_id == record.id)
                                    .order_by(Category.retired_at.is_not(None), Category.position,
                                              Category.id)).all()
    return render_template("admin/election.html", form=form, election=record, categories=categories,
                           confirm=ConfirmForm()), 422 if form.errors else 200


@bp.route("/elections/<int:election_id>/categories/new", methods=["GET", "POST"])
def new_category(election_id: int) -> Any:
    record = _get(Election, election_id)
    form = CategoryForm()
    if request.method == "GET":
        form.position.data = len(record.categories) + 1
    if form.validate_on_submit():
        try:
            svc.save_category(db.session(), current_user, record, None, form.data_for_service())
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            flash(_("Category added."), "success")
            return redirect(url_for("admin.election", election_id=record.id))
    return render_template("admin/category.html", form=form, election=record, category=None), \
        422 if form.errors else 200


@bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
def category(category_id: int) -> Any:
    record = _get(Category, category_id)
    form = CategoryForm(obj=record)
    if form.validate_on_submit():
        try:
            svc.save_category(db.session(), current_user, record.election, record, form.data_for_service())
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            flash(_("Category saved."), "success")
            return redirect(url_for("admin.election", election_id=record.election_id))
    return render_template("admin/category.html", form=form, election=record.election, category=record), \
        422 if form.errors else 200


@bp.route("/categories/<int:category_id>/retire", methods=["POST"])
def retire_category(category_id: int) -> Any:
    return _category_retired(category_id, "retire")


@bp.route("/categories/<int:category_id>/restore", methods=["POST"])
def restore_category(category_id: int) -> Any:
    return _category_retired(category_id, "restore")


def _category_retired(category_id: int, verb: str) -> Any:
    record = _get(Category, category_id)
    if ConfirmForm().validate_on_submit():
        svc.set_category_retired(db.session(), current_user, record, verb == "retire")
        flash(_("Category retired: old cases keep it.") if verb == "retire" else _("Category restored."), "success")
    return redirect(url_for("admin.election", election_id=record.election_id))


# --------------------------------------------------------------------------- transfer bodies

@bp.route("/bodies")
def bodies() -> Any:
    rows = db.session.scalars(select(TransferTarget).order_by(TransferTarget.retired_at.is_not(None),
                                                              TransferTarget.position, TransferTarget.id)).all()
    return render_template("admin/bodies.html", bodies=rows, confirm=ConfirmForm())


@bp.route("/bodies/new", methods=["GET", "POST"])
@bp.route("/bodies/<int:body_id>", methods=["GET", "POST"])
def body(body_id: int | None = None) -> Any:
    record = _get(TransferTarget, body_id) if body_id is not None else None
    form = BodyForm(obj=record)
    if form.validate_on_submit():
        try:
            saved = svc.save_body(db.session(), current_user, record, form.data_for_service())
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            flash(_("%(name)s saved.", name=saved.name), "success")
            return redirect(url_for("admin.bodies"))
    return render_template("admin/body.html", form=form, body=record), 422 if form.errors else 200


@bp.route("/bodies/<int:body_id>/retire", methods=["POST"])
def retire_body(body_id: int) -> Any:
    return _body_retired(body_id, "retire")


@bp.route("/bodies/<int:body_id>/restore", methods=["POST"])
def restore_body(body_id: int) -> Any:
    return _body_retired(body_id, "restore")


def _body_retired(body_id: int, verb: str) -> Any:
    record = _get(TransferTarget, body_id)
    if ConfirmForm().validate_on_submit():
        svc.set_body_retired(db.session(), current_user, record, verb == "retire")
        flash(_("Body retired: cases transferred to it keep it.") if verb == "retire" else _("Body restored."),
              "success")
    return redirect(url_for("admin.bodies"))


# --------------------------------------------------------------------------- accounts

def _affiliations(form: UserForm) -> None:
    parties = db.session.scalars(select(Respondent).where(or_(Respondent.kind == RespondentKind.CANDIDATE,
                                                              Respondent.kind == RespondentKind.PARTY))
                                 .order_by(Respondent.kind, Respondent.name)).all()
    form.affiliation_id.choices = [SelectChoice("", _("— none —"))] + [
        SelectChoice(str(r.id), f"{r.name} ({label(r.kind)})") for r in parties]


@bp.route("/users")
def users() -> Any:
    rows = db.session.scalars(select(User).order_by(User.is_active.desc(), User.role, User.username)).all()
    return render_template("admin/users.html", users=rows)


@bp.route("/users/new", methods=["GET", "POST"])
def new_user() -> Any:
    form = NewUserForm()
    _affiliations(form)
    if form.validate_on_submit():
        try:
            user, password = svc.create_user(db.session(), current_user, form.data_for_service())
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            return render_template("admin/password.html", user=user, password=password, created=True)
    return render_template("admin/user.html", form=form, user=None), 422 if form.errors else 200


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user(user_id: int) -> Any:
    record = _get(User, user_id)
    form = UserForm(obj=record)
    _affiliations(form)
    if request.method == "GET":
        form.affiliation_id.data = str(record.affiliation_id or "")
        form.role.data = record.role.value
        form.locale.data = record.locale or ""
    if form.validate_on_submit():
        try:
            changes = svc.update_user(db.session(), current_user, record, form.data_for_service())
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            flash(_("Account saved.") if "role" not in changes else
                  _("Account saved. The new role applies from the account's next request: it must log in again."),
                  "success")
            return redirect(url_for("admin.user", user_id=record.id))
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == record.id).order_by(ApiToken.id)).all()
    return render_template("admin/user.html", form=form, user=record, tokens=tokens, confirm=ConfirmForm()), \
        422 if form.errors else 200


@bp.route("/users/<int:user_id>/disable", methods=["POST"])
def disable_user(user_id: int) -> Any:
    return _set_active(user_id, "disable")


@bp.route("/users/<int:user_id>/enable", methods=["POST"])
def enable_user(user_id: int) -> Any:
    return _set_active(user_id, "enable")


def _set_active(user_id: int, verb: str) -> Any:
    record = _get(User, user_id)
    if ConfirmForm().validate_on_submit():
        try:
            svc.set_user_active(db.session(), current_user, record, verb == "enable")
        except ValidationError as exc:
            flash(_(exc.args[0]), "error")
        else:
            flash(_("Account disabled: its sessions and tokens stopped working.") if verb == "disable"
                  else _("Account enabled."), "success")
    return redirect(url_for("admin.user", user_id=record.id))


@bp.route("/users/<int:user_id>/password", methods=["POST"])
def reset_password(user_id: int) -> Any:
    record = _get(User, user_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("admin.user", user_id=record.id))
    password = svc.reset_password(db.session(), current_user, record)
    return render_template("admin/password.html", user=record, password=password, created=False)


# --------------------------------------------------------------------------- API tokens

@bp.route("/tokens")
def tokens() -> Any:
    rows = db.session.scalars(select(ApiToken).order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())
                              .limit(500)).all()
    return render_template("admin/tokens.html", tokens=rows, confirm=ConfirmForm())


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
def revoke_token(token_id: int) -> Any:
    record = _get(ApiToken, token_id)
    if ConfirmForm().validate_on_submit() and svc.revoke_token(db.session(), current_user, record):
        flash(_("Token %(prefix)s… revoked.", prefix=record.prefix), "success")
    return redirect(safe_next(request.form.get("next")) or url_for("admin.tokens"))
