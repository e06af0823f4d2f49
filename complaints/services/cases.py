"""Filing a complaint and applying lifecycle actions to it.

`apply_action` is the only way a case changes state: it checks the lifecycle table
and the actor, validates the data the action requires, sets the fields, refreshes
the clocks, bumps the version (optimistic lock) and appends the history row, all in
the caller's transaction."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from complaints import access, lifecycle
from complaints.db import utcnow
from complaints.enums import (
    AppealBody,
    AppealOutcome,
    Appellant,
    Channel,
    ComplaintKind,
    FilerKind,
    InadmissibilityGround,
    Language,
    LinkKind,
    Outcome,
    ReceivingBody,
    Role,
    SanctionKind,
    TransferBody,
)
from complaints.lifecycle import SYSTEM, Action, State
from complaints.models import (
    Allegation,
    Appeal,
    CaseHistory,
    CaseLink,
    CaseNote,
    Category,
    Complaint,
    ComplaintRespondent,
    Decision,
    Election,
    Filer,
    Respondent,
    RespondentNotice,
    Sanction,
    User,
)
from complaints.services import deadlines, history
from complaints.services.errors import ConflictError, NotPermitted, ValidationError

TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_tracking_code() -> str:
    raw = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def hash_tracking_code(code: str) -> str:
    normalised = code.strip().upper().replace(" ", "").replace("-", "")
    return hashlib.sha256(normalised.encode()).hexdigest()


def tracking_code_matches(case: Complaint, code: str) -> bool:
    if not case.tracking_code_hash or not code:
        return False
    return secrets.compare_digest(case.tracking_code_hash, hash_tracking_code(code))


#: Called as fn(session, case, action, from_state, to_state) after every change to a case,
#: in the same transaction (e.g. to keep dashboard aggregates current).
ON_CHANGE: list[Callable[[Session, Complaint, str, str | None, str], None]] = []


def _changed(session: Session, case: Complaint, action: str, from_state: str | None, to_state: str) -> None:
    for listener in ON_CHANGE:
        listener(session, case, action, from_state, to_state)


# --------------------------------------------------------------------------- filing

@dataclass
class AllegationInput:
    category_id: int
    facts: str
    legal_provision: str | None = None


@dataclass
class ComplaintInput:
    """What a filing form or the API hands over. Ids refer to existing records."""

    election_id: int
    kind: ComplaintKind = ComplaintKind.VIOLATION
    summary: str = ""
    remedy_sought: str | None = None
    respondent_ids: list[int] = field(default_factory=list)
    allegations: list[AllegationInput] = field(default_factory=list)
    incident_at: dt.datetime | None = None
    awareness_at: dt.datetime | None = None
    act_date: dt.datetime | None = None
    act_description: str | None = None
    region_id: int | None = None
    district_id: int | None = None
    precinct_id: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    place_detail: str | None = None
    language: Language = Language.RU
    receiving_body: ReceivingBody = ReceivingBody.CEC
    receiving_body_name: str | None = None
    late_reason: str | None = None


CONTENT_FIELDS = ("kind", "summary", "remedy_sought", "incident_at", "awareness_at", "act_date", "act_description",
                  "region_id", "district_id", "precinct_id", "latitude", "longitude", "place_detail", "language",
                  "receiving_body", "receiving_body_name", "late_reason")


def _check_references(session: Session, data: ComplaintInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    election = session.get(Election, data.election_id)
    if election is None:
        errors["election_id"] = "Unknown election."
        return errors
    if data.respondent_ids:
        found = set(session.scalars(select(Respondent.id).where(Respondent.id.in_(data.respondent_ids))))
        missing = [r for r in data.respondent_ids if r not in found]
        if missing:
            errors["respondent_ids"] = f"Unknown respondent: {missing[0]}."
        if len(set(data.respondent_ids)) != len(data.respondent_ids):
            errors["respondent_ids"] = "The same respondent is listed twice."
    for i, a in enumerate(data.allegations):
        cat = session.get(Category, a.category_id)
        if cat is None or cat.election_id != election.id:
            errors[f"allegations-{i}-category_id"] = "Choose a category of this election."
    from complaints.models import District, Precinct, Region
    region = session.get(Region, data.region_id) if data.region_id else None
    if data.region_id and region is None:
        errors["region_id"] = "Unknown region."
    if data.district_id:
        district = session.get(District, data.district_id)
        if district is None or (region is not None and district.region_id != region.id):
            errors["district_id"] = "This district is not in the chosen region."
    if data.precinct_id:
        precinct = session.get(Precinct, data.precinct_id)
        if precinct is None or (data.district_id and precinct.district_id != data.district_id):
            errors["precinct_id"] = "This precinct is not in the chosen district."
    if data.latitude is not None and not -90 <= data.latitude <= 90:
        errors["latitude"] = "Latitude is between -90 and 90."
    if data.longitude is not None and not -180 <= data.longitude <= 180:
        errors["longitude"] = "Longitude is between -180 and 180."
    now = utcnow()
    for name in ("incident_at", "awareness_at", "act_date"):
        value = getattr(data, name)
        if value is not None and value > now + dt.timedelta(minutes=5):
            errors[name] = "This time is in the future."
    if data.incident_at and data.awareness_at and data.awareness_at < data.incident_at:
        errors["awareness_at"] = "You cannot have learned of it before it happened."
    return errors


def completeness_errors(case: Complaint) -> dict[str, str]:
    """What a complaint must have before it can be received."""
    errors: dict[str, str] = {}
    if case.filer is None:
        errors["filer"] = "Say who files the complaint."
    elif case.kind == ComplaintKind.APPEAL and case.filer.kind == FilerKind.ANONYMOUS:
        errors["filer"] = "An anonymous filer cannot appeal; give the filer's name."
    if not case.respondent_links:
        errors["respondent_ids"] = "Name at least one respondent."
    if not case.allegations:
        errors["allegations"] = "Add at least one allegation."
    if not (case.summary or "").strip():
        errors["summary"] = "Summarise the complaint."
    if case.kind == ComplaintKind.APPEAL:
        if case.act_date is None:
            errors["act_date"] = "Give the date of the act appealed against."
    elif case.awareness_at is None:
        errors["awareness_at"] = "Say when you learned of it."
    if case.region_id is None:
        errors["region_id"] = "Choose the region."
    return errors


def _apply_content(session: Session, case: Complaint, data: ComplaintInput) -> dict[str, Any]:
    """Set the complaint's content from `data`; return what changed (for history)."""
    changes: dict[str, Any] = {}
    for name in CONTENT_FIELDS:
        new = getattr(data, name)
        if isinstance(new, str):
            new = new.strip() or None if name != "summary" else new.strip()
        old = getattr(case, name)
        if old != new:
            changes[name] = {"from": history.jsonable(old), "to": history.jsonable(new)}
            setattr(case, name, new)
    old_respondents = [link.respondent_id for link in case.respondent_links]
    if old_respondents != list(data.respondent_ids):
        changes["respondent_ids"] = {"from": old_respondents, "to": list(data.respondent_ids)}
        case.respondent_links.clear()
        session.flush()
        for pos, rid in enumerate(data.respondent_ids):
            case.respondent_links.append(ComplaintRespondent(respondent_id=rid, position=pos))
    old_allegations = [(a.category_id, a.legal_provision, a.facts) for a in case.allegations]
    new_allegations = [(a.category_id, (a.legal_provision or "").strip() or None, a.facts.strip())
                       for a in data.allegations]
    if old_allegations != new_allegations:
        changes["allegations"] = {"from": [list(a) for a in old_allegations],
                                  "to": [list(a) for a in new_allegations]}
        case.allegations.clear()
        session.flush()
        for pos, (cat, provision, facts) in enumerate(new_allegations):
            case.allegations.append(Allegation(category_id=cat, legal_provision=provision, facts=facts,
                                               position=pos))
    case.primary_category_id = new_allegations[0][0] if new_allegations else None
    case.primary_respondent_id = data.respondent_ids[0] if data.respondent_ids else None
    return changes


