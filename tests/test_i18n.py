"""Languages: the switch (account, session, Accept-Language, English), `<html lang>`, and
times and labels in the request's language."""
from __future__ import annotations

import datetime as dt
import re

from flask_babel import force_locale
from sqlalchemy import select

from complaints.models import User


def html_lang(page: str) -> str:
    match = re.search(r'<html lang="([^"]+)">', page)
    assert match, "no <html lang>"
    return match.group(1)


def test_english_is_the_fallback(client):
    assert html_lang(client.get("/").get_data(as_text=True)) == "en"
    page = client.get("/", headers={"Accept-Language": "de-DE,fr;q=0.8"}).get_data(as_text=True)
    assert html_lang(page) == "en"


def test_anonymous_visitors_get_accept_language(client):
    assert html_lang(client.get("/", headers={"Accept-Language": "ky-KG,ru;q=0.8"}).get_data(as_text=True)) == "ky"
    assert html_lang(client.get("/", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.8"}).get_data(as_text=True)) == "ru"


def test_the_switch_is_remembered_for_the_session_over_accept_language(client):
    response = client.post("/lang/ky", data={"next": "/public"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/public")
    page = client.get("/public", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert html_lang(page) == "ky"


def test_unknown_language_is_404_and_changes_nothing(client):
    client.post("/lang/ru")
    assert client.post("/lang/xx").status_code == 404
    assert html_lang(client.get("/").get_data(as_text=True)) == "ru"


def test_the_choice_is_stored_on_the_account_and_follows_it_to_a_new_session(app, client, auth, session):
    auth.login("clerk")
    client.post("/lang/ru")
    clerk = session.scalar(select(User).where(User.username == "clerk"))
    assert clerk.locale == "ru"
    other = app.test_client()
    response = other.post("/login", data={"username": "clerk", "password": "test-password-123"})
    assert response.status_code == 302, response.get_data(as_text=True)
    # The account's choice wins over the browser's and over nothing chosen in this session.
    assert html_lang(other.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)) == "ru"


def test_times_read_in_the_election_zone_with_the_zone_named(app):
    from complaints.web.filters import day, when

    late_evening_utc = dt.datetime(2017, 12, 1, 19, 30, tzinfo=dt.UTC)  # 2 Dec, 01:30 in Bishkek
    with app.test_request_context():
        with force_locale("ru"):
            assert when(late_evening_utc) == "2 дек. 2017\u202fг., 01:30 (Бишкек, UTC+6)"
            # The register's ISO strings read the same as the receipt's datetimes.
            assert day(late_evening_utc.isoformat()) == "2 дек. 2017\u202fг."
        with force_locale("en"):
            assert when(late_evening_utc, seconds=True) == "Dec 2, 2017, 01:30:00 (Bishkek, UTC+6)"


def test_form_errors_in_kyrgyz(client):
    client.post("/lang/ky")
    page = client.post("/login", data={"username": "", "password": ""}).get_data(as_text=True)
    assert "Милдеттүү талаа." in page and "This field is required." not in page


def test_service_errors_in_the_request_language(app):
    from complaints.lifecycle import Action, State, TransitionError, check

    with app.test_request_context(headers={"Accept-Language": "ru"}):
        try:
            check(State.CLOSED, Action.DECIDE, {"commissioner"})
        except TransitionError as exc:
            assert "невозможно" in exc.message and "закрыто" in exc.message
        else:
            raise AssertionError("deciding a closed case was allowed")
