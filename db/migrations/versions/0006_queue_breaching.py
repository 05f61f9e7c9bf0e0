"""Queue: partial index for the "Breaching soon" view (open work past its at-risk instant),
and a narrow id index for jumps into the middle of the history.

Revision ID: 0006_queue_breaching
Revises: 0005_sla_pin
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_queue_breaching"
down_revision: str | Sequence[str] | None = "0005_sla_pin"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = "status IN ('new', 'assigned', 'in_progress', 'pending_customer', 'pending_parts', 'pending_vendor')"


def upgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index("ix_incidents_open_at_risk", ["resolution_at_risk_at"], unique=False,
                              sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN))
        batch_op.create_index("ix_incidents_id", ["id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_id")
        batch_op.drop_index("ix_incidents_open_at_risk", sqlite_where=sa.text(OPEN),
                            postgresql_where=sa.text(OPEN))
