"""Who sees what: confidential evidence (finding 7, and recused staff for its evidence
part, finding 8) and private respondents by id guessing (finding 2)."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from complaints.lifecycle import State
from complaints.models import Complaint, ComplaintRespondent, Filer, Respondent
from complaints.services import evidence_store as es
from complaints.services import tokens
from tests import evidence_files as ef


@pytest.fixture()
def own_case(session, users):
    return session.scalars(select(Complaint).join(Filer, Complaint.filer_id == Filer.id)
                           .where(Filer.user_id == users["monitor"].id, Complaint.status == State.UNDER_EXAMINATION)
                           .order_by(Complaint.id)).first()


@pytest.fixture()
def statement(app, session, users, own_case):
    """A witness statement the investigator attached: confidential."""
    return es.intake_file(session, own_case, io.BytesIO(ef.pdf("witness statement")), "witness.pdf",
                          actor=users["investigator"], evidence_dir=app.config["EVIDENCE_DIR"],
                          max_file=10**6, max_case=10**8)


def test_the_filer_neither_lists_nor_downloads_confidential_evidence(client, auth, own_case, statement):
    assert own_case is not None and statement.confidential
    url = f"/cases/{own_case.registration_number}/evidence/{statement.id}"
    auth.login("monitor")
    assert "witness.pdf" not in client.get(f"/cases/{own_case.registration_number}").get_data(as_text=True)
    assert client.post(url).status_code == 404
    auth.logout()
    auth.login("clerk")
    assert "witness.pdf" in client.get(f"/cases/{own_case.registration_number}").get_data(as_text=True)
    response = client.post(url)
    assert response.status_code == 200
    response.close()


def test_the_filer_still_gets_what_they_sent(app, client, auth, session, users, own_case):
    mine = es.intake_file(session, own_case, io.BytesIO(ef.png(salt=b"mine")), "mine.png", actor=users["monitor"],
                          evidence_dir=app.config["EVIDENCE_DIR"], max_file=10**6, max_case=10**8)
    auth.login("monitor")
    response = client.post(f"/cases/{own_case.registration_number}/evidence/{mine.id}")
    assert response.status_code == 200
    response.close()


def test_the_api_leaves_confidential_evidence_out_for_the_filer(client, session, users, own_case, statement):
    monitor = tokens.create_token(session, users["monitor"], "t")[1]
    clerk = tokens.create_token(session, users["clerk"], "t")[1]
    url = f"/api/v1/complaints/{own_case.registration_number}"
    as_filer = client.get(url, headers={"Authorization": f"Bearer {monitor}"}).get_json()
    as_clerk = client.get(url, headers={"Authorization": f"Bearer {clerk}"}).get_json()
    assert statement.id not in [e["id"] for e in as_filer["evidence"]]
    assert statement.id in [e["id"] for e in as_clerk["evidence"]]


def test_recused_staff_do_not_see_confidential_evidence(client, auth, session, users, own_case, statement):
    clerk = users["clerk"]
    clerk.affiliation_id = own_case.respondents[0].id
    session.flush()
    auth.login("clerk")
    assert client.post(f"/cases/{own_case.registration_number}/evidence/{statement.id}").status_code == 404


def _private_respondent_of_another(session, users):
    """A private person named only in cases `monitor` cannot see."""
    mine = select(Complaint.id).join(Filer, Complaint.filer_id == Filer.id).where(
        (Filer.user_id == users["monitor"].id) | (Complaint.created_by_id == users["monitor"].id))
    return session.scalar(select(Respondent).join(ComplaintRespondent)
                          .where(Respondent.is_public.is_(False), ComplaintRespondent.complaint_id.not_in(mine))
                          .where(Respondent.id.not_in(select(ComplaintRespondent.respondent_id)
                                                      .where(ComplaintRespondent.complaint_id.in_(mine))))
                          .limit(1))


def test_a_monitor_cannot_name_a_private_person_by_guessing_ids(client, session, users, own_case):
    private = _private_respondent_of_another(session, users)
    assert private is not None
    token = tokens.create_token(session, users["monitor"], "t")[1]
    body = {"election_id": own_case.election_id, "summary": "guessing", "region_id": own_case.region_id,
            "respondent_ids": [private.id],
            "allegations": [{"category_id": own_case.allegations[0].category_id, "facts": "f"}],
            "awareness_at": "2017-10-15T09:30:00+06:00"}
    response = client.post("/api/v1/complaints", json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422, response.get_data(as_text=True)
    assert "respondent_ids" in response.get_json()["error"]["fields"]


def test_the_receipt_masks_private_respondents(app, session, users, own_case):
    from flask import render_template
    from flask_login import login_user

    private = _private_respondent_of_another(session, users)
    with app.test_request_context("/"):
        login_user(users["monitor"])
        html = render_template("monitor/receipt.html", case=_with_respondent(session, own_case, private),
                               code="ABCD-EFGH")
    assert private.name not in html and "private person" in html


def _with_respondent(session, case, respondent):
    session.add(ComplaintRespondent(complaint_id=case.id, respondent_id=respondent.id))
    session.flush()
    session.refresh(case)
    return case
