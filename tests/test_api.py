"""The JSON API: auth, filing, reading with scoping, actions, evidence, errors, limits."""
from __future__ import annotations

import io
import json
from typing import Any

import pytest
from sqlalchemy import func, select

from complaints.db import db
from complaints.models import Category, Complaint, Election, Region, Respondent
from complaints.services import tokens
from tests.conftest import make_app

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
       b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture()
def token(session, users):
    """token("monitor") -> a live bearer token for that demo account (committed to the test's savepoint)."""
    made: dict[str, str] = {}

    def get(username: str) -> str:
        if username not in made:
            _record, made[username] = tokens.create_token(db.session(), users[username], "test")
            db.session.commit()
        return made[username]
    return get


def bearer(tok: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tok}"}


@pytest.fixture()
def refs(session) -> dict[str, Any]:
    election = session.scalar(select(Election).order_by(Election.id))
    category = session.scalar(select(Category).where(Category.election_id == election.id).order_by(Category.id))
    region = session.scalar(select(Region).order_by(Region.id))
    respondent = session.scalar(select(Respondent).where(Respondent.is_public.is_(True)).order_by(Respondent.id))
    return {"election_id": election.id, "category_id": category.id, "region_id": region.id,
            "respondent_id": respondent.id}


def filing(refs: dict[str, Any], **extra: Any) -> dict[str, Any]:
    body = {"election_id": refs["election_id"], "summary": "Officials pressed students to campaign.",
            "respondent_ids": [refs["respondent_id"]], "region_id": refs["region_id"],
            "awareness_at": "2017-10-10T09:00:00+06:00", "incident_at": "2017-10-09T18:00:00+06:00",
            "allegations": [{"category_id": refs["category_id"], "facts": "A rector told students to go.",
                             "legal_provision": "art. 22"}]}
    body.update(extra)
    return body


def file_case(client, token, refs, who: str = "monitor", **extra: Any) -> dict[str, Any]:
    resp = client.post("/api/v1/complaints", json=filing(refs, **extra), headers=bearer(token(who)))
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def error(resp) -> dict[str, Any]:
    body = resp.get_json()
    assert set(body) == {"error"}, body
    assert {"code", "message"} <= set(body["error"]), body
    return body["error"]


# --------------------------------------------------------------------------- description and pages

def test_openapi_describes_every_endpoint(client):
    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200
    spec = resp.get_json()
    assert spec["openapi"].startswith("3.")
    paths = spec["paths"]
    for path, method in [("/api/v1/complaints", "post"), ("/api/v1/complaints", "get"),
                         ("/api/v1/complaints/{registration_number}", "get"),
                         ("/api/v1/complaints/{registration_number}/evidence", "post"),
                         ("/api/v1/complaints/{registration_number}/actions", "post"),
                         ("/api/v1/stats", "get"), ("/api/v1/elections", "get"), ("/api/v1/regions", "get"),
                         ("/api/v1/respondents", "get")]:
        assert method in paths[path], (path, method)
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert paths["/api/v1/stats"]["get"]["security"] == []
    assert "multipart/form-data" in paths["/api/v1/complaints/{registration_number}/evidence"]["post"][
        "requestBody"]["content"]


def test_reference_page_is_html_without_inline_script(client):
    resp = client.get("/docs/api")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "POST /api/v1/complaints" in html and "Idempotency-Key" in html
    assert "<script>" not in html and "style=" not in html and " onclick" not in html
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]


def test_html_errors_stay_html_and_405_keeps_allow(client):
    resp = client.get("/no-such-page")
    assert resp.status_code == 404 and resp.mimetype == "text/html"
    resp = client.delete("/login")
    assert resp.status_code == 405 and resp.mimetype == "text/html"
    assert "POST" in resp.headers["Allow"]


def test_api_routing_errors_are_json(client, token):
    resp = client.get("/api/v1/nothing-here", headers=bearer(token("clerk")))
    assert resp.status_code == 404 and error(resp)["code"] == "not_found"
    resp = client.delete("/api/v1/complaints", headers=bearer(token("clerk")))
    assert resp.status_code == 405 and error(resp)["code"] == "method_not_allowed"
    assert "POST" in resp.headers["Allow"] and "GET" in resp.headers["Allow"]


# --------------------------------------------------------------------------- tokens

