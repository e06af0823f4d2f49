"""An index for the work queue's "escalated to me", in due order.

Revision ID: e844179c98f9
Revises: 77d139ed7db7
Create Date: 2026-11-27 19:40:25.986371+00:00
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = 'e844179c98f9'
down_revision: str | None = '77d139ed7db7'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index('ix_complaints_escalated_due', ['escalated_to', 'due_at', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_complaints_escalated_due')
