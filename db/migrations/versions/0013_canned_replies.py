"""Canned replies: personal or a team's, inserted into a comment with their placeholders filled.

Revision ID: 0013_canned_replies
Revises: 0012_mail
Create Date: 2026-12-01 13:29:33.605318
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = '0013_canned_replies'
down_revision: str | Sequence[str] | None = '0012_mail'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('canned_replies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('created_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('(owner_id IS NULL) <> (team_id IS NULL)', name=op.f('ck_canned_replies_personal_or_team')),
    sa.ForeignKeyConstraint(['owner_id'], ['staff_accounts.id'], name=op.f('fk_canned_replies_owner_id_staff_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_canned_replies_team_id_teams'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['staff_accounts.id'], name=op.f('fk_canned_replies_updated_by_id_staff_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_canned_replies'))
    )
    with op.batch_alter_table('canned_replies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_canned_replies_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_canned_replies_team_id'), ['team_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('canned_replies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_canned_replies_team_id'))
        batch_op.drop_index(batch_op.f('ix_canned_replies_owner_id'))

    op.drop_table('canned_replies')