def test_no_token_bad_token_and_session_cookie_get_401(client, auth):
    resp = client.get("/api/v1/complaints")
    assert resp.status_code == 401 and "Bearer" in resp.headers["WWW-Authenticate"]
    assert error(resp)["code"] == "unauthorized"
    assert client.get("/api/v1/complaints", headers=bearer("aryz_not-a-token")).status_code == 401
    assert client.get("/api/v1/complaints", headers={"Authorization": "Basic abc"}).status_code == 401
    auth.login("monitor")
    assert client.get("/api/v1/complaints").status_code == 401


def test_revoked_token_gets_401(client, session, users):
    record, tok = tokens.create_token(session, users["monitor"])
    session.commit()
    assert client.get("/api/v1/complaints", headers=bearer(tok)).status_code == 200
    record = tokens.find_tokens(db.session(), tok)[0]
    assert tokens.revoke(db.session(), record) is True
    db.session.commit()
    assert client.get("/api/v1/complaints", headers=bearer(tok)).status_code == 401


def test_token_is_stored_hashed(session, users):
    record, tok = tokens.create_token(session, users["clerk"])
    assert tok.startswith("aryz_") and len(tok) > 40
    assert record.token_hash != tok and tok not in record.token_hash and record.prefix == tok[:12]
    assert tokens.authenticate(session, tok).username == "clerk"
    assert tokens.authenticate(session, tok + "x") is None


def test_token_commands(runner, session):
    result = runner.invoke(args=["create-token", "monitor2", "--name", "phone app"])
    assert result.exit_code == 0, result.output
    tok = result.stdout.strip().splitlines()[0]
    assert tok.startswith("aryz_")
    listed = runner.invoke(args=["list-tokens", "monitor2"])
    assert tok[:12] in listed.output and "active" in listed.output and tok not in listed.output
    assert runner.invoke(args=["revoke-token", tok[:12]]).exit_code == 0
    assert "revoked" in runner.invoke(args=["list-tokens", "monitor2"]).output
    assert tokens.authenticate(db.session(), tok) is None
    assert runner.invoke(args=["create-token", "nobody"]).exit_code != 0
    assert runner.invoke(args=["revoke-token", "aryz_zzzzzzzzz"]).exit_code != 0


# --------------------------------------------------------------------------- filing and reading

def test_monitor_files_and_reads_own_case(client, token, refs):
    resp = client.post("/api/v1/complaints", json=filing(refs), headers=bearer(token("monitor")))
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["status"] == "submitted" and body["registration_number"].startswith("KG2017P-")
    assert len(body["tracking_code"]) == 14 and body["version"] >= 1
    assert resp.headers["Location"].endswith(body["registration_number"])
    number = body["registration_number"]
    case = db.session.scalar(select(Complaint).where(Complaint.registration_number == number))
    assert case.channel.value == "api" and case.filer.user_id is not None

    detail = client.get(f"/api/v1/complaints/{number}", headers=bearer(token("monitor")))
    assert detail.status_code == 200
    d = detail.get_json()
    assert d["status"] == "submitted" and d["allegations"][0]["facts"] == "A rector told students to go."
    assert [h["action"] for h in d["history"]][:2] == ["create", "submit"]
    assert all(h["actor"] is None and not h["internal"] for h in d["history"])
    assert "withdraw" in d["allowed_actions"]

    listing = client.get("/api/v1/complaints?limit=200", headers=bearer(token("monitor"))).get_json()
    assert number in [c["registration_number"] for c in listing["items"]]


def test_monitor2_cannot_see_monitors_case(client, token, refs):
    number = file_case(client, token, refs)["registration_number"]
    resp = client.get(f"/api/v1/complaints/{number}", headers=bearer(token("monitor2")))
    assert resp.status_code == 404 and error(resp)["code"] == "not_found"
    listing = client.get("/api/v1/complaints?limit=200", headers=bearer(token("monitor2"))).get_json()
    assert number not in [c["registration_number"] for c in listing["items"]]
    act = client.post(f"/api/v1/complaints/{number}/actions", json={"action": "withdraw", "version": 1},
                      headers=bearer(token("monitor2")))
    assert act.status_code == 404
    up = client.post(f"/api/v1/complaints/{number}/evidence", data={"file": (io.BytesIO(PNG), "a.png")},
                     headers=bearer(token("monitor2")), content_type="multipart/form-data")
    assert up.status_code == 404


