"""The lifecycle table, pair by pair, without a database."""
from __future__ import annotations

import datetime as dt
import itertools
from types import SimpleNamespace

import pytest

from complaints import lifecycle
from complaints.enums import AppealOutcome, Clock
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


# --------------------------------------------------------------------------- guards

NOW = dt.datetime(2017, 10, 20, 12, tzinfo=dt.UTC)
PAST, FUTURE = NOW - dt.timedelta(hours=1), NOW + dt.timedelta(hours=1)
#: Every combination of the facts the guards read, each on both sides of `now`.
FACTS = [dict(zip(("inadmissible_confirmed_at", "appeal_due_at", "due_at", "overdue_since", "cure_due_at",
                   "appeal", "decision"), values, strict=True))
         for values in itertools.product(
             (None, PAST), (None, PAST, FUTURE), (None, PAST, FUTURE), (None, PAST), (None, PAST, FUTURE),
             (None, SimpleNamespace(outcome=AppealOutcome.REMANDED), SimpleNamespace(outcome=AppealOutcome.AFFIRMED)),
             (None, SimpleNamespace()))]
GUARD_ACTORS = [FILER, "clerk", "investigator", "commissioner", SYSTEM]


@pytest.mark.parametrize("state", list(State))
def test_offered_is_exactly_what_check_accepts(state):
    """For every state x actor x guard outcome: `allowed_actions` offers an action if and
    only if `check` accepts it, and a refusal by a guard is a 409 with its reason."""
    seen: set[tuple[str, bool]] = set()
    for facts, actor in itertools.product(FACTS, GUARD_ACTORS):
        case = SimpleNamespace(status=state, **facts)
        offered = {r.action for r in lifecycle.allowed_actions(state, {actor}, case, NOW)}
        for rule in lifecycle.actions_from(state):
            try:
                check(state, rule.action, {actor}, case, NOW)
                accepted = True
            except TransitionError as error:
                accepted = False
                assert set(error.allowed) == {a.value for a in offered}
                assert error.forbidden == (actor not in rule.actors)
            assert accepted == (rule.action in offered), (state, rule.action, actor, facts)
            if rule.guard is not None and actor in rule.actors:
                seen.add((rule.guard.__name__, accepted))
    guards = {r.guard.__name__ for r in lifecycle.actions_from(state) if r.guard is not None}
    # The grid reaches both outcomes of every guard in this state.
    assert seen == {(g, outcome) for g in guards for outcome in (True, False)}


def test_the_seven_handler_guards_live_in_the_table():
    guarded = {(r.state, r.action): r.guard.__name__ for r in lifecycle.RULES if r.guard is not None}
    assert guarded[(State.DECIDED, Action.CLOSE)] == "appeal_window_over"
    assert guarded[(State.APPEAL_DECIDED, Action.REOPEN)] == "remanded"
    assert guarded[(State.APPEAL_DECIDED, Action.CLOSE)] == "not_remanded"
    assert guarded[(State.INADMISSIBLE, Action.CONFIRM_INADMISSIBILITY)] == "inadmissibility_unconfirmed"
    assert guarded[(State.INADMISSIBLE, Action.OVERTURN_INADMISSIBILITY)] == "inadmissibility_unconfirmed"
    assert guarded[(State.DECIDED, Action.PUBLISH)] == "has_decision"
    assert guarded[(State.INADMISSIBLE, Action.FILE_APPEAL)] == "inadmissibility_confirmed"
    assert guarded[(State.INADMISSIBLE, Action.CLOSE)] == "confirmed_and_appeal_window_over"
    assert guarded[(State.SUBMITTED, Action.MARK_OVERDUE)] == "overdue_unmarked"
    assert guarded[(State.DEFICIENT, Action.CURE_LAPSED)] == "cure_window_lapsed"


def test_each_state_runs_its_clock():
    base = dict(decision_due_at=FUTURE, cure_due_at=PAST, appeal_due_at=NOW, inadmissible_confirmed_at=None)
    clock = lambda state, **kw: lifecycle.running_clock(SimpleNamespace(status=state, **{**base, **kw}))  # noqa: E731
    assert clock(State.UNDER_EXAMINATION) == (Clock.DECISION, FUTURE)
    assert clock(State.DEFICIENT) == (Clock.CURE, PAST)
    assert clock(State.INADMISSIBLE) == (Clock.CONFIRMATION, FUTURE)
    assert clock(State.INADMISSIBLE, inadmissible_confirmed_at=PAST) == (Clock.APPEAL, NOW)
    assert clock(State.PUBLISHED) == (Clock.APPEAL, NOW)
    assert clock(State.PUBLISHED, appeal_due_at=None) == (None, None)
    assert clock(State.APPEALED) == (None, None) and clock(State.CLOSED) == (None, None)
