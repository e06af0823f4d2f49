"""/admin: elections, categories, bodies, accounts, tokens; admin only; every change in the chain."""
from __future__ import annotations

import datetime as dt

import pytest
from flask import g
from sqlalchemy import select

from complaints.lifecycle import Action, State
from complaints.models import ApiToken, CaseHistory, Category, Election, Respondent, TransferTarget, User
from complaints.services import history
from complaints.services.tokens import create_token
from tests.workflow_helpers import case_in_state, post_action

ELECTION = {"code": "KG2027P", "name": "Presidential election 2027", "name_ru": "Выборы Президента 2027",
            "name_ky": "Президенттик шайлоо 2027", "kind": "presidential", "election_day": "2027-01-15",
            "timezone": "Asia/Bishkek", "is_active": "y", "filing_days": "3", "cure_days": "1", "reply_days": "2",
            "decision_days": "3", "election_day_decision_hours": "24", "appeal_days": "3"}


def as_next_request(client, method, path, **kw):
    """A served request starts without Flask-Login's cached user; the test app context
    outlives requests and keeps it in `g`, so drop it first."""
    g.pop("_login_user", None)
    g.pop("api_user", None)
    return getattr(client, method)(path, **kw)


def login_as(client, auth, username):
    auth.logout()
    assert auth.login(username).status_code == 302


def admin_rows(session, subject):
    return list(session.scalars(select(CaseHistory).where(CaseHistory.subject == subject)
                                .order_by(CaseHistory.seq)))


@pytest.mark.parametrize("who,status", [("clerk", 403), ("monitor", 403), ("commissioner", 403)])
def test_only_admins(client, auth, who, status):
    auth.login(who)
    for path in ("/admin/", "/admin/users", "/admin/tokens", "/admin/bodies", "/admin/elections/new"):
        assert client.get(path).status_code == status
    assert client.post("/admin/users/1/disable").status_code == status


def test_anonymous_is_sent_to_login(client):
    response = client.get("/admin/users")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_election_with_categories(client, auth, session, users):
    auth.login("admin")
    response = client.post("/admin/elections/new", data=ELECTION)
    assert response.status_code == 302, response.text
    election = session.scalar(select(Election).where(Election.code == "KG2027P"))
    assert election.name_in("ky") == "Президенттик шайлоо 2027" and election.is_active
    assert election.election_day == dt.date(2027, 1, 15)
    [row] = admin_rows(session, f"election:{election.id}")
    assert row.action == "election_created" and row.actor_id == users["admin"].id

    for code, pos in (("vote_buying", 1), ("pressure", 2)):
        response = client.post(f"/admin/elections/{election.id}/categories/new",
                               data={"code": code, "name": code.title(), "name_ru": "Подкуп", "name_ky": "Сатып алуу",
                                     "legal_basis": "Art. 43", "position": str(pos)})
        assert response.status_code == 302, response.text
    cats = session.scalars(select(Category).where(Category.election_id == election.id)
                           .order_by(Category.position)).all()
    assert [c.code for c in cats] == ["vote_buying", "pressure"] and cats[0].legal_basis == "Art. 43"

    # The same code twice is a form error, not a 500; nothing written.
    response = client.post(f"/admin/elections/{election.id}/categories/new",
                           data={"code": "vote_buying", "name": "Again", "position": "3"})
    assert response.status_code == 422 and "already has a category" in response.text

    # Retire: kept, marked, out of the filing choices; in the chain.
    assert client.post(f"/admin/categories/{cats[0].id}/retire").status_code == 302
    session.refresh(cats[0])
    assert cats[0].retired_at is not None
    assert [r.action for r in admin_rows(session, f"category:{cats[0].id}")] == ["category_created",
                                                                                "category_retired"]
    assert history.verify(session).ok

    # Changing the settings is recorded with old and new values.
    response = client.post(f"/admin/elections/{election.id}", data=dict(ELECTION, cure_days="2", is_active=""))
    assert response.status_code == 302
    session.refresh(election)
    assert election.cure_days == 2 and not election.is_active
    change = admin_rows(session, f"election:{election.id}")[-1]
    assert change.payload["changes"]["cure_days"] == [1, 2]
    assert change.payload["changes"]["is_active"] == [True, False]


