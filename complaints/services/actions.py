"""The lifecycle actions' handlers: one function per action reads and checks the
data the action requires and sets the case's fields. `cases.apply_action` looks the
handler up in HANDLERS after the lifecycle table allowed the action."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from complaints import access
from complaints.enums import (
    AppealBody,
    AppealOutcome,
    Appellant,
    ComplaintKind,
    InadmissibilityGround,
    LinkKind,
    Outcome,
    Role,
    SanctionKind,
)
from complaints.lifecycle import Action
from complaints.models import (
    Appeal,
    CaseHistory,
    CaseLink,
    CaseNote,
    Complaint,
    Decision,
    Election,
    Filer,
    Respondent,
    RespondentNotice,
    Sanction,
    TransferTarget,
    User,
)
from complaints.services import deadlines, history
from complaints.services.content import (
    ComplaintInput,
    apply_content,
    completeness_errors,
    hash_tracking_code,
    new_tracking_code,
)
from complaints.services.errors import ValidationError

# --------------------------------------------------------------------------- actions

@dataclass
class Echo:
    """A history row on another case that the action touches (the other side of a link),
    appended after the acting case's own row (one lock order)."""

    case: Complaint
    action: str
    payload: dict[str, Any]


@dataclass
class Effect:
    """What a handler returns to `apply_action`: the history payload, and what else the
    caller needs (the tracking code made at submission; rows on other cases)."""

    payload: dict[str, Any] = field(default_factory=dict)
    tracking_code: str | None = None
    echoes: list[Echo] = field(default_factory=list)


@dataclass
class ActionResult:
    case: Complaint
    history: CaseHistory
    payload: dict[str, Any]
    tracking_code: str | None = None


def _text(data: dict[str, Any], key: str, errors: dict[str, str], required: bool = True,
          label: str | None = None, max_len: int = 20000) -> str | None:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[key] = _("%(field)s is required.", field=label or key.replace("_", " ").capitalize())
        return None
    if not isinstance(value, str):
        errors[key] = _("Must be text.")
        return None
    value = value.strip()
    if len(value) > max_len:
        errors[key] = _("At most %(n)s characters.", n=max_len)
    return value


def _int(data: dict[str, Any], key: str, errors: dict[str, str], required: bool = True,
         minimum: int | None = 0, maximum: int | None = 1_000_000_000) -> int | None:
    value = data.get(key)
    if value is None or value == "":
        if required:
            errors[key] = _("%(field)s is required.", field=key.replace("_", " ").capitalize())
        return None
    if isinstance(value, bool):
        errors[key] = _("Must be a whole number.")
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors[key] = _("Must be a whole number.")
        return None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        errors[key] = _("Must be between %(min)s and %(max)s.", min=minimum, max=maximum)
        return None
    return number


def _enum(data: dict[str, Any], key: str, enum_cls: Any, errors: dict[str, str], required: bool = True) -> Any:
    value = data.get(key)
    if value is None or value == "":
        if required:
            errors[key] = _("Choose one of: %(values)s.", values=", ".join(e.value for e in enum_cls))
        return None
    try:
        return enum_cls(value)
    except ValueError:
        errors[key] = _("Choose one of: %(values)s.", values=", ".join(e.value for e in enum_cls))
        return None


def _when(data: dict[str, Any], key: str, errors: dict[str, str], required: bool = True,
          default: dt.datetime | None = None) -> dt.datetime | None:
    value = data.get(key)
    if value is None or value == "":
        if required and default is None:
            errors[key] = _("%(field)s is required.", field=key.replace("_", " ").capitalize())
        return default
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            errors[key] = _("Not a valid date and time.")
            return None
    if not isinstance(value, dt.datetime):
        errors[key] = _("Not a valid date and time.")
        return None
    if value.tzinfo is None:
        errors[key] = _("Give the time zone (e.g. +06:00).")
        return None
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        errors[key] = _("Not a valid date and time.")
        return None


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(_("Some fields need attention."), errors)


def _respondent_of(case: Complaint, data: dict[str, Any], errors: dict[str, str]) -> Respondent | None:
    rid = _int(data, "respondent_id", errors)
    if rid is None:
        return None
    for r in case.respondents:
        if r.id == rid:
            return r
    errors["respondent_id"] = _("This respondent is not a party to the case.")
    return None