def create_complaint(session: Session, data: ComplaintInput, *, filer: Filer | None, actor: User | None,
                     channel: Channel = Channel.WEB, generated: bool = False) -> Complaint:
    """A new draft (history: create). Submit it with `apply_action(..., Action.SUBMIT)`."""
    errors = _check_references(session, data)
    if errors:
        raise ValidationError("Some fields need attention.", errors)
    case = Complaint(election_id=data.election_id, status=State.DRAFT, channel=channel, filer=filer,
                     created_by_id=actor.id if actor else None, is_generated=generated, summary="")
    session.add(case)
    _apply_content(session, case, data)
    session.flush()
    history.append(session, case, actor=actor, action=Action.CREATE.value, from_state=None,
                   to_state=State.DRAFT.value, payload={"channel": channel.value})
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
    errors = _check_references(session, data)
    if errors:
        raise ValidationError("Some fields need attention.", errors)
    result = apply_action(session, case, Action.EDIT, actor, {"content": data, "filer": filer},
                          expected_version=expected_version)
    return result.payload


# --------------------------------------------------------------------------- actions

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
            errors[key] = f"{label or key.replace('_', ' ').capitalize()} is required."
        return None
    if not isinstance(value, str):
        errors[key] = "Must be text."
        return None
    value = value.strip()
    if len(value) > max_len:
        errors[key] = f"At most {max_len} characters."
    return value


