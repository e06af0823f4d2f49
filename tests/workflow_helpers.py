"""Helpers for the workflow tests: cases put into any lifecycle state through the
services, and posting an action form the way the case page does."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from complaints.db import utcnow
from complaints.lifecycle import Action, State
from complaints.models import CaseHistory, Category, Complaint, Election, Region, Respondent, User
from complaints.services import cases as svc
from complaints.services.cases import AllegationInput, ComplaintInput

BISHKEK = dt.timezone(dt.timedelta(hours=6))


def local_input(moment: dt.datetime) -> str:
    """A datetime-local value (Bishkek time) for `moment`."""
    return moment.astimezone(BISHKEK).strftime("%Y-%m-%dT%H:%M")


def demo(session: Session) -> dict[str, Any]:
    election = session.scalar(select(Election).where(Election.code == "KG2017P"))
    assert election is not None
    resp = {r.name: r for r in session.scalars(select(Respondent))}
    return {
        "election": election,
        "category": session.scalar(select(Category).where(Category.election_id == election.id,
                                                          Category.code == "vote_buying")),
        "region": session.scalar(select(Region).where(Region.code == "OS")),
        "jeenbekov": next(r for name, r in resp.items() if "Жээнбеков" in name),
        "users": {u.username: u for u in session.scalars(select(User))},
    }


def new_case(session: Session, *, draft: bool = False, respondent: Respondent | None = None,
             summary: str = "Vote buying near a polling station.") -> Complaint:
    """A complaint filed online by the demo `monitor` (its filer)."""
    d = demo(session)
    monitor = d["users"]["monitor"]
    now = utcnow()
    data = ComplaintInput(
        election_id=d["election"].id, summary=summary,
        respondent_ids=[(respondent or d["jeenbekov"]).id],
        allegations=[AllegationInput(category_id=d["category"].id, facts="Money was handed out.")],
        awareness_at=now - dt.timedelta(hours=3), incident_at=now - dt.timedelta(hours=4),
        region_id=d["region"].id)
    filer = svc.resolve_filer_for(session, monitor)
    if draft:
        case = svc.create_complaint(session, data, filer=filer, actor=monitor)
    else:
        case, _code = svc.file_complaint(session, data, filer=filer, actor=monitor)
    # Committed (into the test's outer transaction), so a view's rollback keeps it.
    session.commit()
    return case


#: How to reach each state from `submitted`, as (action, who, data) steps.
def _steps(session: Session, case: Complaint, target: State) -> list[tuple[Action, str, dict[str, Any]]]:
    users = demo(session)["users"]
    rid = case.respondents[0].id
    now = utcnow()
    accept = (Action.ACCEPT, "clerk", {"assignee_id": users["investigator"].id})
    decide = (Action.DECIDE, "commissioner", {"outcome": "upheld", "reasons": "Proven.", "legal_basis": "Art. 43",
                                              "votes_for": 7, "votes_against": 2, "votes_abstain": 1})
    publish = (Action.PUBLISH, "clerk", {})
    appeal = (Action.FILE_APPEAL, "clerk", {"appeal_body": "first_instance_court", "appellant": "respondent"})
    remand = (Action.RECORD_APPEAL_OUTCOME, "clerk", {"appeal_outcome": "remanded"})
    withdraw = (Action.WITHDRAW, "clerk", {"reason": "The filer withdrew."})
    paths: dict[State, list[tuple[Action, str, dict[str, Any]]]] = {
        State.SUBMITTED: [],
        State.DEFICIENT: [(Action.MARK_DEFICIENT, "clerk", {"defects": "Signature missing."})],
        State.INADMISSIBLE: [(Action.DECLARE_INADMISSIBLE, "clerk", {
            "grounds": ["late"], "reasons": "Late.", "legal_basis": "Art. 44", "how_to_appeal": "To the court."})],
        State.TRANSFERRED: [(Action.TRANSFER, "clerk", {"transfer_to": "police"})],
        State.UNDER_EXAMINATION: [accept],
        State.HEARING_SCHEDULED: [accept, (Action.SCHEDULE_HEARING, "commissioner", {
            "hearing_at": now + dt.timedelta(days=1), "hearing_place": "CEC, room 2"})],
        State.DECIDED: [accept, decide],
        State.PUBLISHED: [accept, decide, publish],
        State.APPEALED: [accept, decide, publish, appeal],
        State.APPEAL_DECIDED: [accept, decide, publish, appeal, remand],
        State.REOPENED: [accept, decide, publish, appeal, remand, (Action.REOPEN, "commissioner", {})],
        State.WITHDRAWN: [withdraw],
        State.CLOSED: [withdraw, (Action.CLOSE, "clerk", {})],
    }
    del rid
    return paths[target]


def case_in_state(session: Session, state: State) -> Complaint:
    case = new_case(session, draft=state == State.DRAFT)
    if state == State.DRAFT:
        return case
    users = demo(session)["users"]
    for action, who, data in _steps(session, case, state):
        svc.apply_action(session, case, action, users[who], data)
    session.commit()
    assert case.status == state
    return case


def history_count(session: Session, case: Complaint) -> int:
    return session.scalar(select(func.count()).select_from(CaseHistory)
                          .where(CaseHistory.complaint_id == case.id)) or 0


def fresh(session: Session, case: Complaint) -> Complaint:
    session.expire_all()
    found = session.get(Complaint, case.id)
    assert found is not None
    return found


def post_action(client: FlaskClient, case: Complaint, action: str | Action, version: int | None = None,
                **data: Any) -> Any:
    """Post one action form as the case page would (fields carry the action as prefix)."""
    name = action.value if isinstance(action, Action) else action
    form: dict[str, Any] = {f"{name}-version": str(case.version if version is None else version)}
    for key, value in data.items():
        form[f"{name}-{key}"] = value
    number = case.registration_number or f"draft-{case.id}"
    return client.post(f"/cases/{number}/actions/{name}", data=form)


def text_of(response: Any) -> str:
    """The page's text without tags, whitespace collapsed (for message assertions)."""
    html = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
