"""Bulk actions from the work queue: `POST /cases/bulk` applies one action to the
selected cases (complaints.services.bulk) and lists which changed and which were refused."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from complaints.db import db
from complaints.enums import CASE_STAFF_ROLES
from complaints.forms.actions import LocalDateTimeField, choices
from complaints.lifecycle import Action
from complaints.models import User
from complaints.services import bulk
from complaints.services import workflow as wf
from complaints.web.auth import roles_required

bp = Blueprint("bulk", __name__)

CASE_STAFF = tuple(sorted(r.value for r in CASE_STAFF_ROLES))
LABELS = {Action.ASSIGN: _l("Assign to"), Action.LINK_CASE: _l("Link as duplicates of one case"),
          Action.SCHEDULE_HEARING: _l("Schedule for one hearing"), Action.TRANSFER: _l("Transfer")}
#: What each action needs from the form.
NEEDS = {Action.ASSIGN: ("assignee_id",), Action.LINK_CASE: ("other_case",),
         Action.SCHEDULE_HEARING: ("hearing_at", "hearing_place"), Action.TRANSFER: ("transfer_to",)}


class BulkForm(FlaskForm):
    action = SelectField(_l("Action"), choices=choices([(a.value, label) for a, label in LABELS.items()]))
    assignee_id = SelectField(_l("Assignee"), coerce=str, choices=[], validators=[Optional()])
    other_case = StringField(_l("Duplicates of case (registration number)"), validators=[Optional(), Length(max=32)])
    hearing_at = LocalDateTimeField(_l("Hearing date and time (Bishkek time)"), validators=[Optional()])
    hearing_place = StringField(_l("Hearing place"), validators=[Optional(), Length(max=300)])
    #: Choices: the configured bodies that are not retired (set by `bulk_form`).
    transfer_to = SelectField(_l("Transfer to"), choices=[], validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])


def bulk_form(bound: bool = False) -> BulkForm:
    form = BulkForm(prefix="bulk") if bound else BulkForm(prefix="bulk", formdata=None)
    staff = db.session.scalars(select(User).where(User.role.in_(CASE_STAFF), User.is_active.is_(True))
                               .order_by(User.full_name, User.id)).all()
    form.assignee_id.choices = choices([("", "")] + [(str(u.id), f"{u.display_name} ({u.role.value})")
                                                     for u in staff])
    lang = str(get_locale() or "en")
    form.transfer_to.choices = choices([("", "")] + [(b.code, b.name_in(lang))
                                                     for b in wf.transfer_targets(db.session)])
    return form


def _selection(values: list[str]) -> list[tuple[str, int | None]]:
    """"NUMBER:VERSION" checkbox values; malformed ones are dropped."""
    out: list[tuple[str, int | None]] = []
    for value in values[:bulk.MAX_CASES]:
        number, _sep, version = value.partition(":")
        number = number.strip().upper()
        if not number or len(number) > 32:
            continue
        out.append((number, int(version) if version.isdigit() and len(version) < 10 else None))
    return out


@bp.route("/cases/bulk", methods=["POST"])
@roles_required(*CASE_STAFF)
def apply() -> Any:
    form = bulk_form(bound=True)
    selection = _selection(request.form.getlist("case"))
    errors: list[str] = []
    if not form.validate():
        errors += [f"{form[name].label.text}: {' '.join(str(e) for e in errs)}" for name, errs in form.errors.items()]
    if not selection:
        errors.append(str(_l("Select at least one case.")))
    action = Action(form.action.data) if form.action.data in {a.value for a in bulk.BULK_ACTIONS} else None
    if action is not None and not errors:
        for name in NEEDS[action]:
            if form[name].data in (None, ""):
                errors.append(f"{form[name].label.text}: {_l('required for this action.')}")
    if errors or action is None:
        return render_template("workflow/bulk_result.html", errors=errors, items=[], action=None), 422
    data: dict[str, Any] = {name: form[name].data for name in NEEDS[action]}
    if action == Action.LINK_CASE:
        data["link_kind"] = "duplicate_of"
    if action == Action.TRANSFER and form.note.data:
        data["note"] = form.note.data
    items = bulk.bulk_apply(db.session, selection, action, current_user, data)
    return render_template("workflow/bulk_result.html", errors=[], items=items, action=LABELS[action])
