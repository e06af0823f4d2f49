"""Other spellings of each respondent's name (the Latin forms of official Cyrillic names).

Revision ID: e5b8c2d4f611
Revises: d4e7a1c9b205
Create Date: 2026-12-01 21:45:00.000000+00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'e5b8c2d4f611'
down_revision: str | None = 'd4e7a1c9b205'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('respondents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('alternate_names', sa.Text(), nullable=False, server_default=''))


def downgrade() -> None:
    # Loses the alternate spellings.
    with op.batch_alter_table('respondents', schema=None) as batch_op:
        batch_op.drop_column('alternate_names')
