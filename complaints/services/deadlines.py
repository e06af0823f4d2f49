"""The statutory clocks (DOMAIN.md section 4), from each election's settings, in the
election's time zone; and the sweep that marks and escalates overdue cases."""
from __future__ import annotations

import datetime as dt

from complaints import lifecycle
from complaints.enums import Role
from complaints.models import Complaint, Election
from complaints.models.election import election_zone


def local(election: Election, moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(election_zone(election))


def is_election_period(election: Election, moment: dt.datetime) -> bool:
    """Election day or the day before, in the election's own time zone."""
    day = local(election, moment).date()
    return election.election_day - dt.timedelta(days=1) <= day <= election.election_day


def filing_due(election: Election, start: dt.datetime) -> dt.datetime:
    return start + dt.timedelta(days=election.filing_days)


def decision_due(election: Election, received_at: dt.datetime) -> dt.datetime:
    if is_election_period(election, received_at):
        return received_at + dt.timedelta(hours=election.election_day_decision_hours)
    return received_at + dt.timedelta(days=election.decision_days)


def cure_due(election: Election, noticed_at: dt.datetime) -> dt.datetime:
    return noticed_at + dt.timedelta(days=election.cure_days)


def reply_due(election: Election, served_at: dt.datetime) -> dt.datetime:
    return served_at + dt.timedelta(days=election.reply_days)


def appeal_due(election: Election, served_at: dt.datetime) -> dt.datetime:
    return served_at + dt.timedelta(days=election.appeal_days)


def refresh_clock(case: Complaint) -> None:
    """Point `due_at` at the clock that runs in the case's current state (the lifecycle
    says which); a different deadline clears the overdue mark."""
    clock, due = lifecycle.running_clock(case)
    if (due, clock) != (case.due_at, case.due_clock):
        case.overdue_since = None
        case.escalated_to = None
    case.due_at, case.due_clock = due, clock


#: Whom an overdue case is escalated to: the supervisor of whoever holds it.
SUPERVISOR = {
    Role.INVESTIGATOR.value: Role.COMMISSIONER.value,
    Role.CLERK.value: Role.COMMISSIONER.value,
    Role.COMMISSIONER.value: Role.COMMISSIONER.value,
}


def escalation_target(case: Complaint) -> str:
    if case.assignee is not None:
        return SUPERVISOR.get(case.assignee.role.value, Role.COMMISSIONER.value)
    return Role.COMMISSIONER.value