def test_staff_see_internal_history_and_names(client, token, refs):
    number = file_case(client, token, refs)["registration_number"]
    version = client.get(f"/api/v1/complaints/{number}", headers=bearer(token("clerk"))).get_json()["version"]
    resp = client.post(f"/api/v1/complaints/{number}/actions",
                       json={"action": "add_note", "version": version, "note": "Call the rector."},
                       headers=bearer(token("clerk")))
    assert resp.status_code == 200, resp.get_json()
    staff = client.get(f"/api/v1/complaints/{number}", headers=bearer(token("clerk"))).get_json()
    assert any(h["internal"] and h["note"] == "Call the rector." for h in staff["history"])
    assert all(h["actor"] for h in staff["history"])
    own = client.get(f"/api/v1/complaints/{number}", headers=bearer(token("monitor"))).get_json()
    assert not any(h["internal"] for h in own["history"])


def test_clerk_registers_paper_complaint_with_filer(client, token, refs):
    filer = {"kind": "voter", "name": "Asel Voter", "phone": "+996 555 000000"}
    body = file_case(client, token, refs, who="clerk", filer=filer, channel="paper")
    case = db.session.scalar(select(Complaint).where(Complaint.registration_number == body["registration_number"]))
    assert case.channel.value == "paper" and case.filer.name == "Asel Voter"
    resp = client.post("/api/v1/complaints", json=filing(refs), headers=bearer(token("clerk")))
    assert resp.status_code == 422 and "filer" in error(resp)["fields"]
    resp = client.post("/api/v1/complaints", json=filing(refs, filer={"kind": "observer", "name": "X"}),
                       headers=bearer(token("clerk")))
    assert resp.status_code == 422 and "filer-accreditation_number" in error(resp)["fields"]


def test_api_filing_runs_the_intake_forms_filer_checks(client, token, refs):
    """The same standing rules and clean-up as the web intake form (services.filing)."""
    appeal = filing(refs, kind="appeal", act_date="2017-10-10T09:00:00+06:00", awareness_at=None,
                    act_description="The TEC's decision of 10 October.")
    resp = client.post("/api/v1/complaints", json={**appeal, "filer": {"kind": "anonymous"}},
                       headers=bearer(token("clerk")))
    assert resp.status_code == 422 and "anonymous" in error(resp)["fields"]["filer-kind"]
    resp = client.post("/api/v1/complaints", json=filing(refs, filer={"kind": "voter", "name": "   "}),
                       headers=bearer(token("clerk")))
    assert resp.status_code == 422 and "filer-name" in error(resp)["fields"]
    body = file_case(client, token, refs, who="clerk", channel="phone",
                     filer={"kind": "anonymous", "name": "Told us anyway", "phone": "+996 555 111111"})
    case = db.session.scalar(select(Complaint).where(Complaint.registration_number == body["registration_number"]))
    # An anonymous filer keeps no details, as on the form.
    assert case.filer.kind.value == "anonymous" and case.filer.name is None and case.filer.phone is None
    body = file_case(client, token, refs, who="clerk", filer={"kind": "voter", "name": "  Asel   Voter "})
    case = db.session.scalar(select(Complaint).where(Complaint.registration_number == body["registration_number"]))
    assert case.filer.name == "Asel Voter"


def test_only_monitors_and_clerks_file(client, token, refs):
    resp = client.post("/api/v1/complaints", json=filing(refs), headers=bearer(token("investigator")))
    assert resp.status_code == 403
    resp = client.post("/api/v1/complaints", json=filing(refs, channel="paper"), headers=bearer(token("monitor")))
    assert resp.status_code == 422 and "channel" in error(resp)["fields"]


@pytest.mark.parametrize(("change", "field"), [
    ({"summary": ""}, "summary"),
    ({"election_id": 2**40}, "election_id"),
    ({"election_id": "one"}, "election_id"),
    ({"region_id": 999999}, "region_id"),
    ({"respondent_ids": []}, "respondent_ids"),
    ({"respondent_ids": [999999]}, "respondent_ids"),
    ({"awareness_at": "2017-10-10T09:00:00"}, "awareness_at"),
    ({"awareness_at": "0001-01-01T00:00:00+06:00"}, "awareness_at"),
    ({"awareness_at": "2999-01-01T00:00:00+06:00"}, "awareness_at"),
    ({"summary": "nul\x00byte"}, "summary"),
    ({"summary": "\ud800"}, "summary"),
    ({"latitude": 1e308}, "latitude"),
    ({"allegations": [{"category_id": 1}]}, "allegations-0-facts"),
    ({"kind": "appeal"}, "act_date"),
    ({"unexpected": 1}, "unexpected"),
])
def test_bad_filings_get_422_with_the_field(client, token, refs, change, field):
    before = db.session.scalar(select(func.count()).select_from(Complaint))
    resp = client.post("/api/v1/complaints", json=filing(refs, **change), headers=bearer(token("monitor")))
    assert resp.status_code == 422, resp.get_json()
    assert field in error(resp)["fields"], error(resp)
    assert db.session.scalar(select(func.count()).select_from(Complaint)) == before