def _int(data: dict[str, Any], key: str, errors: dict[str, str], required: bool = True,
         minimum: int | None = 0, maximum: int | None = 1_000_000_000) -> int | None:
    value = data.get(key)
    if value is None or value == "":
        if required:
            errors[key] = f"{key.replace('_', ' ').capitalize()} is required."
        return None
    if isinstance(value, bool):
        errors[key] = "Must be a whole number."
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors[key] = "Must be a whole number."
        return None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        errors[key] = f"Must be between {minimum} and {maximum}."
        return None
    return number


def _enum(data: dict[str, Any], key: str, enum_cls: Any, errors: dict[str, str], required: bool = True) -> Any:
    value = data.get(key)
    if value is None or value == "":
        if required:
            errors[key] = f"Choose one of: {', '.join(e.value for e in enum_cls)}."
        return None
    try:
        return enum_cls(value)
    except ValueError:
        errors[key] = f"Choose one of: {', '.join(e.value for e in enum_cls)}."
        return None


def _when(data: dict[str, Any], key: str, errors: dict[str, str], required: bool = True,
          default: dt.datetime | None = None) -> dt.datetime | None:
    value = data.get(key)
    if value is None or value == "":
        if required and default is None:
            errors[key] = f"{key.replace('_', ' ').capitalize()} is required."
        return default
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            errors[key] = "Not a valid date and time."
            return None
    if not isinstance(value, dt.datetime):
        errors[key] = "Not a valid date and time."
        return None
    if value.tzinfo is None:
        errors[key] = "Give the time zone (e.g. +06:00)."
        return None
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        errors[key] = "Not a valid date and time."
        return None


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError("Some fields need attention.", errors)


def _respondent_of(case: Complaint, data: dict[str, Any], errors: dict[str, str]) -> Respondent | None:
    rid = _int(data, "respondent_id", errors)
    if rid is None:
        return None
    for r in case.respondents:
        if r.id == rid:
            return r
    errors["respondent_id"] = "This respondent is not a party to the case."
    return None


def _assignee(session: Session, case: Complaint, data: dict[str, Any], errors: dict[str, str],
              required: bool = True) -> User | None:
    uid = _int(data, "assignee_id", errors, required=required)
    if uid is None:
        return None
    user = session.get(User, uid)
    if user is None or not user.is_active or user.role not in (Role.INVESTIGATOR, Role.COMMISSIONER, Role.CLERK):
        errors["assignee_id"] = "Choose an active member of staff."
        return None
    if access.is_recused(user, case):
        errors["assignee_id"] = (f"{user.display_name} is affiliated with a party to this case and is recused "
                                 "from it.")
        return None
    return user


Handler = Callable[[Session, Complaint, dict[str, Any], "User | None", dt.datetime], dict[str, Any]]
HANDLERS: dict[Action, Handler] = {}


def handles(action: Action) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[action] = fn
        return fn
    return register


@handles(Action.EDIT)
def _edit(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
          now: dt.datetime) -> dict[str, Any]:
    content = data.get("content")
    if not isinstance(content, ComplaintInput):
        raise ValidationError("Nothing to change.")
    changes = _apply_content(session, case, content)
    filer = data.get("filer")
    if isinstance(filer, Filer) and filer is not case.filer:
        changes["filer_id"] = {"from": case.filer_id, "to": filer.id}
        case.filer = filer
    return {"changes": changes}


