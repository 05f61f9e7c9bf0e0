"""E-mail: the desk's mail settings (SMTP out, IMAP in; never a password), templates and
per-service switches, the durable outbox and the inbox of fetched messages.

Grants and the outbox's server rules are db.security's (applied after every upgrade).

Revision ID: 0012_mail
Revises: 0011_counter_waiting
Create Date: 2026-12-01 13:11:07.319858
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = '0012_mail'
down_revision: str | Sequence[str] | None = '0011_counter_waiting'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('mail_event_switches',
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('event', sa.String(length=40), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_mail_event_switches_service_id_services'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('service_id', 'event', name=op.f('pk_mail_event_switches'))
    )
    op.create_table('mail_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('smtp_host', sa.String(length=255), nullable=False),
    sa.Column('smtp_port', sa.Integer(), nullable=False),
    sa.Column('smtp_security', sa.String(length=10), nullable=False),
    sa.Column('smtp_auth', sa.Boolean(), nullable=False),
    sa.Column('from_address', sa.String(length=255), nullable=False),
    sa.Column('from_name', sa.String(length=255), nullable=False),
    sa.Column('imap_host', sa.String(length=255), nullable=False),
    sa.Column('imap_port', sa.Integer(), nullable=False),
    sa.Column('imap_security', sa.String(length=10), nullable=False),
    sa.Column('imap_user', sa.String(length=255), nullable=False),
    sa.Column('imap_mailbox', sa.String(length=255), nullable=False),
    sa.Column('flood_per_hour', sa.Integer(), nullable=False),
    sa.Column('updated_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("imap_security IN ('starttls', 'tls', 'none')", name=op.f('ck_mail_settings_imap_security')),
    sa.CheckConstraint("smtp_security IN ('starttls', 'tls', 'none')", name=op.f('ck_mail_settings_security')),
    sa.CheckConstraint('id = 1', name=op.f('ck_mail_settings_one_row')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['staff_accounts.id'], name=op.f('fk_mail_settings_updated_by_id_staff_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_settings'))
    )
    op.create_table('mail_templates',
    sa.Column('event', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('updated_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['staff_accounts.id'], name=op.f('fk_mail_templates_updated_by_id_staff_accounts')),
    sa.PrimaryKeyConstraint('event', name=op.f('pk_mail_templates'))
    )
    op.create_table('mail_inbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.String(length=500), nullable=False),
    sa.Column('from_address', sa.String(length=320), nullable=False),
    sa.Column('from_name', sa.String(length=300), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('received_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=True),
    sa.Column('unknown_sender', sa.Boolean(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('raw', sa.LargeBinary(), nullable=True),
    sa.Column('fetched_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("outcome IN ('opened', 'commented', 'kept_aside', 'failed')", name=op.f('ck_mail_inbox_outcome')),
    sa.ForeignKeyConstraint(['fetched_by_id'], ['staff_accounts.id'], name=op.f('fk_mail_inbox_fetched_by_id_staff_accounts')),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_mail_inbox_incident_id_incidents'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_inbox')),
    sa.UniqueConstraint('message_id', name=op.f('uq_mail_inbox_message_id'))
    )
    with op.batch_alter_table('mail_inbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_inbox_from_address'), ['from_address'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_inbox_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_inbox_received_at'), ['received_at'], unique=False)

    op.create_table('mail_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event', sa.String(length=40), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=True),
    sa.Column('dedupe_key', sa.String(length=200), nullable=False),
    sa.Column('recipient', sa.String(length=320), nullable=False),
    sa.Column('recipient_name', sa.String(length=300), nullable=False),
    sa.Column('subject', sa.String(length=400), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('message_id', sa.String(length=400), nullable=False),
    sa.Column('thread_refs', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_by', sa.String(length=64), nullable=True),
    sa.Column('claimed_until', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('sent_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'sending', 'sent', 'failed')", name=op.f('ck_mail_outbox_status')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_accounts.id'], name=op.f('fk_mail_outbox_created_by_id_staff_accounts')),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_mail_outbox_incident_id_incidents'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_outbox')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_mail_outbox_dedupe_key')),
    sa.UniqueConstraint('message_id', name=op.f('uq_mail_outbox_message_id'))
    )
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_mail_outbox_due', ['next_attempt_at'], unique=False, sqlite_where=sa.text("status IN ('queued', 'sending')"), postgresql_where=sa.text("status IN ('queued', 'sending')"))
        batch_op.create_index(batch_op.f('ix_mail_outbox_incident_id'), ['incident_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_outbox_incident_id'))
        batch_op.drop_index('ix_mail_outbox_due', sqlite_where=sa.text("status IN ('queued', 'sending')"), postgresql_where=sa.text("status IN ('queued', 'sending')"))

    op.drop_table('mail_outbox')
    with op.batch_alter_table('mail_inbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_inbox_received_at'))
        batch_op.drop_index(batch_op.f('ix_mail_inbox_incident_id'))
        batch_op.drop_index(batch_op.f('ix_mail_inbox_from_address'))

    op.drop_table('mail_inbox')
    op.drop_table('mail_templates')
    op.drop_table('mail_settings')
    op.drop_table('mail_event_switches')
