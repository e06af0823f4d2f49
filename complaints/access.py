"""The policy: who may see and do what. Every page, API endpoint, template flag and
export asks here; templates receive the answers as booleans and decide nothing.

- who: `is_staff` (any staff role, admin included), `is_case_staff` (those who work on
  cases), `can_administer`;
- which case: `can_view`, `find_visible_case` (pages and API), `visible_cases` (lists);
- what on it: `actors`, `is_recused`, `offered_actions` (what the case page offers and
  the action route accepts), `may_add_evidence`, `may_see_evidence`, `may_print_notice`,
  `may_see_notes`;
- what of it: `history_clause` (the history rows each audience sees: staff, filer,
  public), `visible_links` (linked cases), `may_see_identity` (the filer's and private
  respondents' names)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select, true
from sqlalchemy.orm import Session

from complaints import lifecycle
from complaints.enums import Channel, Role
from complaints.lifecycle import FILER, Action, State
from complaints.models import CaseHistory, Complaint, Filer, Respondent

#: Role names, for the role-gated pages.
ROLES_MONITOR = frozenset({Role.MONITOR.value})
ROLES_CLERK = frozenset({Role.CLERK.value})
ROLES_CASE_STAFF = frozenset({Role.CLERK.value, Role.INVESTIGATOR.value, Role.COMMISSIONER.value})
ROLES_STAFF = ROLES_CASE_STAFF | {Role.ADMIN.value}
ROLES_ADMIN = frozenset({Role.ADMIN.value})

#: The role-gated pages and who may open them: their routes refuse everyone else
#: (`roles_required(*PAGE_ROLES[...])`) and the menu offers them to exactly these roles.
PAGE_ROLES: dict[str, frozenset[str]] = {
    "monitor.new_complaint": ROLES_MONITOR,
    "monitor.mine": ROLES_MONITOR,
    "monitor.intake": ROLES_CLERK,
    "workflow.queue": ROLES_STAFF,
    "dashboard.staff": ROLES_STAFF,
    "dashboard.data": ROLES_STAFF,
    "dashboard.export_cases_csv": ROLES_STAFF,
    "dashboard.export_cases_json": ROLES_STAFF,
    "admin.index": ROLES_ADMIN,
    "bulk.apply": ROLES_CASE_STAFF,
    "registry.merge_page": ROLES_ADMIN,
    "registry.merge": ROLES_ADMIN,
}


def may_open(user: Any, endpoint: str) -> bool:
    """Whether `user` may open a role-gated page (True for a page that is not gated)."""
    roles = PAGE_ROLES.get(endpoint)
    if roles is None:
        return True
    return _signed_in(user) and getattr(user.role, "value", user.role) in roles


def _signed_in(user: Any) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def is_staff(user: Any) -> bool:
    """Any staff account: the case staff and the administrator."""
    return _signed_in(user) and bool(user.is_staff)


def is_case_staff(user: Any) -> bool:
    """Clerks, investigators and commissioners: those who act on cases."""
    return _signed_in(user) and bool(user.is_case_staff)


def owns(user: Any, case: Complaint) -> bool:
    """The monitor filed this case (or it was filed on their account)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if case.created_by_id == user.id:
        return True
    return case.filer is not None and case.filer.user_id == user.id


def can_view(user: Any, case: Complaint) -> bool:
    """Staff see every received case; a monitor only their own (drafts included)."""
    if not _signed_in(user):
        return False
    if is_staff(user):
        return case.status != State.DRAFT or owns(user, case) or is_sms_intake(user, case)
    return owns(user, case)


def handles_sms_intake(user: Any) -> bool:
    """SMS messages turned into drafts wait for the intake desk: the clerks."""
    return _signed_in(user) and user.role == Role.CLERK


def is_sms_intake(user: Any, case: Complaint) -> bool:
    """`case` is an SMS draft and `user` the intake desk, who sees it and registers it."""
    return case.status == State.DRAFT and case.channel == Channel.SMS and handles_sms_intake(user)


