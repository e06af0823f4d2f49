"""The public face, no account needed: the dashboard `/public` (aggregates only), the
register `/public/register` with a permanent page per case, and its CSV / JSON exports.
Everything shown goes through `register.public_entry` or `stats.summary(public=True)`."""
from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from sqlalchemy import select

from complaints import access
from complaints.db import db, utcnow
from complaints.enums import Outcome
from complaints.forms.dashboard import StatsFilterForm
from complaints.lifecycle import State
from complaints.models import CaseHistory, Category, Complaint, Election, Region
from complaints.security import limiter
from complaints.services import documents, register, stats, transparency
from complaints.web.dashboard import chart_rows

bp = Blueprint("public", __name__)


@bp.route("/public")
def dashboard() -> Any:
    form = StatsFilterForm(formdata=request.args)
    election = form.load_choices(db.session)
    form.validate()
    filters = form.filters(election)
    data = stats.summary(db.session, filters, public=True)
    return render_template("public/dashboard.html", form=form, data=data, staff=False, linkable=False, queue={},
                           rows=chart_rows(data, links=False, queue={}), refreshed=utcnow())


def _choices() -> dict[str, Any]:
    return {
        "elections": list(db.session.scalars(select(Election).order_by(Election.election_day.desc()))),
        "regions": list(db.session.scalars(select(Region).order_by(Region.name))),
        "categories": list(db.session.scalars(select(Category).order_by(Category.election_id, Category.position))),
        "statuses": [s.value for s in State if s != State.DRAFT],
        "outcomes": [o.value for o in Outcome],
    }


@bp.route("/public/register", endpoint="register")
def register_page() -> Any:
    filters = register.RegisterFilters.from_args(request.args)
    raw_before = (request.args.get("before") or "").strip()
    before = int(raw_before) if raw_before.isdigit() and len(raw_before) < 10 else None
    cases, next_before = register.register_page(db.session, filters, before)
    return render_template("public/register.html", filters=filters,
                           entries=[register.public_entry(c) for c in cases],
                           next_args=filters.args(before=next_before) if next_before else None,
                           first_page=before is None, **_choices())


@bp.route("/public/cases/<registration_number>")
def case(registration_number: str) -> Any:
    """The permanent public page of a case; 404 for a draft or an unknown number."""
    number = registration_number.strip().upper()
    if len(number) > 32:
        abort(404)
    found = db.session.scalar(select(Complaint).where(Complaint.registration_number == number,
                                                      Complaint.status != State.DRAFT))
    if found is None:
        abort(404)
    # Only the dates and states of the public steps: notes and payloads may name private people.
    rows = db.session.execute(
        select(CaseHistory.seq, CaseHistory.at, CaseHistory.from_state, CaseHistory.to_state, CaseHistory.action)
        .where(CaseHistory.complaint_id == found.id, access.public_history_clause())
        .order_by(CaseHistory.seq)).all()
    steps = [r for r in rows if r.action not in access.PUBLIC_RECORD_ACTIONS]
    return render_template("public/case.html", entry=register.public_entry(found), steps=steps,
                           documents=documents.issued(db.session, found))


def _public_case(registration_number: str) -> Complaint:
    number = registration_number.strip().upper()
    found = None
    if len(number) <= 32:
        found = db.session.scalar(select(Complaint).where(Complaint.registration_number == number,
                                                          Complaint.status != State.DRAFT))
    if found is None:
        abort(404)
    return found


@bp.route("/public/cases/<registration_number>/proof.json")
def case_proof(registration_number: str) -> Any:
    """The inclusion proof of the case's public history rows in the latest signed checkpoint."""
    return jsonify(transparency.case_proof(db.session, _public_case(registration_number)))


@bp.route("/public/cases/<registration_number>/documents/<sha256>.pdf")
def case_document(registration_number: str, sha256: str) -> Any:
    """A published decision document, byte for byte as its hash in the history says."""
    found = _public_case(registration_number)
    doc = next((d for d in documents.issued(db.session, found) if d["sha256"] == sha256 and d["public"]), None)
    if doc is None:
        abort(404)
    path = documents.path_for(current_app.config["EVIDENCE_DIR"], sha256)
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype="application/pdf", download_name=f"{found.registration_number}-{doc['kind']}.pdf")


@bp.route("/public/audit")
def audit() -> Any:
    """The signed checkpoints (latest first) and the public key that signs them."""
    # The keys come from the signed checkpoints: the web process never reads the private key.
    latest, total, keys = transparency.recent(db.session)
    return render_template("public/audit.html", checkpoints=latest, total=total, public_keys=keys)


def _export_limit() -> str:
    return str(current_app.config["PUBLIC_EXPORT_RATE_LIMIT"])


def _export_part(endpoint: str) -> tuple[Any, dict[str, Any], dict[str, str]]:
    """The query of this part of a public export, the filters, and the headers: each part
    holds at most PUBLIC_EXPORT_ROWS cases; `Link: <...>; rel="next"` names the next part."""
    filters = register.RegisterFilters.from_args(request.args)
    raw_after = (request.args.get("after") or "").strip()
    after = int(raw_after) if raw_after.isdigit() and len(raw_after) < 10 else 0
    query, next_after = register.export_window(db.session, register.register_query(db.session, filters), after,
                                               int(current_app.config["PUBLIC_EXPORT_ROWS"]))
    meta: dict[str, Any] = {"exported_at": utcnow().isoformat(), "filters": filters.args(), "after": after,
                            "next": None}
    suffix = endpoint.rsplit("_", 1)[-1]
    headers = {"Content-Disposition": f'attachment; filename="register-{after}.{suffix}"'}
    if next_after is not None:
        meta["next"] = url_for(f"public.{endpoint}", _external=True, **filters.args(after=next_after))
        headers["Link"] = f'<{meta["next"]}>; rel="next"'
    return query, meta, headers


#: Both formats draw on one allowance per address.
_export_allowance = limiter.shared_limit(_export_limit, scope="public-export")


@bp.route("/public/register.csv")
@_export_allowance
def register_csv() -> Any:
    """The public register under the page's filters, as CSV, a part at a time (streamed)."""
    query, _meta, headers = _export_part("register_csv")
    rows = (register.public_csv_row(e) for e in register.entries(db.session, query, register.public_entry))
    return Response(stream_with_context(register.stream_csv(register.PUBLIC_CSV_COLUMNS, rows)),
                    mimetype="text/csv", headers=headers)


@bp.route("/public/register.json")
@_export_allowance
def register_json() -> Any:
    query, meta, headers = _export_part("register_json")
    body = register.stream_json(register.entries(db.session, query, register.public_entry), meta)
    return Response(stream_with_context(body), mimetype="application/json", headers=headers)