@handles(Action.SUBMIT)
def _submit(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
            now: dt.datetime) -> dict[str, Any]:
    errors: dict[str, str] = {}
    received_at = _when(data, "received_at", errors, required=False, default=now)
    if received_at is not None and received_at > now + dt.timedelta(minutes=5):
        errors["received_at"] = "The time received cannot be in the future."
    _raise(errors)
    session.flush()
    session.refresh(case)
    missing = completeness_errors(case)
    if missing:
        raise ValidationError("The complaint is not complete yet.", missing)
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
    data["_tracking_code"] = code
    return {"registration_number": case.registration_number, "received_at": received_at,
            "late": case.late, "filing_due_at": case.filing_due_at, "decision_due_at": case.decision_due_at,
            "channel": case.channel.value}


@handles(Action.MARK_DEFICIENT)
def _deficient(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
               now: dt.datetime) -> dict[str, Any]:
    defects = data.get("defects")
    if isinstance(defects, str):
        defects = [line.strip() for line in defects.splitlines() if line.strip()]
    if not isinstance(defects, list) or not defects or not all(isinstance(d, str) and d.strip() for d in defects):
        raise ValidationError("List the defects.", {"defects": "List at least one defect, one per line."})
    case.defects = [d.strip() for d in defects]
    case.cure_due_at = deadlines.cure_due(case.election, now)
    return {"defects": case.defects, "cure_due_at": case.cure_due_at}


@handles(Action.CURE)
def _cure(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
          now: dt.datetime) -> dict[str, Any]:
    errors: dict[str, str] = {}
    _text(data, "note", errors, label="What you corrected")
    _raise(errors)
    missing = completeness_errors(case)
    if missing:
        raise ValidationError("The complaint is still not complete.", missing)
    cured = case.defects or []
    late = case.cure_due_at is not None and now > case.cure_due_at
    case.cure_due_at = None
    return {"cured_defects": cured, "late": late}


@handles(Action.DECLARE_INADMISSIBLE)
def _inadmissible(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
                  now: dt.datetime) -> dict[str, Any]:
    errors: dict[str, str] = {}
    grounds = data.get("grounds") or []
    if isinstance(grounds, str):
        grounds = [grounds]
    try:
        grounds = [InadmissibilityGround(g).value for g in grounds]
    except (ValueError, TypeError):
        errors["grounds"] = f"Grounds are among: {', '.join(g.value for g in InadmissibilityGround)}."
    if not grounds and "grounds" not in errors:
        errors["grounds"] = "Give at least one ground."
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
    return {"grounds": grounds, "reasons": reasons, "legal_basis": basis}


@handles(Action.CONFIRM_INADMISSIBILITY)
def _confirm(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
             now: dt.datetime) -> dict[str, Any]:
    if case.inadmissible_confirmed_at is not None:
        raise lifecycle.TransitionError("The inadmissibility is already confirmed.")
    case.inadmissible_confirmed_at = now
    case.inadmissible_confirmed_by_id = actor.id if actor else None
    case.appeal_due_at = deadlines.appeal_due(case.election, now)
    return {"appeal_due_at": case.appeal_due_at}


@handles(Action.OVERTURN_INADMISSIBILITY)
def _overturn(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
              now: dt.datetime) -> dict[str, Any]:
    errors: dict[str, str] = {}
    _text(data, "note", errors, label="Reasons")
    _raise(errors)
    if case.inadmissible_confirmed_at is not None:
        raise lifecycle.TransitionError("A confirmed inadmissibility can only be changed on appeal.")
    return {}


@handles(Action.TRANSFER)
def _transfer(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
              now: dt.datetime) -> dict[str, Any]:
    errors: dict[str, str] = {}
    body = _enum(data, "transfer_to", TransferBody, errors)
    note = _text(data, "note", errors, required=False)
    _raise(errors)
    case.transferred_to = body
    case.transfer_note = note
    return {"transfer_to": body.value}


@handles(Action.ACCEPT)
def _accept(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
            now: dt.datetime) -> dict[str, Any]:
    errors: dict[str, str] = {}
    user = _assignee(session, case, data, errors, required=False)
    _raise(errors)
    case.defects = None
    if user is not None:
        case.assignee = user
        return {"assignee_id": user.id, "assignee": user.display_name}
    return {}


@handles(Action.ASSIGN)
def _assign(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
            now: dt.datetime) -> dict[str, Any]:
    errors: dict[str, str] = {}
    user = _assignee(session, case, data, errors)
    _raise(errors)
    assert user is not None
    previous = case.assignee.display_name if case.assignee else None
    case.assignee = user
    return {"assignee_id": user.id, "assignee": user.display_name, "previous": previous}


