"""Every route, for every demo role and every case state: what the route allows is what
the page offers. Nothing the page offers is refused, and nothing a route allows on a case
is hidden from the page (a link that is only hidden is no guard). Every endpoint in
app.url_map has a rule here: a new route without one fails `test_every_route_has_a_rule`.

Each probe runs in a savepoint of the test's transaction and is rolled back, so an
action that succeeds does not change the case for the next probe."""
from __future__ import annotations

import html as html_lib
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from complaints import access
from complaints.db import db
from complaints.lifecycle import Action, State
from complaints.models import Complaint, Evidence, User
from complaints.services import evidence_store
from tests import evidence_files as ef
from tests.conftest import TEST_PASSWORD
from tests.workflow_helpers import case_in_state, demo

#: Case routes that must be offered exactly when allowed: (method, what is probed).
OFFERED = {
    "workflow.act": "POST",
    "evidence.upload": "POST",
    "evidence.download": "POST",
    "workflow.notice": "GET",
    "workflow.decision": "GET",
    "monitor.edit_draft": "GET",
}
#: Case routes anyone who may see the case may open (not necessarily linked from the case page).
VIEWS_OF_A_VISIBLE_CASE = {"cases.detail", "monitor.receipt"}
#: The public face of a case: anyone, no account.
PUBLIC_CASE = {"public.case", "public.case_document", "public.case_proof"}
#: Pages and endpoints open to everyone (rate limits and content aside).
OPEN = {"main.index", "main.healthz", "main.set_language", "auth.login", "auth.logout", "monitor.track",
        "public.dashboard", "public.register", "public.register_csv", "public.register_json", "public.audit",
        "apidocs.reference", "offline.manifest", "offline.service_worker", "static",
        "monitor.respondent_search"}
#: The JSON API: bearer tokens and the same policy (tests/test_api.py walks it by role).
API_PREFIXES = ("api_", "api-docs.")
#: Machine callers authenticated by a shared secret, not by an account.
WEBHOOKS = {"webhooks.sms_inbound"}

ROLES = ["monitor", "monitor2", "clerk", "investigator", "commissioner", "admin"]
RECUSED = ["clerk", "investigator", "commissioner"]
CASE_STATES = [s for s in State if s != State.DRAFT]


def _kind(endpoint: str) -> str | None:
    if endpoint in OFFERED:
        return "offered"
    if endpoint in VIEWS_OF_A_VISIBLE_CASE:
        return "view"
    if endpoint in PUBLIC_CASE:
        return "public-case"
    if endpoint in OPEN:
        return "open"
    if endpoint in access.PAGE_ROLES:
        return "role"
    if endpoint.startswith("admin."):
        return "admin"
    if endpoint.startswith(API_PREFIXES):
        return "api"
    if endpoint in WEBHOOKS:
        return "webhook"
    return None


def test_every_route_has_a_rule(app):
    missing = sorted(rule.endpoint for rule in app.url_map.iter_rules() if _kind(rule.endpoint) is None)
    assert missing == [], f"routes without a rule in the policy matrix: {missing}"


# --------------------------------------------------------------------------- probing

class Prober:
    def __init__(self, app: Any, connection: Any) -> None:
        self.app = app
        self.connection = connection
        self.client = app.test_client()

    def login(self, username: str | None) -> None:
        self.client.post("/logout")
        if username is not None:
            assert self.client.post("/login", data={"username": username, "password": TEST_PASSWORD}) \
                .status_code == 302
        db.session.commit()
        db.session.close()

    def request(self, method: str, url: str, **kwargs: Any) -> Any:
        """One request whose writes are undone afterwards."""
        savepoint = self.connection.begin_nested()
        try:
            response = self.client.open(url, method=method, **kwargs)
            response.get_data()
            response.close()
            return response
        finally:
            db.session.close()
            savepoint.rollback()


def _allowed(method: str, response: Any) -> bool:
    location = response.headers.get("Location", "")
    if method == "GET":
        return response.status_code == 200
    # A POST is allowed when it went through (a page, a file, a redirect on) or only its input was wrong.
    return response.status_code in (200, 422) or (response.status_code == 302 and "/login" not in location)


def _offered(app: Any, html: str) -> set[tuple[str, str]]:
    """(method, path) of every link and form on the page."""
    found: set[tuple[str, str]] = set()
    for href in re.findall(r'href="([^"]+)"', html):
        found.add(("GET", urlsplit(html_lib.unescape(href)).path))
    for form in re.findall(r"<form\b[^>]*>", html):
        action = re.search(r'action="([^"]*)"', form)
        method = re.search(r'method="([^"]*)"', form)
        if action:
            found.add(((method.group(1) if method else "get").upper(), urlsplit(html_lib.unescape(action.group(1))).path))
    return found


def _candidates(case: Complaint, evidence_ids: list[int]) -> dict[tuple[str, str], str]:
    """Every concrete (method, path) of the offered-kind routes on `case` -> endpoint."""
    n = case.registration_number
    out = {("POST", f"/cases/{n}/actions/{a.value}"): "workflow.act" for a in Action}
    out[("POST", f"/cases/{n}/evidence")] = "evidence.upload"
    for evidence_id in evidence_ids:
        out[("POST", f"/cases/{n}/evidence/{evidence_id}")] = "evidence.download"
    for r in case.respondents:
        out[("GET", f"/cases/{n}/notice/{r.id}")] = "workflow.notice"
    out[("GET", f"/cases/{n}/decision")] = "workflow.decision"
    out[("GET", f"/complaints/{case.id}/edit")] = "monitor.edit_draft"
    return out