def _assignee(session: Session, case: Complaint, data: dict[str, Any], errors: dict[str, str],
              required: bool = True) -> User | None:
    uid = _int(data, "assignee_id", errors, required=required)
    if uid is None:
        return None
    user = session.get(User, uid)
    if user is None or not user.is_active or user.role not in (Role.INVESTIGATOR, Role.COMMISSIONER, Role.CLERK):
        errors["assignee_id"] = _("Choose an active member of staff.")
        return None
    if access.is_recused(user, case):
        errors["assignee_id"] = _("%(name)s is affiliated with a party to this case and is recused from it.",
                                   name=user.display_name)
        return None
    return user


Handler = Callable[[Session, Complaint, dict[str, Any], "User | None", dt.datetime], Effect]
HANDLERS: dict[Action, Handler] = {}


def handles(action: Action) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[action] = fn
        return fn
    return register


@handles(Action.EDIT)
def _edit(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
          now: dt.datetime) -> Effect:
    content = data.get("content")
    if not isinstance(content, ComplaintInput):
        raise ValidationError(_("Nothing to change."))
    changes = apply_content(session, case, content)
    filer = data.get("filer")
    if isinstance(filer, Filer) and filer is not case.filer:
        changes["filer_id"] = {"from": case.filer_id, "to": filer.id}
        case.filer = filer
        return Effect({"changes": changes, "filer": history.filer_identity(filer)})
    return Effect({"changes": changes})


@handles(Action.SUBMIT)
def _submit(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
            now: dt.datetime) -> Effect:
    errors: dict[str, str] = {}
    received_at = _when(data, "received_at", errors, required=False, default=now)
    if received_at is not None and received_at > now + dt.timedelta(minutes=5):
        errors["received_at"] = _("The time received cannot be in the future.")
    _raise(errors)
    session.flush()
    session.refresh(case)
    missing = completeness_errors(case)
    if missing:
        raise ValidationError(_("The complaint is not complete yet."), missing)
    election = case.election
    seq = session.execute(update(Election).where(Election.id == election.id)
                          .values(case_seq=Election.case_seq + 1).returning(Election.case_seq)).scalar_one()
    session.refresh(election, ["case_seq"])
    case.seq = seq
    case.registration_number = f"{election.code}-{seq:06d}"
    case.received_at = received_at
    case.submitted_at = now
    code = new_tracking_code()
    case.tracking_code_hash = hash_tracking_code(code)
    start = case.act_date if case.kind == ComplaintKind.APPEAL else case.awareness_at
    assert start is not None and received_at is not None
    case.filing_due_at = deadlines.filing_due(election, start)
    case.decision_due_at = deadlines.decision_due(election, received_at)
    case.late = received_at > case.filing_due_at
    late_reason = data.get("late_reason")
    if case.late and isinstance(late_reason, str) and late_reason.strip():
        case.late_reason = late_reason.strip()
    return Effect({"registration_number": case.registration_number, "received_at": received_at,
                   "late": case.late, "filing_due_at": case.filing_due_at, "decision_due_at": case.decision_due_at,
                   "channel": case.channel.value}, tracking_code=code)


@handles(Action.MARK_DEFICIENT)
def _deficient(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
               now: dt.datetime) -> Effect:
    defects = data.get("defects")
    if isinstance(defects, str):
        defects = [line.strip() for line in defects.splitlines() if line.strip()]
    if not isinstance(defects, list) or not defects or not all(isinstance(d, str) and d.strip() for d in defects):
        raise ValidationError(_("List the defects."), {"defects": _("List at least one defect, one per line.")})
    case.defects = [d.strip() for d in defects]
    case.cure_due_at = deadlines.cure_due(case.election, now)
    return Effect({"defects": case.defects, "cure_due_at": case.cure_due_at})


@handles(Action.CURE)
def _cure(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
          now: dt.datetime) -> Effect:
    errors: dict[str, str] = {}
    _text(data, "note", errors, label="What you corrected")
    _raise(errors)
    missing = completeness_errors(case)
    if missing:
        raise ValidationError(_("The complaint is still not complete."), missing)
    cured = case.defects or []
    late = case.cure_due_at is not None and now > case.cure_due_at
    case.cure_due_at = None
    return Effect({"cured_defects": cured, "late": late})


