"""The repairs still at the counter (not picked up): a partial index for the counter's home page.

Revision ID: 0011_counter_waiting
Revises: 0010_server_security
Create Date: 2026-12-01 12:40:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011_counter_waiting'
down_revision: str | Sequence[str] | None = '0010_server_security'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_repairs_waiting", "repairs", ["ready_at", "intake_at"],
                    sqlite_where=sa.text("picked_up_at IS NULL"), postgresql_where=sa.text("picked_up_at IS NULL"))


def downgrade() -> None:
    op.drop_index("ix_repairs_waiting", table_name="repairs")
