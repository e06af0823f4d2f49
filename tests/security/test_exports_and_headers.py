"""Public exports in bounded parts (finding 1); headers, absolute links and production
settings (findings 23 and 24)."""
from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import func, select

from complaints import create_app
from complaints.config import ConfigError
from complaints.db import db
from complaints.lifecycle import State
from complaints.models import Complaint
from tests.conftest import make_app


def _received(session) -> int:
    return session.scalar(select(func.count(Complaint.id)).where(Complaint.status != State.DRAFT))


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_public_exports_come_in_bounded_parts_that_chain(connection, tmp_path, fmt):
    app = make_app(connection, tmp_path, PUBLIC_EXPORT_ROWS=7)
    with app.app_context():
        client, total = app.test_client(), _received(db.session())
        assert total > 14
        url, numbers, parts = f"/public/register.{fmt}", [], 0
        while url:
            response = client.get(url)
            assert response.status_code == 200
            body = response.get_data(as_text=True)
            if fmt == "csv":
                rows = list(csv.reader(io.StringIO(body)))[1:]
                got = [row[0] for row in rows]
            else:
                data = json.loads(body)
                got = [item["registration_number"] for item in data["items"]]
                assert data["meta"]["next"] == (response.headers["Link"][1:].split(">")[0]
                                                if "Link" in response.headers else None)
            assert 0 < len(got) <= 7
            numbers += got
            parts += 1
            link = response.headers.get("Link")
            url = link[1:].split(">")[0].replace("http://localhost", "") if link else None
        assert parts == -(-total // 7)
        assert len(numbers) == len(set(numbers)) == total
    db.session.remove()


def test_export_parts_keep_their_filters(connection, tmp_path):
    app = make_app(connection, tmp_path, PUBLIC_EXPORT_ROWS=2)
    with app.app_context():
        response = app.test_client().get("/public/register.json?from=2000-01-01&to=2100-01-01")
        response.get_data()
        link = response.headers["Link"]
        assert "from=2000-01-01" in link and "to=2100-01-01" in link and "after=" in link
    db.session.remove()


def test_public_exports_are_rate_limited_per_address(connection, tmp_path):
    app = make_app(connection, tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                   PUBLIC_EXPORT_RATE_LIMIT="2 per minute", PUBLIC_EXPORT_ROWS=3)
    with app.app_context():
        client = app.test_client()
        codes = []
        for url in ("/public/register.csv", "/public/register.json", "/public/register.csv"):
            response = client.get(url)
            response.get_data()
            codes.append(response.status_code)
        assert codes == [200, 200, 429]
    db.session.remove()


def test_hsts_in_production_only(connection, tmp_path):
    app = make_app(connection, tmp_path, HSTS=True)
    with app.app_context():
        assert "max-age=" in app.test_client().get("/public").headers["Strict-Transport-Security"]
    db.session.remove()


def test_no_hsts_outside_production(client):
    assert "Strict-Transport-Security" not in client.get("/public").headers


def test_track_and_signed_in_pages_are_not_stored(client, auth):
    assert client.get("/track").headers.get("Cache-Control") == "no-store"
    assert client.post("/track", data={"number": "KG2017P-000001", "code": "x"}).headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/public").headers.get("Cache-Control", "")
    auth.login("clerk")
    assert client.get("/").headers.get("Cache-Control") == "no-store"
    assert client.get("/public").headers.get("Cache-Control") == "no-store"


def test_absolute_links_come_from_base_url_not_the_host_header(connection, tmp_path):
    app = make_app(connection, tmp_path, BASE_URL="https://complaints.example.org", SERVER_NAME="complaints.example.org",
                   PREFERRED_URL_SCHEME="https", PUBLIC_EXPORT_ROWS=2)
    with app.app_context():
        client = app.test_client()
        response = client.get("/public/register.json", headers={"Host": "evil.example"})
        assert response.status_code == 200
        assert response.headers["Link"].startswith("<https://complaints.example.org/public/register.json?")
        page = client.get("/public/cases/KG2017P-000001", headers={"Host": "evil.example"})
        assert page.status_code == 200
        assert b"evil.example" not in page.data and b"https://complaints.example.org/public/cases/" in page.data
    db.session.remove()


def test_base_url_sets_server_name():
    from complaints.config import _base_url

    assert _base_url("https://c.example.org/aryz/")["SERVER_NAME"] == "c.example.org"
    assert _base_url("")["BASE_URL"] is None
    with pytest.raises(ConfigError):
        _base_url("c.example.org")


PRODUCTION_OK = {"SECRET_KEY": "k" * 64, "BASE_URL": "https://c.example.org",
                 "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0", "DATABASE_URL": "sqlite://"}


def test_production_accepts_a_sound_configuration(monkeypatch):
    monkeypatch.setenv("COMPLAINTS_ENV", "production")
    assert create_app(dict(PRODUCTION_OK)).config["HSTS"] is True


@pytest.mark.parametrize("change", [{"SECRET_KEY": "x"}, {"SECRET_KEY": "k" * 31}, {"BASE_URL": ""}])
def test_production_refuses_weak_settings(monkeypatch, change):
    monkeypatch.setenv("COMPLAINTS_ENV", "production")
    with pytest.raises(ConfigError):
        create_app({**PRODUCTION_OK, **change})


def test_production_refuses_per_process_rate_limits_with_several_workers(monkeypatch):
    monkeypatch.setenv("COMPLAINTS_ENV", "production")
    config = {k: v for k, v in PRODUCTION_OK.items() if k != "RATELIMIT_STORAGE_URI"}
    with pytest.raises(ConfigError):  # the default, memory://, never chosen
        create_app(dict(config))
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    with pytest.raises(ConfigError):
        create_app({**config, "RATELIMIT_STORAGE_URI": "memory://"})
    monkeypatch.setenv("WEB_CONCURRENCY", "1")
    assert create_app({**config, "RATELIMIT_STORAGE_URI": "memory://"})
