"""The work queue: who sees it, filters and their counts, overdue first, keyset pages."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select, update

from complaints.db import utcnow
from complaints.demo import generate
from complaints.lifecycle import Action, State
from complaints.models import Complaint, User
from complaints.services import cases as svc
from complaints.services import stats
from complaints.services import workflow as wf
from tests.workflow_helpers import case_in_state, demo, text_of


def numbers(response):
    return re.findall(r'<td[^>]*><a href="/cases/([A-Z0-9-]+)"[ >]', response.get_data(as_text=True))


def test_queue_is_for_staff_only(client, auth):
    assert client.get("/cases").status_code == 302  # to the login page
    auth.login("monitor")
    assert client.get("/cases").status_code == 403
    auth.logout()
    for username in ("clerk", "investigator", "commissioner", "admin"):
        auth.login(username)
        assert client.get("/cases").status_code == 200, username
        auth.logout()


def test_default_queue_is_active_cases_overdue_first(client, auth, session):
    auth.login("clerk")
    response = client.get("/cases")
    listed = numbers(response)
    assert listed
    cases = {c.registration_number: c for c in session.scalars(
        select(Complaint).where(Complaint.registration_number.in_(listed)))}
    assert all(cases[n].status in wf.ACTIVE_STATES for n in listed)
    dues = [cases[n].due_at for n in listed]
    timed = [d for d in dues if d is not None]
    assert timed == sorted(timed)
    assert dues[: len(timed)] == timed  # no running clock: last
    assert "OVERDUE" in text_of(response)  # 2017 cases are long overdue
    assert 'class="overdue-row"' in response.get_data(as_text=True)


def test_filters_and_counts(client, auth, session):
    d = demo(session)
    auth.login("clerk")
    published = session.scalar(select(func.count()).select_from(Complaint)
                               .where(Complaint.status == State.PUBLISHED))
    response = client.get("/cases?status=published")
    assert len(numbers(response)) == min(published, wf.PAGE_SIZE)
    assert f"published ({published})" in text_of(response)
    region = d["region"]
    response = client.get(f"/cases?status=all&region={region.id}")
    for n in numbers(response):
        assert session.scalar(select(Complaint.region_id).where(Complaint.registration_number == n)) == region.id
    jeenbekov = d["jeenbekov"]
    response = client.get(f"/cases?status=all&respondent={jeenbekov.id}")
    listed = numbers(response)
    assert "KG2017P-000001" in listed  # Jeenbekov is the first respondent of demo case 1
    category = d["category"]
    for n in numbers(client.get(f"/cases?status=all&category={category.id}")):
        assert session.scalar(select(Complaint.primary_category_id)
                              .where(Complaint.registration_number == n)) == category.id
    # Nonsense filters are ignored rather than failing.
    assert client.get("/cases?status=nonsense&region=abc&assignee=x&after=!!!").status_code == 200


def test_my_cases_due_within_24h_and_overdue(client, auth, session):
    users = demo(session)["users"]
    fresh_case = case_in_state(session, State.UNDER_EXAMINATION)
    svc.apply_action(session, fresh_case, Action.ASSIGN, users["clerk"], {"assignee_id": users["commissioner"].id})
    session.execute(update(Complaint).where(Complaint.id == fresh_case.id)
                    .values(decision_due_at=utcnow() + dt.timedelta(hours=5),
                            due_at=utcnow() + dt.timedelta(hours=5)))
    session.commit()
    auth.login("commissioner")
    mine = numbers(client.get("/cases?mine=1"))
    assert fresh_case.registration_number in mine
    assert all(session.scalar(select(Complaint.assignee_id).where(Complaint.registration_number == n))
               == users["commissioner"].id for n in mine)
    assert numbers(client.get("/cases?assignee=me")) == mine
    soon = numbers(client.get("/cases?due24=1"))
    assert fresh_case.registration_number in soon
    overdue = numbers(client.get("/cases?overdue=1"))
    assert overdue and fresh_case.registration_number not in overdue
    now = utcnow()
    for n in overdue:
        assert session.scalar(select(Complaint.due_at).where(Complaint.registration_number == n)) < now


def test_escalated_to_me_after_the_sweep(client, auth, session):
    svc.sweep(session)
    session.commit()
    escalated = session.scalar(select(func.count()).select_from(Complaint)
                               .where(Complaint.escalated_to == "commissioner",
                                      Complaint.status.in_(sorted(wf.ACTIVE_STATES))))
    assert escalated > 0
    auth.login("commissioner")
    response = client.get("/cases?escalated=1")
    listed = numbers(response)
    assert len(listed) == min(escalated, wf.PAGE_SIZE)
    assert "escalated to commissioner" in text_of(response)
    auth.logout()
    auth.login("clerk")
    assert numbers(client.get("/cases?escalated=1")) == []


def test_keyset_pages_cover_everything_once(session):
    clerk = session.scalar(select(User).where(User.username == "clerk"))
    filters = wf.QueueFilters(status="all")
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        page = wf.queue_page(session, clerk, filters, cursor, limit=7)
        seen += [c.id for c in page.cases]
        pages += 1
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
        assert pages < 100
    total = session.scalar(select(func.count()).select_from(Complaint).where(Complaint.status != State.DRAFT))
    assert len(seen) == len(set(seen)) == total
    assert pages > 2
    assert page.status_counts["all"] == total


def _received(session) -> int:
    return session.scalar(select(func.count()).select_from(Complaint).where(Complaint.status != State.DRAFT)) or 0


def test_next_page_link(client, auth, session):
    # More received cases than one page holds, so the second page is really reached.
    short = wf.PAGE_SIZE + 5 - _received(session)
    if short > 0:
        generate.generate(session, short, election=stats.default_election(session), seed=11, commit=False)
        session.commit()
    assert _received(session) > wf.PAGE_SIZE
    auth.login("clerk")
    first = client.get("/cases?status=all")
    match = re.search(r'href="([^"]+after=[^"]+)" rel="next"', first.get_data(as_text=True))
    assert match and len(numbers(first)) == wf.PAGE_SIZE
    second = client.get(match.group(1).replace("&amp;", "&"))
    assert second.status_code == 200 and numbers(second)
    assert not set(numbers(first)) & set(numbers(second))


def test_cursor_round_trip_and_garbage():
    case = Complaint(id=42, due_at=dt.datetime(2017, 10, 15, 6, tzinfo=dt.UTC))
    assert wf.decode_cursor(wf.encode_cursor(case)) == (case.due_at, 42)
    assert wf.decode_cursor(wf.encode_cursor(Complaint(id=7, due_at=None))) == (None, 7)
    for bad in ("", "!!!", "e30", "W10", "WyJ4IiwgMV0", "x" * 500):
        assert wf.decode_cursor(bad) is None


def test_suggested_duplicates_and_checklist(session):
    first = case_in_state(session, State.SUBMITTED)
    second = case_in_state(session, State.SUBMITTED)
    assert first in wf.suggested_duplicates(session, second)
    items = {i.key: i for i in wf.admissibility_checklist(session, second)}
    assert set(items) == {"on_time", "standing", "competence", "elements", "duplicate"}
    assert items["on_time"].ok and items["standing"].ok and items["elements"].ok
    assert items["duplicate"].ok is None and first.registration_number in items["duplicate"].detail


def test_pages_follow_due_order_across_statuses(session):
    # The timed part is merged from one index range per status: the order must be global.
    clerk = session.scalar(select(User).where(User.username == "clerk"))
    for filters in (wf.QueueFilters(), wf.QueueFilters(status="all")):
        seen: list[int] = []
        cursor = None
        for _ in range(200):
            page = wf.queue_page(session, clerk, filters, cursor, limit=9)
            seen += [c.id for c in page.cases]
            cursor = page.next_cursor
            if cursor is None:
                break
        states = sorted(wf.ACTIVE_STATES) if filters.status == "" else sorted(wf.RECEIVED_STATES)
        timed = session.scalars(select(Complaint.id).where(Complaint.status.in_(states),
                                                           Complaint.due_at.is_not(None))
                                .order_by(Complaint.due_at, Complaint.id)).all()
        untimed = session.scalars(select(Complaint.id).where(Complaint.status.in_(states),
                                                             Complaint.due_at.is_(None))
                                  .order_by(Complaint.id)).all()
        assert len(timed) > 9
        assert seen == [*timed, *untimed]
