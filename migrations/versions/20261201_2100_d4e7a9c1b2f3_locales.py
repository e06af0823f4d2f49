"""Each account's interface language, and each category's Russian and Kyrgyz names.

Revision ID: d4e7a9c1b2f3
Revises: 4e1b7a9c2d10
Create Date: 2026-12-01 21:00:00.000000+00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'd4e7a9c1b2f3'
down_revision: str | None = '4e1b7a9c2d10'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=8), nullable=True))
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_ru', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('name_ky', sa.String(length=200), nullable=False, server_default=''))


def downgrade() -> None:
    # Loses the chosen languages and the translated category names.
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.drop_column('name_ky')
        batch_op.drop_column('name_ru')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('locale')