@pytest.mark.parametrize(("data", "content_type", "status"), [
    (b"{not json", "application/json", 400),
    (b'{"summary": NaN}', "application/json", 400),
    (b"\xff\xfe\x00garbage", "application/json", 400),
    (b"[" * 5000 + b"]" * 5000, "application/json", 400),
    (b'{"a": ' + b"9" * 5000 + b"}", "application/json", 400),
    (b"summary=x", "application/x-www-form-urlencoded", 415),
    (b'{"summary": "x"}', "text/plain", 415),
    (b"", "application/json", 422),
    (b"[1, 2]", "application/json", 422),
])
def test_malformed_bodies_never_500(client, token, data, content_type, status):
    resp = client.post("/api/v1/complaints", data=data, content_type=content_type,
                       headers=bearer(token("monitor")))
    assert resp.status_code == status, resp.get_data(as_text=True)
    error(resp)


# --------------------------------------------------------------------------- idempotency

def test_idempotent_replay_and_changed_body(client, token, refs):
    headers = {**bearer(token("monitor")), "Idempotency-Key": "retry-123"}
    first = client.post("/api/v1/complaints", json=filing(refs), headers=headers)
    assert first.status_code == 201
    count = db.session.scalar(select(func.count()).select_from(Complaint))
    again = client.post("/api/v1/complaints", json=filing(refs), headers=headers)
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert db.session.scalar(select(func.count()).select_from(Complaint)) == count
    changed = client.post("/api/v1/complaints", json=filing(refs, summary="Another text"), headers=headers)
    assert changed.status_code == 422 and error(changed)["code"] == "idempotency_key_reused"
    # Keys belong to one account: another monitor may use the same key.
    other = client.post("/api/v1/complaints", json=filing(refs),
                        headers={**bearer(token("monitor2")), "Idempotency-Key": "retry-123"})
    assert other.status_code == 201 and other.get_json()["registration_number"] != first.get_json()[
        "registration_number"]
    bad = client.post("/api/v1/complaints", json=filing(refs), headers={**headers, "Idempotency-Key": "x" * 201})
    assert bad.status_code == 400


def test_failed_filing_does_not_burn_the_key(client, token, refs):
    headers = {**bearer(token("monitor")), "Idempotency-Key": "k-failed"}
    assert client.post("/api/v1/complaints", json=filing(refs, region_id=999999), headers=headers).status_code == 422
    assert client.post("/api/v1/complaints", json=filing(refs, region_id=999999), headers=headers).status_code == 422


# --------------------------------------------------------------------------- actions

