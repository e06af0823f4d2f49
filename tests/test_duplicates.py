"""Suggested duplicates: a shared respondent by name key, the same precinct or region,
close in time, similar words."""
from __future__ import annotations

from sqlalchemy.orm import Session

from complaints.enums import CandidateStatus, RespondentKind
from complaints.models import Respondent
from complaints.services import workflow as wf
from tests.workflow_helpers import demo, new_case


def test_duplicates_found_across_scripts_and_by_words(session: Session) -> None:
    d = demo(session)
    twin = Respondent(kind=RespondentKind.CANDIDATE, name="Жээнбеков Сооронбай", election_id=d["election"].id,
                      candidate_status=CandidateStatus.REGISTERED)
    session.add(twin)
    session.flush()
    first = new_case(session, summary="Баннер кандидата висит прямо на здании избирательного участка номер 1001.")
    second = new_case(session, respondent=twin,
                      summary="На здании избирательного участка 1001 повесили баннер кандидата.")
    unrelated = new_case(session, summary="Раздавали продуктовые наборы пенсионерам в Нарыне.",
                         respondent=session.get(Respondent, d["jeenbekov"].party_id) or d["jeenbekov"])
    found = wf.suggested_duplicates(session, second)
    assert found and found[0].id == first.id
    ranks = [c.id for c in found]
    if unrelated.id in ranks:
        assert ranks.index(unrelated.id) > ranks.index(first.id)


def test_no_suggestion_outside_the_window(session: Session) -> None:
    import datetime as dt

    first = new_case(session, summary="Баннер на участке 2002.")
    second = new_case(session, summary="Баннер на участке 2002.")
    second.received_at = first.received_at + wf.DUPLICATE_WINDOW + dt.timedelta(hours=1)
    session.flush()
    assert first not in wf.suggested_duplicates(session, second)
