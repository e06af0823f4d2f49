"""Covering indexes for the dashboard counters filtered by region or by category.

Revision ID: c3f8a9d1e7b2
Revises: 5b1d0c7e2a41
Create Date: 2026-11-27 20:09:00.000000+00:00
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = 'c3f8a9d1e7b2'
down_revision: str | None = '5b1d0c7e2a41'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('stat_counters', schema=None) as batch_op:
        batch_op.create_index('ix_stat_counters_region', ['election_id', 'region_id', 'day'], unique=False,
                              postgresql_include=['metric', 'key', 'n'])
        batch_op.create_index('ix_stat_counters_category', ['election_id', 'category_id', 'day'], unique=False,
                              postgresql_include=['metric', 'key', 'n'])


def downgrade() -> None:
    with op.batch_alter_table('stat_counters', schema=None) as batch_op:
        batch_op.drop_index('ix_stat_counters_category')
        batch_op.drop_index('ix_stat_counters_region')
