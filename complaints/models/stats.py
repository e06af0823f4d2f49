"""Dashboard aggregates maintained on write: counters, and what each case contributes to them."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from complaints.db import Base
from complaints.models.base import pk

#: The `day` of the roll-up rows over every day.
ALL_DAYS = dt.date(1900, 1, 1)
#: The `region_id` / `category_id` of the roll-up rows over every region / category
#: (0 is a case without one).
ANY = -1


class StatCounter(Base):
    """How many cases (or sanctions) of one election count towards (metric, key).

    Each contribution is counted on twelve rows: every combination of (the case's local
    received day, or ALL_DAYS) x (its region, or ANY) x (its category, or ANY), and of
    (its month: metric + "/m", day = the first of the month) x region x category. So any
    combination of filters reads the coarsest rows that answer it exactly: an unfiltered
    dashboard a few hundred rows, a month a few thousand, whatever the number of cases."""

    __tablename__ = "stat_counters"
    __table_args__ = (
        UniqueConstraint("election_id", "day", "region_id", "category_id", "metric", "key",
                         name="uq_stat_counters_cell"),
        # Reads: one (metric, region or ANY, category or ANY) and a range of days, from the index alone.
        Index("ix_stat_counters_cut", "election_id", "metric", "region_id", "category_id", "day",
              postgresql_include=["key", "n"]),
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
