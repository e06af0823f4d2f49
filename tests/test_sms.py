"""POST /webhooks/sms: a signed message becomes one intake draft; retries, unsigned and
oversize calls make none; the sender gets the registration number when it is registered."""
from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from sqlalchemy import func, select

from complaints.enums import Channel, OutboxChannel
from complaints.lifecycle import Action, State
from complaints.models import Complaint, OutboxMessage, SmsInbound
from complaints.services import notices
from complaints.services.cases import apply_action
from tests.conftest import make_app
from tests.workflow_helpers import demo

SECRET = "gateway-shared-secret"


@pytest.fixture()
def app(connection, tmp_path):
    from complaints.db import db

    application = make_app(connection, tmp_path, SMS_WEBHOOK_SECRET=SECRET)
    with application.app_context():
        yield application
    db.session.remove()


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_json(client, payload, *, secret=SECRET, signature=None):
    body = json.dumps(payload).encode()
    headers = {"X-Signature": signature if signature is not None else sign(body, secret)}
    return client.post("/webhooks/sms", data=body, headers=headers, content_type="application/json")


def drafts(session) -> int:
    return session.scalar(select(func.count()).select_from(Complaint).where(Complaint.channel == Channel.SMS))


MESSAGE = {"sender": "+996 700 123 456", "text": "Бүгүн 12-участокто шайлоочуларга акча таратып жатышат", "gateway_id": "gw-1"}


def test_a_signed_message_becomes_one_draft_and_a_retry_none(client, session):
    before = drafts(session)
    response = post_json(client, MESSAGE)
    assert response.status_code == 201, response.text
    draft = session.get(Complaint, response.json["draft_id"])
    assert draft.status == State.DRAFT and draft.channel == Channel.SMS
    assert draft.summary == MESSAGE["text"] and draft.language.value == "ky"
    assert draft.filer.phone == "+996700123456" and draft.filer.user_id is None
    retry = post_json(client, MESSAGE)
    assert retry.status_code == 200 and retry.json == {"draft_id": draft.id, "created": False}
    assert drafts(session) == before + 1


def test_a_form_body_with_hmac_works_too(client, session):
    from urllib.parse import urlencode

    body = urlencode(dict(MESSAGE, gateway_id="gw-form")).encode()
    response = client.post("/webhooks/sms", data=body, content_type="application/x-www-form-urlencoded",
                           headers={"X-Signature": sign(body)})
    assert response.status_code == 201


def test_shared_secret_header(client):
    body = json.dumps(dict(MESSAGE, gateway_id="gw-shared")).encode()
    response = client.post("/webhooks/sms", data=body, content_type="application/json",
                           headers={"X-Webhook-Secret": SECRET})
    assert response.status_code == 201
    bad = client.post("/webhooks/sms", data=body, content_type="application/json",
                      headers={"X-Webhook-Secret": "guess"})
    assert bad.status_code == 401


def test_unsigned_or_badly_signed_is_401_and_makes_nothing(client, session):
    before = drafts(session)
    body = json.dumps(MESSAGE).encode()
    assert client.post("/webhooks/sms", data=body, content_type="application/json").status_code == 401
    assert post_json(client, MESSAGE, secret="wrong").status_code == 401
    # A signature of another body does not pass.
    assert post_json(client, MESSAGE, signature=sign(b"{}")).status_code == 401
    assert drafts(session) == before


def test_oversize_is_413(client, session):
    before = drafts(session)
    payload = dict(MESSAGE, text="x" * 20000)
    response = post_json(client, payload)
    assert response.status_code == 413 and response.json["error"]["code"] == "too_large"
    assert drafts(session) == before


def test_bad_fields_are_422(client):
    response = post_json(client, dict(MESSAGE, sender="nobody", gateway_id="gw-bad"))
    assert response.status_code == 422 and "sender" in response.json["error"]["fields"]


def test_unconfigured_is_503(connection, tmp_path):
    application = make_app(connection, tmp_path, SMS_WEBHOOK_SECRET="")
    with application.app_context():
        assert application.test_client().post("/webhooks/sms", json=MESSAGE).status_code == 503


def test_a_known_monitor_is_linked_and_the_clerk_registers_it_and_the_sender_gets_the_number(client, session):
    users = demo(session)["users"]
    users["monitor"].phone = "+996700555111"
    session.commit()
    response = post_json(client, dict(MESSAGE, sender="+996 700 555 111", gateway_id="gw-monitor"))
    draft = session.get(Complaint, response.json["draft_id"])
    inbound = session.scalar(select(SmsInbound).where(SmsInbound.gateway_id == "gw-monitor"))
    assert inbound.user_id == users["monitor"].id and draft.filer.user_id == users["monitor"].id

    # The clerk sees it (queue list) and registers it.
    client.post("/login", data={"username": "clerk", "password": "test-password-123"})
    assert f"/complaints/{draft.id}/edit" in client.get("/cases").text
    page = client.get(f"/complaints/{draft.id}/edit")
    assert page.status_code == 200 and '<option selected value="sms">' in page.text
    d = demo(session)
    draft.allegations  # noqa: B018 (loaded before the change)
    from complaints.services.cases import AllegationInput, ComplaintInput, update_draft

    update_draft(session, draft, ComplaintInput(
        election_id=draft.election_id, summary=draft.summary, respondent_ids=[d["jeenbekov"].id],
        allegations=[AllegationInput(category_id=d["category"].id, facts=draft.summary)],
        region_id=d["region"].id, awareness_at=draft.created_at, incident_at=draft.created_at), actor=users["clerk"])
    apply_action(session, draft, Action.SUBMIT, users["clerk"], {})
    session.commit()
    assert draft.registration_number
    [reply] = [m for m in notices.queued(session, draft) if m.channel == OutboxChannel.SMS]
    assert reply.recipient == "+996700555111" and draft.registration_number in reply.body
    assert reply.status.value == "pending"


def test_only_clerks_see_sms_drafts(client, session):
    response = post_json(client, dict(MESSAGE, gateway_id="gw-vis"))
    draft_id = response.json["draft_id"]
    client.post("/login", data={"username": "investigator", "password": "test-password-123"})
    assert client.get(f"/complaints/{draft_id}/edit").status_code == 404
    assert session.scalar(select(func.count()).select_from(OutboxMessage)
                          .where(OutboxMessage.complaint_id == draft_id)) == 0
