"""Dashboard aggregates maintained on write: counters, and what each case contributes to them."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from complaints.db import Base
from complaints.models.base import pk

#: The `day` of the election-wide roll-up rows (one row per metric and key, no dimensions).
ALL_DAYS = dt.date(1900, 1, 1)


class StatCounter(Base):
    """How many cases (or sanctions) of one election count towards (metric, key).

    Detail rows carry the case's local received day, region and category (0: none);
    roll-up rows have `day` = ALL_DAYS and region = category = 0, so an unfiltered
    dashboard reads a few hundred rows whatever the number of cases."""

    __tablename__ = "stat_counters"
    __table_args__ = (
        UniqueConstraint("election_id", "day", "region_id", "category_id", "metric", "key",
                         name="uq_stat_counters_cell"),
        # Filtered dashboards: one region's (or category's) days, read from the index alone.
        Index("ix_stat_counters_region", "election_id", "region_id", "day",
              postgresql_include=["metric", "key", "n"]),
        Index("ix_stat_counters_category", "election_id", "category_id", "day",
              postgresql_include=["metric", "key", "n"]),
    )

    id: Mapped[int] = pk()
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id"))
    metric: Mapped[str] = mapped_column(String(24))
    day: Mapped[dt.date] = mapped_column(Date)
    region_id: Mapped[int] = mapped_column(Integer, default=0)
    category_id: Mapped[int] = mapped_column(Integer, default=0)
    key: Mapped[str] = mapped_column(String(64))
    n: Mapped[int] = mapped_column(BigInteger, default=0)


class StatCaseKeys(Base):
    """What one case currently contributes to the counters, so a change can subtract
    exactly what was added before (even when its region or category was edited)."""

    __tablename__ = "stat_case_keys"

    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), primary_key=True)
    election_id: Mapped[int] = mapped_column(Integer)
    day: Mapped[dt.date] = mapped_column(Date)
    region_id: Mapped[int] = mapped_column(Integer, default=0)
    category_id: Mapped[int] = mapped_column(Integer, default=0)
    #: ["metric|key", ...], repeated keys allowed (two sanctions of one kind count twice).
    keys: Mapped[list[Any]] = mapped_column(JSON, default=list)
