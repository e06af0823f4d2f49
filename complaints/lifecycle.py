"""The lifecycle of a complaint (DOMAIN.md section 3) as data.

One table maps (state, action) to the next state, the actors that may take the
action, and the guard: a predicate on the case that must hold (the appeal window has
run out before a close, a remand before a reopen, ...). Which statutory clock runs in
each state is here too (`running_clock`). Nothing else in the product decides whether
an action is allowed: pages and the API ask `allowed_actions`, services call `check`,
and the two agree because both evaluate the same guards. What each action must be
given (its input) is its schema in `complaints.inputs`.

Actors are roles, plus FILER: the monitor whose own case it is. A monitor acting on
somebody else's case is no actor at all (and never learns the case exists)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from complaints.enums import AppealOutcome, Clock, Role


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated where it is shown."""
    return message


class State(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    DEFICIENT = "deficient"
    INADMISSIBLE = "inadmissible"
    TRANSFERRED = "transferred"
    UNDER_EXAMINATION = "under_examination"
    HEARING_SCHEDULED = "hearing_scheduled"
    DECIDED = "decided"
    PUBLISHED = "published"
    APPEALED = "appealed"
    APPEAL_DECIDED = "appeal_decided"
    REOPENED = "reopened"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"


class Action(StrEnum):
    CREATE = "create"
    EDIT = "edit"
    SUBMIT = "submit"
    MARK_DEFICIENT = "mark_deficient"
    CURE = "cure"
    DECLARE_INADMISSIBLE = "declare_inadmissible"
    CONFIRM_INADMISSIBILITY = "confirm_inadmissibility"
    OVERTURN_INADMISSIBILITY = "overturn_inadmissibility"
    TRANSFER = "transfer"
    ACCEPT = "accept"
    ASSIGN = "assign"
    NOTIFY_RESPONDENT = "notify_respondent"
    RECORD_REPLY = "record_reply"
    REQUEST_EVIDENCE = "request_evidence"
    ADD_EVIDENCE = "add_evidence"
    ADD_NOTE = "add_note"
    DRAFT_CONCLUSION = "draft_conclusion"
    LINK_CASE = "link_case"
    SCHEDULE_HEARING = "schedule_hearing"
    DECIDE = "decide"
    PUBLISH = "publish"
    FILE_APPEAL = "file_appeal"
    RECORD_APPEAL_OUTCOME = "record_appeal_outcome"
    REOPEN = "reopen"
    WITHDRAW = "withdraw"
    CLOSE = "close"
    MARK_OVERDUE = "mark_overdue"
    CURE_LAPSED = "cure_lapsed"


#: The monitor who filed the case (or on whose account it was filed).
FILER = "filer"
#: The deadline sweep and other scheduled work.
SYSTEM = "system"

CLERK, INVESTIGATOR, COMMISSIONER = Role.CLERK.value, Role.INVESTIGATOR.value, Role.COMMISSIONER.value
STAFF = frozenset({CLERK, INVESTIGATOR, COMMISSIONER})

OPEN_STATES = frozenset({
    State.SUBMITTED, State.DEFICIENT, State.UNDER_EXAMINATION, State.HEARING_SCHEDULED,
    State.REOPENED,
})
#: States whose running clock can make the case overdue (a decided case's expired
#: appeal clock closes it instead).
OVERDUE_STATES = frozenset(OPEN_STATES | {State.INADMISSIBLE})
#: States in which the case is being examined (work on the merits).
EXAMINING = frozenset({State.UNDER_EXAMINATION, State.HEARING_SCHEDULED, State.REOPENED})
#: States in which a decision or a final act exists and the appeal clock may run.
DECIDED_STATES = frozenset({State.DECIDED, State.PUBLISHED, State.APPEALED, State.APPEAL_DECIDED})
#: Before a decision: the filer may still withdraw.
WITHDRAWABLE = frozenset({State.SUBMITTED, State.DEFICIENT, State.UNDER_EXAMINATION,
                          State.HEARING_SCHEDULED, State.REOPENED})


#: A guard reads the case (any object with the Complaint's attributes) at `now` and
#: returns why the action is refused, or None when it may be taken.
Guard = Callable[[Any, dt.datetime], "str | None"]


@dataclass(frozen=True)
class Rule:
    """One row of the table: `action` from `state` leads to `to` (None: stays), for
    `actors`, when `guard` (if any) finds nothing against it."""

    state: State
    action: Action
    to: State | None
    actors: frozenset[str]
    description: str = ""
    guard: Guard | None = None

    @property
    def next_state(self) -> State:
        return self.to if self.to is not None else self.state

    def refusal(self, case: Any, now: dt.datetime) -> str | None:
        """Why the guard refuses the action on `case` now (None: it does not)."""
        return self.guard(case, now) if self.guard is not None else None


# --------------------------------------------------------------------------- guards

def _fmt(moment: dt.datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def inadmissibility_confirmed(case: Any, now: dt.datetime) -> str | None:
    if case.inadmissible_confirmed_at is None:
        return N_("A commissioner must confirm the inadmissibility first.")
    return None


def inadmissibility_unconfirmed(case: Any, now: dt.datetime) -> str | None:
    if case.inadmissible_confirmed_at is not None:
        return N_("The inadmissibility is already confirmed: it can only be changed on appeal.")
    return None


def appeal_window_over(case: Any, now: dt.datetime) -> str | None:
    if case.appeal_due_at is not None and now < case.appeal_due_at:
        return f"The appeal window is open until {_fmt(case.appeal_due_at)}; close the case after that."
    return None


def confirmed_and_appeal_window_over(case: Any, now: dt.datetime) -> str | None:
    """An inadmissible case closes once confirmed and no longer appealable."""
    return inadmissibility_confirmed(case, now) or appeal_window_over(case, now)


def _appeal_outcome(case: Any) -> AppealOutcome | None:
    appeal = case.appeal
    return appeal.outcome if appeal is not None else None


def remanded(case: Any, now: dt.datetime) -> str | None:
    if _appeal_outcome(case) != AppealOutcome.REMANDED:
        return N_("Only a case remanded on appeal can be reopened.")
    return None


def not_remanded(case: Any, now: dt.datetime) -> str | None:
    if _appeal_outcome(case) == AppealOutcome.REMANDED:
        return N_("The case was remanded: reopen it instead.")
    return None


def has_decision(case: Any, now: dt.datetime) -> str | None:
    return N_("There is no decision to publish.") if case.decision is None else None


def has_appeal(case: Any, now: dt.datetime) -> str | None:
    return N_("No appeal is recorded on this case.") if case.appeal is None else None


def overdue_unmarked(case: Any, now: dt.datetime) -> str | None:
    if not is_overdue(case.due_at, now):
        return N_("The case is not overdue.")
    if case.overdue_since is not None:
        return N_("The case is already marked overdue.")
    return None


def cure_window_lapsed(case: Any, now: dt.datetime) -> str | None:
    if case.cure_due_at is None or case.cure_due_at >= now:
        return N_("The window to cure the defects is still open.")
    return None


def is_overdue(due_at: dt.datetime | None, now: dt.datetime) -> bool:
    """The one definition of overdue: the running clock's deadline has passed."""
    return due_at is not None and due_at < now


def _rules() -> list[Rule]:
    r: list[Rule] = []

    def add(states: frozenset[State] | set[State] | tuple[State, ...] | State, action: Action,
            to: State | None, actors: set[str] | frozenset[str], description: str = "",
            guard: Guard | None = None) -> None:
        if isinstance(states, State):
            states = (states,)
        for s in states:
            r.append(Rule(s, action, to, frozenset(actors), description, guard))

    add(State.DRAFT, Action.EDIT, None, {FILER, CLERK}, N_("Change the draft."))
    add(State.DRAFT, Action.SUBMIT, State.SUBMITTED, {FILER, CLERK},
        N_("Receive the complaint: it gets its number and its clocks start."))
    add(State.DEFICIENT, Action.EDIT, None, {FILER, CLERK}, N_("Correct the listed defects."))
    add(State.SUBMITTED, Action.MARK_DEFICIENT, State.DEFICIENT, {CLERK},
        N_("List what is missing; the filer has a short window to cure it."))
    add(State.DEFICIENT, Action.CURE, State.SUBMITTED, {FILER, CLERK}, N_("The filer answers the deficiency notice."))
    add((State.SUBMITTED, State.DEFICIENT), Action.DECLARE_INADMISSIBLE, State.INADMISSIBLE, {CLERK},
        N_("Refuse the complaint with written reasons; a commissioner must confirm."))
    add(State.INADMISSIBLE, Action.CONFIRM_INADMISSIBILITY, None, {COMMISSIONER},
        N_("Confirm the clerk's finding; the appeal window starts."), inadmissibility_unconfirmed)
    add(State.INADMISSIBLE, Action.OVERTURN_INADMISSIBILITY, State.SUBMITTED, {COMMISSIONER},
        N_("Send the complaint back to intake."), inadmissibility_unconfirmed)
    add(State.SUBMITTED, Action.TRANSFER, State.TRANSFERRED, {CLERK},
        N_("Send the complaint to the body competent to examine it."))
    add(State.SUBMITTED, Action.ACCEPT, State.UNDER_EXAMINATION, {CLERK}, N_("Admissible: open the examination."))
    add(EXAMINING, Action.ASSIGN, None, {CLERK, COMMISSIONER}, N_("Assign the investigator who examines the case."))
    add(EXAMINING, Action.NOTIFY_RESPONDENT, None, {CLERK, INVESTIGATOR},
        N_("Serve the respondent a copy; the reply clock starts."))
    add(EXAMINING, Action.RECORD_REPLY, None, {CLERK, INVESTIGATOR}, N_("Record the respondent's reply."))
    add(EXAMINING, Action.REQUEST_EVIDENCE, None, {INVESTIGATOR}, N_("Ask a party for evidence."))
    add(EXAMINING | {State.DRAFT, State.SUBMITTED, State.DEFICIENT}, Action.ADD_EVIDENCE, None,
        {FILER, CLERK, INVESTIGATOR}, N_("Attach evidence to the case."))
    add(OPEN_STATES | DECIDED_STATES | {State.INADMISSIBLE, State.TRANSFERRED}, Action.ADD_NOTE, None,
        STAFF, N_("An internal note: never shown to the filer or the public."))
    add(EXAMINING, Action.DRAFT_CONCLUSION, None, {INVESTIGATOR},
        N_("The working group's draft conclusion (the commission decides)."))
    add(OPEN_STATES | DECIDED_STATES | {State.INADMISSIBLE, State.TRANSFERRED}, Action.LINK_CASE, None,
        {CLERK}, N_("Link as duplicate of, related to, or joined with."))
    add((State.UNDER_EXAMINATION, State.REOPENED, State.HEARING_SCHEDULED), Action.SCHEDULE_HEARING,
        State.HEARING_SCHEDULED, {COMMISSIONER}, N_("Set the date and place; all parties are notified."))
    add(EXAMINING, Action.DECIDE, State.DECIDED, {COMMISSIONER}, N_("Record the commission's decision."))
    add(State.DECIDED, Action.PUBLISH, State.PUBLISHED, {CLERK},
        N_("Put the redacted decision in the public register."), has_decision)
    add((State.DECIDED, State.PUBLISHED, State.APPEAL_DECIDED), Action.FILE_APPEAL, State.APPEALED, {FILER, CLERK},
        N_("An appeal was filed with a higher commission or a court."))
    add(State.INADMISSIBLE, Action.FILE_APPEAL, State.APPEALED, {FILER, CLERK},
        N_("The confirmed inadmissibility was appealed."), inadmissibility_confirmed)
    add(State.APPEALED, Action.RECORD_APPEAL_OUTCOME, State.APPEAL_DECIDED, {CLERK},
        N_("Record how the appeal body ruled."), has_appeal)
    add(State.APPEAL_DECIDED, Action.REOPEN, State.REOPENED, {CLERK, COMMISSIONER},
        N_("Remanded: back to examination."), remanded)
    add(WITHDRAWABLE, Action.WITHDRAW, State.WITHDRAWN, {FILER, CLERK},
        N_("The filer withdraws the complaint before a decision."))
    add((State.DECIDED, State.PUBLISHED), Action.CLOSE, State.CLOSED, {CLERK, SYSTEM},
        N_("Close: the appeal window has run out."), appeal_window_over)
    add(State.INADMISSIBLE, Action.CLOSE, State.CLOSED, {CLERK, SYSTEM},
        N_("Close: the confirmed inadmissibility was not appealed in time."), confirmed_and_appeal_window_over)
    add(State.APPEAL_DECIDED, Action.CLOSE, State.CLOSED, {CLERK, SYSTEM},
        N_("Close: the final ruling is in."), not_remanded)
    add((State.TRANSFERRED, State.WITHDRAWN), Action.CLOSE, State.CLOSED, {CLERK, SYSTEM},
        N_("Close the file."))
    add(OVERDUE_STATES, Action.MARK_OVERDUE, None,
        {SYSTEM}, N_("The running clock expired."), overdue_unmarked)
    add(State.DEFICIENT, Action.CURE_LAPSED, State.INADMISSIBLE, {SYSTEM},
        N_("The window to cure the defects ran out: inadmissible, for a commissioner to confirm."), cure_window_lapsed)
    return r


RULES: tuple[Rule, ...] = tuple(_rules())
TABLE: dict[tuple[State, Action], Rule] = {(rule.state, rule.action): rule for rule in RULES}
assert len(TABLE) == len(RULES), "duplicate (state, action) pair in the lifecycle table"

#: Actions whose history rows are for staff only (never shown to the filer or the public).
INTERNAL_ACTIONS = frozenset({Action.ADD_NOTE, Action.DRAFT_CONCLUSION, Action.ASSIGN, Action.MARK_OVERDUE,
                              Action.REQUEST_EVIDENCE})
#: Everything else is on the filer's timeline.
FILER_VISIBLE_ACTIONS = frozenset(set(Action) - INTERNAL_ACTIONS)


class TransitionError(Exception):
    """The action is not allowed; `message` says why and what is allowed instead."""

    def __init__(self, message: str, *, allowed: list[str] | None = None, forbidden: bool = False):
        super().__init__(message)
        self.message = message
        self.allowed = allowed or []
        #: True when the actor's role may never take it here (403); False when the state is wrong (409).
        self.forbidden = forbidden


def actions_from(state: State) -> list[Rule]:
    return [rule for rule in RULES if rule.state == state]


def allowed_actions(state: State | str, actors: set[str] | frozenset[str], case: Any = None,
                    now: dt.datetime | None = None) -> list[Rule]:
    """The rules `actors` (a role, possibly with FILER) may take from `state`, in table
    order. Given the `case`, only those whose guard lets them through `now` (default:
    the present): exactly what `check` would accept."""
    rules = [rule for rule in actions_from(State(state)) if rule.actors & actors]
    if case is None:
        return rules
    moment = now or dt.datetime.now(dt.UTC)
    return [rule for rule in rules if rule.refusal(case, moment) is None]


def check(state: State | str, action: Action | str, actors: set[str] | frozenset[str], case: Any = None,
          now: dt.datetime | None = None) -> Rule:
    """Return the rule for (state, action) if one of `actors` may take it (and, given the
    `case`, its guard lets it through `now`).

    Raises TransitionError naming the actions that are allowed instead."""
    from flask_babel import gettext as _  # the request's language; English outside a request

    from complaints.labels import label
    state = State(state)
    moment = now or dt.datetime.now(dt.UTC)
    allowed = [r.action.value for r in allowed_actions(state, actors, case, moment)]
    try:
        action = Action(action)
    except ValueError:
        raise TransitionError(_("Unknown action “%(action)s”.", action=action), allowed=allowed) from None
    rule = TABLE.get((state, action))
    if rule is None:
        options = ", ".join(allowed) if allowed else _("none")
        raise TransitionError(
            _("“%(action)s” is not possible while the case is %(state)s. Allowed now: %(options)s.",
              action=action.value, state=label(state), options=options), allowed=allowed)
    if not rule.actors & actors:
        who = ", ".join(label(actor) for actor in sorted(rule.actors - {SYSTEM})) or label(SYSTEM)
        raise TransitionError(_("Only %(who)s may take the action “%(action)s”.", who=who, action=action.value),
                              allowed=allowed, forbidden=True)
    if case is not None:
        refused = rule.refusal(case, moment)
        if refused is not None:
            raise TransitionError(_(refused), allowed=allowed)
    return rule


# --------------------------------------------------------------------------- clocks

#: The clock that runs in each state (none elsewhere); an inadmissible case waits for
#: the commissioner's confirmation, then for the appeal.
STATE_CLOCKS: dict[State, Clock] = {
    **{s: Clock.DECISION for s in (State.SUBMITTED, State.UNDER_EXAMINATION, State.HEARING_SCHEDULED,
                                   State.REOPENED)},
    State.DEFICIENT: Clock.CURE,
    State.INADMISSIBLE: Clock.CONFIRMATION,
    State.DECIDED: Clock.APPEAL,
    State.PUBLISHED: Clock.APPEAL,
}
#: The case's field holding each clock's deadline.
CLOCK_DEADLINES: dict[Clock, str] = {
    Clock.DECISION: "decision_due_at", Clock.CURE: "cure_due_at", Clock.CONFIRMATION: "decision_due_at",
    Clock.APPEAL: "appeal_due_at",
}


def running_clock(case: Any) -> tuple[Clock | None, dt.datetime | None]:
    """The clock that runs for `case` in its state, and its deadline ((None, None): none)."""
    clock = STATE_CLOCKS.get(State(case.status))
    if clock == Clock.CONFIRMATION and case.inadmissible_confirmed_at is not None:
        clock = Clock.APPEAL
    if clock is None:
        return None, None
    due = getattr(case, CLOCK_DEADLINES[clock])
    return (clock, due) if due is not None else (None, None)
