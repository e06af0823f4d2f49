"""Filing a complaint and applying lifecycle actions to it.

`apply_action` is the only way a case changes state: it checks the lifecycle table
and the actor, validates the data the action requires, sets the fields, refreshes
the clocks, bumps the version (optimistic lock) and appends the history row, all in
the caller's transaction."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from complaints import access, inputs, labels, lifecycle
from complaints.db import utcnow
from complaints.enums import (
    Channel,
    FilerKind,
    Role,
)
from complaints.lifecycle import INTERNAL_ACTIONS, SYSTEM, Action, State
from complaints.models import (
    CaseHistory,
    CaseLink,
    Complaint,
    Filer,
    User,
)
from complaints.services import deadlines, history

# The handlers register themselves in HANDLERS, by concern.
from complaints.services import decision as _decision  # noqa: F401
from complaints.services import examination as _examination  # noqa: F401
from complaints.services import intake as _intake  # noqa: F401
from complaints.services.content import (
    AllegationInput,
    ComplaintInput,
    apply_content,
    check_references,
    completeness_errors,
    hash_tracking_code,
    new_tracking_code,
    tracking_code_matches,
)
from complaints.services.errors import ConflictError, NotPermitted, ValidationError
from complaints.services.handlers import HANDLERS, ActionResult

__all__ = [
    "ON_CHANGE", "ActionResult", "AllegationInput", "ComplaintInput", "apply_action", "apply_content",
    "check_references", "completeness_errors", "conflict_for", "create_complaint", "file_complaint",
    "hash_tracking_code", "last_change", "linked_cases", "new_tracking_code", "record_history_only",
    "resolve_filer_for", "sweep", "tracking_code_matches", "update_draft",
]

#: Called as fn(session, case, action, from_state, to_state) after every change to a case,
#: in the same transaction (e.g. to keep dashboard aggregates current).
ON_CHANGE: list[Callable[[Session, Complaint, str, str | None, str], None]] = []


def _changed(session: Session, case: Complaint, action: str, from_state: str | None, to_state: str) -> None:
    for listener in ON_CHANGE:
        listener(session, case, action, from_state, to_state)


def create_complaint(session: Session, data: ComplaintInput, *, filer: Filer | None, actor: User | None,
                     channel: Channel = Channel.WEB, generated: bool = False) -> Complaint:
    """A new draft (history: create). Submit it with `apply_action(..., Action.SUBMIT)`."""
    errors = check_references(session, data)
    if errors:
        raise ValidationError(_("Some fields need attention."), errors)
    case = Complaint(election_id=data.election_id, status=State.DRAFT, channel=channel, filer=filer,
                     created_by_id=actor.id if actor else None, is_generated=generated, summary="")
    session.add(case)
    apply_content(session, case, data)
    session.flush()
    history.append(session, case, actor=actor, action=Action.CREATE.value, from_state=None,
                   to_state=State.DRAFT.value,
                   payload={"channel": channel.value, "filer": history.filer_identity(filer)})
    _changed(session, case, Action.CREATE.value, None, State.DRAFT.value)
    return case


def file_complaint(session: Session, data: ComplaintInput, *, filer: Filer | None, actor: User | None,
                   channel: Channel = Channel.WEB, received_at: dt.datetime | None = None,
                   generated: bool = False) -> tuple[Complaint, str]:
    """Create and receive a complaint at once. Returns the case and its tracking code
    (the code is not stored, only its hash: show it to the filer now or never)."""
    case = create_complaint(session, data, filer=filer, actor=actor, channel=channel, generated=generated)
    result = apply_action(session, case, Action.SUBMIT, actor,
                          {"received_at": received_at, "late_reason": data.late_reason},
                          actor_override=_actor_for_filing(actor, case))
    return case, result.tracking_code or ""


def _actor_for_filing(actor: User | None, case: Complaint) -> frozenset[str] | None:
    if actor is None:
        return frozenset({SYSTEM, lifecycle.CLERK})
    return None


def update_draft(session: Session, case: Complaint, data: ComplaintInput, *, actor: User,
                 expected_version: int | None = None, filer: Filer | None = None) -> dict[str, Any]:
    """Change a draft's (or a deficient case's) content, and its filer if given: the EDIT action."""
    errors = check_references(session, data)
    if errors:
        raise ValidationError(_("Some fields need attention."), errors)
    result = apply_action(session, case, Action.EDIT, actor, {"content": data, "filer": filer},
                          expected_version=expected_version)
    return result.payload


def last_change(session: Session, case: Complaint) -> CaseHistory | None:
    return session.scalar(select(CaseHistory).where(CaseHistory.complaint_id == case.id)
                          .order_by(CaseHistory.seq.desc()).limit(1))


def conflict_for(session: Session, case: Complaint) -> ConflictError:
    session.refresh(case)
    row = last_change(session, case)
    who = row.actor_name if row else "someone"
    when = row.at if row else case.updated_at
    return ConflictError(
        _("This case was changed by %(who)s at %(when)s UTC while you were looking at it. "
          "It is now %(status)s; review it and try again.", who=who, when=when.strftime("%Y-%m-%d %H:%M"),
          status=labels.label(case.status)),
        changed_by=who, changed_at=when, current_version=case.version, current_status=case.status.value)


def apply_action(session: Session, case: Complaint, action: Action | str, actor: User | None,
                 data: dict[str, Any] | None = None, *, expected_version: int | None = None,
                 actor_override: frozenset[str] | None = None, now: dt.datetime | None = None) -> ActionResult:
    """Apply one lifecycle action to `case` as `actor` (None: the system).

    Raises TransitionError (wrong state: 409; wrong actor: 403), NotPermitted
    (recused), ValidationError (422) or ConflictError (stale version: 409)."""
    data = dict(data or {})
    now = now or utcnow()
    if expected_version is not None and case.version != expected_version:
        raise conflict_for(session, case)
    if actor_override is not None:
        who = actor_override
    elif actor is None:
        who = frozenset({SYSTEM})
    else:
        who = access.actors(actor, case)
    rule = lifecycle.check(case.status, action, who, case, now)
    if actor is not None and actor.is_case_staff and access.is_recused(actor, case):
        raise NotPermitted(f"{actor.display_name} is affiliated with a party to this case and is recused from it.")
    action = rule.action
    from_state = State(case.status)
    if action not in inputs.CONTENT_ACTIONS:
        try:
            data = inputs.load(action, data)
        except inputs.InputError as exc:
            raise ValidationError(_("Some fields need attention."), exc.fields) from None
    try:
        # A savepoint: a stale version undoes only this action, and the caller's
        # transaction stays usable (the request decides whether to roll back).
        with session.begin_nested():
            effect = HANDLERS[action](session, case, data, actor, now)
            case.status = rule.next_state
            deadlines.refresh_clock(case)
            case.last_actor_id = actor.id if actor else None
            case.updated_at = now
            session.flush()
    except StaleDataError:
        raise conflict_for(session, case) from None
    note_key = inputs.NOTE_FIELDS.get(action)
    note = data.get(note_key) if note_key else None
    role = None
    if actor is not None and lifecycle.FILER in who and actor.role == Role.MONITOR:
        role = "filer"
    row = history.append(session, case, actor=actor, action=action.value, from_state=from_state.value,
                         to_state=case.status.value, note=note if isinstance(note, str) else None,
                         payload=effect.payload, internal=action in INTERNAL_ACTIONS, at=now, actor_role=role)
    for echo in effect.echoes:
        history.append(session, echo.case, actor=actor, action=echo.action, from_state=echo.case.status.value,
                       to_state=echo.case.status.value, payload=echo.payload, at=now)
    _changed(session, case, action.value, from_state.value, case.status.value)
    return ActionResult(case=case, history=row, payload=effect.payload, tracking_code=effect.tracking_code)


def record_history_only(session: Session, case: Complaint, *, actor: User | None, action: str,
                        note: str | None = None, payload: dict[str, Any] | None = None,
                        internal: bool = False) -> CaseHistory:
    """A history row for something that reads, not changes, the case (an evidence
    download, a printed notice): chain of custody."""
    return history.append(session, case, actor=actor, action=action, from_state=case.status.value,
                          to_state=case.status.value, note=note, payload=payload, internal=internal)


def resolve_filer_for(session: Session, user: User) -> Filer:
    """The monitor's own filer record, created on first use from the account. Records the
    account typed for someone else (linked to it, under another name) are never reused:
    its own filings must not carry that person's name and phone."""
    filer = session.scalar(select(Filer).where(Filer.user_id == user.id, Filer.kind != FilerKind.ANONYMOUS,
                                               Filer.name == user.display_name)
                           .order_by(Filer.id).limit(1))
    if filer is None:
        filer = Filer(kind=FilerKind.OBSERVER if user.role == Role.MONITOR else FilerKind.VOTER,
                      name=user.display_name, email=user.email, user_id=user.id,
                      accreditation_number=f"ACC-{user.id:05d}", consent_to_contact=True)
        session.add(filer)
        session.flush()
    return filer