def test_actions_versions_roles_and_data(client, token, refs):
    number = file_case(client, token, refs)["registration_number"]
    url = f"/api/v1/complaints/{number}/actions"
    version = client.get(f"/api/v1/complaints/{number}", headers=bearer(token("clerk"))).get_json()["version"]

    forbidden = client.post(url, json={"action": "accept", "version": version}, headers=bearer(token("monitor")))
    assert forbidden.status_code == 403 and error(forbidden)["code"] == "forbidden"

    missing = client.post(url, json={"action": "mark_deficient", "version": version},
                          headers=bearer(token("clerk")))
    assert missing.status_code == 422 and "defects" in error(missing)["fields"]

    ok = client.post(url, json={"action": "accept", "version": version}, headers=bearer(token("clerk")))
    assert ok.status_code == 200, ok.get_json()
    body = ok.get_json()
    assert body["status"] == "under_examination" and body["from_status"] == "submitted"
    assert body["version"] > version

    stale = client.post(url, json={"action": "add_note", "version": version, "note": "late"},
                        headers=bearer(token("clerk")))
    assert stale.status_code == 409
    err = error(stale)
    assert err["current_version"] == body["version"] and err["current_status"] == "under_examination"

    wrong_state = client.post(url, json={"action": "accept", "version": body["version"]},
                              headers=bearer(token("clerk")))
    assert wrong_state.status_code == 409 and "allowed_actions" in error(wrong_state)

    bad_time = client.post(url, json={"action": "schedule_hearing", "version": body["version"],
                                      "hearing_at": "0001-01-01T00:00:00+06:00", "hearing_place": "CEC"},
                           headers=bearer(token("commissioner")))
    assert bad_time.status_code == 422 and "hearing_at" in error(bad_time)["fields"]

    nul = client.post(url, json={"action": "add_note", "version": body["version"], "note": "a\x00b"},
                      headers=bearer(token("clerk")))
    assert nul.status_code == 422 and "note" in error(nul)["fields"]

    for action in ("edit", "add_evidence", "submit"):
        resp = client.post(url, json={"action": action, "version": body["version"]}, headers=bearer(token("clerk")))
        assert resp.status_code == 422
    unknown = client.post(url, json={"action": "explode", "version": body["version"]},
                          headers=bearer(token("clerk")))
    assert unknown.status_code == 422 and "action" in error(unknown)["fields"]
    huge = client.post(url, json={"action": "add_note", "version": 2**70, "note": "x"},
                       headers=bearer(token("clerk")))
    assert huge.status_code == 422 and "version" in error(huge)["fields"]


def test_monitor_withdraws_own_case(client, token, refs):
    filed = file_case(client, token, refs)
    resp = client.post(f"/api/v1/complaints/{filed['registration_number']}/actions",
                       json={"action": "withdraw", "version": filed["version"], "reason": "Settled."},
                       headers=bearer(token("monitor")))
    assert resp.status_code == 200 and resp.get_json()["status"] == "withdrawn"


# --------------------------------------------------------------------------- evidence

def upload(client, tok, number, data: bytes, name: str, **extra: Any):
    return client.post(f"/api/v1/complaints/{number}/evidence",
                       data={"file": (io.BytesIO(data), name), **extra}, headers=bearer(tok),
                       content_type="multipart/form-data")


def test_evidence_upload(client, token, refs):
    number = file_case(client, token, refs)["registration_number"]
    resp = upload(client, token("monitor"), number, PNG, "banner.png", description="The banner")
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    import hashlib
    assert body["sha256"] == hashlib.sha256(PNG).hexdigest()
    assert body["media_type"] == "image/png" and body["size"] == len(PNG) and body["kind"] == "photo"
    detail = client.get(f"/api/v1/complaints/{number}", headers=bearer(token("monitor"))).get_json()
    assert detail["evidence"][0]["sha256"] == body["sha256"]
    assert "add_evidence" in [h["action"] for h in detail["history"]]

    again = upload(client, token("monitor"), number, PNG, "banner.png")
    assert again.status_code == 422
    wrong = upload(client, token("monitor"), number, b"MZ\x90\x00 not allowed", "tool.exe")
    assert wrong.status_code == 415 and error(wrong)["fields"]
    liar = upload(client, token("monitor"), number, PNG, "report.pdf")
    assert liar.status_code == 415
    empty = upload(client, token("monitor"), number, b"", "empty.png")
    assert empty.status_code == 422
    nothing = client.post(f"/api/v1/complaints/{number}/evidence", data={"description": "x"},
                          headers=bearer(token("monitor")), content_type="multipart/form-data")
    assert nothing.status_code == 422
    as_json = client.post(f"/api/v1/complaints/{number}/evidence", json={"url": "https://example.org"},
                          headers=bearer(token("monitor")))
    assert as_json.status_code == 415
    link = client.post(f"/api/v1/complaints/{number}/evidence", data={"url": "https://example.org/news/1"},
                       headers=bearer(token("monitor")), content_type="multipart/form-data")
    assert link.status_code == 201 and link.get_json()["kind"] == "link"


def test_evidence_too_large_is_413(connection, tmp_path, session, users, refs):
    app = make_app(connection, tmp_path, EVIDENCE_MAX_FILE=64)
    with app.app_context():
        _r, tok = tokens.create_token(db.session(), users["monitor"])
        db.session.commit()
        client = app.test_client()
        number = client.post("/api/v1/complaints", json=filing(refs), headers=bearer(tok)).get_json()[
            "registration_number"]
        resp = upload(client, tok, number, PNG + b"\x00" * 100, "big.png")
        assert resp.status_code == 413 and error(resp)["code"] == "payload_too_large"