@handles(Action.NOTIFY_RESPONDENT)
def _notify(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
            now: dt.datetime) -> dict[str, Any]:
    errors: dict[str, str] = {}
    respondent = _respondent_of(case, data, errors)
    served_at = _when(data, "served_at", errors, default=now)
    if served_at is not None and served_at > now + dt.timedelta(minutes=5):
        errors["served_at"] = "The time served cannot be in the future."
    _raise(errors)
    assert respondent is not None and served_at is not None
    due = deadlines.reply_due(case.election, served_at)
    session.add(RespondentNotice(complaint=case, respondent=respondent, served_at=served_at, reply_due_at=due,
                                 created_by_id=actor.id if actor else None))
    case.reply_due_at = due
    return {"respondent_id": respondent.id, "respondent": respondent.public_name, "served_at": served_at,
            "reply_due_at": due}


@handles(Action.RECORD_REPLY)
def _reply(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
           now: dt.datetime) -> dict[str, Any]:
    errors: dict[str, str] = {}
    respondent = _respondent_of(case, data, errors)
    reply = _text(data, "reply", errors, label="The reply")
    received = _when(data, "received_at", errors, required=False, default=now)
    if received is not None and received > now + dt.timedelta(minutes=5):
        errors["received_at"] = "The reply cannot be received in the future."
    _raise(errors)
    assert respondent is not None
    notice = next((n for n in reversed(case.notices) if n.respondent_id == respondent.id
                   and n.reply_received_at is None), None)
    if notice is None:
        raise ValidationError("Notify the respondent before recording a reply.",
                              {"respondent_id": "This respondent has not been served a notice."})
    notice.reply_text = reply
    notice.reply_received_at = received
    open_dues = [n.reply_due_at for n in case.notices if n.reply_received_at is None]
    case.reply_due_at = min(open_dues) if open_dues else None
    return {"respondent_id": respondent.id, "respondent": respondent.public_name,
            "late": received is not None and received > notice.reply_due_at}


@handles(Action.REQUEST_EVIDENCE)
def _request_evidence(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
                      now: dt.datetime) -> dict[str, Any]:
    errors: dict[str, str] = {}
    note = _text(data, "note", errors, label="The request")
    _raise(errors)
    session.add(CaseNote(complaint=case, author_id=actor.id if actor else None, kind="evidence_request",
                         body=note or ""))
    return {}


@handles(Action.ADD_EVIDENCE)
def _add_evidence(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
                  now: dt.datetime) -> dict[str, Any]:
    info = data.get("evidence")
    if not isinstance(info, dict):
        raise ValidationError("No evidence given.", {"evidence": "Attach a file or give a link."})
    return {"evidence": info}


@handles(Action.ADD_NOTE)
def _add_note(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
              now: dt.datetime) -> dict[str, Any]:
    errors: dict[str, str] = {}
    note = _text(data, "note", errors, label="The note")
    _raise(errors)
    session.add(CaseNote(complaint=case, author_id=actor.id if actor else None, kind="note", body=note or ""))
    return {}


@handles(Action.DRAFT_CONCLUSION)
def _conclusion(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
                now: dt.datetime) -> dict[str, Any]:
    errors: dict[str, str] = {}
    text = _text(data, "conclusion", errors, label="The conclusion")
    _raise(errors)
    case.conclusion = text
    session.add(CaseNote(complaint=case, author_id=actor.id if actor else None, kind="conclusion", body=text or ""))
    return {"conclusion": text}


