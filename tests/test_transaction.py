"""One transaction per request: every endpoint is wrapped, and whatever a request wrote
before it failed (an exception, or an error status) is gone afterwards, on the pages
and in the API. The views never commit: `grep commit() complaints/web complaints/api`
finds only the wrapper."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from complaints.db import db
from complaints.lifecycle import Action, State
from complaints.models import CaseHistory, Complaint, Filer
from complaints.services import history, tokens
from complaints.services.errors import NotPermitted, ValidationError
from tests.workflow_helpers import case_in_state, demo, fresh, history_count, post_action

ROOT = Path(__file__).resolve().parent.parent


def test_every_endpoint_runs_in_one_transaction(app):
    unwrapped = [endpoint for endpoint, view in app.view_functions.items()
                 if endpoint != "static" and not getattr(view, "one_transaction", False)]
    assert unwrapped == []


def test_no_view_commits_or_rolls_back():
    found = subprocess.run(["grep", "-rnE", r"(commit|rollback)\(\)", "complaints/web", "complaints/api"],
                           cwd=ROOT, capture_output=True, text=True).stdout.splitlines()
    assert found and all(line.startswith("complaints/web/transaction.py:") for line in found), found


class Boom(Exception):
    pass


#: What a request raises after its writes: an unexpected error, and the services' refusals.
FAILURES = [(Boom("after the write"), 500), (ValidationError("refused late", {"note": "no"}), 422),
            (NotPermitted("refused late"), 403)]


def _fail_after_history(monkeypatch, error: Exception) -> None:
    """The history row (and the change before it) is flushed, then the request fails."""
    real = history.append

    def append_then_fail(*args, **kwargs):
        real(*args, **kwargs)
        db.session.flush()
        raise error

    monkeypatch.setattr(history, "append", append_then_fail)


@pytest.mark.parametrize(("error", "status"), FAILURES, ids=["exception", "validation", "not-permitted"])
def test_web_failure_after_a_write_leaves_nothing(client, auth, session, monkeypatch, error, status):
    case = case_in_state(session, State.SUBMITTED)
    version, rows = case.version, history_count(session, case)
    login_as(client, auth, "clerk")
    _fail_after_history(monkeypatch, error)
    response = post_action(client, case, Action.MARK_DEFICIENT, defects="Signature missing.")
    assert response.status_code == status
    monkeypatch.undo()
    case = fresh(session, case)
    assert case.status == State.SUBMITTED and case.version == version
    assert history_count(session, case) == rows


@pytest.mark.parametrize(("error", "status"), FAILURES, ids=["exception", "validation", "not-permitted"])
def test_api_failure_after_a_write_leaves_nothing(client, session, monkeypatch, error, status):
    users = demo(session)["users"]
    _record, token = tokens.create_token(session, users["monitor"], "test")
    session.commit()
    body = {"election_id": demo(session)["election"].id, "summary": "Officials pressed students.",
            "respondent_ids": [demo(session)["jeenbekov"].id], "region_id": demo(session)["region"].id,
            "awareness_at": "2017-10-10T09:00:00+06:00",
            "allegations": [{"category_id": demo(session)["category"].id, "facts": "A rector told students."}]}
    cases_before = session.scalar(select(func.count()).select_from(Complaint))
    filers_before = session.scalar(select(func.count()).select_from(Filer))
    history_before = session.scalar(select(func.count()).select_from(CaseHistory))
    _fail_after_history(monkeypatch, error)
    response = client.post("/api/v1/complaints", json=body,
                           headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "k-1"})
    assert response.status_code == status
    if status != 500:
        assert response.get_json()["error"]["message"] == "refused late"
    monkeypatch.undo()
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Complaint)) == cases_before
    assert session.scalar(select(func.count()).select_from(Filer)) == filers_before
    assert session.scalar(select(func.count()).select_from(CaseHistory)) == history_before
    # The key was not used up: the same request now files the case once.
    again = client.post("/api/v1/complaints", json=body,
                        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "k-1"})
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers


def test_successful_request_commits(client, auth, session):
    case = case_in_state(session, State.SUBMITTED)
    rows = history_count(session, case)
    login_as(client, auth, "clerk")
    response = post_action(client, case, Action.MARK_DEFICIENT, defects="Signature missing.")
    assert response.status_code == 302
    # Committed: a rollback of the test's session now keeps it (the session's savepoint was released).
    session.rollback()
    case = fresh(session, case)
    assert case.status == State.DEFICIENT and history_count(session, case) == rows + 1


def test_recused_clerk_intake_is_refused_not_a_server_error(client, auth, session):
    d = demo(session)
    clerk = d["users"]["clerk"]
    clerk.affiliation_id = d["jeenbekov"].id
    session.commit()
    cases_before = session.scalar(select(func.count()).select_from(Complaint))
    login_as(client, auth, "clerk")
    form = {"election_id": str(d["election"].id), "kind": "violation", "channel": "paper",
            "respondents-0-respondent_id": str(d["jeenbekov"].id),
            "allegations-0-category_id": str(d["category"].id), "allegations-0-facts": "Money handed out.",
            "incident_at": "2017-10-15T09:00", "awareness_at": "2017-10-15T09:30",
            "region_id": str(d["region"].id), "summary": "Vote buying.", "late_reason": "Late.",
            "filer-kind": "voter", "filer-name": "Aigul Voter", "filer-phone": "+996 555 123 456",
            "submit": "1"}
    response = client.post("/complaints/intake", data=form)
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "recused" in html and "Aigul Voter" in html  # the form comes back with what was typed
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Complaint)) == cases_before


def test_web_error_mapper_answers_service_refusals(app, client, auth, session):
    case = case_in_state(session, State.SUBMITTED)
    login_as(client, auth, "monitor")
    # The filer may not mark a case deficient: the lifecycle says 403, through the mapper.
    response = post_action(client, case, Action.MARK_DEFICIENT, defects="x")
    assert response.status_code == 403 and re.search(r"<html", response.get_data(as_text=True))


def login_as(client, auth, username):
    auth.logout()
    assert auth.login(username).status_code == 302
