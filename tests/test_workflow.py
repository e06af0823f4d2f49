"""The commission's workflow through the pages: every path of DOMAIN.md section 3
taken by the right roles, and every action refused (nothing changed) for every
wrong role and every wrong state; recusal and stale versions."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select, update

from complaints import access, lifecycle
from complaints.db import utcnow
from complaints.lifecycle import Action, State
from complaints.models import CaseHistory, CaseLink, CaseNote, Complaint, RespondentNotice, User
from complaints.services import cases as svc
from tests.workflow_helpers import (
    case_in_state,
    demo,
    fresh,
    history_count,
    local_input,
    new_case,
    post_action,
    text_of,
)

ROLES = ["monitor", "monitor2", "clerk", "investigator", "commissioner", "admin"]


def text_of_html(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def login_as(client, auth, username):
    auth.logout()
    response = auth.login(username)
    assert response.status_code == 302, f"could not log in as {username}"


def ok(response, case=None):
    assert response.status_code == 302, response.get_data(as_text=True)[-2500:]
    if case is not None:
        assert response.headers["Location"].endswith(f"/cases/{case.registration_number}")


def actions_of(session, case):
    rows = session.scalars(select(CaseHistory).where(CaseHistory.complaint_id == case.id)
                           .order_by(CaseHistory.seq)).all()
    return [(h.action, h.actor_name) for h in rows]


# --------------------------------------------------------------------------- exhaustive refusals

def expected_refusal(state: State, action: Action, username: str, case: Complaint, user: User) -> int | None:
    """The status a refused post gets, or None when this user may take the action here."""
    if not access.can_view(user, case) or case.registration_number is None:
        return 404
    rule = lifecycle.TABLE.get((state, action))
    if rule is None:
        return 409
    if not rule.actors & access.actors(user, case):
        return 403
    return None


@pytest.mark.parametrize("state", list(State), ids=lambda s: s.value)
def test_every_wrong_role_and_state_is_refused(client, auth, session, state):
    """For this state: every action by every role that the table does not allow is
    refused with 403, 409 or (a case the user may not see) 404, and nothing changes."""
    case = case_in_state(session, state)
    users = {u.username: u for u in session.scalars(select(User).where(User.username.in_(ROLES)))}
    version, rows = case.version, history_count(session, case)
    checked = 0
    for username in ROLES:
        login_as(client, auth, username)
        for action in Action:
            expected = expected_refusal(state, action, username, case, users[username])
            if expected is None:
                continue
            response = post_action(client, case, action)
            assert response.status_code == expected, (state, action, username, text_of(response)[-800:])
            if expected == 409:
                assert "Nothing was changed." in text_of(response)
                assert "not possible while the case is" in text_of(response)
            if expected == 403:
                assert "Only " in text_of(response)
            checked += 1
    case = fresh(session, case)
    assert case.status == state
    assert case.version == version
    assert history_count(session, case) == rows
    assert checked > 0


def test_refusal_table_covers_every_rule_and_role():
    """The parametrised test above exercises each rule's wrong roles: every rule names
    at least one role that is refused somewhere, so the loops are not vacuous."""
    roles = {"filer", "clerk", "investigator", "commissioner"}
    for rule in lifecycle.RULES:
        assert roles - rule.actors or rule.actors == roles, rule
    pairs = {(r.state, r.action) for r in lifecycle.RULES}
    assert len(pairs) == len(lifecycle.RULES)


def test_unknown_action_and_unknown_case_are_404(client, auth, session):
    case = case_in_state(session, State.SUBMITTED)
    login_as(client, auth, "clerk")
    assert post_action(client, case, "explode").status_code == 404
    assert client.post("/cases/KG2017P-999999/actions/accept", data={"accept-version": "1"}).status_code == 404


def test_anonymous_post_goes_to_login(client, session):
    case = case_in_state(session, State.SUBMITTED)
    response = post_action(client, case, Action.ACCEPT)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert fresh(session, case).status == State.SUBMITTED


# --------------------------------------------------------------------------- the paths of section 3

def test_demo_case_from_submitted_to_published_and_appealed_through_the_pages(client, auth, session):
    """A 2017 demo case, taken through every step by the right roles, by the pages alone;
    the history shows each step with who and when."""
    d = demo(session)
    users = d["users"]
    case = session.scalar(select(Complaint).where(Complaint.summary.like("Продуктовые наборы%")))
    assert case is not None and case.status == State.SUBMITTED and access.owns(users["monitor"], case)
    jeenbekov = case.respondents[0]
    number = case.registration_number

    login_as(client, auth, "clerk")
    page = client.get(f"/cases/{number}")
    assert page.status_code == 200
    body = text_of(page)
    assert "Admissibility checklist" in body and "Accept for examination" in body
    assert "Record the commission" not in body  # only the actions allowed to this user now
    ok(post_action(client, case, Action.ACCEPT, assignee_id=""), case)
    case = fresh(session, case)
    assert case.status == State.UNDER_EXAMINATION and case.assignee_id is None
    ok(post_action(client, case, Action.ASSIGN, assignee_id=str(users["investigator"].id)), case)

    login_as(client, auth, "investigator")
    case = fresh(session, case)
    served = utcnow().replace(second=0, microsecond=0) - dt.timedelta(hours=1)
    ok(post_action(client, case, Action.NOTIFY_RESPONDENT, respondent_id=str(jeenbekov.id),
                   served_at=local_input(served)), case)
    notice = session.scalar(select(RespondentNotice).where(RespondentNotice.complaint_id == case.id))
    assert notice.served_at == served  # typed in Bishkek time, stored as UTC
    printed = client.get(f"/cases/{number}/notice/{jeenbekov.id}")
    assert printed.status_code == 200
    assert "Reply deadline" in text_of(printed) and "Notice of a complaint" in text_of(printed)
    assert "раздавали продуктовые наборы" in text_of(printed)  # the allegation's facts
    case = fresh(session, case)
    ok(post_action(client, case, Action.RECORD_REPLY, respondent_id=str(jeenbekov.id),
                   reply="The campaign denies it."), case)
    case = fresh(session, case)
    ok(post_action(client, case, Action.REQUEST_EVIDENCE, note="Ask the filer for photographs."), case)
    case = fresh(session, case)
    ok(post_action(client, case, Action.ADD_NOTE, note="Witness list in the paper file."), case)
    case = fresh(session, case)
    ok(post_action(client, case, Action.DRAFT_CONCLUSION, conclusion="Partly proven."), case)

    login_as(client, auth, "commissioner")
    case = fresh(session, case)
    hearing = (utcnow() + dt.timedelta(days=1)).replace(second=0, microsecond=0)
    ok(post_action(client, case, Action.SCHEDULE_HEARING, hearing_at=local_input(hearing),
                   hearing_place="CEC, hall 1"), case)
    case = fresh(session, case)
    assert case.status == State.HEARING_SCHEDULED and case.hearing_at == hearing
    ok(post_action(client, case, Action.DECIDE, outcome="partly_upheld", reasons="Parcels were handed out.",
                   legal_basis="Art. 51 of the election law", remedy="Stop the practice.", votes_for="8",
                   votes_against="3", votes_abstain="1", dissent="Two members doubted the witnesses.",
                   **{"sanctions-0-kind": "warning", "sanctions-0-respondent_id": str(jeenbekov.id),
                      "sanctions-0-note": "Warning"}), case)
    case = fresh(session, case)
    assert case.status == State.DECIDED
    assert [s.kind.value for s in case.decision.sanctions] == ["warning"]
    document = client.get(f"/cases/{number}/decision")
    assert document.status_code == 200
    assert "partly upheld" in text_of(document) and "8 for, 3 against, 1 abstaining" in text_of(document)

    login_as(client, auth, "clerk")
    case = fresh(session, case)
    ok(post_action(client, case, Action.PUBLISH, public_text="The commission partly upheld the complaint."), case)
    case = fresh(session, case)
    assert case.status == State.PUBLISHED and case.published_at is not None

    login_as(client, auth, "monitor")  # the filer appeals through their own page
    page = client.get(f"/cases/{number}")
    assert "Record an appeal" in text_of(page) and "Publish" not in text_of(page)
    ok(post_action(client, case, Action.FILE_APPEAL, appeal_body="first_instance_court", appellant="filer",
                   case_number="2-1234/17"), case)
    case = fresh(session, case)
    assert case.status == State.APPEALED and case.appeal.case_number == "2-1234/17"

    login_as(client, auth, "clerk")
    page = client.get(f"/cases/{number}")
    history = text_of(page)
    for label in ("accept", "assign", "notify respondent", "record reply", "request evidence", "add note",
                  "draft conclusion", "schedule hearing", "decide", "publish", "file appeal"):
        assert label in history, label
    steps = actions_of(session, case)
    expected = [("accept", "Cholpon Clerk"), ("assign", "Cholpon Clerk"),
                ("notify_respondent", "Daniyar Investigator"), ("notice_document", "system"),
                ("record_reply", "Daniyar Investigator"), ("request_evidence", "Daniyar Investigator"),
                ("add_note", "Daniyar Investigator"), ("draft_conclusion", "Daniyar Investigator"),
                ("schedule_hearing", "Elmira Commissioner"), ("decide", "Elmira Commissioner"),
                ("publish", "Cholpon Clerk"), ("decision_document", "system"),
                ("file_appeal", "Aida Monitor (observer)")]
    assert steps[-len(expected):] == expected
    rows = session.scalars(select(CaseHistory).where(CaseHistory.complaint_id == case.id)).all()
    assert all(r.at is not None for r in rows)

    # The filer never sees internal rows.
    login_as(client, auth, "monitor")
    filer_view = text_of(client.get(f"/cases/{number}"))
    assert "Witness list in the paper file" not in filer_view and "draft conclusion" not in filer_view


def test_appeal_remanded_reopened_decided_again_then_closed(client, auth, session):
    case = case_in_state(session, State.APPEALED)
    login_as(client, auth, "clerk")
    ok(post_action(client, case, Action.RECORD_APPEAL_OUTCOME, appeal_outcome="remanded",
                   note="Back for a new examination."), case)
    case = fresh(session, case)
    assert case.status == State.APPEAL_DECIDED
    refused = post_action(client, case, Action.CLOSE)
    assert refused.status_code == 409 and "reopen it instead" in text_of(refused)
    login_as(client, auth, "commissioner")
    case = fresh(session, case)
    ok(post_action(client, case, Action.REOPEN), case)
    case = fresh(session, case)
    assert case.status == State.REOPENED and case.due_clock.value == "decision"
    ok(post_action(client, case, Action.DECIDE, outcome="rejected", reasons="Not proven.", legal_basis="Art. 43",
                   votes_for="9", votes_against="2"), case)
    login_as(client, auth, "clerk")
    case = fresh(session, case)
    ok(post_action(client, case, Action.PUBLISH), case)
    case = fresh(session, case)
    assert case.decision.public_text is None  # no redacted text given: the outcome alone is public
    early = post_action(client, case, Action.CLOSE)
    assert early.status_code == 409 and "appeal window is open" in text_of(early)
    # The appeal window runs out.
    session.execute(update(Complaint).where(Complaint.id == case.id)
                    .values(appeal_due_at=utcnow() - dt.timedelta(minutes=1)))
    case = fresh(session, case)
    ok(post_action(client, case, Action.CLOSE, reason="Appeal window expired"), case)
    assert fresh(session, case).status == State.CLOSED
    assert len(fresh(session, case).decisions) == 2


def test_appeal_decided_reversed_then_closed(client, auth, session):
    case = case_in_state(session, State.APPEALED)
    login_as(client, auth, "clerk")
    ok(post_action(client, case, Action.RECORD_APPEAL_OUTCOME, appeal_outcome="reversed"), case)
    case = fresh(session, case)
    ok(post_action(client, case, Action.CLOSE), case)
    assert fresh(session, case).status == State.CLOSED


def test_deficient_cured_by_the_filer_then_accepted(client, auth, session):
    case = case_in_state(session, State.SUBMITTED)
    login_as(client, auth, "clerk")
    ok(post_action(client, case, Action.MARK_DEFICIENT, defects="The signature is missing.\nNo date of the event."),
       case)
    case = fresh(session, case)
    assert case.status == State.DEFICIENT and case.defects == ["The signature is missing.", "No date of the event."]
    assert case.due_clock.value == "cure"
    login_as(client, auth, "monitor")
    html = client.get(f"/cases/{case.registration_number}").get_data(as_text=True)
    assert "Answer the deficiency notice" in text_of_html(html) and "Withdraw the complaint" in text_of_html(html)
    assert f'href="/complaints/{case.id}/edit"' in html  # the filer corrects the complaint on its edit form
    ok(post_action(client, case, Action.CURE, note="Signed and dated copy handed in."), case)
    login_as(client, auth, "clerk")
    case = fresh(session, case)
    assert case.status == State.SUBMITTED
    ok(post_action(client, case, Action.ACCEPT, assignee_id=str(demo(session)["users"]["investigator"].id)), case)
    assert fresh(session, case).status == State.UNDER_EXAMINATION


def test_appeal_chain_before_publication_to_the_supreme_court(client, auth, session):
    """Decided, appealed by the respondent before publication, affirmed, appealed again
    to the Supreme Court, affirmed: closed (the appeal route of section 3)."""
    case = case_in_state(session, State.DECIDED)
    login_as(client, auth, "clerk")
    ok(post_action(client, case, Action.FILE_APPEAL, appeal_body="first_instance_court", appellant="respondent",
                   case_number="2-77/17", filed_at=local_input(utcnow() - dt.timedelta(hours=2))), case)
    case = fresh(session, case)
    ok(post_action(client, case, Action.RECORD_APPEAL_OUTCOME, appeal_outcome="affirmed"), case)
    case = fresh(session, case)
    ok(post_action(client, case, Action.FILE_APPEAL, appeal_body="supreme_court", appellant="respondent",
                   case_number="SC-5/17"), case)
    case = fresh(session, case)
    ok(post_action(client, case, Action.RECORD_APPEAL_OUTCOME, appeal_outcome="affirmed"), case)
    case = fresh(session, case)
    ok(post_action(client, case, Action.CLOSE, reason="Final ruling of the Supreme Court"), case)
    case = fresh(session, case)
    assert case.status == State.CLOSED
    assert [(a.body.value, a.outcome.value) for a in case.appeals] == [("first_instance_court", "affirmed"),
                                                                       ("supreme_court", "affirmed")]


def test_decided_closed_when_the_appeal_window_ran_out(client, auth, session):
    case = case_in_state(session, State.DECIDED)
    session.execute(update(Complaint).where(Complaint.id == case.id)
                    .values(appeal_due_at=utcnow() - dt.timedelta(minutes=1)))
    session.commit()
    login_as(client, auth, "clerk")
    ok(post_action(client, fresh(session, case), Action.CLOSE), case)
    assert fresh(session, case).status == State.CLOSED


def test_hearing_rescheduled(client, auth, session):
    case = case_in_state(session, State.HEARING_SCHEDULED)
    login_as(client, auth, "commissioner")
    later = (utcnow() + dt.timedelta(days=2)).replace(second=0, microsecond=0)
    ok(post_action(client, case, Action.SCHEDULE_HEARING, hearing_at=local_input(later), hearing_place="Hall 2"),
       case)
    case = fresh(session, case)
    assert case.status == State.HEARING_SCHEDULED and case.hearing_at == later and case.hearing_place == "Hall 2"


def test_times_in_the_future_are_refused(client, auth, session):
    """An appeal filed, or a reply received, in the future is a typing error."""
    future = local_input(utcnow() + dt.timedelta(days=3))
    decided = case_in_state(session, State.DECIDED)
    login_as(client, auth, "clerk")
    response = post_action(client, decided, Action.FILE_APPEAL, appeal_body="supreme_court", appellant="filer",
                           filed_at=future)
    assert response.status_code == 422 and 'id="file_appeal-filed_at-error"' in response.get_data(as_text=True)
    assert fresh(session, decided).status == State.DECIDED
    examined = case_in_state(session, State.UNDER_EXAMINATION)
    rid = examined.respondents[0].id
    svc.apply_action(session, examined, Action.NOTIFY_RESPONDENT, demo(session)["users"]["clerk"],
                     {"respondent_id": rid})
    session.commit()
    response = post_action(client, fresh(session, examined), Action.RECORD_REPLY, respondent_id=str(rid),
                           reply="We deny it.", received_at=future)
    assert response.status_code == 422 and 'id="record_reply-received_at-error"' in response.get_data(as_text=True)
    assert session.scalar(select(RespondentNotice.reply_text).where(
        RespondentNotice.complaint_id == examined.id)) is None


def test_deficient_cure_deadline_lapses_into_inadmissible(session):
    case = case_in_state(session, State.DEFICIENT)
    due = case.cure_due_at
    assert due is not None and case.due_clock.value == "cure"
    # One minute before the window closes, the sweep leaves the case alone (the demo's
    # older deficient cases lapse here).
    svc.sweep(session, now=due - dt.timedelta(minutes=1))
    assert fresh(session, case).status == State.DEFICIENT
    before = history_count(session, case)
    # One minute after, the case is inadmissible, with reasons, waiting for a commissioner.
    counts = svc.sweep(session, now=due + dt.timedelta(minutes=1))
    session.commit()
    assert counts["lapsed"] == 1
    case = fresh(session, case)
    assert case.status == State.INADMISSIBLE and case.inadmissible_grounds == ["missing_elements"]
    assert "Signature missing." in case.inadmissible_reasons and case.inadmissible_confirmed_at is None
    assert case.due_clock.value == "confirmation"
    row = session.scalar(select(CaseHistory).where(CaseHistory.complaint_id == case.id)
                         .order_by(CaseHistory.seq.desc()).limit(1))
    assert (row.action, row.from_state, row.to_state, row.actor_id) == (
        "cure_lapsed", "deficient", "inadmissible", None)
    assert history_count(session, case) == before + 1
    # Run again: nothing left to lapse.
    assert svc.sweep(session, now=due + dt.timedelta(minutes=2))["lapsed"] == 0


def test_a_cured_case_does_not_lapse(session):
    case = case_in_state(session, State.DEFICIENT)
    due = case.cure_due_at
    svc.apply_action(session, case, Action.CURE, demo(session)["users"]["clerk"], {"note": "Signed now."})
    svc.sweep(session, now=due + dt.timedelta(minutes=1))
    assert fresh(session, case).status == State.SUBMITTED
    assert session.scalar(select(func.count()).select_from(CaseHistory).where(
        CaseHistory.complaint_id == case.id, CaseHistory.action == "cure_lapsed")) == 0


def test_deficient_case_declared_inadmissible_by_the_clerk(client, auth, session):
    case = case_in_state(session, State.DEFICIENT)
    login_as(client, auth, "clerk")
    ok(post_action(client, case, Action.DECLARE_INADMISSIBLE, grounds=["missing_elements"],
                   reasons="The defects were not cured in time.", legal_basis="Art. 44(4)",
                   how_to_appeal="To the court within 3 days."), case)
    assert fresh(session, case).status == State.INADMISSIBLE


def test_inadmissible_confirmed_appealed_affirmed_closed(client, auth, session):
    case = case_in_state(session, State.SUBMITTED)
    login_as(client, auth, "clerk")
    ok(post_action(client, case, Action.DECLARE_INADMISSIBLE, grounds=["late", "no_standing"],
                   reasons="Filed five days after the decision.", legal_basis="Art. 44(2)",
                   how_to_appeal="To the inter-district court within 3 days."), case)
    case = fresh(session, case)
    assert case.inadmissible_grounds == ["late", "no_standing"] and case.due_clock.value == "confirmation"
    refused = post_action(client, case, Action.CLOSE)
    assert refused.status_code == 409 and "must confirm" in text_of(refused)
    login_as(client, auth, "commissioner")
    ok(post_action(client, case, Action.CONFIRM_INADMISSIBILITY), case)
    case = fresh(session, case)
    assert case.inadmissible_confirmed_at is not None and case.due_clock.value == "appeal"
    login_as(client, auth, "monitor")
    ok(post_action(client, case, Action.FILE_APPEAL, appeal_body="first_instance_court", appellant="filer"), case)
    login_as(client, auth, "clerk")
    case = fresh(session, case)
    ok(post_action(client, case, Action.RECORD_APPEAL_OUTCOME, appeal_outcome="affirmed"), case)
    case = fresh(session, case)
    ok(post_action(client, case, Action.CLOSE), case)
    assert fresh(session, case).status == State.CLOSED


def test_inadmissibility_overturned_back_to_intake(client, auth, session):
    case = case_in_state(session, State.INADMISSIBLE)
    login_as(client, auth, "commissioner")
    ok(post_action(client, case, Action.OVERTURN_INADMISSIBILITY, note="Filed on time: the post office stamp."),
       case)
    assert fresh(session, case).status == State.SUBMITTED


def test_transferred_then_closed(client, auth, session):
    case = case_in_state(session, State.SUBMITTED)
    login_as(client, auth, "clerk")
    ok(post_action(client, case, Action.TRANSFER, transfer_to="state_security", note="GKNB expert review"), case)
    case = fresh(session, case)
    assert case.status == State.TRANSFERRED and case.transferred_to == "state_security"
    ok(post_action(client, case, Action.CLOSE), case)
    assert fresh(session, case).status == State.CLOSED


@pytest.mark.parametrize("state", sorted(lifecycle.WITHDRAWABLE), ids=lambda s: s.value)
def test_filer_withdraws_before_a_decision(client, auth, session, state):
    case = case_in_state(session, state)
    login_as(client, auth, "monitor")
    ok(post_action(client, case, Action.WITHDRAW, reason="Settled locally."), case)
    case = fresh(session, case)
    assert case.status == State.WITHDRAWN and case.withdrawal_reason == "Settled locally."
    login_as(client, auth, "clerk")
    ok(post_action(client, case, Action.CLOSE), case)
    assert fresh(session, case).status == State.CLOSED


def test_link_a_suggested_duplicate_keeps_both_histories(client, auth, session):
    first = case_in_state(session, State.SUBMITTED)
    second = new_case(session, summary="The same vote buying, reported again.")
    login_as(client, auth, "clerk")
    page = text_of(client.get(f"/cases/{second.registration_number}"))
    assert "Possible duplicates" in page and first.registration_number in page
    assert f"Link as duplicate of {first.registration_number}" in page
    before_other = history_count(session, first)
    ok(post_action(client, second, Action.LINK_CASE, other_case=first.registration_number,
                   link_kind="duplicate_of"), second)
    link = session.scalar(select(CaseLink).where(CaseLink.complaint_id == second.id))
    assert link.other_id == first.id and link.kind.value == "duplicate_of"
    assert history_count(session, first) == before_other + 1
    second = fresh(session, second)
    page = text_of(client.get(f"/cases/{second.registration_number}"))
    assert "Linked as a duplicate of another case" in page  # the checklist now says so
    assert second.registration_number and first.registration_number  # both numbers kept


# --------------------------------------------------------------------------- bad input, stale pages, recusal

def test_validation_errors_are_shown_next_to_fields_and_input_is_kept(client, auth, session):
    case = case_in_state(session, State.UNDER_EXAMINATION)
    version, rows = case.version, history_count(session, case)
    login_as(client, auth, "commissioner")
    response = post_action(client, case, Action.DECIDE, outcome="upheld", reasons="My careful reasons.",
                           legal_basis="Art. 51", votes_for="3", votes_against="5",
                           **{"sanctions-0-kind": "fine"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "A decision needs more votes for than against." in html
    assert 'id="decide-votes_for-error"' in html and 'aria-invalid="true"' in html
    assert "My careful reasons." in html  # what the user typed is kept
    assert 'id="decide-sanctions-0-amount-error"' in html  # a fine needs an amount
    assert "<details id=\"act-decide\" open>" in html
    case = fresh(session, case)
    assert case.version == version and history_count(session, case) == rows and case.status == State.UNDER_EXAMINATION


def test_form_level_validation_before_the_service(client, auth, session):
    case = case_in_state(session, State.SUBMITTED)
    login_as(client, auth, "clerk")
    response = post_action(client, case, Action.MARK_DEFICIENT, defects="   ")
    assert response.status_code == 422
    assert 'id="mark_deficient-defects-error"' in response.get_data(as_text=True)
    response = post_action(client, case, Action.TRANSFER, transfer_to="the moon")
    assert response.status_code == 422
    assert fresh(session, case).status == State.SUBMITTED


def test_datetime_typed_in_bishkek_time(client, auth, session):
    case = case_in_state(session, State.UNDER_EXAMINATION)
    login_as(client, auth, "commissioner")
    ok(post_action(client, case, Action.SCHEDULE_HEARING, hearing_at="2030-10-14T10:00", hearing_place="Hall"), case)
    assert fresh(session, case).hearing_at == dt.datetime(2030, 10, 14, 4, 0, tzinfo=dt.UTC)
    bad = post_action(client, fresh(session, case), Action.SCHEDULE_HEARING, hearing_at="tomorrow",
                      hearing_place="Hall")
    assert bad.status_code == 422 and "Give a date and time" in bad.get_data(as_text=True)


def test_stale_version_is_refused_with_who_and_when(client, auth, session):
    case = case_in_state(session, State.UNDER_EXAMINATION)
    old_version = case.version
    login_as(client, auth, "investigator")
    assert client.get(f"/cases/{case.registration_number}").status_code == 200
    # Meanwhile the clerk adds a note.
    svc.apply_action(session, case, Action.ADD_NOTE, demo(session)["users"]["clerk"], {"note": "Called the filer."})
    session.commit()
    version, rows = case.version, history_count(session, case)
    assert version == old_version + 1
    response = post_action(client, case, Action.DRAFT_CONCLUSION, version=old_version,
                           conclusion="My typed conclusion.")
    assert response.status_code == 409
    body = text_of(response)
    assert "This case was changed by Cholpon Clerk at" in body and "Nothing was saved." in body
    assert "under examination" in body
    html = response.get_data(as_text=True)
    assert "My typed conclusion." in html
    assert f'name="draft_conclusion-version" type="hidden" value="{version}"' in html
    case = fresh(session, case)
    assert case.version == version and history_count(session, case) == rows and case.conclusion is None
    assert session.scalar(select(CaseNote).where(CaseNote.complaint_id == case.id,
                                                 CaseNote.kind == "conclusion")) is None


def test_stale_version_after_the_state_moved_on(client, auth, session):
    case = case_in_state(session, State.SUBMITTED)
    old_version = case.version
    svc.apply_action(session, case, Action.ACCEPT, demo(session)["users"]["clerk"], {})
    session.commit()
    login_as(client, auth, "clerk")
    response = post_action(client, case, Action.MARK_DEFICIENT, version=old_version, defects="My typed defect.")
    assert response.status_code == 409
    body = text_of(response)
    assert "This case was changed by Cholpon Clerk" in body and "My typed defect." in body
    assert fresh(session, case).status == State.UNDER_EXAMINATION


def test_recused_staff_cannot_act_or_be_assigned(client, auth, session):
    d = demo(session)
    case = case_in_state(session, State.UNDER_EXAMINATION)
    investigator = d["users"]["investigator"]
    investigator.affiliation_id = d["jeenbekov"].id  # affiliated with the respondent's camp
    session.commit()
    version, rows = case.version, history_count(session, case)

    login_as(client, auth, "investigator")
    page = text_of(client.get(f"/cases/{case.registration_number}"))
    assert "You are affiliated with a party to this case and are recused from it" in page
    assert "Notify a respondent" not in page
    response = post_action(client, case, Action.NOTIFY_RESPONDENT, respondent_id=str(d["jeenbekov"].id))
    assert response.status_code == 403 and "recused" in text_of(response)

    login_as(client, auth, "clerk")
    page = client.get(f"/cases/{case.registration_number}").get_data(as_text=True)
    assert "Recused from this case" in page
    assert f'<option value="{investigator.id}"' not in page.split('id="act-assign"')[1].split("</details>")[0]
    response = post_action(client, case, Action.ASSIGN, assignee_id=str(investigator.id))
    assert response.status_code == 422
    case = fresh(session, case)
    assert case.version == version and history_count(session, case) == rows
    # The service refuses too, whatever the form offers.
    with pytest.raises(svc.ValidationError):
        svc.apply_action(session, case, Action.ASSIGN, d["users"]["clerk"], {"assignee_id": investigator.id})


def test_only_allowed_actions_are_offered(client, auth, session):
    case = case_in_state(session, State.DECIDED)
    for username in ("clerk", "investigator", "commissioner", "monitor"):
        login_as(client, auth, username)
        html = client.get(f"/cases/{case.registration_number}").get_data(as_text=True)
        user = session.scalar(select(User).where(User.username == username))
        allowed = {r.action.value for r in lifecycle.allowed_actions(case.status, access.actors(user, case), case)}
        offered = {a for a in (x.value for x in Action) if f'id="act-{a}"' in html}
        assert offered == allowed - {"add_evidence", "edit", "submit", "mark_overdue", "cure_lapsed"}, username


def _offered(client, case):
    html = client.get(f"/cases/{case.registration_number}").get_data(as_text=True)
    return {a.value for a in Action if f'id="act-{a.value}"' in html}


def test_close_is_offered_only_once_the_appeal_window_ran_out(client, auth, session):
    case = case_in_state(session, State.DECIDED)
    assert case.appeal_due_at > utcnow()
    login_as(client, auth, "clerk")
    assert "close" not in _offered(client, case)
    refused = post_action(client, case, Action.CLOSE)
    assert refused.status_code == 409 and "appeal window is open" in text_of(refused)
    session.execute(update(Complaint).where(Complaint.id == case.id)
                    .values(appeal_due_at=utcnow() - dt.timedelta(minutes=1)))
    session.commit()
    case = fresh(session, case)
    assert "close" in _offered(client, case)
    ok(post_action(client, case, Action.CLOSE), case)
    assert fresh(session, case).status == State.CLOSED


def test_reopen_is_offered_only_after_a_remand(client, auth, session):
    remanded = case_in_state(session, State.APPEAL_DECIDED)
    assert remanded.appeal.outcome.value == "remanded"
    login_as(client, auth, "clerk")
    offered = _offered(client, remanded)
    assert "reopen" in offered and "close" not in offered
    affirmed = case_in_state(session, State.APPEALED)
    ok(post_action(client, affirmed, Action.RECORD_APPEAL_OUTCOME, appeal_outcome="affirmed"), affirmed)
    affirmed = fresh(session, affirmed)
    offered = _offered(client, affirmed)
    assert "reopen" not in offered and "close" in offered
    refused = post_action(client, affirmed, Action.REOPEN)
    assert refused.status_code == 409 and "remanded" in text_of(refused)
    assert fresh(session, affirmed).status == State.APPEAL_DECIDED


def test_decision_document_for_the_filer_hides_private_names(client, auth, session):
    case = case_in_state(session, State.PUBLISHED)
    login_as(client, auth, "monitor")
    response = client.get(f"/cases/{case.registration_number}/decision")
    assert response.status_code == 200 and "Proven." in text_of(response)
    login_as(client, auth, "monitor2")
    assert client.get(f"/cases/{case.registration_number}/decision").status_code == 404
    assert client.get(f"/cases/{case.registration_number}/notice/1").status_code == 403
    undecided = case_in_state(session, State.SUBMITTED)
    login_as(client, auth, "clerk")
    assert client.get(f"/cases/{undecided.registration_number}/decision").status_code == 404
    # No notice before the examination: the route refuses; during it, an unknown respondent is 404.
    assert client.get(f"/cases/{undecided.registration_number}/notice/999999").status_code == 403
    examined = case_in_state(session, State.UNDER_EXAMINATION)
    assert client.get(f"/cases/{examined.registration_number}/notice/999999").status_code == 404


def test_overdue_is_marked_on_the_case_page(client, auth, session):
    case = case_in_state(session, State.UNDER_EXAMINATION)
    past = utcnow() - dt.timedelta(hours=2)
    session.execute(update(Complaint).where(Complaint.id == case.id).values(decision_due_at=past, due_at=past))
    session.expire_all()
    counts = svc.sweep(session)
    assert counts["overdue"] >= 1
    case = fresh(session, case)
    assert case.escalated_to == "commissioner"
    login_as(client, auth, "commissioner")
    page = text_of(client.get(f"/cases/{case.registration_number}"))
    assert "OVERDUE" in page and "escalated to commissioner" in page


@pytest.mark.parametrize("state", [State.SUBMITTED, State.UNDER_EXAMINATION, State.DECIDED], ids=lambda s: s.value)
def test_case_page_forms_have_unique_ids_and_labels(client, auth, session, state):
    case = case_in_state(session, state)
    for username in ("clerk", "investigator", "commissioner", "monitor"):
        login_as(client, auth, username)
        html = client.get(f"/cases/{case.registration_number}").get_data(as_text=True)
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]
        for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
            field_id = re.search(r'\sid="([^"]+)"', tag)
            if field_id and 'type="hidden"' not in tag:
                assert f'for="{field_id.group(1)}"' in html, (username, tag)
        assert "style=" not in html and "onclick" not in html.lower() and "<script>" not in html
        # A group of checkboxes is never "required" one by one (the browser would demand them all).
        assert not [t for t in re.findall(r"<input\b[^>]*>", html) if 'type="checkbox"' in t and "required" in t]


def test_deadlines_table_shows_which_clocks_run(client, auth, session):
    case = case_in_state(session, State.DECIDED)
    login_as(client, auth, "clerk")
    html = client.get(f"/cases/{case.registration_number}").get_data(as_text=True)
    table = text_of_html(html.split('id="h-deadlines"')[1].split("</table>")[0])
    assert "Filing" in table and "filed on time" in table
    assert re.search(r"Decision [^()]+ \(Bishkek, UTC\+6\) not running", table)
    assert re.search(r"Appeal [^()]+ \(Bishkek, UTC\+6\) in \d", table)


def test_action_forms_carry_their_csrf_token(connection, tmp_path):
    """With CSRF on, the prefixed token of an action form on the case page is accepted,
    and a post without it is refused with nothing changed."""
    from complaints.db import db
    from tests.conftest import TEST_PASSWORD, csrf_token, make_app

    app = make_app(connection, tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        session = db.session()
        case = case_in_state(session, State.SUBMITTED)
        client = app.test_client()
        token = csrf_token(client.get("/login").get_data(as_text=True))
        assert client.post("/login", data={"username": "clerk", "password": TEST_PASSWORD,
                                           "csrf_token": token}).status_code == 302
        html = client.get(f"/cases/{case.registration_number}").get_data(as_text=True)
        field = re.search(r'name="accept-csrf_token" type="hidden" value="([^"]+)"', html)
        assert field, "the accept form has no CSRF token"
        url = f"/cases/{case.registration_number}/actions/accept"
        refused = client.post(url, data={"accept-version": str(case.version)})
        assert refused.status_code == 400 and fresh(session, case).status == State.SUBMITTED
        done = client.post(url, data={"accept-version": str(case.version), "accept-csrf_token": field.group(1)})
        assert done.status_code == 302 and fresh(session, case).status == State.UNDER_EXAMINATION
    db.session.remove()


def test_action_times_are_read_in_the_elections_own_zone(client, auth, session):
    """An election in another zone (UTC+5): the hearing typed as 10:00 is 05:00 UTC."""
    case = case_in_state(session, State.UNDER_EXAMINATION)
    case.election.timezone = "Asia/Tashkent"
    session.commit()
    day = (utcnow() + dt.timedelta(days=2)).date()
    login_as(client, auth, "commissioner")
    ok(post_action(client, case, Action.SCHEDULE_HEARING, hearing_at=f"{day:%Y-%m-%d}T10:00",
                   hearing_place="Hall 2"), case)
    assert fresh(session, case).hearing_at == dt.datetime.combine(day, dt.time(5), dt.UTC)
