"""Accounts carry a session generation: raising it ends every session signed in before.

Revision ID: 5e7a1c3b9d40
Revises: b81f3c5d9e62
Create Date: 2026-12-01 20:15:00.000000+00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '5e7a1c3b9d40'
down_revision: str | None = 'b81f3c5d9e62'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_generation')
