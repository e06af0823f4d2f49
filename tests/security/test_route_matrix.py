"""The route x role x object matrix, generated from app.url_map: every route has a rule
here (a new route without one fails), and every GET route answers each role, anonymous
included, as its rule says; case routes are tried on another monitor's case too."""
from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from complaints.models import Complaint, Evidence, Filer, User
from complaints.services import tokens

ROLES = ("monitor", "monitor2", "clerk", "investigator", "commissioner", "admin")
STAFF = {"clerk", "investigator", "commissioner", "admin"}
CASE_STAFF = {"clerk", "investigator", "commissioner"}
EVERYONE = set(ROLES)

#: endpoint -> (who may, kind). kind: "page" (web, login redirect for the anonymous),
#: "public" (anyone), "api" (bearer token), "case" (a page of one case: its staff and its
#: filer; another monitor gets 404), "webhook" (a shared secret).
RULES: dict[str, tuple[set[str], str]] = {
    "main.index": (EVERYONE, "public"), "main.healthz": (EVERYONE, "public"),
    "main.set_language": (EVERYONE, "public"), "static": (EVERYONE, "public"),
    "offline.manifest": (EVERYONE, "public"), "offline.service_worker": (EVERYONE, "public"),
    "auth.login": (EVERYONE, "public"), "auth.logout": (EVERYONE, "public"),
    "public.dashboard": (EVERYONE, "public"), "public.audit": (EVERYONE, "public"),
    "public.register": (EVERYONE, "public"), "public.register_csv": (EVERYONE, "public"),
    "public.register_json": (EVERYONE, "public"), "public.case": (EVERYONE, "public"),
    "public.case_document": (EVERYONE, "public"), "public.case_proof": (EVERYONE, "public"),
    "monitor.track": (EVERYONE, "public"), "apidocs.reference": (EVERYONE, "public"),
    "api-docs.openapi_json": (EVERYONE, "public"), "api_public.stats": (EVERYONE, "public"),
    "webhooks.sms_inbound": (set(), "webhook"),
    "monitor.new_complaint": ({"monitor", "monitor2"}, "page"), "monitor.mine": ({"monitor", "monitor2"}, "page"),
    "monitor.intake": ({"clerk"}, "page"), "monitor.respondent_search": (EVERYONE, "page"),
    "monitor.edit_draft": ({"monitor"}, "case"),
    "workflow.queue": (STAFF, "page"), "bulk.apply": (CASE_STAFF, "page"),
    "registry.merge_page": ({"admin"}, "page"), "registry.merge": ({"admin"}, "page"), "dashboard.staff": (STAFF, "page"), "dashboard.data": (STAFF, "page"),
    "dashboard.export_cases_csv": (STAFF, "page"), "dashboard.export_cases_json": (STAFF, "page"),
    "cases.detail": (CASE_STAFF | {"admin", "monitor"}, "case"),
    "monitor.receipt": (CASE_STAFF | {"admin", "monitor"}, "case"),
    "workflow.decision": (CASE_STAFF | {"admin", "monitor"}, "case"),
    "workflow.notice": (CASE_STAFF, "case"), "workflow.act": (CASE_STAFF | {"monitor"}, "case"),
    "evidence.upload": (CASE_STAFF | {"monitor"}, "case"), "evidence.download": (CASE_STAFF | {"admin", "monitor"}, "case"),
    "api_complaints.file_complaint": ({"monitor", "monitor2", "clerk"}, "api"),
    "api_complaints.list_cases": (EVERYONE, "api"), "api_complaints.read_case": (CASE_STAFF | {"admin", "monitor"}, "api"),
    "api_complaints.take_action": (CASE_STAFF | {"monitor"}, "api"),
    "api_evidence.add_evidence": (CASE_STAFF | {"monitor"}, "api"),
    "api_reference.elections": (EVERYONE, "api"), "api_reference.regions": (EVERYONE, "api"),
    "api_reference.respondents": (EVERYONE, "api"), "api_audit.checkpoints": (EVERYONE, "public"),
}
ADMIN_PAGES = {"admin"}


