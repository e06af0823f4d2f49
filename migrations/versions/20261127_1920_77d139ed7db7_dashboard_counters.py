"""Dashboard counters maintained on write (stat_counters) and what each case contributes.

A database that already holds cases gets its counters with `flask --app app stats rebuild`.

Revision ID: 77d139ed7db7
Revises: 9f6fd448a8eb
Create Date: 2026-11-27 19:20:46.722015+00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '77d139ed7db7'
down_revision: str | None = '9f6fd448a8eb'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('stat_counters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('metric', sa.String(length=24), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('n', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['election_id'], ['elections.id'], name=op.f('fk_stat_counters_election_id_elections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stat_counters')),
    sa.UniqueConstraint('election_id', 'day', 'region_id', 'category_id', 'metric', 'key', name='uq_stat_counters_cell')
    )
    op.create_table('stat_case_keys',
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('keys', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_stat_case_keys_complaint_id_complaints')),
    sa.PrimaryKeyConstraint('complaint_id', name=op.f('pk_stat_case_keys'))
    )


def downgrade() -> None:
    op.drop_table('stat_case_keys')
    op.drop_table('stat_counters')
