"""An anonymous complaint does not name its filer to staff through the history (finding 3)."""
from __future__ import annotations

from sqlalchemy import select

from complaints.enums import FilerKind
from complaints.models import CaseHistory, Complaint, Filer
from complaints.services import cases as svc
from complaints.services import tokens


def _anonymous_case(session, users):
    seed_case = session.scalars(select(Complaint).where(Complaint.status != "draft")).first()
    filer = Filer(kind=FilerKind.ANONYMOUS, user_id=users["monitor"].id)
    session.add(filer)
    session.flush()
    data = svc.ComplaintInput(election_id=seed_case.election_id, summary="anonymous report", kind="violation",
                              respondent_ids=[seed_case.respondents[0].id],
                              allegations=[svc.AllegationInput(category_id=seed_case.allegations[0].category_id,
                                                               facts="f")],
                              awareness_at=seed_case.awareness_at, region_id=seed_case.region_id)
    case, _code = svc.file_complaint(session, data, filer=filer, actor=users["monitor"])
    return case


def test_staff_do_not_read_the_anonymous_filers_name_in_the_history(client, auth, session, users):
    case = _anonymous_case(session, users)
    name = users["monitor"].display_name
    rows = session.scalars(select(CaseHistory).where(CaseHistory.complaint_id == case.id)).all()
    assert any(r.actor_name == name for r in rows)  # stored for the chain, shown to nobody
    auth.login("clerk")
    page = client.get(f"/cases/{case.registration_number}").get_data(as_text=True)
    assert name not in page and "anonymous filer" in page
    token = tokens.create_token(session, users["clerk"], "t")[1]
    body = client.get(f"/api/v1/complaints/{case.registration_number}",
                      headers={"Authorization": f"Bearer {token}"}).get_data(as_text=True)
    assert name not in body and "anonymous filer" in body


def test_named_filers_still_show_to_staff(client, auth, session, users):
    auth.login("clerk")
    page = client.get("/cases/KG2017P-000001").get_data(as_text=True)
    assert users["monitor"].display_name in page