def find_visible_case(session: Session, user: Any, registration_number: str) -> Complaint | None:
    """The case with this number if `user` may see it; None otherwise (a monitor is never
    told that somebody else's case exists). The number is read case-insensitively."""
    number = (registration_number or "").strip().upper()
    if not number or len(number) > 32 or "\x00" in number:
        return None
    case = session.scalar(select(Complaint).where(Complaint.registration_number == number))
    return case if case is not None and can_view(user, case) else None


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
    if not _signed_in(user):
        return frozenset()
    if user.role == Role.MONITOR:
        return frozenset({FILER}) if owns(user, case) else frozenset()
    if is_case_staff(user):
        return frozenset({user.role.value})
    return frozenset()


def recused_staff(user: Any, case: Complaint) -> bool:
    """Case staff who may see this case but not act on it (affiliated with a party)."""
    return is_case_staff(user) and is_recused(user, case)


def offered_actions(user: Any, case: Complaint) -> list[lifecycle.Rule]:
    """The lifecycle actions `user` may take on `case` now: what the case page offers and
    the action route accepts. Recused staff take none."""
    if not can_view(user, case) or recused_staff(user, case):
        return []
    return lifecycle.allowed_actions(case.status, actors(user, case), case)


def may_take(user: Any, case: Complaint, action: Action) -> bool:
    return any(rule.action == action for rule in offered_actions(user, case))


def may_add_evidence(user: Any, case: Complaint) -> bool:
    return may_take(user, case, Action.ADD_EVIDENCE)


#: The states in which a respondent's notice is served or can be printed again.
NOTICE_STATES = frozenset({State.UNDER_EXAMINATION, State.HEARING_SCHEDULED, State.REOPENED})


def may_print_notice(user: Any, case: Complaint) -> bool:
    """The notice to a respondent (printing it is a history row): case staff who are not
    recused, while the case is being examined, or later if a notice was served, as long
    as the case is still open."""
    if not is_case_staff(user) or not can_view(user, case) or is_recused(user, case):
        return False
    if case.status in NOTICE_STATES:
        return True
    return bool(case.notices) and case.status in lifecycle.OPEN_STATES


def may_see_notes(user: Any, case: Complaint) -> bool:
    """Internal notes, the conclusion draft, the assignee, staff names in the history."""
    return is_staff(user) and can_view(user, case)


def may_see_identity(user: Any, case: Complaint) -> bool:
    """The filer's name and contacts and private respondents' names: staff, and the filer."""
    return (is_staff(user) and can_view(user, case)) or owns(user, case)


# --------------------------------------------------------------------------- what of a case each audience sees

STAFF, FILER_AUDIENCE, PUBLIC = "staff", "filer", "public"


def audience(user: Any, case: Complaint | None = None) -> str:
    """Whose view of a case `user` gets: staff, the filer (any signed-in non-staff viewer),
    or the public."""
    if is_staff(user):
        return STAFF
    return FILER_AUDIENCE if _signed_in(user) else PUBLIC


def history_clause(who: str) -> ColumnElement[bool]:
    """The history rows `who` (an audience) sees: staff all; the filer every row that is
    not staff-only; the public only the steps and documents (public_history_clause)."""
    if who == STAFF:
        return true()
    if who == FILER_AUDIENCE:
        return CaseHistory.internal.is_(False)
    return public_history_clause()


def visible_links(user: Any, links: list[tuple[str, Complaint]]) -> list[tuple[str, Complaint]]:
    """Of a case's linked cases, those `user` may open."""
    return [(kind, other) for kind, other in links if can_view(user, other)]


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
    return _signed_in(user) and user.role == Role.ADMIN


def may_see_evidence(user: Any, case: Complaint, evidence: Any) -> bool:
    """Whether `user` may list and download one item of `case`'s evidence.

    Confidential items (a witness statement the investigator collected, say) are for the
    case's staff only; the filer sees what is not confidential and what they sent
    themselves. Recused staff see only what the filer could."""
    if not can_view(user, case):
        return False
    if not evidence.confidential or evidence.submitted_by_id == user.id:
        return True
    return is_staff(user) and not is_recused(user, case)


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
    if not is_staff(user):
        return role
    filer = case.filer
    if filer is not None and filer.is_anonymous and row.actor_id is not None \
            and row.actor_id in {case.created_by_id, filer.user_id}:
        return "anonymous filer"
    return str(row.actor_name or role)
