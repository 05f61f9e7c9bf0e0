"""Saved queue views per staff account (filters + sort + columns as JSON), so a
technician's views follow them to any workstation; and the indexes the queue's
keyset pages walk."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.models.incidents import Incident
from db.types import UTCDateTime


class SavedView(Base):
    __tablename__ = "saved_views"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    # The queue specification (filters, sort, visible columns) as JSON text; its
    # shape belongs to desk.queue.service, the database only keeps it.
    spec: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (UniqueConstraint("staff_id", "name"),)


# The open-work statuses, spelled as the queue service spells its filter so both
# engines match these partial indexes to the queue's queries.
OPEN_STATUS_SQL = "status IN ('new', 'assigned', 'in_progress', 'pending_customer', 'pending_parts', 'pending_vendor')"

FINISHED_STATUS_SQL = "status IN ('resolved', 'closed', 'cancelled')"
MAJOR_SQLITE = "is_major = 1"
MAJOR_PG = "is_major = true"

# Keyset pages walk (sort key, id); open work is a small part of a large history,
# so the open views get partial indexes of their own.
QUEUE_INDEXES = (
    Index("ix_incidents_priority_id", Incident.priority, Incident.id),
    Index("ix_incidents_status_id", Incident.status, Incident.id),
    Index("ix_incidents_open_id", Incident.id,
          sqlite_where=text(OPEN_STATUS_SQL), postgresql_where=text(OPEN_STATUS_SQL)),
    Index("ix_incidents_open_due", Incident.resolution_due_at, Incident.id,
          sqlite_where=text(OPEN_STATUS_SQL), postgresql_where=text(OPEN_STATUS_SQL)),
    Index("ix_incidents_open_priority", Incident.priority, Incident.id,
          sqlite_where=text(OPEN_STATUS_SQL), postgresql_where=text(OPEN_STATUS_SQL)),
    Index("ix_incidents_open_updated", Incident.updated_at, Incident.id,
          sqlite_where=text(OPEN_STATUS_SQL), postgresql_where=text(OPEN_STATUS_SQL)),
    Index("ix_incidents_closed_at", Incident.closed_at, Incident.id),
    # A jump into the middle of the whole history (OFFSET in id order) steps through
    # this narrow index instead of the wide table rows: 180 ms -> 9 ms at 1M on SQLite.
    Index("ix_incidents_id", Incident.id),
    # "Breaching soon": open work whose at-risk instant has passed. Closed history
    # has at-risk instants in the past too, so the plain index would match it all.
    Index("ix_incidents_open_at_risk", Incident.resolution_at_risk_at,
          sqlite_where=text(OPEN_STATUS_SQL), postgresql_where=text(OPEN_STATUS_SQL)),
    # The other built-in views, so their live counts stay cheap at a million tickets.
    Index("ix_incidents_open_channel", Incident.channel, Incident.resolution_due_at, Incident.id,
          sqlite_where=text(OPEN_STATUS_SQL), postgresql_where=text(OPEN_STATUS_SQL)),
    Index("ix_incidents_open_problem", Incident.problem_id,
          sqlite_where=text(OPEN_STATUS_SQL), postgresql_where=text(OPEN_STATUS_SQL)),
    Index("ix_incidents_finished_updated", Incident.updated_at, Incident.id,
          sqlite_where=text(FINISHED_STATUS_SQL), postgresql_where=text(FINISHED_STATUS_SQL)),
    Index("ix_incidents_major_updated", Incident.updated_at, Incident.id,
          sqlite_where=text(MAJOR_SQLITE), postgresql_where=text(MAJOR_PG)),
)