def _rule_for(endpoint: str) -> tuple[set[str], str] | None:
    if endpoint.startswith("admin."):
        return ADMIN_PAGES, "page"
    return RULES.get(endpoint)


def test_every_route_has_a_rule(app: Flask):
    missing = sorted({r.endpoint for r in app.url_map.iter_rules()} - set(RULES)
                     - {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("admin.")})
    assert not missing, f"routes without an access rule in tests/security/test_route_matrix.py: {missing}"
    stale = sorted(set(RULES) - {r.endpoint for r in app.url_map.iter_rules()})
    assert not stale, f"rules for routes that no longer exist: {stale}"


@pytest.fixture()
def objects(session, users):
    """Concrete values for every URL variable: monitor's case and its parts."""
    from complaints.models import Decision

    decided = select(Decision.complaint_id).where(Decision.published_at.is_not(None))
    case = session.scalar(select(Complaint).join(Filer, Complaint.filer_id == Filer.id)
                          .where(Filer.user_id == users["monitor"].id, Complaint.id.in_(decided))
                          .order_by(Complaint.id).limit(1))
    assert case is not None, "the demo data has a decided case of monitor's"
    from complaints.services import cases as svc

    draft = svc.create_complaint(session, svc.ComplaintInput(election_id=case.election_id),
                                 filer=svc.resolve_filer_for(session, users["monitor"]), actor=users["monitor"])
    evidence = session.scalar(select(Evidence).where(Evidence.complaint_id == case.id).limit(1))
    return {"registration_number": case.registration_number, "evidence_id": evidence.id if evidence else 1,
            "respondent_id": case.respondents[0].id, "complaint_id": draft.id,
            "action": "add_note", "code": "en", "sha256": "0" * 64, "filename": "app.css",
            "user_id": users["clerk"].id, "token_id": 1, "election_id": case.election_id, "category_id": 1,
            "body_id": 1}


def _get_urls(app: Flask, objects: dict) -> list[tuple[str, str]]:
    out = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        values = {name: objects[name] for name in rule.arguments}
        with app.test_request_context():
            from flask import url_for
            out.append((rule.endpoint, url_for(rule.endpoint, **values)))
    return sorted(out)


def test_the_anonymous_column(app, client, objects):
    for endpoint, url in _get_urls(app, objects):
        who, kind = _rule_for(endpoint)
        response = client.get(url)
        response.close()
        status = response.status_code
        assert status < 500, (endpoint, url, status)
        if kind == "public":
            assert status not in (401, 403) and "/login" not in response.headers.get("Location", ""), (endpoint, status)
        elif kind == "api":
            assert status == 401, (endpoint, status)
        else:
            assert status == 302 and "/login" in response.headers["Location"], (endpoint, status)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_column(app, client, auth, session, objects, role):
    user = session.scalar(select(User).where(User.username == role))
    token = tokens.create_token(session, user, "matrix")[1]
    auth.login(role)
    checked = 0
    for endpoint, url in _get_urls(app, objects):
        who, kind = _rule_for(endpoint)
        if kind in ("public", "webhook") or endpoint in ("auth.logout",):
            continue
        headers = {"Authorization": f"Bearer {token}"} if kind == "api" else {}
        response = client.get(url, headers=headers)
        response.close()
        status = response.status_code
        assert status < 500, (role, endpoint, status)
        if role in who and endpoint == "workflow.notice" and status == 403:
            # Printable only while the case is examined (access.may_print_notice);
            # tests/test_policy_matrix.py walks it state by state.
            checked += 1
            continue
        if role in who:
            assert status in (200, 302), (role, endpoint, url, status)
            if status == 302:
                assert "/login" not in response.headers["Location"], (role, endpoint)
        elif kind == "case":
            assert status in (403, 404), (role, endpoint, url, status)
        else:
            assert status in (403, 404), (role, endpoint, url, status)
        checked += 1
    assert checked > 20