@handles(Action.DECLARE_INADMISSIBLE)
def _inadmissible(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
                  now: dt.datetime) -> Effect:
    errors: dict[str, str] = {}
    grounds = data.get("grounds") or []
    if isinstance(grounds, str):
        grounds = [grounds]
    try:
        grounds = [InadmissibilityGround(g).value for g in grounds]
    except (ValueError, TypeError):
        errors["grounds"] = _("Grounds are among: %(values)s.", values=", ".join(g.value for g in InadmissibilityGround))
    if not grounds and "grounds" not in errors:
        errors["grounds"] = _("Give at least one ground.")
    reasons = _text(data, "reasons", errors, label="Reasons")
    basis = _text(data, "legal_basis", errors, label="Legal basis")
    how = _text(data, "how_to_appeal", errors, label="How to appeal")
    _raise(errors)
    case.inadmissible_grounds = grounds
    case.inadmissible_reasons = reasons
    case.inadmissible_basis = basis
    case.how_to_appeal = how
    case.inadmissible_confirmed_at = None
    case.inadmissible_confirmed_by_id = None
    return Effect({"grounds": grounds, "reasons": reasons, "legal_basis": basis})


@handles(Action.CONFIRM_INADMISSIBILITY)
def _confirm(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
             now: dt.datetime) -> Effect:
    case.inadmissible_confirmed_at = now
    case.inadmissible_confirmed_by_id = actor.id if actor else None
    case.appeal_due_at = deadlines.appeal_due(case.election, now)
    return Effect({"appeal_due_at": case.appeal_due_at})


@handles(Action.OVERTURN_INADMISSIBILITY)
def _overturn(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
              now: dt.datetime) -> Effect:
    errors: dict[str, str] = {}
    _text(data, "note", errors, label="Reasons")
    _raise(errors)
    return Effect()


@handles(Action.TRANSFER)
def _transfer(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
              now: dt.datetime) -> Effect:
    errors: dict[str, str] = {}
    code = data.get("transfer_to")
    body = None
    if isinstance(code, str) and code:
        body = session.scalar(select(TransferTarget).where(TransferTarget.code == code,
                                                           TransferTarget.retired_at.is_(None)))
    if body is None:
        codes = session.scalars(select(TransferTarget.code).where(TransferTarget.retired_at.is_(None))
                                .order_by(TransferTarget.position, TransferTarget.id))
        errors["transfer_to"] = _("Choose one of: %(values)s.", values=", ".join(codes))
    note = _text(data, "note", errors, required=False)
    _raise(errors)
    assert body is not None
    case.transferred_to = body.code
    case.transfer_note = note
    return Effect({"transfer_to": body.code, "transfer_kind": body.kind.value})


@handles(Action.ACCEPT)
def _accept(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
            now: dt.datetime) -> Effect:
    errors: dict[str, str] = {}
    user = _assignee(session, case, data, errors, required=False)
    _raise(errors)
    case.defects = None
    if user is not None:
        case.assignee = user
        return Effect({"assignee_id": user.id, "assignee": user.display_name})
    return Effect()


@handles(Action.ASSIGN)
def _assign(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
            now: dt.datetime) -> Effect:
    errors: dict[str, str] = {}
    user = _assignee(session, case, data, errors)
    _raise(errors)
    assert user is not None
    previous = case.assignee.display_name if case.assignee else None
    case.assignee = user
    return Effect({"assignee_id": user.id, "assignee": user.display_name, "previous": previous})


@handles(Action.NOTIFY_RESPONDENT)
def _notify(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
            now: dt.datetime) -> Effect:
    errors: dict[str, str] = {}
    respondent = _respondent_of(case, data, errors)
    served_at = _when(data, "served_at", errors, default=now)
    if served_at is not None and served_at > now + dt.timedelta(minutes=5):
        errors["served_at"] = _("The time served cannot be in the future.")
    _raise(errors)
    assert respondent is not None and served_at is not None
    due = deadlines.reply_due(case.election, served_at)
    session.add(RespondentNotice(complaint=case, respondent=respondent, served_at=served_at, reply_due_at=due,
                                 created_by_id=actor.id if actor else None))
    case.reply_due_at = due
    return Effect({"respondent_id": respondent.id, "respondent": respondent.public_name, "served_at": served_at,
                   "reply_due_at": due})


