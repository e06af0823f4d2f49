"""What a complaint says: the filing input, its checks, and the tracking code.

Shared by the services that create, edit and submit complaints."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from complaints.db import utcnow
from complaints.enums import (
    ComplaintKind,
    FilerKind,
    Language,
    ReceivingBody,
)
from complaints.models import (
    Allegation,
    Category,
    Complaint,
    ComplaintRespondent,
    Election,
    Respondent,
)
from complaints.services import history

TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_tracking_code() -> str:
    raw = "".join(secrets.choice(TRACKING_ALPHABET) for _i in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def hash_tracking_code(code: str) -> str:
    normalised = code.strip().upper().replace(" ", "").replace("-", "")
    return hashlib.sha256(normalised.encode()).hexdigest()


def tracking_code_matches(case: Complaint, code: str) -> bool:
    if not case.tracking_code_hash or not code:
        return False
    return secrets.compare_digest(case.tracking_code_hash, hash_tracking_code(code))


# --------------------------------------------------------------------------- filing

@dataclass
class AllegationInput:
    category_id: int
    facts: str
    legal_provision: str | None = None


@dataclass
class ComplaintInput:
    """What a filing form or the API hands over. Ids refer to existing records."""

    election_id: int
    kind: ComplaintKind = ComplaintKind.VIOLATION
    summary: str = ""
    remedy_sought: str | None = None
    respondent_ids: list[int] = field(default_factory=list)
    allegations: list[AllegationInput] = field(default_factory=list)
    incident_at: dt.datetime | None = None
    awareness_at: dt.datetime | None = None
    act_date: dt.datetime | None = None
    act_description: str | None = None
    region_id: int | None = None
    district_id: int | None = None
    precinct_id: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    place_detail: str | None = None
    language: Language = Language.RU
    receiving_body: ReceivingBody = ReceivingBody.CEC
    receiving_body_name: str | None = None
    late_reason: str | None = None


CONTENT_FIELDS = ("kind", "summary", "remedy_sought", "incident_at", "awareness_at", "act_date", "act_description",
                  "region_id", "district_id", "precinct_id", "latitude", "longitude", "place_detail", "language",
                  "receiving_body", "receiving_body_name", "late_reason")


def check_references(session: Session, data: ComplaintInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    election = session.get(Election, data.election_id)
    if election is None:
        errors["election_id"] = _("Unknown election.")
        return errors
    if data.respondent_ids:
        found = set(session.scalars(select(Respondent.id).where(Respondent.id.in_(data.respondent_ids))))
        missing = [r for r in data.respondent_ids if r not in found]
        if missing:
            errors["respondent_ids"] = f"Unknown respondent: {missing[0]}."
        if len(set(data.respondent_ids)) != len(data.respondent_ids):
            errors["respondent_ids"] = _("The same respondent is listed twice.")
    for i, a in enumerate(data.allegations):
        cat = session.get(Category, a.category_id)
        if cat is None or cat.election_id != election.id:
            errors[f"allegations-{i}-category_id"] = _("Choose a category of this election.")
    from complaints.models import District, Precinct, Region
    region = session.get(Region, data.region_id) if data.region_id else None
    if data.region_id and region is None:
        errors["region_id"] = _("Unknown region.")
    if data.district_id:
        district = session.get(District, data.district_id)
        if district is None or (region is not None and district.region_id != region.id):
            errors["district_id"] = _("This district is not in the chosen region.")
    if data.precinct_id:
        precinct = session.get(Precinct, data.precinct_id)
        if precinct is None or (data.district_id and precinct.district_id != data.district_id):
            errors["precinct_id"] = _("This precinct is not in the chosen district.")
    if data.latitude is not None and not -90 <= data.latitude <= 90:
        errors["latitude"] = _("Latitude is between -90 and 90.")
    if data.longitude is not None and not -180 <= data.longitude <= 180:
        errors["longitude"] = _("Longitude is between -180 and 180.")
    now = utcnow()
    for name in ("incident_at", "awareness_at", "act_date"):
        value = getattr(data, name)
        if value is not None and value > now + dt.timedelta(minutes=5):
            errors[name] = _("This time is in the future.")
    if data.incident_at and data.awareness_at and data.awareness_at < data.incident_at:
        errors["awareness_at"] = _("You cannot have learned of it before it happened.")
    return errors


def completeness_errors(case: Complaint) -> dict[str, str]:
    """What a complaint must have before it can be received."""
    errors: dict[str, str] = {}
    if case.filer is None:
        errors["filer"] = _("Say who files the complaint.")
    elif case.kind == ComplaintKind.APPEAL and case.filer.kind == FilerKind.ANONYMOUS:
        errors["filer"] = _("An anonymous filer cannot appeal; give the filer's name.")
    if not case.respondent_links:
        errors["respondent_ids"] = _("Name at least one respondent.")
    if not case.allegations:
        errors["allegations"] = _("Add at least one allegation.")
    if not (case.summary or "").strip():
        errors["summary"] = _("Summarise the complaint.")
    if case.kind == ComplaintKind.APPEAL:
        if case.act_date is None:
            errors["act_date"] = _("Give the date of the act appealed against.")
    elif case.awareness_at is None:
        errors["awareness_at"] = _("Say when you learned of it.")
    if case.region_id is None:
        errors["region_id"] = _("Choose the region.")
    return errors


def apply_content(session: Session, case: Complaint, data: ComplaintInput) -> dict[str, Any]:
    """Set the complaint's content from `data`; return what changed (for history)."""
    changes: dict[str, Any] = {}
    for name in CONTENT_FIELDS:
        new = getattr(data, name)
        if isinstance(new, str):
            new = new.strip() or None if name != "summary" else new.strip()
        old = getattr(case, name)
        if old != new:
            changes[name] = {"from": history.jsonable(old), "to": history.jsonable(new)}
            setattr(case, name, new)
    old_respondents = [link.respondent_id for link in case.respondent_links]
    if old_respondents != list(data.respondent_ids):
        changes["respondent_ids"] = {"from": old_respondents, "to": list(data.respondent_ids)}
        case.respondent_links.clear()
        session.flush()
        for pos, rid in enumerate(data.respondent_ids):
            case.respondent_links.append(ComplaintRespondent(respondent_id=rid, position=pos))
    old_allegations = [(a.category_id, a.legal_provision, a.facts) for a in case.allegations]
    new_allegations = [(a.category_id, (a.legal_provision or "").strip() or None, a.facts.strip())
                       for a in data.allegations]
    if old_allegations != new_allegations:
        changes["allegations"] = {"from": [list(a) for a in old_allegations],
                                  "to": [list(a) for a in new_allegations]}
        case.allegations.clear()
        session.flush()
        for pos, (cat, provision, facts) in enumerate(new_allegations):
            case.allegations.append(Allegation(category_id=cat, legal_provision=provision, facts=facts,
                                               position=pos))
    case.primary_category_id = new_allegations[0][0] if new_allegations else None
    case.primary_respondent_id = data.respondent_ids[0] if data.respondent_ids else None
    return changes

