"""Elections with their deadline settings and allegation taxonomy; the location hierarchy."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from complaints.db import Base, UTCDateTime
from complaints.enums import ElectionKind, RegionKind, TransferBody
from complaints.models.base import enum_type, pk


class Named:
    """A record named in the three UI languages: `name` is the English (and fallback)
    name, `name_ru` and `name_ky` the same in Russian and Kyrgyz ("" when missing)."""

    def name_in(self, lang: str | None) -> str:
        """The name in `lang` ("ky", "ru", "en"), falling back to the English name."""
        localized = getattr(self, f"name_{lang}", None) if lang in ("ru", "ky") else None
        return str(localized or getattr(self, "name"))  # noqa: B009 (declared by each model)


#: The commission's zone where no election is at hand (DOMAIN.md section 4); each
#: election carries its own in `timezone`.
DEFAULT_TIMEZONE = "Asia/Bishkek"


def election_zone(election: Election | None) -> ZoneInfo:
    """The zone an election's days and times are read in (the default without one)."""
    return ZoneInfo(election.timezone if election is not None and election.timezone else DEFAULT_TIMEZONE)


class Election(Named, Base):
    __tablename__ = "elections"
    __table_args__ = (
        CheckConstraint("filing_days > 0 AND cure_days > 0 AND reply_days > 0 AND decision_days > 0 "
                        "AND election_day_decision_hours > 0 AND appeal_days > 0", name="positive_clocks"),
    )

    id: Mapped[int] = pk()
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_ru: Mapped[str] = mapped_column(String(200), default="")
    name_ky: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[ElectionKind] = mapped_column(enum_type(ElectionKind, "kind"))
    election_day: Mapped[dt.date] = mapped_column(Date)
    timezone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TIMEZONE)
    #: Open for filing: monitors and the intake desk may file new complaints in it.
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Deadline settings (DOMAIN.md section 4), calendar days unless named hours.
    filing_days: Mapped[int] = mapped_column(Integer, default=3)
    cure_days: Mapped[int] = mapped_column(Integer, default=1)
    reply_days: Mapped[int] = mapped_column(Integer, default=2)
    decision_days: Mapped[int] = mapped_column(Integer, default=3)
    election_day_decision_hours: Mapped[int] = mapped_column(Integer, default=24)
    appeal_days: Mapped[int] = mapped_column(Integer, default=3)
    #: Last registration sequence number handed out; bumped under a row lock.
    case_seq: Mapped[int] = mapped_column(Integer, default=0)

    categories: Mapped[list[Category]] = relationship(back_populates="election",
                                                      order_by="Category.position")

    @property
    def zone(self) -> ZoneInfo:
        return election_zone(self)

    def __repr__(self) -> str:
        return f"<Election {self.code}>"


class Category(Named, Base):
    """One entry of an election's allegation taxonomy. Never deleted once a case cites
    it: a retired category stays on old cases and leaves the filing forms."""

    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("election_id", "code"),)

    id: Mapped[int] = pk()
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id"), index=True)
    code: Mapped[str] = mapped_column(String(48))
    #: The English name; `name_ru` and `name_ky` are the same category in Russian and Kyrgyz.
    name: Mapped[str] = mapped_column(String(200))
    name_ru: Mapped[str] = mapped_column(String(200), default="")
    name_ky: Mapped[str] = mapped_column(String(200), default="")
    #: The provision of the election law the category rests on.
    legal_basis: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    #: e.g. incitement to hatred is referred on to law enforcement.
    refer_to_law_enforcement: Mapped[bool] = mapped_column(Boolean, default=False)

    election: Mapped[Election] = relationship(back_populates="categories")


class TransferTarget(Named, Base):
    """A body a case can be transferred to (a named commission, court, police unit).
    `kind` is the broad class; `code` is what a case stores. Retired, never deleted."""

    __tablename__ = "transfer_bodies"

    id: Mapped[int] = pk()
    code: Mapped[str] = mapped_column(String(48), unique=True)
    kind: Mapped[TransferBody] = mapped_column(enum_type(TransferBody, "kind"))
    name: Mapped[str] = mapped_column(String(200))
    name_ru: Mapped[str] = mapped_column(String(200), default="")
    name_ky: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<TransferTarget {self.code}>"


class Region(Base):
    """An oblast or a city of republican significance."""

    __tablename__ = "regions"

    id: Mapped[int] = pk()
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[RegionKind] = mapped_column(enum_type(RegionKind, "kind"))

    districts: Mapped[list[District]] = relationship(back_populates="region", order_by="District.name")


class District(Base):
    __tablename__ = "districts"
    __table_args__ = (UniqueConstraint("region_id", "name"),)

    id: Mapped[int] = pk()
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))

    region: Mapped[Region] = relationship(back_populates="districts")
    precincts: Mapped[list[Precinct]] = relationship(back_populates="district", order_by="Precinct.number")


class Precinct(Base):
    """A precinct election commission and its polling station."""

    __tablename__ = "precincts"
    __table_args__ = (UniqueConstraint("number"),)

    id: Mapped[int] = pk()
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    number: Mapped[str] = mapped_column(String(16))
    address: Mapped[str | None] = mapped_column(String(300))

    district: Mapped[District] = relationship(back_populates="precincts")
