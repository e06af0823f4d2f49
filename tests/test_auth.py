"""Logging in, throttling, the secret key, and who may see a case page."""
from __future__ import annotations

import pytest

from complaints import create_app
from complaints.config import ConfigError
from tests.conftest import TEST_PASSWORD, make_app


def test_login_and_logout(client, auth):
    response = auth.login("clerk")
    assert response.status_code == 302
    assert client.get("/cases/KG2017P-000001").status_code == 200
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert auth.logout().status_code == 302
    assert client.get("/cases/KG2017P-000001").status_code == 302


def test_unknown_user_and_wrong_password_get_the_same_answer(client, auth):
    unknown = auth.login("nobody-at-all", "whatever-password")
    wrong = auth.login("clerk", "wrong-password")
    assert unknown.status_code == wrong.status_code == 200
    assert b"Unknown username or wrong password." in unknown.data
    assert unknown.data.replace(b"nobody-at-all", b"X") == wrong.data.replace(b"clerk", b"X")


def test_login_refuses_an_open_redirect(client):
    response = client.post("/login?next=https://evil.example/", data={"username": "clerk",
                                                                      "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert "evil" not in response.headers["Location"]
    response = client.post("/login?next=//evil.example/x", data={"username": "monitor",
                                                                 "password": TEST_PASSWORD})
    assert "evil" not in response.headers["Location"]


def test_login_is_throttled_per_account_and_address(connection, tmp_path):
    app = make_app(connection, tmp_path, RATELIMIT_ENABLED=True, LOGIN_ATTEMPTS="3 per 15 minutes",
                   RATELIMIT_STORAGE_URI="memory://")
    with app.app_context():
        client = app.test_client()
        for _ in range(3):
            assert client.post("/login", data={"username": "clerk", "password": "bad"}).status_code == 200
        blocked = client.post("/login", data={"username": "clerk", "password": TEST_PASSWORD})
        assert blocked.status_code == 429
        assert b"Too many attempts" in blocked.data
        # Another account from the same address is not locked out by someone guessing "clerk".
        assert client.post("/login", data={"username": "monitor", "password": TEST_PASSWORD}).status_code == 302
        # Unknown accounts are throttled the same way, so the limit reveals nothing.
        for _ in range(3):
            client.post("/login", data={"username": "ghost", "password": "bad"})
        assert client.post("/login", data={"username": "ghost", "password": "bad"}).status_code == 429


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.setenv("COMPLAINTS_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app({"DATABASE_URL": "sqlite://"})


def test_monitor_cannot_see_another_monitors_case(client, auth):
    auth.login("monitor2")
    # KG2017P-000001 was filed by `monitor`.
    assert client.get("/cases/KG2017P-000001").status_code == 404
    assert client.get("/cases/KG2017P-999999").status_code == 404


def test_monitor_sees_own_case_without_internal_notes(client, auth):
    auth.login("monitor")
    page = client.get("/cases/KG2017P-000001")
    assert page.status_code == 200
    # The investigator's evidence request is internal; the filer does not see it or staff names.
    assert "названия ведомств".encode() not in page.data
    assert b"Internal notes" not in page.data
    assert b"Daniyar Investigator" not in page.data
    auth.logout()
    auth.login("investigator")
    staff_page = client.get("/cases/KG2017P-000001")
    assert "названия ведомств".encode() in staff_page.data


def test_case_page_shows_parties_deadlines_history(client, auth):
    auth.login("commissioner")
    page = client.get("/cases/KG2017P-000002").get_data(as_text=True)
    for expected in ("Сооронбай Жээнбеков", "Campaigning at prohibited places", "Deadlines", "History",
                     "Evidence", "upheld", "removal of material"):
        assert expected in page, expected


def test_pages_need_login(client):
    response = client.get("/cases/KG2017P-000001")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_passwords_are_argon2_at_default_cost(app):
    from complaints.security import hash_password, verify_password

    app.config["PASSWORD_HASH_CHEAP"] = False
    hashed = hash_password("correct horse battery")
    assert hashed.startswith("$argon2id$") and "m=65536" in hashed
    assert verify_password(hashed, "correct horse battery")
    assert not verify_password(hashed, "wrong")
    assert not verify_password("not-a-hash", "anything")
