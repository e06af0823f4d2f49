"""The complaint (a case) and what hangs off it: respondents, allegations, links,
notices to respondents, internal notes, decisions with sanctions, and appeals."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ColumnElement,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
)
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from complaints.db import Base, UTCDateTime, utcnow
from complaints.enums import (
    AppealBody,
    AppealOutcome,
    Appellant,
    Channel,
    Clock,
    ComplaintKind,
    Language,
    LinkKind,
    Outcome,
    ReceivingBody,
    SanctionKind,
)
from complaints.lifecycle import State, is_overdue
from complaints.models.base import created_at_column, enum_type, pk
from complaints.models.election import Category, District, Election, Precinct, Region, TransferTarget
from complaints.models.party import Filer, Respondent
from complaints.models.user import User


class Complaint(Base):
    __tablename__ = "complaints"
    __table_args__ = (
        UniqueConstraint("election_id", "seq"),
        CheckConstraint("(status = 'draft') = (registration_number IS NULL)", name="numbered_unless_draft"),
        CheckConstraint("status = 'draft' OR received_at IS NOT NULL", name="received_unless_draft"),
        CheckConstraint("status <> 'deficient' OR cure_due_at IS NOT NULL", name="deficient_has_cure_due"),
        CheckConstraint("status <> 'inadmissible' OR inadmissible_reasons IS NOT NULL",
                        name="inadmissible_has_reasons"),
        CheckConstraint("status <> 'transferred' OR transferred_to IS NOT NULL", name="transferred_has_body"),
        CheckConstraint("status <> 'hearing_scheduled' OR hearing_at IS NOT NULL", name="hearing_has_date"),
        CheckConstraint("status NOT IN ('decided', 'published') OR decided_at IS NOT NULL",
                        name="decided_has_date"),
        CheckConstraint("status <> 'withdrawn' OR withdrawn_at IS NOT NULL", name="withdrawn_has_date"),
        CheckConstraint("(due_at IS NULL) = (due_clock IS NULL)", name="due_clock_named"),
        CheckConstraint("version > 0", name="version_positive"),
        Index("ix_complaints_queue", "status", "due_at", "id"),
        Index("ix_complaints_election_status", "election_id", "status"),
        Index("ix_complaints_received", "election_id", "received_at"),
        # Dashboard: overdue / due-soon counted from the index alone, with its filters.
        Index("ix_complaints_election_due", "election_id", "due_at", "region_id", "primary_category_id", "received_at"),
        # The work queue's "escalated to me", in due order (keyset on due_at, id).
        Index("ix_complaints_escalated_due", "escalated_to", "due_at", "id"),
    )

    id: Mapped[int] = pk()
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id"))
    #: e.g. KG2017P-000103; given when the complaint is received, never changed.
    registration_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    seq: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[State] = mapped_column(enum_type(State, "status"), default=State.DRAFT, index=True)
    kind: Mapped[ComplaintKind] = mapped_column(enum_type(ComplaintKind, "kind"), default=ComplaintKind.VIOLATION)
    channel: Mapped[Channel] = mapped_column(enum_type(Channel, "channel"), default=Channel.WEB)
    receiving_body: Mapped[ReceivingBody] = mapped_column(enum_type(ReceivingBody, "receiving_body"),
                                                          default=ReceivingBody.CEC)
    receiving_body_name: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[Language] = mapped_column(enum_type(Language, "language"), default=Language.RU)

    received_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    incident_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    #: When the filer learned of it: the filing clock starts here.
    awareness_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    #: For an appeal: the date of the act appealed against.
    act_date: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    act_description: Mapped[str | None] = mapped_column(Text)

    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    precinct_id: Mapped[int | None] = mapped_column(ForeignKey("precincts.id"), index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    place_detail: Mapped[str | None] = mapped_column(String(300))

    filer_id: Mapped[int | None] = mapped_column(ForeignKey("filers.id"), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    remedy_sought: Mapped[str | None] = mapped_column(Text)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    late_reason: Mapped[str | None] = mapped_column(Text)
    tracking_code_hash: Mapped[str | None] = mapped_column(String(64))

    #: Denormalised from the first allegation and respondent, for queue and dashboard filters.
    primary_category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    primary_respondent_id: Mapped[int | None] = mapped_column(ForeignKey("respondents.id"), index=True)

    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    # Clocks. `due_at` is the next running deadline of whichever clock `due_clock` names.
    due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), index=True)
    due_clock: Mapped[Clock | None] = mapped_column(enum_type(Clock, "due_clock"))
    filing_due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    decision_due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    cure_due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    reply_due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    appeal_due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    overdue_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), index=True)
    escalated_to: Mapped[str | None] = mapped_column(String(32))

    # What the lifecycle records (DOMAIN.md section 3).
    defects: Mapped[list[Any] | None] = mapped_column(JSON)
    inadmissible_grounds: Mapped[list[Any] | None] = mapped_column(JSON)
    inadmissible_reasons: Mapped[str | None] = mapped_column(Text)
    inadmissible_basis: Mapped[str | None] = mapped_column(Text)
    how_to_appeal: Mapped[str | None] = mapped_column(Text)
    inadmissible_confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    inadmissible_confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The code of the body (a configured TransferTarget) the case was transferred to.
    transferred_to: Mapped[str | None] = mapped_column(ForeignKey("transfer_bodies.code"))
    transfer_note: Mapped[str | None] = mapped_column(Text)
    hearing_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    hearing_place: Mapped[str | None] = mapped_column(String(300))
    conclusion: Mapped[str | None] = mapped_column(Text)
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)

    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = created_at_column()
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    last_actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Synthetic cases (demo and benchmarks) are marked so nobody mistakes them for real ones.
    is_generated: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}

    election: Mapped[Election] = relationship()
    region: Mapped[Region | None] = relationship()
    district: Mapped[District | None] = relationship()
    precinct: Mapped[Precinct | None] = relationship()
    filer: Mapped[Filer | None] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    last_actor: Mapped[User | None] = relationship(foreign_keys=[last_actor_id])
    primary_category: Mapped[Category | None] = relationship()
    transfer_target: Mapped[TransferTarget | None] = relationship()
    primary_respondent: Mapped[Respondent | None] = relationship()
    respondent_links: Mapped[list[ComplaintRespondent]] = relationship(
        back_populates="complaint", order_by="ComplaintRespondent.position", cascade="all, delete-orphan")
    allegations: Mapped[list[Allegation]] = relationship(
        back_populates="complaint", order_by="Allegation.position", cascade="all, delete-orphan")
    decisions: Mapped[list[Decision]] = relationship(back_populates="complaint", order_by="Decision.id")
    appeals: Mapped[list[Appeal]] = relationship(back_populates="complaint", order_by="Appeal.id")
    notices: Mapped[list[RespondentNotice]] = relationship(back_populates="complaint",
                                                           order_by="RespondentNotice.id")
    notes: Mapped[list[CaseNote]] = relationship(back_populates="complaint", order_by="CaseNote.id")

    @property
    def respondents(self) -> list[Respondent]:
        return [link.respondent for link in self.respondent_links]

    @property
    def decision(self) -> Decision | None:
        return self.decisions[-1] if self.decisions else None

    @property
    def appeal(self) -> Appeal | None:
        return self.appeals[-1] if self.appeals else None

    @property
    def label(self) -> str:
        return self.registration_number or f"draft {self.id}"

    @hybrid_method
    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        """Overdue (lifecycle.is_overdue): the running clock's deadline has passed. Also a
        SQL condition: `select(Complaint).where(Complaint.is_overdue(now))`."""
        return is_overdue(self.due_at, now or utcnow())

    @is_overdue.inplace.expression  # type: ignore[attr-defined]
    @classmethod
    def _is_overdue_condition(cls, now: dt.datetime | None = None) -> ColumnElement[bool]:
        return and_(cls.due_at.is_not(None), cls.due_at < (now or utcnow()))

    @hybrid_method
    def is_due_within(self, now: dt.datetime, span: dt.timedelta) -> bool:
        """Not overdue yet, but due before `now + span`."""
        return self.due_at is not None and now <= self.due_at < now + span

    @is_due_within.inplace.expression  # type: ignore[attr-defined]
    @classmethod
    def _is_due_within_condition(cls, now: dt.datetime, span: dt.timedelta) -> ColumnElement[bool]:
        return and_(cls.due_at >= now, cls.due_at < now + span)

    def __repr__(self) -> str:
        return f"<Complaint {self.label} {self.status}>"


class ComplaintRespondent(Base):
    __tablename__ = "complaint_respondents"

    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), primary_key=True)
    respondent_id: Mapped[int] = mapped_column(ForeignKey("respondents.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    complaint: Mapped[Complaint] = relationship(back_populates="respondent_links")
    respondent: Mapped[Respondent] = relationship()


class Allegation(Base):
    __tablename__ = "allegations"

    id: Mapped[int] = pk()
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    legal_provision: Mapped[str | None] = mapped_column(String(200))
    facts: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)

    complaint: Mapped[Complaint] = relationship(back_populates="allegations")
    category: Mapped[Category] = relationship()


class CaseLink(Base):
    """`complaint` is a duplicate of / related to / joined with `other`. Both keep
    their numbers and histories."""

    __tablename__ = "case_links"
    __table_args__ = (
        UniqueConstraint("complaint_id", "other_id", "kind"),
        CheckConstraint("complaint_id <> other_id", name="not_self"),
    )

    id: Mapped[int] = pk()
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    other_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    kind: Mapped[LinkKind] = mapped_column(enum_type(LinkKind, "kind"))
    created_at: Mapped[dt.datetime] = created_at_column()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    complaint: Mapped[Complaint] = relationship(foreign_keys=[complaint_id])
    other: Mapped[Complaint] = relationship(foreign_keys=[other_id])


class RespondentNotice(Base):
    """A respondent served with a copy of the complaint, and their reply."""

    __tablename__ = "respondent_notices"

    id: Mapped[int] = pk()
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    respondent_id: Mapped[int] = mapped_column(ForeignKey("respondents.id"))
    served_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    reply_due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    reply_text: Mapped[str | None] = mapped_column(Text)
    reply_received_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    complaint: Mapped[Complaint] = relationship(back_populates="notices")
    respondent: Mapped[Respondent] = relationship()


class CaseNote(Base):
    """Internal working notes: evidence requests, notes, draft conclusions. Staff only."""

    __tablename__ = "case_notes"

    id: Mapped[int] = pk()
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(32), default="note")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = created_at_column()

    complaint: Mapped[Complaint] = relationship(back_populates="notes")
    author: Mapped[User | None] = relationship()


class Decision(Base):
    """The commission's decision, by vote. A remanded case may get a second one."""

    __tablename__ = "decisions"
    __table_args__ = (
        CheckConstraint("votes_for >= 0 AND votes_against >= 0 AND votes_abstain >= 0", name="votes_non_negative"),
    )

    id: Mapped[int] = pk()
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    outcome: Mapped[Outcome] = mapped_column(enum_type(Outcome, "outcome"), index=True)
    reasons: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str] = mapped_column(Text)
    remedy: Mapped[str | None] = mapped_column(Text)
    votes_for: Mapped[int] = mapped_column(Integer)
    votes_against: Mapped[int] = mapped_column(Integer)
    votes_abstain: Mapped[int] = mapped_column(Integer, default=0)
    dissent: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The redacted text the clerk reviewed for the public register.
    public_text: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    complaint: Mapped[Complaint] = relationship(back_populates="decisions")
    decided_by: Mapped[User | None] = relationship()
    sanctions: Mapped[list[Sanction]] = relationship(back_populates="decision", order_by="Sanction.id",
                                                     cascade="all, delete-orphan")


class Sanction(Base):
    __tablename__ = "sanctions"

    id: Mapped[int] = pk()
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    kind: Mapped[SanctionKind] = mapped_column(enum_type(SanctionKind, "kind"))
    respondent_id: Mapped[int | None] = mapped_column(ForeignKey("respondents.id"), index=True)
    amount: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)

    decision: Mapped[Decision] = relationship(back_populates="sanctions")
    respondent: Mapped[Respondent | None] = relationship()


class Appeal(Base):
    __tablename__ = "appeals"
    __table_args__ = (
        CheckConstraint("(outcome IS NULL) = (outcome_at IS NULL)", name="outcome_dated"),
    )

    id: Mapped[int] = pk()
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    appellant: Mapped[Appellant] = mapped_column(enum_type(Appellant, "appellant"))
    body: Mapped[AppealBody] = mapped_column(enum_type(AppealBody, "body"))
    case_number: Mapped[str | None] = mapped_column(String(64))
    filed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    outcome: Mapped[AppealOutcome | None] = mapped_column(enum_type(AppealOutcome, "outcome"))
    outcome_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    complaint: Mapped[Complaint] = relationship(back_populates="appeals")
