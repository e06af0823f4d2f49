"""The synthetic case generator follows the lifecycle table, its guards and its clocks."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from complaints import lifecycle
from complaints.demo import generate
from complaints.lifecycle import Action, State
from complaints.models import CaseHistory, Complaint
from complaints.services import stats


def test_generated_histories_are_paths_of_the_lifecycle(session):
    generate.generate(session, 300, election=stats.default_election(session), seed=11, commit=False)
    cases = session.scalars(select(Complaint).where(Complaint.is_generated.is_(True))).all()
    rows = defaultdict(list)
    for row in session.scalars(select(CaseHistory).where(CaseHistory.complaint_id.in_([c.id for c in cases]))
                               .order_by(CaseHistory.seq)):
        rows[row.complaint_id].append(row)
    closed_after_window = 0
    for case in cases:
        steps = rows[case.id]
        assert steps[0].action == "create" and steps[-1].to_state == case.status.value
        for step in steps[1:]:
            rule = lifecycle.TABLE[(State(step.from_state), Action(step.action))]
            assert rule.next_state.value == step.to_state, (case.registration_number, step.action)
        assert (case.due_clock, case.due_at) == lifecycle.running_clock(case), case.registration_number
        if case.status == State.CLOSED and case.appeal_due_at is not None:
            assert case.closed_at > case.appeal_due_at
            closed_after_window += 1
    assert closed_after_window > 0
