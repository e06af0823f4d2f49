"""With CSRF protection on (as in production), every non-API POST route refuses a
request without a token. The routes are read from app.url_map, so routes added
later are covered too."""
from __future__ import annotations

import pytest
from werkzeug.routing import Rule

from tests.conftest import TEST_PASSWORD, csrf_token, make_app

SAMPLE_ARGS = {"int": "1", "integer": "1", "number": "1", "default": "KG2017P-000001", "string": "KG2017P-000001", "path": "x", "uuid":
               "00000000-0000-0000-0000-000000000000", "float": "1.0"}


def _url(rule: Rule) -> str:
    url = rule.rule
    for arg in rule.arguments:
        conv = type(rule._converters[arg]).__name__.lower().replace("converter", "")
        value = SAMPLE_ARGS.get(conv, SAMPLE_ARGS["default"])
        if arg == "code":
            value = "en"
        url = url.replace(f"<{arg}>", value)
        for prefix in ("int", "string", "path", "float", "uuid", "any"):
            url = url.replace(f"<{prefix}:{arg}>", value)
    return url


@pytest.fixture()
def csrf_app(connection, tmp_path):
    return make_app(connection, tmp_path, WTF_CSRF_ENABLED=True)


def post_rules(app) -> list[Rule]:
    # Gateways' webhooks carry no cookie and sign their bodies instead (tests/test_sms.py).
    return [r for r in app.url_map.iter_rules()
            if "POST" in (r.methods or ()) and not r.rule.startswith(("/api/", "/webhooks/"))
            and r.endpoint != "static"]


def test_there_are_post_routes_to_check(csrf_app):
    endpoints = {r.endpoint for r in post_rules(csrf_app)}
    assert {"auth.login", "monitor.new_complaint", "monitor.track", "evidence.upload",
            "monitor.edit_draft", "monitor.intake"} <= endpoints


@pytest.mark.parametrize("logged_in", [False, True])
def test_every_post_without_token_is_refused(csrf_app, logged_in):
    client = csrf_app.test_client()
    if logged_in:
        token = csrf_token(client.get("/login").get_data(as_text=True))
        assert client.post("/login", data={"username": "monitor", "password": TEST_PASSWORD,
                                           "csrf_token": token}).status_code == 302
    refused = []
    for rule in post_rules(csrf_app):
        response = client.post(_url(rule), data={"x": "1"})
        if response.status_code != 400:
            refused.append((rule.rule, response.status_code))
        else:
            assert "form expired" in response.get_data(as_text=True) or rule.rule.startswith("/api/")
    assert refused == []


def test_with_token_the_form_works(csrf_app):
    client = csrf_app.test_client()
    token = csrf_token(client.get("/track").get_data(as_text=True))
    response = client.post("/track", data={"registration_number": "KG2017P-000001", "tracking_code": "X",
                                           "csrf_token": token})
    assert response.status_code == 200 and "No complaint matches" in response.get_data(as_text=True)
