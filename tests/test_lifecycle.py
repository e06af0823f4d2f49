"""The lifecycle table, pair by pair, without a database."""
from __future__ import annotations

import itertools

import pytest

from complaints import lifecycle
from complaints.lifecycle import FILER, SYSTEM, TABLE, Action, State, TransitionError, check

ACTORS = [FILER, "clerk", "investigator", "commissioner", "monitor", "admin", SYSTEM]


@pytest.mark.parametrize(("state", "action", "actor"),
                         list(itertools.product(list(State), list(Action), ACTORS)))
def test_every_pair_for_every_actor(state, action, actor):
    rule = TABLE.get((state, action))
    if rule is not None and actor in rule.actors:
        assert check(state, action, {actor}) is rule
        return
    with pytest.raises(TransitionError) as info:
        check(state, action, {actor})
    error = info.value
    # A wrong role is "forbidden" (403); a wrong state is a conflict (409); both say what is allowed.
    assert error.forbidden == (rule is not None)
    assert "Allowed now" in error.message or "Only" in error.message
    assert error.allowed == [r.action.value for r in lifecycle.allowed_actions(state, {actor})]


def test_domain_transitions_are_in_the_table():
    """DOMAIN.md section 3, state by state."""
    expected = {
        (State.DRAFT, Action.SUBMIT): State.SUBMITTED,
        (State.SUBMITTED, Action.MARK_DEFICIENT): State.DEFICIENT,
        (State.DEFICIENT, Action.CURE): State.SUBMITTED,
        (State.SUBMITTED, Action.DECLARE_INADMISSIBLE): State.INADMISSIBLE,
        (State.DEFICIENT, Action.DECLARE_INADMISSIBLE): State.INADMISSIBLE,
        (State.INADMISSIBLE, Action.CONFIRM_INADMISSIBILITY): State.INADMISSIBLE,
        (State.SUBMITTED, Action.TRANSFER): State.TRANSFERRED,
        (State.SUBMITTED, Action.ACCEPT): State.UNDER_EXAMINATION,
        (State.UNDER_EXAMINATION, Action.SCHEDULE_HEARING): State.HEARING_SCHEDULED,
        (State.UNDER_EXAMINATION, Action.DECIDE): State.DECIDED,
        (State.HEARING_SCHEDULED, Action.DECIDE): State.DECIDED,
        (State.DECIDED, Action.PUBLISH): State.PUBLISHED,
        (State.DECIDED, Action.FILE_APPEAL): State.APPEALED,
        (State.PUBLISHED, Action.FILE_APPEAL): State.APPEALED,
        (State.APPEALED, Action.RECORD_APPEAL_OUTCOME): State.APPEAL_DECIDED,
        (State.APPEAL_DECIDED, Action.REOPEN): State.REOPENED,
        (State.REOPENED, Action.DECIDE): State.DECIDED,
        (State.UNDER_EXAMINATION, Action.WITHDRAW): State.WITHDRAWN,
        (State.PUBLISHED, Action.CLOSE): State.CLOSED,
        (State.APPEAL_DECIDED, Action.CLOSE): State.CLOSED,
    }
    for (state, action), to in expected.items():
        assert TABLE[(state, action)].next_state == to, (state, action)


def test_only_a_commissioner_decides_and_confirms():
    for rule in lifecycle.RULES:
        if rule.action in (Action.DECIDE, Action.CONFIRM_INADMISSIBILITY, Action.SCHEDULE_HEARING):
            assert rule.actors == {"commissioner"}


def test_no_action_leaves_closed():
    assert lifecycle.allowed_actions(State.CLOSED, set(ACTORS)) == []


def test_withdraw_only_before_a_decision():
    withdrawable = {rule.state for rule in lifecycle.RULES if rule.action == Action.WITHDRAW}
    assert withdrawable == set(lifecycle.WITHDRAWABLE)
    assert not withdrawable & set(lifecycle.DECIDED_STATES)


def test_every_state_is_reachable():
    reached = {State.DRAFT}
    frontier = [State.DRAFT]
    while frontier:
        state = frontier.pop()
        for rule in lifecycle.actions_from(state):
            if rule.next_state not in reached:
                reached.add(rule.next_state)
                frontier.append(rule.next_state)
    assert reached == set(State)


def test_unknown_action_names_the_allowed_ones():
    with pytest.raises(TransitionError) as info:
        check(State.SUBMITTED, "explode", {"clerk"})
    assert "accept" in info.value.allowed
