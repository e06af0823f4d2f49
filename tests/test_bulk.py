"""Bulk actions in the queue: every case through the same lifecycle check, version
check and history as a single action; refusals listed with their reasons."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from complaints.lifecycle import Action, State
from complaints.models import CaseHistory, CaseLink, User
from complaints.services import bulk
from tests.conftest import csrf_token
from tests.workflow_helpers import case_in_state, demo, fresh, local_input, new_case


def history_rows(session: Session, action: str) -> int:
    return session.scalar(select(func.count()).select_from(CaseHistory).where(CaseHistory.action == action)) or 0


def test_bulk_assignment_of_50_where_3_refuse(client: Any, auth: Any, session: Session,
                                              users: dict[str, User]) -> None:
    examining = [case_in_state(session, State.UNDER_EXAMINATION) for _ in range(47)]
    submitted = [new_case(session) for _ in range(3)]  # ASSIGN is refused before acceptance
    before = history_rows(session, "assign")
    investigator = users["investigator"]
    auth.login("clerk")
    page = client.get("/cases?status=all").get_data(as_text=True)
    selected = [f"{c.registration_number}:{c.version}" for c in examining + submitted]
    r = client.post("/cases/bulk", data={"csrf_token": csrf_token(page), "bulk-action": "assign",
                                         "bulk-assignee_id": str(investigator.id), "case": selected})
    assert r.status_code == 200
    text = r.get_data(as_text=True)
    assert "47 of 50 cases changed; 3 refused." in text
    for c in submitted:
        assert c.registration_number in text
    refused = text[text.index("Refused, unchanged"):]
    assert refused.count("is not possible while the case is submitted") == 3
    session.expire_all()
    assert history_rows(session, "assign") - before == 47
    assert all(fresh(session, c).assignee_id == investigator.id for c in examining)
    assert all(fresh(session, c).assignee_id is None and fresh(session, c).status == State.SUBMITTED
               for c in submitted)


def test_bulk_checks_each_version_and_links_duplicates(session: Session, users: dict[str, User]) -> None:
    main = case_in_state(session, State.UNDER_EXAMINATION)
    dups = [new_case(session) for _ in range(3)]
    stale = dups[0].version - 1
    items = bulk.bulk_apply(session, [(main.registration_number, main.version),
                                      (dups[0].registration_number, stale),
                                      (dups[1].registration_number, dups[1].version),
                                      (dups[2].registration_number.lower(), None), ("KG0000X-000000", None)],
                            Action.LINK_CASE, users["clerk"], {"other_case": main.registration_number,
                                                                "link_kind": "duplicate_of"})
    by = {i.registration_number: i for i in items}
    assert not by[main.registration_number].changed
    assert not by[dups[0].registration_number].changed and "changed" in (by[dups[0].registration_number].reason or "")
    assert by[dups[1].registration_number].changed and by[dups[2].registration_number].changed
    assert by["KG0000X-000000"].reason == "No such case."
    links = session.scalars(select(CaseLink).where(CaseLink.other_id == main.id)).all()
    assert sorted(link.complaint_id for link in links) == sorted([dups[1].id, dups[2].id])


def test_bulk_hearing_and_transfer(session: Session, users: dict[str, User]) -> None:
    cases = [case_in_state(session, State.UNDER_EXAMINATION) for _ in range(2)]
    when = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    items = bulk.bulk_apply(session, [(c.registration_number, c.version) for c in cases], Action.SCHEDULE_HEARING,
                            users["commissioner"], {"hearing_at": when, "hearing_place": "CEC hall"})
    assert all(i.changed for i in items) and all(c.status == State.HEARING_SCHEDULED for c in cases)
    fresh_case = new_case(session)
    items = bulk.bulk_apply(session, [(fresh_case.registration_number, None), (cases[0].registration_number, None)],
                            Action.TRANSFER, users["clerk"], {"transfer_to": "police"})
    assert [i.changed for i in items] == [True, False]
    assert fresh_case.status == State.TRANSFERRED


def test_bulk_form_errors_change_nothing(client: Any, auth: Any, session: Session) -> None:
    case = new_case(session)
    auth.login("clerk")
    token = csrf_token(client.get("/cases").get_data(as_text=True))
    r = client.post("/cases/bulk", data={"csrf_token": token, "bulk-action": "schedule_hearing",
                                         "case": [f"{case.registration_number}:{case.version}"]})
    assert r.status_code == 422 and "required for this action" in r.get_data(as_text=True)
    r = client.post("/cases/bulk", data={"csrf_token": token, "bulk-action": "assign", "bulk-assignee_id": "1"})
    assert r.status_code == 422 and "Select at least one case" in r.get_data(as_text=True)
    r = client.post("/cases/bulk", data={"csrf_token": token, "bulk-action": "decide", "case": ["X:1"]})
    assert r.status_code == 422
    auth.logout()
    auth.login("monitor")
    r = client.post("/cases/bulk", data={"csrf_token": token, "bulk-action": "assign", "case": ["X:1"]})
    assert r.status_code in (403, 400)
    assert local_input and demo
