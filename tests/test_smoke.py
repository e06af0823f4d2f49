"""The app starts, answers its health check and serves the demo case pages."""
from __future__ import annotations


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "rate_limits": "off"}


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_staff_sees_demo_case(client, auth):
    assert auth.login("clerk").status_code == 302
    response = client.get("/cases/KG2017P-000001")
    assert response.status_code == 200
    assert "Жээнбеков".encode() in response.data
    assert b"History" in response.data
