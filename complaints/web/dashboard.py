"""The staff dashboard `/dashboard` (and its JSON), and the staff case export.

The numbers come from the counters of `complaints.services.stats`; each one links to
the work queue (`/cases?...`) filtered to the same cases."""
from __future__ import annotations

import datetime as dt
from typing import Any

from babel.dates import format_date
from flask import Blueprint, Response, jsonify, render_template, request, stream_with_context, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from complaints import access
from complaints.db import db, utcnow
from complaints.forms.dashboard import StatsFilterForm
from complaints.models import Election
from complaints.services import register, stats
from complaints.web.auth import roles_required
from complaints.web.filters import label, named

bp = Blueprint("dashboard", __name__)



def filtered_summary(*, public: bool) -> tuple[StatsFilterForm, dict[str, Any], stats.Filters]:
    form = StatsFilterForm(formdata=request.args)
    election = form.load_choices(db.session)
    form.validate()
    filters = form.filters(election)
    return form, stats.summary(db.session, filters, public=public), filters


def queue_args(filters: stats.Filters) -> dict[str, Any]:
    """The queue's own parameters for the dashboard's filters (the queue has no period filter)."""
    out: dict[str, Any] = {}
    if filters.election_id is not None:
        out["election"] = filters.election_id
    if filters.region_id is not None:
        out["region"] = filters.region_id
    if filters.category_id is not None:
        out["category"] = filters.category_id
    return out


@bp.route("/dashboard")
@roles_required(*access.PAGE_ROLES["dashboard.staff"])
def staff() -> Any:
    form, data, filters = filtered_summary(public=False)
    linkable = filters.day_from is None and filters.day_to is None
    queue = queue_args(filters)
    others = [e for e in db.session.scalars(select(Election).order_by(Election.election_day.desc()))
              if e.id != (data.get("election") or {}).get("id")]
    return render_template("dashboard/staff.html", form=form, data=data, filters=filters, queue=queue, others=others,
                           linkable=linkable, staff=True, rows=chart_rows(data, links=linkable, queue=queue),
                           refreshed=utcnow())


@bp.route("/dashboard/data.json")
@roles_required(*access.PAGE_ROLES["dashboard.data"])
def data() -> Any:
    _form, payload, _filters = filtered_summary(public=False)
    return jsonify(payload)


def _staff_export_query() -> Any:
    from complaints.services import workflow as wf

    filters = wf.QueueFilters.from_args(request.args)
    return wf._base(current_user, filters, now=utcnow())


@bp.route("/dashboard/export/cases.csv")
@roles_required(*access.PAGE_ROLES["dashboard.export_cases_csv"])
def export_cases_csv() -> Any:
    """The cases the queue's filters select, as CSV (streamed)."""
    query = _staff_export_query()
    rows = (register.staff_csv_row(e) for e in register.entries(db.session, query, register.staff_entry))
    return Response(stream_with_context(register.stream_csv(register.STAFF_CSV_COLUMNS, rows)),
                    mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="cases.csv"',
                             "Cache-Control": "no-store"})


@bp.route("/dashboard/export/cases.json")
@roles_required(*access.PAGE_ROLES["dashboard.export_cases_json"])
def export_cases_json() -> Any:
    query = _staff_export_query()
    body = register.stream_json(register.entries(db.session, query, register.staff_entry),
                                {"exported_at": utcnow().isoformat(), "filters": request.args.to_dict()})
    return Response(stream_with_context(body), mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="cases.json"',
                             "Cache-Control": "no-store"})


def day_label(iso_day: str) -> str:
    """A calendar day (already in the election's zone) as the current language writes it."""
    return format_date(dt.date.fromisoformat(iso_day), "medium", locale=get_locale())


def chart_rows(data: dict[str, Any], *, links: bool, queue: dict[str, Any]) -> dict[str, Any]:
    """(label, number[, queue link]) rows for the charts and their tables."""
    def link(**args: Any) -> str | None:
        if not links:
            return None
        return url_for("workflow.queue", **{**queue, **args, "status": "all"})

    return {
        "groups": stats.STATUS_GROUPS,
        "days": [(day_label(d["day"]), d["cases"]) for d in data["per_day"]],
        "hours": [(f"{h['hour']:02d}:00", h["cases"]) for h in data["election_day_hours"]],
        "categories": [(named(c) if c["id"] else _("(none)"), c["cases"], link(category=c["id"]) if c["id"] else None)
                       for c in data["by_category"]],
        "regions": [(r["name"] if r["id"] else _("(none)"), r["cases"], link(region=r["id"]) if r["id"] else None)
                    for r in data["by_region"]],
        "outcomes": [(label(k), n) for k, n in data["decisions_by_outcome"].items()],
        "sanctions": [(label(k), n) for k, n in data["sanctions"].items()],
        "appeals": [(_("pending") if k == "pending" else label(k), n) for k, n in data["appeals"].items()],
    }