@handles(Action.LINK_CASE)
def _link(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
          now: dt.datetime) -> dict[str, Any]:
    errors: dict[str, str] = {}
    kind = _enum(data, "link_kind", LinkKind, errors)
    other = data.get("other_case")
    if isinstance(other, str):
        number = other.strip().upper()
        other = session.scalar(select(Complaint).where(Complaint.registration_number == number))
        if other is None:
            errors["other_case"] = f"No case numbered {number}."
    elif not isinstance(other, Complaint):
        errors["other_case"] = "Give the other case's registration number."
    if isinstance(other, Complaint) and other.id == case.id:
        errors["other_case"] = "A case cannot be linked to itself."
    _raise(errors)
    assert isinstance(other, Complaint)
    exists = session.scalar(select(CaseLink).where(CaseLink.complaint_id == case.id,
                                                   CaseLink.other_id == other.id, CaseLink.kind == kind))
    if exists is not None:
        raise ValidationError("These cases are already linked that way.",
                              {"other_case": "Already linked."})
    session.add(CaseLink(complaint=case, other=other, kind=kind, created_by_id=actor.id if actor else None))
    # Both histories record the link, the other's after this case's own row (one lock order).
    data["_after"] = lambda: history.append(
        session, other, actor=actor, action="linked", from_state=other.status.value, to_state=other.status.value,
        payload={"link_kind": kind.value, "other": case.registration_number, "direction": "incoming"}, at=now)
    return {"link_kind": kind.value, "other": other.registration_number}


@handles(Action.SCHEDULE_HEARING)
def _hearing(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
             now: dt.datetime) -> dict[str, Any]:
    errors: dict[str, str] = {}
    when = _when(data, "hearing_at", errors)
    place = _text(data, "hearing_place", errors, label="The place", max_len=300)
    if when is not None and when < now - dt.timedelta(hours=1):
        errors["hearing_at"] = "The hearing cannot be in the past."
    _raise(errors)
    case.hearing_at = when
    case.hearing_place = place
    return {"hearing_at": when, "hearing_place": place,
            "notified": [r.public_name for r in case.respondents] + ["filer"]}


@handles(Action.DECIDE)
def _decide(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
            now: dt.datetime) -> dict[str, Any]:
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
        errors["votes_for"] = "A decision needs more votes for than against."
    sanctions_in = data.get("sanctions") or []
    sanctions: list[Sanction] = []
    if not isinstance(sanctions_in, list):
        errors["sanctions"] = "Sanctions are a list."
        sanctions_in = []
    party_ids = {r.id for r in case.respondents}
    for i, s in enumerate(sanctions_in):
        if not isinstance(s, dict):
            errors[f"sanctions-{i}"] = "Each sanction has a kind and a respondent."
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
        errors["sanctions"] = "A rejected complaint imposes no sanction."
    _raise(errors)
    decision = Decision(complaint=case, outcome=outcome, reasons=reasons, legal_basis=basis, remedy=remedy,
                        votes_for=votes_for, votes_against=votes_against, votes_abstain=votes_abstain,
                        dissent=dissent, decided_at=now, decided_by_id=actor.id if actor else None,
                        sanctions=sanctions)
    session.add(decision)
    case.decided_at = now
    case.appeal_due_at = deadlines.appeal_due(case.election, now)
    return {"outcome": outcome.value, "votes": [votes_for, votes_against, votes_abstain],
            "sanctions": [{"kind": s.kind.value, "respondent_id": s.respondent_id, "amount": s.amount}
                          for s in sanctions], "appeal_due_at": case.appeal_due_at}


@handles(Action.PUBLISH)
def _publish(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
             now: dt.datetime) -> dict[str, Any]:
    decision = case.decision
    if decision is None:
        raise lifecycle.TransitionError("There is no decision to publish.")
    errors: dict[str, str] = {}
    text = _text(data, "public_text", errors, required=False)
    _raise(errors)
    decision.public_text = text or decision.reasons
    decision.published_at = now
    case.published_at = now
    return {"decision_id": decision.id}


@handles(Action.FILE_APPEAL)
def _file_appeal(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
                 now: dt.datetime) -> dict[str, Any]:
    errors: dict[str, str] = {}
    body = _enum(data, "appeal_body", AppealBody, errors)
    appellant = _enum(data, "appellant", Appellant, errors)
    case_number = _text(data, "case_number", errors, required=False, max_len=64)
    filed_at = _when(data, "filed_at", errors, default=now)
    if filed_at is not None and filed_at > now + dt.timedelta(minutes=5):
        errors["filed_at"] = "The appeal cannot be filed in the future."
    note = _text(data, "note", errors, required=False)
    if actor is not None and actor.role == Role.MONITOR and appellant not in (None, Appellant.FILER):
        errors["appellant"] = "You can appeal only as the filer."
    if appellant == Appellant.FILER and case.filer is not None and case.filer.is_anonymous:
        errors["appellant"] = "An anonymous filer cannot appeal."
    if case.status == State.INADMISSIBLE and case.inadmissible_confirmed_at is None:
        errors["appeal_body"] = "The inadmissibility is not confirmed yet: there is nothing to appeal."
    _raise(errors)
    session.add(Appeal(complaint=case, appellant=appellant, body=body, case_number=case_number,
                       filed_at=filed_at, note=note, recorded_by_id=actor.id if actor else None))
    late = case.appeal_due_at is not None and filed_at is not None and filed_at > case.appeal_due_at
    return {"appeal_body": body.value, "appellant": appellant.value, "case_number": case_number,
            "filed_at": filed_at, "late": late}


