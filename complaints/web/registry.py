"""The respondent registry's administration: `/admin/respondents/merge` lists records
that look like one person or body (the same name key) and merges two of them. Also the
operators' `flask --app app search rebuild`, which rewrites every case's search row."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from complaints.db import db
from complaints.models import ComplaintRespondent, Respondent
from complaints.search_cli import search_group
from complaints.services import filing
from complaints.services.errors import ValidationError
from complaints.services.respondents import merge_respondents
from complaints.web.auth import roles_required

bp = Blueprint("registry", __name__, cli_group=None)
bp.cli.add_command(search_group)


class MergeForm(FlaskForm):
    keep_id = IntegerField(_l("Keep record no."), validators=[InputRequired(), NumberRange(min=1, max=2**31 - 1)])
    drop_id = IntegerField(_l("Merge into it, and delete, record no."),
                           validators=[InputRequired(), NumberRange(min=1, max=2**31 - 1)])


def _groups(limit: int = 50) -> list[list[tuple[Respondent, int]]]:
    """Records sharing a name key, each with its number of cases; largest groups first."""
    keys = db.session.execute(select(Respondent.name_key).where(Respondent.name_key != "")
                              .group_by(Respondent.name_key).having(func.count() > 1)
                              .order_by(func.count().desc(), Respondent.name_key).limit(limit)).scalars().all()
    if not keys:
        return []
    cases = (select(ComplaintRespondent.respondent_id, func.count().label("n"))
             .group_by(ComplaintRespondent.respondent_id).subquery())
    rows = db.session.execute(select(Respondent, func.coalesce(cases.c.n, 0))
                              .outerjoin(cases, cases.c.respondent_id == Respondent.id)
                              .where(Respondent.name_key.in_(keys)).order_by(Respondent.name_key, Respondent.id)).all()
    groups: dict[str, list[tuple[Respondent, int]]] = {}
    for r, n in rows:
        groups.setdefault(r.name_key, []).append((r, int(n)))
    return [groups[k] for k in keys if k in groups]


def _page(form: MergeForm, status: int = 200, **extra: Any) -> Any:
    q = (request.args.get("q") or "")[:100]
    found = filing.similar_respondents(db.session, q, limit=20) if q.strip() else []
    return render_template("admin/respondents_merge.html", form=form, groups=_groups(), q=q, found=found,
                           **extra), status


@bp.route("/admin/respondents/merge", methods=["GET"])
@roles_required("admin")
def merge_page() -> Any:
    form = MergeForm(formdata=None)
    keep, drop = request.args.get("keep", ""), request.args.get("drop", "")
    if keep.isdigit() and len(keep) < 10:
        form.keep_id.data = int(keep)
    if drop.isdigit() and len(drop) < 10:
        form.drop_id.data = int(drop)
    return _page(form)


@bp.route("/admin/respondents/merge", methods=["POST"])
@roles_required("admin")
def merge() -> Any:
    form = MergeForm()
    if not form.validate():
        return _page(form, 422)
    keep = db.session.get(Respondent, form.keep_id.data)
    drop = db.session.get(Respondent, form.drop_id.data)
    if keep is None:
        form.keep_id.errors = [str(_l("No such record."))]
    if drop is None:
        form.drop_id.errors = [str(_l("No such record."))]
    if keep is None or drop is None:
        return _page(form, 422)
    try:
        result = merge_respondents(db.session, keep, drop, actor=current_user)
    except ValidationError as exc:  # refused before it wrote anything
        form.drop_id.errors = [exc.message]
        return _page(form, 422)
    return _page(MergeForm(formdata=None), merged=result)
