"""The filing form's choices (elections, places, respondents) and filling it from a case."""
from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from complaints import labels
from complaints.db import db
from complaints.forms.filing import FilingForm, IntakeForm, choice, opt_int, to_local
from complaints.models import Complaint, District, Election, Precinct, Region, Respondent
from complaints.services import cases as svc
from complaints.services import filing
from complaints.web.filters import named


def open_elections() -> list[Election]:
    return list(db.session.scalars(select(Election).where(Election.is_active.is_(True))
                                   .order_by(Election.election_day.desc(), Election.id)))


def place_choices() -> tuple[list[Any], list[Any], list[Any]]:
    regions = db.session.scalars(select(Region).order_by(Region.name)).all()
    districts = db.session.execute(select(District.id, District.name, District.region_id, Region.name)
                                   .join(Region).order_by(Region.name, District.name)).all()
    precincts = db.session.execute(select(Precinct.id, Precinct.number, Precinct.district_id, District.name)
                                   .join(District).order_by(Precinct.number)).all()
    blank = choice("", "—")
    return ([blank] + [choice(r.id, r.name) for r in regions],
            [blank] + [choice(d_id, f"{name} ({rname})", {"data-region": str(rid)})
                       for d_id, name, rid, rname in districts],
            [blank] + [choice(p_id, f"{number} ({dname})", {"data-district": str(did)})
                       for p_id, number, did, dname in precincts])


def respondent_label(r: Respondent) -> str:
    extra = labels.label(r.kind)
    if r.affiliation:
        extra += f", {r.affiliation}"
    return f"{r.name} ({extra})"


def setup_choices(form: FilingForm, election: Election | None, case: Complaint | None = None) -> None:
    elections = open_elections()
    form.election_id.choices = [choice("", "—")] + [choice(e.id, named(e)) for e in elections]
    if election is not None and election not in elections:
        form.election_id.choices.append(choice(election.id, named(election)))
    staff = current_user.is_staff
    registry = db.session.scalars(filing.registry_query(election.id if election else None, include_private=staff)
                                  .order_by(Respondent.name_folded).limit(2000)).all()
    if case is not None:
        known = {r.id for r in registry}
        registry = list(registry) + [r for r in case.respondents if r.id not in known]
    respondent_choices = [choice("", _("— choose from the registry —"))] + \
        [choice(r.id, respondent_label(r)) for r in registry]
    for entry in form.respondents:
        entry.form.respondent_id.choices = respondent_choices
    # A retired category stays on the cases that cite it and leaves the choices of new ones.
    cited = {a.category_id for a in case.allegations} if case is not None else set()
    categories = [c for c in (election.categories if election else []) if c.retired_at is None or c.id in cited]
    category_choices = [choice("", "—")] + [choice(c.id, named(c)) for c in categories]
    for entry in form.allegations:
        entry.form.category_id.choices = category_choices
    form.region_id.choices, form.district_id.choices, form.precinct_id.choices = place_choices()


def chosen_election(form: FilingForm) -> Election | None:
    election_id = opt_int(form.election_id.data if form.election_id.data is not None
                          else request.form.get("election_id"))
    if not election_id or election_id < 0:
        return None
    election = db.session.get(Election, election_id)
    return election if election is not None and election.is_active else None


# --------------------------------------------------------------------------- form <-> case

def fill_from_case(form: FilingForm, case: Complaint) -> None:
    """Put a saved draft (or deficient case) into the form for editing."""
    zone = case.election.timezone
    form.draft_id.data = str(case.id)
    form.version.data = str(case.version)
    form.election_id.data = case.election_id
    form.kind.data = str(case.kind)
    for name in ("summary", "remedy_sought", "place_detail", "act_description", "late_reason", "latitude",
                 "longitude", "region_id", "district_id", "precinct_id"):
        getattr(form, name).data = getattr(case, name)
    form.language.data = str(case.language)
    form.incident_at.data = to_local(case.incident_at, zone)
    form.awareness_at.data = to_local(case.awareness_at, zone)
    form.act_date.data = to_local(case.act_date, zone)
    while len(form.respondents) > 0:
        form.respondents.pop_entry()
    for r in case.respondents:
        form.respondents.append_entry({"respondent_id": r.id})
    if not case.respondents:
        form.respondents.append_entry()
    while len(form.allegations) > 0:
        form.allegations.pop_entry()
    for a in case.allegations:
        form.allegations.append_entry({"category_id": a.category_id, "legal_provision": a.legal_provision,
                                       "facts": a.facts})
    if not case.allegations:
        form.allegations.append_entry()
    own = None if current_user.is_staff else svc.resolve_filer_for(db.session, current_user)
    if case.filer is not None and (form.typed_filer or case.filer is not own):
        form.on_behalf.data = not isinstance(form, IntakeForm)
        f = case.filer
        form.filer.form.process(data={"kind": str(f.kind), "name": f.name, "identity_number": f.identity_number,
                                      "address": f.address, "phone": f.phone, "email": f.email,
                                      "organisation": f.organisation, "accreditation_number": f.accreditation_number,
                                      "consent_to_contact": f.consent_to_contact})
    if isinstance(form, IntakeForm):
        form.channel.data = str(case.channel)