def sweep(session: Session, now: dt.datetime | None = None, batch: int = 500) -> dict[str, int]:
    """Refuse deficient cases whose cure window lapsed (DOMAIN.md section 4: inadmissible,
    for a commissioner to confirm); mark overdue cases and escalate them; close decided
    cases whose appeal window ran out. Safe to run twice: a marked case is not marked again."""
    now = now or utcnow()
    counts = {"overdue": 0, "closed": 0, "lapsed": 0}
    lapsed = session.scalars(
        select(Complaint).where(Complaint.status == State.DEFICIENT, Complaint.cure_due_at < now)
        .order_by(Complaint.cure_due_at).limit(batch)).all()
    for case in lapsed:
        apply_action(session, case, Action.CURE_LAPSED, None, {}, now=now)
        counts["lapsed"] += 1
    expired_appeals = session.scalars(
        select(Complaint).where(Complaint.due_clock == "appeal", Complaint.due_at < now,
                                Complaint.status.in_([State.DECIDED, State.PUBLISHED, State.INADMISSIBLE]))
        .order_by(Complaint.due_at).limit(batch)).all()
    for case in expired_appeals:
        apply_action(session, case, Action.CLOSE, None, {"reason": "appeal window expired"}, now=now)
        counts["closed"] += 1
    overdue = session.scalars(
        select(Complaint).where(Complaint.is_overdue(now), Complaint.overdue_since.is_(None),
                                Complaint.status.in_(lifecycle.OVERDUE_STATES))
        .order_by(Complaint.due_at).limit(batch)).all()
    for case in overdue:
        apply_action(session, case, Action.MARK_OVERDUE, None, {}, now=now)
        counts["overdue"] += 1
    return counts


def linked_cases(session: Session, case: Complaint) -> list[tuple[str, Complaint]]:
    out: list[tuple[str, Complaint]] = []
    for link in session.scalars(select(CaseLink).where(CaseLink.complaint_id == case.id)):
        out.append((link.kind.value, link.other))
    for link in session.scalars(select(CaseLink).where(CaseLink.other_id == case.id)):
        out.append((f"{link.kind.value} (from)", link.complaint))
    return out


# The dashboard counters follow every change (complaints.services.counters).
from complaints.services import counters as _counters  # noqa: E402

if _counters.on_change not in ON_CHANGE:
    ON_CHANGE.append(_counters.on_change)


# Published decisions and served notices get their PDF, its hash in the history (complaints.services.documents).
from complaints.services import documents as _documents  # noqa: E402

if _documents.on_change not in ON_CHANGE:
    ON_CHANGE.append(_documents.on_change)

# The parties are told of the steps that concern them (complaints.services.notices).
from complaints.services import notices as _notices  # noqa: E402

_notices.register_listener(ON_CHANGE)

# The search index follows every change too (complaints.services.search).
from complaints.services import search as _search  # noqa: E402

if _search.on_change not in ON_CHANGE:
    ON_CHANGE.append(_search.on_change)
