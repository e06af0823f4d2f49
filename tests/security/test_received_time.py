"""A clerk cannot set a complaint's received time before the incident (finding 14)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from complaints.enums import Channel, FilerKind
from complaints.models import Complaint, Filer
from complaints.services import cases as svc
from complaints.services.errors import ValidationError


def _input(seed, **kw):
    return svc.ComplaintInput(election_id=seed.election_id, summary="s", region_id=seed.region_id,
                              respondent_ids=[seed.respondents[0].id],
                              allegations=[svc.AllegationInput(category_id=seed.allegations[0].category_id, facts="f")],
                              **kw)


@pytest.mark.parametrize("field", ["incident_at", "awareness_at"])
def test_received_before_the_facts_is_refused(session, users, field):
    seed = session.scalars(select(Complaint).where(Complaint.status != "draft")).first()
    awareness = dt.datetime(2017, 10, 15, 4, 0, tzinfo=dt.UTC)
    kw = {"awareness_at": awareness}
    if field == "incident_at":
        kw["incident_at"] = awareness
    filer = Filer(kind=FilerKind.VOTER, name="Paper Filer", identity_number="ID9", address="a", phone="1")
    session.add(filer)
    session.flush()
    with pytest.raises(ValidationError) as refused:
        svc.file_complaint(session, _input(seed, **kw), filer=filer, actor=users["clerk"], channel=Channel.PAPER,
                           received_at=awareness - dt.timedelta(days=30))
    assert "received_at" in refused.value.fields


def test_received_after_the_facts_is_accepted(session, users):
    seed = session.scalars(select(Complaint).where(Complaint.status != "draft")).first()
    awareness = dt.datetime(2017, 10, 15, 4, 0, tzinfo=dt.UTC)
    filer = Filer(kind=FilerKind.VOTER, name="Paper Filer", identity_number="ID9", address="a", phone="1")
    session.add(filer)
    session.flush()
    case, _code = svc.file_complaint(session, _input(seed, awareness_at=awareness, incident_at=awareness),
                                     filer=filer, actor=users["clerk"], channel=Channel.PAPER,
                                     received_at=awareness + dt.timedelta(hours=2))
    assert case.received_at == awareness + dt.timedelta(hours=2)