def test_bad_election_input_is_a_form_error(client, auth):
    auth.login("admin")
    response = client.post("/admin/elections/new", data=dict(ELECTION, timezone="Mars/Olympus", filing_days="0"))
    assert response.status_code == 422
    assert "time zone" in response.text


def test_transfer_bodies_are_configured_and_retired_not_deleted(client, auth, session):
    auth.login("admin")
    response = client.post("/admin/bodies/new", data={"code": "osh_city_court", "kind": "court",
                                                      "name": "Osh city court", "name_ru": "Ошский городской суд",
                                                      "name_ky": "Ош шаардык соту", "position": "10"})
    assert response.status_code == 302, response.text
    body = session.scalar(select(TransferTarget).where(TransferTarget.code == "osh_city_court"))
    assert body.kind.value == "court"
    # The transfer action offers it and records it.
    auth.logout()
    case = case_in_state(session, State.SUBMITTED)
    login_as(client, auth, "clerk")
    page = client.get(f"/cases/{case.registration_number}")
    assert "Osh city court" in page.text
    post_action(client, case, Action.TRANSFER, transfer_to="osh_city_court", note="competent court")
    session.refresh(case)
    assert case.status == State.TRANSFERRED and case.transferred_to == "osh_city_court"
    # Retired: the case keeps it, new transfers cannot choose it, and its code cannot change.
    auth.logout()
    auth.login("admin")
    assert client.post(f"/admin/bodies/{body.id}/retire").status_code == 302
    response = client.post(f"/admin/bodies/{body.id}", data={"code": "renamed", "kind": "court",
                                                             "name": "Osh court", "position": "10"})
    assert response.status_code == 422 and "cannot change" in response.text
    session.refresh(case)
    assert case.transfer_target.name == "Osh city court"
    other = case_in_state(session, State.SUBMITTED)
    auth.logout()
    login_as(client, auth, "clerk")
    response = post_action(client, other, Action.TRANSFER, transfer_to="osh_city_court")
    session.refresh(other)
    assert other.status == State.SUBMITTED and response.status_code == 422


def test_create_clerk_with_affiliation(client, auth, session):
    auth.login("admin")
    party = session.scalar(select(Respondent).where(Respondent.kind == "party").limit(1))
    response = client.post("/admin/users/new", data={"username": "clerk_new", "full_name": "New Clerk",
                                                     "role": "clerk", "affiliation_id": str(party.id),
                                                     "phone": "+996 555 12-34-56", "email": "c@example.org"})
    assert response.status_code == 200 and 'id="one-time-password"' in response.text
    user = session.scalar(select(User).where(User.username == "clerk_new"))
    assert user.affiliation_id == party.id and user.phone == "+996555123456"
    [row] = admin_rows(session, f"user:{user.id}")
    assert row.action == "user_created" and "password" not in str(row.payload)
    password = response.text.split('id="one-time-password">')[1].split("<")[0]
    auth.logout()
    assert auth.login("clerk_new", password).status_code == 302


def test_duplicate_phone_and_bad_phone(client, auth, users, session):
    auth.login("admin")
    users["monitor"].phone = "+996700000001"
    session.flush()
    base = {"full_name": "X", "role": "monitor"}
    r = client.post("/admin/users/new", data=dict(base, username="m3", phone="+996 700 000 001"))
    assert r.status_code == 422 and "Another account has this number" in r.text
    r = client.post("/admin/users/new", data=dict(base, username="m3", phone="call me"))
    assert r.status_code == 422


def test_disabling_ends_the_open_session_at_the_next_request(app, client, auth, users, session):
    clerk_client = app.test_client()
    assert clerk_client.post("/login", data={"username": "clerk", "password": "test-password-123"}).status_code == 302
    assert clerk_client.get("/cases").status_code == 200
    g.pop("_login_user", None)
    auth.login("admin")
    assert client.post(f"/admin/users/{users['clerk'].id}/disable").status_code == 302
    response = as_next_request(clerk_client, "get", "/cases")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert admin_rows(session, f"user:{users['clerk'].id}")[-1].action == "user_disabled"


