"""Dashboard counters rolled up over every combination of day, region and category.

Revision ID: a7d2e4c91b30
Revises: c3f8a9d1e7b2
Create Date: 2026-11-27 20:20:00.000000+00:00
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'a7d2e4c91b30'
down_revision: str | None = 'c3f8a9d1e7b2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ALL_DAYS = dt.date(1900, 1, 1)
ANY = -1
COLUMNS = "election_id, metric, day, region_id, category_id, key, n"


def _execute(sql: str) -> None:
    params = [sa.bindparam('all_days', ALL_DAYS, type_=sa.Date()), sa.bindparam('any', ANY, type_=sa.Integer())]
    op.execute(sa.text(sql).bindparams(*(p for p in params if f':{p.key}' in sql)))


def upgrade() -> None:
    # The old election-wide rows: day, region and category counts are now read from the
    # "status" rows of the roll-ups; the all-days row moves from region/category 0 to ANY.
    _execute("DELETE FROM stat_counters WHERE day = :all_days AND metric IN ('day', 'region', 'category')")
    _execute("UPDATE stat_counters SET region_id = :any, category_id = :any "
             "WHERE day = :all_days AND region_id = 0 AND category_id = 0")
    # The six other roll-ups, summed from the detail rows (day, region, category).
    detail = "FROM stat_counters WHERE day > :all_days AND region_id >= 0 AND category_id >= 0"
    for day, region, category in (("day", "region_id", ":any"), ("day", ":any", "category_id"),
                                  ("day", ":any", ":any"), (":all_days", "region_id", "category_id"),
                                  (":all_days", "region_id", ":any"), (":all_days", ":any", "category_id")):
        group = ", ".join(["election_id", "metric", "key"] + [x for x in (day, region, category)
                                                              if not x.startswith(":")])
        _execute(f"INSERT INTO stat_counters ({COLUMNS}) "
                 f"SELECT election_id, metric, {day}, {region}, {category}, key, SUM(n) {detail} "
                 f"GROUP BY {group} HAVING SUM(n) <> 0")
    with op.batch_alter_table('stat_counters', schema=None) as batch_op:
        batch_op.drop_index('ix_stat_counters_category')
        batch_op.drop_index('ix_stat_counters_region')
        batch_op.create_index('ix_stat_counters_cut', ['election_id', 'metric', 'region_id', 'category_id', 'day'],
                              unique=False, postgresql_include=['key', 'n'])


def downgrade() -> None:
    with op.batch_alter_table('stat_counters', schema=None) as batch_op:
        batch_op.drop_index('ix_stat_counters_cut')
        batch_op.create_index('ix_stat_counters_region', ['election_id', 'region_id', 'day'], unique=False,
                              postgresql_include=['metric', 'key', 'n'])
        batch_op.create_index('ix_stat_counters_category', ['election_id', 'category_id', 'day'], unique=False,
                              postgresql_include=['metric', 'key', 'n'])
    # Back to detail rows plus one election-wide row per key (and its day/region/category counts).
    _execute("DELETE FROM stat_counters WHERE day > :all_days AND (region_id = :any OR category_id = :any)")
    _execute("DELETE FROM stat_counters WHERE day = :all_days AND NOT (region_id = :any AND category_id = :any)")
    _execute("UPDATE stat_counters SET region_id = 0, category_id = 0 WHERE day = :all_days")
    for metric, expr in (("region", "region_id"), ("category", "category_id")):
        _execute(f"INSERT INTO stat_counters ({COLUMNS}) SELECT election_id, '{metric}', :all_days, 0, 0, "
                 f"CAST({expr} AS VARCHAR(64)), SUM(n) FROM stat_counters "
                 f"WHERE day > :all_days AND metric = 'status' GROUP BY election_id, {expr}")
    _execute(f"INSERT INTO stat_counters ({COLUMNS}) SELECT election_id, 'day', :all_days, 0, 0, "
             f"CAST(day AS VARCHAR(64)), SUM(n) FROM stat_counters "
             f"WHERE day > :all_days AND metric = 'status' GROUP BY election_id, day")
