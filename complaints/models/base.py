"""Column helpers shared by the models."""
from __future__ import annotations

import datetime as dt
from enum import Enum as PyEnum

from sqlalchemy import Enum, Integer
from sqlalchemy.orm import Mapped, mapped_column

from complaints.db import UTCDateTime, utcnow


def enum_type(enum_cls: type[PyEnum], name: str) -> Enum:
    """VARCHAR + named CHECK constraint holding the enum's values (not its member names)."""
    return Enum(enum_cls, native_enum=False, create_constraint=True, length=32, name=name,
                values_callable=lambda e: [m.value for m in e], validate_strings=True)


def created_at_column() -> Mapped[dt.datetime]:
    return mapped_column(UTCDateTime(), default=utcnow, nullable=False)


def pk() -> Mapped[int]:
    return mapped_column(Integer, primary_key=True)


__all__ = ["enum_type", "created_at_column", "pk", "UTCDateTime", "utcnow"]
