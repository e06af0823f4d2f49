"""An index that lets the dashboard count overdue and due-soon cases from the index alone.

Revision ID: 5b1d0c7e2a41
Revises: e844179c98f9
Create Date: 2026-11-27 19:58:00.000000+00:00
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '5b1d0c7e2a41'
down_revision: str | None = 'e844179c98f9'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index('ix_complaints_election_due',
                              ['election_id', 'due_at', 'region_id', 'primary_category_id', 'received_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_complaints_election_due')
