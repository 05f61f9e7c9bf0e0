"""Each service's own list of categories (Set-up → Services), started from the pairs its
tickets already use.

Revision ID: 0017_service_setup
Revises: 0016_sla_alerts
Create Date: 2026-12-01 15:34:07.088033
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0017_service_setup'
down_revision: str | Sequence[str] | None = '0016_sla_alerts'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('service_categories',
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_service_categories_category_id_categories')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_service_categories_service_id_services')),
    sa.PrimaryKeyConstraint('service_id', 'category_id', name=op.f('pk_service_categories'))
    )
    # A desk upgrading starts with the categories each service's tickets already use.
    op.execute("INSERT INTO service_categories (service_id, category_id) "
               "SELECT DISTINCT service_id, category_id FROM incidents "
               "WHERE service_id IS NOT NULL AND category_id IS NOT NULL")


def downgrade() -> None:
    op.drop_table('service_categories')
