"""SLA outcomes "breached past 100 %": the stored SLA columns are measured again.

No table changes. The rule for the stored due and breach times changed (a due is the
last instant a target can still be met; a breach is recorded once the used time exceeds
the target, no longer at the instant it is used up), and ``sla_paused_at`` now holds the
start of the whole Pending run. The columns are derived from history, so applying this
revision makes ``desk db upgrade`` (``desk.connection.upgrade``, ``RECOMPUTE_AFTER``)
recompute every ticket's SLA columns with ``desk.sla.backfill.recompute_all``; until
then, ``desk sla recompute`` does the same.

Revision ID: 0018_sla_outcomes
Revises: 0017_service_setup
"""
from __future__ import annotations

from collections.abc import Sequence

revision: str = "0018_sla_outcomes"
down_revision: str | Sequence[str] | None = "0017_service_setup"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The recompute needs the SLA engine and the seeded calendars, which a migration must
    # not import; desk.connection.upgrade runs it once the schema is at head.
    pass


def downgrade() -> None:
    # Nothing to undo in the schema; an older Desk reads the recomputed columns as it
    # would its own (a breach one second later than it would have stamped it).
    pass
