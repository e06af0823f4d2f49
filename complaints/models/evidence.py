"""Evidence metadata. The file itself lives content-addressed under EVIDENCE_DIR."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from complaints.db import Base, UTCDateTime
from complaints.enums import EvidenceKind
from complaints.models.base import created_at_column, enum_type, pk
from complaints.models.complaint import Complaint
from complaints.models.user import User


class Evidence(Base):
    __tablename__ = "evidence"
    __table_args__ = (
        UniqueConstraint("complaint_id", "sha256"),
        CheckConstraint("(sha256 IS NULL) = (storage_key IS NULL)", name="file_has_hash"),
        CheckConstraint("sha256 IS NOT NULL OR url IS NOT NULL OR kind = 'witness_statement'",
                        name="file_or_url"),
    )

    id: Mapped[int] = pk()
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    kind: Mapped[EvidenceKind] = mapped_column(enum_type(EvidenceKind, "kind"))
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    media_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(BigInteger)
    storage_key: Mapped[str | None] = mapped_column(String(200))
    original_name: Mapped[str | None] = mapped_column(String(255))
    url: Mapped[str | None] = mapped_column(String(2000))
    description: Mapped[str | None] = mapped_column(Text)
    #: From photo metadata: the filer's claim, not a verified fact.
    captured_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    gps_lat: Mapped[float | None] = mapped_column(Float)
    gps_lon: Mapped[float | None] = mapped_column(Float)
    #: A witness statement's author: private, never published.
    witness_name: Mapped[str | None] = mapped_column(String(200))
    confidential: Mapped[bool] = mapped_column(Boolean, default=True)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[dt.datetime] = created_at_column()

    complaint: Mapped[Complaint] = relationship()
    submitted_by: Mapped[User | None] = relationship()