def test_disabling_ends_its_tokens_at_the_next_request(app, client, auth, users, session):
    record, token = create_token(session, users["clerk"], "integration")
    api = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/v1/complaints", headers=headers).status_code == 200
    auth.login("admin")
    assert as_next_request(client, "post", f"/admin/users/{users['clerk'].id}/disable").status_code == 302
    session.refresh(record)
    assert record.revoked_at is not None
    assert as_next_request(api, "get", "/api/v1/complaints", headers=headers).status_code == 401


def test_enabling_again_does_not_bring_a_revoked_token_back(app, client, auth, users, session):
    _record, token = create_token(session, users["clerk"], "integration")
    auth.login("admin")
    assert as_next_request(client, "post", f"/admin/users/{users['clerk'].id}/disable").status_code == 302
    assert as_next_request(client, "post", f"/admin/users/{users['clerk'].id}/enable").status_code == 302
    session.refresh(users["clerk"])
    assert users["clerk"].is_active
    response = as_next_request(app.test_client(), "get", "/api/v1/complaints",
                               headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_a_changed_role_ends_session_and_tokens(app, client, auth, users, session):
    _record, token = create_token(session, users["investigator"])
    inv = app.test_client()
    inv.post("/login", data={"username": "investigator", "password": "test-password-123"})
    assert inv.get("/cases").status_code == 200
    g.pop("_login_user", None)
    auth.login("admin")
    data = {"full_name": "Inv", "role": "monitor", "affiliation_id": "", "email": "", "phone": "", "locale": ""}
    assert client.post(f"/admin/users/{users['investigator'].id}", data=data).status_code == 302
    row = admin_rows(session, f"user:{users['investigator'].id}")[-1]
    assert row.payload["changes"]["role"] == ["investigator", "monitor"] and row.payload["tokens_revoked"]
    assert as_next_request(inv, "get", "/cases").status_code == 302
    assert as_next_request(inv, "get", "/api/v1/complaints",
                           headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_password_reset_signs_out_and_new_password_works(app, client, auth, users):
    other = app.test_client()
    other.post("/login", data={"username": "clerk", "password": "test-password-123"})
    auth.login("admin")
    response = client.post(f"/admin/users/{users['clerk'].id}/password")
    password = response.text.split('id="one-time-password">')[1].split("<")[0]
    assert as_next_request(other, "get", "/cases").status_code == 302
    assert other.post("/login", data={"username": "clerk", "password": password}).status_code == 302


def test_admin_cannot_disable_itself(client, auth, users, session):
    auth.login("admin")
    client.post(f"/admin/users/{users['admin'].id}/disable")
    session.refresh(users["admin"])
    assert users["admin"].is_active


def test_tokens_list_and_revoke(client, auth, users, session):
    record, _token = create_token(session, users["monitor"], "phone app")
    auth.login("admin")
    page = client.get("/admin/tokens")
    assert record.prefix in page.text
    assert client.post(f"/admin/tokens/{record.id}/revoke").status_code == 302
    session.refresh(record)
    assert record.revoked_at is not None
    assert admin_rows(session, f"api_token:{record.id}")[0].action == "token_revoked"
    assert session.get(ApiToken, record.id) is not None


def test_every_admin_page_renders(client, auth, users, session):
    auth.login("admin")
    election = session.scalar(select(Election).limit(1))
    category = election.categories[0]
    body = session.scalar(select(TransferTarget).limit(1))
    for path in ("/admin/", "/admin/users", "/admin/tokens", "/admin/bodies", "/admin/bodies/new",
                 "/admin/elections/new", f"/admin/elections/{election.id}", f"/admin/categories/{category.id}",
                 f"/admin/elections/{election.id}/categories/new", f"/admin/bodies/{body.id}",
                 "/admin/users/new", f"/admin/users/{users['clerk'].id}"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "<script>" not in response.text and " style=" not in response.text, path
    assert client.get("/admin/users/999999").status_code == 404
