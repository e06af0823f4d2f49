"""The append-only, hash-chained history of every case (and the API's idempotency keys)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from complaints.db import Base, UTCDateTime
from complaints.models.base import created_at_column, pk
from complaints.models.user import User


class CaseHistory(Base):
    """One change to one case, or one administrative change (then `subject` names what
    changed, e.g. "user:12", and there is no case). Database triggers refuse UPDATE and DELETE.

    `hash` = SHA-256(prev_hash + canonical JSON of the row's content); `seq` orders
    the single chain that runs through every case's history and the administration's."""

    __tablename__ = "case_history"
    __table_args__ = (
        Index("ix_case_history_complaint_seq", "complaint_id", "seq"),
        CheckConstraint("(complaint_id IS NULL) <> (subject IS NULL)", name="case_or_subject"),
        CheckConstraint("complaint_id IS NULL OR to_state IS NOT NULL", name="case_rows_have_state"),
    )

    id: Mapped[int] = pk()
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"))
    #: For an administrative row: what it changed ("election:3", "user:12", "api_token:5").
    subject: Mapped[str | None] = mapped_column(String(64), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(200))
    actor_role: Mapped[str] = mapped_column(String(32))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    action: Mapped[str] = mapped_column(String(48))
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Staff-only rows (internal notes, assignments) are hidden from filers and the public.
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: Random, secret: salts the commitment to the row's content in its Merkle leaf, so a
    #: published leaf does not let anyone test guesses about the private fields.
    salt: Mapped[str | None] = mapped_column(String(32))

    actor: Mapped[User | None] = relationship()


class HistoryHead(Base):
    """The single row that holds the chain's tip; writers lock it to append."""

    __tablename__ = "history_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class IdempotencyKey(Base):
    """A client's Idempotency-Key for a filing: the same key returns the same case."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = pk()
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"))
    response_status: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = created_at_column()