@handles(Action.RECORD_REPLY)
def _reply(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
           now: dt.datetime) -> Effect:
    errors: dict[str, str] = {}
    respondent = _respondent_of(case, data, errors)
    reply = _text(data, "reply", errors, label="The reply")
    received = _when(data, "received_at", errors, required=False, default=now)
    if received is not None and received > now + dt.timedelta(minutes=5):
        errors["received_at"] = _("The reply cannot be received in the future.")
    _raise(errors)
    assert respondent is not None
    notice = next((n for n in reversed(case.notices) if n.respondent_id == respondent.id
                   and n.reply_received_at is None), None)
    if notice is None:
        raise ValidationError(_("Notify the respondent before recording a reply."),
                              {"respondent_id": _("This respondent has not been served a notice.")})
    notice.reply_text = reply
    notice.reply_received_at = received
    open_dues = [n.reply_due_at for n in case.notices if n.reply_received_at is None]
    case.reply_due_at = min(open_dues) if open_dues else None
    return Effect({"respondent_id": respondent.id, "respondent": respondent.public_name,
                   "late": received is not None and received > notice.reply_due_at})


@handles(Action.REQUEST_EVIDENCE)
def _request_evidence(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
                      now: dt.datetime) -> Effect:
    errors: dict[str, str] = {}
    note = _text(data, "note", errors, label="The request")
    _raise(errors)
    session.add(CaseNote(complaint=case, author_id=actor.id if actor else None, kind="evidence_request",
                         body=note or ""))
    return Effect()


@handles(Action.ADD_EVIDENCE)
def _add_evidence(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
                  now: dt.datetime) -> Effect:
    info = data.get("evidence")
    if not isinstance(info, dict):
        raise ValidationError(_("No evidence given."), {"evidence": _("Attach a file or give a link.")})
    return Effect({"evidence": info})


@handles(Action.ADD_NOTE)
def _add_note(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
              now: dt.datetime) -> Effect:
    errors: dict[str, str] = {}
    note = _text(data, "note", errors, label="The note")
    _raise(errors)
    session.add(CaseNote(complaint=case, author_id=actor.id if actor else None, kind="note", body=note or ""))
    return Effect()


@handles(Action.DRAFT_CONCLUSION)
def _conclusion(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
                now: dt.datetime) -> Effect:
    errors: dict[str, str] = {}
    text = _text(data, "conclusion", errors, label="The conclusion")
    _raise(errors)
    case.conclusion = text
    session.add(CaseNote(complaint=case, author_id=actor.id if actor else None, kind="conclusion", body=text or ""))
    return Effect({"conclusion": text})


@handles(Action.LINK_CASE)
def _link(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
          now: dt.datetime) -> Effect:
    errors: dict[str, str] = {}
    kind = _enum(data, "link_kind", LinkKind, errors)
    other = data.get("other_case")
    if isinstance(other, str):
        number = other.strip().upper()
        other = session.scalar(select(Complaint).where(Complaint.registration_number == number))
        if other is None:
            errors["other_case"] = _("No case numbered %(number)s.", number=number)
    elif not isinstance(other, Complaint):
        errors["other_case"] = _("Give the other case's registration number.")
    if isinstance(other, Complaint) and other.id == case.id:
        errors["other_case"] = _("A case cannot be linked to itself.")
    _raise(errors)
    assert isinstance(other, Complaint)
    exists = session.scalar(select(CaseLink).where(CaseLink.complaint_id == case.id,
                                                   CaseLink.other_id == other.id, CaseLink.kind == kind))
    if exists is not None:
        raise ValidationError(_("These cases are already linked that way."),
                              {"other_case": _("Already linked.")})
    session.add(CaseLink(complaint=case, other=other, kind=kind, created_by_id=actor.id if actor else None))
    # Both histories record the link.
    incoming = Echo(other, "linked", {"link_kind": kind.value, "other": case.registration_number,
                                      "direction": "incoming"})
    return Effect({"link_kind": kind.value, "other": other.registration_number}, echoes=[incoming])


