"""Messages to the parties waiting to be sent (e-mail notices, SMS replies), and the
SMS messages received from gateways."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from complaints.db import Base, UTCDateTime, utcnow
from complaints.enums import OutboxChannel, OutboxStatus
from complaints.models.base import created_at_column, enum_type, pk
from complaints.models.complaint import Complaint
from complaints.models.user import User


class OutboxMessage(Base):
    """One message to one recipient, written in the transaction of the step it tells about."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "status", "next_attempt_at"),)

    id: Mapped[int] = pk()
    channel: Mapped[OutboxChannel] = mapped_column(enum_type(OutboxChannel, "channel"))
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"), index=True)
    #: The step it tells about (a lifecycle action, or "registered" for an SMS reply).
    event: Mapped[str] = mapped_column(String(48))
    #: "filer", "respondent" or "sender" (of an SMS).
    recipient_role: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text)
    #: One message per (step, recipient): the same step never queues it twice.
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    #: The Message-ID header, fixed when queued, so every attempt carries the same one.
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[OutboxStatus] = mapped_column(enum_type(OutboxStatus, "status"), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = created_at_column()

    complaint: Mapped[Complaint | None] = relationship()


class SmsInbound(Base):
    """An SMS received from a gateway; `gateway_id` makes a retried delivery a no-op."""

    __tablename__ = "sms_inbound"

    id: Mapped[int] = pk()
    gateway_id: Mapped[str] = mapped_column(String(200), unique=True)
    sender: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    received_at: Mapped[dt.datetime] = created_at_column()
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    #: The monitor whose phone number sent it, if known.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    complaint: Mapped[Complaint] = relationship()
    user: Mapped[User | None] = relationship()
