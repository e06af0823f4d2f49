"""Filing, clocks, the sweep and conflicts, through the services."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update

from complaints.demo.base import add_categories
from complaints.enums import ComplaintKind
from complaints.lifecycle import Action, State, TransitionError
from complaints.models import CaseHistory, Category, Complaint, Election, Region, Respondent
from complaints.services import cases as svc
from complaints.services import deadlines, history
from complaints.services.errors import ConflictError, ValidationError

UTC = dt.UTC


@pytest.fixture()
def election(session):
    e = Election(code="TEST26", name="Test election", kind="parliamentary", election_day=dt.date(2026, 11, 30),
                 timezone="Asia/Bishkek")
    session.add(e)
    session.flush()
    add_categories(session, e)
    return e


def _input(session, election, **kw):
    cat = session.scalar(select(Category).where(Category.election_id == election.id, Category.code == "vote_buying"))
    resp = session.scalar(select(Respondent).where(Respondent.name == "Өмүрбек Бабанов"))
    region = session.scalar(select(Region).where(Region.code == "BI"))
    data = dict(election_id=election.id, summary="Money for votes", respondent_ids=[resp.id],
                allegations=[svc.AllegationInput(category_id=cat.id, facts="Envelopes handed out.")],
                region_id=region.id, awareness_at=dt.datetime(2026, 11, 20, 8, tzinfo=UTC))
    data.update(kw)
    return svc.ComplaintInput(**data)


def test_filing_numbers_and_hashes_the_tracking_code(session, election, users):
    filer = svc.resolve_filer_for(session, users["monitor"])
    received = dt.datetime(2026, 11, 21, 6, tzinfo=UTC)
    case, code = svc.file_complaint(session, _input(session, election), filer=filer, actor=users["monitor"],
                                    received_at=received)
    assert case.registration_number == "TEST26-000001"
    assert case.status == State.SUBMITTED
    assert code and code not in (case.tracking_code_hash or "")
    assert svc.tracking_code_matches(case, code)
    assert svc.tracking_code_matches(case, code.lower().replace("-", ""))
    assert not svc.tracking_code_matches(case, "AAAA-BBBB-CCCC")
    assert case.decision_due_at == received + dt.timedelta(days=3)
    assert case.due_at == case.decision_due_at and case.due_clock.value == "decision"
    assert case.filing_due_at == dt.datetime(2026, 11, 23, 8, tzinfo=UTC)
    assert case.late is False
    second, _ = svc.file_complaint(session, _input(session, election), filer=filer, actor=users["monitor"],
                                   received_at=received)
    assert second.registration_number == "TEST26-000002"
    actions = session.scalars(select(CaseHistory.action).where(CaseHistory.complaint_id == case.id)
                              .order_by(CaseHistory.seq)).all()
    assert actions == ["create", "submit"]


def test_late_filing_is_accepted_and_marked(session, election, users):
    filer = svc.resolve_filer_for(session, users["monitor"])
    data = _input(session, election, late_reason="I was abroad.")
    case, _ = svc.file_complaint(session, data, filer=filer, actor=users["monitor"],
                                 received_at=dt.datetime(2026, 11, 25, 6, tzinfo=UTC))
    assert case.late is True
    assert case.late_reason == "I was abroad."


@pytest.mark.parametrize(("local_received", "hours"), [
    (dt.datetime(2026, 11, 28, 23, 59), 72),   # two days before: 3 days
    (dt.datetime(2026, 11, 29, 0, 1), 24),     # the day before election day: 24 hours
    (dt.datetime(2026, 11, 30, 20, 0), 24),    # election day
    (dt.datetime(2026, 12, 1, 0, 1), 72),      # the day after
])
def test_election_day_rule(election, local_received, hours):
    from zoneinfo import ZoneInfo
    received = local_received.replace(tzinfo=ZoneInfo("Asia/Bishkek")).astimezone(UTC)
    assert deadlines.decision_due(election, received) == received + dt.timedelta(hours=hours)


def test_deadline_settings_are_per_election(election):
    election.decision_days = 5
    election.election_day_decision_hours = 12
    start = dt.datetime(2026, 11, 1, 6, tzinfo=UTC)
    assert deadlines.decision_due(election, start) == start + dt.timedelta(days=5)
    on_day = dt.datetime(2026, 11, 30, 6, tzinfo=UTC)
    assert deadlines.decision_due(election, on_day) == on_day + dt.timedelta(hours=12)


def test_incomplete_draft_cannot_be_submitted(session, election, users):
    filer = svc.resolve_filer_for(session, users["monitor"])
    draft = svc.create_complaint(session, _input(session, election, respondent_ids=[], summary=""), filer=filer,
                                 actor=users["monitor"])
    with pytest.raises(ValidationError) as info:
        svc.apply_action(session, draft, Action.SUBMIT, users["monitor"], {})
    assert {"respondent_ids", "summary"} <= set(info.value.fields)
    assert draft.status == State.DRAFT and draft.registration_number is None


def test_anonymous_cannot_appeal(session, election, users):
    from complaints.models import Filer
    anon = Filer(kind="anonymous")
    session.add(anon)
    data = _input(session, election, kind=ComplaintKind.APPEAL, act_date=dt.datetime(2026, 11, 20, tzinfo=UTC))
    with pytest.raises(ValidationError) as info:
        svc.file_complaint(session, data, filer=anon, actor=users["clerk"])
    assert "filer" in info.value.fields


def test_references_are_checked(session, election, users):
    with pytest.raises(ValidationError) as info:
        svc.create_complaint(session, _input(session, election, respondent_ids=[10**9], region_id=10**9),
                             filer=None, actor=users["clerk"])
    assert {"respondent_ids", "region_id"} <= set(info.value.fields)


def test_stale_version_names_who_changed_it(session, users):
    case = session.scalar(select(Complaint).where(Complaint.registration_number == "KG2017P-000001"))
    seen = case.version
    svc.apply_action(session, case, Action.ADD_NOTE, users["clerk"], {"note": "first"}, expected_version=seen)
    with pytest.raises(ConflictError) as info:
        svc.apply_action(session, case, Action.ADD_NOTE, users["investigator"], {"note": "second"},
                         expected_version=seen)
    assert info.value.changed_by == users["clerk"].display_name
    assert "changed by" in info.value.message
    assert info.value.current_version == seen + 1


def test_a_race_lost_at_flush_raises_the_conflict_and_keeps_the_callers_transaction(session, users):
    """Another writer bumped the version after we loaded the case: the flush finds no row
    with our version. apply_action undoes its own work only; the caller's earlier writes
    in the same transaction stay, and the caller decides to commit or roll back."""
    case = session.scalar(select(Complaint).where(Complaint.registration_number == "KG2017P-000001"))
    other = session.scalar(select(Complaint).where(Complaint.registration_number == "KG2017P-000002"))
    svc.apply_action(session, other, Action.ADD_NOTE, users["clerk"], {"note": "earlier in the request"})
    other_rows = session.scalar(select(func.count()).select_from(CaseHistory)
                                .where(CaseHistory.complaint_id == other.id))
    seen = case.version
    session.execute(update(Complaint).where(Complaint.id == case.id).values(version=Complaint.version + 1)
                    .execution_options(synchronize_session=False))
    with pytest.raises(ConflictError) as info:
        svc.apply_action(session, case, Action.ADD_NOTE, users["investigator"], {"note": "lost the race"})
    assert info.value.current_version == seen + 1
    assert session.scalar(select(func.count()).select_from(CaseHistory).where(
        CaseHistory.complaint_id == case.id, CaseHistory.note == "lost the race")) == 0
    assert session.scalar(select(func.count()).select_from(CaseHistory)
                          .where(CaseHistory.complaint_id == other.id)) == other_rows


def test_wrong_state_changes_nothing(session, users):
    case = session.scalar(select(Complaint).where(Complaint.registration_number == "KG2017P-000001"))
    version, rows = case.version, session.scalar(select(func.count()).select_from(CaseHistory))
    with pytest.raises(TransitionError):
        svc.apply_action(session, case, Action.PUBLISH, users["clerk"], {})
    assert case.version == version
    assert session.scalar(select(func.count()).select_from(CaseHistory)) == rows


def test_sweep_marks_escalates_and_is_idempotent(session, election, users):
    filer = svc.resolve_filer_for(session, users["monitor"])
    received = dt.datetime(2026, 11, 1, 6, tzinfo=UTC)
    case, _ = svc.file_complaint(session, _input(session, election, awareness_at=received), filer=filer,
                                 actor=users["monitor"], received_at=received)
    svc.apply_action(session, case, Action.ACCEPT, users["clerk"], {"assignee_id": users["investigator"].id},
                     now=received)
    now = received + dt.timedelta(days=4)
    first = svc.sweep(session, now=now)
    assert first["overdue"] >= 1
    assert case.overdue_since == now
    assert case.escalated_to == "commissioner"
    rows = session.scalar(select(func.count()).select_from(CaseHistory).where(CaseHistory.complaint_id == case.id))
    second = svc.sweep(session, now=now + dt.timedelta(minutes=1))
    assert second == {"overdue": 0, "closed": 0, "lapsed": 0}
    assert session.scalar(select(func.count()).select_from(CaseHistory)
                          .where(CaseHistory.complaint_id == case.id)) == rows
    assert history.verify(session).ok


def test_sweep_closes_when_the_appeal_window_ran_out(session, election, users):
    filer = svc.resolve_filer_for(session, users["monitor"])
    t0 = dt.datetime(2026, 11, 1, 6, tzinfo=UTC)
    case, _ = svc.file_complaint(session, _input(session, election, awareness_at=t0), filer=filer,
                                 actor=users["monitor"], received_at=t0)
    svc.apply_action(session, case, Action.ACCEPT, users["clerk"], {}, now=t0)
    svc.apply_action(session, case, Action.DECIDE, users["commissioner"],
                     {"outcome": "rejected", "reasons": "No evidence.", "legal_basis": "art. 44",
                      "votes_for": 7, "votes_against": 2}, now=t0 + dt.timedelta(days=1))
    assert case.due_clock.value == "appeal"
    with pytest.raises(TransitionError):
        svc.apply_action(session, case, Action.CLOSE, users["clerk"], {}, now=t0 + dt.timedelta(days=2))
    svc.sweep(session, now=t0 + dt.timedelta(days=5))
    assert case.status == State.CLOSED
    assert case.due_at is None


def test_decision_needs_a_majority_and_valid_sanctions(session, users):
    case = session.scalar(select(Complaint).where(Complaint.registration_number == "KG2017P-000001"))
    with pytest.raises(ValidationError) as info:
        svc.apply_action(session, case, Action.DECIDE, users["commissioner"],
                         {"outcome": "upheld", "reasons": "x", "legal_basis": "y", "votes_for": 3,
                          "votes_against": 5, "sanctions": [{"kind": "fine"}, {"kind": "nonsense"}]})
    fields = info.value.fields
    assert "votes_for" in fields and "sanctions-0-amount" in fields and "sanctions-1-kind" in fields


def test_seed_twice_changes_nothing(session):
    from complaints.seed import seed_demo
    before = session.scalar(select(func.count()).select_from(Complaint))
    assert seed_demo(session, "whatever") is False
    assert session.scalar(select(func.count()).select_from(Complaint)) == before


def test_sweep_command_forgets_old_idempotency_keys(session, runner, users):
    from complaints.cli import deadlines_sweep_command
    from complaints.models import IdempotencyKey

    old = IdempotencyKey(user_id=users["monitor"].id, key="old", request_hash="x" * 64,
                         created_at=dt.datetime.now(UTC) - dt.timedelta(days=2))
    fresh = IdempotencyKey(user_id=users["monitor"].id, key="fresh", request_hash="y" * 64)
    session.add_all([old, fresh])
    session.flush()
    result = runner.invoke(deadlines_sweep_command, [])
    assert result.exit_code == 0, result.output
    assert "forgot 1 expired" in result.output
    keys = session.scalars(select(IdempotencyKey.key).where(IdempotencyKey.user_id == users["monitor"].id)).all()
    assert "old" not in keys and "fresh" in keys
