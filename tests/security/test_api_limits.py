"""The API's limits: body size and list lengths (finding 12), the per-address allowance
that made-up tokens must not escape (finding 19)."""
from __future__ import annotations

import json

import pytest

from complaints.db import db
from complaints.services import tokens
from tests.conftest import make_app


@pytest.fixture()
def token(session, users):
    return tokens.create_token(session, users["monitor"], "t")[1]


def test_a_json_body_over_the_cap_is_refused_before_it_is_read(client, token):
    body = json.dumps({"summary": "x" * (2 * 1024 * 1024)})
    response = client.post("/api/v1/complaints", data=body, content_type="application/json",
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"


def test_an_over_long_list_is_refused_before_its_items_are_read(monkeypatch):
    from complaints.api.common import BoundedList, Id

    field = BoundedList(Id(), max_items=3)
    seen: list[object] = []
    inner = field.inner
    monkeypatch.setattr(inner, "deserialize", lambda v, *a, **k: seen.append(v) or v)
    with pytest.raises(Exception) as refused:
        field.deserialize(list(range(1, 100_000)))
    assert "At most 3 items" in str(refused.value) and seen == []


def test_filing_with_too_many_respondents_is_a_422(client, token):
    body = {"respondent_ids": list(range(1, 10_000)), "allegations": [{"category_id": 1, "facts": "f"}] * 60}
    response = client.post("/api/v1/complaints", json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert "50" in fields["respondent_ids"] and "50" in fields["allegations"]


def test_made_up_tokens_share_the_address_allowance(connection, tmp_path, session, users):
    app = make_app(connection, tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                   API_RATE_LIMIT="3 per minute")
    with app.app_context():
        client = app.test_client()
        codes = [client.get("/api/v1/complaints", headers={"Authorization": f"Bearer aryz_made-up-{i}"}).status_code
                 for i in range(5)]
        assert codes[:3] == [401, 401, 401] and codes[3:] == [429, 429]
        # A live token has its own allowance, untouched by the guesses from the same address.
        live = tokens.create_token(db.session(), users["clerk"], "t")[1]
        assert client.get("/api/v1/complaints", headers={"Authorization": f"Bearer {live}"}).status_code == 200
    db.session.remove()
