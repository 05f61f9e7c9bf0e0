"""Walk-up satisfaction at pickup: the customer's one tap (a face) and comment, once per repair.

Revision ID: 0014_satisfaction
Revises: 0013_canned_replies
Create Date: 2026-12-01 13:33:40.028635
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = '0014_satisfaction'
down_revision: str | Sequence[str] | None = '0013_canned_replies'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('satisfaction_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('counter_staff_id', sa.Integer(), nullable=True),
    sa.Column('technician_id', sa.Integer(), nullable=True),
    sa.Column('rated_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('score IS NULL OR score BETWEEN 1 AND 3', name=op.f('ck_satisfaction_ratings_score')),
    sa.ForeignKeyConstraint(['counter_staff_id'], ['staff_accounts.id'], name=op.f('fk_satisfaction_ratings_counter_staff_id_staff_accounts')),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_satisfaction_ratings_incident_id_incidents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['technician_id'], ['staff_accounts.id'], name=op.f('fk_satisfaction_ratings_technician_id_staff_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_satisfaction_ratings')),
    sa.UniqueConstraint('incident_id', name=op.f('uq_satisfaction_ratings_incident_id'))
    )
    with op.batch_alter_table('satisfaction_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_satisfaction_ratings_counter_staff_id'), ['counter_staff_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_satisfaction_ratings_rated_at'), ['rated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_satisfaction_ratings_technician_id'), ['technician_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('satisfaction_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_satisfaction_ratings_technician_id'))
        batch_op.drop_index(batch_op.f('ix_satisfaction_ratings_rated_at'))
        batch_op.drop_index(batch_op.f('ix_satisfaction_ratings_counter_staff_id'))

    op.drop_table('satisfaction_ratings')
