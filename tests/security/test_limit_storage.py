"""Rate-limit storage unreachable (finding 13): requests are still answered, limits count
in memory meanwhile, and /healthz says so."""
from __future__ import annotations

from complaints.db import db
from tests.conftest import TEST_PASSWORD, make_app

DEAD_REDIS = "redis://127.0.0.1:1/0"


def test_unreachable_limit_storage_fails_over_to_memory(connection, tmp_path, session, users):
    from complaints.services import tokens

    app = make_app(connection, tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=DEAD_REDIS,
                   RATELIMIT_STORAGE_OPTIONS={"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
                   LOGIN_ATTEMPTS="2 per 15 minutes")
    with app.app_context():
        client = app.test_client()
        token = tokens.create_token(db.session(), users["clerk"], "t")[1]
        assert client.post("/login", data={"username": "clerk", "password": TEST_PASSWORD}).status_code == 302
        assert client.post("/track", data={"number": "KG2017P-000001", "code": "nope"}).status_code < 500
        assert client.get("/api/v1/complaints", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        # Limits still hold, counted in this process.
        other = app.test_client()
        codes = [other.post("/login", data={"username": "monitor", "password": "bad"}).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        health = client.get("/healthz")
        assert health.status_code == 200
        assert health.get_json() == {"status": "degraded", "database": "ok", "rate_limits": "unreachable"}
    db.session.remove()


def test_healthz_reports_working_limit_storage(connection, tmp_path):
    app = make_app(connection, tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    with app.app_context():
        assert app.test_client().get("/healthz").get_json()["rate_limits"] == "ok"
    db.session.remove()
