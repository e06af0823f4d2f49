"""Merging two respondent records: every case keeps its history and records the merge;
counts, search and the registry follow the record kept."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from complaints.enums import CandidateStatus, RespondentKind
from complaints.lifecycle import Action
from complaints.models import CaseHistory, ComplaintRespondent, Respondent, User
from complaints.services import cases as svc
from complaints.services import search, stats
from complaints.services.errors import ValidationError
from complaints.services.respondents import merge_respondents
from tests.conftest import csrf_token
from tests.workflow_helpers import demo, fresh, history_count, new_case


def twin_of_jeenbekov(session: Session) -> Respondent:
    d = demo(session)
    twin = Respondent(kind=RespondentKind.CANDIDATE, name="Жээнбеков Сооронбай", election_id=d["election"].id,
                      candidate_status=CandidateStatus.REGISTERED)
    session.add(twin)
    session.flush()
    return twin


def test_merge_moves_every_case_and_records_it(session: Session, users: dict[str, User]) -> None:
    d = demo(session)
    keep, drop = d["jeenbekov"], twin_of_jeenbekov(session)
    on_twin = [new_case(session, respondent=drop, summary="Плакат Жээнбекова у школы.") for _ in range(2)]
    svc.apply_action(session, on_twin[0], Action.ADD_NOTE, users["clerk"], {"note": "Seen twice."})
    rows_before = [history_count(session, c) for c in on_twin]
    drop_id = drop.id
    result = merge_respondents(session, keep, drop, actor=users["admin"])
    assert sorted(c.id for c in result.cases) == sorted(c.id for c in on_twin)
    assert session.get(Respondent, drop_id) is None
    for case, before in zip(on_twin, rows_before, strict=True):
        case = fresh(session, case)
        assert [r.id for r in case.respondents] == [keep.id]
        assert case.primary_respondent_id == keep.id
        history = session.scalars(select(CaseHistory).where(CaseHistory.complaint_id == case.id)
                                  .order_by(CaseHistory.seq)).all()
        assert len(history) == before + 1  # nothing rewritten, one row added
        assert history[-1].action == "respondent_merged"
        assert history[-1].payload["dropped_id"] == drop_id and history[-1].payload["kept_id"] == keep.id
    assert session.scalar(select(ComplaintRespondent).where(ComplaintRespondent.respondent_id == drop_id)) is None
    # The counters equal a rebuild, and the search row names the record kept.
    summary = stats.summary(session, stats.Filters(election_id=d["election"].id), public=False)
    assert drop_id not in [r["id"] for r in summary["top_respondents"]]
    for q, public in (("Sooronbay Jeenbekov плакат", False), ("Sooronbay Jeenbekov", True)):
        m = search.match(session, q, public=public)
        assert m is not None
        assert set(session.scalars(m.ids())) >= {c.id for c in on_twin}


def test_a_case_naming_both_records_keeps_one(session: Session, users: dict[str, User]) -> None:
    d = demo(session)
    keep, drop = d["jeenbekov"], twin_of_jeenbekov(session)
    case = new_case(session, respondent=keep)
    case.respondent_links.append(ComplaintRespondent(respondent_id=drop.id, position=1))
    session.flush()
    merge_respondents(session, keep, drop, actor=users["admin"])
    assert [r.id for r in fresh(session, case).respondents] == [keep.id]


def test_merge_refuses_one_record_twice(session: Session, users: dict[str, User]) -> None:
    keep = demo(session)["jeenbekov"]
    try:
        merge_respondents(session, keep, keep, actor=users["admin"])
    except ValidationError as exc:
        assert "different" in exc.message
    else:
        raise AssertionError("merged a record into itself")


def test_merge_page_is_for_admins(client: Any, auth: Any, session: Session) -> None:
    keep, drop = demo(session)["jeenbekov"], twin_of_jeenbekov(session)
    case = new_case(session, respondent=drop)
    session.commit()
    auth.login("clerk")
    assert client.get("/admin/respondents/merge").status_code in (403, 404)
    auth.logout()
    auth.login("admin")
    page = client.get("/admin/respondents/merge").get_data(as_text=True)
    assert "Жээнбеков Сооронбай" in page and f"keep={keep.id}&amp;drop={drop.id}" in page
    token = csrf_token(page)
    r = client.post("/admin/respondents/merge", data={"csrf_token": token, "keep_id": keep.id, "drop_id": keep.id})
    assert r.status_code == 422
    r = client.post("/admin/respondents/merge", data={"csrf_token": token, "keep_id": keep.id, "drop_id": "x"})
    assert r.status_code == 422
    r = client.post("/admin/respondents/merge", data={"csrf_token": token, "keep_id": keep.id,
                                                      "drop_id": 99999999})
    assert r.status_code == 422
    r = client.post("/admin/respondents/merge", data={"csrf_token": token, "keep_id": keep.id, "drop_id": drop.id})
    assert r.status_code == 200 and case.registration_number in r.get_data(as_text=True)
    session.expire_all()
    assert [x.id for x in fresh(session, case).respondents] == [keep.id]
