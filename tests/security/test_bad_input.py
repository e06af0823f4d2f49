"""The bad-input corpus (finding 15): every one answers a clear 4xx or the page, never a 500."""
from __future__ import annotations

import pytest

DATES = ["9999-12-31", "0001-01-01", "10000-01-01", "2017-02-30", "-1-01-01", "2017-13-01", "\x00"]

PUBLIC_GETS = ([f"/public/register?from={d}" for d in DATES] + [f"/public/register?to={d}" for d in DATES]
               + [f"/public/register.json?from={d}&to={d}" for d in DATES]
               + [f"/public/register.csv?to={d}" for d in DATES]
               + [f"/public?start={d}&end={d}" for d in DATES] + [f"/public?start={d}" for d in DATES]
               + ["/public/register?before=99999999999999999999", "/public/register?before=-1",
                  "/public/register.json?after=99999999999999999999", "/public/register?q=%00",
                  "/public/register?region=99999999999999999999", "/public?region=99999999999999999999",
                  "/public?category=-5", "/public?election=1e99", "/public/cases/%00",
                  "/track?number=%00&code=%00"])

STAFF_GETS = ([f"/dashboard?start={d}&end={d}" for d in DATES] + [f"/dashboard?end={d}" for d in DATES]
              + ["/cases?after=99999999999999999999", "/cases?after=-3", "/cases?after=abc",
                 "/cases?after=9223372036854775808", "/cases?before=99999999999999999999",
                 "/cases?q=%00", "/cases?assignee=99999999999999999999", "/cases?region=%00",
                 "/dashboard/data.json?start=9999-12-31"])

API_GETS = ["/api/v1/complaints?cursor=99999999999999999999", "/api/v1/complaints?cursor=-1",
            "/api/v1/complaints?cursor=%00", "/api/v1/complaints?cursor=eyJpZCI6IDk5OTk5OTk5OTk5OTk5OTk5OTk5fQ==",
            "/api/v1/complaints?after=99999999999999999999", "/api/v1/complaints?q=%00",
            "/api/v1/complaints?received_from=9999-12-31T00:00:00%2B06:00"]


@pytest.mark.parametrize("url", PUBLIC_GETS)
def test_public_pages_never_answer_500(client, url):
    response = client.get(url)
    body = response.get_data()
    assert response.status_code < 500, (url, body[:300])


@pytest.mark.parametrize("url", STAFF_GETS)
def test_staff_pages_never_answer_500(client, auth, url):
    auth.login("clerk")
    response = client.get(url)
    response.get_data()
    assert response.status_code < 500, url


@pytest.mark.parametrize("url", API_GETS)
def test_api_never_answers_500(client, session, users, url):
    from complaints.services import tokens

    token = tokens.create_token(session, users["clerk"], "t")[1]
    response = client.get(url, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 500, (url, response.get_data()[:300])


NUL_POSTS = [("/login", {"username": "clerk\x00", "password": "x"}),
             ("/login", {"username": "clerk", "password": "x\x00y"}),
             ("/track", {"number": "KG2017P-000001\x00", "code": "abc"}),
             ("/track", {"number": "KG2017P-000001", "code": "a\x00"})]


@pytest.mark.parametrize("url,data", NUL_POSTS)
def test_nul_bytes_in_anonymous_forms_are_refused_clearly(client, url, data):
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert b"NUL" in response.data or b"control character" in response.data