@handles(Action.SCHEDULE_HEARING)
def _hearing(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
             now: dt.datetime) -> Effect:
    errors: dict[str, str] = {}
    when = _when(data, "hearing_at", errors)
    place = _text(data, "hearing_place", errors, label="The place", max_len=300)
    if when is not None and when < now - dt.timedelta(hours=1):
        errors["hearing_at"] = _("The hearing cannot be in the past.")
    _raise(errors)
    case.hearing_at = when
    case.hearing_place = place
    return Effect({"hearing_at": when, "hearing_place": place,
                   "notified": [r.public_name for r in case.respondents] + ["filer"]})


@handles(Action.DECIDE)
def _decide(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
            now: dt.datetime) -> Effect:
    errors: dict[str, str] = {}
    outcome = _enum(data, "outcome", Outcome, errors)
    reasons = _text(data, "reasons", errors, label="Reasons")
    basis = _text(data, "legal_basis", errors, label="Legal basis")
    remedy = _text(data, "remedy", errors, required=False)
    dissent = _text(data, "dissent", errors, required=False)
    votes_for = _int(data, "votes_for", errors, maximum=1000)
    votes_against = _int(data, "votes_against", errors, maximum=1000)
    votes_abstain = _int(data, "votes_abstain", errors, required=False, maximum=1000) or 0
    if votes_for is not None and votes_against is not None and votes_for <= votes_against:
        errors["votes_for"] = _("A decision needs more votes for than against.")
    sanctions_in = data.get("sanctions") or []
    sanctions: list[Sanction] = []
    if not isinstance(sanctions_in, list):
        errors["sanctions"] = _("Sanctions are a list.")
        sanctions_in = []
    party_ids = {r.id for r in case.respondents}
    for i, s in enumerate(sanctions_in):
        if not isinstance(s, dict):
            errors[f"sanctions-{i}"] = _("Each sanction has a kind and a respondent.")
            continue
        sub: dict[str, str] = {}
        kind = _enum(s, "kind", SanctionKind, sub)
        rid = _int(s, "respondent_id", sub, required=False)
        if rid is not None and rid not in party_ids:
            sub["respondent_id"] = "Sanctions apply to a respondent of this case."
        amount = _int(s, "amount", sub, required=kind == SanctionKind.FINE, minimum=1)
        note = _text(s, "note", sub, required=False)
        for k, v in sub.items():
            errors[f"sanctions-{i}-{k}"] = v
        if not sub:
            sanctions.append(Sanction(kind=kind, respondent_id=rid, amount=amount, note=note))
    if sanctions and outcome == Outcome.REJECTED:
        errors["sanctions"] = _("A rejected complaint imposes no sanction.")
    _raise(errors)
    decision = Decision(complaint=case, outcome=outcome, reasons=reasons, legal_basis=basis, remedy=remedy,
                        votes_for=votes_for, votes_against=votes_against, votes_abstain=votes_abstain,
                        dissent=dissent, decided_at=now, decided_by_id=actor.id if actor else None,
                        sanctions=sanctions)
    session.add(decision)
    case.decided_at = now
    case.appeal_due_at = deadlines.appeal_due(case.election, now)
    return Effect({"outcome": outcome.value, "votes": [votes_for, votes_against, votes_abstain],
                   "sanctions": [{"kind": s.kind.value, "respondent_id": s.respondent_id, "amount": s.amount}
                                 for s in sanctions], "appeal_due_at": case.appeal_due_at})


@handles(Action.PUBLISH)
def _publish(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
             now: dt.datetime) -> Effect:
    decision = case.decision
    errors: dict[str, str] = {}
    text = _text(data, "public_text", errors, required=False)
    _raise(errors)
    decision.public_text = text or decision.reasons
    decision.published_at = now
    case.published_at = now
    return Effect({"decision_id": decision.id})


