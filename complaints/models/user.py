"""Accounts with one role each, and their API tokens."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from complaints.db import Base, UTCDateTime
from complaints.enums import CASE_STAFF_ROLES, STAFF_ROLES, Role
from complaints.models.base import created_at_column, enum_type, pk
from complaints.models.party import Respondent


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = pk()
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"), index=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(200))
    #: E.164 mobile number: an SMS from it is linked to this account.
    phone: Mapped[str | None] = mapped_column(String(32), unique=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Staff affiliated with a candidate or party are recused from cases it is party to.
    affiliation_id: Mapped[int | None] = mapped_column(ForeignKey("respondents.id"))
    #: The interface language the user chose (`en`, `ru`, `ky`); None: the browser's.
    locale: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[dt.datetime] = created_at_column()
    #: Part of every session's user id: raising it (`security.end_sessions`) ends them all.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    affiliation: Mapped[Respondent | None] = relationship()

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}.{self.session_generation}"

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_case_staff(self) -> bool:
        return self.role in CASE_STAFF_ROLES

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class ApiToken(Base):
    """A bearer token: only its SHA-256 is kept; the token itself is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = pk()
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The first characters, so an owner can tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[dt.datetime] = created_at_column()
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
