"""An XSS corpus in every free-text field a filer and an intake clerk type, read back on
every page that shows a case (staff, filer, public), and in every search box."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from complaints.models import Complaint
from complaints.services import tokens

PAYLOADS = ['<script>alert("x1")</script>', '"><img src=x onerror=alert("x2")>', "'><svg onload=alert('x3')>",
            "javascript:alert('x4')", '<a href="javascript:alert(5)">x5</a>', "{{7*7}}x6", "</textarea><b>x7</b>"]
RAW_MARKERS = ['<script>alert("x1")', "<img src=x onerror", "<svg onload", 'href="javascript:alert(5)"', "<b>x7</b>"]


def _payload(i: int) -> str:
    return PAYLOADS[i % len(PAYLOADS)]


@pytest.fixture()
def hostile_case(client, session, users):
    """A complaint registered by the intake clerk with a payload in every text field."""
    seed = session.scalars(select(Complaint).where(Complaint.status != "draft")).first()
    token = tokens.create_token(session, users["clerk"], "xss")[1]
    body = {"election_id": seed.election_id, "region_id": seed.region_id, "summary": _payload(0),
            "remedy_sought": _payload(1), "act_description": _payload(2), "place_detail": _payload(3),
            "respondent_ids": [seed.respondents[0].id], "awareness_at": "2017-10-15T09:30:00+06:00",
            "allegations": [{"category_id": seed.allegations[0].category_id, "facts": _payload(4),
                             "legal_provision": _payload(5)}],
            "filer": {"kind": "voter", "name": _payload(6), "address": _payload(0), "phone": "+996 555 000 000",
                      "identity_number": "ID1", "email": "a@example.org"},
            "channel": "paper", "received_at": "2017-10-16T09:30:00+06:00"}
    response = client.post("/api/v1/complaints", json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["registration_number"]


def _clean(html: str, where: str) -> None:
    for marker in RAW_MARKERS:
        assert marker not in html, (where, marker)


def test_payloads_in_every_field_are_escaped_on_every_page(client, auth, hostile_case):
    number = hostile_case
    auth.login("clerk")
    for url in (f"/cases/{number}", f"/cases/{number}/receipt", "/cases", "/dashboard",
                f"/cases?q={PAYLOADS[0]}", f"/cases?q={PAYLOADS[1]}"):
        response = client.get(url)
        assert response.status_code == 200, url
        _clean(response.get_data(as_text=True), url)
    page = client.get(f"/cases/{number}").get_data(as_text=True)
    assert "&lt;script&gt;alert(" in page  # the text is there, as text
    auth.logout()
    for url in (f"/public/cases/{number}", f"/public/register?q={number}", "/public/register", "/public",
                f"/public/register?q={PAYLOADS[1]}", f"/track?number={PAYLOADS[0]}&code={PAYLOADS[1]}"):
        response = client.get(url)
        assert response.status_code < 500, url
        _clean(response.get_data(as_text=True), url)


def test_login_and_track_echo_input_escaped(client):
    for payload in PAYLOADS:
        html = client.post("/login", data={"username": payload, "password": "x"}).get_data(as_text=True)
        _clean(html, "login")
        html = client.post("/track", data={"number": payload, "code": payload}).get_data(as_text=True)
        _clean(html, "track")