def _post_data(endpoint: str, case_version: int, path: str) -> dict[str, Any]:
    if endpoint == "evidence.upload":
        return {"links": "https://example.org/matrix-probe", "version": str(case_version)}
    if endpoint == "evidence.download":
        return {}
    action = path.rsplit("/", 1)[1]
    return {f"{action}-version": str(case_version)}


@pytest.fixture()
def prober(app, connection):
    return Prober(app, connection)


@pytest.mark.parametrize("state", CASE_STATES, ids=[s.value for s in CASE_STATES])
def test_case_routes_offer_what_they_allow(app, session, prober, state, tmp_path):
    case = case_in_state(session, state)
    d = demo(session)
    store = {"evidence_dir": app.config["EVIDENCE_DIR"], "max_file": 10**6, "max_case": 10**7}
    if access.may_add_evidence(d["users"]["monitor"], case):
        evidence_store.intake_file(session, case, __import__("io").BytesIO(ef.png(state.value.encode())),
                                   "scene.png", actor=d["users"]["monitor"], **store)
    session.commit()
    case_id, number = case.id, case.registration_number
    evidence_ids = list(session.scalars(select(Evidence.id).where(Evidence.complaint_id == case_id)))
    problems: list[str] = []

    def walk(who: str, label: str) -> None:
        prober.login(who)
        fresh = db.session.get(Complaint, case_id)
        candidates = _candidates(fresh, evidence_ids)
        version = fresh.version
        db.session.close()
        page = prober.request("GET", f"/cases/{number}")
        user = db.session.scalar(select(User).where(User.username == who))
        visible = access.can_view(user, db.session.get(Complaint, case_id))
        db.session.close()
        if page.status_code != 200:
            if visible:
                problems.append(f"{label}: the case page answers {page.status_code}")
            offered: set[tuple[str, str]] = set()
        else:
            offered = _offered(app, page.get_data(as_text=True))
        for (method, path), endpoint in candidates.items():
            data = _post_data(endpoint, version, path) if method == "POST" else None
            allowed = _allowed(method, prober.request(method, path, data=data))
            shown = (method, path) in offered
            if allowed and not shown:
                problems.append(f"{label} [{state.value}]: {method} {path} is allowed but not offered")
            if shown and not allowed:
                problems.append(f"{label} [{state.value}]: {method} {path} is offered but refused")
        for endpoint in VIEWS_OF_A_VISIBLE_CASE:
            path = {"cases.detail": f"/cases/{number}", "monitor.receipt": f"/cases/{number}/receipt"}[endpoint]
            if _allowed("GET", prober.request("GET", path)) != visible:
                problems.append(f"{label} [{state.value}]: GET {path} disagrees with can_view ({visible})")

    for who in ROLES:
        walk(who, who)
    # Staff affiliated with a party to the case: they may see it, and may do nothing on it.
    for who in RECUSED:
        db.session.execute(select(User).where(User.username == who)).scalar_one().affiliation_id = \
            d["jeenbekov"].id
    session.commit()
    for who in RECUSED:
        walk(who, f"recused {who}")
    assert problems == []


def test_drafts_are_for_their_owner_only(app, session, prober):
    draft = case_in_state(session, State.DRAFT)
    draft_id = draft.id
    for who, allowed in (("monitor", True), ("monitor2", False), ("clerk", False), ("admin", False)):
        prober.login(who)
        mine = prober.request("GET", "/complaints/mine")
        offered = f"/complaints/{draft_id}/edit" in mine.get_data(as_text=True)
        response = prober.request("GET", f"/complaints/{draft_id}/edit")
        assert _allowed("GET", response) is allowed, who
        assert offered is (allowed and mine.status_code == 200), who


# --------------------------------------------------------------------------- pages without a case

GLOBAL_PAGES = sorted(endpoint for endpoint, kind in
                      ((e, _kind(e)) for e in list(access.PAGE_ROLES) + sorted(OPEN)) if kind in ("role", "open"))


def _simple_get_paths(app: Any) -> dict[str, str]:
    paths = {}
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and rule.endpoint not in paths:
            paths[rule.endpoint] = rule.rule
    return paths


@pytest.mark.parametrize("who", [None, *ROLES])
def test_pages_and_menu_agree_with_the_policy(app, session, prober, who):
    paths = _simple_get_paths(app)
    prober.login(who)
    user = db.session.scalar(select(User).where(User.username == who)) if who else None
    db.session.close()
    problems = []
    for endpoint, path in sorted(paths.items()):
        kind = _kind(endpoint)
        if kind not in ("role", "admin"):
            continue
        expected = access.may_open(user, endpoint) if kind == "role" else access.can_administer(user)
        response = prober.request("GET", path)
        if _allowed("GET", response) != expected:
            problems.append(f"{who}: GET {path} answers {response.status_code}, the policy says {expected}")
    # The menu: every item opens, and every role-gated page the role may open is in it.
    home = prober.request("GET", "/")
    links = {p for m, p in _offered(app, home.get_data(as_text=True)) if m == "GET"}
    menu = {paths[e] for e in ("monitor.new_complaint", "monitor.mine", "workflow.queue", "monitor.intake",
                               "dashboard.staff", "admin.index")}
    for path in links & set(paths.values()):
        if not _allowed("GET", prober.request("GET", path)):
            problems.append(f"{who}: the page links {path}, which is refused")
    for path in menu:
        endpoint = next(e for e, p in paths.items() if p == path)
        if access.may_open(user, endpoint) and user is not None and path not in links:
            problems.append(f"{who}: may open {path}, but the menu does not offer it")
    assert problems == []
