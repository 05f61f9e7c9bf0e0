"""Queue: partial indexes behind the built-in views' live counts (walk-in, problems,
recently closed, major incidents) at a million tickets.

Revision ID: 0007_queue_view_indexes
Revises: 0006_queue_breaching
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_queue_view_indexes"
down_revision: str | Sequence[str] | None = "0006_queue_breaching"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = "status IN ('new', 'assigned', 'in_progress', 'pending_customer', 'pending_parts', 'pending_vendor')"
FINISHED = "status IN ('resolved', 'closed', 'cancelled')"

INDEXES = [
    ("ix_incidents_open_channel", ["channel", "resolution_due_at", "id"], OPEN, OPEN),
    ("ix_incidents_open_problem", ["problem_id"], OPEN, OPEN),
    ("ix_incidents_finished_updated", ["updated_at", "id"], FINISHED, FINISHED),
    ("ix_incidents_major_updated", ["updated_at", "id"], "is_major = 1", "is_major = true"),
]


def upgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        for name, columns, sqlite_where, pg_where in INDEXES:
            batch_op.create_index(name, columns, unique=False, sqlite_where=sa.text(sqlite_where),
                                  postgresql_where=sa.text(pg_where))


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        for name, _columns, sqlite_where, pg_where in reversed(INDEXES):
            batch_op.drop_index(name, sqlite_where=sa.text(sqlite_where), postgresql_where=sa.text(pg_where))
