"""Knowledge articles and their versions.

Revision ID: 0015_knowledge
Revises: 0014_satisfaction
Create Date: 2026-12-01 13:39:21.169460
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = '0015_knowledge'
down_revision: str | Sequence[str] | None = '0014_satisfaction'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('knowledge_articles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('audience', sa.String(length=10), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('incident_model', sa.String(length=80), nullable=True),
    sa.Column('problem_id', sa.Integer(), nullable=True),
    sa.Column('created_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("audience IN ('staff', 'users')", name=op.f('ck_knowledge_articles_audience')),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_knowledge_articles_category_id_categories')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_accounts.id'], name=op.f('fk_knowledge_articles_created_by_id_staff_accounts')),
    sa.ForeignKeyConstraint(['problem_id'], ['problems.id'], name=op.f('fk_knowledge_articles_problem_id_problems'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_knowledge_articles_service_id_services')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['staff_accounts.id'], name=op.f('fk_knowledge_articles_updated_by_id_staff_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_articles'))
    )
    with op.batch_alter_table('knowledge_articles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_knowledge_articles_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_knowledge_articles_problem_id'), ['problem_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_knowledge_articles_service_id'), ['service_id'], unique=False)

    op.create_table('knowledge_article_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('audience', sa.String(length=10), nullable=False),
    sa.Column('saved_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('saved_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['knowledge_articles.id'], name=op.f('fk_knowledge_article_versions_article_id_knowledge_articles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['saved_by_id'], ['staff_accounts.id'], name=op.f('fk_knowledge_article_versions_saved_by_id_staff_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_article_versions')),
    sa.UniqueConstraint('article_id', 'version', name='one_per_version')
    )
    with op.batch_alter_table('knowledge_article_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_knowledge_article_versions_article_id'), ['article_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('knowledge_article_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_knowledge_article_versions_article_id'))

    op.drop_table('knowledge_article_versions')
    with op.batch_alter_table('knowledge_articles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_knowledge_articles_service_id'))
        batch_op.drop_index(batch_op.f('ix_knowledge_articles_problem_id'))
        batch_op.drop_index(batch_op.f('ix_knowledge_articles_category_id'))

    op.drop_table('knowledge_articles')
