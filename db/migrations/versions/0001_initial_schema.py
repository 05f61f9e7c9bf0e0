"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-26

Hand-written parts at the end: full-text search (SQLite FTS5 / PostgreSQL tsvector)
and the triggers that keep the audit log append-only.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = '0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['categories.id'], name=op.f('fk_categories_parent_id_categories')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_categories')),
    sa.UniqueConstraint('name', name=op.f('uq_categories_name'))
    )
    op.create_table('departments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['departments.id'], name=op.f('fk_departments_parent_id_departments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_departments')),
    sa.UniqueConstraint('name', name=op.f('uq_departments_name'))
    )
    with op.batch_alter_table('departments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_departments_parent_id'), ['parent_id'], unique=False)

    op.create_table('number_sequences',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('last_value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_number_sequences'))
    )
    op.create_table('people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('university_id', sa.String(length=32), nullable=False),
    sa.Column('given_name', sa.String(length=200), nullable=False),
    sa.Column('family_name', sa.String(length=200), nullable=False),
    sa.Column('preferred_name', sa.String(length=200), nullable=True),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('phone', sa.String(length=64), nullable=True),
    sa.Column('created_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people')),
    sa.UniqueConstraint('university_id', name=op.f('uq_people_university_id'))
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_email'), ['email'], unique=False)
        batch_op.create_index('ix_people_family_given', ['family_name', 'given_name'], unique=False)

    op.create_table('teams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teams')),
    sa.UniqueConstraint('name', name=op.f('uq_teams_name'))
    )
    op.create_table('affiliations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('is_primary', sa.Boolean(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_affiliations_department_id_departments')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_affiliations_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_affiliations')),
    sa.UniqueConstraint('person_id', 'department_id', name=op.f('uq_affiliations_person_id_department_id'))
    )
    with op.batch_alter_table('affiliations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_affiliations_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_affiliations_person_id'), ['person_id'], unique=False)

    op.create_table('person_statuses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('student', 'staff', 'faculty', 'affiliate', 'alumni', 'guest', 'retiree', name='person_status_kind', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_person_statuses_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_statuses')),
    sa.UniqueConstraint('person_id', 'kind', 'start_date', name=op.f('uq_person_statuses_person_id_kind_start_date'))
    )
    with op.batch_alter_table('person_statuses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_statuses_person_id'), ['person_id'], unique=False)

    op.create_table('services',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('default_team_id', sa.Integer(), nullable=True),
    sa.Column('sla_name', sa.String(length=120), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['default_team_id'], ['teams.id'], name=op.f('fk_services_default_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_services')),
    sa.UniqueConstraint('name', name=op.f('uq_services_name'))
    )
    op.create_table('staff_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=120), nullable=False),
    sa.Column('db_login', sa.String(length=120), nullable=True),
    sa.Column('os_user', sa.String(length=120), nullable=True),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_staff_accounts_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_accounts')),
    sa.UniqueConstraint('db_login', name=op.f('uq_staff_accounts_db_login')),
    sa.UniqueConstraint('os_user', name=op.f('uq_staff_accounts_os_user')),
    sa.UniqueConstraint('username', name=op.f('uq_staff_accounts_username'))
    )
    op.create_table('audit_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('db_user', sa.String(length=120), nullable=True),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('field', sa.String(length=60), nullable=False),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['staff_accounts.id'], name=op.f('fk_audit_log_actor_id_staff_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_entity', ['entity', 'entity_id', 'at'], unique=False)

    op.create_table('incident_models',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('impact', sa.Enum('high', 'medium', 'low', name='model_impact', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('urgency', sa.Enum('high', 'medium', 'low', name='model_urgency', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('channel', sa.Enum('walk_in', 'phone', 'email', 'self_service', 'monitoring', name='model_channel', native_enum=False, create_constraint=True, length=24), nullable=True),
    sa.Column('required_fields', sa.JSON(), nullable=False),
    sa.Column('sla_override', sa.String(length=120), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_incident_models_category_id_categories')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_incident_models_service_id_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_models')),
    sa.UniqueConstraint('name', name=op.f('uq_incident_models_name'))
    )
    op.create_table('problems',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('new', 'investigating', 'known_error', 'resolved', 'closed', name='problem_status', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('root_cause', sa.Text(), nullable=True),
    sa.Column('workaround', sa.Text(), nullable=True),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('major_incident_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['staff_accounts.id'], name=op.f('fk_problems_assignee_id_staff_accounts')),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_problems_category_id_categories')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_accounts.id'], name=op.f('fk_problems_created_by_id_staff_accounts')),
    # incidents and problems point at each other: SQLite accepts the forward
    # reference inline, PostgreSQL gets it once incidents exist (below).
    *([sa.ForeignKeyConstraint(['major_incident_id'], ['incidents.id'], name='fk_problems_major_incident_id_incidents')] if _sqlite() else []),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_problems_service_id_services')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_problems_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_problems')),
    sa.UniqueConstraint('number', name=op.f('uq_problems_number'))
    )
    with op.batch_alter_table('problems', schema=None) as batch_op:
        batch_op.create_index('ix_problems_status', ['status', 'id'], unique=False)

    op.create_table('staff_roles',
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('counter', 'technician', 'supervisor', 'admin', name='staff_role', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_accounts.id'], name=op.f('fk_staff_roles_staff_id_staff_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('staff_id', 'role', name=op.f('pk_staff_roles'))
    )
    op.create_table('team_members',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_accounts.id'], name=op.f('fk_team_members_staff_id_staff_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_team_members_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('team_id', 'staff_id', name=op.f('pk_team_members'))
    )
    with op.batch_alter_table('team_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_members_staff_id'), ['staff_id'], unique=False)

    op.create_table('vip_grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('office', sa.String(length=200), nullable=True),
    sa.Column('granted_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=False),
    sa.Column('grant_reason', sa.Text(), nullable=False),
    sa.Column('revoked_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('revoke_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['granted_by_id'], ['staff_accounts.id'], name=op.f('fk_vip_grants_granted_by_id_staff_accounts')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_vip_grants_person_id_people')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['staff_accounts.id'], name=op.f('fk_vip_grants_revoked_by_id_staff_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vip_grants'))
    )
    with op.batch_alter_table('vip_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vip_grants_person_id'), ['person_id'], unique=False)

    op.create_table('vip_policies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('urgency_levels_raised', sa.Integer(), nullable=False),
    sa.Column('published_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['published_by_id'], ['staff_accounts.id'], name=op.f('fk_vip_policies_published_by_id_staff_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vip_policies')),
    sa.UniqueConstraint('version', name=op.f('uq_vip_policies_version'))
    )
    op.create_table('incident_model_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('model_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('condition', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['model_id'], ['incident_models.id'], name=op.f('fk_incident_model_tasks_model_id_incident_models'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_model_tasks'))
    )
    with op.batch_alter_table('incident_model_tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_model_tasks_model_id'), ['model_id'], unique=False)

    op.create_table('incidents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('caller_id', sa.Integer(), nullable=True),
    sa.Column('acting_status', sa.Enum('student', 'staff', 'faculty', 'affiliate', 'alumni', 'guest', 'retiree', name='incident_acting_status', native_enum=False, create_constraint=True, length=24), nullable=True),
    sa.Column('acting_department_id', sa.Integer(), nullable=True),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('impact', sa.Enum('high', 'medium', 'low', name='incident_impact', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('urgency', sa.Enum('high', 'medium', 'low', name='incident_urgency', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('priority', sa.Enum('P1', 'P2', 'P3', 'P4', 'P5', name='incident_priority', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('priority_explanation', sa.String(length=300), nullable=False),
    sa.Column('vip_policy_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('new', 'assigned', 'in_progress', 'pending_customer', 'pending_vendor', 'pending_parts', 'resolved', 'closed', 'cancelled', name='incident_status', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.Enum('walk_in', 'phone', 'email', 'self_service', 'monitoring', name='incident_channel', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('opened_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('responded_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('response_due_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolution_due_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('response_breached_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolution_breached_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('response_at_risk_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolution_at_risk_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('response_target_s', sa.Integer(), nullable=True),
    sa.Column('resolution_target_s', sa.Integer(), nullable=True),
    sa.Column('response_elapsed_s', sa.Integer(), nullable=True),
    sa.Column('resolution_elapsed_s', sa.Integer(), nullable=True),
    sa.Column('sla_paused_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolution_code', sa.String(length=60), nullable=True),
    sa.Column('resolution_note', sa.Text(), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('problem_id', sa.Integer(), nullable=True),
    sa.Column('model_id', sa.Integer(), nullable=True),
    sa.Column('is_major', sa.Boolean(), nullable=False),
    sa.Column('major_manager_id', sa.Integer(), nullable=True),
    sa.Column('next_update_due_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('version >= 1', name=op.f('ck_incidents_version_positive')),
    sa.ForeignKeyConstraint(['acting_department_id'], ['departments.id'], name=op.f('fk_incidents_acting_department_id_departments')),
    sa.ForeignKeyConstraint(['assignee_id'], ['staff_accounts.id'], name=op.f('fk_incidents_assignee_id_staff_accounts')),
    sa.ForeignKeyConstraint(['caller_id'], ['people.id'], name=op.f('fk_incidents_caller_id_people')),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_incidents_category_id_categories')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_accounts.id'], name=op.f('fk_incidents_created_by_id_staff_accounts')),
    sa.ForeignKeyConstraint(['major_manager_id'], ['staff_accounts.id'], name=op.f('fk_incidents_major_manager_id_staff_accounts')),
    sa.ForeignKeyConstraint(['model_id'], ['incident_models.id'], name=op.f('fk_incidents_model_id_incident_models')),
    sa.ForeignKeyConstraint(['parent_id'], ['incidents.id'], name=op.f('fk_incidents_parent_id_incidents')),
    sa.ForeignKeyConstraint(['problem_id'], ['problems.id'], name=op.f('fk_incidents_problem_id_problems')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_incidents_service_id_services')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_incidents_team_id_teams')),
    sa.ForeignKeyConstraint(['vip_policy_id'], ['vip_policies.id'], name=op.f('fk_incidents_vip_policy_id_vip_policies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incidents')),
    sa.UniqueConstraint('number', name=op.f('uq_incidents_number'))
    )
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.create_index('ix_incidents_assignee_status', ['assignee_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidents_caller_id'), ['caller_id'], unique=False)
        batch_op.create_index('ix_incidents_opened', ['opened_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidents_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidents_problem_id'), ['problem_id'], unique=False)
        batch_op.create_index('ix_incidents_resolution_due', ['resolution_due_at', 'id'], unique=False)
        batch_op.create_index('ix_incidents_resolution_at_risk', ['resolution_at_risk_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidents_service_id'), ['service_id'], unique=False)
        batch_op.create_index('ix_incidents_status_priority', ['status', 'priority', 'id'], unique=False)
        batch_op.create_index('ix_incidents_team_status', ['team_id', 'status'], unique=False)
        batch_op.create_index('ix_incidents_updated', ['updated_at', 'id'], unique=False)

    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=260), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=True),
    sa.Column('added_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['added_by_id'], ['staff_accounts.id'], name=op.f('fk_attachments_added_by_id_staff_accounts')),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_attachments_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_incident_id'), ['incident_id'], unique=False)

    op.create_table('journal_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=True),
    sa.Column('problem_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('public', 'internal', 'comms', name='journal_kind', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(incident_id IS NOT NULL) OR (problem_id IS NOT NULL)', name=op.f('ck_journal_entries_has_record')),
    sa.ForeignKeyConstraint(['author_id'], ['staff_accounts.id'], name=op.f('fk_journal_entries_author_id_staff_accounts')),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_journal_entries_incident_id_incidents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['problem_id'], ['problems.id'], name=op.f('fk_journal_entries_problem_id_problems'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journal_entries'))
    )
    with op.batch_alter_table('journal_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_journal_entries_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_journal_entries_problem_id'), ['problem_id'], unique=False)

    op.create_table('tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('condition', sa.String(length=200), nullable=True),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.Column('skipped', sa.Boolean(), nullable=False),
    sa.Column('done_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['done_by_id'], ['staff_accounts.id'], name=op.f('fk_tasks_done_by_id_staff_accounts')),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_tasks_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tasks'))
    )
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tasks_incident_id'), ['incident_id'], unique=False)

    if not _sqlite():
        op.create_foreign_key('fk_problems_major_incident_id_incidents', 'problems', 'incidents', ['major_incident_id'], ['id'])
    _create_hand_made()


def downgrade() -> None:
    _drop_hand_made()
    if not _sqlite():
        op.drop_constraint('fk_problems_major_incident_id_incidents', 'problems', type_='foreignkey')
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tasks_incident_id'))

    op.drop_table('tasks')
    with op.batch_alter_table('journal_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journal_entries_problem_id'))
        batch_op.drop_index(batch_op.f('ix_journal_entries_incident_id'))

    op.drop_table('journal_entries')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_incident_id'))

    op.drop_table('attachments')
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_index('ix_incidents_updated')
        batch_op.drop_index('ix_incidents_team_status')
        batch_op.drop_index('ix_incidents_status_priority')
        batch_op.drop_index(batch_op.f('ix_incidents_service_id'))
        batch_op.drop_index('ix_incidents_resolution_due')
        batch_op.drop_index('ix_incidents_resolution_at_risk')
        batch_op.drop_index(batch_op.f('ix_incidents_problem_id'))
        batch_op.drop_index(batch_op.f('ix_incidents_parent_id'))
        batch_op.drop_index('ix_incidents_opened')
        batch_op.drop_index(batch_op.f('ix_incidents_caller_id'))
        batch_op.drop_index('ix_incidents_assignee_status')

    op.drop_table('incidents')
    with op.batch_alter_table('incident_model_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_model_tasks_model_id'))

    op.drop_table('incident_model_tasks')
    op.drop_table('vip_policies')
    with op.batch_alter_table('vip_grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vip_grants_person_id'))

    op.drop_table('vip_grants')
    with op.batch_alter_table('team_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_members_staff_id'))

    op.drop_table('team_members')
    op.drop_table('staff_roles')
    with op.batch_alter_table('problems', schema=None) as batch_op:
        batch_op.drop_index('ix_problems_status')

    op.drop_table('problems')
    op.drop_table('incident_models')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_entity')

    op.drop_table('audit_log')
    op.drop_table('staff_accounts')
    op.drop_table('services')
    with op.batch_alter_table('person_statuses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_statuses_person_id'))

    op.drop_table('person_statuses')
    with op.batch_alter_table('affiliations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_affiliations_person_id'))
        batch_op.drop_index(batch_op.f('ix_affiliations_department_id'))

    op.drop_table('affiliations')
    op.drop_table('teams')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index('ix_people_family_given')
        batch_op.drop_index(batch_op.f('ix_people_email'))

    op.drop_table('people')
    op.drop_table('number_sequences')
    with op.batch_alter_table('departments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_departments_parent_id'))

    op.drop_table('departments')
    op.drop_table('categories')


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


_CALLER_TEXT_SQLITE = (
    "(SELECT p.university_id || ' ' || p.given_name || ' ' || p.family_name || ' ' "
    "|| coalesce(p.preferred_name, '') || ' ' || coalesce(p.email, '') "
    "FROM people p WHERE p.id = new.caller_id)"
)

_SQLITE_UP = [
    "CREATE VIRTUAL TABLE incident_search USING fts5("
    "number, title, description, caller, tokenize = 'unicode61 remove_diacritics 2')",
    f"""CREATE TRIGGER incident_search_ai AFTER INSERT ON incidents BEGIN
        INSERT INTO incident_search(rowid, number, title, description, caller)
        VALUES (new.id, new.number, new.title, new.description, {_CALLER_TEXT_SQLITE});
    END""",
    f"""CREATE TRIGGER incident_search_au AFTER UPDATE OF number, title, description, caller_id
        ON incidents BEGIN
        DELETE FROM incident_search WHERE rowid = old.id;
        INSERT INTO incident_search(rowid, number, title, description, caller)
        VALUES (new.id, new.number, new.title, new.description, {_CALLER_TEXT_SQLITE});
    END""",
    """CREATE TRIGGER incident_search_ad AFTER DELETE ON incidents BEGIN
        DELETE FROM incident_search WHERE rowid = old.id;
    END""",
    """CREATE TRIGGER incident_search_people_au
        AFTER UPDATE OF university_id, given_name, family_name, preferred_name, email ON people
        BEGIN
        UPDATE incidents SET caller_id = caller_id WHERE caller_id = new.id;
    END""",
    """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
        SELECT RAISE(ABORT, 'audit_log is append-only');
    END""",
    """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
        SELECT RAISE(ABORT, 'audit_log is append-only');
    END""",
]

_SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_log_no_delete",
    "DROP TRIGGER IF EXISTS audit_log_no_update",
    "DROP TRIGGER IF EXISTS incident_search_people_au",
    "DROP TRIGGER IF EXISTS incident_search_ad",
    "DROP TRIGGER IF EXISTS incident_search_au",
    "DROP TRIGGER IF EXISTS incident_search_ai",
    "DROP TABLE IF EXISTS incident_search",
]

_PG_UP = [
    "ALTER TABLE incidents ADD COLUMN search_vector tsvector",
    """CREATE FUNCTION incident_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE caller_text text;
    BEGIN
        SELECT p.university_id || ' ' || p.given_name || ' ' || p.family_name || ' '
               || coalesce(p.preferred_name, '') || ' ' || coalesce(p.email, '')
          INTO caller_text FROM people p WHERE p.id = NEW.caller_id;
        NEW.search_vector :=
            setweight(to_tsvector('simple', replace(coalesce(NEW.number, ''), '-', ' ')), 'A')
            || setweight(to_tsvector('simple', coalesce(NEW.title, '')), 'B')
            || setweight(to_tsvector('simple', coalesce(caller_text, '')), 'B')
            || setweight(to_tsvector('simple', coalesce(NEW.description, '')), 'C');
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER incident_search_biu BEFORE INSERT OR UPDATE OF number, title, description, caller_id
        ON incidents FOR EACH ROW EXECUTE FUNCTION incident_search_vector()""",
    "CREATE INDEX ix_incidents_search_vector ON incidents USING gin (search_vector)",
    """CREATE FUNCTION incident_search_people() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE incidents SET caller_id = caller_id WHERE caller_id = NEW.id;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER incident_search_people_au
        AFTER UPDATE OF university_id, given_name, family_name, preferred_name, email ON people
        FOR EACH ROW EXECUTE FUNCTION incident_search_people()""",
    """CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit_log is append-only';
    END $$""",
    """CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()""",
]

_PG_DOWN = [
    "DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log",
    "DROP FUNCTION IF EXISTS audit_log_append_only()",
    "DROP TRIGGER IF EXISTS incident_search_people_au ON people",
    "DROP FUNCTION IF EXISTS incident_search_people()",
    "DROP INDEX IF EXISTS ix_incidents_search_vector",
    "DROP TRIGGER IF EXISTS incident_search_biu ON incidents",
    "DROP FUNCTION IF EXISTS incident_search_vector()",
    "ALTER TABLE incidents DROP COLUMN IF EXISTS search_vector",
]


def _create_hand_made() -> None:
    for statement in _SQLITE_UP if _sqlite() else _PG_UP:
        op.execute(statement)


def _drop_hand_made() -> None:
    for statement in _SQLITE_DOWN if _sqlite() else _PG_DOWN:
        op.execute(statement)
