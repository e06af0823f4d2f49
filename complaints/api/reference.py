"""Reference data a filing client needs (elections with categories, the location
hierarchy, the respondent registry), and the public aggregates."""
from __future__ import annotations

from typing import Any

from flask import current_app, jsonify
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from complaints.api import schemas
from complaints.api.common import ApiError, Blueprint, api_user, authenticate, register_error_handlers
from complaints.api.views import is_staff
from complaints.db import db
from complaints.i18n import N_
from complaints.models import District, Election, Region, Respondent
from complaints.names import name_key

bp = Blueprint("api_reference", __name__, url_prefix="/api/v1", description=N_("Reference data for filing."))
bp.before_request(authenticate)
register_error_handlers(bp)

public_bp = Blueprint("api_public", __name__, url_prefix="/api/v1",
                      description=N_("Public data: no token needed."))
register_error_handlers(public_bp)


@bp.route("/elections", methods=["GET"])
@bp.response(200, schemas.ElectionOut(many=True))
@bp.doc(summary=N_("Elections with their allegation categories"))
def elections() -> Any:
    query = select(Election).order_by(Election.election_day.desc(), Election.id).options(
        selectinload(Election.categories))
    return [{"id": e.id, "code": e.code, "name": e.name, "kind": e.kind.value, "election_day": e.election_day,
             "timezone": e.timezone, "is_active": bool(e.is_active),
             "categories": [{"id": c.id, "code": c.code, "name": c.name} for c in e.categories]}
            for e in db.session.scalars(query)]


@bp.route("/regions", methods=["GET"])
@bp.response(200, schemas.RegionOut(many=True))
@bp.doc(summary=N_("Regions with their districts and precincts"))
def regions() -> Any:
    query = select(Region).order_by(Region.name).options(
        selectinload(Region.districts).selectinload(District.precincts))
    return [{"id": r.id, "code": r.code, "name": r.name, "kind": r.kind.value,
             "districts": [{"id": d.id, "name": d.name,
                            "precincts": [{"id": p.id, "number": p.number, "address": p.address}
                                          for p in d.precincts]} for d in r.districts]}
            for r in db.session.scalars(query)]


@bp.route("/respondents", methods=["GET"])
@bp.arguments(schemas.RespondentArgs, location="query")
@bp.response(200, schemas.RespondentOut(many=True))
@bp.doc(summary=N_("Search the respondent registry"),
        description=N_("Monitors see public figures and bodies only; private persons are listed for staff."))
def respondents(args: dict[str, Any]) -> Any:
    user = api_user()
    query = select(Respondent)
    if not is_staff(user):
        query = query.where(Respondent.is_public.is_(True))
    if args.get("q"):
        typed = args["q"].strip()
        # As typed, or in any script or spelling ("babanov" finds "Өмүрбек Бабанов").
        matches = [Respondent.name_folded.contains(typed.casefold(), autoescape=True)]
        if name_key(typed):
            matches.append(Respondent.name_key.contains(name_key(typed), autoescape=True))
        query = query.where(or_(*matches))
    if args.get("election_id") is not None:
        query = query.where(Respondent.election_id == args["election_id"])
    if args.get("kind") is not None:
        query = query.where(Respondent.kind == args["kind"])
    query = query.order_by(Respondent.name, Respondent.id).limit(args["limit"])
    return [{"id": r.id, "kind": r.kind, "name": r.name, "alternate_names": r.alternates,
             "affiliation": r.affiliation, "party_id": r.party_id,
             "election_id": r.election_id,
             "candidate_status": r.candidate_status.value if r.candidate_status else None,
             "is_public": bool(r.is_public)} for r in db.session.scalars(query)]


@public_bp.route("/stats", methods=["GET"])
@public_bp.arguments(schemas.StatsArgs, location="query")
@public_bp.response(200, schemas.StatsOut)
@public_bp.doc(summary=N_("Public aggregates"), security=[],
               description=N_("The figures of the public dashboard: counts by status, category, region, "
                           "respondent and outcome; no personal data."))
def stats(args: dict[str, Any]) -> Any:
    try:
        from complaints.services.stats import public_stats
    except ImportError:  # pragma: no cover - the dashboard's service ships separately
        current_app.logger.warning("complaints.services.stats is not installed")
        raise ApiError(503, "Statistics are not available yet.", code="unavailable") from None
    election_id = args.get("election_id")
    if election_id is not None and db.session.get(Election, election_id) is None:
        raise ApiError(404, "No such election.", {"election_id": "Unknown election."})
    return jsonify(public_stats(db.session(), election_id=election_id))
