"""Sessions and logging in: findings 10, 11, 20 and 21 of the hostile-election review."""
from __future__ import annotations

from flask import g
from sqlalchemy import select

from complaints.db import db
from complaints.models import User
from complaints.security import end_sessions
from tests.conftest import TEST_PASSWORD, make_app


def _forget_cached_user() -> None:
    """The test app context outlives a request, and Flask-Login caches the user in `g`
    there; a served request starts without it."""
    g.pop("_login_user", None)


def _copy_cookie(source, target) -> None:
    cookie = source.get_cookie("session")
    assert cookie is not None
    target.set_cookie("session", cookie.value)


def test_logout_ends_a_copied_session_cookie(app, client, auth):
    assert auth.login("clerk").status_code == 302
    thief = app.test_client()
    _copy_cookie(client, thief)
    assert thief.get("/cases").status_code == 200
    auth.logout()
    assert thief.get("/cases").status_code == 302


def test_end_sessions_signs_out_every_device(app, session, auth, client):
    auth.login("clerk")
    other = app.test_client()
    other.post("/login", data={"username": "clerk", "password": TEST_PASSWORD})
    assert client.get("/cases").status_code == 200 and other.get("/cases").status_code == 200
    clerk = session.scalar(select(User).where(User.username == "clerk"))
    end_sessions(clerk)
    session.flush()
    _forget_cached_user()
    assert client.get("/cases").status_code == 302
    assert other.get("/cases").status_code == 302
    # Signing in again works, with the new generation.
    assert auth.login("clerk").status_code == 302
    assert client.get("/cases").status_code == 200


def test_a_disabled_account_is_signed_out_at_once(session, auth, client):
    auth.login("clerk")
    clerk = session.scalar(select(User).where(User.username == "clerk"))
    clerk.is_active = False
    session.flush()
    _forget_cached_user()
    assert client.get("/cases").status_code == 302


def test_a_session_of_the_old_id_form_is_refused(client, users):
    with client.session_transaction() as sess:
        sess["_user_id"] = str(users["clerk"].id)
    assert client.get("/cases").status_code == 302


def test_failed_logins_with_many_names_do_not_lock_out_the_address(connection, tmp_path):
    app = make_app(connection, tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    with app.app_context():
        client = app.test_client()
        for i in range(40):
            response = client.post("/login", data={"username": f"guess{i}", "password": "bad"})
            assert response.status_code == 200
        assert client.post("/login", data={"username": "clerk", "password": TEST_PASSWORD}).status_code == 302
    db.session.remove()


def test_address_limit_counts_failures_per_forwarded_client(connection, tmp_path):
    app = make_app(connection, tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                   LOGIN_ADDRESS_ATTEMPTS="3 per 15 minutes", TRUSTED_PROXY_HOPS=1)
    with app.app_context():
        client = app.test_client()
        behind = {"X-Forwarded-For": "203.0.113.7"}
        for i in range(3):
            client.post("/login", data={"username": f"guess{i}", "password": "bad"}, headers=behind)
        assert client.post("/login", data={"username": "clerk", "password": "bad"},
                           headers=behind).status_code == 429
        # Another client behind the same proxy is not locked out by the first one.
        other = {"X-Forwarded-For": "198.51.100.20"}
        assert client.post("/login", data={"username": "clerk", "password": TEST_PASSWORD},
                           headers=other).status_code == 302
    db.session.remove()


def test_without_trusted_hops_a_forwarded_address_is_ignored(connection, tmp_path):
    app = make_app(connection, tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                   LOGIN_ADDRESS_ATTEMPTS="3 per 15 minutes")
    with app.app_context():
        client = app.test_client()
        for i in range(3):
            client.post("/login", data={"username": f"guess{i}", "password": "bad"},
                        headers={"X-Forwarded-For": f"203.0.113.{i}"})
        assert client.post("/login", data={"username": "clerk", "password": "bad"},
                           headers={"X-Forwarded-For": "203.0.113.99"}).status_code == 429
    db.session.remove()


def test_a_deactivated_account_costs_one_hash_like_any_other(client, session, monkeypatch):
    import complaints.web.auth as auth_module

    calls: list[str] = []
    real_verify, real_dummy = auth_module.verify_password, auth_module.dummy_verify
    monkeypatch.setattr(auth_module, "verify_password", lambda h, p: calls.append("verify") or real_verify(h, p))
    monkeypatch.setattr(auth_module, "dummy_verify", lambda p: calls.append("dummy") or real_dummy(p))
    clerk = session.scalar(select(User).where(User.username == "clerk"))
    clerk.is_active = False
    session.flush()
    for username in ("clerk", "investigator", "nobody-at-all"):
        calls.clear()
        response = client.post("/login", data={"username": username, "password": "wrong"})
        assert response.status_code == 200
        assert len(calls) == 1, (username, calls)
    # The right password of a deactivated account is refused with the same words.
    response = client.post("/login", data={"username": "clerk", "password": TEST_PASSWORD})
    assert response.status_code == 200 and b"Unknown username or wrong password." in response.data


def test_the_csrf_token_changes_at_login(connection, tmp_path):
    app = make_app(connection, tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        client.get("/login")
        with client.session_transaction() as sess:
            before = sess.get("csrf_token")
        assert before
        from tests.conftest import csrf_token
        token = csrf_token(client.get("/login").get_data(as_text=True))
        response = client.post("/login", data={"username": "clerk", "password": TEST_PASSWORD, "csrf_token": token})
        assert response.status_code == 302
        with client.session_transaction() as sess:
            assert sess.get("csrf_token") != before
        # The pre-login token no longer passes on a signed-in form.
        refused = client.post("/logout", data={"csrf_token": token})
        assert refused.status_code == 400
    db.session.remove()