@handles(Action.RECORD_APPEAL_OUTCOME)
def _appeal_outcome(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
                    now: dt.datetime) -> dict[str, Any]:
    errors: dict[str, str] = {}
    outcome = _enum(data, "appeal_outcome", AppealOutcome, errors)
    note = _text(data, "note", errors, required=False)
    _raise(errors)
    appeal = case.appeal
    if appeal is None:
        raise lifecycle.TransitionError("No appeal is recorded on this case.")
    appeal.outcome = outcome
    appeal.outcome_at = now
    appeal.note = note or appeal.note
    return {"appeal_outcome": outcome.value, "appeal_body": appeal.body.value}


@handles(Action.REOPEN)
def _reopen(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
            now: dt.datetime) -> dict[str, Any]:
    appeal = case.appeal
    if appeal is None or appeal.outcome != AppealOutcome.REMANDED:
        raise lifecycle.TransitionError("Only a case remanded on appeal can be reopened.")
    case.decision_due_at = deadlines.decision_due(case.election, now)
    case.appeal_due_at = None
    case.hearing_at = None
    return {"decision_due_at": case.decision_due_at}


@handles(Action.WITHDRAW)
def _withdraw(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
              now: dt.datetime) -> dict[str, Any]:
    errors: dict[str, str] = {}
    reason = _text(data, "reason", errors, required=False)
    _raise(errors)
    case.withdrawal_reason = reason
    case.withdrawn_at = now
    return {"reason": reason}


@handles(Action.CLOSE)
def _close(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
           now: dt.datetime) -> dict[str, Any]:
    status = State(case.status)
    if status in (State.DECIDED, State.PUBLISHED, State.INADMISSIBLE):
        if status == State.INADMISSIBLE and case.inadmissible_confirmed_at is None:
            raise lifecycle.TransitionError("A commissioner must confirm the inadmissibility first.")
        if case.appeal_due_at is not None and now < case.appeal_due_at:
            raise lifecycle.TransitionError(
                f"The appeal window is open until {case.appeal_due_at:%Y-%m-%d %H:%M} UTC; close it after that.")
    if status == State.APPEAL_DECIDED and case.appeal and case.appeal.outcome == AppealOutcome.REMANDED:
        raise lifecycle.TransitionError("The case was remanded: reopen it instead.")
    case.closed_at = now
    return {"reason": data.get("reason") or "final"}


@handles(Action.MARK_OVERDUE)
def _overdue(session: Session, case: Complaint, data: dict[str, Any], actor: User | None,
             now: dt.datetime) -> dict[str, Any]:
    if case.due_at is None or case.due_at >= now:
        raise lifecycle.TransitionError("The case is not overdue.")
    if case.overdue_since is not None:
        raise lifecycle.TransitionError("The case is already marked overdue.")
    case.overdue_since = now
    case.escalated_to = deadlines.escalation_target(case)
    return {"clock": case.due_clock.value if case.due_clock else None, "due_at": case.due_at,
            "escalated_to": case.escalated_to}


INTERNAL_ACTIONS = frozenset({Action.ADD_NOTE, Action.DRAFT_CONCLUSION, Action.ASSIGN, Action.MARK_OVERDUE,
                              Action.REQUEST_EVIDENCE})
NOTE_KEYS = {Action.ADD_NOTE: "note", Action.CURE: "note", Action.OVERTURN_INADMISSIBILITY: "note",
             Action.REQUEST_EVIDENCE: "note", Action.TRANSFER: "note", Action.WITHDRAW: "reason",
             Action.RECORD_APPEAL_OUTCOME: "note", Action.FILE_APPEAL: "note"}


def last_change(session: Session, case: Complaint) -> CaseHistory | None:
    return session.scalar(select(CaseHistory).where(CaseHistory.complaint_id == case.id)
                          .order_by(CaseHistory.seq.desc()).limit(1))


