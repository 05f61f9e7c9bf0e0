"""SLA alerts recorded at the instant, escalation rules, staff notifications, the job lease
and team leads.

Revision ID: 0016_sla_alerts
Revises: 0015_knowledge
Create Date: 2026-12-01 15:18:00.838880
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = '0016_sla_alerts'
down_revision: str | Sequence[str] | None = '0015_knowledge'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('job_leases',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('holder', sa.String(length=200), nullable=False),
    sa.Column('acquired_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_job_leases'))
    )
    op.create_table('escalation_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('priority', sa.String(length=2), nullable=True),
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('at_risk_notify_assignee', sa.Boolean(), nullable=False),
    sa.Column('at_risk_notify_team', sa.Boolean(), nullable=False),
    sa.Column('breach_notify_assignee', sa.Boolean(), nullable=False),
    sa.Column('breach_notify_lead', sa.Boolean(), nullable=False),
    sa.Column('breach_reassign_team_id', sa.Integer(), nullable=True),
    sa.Column('breach_raise_urgency', sa.Boolean(), nullable=False),
    sa.Column('by_mail', sa.Boolean(), nullable=False),
    sa.Column('updated_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("priority IS NULL OR priority IN ('P1', 'P2', 'P3', 'P4', 'P5')", name=op.f('ck_escalation_rules_priority_known')),
    sa.ForeignKeyConstraint(['breach_reassign_team_id'], ['teams.id'], name=op.f('fk_escalation_rules_breach_reassign_team_id_teams'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_escalation_rules_service_id_services'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['staff_accounts.id'], name=op.f('fk_escalation_rules_updated_by_id_staff_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalation_rules')),
    sa.UniqueConstraint('scope', name=op.f('uq_escalation_rules_scope'))
    )
    op.create_table('sla_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('target', sa.String(length=10), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('reached_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('due_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('priority', sa.String(length=2), nullable=False),
    sa.Column('recorded_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=True),
    sa.Column('actions', sa.Text(), nullable=False),
    sa.CheckConstraint("level IN ('at_risk', 'breach')", name=op.f('ck_sla_alerts_level_known')),
    sa.CheckConstraint("target IN ('response', 'resolution')", name=op.f('ck_sla_alerts_target_known')),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_sla_alerts_incident_id_incidents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rule_id'], ['escalation_rules.id'], name=op.f('fk_sla_alerts_rule_id_escalation_rules'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sla_alerts')),
    sa.UniqueConstraint('incident_id', 'target', 'level', name=op.f('uq_sla_alerts_incident_id_target_level'))
    )
    with op.batch_alter_table('sla_alerts', schema=None) as batch_op:
        batch_op.create_index('ix_sla_alerts_recorded', ['recorded_at'], unique=False)

    op.create_table('staff_notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('shown_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('read_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['alert_id'], ['sla_alerts.id'], name=op.f('fk_staff_notifications_alert_id_sla_alerts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_staff_notifications_incident_id_incidents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_accounts.id'], name=op.f('fk_staff_notifications_staff_id_staff_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_notifications')),
    sa.UniqueConstraint('alert_id', 'staff_id', name=op.f('uq_staff_notifications_alert_id_staff_id'))
    )
    with op.batch_alter_table('staff_notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_notifications_alert_id'), ['alert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_notifications_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index('ix_staff_notifications_unread', ['staff_id', 'read_at', 'id'], unique=False)

    # A plain ADD COLUMN (no constraint), so SQLite does not rebuild ``teams``.
    op.add_column('teams', sa.Column('lead_id', sa.Integer(), nullable=True))



def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE teams DROP COLUMN lead_id")
    else:
        op.drop_column('teams', 'lead_id')

    with op.batch_alter_table('staff_notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_staff_notifications_unread')
        batch_op.drop_index(batch_op.f('ix_staff_notifications_incident_id'))
        batch_op.drop_index(batch_op.f('ix_staff_notifications_alert_id'))

    op.drop_table('staff_notifications')
    with op.batch_alter_table('sla_alerts', schema=None) as batch_op:
        batch_op.drop_index('ix_sla_alerts_recorded')

    op.drop_table('sla_alerts')
    op.drop_table('escalation_rules')
    op.drop_table('job_leases')
