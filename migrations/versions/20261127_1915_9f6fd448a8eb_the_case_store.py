"""The case store: elections, places, parties, users, complaints, evidence, the hash-chained history.

Revision ID: 9f6fd448a8eb
Revises:
Create Date: 2026-11-27 19:15:13.610528+00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '9f6fd448a8eb'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64


def create_history_guards() -> None:
    """The history is append-only: the database itself refuses UPDATE and DELETE."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION case_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'case_history is append-only: % refused', TG_OP
                    USING ERRCODE = 'insufficient_privilege';
            END $$""")
        op.execute("CREATE TRIGGER case_history_no_update BEFORE UPDATE OR DELETE ON case_history "
                   "FOR EACH ROW EXECUTE FUNCTION case_history_append_only()")
        op.execute("CREATE TRIGGER case_history_no_truncate BEFORE TRUNCATE ON case_history "
                   "FOR EACH STATEMENT EXECUTE FUNCTION case_history_append_only()")
    else:
        op.execute("CREATE TRIGGER case_history_no_update BEFORE UPDATE ON case_history "
                   "BEGIN SELECT RAISE(ABORT, 'case_history is append-only: UPDATE refused'); END")
        op.execute("CREATE TRIGGER case_history_no_delete BEFORE DELETE ON case_history "
                   "BEGIN SELECT RAISE(ABORT, 'case_history is append-only: DELETE refused'); END")


def drop_history_guards() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS case_history_no_truncate ON case_history")
        op.execute("DROP TRIGGER IF EXISTS case_history_no_update ON case_history")
        op.execute("DROP FUNCTION IF EXISTS case_history_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS case_history_no_update")
        op.execute("DROP TRIGGER IF EXISTS case_history_no_delete")


def upgrade() -> None:
    op.create_table('elections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('presidential', 'parliamentary', 'local', 'referendum', name='kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('election_day', sa.Date(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('filing_days', sa.Integer(), nullable=False),
    sa.Column('cure_days', sa.Integer(), nullable=False),
    sa.Column('reply_days', sa.Integer(), nullable=False),
    sa.Column('decision_days', sa.Integer(), nullable=False),
    sa.Column('election_day_decision_hours', sa.Integer(), nullable=False),
    sa.Column('appeal_days', sa.Integer(), nullable=False),
    sa.Column('case_seq', sa.Integer(), nullable=False),
    sa.CheckConstraint('filing_days > 0 AND cure_days > 0 AND reply_days > 0 AND decision_days > 0 AND election_day_decision_hours > 0 AND appeal_days > 0', name=op.f('ck_elections_positive_clocks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_elections')),
    sa.UniqueConstraint('code', name=op.f('uq_elections_code'))
    )
    op.create_table('history_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_history_head_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_history_head'))
    )
    op.create_table('regions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.Enum('oblast', 'city', name='kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_regions')),
    sa.UniqueConstraint('code', name=op.f('uq_regions_code'))
    )
    op.create_table('categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=48), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('refer_to_law_enforcement', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['election_id'], ['elections.id'], name=op.f('fk_categories_election_id_elections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_categories')),
    sa.UniqueConstraint('election_id', 'code', name=op.f('uq_categories_election_id_code'))
    )
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_categories_election_id'), ['election_id'], unique=False)

    op.create_table('districts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_districts_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_districts')),
    sa.UniqueConstraint('region_id', 'name', name=op.f('uq_districts_region_id_name'))
    )
    with op.batch_alter_table('districts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_districts_region_id'), ['region_id'], unique=False)

    op.create_table('respondents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('candidate', 'party', 'commission', 'commission_member', 'state_body', 'official', 'media', 'foreign_state', 'foreign_official', 'private_person', name='kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_folded', sa.String(length=200), nullable=False),
    sa.Column('affiliation', sa.String(length=200), nullable=True),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('election_id', sa.Integer(), nullable=True),
    sa.Column('candidate_status', sa.Enum('registered', 'withdrawn', 'deregistered', name='candidate_status', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(kind = 'candidate') = (candidate_status IS NOT NULL)", name=op.f('ck_respondents_candidate_has_status')),
    sa.ForeignKeyConstraint(['election_id'], ['elections.id'], name=op.f('fk_respondents_election_id_elections')),
    sa.ForeignKeyConstraint(['party_id'], ['respondents.id'], name=op.f('fk_respondents_party_id_respondents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_respondents'))
    )
    with op.batch_alter_table('respondents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_respondents_election_id'), ['election_id'], unique=False)
        batch_op.create_index('ix_respondents_name_lower', ['name_folded'], unique=False)

    op.create_table('precincts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=16), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_precincts_district_id_districts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_precincts')),
    sa.UniqueConstraint('number', name=op.f('uq_precincts_number'))
    )
    with op.batch_alter_table('precincts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_precincts_district_id'), ['district_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('role', sa.Enum('monitor', 'clerk', 'investigator', 'commissioner', 'admin', name='role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('affiliation_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['affiliation_id'], ['respondents.id'], name=op.f('fk_users_affiliation_id_respondents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_role'), ['role'], unique=False)

    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('filers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('voter', 'candidate', 'representative', 'party', 'observer', 'ngo', 'state_body', 'anonymous', name='kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('identity_number', sa.String(length=64), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('phone', sa.String(length=64), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('consent_to_contact', sa.Boolean(), nullable=False),
    sa.Column('accreditation_number', sa.String(length=64), nullable=True),
    sa.Column('organisation', sa.String(length=200), nullable=True),
    sa.Column('represents_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind <> 'observer' OR accreditation_number IS NOT NULL", name=op.f('ck_filers_observer_accreditation')),
    sa.CheckConstraint("kind = 'anonymous' OR name IS NOT NULL", name=op.f('ck_filers_named_unless_anonymous')),
    sa.ForeignKeyConstraint(['represents_id'], ['respondents.id'], name=op.f('fk_filers_represents_id_respondents')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_filers_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_filers'))
    )
    with op.batch_alter_table('filers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_filers_represents_id'), ['represents_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_filers_user_id'), ['user_id'], unique=False)

    op.create_table('complaints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('registration_number', sa.String(length=32), nullable=True),
    sa.Column('seq', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('draft', 'submitted', 'deficient', 'inadmissible', 'transferred', 'under_examination', 'hearing_scheduled', 'decided', 'published', 'appealed', 'appeal_decided', 'reopened', 'withdrawn', 'closed', name='status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('kind', sa.Enum('violation', 'appeal', name='kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('channel', sa.Enum('web', 'api', 'paper', 'phone', 'email', name='channel', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('receiving_body', sa.Enum('cec', 'territorial', 'precinct', name='receiving_body', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('receiving_body_name', sa.String(length=200), nullable=True),
    sa.Column('language', sa.Enum('ky', 'ru', 'en', 'uz', 'other', name='language', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('incident_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('awareness_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('act_date', sa.DateTime(timezone=True), nullable=True),
    sa.Column('act_description', sa.Text(), nullable=True),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('precinct_id', sa.Integer(), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('place_detail', sa.String(length=300), nullable=True),
    sa.Column('filer_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('remedy_sought', sa.Text(), nullable=True),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('late_reason', sa.Text(), nullable=True),
    sa.Column('tracking_code_hash', sa.String(length=64), nullable=True),
    sa.Column('primary_category_id', sa.Integer(), nullable=True),
    sa.Column('primary_respondent_id', sa.Integer(), nullable=True),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('due_clock', sa.Enum('decision', 'cure', 'confirmation', 'appeal', name='due_clock', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('filing_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cure_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reply_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('appeal_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('overdue_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('escalated_to', sa.String(length=32), nullable=True),
    sa.Column('defects', sa.JSON(), nullable=True),
    sa.Column('inadmissible_grounds', sa.JSON(), nullable=True),
    sa.Column('inadmissible_reasons', sa.Text(), nullable=True),
    sa.Column('inadmissible_basis', sa.Text(), nullable=True),
    sa.Column('how_to_appeal', sa.Text(), nullable=True),
    sa.Column('inadmissible_confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('inadmissible_confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('transferred_to', sa.Enum('lower_commission', 'higher_commission', 'police', 'prosecutor', 'court', 'state_security', name='transferred_to', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('transfer_note', sa.Text(), nullable=True),
    sa.Column('hearing_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hearing_place', sa.String(length=300), nullable=True),
    sa.Column('conclusion', sa.Text(), nullable=True),
    sa.Column('withdrawal_reason', sa.Text(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_actor_id', sa.Integer(), nullable=True),
    sa.Column('is_generated', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("(status = 'draft') = (registration_number IS NULL)", name=op.f('ck_complaints_numbered_unless_draft')),
    sa.CheckConstraint("status <> 'deficient' OR cure_due_at IS NOT NULL", name=op.f('ck_complaints_deficient_has_cure_due')),
    sa.CheckConstraint("status <> 'hearing_scheduled' OR hearing_at IS NOT NULL", name=op.f('ck_complaints_hearing_has_date')),
    sa.CheckConstraint("status <> 'inadmissible' OR inadmissible_reasons IS NOT NULL", name=op.f('ck_complaints_inadmissible_has_reasons')),
    sa.CheckConstraint("status <> 'transferred' OR transferred_to IS NOT NULL", name=op.f('ck_complaints_transferred_has_body')),
    sa.CheckConstraint("status <> 'withdrawn' OR withdrawn_at IS NOT NULL", name=op.f('ck_complaints_withdrawn_has_date')),
    sa.CheckConstraint("status = 'draft' OR received_at IS NOT NULL", name=op.f('ck_complaints_received_unless_draft')),
    sa.CheckConstraint("status NOT IN ('decided', 'published') OR decided_at IS NOT NULL", name=op.f('ck_complaints_decided_has_date')),
    sa.CheckConstraint('(due_at IS NULL) = (due_clock IS NULL)', name=op.f('ck_complaints_due_clock_named')),
    sa.CheckConstraint('version > 0', name=op.f('ck_complaints_version_positive')),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_complaints_assignee_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_complaints_created_by_id_users')),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_complaints_district_id_districts')),
    sa.ForeignKeyConstraint(['election_id'], ['elections.id'], name=op.f('fk_complaints_election_id_elections')),
    sa.ForeignKeyConstraint(['filer_id'], ['filers.id'], name=op.f('fk_complaints_filer_id_filers')),
    sa.ForeignKeyConstraint(['inadmissible_confirmed_by_id'], ['users.id'], name=op.f('fk_complaints_inadmissible_confirmed_by_id_users')),
    sa.ForeignKeyConstraint(['last_actor_id'], ['users.id'], name=op.f('fk_complaints_last_actor_id_users')),
    sa.ForeignKeyConstraint(['precinct_id'], ['precincts.id'], name=op.f('fk_complaints_precinct_id_precincts')),
    sa.ForeignKeyConstraint(['primary_category_id'], ['categories.id'], name=op.f('fk_complaints_primary_category_id_categories')),
    sa.ForeignKeyConstraint(['primary_respondent_id'], ['respondents.id'], name=op.f('fk_complaints_primary_respondent_id_respondents')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_complaints_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaints')),
    sa.UniqueConstraint('election_id', 'seq', name=op.f('uq_complaints_election_id_seq')),
    sa.UniqueConstraint('registration_number', name=op.f('uq_complaints_registration_number'))
    )
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaints_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_due_at'), ['due_at'], unique=False)
        batch_op.create_index('ix_complaints_election_status', ['election_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_filer_id'), ['filer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_overdue_since'), ['overdue_since'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_precinct_id'), ['precinct_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_primary_category_id'), ['primary_category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_primary_respondent_id'), ['primary_respondent_id'], unique=False)
        batch_op.create_index('ix_complaints_queue', ['status', 'due_at', 'id'], unique=False)
        batch_op.create_index('ix_complaints_received', ['election_id', 'received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_region_id'), ['region_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_status'), ['status'], unique=False)

    op.create_table('allegations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('legal_provision', sa.String(length=200), nullable=True),
    sa.Column('facts', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_allegations_category_id_categories')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_allegations_complaint_id_complaints')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allegations'))
    )
    with op.batch_alter_table('allegations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allegations_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_allegations_complaint_id'), ['complaint_id'], unique=False)

    op.create_table('appeals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('appellant', sa.Enum('filer', 'respondent', name='appellant', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('body', sa.Enum('territorial_commission', 'cec', 'first_instance_court', 'supreme_court', name='body', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('case_number', sa.String(length=64), nullable=True),
    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.Enum('affirmed', 'reversed', 'remanded', name='outcome', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('outcome_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(outcome IS NULL) = (outcome_at IS NULL)', name=op.f('ck_appeals_outcome_dated')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_appeals_complaint_id_complaints')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_appeals_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeals'))
    )
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appeals_complaint_id'), ['complaint_id'], unique=False)

    op.create_table('case_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=200), nullable=False),
    sa.Column('actor_role', sa.String(length=32), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('action', sa.String(length=48), nullable=False),
    sa.Column('from_state', sa.String(length=32), nullable=True),
    sa.Column('to_state', sa.String(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('internal', sa.Boolean(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_case_history_actor_id_users')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_case_history_complaint_id_complaints')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_history')),
    sa.UniqueConstraint('hash', name=op.f('uq_case_history_hash')),
    sa.UniqueConstraint('seq', name=op.f('uq_case_history_seq'))
    )
    with op.batch_alter_table('case_history', schema=None) as batch_op:
        batch_op.create_index('ix_case_history_complaint_seq', ['complaint_id', 'seq'], unique=False)

    op.create_table('case_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('other_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('duplicate_of', 'related_to', 'joined_with', name='kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('complaint_id <> other_id', name=op.f('ck_case_links_not_self')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_case_links_complaint_id_complaints')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_case_links_created_by_id_users')),
    sa.ForeignKeyConstraint(['other_id'], ['complaints.id'], name=op.f('fk_case_links_other_id_complaints')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_links')),
    sa.UniqueConstraint('complaint_id', 'other_id', 'kind', name=op.f('uq_case_links_complaint_id_other_id_kind'))
    )
    with op.batch_alter_table('case_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_links_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_links_other_id'), ['other_id'], unique=False)

    op.create_table('case_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_case_notes_author_id_users')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_case_notes_complaint_id_complaints')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_notes'))
    )
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_notes_complaint_id'), ['complaint_id'], unique=False)

    op.create_table('complaint_respondents',
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('respondent_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_complaint_respondents_complaint_id_complaints')),
    sa.ForeignKeyConstraint(['respondent_id'], ['respondents.id'], name=op.f('fk_complaint_respondents_respondent_id_respondents')),
    sa.PrimaryKeyConstraint('complaint_id', 'respondent_id', name=op.f('pk_complaint_respondents'))
    )
    with op.batch_alter_table('complaint_respondents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_respondents_respondent_id'), ['respondent_id'], unique=False)

    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Enum('upheld', 'partly_upheld', 'rejected', name='outcome', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('legal_basis', sa.Text(), nullable=False),
    sa.Column('remedy', sa.Text(), nullable=True),
    sa.Column('votes_for', sa.Integer(), nullable=False),
    sa.Column('votes_against', sa.Integer(), nullable=False),
    sa.Column('votes_abstain', sa.Integer(), nullable=False),
    sa.Column('dissent', sa.Text(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('public_text', sa.Text(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('votes_for >= 0 AND votes_against >= 0 AND votes_abstain >= 0', name=op.f('ck_decisions_votes_non_negative')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_decisions_complaint_id_complaints')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_decisions_decided_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions'))
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decisions_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decisions_outcome'), ['outcome'], unique=False)

    op.create_table('evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('photo', 'video', 'audio', 'document', 'link', 'witness_statement', name='kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('media_type', sa.String(length=100), nullable=True),
    sa.Column('size', sa.BigInteger(), nullable=True),
    sa.Column('storage_key', sa.String(length=200), nullable=True),
    sa.Column('original_name', sa.String(length=255), nullable=True),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('captured_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('gps_lat', sa.Float(), nullable=True),
    sa.Column('gps_lon', sa.Float(), nullable=True),
    sa.Column('witness_name', sa.String(length=200), nullable=True),
    sa.Column('confidential', sa.Boolean(), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("sha256 IS NOT NULL OR url IS NOT NULL OR kind = 'witness_statement'", name=op.f('ck_evidence_file_or_url')),
    sa.CheckConstraint('(sha256 IS NULL) = (storage_key IS NULL)', name=op.f('ck_evidence_file_has_hash')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_evidence_complaint_id_complaints')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_evidence_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence')),
    sa.UniqueConstraint('complaint_id', 'sha256', name=op.f('uq_evidence_complaint_id_sha256'))
    )
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_sha256'), ['sha256'], unique=False)

    op.create_table('idempotency_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=True),
    sa.Column('response_status', sa.Integer(), nullable=True),
    sa.Column('response_body', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_idempotency_keys_complaint_id_complaints')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_idempotency_keys_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_keys')),
    sa.UniqueConstraint('user_id', 'key', name=op.f('uq_idempotency_keys_user_id_key'))
    )
    op.create_table('respondent_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('respondent_id', sa.Integer(), nullable=False),
    sa.Column('served_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reply_due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reply_text', sa.Text(), nullable=True),
    sa.Column('reply_received_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_respondent_notices_complaint_id_complaints')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_respondent_notices_created_by_id_users')),
    sa.ForeignKeyConstraint(['respondent_id'], ['respondents.id'], name=op.f('fk_respondent_notices_respondent_id_respondents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_respondent_notices'))
    )
    with op.batch_alter_table('respondent_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_respondent_notices_complaint_id'), ['complaint_id'], unique=False)

    op.create_table('sanctions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('warning', 'fine', 'removal_of_material', 'annulment_of_decision', 'annulment_of_results', 'referral_police', 'referral_prosecutor', 'cancellation_of_registration', name='kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('respondent_id', sa.Integer(), nullable=True),
    sa.Column('amount', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_sanctions_decision_id_decisions')),
    sa.ForeignKeyConstraint(['respondent_id'], ['respondents.id'], name=op.f('fk_sanctions_respondent_id_respondents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sanctions'))
    )
    with op.batch_alter_table('sanctions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sanctions_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sanctions_respondent_id'), ['respondent_id'], unique=False)


    op.execute(sa.text("INSERT INTO history_head (id, seq, last_hash) VALUES (1, 0, :genesis)")
               .bindparams(genesis=GENESIS))
    create_history_guards()

def downgrade() -> None:
    drop_history_guards()
    with op.batch_alter_table('sanctions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sanctions_respondent_id'))
        batch_op.drop_index(batch_op.f('ix_sanctions_decision_id'))

    op.drop_table('sanctions')
    with op.batch_alter_table('respondent_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_respondent_notices_complaint_id'))

    op.drop_table('respondent_notices')
    op.drop_table('idempotency_keys')
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_sha256'))
        batch_op.drop_index(batch_op.f('ix_evidence_complaint_id'))

    op.drop_table('evidence')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decisions_outcome'))
        batch_op.drop_index(batch_op.f('ix_decisions_complaint_id'))

    op.drop_table('decisions')
    with op.batch_alter_table('complaint_respondents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_respondents_respondent_id'))

    op.drop_table('complaint_respondents')
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_notes_complaint_id'))

    op.drop_table('case_notes')
    with op.batch_alter_table('case_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_links_other_id'))
        batch_op.drop_index(batch_op.f('ix_case_links_complaint_id'))

    op.drop_table('case_links')
    with op.batch_alter_table('case_history', schema=None) as batch_op:
        batch_op.drop_index('ix_case_history_complaint_seq')

    op.drop_table('case_history')
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appeals_complaint_id'))

    op.drop_table('appeals')
    with op.batch_alter_table('allegations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allegations_complaint_id'))
        batch_op.drop_index(batch_op.f('ix_allegations_category_id'))

    op.drop_table('allegations')
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaints_status'))
        batch_op.drop_index(batch_op.f('ix_complaints_region_id'))
        batch_op.drop_index('ix_complaints_received')
        batch_op.drop_index('ix_complaints_queue')
        batch_op.drop_index(batch_op.f('ix_complaints_primary_respondent_id'))
        batch_op.drop_index(batch_op.f('ix_complaints_primary_category_id'))
        batch_op.drop_index(batch_op.f('ix_complaints_precinct_id'))
        batch_op.drop_index(batch_op.f('ix_complaints_overdue_since'))
        batch_op.drop_index(batch_op.f('ix_complaints_filer_id'))
        batch_op.drop_index('ix_complaints_election_status')
        batch_op.drop_index(batch_op.f('ix_complaints_due_at'))
        batch_op.drop_index(batch_op.f('ix_complaints_created_by_id'))
        batch_op.drop_index(batch_op.f('ix_complaints_assignee_id'))

    op.drop_table('complaints')
    with op.batch_alter_table('filers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_filers_user_id'))
        batch_op.drop_index(batch_op.f('ix_filers_represents_id'))

    op.drop_table('filers')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_role'))

    op.drop_table('users')
    with op.batch_alter_table('precincts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_precincts_district_id'))

    op.drop_table('precincts')
    with op.batch_alter_table('respondents', schema=None) as batch_op:
        batch_op.drop_index('ix_respondents_name_lower')
        batch_op.drop_index(batch_op.f('ix_respondents_election_id'))

    op.drop_table('respondents')
    with op.batch_alter_table('districts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_districts_region_id'))

    op.drop_table('districts')
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_categories_election_id'))

    op.drop_table('categories')
    op.drop_table('regions')
    op.drop_table('history_head')
    op.drop_table('elections')