def conflict_for(session: Session, case: Complaint) -> ConflictError:
    session.refresh(case)
    row = last_change(session, case)
    who = row.actor_name if row else "someone"
    when = row.at if row else case.updated_at
    return ConflictError(
        f"This case was changed by {who} at {when:%Y-%m-%d %H:%M} UTC while you were looking at it. "
        f"It is now {case.status.value.replace('_', ' ')}; review it and try again.",
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
    rule = lifecycle.check(case.status, action, who)
    if actor is not None and actor.is_case_staff and access.is_recused(actor, case):
        raise NotPermitted(f"{actor.display_name} is affiliated with a party to this case and is recused from it.")
    action = rule.action
    from_state = State(case.status)
    payload = HANDLERS[action](session, case, data, actor, now)
    case.status = rule.next_state
    if action == Action.SUBMIT or action == Action.REOPEN or from_state != rule.next_state or \
            action in (Action.CONFIRM_INADMISSIBILITY, Action.MARK_DEFICIENT):
        deadlines.refresh_clock(case)
    case.last_actor_id = actor.id if actor else None
    case.updated_at = now
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        raise conflict_for(session, case) from None
    note_key = NOTE_KEYS.get(action)
    note = data.get(note_key) if note_key else None
    role = None
    if actor is not None and lifecycle.FILER in who and actor.role == Role.MONITOR:
        role = "filer"
    row = history.append(session, case, actor=actor, action=action.value, from_state=from_state.value,
                         to_state=case.status.value, note=note if isinstance(note, str) else None,
                         payload=payload, internal=action in INTERNAL_ACTIONS, at=now, actor_role=role)
    after = data.get("_after")
    if callable(after):
        after()
    _changed(session, case, action.value, from_state.value, case.status.value)
    return ActionResult(case=case, history=row, payload=payload, tracking_code=data.get("_tracking_code"))


def record_history_only(session: Session, case: Complaint, *, actor: User | None, action: str,
                        note: str | None = None, payload: dict[str, Any] | None = None,
                        internal: bool = False) -> CaseHistory:
    """A history row for something that reads, not changes, the case (an evidence
    download, a printed notice): chain of custody."""
    return history.append(session, case, actor=actor, action=action, from_state=case.status.value,
                          to_state=case.status.value, note=note, payload=payload, internal=internal)


def resolve_filer_for(session: Session, user: User) -> Filer:
    """The monitor's own filer record, created on first use from the account."""
    filer = session.scalar(select(Filer).where(Filer.user_id == user.id, Filer.kind != FilerKind.ANONYMOUS)
                           .order_by(Filer.id).limit(1))
    if filer is None:
        filer = Filer(kind=FilerKind.OBSERVER if user.role == Role.MONITOR else FilerKind.VOTER,
                      name=user.display_name, email=user.email, user_id=user.id,
                      accreditation_number=f"ACC-{user.id:05d}", consent_to_contact=True)
        session.add(filer)
        session.flush()
    return filer


def sweep(session: Session, now: dt.datetime | None = None, batch: int = 500) -> dict[str, int]:
    """Mark overdue cases and escalate them; close decided cases whose appeal window
    ran out. Safe to run twice: a marked case is not marked again."""
    now = now or utcnow()
    counts = {"overdue": 0, "closed": 0}
    expired_appeals = session.scalars(
        select(Complaint).where(Complaint.due_clock == "appeal", Complaint.due_at < now,
                                Complaint.status.in_([State.DECIDED, State.PUBLISHED, State.INADMISSIBLE]))
        .order_by(Complaint.due_at).limit(batch)).all()
    for case in expired_appeals:
        apply_action(session, case, Action.CLOSE, None, {"reason": "appeal window expired"}, now=now)
        counts["closed"] += 1
    overdue = session.scalars(
        select(Complaint).where(Complaint.due_at < now, Complaint.overdue_since.is_(None),
                                Complaint.status.in_(lifecycle.OPEN_STATES | {State.INADMISSIBLE}))
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


def iter_ids(values: Iterable[Any]) -> list[int]:
    return [int(v) for v in values]


# The dashboard counters follow every change (complaints.services.stats).
from complaints.services import stats as _stats  # noqa: E402

if _stats.on_change not in ON_CHANGE:
    ON_CHANGE.append(_stats.on_change)
