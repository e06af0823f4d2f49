"""The parties to a case: the respondent registry and filers."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from complaints.db import Base
from complaints.enums import CandidateStatus, FilerKind, RespondentKind
from complaints.models.base import created_at_column, enum_type, pk
from complaints.names import name_key


class Respondent(Base):
    """An accused: a record of its own so that repeat respondents can be counted."""

    __tablename__ = "respondents"
    __table_args__ = (
        CheckConstraint("(kind = 'candidate') = (candidate_status IS NOT NULL)", name="candidate_has_status"),
        Index("ix_respondents_name_lower", "name_folded"),
        Index("ix_respondents_name_key", "name_key"),
    )

    id: Mapped[int] = pk()
    kind: Mapped[RespondentKind] = mapped_column(enum_type(RespondentKind, "kind"))
    name: Mapped[str] = mapped_column(String(200))
    #: Lower-cased name for type-ahead search on every backend.
    name_folded: Mapped[str] = mapped_column(String(200))
    #: The name's matching key (complaints.names): one for every script and spelling.
    name_key: Mapped[str] = mapped_column(String(200), default="")
    #: Other spellings of the name, one per line: chiefly the Latin transliterations of an
    #: official Cyrillic name ("Omurbek Babanov" for "Өмүрбек Бабанов"), for name matching.
    alternate_names: Mapped[str] = mapped_column(Text, default="")
    affiliation: Mapped[str | None] = mapped_column(String(200))
    #: Where notices to this respondent are served by e-mail (none: served on paper).
    email: Mapped[str | None] = mapped_column(String(200))
    #: The party (itself a respondent record) a candidate or official belongs to.
    party_id: Mapped[int | None] = mapped_column(ForeignKey("respondents.id"))
    election_id: Mapped[int | None] = mapped_column(ForeignKey("elections.id"), index=True)
    candidate_status: Mapped[CandidateStatus | None] = mapped_column(enum_type(CandidateStatus, "candidate_status"))
    #: A public figure or body is named in the public register; a private person never.
    is_public: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = created_at_column()

    party: Mapped[Respondent | None] = relationship(remote_side="Respondent.id")

    @property
    def alternates(self) -> list[str]:
        """The other spellings of the name, as a list."""
        return [line.strip() for line in (self.alternate_names or "").splitlines() if line.strip()]

    def __init__(self, **kw: object) -> None:
        super().__init__(**kw)
        if self.name and not self.name_folded:
            self.name_folded = self.name.casefold()
        if self.kind == RespondentKind.PRIVATE_PERSON and "is_public" not in kw:
            self.is_public = False

    @validates("name")
    def _keep_key(self, _key: str, name: str) -> str:
        self.name_key = name_key(name or "")
        return name

    @property
    def public_name(self) -> str:
        return self.name if self.is_public else "private person"


class Filer(Base):
    """Who filed: with standing (art. 44(2)), identity and contacts. Private by default."""

    __tablename__ = "filers"
    __table_args__ = (
        CheckConstraint("kind <> 'observer' OR accreditation_number IS NOT NULL", name="observer_accreditation"),
        CheckConstraint("kind = 'anonymous' OR name IS NOT NULL", name="named_unless_anonymous"),
    )

    id: Mapped[int] = pk()
    kind: Mapped[FilerKind] = mapped_column(enum_type(FilerKind, "kind"))
    name: Mapped[str | None] = mapped_column(String(200))
    identity_number: Mapped[str | None] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(200))
    consent_to_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    accreditation_number: Mapped[str | None] = mapped_column(String(64))
    organisation: Mapped[str | None] = mapped_column(String(200))
    #: The candidate or party the filer acts for (for the equal-treatment statistics).
    represents_id: Mapped[int | None] = mapped_column(ForeignKey("respondents.id"), index=True)
    #: The account that filed, when filed online.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = created_at_column()

    represents: Mapped[Respondent | None] = relationship()

    @property
    def is_anonymous(self) -> bool:
        return self.kind == FilerKind.ANONYMOUS
