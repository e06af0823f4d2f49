"""The lifecycle of a complaint (DOMAIN.md section 3) as data.

One table maps (state, action) to the next state, the actors that may take the
action, and the data it requires. Nothing else in the product decides whether an
action is allowed: forms ask `allowed_actions`, services call `check`.

Actors are roles, plus FILER: the monitor whose own case it is. A monitor acting on
somebody else's case is no actor at all (and never learns the case exists)."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from complaints.enums import Role


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
#: States in which the case is being examined (work on the merits).
EXAMINING = frozenset({State.UNDER_EXAMINATION, State.HEARING_SCHEDULED, State.REOPENED})
#: States in which a decision or a final act exists and the appeal clock may run.
DECIDED_STATES = frozenset({State.DECIDED, State.PUBLISHED, State.APPEALED, State.APPEAL_DECIDED})
TERMINAL_STATES = frozenset({State.CLOSED})
#: Before a decision: the filer may still withdraw.
WITHDRAWABLE = frozenset({State.SUBMITTED, State.DEFICIENT, State.UNDER_EXAMINATION,
                          State.HEARING_SCHEDULED, State.REOPENED})


@dataclass(frozen=True)
class Rule:
    """One row of the table: `action` from `state` leads to `to` (None: stays)."""

    state: State
    action: Action
    to: State | None
    actors: frozenset[str]
    requires: tuple[str, ...] = ()
    description: str = ""

    @property
    def next_state(self) -> State:
        return self.to if self.to is not None else self.state


def _rules() -> list[Rule]:
    r: list[Rule] = []

    def add(states: frozenset[State] | set[State] | tuple[State, ...] | State, action: Action,
            to: State | None, actors: set[str] | frozenset[str], requires: tuple[str, ...] = (),
            description: str = "") -> None:
        if isinstance(states, State):
            states = (states,)
        for s in states:
            r.append(Rule(s, action, to, frozenset(actors), requires, description))

    add(State.DRAFT, Action.EDIT, None, {FILER, CLERK}, (), "Change the draft.")
    add(State.DRAFT, Action.SUBMIT, State.SUBMITTED, {FILER, CLERK},
        description="Receive the complaint: it gets its number and its clocks start.")
    add(State.DEFICIENT, Action.EDIT, None, {FILER, CLERK}, (), "Correct the listed defects.")
    add(State.SUBMITTED, Action.MARK_DEFICIENT, State.DEFICIENT, {CLERK}, ("defects",),
        "List what is missing; the filer has a short window to cure it.")
    add(State.DEFICIENT, Action.CURE, State.SUBMITTED, {FILER, CLERK}, ("note",),
        "The filer answers the deficiency notice.")
    add((State.SUBMITTED, State.DEFICIENT), Action.DECLARE_INADMISSIBLE, State.INADMISSIBLE, {CLERK},
        ("grounds", "reasons", "legal_basis", "how_to_appeal"),
        "Refuse the complaint with written reasons; a commissioner must confirm.")
    add(State.INADMISSIBLE, Action.CONFIRM_INADMISSIBILITY, None, {COMMISSIONER}, (),
        "Confirm the clerk's finding; the appeal window starts.")
    add(State.INADMISSIBLE, Action.OVERTURN_INADMISSIBILITY, State.SUBMITTED, {COMMISSIONER}, ("note",),
        "Send the complaint back to intake.")
    add(State.SUBMITTED, Action.TRANSFER, State.TRANSFERRED, {CLERK}, ("transfer_to",),
        "Send the complaint to the body competent to examine it.")
    add(State.SUBMITTED, Action.ACCEPT, State.UNDER_EXAMINATION, {CLERK}, (),
        "Admissible: open the examination.")
    add(EXAMINING, Action.ASSIGN, None, {CLERK, COMMISSIONER}, ("assignee_id",),
        "Assign the investigator who examines the case.")
    add(EXAMINING, Action.NOTIFY_RESPONDENT, None, {CLERK, INVESTIGATOR}, ("respondent_id", "served_at"),
        "Serve the respondent a copy; the reply clock starts.")
    add(EXAMINING, Action.RECORD_REPLY, None, {CLERK, INVESTIGATOR}, ("respondent_id", "reply"),
        "Record the respondent's reply.")
    add(EXAMINING, Action.REQUEST_EVIDENCE, None, {INVESTIGATOR}, ("note",),
        "Ask a party for evidence.")
    add(EXAMINING | {State.DRAFT, State.SUBMITTED, State.DEFICIENT}, Action.ADD_EVIDENCE, None,
        {FILER, CLERK, INVESTIGATOR}, (), "Attach evidence to the case.")
    add(OPEN_STATES | DECIDED_STATES | {State.INADMISSIBLE, State.TRANSFERRED}, Action.ADD_NOTE, None,
        STAFF, ("note",), "An internal note: never shown to the filer or the public.")
    add(EXAMINING, Action.DRAFT_CONCLUSION, None, {INVESTIGATOR}, ("conclusion",),
        "The working group's draft conclusion (the commission decides).")
    add(OPEN_STATES | DECIDED_STATES | {State.INADMISSIBLE, State.TRANSFERRED}, Action.LINK_CASE, None,
        {CLERK}, ("other_case", "link_kind"), "Link as duplicate of, related to, or joined with.")
    add((State.UNDER_EXAMINATION, State.REOPENED, State.HEARING_SCHEDULED), Action.SCHEDULE_HEARING,
        State.HEARING_SCHEDULED, {COMMISSIONER}, ("hearing_at", "hearing_place"),
        "Set the date and place; all parties are notified.")
    add(EXAMINING, Action.DECIDE, State.DECIDED, {COMMISSIONER},
        ("outcome", "reasons", "legal_basis", "votes_for", "votes_against", "votes_abstain"),
        "Record the commission's decision.")
    add(State.DECIDED, Action.PUBLISH, State.PUBLISHED, {CLERK}, (),
        "Put the redacted decision in the public register.")
    add((State.DECIDED, State.PUBLISHED, State.INADMISSIBLE, State.APPEAL_DECIDED), Action.FILE_APPEAL,
        State.APPEALED,
        {FILER, CLERK}, ("appeal_body", "appellant", "filed_at"),
        "An appeal was filed with a higher commission or a court.")
    add(State.APPEALED, Action.RECORD_APPEAL_OUTCOME, State.APPEAL_DECIDED, {CLERK}, ("appeal_outcome",),
        "Record how the appeal body ruled.")
    add(State.APPEAL_DECIDED, Action.REOPEN, State.REOPENED, {CLERK, COMMISSIONER}, (),
        "Remanded: back to examination.")
    add(WITHDRAWABLE, Action.WITHDRAW, State.WITHDRAWN, {FILER, CLERK}, (),
        "The filer withdraws the complaint before a decision.")
    add((State.DECIDED, State.PUBLISHED, State.APPEAL_DECIDED, State.INADMISSIBLE, State.TRANSFERRED,
         State.WITHDRAWN), Action.CLOSE, State.CLOSED, {CLERK, SYSTEM}, (),
        "Close: the appeal window has run out or the final ruling is in.")
    add(OPEN_STATES | {State.INADMISSIBLE, State.DECIDED, State.PUBLISHED}, Action.MARK_OVERDUE, None,
        {SYSTEM}, (), "The running clock expired.")
    add(State.DEFICIENT, Action.CURE_LAPSED, State.INADMISSIBLE, {SYSTEM}, (),
        "The window to cure the defects ran out: inadmissible, for a commissioner to confirm.")
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


def allowed_actions(state: State, actors: set[str] | frozenset[str]) -> list[Rule]:
    """The rules `actors` (a role, possibly with FILER) may take from `state`, in table order."""
    return [rule for rule in actions_from(state) if rule.actors & actors]


def check(state: State | str, action: Action | str, actors: set[str] | frozenset[str]) -> Rule:
    """Return the rule for (state, action) if one of `actors` may take it.

    Raises TransitionError naming the actions that are allowed instead."""
    state = State(state)
    try:
        action = Action(action)
    except ValueError:
        raise TransitionError(f"Unknown action “{action}”.",
                              allowed=[r.action.value for r in allowed_actions(state, actors)]) from None
    rule = TABLE.get((state, action))
    allowed = [r.action.value for r in allowed_actions(state, actors)]
    if rule is None:
        options = ", ".join(allowed) if allowed else "none"
        raise TransitionError(
            f"“{action.value}” is not possible while the case is {state.value.replace('_', ' ')}. "
            f"Allowed now: {options}.", allowed=allowed)
    if not rule.actors & actors:
        who = ", ".join(sorted(rule.actors - {SYSTEM})) or "the system"
        raise TransitionError(f"Only {who} may take the action “{action.value}”.",
                              allowed=allowed, forbidden=True)
    return rule
