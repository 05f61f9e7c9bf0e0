"""Incidents remember the SLA version they are measured against.

Revision ID: 0005_sla_pin
Revises: 0004_sla
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005_sla_pin'
down_revision: str | Sequence[str] | None = '0004_sla'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN (no constraint), so SQLite does not rebuild the table and its
    # search triggers stay in place.
    op.add_column('incidents', sa.Column('sla_version_id', sa.Integer(), nullable=True))


def downgrade() -> None:
    # The pins go with the column; after an upgrade back past this revision Desk measures
    # every unpinned ticket again (desk.connection.upgrade, REPIN_AFTER), so they return.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE incidents DROP COLUMN sla_version_id")
    else:
        op.drop_column('incidents', 'sla_version_id')
