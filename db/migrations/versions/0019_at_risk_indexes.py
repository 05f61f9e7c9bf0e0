"""Queue: the At risk view and count read two partial indexes of running, unbreached
targets (one per target) instead of every open ticket; they replace the resolution-only
"Breaching soon" index of 0006, which held breached open work too.

Revision ID: 0019_at_risk_indexes
Revises: 0018_sla_outcomes
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_at_risk_indexes"
down_revision: str | Sequence[str] | None = "0018_sla_outcomes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = "status IN ('new', 'assigned', 'in_progress', 'pending_customer', 'pending_parts', 'pending_vendor')"
RESOLUTION_RISK = "status IN ('new', 'assigned', 'in_progress') AND resolution_breached_at IS NULL"
RESPONSE_RISK = f"responded_at IS NULL AND {OPEN} AND response_breached_at IS NULL"


def upgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_open_at_risk", sqlite_where=sa.text(OPEN),
                            postgresql_where=sa.text(OPEN))
        batch_op.create_index("ix_incidents_resolution_risk", ["resolution_at_risk_at", "resolution_due_at"],
                              unique=False, sqlite_where=sa.text(RESOLUTION_RISK),
                              postgresql_where=sa.text(RESOLUTION_RISK))
        batch_op.create_index("ix_incidents_response_risk", ["response_at_risk_at", "response_due_at"],
                              unique=False, sqlite_where=sa.text(RESPONSE_RISK),
                              postgresql_where=sa.text(RESPONSE_RISK))


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_response_risk", sqlite_where=sa.text(RESPONSE_RISK),
                            postgresql_where=sa.text(RESPONSE_RISK))
        batch_op.drop_index("ix_incidents_resolution_risk", sqlite_where=sa.text(RESOLUTION_RISK),
                            postgresql_where=sa.text(RESOLUTION_RISK))
        batch_op.create_index("ix_incidents_open_at_risk", ["resolution_at_risk_at"], unique=False,
                              sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN))
