"""Reports: an index on (closed_at, opened_at), so a period's backlog (tickets opened
before it and not closed before it began) is found without reading every ticket.

Revision ID: 0020_report_backlog_index
Revises: 0019_at_risk_indexes
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0020_report_backlog_index"
down_revision: str | Sequence[str] | None = "0019_at_risk_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index("ix_incidents_closed_opened", ["closed_at", "opened_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_closed_opened")
