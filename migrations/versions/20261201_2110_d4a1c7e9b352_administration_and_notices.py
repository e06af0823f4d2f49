"""Administration and notices: election names in three languages, configured transfer bodies,
administrative history rows, phone numbers, the outbox and SMS intake.

Existing cases keep their transfer body: each old TransferBody value becomes a
configured body with that code, and `complaints.transferred_to` now refers to it.

Revision ID: d4a1c7e9b352
Revises: d4e7a9c1b2f3
Create Date: 2026-12-01 21:10:00.000000+00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'd4a1c7e9b352'
down_revision: str | None = 'd4e7a9c1b2f3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BODY_KINDS = ('lower_commission', 'higher_commission', 'police', 'prosecutor', 'court', 'state_security')
CHANNELS_BEFORE = ('web', 'api', 'paper', 'phone', 'email')
CHANNELS = CHANNELS_BEFORE + ('sms',)
#: The bodies existing cases may name (code = the old enum value), in three languages.
DEFAULT_BODIES = [
    ('lower_commission', 'Lower election commission', 'Нижестоящая избирательная комиссия',
     'Төмөнкү шайлоо комиссиясы'),
    ('higher_commission', 'Higher election commission', 'Вышестоящая избирательная комиссия',
     'Жогору турган шайлоо комиссиясы'),
    ('police', 'Police', 'Милиция', 'Милиция'),
    ('prosecutor', "Prosecutor's office", 'Прокуратура', 'Прокуратура'),
    ('court', 'Court', 'Суд', 'Сот'),
    ('state_security', 'State Committee for National Security (GKNB)',
     'Государственный комитет национальной безопасности (ГКНБ)',
     'Улуттук коопсуздук боюнча мамлекеттик комитет (УКМК)'),
]


def _enum(name: str, values: Sequence[str]) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def _drop_sqlite_history_guards() -> None:
    if _sqlite():
        op.execute("DROP TRIGGER IF EXISTS case_history_no_update")
        op.execute("DROP TRIGGER IF EXISTS case_history_no_delete")


def _create_sqlite_history_guards() -> None:
    # Rebuilding the table in batch mode drops SQLite's triggers: put the guards back.
    if _sqlite():
        op.execute("CREATE TRIGGER case_history_no_update BEFORE UPDATE ON case_history "
                   "BEGIN SELECT RAISE(ABORT, 'case_history is append-only: UPDATE refused'); END")
        op.execute("CREATE TRIGGER case_history_no_delete BEFORE DELETE ON case_history "
                   "BEGIN SELECT RAISE(ABORT, 'case_history is append-only: DELETE refused'); END")


def upgrade() -> None:
    with op.batch_alter_table('elections') as batch:
        batch.add_column(sa.Column('name_ru', sa.String(length=200), nullable=False, server_default=''))
        batch.add_column(sa.Column('name_ky', sa.String(length=200), nullable=False, server_default=''))
    with op.batch_alter_table('categories') as batch:
        batch.add_column(sa.Column('legal_basis', sa.Text(), nullable=True))
        batch.add_column(sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('phone', sa.String(length=32), nullable=True))
        batch.create_unique_constraint('uq_users_phone', ['phone'])
    with op.batch_alter_table('respondents') as batch:
        batch.add_column(sa.Column('email', sa.String(length=200), nullable=True))

    bodies = op.create_table(
        'transfer_bodies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=48), nullable=False),
        sa.Column('kind', _enum('kind', BODY_KINDS), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('name_ru', sa.String(length=200), nullable=False, server_default=''),
        sa.Column('name_ky', sa.String(length=200), nullable=False, server_default=''),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer_bodies')),
        sa.UniqueConstraint('code', name=op.f('uq_transfer_bodies_code')),
    )
    op.bulk_insert(bodies, [
        {'code': code, 'kind': code, 'name': en, 'name_ru': ru, 'name_ky': ky, 'position': i}
        for i, (code, en, ru, ky) in enumerate(DEFAULT_BODIES)
    ])

    with op.batch_alter_table('complaints') as batch:
        batch.drop_constraint(op.f('ck_complaints_transferred_to'), type_='check')
        batch.alter_column('transferred_to', existing_type=sa.String(length=32), type_=sa.String(length=48),
                           existing_nullable=True)
        batch.create_foreign_key('fk_complaints_transferred_to_transfer_bodies', 'transfer_bodies',
                                 ['transferred_to'], ['code'])
        batch.drop_constraint(op.f('ck_complaints_channel'), type_='check')
        batch.create_check_constraint('channel', _in('channel', CHANNELS))

    _drop_sqlite_history_guards()
    with op.batch_alter_table('case_history') as batch:
        batch.add_column(sa.Column('subject', sa.String(length=64), nullable=True))
        batch.alter_column('complaint_id', existing_type=sa.Integer(), nullable=True)
        batch.alter_column('to_state', existing_type=sa.String(length=32), nullable=True)
        batch.create_index('ix_case_history_subject', ['subject'], unique=False)
        batch.create_check_constraint('case_or_subject', '(complaint_id IS NULL) <> (subject IS NULL)')
        batch.create_check_constraint('case_rows_have_state', 'complaint_id IS NULL OR to_state IS NOT NULL')
    _create_sqlite_history_guards()

    op.create_table(
        'outbox_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('channel', _enum('channel', ('email', 'sms')), nullable=False),
        sa.Column('complaint_id', sa.Integer(), nullable=True),
        sa.Column('event', sa.String(length=48), nullable=False),
        sa.Column('recipient_role', sa.String(length=16), nullable=False),
        sa.Column('recipient', sa.String(length=200), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('dedupe_key', sa.String(length=200), nullable=False),
        sa.Column('message_id', sa.String(length=200), nullable=False),
        sa.Column('status', _enum('status', ('pending', 'sending', 'sent', 'failed', 'unknown')), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'],
                                name=op.f('fk_outbox_messages_complaint_id_complaints')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages')),
        sa.UniqueConstraint('dedupe_key', name=op.f('uq_outbox_messages_dedupe_key')),
        sa.UniqueConstraint('message_id', name=op.f('uq_outbox_messages_message_id')),
    )
    op.create_index('ix_outbox_messages_complaint_id', 'outbox_messages', ['complaint_id'], unique=False)
    op.create_index('ix_outbox_messages_due', 'outbox_messages', ['status', 'next_attempt_at'], unique=False)

    op.create_table(
        'sms_inbound',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('gateway_id', sa.String(length=200), nullable=False),
        sa.Column('sender', sa.String(length=32), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('complaint_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'],
                                name=op.f('fk_sms_inbound_complaint_id_complaints')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sms_inbound_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_inbound')),
        sa.UniqueConstraint('gateway_id', name=op.f('uq_sms_inbound_gateway_id')),
    )
    op.create_index('ix_sms_inbound_complaint_id', 'sms_inbound', ['complaint_id'], unique=False)


def downgrade() -> None:
    """Loses administrative history rows' meaning only if there are any: refuses then,
    because the chain cannot drop rows. Loses SMS channel cases likewise (refuses)."""
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT COUNT(*) FROM case_history WHERE complaint_id IS NULL")).scalar():
        raise RuntimeError("administrative history rows exist: the append-only chain cannot be downgraded")
    if bind.execute(sa.text("SELECT COUNT(*) FROM complaints WHERE channel = 'sms'")).scalar():
        raise RuntimeError("SMS cases exist: the channel cannot be removed")
    op.drop_index('ix_sms_inbound_complaint_id', table_name='sms_inbound')
    op.drop_table('sms_inbound')
    op.drop_index('ix_outbox_messages_due', table_name='outbox_messages')
    op.drop_index('ix_outbox_messages_complaint_id', table_name='outbox_messages')
    op.drop_table('outbox_messages')

    _drop_sqlite_history_guards()
    with op.batch_alter_table('case_history') as batch:
        batch.drop_constraint(op.f('ck_case_history_case_rows_have_state'), type_='check')
        batch.drop_constraint(op.f('ck_case_history_case_or_subject'), type_='check')
        batch.drop_index('ix_case_history_subject')
        batch.alter_column('to_state', existing_type=sa.String(length=32), nullable=False)
        batch.alter_column('complaint_id', existing_type=sa.Integer(), nullable=False)
        batch.drop_column('subject')
    _create_sqlite_history_guards()

    with op.batch_alter_table('complaints') as batch:
        batch.drop_constraint(op.f('ck_complaints_channel'), type_='check')
        batch.create_check_constraint('channel', _in('channel', CHANNELS_BEFORE))
        batch.drop_constraint('fk_complaints_transferred_to_transfer_bodies', type_='foreignkey')
        batch.alter_column('transferred_to', existing_type=sa.String(length=48), type_=sa.String(length=32),
                           existing_nullable=True)
        batch.create_check_constraint('transferred_to', _in('transferred_to', BODY_KINDS))
    # Cases transferred to a body added later go back to its broad kind.
    op.execute(sa.text("UPDATE complaints SET transferred_to = (SELECT kind FROM transfer_bodies "
                       "WHERE transfer_bodies.code = complaints.transferred_to) WHERE transferred_to IS NOT NULL"))
    op.drop_table('transfer_bodies')

    with op.batch_alter_table('respondents') as batch:
        batch.drop_column('email')
    with op.batch_alter_table('users') as batch:
        batch.drop_constraint('uq_users_phone', type_='unique')
        batch.drop_column('phone')
    with op.batch_alter_table('categories') as batch:
        batch.drop_column('retired_at')
        batch.drop_column('legal_basis')
    with op.batch_alter_table('elections') as batch:
        batch.drop_column('name_ky')
        batch.drop_column('name_ru')