# --------------------------------------------------------------------------- lists, reference data, stats

def test_list_filters_and_cursor(client, token, refs):
    for _ in range(3):
        file_case(client, token, refs)
    seen: list[str] = []
    url = "/api/v1/complaints?limit=2"
    while url and len(seen) < 400:
        page = client.get(url, headers=bearer(token("clerk")))
        assert page.status_code == 200
        body = page.get_json()
        seen += [c["registration_number"] for c in body["items"]]
        url = f"/api/v1/complaints?limit=2&cursor={body['next_cursor']}" if body["next_cursor"] else None
    assert len(seen) == len(set(seen)) and len(seen) > 3
    total = db.session.scalar(select(func.count()).select_from(Complaint).where(Complaint.status != "draft"))
    assert len(seen) == total
    sub = client.get("/api/v1/complaints?status=submitted&status=withdrawn&limit=200",
                     headers=bearer(token("clerk"))).get_json()
    assert sub["items"] and {c["status"] for c in sub["items"]} <= {"submitted", "withdrawn"}
    assert client.get("/api/v1/complaints?cursor=%%%", headers=bearer(token("clerk"))).status_code == 400
    assert client.get("/api/v1/complaints?cursor=YWJj", headers=bearer(token("clerk"))).status_code == 400
    assert client.get("/api/v1/complaints?limit=0", headers=bearer(token("clerk"))).status_code == 422
    assert client.get("/api/v1/complaints?region_id=99999999999999999999",
                      headers=bearer(token("clerk"))).status_code == 422
    assert client.get("/api/v1/complaints?status=nope", headers=bearer(token("clerk"))).status_code == 422


def test_reference_data(client, token, refs):
    elections = client.get("/api/v1/elections", headers=bearer(token("monitor"))).get_json()
    assert any(c["id"] == refs["category_id"] for e in elections for c in e["categories"])
    regions = client.get("/api/v1/regions", headers=bearer(token("monitor"))).get_json()
    assert any(r["id"] == refs["region_id"] for r in regions) and "districts" in regions[0]
    found = client.get("/api/v1/respondents?q=babanov", headers=bearer(token("monitor"))).get_json()
    # A Latin spelling finds the official Cyrillic name, whose Latin forms come along.
    assert found and all("babanov" in " ".join([r["name"], *r["alternate_names"]]).lower() and r["is_public"]
                         for r in found)
    assert any(r["name"] == "Өмүрбек Бабанов" for r in found)
    assert client.get("/api/v1/respondents?q=%00", headers=bearer(token("monitor"))).status_code == 422
    assert client.get("/api/v1/elections").status_code == 401


def test_stats_are_public(client):
    resp = client.get("/api/v1/stats")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["total"] >= 1 and body["election"]["code"]
    assert client.get("/api/v1/stats?election_id=999999").status_code == 404


# --------------------------------------------------------------------------- limits

def test_rate_limit_answers_429_json(connection, tmp_path, users):
    app = make_app(connection, tmp_path, RATELIMIT_ENABLED=True, API_RATE_LIMIT="3 per minute")
    with app.app_context():
        _r, tok = tokens.create_token(db.session(), users["monitor"])
        db.session.commit()
        client = app.test_client()
        statuses = [client.get("/api/v1/elections", headers=bearer(tok)).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        resp = client.get("/api/v1/elections", headers=bearer(tok))
        assert resp.status_code == 429 and error(resp)["code"] == "rate_limited" and resp.headers["Retry-After"]
        # Another token has its own budget.
        _r, other = tokens.create_token(db.session(), users["clerk"])
        db.session.commit()
        assert client.get("/api/v1/elections", headers=bearer(other)).status_code == 200


def test_api_is_exempt_from_csrf_but_pages_are_not(connection, tmp_path, users, refs):
    app = make_app(connection, tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        _r, tok = tokens.create_token(db.session(), users["monitor"])
        db.session.commit()
        client = app.test_client()
        assert client.post("/api/v1/complaints", json=filing(refs), headers=bearer(tok)).status_code == 201
        assert client.post("/login", data={"username": "monitor", "password": "x"}).status_code == 400


def test_json_error_body_shape_in_spec(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    error_schema = spec["components"]["schemas"]["Error"]
    assert "error" in error_schema["properties"]
    assert json.dumps(spec)  # serialisable
