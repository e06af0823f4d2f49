"""The admissibility check of a received complaint: the checklist, the suggested duplicates,
the staff who may be assigned and the bodies it may be transferred to."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy import case as sql_case
from sqlalchemy.orm import Session

from complaints import access, labels, lifecycle
from complaints.enums import CASE_STAFF_ROLES, LinkKind, ReceivingBody, Role
from complaints.lifecycle import State
from complaints.models import CaseLink, Complaint, ComplaintRespondent, Respondent, TransferTarget, User
from complaints.services import search
from complaints.services.cases import completeness_errors
from complaints.services.filing import standing_errors

#: What the queue shows unless a status is chosen: cases somebody still has to act on.
ACTIVE_STATES = frozenset(lifecycle.OPEN_STATES | lifecycle.DECIDED_STATES | {State.INADMISSIBLE})
#: Every state but draft (as a list of values, so an index on status serves it).
RECEIVED_STATES = frozenset(s for s in State if s != State.DRAFT)
PAGE_SIZE = 50
#: A search in the queue ranks the newest this many matching cases (with its filters):
#: a word found in most cases costs no more than this.
SEARCH_WINDOW = 1000
#: Counts per filter stop here: an exact count of a million rows costs a full scan.
COUNT_CAP = 1000
#: Suggested duplicates: filed within this many days of each other.
DUPLICATE_WINDOW = dt.timedelta(days=3)
#: Suggested duplicates: each signal reads at most this many cases of the window.
DUPLICATE_CANDIDATES = 200
#: Suggested duplicates: the score a case needs (a shared respondent 2, the same
#: precinct 3, region 0.5, category 1, shared words up to 2).
DUPLICATE_THRESHOLD = 3.0



# --------------------------------------------------------------------------- admissibility

@dataclass
class CheckItem:
    key: str
    label: str
    #: True: fine; False: a ground to refuse or to ask for more; None: for the clerk to judge.
    ok: bool | None
    detail: str = ""
    #: The inadmissibility ground this item supports when it fails.
    ground: str | None = None


def admissibility_checklist(session: Session, case: Complaint) -> list[CheckItem]:
    """The five questions of intake (on time, standing, competence, required elements,
    not a duplicate), answered from what the case already records."""
    items: list[CheckItem] = []
    if case.late:
        due = case.filing_due_at.strftime("%Y-%m-%d %H:%M UTC") if case.filing_due_at else ""
        items.append(CheckItem("on_time", _("On time"), False,
                               _("Received after the filing deadline (%(due)s).", due=due) + " "
                               + (_("Reason given for the delay: %(reason)s", reason=case.late_reason)
                                  if case.late_reason else _("No reason given for the delay.")), "late"))
    else:
        items.append(CheckItem("on_time", _("On time"), True, _("Received within the filing period.")))

    filer = case.filer
    lacking = standing_errors(filer.kind, filer.name, filer.accreditation_number, complaint_kind=case.kind) \
        if filer is not None else {"kind": _("No filer is recorded.")}
    if lacking:
        items.append(CheckItem("standing", _("Standing"), False, " ".join(lacking.values()), "no_standing"))
    else:
        assert filer is not None
        items.append(CheckItem("standing", _("Standing"), True, _("Filer: %(kind)s.", kind=labels.label(filer.kind))))

    locale = str(get_locale() or "en")
    referred = [a.category.name_in(locale) for a in case.allegations if a.category.refer_to_law_enforcement]
    if referred:
        items.append(CheckItem("competence", _("Competence of this body"), False,
                               _("For law enforcement: %(categories)s. Consider a transfer.",
                                 categories="; ".join(referred)), "not_competent"))
    elif case.receiving_body != ReceivingBody.CEC:
        body = labels.label(case.receiving_body) + (f" ({case.receiving_body_name})" if case.receiving_body_name
                                                    else "")
        items.append(CheckItem("competence", _("Competence of this body"), None,
                               _("Addressed to: %(body)s. The CEC may examine it or transfer it down.", body=body),
                               "not_competent"))
    else:
        items.append(CheckItem("competence", _("Competence of this body"), True, _("Addressed to the CEC.")))

    missing = completeness_errors(case)
    items.append(CheckItem("elements", _("Required elements"), not missing,
                           " ".join(missing.values()) if missing else _("Filer, respondent, allegation, "
                                                                       "summary, dates and region are given."),
                           "missing_elements"))

    duplicates = suggested_duplicates(session, case)
    marked = session.scalar(select(CaseLink.id).where(CaseLink.complaint_id == case.id,
                                                      CaseLink.kind == LinkKind.DUPLICATE_OF).limit(1))
    if marked is not None:
        items.append(CheckItem("duplicate", _("Not a duplicate"), False, _("Linked as a duplicate of another case."),
                               "duplicate"))
    elif duplicates:
        items.append(CheckItem("duplicate", _("Not a duplicate"), None,
                               _("Possible duplicates: %(numbers)s.",
                                 numbers=", ".join(c.registration_number or "" for c in duplicates)), "duplicate"))
    else:
        items.append(CheckItem("duplicate", _("Not a duplicate"), True, _("No similar case found.")))
    return items


def suggested_duplicates(session: Session, case: Complaint, limit: int = 8) -> list[Complaint]:
    """Cases that may be the same complaint, best first: received within a few days of
    it in the same election, not yet linked to it, and scored on what they share: a
    respondent (by name key, so one spelt in another script counts), the precinct or
    else the region, the category, and the words of the case (the search index). Each
    signal reads a bounded slice of an index (the time window, at most CANDIDATES rows),
    so the cost does not grow with the election."""
    if case.received_at is None:
        return []
    linked = select(CaseLink.other_id).where(CaseLink.complaint_id == case.id).union(
        select(CaseLink.complaint_id).where(CaseLink.other_id == case.id))
    window = (select(Complaint.id)
              .where(Complaint.id != case.id, Complaint.election_id == case.election_id,
                     Complaint.status != State.DRAFT,
                     Complaint.received_at.between(case.received_at - DUPLICATE_WINDOW,
                                                   case.received_at + DUPLICATE_WINDOW),
                     Complaint.id.not_in(linked)))
    score: dict[int, float] = {}

    def add(query: Select[Any], points: float) -> None:
        for cid in session.scalars(query.limit(DUPLICATE_CANDIDATES)):
            score[cid] = score.get(cid, 0.0) + points

    keys = sorted({r.name_key for r in case.respondents if r.name_key})
    if keys:
        same_key = (select(ComplaintRespondent.complaint_id).join(Respondent)
                    .where(Respondent.name_key.in_(keys)))
        add(window.where(Complaint.id.in_(same_key)), 2)
    if case.precinct_id is not None:
        add(window.where(Complaint.precinct_id == case.precinct_id), 3)
    elif case.region_id is not None:
        add(window.where(Complaint.region_id == case.region_id), 0.5)
    if case.primary_category_id is not None:
        add(window.where(Complaint.primary_category_id == case.primary_category_id), 1)
    similar = search.similar_to(session, case)
    if similar is not None:
        ranked = similar.ranked()
        rows = session.execute(window.join(ranked, ranked.c.complaint_id == Complaint.id)
                               .add_columns(ranked.c.rank).order_by(ranked.c.rank.desc())
                               .limit(DUPLICATE_CANDIDATES)).all()
        top = max((float(r) for _cid, r in rows), default=0.0)
        for cid, rank in rows:
            score[cid] = score.get(cid, 0.0) + (2 * float(rank) / top if top > 0 else 0)
    best = sorted((s, -cid) for cid, s in score.items() if s >= DUPLICATE_THRESHOLD)
    ids = [-neg for _s, neg in reversed(best)][:limit]
    found = {c.id: c for c in session.scalars(select(Complaint).where(Complaint.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def assignable_staff(session: Session, case: Complaint) -> tuple[list[User], list[User]]:
    """(who may be assigned, who is recused) among active case staff, investigators first."""
    order = sql_case((User.role == Role.INVESTIGATOR, 0), (User.role == Role.COMMISSIONER, 1), else_=2)
    staff = session.scalars(select(User).where(User.is_active.is_(True),
                                               User.role.in_(sorted(CASE_STAFF_ROLES)))
                            .order_by(order, User.full_name, User.id)).all()
    free = [u for u in staff if not access.is_recused(u, case)]
    recused = [u for u in staff if access.is_recused(u, case)]
    return free, recused


def transfer_targets(session: Session) -> list[TransferTarget]:
    """The bodies a case may be transferred to now (retired ones stay on old cases only)."""
    return list(session.scalars(select(TransferTarget).where(TransferTarget.retired_at.is_(None))
                                .order_by(TransferTarget.position, TransferTarget.id)))
