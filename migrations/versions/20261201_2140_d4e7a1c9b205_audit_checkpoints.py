"""Signed checkpoints, stored Merkle subtree hashes, and a salt per history row.

Revision ID: d4e7a1c9b205
Revises: d4a1c7e9b352
Create Date: 2026-12-01 21:40:00.000000+00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'd4e7a1c9b205'
down_revision: str | None = 'd4a1c7e9b352'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN (no batch copy on SQLite): the append-only triggers stay in place.
    # Rows written before this revision keep a NULL salt; their leaf commits to the row's
    # chain hash instead (transparency.leaf_data).
    op.add_column('case_history', sa.Column('salt', sa.String(length=32), nullable=True))
    op.create_table(
        'merkle_nodes',
        sa.Column('level', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('index', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('hash', sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint('level', 'index', name=op.f('pk_merkle_nodes')),
    )
    op.create_table(
        'audit_checkpoints',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tree_size', sa.BigInteger(), nullable=False),
        sa.Column('root', sa.String(length=64), nullable=False),
        sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('key_id', sa.String(length=64), nullable=False),
        sa.Column('public_key', sa.String(length=64), nullable=False),
        sa.Column('signature', sa.String(length=128), nullable=False),
        sa.Column('chain_hash', sa.String(length=64), nullable=False),
        sa.Column('previous_size', sa.BigInteger(), nullable=True),
        sa.Column('consistency', sa.JSON(), nullable=False),
        sa.CheckConstraint('tree_size > 0', name=op.f('ck_audit_checkpoints_not_empty')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_checkpoints')),
        sa.UniqueConstraint('tree_size', name=op.f('uq_audit_checkpoints_tree_size')),
    )


def downgrade() -> None:
    op.drop_table('audit_checkpoints')
    op.drop_table('merkle_nodes')
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_column('case_history', 'salt')
    else:
        # SQLite's DROP COLUMN keeps the table (and its triggers) in place.
        op.execute('ALTER TABLE case_history DROP COLUMN salt')
