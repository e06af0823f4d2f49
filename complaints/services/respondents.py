"""The respondent registry's upkeep: merging two records of one person or body.

A merge moves every reference to the record dropped (the cases' respondent lists,
primary respondents, notices, sanctions, filers acting for it, staff affiliated with
it, members of a party) onto the record kept, writes a history row on each case it
touched, brings those cases' search rows and dashboard counters up to date, and deletes
the dropped record; the administrative history records the merge too. All in the
caller's transaction; nothing of a case's history is rewritten."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from complaints.models import (
    Complaint,
    ComplaintRespondent,
    Filer,
    Respondent,
    RespondentNotice,
    Sanction,
    User,
)
from complaints.services import counters, history, search
from complaints.services.cases import record_history_only
from complaints.services.errors import ValidationError

__all__ = ["MergeResult", "merge_respondents"]


@dataclass
class MergeResult:
    kept: Respondent
    dropped_name: str
    cases: list[Complaint]


def merge_respondents(session: Session, keep: Respondent, drop: Respondent, *, actor: User) -> MergeResult:
    """Merge `drop` into `keep`. Raises ValidationError when they are the same record."""
    if keep.id == drop.id:
        raise ValidationError("Choose two different records.", {"drop_id": "The same record was chosen twice."})
    affected_ids = set(session.scalars(select(ComplaintRespondent.complaint_id)
                                       .where(ComplaintRespondent.respondent_id == drop.id)))
    affected_ids |= set(session.scalars(select(Complaint.id).where(Complaint.primary_respondent_id == drop.id)))
    affected_ids |= set(session.scalars(select(RespondentNotice.complaint_id)
                                        .where(RespondentNotice.respondent_id == drop.id)))
    both = set(session.scalars(select(ComplaintRespondent.complaint_id)
                               .where(ComplaintRespondent.respondent_id == keep.id)))
    dropped_name = drop.name
    # A case that lists both keeps one entry, the one kept.
    session.execute(delete(ComplaintRespondent).where(ComplaintRespondent.respondent_id == drop.id,
                                                      ComplaintRespondent.complaint_id.in_(both))
                    .execution_options(synchronize_session="fetch"))
    session.execute(update(ComplaintRespondent).where(ComplaintRespondent.respondent_id == drop.id)
                    .values(respondent_id=keep.id).execution_options(synchronize_session="fetch"))
    for table, column in ((Complaint, Complaint.primary_respondent_id),
                          (RespondentNotice, RespondentNotice.respondent_id), (Sanction, Sanction.respondent_id),
                          (Filer, Filer.represents_id), (User, User.affiliation_id), (Respondent, Respondent.party_id)):
        session.execute(update(table).where(column == drop.id).values({column.key: keep.id})
                        .execution_options(synchronize_session="fetch"))
    session.flush()
    session.expire_all()
    cases = list(session.scalars(select(Complaint).where(Complaint.id.in_(sorted(affected_ids)))
                                 .order_by(Complaint.id)))
    for case in cases:
        record_history_only(session, case, actor=actor, action="respondent_merged", internal=True,
                            payload={"kept_id": keep.id, "kept": keep.name, "dropped_id": drop.id,
                                     "dropped": dropped_name})
        counters.record(session, case)
        search.reindex(session, case)
    history.append_admin(session, actor, "respondents_merged", f"respondent:{keep.id}",
                         payload={"kept_id": keep.id, "kept": keep.name, "dropped_id": drop.id,
                                  "dropped": dropped_name, "cases": [c.registration_number for c in cases]})
    session.delete(drop)
    session.flush()
    return MergeResult(keep, dropped_name, cases)