@handles(Action.FILE_APPEAL)
def _file_appeal(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
                 now: dt.datetime) -> Effect:
    errors: dict[str, str] = {}
    body = _enum(data, "appeal_body", AppealBody, errors)
    appellant = _enum(data, "appellant", Appellant, errors)
    case_number = _text(data, "case_number", errors, required=False, max_len=64)
    filed_at = _when(data, "filed_at", errors, default=now)
    if filed_at is not None and filed_at > now + dt.timedelta(minutes=5):
        errors["filed_at"] = _("The appeal cannot be filed in the future.")
    note = _text(data, "note", errors, required=False)
    if actor is not None and actor.role == Role.MONITOR and appellant not in (None, Appellant.FILER):
        errors["appellant"] = _("You can appeal only as the filer.")
    if appellant == Appellant.FILER and case.filer is not None and case.filer.is_anonymous:
        errors["appellant"] = _("An anonymous filer cannot appeal.")
    _raise(errors)
    session.add(Appeal(complaint=case, appellant=appellant, body=body, case_number=case_number,
                       filed_at=filed_at, note=note, recorded_by_id=actor.id if actor else None))
    late = case.appeal_due_at is not None and filed_at is not None and filed_at > case.appeal_due_at
    return Effect({"appeal_body": body.value, "appellant": appellant.value, "case_number": case_number,
                   "filed_at": filed_at, "late": late})


@handles(Action.RECORD_APPEAL_OUTCOME)
def _appeal_outcome(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
                    now: dt.datetime) -> Effect:
    errors: dict[str, str] = {}
    outcome = _enum(data, "appeal_outcome", AppealOutcome, errors)
    note = _text(data, "note", errors, required=False)
    _raise(errors)
    appeal = case.appeal
    appeal.outcome = outcome
    appeal.outcome_at = now
    appeal.note = note or appeal.note
    return Effect({"appeal_outcome": outcome.value, "appeal_body": appeal.body.value})


@handles(Action.REOPEN)
def _reopen(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
            now: dt.datetime) -> Effect:
    case.decision_due_at = deadlines.decision_due(case.election, now)
    case.appeal_due_at = None
    case.hearing_at = None
    return Effect({"decision_due_at": case.decision_due_at})


@handles(Action.WITHDRAW)
def _withdraw(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
              now: dt.datetime) -> Effect:
    errors: dict[str, str] = {}
    reason = _text(data, "reason", errors, required=False)
    _raise(errors)
    case.withdrawal_reason = reason
    case.withdrawn_at = now
    return Effect({"reason": reason})


@handles(Action.CLOSE)
def _close(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
           now: dt.datetime) -> Effect:
    case.closed_at = now
    return Effect({"reason": data.get("reason") or "final"})


@handles(Action.MARK_OVERDUE)
def _overdue(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
             now: dt.datetime) -> Effect:
    case.overdue_since = now
    case.escalated_to = deadlines.escalation_target(case)
    return Effect({"clock": case.due_clock.value if case.due_clock else None, "due_at": case.due_at,
                   "escalated_to": case.escalated_to})


@handles(Action.CURE_LAPSED)
def _cure_lapsed(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
                 now: dt.datetime) -> Effect:
    due = case.cure_due_at
    election = case.election
    grounds = [InadmissibilityGround.MISSING_ELEMENTS.value]
    case.inadmissible_grounds = grounds
    case.inadmissible_reasons = (
        f"The defects listed in the deficiency notice were not cured by "
        f"{deadlines.local(election, due):%Y-%m-%d %H:%M} ({election.timezone}): " + "; ".join(case.defects or []))
    case.inadmissible_basis = "Constitutional law on elections, art. 44(4)"
    case.how_to_appeal = (f"To the higher commission or the court within {election.appeal_days} days of the "
                          "commission's confirmation.")
    case.inadmissible_confirmed_at = None
    case.inadmissible_confirmed_by_id = None
    return Effect({"grounds": grounds, "defects": case.defects, "cure_due_at": due})


NOTE_KEYS = {Action.ADD_NOTE: "note", Action.CURE: "note", Action.OVERTURN_INADMISSIBILITY: "note",
             Action.REQUEST_EVIDENCE: "note", Action.TRANSFER: "note", Action.WITHDRAW: "reason",
             Action.RECORD_APPEAL_OUTCOME: "note", Action.FILE_APPEAL: "note"}

