"""Who may see and act on which case. Every view and API endpoint asks here."""
from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select

from complaints.enums import CASE_STAFF_ROLES, Channel, Role
from complaints.lifecycle import FILER, State
from complaints.models import CaseHistory, Complaint, Filer, Respondent


def owns(user: Any, case: Complaint) -> bool:
    """The monitor filed this case (or it was filed on their account)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if case.created_by_id == user.id:
        return True
    return case.filer is not None and case.filer.user_id == user.id


def can_view(user: Any, case: Complaint) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.role in CASE_STAFF_ROLES or user.role == Role.ADMIN:
        return case.status != State.DRAFT or owns(user, case) or is_sms_intake(user, case)
    return owns(user, case)


def handles_sms_intake(user: Any) -> bool:
    """SMS messages turned into drafts wait for the intake desk: the clerks."""
    return bool(getattr(user, "is_authenticated", False)) and user.role == Role.CLERK


def is_sms_intake(user: Any, case: Complaint) -> bool:
    """`case` is an SMS draft and `user` the intake desk, who sees it and registers it."""
    return case.status == State.DRAFT and case.channel == Channel.SMS and handles_sms_intake(user)


def is_recused(user: Any, case: Complaint) -> bool:
    """Staff affiliated with a party to the case (a respondent, or the side a filer acts
    for). Parties are compared by record and by name key (complaints.names), so a second
    record of the same party, spelled in another script, recuses too."""
    affiliation = getattr(user, "affiliation_id", None)
    if affiliation is None:
        return False
    parties: list[Respondent] = []
    for r in case.respondents:
        parties.append(r)
        if r.party is not None:
            parties.append(r.party)
    if case.filer is not None and case.filer.represents is not None:
        parties.append(case.filer.represents)
        if case.filer.represents.party is not None:
            parties.append(case.filer.represents.party)
    if any(p.id == affiliation for p in parties):
        return True
    own = getattr(user, "affiliation", None)
    key = own.name_key if own is not None else ""
    return bool(key) and any(p.name_key == key for p in parties)


def actors(user: Any, case: Complaint) -> frozenset[str]:
    """The lifecycle actors `user` counts as on `case` (empty: may not act)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    if user.role == Role.MONITOR:
        return frozenset({FILER}) if owns(user, case) else frozenset()
    if user.role in CASE_STAFF_ROLES:
        return frozenset({user.role.value})
    return frozenset()


def visible_cases(user: Any) -> Select[Complaint]:
    """A query of the cases `user` may see."""
    query = select(Complaint)
    if user.role == Role.MONITOR:
        own_filers = select(Filer.id).where(Filer.user_id == user.id)
        return query.where(or_(Complaint.created_by_id == user.id, Complaint.filer_id.in_(own_filers)))
    if user.role == Role.CLERK:
        return query.where(or_(Complaint.status != State.DRAFT, Complaint.created_by_id == user.id,
                               Complaint.channel == Channel.SMS))
    return query.where(or_(Complaint.status != State.DRAFT, Complaint.created_by_id == user.id))


#: History rows that record a document issued on the case (its SHA-256): public like a step.
PUBLIC_RECORD_ACTIONS = frozenset({"decision_document", "notice_document"})


def public_history_clause() -> ColumnElement[bool]:
    """The history rows the public may see (only their dates, states and document hashes:
    notes and payloads may name private people): the steps that changed the case's state,
    and the documents issued, never a staff-only row."""
    return and_(CaseHistory.internal.is_(False),
                or_(CaseHistory.from_state.is_distinct_from(CaseHistory.to_state),
                    CaseHistory.action.in_(PUBLIC_RECORD_ACTIONS)))


def can_administer(user: Any) -> bool:
    """Elections, categories, transfer bodies, accounts and tokens: the admin role only."""
    return user is not None and getattr(user, "is_authenticated", False) and user.role == Role.ADMIN


def may_see_evidence(user: Any, case: Complaint, evidence: Any) -> bool:
    """Whether `user` may list and download one item of `case`'s evidence.

    Confidential items (a witness statement the investigator collected, say) are for the
    case's staff only; the filer sees what is not confidential and what they sent
    themselves. Recused staff see only what the filer could."""
    if not can_view(user, case):
        return False
    if not evidence.confidential or evidence.submitted_by_id == user.id:
        return True
    staff = user.role in CASE_STAFF_ROLES or user.role == Role.ADMIN
    return staff and not is_recused(user, case)


def nameable_respondents(user: Any, ids: list[int]) -> Select[int]:
    """Of `ids`, the respondents `user` may name in a new complaint by id: public ones, and
    private persons already named in a case `user` may see. Guessing the id of a private
    person from someone else's complaint names nobody."""
    from complaints.models import ComplaintRespondent

    seen = visible_cases(user).with_only_columns(Complaint.id)
    linked = select(ComplaintRespondent.respondent_id).where(ComplaintRespondent.complaint_id.in_(seen))
    return select(Respondent.id).where(Respondent.id.in_(ids),
                                       or_(Respondent.is_public.is_(True), Respondent.id.in_(linked)))


def history_actor(user: Any, case: Complaint, row: Any) -> str:
    """Who a history row says acted, as `user` may read it: staff read names, except the
    filer's own name on an anonymous complaint; everyone else reads the role."""
    role = row.actor_role.value if hasattr(row.actor_role, "value") else str(row.actor_role or "")
    staff = user.role in CASE_STAFF_ROLES or user.role == Role.ADMIN
    if not staff:
        return role
    filer = case.filer
    if filer is not None and filer.is_anonymous and row.actor_id is not None \
            and row.actor_id in {case.created_by_id, filer.user_id}:
        return "anonymous filer"
    return str(row.actor_name or role)
