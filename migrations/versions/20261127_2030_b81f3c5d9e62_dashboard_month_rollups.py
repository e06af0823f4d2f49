"""Dashboard counters rolled up per month ("metric/m" rows on the first day of the month).

Revision ID: b81f3c5d9e62
Revises: a7d2e4c91b30
Create Date: 2026-11-27 20:30:00.000000+00:00
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'b81f3c5d9e62'
down_revision: str | None = 'a7d2e4c91b30'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ALL_DAYS = dt.date(1900, 1, 1)


def upgrade() -> None:
    # Summed from the day rows (each day row is one (day, region or ANY, category or ANY) cell).
    if op.get_bind().dialect.name == 'postgresql':
        month, suffixed = "CAST(date_trunc('month', day) AS DATE)", "metric || '/m'"
    else:
        month, suffixed = "date(day, 'start of month')", "metric || '/m'"
    op.execute(sa.text(
        "INSERT INTO stat_counters (election_id, metric, day, region_id, category_id, key, n) "
        f"SELECT election_id, {suffixed}, {month}, region_id, category_id, key, SUM(n) FROM stat_counters "
        "WHERE day > :all_days AND metric NOT LIKE '%/m' "
        f"GROUP BY election_id, metric, {month}, region_id, category_id, key HAVING SUM(n) <> 0")
        .bindparams(sa.bindparam('all_days', ALL_DAYS, type_=sa.Date())))


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM stat_counters WHERE metric LIKE '%/m'"))
